package wave

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// ErrOpenEvaluations refuses to close a wave whose evaluations are not all
// held; the error is an *OpenEvaluationsError naming the forvaltninger.
var ErrOpenEvaluations = errors.New("wave: evaluations still open")

// OpenEvaluationsError names the forvaltninger whose evaluation is open.
type OpenEvaluationsError struct{ FVs []string }

func (e *OpenEvaluationsError) Error() string {
	return fmt.Sprintf("%v: %v", ErrOpenEvaluations, e.FVs)
}

func (e *OpenEvaluationsError) Unwrap() error { return ErrOpenEvaluations }

// Closure records that KS closed a wave after its evaluations: it reminds
// nobody any more and takes no more changes, but stays readable.
type Closure struct {
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// EvalNote is what a forvaltning's evaluation concluded, in a KS lead's or
// contact's words, for the close-out report.
type EvalNote struct {
	Text string    `json:"text"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
	// Side is the side the writer spoke for: KS, or the forvaltning (FV);
	// empty in notes written before it was recorded.
	Side Party `json:"side,omitempty"`
}

// FVNoted reports whether the forvaltning gave its note on the evaluation:
// one written for it, or, from before sides were recorded, by one of its
// contacts.
func (e *Enrolment) FVNoted() bool {
	return slices.ContainsFunc(e.EvalNotes, func(n EvalNote) bool {
		return n.Side == PartyFV || (n.Side == "" && e.HasContact(n.By))
	})
}

// EvaluationsClosed reports whether every enrolment's evaluation of an
// open wave is held or skipped, so its KS lead may close it, and when the
// last of them was; zero when none was recorded.
func (w *Wave) EvaluationsClosed() (time.Time, bool) {
	if w.IsClosed() || len(w.Enrolments) == 0 {
		return time.Time{}, false
	}
	var last time.Time
	for _, e := range w.Enrolments {
		a, err := e.Activity(EvaluationActivity)
		if err != nil {
			continue
		}
		if !a.Status.Closed() {
			return time.Time{}, false
		}
		if a.ChangedAt.After(last) {
			last = a.ChangedAt
		}
	}
	return last, true
}

// IsClosed reports whether KS has closed the wave.
func (w *Wave) IsClosed() bool { return w.Closed != nil }

// Close closes the wave on behalf of by. Every enrolment's evaluation
// must be held (done) or skipped first.
func (w *Wave) Close(by string, at time.Time) error {
	var open []string
	for _, e := range w.Enrolments {
		if a, err := e.Activity(EvaluationActivity); err == nil && !a.Status.Closed() {
			open = append(open, e.FV)
		}
	}
	if len(open) > 0 {
		return &OpenEvaluationsError{FVs: open}
	}
	w.Closed = &Closure{By: by, At: at}
	return nil
}

// AddEvalNote records a note on the enrolment's evaluation; false when the
// same text is recorded already.
func (e *Enrolment) AddEvalNote(n EvalNote) bool {
	if slices.ContainsFunc(e.EvalNotes, func(o EvalNote) bool { return o.Text == n.Text }) {
		return false
	}
	e.EvalNotes = append(e.EvalNotes, n)
	return true
}

// DoneAt is when the activity was done: when the last side confirmed its
// part, or, for one done without parts (the authorizations, applied by
// KS), when its status last changed. Zero when it is not done.
func (a Activity) DoneAt() time.Time {
	if a.Status != StatusDone {
		return time.Time{}
	}
	var at time.Time
	for _, c := range []*Confirmation{a.Parts.KS, a.Parts.FV} {
		if c != nil && c.At.After(at) {
			at = c.At
		}
	}
	if at.IsZero() {
		at = a.ChangedAt
	}
	return at
}
