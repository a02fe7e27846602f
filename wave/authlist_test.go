package wave

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var listNow = time.Date(2027, 2, 1, 10, 0, 0, 0, time.UTC)

func listOf(t *testing.T, users ...string) AuthList {
	t.Helper()
	l := AuthList{Wave: "b3", FV: "BUF"}
	var rows []AuthRow
	for _, u := range users {
		rows = append(rows, AuthRow{User: u, Current: "Indkøber"})
	}
	if err := l.Replace(rows, "koer.csv", "anna", listNow); err != nil {
		t.Fatal(err)
	}
	for i := range l.Rows {
		l.Rows[i].Version = 1
	}
	return l
}

func TestDecide(t *testing.T) {
	for _, tc := range []struct {
		name    string
		edit    RowEdit
		stored  Decision
		kind    RowProblemKind
		changed bool
	}{
		{"ok", RowEdit{ID: 1, Seen: 1, Decision: DecisionOK}, DecisionOK, 0, true},
		{"to fix with the wanted authorization", RowEdit{ID: 1, Seen: 1, Decision: DecisionFix, Wanted: "Godkender", Note: "leder"}, DecisionFix, 0, true},
		{"to fix without saying what", RowEdit{ID: 1, Seen: 1, Decision: DecisionFix, Wanted: "  "}, DecisionOpen, ProblemNoWanted, false},
		{"a note too long", RowEdit{ID: 1, Seen: 1, Decision: DecisionOK, Note: strings.Repeat("x", MaxRowNote+1)}, DecisionOpen, ProblemTooLong, false},
		{"a stale page", RowEdit{ID: 1, Seen: 0, Decision: DecisionOK}, DecisionOpen, ProblemConflict, false},
		{"a row that is not there", RowEdit{ID: 9, Seen: 1, Decision: DecisionOK}, DecisionOpen, ProblemUnknownRow, false},
		{"as it was, even from a stale page", RowEdit{ID: 1, Seen: 0, Decision: DecisionOpen}, DecisionOpen, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := listOf(t, "AA1", "AA2")
			changes, problems, err := l.Decide([]RowEdit{tc.edit}, "maria", listNow)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(changes) == 1; got != tc.changed {
				t.Errorf("changes %+v", changes)
			}
			if (tc.kind == 0) != (len(problems) == 0) || (len(problems) > 0 && problems[0].Kind != tc.kind) {
				t.Errorf("problems %+v, want kind %d", problems, tc.kind)
			}
			if l.Rows[0].Decision != tc.stored {
				t.Errorf("row 1 is %q, want %q", l.Rows[0].Decision, tc.stored)
			}
			if tc.changed && (l.Rows[0].DecidedBy != "maria" || !l.Rows[0].DecidedAt.Equal(listNow)) {
				t.Errorf("row 1 does not say who decided: %+v", l.Rows[0])
			}
		})
	}
	// Wanted goes with "to fix" only.
	l := listOf(t, "AA1")
	l.Decide([]RowEdit{{ID: 1, Seen: 1, Decision: DecisionOK, Wanted: "Godkender"}}, "maria", listNow)
	if l.Rows[0].Wanted != "" {
		t.Errorf("an ok row keeps a wanted authorization: %+v", l.Rows[0])
	}
}

func TestSubmitAndApply(t *testing.T) {
	l := listOf(t, "AA1", "AA2", "AA3")
	if _, err := l.Submit("maria", listNow); !errors.Is(err, ErrRowsOpen) {
		t.Errorf("submitting with open rows: %v", err)
	}
	if !l.Replaceable() {
		t.Error("a list nobody started on cannot be replaced")
	}
	l.Decide([]RowEdit{{ID: 1, Seen: 1, Decision: DecisionOK}, {ID: 2, Seen: 1, Decision: DecisionFix, Wanted: "Godkender"}, {ID: 3, Seen: 1, Decision: DecisionOK}}, "maria", listNow)
	if l.Replaceable() {
		t.Error("a list being answered can be replaced")
	}
	if _, _, err := l.MarkApplied([]AppliedEdit{{ID: 2, Seen: 1, Applied: true}}, "anna", listNow); !errors.Is(err, ErrNotSubmitted) {
		t.Errorf("applying before the submission: %v", err)
	}
	allOK, err := l.Submit("maria", listNow)
	if err != nil || allOK || !l.Submitted || l.SubmittedBy != "maria" {
		t.Fatalf("submit: %v %v %+v", allOK, err, l)
	}
	if _, _, err := l.Decide([]RowEdit{{ID: 1, Seen: 1, Decision: DecisionFix, Wanted: "x"}}, "maria", listNow); !errors.Is(err, ErrListClosed) {
		t.Errorf("deciding after the submission: %v", err)
	}
	if _, err := l.Submit("maria", listNow); !errors.Is(err, ErrListClosed) {
		t.Errorf("submitting twice: %v", err)
	}
	if l.AllApplied() || l.Replaceable() {
		t.Error("corrections wait, yet the round is over")
	}
	_, problems, _ := l.MarkApplied([]AppliedEdit{{ID: 1, Seen: 1, Applied: true}, {ID: 2, Seen: 0, Applied: true}}, "anna", listNow)
	if len(problems) != 2 || problems[0].Kind != ProblemUnknownRow || problems[1].Kind != ProblemConflict {
		t.Errorf("marking an ok row and a stale one: %+v", problems)
	}
	changes, problems, _ := l.MarkApplied([]AppliedEdit{{ID: 2, Seen: 1, Applied: true}}, "anna", listNow)
	if len(changes) != 1 || len(problems) != 0 || !l.AllApplied() || !l.Replaceable() || l.Rows[1].AppliedBy != "anna" {
		t.Errorf("applying the correction: %+v %+v %+v", changes, problems, l.Rows[1])
	}
	if err := l.Replace([]AuthRow{{User: "BB1", Current: "x"}}, "ny.csv", "anna", listNow); err != nil || l.Round != 2 || l.Submitted || len(l.Rows) != 1 {
		t.Errorf("a new round: %v %+v", err, l)
	}
	if err := l.Replace(nil, "tom.csv", "anna", listNow); !errors.Is(err, ErrEmptyList) {
		t.Errorf("an empty upload: %v", err)
	}
	every := listOf(t, "AA1")
	every.Decide([]RowEdit{{ID: 1, Seen: 1, Decision: DecisionOK}}, "maria", listNow)
	if ok, err := every.Submit("maria", listNow); !ok || err != nil || !every.AllApplied() {
		t.Errorf("a list all ok: %v %v, applied %v", ok, err, every.AllApplied())
	}
}

