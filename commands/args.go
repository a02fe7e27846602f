package commands

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"wavebot/internal/catalog"
	"wavebot/storage"
	"wavebot/wave"
)

// ref is an enrolment address, WAVE/FV.
type ref struct {
	wave, fv string
}

func (r ref) String() string { return r.wave + "/" + r.fv }

// parseRef reads "b3/BUF"; the forvaltning must be a known one.
func (d *Dispatcher) parseRef(s string) (ref, error) {
	id, fv, ok := strings.Cut(s, "/")
	if !ok || id == "" || fv == "" {
		return ref{}, refuse(catalog.BadRef, typed(s))
	}
	code, err := d.forvaltning(fv)
	if err != nil {
		return ref{}, err
	}
	return ref{wave: strings.ToLower(id), fv: code}, nil
}

// forvaltning checks and normalises a forvaltning code.
func (d *Dispatcher) forvaltning(s string) (string, error) {
	code := wave.NormalizeFV(s)
	if !slices.Contains(d.cfg.Forvaltninger, code) {
		return "", refuse(catalog.UnknownFV, typed(s), strings.Join(d.cfg.Forvaltninger, ", "))
	}
	return code, nil
}

func parseDate(s string) (wave.Date, error) {
	d, err := wave.ParseDate(s)
	if err != nil {
		return wave.Date{}, refuse(catalog.BadDate, typed(s))
	}
	return d, nil
}

// parseActivity reads the "b3/BUF kickoff" that done, start, block, skip
// and due begin with.
func (d *Dispatcher) parseActivity(refArg, name string) (ref, string, error) {
	r, err := d.parseRef(refArg)
	if err != nil {
		return ref{}, "", err
	}
	key, err := d.activityKey(name)
	if err != nil {
		return ref{}, "", err
	}
	return r, key, nil
}

// itemKey resolves the name of an activity or of a KØR workflow step, the
// third part of a reminder's subject.
func (d *Dispatcher) itemKey(name string) (string, error) {
	if s, ok := d.cfg.Template.Step(name); ok {
		return s.Key, nil
	}
	return d.activityKey(name)
}

// itemTitle is the title of an activity or workflow step in lang.
func (d *Dispatcher) itemTitle(lang, key string) string {
	if _, ok := d.cfg.Template.Step(key); ok {
		return d.stepTitle(lang, key)
	}
	return d.activityTitle(lang, key)
}

// activityKey resolves an activity name or alias.
func (d *Dispatcher) activityKey(name string) (string, error) {
	key, ok := d.cfg.Template.ActivityKey(name)
	if !ok {
		return "", d.unknownActivity(name)
	}
	return key, nil
}

func (d *Dispatcher) unknownActivity(name string) error {
	return refuse(catalog.UnknownActivity, typed(name), inLang(func(lang string) string { return strings.Join(d.activityWords(lang), ", ") }))
}

// wave loads a wave, refusing unknown ids.
func (d *Dispatcher) wave(ctx context.Context, id string) (wave.Wave, error) {
	w, err := d.cfg.Store.Wave(ctx, strings.ToLower(id))
	if errors.Is(err, storage.ErrNotFound) {
		return wave.Wave{}, refuse(catalog.UnknownWave, typed(id))
	}
	return w, err
}

// waveOrFV reads an argument that names a wave or, when no wave has that
// id, a forvaltning: one of the two comes back.
func (d *Dispatcher) waveOrFV(ctx context.Context, s string) (wave.Wave, string, error) {
	w, err := d.cfg.Store.Wave(ctx, strings.ToLower(s))
	if errors.Is(err, storage.ErrNotFound) {
		if fv, ferr := d.forvaltning(s); ferr == nil {
			return wave.Wave{}, fv, nil
		}
		return wave.Wave{}, "", refuse(catalog.UnknownWave, typed(s))
	}
	return w, "", err
}

// enrolment loads the wave of r and checks r is enrolled.
func (d *Dispatcher) enrolment(ctx context.Context, r ref) (wave.Wave, *wave.Enrolment, error) {
	w, err := d.wave(ctx, r.wave)
	if err != nil {
		return wave.Wave{}, nil, err
	}
	e, err := w.Enrolment(r.fv)
	if err != nil {
		return wave.Wave{}, nil, refuse(catalog.NotEnrolled, r.fv, r.wave)
	}
	return w, e, nil
}

// update changes a wave, refusing unknown ids and closed waves: a closed
// wave is kept as it was closed.
func (d *Dispatcher) update(ctx context.Context, id string, change storage.WaveChange) (wave.Wave, error) {
	return d.updateClosedToo(ctx, id, func(w *wave.Wave) ([]wave.Event, error) {
		if err := d.open(w); err != nil {
			return nil, err
		}
		return change(w)
	})
}

