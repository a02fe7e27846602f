package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"wavebot/internal/catalog"
	"wavebot/notify"
	"wavebot/storage"
	"wavebot/wave"
)

func (d *Dispatcher) status(ctx context.Context, in Input) (Reply, error) {
	today := d.cfg.Calendar.Today(in.Now)
	if len(in.Args) == 0 {
		return d.statusAll(ctx, in, today)
	}
	if !strings.Contains(in.Args[0], "/") {
		w, fv, err := d.waveOrFV(ctx, in.Args[0])
		switch {
		case err != nil:
			return Reply{}, err
		case fv != "":
			n, err := pageArg(in.Args[1:])
			if err != nil {
				return Reply{}, err
			}
			return d.statusFV(ctx, in, fv, today, n)
		case len(in.Args) > 1:
			return Reply{}, refuse(catalog.TooManyArgs, typed(in.Args[1]))
		}
		r := Reply{
			Title:  catalog.WaveTitle.In(in.Lang, w.ID, w.Name),
			Fields: []Field{{catalog.LabelStart.In(in.Lang), day(in.Lang, w.Start)}, {catalog.LabelLead.In(in.Lang), mentions(in.Lang, w.Lead)}},
		}
		if w.IsClosed() {
			r.Fields = append(r.Fields, Field{catalog.LabelClosed.In(in.Lang), d.closedText(in.Lang, w)})
		}
		if len(w.Enrolments) == 0 {
			r.Lines = []string{catalog.NoEnrolments.In(in.Lang, w.ID)}
		}
		for _, e := range w.Enrolments {
			r.Sections = append(r.Sections, d.enrolmentSection(in.Lang, w, e, today))
		}
		return r, nil
	}
	if len(in.Args) > 1 {
		return Reply{}, refuse(catalog.TooManyArgs, typed(in.Args[1]))
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
	if w.IsClosed() {
		r.Fields = append(r.Fields, Field{catalog.LabelClosed.In(in.Lang), d.closedText(in.Lang, w)})
		today = wave.Date{} // nothing is overdue in a closed wave
	}
	for _, a := range byDue(e.Activities) {
		r.Lines = append(r.Lines, activityLine(in.Lang, *e, a, today))
	}
	if e.Auth != nil && e.Auth.State == wave.AuthRequested && e.HasContact(in.Me.ID) {
		r.Actions = append(r.Actions, Action{Label: catalog.ButtonAuthOK.In(in.Lang), Command: "auth ok " + ref.String()})
	}
	return r, nil
}

// statusFV is a forvaltning across waves: its KØR workflow track, which
// is its own in a wave or not, then each enrolment, statusWaves waves a
// page, the page n.
func (d *Dispatcher) statusFV(ctx context.Context, in Input, fv string, today wave.Date, n int) (Reply, error) {
	waves, err := d.waves(ctx)
	if err != nil {
		return Reply{}, err
	}
	waves = slices.DeleteFunc(waves, func(w wave.Wave) bool { _, err := w.Enrolment(fv); return err != nil })
	pages := max((len(waves)+statusWaves-1)/statusWaves, 1)
	if n > pages {
		return Reply{}, refuse(catalog.OnlyPages.For(pages), pages)
	}
	r := Reply{Title: fv}
	if pages > 1 {
		r.Title += " " + catalog.PageOf.In(in.Lang, n, pages)
	}
	if n < pages {
		r.Actions = []Action{{Label: catalog.ButtonNextPage.In(in.Lang), Command: fmt.Sprintf("status %s %d", fv, n+1)}}
	}
	if n == 1 {
		t, err := d.track(ctx, fv, in.Now)
		if err != nil {
			return Reply{}, err
		}
		r.Sections = append(r.Sections, d.trackSection(in.Lang, t, notify.TrackKS(waves, t), today))
	}
	for _, w := range waves[(n-1)*statusWaves : min(n*statusWaves, len(waves))] {
		e, _ := w.Enrolment(fv)
		s := d.enrolmentSection(in.Lang, w, *e, today)
		if w.IsClosed() {
			s.Fields = append(s.Fields, Field{catalog.LabelClosed.In(in.Lang), d.closedText(in.Lang, w)})
		}
		r.Sections = append(r.Sections, s)
	}
	if len(waves) == 0 {
		r.Lines = []string{catalog.FVInNoWave.In(in.Lang, fv)}
	}
	return r, nil
}

// statusWaves bounds the waves of one page of a forvaltning's status:
// with the track's section on the first, four sections fit a chat message.
const statusWaves = 3

// byDue orders activities by due date, keeping the template's order among
// those due the same day, so no activity is listed before one due earlier.
func byDue(acts []wave.Activity) []wave.Activity {
	out := slices.Clone(acts)
	slices.SortStableFunc(out, func(a, b wave.Activity) int { return a.Due.Compare(b.Due) })
	return out
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

// closedText says when closed wave w was closed and by whom.
func (d *Dispatcher) closedText(lang string, w wave.Wave) string {
	return catalog.ClosedOnBy.In(lang, day(lang, d.cfg.Calendar.Today(w.Closed.At)), mentions(lang, w.Closed.By))
}

// active reports whether a wave still has work: it is not closed, and has
// no enrolments yet or an open activity somewhere.
func active(w wave.Wave) bool {
	if w.IsClosed() {
		return false
	}
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
// authorization feedback, the next deadline and what is overdue. A closed
// wave has no deadlines left and takes no new contact.
func (d *Dispatcher) enrolmentSection(lang string, w wave.Wave, e wave.Enrolment, today wave.Date) Section {
	ref := w.ID + "/" + e.FV
	contacts := mentions(lang, e.Contacts...)
	switch {
	case len(e.Contacts) > 0:
	case w.IsClosed():
		contacts = catalog.NoContactClosed.In(lang)
	default:
		contacts = catalog.NoContact.In(lang, ref)
	}
	if w.IsClosed() {
		auth := authText(lang, e.Auth, d.cfg.Calendar.Today(w.Closed.At))
		if e.Auth == nil {
			auth = catalog.AuthNoneClosed.In(lang)
		}
		return Section{
			Title:    ref,
			Progress: progress(lang, e),
			Fields: []Field{
				{catalog.LabelContacts.In(lang, max(len(e.Contacts), 1)), contacts},
				{catalog.LabelAuth.In(lang), auth},
			},
		}
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
	case next.Apply:
		return catalog.DeadlineApply.In(lang, day(lang, next.Due))
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
		return catalog.AuthStateAnsweredOK.In(lang, mentions(lang, a.AnsweredBy), day(lang, a.ApplyBy))
	case a.State == wave.AuthAnswered:
		return catalog.AuthStateAnsweredFix.In(lang, mentions(lang, a.AnsweredBy), a.Note, day(lang, a.ApplyBy))
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

// activityLine is one activity of enrolment e: its status, the training
// decision, which side a shared activity waits for, and whether it is
// overdue.
func activityLine(lang string, e wave.Enrolment, a wave.Activity, today wave.Date) string {
	status := statusName[a.Status].In(lang)
	if a.Key == wave.TrainingActivity {
		switch t := e.Training; {
		case e.TrainingUndecided():
			status = catalog.TrainingUndecided.In(lang)
		case t != nil && !t.Needed:
			status = catalog.TrainingDecidedNo.In(lang, mentions(lang, t.By))
		case t != nil:
			status += " – " + catalog.TrainingDecidedYes.In(lang, mentions(lang, t.By))
		}
	}
	// Concatenated rather than formatted: a status writes one per activity.
	line := statusMark[a.Status] + " " + a.Key + " – " + a.Title(lang) + " (" + string(a.Responsible) + ") – " + day(lang, a.Due) + " – " + status
	if waiting := a.Waiting(); len(waiting) == 1 && a.Responsible == wave.PartyBoth {
		line += " – " + catalog.WaitingFor.In(lang, sideName(waiting).In(lang))
	}
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

// owes reports whether a person who speaks for sides owes some of waiting.
func owes(sides, waiting []wave.Party) bool {
	return slices.ContainsFunc(waiting, func(p wave.Party) bool { return slices.Contains(sides, p) })
}

// my lists what the caller owes: open activities of their side, the
// training decision, the authorization feedback or applying it, and the
// KØR workflow steps and teaching sessions they owe; by date, undated
// last.
func (d *Dispatcher) my(ctx context.Context, in Input) (Reply, error) {
	waves, err := d.waves(ctx)
	if err != nil {
		return Reply{}, err
	}
	today := d.cfg.Calendar.Today(in.Now)
	var tasks []task
	add := func(due wave.Date, m catalog.Message, args ...any) {
		line := m.In(in.Lang, args...)
		if !due.IsZero() && due.Before(today) {
			line += " – " + catalog.Overdue.In(in.Lang)
		}
		tasks = append(tasks, task{due, line})
	}
	for _, w := range waves {
		if w.IsClosed() {
			continue // a closed wave asks nothing more of anyone
		}
		for _, e := range w.Enrolments {
			var mine []wave.Party
			if w.Lead == in.Me.ID {
				mine = append(mine, wave.PartyKS)
			}
			if e.HasContact(in.Me.ID) {
				mine = append(mine, wave.PartyFV)
			}
			if len(mine) == 0 {
				continue
			}
			ref := w.ID + "/" + e.FV
			for _, a := range e.Activities {
				switch {
				case a.Key == wave.TrainingActivity && e.TrainingUndecided():
					if slices.Contains(mine, wave.PartyFV) {
						add(a.Due, catalog.TaskDecideTraining, day(in.Lang, a.Due), ref)
					}
				case a.Key == wave.AuthActivity:
					// Before a request, asking is KS's move; after it, the feedback is the task.
					if e.Auth == nil && owes(mine, a.Waiting()) && slices.Contains(mine, wave.PartyKS) {
						add(a.Due, catalog.TaskActivity, day(in.Lang, a.Due), ref, a.Key, a.Title(in.Lang))
					}
				case owes(mine, a.Waiting()):
					add(a.Due, catalog.TaskActivity, day(in.Lang, a.Due), ref, a.Key, a.Title(in.Lang))
				}
			}
			switch a := e.Auth; {
			case a == nil:
			case a.State == wave.AuthRequested && slices.Contains(mine, wave.PartyFV):
				add(a.Due, catalog.TaskAuthAnswer, day(in.Lang, a.Due), ref)
			case a.State == wave.AuthAnswered && slices.Contains(mine, wave.PartyKS):
				add(a.ApplyBy, catalog.TaskAuthApply, day(in.Lang, a.ApplyBy), ref)
			}
		}
	}
	if err := d.myTrackTasks(ctx, in, waves, add); err != nil {
		return Reply{}, err
	}
	slices.SortStableFunc(tasks, func(a, b task) int {
		switch {
		case a.due.IsZero() != b.due.IsZero():
			if a.due.IsZero() {
				return 1
			}
			return -1
		}
		return a.due.Compare(b.due)
	})
	r := Reply{Title: catalog.MyTitle.In(in.Lang, mentions(in.Lang, in.Me.ID))}
	for _, t := range tasks {
		r.Lines = append(r.Lines, t.line)
	}
	if len(tasks) == 0 {
		r.Lines = []string{catalog.NoTasks.In(in.Lang)}
	}
	return r, nil
}

// myTrackTasks adds what the caller owes on the forvaltninger's KØR
// workflow tracks: as a contact, or as the KS person who follows a track
// (notify.TrackKS), each open step of their side that may be done now and
// is dated or on a track under way, and KS's teaching sessions not yet
// held.
func (d *Dispatcher) myTrackTasks(ctx context.Context, in Input, waves []wave.Wave, add func(due wave.Date, m catalog.Message, args ...any)) error {
	for _, fv := range d.cfg.Forvaltninger {
		t, err := d.cfg.Store.Workflow(ctx, fv)
		if errors.Is(err, storage.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		t.Steps.Align(d.cfg.Template)
		var mine []wave.Party
		ks := slices.Contains(notify.TrackKS(waves, t), in.Me.ID)
		if ks {
			mine = append(mine, wave.PartyKS)
		}
		if t.HasContact(in.Me.ID) || (ks && t.Agreed(wave.AgreementProjectManagement)) {
			mine = append(mine, wave.PartyFV)
		}
		if len(mine) == 0 {
			continue
		}
		for _, s := range t.Steps {
			if s.Done || !owes(mine, s.Waiting()) || (s.Due.IsZero() && !t.Steps.Started()) {
				continue
			}
			if before, err := t.Steps.Step(s.After); err == nil && !before.Done {
				continue
			}
			when := catalog.StepNoDate.In(in.Lang)
			if !s.Due.IsZero() {
				when = day(in.Lang, s.Due)
			}
			add(s.Due, catalog.TaskStep, when, fv, s.Title(in.Lang))
		}
		for _, session := range t.Teaching {
			if ks && !session.Held {
				add(session.Date, catalog.TaskTeaching, day(in.Lang, session.Date), fv)
			}
		}
	}
	return nil
}
