package wave

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2027, 1, 10, 12, 0, 0, 0, time.UTC)

// planned is a day before every default date of a wave starting 1 February
// 2027: enrolled then, no date has passed.
var planned = time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)

func enrolled(t *testing.T, fvs ...string) Wave {
	t.Helper()
	w, err := New("b3", "Bølge 3", day("2027-02-01"), "anna", planned)
	if err != nil {
		t.Fatal(err)
	}
	for _, fv := range fvs {
		if _, err := w.Enroll(fv, DefaultTemplate(), Copenhagen(), planned); err != nil {
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
		"dates go back":  "activities:\n  - {key: a, title_da: A, title_en: A, responsible: KS, due: 5}\n  - {key: b, title_da: B, title_en: B, responsible: KS, due: -3}",
		"step named as an activity": "activities:\n  - {key: a, title_da: A, title_en: A, responsible: KS}\n" +
			"workflow:\n  - {key: s, aliases: [a], title_da: S, title_en: S, owner: FV}",
		"guide without url":    "activities:\n  - {key: a, title_da: A, title_en: A, responsible: KS}\nguides:\n  - {solution: Indkøb}",
		"guide not on the web": "activities:\n  - {key: a, title_da: A, title_en: A, responsible: KS}\nguides:\n  - {solution: Indkøb, url: 'file:///etc/passwd'}",
		"support unreachable":  "activities:\n  - {key: a, title_da: A, title_en: A, responsible: KS}\nsupport: {hours_da: altid, hours_en: always}",
		"support's phone":      "activities:\n  - {key: a, title_da: A, title_en: A, responsible: KS}\nsupport: {phone: ring til Kirsten}",
		"support's e-mail":     "activities:\n  - {key: a, title_da: A, title_en: A, responsible: KS}\nsupport: {email: oekonomisupport}",
		"support's address":    "activities:\n  - {key: a, title_da: A, title_en: A, responsible: KS}\nsupport: {url: 'javascript:alert(1)'}",
		"support's hours":      "activities:\n  - {key: a, title_da: A, title_en: A, responsible: KS}\nsupport: {phone: 33 66 12 34, hours_da: hverdage}",
		"support's unknown":    "activities:\n  - {key: a, title_da: A, title_en: A, responsible: KS}\nsupport: {phone: 33 66 12 34, fax: 33 66 12 35}",
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
	if _, err := w.Enroll("BUF", DefaultTemplate(), Copenhagen(), planned); !errors.Is(err, ErrAlreadyEnrolled) {
		t.Errorf("second enrolment err = %v", err)
	}
	e, err := w.Enrolment("BUF")
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]string{
		"golive":     "2027-02-01",
		"support":    "2027-02-15",
		"loadtest":   "2027-02-22", // after support, as the source lists it
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
	today := day("2027-01-28") // auth (01-25) is overdue; pc is skipped
	var keys []string
	for _, a := range e.Overdue(today) {
		keys = append(keys, a.Key)
	}
	if strings.Join(keys, ",") != "auth" {
		t.Errorf("Overdue = %v", keys)
	}
	next, ok := e.NextDeadline(today)
	if !ok || next.Activity == nil || next.Activity.Key != "golive" {
		t.Errorf("NextDeadline = %+v", next)
	}
	if _, err := e.RequestAuth(day("2027-01-29"), "anna", now); err != nil {
		t.Fatal(err)
	}
	next, _ = e.NextDeadline(today)
	if next.Activity != nil || next.Due != day("2027-01-29") {
		t.Errorf("NextDeadline with feedback due = %+v", next)
	}
	if err := e.AnswerAuth(true, "", "maria", now, day("2027-01-28")); err != nil {
		t.Fatal(err)
	}
	if next, _ = e.NextDeadline(today); !next.Apply || next.Due != day("2027-01-28") {
		t.Errorf("NextDeadline with the authorizations to apply = %+v", next)
	}
}

func TestAuthFeedbackLoop(t *testing.T) {
	w := enrolled(t, "BUF")
	e := &w.Enrolments[0]
	if err := e.AnswerAuth(true, "", "maria", now, day("2027-02-18")); !errors.Is(err, ErrAuthState) {
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
		{"request", func() error { _, err := e.RequestAuth(day("2027-02-10"), "anna", now); return err }, AuthRequested, StatusDoing},
		{"replace", func() error {
			old, err := e.RequestAuth(day("2027-02-15"), "anna", now)
			if old == nil || old.Due != day("2027-02-10") {
				t.Errorf("replaced %+v, want the request due 10 February", old)
			}
			return err
		}, AuthRequested, StatusDoing},
		{"answer", func() error { return e.AnswerAuth(false, "NN99 needs godkender", "maria", now, day("2027-02-18")) }, AuthAnswered, StatusDoing},
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
	if e.Auth.OK || e.Auth.Note != "NN99 needs godkender" || e.Auth.AnsweredBy != "maria" || e.Auth.ApplyBy != day("2027-02-18") {
		t.Errorf("answer not kept: %+v", e.Auth)
	}
	if old, err := e.RequestAuth(day("2027-03-01"), "anna", now); err != nil || old != nil || e.Auth.State != AuthRequested {
		t.Errorf("a new round after applied: %v %+v, replaced %+v", err, e.Auth, old)
	}
}

func TestRoles(t *testing.T) {
	maria := Person{ID: "maria", Role: RoleViewer}
	if !maria.MakeContact() || maria.Role != RoleContact || maria.MakeContact() {
		t.Fatalf("MakeContact: %+v", maria)
	}
	anna := Person{ID: "anna", Role: RoleKS}
	if anna.MakeContact() || anna.Role != RoleKS {
		t.Error("KS staff lost their role when named contact")
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

// TestSharedActivityNeedsBothSides: an activity of KS+FV is done when both
// sides have confirmed; one of a single party when it is confirmed for
// that party; reopening forgets the confirmations.
func TestSharedActivityNeedsBothSides(t *testing.T) {
	w := enrolled(t, "BUF")
	e := &w.Enrolments[0]
	done, err := e.Confirm("kickoff", []Party{PartyKS}, "", "anna", now)
	a, _ := e.Activity("kickoff")
	if err != nil || done || a.Status != StatusDoing || !slices.Equal(a.Waiting(), []Party{PartyFV}) {
		t.Fatalf("after KS: done %v err %v, %+v waiting %v", done, err, a, a.Waiting())
	}
	if _, err := e.Confirm("kickoff", []Party{PartyKS}, "", "kim", now); !errors.Is(err, ErrConfirmed) {
		t.Errorf("KS again: %v", err)
	}
	if done, err := e.Confirm("kickoff", []Party{PartyFV}, "held 12 January", "maria", now); err != nil || !done {
		t.Fatalf("after FV: %v %v", done, err)
	}
	if a.Status != StatusDone || a.Note != "held 12 January" || a.Parts.KS.By != "anna" || a.Parts.FV.By != "maria" || a.Waiting() != nil {
		t.Errorf("kickoff %+v", a)
	}
	// A single party's activity is confirmed for that party, whoever of
	// those allowed to change it does it.
	if done, err := e.Confirm("info", []Party{PartyKS}, "", "anna", now); err != nil || !done {
		t.Errorf("KS marking the forvaltning's info meeting: %v %v", done, err)
	}
	// Both sides' words come from two people: a KS person who also
	// stands as the contact gives one.
	g, _ := e.Activity("golive")
	if _, err := e.Confirm("golive", []Party{PartyKS, PartyFV}, "", "kim", now); !errors.Is(err, ErrSamePerson) || g.Parts != (Parts{}) {
		t.Errorf("both sides at once: %v, %+v", err, g.Parts)
	}
	e.Confirm("golive", []Party{PartyFV}, "", "kim", now)
	if _, err := e.Confirm("golive", []Party{PartyKS}, "", "kim", now); !errors.Is(err, ErrSamePerson) || g.Status != StatusDoing {
		t.Errorf("the other side by the same person: %v, %+v", err, g)
	}
	if err := e.SetStatus("kickoff", StatusDoing, "", "anna", now); err != nil || a.Parts != (Parts{}) {
		t.Errorf("reopened kickoff kept its confirmations: %+v", a)
	}
	// A skipped shared activity confirmed by one side is open again and
	// waits for the other.
	e.SetStatus("evaluation", StatusSkipped, "no time", "anna", now)
	ev, _ := e.Activity("evaluation")
	if done, err := e.Confirm("evaluation", []Party{PartyKS}, "", "anna", now); err != nil || done || ev.Status != StatusDoing ||
		!slices.Equal(ev.Waiting(), []Party{PartyFV}) {
		t.Errorf("a skipped evaluation confirmed by KS: %v %v %+v", done, err, ev)
	}
}

// TestSharedSkipNeedsBothWords: a shared activity is skipped when both
// sides, two people, have said so with their reasons; a side's done and
// the other's skip do not mix, and a side may change its own word.
func TestSharedSkipNeedsBothWords(t *testing.T) {
	w := enrolled(t, "BUF")
	e := &w.Enrolments[0]
	ev, _ := e.Activity(EvaluationActivity)
	if skipped, err := e.Skip(EvaluationActivity, PartyKS, "no time", "anna", now); err != nil || skipped || ev.Status != StatusDoing ||
		!slices.Equal(ev.Waiting(), []Party{PartyFV}) || !ev.Parts.Skips(PartyKS) || ev.Parts.KS.Reason != "no time" {
		t.Fatalf("KS's word: %v %v %+v", skipped, err, ev)
	}
	if _, err := e.Skip(EvaluationActivity, PartyKS, "no time", "kim", now); !errors.Is(err, ErrConfirmed) {
		t.Errorf("the same word again: %v", err)
	}
	if _, err := e.Skip(EvaluationActivity, PartyFV, "agreed", "anna", now); !errors.Is(err, ErrSamePerson) {
		t.Errorf("the other side's word by the same person: %v", err)
	}
	if _, err := e.Confirm(EvaluationActivity, []Party{PartyFV}, "", "maria", now); !errors.Is(err, ErrWordsDiffer) || ev.Parts.FV != nil {
		t.Errorf("done against a skip: %v %+v", err, ev.Parts)
	}
	if skipped, err := e.Skip(EvaluationActivity, PartyFV, "our own evaluation", "maria", now); err != nil || !skipped ||
		ev.Status != StatusSkipped || ev.Note != "KS: no time; FV: our own evaluation" || ev.Waiting() != nil {
		t.Fatalf("both words: %v %v %+v", skipped, err, ev)
	}
	// Confirmed by one side, it is no longer skipped.
	if done, err := e.Confirm(EvaluationActivity, []Party{PartyKS}, "", "anna", now); err != nil || done || ev.Status != StatusDoing || ev.Parts.FV != nil {
		t.Errorf("reopened: %v %v %+v", done, err, ev)
	}
	// The forvaltning's part done, KS's skip is refused; KS may change its
	// own word from skip to done, and the other way.
	k, _ := e.Activity("kickoff")
	e.Skip("kickoff", PartyKS, "held with b2", "anna", now)
	if _, err := e.Confirm("kickoff", []Party{PartyKS}, "", "anna", now); err != nil || k.Parts.Skips(PartyKS) {
		t.Errorf("KS changing its word to done: %v %+v", err, k.Parts)
	}
	e.Confirm("kickoff", []Party{PartyFV}, "", "maria", now)
	if k.Status != StatusDone {
		t.Fatalf("kickoff %+v", k)
	}
	if skipped, err := e.Skip("kickoff", PartyFV, "not held after all", "maria", now); err != nil || skipped || k.Status != StatusDoing || k.Parts.KS != nil {
		t.Errorf("a done activity skipped by one side: %v %v %+v", skipped, err, k)
	}
	if _, err := e.Confirm("kickoff", []Party{PartyKS}, "", "anna", now); !errors.Is(err, ErrWordsDiffer) {
		t.Errorf("KS's done against the forvaltning's skip: %v", err)
	}
	if _, err := e.Skip("pc", PartyKS, "not needed", "anna", now); err == nil {
		t.Error("a KS activity took a side's word to skip")
	}
	// Skipped by KS alone before the sides gave words: it stays skipped.
	s, _ := e.Activity("auth")
	e.SetStatus("auth", StatusSkipped, "no users", "anna", now)
	if _, err := e.Skip("auth", PartyFV, "agreed", "maria", now); !errors.Is(err, ErrConfirmed) || s.Status != StatusSkipped {
		t.Errorf("an old skip: %v %+v", err, s)
	}
}

// TestTrainingDecidedAgainstReadsAsDone: a training decided against was
// stored as skipped; it reads as done, as decided.
func TestTrainingDecidedAgainstReadsAsDone(t *testing.T) {
	w := enrolled(t, "BUF", "SUF")
	w.Enrolments[0].DecideTraining(false, "like net banking", Date{}, "maria", now)
	w.Enrolments[1].SetStatus(TrainingActivity, StatusSkipped, "", "anna", now)
	for i := range w.Enrolments {
		a, _ := w.Enrolments[i].Activity(TrainingActivity)
		if i == 0 {
			a.Status = StatusSkipped // as stored before
		}
	}
	b, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	var got Wave
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	buf, _ := got.Enrolments[0].Activity(TrainingActivity)
	suf, _ := got.Enrolments[1].Activity(TrainingActivity)
	if buf.Status != StatusDone || suf.Status != StatusSkipped || got.Enrolments[0].Training == nil {
		t.Errorf("read back: BUF %s, SUF %s", buf.Status, suf.Status)
	}
}

func TestTrainingDecision(t *testing.T) {
	w := enrolled(t, "BUF", "SUF")
	buf, suf := &w.Enrolments[0], &w.Enrolments[1]
	if !buf.TrainingUndecided() {
		t.Fatal("training starts decided")
	}
	if err := buf.DecideTraining(false, "like net banking", Date{}, "maria", now); err != nil {
		t.Fatal(err)
	}
	a, _ := buf.Activity(TrainingActivity)
	if buf.TrainingUndecided() || a.Status != StatusDone || a.Note != "like net banking" || buf.Training.By != "maria" {
		t.Errorf("no: %+v %+v", a, buf.Training)
	}
	if err := suf.DecideTraining(true, "", day("2027-02-03"), "sofie", now); err != nil {
		t.Fatal(err)
	}
	a, _ = suf.Activity(TrainingActivity)
	if a.Status != StatusTodo || a.Due != day("2027-02-03") || !suf.Training.Needed {
		t.Errorf("yes: %+v", a)
	}
	// Training closed before decisions were recorded counts as decided.
	old := enrolled(t, "BUF")
	old.Enrolments[0].SetStatus(TrainingActivity, StatusDone, "", "maria", now)
	if old.Enrolments[0].TrainingUndecided() {
		t.Error("closed training is undecided")
	}
}

// TestEnrollMovesPassedDates: nothing is born overdue; dates that have
// passed move to the coming business days, one each, in order.
func TestEnrollMovesPassedDates(t *testing.T) {
	tests := []struct {
		name, start, enrolled string
		moved                 string
		due                   map[string]string
	}{{
		// Friday 22 January: kickoff (15 December) and info (11 January)
		// have passed; training, auth and pc (25 January) would come
		// before info, so they follow it; go-live keeps the wave's start.
		name: "weeks before the start", start: "2027-02-01", enrolled: "2027-01-22",
		moved: "kickoff 2027-01-25,info 2027-01-26,training 2027-01-27,auth 2027-01-28,pc 2027-01-29",
		due:   map[string]string{"golive": "2027-02-01", "support": "2027-02-15"},
	}, {
		// Wednesday 20 January, the wave starts tomorrow: everything before
		// go-live has passed, so go-live comes after the authorizations and
		// the PCs, and support after go-live.
		name: "the day before the start", start: "2027-01-21", enrolled: "2027-01-20",
		moved: "kickoff 2027-01-21,info 2027-01-22,training 2027-01-25,auth 2027-01-26,pc 2027-01-27,golive 2027-01-28",
		due:   map[string]string{"support": "2027-02-04", "loadtest": "2027-02-11"},
	}, {
		name: "on time", start: "2027-03-01", enrolled: "2026-12-01",
		due: map[string]string{"kickoff": "2027-01-18", "golive": "2027-03-01"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, _ := New("b3", "", day(tt.start), "anna", now)
			moved, err := w.Enroll("BUF", DefaultTemplate(), Copenhagen(), Copenhagen().At(day(tt.enrolled), 12, 0))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range moved {
				got = append(got, a.Key+" "+a.Due.String())
			}
			if strings.Join(got, ",") != tt.moved {
				t.Errorf("moved %v, want %s", got, tt.moved)
			}
			e := &w.Enrolments[0]
			for key, want := range tt.due {
				if a, _ := e.Activity(key); a.Due != day(want) {
					t.Errorf("%s due %s, want %s", key, a.Due, want)
				}
			}
			for i := 1; i < len(e.Activities); i++ {
				if e.Activities[i].Due.Before(e.Activities[i-1].Due) {
					t.Errorf("%s (%s) before %s (%s)", e.Activities[i].Key, e.Activities[i].Due, e.Activities[i-1].Key, e.Activities[i-1].Due)
				}
			}
			if len(e.Overdue(day(tt.enrolled))) != 0 || e.EnrolledAt.IsZero() || e.Workflow != nil {
				t.Errorf("enrolment %+v", e)
			}
		})
	}
}

func TestContactsOfAnEnrolment(t *testing.T) {
	w := enrolled(t, "BUF")
	e := &w.Enrolments[0]
	if got := e.AddContacts(now, "maria", "jens", "maria"); !slices.Equal(got, []string{"maria", "jens"}) {
		t.Errorf("named %v", got)
	}
	if got := e.AddContacts(now.Add(time.Hour), "maria"); got != nil || !e.ContactSince["maria"].Equal(now) {
		t.Errorf("naming maria again: %v, since %v", got, e.ContactSince)
	}
	w.Snooze(Snooze{FV: "BUF", Person: "maria", Until: now.Add(time.Hour)})
	w.Snooze(Snooze{FV: "BUF", Person: "jens", Until: now.Add(time.Hour)})
	if !w.RemoveContact("BUF", "maria") || w.RemoveContact("BUF", "maria") {
		t.Error("RemoveContact did not report what it did")
	}
	if e.HasContact("maria") || len(w.Snoozes) != 1 || w.Snoozes[0].Person != "jens" || !e.ContactSince["maria"].IsZero() {
		t.Errorf("after removing maria: %+v %+v", e, w.Snoozes)
	}
}

func TestNoticeAt(t *testing.T) {
	w := enrolled(t, "BUF")
	w.Reminded = now
	if got := w.NoticeAt(now.Add(time.Second)); !got.Equal(now.Add(time.Second)) {
		t.Errorf("after the watermark: %v", got)
	}
	if got := w.NoticeAt(now); !got.After(now) {
		t.Errorf("at the watermark: %v, want just after it", got)
	}
}

// TestWorkflowTrack: only the order the source fixes holds (template after
// the presentation meeting, delivery after the template, authorizing after
// delivery); every other step comes in any order; the presentation needs
// both sides; undo only while no step waiting for it is begun.
func TestWorkflowTrack(t *testing.T) {
	track := NewTrack(DefaultTemplate())
	var order *OrderError
	for _, tt := range []struct{ step, blocking string }{
		{"template", "presentation"}, {"deliver", "template"}, {"authorize", "deliver"},
	} {
		if _, err := track.Confirm(tt.step, []Party{PartyFV, PartyKS}, "maria", now); !errors.As(err, &order) || order.Blocking != tt.blocking {
			t.Errorf("%s first: %v, want it to wait for %s", tt.step, err, tt.blocking)
		}
	}
	for _, key := range []string{"decisions", "group"} {
		if done, err := track.Confirm(key, []Party{PartyFV}, "maria", now); err != nil || !done {
			t.Fatalf("%s in any order: %v %v", key, done, err)
		}
	}
	if done, err := track.Confirm("presentation", []Party{PartyFV}, "maria", now); err != nil || done {
		t.Fatalf("presentation by the forvaltning alone: %v %v", done, err)
	}
	if s, _ := track.Step("presentation"); !slices.Equal(s.Waiting(), []Party{PartyKS}) || !track.Started() {
		t.Errorf("presentation waits for %v", s.Waiting())
	}
	if taken, err := track.Undo("group", []Party{PartyFV}); err != nil || !slices.Equal(taken, []Party{PartyFV}) {
		t.Errorf("undo group, which nothing waits for: %v %v", taken, err)
	}
	// A side takes back its own word on shared work, never the other's.
	if taken, err := track.Undo("presentation", []Party{PartyKS}); err != nil || len(taken) != 0 {
		t.Errorf("KS took back %v of a presentation only the forvaltning confirmed: %v", taken, err)
	}
	if done, _ := track.Confirm("presentation", []Party{PartyKS}, "anna", now); !done {
		t.Error("presentation not done after both sides")
	}
	if taken, err := track.Undo("presentation", []Party{PartyFV}); err != nil || !slices.Equal(taken, []Party{PartyFV}) {
		t.Fatalf("the forvaltning takes back its part: %v %v", taken, err)
	}
	if s, _ := track.Step("presentation"); s.Done || s.DoneBy != "" || !s.Parts.Has(PartyKS) || !slices.Equal(s.Waiting(), []Party{PartyFV}) {
		t.Errorf("after the forvaltning took back its part: %+v", s)
	}
	if done, _ := track.Confirm("presentation", []Party{PartyFV}, "maria", now); !done {
		t.Error("presentation not done after the forvaltning confirmed again")
	}
	if done, err := track.Confirm("template", []Party{PartyFV}, "maria", now); err != nil || !done {
		t.Fatalf("template after the presentation: %v %v", done, err)
	}
	if _, err := track.Undo("presentation", []Party{PartyFV}); !errors.As(err, &order) || order.Blocking != "template" || !order.Undo {
		t.Errorf("undo presentation while the template is done: %v", err)
	}
	if _, err := track.Confirm("authorize", []Party{PartyKS}, "anna", now); !errors.As(err, &order) || order.Blocking != "deliver" {
		t.Errorf("authorize before the template is delivered: %v", err)
	}
	if d, n := track.Progress(); d != 3 || n != 6 {
		t.Errorf("Progress = %d/%d, want 3/6", d, n)
	}
	if _, err := track.Undo("presentation", []Party{PartyKS}); !errors.As(err, &order) || order.Blocking != "template" {
		t.Errorf("KS takes back its part of the presentation while the template is done: %v", err)
	}
	if taken, err := track.Undo("template", []Party{PartyFV}); err != nil || len(taken) != 1 {
		t.Fatalf("undo template: %v %v", taken, err)
	}
	if s, _ := track.Step("template"); s.Done || s.DoneBy != "" || s.Parts != (Parts{}) {
		t.Errorf("undo kept who/when: %+v", s)
	}
	if taken, _ := track.Undo("deliver", []Party{PartyFV}); len(taken) > 0 {
		t.Error("undoing a step not begun changed something")
	}
	if _, err := track.Confirm("lunch", []Party{PartyFV}, "maria", now); !errors.Is(err, ErrUnknownStep) {
		t.Errorf("unknown step err = %v", err)
	}
	if next, ok := track.Next(); !ok || next.Key != "group" {
		t.Errorf("Next = %+v", next)
	}
}

// TestTemplateSupport: the embedded template says nothing of the support;
// a deployment's says how to reach it.
func TestTemplateSupport(t *testing.T) {
	if s := DefaultTemplate().Support; !s.IsZero() {
		t.Errorf("the embedded template's support: %+v", s)
	}
	tpl, err := ParseTemplate([]byte("activities:\n  - {key: a, title_da: A, title_en: A, responsible: KS}\n" +
		"support: {phone: +45 33 66 12 34, email: oekonomisupport@kk.example, url: 'https://intranet.example/support', hours_da: hverdage kl. 9-15, hours_en: weekdays 9-15}"))
	if err != nil {
		t.Fatal(err)
	}
	if s := tpl.Support; s.Phone != "+45 33 66 12 34" || s.Email != "oekonomisupport@kk.example" || s.Hours("da") != "hverdage kl. 9-15" || s.Hours("en") != "weekdays 9-15" {
		t.Errorf("support: %+v", s)
	}
}

// TestAlignGivesOldTracksTheOrder: a track stored before steps knew their
// order follows the template's.
func TestAlignGivesOldTracksTheOrder(t *testing.T) {
	old := Track{{Key: "group", Owner: PartyFV}, {Key: "template", Owner: PartyFV}}
	old.Align(DefaultTemplate())
	if len(old) != 6 || old[1].After != "presentation" || old[0].TitleDA == "" {
		t.Fatalf("aligned = %+v", old)
	}
	var order *OrderError
	if _, err := old.Confirm("template", []Party{PartyFV}, "maria", now); !errors.As(err, &order) {
		t.Errorf("template before the presentation on an aligned track: %v", err)
	}
}

func TestTrackContactsAgreementsAndTeaching(t *testing.T) {
	w := NewWorkflow("KFF", DefaultTemplate(), now)
	if got := w.AddContacts(now, "maria", "jens", "maria"); !slices.Equal(got, []string{"maria", "jens"}) {
		t.Errorf("named %v", got)
	}
	w.Snooze(Snooze{Activity: "group", Person: "maria", Until: now.Add(time.Hour)})
	if until, ok := w.SnoozedUntil("group", "maria"); !ok || !until.Equal(now.Add(time.Hour)) || w.Snoozes[0].FV != "KFF" {
		t.Errorf("snooze %+v", w.Snoozes)
	}
	if !w.RemoveContact("maria") || w.RemoveContact("maria") || w.HasContact("maria") || len(w.Snoozes) != 0 || w.ContactSince["maria"] != (time.Time{}) {
		t.Errorf("after removing maria: %+v", w)
	}
	if w.Agreed(AgreementProjectManagement) {
		t.Error("agreed before anything was recorded")
	}
	pm := Agreement{Kind: AgreementProjectManagement, Note: "hele forløbet", By: "jens", At: now}
	if !w.Agree(pm) || w.Agree(pm) || !w.Agreed(AgreementProjectManagement) {
		t.Errorf("agree: %+v", w.Agreements)
	}
	w.Agree(Agreement{Kind: AgreementTeaching, By: "jens", At: now})
	if ended := w.EndAgreements(AgreementTeaching); len(ended) != 1 || w.Agreed(AgreementTeaching) || !w.Agreed(AgreementProjectManagement) {
		t.Errorf("end teaching: %v, left %+v", ended, w.Agreements)
	}
	if ended := w.EndAgreements(); len(ended) != 1 || w.Agreements != nil {
		t.Errorf("end all: %v, left %+v", ended, w.Agreements)
	}
	d1, d2 := day("2027-03-04"), day("2027-03-02")
	for _, d := range []Date{d1, d2} {
		if err := w.AddTeaching(TeachingSession{Date: d, By: "anna", At: now}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.AddTeaching(TeachingSession{Date: d1}); !errors.Is(err, ErrTeachingExists) {
		t.Errorf("second session on one day: %v", err)
	}
	if w.Teaching[0].Date != d2 {
		t.Errorf("sessions not by date: %+v", w.Teaching)
	}
	if _, err := w.TeachingOn(day("2027-03-05")); !errors.Is(err, ErrNoTeaching) {
		t.Errorf("no session: %v", err)
	}
	if !w.CancelTeaching(d2) || w.CancelTeaching(d2) || len(w.Teaching) != 1 || TeachingKey(d1) != "undervisning-2027-03-04" {
		t.Errorf("cancel: %+v", w.Teaching)
	}
}

// TestTakeKeepsTheMostAdvanced: moving enrolments' tracks into the
// forvaltning's keeps the one furthest along, names worked-on losers, and
// takes each wave's once.
func TestTakeKeepsTheMostAdvanced(t *testing.T) {
	tpl := DefaultTemplate()
	w := NewWorkflow("BUF", tpl, now)
	w.Steps[0].Due = day("2027-03-01")
	ahead := NewTrack(tpl)
	ahead.Confirm("group", []Party{PartyFV}, "maria", now)
	ahead.Confirm("decisions", []Party{PartyFV}, "maria", now)
	behind := NewTrack(tpl)
	behind.Confirm("group", []Party{PartyFV}, "jens", now)
	src := func(id string, steps Track) TrackSource {
		return TrackSource{Wave: id, From: id + "/BUF", Steps: steps}
	}

	dropped, changed := w.Take([]TrackSource{src("b3", behind), src("b4", ahead), src("b5", NewTrack(tpl))})
	if !changed || !slices.Equal(dropped, []string{"", "b3/BUF"}) {
		t.Errorf("dropped %q changed %v, want the own track and b3's", dropped, changed)
	}
	if d, _ := w.Steps.Progress(); d != 2 {
		t.Errorf("kept %d steps done, want 2", d)
	}
	if dropped, changed := w.Take([]TrackSource{src("b3", ahead), src("b5", NewTrack(tpl))}); dropped != nil || changed {
		t.Errorf("waves taken twice: %v %v", dropped, changed)
	}
	if !slices.Equal(w.Taken, []string{"b3", "b4", "b5"}) {
		t.Errorf("taken %v", w.Taken)
	}
}

// TestTakeTracks: an older document's tracks, one per enrolment and one
// of the forvaltning's own, become one per forvaltning, and the
// enrolments carry none.
func TestTakeTracks(t *testing.T) {
	tpl := DefaultTemplate()
	b3, b4 := enrolled(t, "BUF", "SUF"), enrolled(t, "BUF")
	b3.ID, b4.ID = "b3", "b4"
	for _, w := range []*Wave{&b3, &b4} {
		for i := range w.Enrolments {
			w.Enrolments[i].Workflow = NewTrack(tpl)
		}
	}
	b3.Enrolments[0].Workflow.Confirm("group", []Party{PartyFV}, "maria", now)
	b4.Enrolments[0].Workflow.Confirm("group", []Party{PartyFV}, "maria", now)
	b4.Enrolments[0].Workflow.Confirm("decisions", []Party{PartyFV}, "maria", now)
	own := Workflow{FV: "BUF", Steps: NewTrack(tpl)}
	own.Steps[0].Due = day("2027-02-01")
	tracks := map[string]*Workflow{"BUF": &own}
	moves := TakeTracks([]Wave{b3, b4}, tracks, now)
	if len(moves) != 2 || moves[0].FV != "BUF" || !slices.Equal(moves[0].Dropped, []string{"", "b3/BUF"}) || moves[0].Done != 2 {
		t.Errorf("moves = %+v", moves)
	}
	if moves[1].FV != "SUF" || moves[1].Dropped != nil || !tracks["SUF"].Reminded.Equal(now) {
		t.Errorf("SUF: %+v %+v", moves[1], tracks["SUF"])
	}
	for _, w := range []Wave{b3, b4} {
		for _, e := range w.Enrolments {
			if e.Workflow != nil {
				t.Errorf("%s/%s still carries a track", w.ID, e.FV)
			}
		}
	}
}
