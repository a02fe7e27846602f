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
	AppliedBy  string    `json:"applied_by,omitempty"`
	AppliedAt  time.Time `json:"applied_at,omitzero"`
}

// RequestAuth opens (or reopens with a new due date) the feedback request and
// marks the authorization activity as in progress.
func (e *Enrolment) RequestAuth(due Date, actor string, now time.Time) error {
	if e.Auth != nil && e.Auth.State == AuthAnswered {
		return fmt.Errorf("%w: already answered, apply it first", ErrAuthState)
	}
	e.Auth = &AuthRequest{State: AuthRequested, Due: due, RequestedBy: actor, RequestedAt: now}
	if a, err := e.Activity(AuthActivity); err == nil && !a.Status.Closed() {
		a.Status, a.ChangedBy, a.ChangedAt = StatusDoing, actor, now
	}
	return nil
}

// AnswerAuth records the forvaltning's feedback: ok, or corrections in note.
func (e *Enrolment) AnswerAuth(ok bool, note, actor string, now time.Time) error {
	if e.Auth == nil || e.Auth.State != AuthRequested {
		return fmt.Errorf("%w: no open request", ErrAuthState)
	}
	e.Auth.State, e.Auth.OK, e.Auth.Note, e.Auth.AnsweredBy, e.Auth.AnsweredAt = AuthAnswered, ok, note, actor, now
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