// open refuses a closed wave, saying when it was closed; a command that
// does something before its update (creates a person it names) asks
// first.
func (d *Dispatcher) open(w *wave.Wave) error {
	if w.IsClosed() {
		return refuse(catalog.WaveIsClosed, w.ID, dayArg(d.cfg.Calendar.Today(w.Closed.At)))
	}
	return nil
}

// updateClosedToo changes a wave, closed or not, refusing unknown ids: for
// what a closed wave still takes (an evaluation note, a channel leaving)
// and for renaming a person everywhere. Like wave, it reads the id in any
// case.
func (d *Dispatcher) updateClosedToo(ctx context.Context, id string, change storage.WaveChange) (wave.Wave, error) {
	w, err := d.cfg.Store.UpdateWave(ctx, strings.ToLower(id), change)
	if errors.Is(err, storage.ErrNotFound) {
		return wave.Wave{}, refuse(catalog.UnknownWave, typed(id))
	}
	return w, err
}

// updateEnrolment changes enrolment r inside an atomic wave update.
func (d *Dispatcher) updateEnrolment(ctx context.Context, r ref, change func(w *wave.Wave, e *wave.Enrolment) ([]wave.Event, error)) (wave.Wave, error) {
	return d.update(ctx, r.wave, func(w *wave.Wave) ([]wave.Event, error) {
		e, err := w.Enrolment(r.fv)
		if err != nil {
			return nil, refuse(catalog.NotEnrolled, r.fv, r.wave)
		}
		return change(w, e)
	})
}

// waves loads every wave. Waves that cannot be decoded are logged and left
// out, so one damaged wave does not hide the others.
func (d *Dispatcher) waves(ctx context.Context) ([]wave.Wave, error) {
	ws, err := d.cfg.Store.Waves(ctx)
	if err != nil && errors.Is(err, storage.ErrCorrupt) && !errors.Is(err, storage.ErrUnavailable) {
		d.cfg.Logger.Error("skipping undecodable waves", "err", err)
		return ws, nil
	}
	return ws, err
}

// name reads a name after the first n arguments, refusing one longer
// than most characters or on more than one line (the dispatcher has
// refused every other character that cannot be shown safely).
func (in Input) name(n, most int) (string, error) {
	s := in.restAfter(n)
	if utf8.RuneCountInString(s) > most {
		return "", refuse(catalog.NameTooLong, most)
	}
	if r, bad := wave.UnsafeRune(s, false); bad {
		if r == '\n' {
			return "", refuse(catalog.NameOneLine)
		}
		return "", refuse(catalog.UnsafeText, wave.RuneCode(r))
	}
	return s, nil
}

// note reads the free text after the first n arguments, refusing one
// longer than maxNote characters.
func (in Input) note(n int) (string, error) {
	s := in.restAfter(n)
	if utf8.RuneCountInString(s) > maxNote {
		return "", refuse(catalog.NoteTooLong, maxNote)
	}
	return s, nil
}

// day writes a date as running text in lang: "15. februar 2027".
func day(lang string, d wave.Date) string {
	if d.IsZero() {
		return "–"
	}
	return catalog.Date(lang, d.Year, d.Month, d.Day)
}

// moment writes an instant as running text in lang, in the calendar's time
// zone: "onsdag 17. februar 2027 kl. 9.00".
func (d *Dispatcher) moment(lang string, t time.Time) string {
	return catalog.Moment(lang, t.In(d.cfg.Calendar.Location()))
}

// activityTitle is the title of activity key in lang, from the template;
// the key itself for an activity the template no longer has.
func (d *Dispatcher) activityTitle(lang, key string) string {
	for _, a := range d.cfg.Template.Activities {
		if a.Key == key {
			return a.Title(lang)
		}
	}
	return key
}

// progress counts an enrolment's activities by what became of them.
func progress(lang string, e wave.Enrolment) *Progress {
	p := &Progress{Total: len(e.Activities)}
	for _, a := range e.Activities {
		switch a.Status {
		case wave.StatusDone:
			p.Done++
		case wave.StatusSkipped:
			p.Skipped++
		}
	}
	p.Text = progressText(lang, p.Done, p.Skipped, p.Total)
	return p
}

// progressText says how far something has come: "2 færdige, 1 sprunget
// over, 6 åbne"; skipped only when something was.
func progressText(lang string, done, skipped, total int) string {
	parts := []string{catalog.ProgressDone.In(lang, done, done)}
	if skipped > 0 {
		parts = append(parts, catalog.ProgressSkipped.In(lang, skipped, skipped))
	}
	open := total - done - skipped
	parts = append(parts, catalog.ProgressOpen.In(lang, open, open))
	return strings.Join(parts, ", ")
}
