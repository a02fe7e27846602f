// Package notify turns wave state and a clock into reminders and delivers
// them: the rules of the reminder policy, the sweeper that finds what is
// due through the store's due index, and delivery with a ledger so each
// reminder reaches its person once.
package notify

import (
	"cmp"
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
	// ApplySoon and ApplyOverdue remind the KS lead to apply the
	// authorizations the forvaltning answered about.
	ApplySoon    Kind = "apply-soon"
	ApplyOverdue Kind = "apply-overdue"
	// DecisionSoon and DecisionOverdue ask the contacts to decide whether
	// their users need training.
	DecisionSoon    Kind = "decision-soon"
	DecisionOverdue Kind = "decision-overdue"
	// StepSoon and StepOverdue are about a KØR workflow step with a date.
	StepSoon    Kind = "step-soon"
	StepOverdue Kind = "step-overdue"
	// TeachingSoon and TeachingOverdue remind KS of a teaching session it
	// holds under an agreement, before it and until it is marked held.
	TeachingSoon    Kind = "teaching-soon"
	TeachingOverdue Kind = "teaching-overdue"
	// TrackWelcome greets a contact of a KØR workflow track, once.
	TrackWelcome Kind = "track-welcome"
	// DeliveryFailed tells the KS lead, once, that a person could not be
	// reached with a reminder about the enrolment.
	DeliveryFailed Kind = "delivery-failed"
	// AuthAnswered tells the KS lead, at once, that the forvaltning
	// answered; About is who answered.
	AuthAnswered Kind = "auth-answered"
	// Welcome greets a contact, once, when they are named.
	Welcome Kind = "welcome"
	// CloseDue reminds the KS lead, from the business day after the last
	// evaluation was held or skipped, to close the wave, repeated like
	// what is overdue until it is closed.
	CloseDue Kind = "close-due"
)

// Notice reports whether k is a one-off notice, sent once at the instant
// of what caused it: it is not a repeat of its subject, so it is never
// snoozed, never folded into a later reminder and not listed ahead.
func (k Kind) Notice() bool {
	return k == DeliveryFailed || k == AuthAnswered || k == Welcome || k == TrackWelcome || k == TemplateDelivered ||
		k == ContactAdded || k == ContactRemoved || k == EvalNote || k == DateSet || k.Milestone()
}

// Milestone reports whether k is a milestone posted to the channels that
// follow a wave (wave.AddMilestone): one-off notices, gathered into one
// digest per channel at the morning's sending time.
func (k Kind) Milestone() bool { return wave.IsMilestone(string(k)) }

// Reminder is one message to one person.
type Reminder struct {
	// Key identifies the reminder: subject, kind, occurrence and recipient.
	// A key is delivered once.
	Key      string
	At       time.Time
	Kind     Kind
	Wave, FV string
	// Activity is the key of the activity or KØR workflow step the
	// reminder is about; the template keeps the two sets of names apart.
	Activity  string
	Due       wave.Date
	Recipient string
	// About is the person a DeliveryFailed, AuthAnswered, ContactAdded or
	// ContactRemoved reminder is about.
	About string
	// By is who made the change a notice tells of (ContactAdded,
	// ContactRemoved, DateSet).
	By string
	// Address is, for a channel, how its platform posts there: the
	// conversation reference its subscription stored. A person's notifier
	// finds their address itself.
	Address string
	// Happened is when a milestone happened; a channel reads its news in
	// that order.
	Happened time.Time
	// Since is, for a notice the wave holds because its person could not
	// be reached (wave.HeldNotice), when it first fell due; zero for
	// every other reminder.
	Since time.Time
}

// Subject is what the reminder is about: "b3/BUF" or "b3/BUF/pc"; for a
// forvaltning's KØR workflow track, which belongs to no wave,
// "BUF/presentation".
func (r Reminder) Subject() string {
	s := r.Wave + "/" + r.FV
	if r.Wave == "" {
		s = r.FV
	}
	if r.Activity != "" {
		s += "/" + r.Activity
	}
	return s
}

// repeat is how often a series recurs while its cause lasts.
type repeat int

const (
	// once: at the send time of its first day.
	once repeat = iota
	// daily: every business day from its first: the KS lead's escalation.
	daily
	// thinning: every business day for the policy's RepeatDaily days, then
	// every RepeatEvery business days: what is overdue.
	thinning
)

