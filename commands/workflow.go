package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"wavebot/internal/catalog"
	"wavebot/notify"
	"wavebot/storage"
	"wavebot/wave"
)

// Audit actions of a forvaltning's KØR workflow track; its events go to
// the log of people and tracks, with the forvaltning and no wave.
const (
	actAgreement    = "workflow.agreement"
	actAgreementEnd = "workflow.agreement.end"
	actTeaching     = "workflow.teaching"
	actPartUndo     = "workflow.part.undo"
)

func init() {
	actionText[actAgreement] = catalog.ActAgreement
	actionText[actAgreementEnd] = catalog.ActAgreementEnd
	actionText[actTeaching] = catalog.ActTeaching
	actionText[actPartUndo] = catalog.ActPartUndo
	actionText[storage.ActionTrackMoved] = catalog.ActTrackMoved
}

// trackFV reads the first argument of workflow: FV, or ID/FV as before,
// which names the forvaltning's one track all the same.
func (d *Dispatcher) trackFV(arg string) (string, error) {
	if strings.Contains(arg, "/") {
		r, err := d.parseRef(arg)
		return r.fv, err
	}
	return d.forvaltning(arg)
}

// track loads forvaltning fv's KØR workflow track: as stored, or the
// template's when nobody has changed it yet; its steps follow the
// template's titles and order rules.
func (d *Dispatcher) track(ctx context.Context, fv string, now time.Time) (wave.Workflow, error) {
	t, err := d.cfg.Store.Workflow(ctx, fv)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		t = wave.NewWorkflow(fv, d.cfg.Template, now)
	case err != nil:
		return wave.Workflow{}, err
	}
	t.Steps.Align(d.cfg.Template)
	return t, nil
}

// updateTrack applies change to forvaltning fv's track, created from the
// template when it was never stored. A KS person who changes the track
// becomes its KS person (wave.Workflow.KS).
func (d *Dispatcher) updateTrack(ctx context.Context, in Input, fv string, change func(t *wave.Workflow) ([]wave.Event, error)) (wave.Workflow, error) {
	return d.cfg.Store.UpdateWorkflow(ctx, wave.NewWorkflow(fv, d.cfg.Template, in.Now), func(t *wave.Workflow) ([]wave.Event, error) {
		t.Steps.Align(d.cfg.Template)
		evs, err := change(t)
		if err == nil && in.Me.IsKS() {
			t.KS = in.Me.ID
		}
		return evs, err
	})
}

// trackKS is who at KS follows fv's track (notify.TrackKS).
func (d *Dispatcher) trackKS(ctx context.Context, t wave.Workflow) ([]string, error) {
	waves, err := d.waves(ctx)
	return notify.TrackKS(waves, t), err
}

// speaksForTrack reports whether me speaks for the forvaltning as a
// contact of track t, one person one side as on an enrolment
// (speaksForFV).
func speaksForTrack(me wave.Person, t *wave.Workflow) bool {
	return !me.IsKS() && t.HasContact(me.ID)
}

// trackSides are the sides me speaks for on track t, one person one side
// as on an enrolment (sides): KS for KS staff, the forvaltning for the
// track's other contacts; and, while the forvaltning has handed KS
// project management, the forvaltning for KS staff too.
func trackSides(me wave.Person, t *wave.Workflow) []wave.Party {
	switch {
	case me.IsKS() && t.Agreed(wave.AgreementProjectManagement):
		return []wave.Party{wave.PartyKS, wave.PartyFV}
	case me.IsKS():
		return []wave.Party{wave.PartyKS}
	case speaksForTrack(me, t):
		return []wave.Party{wave.PartyFV}
	}
	return nil
}

