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

// describeRole renders a person's role for the audit trail: "contact BUF,SUF".
func describeRole(p wave.Person) string {
	if len(p.ContactOf) == 0 {
		return string(p.Role)
	}
	return string(p.Role) + " " + strings.Join(p.ContactOf, ",")
}

// roleText says a person's role in lang: "KS-medarbejder", "kontaktperson
// for BUF og SUF".
func roleText(lang string, role wave.Role, contactOf []string) string {
	var base string
	switch role {
	case wave.RoleAdmin:
		base = catalog.RoleAdmin.In(lang)
	case wave.RoleKS:
		base = catalog.RoleKS.In(lang)
	case wave.RoleContact:
		return catalog.RoleContact.In(lang, catalog.List(lang, contactOf))
	default:
		base = catalog.RoleViewer.In(lang)
	}
	if len(contactOf) == 0 {
		return base
	}
	return catalog.RoleAndContact.In(lang, base, catalog.List(lang, contactOf))
}

// describedRoleText says a role as describeRole recorded it, in lang.
func describedRoleText(lang, s string) string {
	role, fvs, _ := strings.Cut(s, " ")
	var contactOf []string
	if fvs != "" {
		contactOf = strings.Split(fvs, ",")
	}
	return roleText(lang, wave.Role(role), contactOf)
}

// roleWords are the role names people type, in English and Danish.
var roleWords = map[string]wave.Role{
	"admin": wave.RoleAdmin, "ks": wave.RoleKS,
	"viewer": wave.RoleViewer, "læser": wave.RoleViewer, "laeser": wave.RoleViewer,
	"contact": wave.RoleContact, "kontakt": wave.RoleContact, "kontaktperson": wave.RoleContact,
}

// giveRole gives p role; for the contact role, of forvaltning fv. A viewer
// loses the contact duties they had.
func giveRole(p *wave.Person, role wave.Role, fv string) {
	if role == wave.RoleContact {
		p.MakeContactOf(fv)
	}
	p.Role = role
	if role == wave.RoleViewer {
		p.ContactOf = nil
	}
}

// setRole gives person id role; for the contact role, of forvaltning fv.
func (d *Dispatcher) setRole(ctx context.Context, actor, id string, role wave.Role, fv string) (wave.Person, error) {
	now := d.cfg.Clock.Now()
	return d.cfg.Store.UpdatePerson(ctx, id, func(p *wave.Person) ([]wave.Event, error) {
		before := describeRole(*p)
		giveRole(p, role, fv)
		return []wave.Event{{At: now, Actor: actor, Action: actPersonRole, Item: id, Before: before, After: describeRole(*p)}}, nil
	})
}

func (d *Dispatcher) role(ctx context.Context, in Input) (Reply, error) {
	role, ok := roleWords[strings.ToLower(in.Args[1])]
	if !ok {
		return Reply{}, refuse(catalog.UnknownRole, typed(in.Args[1]))
	}
	var fv string
	switch {
	case role == wave.RoleContact && len(in.Args) < 3:
		return Reply{}, refuse(catalog.MissingArg, argName(catalog.ArgFV))
	case role == wave.RoleContact:
		code, err := d.forvaltning(in.Args[2])
		if err != nil {
			return Reply{}, err
		}
		fv = code
	case len(in.Args) > 2:
		return Reply{}, refuse(catalog.TooManyArgs, typed(in.Args[2]))
	}
	p, err := d.known(ctx, in.Args[0])
	if err != nil {
		return Reply{}, err
	}
	if p.ID == in.Me.ID && role != wave.RoleAdmin {
		return Reply{}, refuse(catalog.OwnAdminRole)
	}
	after := p
	after.ContactOf = append([]string(nil), p.ContactOf...)
	giveRole(&after, role, fv)
	if describeRole(after) == describeRole(p) {
		return Reply{}, unchanged(catalog.RoleUnchanged.In(in.Lang, mentions(in.Lang, p.ID), roleText(in.Lang, p.Role, p.ContactOf)))
	}
	if _, err := d.mention(ctx, in.Me.ID, "@"+p.ID, in.Now); err != nil {
		return Reply{}, err
	}
	p, err = d.setRole(ctx, in.Me.ID, p.ID, role, fv)
	if err != nil {
		return Reply{}, err
	}
	return Reply{Lines: []string{catalog.RoleSet.In(in.Lang, mentions(in.Lang, p.ID), roleText(in.Lang, p.Role, p.ContactOf))}}, nil
}

