package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"

	"wavebot/catalog"
	"wavebot/storage"
	"wavebot/wave"
)

// Audit actions; the log renders each with its catalog message.
const (
	actWaveCreate     = "wave.create"
	actWaveEnroll     = "wave.enroll"
	actWaveLead       = "wave.lead"
	actContactAdd     = "contact.add"
	actActivityStatus = "activity.status"
	actActivityNote   = "activity.note"
	actActivityDue    = "activity.due"
	actAuthRequest    = "auth.request"
	actAuthAnswer     = "auth.answer"
	actAuthApply      = "auth.apply"
	actWorkflowStep   = "workflow.step"
	actPersonCreate   = "person.create"
	actPersonRole     = "person.role"
	actPersonLang     = "person.lang"
	actRemindSnooze   = "remind.snooze"
	actPersonLink     = "person.link"
)

var actionText = map[string]catalog.Message{
	actWaveCreate:     catalog.ActWaveCreate,
	actWaveEnroll:     catalog.ActWaveEnroll,
	actWaveLead:       catalog.ActWaveLead,
	actContactAdd:     catalog.ActContactAdd,
	actActivityStatus: catalog.ActActivityStatus,
	actActivityNote:   catalog.ActActivityNote,
	actActivityDue:    catalog.ActActivityDue,
	actAuthRequest:    catalog.ActAuthRequest,
	actAuthAnswer:     catalog.ActAuthAnswer,
	actAuthApply:      catalog.ActAuthApply,
	actWorkflowStep:   catalog.ActWorkflowStep,
	actPersonCreate:   catalog.ActPersonCreate,
	actPersonRole:     catalog.ActPersonRole,
	actPersonLang:     catalog.ActPersonLang,
	actRemindSnooze:   catalog.ActRemindSnooze,
	actPersonLink:     catalog.ActPersonLink,
}

func (d *Dispatcher) waveCreate(ctx context.Context, in Input) (Reply, error) {
	id := in.Args[0]
	if !wave.ValidID(id) {
		return Reply{}, refuse(catalog.BadWaveID, typed(id))
	}
	start, err := parseDate(in.Args[1])
	if err != nil {
		return Reply{}, err
	}
	name := in.restAfter(2)
	if utf8.RuneCountInString(name) > maxWaveName {
		return Reply{}, refuse(catalog.NameTooLong, maxWaveName)
	}
	w, err := wave.New(id, name, start, in.Me.ID, in.Now)
	if err != nil {
		return Reply{}, fmt.Errorf("new wave %s: %w", id, err)
	}
	ev := wave.Event{At: in.Now, Actor: in.Me.ID, Wave: id, Action: actWaveCreate, After: w.Name}
	if err := d.cfg.Store.CreateWave(ctx, w, ev); err != nil {
		if errors.Is(err, storage.ErrExists) {
			return Reply{}, refuse(catalog.WaveExists, id)
		}
		return Reply{}, err
	}
	return Reply{Lines: []string{catalog.WaveCreated.In(in.Lang, w.ID, w.Name, day(in.Lang, w.Start), mentions(in.Lang, in.Me.ID))}}, nil
}

func (d *Dispatcher) waveList(ctx context.Context, in Input) (Reply, error) {
	waves, err := d.waves(ctx)
	if err != nil {
		return Reply{}, err
	}
	r := Reply{Title: catalog.WavesTitle.In(in.Lang)}
	if len(waves) == 0 {
		r.Lines = []string{catalog.NoWaves.In(in.Lang)}
	}
	for _, w := range waves {
		r.Lines = append(r.Lines, catalog.WaveLine.In(in.Lang, w.ID, w.Name, day(in.Lang, w.Start), fvList(in.Lang, w)))
	}
	return r, nil
}

// fvList names the forvaltninger enrolled in w: "BUF og SUF".
func fvList(lang string, w wave.Wave) string {
	var fvs []string
	for _, e := range w.Enrolments {
		fvs = append(fvs, e.FV)
	}
	if len(fvs) == 0 {
		return catalog.NoneEnrolled.In(lang)
	}
	return catalog.List(lang, fvs)
}

func (d *Dispatcher) waveShow(ctx context.Context, in Input) (Reply, error) {
	w, err := d.wave(ctx, in.Args[0])
	if err != nil {
		return Reply{}, err
	}
	r := Reply{
		Title: catalog.WaveTitle.In(in.Lang, w.ID, w.Name),
		Fields: []Field{
			{catalog.LabelStart.In(in.Lang), day(in.Lang, w.Start)},
			{catalog.LabelLead.In(in.Lang), mentions(in.Lang, w.Lead)},
			{catalog.LabelEnrolled.In(in.Lang), fvList(in.Lang, w)},
		},
	}
	for _, e := range w.Enrolments {
		r.Lines = append(r.Lines, catalog.EnrolmentLine.In(in.Lang, w.ID+"/"+e.FV, progress(in.Lang, e).Text, contactsPhrase(in.Lang, e.Contacts)))
	}
	return r, nil
}

// contactsPhrase names an enrolment's contacts in a sentence:
// "kontaktperson @maria", "kontaktpersoner @maria og @jens".
func contactsPhrase(lang string, ids []string) string {
	if len(ids) == 0 {
		return catalog.NoContactPhrase.In(lang)
	}
	return catalog.ContactsPhrase.In(lang, len(ids), mentions(lang, ids...))
}

