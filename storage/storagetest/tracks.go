package storagetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"wavebot/internal/clock"
	"wavebot/storage"
	"wavebot/wave"
)

// testMoveTracks: a store written by an older wavebot, whose enrolments
// carry KØR workflow tracks (and which kept a track of its own for one
// forvaltning), is moved to one track per forvaltning by replicas
// starting at once: the most advanced track is kept, the others are named
// once, in one audit event per forvaltning, and the enrolments carry
// none; a later start moves nothing.
func testMoveTracks(t *testing.T, s storage.Store, _ *clock.Fake) {
	ctx := context.Background()
	b3, b4 := NewWave(t, "b3", "BUF", "SUF"), NewWave(t, "b4", "BUF")
	for _, w := range []*wave.Wave{&b3, &b4} {
		for i := range w.Enrolments {
			w.Enrolments[i].Workflow = wave.NewTrack(tpl)
		}
	}
	b3.Enrolments[0].Workflow.Confirm("group", []wave.Party{wave.PartyFV}, "maria", t0)
	b4.Enrolments[0].Workflow.Confirm("group", []wave.Party{wave.PartyFV}, "maria", t0)
	b4.Enrolments[0].Workflow.Confirm("decisions", []wave.Party{wave.PartyFV}, "maria", t0)
	for _, w := range []wave.Wave{b3, b4} {
		if err := s.CreateWave(ctx, w, created(w.ID)); err != nil {
			t.Fatal(err)
		}
	}
	own := legacyTrack("BUF")
	own.Steps[0].Due, _ = wave.ParseDate("2027-02-01")
	if _, err := s.UpdateWorkflow(ctx, own, func(*wave.Workflow) ([]wave.Event, error) { return nil, nil }); err != nil {
		t.Fatal(err)
	}

	const replicas = 5
	var wg sync.WaitGroup
	results := make(chan []wave.TrackMove, replicas)
	for range replicas {
		wg.Go(func() {
			moves, err := storage.MoveTracks(ctx, s, t0)
			if err != nil {
				t.Error(err)
			}
			results <- moves
		})
	}
	wg.Wait()
	close(results)
	var all []string
	for moves := range results {
		for _, m := range moves {
			all = append(all, fmt.Sprintf("%s dropped %q kept %d/%d", m.FV, m.Dropped, m.Done, m.Total))
		}
	}
	slices.Sort(all)
	if got := fmt.Sprint(all); got != `[BUF dropped ["" "b3/BUF"] kept 2/6 SUF dropped [] kept 0/6]` {
		t.Errorf("moves reported = %s", got)
	}
	buf, err := s.Workflow(ctx, "BUF")
	if err != nil {
		t.Fatal(err)
	}
	if done, _ := buf.Steps.Progress(); done != 2 || !slices.Equal(buf.Taken, []string{"b3", "b4"}) {
		t.Errorf("BUF's track: %d done, taken %v", done, buf.Taken)
	}
	if suf, err := s.Workflow(ctx, "SUF"); err != nil || len(suf.Steps) != 6 || !suf.Reminded.Equal(t0) {
		t.Errorf("SUF's track: %+v %v", suf, err)
	}
	waves, err := s.Waves(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range waves {
		for _, e := range w.Enrolments {
			if e.Workflow != nil {
				t.Errorf("%s/%s still carries a track", w.ID, e.FV)
			}
		}
	}
	events, err := s.Events(ctx, "", "BUF", 10)
	if err != nil {
		t.Fatal(err)
	}
	moved := 0
	for _, ev := range events {
		if ev.Action == storage.ActionTrackMoved {
			moved++
			if ev.Before != ",b3/BUF" || ev.After != "2/6" {
				t.Errorf("move event %+v", ev)
			}
		}
	}
	if moved != 1 {
		t.Errorf("%d move events for BUF, want 1", moved)
	}
	if moves, err := storage.MoveTracks(ctx, s, t0); err != nil || moves != nil {
		t.Errorf("a later start moved %v, %v", moves, err)
	}
}
