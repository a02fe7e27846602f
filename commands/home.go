package commands

import (
	"context"

	"wavebot/internal/catalog"
)

// homeEnrolments bounds the enrolments a home page shows.
const homeEnrolments = 20

// Home is a person's own page on a chat platform, such as Slack's App
// Home: their open tasks, as my shows them, then the enrolments of active
// waves they take part in (as KS lead or contact), each with a button to
// its status. Its Command is "home".
func (d *Dispatcher) Home(ctx context.Context, c Caller) Reply {
	lang := d.cfg.Lang
	me, err := d.caller(ctx, c)
	if err != nil {
		return d.failure(lang, nil, err)
	}
	if me.Lang != "" {
		lang = me.Lang
	}
	in := Input{Me: me, Now: d.cfg.Clock.Now(), Lang: lang}
	r, err := d.my(ctx, in)
	if err != nil {
		return d.failure(lang, nil, err)
	}
	r.Command, r.Lang = "home", lang
	waves, err := d.waves(ctx)
	if err != nil {
		return d.failure(lang, nil, err)
	}
	today := d.cfg.Calendar.Today(in.Now)
	for _, w := range waves {
		if !active(w) {
			continue
		}
		for _, e := range w.Enrolments {
			if w.Lead != me.ID && !e.HasContact(me.ID) {
				continue
			}
			if len(r.Sections) == homeEnrolments {
				return r
			}
			ref := w.ID + "/" + e.FV
			s := d.enrolmentSection(lang, me, w, e, today)
			s.Title = catalog.EnrolmentTitle.In(lang, ref, w.Name)
			r.Sections = append(r.Sections, s)
			r.Actions = append(r.Actions, Action{Label: catalog.ButtonStatus.In(lang) + " – " + ref, Command: "status " + ref})
		}
	}
	if len(r.Sections) == 0 {
		r.Lines = append(r.Lines, catalog.HomeNoEnrolments.In(lang))
	}
	return r
}