// series is a reminder that occurs at the send time of its first day,
// once or repeating while its cause lasts, or once at an exact instant.
type series struct {
	kind     Kind
	fv       string
	activity string
	due      wave.Date
	first    wave.Date
	repeat   repeat
	at       time.Time
	about    string
	by       string
	// occurrence tells a one-off notice apart from others of its kind.
	occurrence string
	recipients []string
	// address is where a channel's milestones go (Reminder.Address).
	address string
	// happened is when a milestone happened.
	happened time.Time
	// since is when a held notice first fell due.
	since time.Time
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
	notice := func(kind Kind, fv string, at time.Time, about string, due wave.Date, to ...string) {
		add(series{kind: kind, fv: fv, at: at, about: about, due: due, occurrence: at.UTC().Format(time.RFC3339Nano), recipients: to})
	}
	// dated adds the reminders of something due: soon before, then overdue.
	dated := func(soon, overdue Kind, fv, key string, due wave.Date, to []string) {
		add(series{kind: soon, fv: fv, activity: key, due: due, first: c.AddBusinessDays(due, -p.ActivitySoon), recipients: to})
		add(series{kind: overdue, fv: fv, activity: key, due: due, first: c.AddBusinessDays(due, 1), repeat: thinning, recipients: to})
	}
	lead := []string{w.Lead}
	for _, s := range notices(w) {
		add(s)
	}
	for _, s := range held(w) {
		add(s)
	}
	for _, f := range w.DeliveryFailures {
		if f.Person != w.Lead {
			// A channel dropped, subscribed again and dropped again is
			// told of again.
			occurrence := f.Person
			if wave.IsChannel(f.Person) {
				occurrence += "@" + f.At.UTC().Format(time.RFC3339Nano)
			}
			add(series{kind: DeliveryFailed, fv: f.FV, at: f.At, about: f.Person, occurrence: occurrence, recipients: lead})
		}
	}
	if w.IsClosed() {
		// A closed wave reminds nobody; its channels still hear the last
		// milestones, its lead of a channel that could not be reached,
		// its contacts the request for their evaluation note.
		return out
	}
	// A wave whose evaluations were closed at no recorded time (data from
	// before it was kept) has no day to count from.
	if last, ok := w.EvaluationsClosed(); ok && !last.IsZero() {
		done := c.Today(last)
		add(series{kind: CloseDue, due: done, first: c.AddBusinessDays(done, 1), repeat: thinning, recipients: lead})
	}
	for _, e := range w.Enrolments {
		contacts := e.Contacts
		waiting := func(sides []wave.Party) []string { return responsible(sides, contacts, w.Lead) }
		for _, person := range contacts {
			if at := e.ContactSince[person]; !at.IsZero() {
				notice(Welcome, e.FV, at, "", w.Start, person)
			}
		}
		// Enrolments stored before their time was recorded count from the
		// wave's creation.
		enrolled := e.EnrolledAt
		if enrolled.IsZero() {
			enrolled = w.CreatedAt
		}
		if len(contacts) == 0 && !enrolled.IsZero() {
			add(series{kind: NoContact, fv: e.FV, due: w.Start, first: c.AddBusinessDays(c.Today(enrolled), p.NoContactAfter), repeat: thinning, recipients: lead})
		}
		authOpen := true
		if a, err := e.Activity(wave.AuthActivity); err == nil && a.Status == wave.StatusSkipped {
			authOpen = false
		}
		switch a := e.Auth; {
		case a == nil || !authOpen:
		case a.State == wave.AuthRequested:
			add(series{kind: AuthSoon, fv: e.FV, due: a.Due, first: c.AddBusinessDays(a.Due, -p.AuthSoon), recipients: contacts})
			if c.IsBusinessDay(a.Due) {
				add(series{kind: AuthToday, fv: e.FV, due: a.Due, first: a.Due, recipients: contacts})
			}
			add(series{kind: AuthOverdue, fv: e.FV, due: a.Due, first: c.AddBusinessDays(a.Due, 1), repeat: thinning, recipients: contacts})
			add(series{kind: AuthEscalate, fv: e.FV, due: a.Due, first: c.AddBusinessDays(a.Due, p.AuthEscalate), repeat: daily, recipients: lead})
		case a.State == wave.AuthAnswered:
			notice(AuthAnswered, e.FV, a.AnsweredAt, a.AnsweredBy, a.ApplyBy, w.Lead)
			// Answers stored before KS had an apply-by date have none to remind of.
			if !a.ApplyBy.IsZero() {
				dated(ApplySoon, ApplyOverdue, e.FV, wave.AuthActivity, a.ApplyBy, lead)
			}
		}
		for _, a := range e.Activities {
			if a.Status.Closed() || a.Due.IsZero() || (a.Key == wave.AuthActivity && e.Auth != nil) {
				continue
			}
			switch {
			case a.Key == wave.TrainingActivity && e.TrainingUndecided():
				dated(DecisionSoon, DecisionOverdue, e.FV, a.Key, a.Due, contacts)
			case a.Key == wave.EvaluationActivity:
				for _, n := range p.EvalNotices {
					add(series{kind: EvalNotice, fv: e.FV, activity: a.Key, due: a.Due, first: c.AddBusinessDays(a.Due, -n), recipients: union(contacts, lead)})
				}
				add(series{kind: ActivityOverdue, fv: e.FV, activity: a.Key, due: a.Due, first: c.AddBusinessDays(a.Due, 1), repeat: thinning, recipients: waiting(a.Waiting())})
			case a.Key == wave.AuthActivity:
				// Before KS has asked for the feedback, asking is KS's move.
				dated(ActivitySoon, ActivityOverdue, e.FV, a.Key, a.Due, lead)
			default:
				dated(ActivitySoon, ActivityOverdue, e.FV, a.Key, a.Due, waiting(a.Waiting()))
			}
		}
	}
	return out
}

