package wave

import (
	"slices"
	"testing"
	"time"
)

func TestHeldNotices(t *testing.T) {
	noon := time.Date(2027, 2, 16, 11, 0, 0, 0, time.UTC)
	welcome := HeldNotice{Kind: "welcome", FV: "BUF", Occurrence: "o1", Person: "teams:P1", At: noon, Retry: noon.Add(22 * time.Hour)}
	answered := HeldNotice{Kind: "auth-answered", FV: "SUF", Occurrence: "o2", Person: "anna", At: noon, Retry: noon.Add(22 * time.Hour)}
	w := Wave{Reminded: noon.Add(time.Hour)}
	if !w.Hold(welcome) || !w.Hold(answered) || w.Hold(welcome) {
		t.Fatalf("Hold: %+v", w.Held)
	}
	later := welcome
	later.Retry, later.At = welcome.Retry.Add(24*time.Hour), noon.Add(time.Hour)
	if !w.Hold(later) || !w.Held[0].Retry.Equal(later.Retry) || !w.Held[0].At.Equal(noon) {
		t.Errorf("holding again moves the retry and keeps when it first fell due: %+v", w.Held[0])
	}
	// Woken before the watermark: just after it, so the sweeper sees it.
	if !w.WakeHeld("teams:P1", noon) || !w.Held[0].Retry.Equal(w.Reminded.Add(time.Millisecond)) || !w.Held[1].Retry.Equal(answered.Retry) {
		t.Errorf("WakeHeld: %+v", w.Held)
	}
	if w.WakeHeld("maria", noon) || w.WakeHeld("teams:P1", noon) {
		t.Error("woke notices for maria, who has none, or for teams:P1 again")
	}
	if got := w.HeldFor("anna"); len(got) != 1 || got[0].Kind != "auth-answered" {
		t.Errorf("HeldFor(anna) = %+v", got)
	}
	// Linking teams:P1 to anna: the notice is anna's, and held once.
	w.Hold(HeldNotice{Kind: "welcome", FV: "BUF", Occurrence: "o1", Person: "anna", At: noon, Retry: noon.Add(22 * time.Hour)})
	if !w.ReplacePerson("teams:P1", "anna") || len(w.Held) != 2 || len(w.HeldFor("anna")) != 2 {
		t.Errorf("after ReplacePerson: %+v", w.Held)
	}
	if !w.Unhold(HeldNotice{Kind: "welcome", FV: "BUF", Occurrence: "o1", Person: "anna"}) || w.Unhold(welcome) || len(w.Held) != 1 {
		t.Errorf("after Unhold: %+v", w.Held)
	}
}

func TestAbsorbTakesWhatWaits(t *testing.T) {
	p := Person{ID: "maria", Waiting: []string{"b3"}}
	p.Absorb(Person{ID: "teams:P1", Waiting: []string{"b4", "b3"}})
	if !slices.Equal(p.Waiting, []string{"b3", "b4"}) {
		t.Errorf("waiting %v", p.Waiting)
	}
}
