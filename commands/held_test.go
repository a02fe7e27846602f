package commands

import (
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"

	"wavebot/notify"
	"wavebot/storage/bolt"
	"wavebot/wave"
)

// heldFixture is the fixture on a store that keeps the reminder engine's
// due index, with a sweeper whose deployment reaches nobody: every notice
// it finds is held for its person.
func heldFixture(t *testing.T) (*fixture, *notify.Sweeper) {
	t.Helper()
	policy := notify.DefaultPolicy(wave.Copenhagen())
	s, err := bolt.Open(t.TempDir(), policy)
	if err != nil {
		t.Fatal(err)
	}
	f := newFixtureOn(t, s)
	s.Clock = f.clock
	d := notify.NewDelivery(notify.Router{}, s, f.clock)
	d.Pace = 0
	return f, &notify.Sweeper{Store: s, Policy: policy, Delivery: d, Clock: f.clock, Batch: 100, MaxRounds: 1, Logger: slog.New(slog.DiscardHandler)}
}

// retryOf is when the notice wave b3 holds for person is tried next.
func (f *fixture) retryOf(person string) time.Time {
	f.t.Helper()
	w, err := f.store.Wave(context.Background(), "b3")
	if err != nil {
		f.t.Fatal(err)
	}
	held := w.HeldFor(person)
	if len(held) != 1 {
		f.t.Fatalf("b3 holds %+v for %s, want one notice", held, person)
	}
	return held[0].Retry
}

func (f *fixture) waiting(person string) []string {
	f.t.Helper()
	p, err := f.store.Person(context.Background(), person)
	if err != nil {
		f.t.Fatal(err)
	}
	return p.Waiting
}

// TestWaitingNoticesWakeWhenThePersonIsReachable: a welcome held for a
// person goes out at the next sweep, not the next morning, when the person
// writes to wavebot, when a platform stores how to reach them, or when an
// admin links them; until then a person can see what waits for them.
func TestWaitingNoticesWakeWhenThePersonIsReachable(t *testing.T) {
	f, sw := heldFixture(t)
	ctx := context.Background()
	f.ok("anna: contact b3/SUF @teams:P1 @vera")
	f.clock.Advance(time.Second)
	if _, err := sw.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	morning := wave.Copenhagen().At(wave.Date{Year: 2027, Month: 1, Day: 21}, 9, 0)
	for _, person := range []string{"teams:P1", "vera", "maria"} {
		if got := f.retryOf(person); !got.Equal(morning) || !slices.Equal(f.waiting(person), []string{"b3"}) {
			t.Fatalf("%s: tried again %v, waiting in %v; want %v, b3", person, got, f.waiting(person), morning)
		}
	}
	r, ok := f.d.Waiting(ctx, "teams:P1")
	wantIn(t, text(r), "Beskeder, der venter på dig",
		"b3/SUF: Velkommen som forvaltningens tovholder i bølge b3 (Bølge 3)",
		"(venter siden onsdag 20. januar 2027 kl. 12.00, højst til 19. februar 2027)")
	if !ok {
		t.Error("Waiting says nothing waits for teams:P1")
	}
	if _, ok := f.d.Waiting(ctx, "kim"); ok {
		t.Error("something waits for kim")
	}

	f.clock.Advance(time.Hour)
	now := f.clock.Now()
	f.ok("teams:P1: my")
	if got := f.retryOf("teams:P1"); !got.Equal(now) {
		t.Errorf("after writing: tried again %v, want now", got)
	}
	if got := f.retryOf("vera"); !got.Equal(morning) {
		t.Errorf("vera's welcome was woken too: %v", got)
	}
	if _, ok := f.d.Waiting(ctx, "teams:P1"); !ok {
		t.Error("teams:P1's welcome is woken, not sent: it still waits")
	}

	f.clock.Advance(time.Minute)
	if err := f.d.SetAddress(ctx, "vera", "teams", "ref-vera"); err != nil {
		t.Fatal(err)
	}
	if got := f.retryOf("vera"); !got.Equal(f.clock.Now()) {
		t.Errorf("after an address: tried again %v", got)
	}

	f.clock.Advance(time.Minute)
	f.ok("anna: link @maria teams:M1")
	if got := f.retryOf("maria"); !got.Equal(f.clock.Now()) {
		t.Errorf("after the link: tried again %v", got)
	}

	// The notices go out (here: are given up, as nothing reaches anyone)
	// and the waves come off the people's lists.
	f.clock.Advance(notify.HoldFor)
	for range 3 {
		if _, err := sw.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for _, person := range []string{"teams:P1", "vera", "maria"} {
		if w := f.waiting(person); len(w) != 0 {
			t.Errorf("%s still waits in %v", person, w)
		}
	}
	if _, ok := f.d.Waiting(ctx, "teams:P1"); ok {
		t.Error("something still waits for teams:P1")
	}
}
