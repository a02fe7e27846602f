package wave

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestCloseNeedsEveryEvaluationHeld(t *testing.T) {
	w := enrolled(t, "BUF", "SUF")
	err := w.Close("anna", now)
	var open *OpenEvaluationsError
	if !errors.As(err, &open) || !errors.Is(err, ErrOpenEvaluations) || !slices.Equal(open.FVs, []string{"BUF", "SUF"}) {
		t.Fatalf("Close with open evaluations = %v", err)
	}
	if w.IsClosed() {
		t.Fatal("a refused close closed the wave")
	}
	buf, _ := w.Enrolment("BUF")
	buf.Confirm(EvaluationActivity, []Party{PartyKS}, "", "anna", now)
	buf.Confirm(EvaluationActivity, []Party{PartyFV}, "", "maria", now)
	suf, _ := w.Enrolment("SUF")
	suf.SetStatus(EvaluationActivity, StatusSkipped, "ingen brugere", "anna", now)
	if err := w.Close("anna", now); err != nil || !w.IsClosed() || w.Closed.By != "anna" {
		t.Fatalf("Close = %v, closed %+v", err, w.Closed)
	}
}

func TestEvalNotesAreKeptOnce(t *testing.T) {
	w := enrolled(t, "BUF")
	e, _ := w.Enrolment("BUF")
	if !e.AddEvalNote(EvalNote{Text: "god proces", By: "maria", At: now}) || e.AddEvalNote(EvalNote{Text: "god proces", By: "anna", At: now}) {
		t.Error("the same note was not kept exactly once")
	}
	if !e.AddEvalNote(EvalNote{Text: "flere brugervejledninger", By: "anna", At: now}) || len(e.EvalNotes) != 2 {
		t.Errorf("notes = %+v", e.EvalNotes)
	}
}

func TestDoneAtIsTheLastConfirmation(t *testing.T) {
	w := enrolled(t, "BUF")
	e, _ := w.Enrolment("BUF")
	if !e.Activities[0].DoneAt().IsZero() {
		t.Error("an open activity has a done time")
	}
	e.Confirm("kickoff", []Party{PartyKS}, "", "anna", now)
	e.Confirm("kickoff", []Party{PartyFV}, "", "maria", now.Add(48*time.Hour))
	e.SetStatus("kickoff", StatusDone, "en note bagefter", "anna", now.Add(96*time.Hour))
	a, _ := e.Activity("kickoff")
	if got := a.DoneAt(); !got.Equal(now.Add(48 * time.Hour)) {
		t.Errorf("DoneAt = %v, want the forvaltning's confirmation", got)
	}
	e.Auth = &AuthRequest{State: AuthAnswered}
	e.ApplyAuth("anna", now.Add(time.Hour))
	auth, _ := e.Activity(AuthActivity)
	if got := auth.DoneAt(); !got.Equal(now.Add(time.Hour)) {
		t.Errorf("auth DoneAt = %v", got)
	}
}

// TestEvaluationsClosedAndTheForvaltningsNote: a wave is ready to close
// when every evaluation is held or skipped, as of the last of them; a
// note counts as the forvaltning's when written for it, or, from before
// sides were recorded, by one of its contacts.
func TestEvaluationsClosedAndTheForvaltningsNote(t *testing.T) {
	w := enrolled(t, "BUF", "SUF")
	if _, ok := w.EvaluationsClosed(); ok {
		t.Fatal("ready with both evaluations open")
	}
	buf, suf := &w.Enrolments[0], &w.Enrolments[1]
	buf.SetStatus(EvaluationActivity, StatusDone, "", "anna", now)
	if _, ok := w.EvaluationsClosed(); ok {
		t.Fatal("ready with SUF's evaluation open")
	}
	suf.SetStatus(EvaluationActivity, StatusSkipped, "ingen brugere", "anna", now.Add(time.Hour))
	if last, ok := w.EvaluationsClosed(); !ok || !last.Equal(now.Add(time.Hour)) {
		t.Errorf("ready = %v as of %v", ok, last)
	}
	w.Closed = &Closure{By: "anna", At: now}
	if _, ok := w.EvaluationsClosed(); ok {
		t.Error("a closed wave is ready to close")
	}
	buf.AddContacts(time.Time{}, "maria")
	buf.AddEvalNote(EvalNote{Text: "fra KS", By: "anna", At: now, Side: PartyKS})
	if buf.FVNoted() {
		t.Error("KS's note counts as the forvaltning's")
	}
	buf.AddEvalNote(EvalNote{Text: "fra før", By: "maria", At: now})
	if !buf.FVNoted() {
		t.Error("an old note by the contact does not count")
	}
	suf.AddEvalNote(EvalNote{Text: "vores", By: "søren", At: now, Side: PartyFV})
	if !suf.FVNoted() {
		t.Error("the forvaltning's note does not count")
	}
}
