package commands

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"wavebot/internal/catalog"
	"wavebot/notify"
	"wavebot/storage"
	"wavebot/wave"
)

// TemplateView is what the page of a forvaltning's central decisions and
// authorization template shows its person.
type TemplateView struct {
	Lang     string
	Me       wave.Person
	FV       string
	Template wave.AuthTemplate
	Workflow wave.Track
	// Problems are the template's broken rules, row by row.
	Problems []wave.Problem
	// What the person may do now.
	MayEdit, MayDeliver, MayExport bool
}

// TemplateView loads forvaltning fv's template as person may see it: KS
// and the forvaltning's contacts, who fill it in.
func (d *Dispatcher) TemplateView(ctx context.Context, person, fv string) (TemplateView, error) {
	pg, err := d.pageOf(ctx, person)
	v := TemplateView{Lang: pg.lang, Me: pg.me, FV: fv}
	if err != nil {
		return v, err
	}
	if fv, err = d.forvaltning(fv); err != nil {
		return v, err
	}
	if ok, err := d.mayFillTemplate(ctx, pg.me, fv); err != nil || !ok {
		return v, cmp.Or(err, refuse(catalog.PageNotYours))
	}
	if v.Template, err = d.cfg.Store.AuthTemplate(ctx, fv); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return v, err
	}
	v.Template.FV = fv
	track, err := d.track(ctx, fv, pg.now)
	if err != nil {
		return v, err
	}
	v.Workflow = track.Steps
	v.Problems = v.Template.Validate()
	v.MayEdit = !v.Template.Delivered
	if s, err := track.Steps.Step(stepTemplate); err == nil && pg.me.IsKS() {
		// KS sees the forvaltning's template; it fills it in by agreement.
		_, err := mayStep(pg.me, &track, s, pg.lang, false)
		v.MayEdit = v.MayEdit && err == nil
	}
	v.MayDeliver = v.MayEdit && len(v.Template.Rows) > 0 && len(wave.Blocking(v.Problems)) == 0 && mayDeliver(pg.me, &track, pg.lang)
	v.MayExport = v.Template.Delivered
	return v, nil
}

// mayDeliver reports whether me may do the steps of filling in and
// delivering the template: a contact of the track, or KS under an
// agreement on project management.
func mayDeliver(me wave.Person, t *wave.Workflow, lang string) bool {
	for _, key := range []string{stepTemplate, stepDeliver} {
		if s, err := t.Steps.Step(key); err == nil {
			if _, err := mayStep(me, t, s, lang, false); err != nil {
				return false
			}
		}
	}
	return true
}

// templatePage starts a change of fv's template, part of the workflow
// step of that key: the person may change what the forvaltning is
// responsible for, and KS only while the forvaltning has handed it
// project management (mayStep), as for the step itself.
func (d *Dispatcher) templatePage(ctx context.Context, person, fv, step string) (page, string, error) {
	pg, err := d.pageOf(ctx, person)
	if err != nil {
		return pg, "", err
	}
	if fv, err = d.forvaltning(fv); err != nil {
		return pg, "", err
	}
	if ok, err := d.mayFillTemplate(ctx, pg.me, fv); err != nil || !ok {
		return pg, "", cmp.Or(err, refuse(catalog.NotAllowed, KSOrContact.who()))
	}
	if pg.me.IsKS() {
		track, err := d.track(ctx, fv, pg.now)
		if err != nil {
			return pg, "", err
		}
		if s, err := track.Steps.Step(step); err == nil {
			if _, err := mayStep(pg.me, &track, s, pg.lang, false); err != nil {
				return pg, "", err
			}
		}
	}
	return pg, fv, nil
}

// templateError turns a domain refusal of the template into one for people.
func templateError(err error) error {
	switch {
	case errors.Is(err, wave.ErrDelivered):
		return refuse(catalog.TemplateIsDelivered)
	case errors.Is(err, wave.ErrNoTemplate):
		return refuse(catalog.TemplateNoRows)
	case errors.Is(err, wave.ErrNotReady):
		return refuse(catalog.TemplateNotReady)
	}
	return err
}

