package wave

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// decided are central decisions: two levels, a unit with two below it.
var decided = Decisions{
	Levels: []Level{{Name: "Leder", Limit: 100000}, {Name: "Medarbejder", Limit: 10000}},
	Units:  []OrgUnit{{Number: "1000", Name: "Forvaltningen"}, {Number: "1200", Name: "Nord", Parent: "1000"}, {Number: "1300", Name: "Syd", Parent: "1000"}},
}

// row is a template row: unit, user, role, level, amount.
func row(unit, user, role, level, amount string) TemplateRow {
	return TemplateRow{Unit: unit, User: user, Role: role, Level: level, Amount: amount}
}

// found renders problems as "rule@row" (or "rule:unit" for a unit's),
// warnings with a "?" and accepted ones with a "✓".
func found(problems []Problem) []string {
	var out []string
	for _, p := range problems {
		s := fmt.Sprintf("%s@%d", p.Rule, p.Row)
		if p.Row == 0 {
			s = fmt.Sprintf("%s:%s", p.Rule, p.Unit)
		}
		if p.Warning {
			s += "?"
		}
		if p.Accepted {
			s += "✓"
		}
		out = append(out, s)
	}
	return out
}

// TestTemplateRules checks each rule of the template on its own: a valid
// pair of rows (attestant and godkender in 1200) plus the row or change
// that breaks the rule.
func TestTemplateRules(t *testing.T) {
	valid := []TemplateRow{row("1200", "AB12", "attestant", "Medarbejder", "5.000"), row("1200", "CD34", "godkender", "Leder", "100.000")}
	for _, tc := range []struct {
		rule  string
		rows  []TemplateRow
		want  []string
		block bool
	}{
		{"a valid template", nil, nil, false},
		{"the role is one of the three", []TemplateRow{row("1200", "EF56", "kasserer", "", "")}, []string{"role@3"}, true},
		{"the role may be written in English", []TemplateRow{row("1200", "EF56", "Approver", "Leder", "1000")}, nil, false},
		{"a dispatcher needs no level or amount", []TemplateRow{row("1300", "EF56", "dispatcher", "", "")}, nil, false},
		{"the level is a decided level", []TemplateRow{row("1200", "EF56", "attestant", "Direktør", "1000")}, []string{"level@3"}, true},
		{"an attestant has a level", []TemplateRow{row("1200", "EF56", "attestant", "", "1000")}, []string{"level-needed@3"}, true},
		{"the amount limit is a number", []TemplateRow{row("1200", "EF56", "godkender", "Leder", "mange")}, []string{"amount@3"}, true},
		{"a godkender has an amount limit", []TemplateRow{row("1200", "EF56", "godkender", "Leder", "")}, []string{"amount@3"}, true},
		{"the amount is in whole kroner", []TemplateRow{row("1200", "EF56", "godkender", "Leder", "50,50")}, []string{"amount@3"}, true},
		{"the amount is within the level's limit", []TemplateRow{row("1200", "EF56", "godkender", "Medarbejder", "10.001")}, []string{"amount-limit@3"}, true},
		{"the amount may equal the limit", []TemplateRow{row("1200", "EF56", "godkender", "medarbejder", "10.000 kr.")}, nil, false},
		{"the org.nr. exists in the hierarchy", []TemplateRow{row("9999", "EF56", "dispatcher", "", "")}, []string{"unit@3"}, true},
		{"the user is a KØR user id", []TemplateRow{row("1200", "12", "dispatcher", "", "")}, []string{"user@3"}, true},
		{"every unit with an attestant has a godkender", []TemplateRow{row("1300", "EF56", "attestant", "Leder", "1")}, []string{"godkender:1300"}, true},
		{"a godkender elsewhere does not count", []TemplateRow{row("1300", "EF56", "attestant", "Leder", "1"), row("1000", "GH78", "godkender", "Leder", "1")}, []string{"godkender:1300"}, true},
		{"one role once per user and unit", []TemplateRow{row("1200", "AB12", "attestant", "Leder", "1")}, []string{"duplicate@3"}, true},
		{"not both attestant and godkender in a unit", []TemplateRow{row("1200", "AB12", "godkender", "Leder", "1")}, []string{"separation@1?"}, true},
		{"the same person may hold both in two units", []TemplateRow{row("1300", "AB12", "godkender", "Leder", "1")}, nil, false},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			tp := AuthTemplate{FV: "BUF", Decisions: decided}
			for i, r := range append(slices.Clone(valid), tc.rows...) {
				r.ID = i + 1
				tp.Rows = append(tp.Rows, r)
			}
			got := found(tp.Validate())
			if !slices.Equal(got, tc.want) {
				t.Errorf("problems %v, want %v", got, tc.want)
			}
			if block := len(Blocking(tp.Validate())) > 0; block != tc.block {
				t.Errorf("blocks delivery: %v, want %v", block, tc.block)
			}
		})
	}
}

