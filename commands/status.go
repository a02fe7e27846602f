package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"wavebot/catalog"
	"wavebot/wave"
)

func (d *Dispatcher) status(ctx context.Context, in Input) (Reply, error) {
	today := d.cfg.Calendar.Today(in.Now)
	if len(in.Args) == 0 {
		return d.statusAll(ctx, in, today)
	}
	if !strings.Contains(in.Args[0], "/") {
		w, err := d.wave(ctx, in.Args[0])
		if err != nil {
			return Reply{}, err
		}
		r := Reply{
			Title:  catalog.WaveTitle.In(in.Lang, w.ID, w.Name),
			Fields: []Field{{catalog.LabelStart.In(in.Lang), day(in.Lang, w.Start)}, {catalog.LabelLead.In(in.Lang), mentions(in.Lang, w.Lead)}},
		}
		if len(w.Enrolments) == 0 {
			r.Lines = []string{catalog.NoEnrolments.In(in.Lang, w.ID)}
		}
		for _, e := range w.Enrolments {
			r.Sections = append(r.Sections, d.enrolmentSection(in.Lang, w, e, today))
		}
		return r, nil
	}
	ref, err := d.parseRef(in.Args[0])
	if err != nil {
		return Reply{}, err
	}
	w, e, err := d.enrolment(ctx, ref)
	if err != nil {
		return Reply{}, err
	}
	s := d.enrolmentSection(in.Lang, w, *e, today)
	r := Reply{Title: catalog.EnrolmentTitle.In(in.Lang, ref, w.Name), Progress: s.Progress, Fields: s.Fields}
	for _, a := range e.Activities {
		r.Lines = append(r.Lines, activityLine(in.Lang, a, today))
	}
	if e.Auth != nil && e.Auth.State == wave.AuthRequested && in.Me.IsContactOf(e.FV) {
		r.Actions = append(r.Actions, Action{Label: catalog.ButtonAuthOK.In(in.Lang), Command: "auth ok " + ref.String()})
	}
	return r, nil
}

func (d *Dispatcher) statusAll(ctx context.Context, in Input, today wave.Date) (Reply, error) {
	waves, err := d.waves(ctx)
	if err != nil {
		return Reply{}, err
	}
	r := Reply{Title: catalog.ActiveWavesTitle.In(in.Lang)}
	for _, w := range waves {
		if !active(w) {
			continue
		}
		s := Section{Title: catalog.WaveLine.In(in.Lang, w.ID, w.Name, day(in.Lang, w.Start), fvList(in.Lang, w)), Progress: &Progress{}}
		for _, e := range w.Enrolments {
			p := progress(in.Lang, e)
			s.Progress.Done += p.Done
			s.Progress.Skipped += p.Skipped
			s.Progress.Total += p.Total
			overdue := len(e.Overdue(today))
			s.Lines = append(s.Lines, catalog.EnrolmentSummary.In(in.Lang, e.FV, p.Text, catalog.OverdueCount.In(in.Lang, overdue, overdue), d.nextDeadlineText(in.Lang, e, today)))
		}
		s.Progress.Text = progressText(in.Lang, s.Progress.Done, s.Progress.Skipped, s.Progress.Total)
		r.Sections = append(r.Sections, s)
	}
	if len(r.Sections) == 0 {
		r.Lines = []string{catalog.NoActiveWaves.In(in.Lang)}
	}
	return r, nil
}

// active reports whether a wave still has work: no enrolments yet, or an
// open activity somewhere.
func active(w wave.Wave) bool {
	if len(w.Enrolments) == 0 {
		return true
	}
	for _, e := range w.Enrolments {
		if done, total := e.Progress(); done < total {
			return true
		}
	}
	return false
}

// enrolmentSection summarises one enrolment: progress, contact, the
// authorization feedback, the next deadline and what is overdue.
func (d *Dispatcher) enrolmentSection(lang string, w wave.Wave, e wave.Enrolment, today wave.Date) Section {
	ref := w.ID + "/" + e.FV
	contacts := mentions(lang, e.Contacts...)
	if len(e.Contacts) == 0 {
		contacts = catalog.NoContact.In(lang, ref)
	}
	overdue := catalog.None.In(lang)
	if od := e.Overdue(today); len(od) > 0 {
		var titles []string
		for _, a := range od {
			titles = append(titles, a.Title(lang))
		}
		overdue = fmt.Sprintf("%d: %s", len(od), catalog.List(lang, titles))
	}
	return Section{
		Title:    ref,
		Progress: progress(lang, e),
		Fields: []Field{
			{catalog.LabelContacts.In(lang, max(len(e.Contacts), 1)), contacts},
			{catalog.LabelAuth.In(lang), authText(lang, e.Auth, today)},
			{catalog.LabelNext.In(lang), d.nextDeadlineText(lang, e, today)},
			{catalog.LabelOverdue.In(lang), overdue},
		},
	}
}

