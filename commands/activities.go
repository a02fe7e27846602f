package commands

import (
	"context"

	"wavebot/catalog"
	"wavebot/wave"
)

// mayChange refuses a person who is not on the responsible side of party in
// forvaltning fv, saying who is; what names the activity or step.
func mayChange(me wave.Person, party wave.Party, fv, what string) error {
	if me.MayChange(party, fv) {
		return nil
	}
	if party == wave.PartyKS {
		return refuse(catalog.OnlyKS, what)
	}
	return refuse(catalog.OnlyKSOrContact, what, fv)
}

// setStatus is done, start, block or skip: it gives an activity status to.
// The same status again changes nothing, unless it comes with a new note.
func (d *Dispatcher) setStatus(to wave.Status) Handler {
	return func(ctx context.Context, in Input) (Reply, error) {
		r, key, err := d.parseActivity(in.Args[0], in.Args[1])
		if err != nil {
			return Reply{}, err
		}
		note, err := in.note(2)
		if err != nil {
			return Reply{}, err
		}
		title, status := d.activityTitle(in.Lang, key), statusName[to].In(in.Lang)
		reply := catalog.MarkedStatus.In(in.Lang, r, title, status)
		_, err = d.updateEnrolment(ctx, r, func(w *wave.Wave, e *wave.Enrolment) ([]wave.Event, error) {
			a, err := e.Activity(key)
			if err != nil {
				return nil, d.unknownActivity(key)
			}
			if err := mayChange(in.Me, a.Responsible, e.FV, title); err != nil {
				return nil, err
			}
			before, beforeNote := a.Status, a.Note
			switch {
			case before == to && (note == "" || note == beforeNote):
				return nil, unchanged(catalog.StatusUnchanged.In(in.Lang, r, title, status))
			case before == to:
				a.Note, a.ChangedBy, a.ChangedAt = note, in.Me.ID, in.Now
				reply = catalog.NoteSet.In(in.Lang, r, title)
				return []wave.Event{{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actActivityNote, Item: key,
					Before: beforeNote, After: note}}, nil
			}
			if err := e.SetStatus(key, to, note, in.Me.ID, in.Now); err != nil {
				return nil, err
			}
			return []wave.Event{{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actActivityStatus, Item: key,
				Before: string(before), After: string(to)}}, nil
		})
		if err != nil {
			return Reply{}, err
		}
		return Reply{Lines: []string{reply}}, nil
	}
}

// setDue moves an activity's due date; the same date again changes nothing.
func (d *Dispatcher) setDue(ctx context.Context, in Input, r ref, key string, due wave.Date) (Reply, error) {
	title := d.activityTitle(in.Lang, key)
	_, err := d.updateEnrolment(ctx, r, func(w *wave.Wave, e *wave.Enrolment) ([]wave.Event, error) {
		a, err := e.Activity(key)
		if err != nil {
			return nil, d.unknownActivity(key)
		}
		before := a.Due
		if before == due {
			return nil, unchanged(catalog.DueUnchanged.In(in.Lang, r, title, day(in.Lang, due)))
		}
		a.Due, a.ChangedBy, a.ChangedAt = due, in.Me.ID, in.Now
		return []wave.Event{{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actActivityDue, Item: key,
			Before: before.String(), After: due.String()}}, nil
	})
	if err != nil {
		return Reply{}, err
	}
	return Reply{Lines: []string{catalog.DueSet.In(in.Lang, r, title, day(in.Lang, due))}}, nil
}

func (d *Dispatcher) due(ctx context.Context, in Input) (Reply, error) {
	r, key, err := d.parseActivity(in.Args[0], in.Args[1])
	if err != nil {
		return Reply{}, err
	}
	due, err := parseDate(in.Args[2])
	if err != nil {
		return Reply{}, err
	}
	return d.setDue(ctx, in, r, key, due)
}

// refAndDate reads the arguments "ID/FV YYYY-MM-DD".
func (d *Dispatcher) refAndDate(in Input) (ref, wave.Date, error) {
	r, err := d.parseRef(in.Args[0])
	if err != nil {
		return ref{}, wave.Date{}, err
	}
	day, err := parseDate(in.Args[1])
	return r, day, err
}

