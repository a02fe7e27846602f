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
func simulatedWave(t testing.TB) wave.Wave {
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

// feedbackWave is the simulated wave with only the authorization feedback
// open, requested by due.
func feedbackWave(t testing.TB, due string) wave.Wave {
	t.Helper()
	w := simulatedWave(t)
	e := &w.Enrolments[0]
	e.SetStatus(wave.EvaluationActivity, wave.StatusDone, "", "anna", time.Time{})
	if err := e.RequestAuth(day(due), "anna", time.Time{}); err != nil {
		t.Fatal(err)
	}
	return w
}

// simulatedTimeline is every reminder of the simulated wave: when (UTC),
// what, about what, to whom.
var simulatedTimeline = []string{
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
	if want := simulatedTimeline; strings.Join(got, "\n") != strings.Join(want, "\n") {
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
	// Away from before pc's "due soon" (21 January) to after it is overdue:
	// the lead hears it is overdue, not also that it was due soon.
	rems = p.Due(w, cph.At(day("2027-01-20"), 10, 0), cph.At(day("2027-01-26"), 10, 0))
	var kinds []string
	for _, r := range rems {
		kinds = append(kinds, fmt.Sprintf("%s %s %s", r.Kind, r.Activity, r.Recipient))
	}
	if strings.Join(kinds, ",") != "activity-overdue info sofie,activity-overdue pc anna" {
		t.Errorf("after an outage over soon and overdue: %v", kinds)
	}
	e.SetStatus("info", wave.StatusDone, "", "sofie", time.Time{})
	e.SetStatus("pc", wave.StatusDone, "", "anna", time.Time{})
	if next, ok := p.Next(w, cph.At(day("2027-01-21"), 10, 0)); ok {
		t.Errorf("done activities still remind, next at %v", next)
	}
}

// TestWaveWithoutLead: the lead's reminders of a wave without a KS lead
// go to nobody; the contacts' still go out.
func TestWaveWithoutLead(t *testing.T) {
	p := DefaultPolicy(cph)
	w := feedbackWave(t, "2027-02-15")
	w.Lead = ""
	got := timeline(p, w, cph.At(day("2027-02-17"), 12, 0), cph.At(day("2027-02-18"), 12, 0))
	if strings.Join(got, ",") != "02-18 09:00 auth-overdue maria" {
		t.Errorf("got %v, want only maria's overdue notice", got)
	}
}

func TestRemindersWaitForTheNextWorkingMorning(t *testing.T) {
	p := DefaultPolicy(cph)
	w := feedbackWave(t, "2027-12-27") // Monday after Christmas
	e := &w.Enrolments[0]
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

// sent lists the reminders of w from from to to as a sweeper would send
// them, stepping from one Next to the following.
func sent(p Policy, w wave.Wave, from, to time.Time) []Reminder {
	var out []Reminder
	for {
		next, ok := p.Next(w, from)
		if !ok || next.After(to) {
			return out
		}
		out = append(out, p.Due(w, from, next)...)
		from = next
	}
}

// timeline is sent as "when (local) what to whom".
func timeline(p Policy, w wave.Wave, from, to time.Time) []string {
	var out []string
	for _, r := range sent(p, w, from, to) {
		out = append(out, fmt.Sprintf("%s %s %s", r.At.In(cph.Location()).Format("01-02 15:04"), r.Kind, r.Recipient))
	}
	return out
}

// TestSnoozes: a snoozed subject is quiet for its person until the snooze
// ends, then comes back once unless a regular reminder is due then; other
// people and other subjects are not affected, and an answer ends it all.
func TestSnoozes(t *testing.T) {
	p := DefaultPolicy(cph)
	at := func(date string, h, m int) time.Time { return cph.At(day(date), h, m) }
	for _, tc := range []struct {
		name           string
		snoozedAt      time.Time
		days, hours    int
		answeredBefore time.Time
		want           string
	}{
		{"none", time.Time{}, 0, 0, time.Time{},
			"02-11 09:00 auth-soon maria,02-15 09:00 auth-today maria,02-16 09:00 auth-overdue maria"},
		{"1d after due soon comes back the next morning", at("2027-02-11", 9, 5), 1, 0, time.Time{},
			"02-11 09:00 auth-soon maria,02-12 09:00 auth-soon maria,02-15 09:00 auth-today maria,02-16 09:00 auth-overdue maria"},
		{"3d ends on a regular reminder, which is sent once", at("2027-02-11", 9, 5), 3, 0, time.Time{},
			"02-11 09:00 auth-soon maria,02-16 09:00 auth-overdue maria"},
		{"4h comes back in the afternoon", at("2027-02-15", 9, 5), 0, 4, time.Time{},
			"02-11 09:00 auth-soon maria,02-15 09:00 auth-today maria,02-15 13:05 auth-today maria,02-16 09:00 auth-overdue maria"},
		{"4h past the working day waits for the morning", at("2027-02-15", 15, 0), 0, 4, time.Time{},
			"02-11 09:00 auth-soon maria,02-15 09:00 auth-today maria,02-16 09:00 auth-overdue maria"},
		{"an answer during the snooze ends it", at("2027-02-11", 9, 5), 1, 0, at("2027-02-11", 16, 0),
			"02-11 09:00 auth-soon maria"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := feedbackWave(t, "2027-02-15")
			e := &w.Enrolments[0]
			from := at("2027-02-10", 12, 0)
			var got []string
			if !tc.snoozedAt.IsZero() {
				got = timeline(p, w, from, tc.snoozedAt)
				from = tc.snoozedAt
				w.Snooze(wave.Snooze{FV: "BUF", Person: "maria", Until: p.SnoozeUntil(tc.snoozedAt, tc.days, tc.hours)})
			}
			if !tc.answeredBefore.IsZero() {
				got = append(got, timeline(p, w, from, tc.answeredBefore)...)
				from = tc.answeredBefore
				e.AnswerAuth(true, "", "maria", from)
			}
			got = append(got, timeline(p, w, from, at("2027-02-16", 12, 0))...)
			if strings.Join(got, ",") != tc.want {
				t.Errorf("got  %s\nwant %s", strings.Join(got, ","), tc.want)
			}
		})
	}
}

// TestSnoozeOfOnePerson: maria's snooze leaves the KS lead's escalation alone.
func TestSnoozeOfOnePerson(t *testing.T) {
	p := DefaultPolicy(cph)
	w := feedbackWave(t, "2027-02-15")
	w.Snooze(wave.Snooze{FV: "BUF", Person: "maria", Until: cph.At(day("2027-02-22"), 9, 0)})
	got := timeline(p, w, cph.At(day("2027-02-17"), 12, 0), cph.At(day("2027-02-22"), 12, 0))
	want := "02-18 09:00 auth-escalate anna,02-19 09:00 auth-escalate anna,02-22 09:00 auth-escalate anna,02-22 09:00 auth-overdue maria"
	if strings.Join(got, ",") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, ","), want)
	}
}

