package storagetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"wavebot/clock"
	"wavebot/storage"
	"wavebot/wave"
)

// Fill gives store s some of everything a dump holds: two waves with their
// audit trails (one of them with enough events to take several parts), a
// wave not due, three people with the bootstrap admin among them, a
// workflow track and a ledger with delivered, given-up and pending
// reminders.
func Fill(t testing.TB, s storage.Store) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"b4", "b3"} {
		must(s.CreateWave(ctx, NewWave(t, id, "BUF", "SUF"), created(id)))
	}
	done := NewWave(t, "b5", "KFF")
	done.Name = "done"
	must(s.CreateWave(ctx, done, created("b5")))
	for i := range 150 { // more than one part of events
		_, err := s.UpdateWave(ctx, "b3", func(w *wave.Wave) ([]wave.Event, error) {
			w.Enrolments[0].AddContacts(t0, fmt.Sprintf("p%d", i%3))
			return []wave.Event{{At: t0.Add(time.Duration(i) * time.Second), Actor: "anna", Wave: "b3", FV: "BUF", Action: "note", After: fmt.Sprint(i)}}, nil
		})
		must(err)
	}
	ev := wave.Event{At: t0, Actor: "anna", Action: "person.create"}
	for _, id := range []string{"anna", "slack:U1", "teams:abc"} {
		_, err := s.EnsurePerson(ctx, wave.Person{ID: id, Name: "Navn " + id, Role: wave.RoleViewer}, ev, true)
		must(err)
	}
	_, err := s.UpdatePerson(ctx, "slack:U1", func(p *wave.Person) ([]wave.Event, error) {
		p.Lang = "en"
		p.Addresses = map[string]string{"slack": "D123"}
		return []wave.Event{{At: t0, Actor: "anna", Action: "person.role", After: "contact BUF"}}, nil
	})
	must(err)
	_, err = s.UpdateWorkflow(ctx, legacyTrack("BUF"), func(w *wave.Workflow) ([]wave.Event, error) {
		_, err := w.Steps.Confirm("group", []wave.Party{wave.PartyFV}, "maria", t0)
		return []wave.Event{{At: t0, Actor: "maria", FV: "BUF", Action: "workflow.done", After: "group"}}, err
	})
	must(err)
	for i, o := range []storage.Outcome{storage.Delivered, storage.GaveUp, storage.Pending} {
		key := fmt.Sprintf("b3/BUF|auth-overdue|2027-02-1%d|maria", i)
		must(s.SettleRecipient(ctx, storage.Settlement{Recipient: "maria", Token: "t", Keys: []string{key}, Outcome: o, Failed: 2, ID: key}))
	}
}

