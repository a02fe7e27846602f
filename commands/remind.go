package commands

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"wavebot/internal/catalog"
	"wavebot/notify"
	"wavebot/wave"
)

// Snooze bounds: whole business days or hours.
const (
	maxSnoozeDays  = 30
	maxSnoozeHours = 72
)

// subject is what reminders are about: an enrolment, or one of its
// activities or KØR workflow steps.
type subject struct {
	ref
	activity string
}

// named is the subject as a reader names it, its activity or step in
// the reader's words: "b3/BUF/opstart".
func (d *Dispatcher) named(s subject) inLang {
	return func(lang string) string {
		if s.activity != "" {
			s.activity = d.itemWord(lang, s.activity)
		}
		return s.String()
	}
}

func (s subject) String() string {
	base := s.ref.String()
	switch {
	case s.fv == "":
		return s.wave
	case s.wave == "":
		base = s.fv
	}
	if s.activity == "" {
		return base
	}
	return base + "/" + s.activity
}

// parseSubject reads "b3" (the wave itself: closing it), "b3/BUF",
// "b3/BUF/pc"; and, for a forvaltning's KØR workflow track, which belongs
// to no wave, "BUF/deliver" or "BUF/undervisning-2027-03-04" (wave empty).
func (d *Dispatcher) parseSubject(s string) (subject, error) {
	if !strings.Contains(s, "/") && wave.ValidID(strings.ToLower(s)) {
		return subject{ref: ref{wave: strings.ToLower(s)}}, nil
	}
	parts := strings.Split(s, "/")
	if len(parts) > 3 || (len(parts) == 3 && parts[2] == "") {
		return subject{}, refuse(catalog.BadSubject, typed(s))
	}
	if fv, err := d.forvaltning(parts[0]); err == nil && len(parts) == 2 {
		step, isStep := d.cfg.Template.Step(parts[1])
		switch teaching := strings.ToLower(parts[1]); {
		case isStep:
			return subject{ref: ref{fv: fv}, activity: step.Key}, nil
		case strings.HasPrefix(teaching, "undervisning-"):
			return subject{ref: ref{fv: fv}, activity: teaching}, nil
		}
	}
	r, err := d.parseRef(strings.Join(parts[:min(len(parts), 2)], "/"))
	if err != nil {
		return subject{}, err
	}
	sub := subject{ref: r}
	if len(parts) == 3 {
		if sub.activity, err = d.itemKey(parts[2]); err != nil {
			return subject{}, err
		}
	}
	return sub, nil
}

// parseSnooze reads "1d" (business days) or "4h" (hours).
func parseSnooze(s string) (days, hours int, err error) {
	if len(s) >= 2 {
		n, convErr := strconv.Atoi(s[:len(s)-1])
		switch unit := strings.ToLower(s[len(s)-1:]); {
		case convErr != nil || n < 1:
		case unit == "d" && n <= maxSnoozeDays:
			return n, 0, nil
		case unit == "h" && n <= maxSnoozeHours:
			return 0, n, nil
		}
	}
	return 0, 0, refuse(catalog.BadSnooze, typed(s))
}

func (d *Dispatcher) remindList(ctx context.Context, in Input) (Reply, error) {
	n, err := pageArg(in.Args)
	if err != nil {
		return Reply{}, err
	}
	waves, err := d.waves(ctx)
	if err != nil {
		return Reply{}, err
	}
	type item struct {
		notify.Pending
		w *wave.Wave
	}
	var pending []item
	for i := range waves {
		for _, p := range d.cfg.Policy.Pending(waves[i], in.Me.ID, in.Now) {
			pending = append(pending, item{p, &waves[i]})
		}
	}
	tracks, err := d.pendingOnTracks(ctx, waves, in.Me.ID, in.Now)
	if err != nil {
		return Reply{}, err
	}
	for _, p := range tracks {
		pending = append(pending, item{p, &wave.Wave{}})
	}
	slices.SortStableFunc(pending, func(a, b item) int { return a.At.Compare(b.At) })
	var lines []string
	for _, p := range pending {
		line := catalog.RemindListItem.In(in.Lang, d.moment(in.Lang, p.At), d.subjectName(in.Lang, p.Reminder), d.reminderText(in.Lang, p.Reminder, p.w))
		if !p.SnoozedUntil.IsZero() {
			line += " " + catalog.RemindListSnoozed.In(in.Lang, d.moment(in.Lang, p.SnoozedUntil))
		}
		lines = append(lines, line)
	}
	if len(pending) == 0 {
		lines = []string{catalog.NoReminders.In(in.Lang, d.cfg.Policy.ListAhead)}
	} else {
		lines = append(lines, catalog.RemindListHint.In(in.Lang))
	}
	return paged(in.Lang, catalog.RemindListTitle.In(in.Lang, mentions(in.Lang, in.Me.ID)), lineRows(lines), n, pageCommand("remind list"))
}