// mayStep refuses me on step s of track t unless me speaks for the side
// that acts: for a date (due), KS on KS's own step and the forvaltning on
// the others, the presentation meeting included, which the forvaltning
// holds; for doing or undoing, a side that owns the step. It returns the
// sides me acts for, one at a time on a shared step.
func mayStep(me wave.Person, t *wave.Workflow, s *wave.WorkflowStep, lang string, date bool) ([]wave.Party, error) {
	mine := trackSides(me, t)
	want := s.Owner.Sides()
	if date && s.Owner != wave.PartyKS {
		want = []wave.Party{wave.PartyFV}
	}
	var acts []wave.Party
	for _, side := range want {
		if slices.Contains(mine, side) {
			acts = append(acts, side)
		}
	}
	title := s.Title(lang)
	switch {
	case len(acts) > 0:
		if missing := s.Parts.Missing(s.Owner); len(acts) > 1 && len(missing) > 0 && slices.Contains(acts, missing[0]) {
			// One person confirms one side's part at a time.
			acts = missing[:1]
		}
		return acts, nil
	case slices.Equal(want, []wave.Party{wave.PartyKS}):
		return nil, forbid(catalog.OnlyKS, title)
	case date && s.Owner == wave.PartyBoth:
		return nil, forbid(catalog.StepDueByFV, title, t.FV)
	case slices.Equal(want, []wave.Party{wave.PartyFV}):
		return nil, forbid(catalog.StepOnlyTrackContact, title, t.FV)
	}
	return nil, forbid(catalog.StepOnlyKSOrContact, title, t.FV)
}

// workflow shows a forvaltning's KØR workflow track, or changes it:
// "done STEP" confirms the caller's side of a step (after the step the
// source puts before it), "undo STEP" takes it back, "due STEP DATE"
// dates it; "contact …" names the central working group, "agreement …"
// records what the forvaltning hands KS, "teaching …" KS's sessions under
// an agreement on teaching; "template" links the template's page.
func (d *Dispatcher) workflow(ctx context.Context, in Input) (Reply, error) {
	fv, err := d.trackFV(in.Args[0])
	if err != nil {
		return Reply{}, err
	}
	if len(in.Args) == 1 {
		t, err := d.track(ctx, fv, in.Now)
		if err != nil {
			return Reply{}, err
		}
		return d.trackReply(ctx, in, nil, t)
	}
	if len(in.Args) == 2 && isTemplateWord(in.Args[1]) {
		return d.workflowTemplate(ctx, in, fv)
	}
	switch verb := strings.ToLower(in.Args[1]); verb {
	case "contact", "kontakt":
		return d.trackContacts(ctx, in, fv, in.Args[2:])
	case "agreement", "aftale":
		return d.trackAgreement(ctx, in, fv)
	case "teaching", "undervisning":
		return d.trackTeaching(ctx, in, fv)
	case "done", "færdig", "faerdig", "undo", "fortryd", "due", "frist":
		return d.trackStep(ctx, in, fv, verb)
	}
	return Reply{}, refuse(catalog.UnknownSubcommand, typed(in.Args[1]))
}

// trackStep does, undoes or dates one step of fv's track.
func (d *Dispatcher) trackStep(ctx context.Context, in Input, fv, verb string) (Reply, error) {
	want := 3
	if verb == "due" || verb == "frist" {
		want = 4
	}
	switch {
	case len(in.Args) == 2:
		return Reply{}, refuse(catalog.MissingArg, argName(catalog.ArgStep))
	case len(in.Args) < want:
		return Reply{}, refuse(catalog.MissingArg, argName(catalog.ArgDate))
	case len(in.Args) > want:
		return Reply{}, refuse(catalog.TooManyArgs, typed(in.restAfter(want)))
	}
	step, ok := d.cfg.Template.Step(in.Args[2])
	if !ok {
		return Reply{}, refuse(catalog.UnknownStep, typed(in.Args[2]), inLang(func(lang string) string {
			var words []string
			for _, s := range d.cfg.Template.Workflow {
				words = append(words, s.Word(lang))
			}
			return strings.Join(words, ", ")
		}))
	}
	var due wave.Date
	if want == 4 {
		var err error
		if due, err = parseDate(in.Args[3]); err != nil {
			return Reply{}, err
		}
		if err := d.deadline(in.Now, due); err != nil {
			return Reply{}, err
		}
	}
	var line string
	t, err := d.updateTrack(ctx, in, fv, func(t *wave.Workflow) ([]wave.Event, error) {
		var evs []wave.Event
		var err error
		switch verb {
		case "due", "frist":
			evs, line, err = d.stepDue(in, t, step.Key, due)
		case "undo", "fortryd":
			evs, line, err = d.stepUndo(in, t, step.Key)
		default:
			evs, line, err = d.stepDone(in, t, step.Key)
		}
		return evs, err
	})
	if err != nil {
		return Reply{}, err
	}
	return d.trackReply(ctx, in, []string{line}, t)
}

