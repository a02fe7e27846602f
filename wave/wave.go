// Package wave is the domain of wavebot: implementation waves, the
// forvaltninger enrolled in them, their activities, the authorization
// feedback loop, the workflow track, people and the business calendar.
// It is pure Go without I/O; every other package builds on it.
package wave

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Domain errors. Callers map them to messages for the user.
var (
	ErrBadID           = errors.New("wave: bad wave id")
	ErrNotEnrolled     = errors.New("wave: forvaltning not enrolled")
	ErrAlreadyEnrolled = errors.New("wave: forvaltning already enrolled")
	ErrUnknownActivity = errors.New("wave: unknown activity")
	ErrAuthState       = errors.New("wave: authorization feedback is not in the right state")
	// ErrConfirmed reports a side confirming a part it confirmed already.
	ErrConfirmed = errors.New("wave: that side has confirmed its part already")
)

// Party is who is responsible for an activity or a workflow step.
type Party string

// The three parties of the source document.
const (
	PartyKS   Party = "KS"
	PartyFV   Party = "FV"
	PartyBoth Party = "KS+FV"
)

// Valid reports whether p is one of the known parties.
func (p Party) Valid() bool { return p == PartyKS || p == PartyFV || p == PartyBoth }

// IncludesKS reports whether KS takes part.
func (p Party) IncludesKS() bool { return p == PartyKS || p == PartyBoth }

// IncludesFV reports whether the forvaltning takes part.
func (p Party) IncludesFV() bool { return p == PartyFV || p == PartyBoth }

// Sides are the parties that must each confirm their part: KS, FV or both.
func (p Party) Sides() []Party {
	var out []Party
	if p.IncludesKS() {
		out = append(out, PartyKS)
	}
	if p.IncludesFV() {
		out = append(out, PartyFV)
	}
	return out
}

// Status is the state of an activity.
type Status string

// Activity states. Done and skipped are closed: they never remind.
const (
	StatusTodo    Status = "todo"
	StatusDoing   Status = "doing"
	StatusDone    Status = "done"
	StatusBlocked Status = "blocked"
	StatusSkipped Status = "skipped"
)

// Closed reports whether nothing more is expected of the activity.
func (s Status) Closed() bool { return s == StatusDone || s == StatusSkipped }

// Activity is one of the template's activities within one enrolment.
type Activity struct {
	Key         string    `json:"key"`
	TitleDA     string    `json:"title_da"`
	TitleEN     string    `json:"title_en"`
	Responsible Party     `json:"responsible"`
	Due         Date      `json:"due"`
	Status      Status    `json:"status"`
	Note        string    `json:"note,omitempty"`
	ChangedBy   string    `json:"changed_by,omitempty"`
	ChangedAt   time.Time `json:"changed_at,omitzero"`
	// Parts are the sides' words on a shared (KS+FV) activity, which is
	// done when both have confirmed their part and skipped when both have
	// said to skip it.
	Parts Parts `json:"parts,omitzero"`
	// DueByHand is set when a person gave the date (due, eval, a training
	// decision): moving the wave keeps it. Other dates are the template's,
	// counted from the wave's start, and move with it.
	DueByHand bool `json:"due_by_hand,omitempty"`
}

// Title returns the title in lang ("da" or "en").
func (a Activity) Title(lang string) string {
	if lang == "en" {
		return a.TitleEN
	}
	return a.TitleDA
}

// Waiting lists the sides of an open activity that have still to give
// their word: the responsible party's sides that have not confirmed their
// part or said to skip.
func (a Activity) Waiting() []Party {
	if a.Status.Closed() {
		return nil
	}
	return a.Parts.Missing(a.Responsible)
}

