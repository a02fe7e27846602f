package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"wavebot/internal/catalog"
	"wavebot/storage"
	"wavebot/wave"
)

// trackRef reads the first argument of workflow: ID/FV, or FV when the
// forvaltning is enrolled in exactly one wave. A forvaltning's KØR workflow
// track is kept with its enrolment, so it is reminded like its activities.
func (d *Dispatcher) trackRef(ctx context.Context, me wave.Person, arg string) (ref, error) {
	if strings.Contains(arg, "/") {
		return d.parseRef(arg)
	}
	fv, err := d.forvaltning(arg)
	if err != nil {
		return ref{}, err
	}
	waves, err := d.waves(ctx)
	if err != nil {
		return ref{}, err
	}
	var refs []string
	for _, w := range waves {
		if _, err := w.Enrolment(fv); err == nil {
			refs = append(refs, w.ID+"/"+fv)
		}
	}
	switch len(refs) {
	case 0:
		return ref{}, refuse(notEnrolledAnywhere(me, fv), fv)
	case 1:
		return d.parseRef(refs[0])
	}
	return ref{}, refuse(catalog.WorkflowWhich, fv, strings.Join(refs, ", "), refs[0])
}

// fvTrack is forvaltning fv's KØR workflow track as the pages show it: that
// of its enrolment, the first when it has several, the template's steps
// when it has none.
func (d *Dispatcher) fvTrack(ctx context.Context, fv string) (wave.Track, error) {
	waves, err := d.waves(ctx)
	if err != nil {
		return nil, err
	}
	for _, w := range waves {
		if e, err := w.Enrolment(fv); err == nil {
			return d.track(ctx, e)
		}
	}
	return wave.NewTrack(d.cfg.Template), nil
}

// track is the enrolment's KØR workflow track. An enrolment made before
// tracks moved to the enrolments has none: it starts from the
// forvaltning's track as the store kept it, or from the template.
func (d *Dispatcher) track(ctx context.Context, e *wave.Enrolment) (wave.Track, error) {
	if len(e.Workflow) > 0 {
		return e.Workflow, nil
	}
	old, err := d.cfg.Store.Workflow(ctx, e.FV)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return wave.NewTrack(d.cfg.Template), nil
	case err != nil:
		return nil, err
	}
	return old.Steps, nil
}

// workflow shows an enrolment's KØR workflow track, or changes one step:
// "done STEP" confirms the caller's side of it, after the step before it;
// "undo STEP" takes it back before any later step; "due STEP DATE" gives
// it a date, reminded like an activity's.
func (d *Dispatcher) workflow(ctx context.Context, in Input) (Reply, error) {
	r, err := d.trackRef(ctx, in.Me, in.Args[0])
	if err != nil {
		return Reply{}, err
	}
	_, e, err := d.enrolment(ctx, r)
	if err != nil {
		return Reply{}, err
	}
	track, err := d.track(ctx, e)
	if err != nil {
		return Reply{}, err
	}
	if len(in.Args) == 1 {
		s := d.trackSection(in.Lang, r, track, d.cfg.Calendar.Today(in.Now))
		return Reply{Title: s.Title, Progress: s.Progress, Lines: s.Lines}, nil
	}
	if len(in.Args) == 2 && isTemplateWord(in.Args[1]) {
		return d.workflowTemplate(ctx, in, r.fv)
	}
	verb := strings.ToLower(in.Args[1])
	var want int
	switch verb {
	case "done", "færdig", "faerdig", "undo", "fortryd":
		want = 3
	case "due", "frist":
		want = 4
	default:
		return Reply{}, refuse(catalog.UnknownSubcommand, typed(in.Args[1]))
	}
	switch {
	case len(in.Args) == 2:
		return Reply{}, refuse(catalog.MissingArg, argName(catalog.ArgStep))
	case len(in.Args) < want:
		return Reply{}, refuse(catalog.MissingArg, argName(catalog.ArgDate))
	case len(in.Args) > want:
		return Reply{}, refuse(catalog.TooManyArgs, typed(in.restAfter(want)))
	}
	step, ok := d.cfg.Template.Step(in.Args[2])
	if !ok {
		var keys []string
		for _, s := range d.cfg.Template.Workflow {
			keys = append(keys, s.Key)
		}
		return Reply{}, refuse(catalog.UnknownStep, typed(in.Args[2]), strings.Join(keys, ", "))
	}
	var due wave.Date
	if want == 4 {
		if due, err = parseDate(in.Args[3]); err != nil {
			return Reply{}, err
		}
		if err := d.deadline(in.Now, due); err != nil {
			return Reply{}, err
		}
	}
	var line string
	w, err := d.updateEnrolment(ctx, r, func(w *wave.Wave, e *wave.Enrolment) ([]wave.Event, error) {
		if len(e.Workflow) == 0 {
			e.Workflow = slices.Clone(track)
		}
		var evs []wave.Event
		var err error
		switch verb {
		case "due", "frist":
			evs, line, err = d.stepDue(in, w, e, r, step.Key, due)
		case "undo", "fortryd":
			evs, line, err = d.stepUndo(in, w, e, r, step.Key)
		default:
			evs, line, err = d.stepDone(in, w, e, r, step.Key)
		}
		return evs, err
	})
	if err != nil {
		return Reply{}, err
	}
	e, _ = w.Enrolment(r.fv)
	s := d.trackSection(in.Lang, r, e.Workflow, d.cfg.Calendar.Today(in.Now))
	return Reply{Lines: []string{line}, Sections: []Section{s}}, nil
}

