package wave

import (
	"maps"
	"slices"
)

// Clone returns a deep copy of w: a change to the one never shows in the
// other.
func (w Wave) Clone() Wave {
	w.Enrolments = cloneEach(w.Enrolments, Enrolment.clone)
	w.Snoozes = slices.Clone(w.Snoozes)
	w.DeliveryFailures = slices.Clone(w.DeliveryFailures)
	w.Held = slices.Clone(w.Held)
	w.Notices = cloneEach(w.Notices, func(n Notice) Notice {
		n.To = slices.Clone(n.To)
		return n
	})
	w.Subscriptions = slices.Clone(w.Subscriptions)
	w.Closed = clonePointer(w.Closed)
	return w
}

// Clone returns a deep copy of p.
func (p Person) Clone() Person {
	p.Addresses = maps.Clone(p.Addresses)
	p.Links = slices.Clone(p.Links)
	p.Waiting = slices.Clone(p.Waiting)
	return p
}

func (e Enrolment) clone() Enrolment {
	e.Contacts = slices.Clone(e.Contacts)
	e.ContactSince = maps.Clone(e.ContactSince)
	e.Activities = cloneEach(e.Activities, func(a Activity) Activity {
		a.Parts = a.Parts.clone()
		return a
	})
	e.Auth = clonePointer(e.Auth)
	e.Training = clonePointer(e.Training)
	e.Workflow = cloneEach(e.Workflow, func(s WorkflowStep) WorkflowStep {
		s.Parts = s.Parts.clone()
		return s
	})
	e.EvalNotes = slices.Clone(e.EvalNotes)
	e.Units = slices.Clone(e.Units)
	e.Meetings = cloneEach(e.Meetings, func(m Meeting) Meeting {
		m.Units = slices.Clone(m.Units)
		return m
	})
	return e
}

func (p Parts) clone() Parts {
	return Parts{KS: clonePointer(p.KS), FV: clonePointer(p.FV)}
}

// cloneEach copies s, each element through clone; nil stays nil.
func cloneEach[S ~[]E, E any](s S, clone func(E) E) S {
	if s == nil {
		return nil
	}
	out := make(S, len(s))
	for i, e := range s {
		out[i] = clone(e)
	}
	return out
}

// clonePointer points to a copy of what p points to; nil stays nil.
func clonePointer[T any](p *T) *T {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}