func (d *Dispatcher) waveEnroll(ctx context.Context, in Input) (Reply, error) {
	var fvs []string
	for _, s := range in.Args[1:] {
		fv, err := d.forvaltning(s)
		if err != nil {
			return Reply{}, err
		}
		fvs = append(fvs, fv)
	}
	w, err := d.update(ctx, in.Args[0], func(w *wave.Wave) ([]wave.Event, error) {
		var evs []wave.Event
		for _, fv := range fvs {
			if err := w.Enroll(fv, d.cfg.Template, d.cfg.Calendar); err != nil {
				return nil, refuse(catalog.AlreadyEnrolled, fv, w.ID)
			}
			evs = append(evs, wave.Event{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: fv, Action: actWaveEnroll})
		}
		return evs, nil
	})
	if err != nil {
		return Reply{}, err
	}
	return Reply{Lines: []string{catalog.Enrolled.In(in.Lang, len(fvs), catalog.List(in.Lang, fvs), w.ID, len(d.cfg.Template.Activities))}}, nil
}

// waveLead names a wave's KS lead. The lead works for KS by definition, so
// the person must already have a KS role: giving it is a decision of its
// own, made with role and logged as such, never a side effect.
func (d *Dispatcher) waveLead(ctx context.Context, in Input) (Reply, error) {
	if _, err := d.wave(ctx, in.Args[0]); err != nil {
		return Reply{}, err
	}
	p, err := d.known(ctx, in.Args[1])
	if err != nil {
		return Reply{}, err
	}
	if !p.IsKS() {
		return Reply{}, refuse(catalog.LeadNotKS, mentions(in.Lang, p.ID))
	}
	w, err := d.update(ctx, in.Args[0], func(w *wave.Wave) ([]wave.Event, error) {
		before := w.Lead
		if before == p.ID {
			return nil, unchanged(catalog.LeadUnchanged.In(in.Lang, mentions(in.Lang, p.ID), w.ID))
		}
		w.Lead = p.ID
		return []wave.Event{{At: in.Now, Actor: in.Me.ID, Wave: w.ID, Action: actWaveLead, Before: before, After: p.ID}}, nil
	})
	if err != nil {
		return Reply{}, err
	}
	return Reply{Lines: []string{catalog.LeadSet.In(in.Lang, mentions(in.Lang, p.ID), w.ID)}}, nil
}

// contact names contacts of an enrolment. Every mention is checked before
// anyone is created; naming only people who already are contacts changes
// nothing.
func (d *Dispatcher) contact(ctx context.Context, in Input) (Reply, error) {
	r, err := d.parseRef(in.Args[0])
	if err != nil {
		return Reply{}, err
	}
	if !AdminOrContact.allows(in.Me, r.fv) {
		return Reply{}, refuse(catalog.NotAllowed, AdminOrContact.who())
	}
	_, e, err := d.enrolment(ctx, r)
	if err != nil {
		return Reply{}, err
	}
	var named []wave.Person
	for _, m := range in.Args[1:] {
		p, err := d.known(ctx, m)
		if err != nil {
			return Reply{}, err
		}
		if !slices.ContainsFunc(named, func(o wave.Person) bool { return o.ID == p.ID }) {
			named = append(named, p)
		}
	}
	var fresh, already []string
	roleless := false
	for _, p := range named {
		if e.HasContact(p.ID) {
			already = append(already, p.ID)
		} else {
			fresh = append(fresh, p.ID)
		}
		roleless = roleless || !p.IsContactOf(r.fv)
	}
	if len(fresh) == 0 && !roleless {
		return Reply{}, unchanged(catalog.ContactsUnchanged.In(in.Lang, len(already), mentions(in.Lang, already...), r))
	}
	for _, id := range fresh {
		if _, err := d.mention(ctx, in.Me.ID, "@"+id, in.Now); err != nil {
			return Reply{}, err
		}
	}
	if len(fresh) > 0 {
		_, err = d.updateEnrolment(ctx, r, func(w *wave.Wave, e *wave.Enrolment) ([]wave.Event, error) {
			var evs []wave.Event
			for _, id := range fresh {
				if !e.HasContact(id) {
					e.AddContacts(id)
					evs = append(evs, wave.Event{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actContactAdd, Item: id})
				}
			}
			return evs, nil
		})
		if err != nil {
			return Reply{}, err
		}
	}
	for _, p := range named {
		if p.IsContactOf(r.fv) {
			continue
		}
		_, err := d.cfg.Store.UpdatePerson(ctx, p.ID, func(p *wave.Person) ([]wave.Event, error) {
			before := describeRole(*p)
			p.MakeContactOf(r.fv)
			return []wave.Event{{At: in.Now, Actor: in.Me.ID, Action: actPersonRole, Item: p.ID, Before: before, After: describeRole(*p)}}, nil
		})
		if err != nil {
			return Reply{}, err
		}
	}
	var reply Reply
	if len(fresh) > 0 {
		reply.Lines = append(reply.Lines, catalog.ContactsSet.In(in.Lang, len(fresh), mentions(in.Lang, fresh...), r))
	}
	if len(already) > 0 {
		reply.Lines = append(reply.Lines, catalog.ContactsAlready.In(in.Lang, len(already), mentions(in.Lang, already...), r))
	}
	return reply, nil
}

// mentions renders person ids as mentions in a sentence ("@maria",
// "@maria og @slack:U123"), which each adapter turns into its platform's
// mention; "–" for none. Replies never look people up, so a status answer
// costs no extra reads.
func mentions(lang string, ids ...string) string {
	var out []string
	for _, id := range ids {
		if id != "" {
			out = append(out, "@"+id)
		}
	}
	if len(out) == 0 {
		return "–"
	}
	return catalog.List(lang, out)
}
