package wave

import (
	"errors"
	"fmt"
	"time"
)

// Workflow errors.
var (
	ErrUnknownStep = errors.New("wave: unknown workflow step")
	// ErrStepOrder reports a step taken out of the track's order; the
	// error is an *OrderError naming the step in the way.
	ErrStepOrder = errors.New("wave: workflow step out of order")
)

// OrderError refuses a step out of order: Step before Blocking, the step
// before it, is done; or undoing Step while Blocking, a later step, is
// done or begun.
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

// Workflow is a forvaltning's KØR workflow track as the store kept it on its
// own, before tracks moved to the enrolments: read once, to carry a
// forvaltning's progress over to its enrolment.
type Workflow struct {
	FV    string `json:"fv"`
	Steps Track  `json:"steps"`
	// Version counts committed changes; the store sets it.
	Version int64 `json:"version"`
}

// WorkflowStep is one step of the track.
type WorkflowStep struct {
	Key     string    `json:"key"`
	TitleDA string    `json:"title_da"`
	TitleEN string    `json:"title_en"`
	Owner   Party     `json:"owner"`
	Done    bool      `json:"done"`
	DoneBy  string    `json:"done_by,omitempty"`
	DoneAt  time.Time `json:"done_at,omitzero"`
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

// Track is the steps of KØR workflow in the source's order: each step is
// done after the one before it.
type Track []WorkflowStep

// NewTrack returns the template's track with no step done.
func NewTrack(t Template) Track {
	var out Track
	for _, s := range t.Workflow {
		out = append(out, WorkflowStep{Key: s.Key, TitleDA: s.TitleDA, TitleEN: s.TitleEN, Owner: s.Owner})
	}
	return out
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

// Confirm records that sides have done their part of step key, in order:
// the step before it must be done. A step of one party is done when it is
// confirmed, a shared one when both sides have, two different people. It
// reports whether the step is now done; ErrConfirmed when sides had
// nothing left to confirm, ErrSamePerson when actor confirmed the other
// side's part.
func (t Track) Confirm(key string, sides []Party, actor string, now time.Time) (bool, error) {
	i, err := t.index(key)
	if err != nil {
		return false, err
	}
	if i > 0 && !t[i-1].Done {
		return false, &OrderError{Step: key, Blocking: t[i-1].Key}
	}
	s := &t[i]
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

// Undo makes step key not done and forgets its confirmations; a later step
// that is done or begun is in the way. It reports whether anything changed.
func (t Track) Undo(key string) (bool, error) {
	i, err := t.index(key)
	if err != nil {
		return false, err
	}
	if i+1 < len(t) && (t[i+1].Done || t[i+1].Parts != (Parts{})) {
		return false, &OrderError{Step: key, Blocking: t[i+1].Key, Undo: true}
	}
	s := &t[i]
	if !s.Done && s.Parts == (Parts{}) {
		return false, nil
	}
	s.Done, s.DoneBy, s.DoneAt, s.Parts = false, "", time.Time{}, Parts{}
	return true, nil
}

func (t Track) index(key string) (int, error) {
	for i := range t {
		if t[i].Key == key {
			return i, nil
		}
	}
	return 0, fmt.Errorf("%w: %s", ErrUnknownStep, key)
}
