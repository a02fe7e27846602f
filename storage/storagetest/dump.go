package storagetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"wavebot/internal/clock"
	"wavebot/storage"
	"wavebot/wave"
)

// Fill gives store s some of everything a dump holds: two waves with their
// audit trails (one of them with enough events to take several parts), a
// wave not due, BUF's units and information meetings in b3, three
// people with the bootstrap admin among them, a
// workflow track, authorization lists and templates (see fillLists) and
// a ledger with delivered, given-up and pending reminders.
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
		w := NewWave(t, id, "BUF", "SUF")
		if id == "b3" { // BUF's units and information meetings, one held, one planned
			e := &w.Enrolments[0]
			_, err := e.AddUnits("Husum Skole", "Ungdomsskolen", "Sundhedsplejen")
			must(err)
			_, _, err = e.RecordMeeting(wave.Date{Year: 2027, Month: 1, Day: 8}, []string{"Husum Skole"}, "maria", t0)
			must(err)
			_, _, err = e.RecordMeeting(wave.Date{Year: 2027, Month: 1, Day: 20}, []string{"Ungdomsskolen", "Valby Skole"}, "jens", t0)
			must(err)
		}
		must(s.CreateWave(ctx, w, created(id)))
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
	fillLists(t, s)
	for i, o := range []storage.Outcome{storage.Delivered, storage.GaveUp, storage.Pending} {
		key := fmt.Sprintf("b3/BUF|auth-overdue|2027-02-1%d|maria", i)
		must(s.SettleRecipient(ctx, storage.Settlement{Recipient: "maria", Token: "t", Keys: []string{key}, Outcome: o, Failed: 2, ID: key}))
	}
}

// fillLists gives s three authorization lists and two templates:
//
//   - b3/BUF has 150 rows, more than one part of a dump holds; row 2 was
//     decided twice (version 3), row 5 once (version 2); the list is at
//     version 4.
//   - b3/SUF has 3 rows, every one decided, row 3 to fix; it is
//     submitted and KS has applied row 3 (version 3); version 6.
//   - b4/BUF has 2 rows nobody has decided; version 1. It shares a part
//     with b3/SUF.
//   - BUF's template holds central decisions and two rows, row 1 changed
//     twice since it was added (version 3); version 5.
//   - SUF's template holds central decisions and no rows; version 1.
func fillLists(t testing.TB, s storage.Store) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	decided := func(problems []wave.RowProblem, err error) {
		t.Helper()
		must(err)
		if len(problems) > 0 {
			t.Fatalf("decide: %+v", problems)
		}
	}
	_, err := upload(ctx, s, "b3", "BUF", 150)
	must(err)
	decided(decide(ctx, s, "b3", "BUF", "maria", 2, 1, wave.DecisionFix))
	decided(decide(ctx, s, "b3", "BUF", "jens", 2, 2, wave.DecisionOK))
	decided(decide(ctx, s, "b3", "BUF", "maria", 5, 1, wave.DecisionOK))

	_, err = upload(ctx, s, "b3", "SUF", 3)
	must(err)
	for id, d := range []wave.Decision{wave.DecisionOK, wave.DecisionOK, wave.DecisionFix} {
		decided(decide(ctx, s, "b3", "SUF", "maria", id+1, 1, d))
	}
	_, err = s.UpdateAuthList(ctx, "b3", "SUF", func(l *wave.AuthList) ([]wave.Event, error) {
		_, err := l.Submit("maria", t0)
		return []wave.Event{{At: t0, Actor: "maria", Wave: "b3", FV: "SUF", Action: "authlist.submit"}}, err
	})
	must(err)
	_, err = s.UpdateAuthList(ctx, "b3", "SUF", func(l *wave.AuthList) ([]wave.Event, error) {
		_, problems, err := l.MarkApplied([]wave.AppliedEdit{{ID: 3, Seen: 2, Applied: true}}, "anna", t0)
		if len(problems) > 0 {
			return nil, fmt.Errorf("mark applied: %+v", problems)
		}
		return []wave.Event{{At: t0, Actor: "anna", Wave: "b3", FV: "SUF", Action: "authlist.applied", Item: "AA3"}}, err
	})
	must(err)

	_, err = upload(ctx, s, "b4", "BUF", 2)
	must(err)

	decisions := wave.Decisions{Levels: []wave.Level{{Name: "Leder", Limit: 100000}}, Units: []wave.OrgUnit{{Number: "1000", Name: "Centralt"}}}
	for _, fv := range []string{"BUF", "SUF"} {
		_, err = s.UpdateAuthTemplate(ctx, fv, func(tp *wave.AuthTemplate) ([]wave.Event, error) {
			_, err := tp.SetDecisions(decisions, "maria", t0)
			return []wave.Event{{At: t0, Actor: "maria", FV: fv, Action: "template.decisions"}}, err
		})
		must(err)
	}
	for i, e := range []wave.TemplateEdit{
		{Unit: "1000", User: "AB12", Role: "attestant", Level: "Leder", Amount: "5000"},
		{Unit: "1000", User: "CD34", Role: "godkender", Level: "Leder", Amount: "50.000"},
		{ID: 1, Seen: 1, Unit: "1000", User: "AB12", Role: "attestant", Level: "Leder", Amount: "6000"},
		{ID: 1, Seen: 2, Unit: "1000", User: "AB12", Role: "attestant", Level: "Leder", Amount: "7000"},
	} {
		problems, err := EditTemplate(ctx, s, "BUF", e)
		must(err)
		if len(problems) > 0 {
			t.Fatalf("template edit %d: %+v", i, problems)
		}
	}
}