// nextDeadlineText names the enrolment's next deadline by its date and
// what is due: "25. januar 2027 – Uddannelse af brugere".
func (d *Dispatcher) nextDeadlineText(lang string, e wave.Enrolment, today wave.Date) string {
	next, ok := e.NextDeadline(today)
	switch {
	case !ok:
		return "–"
	case next.Activity == nil:
		return catalog.DeadlineAuth.In(lang, day(lang, next.Due))
	default:
		return catalog.DeadlineActivity.In(lang, day(lang, next.Due), next.Activity.Title(lang))
	}
}

func authText(lang string, a *wave.AuthRequest, today wave.Date) string {
	switch {
	case a == nil:
		return catalog.AuthNone.In(lang)
	case a.State == wave.AuthRequested && a.Due.Before(today):
		return catalog.AuthStateOverdue.In(lang, day(lang, a.Due))
	case a.State == wave.AuthRequested:
		return catalog.AuthStateRequested.In(lang, day(lang, a.Due))
	case a.State == wave.AuthAnswered && a.OK:
		return catalog.AuthStateAnsweredOK.In(lang, mentions(lang, a.AnsweredBy))
	case a.State == wave.AuthAnswered:
		return catalog.AuthStateAnsweredFix.In(lang, mentions(lang, a.AnsweredBy), a.Note)
	default:
		return catalog.AuthStateApplied.In(lang, mentions(lang, a.AppliedBy))
	}
}

var statusMark = map[wave.Status]string{
	wave.StatusTodo: "○", wave.StatusDoing: "◐", wave.StatusDone: "✓", wave.StatusBlocked: "✗", wave.StatusSkipped: "–",
}

var statusName = map[wave.Status]catalog.Message{
	wave.StatusTodo: catalog.StatusTodo, wave.StatusDoing: catalog.StatusDoing, wave.StatusDone: catalog.StatusDone,
	wave.StatusBlocked: catalog.StatusBlocked, wave.StatusSkipped: catalog.StatusSkipped,
}

func activityLine(lang string, a wave.Activity, today wave.Date) string {
	line := fmt.Sprintf("%s %s – %s (%s) – %s – %s", statusMark[a.Status], a.Key, a.Title(lang), a.Responsible, day(lang, a.Due), statusName[a.Status].In(lang))
	if !a.Status.Closed() && a.Due.Before(today) {
		line += " – " + catalog.Overdue.In(lang)
	}
	if a.Note != "" {
		line += " – " + a.Note
	}
	return line
}

// task is one thing a person should do, for "my".
type task struct {
	due  wave.Date
	line string
}

func (d *Dispatcher) my(ctx context.Context, in Input) (Reply, error) {
	waves, err := d.waves(ctx)
	if err != nil {
		return Reply{}, err
	}
	today := d.cfg.Calendar.Today(in.Now)
	var tasks []task
	add := func(due wave.Date, m catalog.Message, args ...any) {
		line := m.In(in.Lang, args...)
		if due.Before(today) {
			line += " – " + catalog.Overdue.In(in.Lang)
		}
		tasks = append(tasks, task{due, line})
	}
	for _, w := range waves {
		lead := w.Lead == in.Me.ID
		for _, e := range w.Enrolments {
			contact := e.HasContact(in.Me.ID) || in.Me.IsContactOf(e.FV)
			ref := w.ID + "/" + e.FV
			for _, a := range e.Activities {
				if !a.Status.Closed() && ((contact && a.Responsible.IncludesFV()) || (lead && a.Responsible.IncludesKS())) {
					add(a.Due, catalog.TaskActivity, day(in.Lang, a.Due), ref, a.Key, a.Title(in.Lang))
				}
			}
			switch {
			case e.Auth == nil:
			case contact && e.Auth.State == wave.AuthRequested:
				add(e.Auth.Due, catalog.TaskAuthAnswer, day(in.Lang, e.Auth.Due), ref)
			case lead && e.Auth.State == wave.AuthAnswered:
				add(e.Auth.Due, catalog.TaskAuthApply, day(in.Lang, e.Auth.Due), ref)
			}
		}
	}
	slices.SortStableFunc(tasks, func(a, b task) int { return a.due.Compare(b.due) })
	r := Reply{Title: catalog.MyTitle.In(in.Lang, mentions(in.Lang, in.Me.ID))}
	for _, t := range tasks {
		r.Lines = append(r.Lines, t.line)
	}
	if len(tasks) == 0 {
		r.Lines = []string{catalog.NoTasks.In(in.Lang)}
	}
	return r, nil
}
