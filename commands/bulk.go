package commands

import (
	"context"
	"errors"
	"slices"
	"strings"

	"wavebot/internal/catalog"
	"wavebot/wave"
)

// Planning a whole wave at once: "due ID ACTIVITY DATE", "auth request ID
// DATE", "done ID ACTIVITY" for KS's part and "wave move ID DATE". Each is
// one write of the wave: when one enrolment refuses, the refusal names it
// and no enrolment changes.

// allOrNothing turns an enrolment's refusal into the whole command's: it
// names the enrolment and says that nothing changed for any.
func allOrNothing(err error) error {
	if ue, ok := errors.AsType[*userError](err); ok {
		return &userError{msg: catalog.BulkRefused, args: []any{ue}, forbidden: ue.forbidden}
	}
	return err
}

// eachEnrolment runs change on every enrolment of w, in one write,
// refusing a wave without enrolments.
func eachEnrolment(w *wave.Wave, change func(e *wave.Enrolment) ([]wave.Event, error)) ([]wave.Event, error) {
	if len(w.Enrolments) == 0 {
		return nil, refuse(catalog.NoEnrolmentsYet, w.ID)
	}
	var evs []wave.Event
	for i := range w.Enrolments {
		ev, err := change(&w.Enrolments[i])
		if err != nil {
			return nil, allOrNothing(err)
		}
		evs = append(evs, ev...)
	}
	return evs, nil
}

// dueAll gives an activity one date in every enrolment of a wave where it
// is open; enrolments where it is done or skipped keep their date and are
// named.
func (d *Dispatcher) dueAll(ctx context.Context, in Input, id, key string, due wave.Date) (Reply, error) {
	if err := d.deadline(in.Now, due); err != nil {
		return Reply{}, err
	}
	title := d.activityTitle(in.Lang, key)
	var changed, closed []string
	w, err := d.update(ctx, id, func(w *wave.Wave) ([]wave.Event, error) {
		changed, closed = nil, nil
		evs, err := eachEnrolment(w, func(e *wave.Enrolment) ([]wave.Event, error) {
			if a, err := e.Activity(key); err == nil && a.Status.Closed() {
				closed = append(closed, e.FV)
				return nil, nil
			}
			evs, err := d.dueIn(in, w, e, key, due)
			if len(evs) > 0 {
				changed = append(changed, e.FV)
			}
			return evs, err
		})
		switch {
		case err != nil || len(evs) > 0:
		case len(closed) == len(w.Enrolments):
			err = refuse(catalog.DueAllClosed, w.ID, title)
		case len(closed) > 0:
			err = unchanged(catalog.DueUnchangedOpen.In(in.Lang, w.ID, title, day(in.Lang, due), catalog.List(in.Lang, closed)))
		default:
			err = unchanged(catalog.DueUnchangedAll.In(in.Lang, w.ID, title, day(in.Lang, due)))
		}
		return evs, err
	})
	if err != nil {
		return Reply{}, err
	}
	r := Reply{Lines: []string{catalog.DueSetAll.In(in.Lang, w.ID, title, day(in.Lang, due), catalog.List(in.Lang, changed))}}
	if len(closed) > 0 {
		r.Lines = append(r.Lines, catalog.DueClosedLeft.In(in.Lang, catalog.List(in.Lang, closed)))
	}
	r.Lines = append(r.Lines, goLiveFirstAll(in.Lang, w)...)
	return r, nil
}

// goLiveFirstAll warns, for each enrolment of w, when go-live comes
// before its open authorizations or PCs.
func goLiveFirstAll(lang string, w wave.Wave) []string {
	var out []string
	for _, e := range w.Enrolments {
		if warn := goLiveFirst(lang, w, e); warn != "" {
			out = append(out, warn)
		}
	}
	return out
}

