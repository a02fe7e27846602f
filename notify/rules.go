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
	// DeliveryFailed tells the KS lead, once, that a person could not be
	// reached with a reminder about the enrolment.
	DeliveryFailed Kind = "delivery-failed"
)

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
	// About is the person a DeliveryFailed reminder is about, or the
	// instant that names a notice (ListSubmitted, TemplateDelivered).
	About string
}

// Subject is what the reminder is about: "b3/BUF" or "b3/BUF/pc".
func (r Reminder) Subject() string {
	s := r.Wave + "/" + r.FV
	if r.Activity != "" {
		s += "/" + r.Activity
	}
	return s
}

// series is a reminder that occurs once at the send time of its first
// day, or every business day from then on while its cause lasts, or once
// at an exact instant.
type series struct {
	kind       Kind
	fv         string
	activity   string
	due        wave.Date
	first      wave.Date
	daily      bool
	at         time.Time
	about      string
	recipients []string
}

// series lists every reminder the wave's current state calls for.
func (p Policy) series(w wave.Wave) []series {
	c := p.Calendar
	var out []series
	add := func(s series) {
		// A wave without a KS lead has nobody to tell the lead's part.
		s.recipients = slices.DeleteFunc(slices.Clone(s.recipients), func(r string) bool { return r == "" })
		if len(s.recipients) > 0 {
			out = append(out, s)
		}
	}
	lead := []string{w.Lead}
	for _, s := range notices(w) {
		add(s)
	}
	for _, f := range w.DeliveryFailures {
		if f.Person != w.Lead {
			add(series{kind: DeliveryFailed, fv: f.FV, at: f.At, about: f.Person, recipients: lead})
		}
	}
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
func (p Policy) latest(s series, t time.Time) (time.Time, bool) {
	if !s.at.IsZero() {
		return s.at, !s.at.After(t)
	}
	if !s.daily {
		return p.at(s.first), !p.at(s.first).After(t)
	}
	d := p.Calendar.Today(t)
	if p.at(d).After(t) || !p.Calendar.IsBusinessDay(d) {
		d = p.Calendar.AddBusinessDays(d, -1)
	}
	first := p.Calendar.NextBusinessDay(s.first)
	return p.at(d), !d.Before(first)
}

// next returns the first occurrence of s after t.
func (p Policy) next(s series, t time.Time) (time.Time, bool) {
	if !s.at.IsZero() {
		return s.at, s.at.After(t)
	}
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

// reminder is occurrence at of series s for one recipient.
func (p Policy) reminder(w wave.Wave, s series, at time.Time, recipient, occurrence string) Reminder {
	if s.about != "" {
		occurrence = s.about
	}
	r := Reminder{At: at, Kind: s.kind, Wave: w.ID, FV: s.fv, Activity: s.activity, Due: s.due, Recipient: recipient, About: s.about}
	r.Key = strings.Join([]string{r.Subject(), string(s.kind), occurrence, recipient}, "|")
	return r
}

// Due returns the reminders of wave w whose time falls in (from, to]. Of
// the reminders to one person about one subject only the latest in the
// window is returned, so a sweeper that was away for days sends one
// overdue notice, not a pile.
// A snoozed subject stays quiet for its person until the snooze ends, and
// then comes back once, unless a regular reminder about it is due then.
func (p Policy) Due(w wave.Wave, from, to time.Time) []Reminder {
	var out []Reminder
	all := p.series(w)
	for _, s := range all {
		at, ok := p.latest(s, to)
		if !ok || !at.After(from) {
			continue
		}
		for _, person := range s.recipients {
			if until, ok := w.SnoozedUntil(s.fv, s.activity, person); !ok || !at.Before(until) || s.kind.oneOff() {
				out = append(out, p.reminder(w, s, at, person, p.Calendar.Today(at).String()))
			}
		}
	}
	out = latestPerSubject(out)
	for _, z := range w.Snoozes {
		if !z.Until.After(from) || z.Until.After(to) {
			continue
		}
		s, ok := p.snoozed(all, z)
		if !ok || slices.ContainsFunc(out, func(r Reminder) bool {
			return r.FV == z.FV && r.Activity == z.Activity && r.Recipient == z.Person && !r.At.Before(z.Until)
		}) {
			continue
		}
		out = append(out, p.reminder(w, s, z.Until, z.Person, "snoozed "+z.Until.UTC().Format("2006-01-02T15:04Z")))
	}
	slices.SortStableFunc(out, func(a, b Reminder) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// latestPerSubject keeps, of the reminders to one person about one
// subject, those of the latest time: after a sweeper outage a person hears
// that an activity is overdue, not also that it was due soon. A notice
// that someone could not be reached stands on its own.
func latestPerSubject(rs []Reminder) []Reminder {
	var out []Reminder
	for _, r := range rs {
		if r.Kind.oneOff() || !slices.ContainsFunc(rs, func(o Reminder) bool {
			return !o.Kind.oneOff() && o.Subject() == r.Subject() && o.Recipient == r.Recipient && o.At.After(r.At)
		}) {
			out = append(out, r)
		}
	}
	return out
}

// snoozed returns the series a snooze brings back at its end: of the
// snoozed subject's series for that person, the one that occurred last by
// then. False when none has occurred by then, or the cause is gone.
func (p Policy) snoozed(all []series, z wave.Snooze) (series, bool) {
	var best series
	var bestAt time.Time
	found := false
	for _, s := range all {
		if s.kind.oneOff() || s.fv != z.FV || s.activity != z.Activity || !slices.Contains(s.recipients, z.Person) {
			continue
		}
		if at, ok := p.latest(s, z.Until); ok && (!found || at.After(bestAt)) {
			best, bestAt, found = s, at, true
		}
	}
	return best, found
}

// Next returns when the wave's next reminder after t falls due; false when
// its state calls for none.
func (p Policy) Next(w wave.Wave, t time.Time) (time.Time, bool) {
	var best time.Time
	found := false
	consider := func(at time.Time) {
		if !found || at.Before(best) {
			best, found = at, true
		}
	}
	for _, s := range p.series(w) {
		if at, ok := p.next(s, t); ok {
			consider(at)
		}
	}
	for _, z := range w.Snoozes {
		if z.Until.After(t) {
			consider(z.Until)
		}
	}
	return best, found
}

// Digest is one message to one person: every reminder due to them at one
// sending time, most urgent first. The ledger records each reminder's key;
// the person reads one message.
type Digest struct {
	Recipient string
	Reminders []Reminder
}

// urgency orders kinds from the most pressing: an escalation and what is
// overdue before what is due today, before what comes soon.
var urgency = map[Kind]int{
	AuthEscalate: 0, DeliveryFailed: 1, ListSubmitted: 1, TemplateDelivered: 1, AuthOverdue: 2, ActivityOverdue: 3, NoContact: 4, AuthToday: 5, AuthSoon: 6,
	ActivitySoon: 7, EvalNotice: 8,
}

// NewDigest gathers reminders to one recipient into a digest, most urgent
// first, then by due date and subject.
func NewDigest(recipient string, rs []Reminder) Digest {
	rs = slices.Clone(rs)
	slices.SortStableFunc(rs, func(a, b Reminder) int {
		if c := urgency[a.Kind] - urgency[b.Kind]; c != 0 {
			return c
		}
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		return strings.Compare(a.Subject(), b.Subject())
	})
	return Digest{Recipient: recipient, Reminders: rs}
}