// trackReply is a reply of lines over the track's section.
func (d *Dispatcher) trackReply(ctx context.Context, in Input, lines []string, t wave.Workflow) (Reply, error) {
	ks, err := d.trackKS(ctx, t)
	if err != nil {
		return Reply{}, err
	}
	s := d.trackSection(in.Lang, t, ks, d.cfg.Calendar.Today(in.Now))
	if lines == nil {
		return Reply{Title: s.Title, Progress: s.Progress, Lines: s.Lines}, nil
	}
	return Reply{Lines: lines, Sections: []Section{s}}, nil
}

// trackName names fv's track in a sentence: "KØR workflow i BUF".
func trackName(lang, fv string) string { return catalog.TrackName.In(lang, fv) }

// stepDone confirms the caller's side of step key.
func (d *Dispatcher) stepDone(in Input, t *wave.Workflow, key string) ([]wave.Event, string, error) {
	s, _ := t.Steps.Step(key)
	title, name := s.Title(in.Lang), trackName(in.Lang, t.FV)
	mine, err := mayStep(in.Me, t, s, in.Lang, false)
	if err != nil {
		return nil, "", err
	}
	if s.Done {
		return nil, "", unchanged(catalog.StepAlreadyDone.In(in.Lang, name, title))
	}
	before := s.Parts
	done, err := t.Steps.Confirm(key, mine, in.Me.ID, in.Now)
	var order *wave.OrderError
	switch {
	case errors.As(err, &order):
		return nil, "", refuse(catalog.StepOrder, name, title, d.stepTitle(in.Lang, order.Blocking))
	case errors.Is(err, wave.ErrConfirmed):
		return nil, "", unchanged(catalog.StepPartUnchanged.In(in.Lang, name, sidePart(mine[0]).In(in.Lang), title, sideName(s.Waiting()).In(in.Lang)))
	case errors.Is(err, wave.ErrSamePerson):
		o := otherSide(mine[0])
		return nil, "", refuse(catalog.SamePerson, name, "@"+before.Word(o).By, sideName([]wave.Party{o}), title, sideOf(mine[0]))
	case err != nil:
		return nil, "", err
	}
	var evs []wave.Event
	var confirmed []wave.Party
	for _, side := range []wave.Party{wave.PartyKS, wave.PartyFV} {
		if before.Has(side) || !s.Parts.Has(side) {
			continue
		}
		confirmed = append(confirmed, side)
		if s.Owner == wave.PartyBoth {
			evs = append(evs, wave.Event{At: in.Now, Actor: in.Me.ID, FV: t.FV, Action: actWorkflowPart, Item: key, After: string(side)})
		}
	}
	if !done {
		return evs, catalog.StepPartConfirmed.In(in.Lang, name, sidePart(confirmed[0]).In(in.Lang), title, sideName(s.Waiting()).In(in.Lang)), nil
	}
	evs = append(evs, wave.Event{At: in.Now, Actor: in.Me.ID, FV: t.FV, Action: actWorkflowStep, Item: key, Before: "false", After: "true"})
	return evs, catalog.StepMarked.In(in.Lang, name, title), nil
}

