package wave

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Errors of the authorization list.
var (
	ErrListClosed   = errors.New("wave: the authorization list is submitted")
	ErrListNotFound = errors.New("wave: there is no authorization list")
	ErrListInUse    = errors.New("wave: the authorization list is being reviewed")
	ErrRowsOpen     = errors.New("wave: rows of the authorization list are not decided")
	ErrNotSubmitted = errors.New("wave: the authorization list is not submitted")
	ErrEmptyList    = errors.New("wave: the authorization list has no rows")
)

// Decision is the forvaltning's verdict on one user's authorizations.
type Decision string

// A row is open until the forvaltning says the user's authorizations fit
// (ok) or must be corrected (fix, "skal rettes").
const (
	DecisionOpen Decision = ""
	DecisionOK   Decision = "ok"
	DecisionFix  Decision = "fix"
)

// ParseDecision reads a decision as a form sends it; false for anything else.
func ParseDecision(s string) (Decision, bool) {
	switch d := Decision(s); d {
	case DecisionOpen, DecisionOK, DecisionFix:
		return d, true
	}
	return "", false
}

// Limits of what a row holds, in characters.
const (
	MaxRowText   = 200
	MaxRowNote   = 500
	MaxListRows  = 10000
	maxCellShown = 40
)

// AuthList is the list of users' existing authorizations that KS pulled
// from KØR for one enrolment, with the forvaltning's verdict on each user
// and KS's progress applying the corrections. The list answers the
// enrolment's authorization request when the forvaltning submits it.
type AuthList struct {
	Wave string `json:"wave"`
	FV   string `json:"fv"`
	// Round counts the lists uploaded for the enrolment; a page that shows
	// an older round cannot change the new one.
	Round      int       `json:"round"`
	FileName   string    `json:"file_name,omitempty"`
	UploadedBy string    `json:"uploaded_by,omitempty"`
	UploadedAt time.Time `json:"uploaded_at,omitzero"`
	// Submitted is set when the forvaltning sent its verdict to KS; the
	// verdicts cannot change after that.
	Submitted   bool      `json:"submitted,omitempty"`
	SubmittedBy string    `json:"submitted_by,omitempty"`
	SubmittedAt time.Time `json:"submitted_at,omitzero"`
	Rows        []AuthRow `json:"-"`
	// Version counts committed changes; the store sets it.
	Version int64 `json:"-"`
}

// AuthRow is one user's existing authorization in KØR, as the list from
// KØR had it, with the forvaltning's decision and KS's application of it.
type AuthRow struct {
	ID      int    `json:"id"`
	User    string `json:"user"`
	Name    string `json:"name,omitempty"`
	Unit    string `json:"unit,omitempty"`
	Current string `json:"current,omitempty"`
	// Decision, Wanted and Note are the forvaltning's answer: the
	// authorization the user should have instead, and why.
	Decision  Decision  `json:"decision,omitempty"`
	Wanted    string    `json:"wanted,omitempty"`
	Note      string    `json:"note,omitempty"`
	DecidedBy string    `json:"decided_by,omitempty"`
	DecidedAt time.Time `json:"decided_at,omitzero"`
	// Applied is KS's mark that the correction is made in KØR.
	Applied   bool      `json:"applied,omitempty"`
	AppliedBy string    `json:"applied_by,omitempty"`
	AppliedAt time.Time `json:"applied_at,omitzero"`
	// Version counts changes of this row; the store sets it. A page sends
	// it back so that a change made meanwhile by someone else is noticed.
	Version int64 `json:"-"`
}

// Row returns the row with id.
func (l *AuthList) Row(id int) (*AuthRow, bool) {
	// Rows are numbered from 1 in order, so the index is a guess that
	// nearly always holds.
	if i := id - 1; i >= 0 && i < len(l.Rows) && l.Rows[i].ID == id {
		return &l.Rows[i], true
	}
	for i := range l.Rows {
		if l.Rows[i].ID == id {
			return &l.Rows[i], true
		}
	}
	return nil, false
}

