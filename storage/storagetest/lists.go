package storagetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"wavebot/internal/clock"
	"wavebot/storage"
	"wavebot/wave"
)

// ListRows returns n rows of a list from KØR: users AA1, AA2, ….
func ListRows(n int) []wave.AuthRow {
	rows := make([]wave.AuthRow, n)
	for i := range rows {
		rows[i] = wave.AuthRow{User: fmt.Sprintf("AA%d", i+1), Name: fmt.Sprintf("Bruger %d", i+1), Unit: "1000", Current: "Indkøber"}
	}
	return rows
}

// Upload stores a new round of the list of b3/BUF with n rows, as anna.
func Upload(ctx context.Context, s storage.Store, n int) (wave.AuthList, error) {
	return upload(ctx, s, "b3", "BUF", n)
}

// upload stores a new round of the list of enrolment waveID/fv with n
// rows, as anna.
func upload(ctx context.Context, s storage.Store, waveID, fv string, n int) (wave.AuthList, error) {
	return s.UpdateAuthList(ctx, waveID, fv, func(l *wave.AuthList) ([]wave.Event, error) {
		return []wave.Event{{At: t0, Actor: "anna", Wave: waveID, FV: fv, Action: "authlist.upload"}}, l.Replace(ListRows(n), "koer.csv", "anna", t0)
	})
}

// Decide saves decision d on row id of b3/BUF's list as person, as a page
// that showed the row at version seen does. It returns the problems the
// domain reported.
func Decide(ctx context.Context, s storage.Store, person string, id int, seen int64, d wave.Decision) ([]wave.RowProblem, error) {
	return decide(ctx, s, "b3", "BUF", person, id, seen, d)
}

// decide is Decide on the list of enrolment waveID/fv.
func decide(ctx context.Context, s storage.Store, waveID, fv, person string, id int, seen int64, d wave.Decision) ([]wave.RowProblem, error) {
	var problems []wave.RowProblem
	_, err := s.UpdateAuthList(ctx, waveID, fv, func(l *wave.AuthList) ([]wave.Event, error) {
		edit := wave.RowEdit{ID: id, Seen: seen, Decision: d, Wanted: "Godkender", Note: person}
		changes, p, err := l.Decide([]wave.RowEdit{edit}, person, t0)
		problems = p
		var evs []wave.Event
		for _, c := range changes {
			evs = append(evs, wave.Event{At: t0, Actor: person, Wave: waveID, FV: fv, Action: "authlist.row", Item: c.User, After: string(c.After)})
		}
		return evs, err
	})
	return problems, err
}