// stepUndo takes back the caller's word on step key, while no step that
// waits for it is begun: a step of one party is not done any more; of the
// shared presentation meeting only the part of the side the caller speaks
// for, so the other side's word stands.
func (d *Dispatcher) stepUndo(in Input, t *wave.Workflow, key string) ([]wave.Event, string, error) {
	s, _ := t.Steps.Step(key)
	title, name := s.Title(in.Lang), trackName(in.Lang, t.FV)
	if _, err := mayStep(in.Me, t, s, in.Lang, false); err != nil {
		return nil, "", err
	}
	mine := slices.DeleteFunc(trackSides(in.Me, t), func(p wave.Party) bool { return !slices.Contains(s.Owner.Sides(), p) })
	wasDone := s.Done
	taken, err := t.Steps.Undo(key, mine)
	var order *wave.OrderError
	switch {
	case errors.As(err, &order):
		return nil, "", refuse(catalog.StepUndoOrder, name, title, d.stepTitle(in.Lang, order.Blocking))
	case err != nil:
		return nil, "", err
	case len(taken) == 0 && s.Owner == wave.PartyBoth && len(mine) == 1:
		return nil, "", unchanged(catalog.StepPartNotGiven.In(in.Lang, name, sidePart(mine[0]).In(in.Lang), title))
	case len(taken) == 0:
		return nil, "", unchanged(catalog.StepNotDone.In(in.Lang, name, title))
	}
	var evs []wave.Event
	if s.Owner == wave.PartyBoth {
		for _, side := range taken {
			evs = append(evs, wave.Event{At: in.Now, Actor: in.Me.ID, FV: t.FV, Action: actPartUndo, Item: key, After: string(side)})
		}
	}
	if wasDone || s.Owner != wave.PartyBoth {
		evs = append(evs, wave.Event{At: in.Now, Actor: in.Me.ID, FV: t.FV, Action: actWorkflowStep, Item: key,
			Before: fmt.Sprint(wasDone), After: "false"})
	}
	if s.Owner == wave.PartyBoth && len(taken) == 1 {
		return evs, catalog.StepPartUndone.In(in.Lang, name, sidePart(taken[0]).In(in.Lang), title, sideName(s.Waiting()).In(in.Lang)), nil
	}
	return evs, catalog.StepUndone.In(in.Lang, name, title), nil
}

// stepDue gives step key a date: KS its own step, the track's contacts
// the forvaltning's and the presentation meeting (KS too under an
// agreement on project management). A done step keeps the date it had.
func (d *Dispatcher) stepDue(in Input, t *wave.Workflow, key string, due wave.Date) ([]wave.Event, string, error) {
	s, _ := t.Steps.Step(key)
	title, name := s.Title(in.Lang), trackName(in.Lang, t.FV)
	if _, err := mayStep(in.Me, t, s, in.Lang, true); err != nil {
		return nil, "", err
	}
	if s.Done {
		return nil, "", refuse(catalog.StepDueOfDone, name, title)
	}
	if s.Due == due {
		return nil, "", unchanged(catalog.StepDueUnchanged.In(in.Lang, name, title, day(in.Lang, due)))
	}
	before := s.Due
	s.Due = due
	return []wave.Event{{At: in.Now, Actor: in.Me.ID, FV: t.FV, Action: actWorkflowDue, Item: key,
		Before: before.String(), After: due.String()}}, catalog.StepDueSet.In(in.Lang, name, title, day(in.Lang, due)), nil
}

// mayChangeGroup and mayBeNamed are the one rule for a group of contacts,
// an enrolment's (the tovholder or projektgruppe, subject "b3/BUF") and a
// KØR workflow track's (the central working group, subject "KØR workflow
// i BUF") alike. mayChangeGroup: KS, or a contact of the group
// (isContact, one person one side), changes who is in it; so KS names the
// first contact.
func mayChangeGroup(lang string, me wave.Person, isContact bool, subject string) error {
	if me.IsKS() || isContact {
		return nil
	}
	return forbid(catalog.NotAllowed, catalog.PermKSOrContactOf.In(lang, subject))
}

// mayBeNamed refuses to name p a contact of the forvaltning when p has a
// KS role: each person speaks for one side.
func mayBeNamed(lang string, p wave.Person) error {
	if p.IsKS() {
		return refuse(catalog.ContactIsKS, mentions(lang, p.ID))
	}
	return nil
}

