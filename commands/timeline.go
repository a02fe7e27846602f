package commands

import (
	"context"
	"fmt"

	"wavebot/internal/catalog"
	"wavebot/internal/timeline"
	"wavebot/wave"
)

// timelineCmd answers "timeline ID" with the wave drawn as a PNG Gantt
// chart: a row per forvaltning and activity, coloured by who is
// responsible, today's line, done and overdue marked. Where the web pages
// are set up the picture also has a signed address, for platforms that
// show pictures by address.
func (d *Dispatcher) timelineCmd(ctx context.Context, in Input) (Reply, error) {
	w, err := d.wave(ctx, in.Args[0])
	if err != nil {
		return Reply{}, err
	}
	png, err := d.drawTimeline(w, in.Lang)
	if err != nil {
		return Reply{}, err
	}
	from, to := timelineSpan(w)
	img := &Image{Name: catalog.TimelineFile.In(in.Lang, w.ID), PNG: png,
		Alt: catalog.TimelineAlt.In(in.Lang, len(w.Enrolments), w.ID, len(w.Enrolments), day(in.Lang, from), day(in.Lang, to))}
	if d.cfg.Links != nil {
		img.URL = d.cfg.Links.Timeline(in.Me.ID, w.ID)
	}
	return Reply{Title: catalog.TimelineTitle.In(in.Lang, w.ID, w.Name), Lines: []string{catalog.TimelineLegend.In(in.Lang)}, Image: img}, nil
}

// TimelineImage is wave waveID's timeline as it stands now, in person's
// language, for the signed address that serves it; the error is a
// refusal (an unknown wave) for Refusal to word, or a failure.
func (d *Dispatcher) TimelineImage(ctx context.Context, person, waveID string) ([]byte, error) {
	w, err := d.wave(ctx, waveID)
	if err != nil {
		return nil, err
	}
	return d.drawTimeline(w, d.Lang(ctx, person))
}

// drawTimeline draws wave w as it stands today, in lang.
func (d *Dispatcher) drawTimeline(w wave.Wave, lang string) ([]byte, error) {
	png, err := timeline.PNG(w, d.cfg.Calendar.Today(d.cfg.Clock.Now()), lang)
	if err != nil {
		return nil, fmt.Errorf("draw the timeline of %s: %w", w.ID, err)
	}
	return png, nil
}

// timelineSpan is the first and last due date of a wave's activities.
func timelineSpan(w wave.Wave) (from, to wave.Date) {
	for _, e := range w.Enrolments {
		for _, a := range e.Activities {
			if a.Due.IsZero() {
				continue
			}
			if from.IsZero() || a.Due.Before(from) {
				from = a.Due
			}
			if a.Due.After(to) {
				to = a.Due
			}
		}
	}
	return from, to
}
