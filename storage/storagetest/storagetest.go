// Package storagetest is the conformance suite every storage.Store must
// pass: the bbolt store and the Redis store run the same tests.
package storagetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"wavebot/internal/clock"
	"wavebot/storage"
	"wavebot/wave"
)

// Opener returns a fresh, empty store for one test that keeps its due index
// with due and judges leases and waits by clk; the suite closes it.
type Opener func(t *testing.T, due storage.Due, clk clock.Clock) storage.Store

// Run runs the whole suite against the stores open returns. Each test's
// store judges time by a fake clock standing at t0, which the test moves.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		run  func(*testing.T, storage.Store, *clock.Fake)
		due  storage.Due
	}{
		{"CreateAndLoadWaves", testCreateAndLoadWaves, testDue{}},
		{"UpdateWave", testUpdateWave, testDue{}},
		{"FailedChangeWritesNothing", testFailedChangeWritesNothing, testDue{}},
		{"ConcurrentUpdatesLoseNothing", testConcurrentUpdatesLoseNothing, testDue{}},
		{"Events", testEvents, testDue{}},
		{"People", testPeople, testDue{}},
		{"Workflow", testWorkflow, testDue{}},
		{"DueIndex", testDueIndex, testDue{}},
		{"DeferWave", testDeferWave, testDue{}},
		{"TrackDueIndex", testTrackDueIndex, testDue{}},
		{"MoveTracks", testMoveTracks, testDue{}},
		{"LeaseOnARecipient", testLeaseOnARecipient, testDue{}},
		{"OutcomesAndWaits", testOutcomesAndWaits, testDue{}},
		{"PlatformWait", testPlatformWait, testDue{}},
		{"NoPlatformNoPlatformWait", testNoPlatformNoPlatformWait, testDue{}},
		{"WaitsOnlyGrow", testWaitsOnlyGrow, testDue{}},
		{"ClaimOnce", testClaimOnce, testDue{}},
		{"AuthLists", testAuthLists, testDue{}},
		{"ConcurrentRowSaves", testConcurrentRowSaves, testDue{}},
		{"SubmitSeesEveryRow", testSubmitSeesEveryRow, testDue{}},
		{"AuthTemplates", testAuthTemplates, testDue{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := clock.NewFake(t0)
			s := open(t, tt.due, clk)
			t.Cleanup(func() { s.Close() })
			tt.run(t, s, clk)
		})
	}
	t.Run("DumpAndLoad", func(t *testing.T) { testDumpAndLoad(t, open) })
}

var (
	t0  = time.Date(2027, 1, 10, 11, 0, 0, 0, time.UTC)
	cal = wave.Copenhagen()
	tpl = wave.DefaultTemplate()
)