// trackContacts names the central working group of fv's track, as
// contact does an enrolment's: "@x …" adds, "remove @x …" takes off,
// "set @x …" replaces the list.
func (d *Dispatcher) trackContacts(ctx context.Context, in Input, fv string, words []string) (Reply, error) {
	t, err := d.track(ctx, fv, in.Now)
	if err != nil {
		return Reply{}, err
	}
	subject := trackName(in.Lang, fv)
	if err := mayChangeGroup(in.Lang, in.Me, speaksForTrack(in.Me, &t), subject); err != nil {
		return Reply{}, err
	}
	c, err := d.readGroupChange(ctx, in.Lang, words, t.Contacts, subject)
	if err != nil {
		return Reply{}, err
	}
	add, remove := c.add, c.remove
	for _, id := range add {
		if _, err := d.mention(ctx, in.Me.ID, "@"+id, in.Now); err != nil {
			return Reply{}, err
		}
	}
	t, err = d.updateTrack(ctx, in, fv, func(t *wave.Workflow) ([]wave.Event, error) {
		if err := mayChangeGroup(in.Lang, in.Me, speaksForTrack(in.Me, t), subject); err != nil {
			return nil, err
		}
		var evs []wave.Event
		for _, id := range t.AddContacts(t.NoticeAt(in.Now), add...) {
			evs = append(evs, wave.Event{At: in.Now, Actor: in.Me.ID, FV: fv, Action: actContactAdd, Item: id})
		}
		for _, id := range remove {
			if t.RemoveContact(id) {
				evs = append(evs, wave.Event{At: in.Now, Actor: in.Me.ID, FV: fv, Action: actContactRemove, Item: id})
			}
		}
		return evs, nil
	})
	if err != nil {
		return Reply{}, err
	}
	if err := d.settleRoles(ctx, in, add, remove); err != nil {
		return Reply{}, err
	}
	lines := c.told(in.Lang, subject, catalog.TrackWelcomed)
	if len(t.Contacts) == 0 {
		lines = append(lines, catalog.TrackNoContactsLeft.In(in.Lang, fv))
	}
	return d.trackReply(ctx, in, lines, t)
}

// settleRoles brings the roles of people named or taken off a group of
// contacts along: a viewer named becomes a contact, a contact named
// nowhere any more (no enrolment, no track) a viewer.
func (d *Dispatcher) settleRoles(ctx context.Context, in Input, add, remove []string) error {
	for _, id := range add {
		if err := d.changeRole(ctx, in, id, func(p *wave.Person) bool { return p.MakeContact() }); err != nil {
			return err
		}
	}
	for _, id := range remove {
		named, err := d.namedAnywhere(ctx, id)
		if err != nil || named {
			return err
		}
		if err := d.changeRole(ctx, in, id, func(p *wave.Person) bool {
			if p.Role != wave.RoleContact {
				return false
			}
			p.Role = wave.RoleViewer
			return true
		}); err != nil {
			return err
		}
	}
	return nil
}

// namedAnywhere reports whether person is a contact of an enrolment of an
// open wave or of a forvaltning's KØR workflow track.
func (d *Dispatcher) namedAnywhere(ctx context.Context, person string) (bool, error) {
	refs, err := d.contactOf(ctx, person)
	if err != nil || len(refs) > 0 {
		return len(refs) > 0, err
	}
	fvs, err := d.trackContactOf(ctx, person)
	return len(fvs) > 0, err
}

// trackContactOf lists the forvaltninger whose KØR workflow track names
// person as a contact.
func (d *Dispatcher) trackContactOf(ctx context.Context, person string) ([]string, error) {
	tracks, err := d.storedTracks(ctx)
	var out []string
	for _, t := range tracks {
		if t.HasContact(person) {
			out = append(out, t.FV)
		}
	}
	return out, err
}

// storedTracks are the KØR workflow tracks the store holds, one per
// forvaltning that has one, in the configuration's order, with the
// template's steps.
func (d *Dispatcher) storedTracks(ctx context.Context) ([]wave.Workflow, error) {
	var out []wave.Workflow
	for _, fv := range d.cfg.Forvaltninger {
		t, err := d.cfg.Store.Workflow(ctx, fv)
		switch {
		case errors.Is(err, storage.ErrNotFound):
		case err != nil:
			return nil, fmt.Errorf("load the KØR workflow track of %s: %w", fv, err)
		default:
			t.Steps.Align(d.cfg.Template)
			out = append(out, t)
		}
	}
	return out, nil
}

