package wave

import (
	"testing"
	"time"
)

func TestSnooze(t *testing.T) {
	t0 := time.Date(2027, 2, 12, 8, 0, 0, 0, time.UTC)
	var w Wave
	w.Snooze(Snooze{FV: "BUF", Person: "maria", Until: t0.Add(time.Hour)})
	w.Snooze(Snooze{FV: "BUF", Activity: "pc", Person: "maria", Until: t0.Add(2 * time.Hour)})
	w.Snooze(Snooze{FV: "BUF", Person: "anna", Until: t0.Add(3 * time.Hour)})
	// A second snooze of the same subject by the same person replaces the first.
	w.Snooze(Snooze{FV: "BUF", Person: "maria", Until: t0.Add(4 * time.Hour)})
	for _, tc := range []struct {
		fv, activity, person string
		want                 time.Duration
		ok                   bool
	}{
		{"BUF", "", "maria", 4 * time.Hour, true},
		{"BUF", "pc", "maria", 2 * time.Hour, true},
		{"BUF", "", "anna", 3 * time.Hour, true},
		{"BUF", "pc", "anna", 0, false},
		{"SUF", "", "maria", 0, false},
	} {
		until, ok := w.SnoozedUntil(tc.fv, tc.activity, tc.person)
		if ok != tc.ok || (ok && !until.Equal(t0.Add(tc.want))) {
			t.Errorf("%s/%s for %s: %v %v, want %v %v", tc.fv, tc.activity, tc.person, until, ok, t0.Add(tc.want), tc.ok)
		}
	}
	if len(w.Snoozes) != 3 {
		t.Errorf("%d snoozes, want 3", len(w.Snoozes))
	}
	w.DropSnoozes(t0.Add(3 * time.Hour))
	if len(w.Snoozes) != 1 || w.Snoozes[0].Person != "maria" || w.Snoozes[0].Activity != "" {
		t.Errorf("after dropping those ended by 3h: %+v", w.Snoozes)
	}
}
