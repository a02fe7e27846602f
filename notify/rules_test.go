package notify

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"wavebot/wave"
)

var cph = wave.Copenhagen()

func day(s string) wave.Date {
	d, err := wave.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// simulatedWave is b3 starting 2027-02-01 with BUF enrolled, maria its
// contact and anna the KS lead; every activity but the evaluation is closed,
// so the timeline shows the authorization feedback and the evaluation.
func simulatedWave(t *testing.T) wave.Wave {
	t.Helper()
	w, err := wave.New("b3", "Bølge 3", day("2027-02-01"), "anna", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Enroll("BUF", wave.DefaultTemplate(), cph); err != nil {
		t.Fatal(err)
	}
	e := &w.Enrolments[0]
	e.AddContacts("maria")
	for _, a := range e.Activities {
		if a.Key != wave.EvaluationActivity {
			e.SetStatus(a.Key, wave.StatusDone, "", "anna", time.Time{})
		}
	}
	return w
}

// TestSimulatedWaveTimeline runs the wave hour by hour on a fake clock from
// 2027-01-25 to 2027-04-05 and checks every reminder: who, what, when. The
// feedback is due Monday 15 February and answered Friday 19 February at
// noon; the evaluation on Thursday 1 April, so its notices cross Easter and
// the switch to summer time on 28 March.
func TestSimulatedWaveTimeline(t *testing.T) {
	p := DefaultPolicy(cph)
	w := simulatedWave(t)
	e := &w.Enrolments[0]
	if err := e.RequestAuth(day("2027-02-15"), "anna", time.Time{}); err != nil {
		t.Fatal(err)
	}
	answered := cph.At(day("2027-02-19"), 12, 0)
	evaluated := cph.At(day("2027-04-01"), 14, 0)
	var got []string
	from := cph.At(day("2027-01-25"), 0, 0)
	for now := from.Add(time.Hour); now.Before(cph.At(day("2027-04-06"), 0, 0)); now = now.Add(time.Hour) {
		if next, ok := p.Next(w, from); ok && next.After(now) && !now.Equal(answered) && !now.Equal(evaluated) {
			continue // nothing due: the sweeper would not even look at this wave
		}
		if now.Equal(answered) {
			e.AnswerAuth(true, "", "maria", now)
		}
		if now.Equal(evaluated) {
			e.SetStatus(wave.EvaluationActivity, wave.StatusDone, "", "anna", now)
		}
		for _, r := range p.Due(w, from, now) {
			got = append(got, fmt.Sprintf("%s %s %s %s", r.At.UTC().Format("2006-01-02 15:04Z"), r.Kind, r.Subject(), r.Recipient))
		}
		from = now
	}
	want := []string{
		"2027-02-11 08:00Z auth-soon b3/BUF maria",
		"2027-02-15 08:00Z auth-today b3/BUF maria",
		"2027-02-16 08:00Z auth-overdue b3/BUF maria",
		"2027-02-17 08:00Z auth-overdue b3/BUF maria",
		"2027-02-18 08:00Z auth-escalate b3/BUF anna",
		"2027-02-18 08:00Z auth-overdue b3/BUF maria",
		"2027-02-19 08:00Z auth-escalate b3/BUF anna",
		"2027-02-19 08:00Z auth-overdue b3/BUF maria",
		// E-5 business days: back over Easter (29, 26 and 25 March are holidays), still winter time.
		"2027-03-22 08:00Z eval-notice b3/BUF/evaluation anna",
		"2027-03-22 08:00Z eval-notice b3/BUF/evaluation maria",
		// E-1: summer time, so 09:00 in Copenhagen is 07:00 UTC.
		"2027-03-31 07:00Z eval-notice b3/BUF/evaluation anna",
		"2027-03-31 07:00Z eval-notice b3/BUF/evaluation maria",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("timeline:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestActivityAndContactRules(t *testing.T) {
	p := DefaultPolicy(cph)
	w, _ := wave.New("b3", "", day("2027-02-01"), "anna", time.Time{})
	w.Enroll("SUF", wave.DefaultTemplate(), cph)
	e := &w.Enrolments[0]
	for _, a := range e.Activities {
		if a.Key != "pc" && a.Key != "info" {
			e.SetStatus(a.Key, wave.StatusSkipped, "", "anna", time.Time{})
		}
	}
	// No contact: daily to the lead from 10 business days before the start.
	rems := p.Due(w, cph.At(day("2027-01-18"), 8, 0), cph.At(day("2027-01-18"), 10, 0))
	if len(rems) != 1 || rems[0].Kind != NoContact || rems[0].Recipient != "anna" {
		t.Errorf("18 January: %+v; want one no-contact reminder to anna", rems)
	}
	if rems := p.Due(w, cph.At(day("2027-01-15"), 8, 0), cph.At(day("2027-01-15"), 10, 0)); len(rems) != 0 {
		t.Errorf("15 January is 11 business days before the start: %+v", rems)
	}
	e.AddContacts("sofie")
	// pc (KS, due 2027-01-25) goes to the lead, info (FV, due 2027-01-11) to the contact.
	rems = p.Due(w, cph.At(day("2027-01-21"), 8, 0), cph.At(day("2027-01-21"), 10, 0))
	var got []string
	for _, r := range rems {
		got = append(got, fmt.Sprintf("%s %s %s", r.Kind, r.Activity, r.Recipient))
	}
	if strings.Join(got, ",") != "activity-overdue info sofie,activity-soon pc anna" {
		t.Errorf("21 January: %v", got)
	}
	// A sweeper away for a week sends one overdue notice, for the latest day.
	rems = p.Due(w, cph.At(day("2027-01-12"), 10, 0), cph.At(day("2027-01-20"), 10, 0))
	if len(rems) != 1 || !strings.Contains(rems[0].Key, "2027-01-20") {
		t.Errorf("after a week away: %+v", rems)
	}
	e.SetStatus("info", wave.StatusDone, "", "sofie", time.Time{})
	e.SetStatus("pc", wave.StatusDone, "", "anna", time.Time{})
	if next, ok := p.Next(w, cph.At(day("2027-01-21"), 10, 0)); ok {
		t.Errorf("done activities still remind, next at %v", next)
	}
}

func TestRemindersWaitForTheNextWorkingMorning(t *testing.T) {
	p := DefaultPolicy(cph)
	w := simulatedWave(t)
	e := &w.Enrolments[0]
	e.SetStatus(wave.EvaluationActivity, wave.StatusDone, "", "anna", time.Time{})
	e.RequestAuth(day("2027-12-27"), "anna", time.Time{}) // Monday after Christmas
	// D-2 business days from Monday 27 December: Wednesday 22 December (24–26 are closed).
	next, ok := p.Next(w, cph.At(day("2027-12-20"), 12, 0))
	if !ok || !next.Equal(cph.At(day("2027-12-22"), 9, 0)) {
		t.Errorf("due soon at %v, want 2027-12-22 09:00", next)
	}
	// After the Friday 09:00 overdue notice, the next comes on Monday morning.
	e.RequestAuth(day("2027-02-10"), "anna", time.Time{})
	next, _ = p.Next(w, cph.At(day("2027-02-12"), 9, 30))
	if !next.Equal(cph.At(day("2027-02-15"), 9, 0)) {
		t.Errorf("next after Friday = %v, want Monday 09:00", next)
	}
}