// owedOnTrack are the sides person owes work for on track t: KS's when
// they follow its KS part (notify.TrackKS, given the open waves), the
// forvaltning's as its contact or, under an agreement on project
// management, as who follows KS's part; ks says whether they follow KS's.
func owedOnTrack(person string, waves []wave.Wave, t wave.Workflow) (mine []wave.Party, ks bool) {
	ks = slices.Contains(notify.TrackKS(waves, t), person)
	if ks {
		mine = append(mine, wave.PartyKS)
	}
	if t.HasContact(person) || (ks && t.Agreed(wave.AgreementProjectManagement)) {
		mine = append(mine, wave.PartyFV)
	}
	return mine, ks
}

// agreementKinds reads the kinds of agreement, in Danish or English.
var agreementKinds = map[string]wave.AgreementKind{
	"projektledelse": wave.AgreementProjectManagement, "management": wave.AgreementProjectManagement,
	"undervisning": wave.AgreementTeaching, "teaching": wave.AgreementTeaching,
}

// agreementName names an agreement's kind in lang.
func agreementName(lang string, k wave.AgreementKind) string {
	if k == wave.AgreementTeaching {
		return catalog.AgreementTeachingMsg.In(lang)
	}
	return catalog.AgreementPM.In(lang)
}

// trackAgreement records or ends what the forvaltning hands KS "efter
// konkret aftale": "agreement projektledelse|undervisning [NOTE]",
// "agreement end [KIND]". Only a contact of the track speaks for the
// forvaltning here: it is the forvaltning's to hand over.
func (d *Dispatcher) trackAgreement(ctx context.Context, in Input, fv string) (Reply, error) {
	if len(in.Args) < 3 {
		return Reply{}, refuse(catalog.MissingArg, argName(catalog.ArgAgreement))
	}
	word := strings.ToLower(in.Args[2])
	end := word == "end" || word == "slut" || word == "afslut"
	kind, known := agreementKinds[word]
	if !end && !known {
		return Reply{}, refuse(catalog.UnknownAgreement, typed(in.Args[2]))
	}
	var kinds []wave.AgreementKind
	note := ""
	switch {
	case end && len(in.Args) == 4:
		k, ok := agreementKinds[strings.ToLower(in.Args[3])]
		if !ok {
			return Reply{}, refuse(catalog.UnknownAgreement, typed(in.Args[3]))
		}
		kinds = []wave.AgreementKind{k}
	case end && len(in.Args) > 4:
		return Reply{}, refuse(catalog.TooManyArgs, typed(in.restAfter(4)))
	case !end:
		var err error
		if note, err = in.note(3); err != nil {
			return Reply{}, err
		}
	}
	name := trackName(in.Lang, fv)
	var line string
	t, err := d.updateTrack(ctx, in, fv, func(t *wave.Workflow) ([]wave.Event, error) {
		if !speaksForTrack(in.Me, t) {
			return nil, forbid(catalog.AgreementByContact, name)
		}
		if !end {
			if !t.Agree(wave.Agreement{Kind: kind, Note: note, By: in.Me.ID, At: in.Now}) {
				return nil, unchanged(catalog.AgreementUnchanged.In(in.Lang, name, agreementName(in.Lang, kind)))
			}
			line = catalog.AgreementRecorded.In(in.Lang, name, agreementName(in.Lang, kind))
			return []wave.Event{{At: in.Now, Actor: in.Me.ID, FV: fv, Action: actAgreement, Item: string(kind), After: note}}, nil
		}
		ended := t.EndAgreements(kinds...)
		if len(ended) == 0 {
			return nil, unchanged(catalog.AgreementNone.In(in.Lang, name))
		}
		var evs []wave.Event
		var names []string
		for _, a := range ended {
			names = append(names, agreementName(in.Lang, a.Kind))
			evs = append(evs, wave.Event{At: in.Now, Actor: in.Me.ID, FV: fv, Action: actAgreementEnd, Item: string(a.Kind)})
		}
		line = catalog.AgreementEnded.In(in.Lang, name, catalog.List(in.Lang, names))
		return evs, nil
	})
	if err != nil {
		return Reply{}, err
	}
	return d.trackReply(ctx, in, []string{line}, t)
}

