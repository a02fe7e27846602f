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
