package wave

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Errors of the authorization template.
var (
	ErrDelivered   = errors.New("wave: the authorization template is delivered")
	ErrNotReady    = errors.New("wave: the authorization template has problems")
	ErrNoTemplate  = errors.New("wave: the authorization template has no rows")
	ErrBadDecision = errors.New("wave: the central decisions have problems")
)

// WorkflowRole is one of the three roles of KØR workflow.
type WorkflowRole string

// The three roles the central decisions assign: the attestant certifies
// an invoice, the godkender approves it within an amount limit, and the
// dispatcher (fakturafordeler) distributes invoices.
const (
	RoleAttestant  WorkflowRole = "attestant"
	RoleGodkender  WorkflowRole = "godkender"
	RoleDispatcher WorkflowRole = "dispatcher"
)

// WorkflowRoles are the roles in the document's order.
var WorkflowRoles = []WorkflowRole{RoleAttestant, RoleGodkender, RoleDispatcher}

// ParseWorkflowRole reads a role by its key or its Danish or English name.
func ParseWorkflowRole(s string) (WorkflowRole, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "attestant", "certifier":
		return RoleAttestant, true
	case "godkender", "approver":
		return RoleGodkender, true
	case "dispatcher", "fakturafordeler", "invoice distributor":
		return RoleDispatcher, true
	}
	return "", false
}

// RoleDecision is what the forvaltning decided about one role: who holds
// it and what they answer for.
type RoleDecision struct {
	Role           WorkflowRole `json:"role"`
	Responsibility string       `json:"responsibility,omitempty"`
}

// Level is a position level in KØR (stillingsniveau) in use in the
// forvaltning, with the amount limit (beløbsgrænse) of that level in
// whole kroner.
type Level struct {
	Name  string `json:"name"`
	Limit int64  `json:"limit"`
}

// OrgUnit is one unit of the forvaltning's org.nr. hierarchy; Parent is
// the org.nr. of the unit above it, empty at the top.
type OrgUnit struct {
	Number string `json:"number"`
	Name   string `json:"name,omitempty"`
	Parent string `json:"parent,omitempty"`
}

// Decisions are the forvaltning's central decisions for KØR workflow:
// the three roles and their responsibilities, the position levels in use
// with their amount limits, and the org.nr. hierarchy. The template's
// rows are checked against them.
type Decisions struct {
	Roles     []RoleDecision `json:"roles,omitempty"`
	Levels    []Level        `json:"levels,omitempty"`
	Units     []OrgUnit      `json:"units,omitempty"`
	ChangedBy string         `json:"changed_by,omitempty"`
	ChangedAt time.Time      `json:"changed_at,omitzero"`
}

// Made reports whether any decision is recorded.
func (d Decisions) Made() bool { return len(d.Levels) > 0 || len(d.Units) > 0 }

// Level returns the decided level called name, ignoring case.
func (d Decisions) Level(name string) (Level, bool) {
	for _, l := range d.Levels {
		if strings.EqualFold(l.Name, strings.TrimSpace(name)) {
			return l, true
		}
	}
	return Level{}, false
}

// Unit returns the unit with org.nr. number.
func (d Decisions) Unit(number string) (OrgUnit, bool) {
	for _, u := range d.Units {
		if u.Number == strings.TrimSpace(number) {
			return u, true
		}
	}
	return OrgUnit{}, false
}

// Responsibility returns what the decisions say about role.
func (d Decisions) Responsibility(role WorkflowRole) string {
	for _, r := range d.Roles {
		if r.Role == role {
			return r.Responsibility
		}
	}
	return ""
}

// Rule names a rule of the decisions or the template that something breaks.
type Rule string

// The rules of the template, checked on every save, and of the decisions.
const (
	RuleUser        Rule = "user"         // a row needs a valid KØR user id
	RuleRole        Rule = "role"         // the role is attestant, godkender or dispatcher
	RuleLevel       Rule = "level"        // the level is one of the decided levels
	RuleLevelNeeded Rule = "level-needed" // an attestant or godkender has a level
	RuleAmount      Rule = "amount"       // the amount limit is a whole number of kroner
	RuleAmountLimit Rule = "amount-limit" // the amount limit is within the level's limit
	RuleUnit        Rule = "unit"         // the org.nr. exists in the hierarchy
	RuleGodkender   Rule = "godkender"    // every unit with an attestant has a godkender
	RuleSeparation  Rule = "separation"   // one user is not both attestant and godkender in a unit (warning)
	RuleDuplicate   Rule = "duplicate"    // a user has a role in a unit once

	RuleLevelName      Rule = "level-name"     // a level has a name, used once
	RuleLevelLimit     Rule = "level-limit"    // a level's limit is a positive whole number of kroner
	RuleUnitNumber     Rule = "unit-number"    // a unit has an org.nr. of digits, used once
	RuleUnitParent     Rule = "unit-parent"    // a unit's parent exists
	RuleUnitCycle      Rule = "unit-cycle"     // the hierarchy has no cycle
	RuleResponsibility Rule = "responsibility" // a responsibility is at most MaxRowNote characters
	RuleNoDecisions    Rule = "no-decisions"   // the template is checked against decisions
)

