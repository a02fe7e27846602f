package wave

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Workflow errors.
var (
	ErrUnknownStep = errors.New("wave: unknown workflow step")
	// ErrStepOrder reports a step taken out of the order the source fixes;
	// the error is an *OrderError naming the step in the way.
	ErrStepOrder = errors.New("wave: workflow step out of order")
	// ErrTeachingExists reports a teaching session on a day that has one.
	ErrTeachingExists = errors.New("wave: a teaching session is planned that day already")
	// ErrNoTeaching reports a day without a teaching session.
	ErrNoTeaching = errors.New("wave: no teaching session that day")
)

// OrderError refuses a step out of order: Step before Blocking, the step
// that must be done first, is done; or undoing Step while Blocking, a
// step that comes after it, is done or begun.
type OrderError struct {
	Step, Blocking string
	Undo           bool
}

func (e *OrderError) Error() string {
	if e.Undo {
		return fmt.Sprintf("%v: %s cannot be undone while %s is done", ErrStepOrder, e.Step, e.Blocking)
	}
	return fmt.Sprintf("%v: %s needs %s done first", ErrStepOrder, e.Step, e.Blocking)
}

func (e *OrderError) Unwrap() error { return ErrStepOrder }

// Workflow is a forvaltning's KØR workflow track: one per forvaltning,
// whether it is in no wave, one or several. The forvaltning implements
// KØR workflow itself, so the track has its own contacts (the central
// working group), who do and date the forvaltning's steps; KS presents
// KØR workflow and authorizes the users, and takes on project management
// or teaching only by agreement. The track is a subject of reminders of
// its own, with its own watermark and snoozes.
type Workflow struct {
	FV    string `json:"fv"`
	Steps Track  `json:"steps"`
	// Contacts are the central working group: who acts for the
	// forvaltning on the track and hears its reminders.
	Contacts []string `json:"contacts,omitempty"`
	// ContactSince is when each contact was named, and so when their
	// welcome goes out.
	ContactSince map[string]time.Time `json:"contact_since,omitempty"`
	// KS is the KS person who last acted on the track: who hears its
	// KS-side reminders when the forvaltning is in no open wave.
	KS string `json:"ks,omitempty"`
	// Agreements are what the forvaltning has handed KS "efter konkret
	// aftale": project management, teaching, or both.
	Agreements []Agreement `json:"agreements,omitempty"`
	// Teaching are the teaching sessions KS holds under an agreement on
	// teaching, by date.
	Teaching []TeachingSession `json:"teaching,omitempty"`
	// Reminded is how far reminders have been sent: the sweeper has
	// handled every reminder of the track due up to this instant.
	Reminded time.Time `json:"reminded,omitzero"`
	// Snoozes are reminders about the track people have deferred; their
	// FV is the track's.
	Snoozes []Snooze `json:"snoozes,omitempty"`
	// DeliveryFailures are the people the track's reminders could not
	// reach; who follows the track at KS is told once per person.
	DeliveryFailures []DeliveryFailure `json:"delivery_failures,omitempty"`
	// Notices are one-off messages about the track waiting for the
	// reminder engine (a template delivered while the forvaltning is in
	// no open wave).
	Notices []Notice `json:"notices,omitempty"`
	// Taken names the waves whose enrolment's track for this forvaltning
	// was moved into this one, so a move run twice takes each once.
	Taken []string `json:"taken,omitempty"`
	// Version counts committed changes; the store sets it.
	Version int64 `json:"version"`
}

// NewWorkflow is forvaltning fv's track as it starts at now: the
// template's steps, none done, nobody named, nothing to remind of before
// now.
func NewWorkflow(fv string, t Template, now time.Time) Workflow {
	return Workflow{FV: fv, Steps: NewTrack(t), Reminded: now}
}

// HasContact reports whether person is a contact of the track.
func (w *Workflow) HasContact(person string) bool { return slices.Contains(w.Contacts, person) }

// AddContacts names people as contacts at instant at, keeping each once,
// and returns those it named.
func (w *Workflow) AddContacts(at time.Time, people ...string) []string {
	var named []string
	for _, p := range people {
		if w.HasContact(p) {
			continue
		}
		w.Contacts = append(w.Contacts, p)
		named = append(named, p)
		if !at.IsZero() {
			if w.ContactSince == nil {
				w.ContactSince = map[string]time.Time{}
			}
			w.ContactSince[p] = at
		}
	}
	return named
}