// stepDone confirms the caller's sides of step key, in order.
func (d *Dispatcher) stepDone(in Input, w *wave.Wave, e *wave.Enrolment, r ref, key string) ([]wave.Event, string, error) {
	s, _ := e.Workflow.Step(key)
	title, mine := s.Title(in.Lang), sides(in.Me, e)
	if err := mayChange(in.Me, s.Owner, e, r, title); err != nil {
		return nil, "", err
	}
	if s.Done {
		return nil, "", unchanged(catalog.StepAlreadyDone.In(in.Lang, r, title))
	}
	before := s.Parts
	done, err := e.Workflow.Confirm(key, mine, in.Me.ID, in.Now)
	var order *wave.OrderError
	switch {
	case errors.As(err, &order):
		return nil, "", refuse(catalog.StepOrder, r.String(), title, d.stepTitle(in.Lang, order.Blocking))
	case errors.Is(err, wave.ErrConfirmed):
		return nil, "", unchanged(catalog.StepPartUnchanged.In(in.Lang, r, sidePart(mine[0]).In(in.Lang), title, sideName(s.Waiting()).In(in.Lang)))
	case errors.Is(err, wave.ErrSamePerson):
		return nil, "", samePerson(r, before, mine[0], title)
	case err != nil:
		return nil, "", err
	}
	evs, confirmed := partEvents(in, w, e, actWorkflowPart, key, s.Owner, before, s.Parts)
	if !done {
		return evs, catalog.StepPartConfirmed.In(in.Lang, r, sidePart(confirmed[0]).In(in.Lang), title, sideName(s.Waiting()).In(in.Lang)), nil
	}
	evs = append(evs, wave.Event{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actWorkflowStep, Item: key, Before: "false", After: "true"})
	return evs, catalog.StepMarked.In(in.Lang, r, title), nil
}

// stepUndo takes step key back, before any later step.
func (d *Dispatcher) stepUndo(in Input, w *wave.Wave, e *wave.Enrolment, r ref, key string) ([]wave.Event, string, error) {
	s, _ := e.Workflow.Step(key)
	title := s.Title(in.Lang)
	if err := mayChange(in.Me, s.Owner, e, r, title); err != nil {
		return nil, "", err
	}
	wasDone := s.Done
	changed, err := e.Workflow.Undo(key)
	var order *wave.OrderError
	switch {
	case errors.As(err, &order):
		return nil, "", refuse(catalog.StepUndoOrder, r.String(), title, d.stepTitle(in.Lang, order.Blocking))
	case err != nil:
		return nil, "", err
	case !changed:
		return nil, "", unchanged(catalog.StepNotDone.In(in.Lang, r, title))
	}
	return []wave.Event{{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actWorkflowStep, Item: key,
		Before: fmt.Sprint(wasDone), After: "false"}}, catalog.StepUndone.In(in.Lang, r, title), nil
}

// stepDue gives step key a date: KS any step, a contact of the
// enrolment the forvaltning's and the shared ones. A done step keeps the
// date it had.
func (d *Dispatcher) stepDue(in Input, w *wave.Wave, e *wave.Enrolment, r ref, key string, due wave.Date) ([]wave.Event, string, error) {
	s, _ := e.Workflow.Step(key)
	title := s.Title(in.Lang)
	if err := mayChange(in.Me, s.Owner, e, r, title); err != nil {
		return nil, "", err
	}
	if s.Done {
		return nil, "", refuse(catalog.StepDueOfDone, r, title)
	}
	if s.Due == due {
		return nil, "", unchanged(catalog.StepDueUnchanged.In(in.Lang, r, title, day(in.Lang, due)))
	}
	before := s.Due
	s.Due = due
	return []wave.Event{{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actWorkflowDue, Item: key,
		Before: before.String(), After: due.String()}}, catalog.StepDueSet.In(in.Lang, r, title, day(in.Lang, due)), nil
}

// trackSection shows a track: each step with its owner, date and who has
// done it or what it waits for.
func (d *Dispatcher) trackSection(lang string, r ref, track wave.Track, today wave.Date) Section {
	done, total := track.Progress()
	s := Section{Title: catalog.WorkflowTitle.In(lang, r), Progress: &Progress{Done: done, Total: total, Text: progressText(lang, done, 0, total)}}
	for _, st := range track {
		mark := "○"
		switch {
		case st.Done:
			mark = "✓"
		case st.Parts != (wave.Parts{}):
			mark = "◐"
		}
		line := fmt.Sprintf("%s %s – %s (%s)", mark, st.Key, st.Title(lang), st.Owner)
		if !st.Due.IsZero() {
			line += " – " + day(lang, st.Due)
		}
		switch waiting := st.Waiting(); {
		case st.Done:
			line += " – " + mentions(lang, st.DoneBy)
		case len(waiting) == 1 && st.Owner == wave.PartyBoth:
			line += " – " + catalog.WaitingFor.In(lang, sideName(waiting).In(lang))
		}
		if !st.Done && !st.Due.IsZero() && st.Due.Before(today) {
			line += " – " + catalog.Overdue.In(lang)
		}
		s.Lines = append(s.Lines, line)
	}
	return s
}

// stepTitle is the title of workflow step key in lang, from the template.
func (d *Dispatcher) stepTitle(lang, key string) string {
	if s, ok := d.cfg.Template.Step(key); ok {
		return wave.WorkflowStep{TitleDA: s.TitleDA, TitleEN: s.TitleEN}.Title(lang)
	}
	return key
}
