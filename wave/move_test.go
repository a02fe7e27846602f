package wave

import (
	"slices"
	"testing"
	"time"
)

// TestMoveKeepsWhatPeopleSet: moving the start a week moves the template's
// dates a week (five business days) and keeps the dates set by hand and
// those of closed activities.
func TestMoveKeepsWhatPeopleSet(t *testing.T) {
	w := enrolled(t, "BUF")
	e, _ := w.Enrolment("BUF")
	before := slices.Clone(e.Activities)
	pc, _ := e.Activity("pc")
	pc.Due, pc.DueByHand = day("2027-01-26"), true
	e.SetStatus("info", StatusDone, "", "maria", planned)
	moved, kept := w.Move(day("2027-02-08"), DefaultTemplate(), Copenhagen(), planned)
	if w.Start != day("2027-02-08") {
		t.Errorf("start = %v", w.Start)
	}
	if len(kept) != 1 || kept[0].Key != "pc" || kept[0].To != day("2027-01-26") {
		t.Errorf("kept = %+v", kept)
	}
	if len(moved) != 7 {
		t.Errorf("moved %d activities, want 7 (not info, not pc): %+v", len(moved), moved)
	}
	for i, a := range e.Activities {
		switch a.Key {
		case "info":
			if a.Due != before[i].Due {
				t.Errorf("done info moved to %v", a.Due)
			}
		case "pc":
			if a.Due != day("2027-01-26") {
				t.Errorf("pc, set by hand, moved to %v", a.Due)
			}
		default:
			if want := before[i].Due.AddDays(7); a.Due != want {
				t.Errorf("%s due %v, want %v", a.Key, a.Due, want)
			}
		}
	}
}

// TestMoveNeverMakesADatePassed: a template date that has passed by the
// move goes to the coming business days, in the template's order.
func TestMoveNeverMakesADatePassed(t *testing.T) {
	w := enrolled(t, "BUF")
	c := Copenhagen()
	later := time.Date(2027, 1, 20, 12, 0, 0, 0, time.UTC) // Wednesday
	moved, _ := w.Move(day("2027-02-03"), DefaultTemplate(), c, later)
	e, _ := w.Enrolment("BUF")
	kickoff, _ := e.Activity("kickoff")
	info, _ := e.Activity("info")
	if kickoff.Due != day("2027-01-21") || info.Due != day("2027-01-22") {
		t.Errorf("kickoff %v, info %v: want the next business days", kickoff.Due, info.Due)
	}
	for _, m := range moved {
		if m.To.Before(c.Today(later)) {
			t.Errorf("%s moved into the past: %v", m.Key, m.To)
		}
	}
}