// RemoveContact takes person off the track's contacts and forgets their
// snoozes there; false when they were not one.
func (w *Workflow) RemoveContact(person string) bool {
	if !w.HasContact(person) {
		return false
	}
	w.Contacts = slices.DeleteFunc(w.Contacts, func(c string) bool { return c == person })
	delete(w.ContactSince, person)
	if len(w.ContactSince) == 0 {
		w.ContactSince = nil
	}
	w.Snoozes = slices.DeleteFunc(w.Snoozes, func(s Snooze) bool { return s.Person == person })
	return true
}

// NoticeAt is when a one-off notice about a change made at now falls due,
// as Wave.NoticeAt says: now, or just after the track's watermark.
func (w *Workflow) NoticeAt(now time.Time) time.Time {
	if now.After(w.Reminded) {
		return now
	}
	return w.Reminded.Add(time.Millisecond)
}

// AddNotice records n, as Wave.AddNotice does: the notices the reminder
// engine has handled are forgotten, and n falls due after the watermark.
func (w *Workflow) AddNotice(n Notice) {
	w.Notices = slices.DeleteFunc(w.Notices, func(o Notice) bool { return !o.At.After(w.Reminded) })
	if !n.At.After(w.Reminded) {
		n.At = w.Reminded.Add(time.Millisecond)
	}
	if len(n.To) > 0 {
		n.FV = w.FV
		w.Notices = append(w.Notices, n)
	}
}

// RecordDeliveryFailure adds f unless a failure to reach the same person
// is recorded already; it reports whether it added it.
func (w *Workflow) RecordDeliveryFailure(f DeliveryFailure) bool {
	if slices.ContainsFunc(w.DeliveryFailures, func(o DeliveryFailure) bool { return o.Person == f.Person }) {
		return false
	}
	f.FV = w.FV
	w.DeliveryFailures = append(w.DeliveryFailures, f)
	return true
}

// Snooze records s, replacing the person's earlier snooze of the same step.
func (w *Workflow) Snooze(s Snooze) {
	s.FV = w.FV
	w.Snoozes = slices.DeleteFunc(w.Snoozes, func(o Snooze) bool { return o.Activity == s.Activity && o.Person == s.Person })
	w.Snoozes = append(w.Snoozes, s)
}

// SnoozedUntil returns until when person has deferred reminders about
// step (or teaching session) key; false when they have not.
func (w *Workflow) SnoozedUntil(key, person string) (time.Time, bool) {
	for _, s := range w.Snoozes {
		if s.Activity == key && s.Person == person {
			return s.Until, true
		}
	}
	return time.Time{}, false
}

// DropSnoozes forgets the snoozes that ended at or before t.
func (w *Workflow) DropSnoozes(t time.Time) {
	w.Snoozes = slices.DeleteFunc(w.Snoozes, func(s Snooze) bool { return !s.Until.After(t) })
}

// AgreementKind is what the forvaltning may hand KS by agreement.
type AgreementKind string

// The two agreements of the source: "Efter konkret aftale kan KS også
// varetage projektledelse og undervisning".
const (
	AgreementProjectManagement AgreementKind = "projektledelse"
	AgreementTeaching          AgreementKind = "undervisning"
)

// Agreement is one thing the forvaltning has handed KS, and who recorded it.
type Agreement struct {
	Kind AgreementKind `json:"kind"`
	Note string        `json:"note,omitempty"`
	By   string        `json:"by"`
	At   time.Time     `json:"at"`
}

// Agreed reports whether kind is agreed now.
func (w *Workflow) Agreed(kind AgreementKind) bool {
	return slices.ContainsFunc(w.Agreements, func(a Agreement) bool { return a.Kind == kind })
}

// Agree records a, replacing an agreement of its kind; false when the
// same agreement, note and all, stands already.
func (w *Workflow) Agree(a Agreement) bool {
	i := slices.IndexFunc(w.Agreements, func(o Agreement) bool { return o.Kind == a.Kind })
	if i >= 0 && w.Agreements[i].Note == a.Note {
		return false
	}
	if i >= 0 {
		w.Agreements[i] = a
		return true
	}
	w.Agreements = append(w.Agreements, a)
	slices.SortFunc(w.Agreements, func(x, y Agreement) int { return strings.Compare(string(x.Kind), string(y.Kind)) })
	return true
}

