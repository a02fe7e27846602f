package storagetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"wavebot/internal/clock"
	"wavebot/storage"
	"wavebot/wave"
)

// lanes drives one store's ledger for a test, failing it on any error.
type lanes struct {
	t *testing.T
	s storage.Store
}

func (l lanes) claim(recipient, token string, keys ...string) storage.LaneClaim {
	l.t.Helper()
	c, err := l.s.ClaimRecipient(context.Background(), storage.LaneRequest{
		Recipient: recipient, Platform: platformOf(recipient), Token: token, Lease: time.Minute, Keys: keys})
	if err != nil {
		l.t.Fatal(err)
	}
	if c.Granted && len(c.States) != len(keys) {
		l.t.Fatalf("claim of %s granted with %d states for %d keys", recipient, len(c.States), len(keys))
	}
	return c
}

func (l lanes) settle(st storage.Settlement) {
	l.t.Helper()
	st.Platform = platformOf(st.Recipient)
	if err := l.s.SettleRecipient(context.Background(), st); err != nil {
		l.t.Fatal(err)
	}
}

// granted asserts the claim was granted; refused that it was refused with
// exactly wait left.
func granted(t *testing.T, what string, c storage.LaneClaim) {
	t.Helper()
	if !c.Granted {
		t.Errorf("%s: refused (wait %v), want granted", what, c.Wait)
	}
}

func refused(t *testing.T, what string, c storage.LaneClaim, wait time.Duration) {
	t.Helper()
	if c.Granted || c.Wait != wait {
		t.Errorf("%s: granted %v wait %v, want refused with wait %v", what, c.Granted, c.Wait, wait)
	}
}

// platformOf is the platform of a person id: "slack" of "slack:U1", none
// of a console name.
func platformOf(recipient string) string {
	platform, _, ok := strings.Cut(recipient, ":")
	if !ok {
		return ""
	}
	return platform
}

// testLeaseOnARecipient: one owner at a time, judged by the store's clock
// to the millisecond; a retried claim finds its own lease; only the owner
// renews or releases.
func testLeaseOnARecipient(t *testing.T, s storage.Store, clk *clock.Fake) {
	l := lanes{t, s}
	c := l.claim("slack:U1", "a", "k1", "k2")
	granted(t, "first claim", c)
	for i, st := range c.States {
		if st != (storage.ReminderState{}) {
			t.Errorf("state of k%d = %+v, want pending", i+1, st)
		}
	}
	granted(t, "the same token again (a retried claim)", l.claim("slack:U1", "a"))
	granted(t, "another recipient", l.claim("slack:U2", "b"))
	clk.Advance(time.Minute - time.Millisecond)
	refused(t, "another token a millisecond before the lease ends", l.claim("slack:U1", "b"), time.Millisecond)
	clk.Advance(time.Millisecond)
	granted(t, "another token when the lease ends", l.claim("slack:U1", "b"))
	if ok, err := s.RenewRecipient(context.Background(), "slack:U1", "a", time.Minute); err != nil || ok {
		t.Errorf("renewal by the old owner = %v, %v; want refused", ok, err)
	}
	// The old owner's release leaves the new owner's lease alone.
	l.settle(storage.Settlement{Recipient: "slack:U1", Token: "a", Release: true})
	clk.Advance(30 * time.Second)
	refused(t, "a third token during b's lease", l.claim("slack:U1", "c"), 30*time.Second)
	if ok, err := s.RenewRecipient(context.Background(), "slack:U1", "b", time.Minute); err != nil || !ok {
		t.Errorf("renewal by the owner = %v, %v", ok, err)
	}
	clk.Advance(59 * time.Second)
	refused(t, "a third token during the renewed lease", l.claim("slack:U1", "c"), time.Second)
	l.settle(storage.Settlement{Recipient: "slack:U1", Token: "b", Release: true})
	granted(t, "a third token after the owner let go", l.claim("slack:U1", "c"))
	// An owner that sets a wait and keeps its lease: at the lease's end
	// the others wait for the wait, not for the lease.
	l.settle(storage.Settlement{Recipient: "slack:U1", Token: "c", NotBefore: 2 * time.Minute})
	clk.Advance(time.Minute)
	refused(t, "at the lease's end, during a longer wait", l.claim("slack:U1", "d"), time.Minute)
}