// trackTeaching plans, marks held or cancels a teaching session KS holds
// under an agreement on teaching: "teaching DATE [NOTE]", "teaching done
// DATE", "teaching cancel DATE". The sessions are KS's: only KS changes
// them, and KS is reminded of them.
func (d *Dispatcher) trackTeaching(ctx context.Context, in Input, fv string) (Reply, error) {
	if len(in.Args) < 3 {
		return Reply{}, refuse(catalog.MissingArg, argName(catalog.ArgDate))
	}
	verb, at := "add", 2
	switch strings.ToLower(in.Args[2]) {
	case "done", "færdig", "faerdig", "held", "holdt":
		verb, at = "held", 3
	case "cancel", "aflys":
		verb, at = "cancel", 3
	}
	if len(in.Args) <= at {
		return Reply{}, refuse(catalog.MissingArg, argName(catalog.ArgDate))
	}
	date, err := parseDate(in.Args[at])
	if err != nil {
		return Reply{}, err
	}
	note := ""
	switch {
	case verb == "add":
		if err := d.deadline(in.Now, date); err != nil {
			return Reply{}, err
		}
		if note, err = in.note(at + 1); err != nil {
			return Reply{}, err
		}
	case len(in.Args) > at+1:
		return Reply{}, refuse(catalog.TooManyArgs, typed(in.restAfter(at+1)))
	}
	if !in.Me.IsKS() {
		return Reply{}, forbid(catalog.TeachingOnlyKS)
	}
	name, when := trackName(in.Lang, fv), day(in.Lang, date)
	var line string
	t, err := d.updateTrack(ctx, in, fv, func(t *wave.Workflow) ([]wave.Event, error) {
		ev := wave.Event{At: in.Now, Actor: in.Me.ID, FV: fv, Action: actTeaching, Item: date.String()}
		switch verb {
		case "add":
			if !t.Agreed(wave.AgreementTeaching) {
				return nil, refuse(catalog.TeachingNeedsAgreement, name, fv)
			}
			if err := t.AddTeaching(wave.TeachingSession{Date: date, Note: note, By: in.Me.ID, At: in.Now}); err != nil {
				return nil, unchanged(catalog.TeachingExists.In(in.Lang, name, when))
			}
			ev.After, line = string(teachingPlanned), catalog.TeachingAdded.In(in.Lang, name, when)
		case "held":
			s, err := t.TeachingOn(date)
			switch {
			case err != nil:
				return nil, refuse(catalog.TeachingMissing, name, dayArg(date))
			case s.Held:
				return nil, unchanged(catalog.TeachingAlreadyHeld.In(in.Lang, name, when))
			}
			s.Held, s.HeldBy, s.HeldAt = true, in.Me.ID, in.Now
			ev.After, line = string(teachingHeld), catalog.TeachingMarkedHeld.In(in.Lang, name, when)
		default:
			if !t.CancelTeaching(date) {
				return nil, refuse(catalog.TeachingMissing, name, dayArg(date))
			}
			ev.After, line = string(teachingCancelled), catalog.TeachingCancelled.In(in.Lang, name, when)
		}
		return []wave.Event{ev}, nil
	})
	if err != nil {
		return Reply{}, err
	}
	return d.trackReply(ctx, in, []string{line}, t)
}

// What became of a teaching session, as the log records it.
type teachingState string

const (
	teachingPlanned   teachingState = "planned"
	teachingHeld      teachingState = "held"
	teachingCancelled teachingState = "cancelled"
)

// teachingText names what became of a teaching session in lang.
func teachingText(lang, v string) string {
	switch teachingState(v) {
	case teachingPlanned:
		return catalog.TeachingPlanned.In(lang)
	case teachingHeld:
		return catalog.TeachingHeld.In(lang)
	case teachingCancelled:
		return catalog.TeachingCancel.In(lang)
	}
	return v
}

