package slack

import (
	"slices"
	"sync"
	"time"
)

// workerIdle is how long a worker waits for more work before it ends.
const workerIdle = 10 * time.Second

// workers runs functions on goroutines kept from earlier work. A
// goroutine that has run a command has grown its stack to what commands
// need; a fresh one per request grows it again each time, which costs a
// slash command more than its reads from the store's cache. A busy bot
// keeps as many workers as it has commands in flight, the one that ran
// last taking the next; a worker left idle for workerIdle ends. The zero
// value is ready to use.
type workers struct {
	mu sync.Mutex
	// idle holds the hand-over of each worker waiting for work, the
	// latest last.
	idle    []chan func()
	running sync.WaitGroup
	// idleFor, when set, replaces time.After for a worker's wait; ended,
	// when set, is called as a worker ends. Tests set them.
	idleFor func(time.Duration) <-chan time.Time
	ended   func()
}

// Go runs f on the worker that went idle last, or on a new one when none
// is idle.
func (p *workers) Go(f func()) {
	p.running.Add(1)
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		next := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		next <- f
		return
	}
	p.mu.Unlock()
	go p.work(f)
}

// work runs f and then whatever it is handed, until it has waited
// workerIdle for more.
func (p *workers) work(f func()) {
	next := make(chan func(), 1)
	wait := p.idleFor
	if wait == nil {
		wait = time.After
	}
	for {
		f()
		p.mu.Lock()
		p.idle = append(p.idle, next)
		p.mu.Unlock()
		p.running.Done()
		select {
		case f = <-next:
			continue
		case <-wait(workerIdle):
		}
		p.mu.Lock()
		i := slices.Index(p.idle, next)
		if i >= 0 {
			p.idle = slices.Delete(p.idle, i, i+1)
		}
		p.mu.Unlock()
		if i < 0 { // Go took this worker as it timed out
			f = <-next
			continue
		}
		if p.ended != nil {
			p.ended()
		}
		return
	}
}

// Wait waits until every function handed to Go has returned.
func (p *workers) Wait() { p.running.Wait() }