// testOutcomesAndWaits: outcomes are read under the lease, a final one is
// never overwritten, failed attempts add up once per settlement, and the
// wait after a message holds every other claimer.
func testOutcomesAndWaits(t *testing.T, s storage.Store, clk *clock.Fake) {
	l := lanes{t, s}
	granted(t, "claim", l.claim("maria", "a", "k1", "k2", "k3"))
	l.settle(storage.Settlement{Recipient: "maria", Token: "a", Keys: []string{"k1", "k2"}, Outcome: storage.Delivered,
		NotBefore: time.Second, Release: true, ID: "s1"})
	clk.Advance(400 * time.Millisecond)
	refused(t, "another replica within the pace", l.claim("maria", "b", "k1"), 600*time.Millisecond)
	clk.Advance(600 * time.Millisecond)
	c := l.claim("maria", "b", "k1", "k2", "k3")
	granted(t, "after the pace", c)
	want := []storage.ReminderState{{Outcome: storage.Delivered}, {Outcome: storage.Delivered}, {}}
	if fmt.Sprint(c.States) != fmt.Sprint(want) {
		t.Errorf("states %+v, want %+v", c.States, want)
	}
	// A final outcome stays; failed attempts count once per settlement.
	l.settle(storage.Settlement{Recipient: "maria", Token: "b", Keys: []string{"k1"}, Outcome: storage.GaveUp, ID: "s2"})
	failed := storage.Settlement{Recipient: "maria", Token: "b", Keys: []string{"k1", "k3"}, Failed: 2, ID: "s3"}
	l.settle(failed)
	l.settle(failed) // a retry of the same settlement
	l.settle(storage.Settlement{Recipient: "maria", Token: "b", Keys: []string{"k3"}, Failed: 3, ID: "s4", Release: true})
	c = l.claim("maria", "c", "k1", "k3")
	want = []storage.ReminderState{{Outcome: storage.Delivered}, {Attempts: 5}}
	if !c.Granted || fmt.Sprint(c.States) != fmt.Sprint(want) {
		t.Errorf("claim %+v, want granted with %+v", c, want)
	}
	l.settle(storage.Settlement{Recipient: "maria", Token: "c", Keys: []string{"k3"}, Outcome: storage.Undeliverable, ID: "s5", Release: true})
	if c := l.claim("maria", "d", "k3"); fmt.Sprint(c.States) != fmt.Sprint([]storage.ReminderState{{Outcome: storage.Undeliverable, Attempts: 5}}) {
		t.Errorf("k3 after undeliverable: %+v", c.States)
	}
	// A retry-after recorded without a lease holds the recipient too.
	l.settle(storage.Settlement{Recipient: "maria", Token: "d", NotBefore: 10 * time.Minute, Release: true, ID: "s6"})
	refused(t, "during a recipient's retry-after", l.claim("maria", "e"), 10*time.Minute)
}

// testPlatformWait: an app-wide rate limit holds everyone on the platform
// and nobody elsewhere.
func testPlatformWait(t *testing.T, s storage.Store, clk *clock.Fake) {
	l := lanes{t, s}
	granted(t, "claim", l.claim("slack:U1", "a"))
	l.settle(storage.Settlement{Recipient: "slack:U1", Token: "a", PlatformNotBefore: 10 * time.Minute, Release: true})
	refused(t, "another Slack user", l.claim("slack:U2", "b"), 10*time.Minute)
	granted(t, "a Teams user", l.claim("teams:29:x", "b"))
	granted(t, "a console user", l.claim("maria", "b"))
	clk.Advance(10 * time.Minute)
	granted(t, "after the wait", l.claim("slack:U2", "b"))
}

