package notify

import (
	"slices"
	"strings"
	"testing"
	"time"

	"wavebot/wave"
)

// TestNoticesGoOutOnceAtTheirInstant: a notice recorded on a wave is one
// reminder to its recipients at its instant, whatever the sending hours;
// it stands beside the lead's escalation about the same enrolment, a
// snooze does not hold it back, and two notices of one kind are two
// reminders.
func TestNoticesGoOutOnceAtTheirInstant(t *testing.T) {
	p := DefaultPolicy(cph)
	escalation := time.Date(2027, 2, 18, 8, 0, 0, 0, time.UTC) // D+3 at 09:00 in Copenhagen
	submitted := escalation.Add(30 * time.Minute)
	noticed := func(snooze bool) wave.Wave {
		w := feedbackWave(t, "2027-02-15")
		w.Reminded = escalation.Add(-time.Hour)
		if snooze {
			w.Snooze(wave.Snooze{FV: "BUF", Person: "anna", Until: escalation.Add(48 * time.Hour)})
		}
		w.AddNotice(wave.Notice{Kind: wave.NoticeTemplateDelivered, FV: "BUF", At: submitted, To: []string{"anna"}})
		w.AddNotice(wave.Notice{Kind: wave.NoticeTemplateDelivered, FV: "BUF", At: submitted.Add(time.Minute), To: []string{"anna"}})
		return w
	}
	kinds := func(rs []Reminder) map[Kind]int {
		out := map[Kind]int{}
		for _, r := range rs {
			if r.Recipient == "anna" {
				out[r.Kind]++
			}
		}
		return out
	}

	w := noticed(false)
	due := p.Due(w, w.Reminded, submitted.Add(time.Hour))
	if k := kinds(due); k[TemplateDelivered] != 2 || k[AuthEscalate] != 1 {
		t.Errorf("due to the lead: %v; want both notices and the escalation", k)
	}
	var first Reminder
	for _, r := range due {
		if r.Kind == TemplateDelivered && (first.Key == "" || r.At.Before(first.At)) {
			first = r
		}
	}
	if !first.At.Equal(submitted) || first.Subject() != "b3/BUF" {
		t.Errorf("the notice: %+v", first)
	}
	if d := NewDigest("anna", due); d.Reminders[0].Kind != AuthEscalate || d.Reminders[1].Kind != TemplateDelivered {
		t.Errorf("digest order: %v, %v", d.Reminders[0].Kind, d.Reminders[1].Kind)
	}
	if k := kinds(p.Due(w, submitted.Add(time.Hour), submitted.Add(2*time.Hour))); k[TemplateDelivered] != 0 {
		t.Errorf("the notices came again: %v", k)
	}

	w = noticed(true)
	if k := kinds(p.Due(w, w.Reminded, submitted.Add(time.Hour))); k[TemplateDelivered] != 2 || k[AuthEscalate] != 0 {
		t.Errorf("with the enrolment snoozed: %v; want the notices only", k)
	}
	if next, ok := p.Next(w, escalation); !ok || !next.Equal(submitted) {
		t.Errorf("Next after the escalation = %v, %v; want the notice at %v", next, ok, submitted)
	}
}

