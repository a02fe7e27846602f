package commands

import (
	"context"
	"errors"
	"slices"
	"strings"

	"wavebot/internal/catalog"
	"wavebot/internal/closeout"
	"wavebot/storage"
	"wavebot/wave"
)

// Closing a wave: "wave close ID" after the evaluations stops its
// reminders and freezes it; "eval note ID/FV TEXT" keeps what each
// evaluation showed; "wave report ID" and "wavebot report ID" give the
// close-out report.

// eval is "eval ID/FV DATE" (the evaluation's date) or "eval note ID/FV
// TEXT" (what it showed).
func (d *Dispatcher) eval(ctx context.Context, in Input) (Reply, error) {
	if w := strings.ToLower(in.Args[0]); w == "note" || w == "notat" {
		return d.evalNote(ctx, in)
	}
	switch {
	case len(in.Args) < 2:
		return Reply{}, refuse(catalog.MissingArg, argName(catalog.ArgDate))
	case len(in.Args) > 2:
		return Reply{}, refuse(catalog.TooManyArgs, typed(strings.Join(in.Args[2:], " ")))
	}
	r, day, err := d.refAndDate(in)
	if err != nil {
		return Reply{}, err
	}
	_, e, err := d.enrolment(ctx, r)
	if err != nil {
		return Reply{}, err
	}
	if !KSOrContact.allows(in.Me, e) {
		return Reply{}, forbid(catalog.NotAllowed, catalog.PermKSOrContactOf.In(in.Lang, r.String()))
	}
	return d.setDue(ctx, in, r, wave.EvaluationActivity, day, nil)
}

// evalNote records what an enrolment's evaluation showed, for the
// close-out report: KS or a contact of the enrolment, also after the wave
// is closed; the note keeps the side its writer spoke for, so the report
// says which forvaltninger gave theirs.
func (d *Dispatcher) evalNote(ctx context.Context, in Input) (Reply, error) {
	switch len(in.Args) {
	case 1:
		return Reply{}, refuse(catalog.MissingArg, argName(catalog.ArgRef))
	case 2:
		return Reply{}, refuse(catalog.MissingArg, argName(catalog.ArgText))
	}
	r, err := d.parseRef(in.Args[1])
	if err != nil {
		return Reply{}, err
	}
	text, err := in.note(2)
	if err != nil {
		return Reply{}, err
	}
	_, err = d.updateClosedToo(ctx, r.wave, func(w *wave.Wave) ([]wave.Event, error) {
		e, err := w.Enrolment(r.fv)
		if err != nil {
			return nil, refuse(catalog.NotEnrolled, r.fv, r.wave)
		}
		if !KSOrContact.allows(in.Me, e) {
			return nil, forbid(catalog.NotAllowed, catalog.PermKSOrContactOf.In(in.Lang, r.String()))
		}
		if !e.AddEvalNote(wave.EvalNote{Text: text, By: in.Me.ID, At: in.Now, Side: sides(in.Me, e)[0]}) {
			return nil, unchanged(catalog.EvalNoteUnchanged.In(in.Lang, r))
		}
		return []wave.Event{{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actEvalNote, After: text}}, nil
	})
	if err != nil {
		return Reply{}, err
	}
	return Reply{Lines: []string{catalog.EvalNoteSaved.In(in.Lang, r)}}, nil
}

// waveClose closes a wave whose evaluations are all held or skipped:
// nobody is reminded of it any more, its channels hear that it is closed,
// and it stays readable. The reply is the close-out report.
func (d *Dispatcher) waveClose(ctx context.Context, in Input) (Reply, error) {
	w, err := d.updateClosedToo(ctx, in.Args[0], func(w *wave.Wave) ([]wave.Event, error) {
		if w.IsClosed() {
			return nil, unchanged(catalog.WaveAlreadyClosed.In(in.Lang, w.ID))
		}
		var open *wave.OpenEvaluationsError
		if err := w.Close(in.Me.ID, in.Now); errors.As(err, &open) {
			return nil, refuse(catalog.EvaluationsOpen, w.ID, catalog.List(in.Lang, open.FVs))
		} else if err != nil {
			return nil, err
		}
		d.milestone(w, in, wave.MilestoneClosed, "", "", wave.Date{})
		return []wave.Event{{At: in.Now, Actor: in.Me.ID, Wave: w.ID, Action: actWaveClose}}, nil
	})
	if err != nil {
		return Reply{}, err
	}
	r, err := d.reportReply(ctx, in.Lang, w, 1)
	if err != nil {
		return Reply{}, err
	}
	r.Lines = append([]string{catalog.WaveClosedMsg.In(in.Lang, w.ID)}, r.Lines...)
	return r, nil
}

