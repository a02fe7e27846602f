package slack

import (
	"sync"
	"testing"
	"time"
)

// TestWorkersAreKept: work handed over after earlier work ended runs on
// the worker that did it, work that overlaps gets a worker of its own,
// and Wait waits for all of it. A worker registers as idle before Wait
// can return, so counting the idle workers after it is exact.
func TestWorkersAreKept(t *testing.T) {
	var p workers
	p.idleFor = func(time.Duration) <-chan time.Time { return nil } // never ends
	idleWorkers := func() int {
		p.mu.Lock()
		defer p.mu.Unlock()
		return len(p.idle)
	}
	var mu sync.Mutex
	ran := map[string]int{}
	job := func(name string, hold <-chan struct{}) func() {
		return func() {
			if hold != nil {
				<-hold
			}
			mu.Lock()
			ran[name]++
			mu.Unlock()
		}
	}
	for _, name := range []string{"first", "second", "third"} {
		p.Go(job(name, nil))
		p.Wait()
		if n := idleWorkers(); n != 1 {
			t.Fatalf("after %s: %d idle workers, want the one that ran it", name, n)
		}
	}
	hold := make(chan struct{})
	p.Go(job("held", hold))
	p.Go(job("beside", nil)) // the only worker is busy: a second starts
	close(hold)
	p.Wait()
	if n := idleWorkers(); n != 2 {
		t.Fatalf("%d idle workers after two overlapping jobs, want 2", n)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, name := range []string{"first", "second", "third", "held", "beside"} {
		if ran[name] != 1 {
			t.Errorf("%s ran %d times", name, ran[name])
		}
	}
}

// TestIdleWorkerEnds: a worker whose wait runs out leaves, and the next
// work starts a new one.
func TestIdleWorkerEnds(t *testing.T) {
	var p workers
	idle := make(chan chan time.Time, 4)
	p.idleFor = func(time.Duration) <-chan time.Time {
		c := make(chan time.Time, 1)
		idle <- c
		return c
	}
	ended := make(chan struct{}, 1)
	p.ended = func() { ended <- struct{}{} }
	p.Go(func() {})
	p.Wait()
	await(t, idle) <- time.Now()
	await(t, ended)
	if len(p.idle) != 0 {
		t.Fatalf("%d idle workers after the only one ended", len(p.idle))
	}
	done := make(chan struct{})
	p.Go(func() { close(done) })
	await(t, done)
}

func await[T any](t *testing.T, c <-chan T) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("waited in vain")
		var zero T
		return zero
	}
}

// TestWorkerTakenAsItTimesOut: work handed to a worker whose wait runs
// out at that moment still runs. The wait here hands over the work
// itself and runs out at once, so the worker finds both ready and takes
// either; over the rounds it takes each.
func TestWorkerTakenAsItTimesOut(t *testing.T) {
	var p workers
	var handOver func() bool
	p.idleFor = func(time.Duration) <-chan time.Time {
		c := make(chan time.Time, 1)
		if handOver() {
			c <- time.Now()
		}
		return c
	}
	const rounds = 40
	done := make(chan int, rounds)
	round := 0
	handOver = func() bool {
		if round++; round > rounds {
			return false
		}
		n := round
		p.Go(func() { done <- n })
		return true
	}
	p.Go(func() {})
	for range rounds {
		await(t, done)
	}
	waited := make(chan struct{})
	go func() { p.Wait(); close(waited) }()
	await(t, waited)
}