// Exists reports whether a list was ever uploaded.
func (l *AuthList) Exists() bool { return l.Round > 0 }

// Counts tells how many rows are open, ok and to be fixed, and how many of
// the fixes KS has applied.
func (l *AuthList) Counts() (open, ok, fix, applied int) {
	for _, r := range l.Rows {
		switch r.Decision {
		case DecisionOK:
			ok++
		case DecisionFix:
			fix++
			if r.Applied {
				applied++
			}
		default:
			open++
		}
	}
	return open, ok, fix, applied
}

// Decided counts the rows someone has decided.
func (l *AuthList) Decided() int {
	open, _, _, _ := l.Counts()
	return len(l.Rows) - open
}

// Replaceable reports whether a new upload may replace the list: nobody
// has started on it, or its round is over (submitted and every
// correction applied).
func (l *AuthList) Replaceable() bool {
	if !l.Exists() {
		return true
	}
	if !l.Submitted {
		return l.Decided() == 0
	}
	_, _, fix, applied := l.Counts()
	return fix == applied
}

// Replace starts a new round with rows read from KØR's list.
func (l *AuthList) Replace(rows []AuthRow, file, actor string, now time.Time) error {
	if !l.Replaceable() {
		return ErrListInUse
	}
	if len(rows) == 0 {
		return ErrEmptyList
	}
	round := l.Round + 1
	*l = AuthList{Wave: l.Wave, FV: l.FV, Round: round, FileName: file, UploadedBy: actor, UploadedAt: now}
	l.Rows = make([]AuthRow, len(rows))
	for i, r := range rows {
		l.Rows[i] = AuthRow{ID: i + 1, User: r.User, Name: r.Name, Unit: r.Unit, Current: r.Current}
	}
	return nil
}

// RowEdit is one row as a person left it on the page: Seen is the row's
// version the page showed.
type RowEdit struct {
	ID       int
	Seen     int64
	Decision Decision
	Wanted   string
	Note     string
}

// RowProblem is what kept an edit of a row from being saved.
type RowProblem struct {
	ID   int
	User string
	Kind RowProblemKind
	// By is who changed the row meanwhile, for a conflict.
	By string
}

// RowProblemKind names what is wrong with an edited row.
type RowProblemKind int

// What can be wrong with an edit of a row.
const (
	// ProblemConflict: someone else changed the row after the page showed it.
	ProblemConflict RowProblemKind = iota + 1
	// ProblemNoWanted: a row to fix must say which authorization the user should have.
	ProblemNoWanted
	// ProblemTooLong: the wanted authorization or the note is too long.
	ProblemTooLong
	// ProblemUnknownRow: the row is not in the list (any more).
	ProblemUnknownRow
)

// RowChange is a saved change of one row, for the audit trail.
type RowChange struct {
	ID            int
	User          string
	Before, After Decision
}

// Decide applies the forvaltning's edits of rows: each edit changes its
// row unless it is the same as stored, is invalid, or the row changed
// since the page showed it while the edit says something else (a
// conflict: the other person's change stays and the edit is reported).
func (l *AuthList) Decide(edits []RowEdit, actor string, now time.Time) ([]RowChange, []RowProblem, error) {
	if !l.Exists() {
		return nil, nil, ErrListNotFound
	}
	if l.Submitted {
		return nil, nil, ErrListClosed
	}
	var changes []RowChange
	var problems []RowProblem
	for _, e := range edits {
		r, ok := l.Row(e.ID)
		if !ok {
			problems = append(problems, RowProblem{ID: e.ID, Kind: ProblemUnknownRow})
			continue
		}
		e.Wanted, e.Note = strings.TrimSpace(e.Wanted), strings.TrimSpace(e.Note)
		if e.Decision != DecisionFix {
			e.Wanted = ""
		}
		if r.Decision == e.Decision && r.Wanted == e.Wanted && r.Note == e.Note {
			continue
		}
		switch {
		case r.Version != e.Seen:
			problems = append(problems, RowProblem{ID: r.ID, User: r.User, Kind: ProblemConflict, By: r.DecidedBy})
			continue
		case utf8.RuneCountInString(e.Wanted) > MaxRowText || utf8.RuneCountInString(e.Note) > MaxRowNote:
			problems = append(problems, RowProblem{ID: r.ID, User: r.User, Kind: ProblemTooLong})
			continue
		case e.Decision == DecisionFix && e.Wanted == "":
			problems = append(problems, RowProblem{ID: r.ID, User: r.User, Kind: ProblemNoWanted})
			continue
		}
		changes = append(changes, RowChange{ID: r.ID, User: r.User, Before: r.Decision, After: e.Decision})
		r.Decision, r.Wanted, r.Note, r.DecidedBy, r.DecidedAt = e.Decision, e.Wanted, e.Note, actor, now
	}
	return changes, problems, nil
}

