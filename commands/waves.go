package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"wavebot/internal/catalog"
	"wavebot/storage"
	"wavebot/wave"
)

// Audit actions; the log renders each with its catalog message.
const (
	actWaveCreate     = "wave.create"
	actWaveEnroll     = "wave.enroll"
	actWaveLead       = "wave.lead"
	actContactAdd     = "contact.add"
	actContactRemove  = "contact.remove"
	actActivityStatus = "activity.status"
	actActivityPart   = "activity.part"
	actActivitySkip   = "activity.skip"
	actTrainingDecide = "training.decide"
	actActivityNote   = "activity.note"
	actActivityDue    = "activity.due"
	actAuthRequest    = "auth.request"
	actAuthAnswer     = "auth.answer"
	actAuthApply      = "auth.apply"
	actWorkflowStep   = "workflow.step"
	actWorkflowPart   = "workflow.part"
	actWorkflowDue    = "workflow.due"
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
	actContactRemove:  catalog.ActContactRemove,
	actActivityStatus: catalog.ActActivityStatus,
	actActivityPart:   catalog.ActPart,
	actActivitySkip:   catalog.ActSkipWord,
	actTrainingDecide: catalog.ActTrainingDecide,
	actActivityNote:   catalog.ActActivityNote,
	actActivityDue:    catalog.ActActivityDue,
	actAuthRequest:    catalog.ActAuthRequest,
	actAuthAnswer:     catalog.ActAuthAnswer,
	actAuthApply:      catalog.ActAuthApply,
	actWorkflowStep:   catalog.ActWorkflowStep,
	actWorkflowPart:   catalog.ActPart,
	actWorkflowDue:    catalog.ActStepDue,
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
	if err := d.deadline(in.Now, start); err != nil {
		return Reply{}, err
	}
	name, err := in.name(2, maxWaveName)
	if err != nil {
		return Reply{}, err
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
	line := catalog.WaveCreated.In(in.Lang, w.ID, w.Name, day(in.Lang, w.Start), mentions(in.Lang, in.Me.ID))
	if name == "" {
		line = catalog.WaveCreatedUnnamed.In(in.Lang, w.ID, day(in.Lang, w.Start), mentions(in.Lang, in.Me.ID))
	}
	close, err := d.startsClose(ctx, in.Lang, w.ID, w.Start)
	if err != nil {
		return Reply{}, err
	}
	return Reply{Lines: append([]string{line}, close...)}, nil
}

// staggerDays is how many business days apart waves start at least: the
// source has them start staggered, so a start closer to another open
// wave's is pointed out.
const staggerDays = 5

// startsClose points out, in lang, the open waves other than id that
// start fewer than staggerDays business days from start.
func (d *Dispatcher) startsClose(ctx context.Context, lang, id string, start wave.Date) ([]string, error) {
	waves, err := d.waves(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, o := range waves {
		if o.ID == id || o.IsClosed() {
			continue
		}
		switch n := d.cfg.Calendar.BusinessDaysBetween(o.Start, start); {
		case n == 0:
			out = append(out, catalog.StartsSameDay.In(lang, o.ID, day(lang, o.Start)))
		case n < staggerDays && -n < staggerDays:
			n = max(n, -n)
			out = append(out, catalog.StartsClose.In(lang, n, o.ID, day(lang, o.Start), n))
		}
	}
	return out, nil
}

// waveList lists the open waves; with --all the closed ones too, marked;
// in pages.
func (d *Dispatcher) waveList(ctx context.Context, in Input) (Reply, error) {
	args, all := in.Args, false
	if len(args) > 0 {
		if _, isPage := pageNumber(args[0]); !isPage {
			var err error
			if all, err = allFlag(args); err != nil {
				return Reply{}, err
			}
			args = args[1:]
		}
	}
	if len(args) > 1 {
		return Reply{}, refuse(catalog.TooManyArgs, typed(strings.Join(args[1:], " ")))
	}
	n, err := pageArg(args)
	if err != nil {
		return Reply{}, err
	}
	waves, err := d.waves(ctx)
	if err != nil {
		return Reply{}, err
	}
	var lines []string
	switch {
	case len(waves) > 0:
	case in.Me.IsKS():
		lines = []string{catalog.NoWaves.In(in.Lang)}
	default:
		lines = []string{catalog.NoWavesYet.In(in.Lang)}
	}
	hidden := 0
	for _, w := range waves {
		if w.IsClosed() && !all {
			hidden++
			continue
		}
		lines = append(lines, waveListed(in.Lang, w, d.cfg.Calendar))
	}
	if hidden > 0 {
		lines = append(lines, catalog.ClosedWavesHidden.In(in.Lang, hidden, hidden))
	}
	command := "wave list"
	if all {
		command += " --all"
	}
	return paged(in.Lang, catalog.WavesTitle.In(in.Lang), lineRows(lines), n, pageCommand(command))
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
		if !slices.Contains(fvs, fv) {
			fvs = append(fvs, fv)
		}
	}
	var moved []string
	w, err := d.update(ctx, in.Args[0], func(w *wave.Wave) ([]wave.Event, error) {
		var evs []wave.Event
		moved = nil
		for _, fv := range fvs {
			acts, err := w.Enroll(fv, d.cfg.Template, d.cfg.Calendar, in.Now)
			if err != nil {
				return nil, refuse(catalog.AlreadyEnrolled, fv, w.ID)
			}
			evs = append(evs, wave.Event{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: fv, Action: actWaveEnroll})
			d.milestone(w, in, wave.MilestoneEnrolled, fv, "", wave.Date{})
			if len(acts) > 0 {
				var items []string
				for _, a := range acts {
					items = append(items, catalog.MovedDate.In(in.Lang, a.Title(in.Lang), day(in.Lang, a.Due)))
				}
				moved = append(moved, catalog.DatesMoved.In(in.Lang, w.ID+"/"+fv, catalog.List(in.Lang, items)))
			}
		}
		return evs, nil
	})
	if err != nil {
		return Reply{}, err
	}
	return Reply{Lines: append([]string{catalog.Enrolled.In(in.Lang, len(fvs), catalog.List(in.Lang, fvs), w.ID, len(d.cfg.Template.Activities))}, moved...)}, nil
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
	switch {
	case p.IsKS():
	case in.Me.Role == wave.RoleAdmin:
		return Reply{}, refuse(catalog.LeadNotKS, mentions(in.Lang, p.ID))
	default:
		return Reply{}, refuse(catalog.LeadNotKSAsk, mentions(in.Lang, p.ID))
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

// contact changes who acts for an enrolment: "contact ID/FV @a @b" names
// contacts, "contact ID/FV remove @a" takes someone off, and "contact
// ID/FV set @a @b" makes the list exactly these. KS names the first
// contact on the forvaltning's word, and the contacts choose the rest of
// their group; nobody with a KS role is named, as each person speaks for
// one side. Every mention is checked before anyone is created; a change
// that leaves the list as it is changes nothing. A new contact is
// welcomed; one who leaves hears nothing more about the enrolment.
func (d *Dispatcher) contact(ctx context.Context, in Input) (Reply, error) {
	r, err := d.parseRef(in.Args[0])
	if err != nil {
		return Reply{}, err
	}
	w, e, err := d.enrolment(ctx, r)
	if err != nil {
		return Reply{}, err
	}
	if err := mayChangeGroup(in.Lang, in.Me, speaksForFV(in.Me, e), r.String()); err != nil {
		return Reply{}, err
	}
	if err := d.open(&w); err != nil {
		return Reply{}, err
	}
	c, err := d.readGroupChange(ctx, in.Lang, in.Args[1:], e.Contacts, r.String())
	if err != nil {
		return Reply{}, err
	}
	left, err := d.changeContacts(ctx, in, r, c.add, c.remove)
	if err != nil {
		return Reply{}, err
	}
	reply := Reply{Lines: c.told(in.Lang, r.String(), catalog.ContactsWelcomed)}
	switch {
	case left > 0:
	case in.Me.IsKS():
		reply.Lines = append(reply.Lines, catalog.NoContactsLeft.In(in.Lang, r))
	default:
		reply.Lines = append(reply.Lines, catalog.NoContactsLeftFV.In(in.Lang, r))
	}
	return reply, nil
}

// changeContacts names add and removes remove as contacts of enrolment r,
// in one write, and brings their roles along: a viewer named becomes a
// contact, a contact named nowhere any more a viewer. The wave's KS lead
// hears of each change another made in their next digest. It returns how
// many contacts the enrolment has left.
func (d *Dispatcher) changeContacts(ctx context.Context, in Input, r ref, add, remove []string) (int, error) {
	for _, id := range add {
		if _, err := d.mention(ctx, in.Me.ID, "@"+id, in.Now); err != nil {
			return 0, err
		}
	}
	left := 0
	_, err := d.updateEnrolment(ctx, r, func(w *wave.Wave, e *wave.Enrolment) ([]wave.Event, error) {
		var evs []wave.Event
		for _, id := range e.AddContacts(w.NoticeAt(in.Now), add...) {
			evs = append(evs, wave.Event{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actContactAdd, Item: id})
			d.contactNotice(w, in, wave.NoticeContactAdded, e.FV, id)
		}
		for _, id := range remove {
			if w.RemoveContact(e.FV, id) {
				evs = append(evs, wave.Event{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actContactRemove, Item: id})
				d.contactNotice(w, in, wave.NoticeContactRemoved, e.FV, id)
			}
		}
		left = len(e.Contacts)
		return evs, nil
	})
	if err != nil {
		return 0, err
	}
	for _, id := range add {
		if err := d.changeRole(ctx, in, id, func(p *wave.Person) bool { return p.MakeContact() }); err != nil {
			return 0, err
		}
	}
	for _, id := range remove {
		named, err := d.namedAnywhere(ctx, id)
		if err != nil {
			return 0, err
		}
		if named {
			continue
		}
		if err := d.changeRole(ctx, in, id, func(p *wave.Person) bool {
			if p.Role != wave.RoleContact {
				return false
			}
			p.Role = wave.RoleViewer
			return true
		}); err != nil {
			return 0, err
		}
	}
	return left, nil
}

// contactNotice tells the KS lead of w, in their next digest, that the
// caller named a contact of enrolment fv or took one off (kind); the lead
// knows of their own changes.
func (d *Dispatcher) contactNotice(w *wave.Wave, in Input, kind, fv, person string) {
	if w.Lead == "" || w.Lead == in.Me.ID {
		return
	}
	w.AddNotice(wave.Notice{Kind: kind, FV: fv, Item: person, By: in.Me.ID, At: d.digestAt(w, in.Now), Happened: in.Now, To: []string{w.Lead}})
}

// changeRole changes person id's role as change says, logging it when it
// reports a change.
func (d *Dispatcher) changeRole(ctx context.Context, in Input, id string, change func(p *wave.Person) bool) error {
	_, err := d.cfg.Store.UpdatePerson(ctx, id, func(p *wave.Person) ([]wave.Event, error) {
		before := p.Role
		if !change(p) {
			return nil, nil
		}
		return []wave.Event{{At: in.Now, Actor: in.Me.ID, Action: actPersonRole, Item: id, Before: string(before), After: string(p.Role)}}, nil
	})
	return err
}

// contactOf lists the enrolments of open waves that name person as a
// contact, "b3/BUF".
func (d *Dispatcher) contactOf(ctx context.Context, person string) ([]string, error) {
	waves, err := d.waves(ctx)
	if err != nil {
		return nil, err
	}
	var refs []string
	for _, w := range waves {
		if w.IsClosed() {
			continue
		}
		for _, e := range w.Enrolments {
			if e.HasContact(person) {
				refs = append(refs, w.ID+"/"+e.FV)
			}
		}
	}
	return refs, nil
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

// groupChange is a change of a group of contacts as typed: "@x …" adds,
// "remove @x …" takes off, "set @x …" makes the list exactly these.
type groupChange struct {
	mode                 string
	add, remove, already []string
}

// readGroupChange reads a change of the group whose contacts are now
// contacts, named subject in refusals, from words: every mention is a
// person wavebot knows, checked before anyone is created, and nobody with
// a KS role is named to it (mayBeNamed). A change that leaves the list as
// it is, or takes off someone not on it, is refused.
func (d *Dispatcher) readGroupChange(ctx context.Context, lang string, words, contacts []string, subject string) (groupChange, error) {
	var c groupChange
	if len(words) > 0 {
		switch w := strings.ToLower(words[0]); w {
		case "remove", "fjern", "set", "sæt", "saet":
			c.mode, words = w, words[1:]
		}
	}
	if len(words) == 0 {
		return c, refuse(catalog.MissingArg, argName(catalog.ArgPeople))
	}
	removing := c.mode == "remove" || c.mode == "fjern"
	var named []string
	for _, m := range words {
		p, err := d.known(ctx, m)
		if err != nil {
			return c, err
		}
		if !removing && !slices.Contains(contacts, p.ID) {
			if err := mayBeNamed(lang, p); err != nil {
				return c, err
			}
		}
		if !slices.Contains(named, p.ID) {
			named = append(named, p.ID)
		}
	}
	for _, id := range named {
		if slices.Contains(contacts, id) {
			c.already = append(c.already, id)
		} else {
			c.add = append(c.add, id)
		}
	}
	switch {
	case removing && len(c.add) > 0:
		return c, refuse(catalog.NotAContact, mentions(lang, c.add...), subject)
	case removing:
		c.add, c.remove, c.already = nil, c.already, nil
	case c.mode != "":
		c.remove = slices.DeleteFunc(slices.Clone(contacts), func(id string) bool { return slices.Contains(named, id) })
	}
	if len(c.add) == 0 && len(c.remove) == 0 {
		return c, unchanged(catalog.ContactsUnchanged.In(lang, len(c.already), mentions(lang, c.already...), subject))
	}
	return c, nil
}

// told is what the change says to its writer: who is now a contact of
// subject and is welcomed (welcomed says how), who already was, when
// they were named to be added, and who is taken off.
func (c groupChange) told(lang, subject string, welcomed catalog.Plural) []string {
	var lines []string
	if len(c.add) > 0 {
		lines = append(lines, catalog.ContactsSet.In(lang, len(c.add), mentions(lang, c.add...), subject),
			welcomed.In(lang, len(c.add), mentions(lang, c.add...)))
	}
	if len(c.already) > 0 && c.mode == "" {
		lines = append(lines, catalog.ContactsAlready.In(lang, len(c.already), mentions(lang, c.already...), subject))
	}
	if len(c.remove) > 0 {
		lines = append(lines, catalog.ContactsRemoved.In(lang, len(c.remove), mentions(lang, c.remove...), subject))
	}
	return lines
}