// Problem is a broken rule: in a row of the template (Row is its id),
// in a unit (Unit is its org.nr.), or in the decisions (Index is the
// position of the level or unit, from 1). A warning does not stop
// delivery once the forvaltning has accepted it with a reason.
type Problem struct {
	Rule    Rule
	Row     int
	Rows    []int
	Unit    string
	Index   int
	Value   string
	Warning bool
	// Accepted is set on a warning the forvaltning accepted.
	Accepted bool
}

var unitNumber = regexp.MustCompile(`^[0-9][0-9.-]{0,19}$`)

// Check returns the problems of the decisions: levels with a name each,
// used once, and a positive limit; units with an org.nr. each, used once,
// whose parents exist without a cycle.
func (d Decisions) Check() []Problem {
	var out []Problem
	names := map[string]bool{}
	for i, l := range d.Levels {
		n := strings.ToLower(strings.TrimSpace(l.Name))
		switch {
		case n == "" || names[n] || utf8.RuneCountInString(l.Name) > MaxRowText:
			out = append(out, Problem{Rule: RuleLevelName, Index: i + 1, Value: shorten(l.Name)})
		case l.Limit <= 0:
			out = append(out, Problem{Rule: RuleLevelLimit, Index: i + 1, Value: l.Name})
		}
		names[n] = true
	}
	numbers := map[string]int{}
	for i, u := range d.Units {
		if !unitNumber.MatchString(u.Number) || numbers[u.Number] > 0 || utf8.RuneCountInString(u.Name) > MaxRowText {
			out = append(out, Problem{Rule: RuleUnitNumber, Index: i + 1, Value: shorten(u.Number)})
			continue
		}
		numbers[u.Number] = i + 1
	}
	for i, u := range d.Units {
		if u.Parent != "" && numbers[u.Parent] == 0 {
			out = append(out, Problem{Rule: RuleUnitParent, Index: i + 1, Unit: u.Number, Value: shorten(u.Parent)})
		}
	}
	for i, u := range d.Units {
		seen := map[string]bool{u.Number: true}
		for p := u.Parent; p != ""; {
			if seen[p] {
				out = append(out, Problem{Rule: RuleUnitCycle, Index: i + 1, Unit: u.Number})
				break
			}
			seen[p] = true
			j := numbers[p]
			if j == 0 {
				break
			}
			p = d.Units[j-1].Parent
		}
	}
	for _, r := range d.Roles {
		if utf8.RuneCountInString(r.Responsibility) > MaxRowNote {
			out = append(out, Problem{Rule: RuleResponsibility, Value: string(r.Role)})
		}
	}
	return out
}

// AuthTemplate is a forvaltning's authorization template for KØR workflow
// (autorisationsskabelon): the central decisions, and one row per user,
// unit and role that the units fill in. When it has no problems left it
// is delivered to Brugeradministrationen, after which KS authorizes the
// users.
type AuthTemplate struct {
	FV        string    `json:"fv"`
	Decisions Decisions `json:"decisions"`
	// NextRow is the id the next new row gets.
	NextRow     int           `json:"next_row"`
	Delivered   bool          `json:"delivered,omitempty"`
	DeliveredBy string        `json:"delivered_by,omitempty"`
	DeliveredAt time.Time     `json:"delivered_at,omitzero"`
	Rows        []TemplateRow `json:"-"`
	// Version counts committed changes; the store sets it.
	Version int64 `json:"-"`
}

