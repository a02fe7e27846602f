package teams

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"wavebot/internal/clock"
)

// claimCounter counts the claims the adapter asks the store for; with
// fail set, the store cannot be asked.
type claimCounter struct {
	dispatcher
	claims int
	fail   error
}

func (c *claimCounter) Once(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	c.claims++
	if c.fail != nil {
		return false, c.fail
	}
	return c.dispatcher.Once(ctx, key, ttl)
}

// TestRedeliveryOnTwoReplicas: Teams delivers a message again when its
// answer took over 15 seconds, maybe to the other replica. A change,
// typed, pressed on a card or written in a channel, is claimed in the
// store and runs once on any replica; when the store cannot be asked it
// runs. A pure read (a status, a line that is no command) asks the store
// for no claim: the replica that answered it answers it once; another
// answers it again, as if asked again. An activity is known by its
// conversation and its id: the same id in two conversations is two
// messages.
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
	typed := func(line string) map[string]any { return e.message(anna, line) }
	pressed := func(command string) map[string]any {
		act := e.message(anna, "")
		delete(act, "text")
		act["value"] = map[string]any{"command": command}
		return act
	}
	inChannel := func(line string) map[string]any { return e.channelMessage(anna, "<at>wavebot</at> "+line) }
	sameID := func(acts ...map[string]any) []map[string]any {
		for _, act := range acts {
			act["id"] = acts[0]["id"]
		}
		return acts
	}
	down := errors.New("the store does not answer")
	for _, tc := range []struct {
		name string
		// acts are delivered in turn, the first to one replica and the
		// second to to; a single act is delivered twice.
		acts    []map[string]any
		to      *Bot
		fail    error
		answers []int
		claims  int
	}{
		{"a read, twice to one replica", []map[string]any{typed("status b3")}, one, nil, []int{1, 0}, 0},
		{"no command, twice to one replica", []map[string]any{typed("hvad nu")}, one, nil, []int{1, 0}, 0},
		{"a pressed read, twice to one replica", []map[string]any{pressed("status b3")}, one, nil, []int{1, 0}, 0},
		{"a read, to each replica", []map[string]any{typed("status b3")}, other, nil, []int{1, 1}, 0},
		{"a change, twice to one replica", []map[string]any{typed("done b3/BUF kickoff")}, one, nil, []int{1, 0}, 2},
		{"a change, to each replica", []map[string]any{typed("wave create b4 2027-03-01")}, other, nil, []int{1, 0}, 2},
		{"a pressed change, to each replica", []map[string]any{pressed("wave create b5 2027-04-01")}, other, nil, []int{1, 0}, 2},
		{"a change in a channel, to each replica", []map[string]any{inChannel("wave create b6 2027-05-03")}, other, nil, []int{1, 0}, 2},
		{"a change while the store cannot be asked", []map[string]any{typed("wave create b7 2027-06-01")}, one, down, []int{1, 1}, 2},
		{"a read with one id in two conversations", sameID(typed("status b3"), inChannel("status b3")), one, nil, []int{1, 1}, 0},
		{"a change with one id in two conversations", sameID(typed("wave create b8 2027-06-07"), inChannel("wave create b9 2027-06-14")), one, nil, []int{1, 1}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			counter.claims, counter.fail = 0, tc.fail
			defer func() { counter.fail = nil }()
			token := e.token()
			acts := tc.acts
			if len(acts) == 1 {
				acts = append(acts, acts[0])
			}
			var replies [][]byte
			for i, act := range acts {
				before := len(e.conn.Requests())
				e.bot = one
				if i == 1 {
					e.bot = tc.to
				}
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
			if len(tc.acts) == 1 && len(replies) == 2 && tc.fail == nil && !bytes.Equal(replies[0], replies[1]) {
				t.Errorf("the two answers differ:\n%s\n%s", replies[0], replies[1])
			}
		})
	}
	e.bot = one
	for _, id := range []string{"b4", "b5", "b6", "b7", "b8", "b9"} {
		if _, err := e.store.Wave(context.Background(), id); err != nil {
			t.Errorf("wave %s: %v", id, err)
		}
	}
}

// TestRecentRemembersAtLeastAWindow: a key is new once; it is
// remembered for at least a window, and forgotten when the second window
// after its own starts. Past its bound a window starts anew early, and
// the keys of the one before are still remembered.
func TestRecentRemembersAtLeastAWindow(t *testing.T) {
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

// TestRecentTakesEachKeyOnce: replicas' requests run at once; of the
// same keys taken by many of them, each is new to exactly one.
func TestRecentTakesEachKeyOnce(t *testing.T) {
	r := newRecent(clock.NewFake(time.Date(2027, 1, 20, 9, 0, 0, 0, time.UTC)))
	const keys = 200
	var mu sync.Mutex
	firsts := map[string]int{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range keys {
				key := fmt.Sprint("teams:activity:a:1|", i)
				if r.first(key) {
					mu.Lock()
					firsts[key]++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	for i := range keys {
		if key := fmt.Sprint("teams:activity:a:1|", i); firsts[key] != 1 {
			t.Errorf("%s was new %d times, want once", key, firsts[key])
		}
	}
}
