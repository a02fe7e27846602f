package storage

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"wavebot/wave"
)

// ActionTrackMoved is the audit action of moving enrolments' KØR workflow
// tracks into their forvaltning's: Before lists the tracks that lost
// ("b3/BUF"; "" for the forvaltning's own), After the progress kept ("2/6").
const ActionTrackMoved = "workflow.move"

// errNothingToMove aborts a write that would change nothing.
var errNothingToMove = errors.New("nothing to move")

// MoveTracks moves the KØR workflow tracks that enrolments carry, as
// wavebot kept them before each forvaltning had one track, into their
// forvaltning's track, keeping the most advanced, and clears them from
// the enrolments. It is what a store opened by a newer wavebot does once;
// it is safe to run on every start and from any number of replicas at
// once: each wave's track is taken once (wave.Workflow.Taken), in one
// write of the forvaltning's track with its audit event, and only then
// cleared from the wave. It returns what this call moved, by forvaltning;
// a replica that finds the work done returns nothing.
func MoveTracks(ctx context.Context, s Store, now time.Time) ([]wave.TrackMove, error) {
	waves, err := s.Waves(ctx)
	if err != nil && !errors.Is(err, ErrCorrupt) {
		return nil, fmt.Errorf("move workflow tracks: %w", err)
	}
	srcs := wave.EnrolmentTracks(waves)
	var moves []wave.TrackMove
	for _, fv := range slices.Sorted(maps.Keys(srcs)) {
		var move wave.TrackMove
		_, err := s.UpdateWorkflow(ctx, wave.Workflow{FV: fv, Reminded: now}, func(w *wave.Workflow) ([]wave.Event, error) {
			dropped, changed := w.Take(srcs[fv])
			if !changed {
				return nil, errNothingToMove
			}
			move = wave.TrackMove{FV: fv, Dropped: dropped}
			move.Done, move.Total = w.Steps.Progress()
			return []wave.Event{{At: now, FV: fv, Action: ActionTrackMoved, Before: strings.Join(dropped, ","),
				After: fmt.Sprintf("%d/%d", move.Done, move.Total)}}, nil
		})
		switch {
		case errors.Is(err, errNothingToMove):
		case err != nil:
			return moves, fmt.Errorf("move the workflow tracks of %s: %w", fv, err)
		default:
			moves = append(moves, move)
		}
	}
	for _, w := range waves {
		if !slices.ContainsFunc(w.Enrolments, func(e wave.Enrolment) bool { return len(e.Workflow) > 0 }) {
			continue
		}
		_, err := s.UpdateWave(ctx, w.ID, func(w *wave.Wave) ([]wave.Event, error) {
			cleared := false
			for i := range w.Enrolments {
				if len(w.Enrolments[i].Workflow) > 0 {
					w.Enrolments[i].Workflow, cleared = nil, true
				}
			}
			if !cleared {
				return nil, errNothingToMove
			}
			return nil, nil
		})
		if err != nil && !errors.Is(err, errNothingToMove) {
			return moves, fmt.Errorf("clear the workflow tracks of wave %s: %w", w.ID, err)
		}
	}
	return moves, nil
}
