package wave

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2027, 1, 10, 12, 0, 0, 0, time.UTC)

func enrolled(t *testing.T, fvs ...string) Wave {
	t.Helper()
	w, err := New("b3", "Bølge 3", day("2027-02-01"), "anna", now)
	if err != nil {
		t.Fatal(err)
	}
	for _, fv := range fvs {
		if err := w.Enroll(fv, DefaultTemplate(), Copenhagen()); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func TestDefaultTemplateFollowsTheSource(t *testing.T) {
	tpl := DefaultTemplate()
	want := []struct {
		key   string
		party Party
	}{
		{"kickoff", PartyBoth}, {"info", PartyFV}, {"training", PartyFV}, {"auth", PartyBoth},
		{"pc", PartyKS}, {"golive", PartyBoth}, {"support", PartyKS}, {"loadtest", PartyKS}, {"evaluation", PartyBoth},
	}
	if len(tpl.Activities) != len(want) {
		t.Fatalf("%d activities, want %d", len(tpl.Activities), len(want))
	}
	for i, w := range want {
		if a := tpl.Activities[i]; a.Key != w.key || a.Responsible != w.party {
			t.Errorf("activity %d = %s %s, want %s %s", i+1, a.Key, a.Responsible, w.key, w.party)
		}
	}
	if len(tpl.Workflow) != 6 || tpl.Workflow[5].Owner != PartyKS {
		t.Errorf("workflow track = %+v, want six steps ending with KS authorizing", tpl.Workflow)
	}
	for _, alias := range []string{"opstart", "Uddannelse", "belastning", "EVALUERING", "autorisation"} {
		if _, ok := tpl.ActivityKey(alias); !ok {
			t.Errorf("alias %q unknown", alias)
		}
	}
	if s, ok := tpl.Step("skabelon"); !ok || s.Key != "template" {
		t.Errorf("Step(skabelon) = %v, %v", s, ok)
	}
}

func TestParseTemplateRejects(t *testing.T) {
	tests := map[string]string{
		"empty":          "activities: []",
		"not yaml":       "activities: [",
		"unknown field":  "activities:\n  - key: a\n    title_da: A\n    title_en: A\n    responsible: KS\n    colour: red",
		"bad party":      "activities:\n  - key: a\n    title_da: A\n    title_en: A\n    responsible: IT",
		"no title":       "activities:\n  - key: a\n    responsible: KS",
		"duplicate name": "activities:\n  - {key: a, title_da: A, title_en: A, responsible: KS}\n  - {key: b, aliases: [A], title_da: B, title_en: B, responsible: KS}",
	}
	for name, text := range tests {
		if _, err := ParseTemplate([]byte(text)); !errors.Is(err, ErrBadTemplate) {
			t.Errorf("%s: err = %v, want ErrBadTemplate", name, err)
		}
	}
}

func TestNewValidates(t *testing.T) {
	for _, id := range []string{"", "B3", "b 3", "-b3", strings.Repeat("x", 33), "b3/BUF"} {
		if _, err := New(id, "", day("2027-02-01"), "anna", now); !errors.Is(err, ErrBadID) {
			t.Errorf("New(%q) err = %v, want ErrBadID", id, err)
		}
	}
	if _, err := New("b3", "", Date{}, "anna", now); err == nil {
		t.Error("New without a start date succeeded")
	}
	w, err := New("b3", "", day("2027-02-01"), "anna", now)
	if err != nil || w.Name != "b3" || w.Lead != "anna" {
		t.Errorf("New = %+v, %v", w, err)
	}
}

func TestEnrollPlansDueDatesInBusinessDays(t *testing.T) {
	w := enrolled(t, "SUF", "BUF")
	if w.Enrolments[0].FV != "BUF" || w.Enrolments[1].FV != "SUF" {
		t.Errorf("enrolments not sorted: %v", w.Enrolments)
	}
	if err := w.Enroll("BUF", DefaultTemplate(), Copenhagen()); !errors.Is(err, ErrAlreadyEnrolled) {
		t.Errorf("second enrolment err = %v", err)
	}
	e, err := w.Enrolment("BUF")
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]string{
		"golive":     "2027-02-01",
		"loadtest":   "2027-01-27",
		"kickoff":    "2026-12-15", // 30 business days back, over Christmas and New Year
		"evaluation": "2027-04-01", // 40 business days on, over Easter
	}
	for key, want := range tests {
		a, err := e.Activity(key)
		if err != nil {
			t.Fatal(err)
		}
		if a.Due != day(want) || a.Status != StatusTodo {
			t.Errorf("%s due %s status %s, want %s todo", key, a.Due, a.Status, want)
		}
	}
	if e.EvaluationDate() != day("2027-04-01") {
		t.Errorf("EvaluationDate = %s", e.EvaluationDate())
	}
	if _, err := w.Enrolment("KFF"); !errors.Is(err, ErrNotEnrolled) {
		t.Errorf("Enrolment(KFF) err = %v", err)
	}
	if _, err := e.Activity("coffee"); !errors.Is(err, ErrUnknownActivity) {
		t.Errorf("Activity(coffee) err = %v", err)
	}
}

func TestProgressOverdueNextDeadline(t *testing.T) {
	w := enrolled(t, "BUF")
	e := &w.Enrolments[0]
	for _, k := range []string{"kickoff", "info", "training"} {
		if err := e.SetStatus(k, StatusDone, "", "maria", now); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.SetStatus("pc", StatusSkipped, "not needed", "anna", now); err != nil {
		t.Fatal(err)
	}
	if c, n := e.Progress(); c != 4 || n != 9 {
		t.Errorf("Progress = %d/%d, want 4/9", c, n)
	}
	today := day("2027-01-28") // loadtest (01-27) and auth (01-25) are overdue; pc is skipped
	var keys []string
	for _, a := range e.Overdue(today) {
		keys = append(keys, a.Key)
	}
	if strings.Join(keys, ",") != "auth,loadtest" {
		t.Errorf("Overdue = %v", keys)
	}
	next, ok := e.NextDeadline(today)
	if !ok || next.Activity == nil || next.Activity.Key != "golive" {
		t.Errorf("NextDeadline = %+v", next)
	}
	if err := e.RequestAuth(day("2027-01-29"), "anna", now); err != nil {
		t.Fatal(err)
	}
	next, _ = e.NextDeadline(today)
	if next.Activity != nil || next.Due != day("2027-01-29") {
		t.Errorf("NextDeadline with feedback due = %+v", next)
	}
}

func TestAuthFeedbackLoop(t *testing.T) {
	w := enrolled(t, "BUF")
	e := &w.Enrolments[0]
	if err := e.AnswerAuth(true, "", "maria", now); !errors.Is(err, ErrAuthState) {
		t.Errorf("answer before request: %v", err)
	}
	if err := e.ApplyAuth("anna", now); !errors.Is(err, ErrAuthState) {
		t.Errorf("apply before request: %v", err)
	}
	steps := []struct {
		name  string
		do    func() error
		state AuthState
		act   Status
	}{
		{"request", func() error { return e.RequestAuth(day("2027-02-15"), "anna", now) }, AuthRequested, StatusDoing},
		{"answer", func() error { return e.AnswerAuth(false, "NN99 needs godkender", "maria", now) }, AuthAnswered, StatusDoing},
		{"apply", func() error { return e.ApplyAuth("anna", now) }, AuthApplied, StatusDone},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		a, _ := e.Activity(AuthActivity)
		if e.Auth.State != s.state || a.Status != s.act {
			t.Errorf("after %s: state %s activity %s, want %s %s", s.name, e.Auth.State, a.Status, s.state, s.act)
		}
	}
	if e.Auth.OK || e.Auth.Note != "NN99 needs godkender" || e.Auth.AnsweredBy != "maria" {
		t.Errorf("answer not kept: %+v", e.Auth)
	}
	if err := e.RequestAuth(day("2027-03-01"), "anna", now); err != nil || e.Auth.State != AuthRequested {
		t.Errorf("a new round after applied: %v %+v", err, e.Auth)
	}
}

func TestPermissions(t *testing.T) {
	maria := Person{ID: "maria", Role: RoleViewer}
	maria.MakeContactOf("BUF")
	if maria.Role != RoleContact || !maria.IsContactOf("BUF") {
		t.Fatalf("MakeContactOf: %+v", maria)
	}
	anna := Person{ID: "anna", Role: RoleKS}
	anna.MakeContactOf("SUF")
	if anna.Role != RoleKS {
		t.Error("KS staff lost their role when named contact")
	}
	viewer := Person{ID: "v", Role: RoleViewer}
	tests := []struct {
		who   Person
		party Party
		fv    string
		want  bool
	}{
		{maria, PartyFV, "BUF", true},
		{maria, PartyBoth, "BUF", true},
		{maria, PartyKS, "BUF", false},
		{maria, PartyFV, "SUF", false},
		{anna, PartyKS, "BUF", true},
		{anna, PartyFV, "BUF", true},
		{viewer, PartyFV, "BUF", false},
	}
	for _, tt := range tests {
		if got := tt.who.MayChange(tt.party, tt.fv); got != tt.want {
			t.Errorf("%s MayChange(%s, %s) = %v, want %v", tt.who.ID, tt.party, tt.fv, got, tt.want)
		}
	}
	for _, s := range []string{"admin", "KS", "contact", "viewer"} {
		if _, ok := ParseRole(s); !ok {
			t.Errorf("ParseRole(%q) failed", s)
		}
	}
	if _, ok := ParseRole("boss"); ok {
		t.Error("ParseRole(boss) succeeded")
	}
}

func TestWorkflowTrack(t *testing.T) {
	w := NewWorkflow("BUF", DefaultTemplate())
	if err := w.Mark("group", true, "maria", now); err != nil {
		t.Fatal(err)
	}
	if err := w.Mark("decisions", true, "maria", now); err != nil {
		t.Fatal(err)
	}
	if err := w.Mark("decisions", false, "maria", now); err != nil {
		t.Fatal(err)
	}
	if d, n := w.Progress(); d != 1 || n != 6 {
		t.Errorf("Progress = %d/%d, want 1/6", d, n)
	}
	s, _ := w.Step("decisions")
	if s.DoneBy != "" || !s.DoneAt.IsZero() {
		t.Errorf("undo kept who/when: %+v", s)
	}
	if err := w.Mark("lunch", true, "maria", now); !errors.Is(err, ErrUnknownStep) {
		t.Errorf("unknown step err = %v", err)
	}
}
