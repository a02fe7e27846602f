package commands

import (
	"context"
	"errors"

	"wavebot/internal/catalog"
	"wavebot/notify"
	"wavebot/storage"
	"wavebot/wave"
)

// Reminders and notices about the list pages. A contact reminded of the
// authorization feedback hears how many rows of the list are still open
// and gets a button that opens the list; the KS lead's notice that the
// forvaltning answered (by submitting its list) says how many rows to
// correct and opens the list, the notice of a delivered template opens
// that page.

// reminderLine is what reminder r about wave w says to recipient in lang.
func (d *Dispatcher) reminderLine(ctx context.Context, lang, recipient string, r notify.Reminder, w *wave.Wave) string {
	if r.Kind.Milestone() {
		return d.milestoneText(lang, ref{wave: r.Wave, fv: r.FV}, string(r.Kind), r.Activity, r.Due)
	}
	ref := subjectRef(r)
	switch r.Kind {
	case notify.AuthAnswered:
		line := d.reminderText(lang, r, w)
		if l, ok := d.listOf(ctx, r); ok && l.Submitted {
			_, _, fix, _ := l.Counts()
			line += " " + catalog.AnsweredByList.In(lang, fix, len(l.Rows))
		}
		return line
	case notify.TemplateDelivered:
		return catalog.NoticeTemplateDelivered.In(lang, ref, r.FV)
	case notify.AuthSoon, notify.AuthToday, notify.AuthOverdue:
		line := d.reminderText(lang, r, w)
		if l, ok := d.listOf(ctx, r); ok && !l.Submitted {
			if open, _, _, _ := l.Counts(); open > 0 {
				line += " " + catalog.RemindOpenRows.In(lang, open, open, len(l.Rows))
			}
		}
		return line
	}
	return d.reminderText(lang, r, w)
}

// reminderButton is the button of reminder r to recipient: the page it is
// about when it has one, else what reminderAction gives.
func (d *Dispatcher) reminderButton(ctx context.Context, lang, recipient string, r notify.Reminder) Action {
	links := d.cfg.Links
	switch {
	case links == nil:
	case r.Kind == notify.TemplateDelivered:
		return Action{Label: catalog.ButtonOpenTemplate.In(lang), URL: links.Template(recipient, r.FV)}
	case r.Kind == notify.AuthAnswered, r.Kind == notify.AuthSoon, r.Kind == notify.AuthToday, r.Kind == notify.AuthOverdue:
		if _, ok := d.listOf(ctx, r); ok {
			return Action{Label: catalog.ButtonOpenList.In(lang), URL: links.AuthList(recipient, r.Wave, r.FV)}
		}
	}
	return d.reminderAction(lang, r)
}

// listOf loads the authorization list a reminder is about; false when
// there is none (or it cannot be read now, which only costs the detail).
func (d *Dispatcher) listOf(ctx context.Context, r notify.Reminder) (wave.AuthList, bool) {
	l, err := d.cfg.Store.AuthList(ctx, r.Wave, r.FV)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		d.cfg.Logger.Warn("load the list of a reminder", "wave", r.Wave, "fv", r.FV, "err", err)
	}
	return l, err == nil && l.Exists()
}
