package commands

import (
	"context"

	"wavebot/catalog"
	"wavebot/wave"
)

// statusChange is what done, start, block and skip do to an activity.
type statusChange struct {
	to    wave.Status
	reply catalog.Message
}

var (
	statusDone    = statusChange{wave.StatusDone, catalog.MarkedDone}
	statusDoing   = statusChange{wave.StatusDoing, catalog.MarkedDoing}
	statusBlocked = statusChange{wave.StatusBlocked, catalog.MarkedBlocked}
	statusSkipped = statusChange{wave.StatusSkipped, catalog.MarkedSkipped}
)

// mayChange refuses a person who is not on the responsible side of party in
// forvaltning fv, saying who is.
func mayChange(me wave.Person, party wave.Party, fv, what string) error {
	if me.MayChange(party, fv) {
		return nil
	}
	if party == wave.PartyKS {
		return refuse(catalog.OnlyKS, what)
	}
	return refuse(catalog.OnlyKSOrContact, what, fv)
}

func (d *Dispatcher) setStatus(c statusChange) Handler {
	return func(ctx context.Context, in Input) (Reply, error) {
		if err := need(in, 2); err != nil {
			return Reply{}, err
		}
		r, key, err := d.parseActivity(in.Args[0], in.Args[1])
		if err != nil {
			return Reply{}, err
		}
		var title string
		_, err = d.updateEnrolment(ctx, r, func(w *wave.Wave, e *wave.Enrolment) ([]wave.Event, error) {
			a, err := e.Activity(key)
			if err != nil {
				return nil, d.unknownActivity(key)
			}
			if err := mayChange(in.Me, a.Responsible, e.FV, key); err != nil {
				return nil, err
			}
			before := a.Status
			title = a.Title(in.Lang)
			if err := e.SetStatus(key, c.to, in.restAfter(2), in.Me.ID, in.Now); err != nil {
				return nil, err
			}
			return []wave.Event{{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actActivityStatus, Item: key,
				Before: string(before), After: string(c.to)}}, nil
		})
		if err != nil {
			return Reply{}, err
		}
		return Reply{Lines: []string{c.reply.In(in.Lang, r, title)}}, nil
	}
}

// setDue moves an activity's due date.
func (d *Dispatcher) setDue(ctx context.Context, in Input, r ref, key string, due wave.Date) (Reply, error) {
	var title string
	_, err := d.updateEnrolment(ctx, r, func(w *wave.Wave, e *wave.Enrolment) ([]wave.Event, error) {
		a, err := e.Activity(key)
		if err != nil {
			return nil, d.unknownActivity(key)
		}
		before := a.Due
		a.Due, a.ChangedBy, a.ChangedAt = due, in.Me.ID, in.Now
		title = a.Title(in.Lang)
		return []wave.Event{{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actActivityDue, Item: key,
			Before: before.String(), After: due.String()}}, nil
	})
	if err != nil {
		return Reply{}, err
	}
	return Reply{Lines: []string{catalog.DueSet.In(in.Lang, r, title, due)}}, nil
}

func (d *Dispatcher) due(ctx context.Context, in Input) (Reply, error) {
	if err := exactly(in, 3); err != nil {
		return Reply{}, err
	}
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
	if err := exactly(in, 2); err != nil {
		return ref{}, wave.Date{}, err
	}
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
		return Reply{}, refuse(catalog.NotAllowed, KSOrContact.who().In(in.Lang))
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
		if err := e.RequestAuth(due, in.Me.ID, in.Now); err != nil {
			return nil, refuse(catalog.AuthAnsweredNotApplied, r)
		}
		contacts = e.Contacts
		return []wave.Event{{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actAuthRequest, After: due.String()}}, nil
	})
	if err != nil {
		return Reply{}, err
	}
	reply := Reply{Lines: []string{catalog.AuthRequested.In(in.Lang, r, due, people(contacts...))}}
	if len(contacts) == 0 {
		reply.Lines = append(reply.Lines, catalog.NoContactWarning.In(in.Lang, r))
	}
	return reply, nil
}

func (d *Dispatcher) authAnswer(ok bool) Handler {
	return func(ctx context.Context, in Input) (Reply, error) {
		if ok {
			if err := exactly(in, 1); err != nil {
				return Reply{}, err
			}
		} else if err := need(in, 2); err != nil {
			return Reply{}, err
		}
		r, err := d.parseRef(in.Args[0])
		if err != nil {
			return Reply{}, err
		}
		if !ContactOnly.allows(in.Me, r.fv) {
			return Reply{}, refuse(catalog.NotAllowed, catalog.PermContactOf.In(in.Lang, r.fv))
		}
		note := in.restAfter(1)
		_, err = d.updateEnrolment(ctx, r, func(w *wave.Wave, e *wave.Enrolment) ([]wave.Event, error) {
			if err := e.AnswerAuth(ok, note, in.Me.ID, in.Now); err != nil {
				return nil, refuse(catalog.AuthNotRequested, r)
			}
			after := "ok"
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

func (d *Dispatcher) authApplied(ctx context.Context, in Input) (Reply, error) {
	if err := exactly(in, 1); err != nil {
		return Reply{}, err
	}
	r, err := d.parseRef(in.Args[0])
	if err != nil {
		return Reply{}, err
	}
	_, err = d.updateEnrolment(ctx, r, func(w *wave.Wave, e *wave.Enrolment) ([]wave.Event, error) {
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
