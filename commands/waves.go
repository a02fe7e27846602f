package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"

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
	if err := need(in, 2); err != nil {
		return Reply{}, err
	}
	id := in.Args[0]
	if !wave.ValidID(id) {
		return Reply{}, refuse(catalog.BadWaveID, id)
	}
	start, err := parseDate(in.Args[1])
	if err != nil {
		return Reply{}, err
	}
	w, err := wave.New(id, in.restAfter(2), start, in.Me.ID, in.Now)
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
	return Reply{Lines: []string{catalog.WaveCreated.In(in.Lang, w.ID, w.Name, w.Start, people(in.Me.ID))}}, nil
}

func (d *Dispatcher) waveList(ctx context.Context, in Input) (Reply, error) {
	if err := exactly(in, 0); err != nil {
		return Reply{}, err
	}
	waves, err := d.waves(ctx)
	if err != nil {
		return Reply{}, err
	}
	r := Reply{Title: catalog.WavesTitle.In(in.Lang)}
	if len(waves) == 0 {
		r.Lines = []string{catalog.NoWaves.In(in.Lang)}
	}
	for _, w := range waves {
		r.Lines = append(r.Lines, catalog.WaveLine.In(in.Lang, w.ID, w.Name, w.Start, d.fvList(w)))
	}
	return r, nil
}

func (d *Dispatcher) fvList(w wave.Wave) string {
	var fvs []string
	for _, e := range w.Enrolments {
		fvs = append(fvs, e.FV)
	}
	if len(fvs) == 0 {
		return "–"
	}
	return strings.Join(fvs, ", ")
}

func (d *Dispatcher) waveShow(ctx context.Context, in Input) (Reply, error) {
	if err := exactly(in, 1); err != nil {
		return Reply{}, err
	}
	w, err := d.wave(ctx, in.Args[0])
	if err != nil {
		return Reply{}, err
	}
	r := Reply{
		Title: catalog.WaveTitle.In(in.Lang, w.ID, w.Name),
		Fields: []Field{
			{catalog.LabelStart.In(in.Lang), w.Start.String()},
			{catalog.LabelLead.In(in.Lang), people(w.Lead)},
			{catalog.LabelEnrolled.In(in.Lang), d.fvList(w)},
		},
	}
	for _, e := range w.Enrolments {
		done, total := e.Progress()
		r.Lines = append(r.Lines, catalog.EnrolmentLine.In(in.Lang, w.ID, e.FV, done, total, people(e.Contacts...)))
	}
	return r, nil
}

func (d *Dispatcher) waveEnroll(ctx context.Context, in Input) (Reply, error) {
	if err := need(in, 2); err != nil {
		return Reply{}, err
	}
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
	return Reply{Lines: []string{catalog.Enrolled.In(in.Lang, strings.Join(fvs, ", "), w.ID, len(d.cfg.Template.Activities))}}, nil
}

func (d *Dispatcher) waveLead(ctx context.Context, in Input) (Reply, error) {
	if err := exactly(in, 2); err != nil {
		return Reply{}, err
	}
	if _, err := d.wave(ctx, in.Args[0]); err != nil {
		return Reply{}, err
	}
	p, err := d.mention(ctx, in.Me.ID, in.Args[1], in.Now)
	if err != nil {
		return Reply{}, err
	}
	w, err := d.update(ctx, in.Args[0], func(w *wave.Wave) ([]wave.Event, error) {
		before := w.Lead
		w.Lead = p.ID
		return []wave.Event{{At: in.Now, Actor: in.Me.ID, Wave: w.ID, Action: actWaveLead, Before: before, After: p.ID}}, nil
	})
	if err != nil {
		return Reply{}, err
	}
	if !p.IsKS() {
		// The KS lead works for KS by definition.
		if _, err := d.setRole(ctx, in.Me.ID, p.ID, wave.RoleKS, ""); err != nil {
			return Reply{}, err
		}
	}
	return Reply{Lines: []string{catalog.LeadSet.In(in.Lang, people(p.ID), w.ID)}}, nil
}

func (d *Dispatcher) contact(ctx context.Context, in Input) (Reply, error) {
	if err := need(in, 2); err != nil {
		return Reply{}, err
	}
	r, err := d.parseRef(in.Args[0])
	if err != nil {
		return Reply{}, err
	}
	if !AdminOrContact.allows(in.Me, r.fv) {
		return Reply{}, refuse(catalog.NotAllowed, AdminOrContact.who().In(in.Lang))
	}
	if _, _, err := d.enrolment(ctx, r); err != nil {
		return Reply{}, err
	}
	// Check every mention before creating anyone.
	for _, m := range in.Args[1:] {
		if id, ok := strings.CutPrefix(m, "@"); !ok || !validPersonID(id) {
			return Reply{}, refuse(catalog.NotAMention, m)
		}
	}
	var named []wave.Person
	for _, m := range in.Args[1:] {
		p, err := d.mention(ctx, in.Me.ID, m, in.Now)
		if err != nil {
			return Reply{}, err
		}
		named = append(named, p)
	}
	_, err = d.updateEnrolment(ctx, r, func(w *wave.Wave, e *wave.Enrolment) ([]wave.Event, error) {
		var evs []wave.Event
		for _, p := range named {
			if !e.HasContact(p.ID) {
				e.AddContacts(p.ID)
				evs = append(evs, wave.Event{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actContactAdd, Item: p.ID})
			}
		}
		return evs, nil
	})
	if err != nil {
		return Reply{}, err
	}
	var ids []string
	for _, p := range named {
		ids = append(ids, p.ID)
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
	return Reply{Lines: []string{catalog.ContactsSet.In(in.Lang, people(ids...), r)}}, nil
}

// people renders person ids as mentions ("@maria, @slack:U123"), which each
// adapter turns into its platform's mention; "–" for none. Replies never
// look people up, so a status answer costs no extra reads.
func people(ids ...string) string {
	var out []string
	for _, id := range ids {
		if id != "" {
			out = append(out, "@"+id)
		}
	}
	if len(out) == 0 {
		return "–"
	}
	return strings.Join(out, ", ")
}