// Submit closes the forvaltning's review: every row must be decided. It
// reports whether every row is ok, which answers the request with ok,
// and otherwise with corrections.
func (l *AuthList) Submit(actor string, now time.Time) (allOK bool, err error) {
	switch {
	case !l.Exists():
		return false, ErrListNotFound
	case l.Submitted:
		return false, ErrListClosed
	}
	open, _, fix, _ := l.Counts()
	if open > 0 {
		return false, fmt.Errorf("%w: %d open", ErrRowsOpen, open)
	}
	l.Submitted, l.SubmittedBy, l.SubmittedAt = true, actor, now
	return fix == 0, nil
}

// Reopen takes back a submission that the authorization request did not
// accept, so the rows can be changed again.
func (l *AuthList) Reopen() {
	l.Submitted, l.SubmittedBy, l.SubmittedAt = false, "", time.Time{}
}

// AppliedEdit is KS's mark on one correction as the page left it.
type AppliedEdit struct {
	ID      int
	Seen    int64
	Applied bool
}

// MarkApplied records which corrections KS has made in KØR. Only rows to
// fix of a submitted list can be marked; a row changed meanwhile is
// reported, like in Decide.
func (l *AuthList) MarkApplied(edits []AppliedEdit, actor string, now time.Time) ([]RowChange, []RowProblem, error) {
	if !l.Submitted {
		return nil, nil, ErrNotSubmitted
	}
	var changes []RowChange
	var problems []RowProblem
	for _, e := range edits {
		r, ok := l.Row(e.ID)
		if !ok || r.Decision != DecisionFix {
			problems = append(problems, RowProblem{ID: e.ID, Kind: ProblemUnknownRow})
			continue
		}
		if r.Applied == e.Applied {
			continue
		}
		if r.Version != e.Seen {
			problems = append(problems, RowProblem{ID: r.ID, User: r.User, Kind: ProblemConflict, By: r.AppliedBy})
			continue
		}
		changes = append(changes, RowChange{ID: r.ID, User: r.User})
		r.Applied = e.Applied
		if e.Applied {
			r.AppliedBy, r.AppliedAt = actor, now
		} else {
			r.AppliedBy, r.AppliedAt = "", time.Time{}
		}
	}
	return changes, problems, nil
}

// AllApplied reports whether the list is submitted and KS has applied
// every correction it asks for.
func (l *AuthList) AllApplied() bool {
	_, _, fix, applied := l.Counts()
	return l.Submitted && fix == applied
}

var userIDPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]{1,15}$`)

// ValidUserID reports whether s looks like a KØR user id: a letter, then
// letters and digits (NN99), 2 to 16 characters.
func ValidUserID(s string) bool { return userIDPattern.MatchString(s) }

// shorten cuts a cell's text for a message.
func shorten(s string) string {
	if utf8.RuneCountInString(s) <= maxCellShown {
		return s
	}
	return string([]rune(s)[:maxCellShown]) + "…"
}