// SaveDecisions records forvaltning fv's central decisions. The
// hierarchy comes from unitsFile when a file was sent (a table with a
// header row), else from d.Units. Decisions with problems are refused,
// one line per problem.
func (d *Dispatcher) SaveDecisions(ctx context.Context, person, fv string, dec wave.Decisions, unitsFile [][]string) Reply {
	pg, fv, err := d.templatePage(ctx, person, fv, stepDecisions)
	if err != nil {
		return d.answer(pg, nil, err)
	}
	if unitsFile != nil {
		units, problems := wave.ReadUnits(unitsFile)
		if len(problems) > 0 {
			r := Reply{Refused: true, Lines: []string{catalog.FileRefused.In(pg.lang, len(problems), len(problems))}}
			for _, p := range problems[:min(len(problems), maxProblemLines)] {
				r.Lines = append(r.Lines, ImportProblemText(pg.lang, p))
			}
			return r
		}
		dec.Units = units
	}
	var problems []wave.Problem
	_, err = d.cfg.Store.UpdateAuthTemplate(ctx, fv, func(t *wave.AuthTemplate) ([]wave.Event, error) {
		var err error
		if problems, err = t.SetDecisions(dec, pg.me.ID, pg.now); err != nil {
			if errors.Is(err, wave.ErrBadDecision) {
				return nil, err
			}
			return nil, templateError(err)
		}
		var levels []string
		for _, l := range t.Decisions.Levels {
			levels = append(levels, fmt.Sprintf("%s ≤ %d", l.Name, l.Limit))
		}
		return []wave.Event{{At: pg.now, Actor: pg.me.ID, FV: fv, Action: actDecisions,
			After: fmt.Sprintf("%s · %d org.nr.", strings.Join(levels, ", "), len(t.Decisions.Units))}}, nil
	})
	if errors.Is(err, wave.ErrBadDecision) {
		r := Reply{Refused: true, Lines: []string{catalog.DecisionsRefused.In(pg.lang)}}
		for _, p := range problems {
			r.Lines = append(r.Lines, ProblemText(pg.lang, p))
		}
		return r
	}
	return d.answer(pg, []string{catalog.DecisionsSaved.In(pg.lang, len(dec.Levels), len(dec.Units))}, err)
}

// CompleteDecisions marks the workflow step of the central decisions done,
// as "workflow FV done decisions" does, once decisions are recorded.
func (d *Dispatcher) CompleteDecisions(ctx context.Context, person, fv string) Reply {
	pg, fv, err := d.templatePage(ctx, person, fv, stepDecisions)
	if err != nil {
		return d.answer(pg, nil, err)
	}
	t, err := d.cfg.Store.AuthTemplate(ctx, fv)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && !t.Decisions.Made()) {
		err = refuse(catalog.DecisionsMissing)
	}
	if err != nil {
		return d.answer(pg, nil, err)
	}
	return d.runAs(ctx, pg, "workflow "+fv+" done "+stepDecisions)
}

// The workflow steps the pages complete.
const (
	stepDecisions = "decisions"
	stepTemplate  = "template"
	stepDeliver   = "deliver"
)

// SaveTemplateRows saves the rows a unit changed; rows someone else
// changed since the page showed them keep that change and are named. The
// rules are checked on the page after every save.
func (d *Dispatcher) SaveTemplateRows(ctx context.Context, person, fv string, edits []wave.TemplateEdit) Reply {
	pg, fv, err := d.templatePage(ctx, person, fv, stepTemplate)
	if err != nil {
		return d.answer(pg, nil, err)
	}
	var saved []wave.TemplateChange
	var problems []wave.RowProblem
	_, err = d.cfg.Store.UpdateAuthTemplate(ctx, fv, func(t *wave.AuthTemplate) ([]wave.Event, error) {
		var err error
		if saved, problems, err = t.Edit(edits, pg.me.ID, pg.now); err != nil {
			return nil, templateError(err)
		}
		evs := make([]wave.Event, 0, len(saved))
		for _, c := range saved {
			ev := wave.Event{At: pg.now, Actor: pg.me.ID, FV: fv, Action: actTemplateRow}
			switch r, _ := t.Row(c.ID); {
			case c.Deleted:
				ev.Before = strings.Join([]string{c.User, c.Unit, c.Role}, " ")
			default:
				ev.After = strings.Join([]string{r.User, r.Unit, r.Role, r.Level, r.Amount}, " ")
			}
			evs = append(evs, ev)
		}
		return evs, nil
	})
	if err != nil {
		return d.answer(pg, nil, err)
	}
	lines := []string{catalog.RowsSaved.In(pg.lang, len(saved), len(saved))}
	return Reply{Lines: append(lines, problemLines(pg.lang, problems)...), Refused: len(saved) == 0 && len(problems) > 0}
}