// trackSection shows a track: each step with its owner, date and who has
// done it or what it waits for; KS's teaching sessions; the central
// working group, the agreements and who at KS follows KS's part (ks).
func (d *Dispatcher) trackSection(lang string, t wave.Workflow, ks []string, today wave.Date) Section {
	done, total := t.Steps.Progress()
	s := Section{Title: catalog.WorkflowTitle.In(lang, t.FV), Progress: &Progress{Done: done, Total: total, Text: progressText(lang, done, 0, total)}}
	for _, st := range t.Steps {
		mark := "○"
		switch {
		case st.Done:
			mark = "✓"
		case st.Parts != (wave.Parts{}):
			mark = "◐"
		}
		line := fmt.Sprintf("%s %s – %s (%s)", mark, d.stepWord(lang, st.Key), st.Title(lang), st.Owner)
		if !st.Due.IsZero() {
			line += " – " + day(lang, st.Due)
		}
		switch waiting := st.Waiting(); {
		case st.Done:
			line += " – " + mentions(lang, st.DoneBy)
		case len(waiting) == 1 && st.Owner == wave.PartyBoth:
			line += " – " + catalog.WaitingFor.In(lang, sideName(waiting).In(lang))
		}
		if !st.Done && !st.Due.IsZero() && st.Due.Before(today) {
			line += " – " + catalog.Overdue.In(lang)
		}
		s.Lines = append(s.Lines, line)
	}
	for _, session := range t.Teaching {
		line := catalog.TeachingPlannedLine.In(lang, day(lang, session.Date))
		if session.Held {
			line = catalog.TeachingHeldLine.In(lang, day(lang, session.Date))
		} else if session.Date.Before(today) {
			line += " – " + catalog.Overdue.In(lang)
		}
		if session.Note != "" {
			line += " – " + session.Note
		}
		s.Lines = append(s.Lines, line)
	}
	if len(t.Contacts) > 0 {
		s.Lines = append(s.Lines, catalog.TrackContacts.In(lang, mentions(lang, t.Contacts...)))
	} else {
		s.Lines = append(s.Lines, catalog.TrackNoContacts.In(lang, t.FV))
	}
	if a := agreementsText(lang, t.Agreements, d.cfg.Calendar); a != "" {
		s.Lines = append(s.Lines, catalog.TrackAgreements.In(lang, a))
	}
	if len(ks) > 0 {
		s.Lines = append(s.Lines, catalog.TrackKS.In(lang, mentions(lang, ks...)))
	} else {
		s.Lines = append(s.Lines, catalog.TrackKSNobody.In(lang))
	}
	return s
}

// agreementsText lists a track's agreements with who made them and when;
// empty when there are none.
func agreementsText(lang string, as []wave.Agreement, c *wave.Calendar) string {
	var parts []string
	for _, a := range as {
		when := day(lang, c.Today(a.At))
		if a.Note != "" {
			parts = append(parts, catalog.TrackAgreementNote.In(lang, agreementName(lang, a.Kind), mentions(lang, a.By), when, a.Note))
		} else {
			parts = append(parts, catalog.TrackAgreement.In(lang, agreementName(lang, a.Kind), mentions(lang, a.By), when))
		}
	}
	return catalog.List(lang, parts)
}

// stepWord is how a reader of lang names workflow step key: "skabelon",
// "template".
func (d *Dispatcher) stepWord(lang, key string) string { return d.cfg.Template.StepWord(lang, key) }

// stepTitle is the title of workflow step key in lang, from the template;
// a teaching session's key names the session.
func (d *Dispatcher) stepTitle(lang, key string) string {
	if s, ok := d.cfg.Template.Step(key); ok {
		return wave.WorkflowStep{TitleDA: s.TitleDA, TitleEN: s.TitleEN}.Title(lang)
	}
	if date, ok := strings.CutPrefix(key, "undervisning-"); ok {
		if dd, err := wave.ParseDate(date); err == nil {
			return catalog.TeachingPlannedLine.In(lang, day(lang, dd))[len("○ "):]
		}
	}
	return key
}
