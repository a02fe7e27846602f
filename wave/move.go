package wave

import "time"

// Moved is an activity of one enrolment whose date moving the wave
// changed (From to To), or, among the kept, one set by hand that stays.
type Moved struct {
	FV, Key  string
	From, To Date
}

// Move moves the wave's start to start and with it every open activity's
// date that is the template's: counted again from the new start by t, and,
// when that day has passed by now, moved to the coming business days in
// the template's order, as at enrolment. Dates set by hand (DueByHand) and
// those of done or skipped activities stay; Move returns what moved and,
// in kept, the open activities whose hand-set dates stayed.
func (w *Wave) Move(start Date, t Template, c *Calendar, now time.Time) (moved, kept []Moved) {
	w.Start = start
	first := c.NextBusinessDay(start)
	today := c.Today(now)
	for i := range w.Enrolments {
		e := &w.Enrolments[i]
		next := today
		for _, s := range t.Activities {
			a, err := e.Activity(s.Key)
			if err != nil || a.Status.Closed() {
				continue
			}
			if a.DueByHand {
				kept = append(kept, Moved{FV: e.FV, Key: a.Key, From: a.Due, To: a.Due})
				continue
			}
			due := c.AddBusinessDays(first, s.Due)
			if due.Before(today) {
				next = c.AddBusinessDays(next, 1)
				due = next
			}
			if due != a.Due {
				moved = append(moved, Moved{FV: e.FV, Key: a.Key, From: a.Due, To: due})
				a.Due = due
			}
		}
	}
	return moved, kept
}
