package wave

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// InfoActivity is the template key of the information meeting activity:
// the forvaltning informs its users, unit by unit, in meetings it records.
const InfoActivity = "info"

// Limits of the forvaltning's record of units and meetings, so a wave's
// document stays small: a forvaltning has hundreds of units, not
// thousands, and holds a handful of meetings a wave.
const (
	MaxUnits    = 1000
	MaxMeetings = 50
)

// Errors of units and meetings.
var (
	ErrBadUnit      = errors.New("wave: a unit's name is empty or holds control characters")
	ErrUnitTooLong  = errors.New("wave: a unit's name is too long")
	ErrTooManyUnits = errors.New("wave: too many units")
	ErrTooManyMeets = errors.New("wave: too many information meetings")
)

// Meeting is one information meeting of the forvaltning for its users,
// planned or held: its day, the units it is for, and who recorded it.
type Meeting struct {
	Date  Date      `json:"date"`
	Units []string  `json:"units,omitempty"`
	By    string    `json:"by"`
	At    time.Time `json:"at"`
}

// Held reports whether the meeting has taken place by today: its day has
// come.
func (m Meeting) Held(today Date) bool { return !m.Date.After(today) }

// UnitName reads a unit's name as people write it and a list from KØR
// holds it: its words separated by single spaces. An empty name, one with
// a character that can hurt a screen (UnsafeRune) and one longer than
// MaxRowText characters are refused.
func UnitName(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", ErrBadUnit
	}
	name := strings.Join(strings.Fields(s), " ")
	_, unsafe := UnsafeRune(name, false)
	switch {
	case name == "" || unsafe:
		return "", ErrBadUnit
	case utf8.RuneCountInString(name) > MaxRowText:
		return "", fmt.Errorf("%w: %d characters", ErrUnitTooLong, utf8.RuneCountInString(name))
	}
	return name, nil
}

// Unit returns the enrolment's unit that name names, as the enrolment
// spells it; names are compared without regard to case.
func (e *Enrolment) Unit(name string) (string, bool) {
	i := slices.IndexFunc(e.Units, func(u string) bool { return strings.EqualFold(u, name) })
	if i < 0 {
		return "", false
	}
	return e.Units[i], true
}

// containsFold reports whether names holds name, regardless of case, as
// units are compared.
func containsFold(names []string, name string) bool {
	return slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, name) })
}

// AddUnits adds the named units the enrolment does not know yet, each
// once, and returns those it added. The names must be UnitName's. Nothing
// is added when the enrolment would hold more than MaxUnits.
func (e *Enrolment) AddUnits(names ...string) ([]string, error) {
	var added []string
	for _, n := range names {
		if _, ok := e.Unit(n); ok || containsFold(added, n) {
			continue
		}
		added = append(added, n)
	}
	if len(e.Units)+len(added) > MaxUnits {
		return nil, fmt.Errorf("%w: %d and %d more", ErrTooManyUnits, len(e.Units), len(added))
	}
	e.Units = append(e.Units, added...)
	return added, nil
}

// RemoveUnits takes the named units off the enrolment's list and returns
// those it removed, as it spelt them, and the names it does not know. The
// meetings keep the units they were for: they are what happened.
func (e *Enrolment) RemoveUnits(names ...string) (removed, unknown []string) {
	for _, n := range names {
		u, ok := e.Unit(n)
		if !ok {
			if !containsFold(removed, n) && !containsFold(unknown, n) {
				unknown = append(unknown, n)
			}
			continue
		}
		removed = append(removed, u)
		e.Units = slices.DeleteFunc(e.Units, func(o string) bool { return o == u })
	}
	if len(e.Units) == 0 {
		e.Units = nil
	}
	return removed, unknown
}

// RecordMeeting records an information meeting on day for the named
// units, by actor at now: a meeting the enrolment has on that day
// already is for these units too. A unit it does not know yet is added
// to its units. RecordMeeting returns the units it added to the
// enrolment's list, and whether anything changed.
func (e *Enrolment) RecordMeeting(day Date, units []string, actor string, now time.Time) (added []string, changed bool, err error) {
	i := slices.IndexFunc(e.Meetings, func(m Meeting) bool { return m.Date == day })
	if i < 0 && len(e.Meetings) >= MaxMeetings {
		return nil, false, ErrTooManyMeets
	}
	added, err = e.AddUnits(units...)
	if err != nil {
		return nil, false, err
	}
	spelt := make([]string, 0, len(units))
	for _, n := range units {
		if u, ok := e.Unit(n); ok && !slices.Contains(spelt, u) {
			spelt = append(spelt, u)
		}
	}
	if i < 0 {
		e.Meetings = append(e.Meetings, Meeting{Date: day, Units: spelt, By: actor, At: now})
		slices.SortStableFunc(e.Meetings, func(a, b Meeting) int { return a.Date.Compare(b.Date) })
		return added, true, nil
	}
	m := &e.Meetings[i]
	for _, u := range spelt {
		if !slices.Contains(m.Units, u) {
			m.Units = append(m.Units, u)
			changed = true
		}
	}
	if changed {
		m.By, m.At = actor, now
	}
	return added, changed, nil
}

// CancelMeeting takes the meeting on day off the record; false when there
// is none that day.
func (e *Enrolment) CancelMeeting(day Date) bool {
	n := len(e.Meetings)
	e.Meetings = slices.DeleteFunc(e.Meetings, func(m Meeting) bool { return m.Date == day })
	if len(e.Meetings) == 0 {
		e.Meetings = nil
	}
	return len(e.Meetings) < n
}

// Meeting returns the meeting on day.
func (e *Enrolment) Meeting(day Date) (Meeting, bool) {
	i := slices.IndexFunc(e.Meetings, func(m Meeting) bool { return m.Date == day })
	if i < 0 {
		return Meeting{}, false
	}
	return e.Meetings[i], true
}

// UnitsInformed sorts the enrolment's units, in their order, by their
// information meetings as of today: held lists those a meeting was held
// for, planned those that only have one ahead, missing the rest.
func (e *Enrolment) UnitsInformed(today Date) (held, planned, missing []string) {
	for _, u := range e.Units {
		had, ahead := false, false
		for _, m := range e.Meetings {
			if !slices.Contains(m.Units, u) {
				continue
			}
			if m.Held(today) {
				had = true
			} else {
				ahead = true
			}
		}
		switch {
		case had:
			held = append(held, u)
		case ahead:
			planned = append(planned, u)
		default:
			missing = append(missing, u)
		}
	}
	return held, planned, missing
}
