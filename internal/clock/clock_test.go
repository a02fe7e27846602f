package clock

import (
	"testing"
	"time"
)

func TestFake(t *testing.T) {
	start := time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)
	f := NewFake(start)
	f.Advance(36 * time.Hour)
	if got := f.Now(); !got.Equal(start.Add(36 * time.Hour)) {
		t.Errorf("after Advance: %v", got)
	}
	f.Set(start)
	if got := f.Now(); !got.Equal(start) {
		t.Errorf("after Set: %v", got)
	}
	if d := time.Since(System{}.Now()); d < 0 || d > time.Minute {
		t.Errorf("System clock is off by %v", d)
	}
}

func TestFakeTimers(t *testing.T) {
	start := time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)
	f := NewFake(start)
	if _, ok := f.NextTimer(); ok {
		t.Fatal("a new clock has a timer")
	}
	now := f.After(0)
	later := f.After(time.Second)
	latest := f.After(time.Minute)
	if got := <-now; !got.Equal(start) {
		t.Errorf("After(0) fired at %v", got)
	}
	if next, ok := f.NextTimer(); !ok || !next.Equal(start.Add(time.Second)) {
		t.Errorf("next timer %v %v, want 1s on", next, ok)
	}
	f.Advance(500 * time.Millisecond)
	select {
	case <-later:
		t.Fatal("a 1s timer fired after 500ms")
	default:
	}
	f.Set(start.Add(2 * time.Second))
	if got := <-later; !got.Equal(start.Add(2 * time.Second)) {
		t.Errorf("1s timer fired at %v", got)
	}
	select {
	case <-latest:
		t.Fatal("a 1m timer fired after 2s")
	default:
	}
	if next, _ := f.NextTimer(); !next.Equal(start.Add(time.Minute)) {
		t.Errorf("next timer %v, want 1m on", next)
	}
}
