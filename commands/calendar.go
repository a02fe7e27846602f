package commands

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"

	"wavebot/internal/catalog"
	"wavebot/internal/ical"
	"wavebot/storage"
	"wavebot/wave"
)

// The calendar feed: "calendar" gives a person the address of a private
// iCalendar feed of their deadlines and evaluation days across waves,
// "calendar reset" a new one that ends the old. The address carries the
// person's id and a random secret kept on their record; the feed is
// served to whoever holds it, as calendar clients fetch it without
// signing in, so it is unguessable (192 random bits) and revocable.

// actCalendar logs that a person got a new calendar address; the log
// keeps no secret.
const actCalendar = "person.calendar"

func init() { actionText[actCalendar] = catalog.ActCalendar }

// ErrNoCalendar answers an address that is not a calendar feed: never
// made, reset since, or changed.
var ErrNoCalendar = errors.New("commands: no such calendar")

// calendar gives the caller their feed's address, making the feed on the
// first call; with "reset" it makes a new address and ends the old.
func (d *Dispatcher) calendar(ctx context.Context, in Input) (Reply, error) {
	reset := false
	if len(in.Args) > 0 {
		switch strings.ToLower(in.Args[0]) {
		case "reset", "nulstil":
			reset = true
		default:
			return Reply{}, refuse(catalog.BadCalendarArg, typed(in.Args[0]))
		}
	}
	links, err := d.links()
	if err != nil {
		return Reply{}, err
	}
	secret := in.Me.Calendar
	if secret == "" || reset {
		fresh := newSecret()
		p, err := d.cfg.Store.UpdatePerson(ctx, in.Me.ID, func(p *wave.Person) ([]wave.Event, error) {
			if p.Calendar != "" && !reset {
				return nil, nil // made by a request a moment before
			}
			p.Calendar = fresh
			return []wave.Event{{At: in.Now, Actor: in.Me.ID, Action: actCalendar, Item: in.Me.ID}}, nil
		})
		if err != nil {
			return Reply{}, err
		}
		secret = p.Calendar
	}
	address := links.Calendar(feedToken(in.Me.ID, secret))
	r := Reply{Lines: []string{catalog.CalendarLink.In(in.Lang, address), catalog.CalendarHow.In(in.Lang)},
		Actions: []Action{{Label: catalog.ButtonCalendar.In(in.Lang), URL: address}}}
	if reset {
		r.Lines = append([]string{catalog.CalendarReset.In(in.Lang)}, r.Lines...)
	}
	return r, nil
}

// newSecret is 24 random bytes, written for an address.
func newSecret() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// feedToken is the last part of a feed's address: the person's id and
// the secret.
func feedToken(person, secret string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(person)) + "." + secret
}

// maxFeedToken bounds a token read: a person id and a secret are short.
const maxFeedToken = 256