// TemplateRow is one user's role in one unit, as typed: the rules say
// what is wrong with it, so a unit can save half-done work.
type TemplateRow struct {
	ID     int    `json:"id"`
	Unit   string `json:"unit,omitempty"`
	User   string `json:"user,omitempty"`
	Name   string `json:"name,omitempty"`
	Role   string `json:"role,omitempty"`
	Level  string `json:"level,omitempty"`
	Amount string `json:"amount,omitempty"`
	// Accept is the forvaltning's reason for accepting a warning about
	// the row.
	Accept    string    `json:"accept,omitempty"`
	ChangedBy string    `json:"changed_by,omitempty"`
	ChangedAt time.Time `json:"changed_at,omitzero"`
	// Version counts changes of this row; the store sets it.
	Version int64 `json:"-"`
}

// Row returns the row with id.
func (t *AuthTemplate) Row(id int) (*TemplateRow, bool) {
	for i := range t.Rows {
		if t.Rows[i].ID == id {
			return &t.Rows[i], true
		}
	}
	return nil, false
}

// SetDecisions records the central decisions, unless they have problems
// or the template is delivered.
func (t *AuthTemplate) SetDecisions(d Decisions, actor string, now time.Time) ([]Problem, error) {
	if t.Delivered {
		return nil, ErrDelivered
	}
	for i := range d.Levels {
		d.Levels[i].Name = strings.TrimSpace(d.Levels[i].Name)
	}
	for i := range d.Units {
		u := &d.Units[i]
		u.Number, u.Name, u.Parent = strings.TrimSpace(u.Number), strings.TrimSpace(u.Name), strings.TrimSpace(u.Parent)
	}
	if p := d.Check(); len(p) > 0 {
		return p, ErrBadDecision
	}
	d.ChangedBy, d.ChangedAt = actor, now
	t.Decisions = d
	return nil, nil
}

// TemplateEdit is one row as a unit left it on the page; ID 0 is a new
// row, Seen the version the page showed.
type TemplateEdit struct {
	ID                                    int
	Seen                                  int64
	Unit, User, Name, Role, Level, Amount string
	Accept                                string
	Delete                                bool
}

func (e TemplateEdit) empty() bool {
	return e.Unit == "" && e.User == "" && e.Name == "" && e.Role == "" && e.Level == "" && e.Amount == "" && e.Accept == ""
}

func (e TemplateEdit) same(r TemplateRow) bool {
	return e.Unit == r.Unit && e.User == r.User && e.Name == r.Name && e.Role == r.Role && e.Level == r.Level &&
		e.Amount == r.Amount && e.Accept == r.Accept
}

// TemplateChange is one saved change of a row, for the audit trail.
type TemplateChange struct {
	ID      int
	User    string
	Unit    string
	Role    string
	Added   bool
	Deleted bool
}

// Edit saves the rows a unit changed: new rows get the next ids, empty
// new rows are left out, rows marked for deletion go. A row someone else
// changed after the page showed it keeps their change and is reported.
// The rules do not stop a save; Validate says what is wrong.
func (t *AuthTemplate) Edit(edits []TemplateEdit, actor string, now time.Time) ([]TemplateChange, []RowProblem, error) {
	if t.Delivered {
		return nil, nil, ErrDelivered
	}
	var changes []TemplateChange
	var problems []RowProblem
	for _, e := range edits {
		e.Unit, e.User, e.Name = strings.TrimSpace(e.Unit), strings.ToUpper(strings.TrimSpace(e.User)), strings.TrimSpace(e.Name)
		e.Role, e.Level, e.Amount, e.Accept = strings.TrimSpace(e.Role), strings.TrimSpace(e.Level), strings.TrimSpace(e.Amount), strings.TrimSpace(e.Accept)
		if role, ok := ParseWorkflowRole(e.Role); ok {
			e.Role = string(role)
		}
		for _, v := range []string{e.Unit, e.User, e.Name, e.Role, e.Level, e.Amount, e.Accept} {
			if utf8.RuneCountInString(v) > MaxRowText {
				problems = append(problems, RowProblem{ID: e.ID, User: shorten(e.User), Kind: ProblemTooLong})
				e.ID = -1
				break
			}
		}
		switch {
		case e.ID < 0:
			continue
		case e.ID == 0:
			if e.Delete || e.empty() {
				continue
			}
			t.NextRow++
			r := TemplateRow{ID: t.NextRow}
			setRow(&r, e, actor, now)
			t.Rows = append(t.Rows, r)
			changes = append(changes, TemplateChange{ID: r.ID, User: r.User, Unit: r.Unit, Role: r.Role, Added: true})
			continue
		}
		r, ok := t.Row(e.ID)
		if !ok {
			problems = append(problems, RowProblem{ID: e.ID, Kind: ProblemUnknownRow})
			continue
		}
		if !e.Delete && e.same(*r) {
			continue
		}
		if r.Version != e.Seen {
			problems = append(problems, RowProblem{ID: r.ID, User: r.User, Kind: ProblemConflict, By: r.ChangedBy})
			continue
		}
		if e.Delete {
			changes = append(changes, TemplateChange{ID: r.ID, User: r.User, Unit: r.Unit, Role: r.Role, Deleted: true})
			t.Rows = slices.DeleteFunc(t.Rows, func(o TemplateRow) bool { return o.ID == e.ID })
			continue
		}
		setRow(r, e, actor, now)
		changes = append(changes, TemplateChange{ID: r.ID, User: r.User, Unit: r.Unit, Role: r.Role})
	}
	return changes, problems, nil
}