// waveReport is the close-out report of a wave, closed or not, page n
// of it.
func (d *Dispatcher) waveReport(ctx context.Context, in Input) (Reply, error) {
	n, err := pageArg(in.Args[1:])
	if err != nil {
		return Reply{}, err
	}
	w, err := d.wave(ctx, in.Args[0])
	if err != nil {
		return Reply{}, err
	}
	return d.reportReply(ctx, in.Lang, w, n)
}

// reportReply is page n of the close-out report as a chat reply: per
// forvaltning, its training decision, authorization rounds and
// evaluation notes, then each activity planned against done.
func (d *Dispatcher) reportReply(ctx context.Context, lang string, w wave.Wave, n int) (Reply, error) {
	rep, err := d.report(ctx, w)
	if err != nil {
		return Reply{}, err
	}
	var rows []row
	for _, e := range rep.Enrolments {
		var rounds, notes []string
		for i, rd := range e.Rounds {
			rounds = append(rounds, rd.Text(lang, i+1))
		}
		if len(rounds) == 0 {
			rounds = []string{catalog.ReportNoRounds.In(lang)}
		}
		for _, n := range e.Notes {
			notes = append(notes, closeout.NoteText(lang, n))
		}
		if len(notes) == 0 {
			notes = []string{catalog.ReportNoNotes.In(lang)}
		}
		s := Section{Title: w.ID + "/" + e.FV, Fields: []Field{
			{catalog.LabelTraining.In(lang), e.TrainingText(lang)},
			{catalog.LabelWorkflow.In(lang), e.WorkflowText(lang)},
			{catalog.LabelAuthRounds.In(lang), strings.Join(rounds, "\n")},
			{catalog.LabelMeetings.In(lang), strings.Join(e.MeetingsText(lang, maxNamedUnits), "\n")},
			{catalog.LabelEvalNotes.In(lang), strings.Join(notes, "\n")},
		}}
		for _, a := range e.Activities {
			s.Lines = append(s.Lines, catalog.ReportActivity.In(lang, a.Title(lang), day(lang, a.Planned), a.Outcome(lang)))
		}
		rows = append(rows, sectionRow(s))
	}
	r, err := paged(lang, rep.Heading(lang), rows, n, pageCommand("wave report "+w.ID))
	if err != nil {
		return Reply{}, err
	}
	r.Lines = append([]string{rep.State(lang)}, rep.Noted(lang)...)
	return r, nil
}

// CloseOut is wave id's close-out report, for "wavebot report ID" and
// other readers outside chat; the error is a refusal, say of an unknown
// wave, for Refusal to word.
func (d *Dispatcher) CloseOut(ctx context.Context, id string) (closeout.Report, error) {
	w, err := d.wave(ctx, id)
	if err != nil {
		return closeout.Report{}, err
	}
	return d.report(ctx, w)
}