// responsible is who does the part of sides: the contacts for the
// forvaltning, the lead for KS.
func responsible(sides []wave.Party, contacts []string, lead string) []string {
	var out []string
	for _, side := range sides {
		if side == wave.PartyFV {
			out = union(out, contacts)
		} else {
			out = union(out, []string{lead})
		}
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

// offset returns the business-day offset from a series' first day at
// which it occurs nearest to n: the last at or before n (down), or the
// first at or after it.
func (p Policy) offset(r repeat, n int, down bool) int {
	if r == daily || n < p.RepeatDaily {
		return n
	}
	base, every := p.RepeatDaily-1, max(p.RepeatEvery, 1)
	k := (n - base) / every
	if !down && (n-base)%every != 0 {
		k++
	}
	return base + k*every
}

// latest returns the last occurrence of s at or before t.
func (p Policy) latest(s series, t time.Time) (time.Time, bool) {
	c := p.Calendar
	switch {
	case !s.at.IsZero():
		return s.at, !s.at.After(t)
	case s.repeat == once:
		return p.at(s.first), !p.at(s.first).After(t)
	}
	d := c.Today(t)
	if p.at(d).After(t) || !c.IsBusinessDay(d) {
		d = c.AddBusinessDays(d, -1)
	}
	first := c.NextBusinessDay(s.first)
	if d.Before(first) {
		return time.Time{}, false
	}
	return p.at(c.AddBusinessDays(first, p.offset(s.repeat, c.BusinessDaysBetween(first, d), true))), true
}

// next returns the first occurrence of s after t.
func (p Policy) next(s series, t time.Time) (time.Time, bool) {
	c := p.Calendar
	switch {
	case !s.at.IsZero():
		return s.at, s.at.After(t)
	case s.repeat == once:
		at := p.at(s.first)
		return at, at.After(t)
	}
	first := c.NextBusinessDay(s.first)
	d := first
	if today := c.Today(t); d.Before(today) {
		d = c.NextBusinessDay(today)
	}
	if !p.at(d).After(t) {
		d = c.AddBusinessDays(d, 1)
	}
	return p.at(c.AddBusinessDays(first, p.offset(s.repeat, c.BusinessDaysBetween(first, d), false))), true
}

// reminder is occurrence at of series s for one recipient; occurrence
// names the day of a repeating series.
func (p Policy) reminder(w wave.Wave, s series, at time.Time, recipient, occurrence string) Reminder {
	if s.occurrence != "" {
		occurrence = s.occurrence
	}
	r := Reminder{At: at, Kind: s.kind, Wave: w.ID, FV: s.fv, Activity: s.activity, Due: s.due, Recipient: recipient, About: s.about, By: s.by,
		Address: s.address, Happened: s.happened, Since: s.since}
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
	return p.dueOf(p.series(w), w.Snoozes, from, to, func(s series, at time.Time, person, occurrence string) Reminder {
		return p.reminder(w, s, at, person, occurrence)
	})
}

// reminderFunc makes occurrence at of series s for one recipient.
type reminderFunc func(s series, at time.Time, person, occurrence string) Reminder

// dueOf is Due over any subject's series and snoozes.
func (p Policy) dueOf(all []series, snoozes []wave.Snooze, from, to time.Time, mk reminderFunc) []Reminder {
	var out []Reminder
	for _, s := range all {
		at, ok := p.latest(s, to)
		if !ok || !at.After(from) {
			continue
		}
		for _, person := range s.recipients {
			if until, ok := snoozedUntil(snoozes, s.fv, s.activity, person); !ok || !at.Before(until) || s.kind.Notice() {
				out = append(out, mk(s, at, person, p.Calendar.Today(at).String()))
			}
		}
	}
	out = latestPerSubject(out)
	for _, z := range snoozes {
		if !z.Until.After(from) || z.Until.After(to) {
			continue
		}
		s, ok := p.snoozed(all, z)
		if !ok || slices.ContainsFunc(out, func(r Reminder) bool {
			return r.FV == z.FV && r.Activity == z.Activity && r.Recipient == z.Person && !r.At.Before(z.Until)
		}) {
			continue
		}
		out = append(out, mk(s, z.Until, z.Person, "snoozed "+z.Until.UTC().Format("2006-01-02T15:04Z")))
	}
	slices.SortStableFunc(out, func(a, b Reminder) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// snoozedUntil returns until when person has deferred subject fv/activity.
func snoozedUntil(snoozes []wave.Snooze, fv, activity, person string) (time.Time, bool) {
	for _, s := range snoozes {
		if s.FV == fv && s.Activity == activity && s.Person == person {
			return s.Until, true
		}
	}
	return time.Time{}, false
}

// latestPerSubject keeps, of the reminders to one person about one
// subject, those of the latest time: after a sweeper outage a person hears
// that an activity is overdue, not also that it was due soon. A one-off
// notice stands on its own.
func latestPerSubject(rs []Reminder) []Reminder {
	var out []Reminder
	for _, r := range rs {
		if r.Kind.Notice() || !slices.ContainsFunc(rs, func(o Reminder) bool {
			return !o.Kind.Notice() && o.Subject() == r.Subject() && o.Recipient == r.Recipient && o.At.After(r.At)
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
		if s.kind.Notice() || s.fv != z.FV || s.activity != z.Activity || !slices.Contains(s.recipients, z.Person) {
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
	best, found := p.nextOf(p.series(w), w.Snoozes, t)
	// A held notice that no longer stands sends nothing, but brings the
	// sweeper by to forget it.
	for _, h := range w.Held {
		if h.Retry.After(t) && (!found || h.Retry.Before(best)) {
			best, found = h.Retry, true
		}
	}
	return best, found
}

// nextOf is Next over any subject's series and snoozes.
func (p Policy) nextOf(all []series, snoozes []wave.Snooze, t time.Time) (time.Time, bool) {
	var best time.Time
	found := false
	consider := func(at time.Time) {
		if !found || at.Before(best) {
			best, found = at, true
		}
	}
	for _, s := range all {
		if at, ok := p.next(s, t); ok {
			consider(at)
		}
	}
	for _, z := range snoozes {
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
// overdue before what waits for an answer or is due today, before what
// comes soon; news of the contacts and a welcome, which ask nothing, come
// last.
var urgency = map[Kind]int{
	AuthEscalate: 0, DeliveryFailed: 1, TemplateDelivered: 1, AuthOverdue: 2, ApplyOverdue: 3, ActivityOverdue: 4, DecisionOverdue: 5, StepOverdue: 6,
	TeachingOverdue: 6, CloseDue: 7, NoContact: 8, AuthAnswered: 9, AuthToday: 10, AuthSoon: 11, ApplySoon: 12, DecisionSoon: 13, ActivitySoon: 14,
	StepSoon: 15, TeachingSoon: 15, EvalNotice: 16, EvalNote: 17, ContactAdded: 18, ContactRemoved: 18, DateSet: 18, Welcome: 19, TrackWelcome: 19,
}

// urgencyOf is a kind's place in a digest; milestones, which ask
// nothing, come after everything else.
func urgencyOf(k Kind) int {
	if k.Milestone() {
		return len(urgency)
	}
	return urgency[k]
}

// NewDigest gathers reminders to one recipient into a digest, most urgent
// first, then by due date and subject; milestones, last, by enrolment in
// the order they happened.
func NewDigest(recipient string, rs []Reminder) Digest {
	rs = slices.Clone(rs)
	slices.SortStableFunc(rs, func(a, b Reminder) int {
		if c := urgencyOf(a.Kind) - urgencyOf(b.Kind); c != 0 {
			return c
		}
		if a.Kind.Milestone() && b.Kind.Milestone() {
			return cmp.Or(strings.Compare(a.Wave+"/"+a.FV, b.Wave+"/"+b.FV), a.Happened.Compare(b.Happened))
		}
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		return strings.Compare(a.Subject(), b.Subject())
	})
	return Digest{Recipient: recipient, Reminders: rs}
}
