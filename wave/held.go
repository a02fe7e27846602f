package wave

import (
	"slices"
	"time"
)

// HeldNotice is a one-off notice (a welcome, an answer the KS lead is told
// of) that no chat platform of the deployment could bring its person when
// it fell due. It waits on the wave under the key it was due with, so it
// still goes out once, and is tried again at Retry: at a later sending
// time, or at once when the person becomes reachable (WakeHeld). The
// reminder engine gives it up after a while.
type HeldNotice struct {
	Kind string `json:"kind"`
	FV   string `json:"fv"`
	// Item, Date and About are the notice's activity or step, date and
	// the person it is about, as it was due with them.
	Item  string `json:"item,omitempty"`
	Date  Date   `json:"date,omitzero"`
	About string `json:"about,omitempty"`
	// Occurrence tells the notice apart from others of its kind, as its
	// key does.
	Occurrence string `json:"occurrence"`
	Person     string `json:"person"`
	// At is when the notice first fell due; Retry when it is tried next.
	At    time.Time `json:"at"`
	Retry time.Time `json:"retry"`
}

// same reports whether h and o are one notice to one person.
func (h HeldNotice) same(o HeldNotice) bool {
	return h.Kind == o.Kind && h.FV == o.FV && h.Item == o.Item && h.Occurrence == o.Occurrence && h.Person == o.Person
}

// Hold records n, or gives the same notice held already n's retry; it
// reports whether anything changed. The notice keeps the time it first
// fell due.
func (w *Wave) Hold(n HeldNotice) bool {
	i := slices.IndexFunc(w.Held, n.same)
	if i < 0 {
		w.Held = append(w.Held, n)
		return true
	}
	if w.Held[i].Retry.Equal(n.Retry) {
		return false
	}
	w.Held[i].Retry = n.Retry
	return true
}

// Unhold forgets the held notice n names, once it went out or was given
// up; it reports whether one was held.
func (w *Wave) Unhold(n HeldNotice) bool {
	before := len(w.Held)
	w.Held = slices.DeleteFunc(w.Held, n.same)
	return len(w.Held) < before
}

// WakeHeld makes the notices held for person due at now (or just after
// the watermark, when now is not after it): the person became reachable.
// It reports whether it moved any; one due already stays as it is.
func (w *Wave) WakeHeld(person string, now time.Time) bool {
	at := w.NoticeAt(now)
	woken := false
	for i := range w.Held {
		if h := &w.Held[i]; h.Person == person && h.Retry.After(at) {
			h.Retry, woken = at, true
		}
	}
	return woken
}

// HeldFor lists the notices held for person.
func (w *Wave) HeldFor(person string) []HeldNotice {
	var out []HeldNotice
	for _, h := range w.Held {
		if h.Person == person {
			out = append(out, h)
		}
	}
	return out
}
