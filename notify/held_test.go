package notify

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"wavebot/internal/clock"
	"wavebot/storage"
	"wavebot/storage/redis/redistest"
	"wavebot/wave"
)

// quietWave is b3 with every activity closed, slack:U1 its KS lead and
// teams:P1 named contact of BUF at named, half an hour after the
// watermark: the welcome is its only reminder.
func quietWave(t testing.TB, named time.Time) wave.Wave {
	t.Helper()
	w := simulatedWave(t)
	w.Lead = "slack:U1"
	e := &w.Enrolments[0]
	if err := e.SetStatus(wave.EvaluationActivity, wave.StatusDone, "", "anna", time.Time{}); err != nil {
		t.Fatal(err)
	}
	e.AddContacts(named, "teams:P1")
	w.Reminded = named.Add(-30 * time.Minute)
	return w
}

// welcomeKey is the key of teams:P1's welcome when named at named.
func welcomeKey(named time.Time) string {
	return "b3/BUF|welcome|" + named.UTC().Format(time.RFC3339Nano) + "|teams:P1"
}

// unreachable is a Teams that cannot reach teams:P1 until it is told.
func unreachable() *counter {
	return &counter{fail: map[string]error{"teams:P1": fmt.Errorf("%w: no conversation with teams:P1", ErrUndeliverable)}}
}

func (c *counter) reach(recipient string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.fail, recipient)
}

func (c *counter) tries(recipient string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.attempts[recipient]
}

func loadWave(t *testing.T, s storage.Store) wave.Wave {
	t.Helper()
	w, err := s.Wave(context.Background(), "b3")
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestNoticeWaitsForItsPerson: a welcome to a person no platform reaches
// is not undeliverable: the wave holds it, pending in the ledger, the KS
// lead is told once, and the person is marked as waiting. It is tried at
// each sending time; when the person becomes reachable and is woken, it
// goes out at the next sweep, once, under the key it was first due with.
func TestNoticeWaitsForItsPerson(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		clk := clockAt(t0)
		named := t0.Add(-30 * time.Minute)
		s := boltWave(t, clk, quietWave(t, named))
		if _, err := s.EnsurePerson(ctx, wave.Person{ID: "teams:P1"}, wave.Event{Actor: "teams:P1"}, false); err != nil {
			t.Fatal(err)
		}
		slack, teams := &counter{}, unreachable()
		sw := sweeper(s, Router{"slack": slack, "teams": teams}, clk)
		welcome := welcomeKey(named)

		runFor(sw, time.Hour)
		if got := state(t, s, "teams:P1", welcome); got.Outcome != storage.Pending {
			t.Errorf("the welcome is %+v, want pending", got)
		}
		w := loadWave(t, s)
		wednesday := cph.At(day("2027-02-17"), 9, 0)
		if len(w.Held) != 1 || w.Held[0].Person != "teams:P1" || !w.Held[0].At.Equal(named) || !w.Held[0].Retry.Equal(wednesday) {
			t.Errorf("held %+v, want the welcome, tried again %v", w.Held, wednesday)
		}
		if got := slack.keys("slack:U1"); !slices.Equal(got, []string{"b3/BUF|delivery-failed|teams:P1|slack:U1"}) {
			t.Errorf("the lead got %v, want one notice about teams:P1", got)
		}
		if p, err := s.Person(ctx, "teams:P1"); err != nil || !slices.Equal(p.Waiting, []string{"b3"}) {
			t.Errorf("teams:P1 waits in %v, %v; want b3", p.Waiting, err)
		}

		// Wednesday and Thursday morning: tried again, still held.
		runFor(sw, 48*time.Hour)
		if n := teams.tries("teams:P1"); n != 3 {
			t.Errorf("%d tries, want one and one each morning", n)
		}
		if len(teams.keys("teams:P1")) != 0 || len(loadWave(t, s).Held) != 1 {
			t.Errorf("delivered %v, held %v", teams.keys("teams:P1"), loadWave(t, s).Held)
		}

		// Thursday 10:00 the person installs the app and is woken: the
		// welcome goes out at the next sweep, not Friday morning.
		teams.reach("teams:P1")
		if _, err := s.UpdateWave(ctx, "b3", func(w *wave.Wave) ([]wave.Event, error) {
			if !w.WakeHeld("teams:P1", clk.Now()) {
				t.Error("nothing held for teams:P1")
			}
			return nil, nil
		}); err != nil {
			t.Fatal(err)
		}
		runFor(sw, 2*time.Minute)
		if got := teams.keys("teams:P1"); !slices.Equal(got, []string{welcome}) {
			t.Errorf("teams:P1 got %v, want the welcome %s", got, welcome)
		}
		if got := state(t, s, "teams:P1", welcome); got.Outcome != storage.Delivered {
			t.Errorf("the welcome is %+v, want delivered", got)
		}
		if w := loadWave(t, s); len(w.Held) != 0 {
			t.Errorf("still held: %+v", w.Held)
		}
		if p, err := s.Person(ctx, "teams:P1"); err != nil || len(p.Waiting) != 0 {
			t.Errorf("teams:P1 still waits in %v, %v", p.Waiting, err)
		}
		runFor(sw, 48*time.Hour)
		checkOnce(t, teams, 1)
		if n := len(slack.keys("slack:U1")); n != 1 {
			t.Errorf("the lead got %d notices, want one", n)
		}
	})
}

