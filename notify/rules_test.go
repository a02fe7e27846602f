package notify

import (
	"fmt"
	"slices"
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
	if _, err := w.Enroll("BUF", wave.DefaultTemplate(), cph, time.Time{}); err != nil {
		t.Fatal(err)
	}
	e := &w.Enrolments[0]
	e.AddContacts(time.Time{}, "maria")
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
	if _, err := e.RequestAuth(day(due), "anna", time.Time{}); err != nil {
		t.Fatal(err)
	}
	return w
}

// simulatedTimeline is every reminder of the wave of
// TestSimulatedWaveTimeline: when (UTC), what, about what, to whom. It is
// worked out by hand from the policy (09:00 Copenhagen time on business
// days; soon D-2; what is overdue daily for three business days, then
// every fifth; the lead's escalation daily from D+3) and the changes the
// test makes on the way, listed there.
var simulatedTimeline = []string{
	// Training waits for a decision, due 25 January: soon on the 21st,
	// overdue on the 26th, 27th and 28th, then a week after the 28th.
	"2027-01-21 08:00Z decision-soon b3/BUF/training maria",
	"2027-01-26 08:00Z decision-overdue b3/BUF/training maria",
	"2027-01-27 08:00Z decision-overdue b3/BUF/training maria",
	"2027-01-28 08:00Z decision-overdue b3/BUF/training maria",
	"2027-02-04 08:00Z decision-overdue b3/BUF/training maria",
	// The feedback, due Wednesday 27 January: soon on the 25th, today on the
	// 27th, overdue on the 28th, 29th and 1 February; the lead's escalation
	// from 1 February (D+3) stays daily until maria answers on the 2nd at noon.
	"2027-01-25 08:00Z auth-soon b3/BUF maria",
	"2027-01-27 08:00Z auth-today b3/BUF maria",
	"2027-01-28 08:00Z auth-overdue b3/BUF maria",
	"2027-01-29 08:00Z auth-overdue b3/BUF maria",
	"2027-02-01 08:00Z auth-overdue b3/BUF maria",
	"2027-02-01 08:00Z auth-escalate b3/BUF anna",
	"2027-02-02 08:00Z auth-escalate b3/BUF anna",
	// The lead hears of the answer at once, and is to apply it by Friday
	// 5 February (+3): soon on the 3rd, overdue on the 8th, 9th and 10th;
	// anna applies on the 11th at noon.
	"2027-02-02 11:00Z auth-answered b3/BUF anna",
	"2027-02-03 08:00Z apply-soon b3/BUF/auth anna",
	"2027-02-08 08:00Z apply-overdue b3/BUF/auth anna",
	"2027-02-09 08:00Z apply-overdue b3/BUF/auth anna",
	"2027-02-10 08:00Z apply-overdue b3/BUF/auth anna",
	// Go-live (KS+FV, 1 February): KS confirmed its part before the test,
	// so only the forvaltning is reminded: soon on 28 January, overdue on
	// 2 and 3 February, until maria confirms on the 3rd at noon.
	"2027-01-28 08:00Z activity-soon b3/BUF/golive maria",
	"2027-02-02 08:00Z activity-overdue b3/BUF/golive maria",
	"2027-02-03 08:00Z activity-overdue b3/BUF/golive maria",
	// On 8 February at noon jens replaces maria and is welcomed.
	"2027-02-08 11:00Z welcome b3/BUF jens",
	// Maria decided on 5 February that the users are trained by the 19th:
	// training is then an activity of the forvaltning, due soon on the 17th
	// (to jens); he marks it done on the 18th.
	"2027-02-17 08:00Z activity-soon b3/BUF/training jens",
	// E-5 business days: back over Easter (29, 26 and 25 March are holidays), still winter time.
	"2027-03-22 08:00Z eval-notice b3/BUF/evaluation anna",
	"2027-03-22 08:00Z eval-notice b3/BUF/evaluation jens",
	// E-1: summer time, so 09:00 in Copenhagen is 07:00 UTC.
	"2027-03-31 07:00Z eval-notice b3/BUF/evaluation anna",
	"2027-03-31 07:00Z eval-notice b3/BUF/evaluation jens",
	// The evaluation, the wave's last, is held on 1 April: the lead is
	// reminded to close the wave from the next business day, daily at
	// first.
	"2027-04-02 07:00Z close-due b3/ anna",
	"2027-04-05 07:00Z close-due b3/ anna",
}

