package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"wavebot/internal/catalog"
	"wavebot/notify"
	"wavebot/wave"
)

func (d *Dispatcher) status(ctx context.Context, in Input) (Reply, error) {
	today := d.cfg.Calendar.Today(in.Now)
	if len(in.Args) == 0 {
		return d.statusAll(ctx, in, today, 1)
	}
	if !strings.Contains(in.Args[0], "/") {
		w, fv, err := d.waveOrFV(ctx, in.Args[0])
		if err != nil && allWord(in.Args[0]) {
			// "status all 2": a wave of that name would have been found.
			n, err := pageArg(in.Args[1:])
			if err != nil {
				return Reply{}, err
			}
			return d.statusAll(ctx, in, today, n)
		}
		if err != nil {
			return Reply{}, err
		}
		n, err := pageArg(in.Args[1:])
		if err != nil {
			return Reply{}, err
		}
		if fv != "" {
			return d.statusFV(ctx, in, fv, today, n)
		}
		return d.statusWave(in, w, today, n)
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
	s := d.enrolmentSection(in.Lang, in.Me, w, *e, today)
	r := Reply{Title: catalog.EnrolmentTitle.In(in.Lang, ref, w.Name), Progress: s.Progress, Fields: s.Fields}
	if in.Me.IsKS() && e.HasContact(in.Me.ID) {
		r.Lines = append(r.Lines, catalog.BothSides.In(in.Lang, ref))
	}
	if w.IsClosed() {
		r.Fields = append(r.Fields, Field{catalog.LabelClosed.In(in.Lang), d.closedText(in.Lang, w)})
		today = wave.Date{} // nothing is overdue in a closed wave
	}
	for _, a := range byDue(e.Activities) {
		r.Lines = append(r.Lines, activityLine(in.Lang, d.activityWord(in.Lang, a.Key), *e, a, today))
	}
	r.Lines = append(r.Lines, meetingLines(in.Lang, w.ID, *e, d.cfg.Calendar.Today(in.Now))...)
	if e.Auth != nil && e.Auth.State == wave.AuthRequested && ContactOnly.allows(in.Me, e) {
		r.Actions = append(r.Actions, Action{Label: catalog.ButtonAuthOK.In(in.Lang), Command: "auth ok " + ref.String()})
	}
	return r, nil
}

// statusWave is a wave's enrolments, a section each, page n of them.
func (d *Dispatcher) statusWave(in Input, w wave.Wave, today wave.Date, n int) (Reply, error) {
	var rows []row
	for _, e := range w.Enrolments {
		rows = append(rows, sectionRow(d.enrolmentSection(in.Lang, in.Me, w, e, today)))
	}
	r, err := paged(in.Lang, catalog.WaveTitle.In(in.Lang, w.ID, w.Name), rows, n, pageCommand("status "+w.ID))
	if err != nil {
		return Reply{}, err
	}
	r.Fields = []Field{{catalog.LabelStart.In(in.Lang), day(in.Lang, w.Start)}, {catalog.LabelLead.In(in.Lang), mentions(in.Lang, w.Lead)}}
	if w.IsClosed() {
		r.Fields = append(r.Fields, Field{catalog.LabelClosed.In(in.Lang), d.closedText(in.Lang, w)})
	}
	if len(w.Enrolments) == 0 {
		r.Lines = []string{catalog.NoEnrolments.In(in.Lang, w.ID)}
	}
	return r, nil
}

// allWord reports whether s asks for every wave: "all" or "alle".
func allWord(s string) bool {
	return strings.EqualFold(s, "all") || strings.EqualFold(s, "alle")
}

// statusFV is a forvaltning: its KØR workflow track, which is its own in
// a wave or not, then each enrolment; at most statusWaves enrolments a
// page, the page n.
func (d *Dispatcher) statusFV(ctx context.Context, in Input, fv string, today wave.Date, n int) (Reply, error) {
	waves, err := d.waves(ctx)
	if err != nil {
		return Reply{}, err
	}
	t, err := d.track(ctx, fv, in.Now)
	if err != nil {
		return Reply{}, err
	}
	rows := []row{sectionRow(d.trackSection(in.Lang, t, notify.TrackKS(waves, t), today))}
	for _, w := range waves {
		e, err := w.Enrolment(fv)
		if err != nil {
			continue
		}
		s := d.enrolmentSection(in.Lang, in.Me, w, *e, today)
		if w.IsClosed() {
			s.Fields = append(s.Fields, Field{catalog.LabelClosed.In(in.Lang), d.closedText(in.Lang, w)})
		}
		rw := sectionRow(s)
		// Three enrolments a page, with the track's section on the first.
		rw.weight = (pageRows - sectionWeight) / statusWaves
		rows = append(rows, rw)
	}
	r, err := paged(in.Lang, fv, rows, n, pageCommand("status "+fv))
	if err == nil && len(rows) == 1 {
		r.Lines = []string{notEnrolledAnywhere(in.Me, fv).In(in.Lang, fv)}
	}
	return r, err
}

// notEnrolledAnywhere says that forvaltning fv is in no wave and that its
// KØR workflow is followed all the same; to KS, how to enrol it.
func notEnrolledAnywhere(me wave.Person, fv string) catalog.Message {
	if me.IsKS() {
		return catalog.FVInNoWaveKS
	}
	return catalog.FVInNoWave
}

// statusWaves bounds the enrolments of one page of a forvaltning's status.
const statusWaves = 3

// byDue orders activities by due date, keeping the template's order among
// those due the same day, so no activity is listed before one due earlier.
func byDue(acts []wave.Activity) []wave.Activity {
	out := slices.Clone(acts)
	slices.SortStableFunc(out, func(a, b wave.Activity) int { return a.Due.Compare(b.Due) })
	return out
}

// statusAll is every active wave, a section each with a line per
// enrolment, page n of them.
func (d *Dispatcher) statusAll(ctx context.Context, in Input, today wave.Date, n int) (Reply, error) {
	waves, err := d.waves(ctx)
	if err != nil {
		return Reply{}, err
	}
	var rows []row
	for _, w := range waves {
		if !active(w) {
			continue
		}
		s := Section{Title: catalog.WaveLine.In(in.Lang, w.ID, w.Name, day(in.Lang, w.Start), fvList(in.Lang, w)), Progress: &Progress{}}
		if _, ready := w.EvaluationsClosed(); ready {
			s.Title += " – " + catalog.ReadyToClose.In(in.Lang)
			line := catalog.ReadyToCloseLine.In(in.Lang)
			if in.Me.IsKS() {
				line = catalog.ReadyToCloseKS.In(in.Lang, w.ID)
			}
			s.Lines = append(s.Lines, line)
		}
		for _, e := range w.Enrolments {
			p := progress(in.Lang, e)
			s.Progress.Done += p.Done
			s.Progress.Skipped += p.Skipped
			s.Progress.Total += p.Total
			overdue := len(d.overdueItems(in.Lang, e, today))
			s.Lines = append(s.Lines, catalog.EnrolmentSummary.In(in.Lang, e.FV, p.Text, catalog.OverdueCount.In(in.Lang, overdue, overdue), d.nextDeadlineText(in.Lang, e, today)))
		}
		s.Progress.Text = progressText(in.Lang, s.Progress.Done, s.Progress.Skipped, s.Progress.Total)
		rows = append(rows, sectionRow(s))
	}
	r, err := paged(in.Lang, catalog.ActiveWavesTitle.In(in.Lang), rows, n, pageCommand("status all"))
	if err == nil && len(rows) == 0 {
		r.Lines = []string{catalog.NoActiveWaves.In(in.Lang)}
	}
	return r, err
}

// closedText says when closed wave w was closed and by whom.
func (d *Dispatcher) closedText(lang string, w wave.Wave) string {
	return catalog.ClosedOnBy.In(lang, day(lang, d.cfg.Calendar.Today(w.Closed.At)), mentions(lang, w.Closed.By))
}

// active reports whether a wave is under way: not closed. A wave whose
// activities are all done or skipped stays in sight until KS closes it.
func active(w wave.Wave) bool { return !w.IsClosed() }

// enrolmentSection summarises one enrolment for reader me: progress,
// contact, the authorization feedback, the next deadline and what is
// overdue. A closed wave has no deadlines left and takes no new contact;
// KS, who names the first, is told how.
func (d *Dispatcher) enrolmentSection(lang string, me wave.Person, w wave.Wave, e wave.Enrolment, today wave.Date) Section {
	ref := w.ID + "/" + e.FV
	contacts := mentions(lang, e.Contacts...)
	switch {
	case len(e.Contacts) > 0:
	case w.IsClosed():
		contacts = catalog.NoContactClosed.In(lang)
	case me.IsKS():
		contacts = catalog.NoContact.In(lang, ref)
	default:
		contacts = catalog.NoContactYet.In(lang)
	}
	if w.IsClosed() {
		auth := authText(lang, e.Auth, d.cfg.Calendar.Today(w.Closed.At))
		if e.Auth == nil {
			auth = catalog.AuthNoneClosed.In(lang)
		}
		return withMeetings(lang, e, d.cfg.Calendar.Today(w.Closed.At), Section{
			Title:    ref,
			Progress: progress(lang, e),
			Fields: []Field{
				{catalog.LabelContacts.In(lang, max(len(e.Contacts), 1)), contacts},
				{catalog.LabelAuth.In(lang), auth},
			},
		})
	}
	overdue := catalog.None.In(lang)
	if od := d.overdueItems(lang, e, today); len(od) > 0 {
		overdue = fmt.Sprintf("%d: %s", len(od), catalog.List(lang, od))
	}
	return withMeetings(lang, e, today, Section{
		Title:    ref,
		Progress: progress(lang, e),
		Fields: []Field{
			{catalog.LabelContacts.In(lang, max(len(e.Contacts), 1)), contacts},
			{catalog.LabelAuth.In(lang), authText(lang, e.Auth, today)},
			{catalog.LabelNext.In(lang), d.nextDeadlineText(lang, e, today)},
			{catalog.LabelOverdue.In(lang), overdue},
		},
	})
}

// overdueItems names what is overdue in enrolment e, in lang: its open
// activities past their date, the authorization feedback past its date
// standing for the authorization activity once KS has asked, and KS
// applying the authorizations past its date.
func (d *Dispatcher) overdueItems(lang string, e wave.Enrolment, today wave.Date) []string {
	var out []string
	for _, a := range e.Overdue(today) {
		if a.Key != wave.AuthActivity || e.Auth == nil {
			out = append(out, a.Title(lang))
		}
	}
	switch a := e.Auth; {
	case a == nil:
	case a.State == wave.AuthRequested && a.Due.Before(today):
		out = append(out, catalog.OverdueFeedback.In(lang))
	case a.State == wave.AuthAnswered && !a.ApplyBy.IsZero() && a.ApplyBy.Before(today):
		out = append(out, catalog.OverdueApply.In(lang))
	}
	return out
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

// activityLine is one activity of enrolment e, named word: its status,
// the training decision, which side a shared activity waits for, and
// whether it is overdue.
func activityLine(lang, word string, e wave.Enrolment, a wave.Activity, today wave.Date) string {
	status := statusName[a.Status].In(lang)
	if a.Key == wave.TrainingActivity {
		switch t := e.Training; {
		case e.TrainingUndecided():
			status = catalog.TrainingUndecided.In(lang)
		case t != nil && !t.Needed && a.Status == wave.StatusDone:
			status = catalog.TrainingDecidedNo.In(lang, mentions(lang, t.By))
		case t != nil && t.Needed:
			status += " – " + catalog.TrainingDecidedYes.In(lang, mentions(lang, t.By))
		}
	}
	// Concatenated rather than formatted: a status writes one per activity.
	line := statusMark[a.Status] + " " + word + " – " + a.Title(lang) + " (" + string(a.Responsible) + ") – " + day(lang, a.Due) + " – " + status
	if waiting := a.Waiting(); len(waiting) == 1 && a.Responsible == wave.PartyBoth {
		if o := otherSide(waiting[0]); a.Parts.Skips(o) {
			line += " – " + catalog.SkipProposed.In(lang, sideName([]wave.Party{o}).In(lang), a.Parts.Word(o).Reason) +
				" – " + catalog.WaitingForWord.In(lang, sideOf(waiting[0]).In(lang))
		} else {
			line += " – " + catalog.WaitingFor.In(lang, sideName(waiting).In(lang))
		}
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
// training decision, the authorization feedback or applying it, the KØR
// workflow steps and teaching sessions they owe, and, to a KS lead,
// closing a wave whose evaluations are all held; by date, undated last, in
// pages. The KS lead of a wave owes KS's part in it, a contact the
// forvaltning's.
func (d *Dispatcher) my(ctx context.Context, in Input) (Reply, error) {
	page, err := pageArg(in.Args)
	if err != nil {
		return Reply{}, err
	}
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
		lead := w.Lead == in.Me.ID && in.Me.IsKS()
		if _, ready := w.EvaluationsClosed(); ready && lead {
			add(wave.Date{}, catalog.TaskClose, w.ID)
		}
		for _, e := range w.Enrolments {
			var mine []wave.Party
			if lead {
				mine = append(mine, wave.PartyKS)
			}
			if speaksForFV(in.Me, &e) {
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
						add(a.Due, catalog.TaskActivity, day(in.Lang, a.Due), ref, d.activityWord(in.Lang, a.Key), a.Title(in.Lang))
					}
				case owes(mine, a.Waiting()):
					add(a.Due, catalog.TaskActivity, day(in.Lang, a.Due), ref, d.activityWord(in.Lang, a.Key), a.Title(in.Lang))
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
	var lines []string
	for _, t := range tasks {
		lines = append(lines, t.line)
	}
	if len(tasks) == 0 {
		lines = []string{catalog.NoTasks.In(in.Lang)}
	}
	return paged(in.Lang, catalog.MyTitle.In(in.Lang, mentions(in.Lang, in.Me.ID)), lineRows(lines), page, pageCommand("my"))
}

// myTrackTasks adds what the caller owes on the forvaltninger's KØR
// workflow tracks: as a contact, or as the KS person who follows a track
// (notify.TrackKS), each open step of their side that may be done now and
// is dated or on a track under way, and KS's teaching sessions not yet
// held.
func (d *Dispatcher) myTrackTasks(ctx context.Context, in Input, waves []wave.Wave, add func(due wave.Date, m catalog.Message, args ...any)) error {
	tracks, err := d.storedTracks(ctx)
	if err != nil {
		return err
	}
	for _, t := range tracks {
		fv := t.FV
		mine, ks := owedOnTrack(in.Me.ID, waves, t)
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
