package commands

import (
	"context"
	"testing"

	"wavebot/storage/redis/redistest"
)

// TestObserve: every request is observed once, with the caller, the
// command's name and how it ended, never its text.
func TestObserve(t *testing.T) {
	f := newFixture(t)
	var got []Observation
	f.d.cfg.Observe = func(_ context.Context, o Observation) { got = append(got, o) }
	for _, line := range []string{
		"maria: done b3/BUF info secret note", // ok
		"maria: done b3/BUF info",             // unchanged
		"maria: done b3/SUF pc",               // refused: a KS activity
		"vera: wave create b9 2027-01-01",     // refused: admins only
		"vera: dance",                         // no such command
	} {
		f.do(line)
	}
	want := []Observation{
		{Actor: "maria", Command: "done", Outcome: OK},
		{Actor: "maria", Command: "done", Outcome: Unchanged},
		{Actor: "maria", Command: "done", Outcome: Refused},
		{Actor: "vera", Command: "wave create", Outcome: Refused},
		{Actor: "vera", Command: "", Outcome: Refused},
	}
	if len(got) != len(want) {
		t.Fatalf("observed %+v", got)
	}
	for i, o := range got {
		if o.Took <= 0 {
			t.Errorf("%d: took %v", i, o.Took)
		}
		o.Took = 0
		if o != want[i] {
			t.Errorf("%d: observed %+v, want %+v", i, o, want[i])
		}
	}
}

// TestObserveUnavailable: a request the store could not serve is
// observed as unavailable, not as the person's mistake.
func TestObserveUnavailable(t *testing.T) {
	srv := redistest.Start(t)
	f, _ := newRedisFixture(t, srv.URL())
	var got []Outcome
	f.d.cfg.Observe = func(_ context.Context, o Observation) { got = append(got, o.Outcome) }
	srv.Stop()
	f.do("anna: status b3")
	if len(got) != 1 || got[0] != Unavailable {
		t.Errorf("observed %v, want unavailable", got)
	}
}