// DumpOf returns everything s dumps, as JSON lines, one per part.
func DumpOf(t testing.TB, s storage.Store) ([]storage.Part, []string) {
	t.Helper()
	var parts []storage.Part
	var lines []string
	err := s.Dump(context.Background(), func(p storage.Part) error {
		if p.Empty() {
			t.Error("Dump handed out an empty part")
		}
		b, err := json.Marshal(p)
		if err != nil {
			return err
		}
		parts, lines = append(parts, p), append(lines, string(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return parts, lines
}

// testDumpAndLoad: a dump loaded into an empty store dumps the same, and
// the loaded store works as the first did (due index, versions, audit
// trail, ledger, first person); loading over stored documents fails and
// stores none of that part.
func testDumpAndLoad(t *testing.T, open Opener) {
	ctx := context.Background()
	clk := clock.NewFake(t0)
	from, to := open(t, dueAtStartUnlessNamedDone, clk), open(t, dueAtStartUnlessNamedDone, clk)
	t.Cleanup(func() { from.Close(); to.Close() })
	_, none := DumpOf(t, to)
	if len(none) != 0 {
		t.Fatalf("an empty store dumps %v", none)
	}
	Fill(t, from)
	parts, want := DumpOf(t, from)
	kinds := []string{}
	for _, p := range parts {
		switch {
		case len(p.Waves) > 0:
			kinds = append(kinds, "waves")
		case len(p.People) > 0:
			kinds = append(kinds, "people")
		case len(p.Workflows) > 0:
			kinds = append(kinds, "workflows")
		case p.FirstPerson != "":
			kinds = append(kinds, "first:"+p.FirstPerson)
		case len(p.Events) > 0:
			kinds = append(kinds, "log:"+p.Log)
		case len(p.Ledger) > 0:
			kinds = append(kinds, "ledger")
		}
	}
	if got := fmt.Sprint(kinds); got != "[waves people workflows first:anna log: log:b3 log:b3 log:b4 log:b5 ledger]" {
		t.Errorf("parts in order: %s", got)
	}
	for _, p := range parts {
		if err := to.Load(ctx, p); err != nil {
			t.Fatalf("load %v", err)
		}
	}
	if _, got := DumpOf(t, to); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the loaded store dumps\n%v\nwant\n%v", got, want)
	}
	for _, s := range []storage.Store{from, to} {
		if ids, err := s.DueWaves(ctx, t0.AddDate(1, 0, 0), 10); err != nil || fmt.Sprint(ids) != "[b3 b4]" {
			t.Errorf("due index %v, %v; want b3 and b4", ids, err)
		}
	}
	b3, err := to.Wave(ctx, "b3")
	if err != nil || b3.Version != 151 {
		t.Errorf("loaded b3 = version %d, %v", b3.Version, err)
	}
	// The loaded store goes on: versions continue, the log grows.
	if err := ChangeOneActivity(ctx, to, "b3", 0, "after"); err != nil {
		t.Fatal(err)
	}
	if evs, err := to.Events(ctx, "b3", "BUF", 2); err != nil || len(evs) != 2 || evs[0].Action != "activity.done" || evs[1].After != "149" {
		t.Errorf("events after the load: %+v, %v", evs, err)
	}
	if p, err := to.EnsurePerson(ctx, wave.Person{ID: "vera", Role: wave.RoleViewer}, wave.Event{}, true); err != nil || p.Role != wave.RoleViewer {
		t.Errorf("a new person after the load = %+v, %v; the first person was anna", p, err)
	}
	key := "b3/BUF|auth-overdue|2027-02-1%d|maria"
	c, err := to.ClaimRecipient(ctx, storage.LaneRequest{Recipient: "maria", Token: "t2", Lease: time.Minute,
		Keys: []string{fmt.Sprintf(key, 0), fmt.Sprintf(key, 1), fmt.Sprintf(key, 2)}})
	if err != nil || fmt.Sprint(c.States) != "[{delivered 0} {gave-up 0} { 2}]" {
		t.Errorf("loaded ledger: %+v, %v", c.States, err)
	}

	// Loading over what is stored fails, and the part's new documents
	// are not stored either.
	again := []storage.Part{
		{Waves: []wave.Wave{NewWave(t, "b9"), parts[0].Waves[0]}},
		{People: []wave.Person{{ID: "ny"}, parts[1].People[0]}},
		{Workflows: []wave.Workflow{legacyTrack("SOF"), parts[2].Workflows[0]}},
		{FirstPerson: "ny"},
		{Ledger: []storage.LedgerEntry{{Key: "new", ReminderState: storage.ReminderState{Outcome: storage.Delivered}, Expires: t0.AddDate(1, 0, 0)},
			parts[len(parts)-1].Ledger[0]}},
	}
	for _, p := range again {
		if err := to.Load(ctx, p); !errors.Is(err, storage.ErrExists) {
			t.Errorf("load over stored records: err = %v, want ErrExists", err)
		}
	}
	if _, err := to.Wave(ctx, "b9"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("b9 was stored by a failed load: %v", err)
	}
	if _, err := to.Person(ctx, "ny"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("ny was stored by a failed load: %v", err)
	}
	if _, err := to.Workflow(ctx, "SOF"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("SOF was stored by a failed load: %v", err)
	}
	if c, _ := to.ClaimRecipient(ctx, storage.LaneRequest{Recipient: "x", Token: "t", Lease: time.Minute, Keys: []string{"new"}}); c.States[0].Outcome != storage.Pending {
		t.Errorf("the ledger entry of a failed load was stored: %+v", c.States)
	}
	stop := errors.New("stop")
	calls := 0
	if err := from.Dump(ctx, func(storage.Part) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
		t.Errorf("a dump whose receiver fails: %v after %d parts", err, calls)
	}
}

// legacyTrack is a forvaltning's workflow track as stored before tracks
// moved to the enrolments: stores still keep and dump such documents.
func legacyTrack(fv string) wave.Workflow {
	return wave.Workflow{FV: fv, Steps: wave.NewTrack(tpl)}
}