func (d *Dispatcher) eval(ctx context.Context, in Input) (Reply, error) {
	r, day, err := d.refAndDate(in)
	if err != nil {
		return Reply{}, err
	}
	if !KSOrContact.allows(in.Me, r.fv) {
		return Reply{}, refuse(catalog.NotAllowed, KSOrContact.who())
	}
	return d.setDue(ctx, in, r, wave.EvaluationActivity, day)
}

func (d *Dispatcher) authRequest(ctx context.Context, in Input) (Reply, error) {
	r, due, err := d.refAndDate(in)
	if err != nil {
		return Reply{}, err
	}
	var contacts []string
	_, err = d.updateEnrolment(ctx, r, func(w *wave.Wave, e *wave.Enrolment) ([]wave.Event, error) {
		if a := e.Auth; a != nil && a.State == wave.AuthRequested && a.Due == due {
			return nil, unchanged(catalog.AuthRequestUnchanged.In(in.Lang, r, day(in.Lang, due)))
		}
		if err := e.RequestAuth(due, in.Me.ID, in.Now); err != nil {
			return nil, refuse(catalog.AuthAnsweredNotApplied, r)
		}
		contacts = e.Contacts
		return []wave.Event{{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actAuthRequest, After: due.String()}}, nil
	})
	if err != nil {
		return Reply{}, err
	}
	reply := Reply{Lines: []string{catalog.AuthRequested.In(in.Lang, r, day(in.Lang, due))}}
	if len(contacts) == 0 {
		reply.Lines = append(reply.Lines, catalog.NoContactWarning.In(in.Lang, r))
	} else {
		reply.Lines = append(reply.Lines, catalog.AuthRequestedTo.In(in.Lang, len(contacts), mentions(in.Lang, contacts...)))
	}
	return reply, nil
}

func (d *Dispatcher) authAnswer(ok bool) Handler {
	return func(ctx context.Context, in Input) (Reply, error) {
		r, err := d.parseRef(in.Args[0])
		if err != nil {
			return Reply{}, err
		}
		if !ContactOnly.allows(in.Me, r.fv) {
			return Reply{}, refuse(catalog.NotAllowed, catalog.PermContactOf.In(in.Lang, r.fv))
		}
		note, err := in.note(1)
		if err != nil {
			return Reply{}, err
		}
		_, err = d.updateEnrolment(ctx, r, func(w *wave.Wave, e *wave.Enrolment) ([]wave.Event, error) {
			if a := e.Auth; a != nil && a.State == wave.AuthAnswered && a.OK == ok && a.Note == note {
				return nil, unchanged(catalog.AuthAlreadyAnswered.In(in.Lang, r))
			}
			if err := e.AnswerAuth(ok, note, in.Me.ID, in.Now); err != nil {
				return nil, refuse(catalog.AuthNotRequested, r)
			}
			after := authAnswerOK
			if !ok {
				after = note
			}
			return []wave.Event{{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actAuthAnswer, After: after}}, nil
		})
		if err != nil {
			return Reply{}, err
		}
		if ok {
			return Reply{Lines: []string{catalog.AuthAnsweredOK.In(in.Lang, r)}}, nil
		}
		return Reply{Lines: []string{catalog.AuthAnsweredFix.In(in.Lang, r)}}, nil
	}
}

// authAnswerOK is how the log records a confirmation without corrections.
const authAnswerOK = "ok"

func (d *Dispatcher) authApplied(ctx context.Context, in Input) (Reply, error) {
	r, err := d.parseRef(in.Args[0])
	if err != nil {
		return Reply{}, err
	}
	_, err = d.updateEnrolment(ctx, r, func(w *wave.Wave, e *wave.Enrolment) ([]wave.Event, error) {
		if e.Auth != nil && e.Auth.State == wave.AuthApplied {
			return nil, unchanged(catalog.AuthAlreadyApplied.In(in.Lang, r))
		}
		if err := e.ApplyAuth(in.Me.ID, in.Now); err != nil {
			return nil, refuse(catalog.AuthNotAnswered, r)
		}
		return []wave.Event{{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actAuthApply}}, nil
	})
	if err != nil {
		return Reply{}, err
	}
	return Reply{Lines: []string{catalog.AuthAppliedMsg.In(in.Lang, r)}}, nil
}