// report builds wave w's close-out report from the wave and its audit
// trail, which holds the authorization rounds.
func (d *Dispatcher) report(ctx context.Context, w wave.Wave) (closeout.Report, error) {
	c := d.cfg.Calendar
	rep := closeout.Report{Wave: w.ID, Name: w.Name, Start: w.Start, Lead: mentions(catalog.Danish, w.Lead)}
	if w.IsClosed() {
		rep.Closed, rep.ClosedBy = c.Today(w.Closed.At), mentions(catalog.Danish, w.Closed.By)
	}
	events, err := d.cfg.Store.Events(ctx, w.ID, "", maxReportEvents)
	if err != nil {
		return closeout.Report{}, err
	}
	slices.Reverse(events)
	for _, e := range w.Enrolments {
		out := closeout.Enrolment{FV: e.FV, Training: e.Training, FVNoted: e.FVNoted()}
		for _, a := range byDue(e.Activities) {
			ra := closeout.Activity{Key: a.Key, TitleDA: a.TitleDA, TitleEN: a.TitleEN, Responsible: a.Responsible, Planned: a.Due, Status: a.Status, Note: a.Note}
			if at := a.DoneAt(); !at.IsZero() {
				ra.Done = c.Today(at)
				if !a.Due.IsZero() && a.Due.Before(ra.Done) {
					ra.Late = c.BusinessDaysBetween(a.Due, ra.Done)
				}
			}
			if a.Key == wave.TrainingActivity && e.Training != nil && e.Training.Needed {
				out.TrainingDue = a.Due
			}
			out.Activities = append(out.Activities, ra)
		}
		out.Rounds = rounds(c, events, e.FV)
		out.Meetings, out.Units, out.UnitsHeld = reportMeetings(e, c.Today(d.cfg.Clock.Now()))
		switch t, err := d.cfg.Store.Workflow(ctx, e.FV); {
		case errors.Is(err, storage.ErrNotFound):
		case err != nil:
			return closeout.Report{}, err
		default:
			for i := range t.Agreements {
				t.Agreements[i].By = mentions(catalog.Danish, t.Agreements[i].By)
				t.Agreements[i].At = t.Agreements[i].At.In(c.Location())
			}
			out.Workflow = &t
		}
		for _, n := range e.EvalNotes {
			n.By = mentions(catalog.Danish, n.By)
			n.At = n.At.In(c.Location())
			out.Notes = append(out.Notes, n)
		}
		rep.Enrolments = append(rep.Enrolments, out)
	}
	return rep, nil
}

// maxReportEvents bounds the audit trail a report reads: far more than a
// wave of seven forvaltninger writes.
const maxReportEvents = 100000

// rounds reads the authorization rounds of enrolment fv from its wave's
// audit trail, oldest first: a request opens a round, or, while the
// round's request is unanswered, replaces its date; an answer and an
// applying close it.
func rounds(c *wave.Calendar, events []wave.Event, fv string) []closeout.Round {
	var out []closeout.Round
	open := false
	for _, ev := range events {
		if ev.FV != fv {
			continue
		}
		day := c.Today(ev.At)
		switch ev.Action {
		case actAuthRequest:
			due, _ := wave.ParseDate(ev.After)
			if open && out[len(out)-1].Answered.IsZero() {
				out[len(out)-1].Due = due
				continue
			}
			out = append(out, closeout.Round{Asked: day, Due: due})
			open = true
		case actAuthAnswer:
			if open {
				last := &out[len(out)-1]
				last.Answered, last.OK = day, ev.After == authAnswerOK
				if !last.OK {
					last.Note = ev.After
				}
			}
		case actAuthApply:
			if open {
				out[len(out)-1].Applied, open = day, false
			}
		}
	}
	return out
}

// waveListed is one wave in "wave list": closed ones say so.
func waveListed(lang string, w wave.Wave, c *wave.Calendar) string {
	line := catalog.WaveLine.In(lang, w.ID, w.Name, day(lang, w.Start), fvList(lang, w))
	if w.IsClosed() {
		line = catalog.WaveLineClosed.In(lang, line, day(lang, c.Today(w.Closed.At)))
	}
	return line
}

// allFlag reads wave list's optional --all (--alle).
func allFlag(args []string) (bool, error) {
	if len(args) == 0 {
		return false, nil
	}
	switch strings.ToLower(args[0]) {
	case "--all", "--alle", "-a", "all", "alle":
		return true, nil
	}
	return false, refuse(catalog.BadAllFlag, typed(args[0]))
}
