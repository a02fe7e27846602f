package wave

import (
	"fmt"
	"time"
)

// AuthState is the state of an authorization feedback request.
type AuthState string

// The feedback loop: KS requests, the forvaltning answers, KS applies.
const (
	AuthRequested AuthState = "requested"
	AuthAnswered  AuthState = "answered"
	AuthApplied   AuthState = "applied"
)

// AuthRequest is KS asking a forvaltning to confirm or correct its users'
// authorizations in KØR by a due date.
type AuthRequest struct {
	State       AuthState `json:"state"`
	Due         Date      `json:"due"`
	RequestedBy string    `json:"requested_by"`
	RequestedAt time.Time `json:"requested_at"`
	// OK is true when the forvaltning confirmed the list as it is; false with
	// a Note when it sent corrections.
	OK         bool      `json:"ok,omitempty"`
	Note       string    `json:"note,omitempty"`
	AnsweredBy string    `json:"answered_by,omitempty"`
	AnsweredAt time.Time `json:"answered_at,omitzero"`
	// ApplyBy is KS's deadline for applying the authorizations, set when
	// the forvaltning answers.
	ApplyBy   Date      `json:"apply_by,omitzero"`
	AppliedBy string    `json:"applied_by,omitempty"`
	AppliedAt time.Time `json:"applied_at,omitzero"`
}

// RequestAuth opens the feedback request, or replaces an open one with a new
// due date, and marks the authorization activity as in progress. It
// returns the request it replaced, nil when none was open.
func (e *Enrolment) RequestAuth(due Date, actor string, now time.Time) (*AuthRequest, error) {
	if e.Auth != nil && e.Auth.State == AuthAnswered {
		return nil, fmt.Errorf("%w: already answered, apply it first", ErrAuthState)
	}
	var replaced *AuthRequest
	if e.Auth != nil && e.Auth.State == AuthRequested {
		replaced = e.Auth
	}
	e.Auth = &AuthRequest{State: AuthRequested, Due: due, RequestedBy: actor, RequestedAt: now}
	if a, err := e.Activity(AuthActivity); err == nil && !a.Status.Closed() {
		a.Status, a.ChangedBy, a.ChangedAt = StatusDoing, actor, now
	}
	return replaced, nil
}

// AnswerAuth records the forvaltning's feedback at instant at: ok, or
// corrections in note; KS is to apply it by applyBy.
func (e *Enrolment) AnswerAuth(ok bool, note, actor string, at time.Time, applyBy Date) error {
	if e.Auth == nil || e.Auth.State != AuthRequested {
		return fmt.Errorf("%w: no open request", ErrAuthState)
	}
	a := e.Auth
	a.State, a.OK, a.Note, a.AnsweredBy, a.AnsweredAt, a.ApplyBy = AuthAnswered, ok, note, actor, at, applyBy
	return nil
}

// ApplyAuth records that KS granted the authorizations the feedback asked
// for, which completes the authorization activity.
func (e *Enrolment) ApplyAuth(actor string, now time.Time) error {
	if e.Auth == nil || e.Auth.State != AuthAnswered {
		return fmt.Errorf("%w: not answered yet", ErrAuthState)
	}
	e.Auth.State, e.Auth.AppliedBy, e.Auth.AppliedAt = AuthApplied, actor, now
	if a, err := e.Activity(AuthActivity); err == nil {
		a.Status, a.ChangedBy, a.ChangedAt = StatusDone, actor, now
	}
	return nil
}

// TrainingActivity is the template key of the training activity, which
// waits for the forvaltning's decision on whether its users need training.
const TrainingActivity = "training"

// TrainingDecision is the forvaltning's decision on training its users.
// The source judges the solutions to need none; the forvaltning decides.
type TrainingDecision struct {
	Needed bool      `json:"needed"`
	Reason string    `json:"reason,omitempty"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// TrainingUndecided reports whether the enrolment's training still waits
// for the forvaltning's decision. Training closed before decisions were
// recorded counts as decided.
func (e *Enrolment) TrainingUndecided() bool {
	a, err := e.Activity(TrainingActivity)
	return err == nil && e.Training == nil && !a.Status.Closed()
}

// DecideTraining records the forvaltning's decision: no training is the
// activity done as decided, with the reason as its note; training makes
// it an activity of the forvaltning due on due.
func (e *Enrolment) DecideTraining(needed bool, reason string, due Date, actor string, now time.Time) error {
	a, err := e.Activity(TrainingActivity)
	if err != nil {
		return err
	}
	e.Training = &TrainingDecision{Needed: needed, Reason: reason, By: actor, At: now}
	status := StatusDone
	if needed {
		status, a.Due, a.DueByHand = StatusTodo, due, true
	}
	a.Status, a.Note, a.ChangedBy, a.ChangedAt, a.Parts = status, reason, actor, now, Parts{}
	return nil
}

// decidedAgainst reads a training decided against before such decisions
// counted as done: it was stored as skipped, and is done, as decided.
func (e *Enrolment) decidedAgainst() {
	if e.Training == nil || e.Training.Needed {
		return
	}
	if a, err := e.Activity(TrainingActivity); err == nil && a.Status == StatusSkipped {
		a.Status = StatusDone
	}
}
