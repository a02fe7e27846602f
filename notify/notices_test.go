package notify

import (
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
