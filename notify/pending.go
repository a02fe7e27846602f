package notify

import (
	"slices"
	"strings"
	"time"

	"wavebot/wave"
)

// Pending is what is coming for one person about one subject: the next
// reminder, and until when the person has snoozed the subject.
type Pending struct {
	Reminder
	SnoozedUntil time.Time
}

// Pending lists, for each subject of wave w that person hears about, the
// next reminder after now, if it falls within ListAhead business days.
// One-off notices are not listed: they go out as soon as their cause
// happens. The list is ordered by time.
func (p Policy) Pending(w wave.Wave, person string, now time.Time) []Pending {
	return p.pendingOf(p.series(w), w.Snoozes, person, now, func(s series, at time.Time, person, occurrence string) Reminder {
		return p.reminder(w, s, at, person, occurrence)
	})
}

// pendingOf is Pending over any subject's series and snoozes.
func (p Policy) pendingOf(all []series, snoozes []wave.Snooze, person string, now time.Time, mk reminderFunc) []Pending {
	horizon := p.at(p.Calendar.AddBusinessDays(p.Calendar.Today(now), p.ListAhead))
	var out []Pending
	add := func(s series, at time.Time, until time.Time) {
		if at.After(horizon) {
			return
		}
		i := slices.IndexFunc(out, func(o Pending) bool { return o.FV == s.fv && o.Activity == s.activity })
		if i >= 0 && !at.Before(out[i].At) {
			return
		}
		pending := Pending{Reminder: mk(s, at, person, p.Calendar.Today(at).String()), SnoozedUntil: until}
		if i >= 0 {
			out[i] = pending
			return
		}
		out = append(out, pending)
	}
	for _, s := range all {
		if s.kind.Notice() || !slices.Contains(s.recipients, person) {
			continue
		}
		after := now
		until, snoozed := snoozedUntil(snoozes, s.fv, s.activity, person)
		if snoozed && until.After(now) {
			after = until.Add(-time.Nanosecond)
			if back, ok := p.snoozed(all, wave.Snooze{FV: s.fv, Activity: s.activity, Person: person, Until: until}); ok && back.kind == s.kind {
				add(s, until, until)
			}
		} else {
			until = time.Time{}
		}
		if at, ok := p.next(s, after); ok {
			add(s, at, until)
		}
	}
	slices.SortStableFunc(out, func(a, b Pending) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return strings.Compare(a.Subject(), b.Subject())
	})
	return out
}

// SnoozeUntil is when a snooze of days business days, or of hours, made at
// now ends. Days end at the send time of the working morning they reach;
// hours that end outside a working day end at the next working morning.
func (p Policy) SnoozeUntil(now time.Time, days, hours int) time.Time {
	c := p.Calendar
	if days > 0 {
		return p.at(c.AddBusinessDays(c.Today(now), days))
	}
	t := now.Add(time.Duration(hours) * time.Hour)
	d := c.Today(t)
	if !c.IsBusinessDay(d) || t.Before(p.at(d)) || !t.Before(c.At(d, p.WorkdayEnd, 0)) {
		if !t.Before(p.at(d)) {
			d = d.AddDays(1)
		}
		return p.at(c.NextBusinessDay(d))
	}
	return t
}

// Hears reports whether person gets reminders about the subject fv/activity
// of wave w in its present state, other than one-off notices.
func (p Policy) Hears(w wave.Wave, fv, activity, person string) bool {
	return slices.Contains(p.Subjects(w, fv, person), activity)
}

// Subjects lists what person gets reminders about in enrolment fv of wave
// w in its present state, other than one-off notices: the keys of
// activities and workflow steps, and "" for the enrolment's own (the
// authorization feedback, the contact), each once, in the policy's order.
func (p Policy) Subjects(w wave.Wave, fv, person string) []string {
	var out []string
	for _, s := range p.series(w) {
		if !s.kind.Notice() && s.fv == fv && slices.Contains(s.recipients, person) && !slices.Contains(out, s.activity) {
			out = append(out, s.activity)
		}
	}
	return out
}