// pendingOnTracks is what person hears next about the forvaltninger's
// KØR workflow tracks.
func (d *Dispatcher) pendingOnTracks(ctx context.Context, waves []wave.Wave, person string, now time.Time) ([]notify.Pending, error) {
	tracks, err := d.storedTracks(ctx)
	var out []notify.Pending
	for _, t := range tracks {
		out = append(out, d.cfg.Policy.PendingTrack(t, notify.TrackKS(waves, t), person, now)...)
	}
	return out, err
}

// remindSnooze defers the caller's reminders about a subject by whole
// business days or by hours; the reply says which it counted.
func (d *Dispatcher) remindSnooze(ctx context.Context, in Input) (Reply, error) {
	sub, err := d.parseSubject(in.Args[0])
	if err != nil {
		return Reply{}, err
	}
	days, hours, err := parseSnooze(in.Args[1])
	if err != nil {
		return Reply{}, err
	}
	until := d.cfg.Policy.SnoozeUntil(in.Now, days, hours)
	switch {
	case sub.fv == "":
		return d.snoozeWave(ctx, in, sub, until, days, hours)
	case sub.wave == "":
		err = d.snoozeTrack(ctx, in, sub, until)
	default:
		err = d.snoozeEnrolment(ctx, in, sub, until)
	}
	if err != nil {
		return Reply{}, err
	}
	return d.snoozed(in, sub, until, days, hours), nil
}

// snoozeTrack defers the caller's reminders about a step or teaching
// session of a forvaltning's KØR workflow track.
func (d *Dispatcher) snoozeTrack(ctx context.Context, in Input, sub subject, until time.Time) error {
	waves, err := d.waves(ctx)
	if err != nil {
		return err
	}
	_, err = d.cfg.Store.UpdateWorkflow(ctx, wave.NewWorkflow(sub.fv, d.cfg.Template, in.Now), func(t *wave.Workflow) ([]wave.Event, error) {
		if !slices.Contains(d.cfg.Policy.TrackSubjects(*t, notify.TrackKS(waves, *t), in.Me.ID), sub.activity) {
			return nil, refuse(catalog.NoRemindersAbout, d.named(sub))
		}
		if before, ok := t.SnoozedUntil(sub.activity, in.Me.ID); ok && before.Equal(until) {
			return nil, unchanged(catalog.SnoozeUnchanged.In(in.Lang, d.named(sub)(in.Lang), d.moment(in.Lang, until)))
		}
		t.DropSnoozes(t.Reminded)
		t.Snooze(wave.Snooze{Activity: sub.activity, Person: in.Me.ID, Until: until})
		return []wave.Event{{At: in.Now, Actor: in.Me.ID, FV: sub.fv, Action: actRemindSnooze, Item: sub.activity, After: d.when(until)}}, nil
	})
	return err
}