func (d *Dispatcher) lang(ctx context.Context, in Input) (Reply, error) {
	lang := strings.ToLower(in.Args[0])
	if !catalog.SupportedLang(lang) {
		return Reply{}, refuse(catalog.UnknownLang, typed(in.Args[0]))
	}
	_, err := d.cfg.Store.UpdatePerson(ctx, in.Me.ID, func(p *wave.Person) ([]wave.Event, error) {
		before := p.Lang
		if before == lang {
			return nil, unchanged(catalog.LangUnchanged.In(lang))
		}
		p.Lang = lang
		return []wave.Event{{At: in.Now, Actor: in.Me.ID, Action: actPersonLang, Item: in.Me.ID, Before: before, After: lang}}, nil
	})
	if err != nil {
		return Reply{}, err
	}
	return Reply{Lines: []string{catalog.LangSet.In(lang)}}, nil
}

// Lang is the language wavebot writes to person in: their own choice, else
// the default. Adapters use it for texts of their own, such as the
// console's.
func (d *Dispatcher) Lang(ctx context.Context, person string) string {
	p, err := d.cfg.Store.Person(ctx, person)
	switch {
	case errors.Is(err, storage.ErrNotFound):
	case err != nil:
		d.cfg.Logger.Warn("language of a person", "person", person, "err", err)
	case p.Lang != "":
		return p.Lang
	}
	return d.cfg.Lang
}

// logLimit is how many audit events "log" shows.
const logLimit = 20

func (d *Dispatcher) log(ctx context.Context, in Input) (Reply, error) {
	id, fv := in.Args[0], ""
	if strings.Contains(id, "/") {
		r, err := d.parseRef(id)
		if err != nil {
			return Reply{}, err
		}
		id, fv = r.wave, r.fv
	}
	w, err := d.wave(ctx, id)
	if err != nil {
		return Reply{}, err
	}
	events, err := d.cfg.Store.Events(ctx, w.ID, fv, logLimit)
	if err != nil {
		return Reply{}, err
	}
	r := Reply{Title: catalog.LogTitle.In(in.Lang, typed(in.Args[0]))}
	loc := d.cfg.Calendar.Location()
	for _, ev := range events {
		subject := ev.Wave
		if ev.FV != "" {
			subject += "/" + ev.FV
		}
		line := fmt.Sprintf("%s %s %s: %s", ev.At.In(loc).Format("2006-01-02 15:04"), mentions(in.Lang, ev.Actor), subject, actionText[ev.Action].In(in.Lang))
		if item := d.logItem(in.Lang, ev); item != "" {
			line += " " + item
		}
		before, after := d.logValue(in.Lang, ev, ev.Before), d.logValue(in.Lang, ev, ev.After)
		switch {
		case ev.Before != "" && ev.After != "":
			line += fmt.Sprintf(": %s → %s", before, after)
		case ev.After != "":
			line += ": " + after
		}
		r.Lines = append(r.Lines, line)
	}
	return r, nil
}

// logItem names what an event changed, in lang: an activity or step by its
// title, a person as a mention.
func (d *Dispatcher) logItem(lang string, ev wave.Event) string {
	switch {
	case ev.Item == "":
		return ""
	case ev.Action == actRemindSnooze:
		return catalog.About.In(lang, d.activityTitle(lang, ev.Item))
	case ev.Action == actActivityStatus || ev.Action == actActivityNote || ev.Action == actActivityDue:
		return catalog.Quoted.In(lang, d.activityTitle(lang, ev.Item))
	case ev.Action == actWorkflowStep:
		if s, ok := d.cfg.Template.Step(ev.Item); ok {
			return catalog.Quoted.In(lang, wave.WorkflowStep{TitleDA: s.TitleDA, TitleEN: s.TitleEN}.Title(lang))
		}
		return ev.Item
	}
	return mentions(lang, ev.Item)
}