// testDeferWave: a deferred wave leaves the front of the due index until
// its time; a wave without an entry gets none; a write recomputes it, and
// a deferral decided on an older version leaves the write's entry alone.
func testDeferWave(t *testing.T, s storage.Store, _ *clock.Fake) {
	ctx := context.Background()
	for _, id := range []string{"b1", "b2"} {
		if err := s.CreateWave(ctx, NewWave(t, id), created(id)); err != nil {
			t.Fatal(err)
		}
	}
	startsAt := time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)
	later := startsAt.Add(time.Hour)
	if err := s.DeferWave(ctx, "b1", 1, later); err != nil {
		t.Fatal(err)
	}
	if ids, err := s.DueWaves(ctx, startsAt, 10); err != nil || fmt.Sprint(ids) != "[b2]" {
		t.Errorf("due at the start = %v, %v; want only b2", ids, err)
	}
	if ids, _ := s.DueWaves(ctx, later, 10); fmt.Sprint(ids) != "[b2 b1]" {
		t.Errorf("due an hour later = %v, want [b2 b1]", ids)
	}
	if _, err := s.UpdateWave(ctx, "b2", func(w *wave.Wave) ([]wave.Event, error) { w.Name = "done"; return nil, nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.DeferWave(ctx, "b2", 2, later); err != nil {
		t.Fatal(err)
	}
	if ids, _ := s.DueWaves(ctx, later.Add(time.Hour), 10); fmt.Sprint(ids) != "[b1]" {
		t.Errorf("deferring a wave with nothing due indexed it: %v", ids)
	}
	if _, err := s.UpdateWave(ctx, "b1", func(w *wave.Wave) ([]wave.Event, error) { return nil, nil }); err != nil {
		t.Fatal(err)
	}
	if ids, _ := s.DueWaves(ctx, startsAt, 10); fmt.Sprint(ids) != "[b1]" {
		t.Errorf("a write did not recompute the deferred entry: %v", ids)
	}
	if err := s.DeferWave(ctx, "b1", 1, later); err != nil {
		t.Fatal(err)
	}
	if ids, _ := s.DueWaves(ctx, startsAt, 10); fmt.Sprint(ids) != "[b1]" {
		t.Errorf("a deferral decided on version 1 moved version 2's entry: %v", ids)
	}
	if err := s.DeferWave(ctx, "b1", storage.AnyVersion, later); err != nil {
		t.Fatal(err)
	}
	if ids, _ := s.DueWaves(ctx, startsAt, 10); len(ids) != 0 {
		t.Errorf("a deferral of any version left %v due", ids)
	}
}

// testTrackDueIndex: a KØR workflow track is a subject of the due index
// of its own, beside the waves: its writes recompute its entry in the same
// write, a deferral decided on an older version leaves a newer one's
// entry alone, and a loaded track is indexed.
func testTrackDueIndex(t *testing.T, s storage.Store, _ *clock.Fake) {
	ctx := context.Background()
	if err := s.CreateWave(ctx, NewWave(t, "b1"), created("b1")); err != nil { // due 1 Feb 09:00
		t.Fatal(err)
	}
	dated := func(step, date string) storage.WorkflowChange {
		return func(w *wave.Workflow) ([]wave.Event, error) {
			st, err := w.Steps.Step(step)
			if err != nil {
				return nil, err
			}
			st.Due, _ = wave.ParseDate(date)
			return []wave.Event{{At: t0, Actor: "maria", FV: w.FV, Action: "workflow.due", Item: step, After: date}}, nil
		}
	}
	kff := wave.NewWorkflow("KFF", tpl, t0)
	if _, err := s.UpdateWorkflow(ctx, kff, dated("group", "2027-01-28")); err != nil {
		t.Fatal(err)
	}
	due := func(until time.Time) string {
		t.Helper()
		ids, err := s.DueWaves(ctx, until, 10)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(ids)
	}
	feb1 := time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)
	if got := due(feb1); got != "[workflow:KFF b1]" {
		t.Errorf("due by 1 Feb = %s, want the track before the wave", got)
	}
	if next, ok, err := s.NextDue(ctx); err != nil || !ok || !next.Equal(time.Date(2027, 1, 28, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("next due = %v %v %v, want the track's date", next, ok, err)
	}
	if fv, ok := storage.TrackOf("workflow:KFF"); !ok || fv != "KFF" {
		t.Errorf("TrackOf = %q %v", fv, ok)
	}
	if _, ok := storage.TrackOf("b1"); ok {
		t.Error("a wave id read as a track")
	}
	// A write recomputes the entry: the step moves after the wave.
	w, err := s.UpdateWorkflow(ctx, kff, dated("group", "2027-02-03"))
	if err != nil {
		t.Fatal(err)
	}
	if got := due(feb1); got != "[b1]" {
		t.Errorf("due by 1 Feb after the track moved = %s, want [b1]", got)
	}
	later := time.Date(2027, 2, 10, 9, 0, 0, 0, time.UTC)
	if err := s.DeferWave(ctx, storage.TrackSubject("KFF"), w.Version-1, later); err != nil {
		t.Fatal(err)
	}
	if got := due(time.Date(2027, 2, 3, 9, 0, 0, 0, time.UTC)); got != "[b1 workflow:KFF]" {
		t.Errorf("a deferral decided on an older version moved the track: %s", got)
	}
	if err := s.DeferWave(ctx, storage.TrackSubject("KFF"), w.Version, later); err != nil {
		t.Fatal(err)
	}
	if got := due(time.Date(2027, 2, 3, 9, 0, 0, 0, time.UTC)); got != "[b1]" {
		t.Errorf("deferred track still due: %s", got)
	}
	if got := due(later); got != "[b1 workflow:KFF]" {
		t.Errorf("deferred track not due when deferred to: %s", got)
	}
	// A step done leaves nothing to remind of: the entry goes.
	if _, err := s.UpdateWorkflow(ctx, kff, func(w *wave.Workflow) ([]wave.Event, error) {
		w.Steps[0].Done = true
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := due(later); got != "[b1]" {
		t.Errorf("a track with nothing to remind of is due: %s", got)
	}
	// A track that was never stored is not deferred into the index.
	if err := s.DeferWave(ctx, storage.TrackSubject("SUF"), storage.AnyVersion, feb1); err != nil {
		t.Fatal(err)
	}
	sof := wave.NewWorkflow("SOF", tpl, t0)
	sof.Steps[1].Due, _ = wave.ParseDate("2027-01-29")
	sof.Version = 4
	if err := s.Load(ctx, storage.Part{Workflows: []wave.Workflow{sof}}); err != nil {
		t.Fatal(err)
	}
	if got := due(later); got != "[workflow:SOF b1]" {
		t.Errorf("a loaded track is not indexed: %s", got)
	}
	if err := s.DeferWave(ctx, storage.TrackSubject("SOF"), 4, later); err != nil {
		t.Fatal(err)
	}
	if got := due(feb1); got != "[b1]" {
		t.Errorf("a loaded track did not keep its version: %s", got)
	}
}

// testNoPlatformNoPlatformWait: a recipient without a platform (a console
// name) has no platform to hold: an app-wide wait it reports holds nobody
// else ("Platform ... Empty for none").
func testNoPlatformNoPlatformWait(t *testing.T, s storage.Store, _ *clock.Fake) {
	l := lanes{t, s}
	granted(t, "claim", l.claim("maria", "a"))
	l.settle(storage.Settlement{Recipient: "maria", Token: "a", PlatformNotBefore: 10 * time.Minute, Release: true, ID: "s1"})
	granted(t, "another recipient without a platform", l.claim("bo", "b"))
}

// testWaitsOnlyGrow: a shorter wait reported later (another lane's
// Retry-After of 30 seconds, or the pace after a message) never shortens a
// longer one already running, for the recipient or the platform.
func testWaitsOnlyGrow(t *testing.T, s storage.Store, clk *clock.Fake) {
	l := lanes{t, s}
	granted(t, "claim", l.claim("maria", "a"))
	l.settle(storage.Settlement{Recipient: "maria", Token: "a", NotBefore: 10 * time.Minute, ID: "s1"})
	l.settle(storage.Settlement{Recipient: "maria", Token: "a", NotBefore: 30 * time.Second, Release: true, ID: "s2"})
	granted(t, "claim on Slack", l.claim("slack:U1", "a"))
	l.settle(storage.Settlement{Recipient: "slack:U1", Token: "a", PlatformNotBefore: 10 * time.Minute, ID: "s3"})
	l.settle(storage.Settlement{Recipient: "slack:U1", Token: "a", PlatformNotBefore: 30 * time.Second, Release: true, ID: "s4"})
	clk.Advance(time.Minute)
	refused(t, "the recipient after the shorter wait", l.claim("maria", "b"), 9*time.Minute)
	refused(t, "another Slack user after the shorter wait", l.claim("slack:U2", "b"), 9*time.Minute)
}
