// Package notify turns wave state and a clock into reminders and delivers
// them: the rules of the reminder policy, the sweeper that finds what is
// due through the store's due index, and delivery with a ledger so each
// reminder reaches its person once.
package notify

import (
	"slices"
	"strings"
	"time"

	"wavebot/wave"
)

// Kind is what a reminder is about.
type Kind string

// Reminder kinds of the policy.
const (
	AuthSoon        Kind = "auth-soon"
	AuthToday       Kind = "auth-today"
	AuthOverdue     Kind = "auth-overdue"
	AuthEscalate    Kind = "auth-escalate"
	EvalNotice      Kind = "eval-notice"
	ActivitySoon    Kind = "activity-soon"
	ActivityOverdue Kind = "activity-overdue"
	NoContact       Kind = "no-contact"
)

// Policy holds the numbers of the reminder policy; a deployment can change
// them. Lead times are in business days.
type Policy struct {
	Calendar *wave.Calendar
	// SendHour and SendMinute are when reminders go out on a business day.
	SendHour, SendMinute int
	// AuthSoon: "due soon" this many business days before the feedback deadline.
	AuthSoon int
	// AuthEscalate: from this many business days after the deadline, the KS lead is told too.
	AuthEscalate int
	// EvalNotices: notices this many business days before the evaluation.
	EvalNotices []int
	// ActivitySoon: "due soon" this many business days before an activity's due date.
	ActivitySoon int
	// NoContactFrom: the KS lead hears daily about an enrolment without a
	// contact from this many business days before the wave starts.
	NoContactFrom int
}

// DefaultPolicy is the policy of the design: 09:00, D-2, D+3, E-5 and E-1,
// activities D-2, missing contact from 10 days before the start.
func DefaultPolicy(c *wave.Calendar) Policy {
	return Policy{Calendar: c, SendHour: 9, AuthSoon: 2, AuthEscalate: 3, EvalNotices: []int{5, 1}, ActivitySoon: 2, NoContactFrom: 10}
}

// Reminder is one message to one person.
type Reminder struct {
	// Key identifies the reminder: subject, kind, occurrence and recipient.
	// A key is delivered once.
	Key       string
	At        time.Time
	Kind      Kind
	Wave, FV  string
	Activity  string
	Due       wave.Date
	Recipient string
}

// Subject is what the reminder is about: "b3/BUF" or "b3/BUF/pc".
func (r Reminder) Subject() string {
	s := r.Wave + "/" + r.FV
	if r.Activity != "" {
		s += "/" + r.Activity
	}
	return s
}

// series is a reminder that occurs once, or every business day from its
// first day on while its cause lasts.
type series struct {
	kind       Kind
	fv         string
	activity   string
	due        wave.Date
	first      wave.Date
	daily      bool
	recipients []string
}