// snoozeEnrolment defers the caller's reminders about an enrolment or
// one of its activities.
func (d *Dispatcher) snoozeEnrolment(ctx context.Context, in Input, sub subject, until time.Time) error {
	_, err := d.updateEnrolment(ctx, sub.ref, func(w *wave.Wave, e *wave.Enrolment) ([]wave.Event, error) {
		if _, err := e.Activity(sub.activity); sub.activity != "" && err != nil {
			return nil, refuse(catalog.NoRemindersAbout, d.named(sub))
		}
		if heard := d.cfg.Policy.Subjects(*w, e.FV, in.Me.ID); !slices.Contains(heard, sub.activity) {
			if sub.activity != "" || len(heard) == 0 {
				return nil, refuse(catalog.NoRemindersAbout, d.named(sub))
			}
			items := inLang(func(lang string) string {
				var names []string
				for _, key := range heard {
					names = append(names, d.named(subject{ref: sub.ref, activity: key})(lang))
				}
				return catalog.List(lang, names)
			})
			return nil, refuse(catalog.OnlyRemindersAbout, d.named(sub), items, d.named(subject{ref: sub.ref, activity: heard[0]}), typed(in.Args[1]))
		}
		if before, ok := w.SnoozedUntil(e.FV, sub.activity, in.Me.ID); ok && before.Equal(until) {
			return nil, unchanged(catalog.SnoozeUnchanged.In(in.Lang, d.named(sub)(in.Lang), d.moment(in.Lang, until)))
		}
		w.DropSnoozes(w.Reminded)
		w.Snooze(wave.Snooze{FV: e.FV, Activity: sub.activity, Person: in.Me.ID, Until: until})
		return []wave.Event{{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actRemindSnooze, Item: sub.activity,
			After: d.when(until)}}, nil
	})
	return err
}

// snoozed is the reply to a snooze: what, for how long, until when.
func (d *Dispatcher) snoozed(in Input, sub subject, until time.Time, days, hours int) Reply {
	span := catalog.BusinessDays.In(in.Lang, days, days)
	if days == 0 {
		span = catalog.Hours.In(in.Lang, hours, hours)
	}
	return Reply{Lines: []string{catalog.Snoozed.In(in.Lang, d.named(sub)(in.Lang), span, d.moment(in.Lang, until))}}
}

// snoozeWave defers the caller's reminders about the wave itself: the KS
// lead's reminder to close it.
func (d *Dispatcher) snoozeWave(ctx context.Context, in Input, sub subject, until time.Time, days, hours int) (Reply, error) {
	_, err := d.update(ctx, sub.wave, func(w *wave.Wave) ([]wave.Event, error) {
		if !d.cfg.Policy.Hears(*w, "", "", in.Me.ID) {
			return nil, refuse(catalog.NoRemindersAbout, d.named(sub))
		}
		if before, ok := w.SnoozedUntil("", "", in.Me.ID); ok && before.Equal(until) {
			return nil, unchanged(catalog.SnoozeUnchanged.In(in.Lang, d.named(sub)(in.Lang), d.moment(in.Lang, until)))
		}
		w.DropSnoozes(w.Reminded)
		w.Snooze(wave.Snooze{Person: in.Me.ID, Until: until})
		return []wave.Event{{At: in.Now, Actor: in.Me.ID, Wave: w.ID, Action: actRemindSnooze, After: d.when(until)}}, nil
	})
	if err != nil {
		return Reply{}, err
	}
	return d.snoozed(in, sub, until, days, hours), nil
}

// when writes an instant as local date and time, as the log records it.
func (d *Dispatcher) when(t time.Time) string {
	return t.In(d.cfg.Calendar.Location()).Format("2006-01-02 15:04")
}

var reminderText = map[notify.Kind]catalog.Message{
	notify.AuthSoon: catalog.RemindAuthSoon, notify.AuthToday: catalog.RemindAuthToday, notify.AuthOverdue: catalog.RemindAuthOverdue,
	notify.AuthEscalate: catalog.RemindAuthEscalate, notify.EvalNotice: catalog.RemindEval, notify.ActivitySoon: catalog.RemindActivitySoon,
	notify.ActivityOverdue: catalog.RemindActivityOverdue, notify.NoContact: catalog.RemindNoContact,
	notify.DeliveryFailed: catalog.RemindDeliveryFailed, notify.ApplySoon: catalog.RemindApplySoon, notify.ApplyOverdue: catalog.RemindApplyOverdue,
	notify.DecisionSoon: catalog.RemindDecisionSoon, notify.DecisionOverdue: catalog.RemindDecisionOverdue,
	notify.StepSoon: catalog.RemindStepSoon, notify.StepOverdue: catalog.RemindStepOverdue,
	notify.TeachingSoon: catalog.RemindTeachingSoon, notify.TeachingOverdue: catalog.RemindTeachingOverdue,
	notify.EvalNote: catalog.RemindEvalNote, notify.CloseDue: catalog.RemindCloseDue,
}