// authRequestAll asks every enrolled forvaltning of a wave for its
// authorization feedback by one date. Enrolments whose authorizations are
// applied or skipped already are left out and named; one already asked
// for that date is left as it is; open requests it replaces are named.
func (d *Dispatcher) authRequestAll(ctx context.Context, in Input, id string, due wave.Date) (Reply, error) {
	if err := d.deadline(in.Now, due); err != nil {
		return Reply{}, err
	}
	var asked, replaced, skipped, noContact []string
	w, err := d.update(ctx, id, func(w *wave.Wave) ([]wave.Event, error) {
		asked, replaced, skipped, noContact = nil, nil, nil, nil
		evs, err := eachEnrolment(w, func(e *wave.Enrolment) ([]wave.Event, error) {
			if a, err := e.Activity(wave.AuthActivity); err == nil && a.Status.Closed() {
				skipped = append(skipped, e.FV)
				return nil, nil
			}
			if a := e.Auth; a != nil && a.State == wave.AuthRequested && a.Due == due {
				return nil, nil
			}
			ev, old, err := d.requestAuthIn(in, w, e, due)
			if err != nil {
				return nil, err
			}
			asked = append(asked, e.FV)
			if old != nil {
				replaced = append(replaced, e.FV)
			}
			if len(e.Contacts) == 0 {
				noContact = append(noContact, w.ID+"/"+e.FV)
			}
			return []wave.Event{ev}, nil
		})
		if err == nil && len(evs) == 0 {
			err = unchanged(catalog.AuthRequestNoOne.In(in.Lang, w.ID, day(in.Lang, due)))
		}
		return evs, err
	})
	if err != nil {
		return Reply{}, err
	}
	r := Reply{Lines: []string{catalog.AuthRequestedAll.In(in.Lang, w.ID, catalog.List(in.Lang, asked), day(in.Lang, due))}}
	if len(replaced) > 0 {
		r.Lines = append(r.Lines, catalog.AuthReplacedAll.In(in.Lang, catalog.List(in.Lang, replaced)))
	}
	if len(skipped) > 0 {
		r.Lines = append(r.Lines, catalog.AuthRequestSkip.In(in.Lang, catalog.List(in.Lang, skipped)))
	}
	if len(noContact) > 0 {
		r.Lines = append(r.Lines, catalog.NoContactsWarning.In(in.Lang, catalog.List(in.Lang, noContact)))
	}
	return r, nil
}

// doneAll confirms KS's part of a KS activity (or a shared one) in every
// enrolment where it is open: one done by KS alone is done, a shared one
// then waits for the forvaltning. Skipped and done activities, and those
// whose KS part is confirmed, are left as they are.
func (d *Dispatcher) doneAll(ctx context.Context, in Input, id, key, note string) (Reply, error) {
	title := d.activityTitle(in.Lang, key)
	if !in.Me.IsKS() {
		return Reply{}, forbid(catalog.NotAllowed, KSOnly.who())
	}
	spec := slices.IndexFunc(d.cfg.Template.Activities, func(a wave.ActivitySpec) bool { return a.Key == key })
	switch {
	case key == wave.AuthActivity:
		return Reply{}, refuse(catalog.AuthDoneByApplyKS, title, strings.ToLower(id)+"/FV")
	case spec < 0 || !d.cfg.Template.Activities[spec].Responsible.IncludesKS():
		return Reply{}, refuse(catalog.DoneAllFV, title)
	}
	var confirmed, done, waiting []string
	w, err := d.update(ctx, id, func(w *wave.Wave) ([]wave.Event, error) {
		confirmed, done, waiting = nil, nil, nil
		evs, err := eachEnrolment(w, func(e *wave.Enrolment) ([]wave.Event, error) {
			a, err := e.Activity(key)
			if err != nil || a.Status.Closed() || a.Parts.Has(wave.PartyKS) {
				return nil, nil
			}
			evs, _, err := d.confirm(in, w, e, ref{wave: w.ID, fv: e.FV}, key, note, []wave.Party{wave.PartyKS})
			if err != nil {
				return nil, err
			}
			confirmed = append(confirmed, e.FV)
			if a.Status == wave.StatusDone {
				done = append(done, e.FV)
			} else {
				waiting = append(waiting, e.FV)
			}
			return evs, nil
		})
		if err == nil && len(evs) == 0 {
			err = unchanged(catalog.DoneAllUnchanged.In(in.Lang, w.ID, title))
		}
		return evs, err
	})
	if err != nil {
		return Reply{}, err
	}
	r := Reply{Lines: []string{catalog.DoneAllConfirmed.In(in.Lang, w.ID, title, catalog.List(in.Lang, confirmed))}}
	if len(done) > 0 {
		r.Lines = append(r.Lines, catalog.DoneAllNowDone.In(in.Lang, catalog.List(in.Lang, done)))
	}
	if len(waiting) > 0 {
		r.Lines = append(r.Lines, catalog.DoneAllWaiting.In(in.Lang, catalog.List(in.Lang, waiting)))
	}
	return r, nil
}

