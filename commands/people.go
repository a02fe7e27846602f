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

// setRole gives person id role; for the contact role, of forvaltning fv.
func (d *Dispatcher) setRole(ctx context.Context, actor, id string, role wave.Role, fv string) (wave.Person, error) {
	now := d.cfg.Clock.Now()
	return d.cfg.Store.UpdatePerson(ctx, id, func(p *wave.Person) ([]wave.Event, error) {
		before := describeRole(*p)
		if role == wave.RoleContact {
			p.MakeContactOf(fv)
		}
		p.Role = role
		if role == wave.RoleViewer {
			p.ContactOf = nil
		}
		return []wave.Event{{At: now, Actor: actor, Action: actPersonRole, Item: id, Before: before, After: describeRole(*p)}}, nil
	})
}

func (d *Dispatcher) role(ctx context.Context, in Input) (Reply, error) {
	if err := need(in, 2); err != nil {
		return Reply{}, err
	}
	role, ok := wave.ParseRole(in.Args[1])
	if !ok {
		return Reply{}, refuse(catalog.UnknownRole, in.Args[1])
	}
	var fv string
	if role == wave.RoleContact {
		if err := exactly(in, 3); err != nil {
			return Reply{}, err
		}
		code, err := d.forvaltning(in.Args[2])
		if err != nil {
			return Reply{}, err
		}
		fv = code
	} else if err := exactly(in, 2); err != nil {
		return Reply{}, err
	}
	p, err := d.mention(ctx, in.Me.ID, in.Args[0], in.Now)
	if err != nil {
		return Reply{}, err
	}
	if p.ID == in.Me.ID && role != wave.RoleAdmin {
		return Reply{}, refuse(catalog.OwnAdminRole)
	}
	p, err = d.setRole(ctx, in.Me.ID, p.ID, role, fv)
	if err != nil {
		return Reply{}, err
	}
	return Reply{Lines: []string{catalog.RoleSet.In(in.Lang, people(p.ID), describeRole(p))}}, nil
}

func (d *Dispatcher) lang(ctx context.Context, in Input) (Reply, error) {
	if err := exactly(in, 1); err != nil {
		return Reply{}, err
	}
	lang := strings.ToLower(in.Args[0])
	if !catalog.SupportedLang(lang) {
		return Reply{}, refuse(catalog.UnknownLang, in.Args[0])
	}
	_, err := d.cfg.Store.UpdatePerson(ctx, in.Me.ID, func(p *wave.Person) ([]wave.Event, error) {
		before := p.Lang
		p.Lang = lang
		return []wave.Event{{At: in.Now, Actor: in.Me.ID, Action: actPersonLang, Item: in.Me.ID, Before: before, After: lang}}, nil
	})
	if err != nil {
		return Reply{}, err
	}
	return Reply{Lines: []string{catalog.LangSet.In(lang)}}, nil
}

// logLimit is how many audit events "log" shows.
const logLimit = 20

func (d *Dispatcher) log(ctx context.Context, in Input) (Reply, error) {
	if err := exactly(in, 1); err != nil {
		return Reply{}, err
	}
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
	r := Reply{Title: catalog.LogTitle.In(in.Lang, in.Args[0])}
	loc := d.cfg.Calendar.Location()
	for _, ev := range events {
		subject := ev.Wave
		if ev.FV != "" {
			subject += "/" + ev.FV
		}
		line := fmt.Sprintf("%s %s %s: %s", ev.At.In(loc).Format("2006-01-02 15:04"), people(ev.Actor), subject, actionText[ev.Action].In(in.Lang))
		if ev.Item != "" {
			line += " " + ev.Item
		}
		switch {
		case ev.Before != "" && ev.After != "":
			line += fmt.Sprintf(": %s → %s", ev.Before, ev.After)
		case ev.After != "":
			line += ": " + ev.After
		}
		r.Lines = append(r.Lines, line)
	}
	return r, nil
}

func (d *Dispatcher) workflow(ctx context.Context, in Input) (Reply, error) {
	if len(in.Args) != 1 && len(in.Args) != 3 {
		return Reply{}, refuse(catalog.MissingArgs)
	}
	fv, err := d.forvaltning(in.Args[0])
	if err != nil {
		return Reply{}, err
	}
	var track wave.Workflow
	if len(in.Args) == 1 {
		track, err = d.cfg.Store.Workflow(ctx, fv)
		if errors.Is(err, storage.ErrNotFound) {
			track, err = wave.NewWorkflow(fv, d.cfg.Template), nil
		}
		if err != nil {
			return Reply{}, err
		}
	} else {
		var done bool
		switch strings.ToLower(in.Args[1]) {
		case "done", "færdig", "faerdig":
			done = true
		case "undo", "fortryd":
		default:
			return Reply{}, refuse(catalog.UnknownSubcommand, in.Args[1])
		}
		step, ok := d.cfg.Template.Step(in.Args[2])
		if !ok {
			return Reply{}, refuse(catalog.UnknownStep, in.Args[2])
		}
		if err := mayChange(in.Me, step.Owner, fv, step.Key); err != nil {
			return Reply{}, err
		}
		track, err = d.cfg.Store.UpdateWorkflow(ctx, wave.NewWorkflow(fv, d.cfg.Template), func(w *wave.Workflow) ([]wave.Event, error) {
			s, err := w.Step(step.Key)
			if err != nil {
				return nil, refuse(catalog.UnknownStep, step.Key)
			}
			before := s.Done
			if err := w.Mark(step.Key, done, in.Me.ID, in.Now); err != nil {
				return nil, err
			}
			return []wave.Event{{At: in.Now, Actor: in.Me.ID, FV: fv, Action: actWorkflowStep, Item: step.Key,
				Before: fmt.Sprint(before), After: fmt.Sprint(done)}}, nil
		})
		if err != nil {
			return Reply{}, err
		}
	}
	done, total := track.Progress()
	r := Reply{Title: catalog.WorkflowTitle.In(in.Lang, fv), Progress: &Progress{done, total}}
	for _, s := range track.Steps {
		mark, who := "○", ""
		if s.Done {
			mark, who = "✓", " – "+people(s.DoneBy)
		}
		r.Lines = append(r.Lines, fmt.Sprintf("%s %s – %s (%s)%s", mark, s.Key, s.Title(in.Lang), s.Owner, who))
	}
	return r, nil
}

func (d *Dispatcher) help(_ context.Context, in Input) (Reply, error) {
	if len(in.Args) == 0 {
		r := Reply{Title: catalog.HelpTitle.In(in.Lang)}
		for _, c := range leaves(d.cmds) {
			r.Lines = append(r.Lines, fmt.Sprintf("%s — %s", c.Usage, c.Summary.In(in.Lang)))
		}
		r.Lines = append(r.Lines, catalog.HelpMore.In(in.Lang))
		return r, nil
	}
	cmd, _ := d.resolve(in.Args)
	if cmd == nil {
		return Reply{}, refuse(catalog.UnknownCommand, in.Args[0])
	}
	r := Reply{Title: cmd.Name}
	for _, c := range leaves([]*Command{cmd}) {
		r.Lines = append(r.Lines, c.Usage, "  "+c.Summary.In(in.Lang), "  "+catalog.HelpWho.In(in.Lang, c.Perm.who().In(in.Lang)))
		if len(c.Aliases) > 0 {
			r.Lines = append(r.Lines, "  "+catalog.HelpAliases.In(in.Lang, strings.Join(c.Aliases, ", ")))
		}
	}
	return r, nil
}