// subjectName is how people name what a reminder is about, to snooze it
// or read it in a list, with the activity or step as a reader of lang
// names it: "b3" for the wave itself, "b3/BUF", "b3/BUF/opstart",
// "BUF/aflevering" for a step of the forvaltning's KØR workflow track.
func (d *Dispatcher) subjectName(lang string, r notify.Reminder) string {
	return d.named(subject{ref: ref{wave: r.Wave, fv: r.FV}, activity: r.Activity})(lang)
}

// itemWord is how a reader of lang names an activity or a KØR workflow
// step; a key the template does not know (a teaching session) as it is.
func (d *Dispatcher) itemWord(lang, key string) string {
	if _, ok := d.cfg.Template.Step(key); ok {
		return d.stepWord(lang, key)
	}
	return d.activityWord(lang, key)
}

// subjectRef is the wave, enrolment or track a reminder is about:
// "b3/BUF", "b3" for the whole wave, "BUF" for the forvaltning's KØR
// workflow track.
func subjectRef(r notify.Reminder) string {
	switch {
	case r.FV == "":
		return r.Wave
	case r.Wave == "":
		return r.FV
	}
	return r.Wave + "/" + r.FV
}

// reminderText is what a reminder says in lang. Those about the
// authorization feedback, applying it and the training decision name the
// enrolment and the date; those about an activity or step its title too.
// The notices that need the wave (an answer, a welcome) take it from w.
func (d *Dispatcher) reminderText(lang string, r notify.Reminder, w *wave.Wave) string {
	ref := subjectRef(r)
	switch r.Kind {
	case notify.DeliveryFailed:
		if wave.IsChannel(r.About) {
			return catalog.RemindChannelDropped.In(lang, ref, channelOf(w, r.About))
		}
		return reminderText[r.Kind].In(lang, ref, mentions(lang, r.About))
	case notify.AuthAnswered:
		if e, err := w.Enrolment(r.FV); err == nil && e.Auth != nil && !e.Auth.OK {
			return catalog.RemindAnsweredFix.In(lang, ref, day(lang, r.Due), mentions(lang, r.About), e.Auth.Note)
		}
		return catalog.RemindAnsweredOK.In(lang, ref, day(lang, r.Due), mentions(lang, r.About))
	case notify.Welcome:
		return catalog.RemindWelcome.In(lang, ref, w.ID, w.Name, day(lang, w.Start), mentions(lang, w.Lead))
	case notify.ContactAdded, notify.ContactRemoved:
		now := catalog.NoneEnrolled.In(lang)
		if e, err := w.Enrolment(r.FV); err == nil && len(e.Contacts) > 0 {
			now = mentions(lang, e.Contacts...)
		}
		m := catalog.RemindContactAdded
		if r.Kind == notify.ContactRemoved {
			m = catalog.RemindContactRemoved
		}
		return m.In(lang, ref, mentions(lang, r.By), mentions(lang, r.About), now)
	case notify.EvalNote, notify.CloseDue:
		return reminderText[r.Kind].In(lang, ref)
	case notify.StepSoon, notify.StepOverdue:
		return reminderText[r.Kind].In(lang, ref, d.stepTitle(lang, r.Activity), day(lang, r.Due))
	case notify.DateSet:
		return dateSetText(lang, r, w, d.activityTitle(lang, r.Activity))
	case notify.TeachingSoon, notify.TeachingOverdue:
		return reminderText[r.Kind].In(lang, ref, day(lang, r.Due))
	case notify.TrackWelcome:
		return catalog.RemindTrackWelcome.In(lang, ref, r.FV)
	case notify.ActivitySoon, notify.ActivityOverdue:
		switch r.Activity {
		case wave.AuthActivity:
			return catalog.RemindAuthAsk.In(lang, ref, d.activityTitle(lang, r.Activity), day(lang, r.Due))
		case golive:
			return reminderText[r.Kind].In(lang, ref, d.activityTitle(lang, r.Activity), day(lang, r.Due)) + d.unitsWithoutMeeting(lang, r, w)
		}
	}
	if r.Activity == "" || r.Kind == notify.ApplySoon || r.Kind == notify.ApplyOverdue || r.Kind == notify.DecisionSoon || r.Kind == notify.DecisionOverdue {
		return reminderText[r.Kind].In(lang, ref, day(lang, r.Due))
	}
	return reminderText[r.Kind].In(lang, ref, d.activityTitle(lang, r.Activity), day(lang, r.Due))
}

