package wave

import (
	"slices"
	"time"
)

// Snooze is one person deferring their reminders about one subject of a
// wave: an enrolment (its authorization feedback and contact) or one of its
// activities. Until then the person hears nothing about it; at Until the
// reminder comes back if its cause is still there.
type Snooze struct {
	FV string `json:"fv"`
	// Activity is the activity's key; empty for the enrolment itself.
	Activity string    `json:"activity,omitempty"`
	Person   string    `json:"person"`
	Until    time.Time `json:"until"`
}

// Snooze records s, replacing the person's earlier snooze of the same subject.
func (w *Wave) Snooze(s Snooze) {
	w.Snoozes = slices.DeleteFunc(w.Snoozes, func(o Snooze) bool {
		return o.FV == s.FV && o.Activity == s.Activity && o.Person == s.Person
	})
	w.Snoozes = append(w.Snoozes, s)
}

// SnoozedUntil returns until when person has deferred the subject; false
// when they have not.
func (w *Wave) SnoozedUntil(fv, activity, person string) (time.Time, bool) {
	for _, s := range w.Snoozes {
		if s.FV == fv && s.Activity == activity && s.Person == person {
			return s.Until, true
		}
	}
	return time.Time{}, false
}

// DropSnoozes forgets the snoozes that ended at or before t.
func (w *Wave) DropSnoozes(t time.Time) {
	w.Snoozes = slices.DeleteFunc(w.Snoozes, func(s Snooze) bool { return !s.Until.After(t) })
}

// RemoveContact takes person off the contacts of enrolment fv and forgets
// their snoozes there: they hear nothing more about it. It reports whether
// they were a contact.
func (w *Wave) RemoveContact(fv, person string) bool {
	e, err := w.Enrolment(fv)
	if err != nil || !e.RemoveContact(person) {
		return false
	}
	w.Snoozes = slices.DeleteFunc(w.Snoozes, func(s Snooze) bool { return s.FV == fv && s.Person == person })
	return true
}