// TestHeldNoticeIsGivenUp: a notice waits HoldFor (thirty days) from when
// it first fell due, tried each business morning; then it is
// undeliverable, recorded as such, and the wave holds it no more.
func TestHeldNoticeIsGivenUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockAt(t0)
		named := t0.Add(-30 * time.Minute)
		s := boltWave(t, clk, quietWave(t, named))
		slack, teams := &counter{}, unreachable()
		sw := sweeper(s, Router{"slack": slack, "teams": teams}, clk)
		welcome := welcomeKey(named)

		runFor(sw, 30*24*time.Hour-time.Hour) // 29 days and 23 hours after it was named
		if got := state(t, s, "teams:P1", welcome); got.Outcome != storage.Pending || len(loadWave(t, s).Held) != 1 {
			t.Errorf("before thirty days: %+v, held %v; want pending and held", got, loadWave(t, s).Held)
		}
		// One try at once, one each business morning from 17 February to
		// 17 March, 21 in all.
		if n := teams.tries("teams:P1"); n != 22 {
			t.Errorf("%d tries, want 22", n)
		}
		runFor(sw, 2*time.Hour)
		if got := state(t, s, "teams:P1", welcome); got.Outcome != storage.Undeliverable {
			t.Errorf("after thirty days: %+v, want undeliverable", got)
		}
		if n := teams.tries("teams:P1"); n != 23 {
			t.Errorf("%d tries, want a last one after thirty days", n)
		}
		if w := loadWave(t, s); len(w.Held) != 0 {
			t.Errorf("still held: %+v", w.Held)
		}
		if _, ok, _ := s.NextDue(context.Background()); ok {
			t.Error("the wave is still due")
		}
		if n := len(slack.keys("slack:U1")); n != 1 {
			t.Errorf("the lead got %d notices, want one", n)
		}
	})
}

// TestHeldWelcomeEndsWithTheContact: a welcome held for a person taken off
// the enrolment is not sent when they become reachable, and the wave
// forgets it.
func TestHeldWelcomeEndsWithTheContact(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		clk := clockAt(t0)
		named := t0.Add(-30 * time.Minute)
		s := boltWave(t, clk, quietWave(t, named))
		teams := unreachable()
		sw := sweeper(s, Router{"slack": &counter{}, "teams": teams}, clk)
		runFor(sw, time.Hour)
		teams.reach("teams:P1")
		if _, err := s.UpdateWave(ctx, "b3", func(w *wave.Wave) ([]wave.Event, error) {
			w.RemoveContact("BUF", "teams:P1")
			w.WakeHeld("teams:P1", clk.Now())
			return nil, nil
		}); err != nil {
			t.Fatal(err)
		}
		runFor(sw, 48*time.Hour)
		if got := teams.keys("teams:P1"); len(got) != 0 {
			t.Errorf("teams:P1 got %v after leaving the enrolment", got)
		}
		if w := loadWave(t, s); len(w.Held) != 0 {
			t.Errorf("still held: %+v", w.Held)
		}
		if n := teams.tries("teams:P1"); n != 1 {
			t.Errorf("%d tries, want the first only", n)
		}
	})
}