// welcome is what a new contact reads under their welcome: their duties,
// the enrolment's activities and dates with who does each, and the user
// guides.
func (d *Dispatcher) welcome(lang string, w *wave.Wave, fv string) []string {
	e, err := w.Enrolment(fv)
	if err != nil {
		return nil
	}
	lines := []string{catalog.WelcomeDuties.In(lang), catalog.WelcomeActivities.In(lang)}
	who := map[wave.Party]catalog.Message{wave.PartyKS: catalog.WhoKS, wave.PartyFV: catalog.WhoFV, wave.PartyBoth: catalog.WhoBoth}
	for _, a := range byDue(e.Activities) {
		lines = append(lines, catalog.WelcomeActivity.In(lang, day(lang, a.Due), a.Title(lang), who[a.Responsible].In(lang)))
	}
	if len(d.cfg.Template.Guides) == 0 {
		lines = append(lines, catalog.WelcomeNoGuides.In(lang))
	} else {
		lines = append(lines, d.guideLines(lang)...)
	}
	return append(lines, catalog.GuidesPointer.In(lang, w.ID), catalog.WelcomeHelp.In(lang, w.ID+"/"+fv))
}

// digestButtons is how many of a digest's reminders get a button.
const digestButtons = 3

// Digest is the message of a digest in its recipient's language: what is
// due, and buttons to act on it or snooze it. One reminder reads as its
// lines with its action and, unless it is a one-off notice, two snoozes;
// several are grouped by enrolment, most urgent first, with the actions of
// the first few. Adapters deliver it as they deliver replies.
func (d *Dispatcher) Digest(ctx context.Context, dg notify.Digest) Reply {
	lang := d.cfg.Lang
	if p, err := d.person(ctx, dg.Recipient); err == nil && p.Lang != "" {
		lang = p.Lang
	}
	waves := map[string]*wave.Wave{}
	lines := func(r notify.Reminder) []string {
		w := waves[r.Wave]
		if w == nil {
			w = &wave.Wave{ID: r.Wave, Name: r.Wave}
			if r.Kind == notify.Welcome || r.Kind == notify.AuthAnswered || r.Kind == notify.ContactAdded || r.Kind == notify.ContactRemoved ||
				(r.Kind == notify.DeliveryFailed && wave.IsChannel(r.About)) || needsWave(r) {
				if loaded, err := d.cfg.Store.Wave(ctx, r.Wave); err == nil {
					w = &loaded
				} else {
					d.cfg.Logger.Warn("load the wave of a reminder", "wave", r.Wave, "err", err)
				}
				waves[r.Wave] = w
			}
		}
		out := []string{d.reminderLine(ctx, lang, dg.Recipient, r, w)}
		switch r.Kind {
		case notify.Welcome:
			out = append(out, d.welcome(lang, w, r.FV)...)
		case notify.DecisionSoon:
			// Once, before the decision is due; not in every repeat after.
			out = append(out, catalog.GuidesPointer.In(lang, r.Wave))
		}
		return out
	}
	// A channel's digest is its news: the milestones of the waves it follows.
	news := !slices.ContainsFunc(dg.Reminders, func(r notify.Reminder) bool { return !r.Kind.Milestone() })
	if len(dg.Reminders) == 1 {
		r := dg.Reminders[0]
		reply := Reply{Command: "reminder", Title: catalog.ReminderTitle.In(lang), Lines: lines(r), Actions: []Action{d.reminderButton(ctx, lang, dg.Recipient, r)}, Lang: lang}
		switch {
		case r.Kind == notify.Welcome:
			reply.Title = catalog.WelcomeTitle.In(lang)
		case news:
			reply.Title = catalog.MilestonesTitle.In(lang)
		}
		if !r.Kind.Notice() {
			snooze := "remind snooze " + d.subjectName(lang, r) + " "
			reply.Actions = append(reply.Actions, Action{Label: catalog.ButtonSnooze1d.In(lang), Command: snooze + "1d"},
				Action{Label: catalog.ButtonSnooze3d.In(lang), Command: snooze + "3d"})
		}
		return reply
	}
	reply := Reply{Command: "reminder", Title: catalog.DigestTitle.In(lang, len(dg.Reminders)), Lang: lang}
	if news {
		reply.Title = catalog.MilestonesTitle.In(lang)
	}
	ordered := notify.NewDigest(dg.Recipient, dg.Reminders).Reminders
	// Every notice, which is said once (the delivery sends at most
	// notify.DigestNotices in one message), and of the other reminders the
	// most urgent that the rest of the message holds, a row each, as a page
	// of an answer holds its rows; the others stand in my.
	rendered := make([][]string, len(ordered))
	shown, size := 0, 0
	for i, r := range ordered {
		if r.Kind.Notice() {
			rendered[i] = lines(r)
			shown, size = shown+1, size+Section{Title: subjectRef(r), Lines: rendered[i]}.size()
		}
	}
	for i, r := range ordered {
		if r.Kind.Notice() {
			continue
		}
		more := lines(r)
		add := Section{Title: subjectRef(r), Lines: more}.size()
		if shown > 0 && (shown+1 > pageRows || size+add > pageBytes) {
			break
		}
		rendered[i], shown, size = more, shown+1, size+add
	}
	for i, r := range ordered {
		more := rendered[i]
		if more == nil {
			continue
		}
		ref := subjectRef(r)
		at := slices.IndexFunc(reply.Sections, func(s Section) bool { return s.Title == ref })
		if at < 0 {
			reply.Sections = append(reply.Sections, Section{Title: ref})
			at = len(reply.Sections) - 1
		}
		reply.Sections[at].Lines = append(reply.Sections[at].Lines, more...)
		a := d.reminderButton(ctx, lang, dg.Recipient, r)
		a.Label += " – " + d.subjectName(lang, r)
		if news {
			// One look at each enrolment the news is about.
			a.Label = catalog.ButtonStatus.In(lang) + " – " + ref
		}
		// A button that does what an earlier one does would only take a place.
		if len(reply.Actions) < digestButtons && !slices.ContainsFunc(reply.Actions, func(o Action) bool { return o.Command == a.Command && o.URL == a.URL }) {
			reply.Actions = append(reply.Actions, a)
		}
	}
	if shown < len(ordered) {
		reply.Lines = []string{catalog.DigestShown.In(lang, shown, shown, len(ordered))}
		reply.Actions = append(reply.Actions, Action{Label: catalog.ButtonMy.In(lang), Command: "my"})
	}
	return reply
}

