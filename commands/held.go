package commands

import (
	"context"
	"errors"
	"slices"

	"wavebot/internal/catalog"
	"wavebot/notify"
	"wavebot/storage"
	"wavebot/wave"
)

// Notices that wait for their person (see notify/held.go): the waves that
// hold some for a person are listed on the person (wave.Person.Waiting),
// so the moment the person is reachable, because they wrote to wavebot,
// a platform stored how to reach them, or an admin linked them, costs no
// search.

// errNothingWaits stops an update that would change nothing.
var errNothingWaits = errors.New("nothing waits")

// wake makes the notices waiting for p go out at the next sweep instead
// of the next sending time; the sweeper takes a wave off p's list when it
// holds nothing more for p, and wake forgets a wave that holds nothing.
// Nobody asked for it, so a failure is only logged: the notices are tried
// at the next sending time anyway.
func (d *Dispatcher) wake(ctx context.Context, p wave.Person) {
	if len(p.Waiting) == 0 {
		return
	}
	now := d.cfg.Clock.Now()
	// The waves that hold nothing for p any more: the mark is stale.
	var stale []string
	for _, id := range p.Waiting {
		empty := false
		_, err := d.cfg.Store.UpdateWave(ctx, id, func(w *wave.Wave) ([]wave.Event, error) {
			empty = len(w.HeldFor(p.ID)) == 0
			if !w.WakeHeld(p.ID, now) {
				return nil, errNothingWaits
			}
			return nil, nil
		})
		switch {
		case errors.Is(err, storage.ErrNotFound), errors.Is(err, errNothingWaits) && empty:
			stale = append(stale, id)
		case err != nil && !errors.Is(err, errNothingWaits):
			d.cfg.Logger.Warn("wake the notices waiting for a person", "person", p.ID, "wave", id, "err", err)
		}
	}
	if len(stale) == 0 {
		return
	}
	_, err := d.cfg.Store.UpdatePerson(ctx, p.ID, func(q *wave.Person) ([]wave.Event, error) {
		q.Waiting = slices.DeleteFunc(q.Waiting, func(id string) bool { return slices.Contains(stale, id) })
		return nil, nil
	})
	if err != nil {
		d.cfg.Logger.Warn("wake the notices waiting for a person", "person", p.ID, "err", err)
	}
}

// Waiting is what waits for person because no platform could bring it to
// them: each notice, since when it waits and until when at most, in the
// person's language; false when nothing waits. The console shows it when
// someone becomes that person.
func (d *Dispatcher) Waiting(ctx context.Context, person string) (Reply, bool) {
	p, err := d.person(ctx, person)
	if err != nil {
		if !errors.Is(err, storage.ErrNotFound) {
			d.cfg.Logger.Warn("notices waiting for a person", "person", person, "err", err)
		}
		return Reply{}, false
	}
	lang := d.cfg.Lang
	if p.Lang != "" {
		lang = p.Lang
	}
	loc := d.cfg.Calendar.Location()
	var lines []string
	for _, id := range p.Waiting {
		w, err := d.cfg.Store.Wave(ctx, id)
		if err != nil {
			d.cfg.Logger.Warn("notices waiting for a person", "person", p.ID, "wave", id, "err", err)
			continue
		}
		for _, r := range d.cfg.Policy.Held(w, p.ID) {
			until := r.Since.Add(notify.HoldFor).In(loc)
			lines = append(lines, catalog.WaitingNotice.In(lang, d.reminderLine(ctx, lang, p.ID, r, &w),
				catalog.Moment(lang, r.Since.In(loc)), catalog.Date(lang, until.Year(), until.Month(), until.Day())))
		}
	}
	if len(lines) == 0 {
		return Reply{}, false
	}
	return Reply{Command: "waiting", Title: catalog.WaitingTitle.In(lang), Lines: append([]string{catalog.WaitingIntro.In(lang)}, lines...)}, true
}