// EditTemplate saves edit e of forvaltning fv's template as maria, and
// returns the problems the domain reported.
func EditTemplate(ctx context.Context, s storage.Store, fv string, e wave.TemplateEdit) ([]wave.RowProblem, error) {
	var problems []wave.RowProblem
	_, err := s.UpdateAuthTemplate(ctx, fv, func(tp *wave.AuthTemplate) ([]wave.Event, error) {
		changes, p, err := tp.Edit([]wave.TemplateEdit{e}, "maria", t0)
		problems = p
		var evs []wave.Event
		for _, c := range changes {
			evs = append(evs, wave.Event{At: t0, Actor: "maria", FV: fv, Action: "template.row", Item: c.User, After: c.Role})
		}
		return evs, err
	})
	return problems, err
}

// DumpOf returns everything s dumps, as JSON lines, one per part. A
// line holds each list as the table that stores it, too: a list's JSON
// leaves out its rows and versions.
func DumpOf(t testing.TB, s storage.Store) ([]storage.Part, []string) {
	t.Helper()
	var parts []storage.Part
	var lines []string
	err := s.Dump(context.Background(), func(p storage.Part) error {
		if p.Empty() {
			t.Error("Dump handed out an empty part")
		}
		line := struct {
			storage.Part
			ListTables, TemplateTables []storage.Table
		}{Part: p}
		for _, l := range p.AuthLists {
			tb, err := storage.AuthLists.Table(l)
			if err != nil {
				return err
			}
			line.ListTables = append(line.ListTables, tb)
		}
		for _, tp := range p.Templates {
			tb, err := storage.AuthTemplates.Table(tp)
			if err != nil {
				return err
			}
			line.TemplateTables = append(line.TemplateTables, tb)
		}
		b, err := json.Marshal(line)
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
	from, to := open(t, testDue{}, clk), open(t, testDue{}, clk)
	t.Cleanup(func() { from.Close(); to.Close() })
	_, none := DumpOf(t, to)
	if len(none) != 0 {
		t.Fatalf("an empty store dumps %v", none)
	}
	Fill(t, from)
	parts, want := DumpOf(t, from)
	kinds := []string{}
	var lists, templates storage.Part
	for _, p := range parts {
		if len(p.AuthLists) > 0 {
			lists = p // the last: short lists, that one write loads together
		}
		if len(p.Templates) > 0 {
			templates = p
		}
		switch {
		case len(p.Waves) > 0:
			kinds = append(kinds, "waves")
		case len(p.People) > 0:
			kinds = append(kinds, "people")
		case len(p.Workflows) > 0:
			kinds = append(kinds, "workflows")
		case len(p.AuthLists) > 0:
			var refs []string
			for _, l := range p.AuthLists {
				refs = append(refs, l.Wave+"/"+l.FV)
			}
			kinds = append(kinds, "lists:"+strings.Join(refs, ","))
		case len(p.Templates) > 0:
			var fvs []string
			for _, tp := range p.Templates {
				fvs = append(fvs, tp.FV)
			}
			kinds = append(kinds, "templates:"+strings.Join(fvs, ","))
		case p.FirstPerson != "":
			kinds = append(kinds, "first:"+p.FirstPerson)
		case len(p.Events) > 0:
			kinds = append(kinds, "log:"+p.Log)
		case len(p.Ledger) > 0:
			kinds = append(kinds, "ledger")
		}
	}
	if got := fmt.Sprint(kinds); got != "[waves people workflows lists:b3/BUF lists:b3/SUF,b4/BUF templates:BUF,SUF first:anna log: log:b3 log:b3 log:b4 log:b5 ledger]" {
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
	if evs, err := to.Events(ctx, "b3", "BUF", 6); err != nil || len(evs) != 6 || evs[0].Action != "activity.done" ||
		evs[1].Item != "AA5" || evs[5].After != "149" {
		t.Errorf("events after the load: %+v, %v", evs, err)
	}
	testListsAfterLoad(t, from, to)
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
		{AuthLists: []wave.AuthList{{Wave: "b9", FV: "BUF", Round: 1, Version: 1}, lists.AuthLists[0]}},
		{Templates: []wave.AuthTemplate{{FV: "SOF", Version: 1}, templates.Templates[0]}},
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
	if _, err := to.AuthList(ctx, "b9", "BUF"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("b9/BUF's list was stored by a failed load: %v", err)
	}
	if _, err := to.AuthTemplate(ctx, "SOF"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("SOF's template was stored by a failed load: %v", err)
	}
	// A list whose rows share an id, or have none, is refused whole.
	for _, ids := range [][]int{{1, 2, 1}, {0}} {
		bad := wave.AuthList{Wave: "b8", FV: "BUF", Round: 1, Version: 1}
		for _, id := range ids {
			bad.Rows = append(bad.Rows, wave.AuthRow{ID: id, User: fmt.Sprintf("AA%d", id), Version: 1})
		}
		if err := to.Load(ctx, storage.Part{AuthLists: []wave.AuthList{bad}}); err == nil {
			t.Errorf("a list with rows %v loaded", ids)
		}
		if _, err := to.AuthList(ctx, "b8", "BUF"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("a list with rows %v was stored: %v", ids, err)
		}
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

// testListsAfterLoad: the lists and templates of Fill, dumped from
// `from` and loaded into `to`, come back with their rows and versions,
// and the same edits, stale ones included, do the same on both stores.
func testListsAfterLoad(t *testing.T, from, to storage.Store) {
	ctx := context.Background()
	SameLists(t, from, to)
	l, err := to.AuthList(ctx, "b3", "BUF")
	if err != nil || l.Version != 4 || len(l.Rows) != 150 || l.Rows[0].Version != 1 || l.Rows[1].Version != 3 ||
		l.Rows[1].DecidedBy != "jens" || l.Rows[4].Version != 2 || l.Rows[149].User != "AA150" {
		t.Errorf("loaded b3/BUF: version %d, %d rows, %v", l.Version, len(l.Rows), err)
	}
	if l, err := to.AuthList(ctx, "b3", "SUF"); err != nil || l.Version != 6 || !l.Submitted || !l.Rows[2].Applied || l.Rows[2].Version != 3 {
		t.Errorf("loaded b3/SUF: %+v, %v", l, err)
	}
	tp, err := to.AuthTemplate(ctx, "BUF")
	if err != nil || tp.Version != 5 || len(tp.Rows) != 2 || tp.Rows[0].Version != 3 || tp.Rows[0].Amount != "7000" || tp.NextRow != 2 ||
		len(tp.Decisions.Levels) != 1 {
		t.Errorf("loaded template BUF: %+v, %v", tp, err)
	}
	for _, s := range []storage.Store{from, to} {
		// A page that showed row 2 before jens changed it.
		if p, err := decide(ctx, s, "b3", "BUF", "vera", 2, 1, wave.DecisionFix); err != nil || len(p) != 1 || p[0].Kind != wave.ProblemConflict || p[0].By != "jens" {
			t.Errorf("stale edit of row 2: %+v, %v; want a conflict with jens", p, err)
		}
		if p, err := decide(ctx, s, "b3", "BUF", "vera", 2, 3, wave.DecisionFix); err != nil || len(p) != 0 {
			t.Errorf("edit of row 2: %+v, %v", p, err)
		}
		stale := wave.TemplateEdit{ID: 1, Seen: 2, Unit: "1000", User: "AB12", Role: "attestant", Level: "Leder", Amount: "8000"}
		if p, err := EditTemplate(ctx, s, "BUF", stale); err != nil || len(p) != 1 || p[0].Kind != wave.ProblemConflict {
			t.Errorf("stale edit of template row 1: %+v, %v; want a conflict", p, err)
		}
		stale.Seen = 3
		if p, err := EditTemplate(ctx, s, "BUF", stale); err != nil || len(p) != 0 {
			t.Errorf("edit of template row 1: %+v, %v", p, err)
		}
		// A new round: a write of the whole list.
		if _, err := upload(ctx, s, "b4", "BUF", 3); err != nil {
			t.Errorf("new round of b4/BUF: %v", err)
		}
	}
	SameLists(t, from, to)
	if l, err := to.AuthList(ctx, "b3", "BUF"); err != nil || l.Version != 5 || l.Rows[1].Version != 4 || l.Rows[1].DecidedBy != "vera" {
		t.Errorf("b3/BUF after an edit: version %d, %v", l.Version, err)
	}
	if l, err := to.AuthList(ctx, "b4", "BUF"); err != nil || l.Version != 2 || l.Round != 2 || len(l.Rows) != 3 {
		t.Errorf("b4/BUF after a new round: %+v, %v", l, err)
	}
}

// SameLists fails t unless got holds the lists and templates of Fill as
// want does: rows, decisions and versions.
func SameLists(t testing.TB, want, got storage.Store) {
	t.Helper()
	ctx := context.Background()
	for _, ref := range [][2]string{{"b3", "BUF"}, {"b3", "SUF"}, {"b4", "BUF"}} {
		w, errW := want.AuthList(ctx, ref[0], ref[1])
		g, errG := got.AuthList(ctx, ref[0], ref[1])
		if errW != nil || errG != nil || !reflect.DeepEqual(w, g) {
			t.Errorf("list %s/%s differs: version %d, %d rows, %v; want version %d, %d rows, %v", ref[0], ref[1],
				g.Version, len(g.Rows), errG, w.Version, len(w.Rows), errW)
		}
	}
	for _, fv := range []string{"BUF", "SUF"} {
		w, errW := want.AuthTemplate(ctx, fv)
		g, errG := got.AuthTemplate(ctx, fv)
		if errW != nil || errG != nil || !reflect.DeepEqual(w, g) {
			t.Errorf("template %s differs: %+v, %v; want %+v, %v", fv, g, errG, w, errW)
		}
	}
}

// legacyTrack is a forvaltning's workflow track as stored before tracks
// moved to the enrolments: stores still keep and dump such documents.
func legacyTrack(fv string) wave.Workflow {
	return wave.Workflow{FV: fv, Steps: wave.NewTrack(tpl)}
}