// TestSeparationCanBeAccepted: the warning that one user is both
// attestant and godkender in a unit names both rows, and stops delivery
// until one of them carries a reason.
func TestSeparationCanBeAccepted(t *testing.T) {
	tp := AuthTemplate{FV: "BUF", Decisions: decided}
	tp.Edit([]TemplateEdit{
		{Unit: "1200", User: "AB12", Role: "attestant", Level: "Leder", Amount: "1000"},
		{Unit: "1200", User: "CD34", Role: "godkender", Level: "Leder", Amount: "1000"},
		{Unit: "1200", User: "ab12", Role: "Godkender", Level: "Leder", Amount: "1000"},
	}, "maria", listNow)
	p := tp.Validate()
	if len(p) != 1 || p[0].Rule != RuleSeparation || !slices.Equal(p[0].Rows, []int{1, 3}) || p[0].Accepted {
		t.Fatalf("problems %+v", p)
	}
	if err := tp.Deliver("maria", listNow); !errors.Is(err, ErrNotReady) {
		t.Errorf("delivering with a warning not accepted: %v", err)
	}
	tp.Rows[2].Accept = "Lille enhed med én leder; økonomichefen godkender efterfølgende"
	if got := found(tp.Validate()); !slices.Equal(got, []string{"separation@1?✓"}) {
		t.Errorf("accepted: %v", got)
	}
	if err := tp.Deliver("maria", listNow); err != nil || !tp.Delivered {
		t.Errorf("delivering with the warning accepted: %v", err)
	}
	if _, _, err := tp.Edit([]TemplateEdit{{User: "ZZ1"}}, "maria", listNow); !errors.Is(err, ErrDelivered) {
		t.Errorf("editing a delivered template: %v", err)
	}
}

func TestTemplateWithoutDecisionsOrRows(t *testing.T) {
	var tp AuthTemplate
	if err := tp.Deliver("maria", listNow); !errors.Is(err, ErrNoTemplate) {
		t.Errorf("delivering an empty template: %v", err)
	}
	tp.Rows = []TemplateRow{{ID: 1, Unit: "1200", User: "AB12", Role: "dispatcher"}}
	if got := found(tp.Validate()); !slices.Equal(got, []string{"no-decisions:", "unit@1"}) {
		t.Errorf("without decisions: %v", got)
	}
}

// TestDecisionRules checks each rule of the central decisions.
func TestDecisionRules(t *testing.T) {
	for _, tc := range []struct {
		rule string
		d    Decisions
		want []string
	}{
		{"decided well", decided, nil},
		{"a level has a name", Decisions{Levels: []Level{{Name: " ", Limit: 1}}}, []string{"level-name#1"}},
		{"a level's name is used once", Decisions{Levels: []Level{{Name: "Leder", Limit: 1}, {Name: "leder", Limit: 2}}}, []string{"level-name#2"}},
		{"a level has a limit", Decisions{Levels: []Level{{Name: "Leder"}}}, []string{"level-limit#1"}},
		{"a unit has an org.nr. of digits", Decisions{Units: []OrgUnit{{Number: "Nord"}}}, []string{"unit-number#1"}},
		{"an org.nr. is used once", Decisions{Units: []OrgUnit{{Number: "1"}, {Number: "1"}}}, []string{"unit-number#2"}},
		{"a parent exists", Decisions{Units: []OrgUnit{{Number: "1", Parent: "2"}}}, []string{"unit-parent#1"}},
		{"no cycle", Decisions{Units: []OrgUnit{{Number: "1", Parent: "2"}, {Number: "2", Parent: "1"}}}, []string{"unit-cycle#1", "unit-cycle#2"}},
		{"a responsibility is not a novel", Decisions{Roles: []RoleDecision{{Role: RoleAttestant, Responsibility: strings.Repeat("x", MaxRowNote+1)}}}, []string{"responsibility#0"}},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			var got []string
			for _, p := range tc.d.Check() {
				got = append(got, fmt.Sprintf("%s#%d", p.Rule, p.Index))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("problems %v, want %v", got, tc.want)
			}
			var tp AuthTemplate
			_, err := tp.SetDecisions(tc.d, "maria", listNow)
			if (err != nil) != (tc.want != nil) || (err == nil && tp.Decisions.ChangedBy != "maria") {
				t.Errorf("SetDecisions: %v, %+v", err, tp.Decisions)
			}
		})
	}
}