// EndAgreements ends the agreements of kinds, every one when kinds is
// empty, and returns those it ended.
func (w *Workflow) EndAgreements(kinds ...AgreementKind) []Agreement {
	var ended []Agreement
	w.Agreements = slices.DeleteFunc(w.Agreements, func(a Agreement) bool {
		if len(kinds) == 0 || slices.Contains(kinds, a.Kind) {
			ended = append(ended, a)
			return true
		}
		return false
	})
	if len(w.Agreements) == 0 {
		w.Agreements = nil
	}
	return ended
}

// TeachingSession is one session of teaching KS holds for the
// forvaltning under an agreement on teaching: KS owns it, dates it, is
// reminded of it and marks it held.
type TeachingSession struct {
	Date   Date      `json:"date"`
	Note   string    `json:"note,omitempty"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	Held   bool      `json:"held,omitempty"`
	HeldBy string    `json:"held_by,omitempty"`
	HeldAt time.Time `json:"held_at,omitzero"`
}

// TeachingKey names a teaching session as a subject of reminders:
// "undervisning-2027-03-04". Step keys of the template never look so.
func TeachingKey(d Date) string { return "undervisning-" + d.String() }

// AddTeaching plans session s, the sessions kept by date;
// ErrTeachingExists when that day has one.
func (w *Workflow) AddTeaching(s TeachingSession) error {
	if _, err := w.TeachingOn(s.Date); err == nil {
		return fmt.Errorf("%w: %s", ErrTeachingExists, s.Date)
	}
	w.Teaching = append(w.Teaching, s)
	slices.SortFunc(w.Teaching, func(a, b TeachingSession) int { return a.Date.Compare(b.Date) })
	return nil
}

// TeachingOn returns the session on day d; ErrNoTeaching when there is none.
func (w *Workflow) TeachingOn(d Date) (*TeachingSession, error) {
	for i := range w.Teaching {
		if w.Teaching[i].Date == d {
			return &w.Teaching[i], nil
		}
	}
	return nil, fmt.Errorf("%w: %s", ErrNoTeaching, d)
}

// CancelTeaching takes the session on day d off the track; false when
// there is none.
func (w *Workflow) CancelTeaching(d Date) bool {
	n := len(w.Teaching)
	w.Teaching = slices.DeleteFunc(w.Teaching, func(s TeachingSession) bool { return s.Date == d })
	if len(w.Teaching) == 0 {
		w.Teaching = nil
	}
	w.Snoozes = slices.DeleteFunc(w.Snoozes, func(s Snooze) bool { return s.Activity == TeachingKey(d) })
	return len(w.Teaching) < n
}

// TrackSource is a track an enrolment carried before its forvaltning had
// one of its own: Wave is the enrolment's wave, From names it ("b3/BUF").
type TrackSource struct {
	Wave, From string
	Steps      Track
}

// Take moves the tracks enrolments carried (srcs) into the forvaltning's:
// the most advanced of them and the track it has is kept, and each
// source's wave is remembered so that its track is taken once, however
// often a move runs. It returns the tracks that lost, by where they were
// kept ("" for the forvaltning's own), when they had been worked on
// (nobody misses a track nobody touched), and whether anything changed.
func (w *Workflow) Take(srcs []TrackSource) (dropped []string, changed bool) {
	held := ""
	for _, src := range srcs {
		if slices.Contains(w.Taken, src.Wave) {
			continue
		}
		changed = true
		w.Taken = append(w.Taken, src.Wave)
		slices.Sort(w.Taken)
		loser, loserFrom := src.Steps, src.From
		if len(w.Steps) == 0 || src.Steps.moreAdvanced(w.Steps) {
			loser, loserFrom = w.Steps, held
			w.Steps, held = slices.Clone(src.Steps), src.From
		}
		if loser.Started() && !slices.EqualFunc(loser, w.Steps, sameProgress) {
			dropped = append(dropped, loserFrom)
		}
	}
	return dropped, changed
}

// TrackMove is what moving a forvaltning's tracks into one did: the
// worked-on tracks that lost to a more advanced one, by where they were
// kept ("b3/BUF", or "" for the forvaltning's own), and the progress of
// the track kept.
type TrackMove struct {
	FV          string
	Dropped     []string
	Done, Total int
}

// EnrolmentTracks lists, by forvaltning, the tracks the enrolments of
// waves carry.
func EnrolmentTracks(waves []Wave) map[string][]TrackSource {
	out := map[string][]TrackSource{}
	for _, w := range waves {
		for _, e := range w.Enrolments {
			if len(e.Workflow) > 0 {
				out[e.FV] = append(out[e.FV], TrackSource{Wave: w.ID, From: w.ID + "/" + e.FV, Steps: e.Workflow})
			}
		}
	}
	return out
}

// TakeTracks moves the tracks the enrolments of waves carry into their
// forvaltning's track in tracks (a forvaltning without one gets one),
// and clears them from the enrolments: what an import of an older
// document does before it loads. A track without a watermark (one an
// older wavebot kept) gets now. It returns, by forvaltning, what each
// move dropped and kept.
func TakeTracks(waves []Wave, tracks map[string]*Workflow, now time.Time) []TrackMove {
	defer func() {
		for _, t := range tracks {
			if t.Reminded.IsZero() {
				t.Reminded = now
			}
		}
	}()
	var out []TrackMove
	for fv, srcs := range EnrolmentTracks(waves) {
		t := tracks[fv]
		if t == nil {
			t = &Workflow{FV: fv}
			tracks[fv] = t
		}
		dropped, _ := t.Take(srcs)
		m := TrackMove{FV: fv, Dropped: dropped}
		m.Done, m.Total = t.Steps.Progress()
		out = append(out, m)
	}
	for i := range waves {
		for j := range waves[i].Enrolments {
			waves[i].Enrolments[j].Workflow = nil
		}
	}
	slices.SortFunc(out, func(a, b TrackMove) int { return strings.Compare(a.FV, b.FV) })
	return out
}

func sameProgress(a, b WorkflowStep) bool {
	return a.Key == b.Key && a.Done == b.Done && a.Due == b.Due && a.Parts.Has(PartyKS) == b.Parts.Has(PartyKS) && a.Parts.Has(PartyFV) == b.Parts.Has(PartyFV)
}

// WorkflowStep is one step of the track.
type WorkflowStep struct {
	Key     string `json:"key"`
	TitleDA string `json:"title_da"`
	TitleEN string `json:"title_en"`
	Owner   Party  `json:"owner"`
	// After is the step that must be done first, where the source fixes
	// an order; empty for a step that may come at any time.
	After  string    `json:"after,omitempty"`
	Done   bool      `json:"done"`
	DoneBy string    `json:"done_by,omitempty"`
	DoneAt time.Time `json:"done_at,omitzero"`
	// Due is when the step should be done; zero when no date is set.
	Due Date `json:"due,omitzero"`
	// Parts are the sides' confirmations; a shared step (the presentation
	// meeting: the forvaltning holds it, KS presents) is done when both
	// have confirmed.
	Parts Parts `json:"parts,omitzero"`
}

// Title returns the step's title in lang.
func (s WorkflowStep) Title(lang string) string {
	if lang == "en" {
		return s.TitleEN
	}
	return s.TitleDA
}

// Waiting lists the sides that have still to do their part of an open step.
func (s WorkflowStep) Waiting() []Party {
	if s.Done {
		return nil
	}
	return s.Parts.Missing(s.Owner)
}

// Track is the steps of KØR workflow in the source's order. Only where
// the source fixes it must a step wait for another (its After).
type Track []WorkflowStep

// NewTrack returns the template's track with no step done.
func NewTrack(t Template) Track {
	var out Track
	for _, s := range t.Workflow {
		out = append(out, WorkflowStep{Key: s.Key, TitleDA: s.TitleDA, TitleEN: s.TitleEN, Owner: s.Owner, After: s.After})
	}
	return out
}

// Align gives the track's steps the template's titles, owners and order
// rules, and the template's steps it lacks: a track stored before the
// template last changed follows the template's rules.
func (t *Track) Align(tpl Template) {
	for _, spec := range tpl.Workflow {
		s, err := t.Step(spec.Key)
		if err != nil {
			*t = append(*t, WorkflowStep{Key: spec.Key})
			s = &(*t)[len(*t)-1]
		}
		s.TitleDA, s.TitleEN, s.Owner, s.After = spec.TitleDA, spec.TitleEN, spec.Owner, spec.After
	}
}

// Step returns the step with key.
func (t Track) Step(key string) (*WorkflowStep, error) {
	for i := range t {
		if t[i].Key == key {
			return &t[i], nil
		}
	}
	return nil, fmt.Errorf("%w: %s", ErrUnknownStep, key)
}

// Next returns the first step not done; false when every step is.
func (t Track) Next() (*WorkflowStep, bool) {
	for i := range t {
		if !t[i].Done {
			return &t[i], true
		}
	}
	return nil, false
}

// Started reports whether anyone has worked on the track: a step done,
// begun or given a date.
func (t Track) Started() bool {
	for _, s := range t {
		if s.Done || !s.Due.IsZero() || s.Parts != (Parts{}) {
			return true
		}
	}
	return false
}

// Progress counts done steps against all.
func (t Track) Progress() (done, total int) {
	for _, s := range t {
		if s.Done {
			done++
		}
	}
	return done, len(t)
}

// moreAdvanced reports whether t is further along than o: more steps
// done; then more sides' parts confirmed; then more steps dated.
func (t Track) moreAdvanced(o Track) bool {
	a, b := t.advance(), o.advance()
	return slices.Compare(a[:], b[:]) > 0
}

func (t Track) advance() [3]int {
	var n [3]int
	for _, s := range t {
		if s.Done {
			n[0]++
		}
		for _, side := range []Party{PartyKS, PartyFV} {
			if s.Parts.Has(side) {
				n[1]++
			}
		}
		if !s.Due.IsZero() {
			n[2]++
		}
	}
	return n
}

// Confirm records that sides have done their part of step key; a step
// with an After waits for that step to be done. A step of one party is
// done when it is confirmed, a shared one when both sides have. It
// reports whether the step is now done; ErrConfirmed when sides had
// nothing left to confirm, ErrSamePerson when actor confirmed the other
// side's part (a shared step is done by two different people).
func (t Track) Confirm(key string, sides []Party, actor string, now time.Time) (bool, error) {
	s, err := t.Step(key)
	if err != nil {
		return false, err
	}
	if s.After != "" {
		if before, err := t.Step(s.After); err == nil && !before.Done {
			return false, &OrderError{Step: key, Blocking: s.After}
		}
	}
	if s.Done {
		return false, fmt.Errorf("%w: %s", ErrConfirmed, key)
	}
	if err := s.Parts.confirm(s.Owner, sides, actor, now); err != nil {
		return false, fmt.Errorf("%s: %w", key, err)
	}
	if len(s.Parts.Missing(s.Owner)) == 0 {
		s.Done, s.DoneBy, s.DoneAt = true, actor, now
	}
	return s.Done, nil
}

// Undo takes back the word of sides on step key: a step of one party is
// not done any more; a shared step forgets only the parts of sides, and
// the other side's word stands, so each side takes back only its own. A
// step that waits for it and is done or begun is in the way. It returns
// the sides whose word was taken back (for a step of one party, its
// owner's when it was done or begun); none when nothing changed.
func (t Track) Undo(key string, sides []Party) ([]Party, error) {
	s, err := t.Step(key)
	if err != nil {
		return nil, err
	}
	for _, o := range t {
		if o.After == key && (o.Done || o.Parts != (Parts{})) {
			return nil, &OrderError{Step: key, Blocking: o.Key, Undo: true}
		}
	}
	if s.Owner != PartyBoth {
		if !s.Done && s.Parts == (Parts{}) {
			return nil, nil
		}
		s.Done, s.DoneBy, s.DoneAt, s.Parts = false, "", time.Time{}, Parts{}
		return []Party{s.Owner}, nil
	}
	var taken []Party
	for _, side := range sides {
		if s.Parts.Has(side) {
			*s.Parts.of(side) = nil
			taken = append(taken, side)
		}
	}
	if len(taken) > 0 {
		s.Done, s.DoneBy, s.DoneAt = false, "", time.Time{}
	}
	return taken, nil
}