// waveMove moves a wave's start and, with it, every open date that is the
// template's; dates set by hand stay. The reply lists what moved, grouped
// by activity and dates, and what stayed.
func (d *Dispatcher) waveMove(ctx context.Context, in Input) (Reply, error) {
	start, err := parseDate(in.Args[1])
	if err != nil {
		return Reply{}, err
	}
	if err := d.deadline(in.Now, start); err != nil {
		return Reply{}, err
	}
	var before wave.Date
	var moved, kept []wave.Moved
	w, err := d.update(ctx, in.Args[0], func(w *wave.Wave) ([]wave.Event, error) {
		before = w.Start
		if before == start {
			return nil, unchanged(catalog.WaveMoveUnchanged.In(in.Lang, w.ID, day(in.Lang, start)))
		}
		moved, kept = w.Move(start, d.cfg.Template, d.cfg.Calendar, in.Now)
		// The contacts hear of KS's new dates for the forvaltning's own activities.
		for _, m := range moved {
			if e, err := w.Enrolment(m.FV); err == nil {
				d.dateNotice(w, in, e, m.Key, m.To)
			}
		}
		for _, e := range w.Enrolments {
			g, err := e.Activity(golive)
			if err == nil && !g.Status.Closed() && e.Auth != nil && e.Auth.State == wave.AuthRequested && !e.Auth.Due.Before(g.Due) {
				return nil, allOrNothing(refuse(catalog.GoLiveAfterAuth, w.ID+"/"+e.FV, dayArg(e.Auth.Due)))
			}
		}
		return []wave.Event{{At: in.Now, Actor: in.Me.ID, Wave: w.ID, Action: actWaveMove, Before: before.String(), After: start.String()}}, nil
	})
	if err != nil {
		return Reply{}, err
	}
	r := Reply{Lines: []string{catalog.WaveMoved.In(in.Lang, w.ID, day(in.Lang, start), day(in.Lang, before))}}
	// One line per activity and pair of dates, naming the forvaltninger.
	type change struct {
		key      string
		from, to wave.Date
	}
	var order []change
	fvs := map[change][]string{}
	for _, m := range moved {
		c := change{m.Key, m.From, m.To}
		if _, ok := fvs[c]; !ok {
			order = append(order, c)
		}
		fvs[c] = append(fvs[c], m.FV)
	}
	for _, c := range order {
		r.Lines = append(r.Lines, catalog.WaveMovedLine.In(in.Lang, d.activityTitle(in.Lang, c.key), day(in.Lang, c.from), day(in.Lang, c.to), catalog.List(in.Lang, fvs[c])))
	}
	switch {
	case len(moved) > 0:
	case len(kept) > 0:
		r.Lines = append(r.Lines, catalog.WaveMovedNone.In(in.Lang))
	default:
		r.Lines = append(r.Lines, catalog.WaveMovedNoneOpen.In(in.Lang))
	}
	var stayed []string
	for _, k := range kept {
		stayed = append(stayed, catalog.WaveMovedKeptItem.In(in.Lang, d.activityTitle(in.Lang, k.Key), w.ID+"/"+k.FV, day(in.Lang, k.To)))
	}
	if len(stayed) > 0 {
		r.Lines = append(r.Lines, catalog.WaveMovedKept.In(in.Lang, catalog.List(in.Lang, stayed)))
	}
	r.Lines = append(r.Lines, goLiveFirstAll(in.Lang, w)...)
	close, err := d.startsClose(ctx, in.Lang, w.ID, w.Start)
	if err != nil {
		return Reply{}, err
	}
	r.Lines = append(r.Lines, close...)
	return r, nil
}