// NewWave returns wave id starting 2027-02-01, led by anna, with the given
// forvaltninger enrolled.
func NewWave(t testing.TB, id string, fvs ...string) wave.Wave {
	t.Helper()
	start, _ := wave.ParseDate("2027-02-01")
	w, err := wave.New(id, "Bølge "+id, start, "anna", t0)
	if err != nil {
		t.Fatal(err)
	}
	for _, fv := range fvs {
		if _, err := w.Enroll(fv, tpl, cal, t0); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func created(id string) wave.Event {
	return wave.Event{At: t0, Actor: "anna", Wave: id, Action: "wave.create"}
}

func testCreateAndLoadWaves(t *testing.T, s storage.Store, _ *clock.Fake) {
	ctx := context.Background()
	if _, err := s.Wave(ctx, "b3"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("Wave of empty store: err = %v, want ErrNotFound", err)
	}
	later := NewWave(t, "b4", "KFF")
	later.Start = later.Start.AddDays(30)
	for _, w := range []wave.Wave{later, NewWave(t, "b3", "BUF", "SUF")} {
		if err := s.CreateWave(ctx, w, created(w.ID)); err != nil {
			t.Fatalf("CreateWave %s: %v", w.ID, err)
		}
	}
	if err := s.CreateWave(ctx, NewWave(t, "b3"), created("b3")); !errors.Is(err, storage.ErrExists) {
		t.Errorf("duplicate CreateWave: err = %v, want ErrExists", err)
	}
	got, err := s.Wave(ctx, "b3")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Bølge b3" || len(got.Enrolments) != 2 || got.Enrolments[1].FV != "SUF" || got.Version != 1 {
		t.Errorf("loaded wave = %+v", got)
	}
	if a, _ := got.Enrolments[0].Activity("golive"); a.Due.String() != "2027-02-01" || a.TitleDA == "" {
		t.Errorf("activity did not survive storage: %+v", a)
	}
	all, err := s.Waves(ctx)
	if err != nil || len(all) != 2 || all[0].ID != "b3" || all[1].ID != "b4" {
		t.Errorf("Waves = %v, %v; want b3 then b4", all, err)
	}
}

func testUpdateWave(t *testing.T, s storage.Store, _ *clock.Fake) {
	ctx := context.Background()
	if err := s.CreateWave(ctx, NewWave(t, "b3", "BUF"), created("b3")); err != nil {
		t.Fatal(err)
	}
	got, err := s.UpdateWave(ctx, "b3", func(w *wave.Wave) ([]wave.Event, error) {
		e, err := w.Enrolment("BUF")
		if err != nil {
			return nil, err
		}
		e.AddContacts(t0, "maria")
		return []wave.Event{{At: t0, Actor: "anna", Wave: "b3", FV: "BUF", Action: "contact.add", After: "maria"}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || !got.Enrolments[0].HasContact("maria") {
		t.Errorf("UpdateWave returned %+v", got)
	}
	again, _ := s.Wave(ctx, "b3")
	if again.Version != 2 || !again.Enrolments[0].HasContact("maria") {
		t.Errorf("stored wave = %+v", again)
	}
	_, err = s.UpdateWave(ctx, "nope", func(*wave.Wave) ([]wave.Event, error) { return nil, nil })
	if !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("UpdateWave of missing wave: err = %v", err)
	}
}

func testFailedChangeWritesNothing(t *testing.T, s storage.Store, _ *clock.Fake) {
	ctx := context.Background()
	if err := s.CreateWave(ctx, NewWave(t, "b3", "BUF"), created("b3")); err != nil {
		t.Fatal(err)
	}
	refused := errors.New("refused")
	_, err := s.UpdateWave(ctx, "b3", func(w *wave.Wave) ([]wave.Event, error) {
		w.Name = "changed"
		return []wave.Event{{At: t0, Wave: "b3", Action: "wave.rename"}}, refused
	})
	if !errors.Is(err, refused) {
		t.Errorf("err = %v, want the change's error", err)
	}
	w, _ := s.Wave(ctx, "b3")
	evs, _ := s.Events(ctx, "b3", "", 10)
	if w.Name != "Bølge b3" || w.Version != 1 || len(evs) != 1 {
		t.Errorf("a refused change left traces: name %q version %d events %d", w.Name, w.Version, len(evs))
	}
}

func testConcurrentUpdatesLoseNothing(t *testing.T, s storage.Store, _ *clock.Fake) {
	ctx := context.Background()
	fvs := wave.DefaultForvaltninger[:6] // 6 × 9 activities ≥ 50 writers
	if err := s.CreateWave(ctx, NewWave(t, "b3", fvs...), created("b3")); err != nil {
		t.Fatal(err)
	}
	const writers = 50
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Go(func() {
			errs <- ChangeOneActivity(ctx, s, "b3", i, fmt.Sprintf("writer %d", i))
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	CheckAllChanged(t, s, "b3", writers, 1)
}

// ChangeOneActivity marks activity number i of wave id done with note.
// Writer i touches a different activity for every i below the number of
// activities, so concurrent writers never overwrite each other's change.
func ChangeOneActivity(ctx context.Context, s storage.Store, id string, i int, note string) error {
	_, err := s.UpdateWave(ctx, id, func(w *wave.Wave) ([]wave.Event, error) {
		e := &w.Enrolments[i/len(tpl.Activities)]
		a := &e.Activities[i%len(tpl.Activities)]
		a.Status, a.Note = wave.StatusDone, note
		return []wave.Event{{At: t0, Actor: "anna", Wave: id, FV: e.FV, Action: "activity.done", After: a.Key}}, nil
	})
	return err
}

// CheckAllChanged asserts that the changes of writers ChangeOneActivity
// calls are all in wave id, each with one audit event, on top of base
// earlier events.
func CheckAllChanged(t *testing.T, s storage.Store, id string, writers, base int) {
	t.Helper()
	ctx := context.Background()
	w, err := s.Wave(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	done := 0
	for _, e := range w.Enrolments {
		for _, a := range e.Activities {
			if a.Status == wave.StatusDone {
				done++
			}
		}
	}
	if done != writers || w.Version != int64(writers+1) {
		t.Errorf("%d activities done, version %d; want %d and %d", done, w.Version, writers, writers+1)
	}
	evs, err := s.Events(ctx, id, "", 1000)
	if err != nil || len(evs) != writers+base {
		t.Errorf("%d events (%v), want %d", len(evs), err, writers+base)
	}
}

func testEvents(t *testing.T, s storage.Store, _ *clock.Fake) {
	ctx := context.Background()
	if err := s.CreateWave(ctx, NewWave(t, "b3", "BUF", "SUF"), created("b3")); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateWave(ctx, NewWave(t, "b4", "BUF"), created("b4")); err != nil {
		t.Fatal(err)
	}
	for i, fv := range []string{"BUF", "SUF", "BUF", "SUF", "BUF"} {
		_, err := s.UpdateWave(ctx, "b3", func(w *wave.Wave) ([]wave.Event, error) {
			return []wave.Event{{At: t0.Add(time.Duration(i) * time.Minute), Actor: "anna", Wave: "b3", FV: fv, Action: fmt.Sprintf("step.%d", i)}}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.Events(ctx, "b3", "", 100)
	if err != nil || len(all) != 6 || all[0].Action != "step.4" || all[5].Action != "wave.create" {
		t.Errorf("Events(b3) = %+v, %v; want 6, newest first", all, err)
	}
	buf, _ := s.Events(ctx, "b3", "BUF", 2)
	if len(buf) != 2 || buf[0].Action != "step.4" || buf[1].Action != "step.2" {
		t.Errorf("Events(b3/BUF, 2) = %+v", buf)
	}
	if other, _ := s.Events(ctx, "b4", "", 100); len(other) != 1 {
		t.Errorf("Events(b4) = %+v; want only its own", other)
	}
	if none, err := s.Events(ctx, "zz", "", 100); err != nil || len(none) != 0 {
		t.Errorf("Events of unknown wave = %v, %v", none, err)
	}
}

func testPeople(t *testing.T, s storage.Store, _ *clock.Fake) {
	ctx := context.Background()
	if _, err := s.Person(ctx, "anna"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Person of empty store: err = %v", err)
	}
	ev := wave.Event{At: t0, Actor: "anna", Action: "person.create"}
	// Without bootstrap (a server) nobody becomes admin by being first,
	// and the bootstrap rule still waits for its first person.
	slack, err := s.EnsurePerson(ctx, wave.Person{ID: "slack:U1", Role: wave.RoleViewer}, ev, false)
	if err != nil || slack.Role != wave.RoleViewer {
		t.Fatalf("first person without bootstrap = %+v, %v; want viewer", slack, err)
	}
	anna, err := s.EnsurePerson(ctx, wave.Person{ID: "anna", Role: wave.RoleViewer}, ev, true)
	if err != nil || anna.Role != wave.RoleAdmin {
		t.Fatalf("first person = %+v, %v; want admin", anna, err)
	}
	maria, err := s.EnsurePerson(ctx, wave.Person{ID: "maria", Name: "Maria", Role: wave.RoleViewer}, ev, true)
	if err != nil || maria.Role != wave.RoleViewer {
		t.Fatalf("second person = %+v, %v; want viewer", maria, err)
	}
	maria, err = s.UpdatePerson(ctx, "maria", func(p *wave.Person) ([]wave.Event, error) {
		p.MakeContact()
		p.Lang = "en"
		return []wave.Event{{At: t0, Actor: "anna", Action: "person.role", After: "contact BUF"}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.EnsurePerson(ctx, wave.Person{ID: "maria", Role: wave.RoleViewer}, ev, true)
	if err != nil || again.Role != wave.RoleContact || again.Lang != "en" || again.Name != "Maria" {
		t.Errorf("EnsurePerson of an existing person = %+v, %v; want the stored one", again, err)
	}
	if _, err := s.UpdatePerson(ctx, "nobody", func(*wave.Person) ([]wave.Event, error) { return nil, nil }); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("UpdatePerson of missing person: err = %v", err)
	}
	if evs, _ := s.Events(ctx, "", "", 10); len(evs) != 4 {
		t.Errorf("global events = %+v; want 4", evs)
	}
}

func testWorkflow(t *testing.T, s storage.Store, _ *clock.Fake) {
	ctx := context.Background()
	if _, err := s.Workflow(ctx, "BUF"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Workflow never stored: err = %v", err)
	}
	mark := func(step string) storage.WorkflowChange {
		return func(w *wave.Workflow) ([]wave.Event, error) {
			_, err := w.Steps.Confirm(step, []wave.Party{wave.PartyFV}, "maria", t0)
			return []wave.Event{{At: t0, Actor: "maria", FV: "BUF", Action: "workflow.done", After: step}}, err
		}
	}
	initial := wave.Workflow{FV: "BUF", Steps: wave.NewTrack(tpl)}
	if _, err := s.UpdateWorkflow(ctx, initial, mark("group")); err != nil {
		t.Fatal(err)
	}
	w, err := s.UpdateWorkflow(ctx, initial, mark("decisions"))
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := w.Steps.Progress(); d != 2 || w.Version != 2 {
		t.Errorf("workflow after two steps = %+v", w)
	}
	if _, err := s.UpdateWorkflow(ctx, initial, mark("lunch")); !errors.Is(err, wave.ErrUnknownStep) {
		t.Errorf("unknown step: err = %v", err)
	}
	stored, _ := s.Workflow(ctx, "BUF")
	if d, _ := stored.Steps.Progress(); d != 2 {
		t.Errorf("stored workflow = %+v", stored)
	}
}

// dueAtStartUnlessNamedDone is the suite's due function: a wave is due at
// 09:00 UTC on its start day, never when it is named "done".
// testDue is the suite's due index: a wave is due at 09:00 UTC on its
// start unless it is named "done"; a track at 09:00 UTC on the date of
// its first open dated step, none when it has none.
type testDue struct{}

func (testDue) WaveDue(w wave.Wave) (time.Time, bool) { return dueAtStartUnlessNamedDone(w) }

func (testDue) TrackDue(w wave.Workflow) (time.Time, bool) {
	for _, st := range w.Steps {
		if !st.Done && !st.Due.IsZero() {
			return st.Due.In(time.UTC, 9, 0), true
		}
	}
	return time.Time{}, false
}

func dueAtStartUnlessNamedDone(w wave.Wave) (time.Time, bool) {
	if w.Name == "done" {
		return time.Time{}, false
	}
	return w.Start.In(time.UTC, 9, 0), true
}

func testDueIndex(t *testing.T, s storage.Store, _ *clock.Fake) {
	ctx := context.Background()
	if next, ok, err := s.NextDue(ctx); err != nil || ok {
		t.Errorf("next due of an empty store = %v %v %v", next, ok, err)
	}
	for i, id := range []string{"b1", "b2", "b3", "b4"} {
		w := NewWave(t, id)
		w.Start = w.Start.AddDays(i)
		if err := s.CreateWave(ctx, w, created(id)); err != nil {
			t.Fatal(err)
		}
	}
	feb := func(d int) time.Time { return time.Date(2027, 2, d, 9, 0, 0, 0, time.UTC) }
	due := func(until time.Time, limit int) string {
		t.Helper()
		ids, err := s.DueWaves(ctx, until, limit)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(ids)
	}
	next := func(want time.Time) {
		t.Helper()
		if got, ok, err := s.NextDue(ctx); err != nil || !ok || !got.Equal(want) {
			t.Errorf("next due = %v %v %v, want %v", got, ok, err, want)
		}
	}
	next(feb(1))
	if got := due(feb(2), 10); got != "[b1 b2]" {
		t.Errorf("due by 2 Feb = %s, want [b1 b2]", got)
	}
	if got := due(feb(28), 3); got != "[b1 b2 b3]" {
		t.Errorf("first three due = %s", got)
	}
	// A write recomputes the entry: b1 moves after b4, b2 leaves the index.
	if _, err := s.UpdateWave(ctx, "b1", func(w *wave.Wave) ([]wave.Event, error) { w.Start = w.Start.AddDays(10); return nil, nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateWave(ctx, "b2", func(w *wave.Wave) ([]wave.Event, error) { w.Name = "done"; return nil, nil }); err != nil {
		t.Fatal(err)
	}
	next(feb(3))
	if got := due(feb(28), 10); got != "[b3 b4 b1]" {
		t.Errorf("due after the writes = %s, want [b3 b4 b1]", got)
	}
	if got := due(feb(1), 10); got != "[]" {
		t.Errorf("due by 1 Feb = %s, want none", got)
	}
}

// testClaimOnce: of many concurrent claims of one key exactly one wins;
// other keys are independent.
func testClaimOnce(t *testing.T, s storage.Store, _ *clock.Fake) {
	ctx := context.Background()
	const claimers = 20
	var wins sync.WaitGroup
	results := make(chan bool, claimers)
	for range claimers {
		wins.Go(func() {
			first, err := s.ClaimOnce(ctx, "slack:event:Ev1", time.Hour)
			if err != nil {
				t.Error(err)
			}
			results <- first
		})
	}
	wins.Wait()
	close(results)
	won := 0
	for first := range results {
		if first {
			won++
		}
	}
	if won != 1 {
		t.Errorf("%d of %d claims of one key won, want 1", won, claimers)
	}
	if first, err := s.ClaimOnce(ctx, "slack:event:Ev2", time.Hour); err != nil || !first {
		t.Errorf("another key: %v, %v; want the first claim", first, err)
	}
}