// DeliverTemplate delivers fv's template to Brugeradministrationen: the
// template must pass every rule (warnings accepted with a reason); the
// workflow steps of filling it in and delivering it are completed as
// "workflow FV done template" and "workflow FV done deliver" complete
// them; and the KS lead of every active wave the forvaltning is in is
// told that authorizing can start.
func (d *Dispatcher) DeliverTemplate(ctx context.Context, person, fv string) Reply {
	pg, fv, err := d.templatePage(ctx, person, fv, stepDeliver)
	if err != nil {
		return d.answer(pg, nil, err)
	}
	t, err := d.cfg.Store.UpdateAuthTemplate(ctx, fv, func(t *wave.AuthTemplate) ([]wave.Event, error) {
		if err := t.Deliver(pg.me.ID, pg.now); err != nil {
			return nil, templateError(err)
		}
		return []wave.Event{{At: pg.now, Actor: pg.me.ID, FV: fv, Action: actTemplateOut, After: fmt.Sprint(len(t.Rows))}}, nil
	})
	if err != nil {
		return d.answer(pg, nil, err)
	}
	var lines []string
	for _, step := range []string{stepTemplate, stepDeliver} {
		r := d.runAs(ctx, pg, "workflow "+fv+" done "+step)
		if r.Refused {
			_, err := d.cfg.Store.UpdateAuthTemplate(ctx, fv, func(t *wave.AuthTemplate) ([]wave.Event, error) {
				t.Reopen()
				return nil, nil
			})
			if err != nil {
				d.cfg.Logger.Error("reopen a template whose delivery was refused", "fv", fv, "err", err)
			}
			r.Lines = append(r.Lines, catalog.TemplateNotDelivered.In(pg.lang))
			return r
		}
	}
	lines = append(lines, catalog.TemplateDelivered.In(pg.lang, len(t.Rows), fv, len(t.Rows)))
	leads, err := d.tellLeads(ctx, fv, pg)
	switch {
	case err != nil:
		d.cfg.Logger.Error("record the notice of a delivered template", "fv", fv, "err", err)
		lines = append(lines, catalog.LeadNotTold.In(pg.lang))
	case len(leads) == 0:
		lines = append(lines, d.tellTrackKS(ctx, fv, pg))
	default:
		lines = append(lines, catalog.LeadsTold.In(pg.lang, len(leads), mentions(pg.lang, leads...)))
	}
	return Reply{Lines: lines}
}

// tellTrackKS records the notice of fv's delivered template on its KØR
// workflow track, when the forvaltning is in no active wave: to the KS
// person who follows the track (notify.TrackKS). It returns the line
// that says who was told, or that nobody at KS was.
func (d *Dispatcher) tellTrackKS(ctx context.Context, fv string, pg page) string {
	waves, err := d.waves(ctx)
	if err != nil {
		d.cfg.Logger.Error("record the notice of a delivered template", "fv", fv, "err", err)
		return catalog.LeadNotTold.In(pg.lang)
	}
	var told []string
	_, err = d.cfg.Store.UpdateWorkflow(ctx, wave.NewWorkflow(fv, d.cfg.Template, pg.now), func(t *wave.Workflow) ([]wave.Event, error) {
		told = notify.TrackKS(waves, *t)
		if len(told) == 0 {
			return nil, errNobodyToTell
		}
		t.AddNotice(wave.Notice{Kind: wave.NoticeTemplateDelivered, At: pg.now, To: told})
		return nil, nil
	})
	switch {
	case errors.Is(err, errNobodyToTell):
		return catalog.NoLeadToTell.In(pg.lang, fv)
	case err != nil:
		d.cfg.Logger.Error("record the notice of a delivered template", "fv", fv, "err", err)
		return catalog.LeadNotTold.In(pg.lang)
	}
	return catalog.TrackKSTold.In(pg.lang, mentions(pg.lang, told...))
}