// logValue renders a value an event recorded, in lang: statuses, roles and
// languages in words, people as mentions; dates stay ISO.
func (d *Dispatcher) logValue(lang string, ev wave.Event, v string) string {
	if v == "" {
		return v
	}
	switch ev.Action {
	case actActivityStatus:
		if m, ok := statusName[wave.Status(v)]; ok {
			return m.In(lang)
		}
	case actWorkflowStep:
		if v == "true" {
			return catalog.StatusDone.In(lang)
		}
		return catalog.StatusTodo.In(lang)
	case actPersonRole:
		return describedRoleText(lang, v)
	case actPersonLang:
		if v == catalog.English {
			return catalog.LangEnglish.In(lang)
		}
		return catalog.LangDanish.In(lang)
	case actAuthAnswer:
		if v == authAnswerOK {
			return catalog.AuthAnswerOK.In(lang)
		}
	case actWaveLead, actPersonLink:
		return mentions(lang, v)
	}
	return v
}

func (d *Dispatcher) workflow(ctx context.Context, in Input) (Reply, error) {
	fv, err := d.forvaltning(in.Args[0])
	if err != nil {
		return Reply{}, err
	}
	var track wave.Workflow
	switch len(in.Args) {
	case 1:
		track, err = d.cfg.Store.Workflow(ctx, fv)
		if errors.Is(err, storage.ErrNotFound) {
			track, err = wave.NewWorkflow(fv, d.cfg.Template), nil
		}
	case 2:
		if isTemplateWord(in.Args[1]) {
			return d.workflowTemplate(ctx, in, fv)
		}
		return Reply{}, refuse(catalog.MissingArg, argName(catalog.ArgStep))
	case 3:
		track, err = d.markStep(ctx, in, fv)
	default:
		return Reply{}, refuse(catalog.TooManyArgs, typed(in.restAfter(3)))
	}
	if err != nil {
		return Reply{}, err
	}
	done, total := track.Progress()
	r := Reply{Title: catalog.WorkflowTitle.In(in.Lang, fv), Progress: &Progress{Done: done, Total: total, Text: progressText(in.Lang, done, 0, total)}}
	for _, s := range track.Steps {
		mark, who := "○", ""
		if s.Done {
			mark, who = "✓", " – "+mentions(in.Lang, s.DoneBy)
		}
		r.Lines = append(r.Lines, fmt.Sprintf("%s %s – %s (%s)%s", mark, s.Key, s.Title(in.Lang), s.Owner, who))
	}
	return r, nil
}

// markStep is "workflow FV done STEP" or "workflow FV undo STEP"; marking a
// step as it already is changes nothing.
func (d *Dispatcher) markStep(ctx context.Context, in Input, fv string) (wave.Workflow, error) {
	var done bool
	switch strings.ToLower(in.Args[1]) {
	case "done", "færdig", "faerdig":
		done = true
	case "undo", "fortryd":
	default:
		return wave.Workflow{}, refuse(catalog.UnknownSubcommand, typed(in.Args[1]))
	}
	step, ok := d.cfg.Template.Step(in.Args[2])
	if !ok {
		var keys []string
		for _, s := range d.cfg.Template.Workflow {
			keys = append(keys, s.Key)
		}
		return wave.Workflow{}, refuse(catalog.UnknownStep, typed(in.Args[2]), strings.Join(keys, ", "))
	}
	title := wave.WorkflowStep{TitleDA: step.TitleDA, TitleEN: step.TitleEN}.Title(in.Lang)
	if err := mayChange(in.Me, step.Owner, fv, title); err != nil {
		return wave.Workflow{}, err
	}
	return d.cfg.Store.UpdateWorkflow(ctx, wave.NewWorkflow(fv, d.cfg.Template), func(w *wave.Workflow) ([]wave.Event, error) {
		s, err := w.Step(step.Key)
		if err != nil {
			return nil, refuse(catalog.UnknownStep, step.Key, step.Key)
		}
		before := s.Done
		switch {
		case before == done && done:
			return nil, unchanged(catalog.StepAlreadyDone.In(in.Lang, fv, title))
		case before == done:
			return nil, unchanged(catalog.StepNotDone.In(in.Lang, fv, title))
		}
		if err := w.Mark(step.Key, done, in.Me.ID, in.Now); err != nil {
			return nil, err
		}
		return []wave.Event{{At: in.Now, Actor: in.Me.ID, FV: fv, Action: actWorkflowStep, Item: step.Key,
			Before: fmt.Sprint(before), After: fmt.Sprint(done)}}, nil
	})
}