func testAuthLists(t *testing.T, s storage.Store, _ *clock.Fake) {
	ctx := context.Background()
	if _, err := s.AuthList(ctx, "b3", "BUF"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("list never stored: err = %v, want ErrNotFound", err)
	}
	l, err := Upload(ctx, s, 3)
	if err != nil {
		t.Fatal(err)
	}
	if l.Version != 1 || l.Round != 1 || len(l.Rows) != 3 || l.Rows[2].User != "AA3" || l.Rows[0].Version != 1 {
		t.Fatalf("uploaded list = %+v", l)
	}
	if p, err := Decide(ctx, s, "maria", 2, 1, wave.DecisionFix); err != nil || len(p) > 0 {
		t.Fatalf("decide: %v %v", p, err)
	}
	l, err = s.AuthList(ctx, "b3", "BUF")
	if err != nil {
		t.Fatal(err)
	}
	if l.Version != 2 || l.Rows[1].Decision != wave.DecisionFix || l.Rows[1].Wanted != "Godkender" || l.Rows[1].Version != 2 ||
		l.Rows[0].Version != 1 || l.Rows[0].Decision != wave.DecisionOpen || l.FileName != "koer.csv" {
		t.Errorf("after one decision: %+v", l)
	}
	// A page that showed the row before maria's change does not overwrite it.
	if p, err := Decide(ctx, s, "jens", 2, 1, wave.DecisionOK); err != nil || len(p) != 1 || p[0].Kind != wave.ProblemConflict || p[0].By != "maria" {
		t.Errorf("stale edit: problems %+v, err %v; want one conflict with maria", p, err)
	}
	refused := errors.New("refused")
	_, err = s.UpdateAuthList(ctx, "b3", "BUF", func(l *wave.AuthList) ([]wave.Event, error) {
		l.Rows[0].Decision = wave.DecisionOK
		return []wave.Event{{At: t0, Wave: "b3", FV: "BUF", Action: "x"}}, refused
	})
	if !errors.Is(err, refused) {
		t.Errorf("refused change: err = %v", err)
	}
	// A new round with fewer rows drops the rows it no longer has.
	_, err = s.UpdateAuthList(ctx, "b3", "BUF", func(l *wave.AuthList) ([]wave.Event, error) {
		l.Rows[1].Decision = wave.DecisionOpen
		return nil, l.Replace(ListRows(2), "ny.xlsx", "anna", t0)
	})
	if err != nil {
		t.Fatal(err)
	}
	l, _ = s.AuthList(ctx, "b3", "BUF")
	if l.Round != 2 || len(l.Rows) != 2 || l.FileName != "ny.xlsx" || l.Rows[1].Decision != wave.DecisionOpen {
		t.Errorf("second round = %+v", l)
	}
	evs, err := s.Events(ctx, "b3", "BUF", 10)
	if err != nil || len(evs) != 2 || evs[0].Action != "authlist.row" || evs[0].Item != "AA2" || evs[1].Action != "authlist.upload" {
		t.Errorf("events of the list = %+v, %v; want the decision, then the upload", evs, err)
	}
	if other, err := s.AuthList(ctx, "b3", "SUF"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("another enrolment's list: %+v, %v", other, err)
	}
}

