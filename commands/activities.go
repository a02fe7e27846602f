package commands

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"wavebot/internal/catalog"
	"wavebot/wave"
)

// sides are the side me speaks for in enrolment e: KS for KS staff, the
// forvaltning for a contact named in e who is not; one person, one side.
// A KS person whom data from before that rule names as a contact speaks
// for KS only.
func sides(me wave.Person, e *wave.Enrolment) []wave.Party {
	switch {
	case me.IsKS():
		return []wave.Party{wave.PartyKS}
	case e.HasContact(me.ID):
		return []wave.Party{wave.PartyFV}
	}
	return nil
}

// mayDo refuses a person who is not on the side responsible for activity
// a of enrolment e (r): KS for its own activities, a contact of e for the
// forvaltning's, either side for shared work, where each gives its own
// word. title names the activity.
func mayDo(me wave.Person, a *wave.Activity, e *wave.Enrolment, r ref, title string) error {
	switch a.Responsible {
	case wave.PartyKS:
		if !me.IsKS() {
			return forbid(catalog.OnlyKS, title)
		}
	case wave.PartyFV:
		if !speaksForFV(me, e) {
			return forbid(catalog.OnlyContact, title, r.String())
		}
	default:
		if len(sides(me, e)) == 0 {
			return forbid(catalog.OnlyKSOrContact, title, r.String())
		}
	}
	return nil
}

// otherSide is the side that shares work with side.
func otherSide(side wave.Party) wave.Party {
	if side == wave.PartyKS {
		return wave.PartyFV
	}
	return wave.PartyKS
}

// sideFirst names a side at the start of a sentence: "KS", "Forvaltningen".
func sideFirst(side wave.Party) catalog.Message {
	if side == wave.PartyKS {
		return catalog.SideKSFirst
	}
	return catalog.SideFVFirst
}

// sideOf names a side as the owner of something: "KS'", "forvaltningens".
func sideOf(side wave.Party) catalog.Message {
	if side == wave.PartyKS {
		return catalog.SideOfKS
	}
	return catalog.SideOfFV
}

// sideName names a side as the one something waits for: "KS",
// "forvaltningen"; both when there are two.
func sideName(sides []wave.Party) catalog.Message {
	switch {
	case len(sides) == 1 && sides[0] == wave.PartyKS:
		return catalog.SideKS
	case len(sides) == 1:
		return catalog.SideFV
	}
	return catalog.WhoBoth
}

// sidePart names the part of a side at the start of a sentence: "KS' del",
// "Forvaltningens del".
func sidePart(side wave.Party) catalog.Message {
	if side == wave.PartyKS {
		return catalog.SidePartKS
	}
	return catalog.SidePartFV
}

// partEvents record in the log the sides that have just confirmed their
// part (done in after, not in before) of shared work, an activity or a step
// (action); the sides come back for the reply.
func partEvents(in Input, w *wave.Wave, e *wave.Enrolment, action, key string, owner wave.Party, before, after wave.Parts) ([]wave.Event, []wave.Party) {
	var evs []wave.Event
	var confirmed []wave.Party
	for _, side := range []wave.Party{wave.PartyKS, wave.PartyFV} {
		// A side that said to skip and now confirms its part counts.
		if !after.Has(side) || after.Skips(side) || (before.Has(side) && !before.Skips(side)) {
			continue
		}
		confirmed = append(confirmed, side)
		if owner == wave.PartyBoth {
			evs = append(evs, wave.Event{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: action, Item: key, After: string(side)})
		}
	}
	return evs, confirmed
}