// TestSimulatedWaveTimeline runs a wave hour by hour on a fake clock from
// 2027-01-18 to 2027-04-05 and checks every reminder: who, what, when. The
// wave has a shared activity half confirmed (go-live), a training
// decision, an authorization answer the lead must apply, a contact
// replaced; the evaluation on Thursday
// 1 April makes its notices cross Easter and the switch to summer time on
// 28 March.
func TestSimulatedWaveTimeline(t *testing.T) {
	p := DefaultPolicy(cph)
	w, err := wave.New("b3", "Bølge 3", day("2027-02-01"), "anna", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Enroll("BUF", wave.DefaultTemplate(), cph, time.Time{}); err != nil {
		t.Fatal(err)
	}
	e := &w.Enrolments[0]
	e.AddContacts(time.Time{}, "maria")
	for _, k := range []string{"kickoff", "info", "pc", "support", "loadtest"} {
		e.SetStatus(k, wave.StatusDone, "", "anna", time.Time{})
	}
	e.Confirm("golive", []wave.Party{wave.PartyKS}, "", "anna", time.Time{})
	e.RequestAuth(day("2027-01-27"), "anna", time.Time{})
	at := func(date string, h int) time.Time { return cph.At(day(date), h, 0) }
	fv, ks := []wave.Party{wave.PartyFV}, []wave.Party{wave.PartyKS}
	changes := map[time.Time]func(now time.Time){
		at("2027-02-02", 12): func(now time.Time) {
			e.AnswerAuth(true, "", "maria", now, cph.AddBusinessDays(cph.Today(now), p.AuthApply))
		},
		at("2027-02-03", 12): func(now time.Time) { e.Confirm("golive", fv, "", "maria", now) },
		at("2027-02-05", 12): func(now time.Time) { e.DecideTraining(true, "", day("2027-02-19"), "maria", now) },
		at("2027-02-08", 12): func(now time.Time) {
			w.RemoveContact("BUF", "maria")
			e.AddContacts(now, "jens")
		},
		at("2027-02-11", 12): func(now time.Time) { e.ApplyAuth("anna", now) },
		at("2027-02-18", 12): func(now time.Time) { e.Confirm("training", fv, "", "jens", now) },
		at("2027-04-01", 14): func(now time.Time) {
			e.Confirm(wave.EvaluationActivity, ks, "", "anna", now)
			e.Confirm(wave.EvaluationActivity, fv, "", "jens", now)
		},
	}
	var got []string
	from := at("2027-01-18", 0)
	for now := from.Add(time.Hour); now.Before(at("2027-04-06", 0)); now = now.Add(time.Hour) {
		change, changed := changes[now]
		if next, ok := p.Next(w, from); ok && next.After(now) && !changed {
			continue // nothing due: the sweeper would not even look at this wave
		}
		if changed {
			change(now)
		}
		for _, r := range p.Due(w, from, now) {
			got = append(got, fmt.Sprintf("%s %s %s %s", r.At.UTC().Format("2006-01-02 15:04Z"), r.Kind, r.Subject(), r.Recipient))
		}
		from = now
	}
	slices.Sort(got)
	if want := slices.Sorted(slices.Values(simulatedTimeline)); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("timeline:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestActivityAndContactRules(t *testing.T) {
	p := DefaultPolicy(cph)
	enrolled := cph.At(day("2027-01-04"), 12, 0) // Monday
	w, _ := wave.New("b3", "", day("2027-02-01"), "anna", enrolled)
	w.Enroll("SUF", wave.DefaultTemplate(), cph, enrolled)
	e := &w.Enrolments[0]
	for _, a := range e.Activities {
		if a.Key != "pc" && a.Key != "info" {
			e.SetStatus(a.Key, wave.StatusSkipped, "", "anna", time.Time{})
		}
	}
	// No contact: to the lead from the business day after enrolment, daily
	// for three business days, then weekly.
	if rems := p.Due(w, enrolled, cph.At(day("2027-01-04"), 23, 0)); len(rems) != 0 {
		t.Errorf("on the day of enrolment: %+v", rems)
	}
	got := timeline(p, w, enrolled, cph.At(day("2027-01-15"), 12, 0))
	if want := "01-05 09:00 no-contact anna,01-06 09:00 no-contact anna,01-07 09:00 no-contact anna,01-14 09:00 no-contact anna"; strings.Join(got, ",") != want {
		t.Errorf("no contact: %v\nwant %s", got, want)
	}
	e.AddContacts(time.Time{}, "sofie")
	// pc (KS, due 2027-01-25) goes to the lead, info (FV, due 2027-01-11,
	// overdue on 12, 13, 14 and 21 January) to the contact.
	rems := p.Due(w, cph.At(day("2027-01-21"), 8, 0), cph.At(day("2027-01-21"), 10, 0))
	got = nil
	for _, r := range rems {
		got = append(got, fmt.Sprintf("%s %s %s", r.Kind, r.Activity, r.Recipient))
	}
	if strings.Join(got, ",") != "activity-overdue info sofie,activity-soon pc anna" {
		t.Errorf("21 January: %v", got)
	}
	// A sweeper away for a week sends one overdue notice, for the latest
	// occurrence.
	rems = p.Due(w, cph.At(day("2027-01-12"), 10, 0), cph.At(day("2027-01-20"), 10, 0))
	if len(rems) != 1 || !strings.Contains(rems[0].Key, "2027-01-14") {
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

// TestStoredBeforeTheProcess: waves stored before enrolment times and
// apply-by dates were recorded: the missing contact counts from the
// wave's creation, and an answer without an apply-by date reminds of
// nothing but itself.
func TestStoredBeforeTheProcess(t *testing.T) {
	p := DefaultPolicy(cph)
	created := cph.At(day("2027-01-04"), 12, 0)
	w, _ := wave.New("b3", "", day("2027-02-01"), "anna", created)
	w.Enroll("SUF", wave.DefaultTemplate(), cph, created)
	w.Enrolments[0].EnrolledAt = time.Time{}
	for _, a := range w.Enrolments[0].Activities {
		w.Enrolments[0].SetStatus(a.Key, wave.StatusSkipped, "", "anna", time.Time{})
	}
	if got := timeline(p, w, created, cph.At(day("2027-01-06"), 12, 0)); strings.Join(got, ",") != "01-05 09:00 no-contact anna,01-06 09:00 no-contact anna" {
		t.Errorf("no contact from the creation: %v", got)
	}
	old := feedbackWave(t, "2027-02-15")
	old.Enrolments[0].AnswerAuth(true, "", "maria", cph.At(day("2027-02-16"), 11, 0), wave.Date{})
	if got := timeline(p, old, cph.At(day("2027-02-16"), 10, 0), cph.At(day("2027-03-16"), 10, 0)); strings.Join(got, ",") != "02-16 11:00 auth-answered anna" {
		t.Errorf("an answer without an apply-by date: %v", got)
	}
}

// TestOverdueThinsOut: what is overdue repeats daily for RepeatDaily
// business days, then every RepeatEvery; the lead's escalation stays
// daily; a policy that sets both to 1 repeats daily.
func TestOverdueThinsOut(t *testing.T) {
	w := feedbackWave(t, "2027-02-15")
	from, to := cph.At(day("2027-02-15"), 12, 0), cph.At(day("2027-03-09"), 12, 0)
	got := strings.Join(timeline(DefaultPolicy(cph), w, from, to), ",")
	want := "02-16 09:00 auth-overdue maria,02-17 09:00 auth-overdue maria," +
		"02-18 09:00 auth-escalate anna,02-18 09:00 auth-overdue maria," +
		"02-19 09:00 auth-escalate anna,02-22 09:00 auth-escalate anna,02-23 09:00 auth-escalate anna,02-24 09:00 auth-escalate anna," +
		"02-25 09:00 auth-escalate anna,02-25 09:00 auth-overdue maria," +
		"02-26 09:00 auth-escalate anna,03-01 09:00 auth-escalate anna,03-02 09:00 auth-escalate anna,03-03 09:00 auth-escalate anna," +
		"03-04 09:00 auth-escalate anna,03-04 09:00 auth-overdue maria," +
		"03-05 09:00 auth-escalate anna,03-08 09:00 auth-escalate anna,03-09 09:00 auth-escalate anna"
	if got != want {
		t.Errorf("default policy:\n got %s\nwant %s", got, want)
	}
	daily, err := ParsePolicy(cph, "repeat_daily=1,repeat_every=1")
	if err != nil {
		t.Fatal(err)
	}
	var overdue []string
	for _, l := range timeline(daily, w, from, cph.At(day("2027-02-23"), 12, 0)) {
		if strings.Contains(l, "auth-overdue") {
			overdue = append(overdue, l[:5])
		}
	}
	if strings.Join(overdue, ",") != "02-16,02-17,02-18,02-19,02-22,02-23" {
		t.Errorf("every business day: %v", overdue)
	}
	// Next agrees with Due: after the third day the next is a week later.
	if next, _ := DefaultPolicy(cph).Next(feedbackWave(t, "2027-02-15"), cph.At(day("2027-02-18"), 10, 0)); !next.Equal(cph.At(day("2027-02-19"), 9, 0)) {
		t.Errorf("next after the 18th = %v, want the escalation on the 19th", next)
	}
	lone := feedbackWave(t, "2027-02-15")
	lone.Lead = ""
	if next, _ := DefaultPolicy(cph).Next(lone, cph.At(day("2027-02-18"), 10, 0)); !next.Equal(cph.At(day("2027-02-25"), 9, 0)) {
		t.Errorf("next overdue notice after the 18th = %v, want the 25th", next)
	}
}

// TestNoticesGoOutOnce: a welcome and the lead's news of an answer go out
// once, at their instant: not snoozed, not folded into a later reminder
// about the same subject, not listed ahead, not something to snooze.
func TestNoticesGoOutOnce(t *testing.T) {
	p := DefaultPolicy(cph)
	w := feedbackWave(t, "2027-02-15")
	e := &w.Enrolments[0]
	named := cph.At(day("2027-02-12"), 10, 30)
	e.AddContacts(named, "jens")
	w.Snooze(wave.Snooze{FV: "BUF", Person: "jens", Until: cph.At(day("2027-02-20"), 9, 0)})
	// Away from before jens was named until the feedback is due today:
	// his welcome stands beside the latest reminder about b3/BUF.
	var got []string
	for _, r := range p.Due(w, cph.At(day("2027-02-12"), 10, 0), cph.At(day("2027-02-15"), 10, 0)) {
		got = append(got, fmt.Sprintf("%s %s %s", r.At.In(cph.Location()).Format("01-02 15:04"), r.Kind, r.Recipient))
	}
	if want := "02-15 09:00 auth-today maria,02-12 10:30 welcome jens"; strings.Join(got, ",") != want {
		t.Errorf("got %v, want %s", got, want)
	}
	quiet := simulatedWave(t) // nothing open about b3/BUF itself
	quiet.Enrolments[0].AddContacts(named, "jens")
	if p.Hears(quiet, "BUF", "", "jens") {
		t.Error("a welcome makes b3/BUF a subject jens could snooze")
	}
	e.AnswerAuth(false, "NN99", "maria", cph.At(day("2027-02-16"), 11, 0), day("2027-02-19"))
	rems := p.Due(w, cph.At(day("2027-02-16"), 10, 0), cph.At(day("2027-02-16"), 12, 0))
	if len(rems) != 1 || rems[0].Kind != AuthAnswered || rems[0].Recipient != "anna" || rems[0].About != "maria" ||
		rems[0].Key != "b3/BUF|auth-answered|2027-02-16T10:00:00Z|anna" || rems[0].Due != day("2027-02-19") {
		t.Errorf("the answer: %+v", rems)
	}
	if again := p.Due(w, cph.At(day("2027-02-16"), 12, 0), cph.At(day("2027-02-16"), 16, 0)); len(again) != 0 {
		t.Errorf("the answer again: %+v", again)
	}
	for _, r := range p.Pending(w, "anna", cph.At(day("2027-02-16"), 10, 0)) {
		if r.Kind.Notice() {
			t.Errorf("remind list shows the notice %+v", r)
		}
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
	// Overdue on 11, 12 and 15 February: after Friday's, Monday's.
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
				e.AnswerAuth(true, "", "maria", from, day("2027-02-19"))
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
		{"", "09:00 soon 2 escalate 3 eval [5 1] activity 2 apply 3 no-contact 1 repeat 3/5 list 10"},
		{"send=08:30, auth_soon=3,eval=10/5/1", "08:30 soon 3 escalate 3 eval [10 5 1] activity 2 apply 3 no-contact 1 repeat 3/5 list 10"},
		{"auth_escalate=5,activity_soon=0,no_contact_after=0,list_ahead=20,auth_apply=5", "09:00 soon 2 escalate 5 eval [5 1] activity 0 apply 5 no-contact 0 repeat 3/5 list 20"},
		{"repeat_daily=2,repeat_every=10", "09:00 soon 2 escalate 3 eval [5 1] activity 2 apply 3 no-contact 1 repeat 2/10 list 10"},
		{"auth_soon=x", `auth_soon="x": want a whole number of days from 0 to 60`},
		{"auth_soon=61", `auth_soon="61": want a whole number of days from 0 to 60`},
		{"repeat_every=0", `repeat_every="0": want a whole number of days from 1 to 60`},
		{"eval=5/x", `eval="5/x": want a whole number of days from 0 to 60`},
		{"send=25:00", `send="25:00"`},
		{"no_contact=10", `"no_contact" is replaced by "no_contact_after"`},
		{"frequency=2", `unknown setting "frequency"; known: send, eval, activity_soon, auth_apply, auth_escalate, auth_soon, list_ahead, no_contact_after, repeat_daily, repeat_every`},
	} {
		p, err := ParsePolicy(cph, tc.spec)
		got := fmt.Sprintf("%02d:%02d soon %d escalate %d eval %v activity %d apply %d no-contact %d repeat %d/%d list %d",
			p.SendHour, p.SendMinute, p.AuthSoon, p.AuthEscalate, p.EvalNotices, p.ActivitySoon, p.AuthApply, p.NoContactAfter,
			p.RepeatDaily, p.RepeatEvery, p.ListAhead)
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

// TestPolicySpecReadsBack: a policy written out reads back as itself.
func TestPolicySpecReadsBack(t *testing.T) {
	p, err := ParsePolicy(cph, "send=08:30,auth_soon=3,eval=10/5/1,repeat_every=10")
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParsePolicy(cph, p.Spec())
	if err != nil || back.Spec() != p.Spec() || back.SendMinute != 30 || back.AuthSoon != 3 || len(back.EvalNotices) != 3 || back.RepeatEvery != 10 {
		t.Errorf("%q read back as %q (%v)", p.Spec(), back.Spec(), err)
	}
}

// simulatedTrack is every reminder of KFF's KØR workflow track, in no
// wave, from 2027-02-01 to 2027-03-12: "UTC time kind subject recipient".
var simulatedTrack = []string{
	// Jens is named contact by anna (KS) on 1 February at noon.
	"2027-02-01 11:00Z track-welcome KFF jens",
	// Decisions due 10 February: soon on the 8th, overdue on the 11th and
	// 12th, done on the 12th at noon.
	"2027-02-08 08:00Z step-soon KFF/decisions jens",
	"2027-02-11 08:00Z step-overdue KFF/decisions jens",
	"2027-02-12 08:00Z step-overdue KFF/decisions jens",
	// The presentation (KS+FV) due 17 February: soon on the 15th and
	// overdue on the 18th to both sides (KS: anna, who last acted on the
	// track, as KFF is in no wave); anna confirms KS's part on the 18th at
	// noon, so on the 19th only jens hears. From the 22nd project management
	// is agreed: anna hears of the forvaltning's part too, and kim, a KS
	// colleague, does it on the 22nd at noon (one person, one side).
	"2027-02-15 08:00Z step-soon KFF/presentation anna",
	"2027-02-15 08:00Z step-soon KFF/presentation jens",
	"2027-02-18 08:00Z step-overdue KFF/presentation anna",
	"2027-02-18 08:00Z step-overdue KFF/presentation jens",
	"2027-02-19 08:00Z step-overdue KFF/presentation jens",
	"2027-02-22 08:00Z step-overdue KFF/presentation anna",
	"2027-02-22 08:00Z step-overdue KFF/presentation jens",
	// A teaching session on 3 March (teaching agreed): KS is reminded on
	// 1 March and, not marked held, on the 4th and 5th; held on the 5th.
	"2027-03-01 08:00Z teaching-soon KFF/undervisning-2027-03-03 anna",
	"2027-03-04 08:00Z teaching-overdue KFF/undervisning-2027-03-03 anna",
	"2027-03-05 08:00Z teaching-overdue KFF/undervisning-2027-03-03 anna",
}

// TestSimulatedTrackTimeline runs a forvaltning's KØR workflow track that
// is in no wave hour by hour, as the sweeper would through the due index
// (TrackDue), and checks every reminder: the forvaltning's steps to its
// contacts, KS's part and its teaching to the KS person who last acted,
// the forvaltning's steps to KS as well while project management is
// agreed.
func TestSimulatedTrackTimeline(t *testing.T) {
	p := DefaultPolicy(cph)
	at := func(date string, h int) time.Time { return cph.At(day(date), h, 0) }
	tr := wave.NewWorkflow("KFF", wave.DefaultTemplate(), at("2027-02-01", 0))
	for key, due := range map[string]string{"decisions": "2027-02-10", "presentation": "2027-02-17"} {
		s, _ := tr.Steps.Step(key)
		s.Due = day(due)
	}
	fv, ks := []wave.Party{wave.PartyFV}, []wave.Party{wave.PartyKS}
	changes := map[time.Time]func(now time.Time){
		at("2027-02-01", 12): func(now time.Time) { tr.AddContacts(now, "jens"); tr.KS = "anna" },
		at("2027-02-12", 12): func(now time.Time) { tr.Steps.Confirm("decisions", fv, "jens", now) },
		at("2027-02-18", 12): func(now time.Time) { tr.Steps.Confirm("presentation", ks, "anna", now) },
		at("2027-02-19", 12): func(now time.Time) {
			tr.Agree(wave.Agreement{Kind: wave.AgreementProjectManagement, By: "jens", At: now})
		},
		// One person, one side: a KS colleague gives the forvaltning's word.
		at("2027-02-22", 12): func(now time.Time) { tr.Steps.Confirm("presentation", fv, "kim", now) },
		at("2027-02-24", 12): func(now time.Time) {
			tr.Agree(wave.Agreement{Kind: wave.AgreementTeaching, By: "jens", At: now})
			tr.AddTeaching(wave.TeachingSession{Date: day("2027-03-03"), By: "anna", At: now})
		},
		at("2027-03-05", 12): func(now time.Time) { s, _ := tr.TeachingOn(day("2027-03-03")); s.Held = true },
	}
	var got []string
	for now := at("2027-02-01", 1); now.Before(at("2027-03-12", 0)); now = now.Add(time.Hour) {
		change, changed := changes[now]
		if next, ok := p.TrackDue(tr); ok && next.After(now) && !changed {
			continue // nothing due: the sweeper would not even look at this track
		}
		if changed {
			change(now)
		}
		for _, r := range p.TrackReminders(tr, TrackKS(nil, tr), tr.Reminded, now) {
			got = append(got, fmt.Sprintf("%s %s %s %s", r.At.UTC().Format("2006-01-02 15:04Z"), r.Kind, r.Subject(), r.Recipient))
		}
		tr.Reminded = now
	}
	if s, _ := tr.Steps.Step("presentation"); !s.Done {
		t.Error("the presentation is not done: a change failed")
	}
	slices.Sort(got)
	if want := slices.Sorted(slices.Values(simulatedTrack)); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("timeline:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestTrackKS: KS's side of a track is the leads of the forvaltning's
// open waves, else the KS person who last acted on it.
func TestTrackKS(t *testing.T) {
	tr := wave.Workflow{FV: "BUF", KS: "kim"}
	b3, _ := wave.New("b3", "", day("2027-02-01"), "anna", time.Time{})
	b3.Enroll("BUF", wave.DefaultTemplate(), cph, time.Time{})
	b4, _ := wave.New("b4", "", day("2027-03-01"), "bo", time.Time{})
	b4.Enroll("BUF", wave.DefaultTemplate(), cph, time.Time{})
	b5, _ := wave.New("b5", "", day("2027-03-01"), "carl", time.Time{})
	b5.Enroll("SUF", wave.DefaultTemplate(), cph, time.Time{})
	closed := b4
	closed.Closed = &wave.Closure{By: "bo"}
	for _, tt := range []struct {
		waves []wave.Wave
		want  string
	}{
		{[]wave.Wave{b4, b3, b5}, "[anna bo]"},
		{[]wave.Wave{closed, b5}, "[kim]"},
		{nil, "[kim]"},
	} {
		if got := fmt.Sprint(TrackKS(tt.waves, tr)); got != tt.want {
			t.Errorf("TrackKS = %s, want %s", got, tt.want)
		}
	}
	if got := TrackKS(nil, wave.Workflow{FV: "BUF"}); got != nil {
		t.Errorf("a track KS never touched: %v", got)
	}
}