// Enrolment is one forvaltning taking part in one wave, addressed WAVE/FV.
// Its contacts are the only source of who acts for the forvaltning in this
// wave and who is reminded about it.
type Enrolment struct {
	FV string `json:"fv"`
	// EnrolledAt is when the forvaltning was enrolled; zero for
	// enrolments stored before it was recorded.
	EnrolledAt time.Time `json:"enrolled_at,omitzero"`
	Contacts   []string  `json:"contacts,omitempty"`
	// ContactSince is when each contact was named, and so when their
	// welcome goes out; contacts named before it was recorded have none.
	ContactSince map[string]time.Time `json:"contact_since,omitempty"`
	Activities   []Activity           `json:"activities"`
	Auth         *AuthRequest         `json:"auth,omitempty"`
	// Training is the forvaltning's decision on training its users; nil
	// while it is undecided.
	Training *TrainingDecision `json:"training,omitempty"`
	// Workflow is the KØR workflow track enrolments carried before each
	// forvaltning got one track of its own (Workflow): read once, by the
	// move that takes it into the forvaltning's track; nothing writes it.
	Workflow Track `json:"workflow,omitempty"`
	// EvalNotes are what the evaluation concluded, for the close-out report.
	EvalNotes []EvalNote `json:"eval_notes,omitempty"`
	// Units are the forvaltning's units (enheder), which its information
	// meetings are to reach: from the uploaded authorization list, and as
	// its contacts add and remove them.
	Units []string `json:"units,omitempty"`
	// Meetings are the forvaltning's information meetings for its users,
	// planned or held, by date.
	Meetings []Meeting `json:"meetings,omitempty"`
}

// UnmarshalJSON reads an enrolment as it was stored, in whichever version
// of wavebot: a training decided against reads as done.
func (e *Enrolment) UnmarshalJSON(b []byte) error {
	type stored Enrolment
	if err := json.Unmarshal(b, (*stored)(e)); err != nil {
		return err
	}
	e.decidedAgainst()
	return nil
}