// TestHeldNoticeOnceFromThreeReplicas: three replicas on one Redis hold a
// notice and, once its person is reachable and woken, send it once.
func TestHeldNoticeOnceFromThreeReplicas(t *testing.T) {
	stores := replicas(t, redistest.URL(t), 3, nil)
	named := t0.Add(-30 * time.Minute)
	if err := stores[0].CreateWave(context.Background(), quietWave(t, named), wave.Event{Wave: "b3"}); err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(t0)
	slack, teams := &counter{}, unreachable()
	n := Router{"slack": slack, "teams": teams}
	sweepAtOnce(t, stores, n, clk)
	clk.Advance(2 * time.Minute)
	sweepAtOnce(t, stores, n, clk)
	if w := loadWave(t, stores[1]); len(w.Held) != 1 {
		t.Fatalf("held %+v, want the welcome", w.Held)
	}
	teams.reach("teams:P1")
	if _, err := stores[2].UpdateWave(context.Background(), "b3", func(w *wave.Wave) ([]wave.Event, error) {
		w.WakeHeld("teams:P1", clk.Now())
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		clk.Advance(2 * time.Minute)
		sweepAtOnce(t, stores, n, clk)
	}
	checkOnce(t, teams, 1)
	if got := teams.keys("teams:P1"); !slices.Equal(got, []string{welcomeKey(named)}) {
		t.Errorf("teams:P1 got %v", got)
	}
	checkOnce(t, slack, 1)
}

// TestUndeliverableDigestHoldsItsNotices: of a digest no platform can
// bring its person, the one-off notices younger than HoldFor are held,
// pending in the ledger, and the rest are undeliverable; the person's
// lane is let go at once. A channel's news is never held.
func TestUndeliverableDigestHoldsItsNotices(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockAt(t0)
		ledger := boltLedger(t, clk, nil)
		gone := fmt.Errorf("%w: no platform", ErrUndeliverable)
		n := &scripted{clk: clk, answers: map[string][]error{"maria": {gone}, "slack:#C1": {gone}}}
		d := testDelivery(n, ledger, clk)
		welcome := Reminder{Key: "welcome", Kind: Welcome, Recipient: "maria", At: t0}
		old := Reminder{Key: "old-welcome", Kind: Welcome, Recipient: "maria", At: t0, Since: t0.Add(-d.HoldFor)}
		answered := Reminder{Key: "answered", Kind: AuthAnswered, Recipient: "maria", At: t0, Since: t0.Add(-d.HoldFor + time.Second)}
		overdue := Reminder{Key: "overdue", Kind: AuthOverdue, Recipient: "maria", At: t0}
		news := Reminder{Key: "news", Kind: Kind(wave.MilestoneClosed), Recipient: "slack:#C1", At: t0}
		res := d.Send(context.Background(), []Digest{NewDigest("maria", []Reminder{welcome, old, answered, overdue}), NewDigest("slack:#C1", []Reminder{news})}, t0.Add(time.Minute))
		var held []string
		for _, r := range res[0].Held {
			held = append(held, r.Key)
		}
		slices.Sort(held)
		c, err := ledger.ClaimRecipient(context.Background(), storage.LaneRequest{Recipient: "maria", Token: "next", Lease: time.Second})
		if err != nil || !c.Granted {
			t.Errorf("maria's lane was not let go: %+v, %v", c, err)
		}
		pass(time.Second)
		if !slices.Equal(held, []string{"answered", "welcome"}) || res[0].Sent {
			t.Errorf("held %v, sent %v; want the two notices younger than thirty days", held, res[0].Sent)
		}
		for key, want := range map[string]storage.Outcome{"welcome": storage.Pending, "answered": storage.Pending, "old-welcome": storage.Undeliverable, "overdue": storage.Undeliverable} {
			if got := state(t, ledger, "maria", key); got.Outcome != want || res[0].Outcomes[key] != want {
				t.Errorf("%s: ledger %+v, result %q; want %q", key, got, res[0].Outcomes[key], want)
			}
		}
		if len(res[1].Held) != 0 || res[1].Outcomes["news"] != storage.Undeliverable {
			t.Errorf("the channel's news: %+v, want undeliverable", res[1])
		}
	})
}

// TestHeldNoticeDueTwiceIsSentOnce: a held notice woken before the
// watermark passed its first time is due twice under one key, and goes
// out once.
func TestHeldNoticeDueTwiceIsSentOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockAt(t0)
		named := t0.Add(-30 * time.Minute)
		w := quietWave(t, named)
		r := DefaultPolicy(cph).Due(w, w.Reminded, t0)
		if len(r) != 1 || r[0].Kind != Welcome {
			t.Fatalf("due %+v, want the welcome", r)
		}
		w.Hold(heldNotice(r[0], named.Add(10*time.Minute)))
		s := boltWave(t, clk, w)
		teams := &counter{}
		if _, err := sweeper(s, Router{"slack": &counter{}, "teams": teams}, clk).Sweep(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := teams.digests["teams:P1"]; len(got) != 1 || !slices.Equal(got[0], []string{welcomeKey(named)}) {
			t.Errorf("teams:P1 got %v, want the welcome once", got)
		}
		if w := loadWave(t, s); len(w.Held) != 0 {
			t.Errorf("still held: %+v", w.Held)
		}
	})
}