func TestSnoozeUntil(t *testing.T) {
	p := DefaultPolicy(cph)
	at := func(date string, h, m int) time.Time { return cph.At(day(date), h, m) }
	for _, tc := range []struct {
		name        string
		now         time.Time
		days, hours int
		want        time.Time
	}{
		{"1d from Friday is Monday morning", at("2027-02-12", 12, 0), 1, 0, at("2027-02-15", 9, 0)},
		{"1d over Easter", at("2027-03-24", 10, 0), 1, 0, at("2027-03-30", 9, 0)},
		{"3d", at("2027-02-11", 9, 5), 3, 0, at("2027-02-16", 9, 0)},
		{"4h within the working day", at("2027-02-16", 9, 5), 0, 4, at("2027-02-16", 13, 5)},
		{"4h past 17:00", at("2027-02-16", 15, 0), 0, 4, at("2027-02-17", 9, 0)},
		{"4h from Friday afternoon", at("2027-02-12", 15, 0), 0, 4, at("2027-02-15", 9, 0)},
		{"2h before the morning", at("2027-02-16", 3, 0), 0, 2, at("2027-02-16", 9, 0)},
		{"1h on Easter Monday", at("2027-03-29", 16, 30), 0, 1, at("2027-03-30", 9, 0)},
	} {
		if got := p.SnoozeUntil(tc.now, tc.days, tc.hours); !got.Equal(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got.In(cph.Location()), tc.want.In(cph.Location()))
		}
	}
}