// CalendarFeed is the iCalendar feed whose address ends in token, as it
// stands now; ErrNoCalendar when no person's feed has that token.
func (d *Dispatcher) CalendarFeed(ctx context.Context, token string) ([]byte, error) {
	id, secret, ok := strings.Cut(token, ".")
	person, err := base64.RawURLEncoding.DecodeString(id)
	if !ok || err != nil || len(token) > maxFeedToken || secret == "" {
		return nil, ErrNoCalendar
	}
	p, err := d.cfg.Store.Person(ctx, string(person))
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return nil, ErrNoCalendar
	case err != nil:
		return nil, fmt.Errorf("calendar of %s: %w", person, err)
	case p.Calendar == "" || subtle.ConstantTimeCompare([]byte(p.Calendar), []byte(secret)) != 1:
		return nil, ErrNoCalendar
	}
	waves, err := d.waves(ctx)
	if err != nil {
		return nil, err
	}
	lang := d.cfg.Lang
	if p.Lang != "" {
		lang = p.Lang
	}
	cal := ical.Calendar{Name: catalog.CalendarName.In(lang, p.DisplayName()), Zone: d.cfg.Calendar.Location().String(), Stamp: d.cfg.Clock.Now()}
	for _, w := range waves {
		if w.IsClosed() {
			continue
		}
		cal.Events = append(cal.Events, d.calendarEvents(lang, w, p.ID)...)
	}
	tracks, err := d.calendarTrackEvents(ctx, lang, waves, p.ID)
	if err != nil {
		return nil, err
	}
	cal.Events = append(cal.Events, tracks...)
	var b bytes.Buffer
	if err := cal.Encode(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// calendarEvents are person's days in wave w: what their side owes and
// by when (activities, the feedback or applying it, the training
// decision, KØR workflow steps with a date) and the evaluation days of
// the enrolments they take part in. Each event's UID names the wave, the
// forvaltning and the thing, so it stays when the date changes.
func (d *Dispatcher) calendarEvents(lang string, w wave.Wave, person string) []ical.Event {
	var out []ical.Event
	for _, e := range w.Enrolments {
		var mine []wave.Party
		if w.Lead == person {
			mine = append(mine, wave.PartyKS)
		}
		if e.HasContact(person) {
			mine = append(mine, wave.PartyFV)
		}
		if len(mine) == 0 {
			continue
		}
		ref := w.ID + "/" + e.FV
		desc := catalog.CalDescription.In(lang, w.ID, w.Name, ref)
		add := func(thing string, due wave.Date, summary string) {
			if !due.IsZero() {
				out = append(out, ical.Event{UID: w.ID + "." + e.FV + "." + thing + "@wavebot", Day: due, Summary: summary, Description: desc})
			}
		}
		for _, a := range e.Activities {
			switch {
			case a.Status.Closed():
			case a.Key == wave.EvaluationActivity:
				add(a.Key, a.Due, catalog.CalActivity.In(lang, ref, a.Title(lang)))
			case a.Key == wave.TrainingActivity && e.TrainingUndecided():
				if slices.Contains(mine, wave.PartyFV) {
					add(a.Key, a.Due, catalog.CalTraining.In(lang, ref))
				}
			case a.Key == wave.AuthActivity && e.Auth != nil:
			case a.Key == wave.AuthActivity:
				if slices.Contains(mine, wave.PartyKS) {
					add(a.Key, a.Due, catalog.CalActivity.In(lang, ref, a.Title(lang)))
				}
			case owes(mine, a.Waiting()):
				add(a.Key, a.Due, catalog.CalActivity.In(lang, ref, a.Title(lang)))
			}
		}
		switch a := e.Auth; {
		case a == nil:
		case a.State == wave.AuthRequested && slices.Contains(mine, wave.PartyFV):
			add("auth-feedback", a.Due, catalog.CalAuthFeedback.In(lang, ref))
		case a.State == wave.AuthAnswered && slices.Contains(mine, wave.PartyKS):
			add("auth-apply", a.ApplyBy, catalog.CalApply.In(lang, ref))
		}
	}
	return out
}

// calendarTrackEvents are person's days on the forvaltninger's KØR
// workflow tracks: the dated steps their side owes (as a contact, or as
// who follows KS's part, notify.TrackKS) and KS's teaching sessions. An
// event's UID names the forvaltning and the step or session.
func (d *Dispatcher) calendarTrackEvents(ctx context.Context, lang string, waves []wave.Wave, person string) ([]ical.Event, error) {
	tracks, err := d.storedTracks(ctx)
	if err != nil {
		return nil, err
	}
	var out []ical.Event
	for _, t := range tracks {
		fv := t.FV
		mine, ks := owedOnTrack(person, waves, t)
		desc := catalog.TrackName.In(lang, fv)
		add := func(thing string, due wave.Date, summary string) {
			if !due.IsZero() {
				out = append(out, ical.Event{UID: "workflow." + fv + "." + thing + "@wavebot", Day: due, Summary: summary, Description: desc})
			}
		}
		for _, s := range t.Steps {
			if !s.Done && owes(mine, s.Waiting()) {
				add("step-"+s.Key, s.Due, catalog.CalStep.In(lang, fv, s.Title(lang)))
			}
		}
		for _, session := range t.Teaching {
			if ks && !session.Held {
				add(wave.TeachingKey(session.Date), session.Date, catalog.CalStep.In(lang, fv, d.stepTitle(lang, wave.TeachingKey(session.Date))))
			}
		}
	}
	return out, nil
}