func TestParseAmount(t *testing.T) {
	for in, want := range map[string]int64{
		"50000": 50000, "50.000": 50000, "50 000": 50000, "50.000 kr.": 50000, "kr. 50.000": 50000, "50.000,00": 50000,
		"50,000": 50000, "50,000.00": 50000, "DKK 1.250.000": 1250000, "0": 0, "7,0": 7,
	} {
		if got, ok := ParseAmount(in); !ok || got != want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "mange", "50.00.0", "-5", "50,50", "1e6", "12345678901234567", "5.0000"} {
		if got, ok := ParseAmount(bad); ok {
			t.Errorf("ParseAmount(%q) = %d; want refused", bad, got)
		}
	}
}

// TestTemplateEdits: new rows get ids in turn, empty ones are left out, a
// row changed by someone else since the page showed it keeps that change,
// a row can go.
func TestTemplateEdits(t *testing.T) {
	tp := AuthTemplate{FV: "BUF", Decisions: decided}
	changes, _, _ := tp.Edit([]TemplateEdit{{Unit: "1200", User: " ab12 ", Role: "Attestant"}, {}, {Unit: "1200", User: "CD34", Role: "godkender"}}, "maria", listNow)
	if len(changes) != 2 || len(tp.Rows) != 2 || tp.Rows[0].User != "AB12" || tp.Rows[0].Role != "attestant" || tp.Rows[1].ID != 2 {
		t.Fatalf("new rows: %+v %+v", changes, tp.Rows)
	}
	for i := range tp.Rows {
		tp.Rows[i].Version = 1
	}
	_, problems, _ := tp.Edit([]TemplateEdit{{ID: 1, Seen: 0, Unit: "1300", User: "AB12", Role: "attestant"}}, "jens", listNow)
	if len(problems) != 1 || problems[0].Kind != ProblemConflict || tp.Rows[0].Unit != "1200" {
		t.Errorf("a stale edit: %+v %+v", problems, tp.Rows[0])
	}
	changes, _, _ = tp.Edit([]TemplateEdit{{ID: 2, Seen: 1, Delete: true}, {ID: 7, Seen: 1, User: "X"}}, "maria", listNow)
	if len(changes) != 1 || !changes[0].Deleted || len(tp.Rows) != 1 {
		t.Errorf("deleting row 2: %+v %+v", changes, tp.Rows)
	}
	tp.Edit([]TemplateEdit{{User: "EF56", Unit: "1200", Role: "dispatcher"}}, "maria", listNow)
	if tp.Rows[1].ID != 3 {
		t.Errorf("a deleted row's id was used again: %+v", tp.Rows)
	}
	_, problems, _ = tp.Edit([]TemplateEdit{{User: "EF57", Name: strings.Repeat("n", MaxRowText+1)}}, "maria", listNow)
	if len(problems) != 1 || problems[0].Kind != ProblemTooLong || len(tp.Rows) != 2 {
		t.Errorf("a name too long: %+v", problems)
	}
}

func TestReadUnits(t *testing.T) {
	units, problems := ReadUnits([][]string{{"Org.nr.", "Navn", "Overordnet"}, {"1000", "BUF", ""}, {"1200", "Nord", "1000"}})
	if len(problems) > 0 || len(units) != 2 || units[1].Parent != "1000" {
		t.Errorf("hierarchy: %+v %+v", units, problems)
	}
	_, problems = ReadUnits([][]string{{"Org.nr.", "Overordnet"}, {"1000", ""}, {"1200", "999"}, {"x", ""}})
	if len(problems) != 2 || problems[0].Line != 4 || problems[0].Kind != ImportBadNumber || problems[1].Line != 3 || problems[1].Kind != ImportUnknownParent {
		t.Errorf("a bad hierarchy: %+v", problems)
	}
}