// Wave is one implementation wave with its enrolled forvaltninger.
type Wave struct {
	ID         string      `json:"id"`
	Name       string      `json:"name"`
	Start      Date        `json:"start"`
	Lead       string      `json:"lead"`
	Enrolments []Enrolment `json:"enrolments,omitempty"`
	CreatedAt  time.Time   `json:"created_at"`
	// Reminded is how far reminders have been sent: the sweeper has handled
	// every reminder of this wave due up to this instant.
	Reminded time.Time `json:"reminded"`
	// Snoozes are reminders people have deferred.
	Snoozes []Snooze `json:"snoozes,omitempty"`
	// DeliveryFailures are the people reminders could not reach.
	DeliveryFailures []DeliveryFailure `json:"delivery_failures,omitempty"`
	// Held are one-off notices waiting for their person to become
	// reachable on a chat platform.
	Held []HeldNotice `json:"held,omitempty"`
	// Notices are one-off messages waiting for the reminder engine.
	Notices []Notice `json:"notices,omitempty"`
	// Subscriptions are the chat channels that follow the wave.
	Subscriptions []Subscription `json:"subscriptions,omitempty"`
	// Closed is set when KS closed the wave after its evaluations.
	Closed *Closure `json:"closed,omitempty"`
	// Version counts committed changes; the store sets it.
	Version int64 `json:"version"`
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// ValidID reports whether id can name a wave: lower-case letters, digits,
// '-' and '_', at most 32 characters, starting with a letter or digit.
func ValidID(id string) bool { return idPattern.MatchString(id) }

// New returns a wave with no enrolments. The creator becomes the KS lead.
func New(id, name string, start Date, lead string, now time.Time) (Wave, error) {
	if !ValidID(id) {
		return Wave{}, fmt.Errorf("%w: %q", ErrBadID, id)
	}
	if start.IsZero() {
		return Wave{}, fmt.Errorf("%w: no start date", ErrBadDate)
	}
	if name == "" {
		name = id
	}
	return Wave{ID: id, Name: name, Start: start, Lead: lead, CreatedAt: now, Reminded: now}, nil
}

// Enrolment returns the enrolment of forvaltning fv.
func (w *Wave) Enrolment(fv string) (*Enrolment, error) {
	for i := range w.Enrolments {
		if w.Enrolments[i].FV == fv {
			return &w.Enrolments[i], nil
		}
	}
	return nil, fmt.Errorf("%w: %s/%s", ErrNotEnrolled, w.ID, fv)
}

// Enroll adds forvaltning fv at now with the template's activities, each
// due its offset in business days from the wave start (the forvaltning's
// KØR workflow track is its own, not the enrolment's). Nothing is born overdue: default dates that have passed
// by now move to the coming business days, one each in the template's
// order, and so does every later activity that would otherwise fall on or
// before one that moved (a go-live never comes before the authorizations).
// Enroll returns the activities it moved.
func (w *Wave) Enroll(fv string, t Template, c *Calendar, now time.Time) ([]Activity, error) {
	if _, err := w.Enrolment(fv); err == nil {
		return nil, fmt.Errorf("%w: %s/%s", ErrAlreadyEnrolled, w.ID, fv)
	}
	e := Enrolment{FV: fv, EnrolledAt: now}
	start := c.NextBusinessDay(w.Start)
	today := c.Today(now)
	var moved []Activity
	next := today
	for _, s := range t.Activities {
		a := Activity{
			Key: s.Key, TitleDA: s.TitleDA, TitleEN: s.TitleEN, Responsible: s.Responsible,
			Due: c.AddBusinessDays(start, s.Due), Status: StatusTodo,
		}
		if a.Due.Before(today) || (len(moved) > 0 && !a.Due.After(next)) {
			next = c.AddBusinessDays(next, 1)
			a.Due = next
			moved = append(moved, a)
		}
		e.Activities = append(e.Activities, a)
	}
	w.Enrolments = append(w.Enrolments, e)
	slices.SortFunc(w.Enrolments, func(a, b Enrolment) int { return strings.Compare(a.FV, b.FV) })
	return moved, nil
}

// Activity returns the activity with key.
func (e *Enrolment) Activity(key string) (*Activity, error) {
	for i := range e.Activities {
		if e.Activities[i].Key == key {
			return &e.Activities[i], nil
		}
	}
	return nil, fmt.Errorf("%w: %s", ErrUnknownActivity, key)
}

// HasContact reports whether person is a contact of the enrolment.
func (e *Enrolment) HasContact(person string) bool { return slices.Contains(e.Contacts, person) }

// AddContacts names people as contacts at instant at, keeping each once,
// and returns those it named. A zero at names them without a welcome.
func (e *Enrolment) AddContacts(at time.Time, people ...string) []string {
	var named []string
	for _, p := range people {
		if e.HasContact(p) {
			continue
		}
		e.Contacts = append(e.Contacts, p)
		named = append(named, p)
		if !at.IsZero() {
			if e.ContactSince == nil {
				e.ContactSince = map[string]time.Time{}
			}
			e.ContactSince[p] = at
		}
	}
	return named
}

// RemoveContact takes person off the enrolment's contacts; false when
// they were not one.
func (e *Enrolment) RemoveContact(person string) bool {
	if !e.HasContact(person) {
		return false
	}
	e.Contacts = slices.DeleteFunc(e.Contacts, func(c string) bool { return c == person })
	delete(e.ContactSince, person)
	if len(e.ContactSince) == 0 {
		e.ContactSince = nil
	}
	return true
}

// SetStatus changes an activity's status and note on behalf of actor.
// Reopening a closed activity forgets the sides' confirmations, so it is
// done again only when both confirm again.
func (e *Enrolment) SetStatus(key string, s Status, note, actor string, now time.Time) error {
	a, err := e.Activity(key)
	if err != nil {
		return err
	}
	if a.Status.Closed() && !s.Closed() {
		a.Parts = Parts{}
	}
	a.Status, a.Note, a.ChangedBy, a.ChangedAt = s, note, actor, now
	return nil
}

// Confirm records that sides have done their part of activity key, with
// note. An activity of one party is done when that party confirms; a
// shared one when both have, two different people, neither of whom said
// to skip it; until then it is in progress. A closed activity confirmed
// is open again, with only this confirmation. Confirm reports whether the
// activity is now done; ErrConfirmed when none of sides had anything left
// to confirm, ErrSamePerson or ErrWordsDiffer when the other side's word
// stands against it.
func (e *Enrolment) Confirm(key string, sides []Party, note, actor string, now time.Time) (bool, error) {
	a, err := e.Activity(key)
	if err != nil {
		return false, err
	}
	reopened := a.Status.Closed()
	parts := a.Parts
	if reopened {
		parts = Parts{}
	}
	if err := parts.confirm(a.Responsible, sides, actor, now); err != nil {
		return false, fmt.Errorf("%s: %w", key, err)
	}
	a.Parts = parts
	to := StatusDoing
	switch {
	case len(a.Parts.Missing(a.Responsible)) == 0:
		to = StatusDone
	case !reopened && a.Status != StatusTodo:
		to = a.Status
	}
	if note == "" {
		note = a.Note
	}
	a.Status, a.Note, a.ChangedBy, a.ChangedAt = to, note, actor, now
	return to == StatusDone, nil
}

// Skip records side's word, given by actor, to skip shared activity key,
// with its reason. The activity is skipped when both sides have said so,
// two different people, its note their reasons; until then it is in
// progress. A done activity is open again with only this word. Skip
// reports whether the activity is now skipped; ErrConfirmed when side
// said so already, ErrSamePerson or ErrWordsDiffer when the other side's
// word stands against it.
func (e *Enrolment) Skip(key string, side Party, reason, actor string, now time.Time) (bool, error) {
	a, err := e.Activity(key)
	if err != nil {
		return false, err
	}
	if a.Responsible != PartyBoth {
		return false, fmt.Errorf("%s: %w: not shared", key, ErrWordsDiffer)
	}
	if a.Status == StatusSkipped && a.Parts == (Parts{}) {
		// Skipped by KS alone, before each side gave its word.
		return false, fmt.Errorf("%s: %w", key, ErrConfirmed)
	}
	parts := a.Parts
	if a.Status == StatusDone {
		parts = Parts{}
	}
	if err := parts.skip(side, reason, actor, now); err != nil {
		return false, fmt.Errorf("%s: %w", key, err)
	}
	a.Parts = parts
	switch {
	case parts.skipped(a.Responsible):
		a.Status, a.Note = StatusSkipped, parts.skipNote()
	case a.Status == StatusTodo || a.Status.Closed():
		a.Status = StatusDoing
	}
	a.ChangedBy, a.ChangedAt = actor, now
	return a.Status == StatusSkipped, nil
}

// Progress counts closed (done or skipped) activities against all.
func (e *Enrolment) Progress() (closed, total int) {
	for _, a := range e.Activities {
		if a.Status.Closed() {
			closed++
		}
	}
	return closed, len(e.Activities)
}

// Overdue lists the open activities whose due date is before today.
func (e *Enrolment) Overdue(today Date) []Activity {
	var out []Activity
	for _, a := range e.Activities {
		if !a.Status.Closed() && !a.Due.IsZero() && a.Due.Before(today) {
			out = append(out, a)
		}
	}
	return out
}

// Deadline is something due on a day: an activity, the authorization
// feedback, or KS applying the authorizations it asked for.
type Deadline struct {
	Due Date
	// Activity is set for an activity deadline, nil for the feedback deadline.
	Activity *Activity
	// Apply is set for KS's deadline to apply the authorizations.
	Apply bool
}

// NextDeadline returns the earliest open deadline on or after today, counting
// open activities, authorization feedback not yet answered and
// authorizations not yet applied.
func (e *Enrolment) NextDeadline(today Date) (Deadline, bool) {
	var best Deadline
	found := false
	consider := func(d Deadline) {
		if d.Due.IsZero() || d.Due.Before(today) {
			return
		}
		if !found || d.Due.Before(best.Due) {
			best, found = d, true
		}
	}
	for i := range e.Activities {
		if !e.Activities[i].Status.Closed() {
			consider(Deadline{Due: e.Activities[i].Due, Activity: &e.Activities[i]})
		}
	}
	if e.Auth != nil && e.Auth.State == AuthRequested {
		consider(Deadline{Due: e.Auth.Due})
	}
	if e.Auth != nil && e.Auth.State == AuthAnswered {
		consider(Deadline{Due: e.Auth.ApplyBy, Apply: true})
	}
	return best, found
}

// EvaluationDate is the day of the enrolment's evaluation: the due date of its
// evaluation activity.
func (e *Enrolment) EvaluationDate() Date {
	if a, err := e.Activity(EvaluationActivity); err == nil {
		return a.Due
	}
	return Date{}
}

// EvaluationActivity is the template key of the evaluation activity, whose due
// date is the evaluation day.
const EvaluationActivity = "evaluation"

// AuthActivity is the template key of the activity that the authorization
// feedback loop completes.
const AuthActivity = "auth"

// NoticeAt is when a one-off notice about a change made at now falls due:
// now, or just after the sweepers' watermark when they have already
// handled now (a console's clock stands still between commands; a
// replica's clock may lag another's), so the next sweep sends it.
func (w *Wave) NoticeAt(now time.Time) time.Time {
	if now.After(w.Reminded) {
		return now
	}
	return w.Reminded.Add(time.Millisecond)
}

// DefaultForvaltninger are the forvaltning codes of Copenhagen Municipality.
var DefaultForvaltninger = []string{"BUF", "BIF", "KFF", "SOF", "SUF", "TMF", "ØKF"}

// NormalizeFV returns the canonical (upper-case) spelling of a forvaltning code.
func NormalizeFV(fv string) string { return strings.ToUpper(strings.TrimSpace(fv)) }