// setStatus is done, start, block or skip: it gives an activity status to.
// The same status again changes nothing, unless it comes with a new note.
// Each side changes only what it answers for: KS its own activities, a
// contact the forvaltning's, either side its own word on shared work.
// Done confirms the caller's side of a shared activity, which is done when
// both sides have; skip gives the side's word to skip it, which it is when
// both sides have said so. The authorization activity is done by auth
// applied, and training waits for the forvaltning's decision.
func (d *Dispatcher) setStatus(to wave.Status) Handler {
	return func(ctx context.Context, in Input) (Reply, error) {
		if to == wave.StatusDone && !strings.Contains(in.Args[0], "/") {
			key, err := d.activityKey(in.Args[1])
			if err != nil {
				return Reply{}, err
			}
			note, err := in.note(2)
			if err != nil {
				return Reply{}, err
			}
			return d.doneAll(ctx, in, in.Args[0], key, note)
		}
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
		w, err := d.updateEnrolment(ctx, r, func(w *wave.Wave, e *wave.Enrolment) ([]wave.Event, error) {
			a, err := e.Activity(key)
			if err != nil {
				return nil, d.unknownActivity(key)
			}
			if err := mayDo(in.Me, a, e, r, title); err != nil {
				return nil, err
			}
			switch {
			case key == wave.TrainingActivity && e.TrainingUndecided():
				return nil, refuse(catalog.TrainingDecideFirst, r.String())
			case key == wave.AuthActivity && to == wave.StatusDone && a.Status != wave.StatusDone:
				if in.Me.IsKS() {
					return nil, refuse(catalog.AuthDoneByApplyKS, title, r.String())
				}
				return nil, refuse(catalog.AuthDoneByApplyFV, title, r.String())
			case to == wave.StatusSkipped && a.Responsible == wave.PartyBoth:
				var evs []wave.Event
				evs, reply, err = d.skipWord(in, w, e, r, key, note)
				return evs, err
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
			case to == wave.StatusDone:
				var evs []wave.Event
				evs, reply, err = d.confirm(in, w, e, r, key, note, sides(in.Me, e))
				return evs, err
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
		lines := []string{reply}
		if e, err := w.Enrolment(r.fv); err == nil && key == wave.InfoActivity && to == wave.StatusDone {
			lines = append(lines, d.uninformed(in.Lang, *e, in.Now)...)
		}
		return Reply{Lines: lines}, nil
	}
}

// confirm is done on an open activity: it confirms the side the caller
// speaks for (mine), in the source's order, and says whether the activity
// is done or what it waits for. An activity done is a milestone for the
// channels that follow it; an evaluation done asks the contacts for their
// note.
func (d *Dispatcher) confirm(in Input, w *wave.Wave, e *wave.Enrolment, r ref, key, note string, mine []wave.Party) ([]wave.Event, string, error) {
	a, _ := e.Activity(key)
	title := d.activityTitle(in.Lang, key)
	before, beforeParts := a.Status, a.Parts
	done, err := e.Confirm(key, mine, note, in.Me.ID, in.Now)
	switch {
	case errors.Is(err, wave.ErrConfirmed):
		return nil, "", unchanged(catalog.PartUnchanged.In(in.Lang, r, sidePart(mine[0]).In(in.Lang), title, sideName(a.Waiting()).In(in.Lang)))
	case errors.Is(err, wave.ErrSamePerson):
		return nil, "", samePerson(r, beforeParts, mine[0], title)
	case errors.Is(err, wave.ErrWordsDiffer):
		o := beforeParts.Word(otherSide(mine[0]))
		return nil, "", refuse(catalog.DoneAgainstSkip, r.String(), sideFirst(otherSide(mine[0])), title, o.Reason, sideOf(mine[0]), d.activityWord(in.Lang, key))
	case err != nil:
		return nil, "", err
	}
	if err := d.inOrder(in.Lang, e, r, key); err != nil {
		return nil, "", err
	}
	// A shared activity logs each side's part; its status when it is done.
	evs, confirmed := partEvents(in, w, e, actActivityPart, key, a.Responsible, beforeParts, a.Parts)
	if done || a.Responsible != wave.PartyBoth {
		evs = append(evs, wave.Event{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actActivityStatus, Item: key,
			Before: string(before), After: string(a.Status)})
	}
	if done {
		d.doneMilestone(w, in, e.FV, key)
	}
	if done && key == wave.EvaluationActivity && len(e.Contacts) > 0 && !e.FVNoted() {
		w.AddNotice(wave.Notice{Kind: wave.NoticeEvalNote, FV: e.FV, At: w.NoticeAt(in.Now), To: slices.Clone(e.Contacts)})
	}
	switch {
	case done && a.Responsible == wave.PartyBoth:
		return evs, catalog.BothConfirmed.In(in.Lang, r, title), nil
	case done:
		return evs, catalog.MarkedStatus.In(in.Lang, r, title, statusName[wave.StatusDone].In(in.Lang)), nil
	}
	return evs, catalog.PartConfirmed.In(in.Lang, r, sidePart(confirmed[0]).In(in.Lang), title, sideName(a.Waiting()).In(in.Lang)), nil
}

// samePerson refuses a word on shared work whose other side's word
// (in parts) the same person gave: the two words come from two people.
func samePerson(r ref, parts wave.Parts, mine wave.Party, title string) error {
	o := otherSide(mine)
	return refuse(catalog.SamePerson, r.String(), "@"+parts.Word(o).By, sideName([]wave.Party{o}), title, sideOf(mine))
}

// skipWord records the caller's side's word to skip shared activity key,
// with the reason: it is skipped when both sides have said so, two
// people, and never against the other side's word that its part is done.
func (d *Dispatcher) skipWord(in Input, w *wave.Wave, e *wave.Enrolment, r ref, key, reason string) ([]wave.Event, string, error) {
	a, _ := e.Activity(key)
	title := d.activityTitle(in.Lang, key)
	side := sides(in.Me, e)[0]
	before, beforeParts := a.Status, a.Parts
	skipped, err := e.Skip(key, side, reason, in.Me.ID, in.Now)
	switch {
	case errors.Is(err, wave.ErrConfirmed) && beforeParts == (wave.Parts{}):
		return nil, "", unchanged(catalog.StatusUnchanged.In(in.Lang, r, title, statusName[wave.StatusSkipped].In(in.Lang)))
	case errors.Is(err, wave.ErrConfirmed):
		return nil, "", unchanged(catalog.SkipWordSame.In(in.Lang, r, sideFirst(side).In(in.Lang), title))
	case errors.Is(err, wave.ErrSamePerson):
		return nil, "", samePerson(r, beforeParts, side, title)
	case errors.Is(err, wave.ErrWordsDiffer):
		return nil, "", refuse(catalog.SkipAgainstDone, r.String(), sideFirst(otherSide(side)), title)
	case err != nil:
		return nil, "", err
	}
	evs := []wave.Event{{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actActivitySkip, Item: key, After: reason}}
	if a.Status != before {
		evs = append(evs, wave.Event{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actActivityStatus, Item: key,
			Before: string(before), After: string(a.Status)})
	}
	if skipped {
		return evs, catalog.BothSkipped.In(in.Lang, r, title), nil
	}
	return evs, catalog.SkipWordGiven.In(in.Lang, r, sideFirst(side).In(in.Lang), title, reason, sideName([]wave.Party{otherSide(side)}).In(in.Lang)), nil
}

// pcKey is the template key of the activity that sets up the PCs, which
// go-live waits for.
const pcKey = "pc"

// inOrder refuses what the source's order puts later: go-live while the
// PCs or the authorizations are neither done nor skipped, the evaluation
// while go-live is.
func (d *Dispatcher) inOrder(lang string, e *wave.Enrolment, r ref, key string) error {
	switch key {
	case golive:
		var open []string
		for _, a := range e.Activities {
			if (a.Key == wave.AuthActivity || a.Key == pcKey) && !a.Status.Closed() {
				open = append(open, catalog.Quoted.In(lang, a.Title(lang)))
			}
		}
		if len(open) > 0 {
			return refuse(catalog.GoLiveWaits.For(len(open)), r.String(), listArg(open))
		}
	case wave.EvaluationActivity:
		if g, err := e.Activity(golive); err == nil && !g.Status.Closed() {
			return refuse(catalog.EvaluationAfterGoLive, r.String())
		}
	}
	return nil
}

// goLiveFirst warns, in lang, when enrolment e's go-live comes on or
// before the date of its authorizations or its PCs that are still open:
// the dates are KS's to plan, and the warning names what must come first.
// Empty when nothing does.
func goLiveFirst(lang string, w wave.Wave, e wave.Enrolment) string {
	g, ok := openGoLive(e)
	if !ok {
		return ""
	}
	var items []string
	for _, a := range e.Activities {
		if (a.Key == wave.AuthActivity || a.Key == pcKey) && !a.Status.Closed() && !g.Due.After(a.Due) {
			items = append(items, catalog.GoLiveBeforeItem.In(lang, a.Title(lang), day(lang, a.Due)))
		}
	}
	if len(items) == 0 {
		return ""
	}
	return catalog.GoLiveBefore.In(lang, w.ID+"/"+e.FV, day(lang, g.Due), catalog.List(lang, items))
}

// activityWord is how a reader of lang names activity key: in Danish its
// Danish key ("opstart"), in English its key.
func (d *Dispatcher) activityWord(lang, key string) string {
	return d.cfg.Template.ActivityWord(lang, key)
}

// deadline refuses a date nobody can meet: one that has passed, or one
// that is not a business day, naming the next that is.
func (d *Dispatcher) deadline(now time.Time, day wave.Date) error {
	c := d.cfg.Calendar
	if today := c.Today(now); day.Before(today) {
		return refuse(catalog.DateInPast, dayArg(day), dayArg(today))
	}
	if c.IsBusinessDay(day) {
		return nil
	}
	var why any = catalog.DayHoliday
	switch wd := day.Weekday(); {
	case wd == time.Saturday || wd == time.Sunday:
		why = weekdayArg(wd)
	case c.ClosedDay(day):
		why = catalog.DayClosed
	}
	return refuse(catalog.NotBusinessDay, dayArg(day), why, dayArg(c.NextBusinessDay(day)))
}

// setDue moves an activity's due date to a day people can meet; the same
// date again changes nothing. may, when set, refuses a person who may not
// date it. Go-live stays after the authorization feedback deadline, and a
// date that puts it before the authorizations or the PCs is taken with a
// warning naming them, as is one of the forvaltning's own activities on
// or after go-live. A date of the forvaltning's own activity is told to
// the other side, and the reply says so.
func (d *Dispatcher) setDue(ctx context.Context, in Input, r ref, key string, due wave.Date, may func(e *wave.Enrolment) error) (Reply, error) {
	if err := d.deadline(in.Now, due); err != nil {
		return Reply{}, err
	}
	title := d.activityTitle(in.Lang, key)
	w, err := d.updateEnrolment(ctx, r, func(w *wave.Wave, e *wave.Enrolment) ([]wave.Event, error) {
		if may != nil {
			if err := may(e); err != nil {
				return nil, err
			}
		}
		evs, err := d.dueIn(in, w, e, key, due)
		if err == nil && len(evs) == 0 {
			err = unchanged(catalog.DueUnchanged.In(in.Lang, r, title, day(in.Lang, due)))
		}
		return evs, err
	})
	if err != nil {
		return Reply{}, err
	}
	reply := Reply{Lines: []string{catalog.DueSet.In(in.Lang, r, title, day(in.Lang, due))}}
	if e, err := w.Enrolment(r.fv); err == nil {
		for _, line := range []string{dateTold(in, w, *e, key), goLiveFirst(in.Lang, w, *e), readyBeforeGoLive(in.Lang, *e, key)} {
			if line != "" {
				reply.Lines = append(reply.Lines, line)
			}
		}
	}
	return reply, nil
}

// dueIn gives activity key of enrolment e the date due, set by hand so
// moving the wave keeps it, and returns its event; none when it has that
// date already. A done or skipped activity keeps the date it was planned
// for, which the close-out report compares with the day it was done.
// Go-live stays after an open request's feedback deadline. A new
// evaluation date is a milestone.
func (d *Dispatcher) dueIn(in Input, w *wave.Wave, e *wave.Enrolment, key string, due wave.Date) ([]wave.Event, error) {
	a, err := e.Activity(key)
	if err != nil {
		return nil, d.unknownActivity(key)
	}
	if a.Status.Closed() {
		return nil, refuse(catalog.DueOfClosed, w.ID+"/"+e.FV, d.activityTitle(in.Lang, key), statusName[a.Status])
	}
	before := a.Due
	if before == due {
		return nil, nil
	}
	if key == golive && e.Auth != nil && e.Auth.State == wave.AuthRequested && !e.Auth.Due.Before(due) {
		return nil, refuse(catalog.GoLiveAfterAuth, w.ID+"/"+e.FV, dayArg(e.Auth.Due))
	}
	a.Due, a.DueByHand, a.ChangedBy, a.ChangedAt = due, true, in.Me.ID, in.Now
	d.dateNotice(w, in, e, key, due)
	if key == wave.EvaluationActivity {
		d.milestone(w, in, wave.MilestoneEvalSet, e.FV, key, due)
	}
	return []wave.Event{{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actActivityDue, Item: key,
		Before: before.String(), After: due.String()}}, nil
}

// golive is the template key of the go-live activity, which the
// authorization feedback must come before.
const golive = "golive"

// due sets an activity's date in one enrolment (ID/FV), by KS or, for
// the forvaltning's own activities, a contact of the enrolment; or, by KS,
// in every enrolment of a wave (ID).
func (d *Dispatcher) due(ctx context.Context, in Input) (Reply, error) {
	if !strings.Contains(in.Args[0], "/") {
		if !in.Me.IsKS() {
			return Reply{}, forbid(catalog.NotAllowed, KSOnly.who())
		}
		key, err := d.activityKey(in.Args[1])
		if err != nil {
			return Reply{}, err
		}
		due, err := parseDate(in.Args[2])
		if err != nil {
			return Reply{}, err
		}
		return d.dueAll(ctx, in, in.Args[0], key, due)
	}
	r, key, err := d.parseActivity(in.Args[0], in.Args[1])
	if err != nil {
		return Reply{}, err
	}
	due, err := parseDate(in.Args[2])
	if err != nil {
		return Reply{}, err
	}
	title := d.activityTitle(in.Lang, key)
	return d.setDue(ctx, in, r, key, due, func(e *wave.Enrolment) error {
		a, err := e.Activity(key)
		if err != nil {
			return d.unknownActivity(key)
		}
		return d.mayDate(in.Lang, in.Me, a, e, r, title)
	})
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

// authRequest asks the forvaltning for its feedback by a business day
// before go-live; "auth request ID DATE" asks every forvaltning of the
// wave. A request while one is open replaces it, and says so; the log
// keeps both.
func (d *Dispatcher) authRequest(ctx context.Context, in Input) (Reply, error) {
	if !strings.Contains(in.Args[0], "/") {
		due, err := parseDate(in.Args[1])
		if err != nil {
			return Reply{}, err
		}
		return d.authRequestAll(ctx, in, in.Args[0], due)
	}
	r, due, err := d.refAndDate(in)
	if err != nil {
		return Reply{}, err
	}
	if err := d.deadline(in.Now, due); err != nil {
		return Reply{}, err
	}
	var contacts []string
	var replaced *wave.AuthRequest
	_, err = d.updateEnrolment(ctx, r, func(w *wave.Wave, e *wave.Enrolment) ([]wave.Event, error) {
		if a := e.Auth; a != nil && a.State == wave.AuthRequested && a.Due == due {
			return nil, unchanged(catalog.AuthRequestUnchanged.In(in.Lang, r, day(in.Lang, due)))
		}
		contacts = e.Contacts
		var ev wave.Event
		var err error
		ev, replaced, err = d.requestAuthIn(in, w, e, due)
		return []wave.Event{ev}, err
	})
	if err != nil {
		return Reply{}, err
	}
	reply := Reply{Lines: []string{catalog.AuthRequested.In(in.Lang, r, day(in.Lang, due))}}
	if replaced != nil {
		reply.Lines = append(reply.Lines, catalog.AuthReplaced.In(in.Lang, day(in.Lang, replaced.Due)))
	}
	if len(contacts) == 0 {
		reply.Lines = append(reply.Lines, catalog.NoContactWarning.In(in.Lang, r))
	} else {
		reply.Lines = append(reply.Lines, catalog.AuthRequestedTo.In(in.Lang, len(contacts), mentions(in.Lang, contacts...)))
	}
	return reply, nil
}

// requestAuthIn asks enrolment e for its authorization feedback by due,
// before go-live, and returns the event and the request it replaced.
func (d *Dispatcher) requestAuthIn(in Input, w *wave.Wave, e *wave.Enrolment, due wave.Date) (wave.Event, *wave.AuthRequest, error) {
	r := w.ID + "/" + e.FV
	if g, err := e.Activity(golive); err == nil && !g.Status.Closed() && !due.Before(g.Due) {
		return wave.Event{}, nil, refuse(catalog.AuthAfterGoLive, r, dayArg(g.Due))
	}
	replaced, err := e.RequestAuth(due, in.Me.ID, in.Now)
	if err != nil {
		return wave.Event{}, nil, refuse(catalog.AuthAnsweredNotApplied, r)
	}
	ev := wave.Event{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actAuthRequest, After: due.String()}
	if replaced != nil {
		ev.Before = replaced.Due.String()
	}
	d.milestone(w, in, wave.MilestoneAuthRequested, e.FV, "", due)
	return ev, replaced, nil
}

// authAnswer is the forvaltning's feedback. The wave's KS lead is told at
// once, and applying it becomes KS's task, due the policy's AuthApply
// business days later.
func (d *Dispatcher) authAnswer(ok bool) Handler {
	return func(ctx context.Context, in Input) (Reply, error) {
		r, err := d.parseRef(in.Args[0])
		if err != nil {
			return Reply{}, err
		}
		note, err := in.note(1)
		if err != nil {
			return Reply{}, err
		}
		c := d.cfg.Calendar
		applyBy := c.AddBusinessDays(c.Today(in.Now), d.cfg.Policy.AuthApply)
		w, err := d.updateEnrolment(ctx, r, func(w *wave.Wave, e *wave.Enrolment) ([]wave.Event, error) {
			if !ContactOnly.allows(in.Me, e) {
				return nil, forbid(catalog.NotAllowed, catalog.PermContactOf.In(in.Lang, r.String()))
			}
			if a := e.Auth; a != nil && a.State == wave.AuthAnswered && a.OK == ok && a.Note == note {
				return nil, unchanged(catalog.AuthAlreadyAnswered.In(in.Lang, r))
			}
			if err := e.AnswerAuth(ok, note, in.Me.ID, w.NoticeAt(in.Now), applyBy); err != nil {
				return nil, refuse(catalog.AuthNotRequested, r.String())
			}
			after := authAnswerOK
			if !ok {
				after = note
			}
			d.milestone(w, in, wave.MilestoneAuthAnswered, e.FV, "", wave.Date{})
			return []wave.Event{{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actAuthAnswer, After: after}}, nil
		})
		if err != nil {
			return Reply{}, err
		}
		m := catalog.AuthAnsweredOK
		if !ok {
			m = catalog.AuthAnsweredFix
		}
		return Reply{Lines: []string{m.In(in.Lang, r, mentions(in.Lang, w.Lead), day(in.Lang, applyBy))}}, nil
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
			return nil, refuse(catalog.AuthNotAnswered, r.String())
		}
		d.milestone(w, in, wave.MilestoneAuthApplied, e.FV, "", wave.Date{})
		return []wave.Event{{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actAuthApply}}, nil
	})
	if err != nil {
		return Reply{}, err
	}
	return Reply{Lines: []string{catalog.AuthAppliedMsg.In(in.Lang, r)}}, nil
}

// training records the forvaltning's decision on training its users:
// "no [REASON]" is the activity done as decided, "yes DATE" makes it due
// that day.
// Only a contact of the enrolment decides.
func (d *Dispatcher) training(ctx context.Context, in Input) (Reply, error) {
	r, err := d.parseRef(in.Args[0])
	if err != nil {
		return Reply{}, err
	}
	var needed bool
	var reason string
	var due wave.Date
	switch choice := strings.ToLower(in.Args[1]); choice {
	case "no", "nej":
		if reason, err = in.note(2); err != nil {
			return Reply{}, err
		}
	case "yes", "ja":
		switch {
		case len(in.Args) < 3:
			return Reply{}, refuse(catalog.MissingArg, argName(catalog.ArgDate))
		case len(in.Args) > 3:
			return Reply{}, refuse(catalog.TooManyArgs, typed(in.restAfter(3)))
		}
		if due, err = parseDate(in.Args[2]); err != nil {
			return Reply{}, err
		}
		if err := d.deadline(in.Now, due); err != nil {
			return Reply{}, err
		}
		needed = true
	default:
		return Reply{}, refuse(catalog.TrainingBadChoice, typed(in.Args[1]))
	}
	title := d.activityTitle(in.Lang, wave.TrainingActivity)
	var told, early string
	_, err = d.updateEnrolment(ctx, r, func(w *wave.Wave, e *wave.Enrolment) ([]wave.Event, error) {
		if !ContactOnly.allows(in.Me, e) {
			return nil, forbid(catalog.NotAllowed, catalog.PermContactOf.In(in.Lang, r.String()))
		}
		a, err := e.Activity(wave.TrainingActivity)
		if err != nil {
			return nil, d.unknownActivity(wave.TrainingActivity)
		}
		if t := e.Training; t != nil && t.Needed == needed && t.Reason == reason && (!needed || a.Due == due) {
			return nil, unchanged(catalog.TrainingUnchanged.In(in.Lang, r))
		}
		before := a.Due
		if err := e.DecideTraining(needed, reason, due, in.Me.ID, in.Now); err != nil {
			return nil, err
		}
		if needed && due != before {
			d.dateNotice(w, in, e, wave.TrainingActivity, due)
			told = dateTold(in, *w, *e, wave.TrainingActivity)
		}
		early = readyBeforeGoLive(in.Lang, *e, wave.TrainingActivity)
		return []wave.Event{{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actTrainingDecide, After: trainingLog(needed, reason, due)}}, nil
	})
	if err != nil {
		return Reply{}, err
	}
	pointer := catalog.GuidesPointer.In(in.Lang, r.wave)
	if needed {
		reply := Reply{Lines: []string{catalog.TrainingYes.In(in.Lang, r, day(in.Lang, due))}}
		for _, line := range []string{told, early} {
			if line != "" {
				reply.Lines = append(reply.Lines, line)
			}
		}
		reply.Lines = append(reply.Lines, pointer)
		return reply, nil
	}
	return Reply{Lines: []string{catalog.TrainingNo.In(in.Lang, r, title), pointer}}, nil
}

// trainingLog is how the log records a training decision: "no: REASON" or
// "yes: YYYY-MM-DD".
func trainingLog(needed bool, reason string, due wave.Date) string {
	if needed {
		return "yes: " + due.String()
	}
	return strings.TrimSpace("no: " + reason)
}