func setRow(r *TemplateRow, e TemplateEdit, actor string, now time.Time) {
	r.Unit, r.User, r.Name, r.Role, r.Level, r.Amount, r.Accept = e.Unit, e.User, e.Name, e.Role, e.Level, e.Amount, e.Accept
	r.ChangedBy, r.ChangedAt = actor, now
}

// ParseAmount reads an amount in whole kroner as people write it:
// "50000", "50.000", "50 000 kr.", "50.000,00" (or "50,000.00" in
// English). Decimals other than zero øre are refused.
func ParseAmount(s string) (int64, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, cut := range []string{"dkk", "kr.", "kr", "\u00a0", " "} {
		s = strings.ReplaceAll(s, cut, "")
	}
	whole, decimals := s, ""
	switch {
	case danishDecimal.MatchString(s):
		whole, decimals, _ = strings.Cut(s, ",")
		whole = strings.ReplaceAll(whole, ".", "")
	case englishDecimal.MatchString(s):
		whole, decimals, _ = strings.Cut(s, ".")
		whole = strings.ReplaceAll(whole, ",", "")
	case grouped.MatchString(s):
		whole = strings.NewReplacer(".", "", ",", "").Replace(s)
	case !plain.MatchString(s):
		return 0, false
	}
	if strings.Trim(decimals, "0") != "" || len(whole) > 15 {
		return 0, false
	}
	n, err := strconv.ParseInt(whole, 10, 64)
	return n, err == nil
}

var (
	plain          = regexp.MustCompile(`^[0-9]+$`)
	grouped        = regexp.MustCompile(`^[0-9]{1,3}([.][0-9]{3})+$|^[0-9]{1,3}(,[0-9]{3})+$`)
	danishDecimal  = regexp.MustCompile(`^([0-9]{1,3}(\.[0-9]{3})*|[0-9]+),[0-9]{1,2}$`)
	englishDecimal = regexp.MustCompile(`^([0-9]{1,3}(,[0-9]{3})*|[0-9]+)\.[0-9]{1,2}$`)
)