// TestContactChangesAndTheEvalNoteRequestGoOnce: the lead hears of each
// contact named or taken off at the digest the notice names, one
// reminder per person even when one command changed several at once; the
// contacts are asked for their evaluation note once. Each has a key of
// its own and none comes again in a later sweep.
func TestContactChangesAndTheEvalNoteRequestGoOnce(t *testing.T) {
	p := DefaultPolicy(cph)
	w := feedbackWave(t, "2027-02-15")
	w.Reminded = time.Date(2027, 2, 16, 12, 0, 0, 0, time.UTC)
	changed := w.Reminded.Add(time.Minute)
	digest := p.DigestAt(changed)
	for _, n := range []wave.Notice{
		{Kind: wave.NoticeContactAdded, Item: "jens"},
		{Kind: wave.NoticeContactAdded, Item: "ole"},
		{Kind: wave.NoticeContactRemoved, Item: "maria"},
	} {
		n.FV, n.By, n.At, n.Happened, n.To = "BUF", "jens", digest, changed, []string{"anna"}
		w.AddNotice(n)
	}
	w.AddNotice(wave.Notice{Kind: wave.NoticeEvalNote, FV: "BUF", At: changed, To: []string{"jens", "ole"}})

	got := map[string]Reminder{}
	for _, r := range p.Due(w, w.Reminded, digest.Add(time.Hour)) {
		if r.Kind == ContactAdded || r.Kind == ContactRemoved || r.Kind == EvalNote {
			if _, twice := got[r.Key]; twice {
				t.Errorf("key %s twice", r.Key)
			}
			got[r.Key] = r
		}
	}
	var changes, asked []string
	for _, r := range got {
		switch {
		case r.Kind == EvalNote && r.At.Equal(changed):
			asked = append(asked, r.Recipient)
		case r.Kind != EvalNote && r.At.Equal(digest) && r.Recipient == "anna" && r.By == "jens" && r.Subject() == "b3/BUF" && r.Kind.Notice():
			changes = append(changes, string(r.Kind)+" "+r.About)
		}
	}
	slices.Sort(changes)
	slices.Sort(asked)
	if want := []string{"contact-added jens", "contact-added ole", "contact-removed maria"}; !slices.Equal(changes, want) {
		t.Errorf("the lead hears %q, want %q", changes, want)
	}
	if want := []string{"jens", "ole"}; !slices.Equal(asked, want) {
		t.Errorf("asked for the note: %q, want %q", asked, want)
	}
	if before := p.Due(w, w.Reminded, digest.Add(-time.Minute)); slices.ContainsFunc(before, func(r Reminder) bool { return r.Kind == ContactAdded }) {
		t.Error("the lead hears of a contact before the digest")
	}
	for _, r := range p.Due(w, digest.Add(time.Hour), digest.Add(30*24*time.Hour)) {
		if r.Kind == ContactAdded || r.Kind == ContactRemoved || r.Kind == EvalNote {
			t.Errorf("again in a later sweep: %+v", r)
		}
	}
	// A forvaltning that gave its note before the request went out is
	// not asked.
	w.Enrolments[0].AddEvalNote(wave.EvalNote{Text: "god proces", By: "jens", At: changed, Side: wave.PartyFV})
	if slices.ContainsFunc(p.Due(w, w.Reminded, digest.Add(time.Hour)), func(r Reminder) bool { return r.Kind == EvalNote }) {
		t.Error("asked for a note the forvaltning gave")
	}
}

// TestTheLeadIsRemindedToClose: once every evaluation of a wave is held
// or skipped, its lead hears from the next business day, repeated like
// what is overdue, until the wave is closed; a wave with one evaluation
// open, or closed, says nothing of it.
func TestTheLeadIsRemindedToClose(t *testing.T) {
	p := DefaultPolicy(cph)
	w, _ := wave.New("b3", "", day("2027-02-01"), "anna", time.Time{})
	w.Enroll("BUF", wave.DefaultTemplate(), cph, time.Time{})
	w.Enroll("SUF", wave.DefaultTemplate(), cph, time.Time{})
	held := cph.At(day("2027-03-03"), 14, 0) // Wednesday
	w.Enrolments[0].SetStatus(wave.EvaluationActivity, wave.StatusDone, "", "anna", held)
	closing := func(from, to time.Time) []string {
		var out []string
		for _, r := range p.Due(w, from, to) {
			if r.Kind == CloseDue {
				out = append(out, r.At.In(cph.Location()).Format("01-02 15:04")+" "+r.Recipient+" "+r.Key)
			}
		}
		return out
	}
	if got := closing(held, held.AddDate(0, 1, 0)); len(got) != 0 {
		t.Errorf("with SUF's evaluation open: %v", got)
	}
	w.Enrolments[1].SetStatus(wave.EvaluationActivity, wave.StatusSkipped, "ingen brugere", "anna", held.Add(time.Hour))
	var got []string
	for d := held; d.Before(cph.At(day("2027-03-18"), 12, 0)); d = d.Add(24 * time.Hour) {
		got = append(got, closing(d, d.Add(24*time.Hour))...)
	}
	want := []string{
		"03-04 09:00 anna b3/|close-due|2027-03-04|anna",
		"03-05 09:00 anna b3/|close-due|2027-03-05|anna",
		"03-08 09:00 anna b3/|close-due|2027-03-08|anna",
		"03-15 09:00 anna b3/|close-due|2027-03-15|anna",
	}
	if !slices.Equal(got, want) {
		t.Errorf("reminders to close:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if subjects := p.Subjects(w, "", "anna"); !slices.Equal(subjects, []string{""}) {
		t.Errorf("the lead's subjects of the wave itself: %q", subjects)
	}
	w.Closed = &wave.Closure{By: "anna", At: held.Add(2 * time.Hour)}
	if got := closing(held, held.AddDate(0, 1, 0)); len(got) != 0 {
		t.Errorf("a closed wave reminds to close it: %v", got)
	}
}
