package commands

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"wavebot/catalog"
	"wavebot/notify"
	"wavebot/wave"
)

// Snooze bounds: whole business days or hours.
const (
	maxSnoozeDays  = 30
	maxSnoozeHours = 72
)

// subject is what reminders are about: an enrolment, or one of its activities.
type subject struct {
	ref
	activity string
}

func (s subject) String() string {
	if s.activity == "" {
		return s.ref.String()
	}
	return s.ref.String() + "/" + s.activity
}

// parseSubject reads "b3/BUF" or "b3/BUF/pc".
func (d *Dispatcher) parseSubject(s string) (subject, error) {
	parts := strings.Split(s, "/")
	if len(parts) > 3 || (len(parts) == 3 && parts[2] == "") {
		return subject{}, refuse(catalog.BadSubject, typed(s))
	}
	r, err := d.parseRef(strings.Join(parts[:min(len(parts), 2)], "/"))
	if err != nil {
		return subject{}, err
	}
	sub := subject{ref: r}
	if len(parts) == 3 {
		if sub.activity, err = d.activityKey(parts[2]); err != nil {
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
	waves, err := d.waves(ctx)
	if err != nil {
		return Reply{}, err
	}
	var pending []notify.Pending
	for _, w := range waves {
		pending = append(pending, d.cfg.Policy.Pending(w, in.Me.ID, in.Now)...)
	}
	slices.SortStableFunc(pending, func(a, b notify.Pending) int { return a.At.Compare(b.At) })
	r := Reply{Title: catalog.RemindListTitle.In(in.Lang, mentions(in.Lang, in.Me.ID))}
	for _, p := range pending {
		line := catalog.RemindListItem.In(in.Lang, d.moment(in.Lang, p.At), p.Subject(), d.reminderText(in.Lang, p.Reminder))
		if !p.SnoozedUntil.IsZero() {
			line += " " + catalog.RemindListSnoozed.In(in.Lang, d.moment(in.Lang, p.SnoozedUntil))
		}
		r.Lines = append(r.Lines, line)
	}
	if len(pending) == 0 {
		r.Lines = []string{catalog.NoReminders.In(in.Lang, d.cfg.Policy.ListAhead)}
	} else {
		r.Lines = append(r.Lines, catalog.RemindListHint.In(in.Lang))
	}
	return r, nil
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
	_, err = d.updateEnrolment(ctx, sub.ref, func(w *wave.Wave, e *wave.Enrolment) ([]wave.Event, error) {
		if sub.activity != "" {
			if _, err := e.Activity(sub.activity); err != nil {
				return nil, d.unknownActivity(sub.activity)
			}
		}
		if !d.cfg.Policy.Hears(*w, e.FV, sub.activity, in.Me.ID) {
			return nil, refuse(catalog.NoRemindersAbout, sub)
		}
		if before, ok := w.SnoozedUntil(e.FV, sub.activity, in.Me.ID); ok && before.Equal(until) {
			return nil, unchanged(catalog.SnoozeUnchanged.In(in.Lang, sub, d.moment(in.Lang, until)))
		}
		w.DropSnoozes(w.Reminded)
		w.Snooze(wave.Snooze{FV: e.FV, Activity: sub.activity, Person: in.Me.ID, Until: until})
		return []wave.Event{{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actRemindSnooze, Item: sub.activity,
			After: d.when(until)}}, nil
	})
	if err != nil {
		return Reply{}, err
	}
	span := catalog.BusinessDays.In(in.Lang, days, days)
	if days == 0 {
		span = catalog.Hours.In(in.Lang, hours, hours)
	}
	return Reply{Lines: []string{catalog.Snoozed.In(in.Lang, sub, span, d.moment(in.Lang, until))}}, nil
}

// when writes an instant as local date and time, as the log records it.
func (d *Dispatcher) when(t time.Time) string {
	return t.In(d.cfg.Calendar.Location()).Format("2006-01-02 15:04")
}

var reminderText = map[notify.Kind]catalog.Message{
	notify.AuthSoon: catalog.RemindAuthSoon, notify.AuthToday: catalog.RemindAuthToday, notify.AuthOverdue: catalog.RemindAuthOverdue,
	notify.AuthEscalate: catalog.RemindAuthEscalate, notify.EvalNotice: catalog.RemindEval, notify.ActivitySoon: catalog.RemindActivitySoon,
	notify.ActivityOverdue: catalog.RemindActivityOverdue, notify.NoContact: catalog.RemindNoContact,
	notify.DeliveryFailed: catalog.RemindDeliveryFailed,
}

// reminderText is what a reminder says in lang.
func (d *Dispatcher) reminderText(lang string, r notify.Reminder) string {
	ref := r.Wave + "/" + r.FV
	switch {
	case r.Kind == notify.DeliveryFailed:
		return reminderText[r.Kind].In(lang, ref, mentions(lang, r.About))
	case r.Activity == "":
		return reminderText[r.Kind].In(lang, ref, day(lang, r.Due))
	}
	return reminderText[r.Kind].In(lang, ref, d.activityTitle(lang, r.Activity), day(lang, r.Due))
}

// digestButtons is how many of a digest's reminders get a button.
const digestButtons = 3

// Digest is the message of a digest in its recipient's language: what is
// due, and buttons to act on it or snooze it. One reminder reads as one
// line with its action and two snoozes; several are grouped by enrolment,
// most urgent first, with the actions of the first few. Adapters deliver
// it as they deliver replies.
func (d *Dispatcher) Digest(ctx context.Context, dg notify.Digest) Reply {
	lang := d.cfg.Lang
	if p, err := d.person(ctx, dg.Recipient); err == nil && p.Lang != "" {
		lang = p.Lang
	}
	if len(dg.Reminders) == 1 {
		r := dg.Reminders[0]
		snooze := "remind snooze " + r.Subject() + " "
		return Reply{
			Command: "reminder",
			Title:   catalog.ReminderTitle.In(lang),
			Lines:   []string{d.reminderLine(ctx, lang, dg.Recipient, r)},
			Actions: []Action{d.reminderButton(ctx, lang, dg.Recipient, r),
				{Label: catalog.ButtonSnooze1d.In(lang), Command: snooze + "1d"},
				{Label: catalog.ButtonSnooze3d.In(lang), Command: snooze + "3d"}},
		}
	}
	reply := Reply{Command: "reminder", Title: catalog.DigestTitle.In(lang, len(dg.Reminders))}
	for _, r := range notify.NewDigest(dg.Recipient, dg.Reminders).Reminders {
		ref := r.Wave + "/" + r.FV
		i := slices.IndexFunc(reply.Sections, func(s Section) bool { return s.Title == ref })
		if i < 0 {
			reply.Sections = append(reply.Sections, Section{Title: ref})
			i = len(reply.Sections) - 1
		}
		reply.Sections[i].Lines = append(reply.Sections[i].Lines, d.reminderLine(ctx, lang, dg.Recipient, r))
		if len(reply.Actions) < digestButtons {
			a := d.reminderButton(ctx, lang, dg.Recipient, r)
			a.Label += " – " + r.Subject()
			reply.Actions = append(reply.Actions, a)
		}
	}
	return reply
}

// reminderAction is the button that deals with a reminder: answer the
// feedback, mark the activity done, or look at the enrolment.
func reminderAction(lang string, r notify.Reminder) Action {
	ref := r.Wave + "/" + r.FV
	switch r.Kind {
	case notify.AuthSoon, notify.AuthToday, notify.AuthOverdue:
		return Action{Label: catalog.ButtonAuthOK.In(lang), Command: "auth ok " + ref}
	case notify.ActivitySoon, notify.ActivityOverdue:
		return Action{Label: catalog.ButtonDone.In(lang), Command: "done " + ref + " " + r.Activity}
	}
	return Action{Label: catalog.ButtonStatus.In(lang), Command: "status " + ref}
}