// testConcurrentRowSaves has people save different rows of one list at
// once, and two people save one row: every change to a different row
// lands, and of the two changes of one row exactly one lands while the
// other is reported as a conflict.
func testConcurrentRowSaves(t *testing.T, s storage.Store, _ *clock.Fake) {
	ctx := context.Background()
	const people, rowsEach = 8, 25
	if _, err := Upload(ctx, s, 1+people*rowsEach); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, people*rowsEach+2)
	for p := range people {
		wg.Go(func() {
			for i := range rowsEach {
				id := 2 + p*rowsEach + i
				if problems, err := Decide(ctx, s, fmt.Sprintf("p%d", p), id, 1, wave.DecisionOK); err != nil || len(problems) > 0 {
					errs <- fmt.Errorf("row %d: %v %v", id, problems, err)
				}
			}
		})
	}
	conflicts := make(chan int, 2)
	for _, who := range []string{"maria", "jens"} {
		wg.Go(func() {
			problems, err := Decide(ctx, s, who, 1, 1, wave.DecisionFix)
			if err != nil {
				errs <- err
			}
			conflicts <- len(problems)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if a, b := <-conflicts, <-conflicts; a+b != 1 {
		t.Errorf("two saves of row 1 reported %d and %d conflicts; want exactly one", a, b)
	}
	l, err := s.AuthList(ctx, "b3", "BUF")
	if err != nil {
		t.Fatal(err)
	}
	open, ok, fix, _ := l.Counts()
	if open != 0 || ok != people*rowsEach || fix != 1 || l.Rows[0].Version != 2 {
		t.Errorf("after concurrent saves: %d open, %d ok, %d fix, row 1 at version %d; want 0, %d, 1, 2", open, ok, fix, l.Rows[0].Version, people*rowsEach)
	}
	for _, r := range l.Rows[1:] {
		if r.Decision != wave.DecisionOK || r.Version != 2 {
			t.Fatalf("row %d = %+v; want ok at version 2", r.ID, r)
		}
	}
}

// testSubmitSeesEveryRow races a submission against a change of a row:
// the submission's verdict always matches the rows stored with it.
func testSubmitSeesEveryRow(t *testing.T, s storage.Store, _ *clock.Fake) {
	ctx := context.Background()
	for round := range 10 {
		l, err := Upload(ctx, s, 20)
		if round > 0 {
			// Earlier rounds end submitted; start a fresh round.
			l, err = s.UpdateAuthList(ctx, "b3", "BUF", func(l *wave.AuthList) ([]wave.Event, error) {
				l.Reopen()
				for i := range l.Rows {
					l.Rows[i].Decision = wave.DecisionOpen
				}
				return nil, l.Replace(ListRows(20), "koer.csv", "anna", t0)
			})
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range l.Rows {
			if _, err := Decide(ctx, s, "maria", r.ID, r.Version, wave.DecisionOK); err != nil {
				t.Fatal(err)
			}
		}
		var allOK bool
		var wg sync.WaitGroup
		wg.Go(func() {
			_, err := s.UpdateAuthList(ctx, "b3", "BUF", func(l *wave.AuthList) ([]wave.Event, error) {
				var err error
				allOK, err = l.Submit("maria", t0)
				return nil, err
			})
			if err != nil {
				t.Error(err)
			}
		})
		wg.Go(func() {
			_, err := Decide(ctx, s, "jens", 7, 2, wave.DecisionFix)
			if err != nil && !errors.Is(err, wave.ErrListClosed) {
				t.Error(err)
			}
		})
		wg.Wait()
		stored, _ := s.AuthList(ctx, "b3", "BUF")
		_, _, fix, _ := stored.Counts()
		if !stored.Submitted || allOK != (fix == 0) {
			t.Fatalf("round %d: submitted %v with all ok %v, but the stored list has %d to fix", round, stored.Submitted, allOK, fix)
		}
	}
}

func testAuthTemplates(t *testing.T, s storage.Store, _ *clock.Fake) {
	ctx := context.Background()
	if _, err := s.AuthTemplate(ctx, "BUF"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("template never stored: err = %v", err)
	}
	decisions := wave.Decisions{Levels: []wave.Level{{Name: "Leder", Limit: 100000}}, Units: []wave.OrgUnit{{Number: "1000", Name: "Centralt"}}}
	tp, err := s.UpdateAuthTemplate(ctx, "BUF", func(tp *wave.AuthTemplate) ([]wave.Event, error) {
		if _, err := tp.SetDecisions(decisions, "maria", t0); err != nil {
			return nil, err
		}
		_, _, err := tp.Edit([]wave.TemplateEdit{
			{Unit: "1000", User: "AB12", Role: "attestant", Level: "Leder", Amount: "5000"},
			{Unit: "1000", User: "CD34", Role: "godkender", Level: "Leder", Amount: "50.000"},
		}, "maria", t0)
		return []wave.Event{{At: t0, Actor: "maria", FV: "BUF", Action: "template.rows"}}, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(tp.Rows) != 2 || tp.Rows[1].ID != 2 || tp.Rows[1].Version != 1 || tp.Version != 1 || len(tp.Validate()) != 0 {
		t.Fatalf("template = %+v, problems %v", tp, tp.Validate())
	}
	_, err = s.UpdateAuthTemplate(ctx, "BUF", func(tp *wave.AuthTemplate) ([]wave.Event, error) {
		_, _, err := tp.Edit([]wave.TemplateEdit{{ID: 1, Seen: 1, Delete: true}, {User: "EF56", Unit: "1000", Role: "dispatcher"}}, "maria", t0)
		return nil, err
	})
	if err != nil {
		t.Fatal(err)
	}
	tp, err = s.AuthTemplate(ctx, "BUF")
	if err != nil || len(tp.Rows) != 2 || tp.Rows[0].ID != 2 || tp.Rows[1].ID != 3 || tp.Decisions.Levels[0].Limit != 100000 || tp.Version != 2 {
		t.Errorf("after deleting row 1 and adding row 3: %+v, %v", tp, err)
	}
	evs, err := s.Events(ctx, "", "", 10)
	if err != nil || len(evs) == 0 || evs[0].Action != "template.rows" {
		t.Errorf("template events = %+v, %v", evs, err)
	}
}