// TestPending: what remind list shows, per person: the next reminder of
// each subject within the horizon, with the snooze.
func TestPending(t *testing.T) {
	p := DefaultPolicy(cph)
	w := simulatedWave(t)
	w.Enrolments[0].RequestAuth(day("2027-02-15"), "anna", time.Time{})
	w.Snooze(wave.Snooze{FV: "BUF", Person: "maria", Until: cph.At(day("2027-02-17"), 9, 0)})
	now := cph.At(day("2027-02-12"), 12, 0)
	show := func(person string) string {
		var out []string
		for _, r := range p.Pending(w, person, now) {
			s := fmt.Sprintf("%s %s %s", r.At.In(cph.Location()).Format("01-02 15:04"), r.Kind, r.Subject())
			if !r.SnoozedUntil.IsZero() {
				s += " snoozed"
			}
			out = append(out, s)
		}
		return strings.Join(out, ",")
	}
	if got := show("maria"); got != "02-17 09:00 auth-overdue b3/BUF snoozed" {
		t.Errorf("maria: %s", got)
	}
	// The evaluation (1 April) is beyond ten business days.
	if got := show("anna"); got != "02-18 09:00 auth-escalate b3/BUF" {
		t.Errorf("anna: %s", got)
	}
	if got := show("nobody"); got != "" {
		t.Errorf("nobody: %s", got)
	}
}

func TestParsePolicy(t *testing.T) {
	for _, tc := range []struct {
		spec string
		want string // the policy's numbers, or the error
	}{
		{"", "09:00 soon 2 escalate 3 eval [5 1] activity 2 no-contact 10 list 10"},
		{"send=08:30, auth_soon=3,eval=10/5/1", "08:30 soon 3 escalate 3 eval [10 5 1] activity 2 no-contact 10 list 10"},
		{"auth_escalate=5,activity_soon=0,no_contact=15,list_ahead=20", "09:00 soon 2 escalate 5 eval [5 1] activity 0 no-contact 15 list 20"},
		{"auth_soon=x", `auth_soon="x": want a whole number of days from 0 to 60`},
		{"auth_soon=61", `auth_soon="61": want a whole number of days from 0 to 60`},
		{"eval=5/x", `eval="5/x": want a whole number of days from 0 to 60`},
		{"send=25:00", `send="25:00"`},
		{"frequency=2", `unknown setting "frequency"; known: send, eval, activity_soon, auth_escalate, auth_soon, list_ahead, no_contact`},
	} {
		p, err := ParsePolicy(cph, tc.spec)
		got := fmt.Sprintf("%02d:%02d soon %d escalate %d eval %v activity %d no-contact %d list %d",
			p.SendHour, p.SendMinute, p.AuthSoon, p.AuthEscalate, p.EvalNotices, p.ActivitySoon, p.NoContactFrom, p.ListAhead)
		if err != nil {
			got = err.Error()
		}
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("%q: %s, want %s", tc.spec, got, tc.want)
		}
	}
}

// TestBackToWinterTime: reminders across the last Sunday of October stay
// at 09:00 Copenhagen time: 07:00 UTC before the switch, 08:00 after.
func TestBackToWinterTime(t *testing.T) {
	p := DefaultPolicy(cph)
	w := feedbackWave(t, "2027-10-29") // Friday before the switch on Sunday 31 October
	var got []string
	for _, r := range sent(p, w, cph.At(day("2027-10-25"), 12, 0), cph.At(day("2027-11-02"), 12, 0)) {
		got = append(got, fmt.Sprintf("%s %s", r.At.UTC().Format("01-02 15:04Z"), r.Kind))
	}
	want := "10-27 07:00Z auth-soon,10-29 07:00Z auth-today,11-01 08:00Z auth-overdue,11-02 08:00Z auth-overdue"
	if strings.Join(got, ",") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, ","), want)
	}
}