// Validate checks every row against the rules and the decisions, and the
// units against each other: each role is one of the three, each level a
// decided one, each amount a whole number within its level's limit, each
// org.nr. in the hierarchy, every unit with an attestant has a godkender,
// and nobody is both attestant and godkender in one unit (a warning the
// forvaltning may accept with a reason). Problems come in row order, the
// units' after.
func (t *AuthTemplate) Validate() []Problem {
	var out []Problem
	d := t.Decisions
	if !d.Made() {
		out = append(out, Problem{Rule: RuleNoDecisions})
	}
	type key struct{ unit, user string }
	roles := map[key]map[WorkflowRole][]int{}
	seen := map[string]int{}
	var units []string
	attestant, godkender := map[string]bool{}, map[string]bool{}
	for _, r := range t.Rows {
		add := func(rule Rule, value string) {
			out = append(out, Problem{Rule: rule, Row: r.ID, Unit: r.Unit, Value: shorten(value)})
		}
		if !ValidUserID(r.User) {
			add(RuleUser, r.User)
		}
		role, ok := ParseWorkflowRole(r.Role)
		if !ok {
			add(RuleRole, r.Role)
		}
		if _, ok := d.Unit(r.Unit); !ok {
			add(RuleUnit, r.Unit)
		}
		level, levelOK := d.Level(r.Level)
		switch {
		case r.Level == "" && (role == RoleAttestant || role == RoleGodkender):
			add(RuleLevelNeeded, string(role))
		case r.Level != "" && !levelOK:
			add(RuleLevel, r.Level)
		}
		if r.Amount != "" || role == RoleAttestant || role == RoleGodkender {
			switch amount, ok := ParseAmount(r.Amount); {
			case !ok:
				add(RuleAmount, r.Amount)
			case levelOK && amount > level.Limit:
				add(RuleAmountLimit, strconv.FormatInt(level.Limit, 10))
			}
		}
		if !ok || r.User == "" {
			continue
		}
		dup := r.Unit + "\x00" + r.User + "\x00" + string(role)
		if first, ok := seen[dup]; ok {
			out = append(out, Problem{Rule: RuleDuplicate, Row: r.ID, Rows: []int{first, r.ID}, Unit: r.Unit, Value: r.User})
			continue
		}
		seen[dup] = r.ID
		k := key{r.Unit, r.User}
		if roles[k] == nil {
			roles[k] = map[WorkflowRole][]int{}
		}
		roles[k][role] = append(roles[k][role], r.ID)
		if !slices.Contains(units, r.Unit) {
			units = append(units, r.Unit)
		}
		attestant[r.Unit] = attestant[r.Unit] || role == RoleAttestant
		godkender[r.Unit] = godkender[r.Unit] || role == RoleGodkender
	}
	accepted := func(ids []int) bool {
		for _, id := range ids {
			if r, ok := t.Row(id); ok && r.Accept != "" {
				return true
			}
		}
		return false
	}
	for _, r := range t.Rows {
		k := key{r.Unit, r.User}
		byRole := roles[k]
		if byRole == nil || len(byRole[RoleAttestant]) == 0 || len(byRole[RoleGodkender]) == 0 {
			continue
		}
		ids := append(slices.Clone(byRole[RoleAttestant]), byRole[RoleGodkender]...)
		slices.Sort(ids)
		if ids[0] != r.ID {
			continue
		}
		out = append(out, Problem{Rule: RuleSeparation, Row: r.ID, Rows: ids, Unit: r.Unit, Value: r.User, Warning: true, Accepted: accepted(ids)})
	}
	for _, u := range units {
		if attestant[u] && !godkender[u] {
			out = append(out, Problem{Rule: RuleGodkender, Unit: u})
		}
	}
	return out
}

// Blocking returns the problems that stop delivery: every error, and
// warnings nobody accepted.
func Blocking(problems []Problem) []Problem {
	var out []Problem
	for _, p := range problems {
		if !p.Warning || !p.Accepted {
			out = append(out, p)
		}
	}
	return out
}

// Deliver marks the template delivered to Brugeradministrationen: it must
// have rows and no blocking problems.
func (t *AuthTemplate) Deliver(actor string, now time.Time) error {
	switch {
	case t.Delivered:
		return ErrDelivered
	case len(t.Rows) == 0:
		return ErrNoTemplate
	}
	if b := Blocking(t.Validate()); len(b) > 0 {
		return fmt.Errorf("%w: %d", ErrNotReady, len(b))
	}
	t.Delivered, t.DeliveredBy, t.DeliveredAt = true, actor, now
	return nil
}

// Reopen takes back a delivery that the workflow track did not accept.
func (t *AuthTemplate) Reopen() {
	t.Delivered, t.DeliveredBy, t.DeliveredAt = false, "", time.Time{}
}

// UnitColumns are the columns of a file of the org.nr. hierarchy.
var UnitColumns = []Column{
	{Key: "number", Required: true, Headers: []string{"Org.nr.", "Organisationsnummer", "Nummer", "Org unit", "Number"}},
	{Key: "name", Headers: []string{"Navn", "Enhed", "Name", "Unit"}},
	{Key: "parent", Headers: []string{"Overordnet", "Overordnet org.nr.", "Forælder", "Parent", "Parent org unit"}},
}

// ReadUnits reads an org.nr. hierarchy from a table with a header row.
func ReadUnits(table [][]string) ([]OrgUnit, []ImportProblem) {
	imp, problems := ReadTable(table, UnitColumns, MaxListRows)
	if len(problems) > 0 {
		return nil, problems
	}
	var units []OrgUnit
	for _, r := range imp.Rows {
		units = append(units, OrgUnit{Number: r["number"], Name: r["name"], Parent: r["parent"]})
	}
	for _, p := range (Decisions{Units: units}).Check() {
		kind := ImportBadNumber
		switch p.Rule {
		case RuleUnitParent:
			kind = ImportUnknownParent
		case RuleUnitCycle:
			kind = ImportCycle
		}
		problems = append(problems, ImportProblem{Line: imp.Lines[p.Index-1], Kind: kind, Value: p.Value})
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return units, nil
}