// reminderAction is the button that deals with a reminder: answer the
// feedback, mark the activity or step done, mark the authorizations
// applied, decide against training, or look at the enrolment.
func (d *Dispatcher) reminderAction(lang string, r notify.Reminder) Action {
	ref := subjectRef(r)
	switch r.Kind {
	case notify.AuthSoon, notify.AuthToday, notify.AuthOverdue:
		return Action{Label: catalog.ButtonAuthOK.In(lang), Command: "auth ok " + ref}
	case notify.ActivitySoon, notify.ActivityOverdue:
		if r.Activity == wave.AuthActivity {
			break
		}
		return Action{Label: catalog.ButtonDone.In(lang), Command: "done " + ref + " " + d.activityWord(lang, r.Activity)}
	case notify.StepSoon, notify.StepOverdue:
		return Action{Label: catalog.ButtonDone.In(lang), Command: "workflow " + ref + " done " + d.stepWord(lang, r.Activity)}
	case notify.TeachingSoon, notify.TeachingOverdue:
		return Action{Label: catalog.ButtonTeachingHeld.In(lang), Command: "workflow " + ref + " teaching done " + r.Due.String()}
	case notify.TrackWelcome:
		return Action{Label: catalog.ButtonStatus.In(lang), Command: "workflow " + ref}
	case notify.AuthAnswered, notify.ApplySoon, notify.ApplyOverdue:
		return Action{Label: catalog.ButtonApplied.In(lang), Command: "auth applied " + ref}
	case notify.DecisionSoon, notify.DecisionOverdue:
		return Action{Label: catalog.ButtonNoTraining.In(lang), Command: "training " + ref + " no"}
	case notify.CloseDue:
		return Action{Label: catalog.ButtonClose.In(lang), Command: "wave close " + r.Wave}
	}
	return Action{Label: catalog.ButtonStatus.In(lang), Command: "status " + ref}
}