// series lists every reminder the wave's current state calls for.
func (p Policy) series(w wave.Wave) []series {
	c := p.Calendar
	var out []series
	add := func(s series) {
		if len(s.recipients) > 0 {
			out = append(out, s)
		}
	}
	lead := []string{w.Lead}
	for _, e := range w.Enrolments {
		contacts := e.Contacts
		if len(contacts) == 0 {
			add(series{kind: NoContact, fv: e.FV, due: w.Start, first: c.AddBusinessDays(w.Start, -p.NoContactFrom), daily: true, recipients: lead})
		}
		if a := e.Auth; a != nil && a.State == wave.AuthRequested {
			add(series{kind: AuthSoon, fv: e.FV, due: a.Due, first: c.AddBusinessDays(a.Due, -p.AuthSoon), recipients: contacts})
			if c.IsBusinessDay(a.Due) {
				add(series{kind: AuthToday, fv: e.FV, due: a.Due, first: a.Due, recipients: contacts})
			}
			add(series{kind: AuthOverdue, fv: e.FV, due: a.Due, first: c.AddBusinessDays(a.Due, 1), daily: true, recipients: contacts})
			add(series{kind: AuthEscalate, fv: e.FV, due: a.Due, first: c.AddBusinessDays(a.Due, p.AuthEscalate), daily: true, recipients: lead})
		}
		for _, a := range e.Activities {
			if a.Status.Closed() || a.Due.IsZero() || (a.Key == wave.AuthActivity && e.Auth != nil) {
				continue
			}
			who := responsible(a.Responsible, contacts, w.Lead)
			if a.Key == wave.EvaluationActivity {
				for _, n := range p.EvalNotices {
					add(series{kind: EvalNotice, fv: e.FV, activity: a.Key, due: a.Due, first: c.AddBusinessDays(a.Due, -n), recipients: union(contacts, lead)})
				}
			} else {
				add(series{kind: ActivitySoon, fv: e.FV, activity: a.Key, due: a.Due, first: c.AddBusinessDays(a.Due, -p.ActivitySoon), recipients: who})
			}
			add(series{kind: ActivityOverdue, fv: e.FV, activity: a.Key, due: a.Due, first: c.AddBusinessDays(a.Due, 1), daily: true, recipients: who})
		}
	}
	return out
}

func responsible(p wave.Party, contacts []string, lead string) []string {
	var out []string
	if p.IncludesFV() {
		out = append(out, contacts...)
	}
	if p.IncludesKS() {
		out = union(out, []string{lead})
	}
	return out
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, x := range b {
		if x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func (p Policy) at(d wave.Date) time.Time { return p.Calendar.At(d, p.SendHour, p.SendMinute) }

// latest returns the last occurrence of s at or before t.
func (p Policy) latest(s series, t time.Time) (wave.Date, bool) {
	if !s.daily {
		return s.first, !p.at(s.first).After(t)
	}
	d := p.Calendar.Today(t)
	if p.at(d).After(t) || !p.Calendar.IsBusinessDay(d) {
		d = p.Calendar.AddBusinessDays(d, -1)
	}
	first := p.Calendar.NextBusinessDay(s.first)
	return d, !d.Before(first)
}

// next returns the first occurrence of s after t.
func (p Policy) next(s series, t time.Time) (time.Time, bool) {
	if !s.daily {
		at := p.at(s.first)
		return at, at.After(t)
	}
	d := p.Calendar.NextBusinessDay(s.first)
	if today := p.Calendar.Today(t); d.Before(today) {
		d = p.Calendar.NextBusinessDay(today)
	}
	for !p.at(d).After(t) {
		d = p.Calendar.AddBusinessDays(d, 1)
	}
	return p.at(d), true
}

// Due returns the reminders of wave w whose time falls in (from, to]. Of a
// daily reminder only the latest occurrence in the window is returned, so a
// sweeper that was away for days sends one overdue notice, not a pile.
func (p Policy) Due(w wave.Wave, from, to time.Time) []Reminder {
	var out []Reminder
	for _, s := range p.series(w) {
		d, ok := p.latest(s, to)
		if !ok || !p.at(d).After(from) {
			continue
		}
		for _, r := range s.recipients {
			rem := Reminder{At: p.at(d), Kind: s.kind, Wave: w.ID, FV: s.fv, Activity: s.activity, Due: s.due, Recipient: r}
			rem.Key = strings.Join([]string{rem.Subject(), string(s.kind), d.String(), r}, "|")
			out = append(out, rem)
		}
	}
	slices.SortStableFunc(out, func(a, b Reminder) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// Next returns when the wave's next reminder after t falls due; false when
// its state calls for none.
func (p Policy) Next(w wave.Wave, t time.Time) (time.Time, bool) {
	var best time.Time
	found := false
	for _, s := range p.series(w) {
		if at, ok := p.next(s, t); ok && (!found || at.Before(best)) {
			best, found = at, true
		}
	}
	return best, found
}