func TestReadAuthList(t *testing.T) {
	good := [][]string{
		{},
		{"Bruger-ID", "Fulde navn", "Org.nr.", "Nuværende autorisation", "Telefon"},
		{"nn99", "Søren Ærø", "1200", "=cmd|' /C calc'!A0", "1234"},
		{"", "", "", "", ""},
		{"AB12", "Åse", "1300", "Attestant"},
	}
	rows, ignored, problems := ReadAuthList(good)
	if len(problems) > 0 || len(rows) != 2 || rows[0].User != "NN99" || rows[0].Current != "=cmd|' /C calc'!A0" || rows[1].Unit != "1300" ||
		len(ignored) != 1 || ignored[0] != "Telefon" {
		t.Fatalf("Danish headers: %+v %v %+v", rows, ignored, problems)
	}
	english := [][]string{{"User ID", "Name", "Unit", "Current authorization"}, {"AB12", "Ann", "1", "Approver"}}
	if rows, _, problems := ReadAuthList(english); len(problems) > 0 || len(rows) != 1 || rows[0].Current != "Approver" {
		t.Errorf("English headers: %+v %+v", rows, problems)
	}
	for _, tc := range []struct {
		name  string
		table [][]string
		want  []ImportProblem
	}{
		{"an empty file", nil, []ImportProblem{{Kind: ImportNoRows}}},
		{"only headers", [][]string{{"BrugerID", "Autorisation"}}, []ImportProblem{{Line: 1, Kind: ImportNoRows}}},
		{"wrong headers", [][]string{{"Medarbejder", "Telefon"}, {"x", "y"}},
			[]ImportProblem{{Line: 1, Kind: ImportMissingColumn, Value: "BrugerID"}, {Line: 1, Kind: ImportMissingColumn, Value: "Autorisation"}}},
		{"two columns for one", [][]string{{"BrugerID", "User ID", "Autorisation"}, {"a", "b", "c"}}, []ImportProblem{{Line: 1, Kind: ImportDoubleColumn, Value: "User ID"}}},
		{"bad rows", [][]string{
			{"BrugerID", "Autorisation", "Navn"},
			{"", "Indkøber"},
			{"12AB", "Indkøber"},
			{"AB12", ""},
			{"CD34", "Indkøber"},
			{"cd34", "indkøber"},
			{"EF56", "Indkøber", strings.Repeat("n", MaxRowText+1)},
		}, []ImportProblem{
			{Line: 2, Kind: ImportNoUser},
			{Line: 3, Kind: ImportBadUser, Value: "12AB"},
			{Line: 4, Kind: ImportNoValue, Value: "Autorisation"},
			{Line: 6, Kind: ImportDuplicate, Value: "CD34", Other: 5},
			{Line: 7, Kind: ImportTooLong, Value: strings.Repeat("n", 40) + "…"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, _, problems := ReadAuthList(tc.table)
			if rows != nil {
				t.Errorf("a refused file gave rows: %+v", rows)
			}
			if len(problems) != len(tc.want) {
				t.Fatalf("problems %+v, want %+v", problems, tc.want)
			}
			for i := range problems {
				if problems[i] != tc.want[i] {
					t.Errorf("problem %d = %+v, want %+v", i, problems[i], tc.want[i])
				}
			}
		})
	}
	many := [][]string{{"BrugerID", "Autorisation"}}
	for range MaxListRows + 1 {
		many = append(many, []string{"AB12", "x"})
	}
	if _, _, problems := ReadAuthList(many); len(problems) != 1 || problems[0].Kind != ImportTooManyRows {
		t.Errorf("too many rows: %+v", problems)
	}
}

func TestNoticesAreSentOnceAndForgotten(t *testing.T) {
	w := Wave{ID: "b3", Reminded: listNow}
	w.AddNotice(Notice{Kind: NoticeTemplateDelivered, FV: "BUF", At: listNow.Add(-time.Minute), To: []string{"anna"}})
	if len(w.Notices) != 1 || !w.Notices[0].At.After(listNow) {
		t.Fatalf("a notice from a clock behind the watermark: %+v", w.Notices)
	}
	w.AddNotice(Notice{Kind: NoticeTemplateDelivered, FV: "BUF", At: listNow.Add(time.Minute)})
	if len(w.Notices) != 1 {
		t.Errorf("a notice to nobody was kept: %+v", w.Notices)
	}
	w.Reminded = listNow.Add(time.Hour)
	w.AddNotice(Notice{Kind: NoticeTemplateDelivered, FV: "BUF", At: listNow.Add(2 * time.Hour), To: []string{"anna"}})
	if len(w.Notices) != 1 || w.Notices[0].Kind != NoticeTemplateDelivered {
		t.Errorf("handled notices are not forgotten: %+v", w.Notices)
	}
}
