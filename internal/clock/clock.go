// Package clock gives wavebot its time as an input: the system clock in
// production, a settable one in the console and in tests.
package clock

import (
	"slices"
	"sync"
	"time"
)

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// System is the real clock.
type System struct{}

// Now returns the current time.
func (System) Now() time.Time { return time.Now() }

// After waits for d to pass, like time.After.
func (System) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Fake is a clock that moves only when told to. Its timers fire when it is
// moved past them. It is safe for concurrent use.
type Fake struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
}

type waiter struct {
	at time.Time
	ch chan time.Time
}

// NewFake returns a fake clock standing at t.
func NewFake(t time.Time) *Fake { return &Fake{now: t} }

// Now returns the fake time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// Set moves the clock to t and fires the timers that have come due.
func (f *Fake) Set(t time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = t
	f.fire()
}

// Advance moves the clock forward by d and fires the timers that have come due.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
	f.fire()
}

// After returns a channel that receives the fake time once the clock has
// been moved d past now.
func (f *Fake) After(d time.Duration) <-chan time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := make(chan time.Time, 1)
	f.waiters = append(f.waiters, waiter{at: f.now.Add(d), ch: ch})
	f.fire()
	return ch
}

// NextTimer returns when the earliest waiting timer fires; false when none waits.
func (f *Fake) NextTimer() (time.Time, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.waiters) == 0 {
		return time.Time{}, false
	}
	return slices.MinFunc(f.waiters, func(a, b waiter) int { return a.at.Compare(b.at) }).at, true
}

// fire releases the waiters whose time has come; f.mu is held.
func (f *Fake) fire() {
	f.waiters = slices.DeleteFunc(f.waiters, func(w waiter) bool {
		if w.at.After(f.now) {
			return false
		}
		w.ch <- f.now
		return true
	})
}