// errNobodyToTell stops a write that has nobody to tell.
var errNobodyToTell = errors.New("nobody at KS follows the track")

// tellLeads records the notice of fv's delivered template on every
// active wave fv is enrolled in, to its KS lead, and returns the leads.
func (d *Dispatcher) tellLeads(ctx context.Context, fv string, pg page) ([]string, error) {
	waves, err := d.waves(ctx)
	if err != nil {
		return nil, err
	}
	var leads []string
	for _, w := range waves {
		if _, err := w.Enrolment(fv); err != nil || !active(w) || w.Lead == "" {
			continue
		}
		_, err := d.update(ctx, w.ID, func(w *wave.Wave) ([]wave.Event, error) {
			w.AddNotice(wave.Notice{Kind: wave.NoticeTemplateDelivered, FV: fv, At: pg.now, To: []string{w.Lead}})
			return nil, nil
		})
		if err != nil {
			return leads, err
		}
		if !slices.Contains(leads, w.Lead) {
			leads = append(leads, w.Lead)
		}
	}
	return leads, nil
}

// ProblemText says which rule a row, unit or decision breaks, in lang.
func ProblemText(lang string, p wave.Problem) string {
	var text string
	switch p.Rule {
	case wave.RuleUser:
		text = catalog.RuleUser.In(lang, p.Value)
	case wave.RuleRole:
		text = catalog.RuleRole.In(lang, p.Value)
	case wave.RuleLevel:
		text = catalog.RuleLevel.In(lang, p.Value)
	case wave.RuleLevelNeeded:
		text = catalog.RuleLevelNeeded.In(lang, p.Value)
	case wave.RuleAmount:
		text = catalog.RuleAmount.In(lang, p.Value)
	case wave.RuleAmountLimit:
		limit, _ := strconv.ParseInt(p.Value, 10, 64)
		text = catalog.RuleAmountLimit.In(lang, catalog.Kroner(lang, limit))
	case wave.RuleUnit:
		text = catalog.RuleUnit.In(lang, p.Value)
	case wave.RuleDuplicate:
		text = catalog.RuleDuplicate.In(lang, p.Value, p.Rows[0])
	case wave.RuleSeparation:
		text = catalog.RuleSeparation.In(lang, p.Value, p.Unit, joinInts(lang, p.Rows))
		if p.Accepted {
			text += " " + catalog.RuleAccepted.In(lang)
		}
	case wave.RuleGodkender:
		return catalog.RuleGodkender.In(lang, p.Unit)
	case wave.RuleNoDecisions:
		return catalog.RuleNoDecisions.In(lang)
	case wave.RuleLevelName:
		return catalog.RuleLevelName.In(lang, p.Index, p.Value)
	case wave.RuleLevelLimit:
		return catalog.RuleLevelLimit.In(lang, p.Value)
	case wave.RuleUnitNumber:
		return catalog.RuleUnitNumber.In(lang, p.Index, p.Value)
	case wave.RuleUnitParent:
		return catalog.RuleUnitParent.In(lang, p.Unit, p.Value)
	case wave.RuleUnitCycle:
		return catalog.RuleUnitCycle.In(lang, p.Unit)
	case wave.RuleResponsibility:
		return catalog.RuleResponsibility.In(lang, p.Value, wave.MaxRowNote)
	default:
		return string(p.Rule)
	}
	return catalog.OnRow.In(lang, p.Row, text)
}

func joinInts(lang string, ns []int) string {
	var s []string
	for _, n := range ns {
		s = append(s, fmt.Sprint(n))
	}
	return catalog.List(lang, s)
}
