package teams

import (
	"bytes"
	"context"
	"testing"
	"time"

	"wavebot/internal/clock"
)

// claimCounter counts the claims the adapter asks the store for.
type claimCounter struct {
	dispatcher
	claims int
}

func (c *claimCounter) Once(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	c.claims++
	return c.dispatcher.Once(ctx, key, ttl)
}

// TestRedeliveryOnTwoReplicas: Teams delivers a message again when its
// answer took over 15 seconds, maybe to the other replica. A change is
// claimed in the store and runs once on any replica. A pure read (a
// status, a line that is no command) asks the store for no claim: the
// replica that answered it answers it once; another answers it again,
// with the same answer.
func TestRedeliveryOnTwoReplicas(t *testing.T) {
	e := newEnv(t)
	e.say(anna, "wave create b3 2027-02-01 Bølge 3")
	counter := &claimCounter{dispatcher: e.cmds}
	one := e.bot
	one.cmds = counter
	other, err := New(one.cfg, counter)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, line string
		to         []*Bot
		answers    []int
		claims     int
	}{
		{"a read, twice to one replica", "status b3", []*Bot{one, one}, []int{1, 0}, 0},
		{"no command, twice to one replica", "hvad nu", []*Bot{one, one}, []int{1, 0}, 0},
		{"a read, to each replica", "status b3", []*Bot{one, other}, []int{1, 1}, 0},
		{"a change, twice to one replica", "done b3/BUF kickoff", []*Bot{one, one}, []int{1, 0}, 2},
		{"a change, to each replica", "wave create b4 2027-03-01", []*Bot{one, other}, []int{1, 0}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			counter.claims = 0
			act, token := e.message(anna, tc.line), e.token()
			var replies [][]byte
			for i, bot := range tc.to {
				before := len(e.conn.Requests())
				e.bot = bot
				if code := e.post(act, token); code != 200 {
					t.Fatalf("delivery %d answered %d", i+1, code)
				}
				got := e.conn.Requests()[before:]
				if len(got) != tc.answers[i] {
					t.Fatalf("delivery %d was answered %d times, want %d", i+1, len(got), tc.answers[i])
				}
				for _, r := range got {
					replies = append(replies, r.Raw)
				}
			}
			if counter.claims != tc.claims {
				t.Errorf("%d claims in the store, want %d", counter.claims, tc.claims)
			}
			if len(replies) == 2 && !bytes.Equal(replies[0], replies[1]) {
				t.Errorf("the two answers differ:\n%s\n%s", replies[0], replies[1])
			}
		})
	}
	if _, err := e.store.Wave(context.Background(), "b4"); err != nil {
		t.Errorf("wave b4: %v", err)
	}
}

// TestRecentRemembersForOneToTwoWindows: a key is new once; it is
// remembered for at least a window, and forgotten within two. Past its
// bound a window starts anew early, and the keys of the one before are
// still remembered.
func TestRecentRemembersForOneToTwoWindows(t *testing.T) {
	clk := clock.NewFake(time.Date(2027, 1, 20, 9, 0, 0, 0, time.UTC))
	r := newRecent(clk)
	steps := []struct {
		after time.Duration
		key   string
		first bool
	}{
		{0, "a", true},
		{0, "a", false},
		{0, "b", true},
		{recentWindow - time.Second, "a", false},
		{time.Second, "c", true}, // a new window: a and b are in the one before
		{recentWindow - time.Second, "a", false},
		{time.Second, "d", true}, // and another: a and b are forgotten
		{0, "a", true},
		{0, "c", false},
		{2 * recentWindow, "d", true}, // after two idle windows nothing is remembered
		{0, "c", true},
	}
	for i, s := range steps {
		clk.Advance(s.after)
		if got := r.first(s.key); got != s.first {
			t.Fatalf("step %d: first(%q) = %v, want %v", i+1, s.key, got, s.first)
		}
	}

	bounded := newRecent(clk)
	bounded.most = 2
	for i, s := range []struct {
		key   string
		first bool
	}{{"a", true}, {"b", true}, {"c", true}, {"a", false}, {"d", true}, {"e", true}, {"d", false}, {"a", true}} {
		if got := bounded.first(s.key); got != s.first {
			t.Fatalf("bounded, step %d: first(%q) = %v, want %v", i+1, s.key, got, s.first)
		}
	}
}
