package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"wavebot/internal/catalog"
	"wavebot/storage"
	"wavebot/wave"
)

// roleText says a role in lang: "KS-medarbejder", "kontaktperson for
// b3/BUF og b4/SUF"; refs are what a contact is named for.
func roleText(lang string, role wave.Role, refs []string) string {
	switch role {
	case wave.RoleAdmin:
		return catalog.RoleAdmin.In(lang)
	case wave.RoleKS:
		return catalog.RoleKS.In(lang)
	case wave.RoleContact:
		if len(refs) == 0 {
			return catalog.RoleContactAny.In(lang)
		}
		return catalog.RoleContact.In(lang, catalog.List(lang, refs))
	}
	return catalog.RoleViewer.In(lang)
}

// describedRoleText says a role as the log recorded it, in lang. Events
// written before contacts belonged to enrolments name the forvaltninger
// too: "contact BUF,SUF".
func describedRoleText(lang, s string) string {
	role, fvs, _ := strings.Cut(s, " ")
	var of []string
	if fvs != "" {
		of = strings.Split(fvs, ",")
	}
	if role == string(wave.RoleContact) || len(of) == 0 {
		return roleText(lang, wave.Role(role), of)
	}
	return catalog.RoleAndContact.In(lang, roleText(lang, wave.Role(role), nil), catalog.List(lang, of))
}

// roleWords are the role names people type, in English and Danish.
var roleWords = map[string]wave.Role{
	"admin": wave.RoleAdmin, "ks": wave.RoleKS,
	"viewer": wave.RoleViewer, "læser": wave.RoleViewer, "laeser": wave.RoleViewer,
	"contact": wave.RoleContact, "kontakt": wave.RoleContact, "kontaktperson": wave.RoleContact,
}

// setRole gives person id role.
func (d *Dispatcher) setRole(ctx context.Context, actor, id string, role wave.Role) (wave.Person, error) {
	now := d.cfg.Clock.Now()
	return d.cfg.Store.UpdatePerson(ctx, id, func(p *wave.Person) ([]wave.Event, error) {
		before := p.Role
		p.Role = role
		return []wave.Event{{At: now, Actor: actor, Action: actPersonRole, Item: id, Before: string(before), After: string(role)}}, nil
	})
}

// role gives a person a role. Contact duties live on the enrolments, so a
// role moves them: "contact FV" names the person contact of FV in every
// active wave it is enrolled in, "viewer" takes them off every enrolment
// and says which they leave. Each person speaks for one side: a contact
// gets a KS role only once off every enrolment, and the refusal says how.
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
	waves, err := d.waves(ctx)
	if err != nil {
		return Reply{}, err
	}
	var named, join []string
	enrolledInActive := false
	for _, w := range waves {
		if w.IsClosed() {
			// A closed wave's contacts are its history.
			continue
		}
		for _, e := range w.Enrolments {
			r := w.ID + "/" + e.FV
			if e.HasContact(p.ID) {
				named = append(named, r)
			}
			if e.FV == fv && active(w) {
				enrolledInActive = true
				if !e.HasContact(p.ID) {
					join = append(join, r)
				}
			}
		}
	}
	var leave, leaveTracks []string
	switch {
	case (role == wave.RoleAdmin || role == wave.RoleKS) && len(named) > 0:
		var off []string
		for _, r := range named {
			off = append(off, catalog.RemoveContact.In(in.Lang, r, mentions(in.Lang, p.ID)))
		}
		return Reply{}, refuse(catalog.RoleIsContact, mentions(in.Lang, p.ID), listArg(named), listArg(off))
	case role == wave.RoleContact && !enrolledInActive:
		return Reply{}, refuse(catalog.RoleNoEnrolment, fv)
	case role == wave.RoleViewer:
		leave = named
		// A viewer leaves the KØR workflow tracks' working groups too.
		if leaveTracks, err = d.trackContactOf(ctx, p.ID); err != nil {
			return Reply{}, err
		}
	}
	if p.Role == role && len(join) == 0 && len(leave) == 0 && len(leaveTracks) == 0 {
		return Reply{}, unchanged(catalog.RoleUnchanged.In(in.Lang, mentions(in.Lang, p.ID), roleText(in.Lang, p.Role, named)))
	}
	if _, err := d.mention(ctx, in.Me.ID, "@"+p.ID, in.Now); err != nil {
		return Reply{}, err
	}
	if p.Role != role {
		if p, err = d.setRole(ctx, in.Me.ID, p.ID, role); err != nil {
			return Reply{}, err
		}
	}
	for _, r := range join {
		if err := d.moveContact(ctx, in, r, p.ID, true); err != nil {
			return Reply{}, err
		}
	}
	for _, r := range leave {
		if err := d.moveContact(ctx, in, r, p.ID, false); err != nil {
			return Reply{}, err
		}
	}
	for _, code := range leaveTracks {
		if _, err := d.updateTrack(ctx, in, code, func(t *wave.Workflow) ([]wave.Event, error) {
			if !t.RemoveContact(p.ID) {
				return nil, nil
			}
			return []wave.Event{{At: in.Now, Actor: in.Me.ID, FV: code, Action: actContactRemove, Item: p.ID}}, nil
		}); err != nil {
			return Reply{}, err
		}
		leave = append(leave, trackName(in.Lang, code))
	}
	var duties []string
	if role == wave.RoleContact {
		duties = append(slices.Clone(named), join...)
		slices.Sort(duties)
	}
	reply := Reply{Lines: []string{catalog.RoleSet.In(in.Lang, mentions(in.Lang, p.ID), roleText(in.Lang, p.Role, duties))}}
	switch {
	case len(leave) > 0:
		reply.Lines = append(reply.Lines, catalog.LeftEnrolments.In(in.Lang, len(leave), mentions(in.Lang, p.ID), catalog.List(in.Lang, leave)))
	case len(join) > 0:
		reply.Lines = append(reply.Lines, catalog.ContactsWelcomed.In(in.Lang, 1, mentions(in.Lang, p.ID)))
	}
	return reply, nil
}

// moveContact names person contact of enrolment rs ("b3/BUF"), or takes
// them off it.
func (d *Dispatcher) moveContact(ctx context.Context, in Input, rs, person string, name bool) error {
	r, err := d.parseRef(rs)
	if err != nil {
		return err
	}
	_, err = d.updateEnrolment(ctx, r, func(w *wave.Wave, e *wave.Enrolment) ([]wave.Event, error) {
		ev := wave.Event{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actContactAdd, Item: person}
		switch {
		case name && len(e.AddContacts(w.NoticeAt(in.Now), person)) > 0:
			d.contactNotice(w, in, wave.NoticeContactAdded, e.FV, person)
		case !name && w.RemoveContact(e.FV, person):
			ev.Action = actContactRemove
			d.contactNotice(w, in, wave.NoticeContactRemoved, e.FV, person)
		default:
			return nil, nil
		}
		return []wave.Event{ev}, nil
	})
	return err
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

// logLimit is how many audit events "log" reads, newest first, for its
// pages: far more than anyone pages through in chat.
const logLimit = 2000

// log shows the audit trail of a wave, of an enrolment (ID/FV), or of a
// forvaltning (FV): its enrolments in every wave, with their KØR workflow;
// in pages, newest first, each entry a sentence.
func (d *Dispatcher) log(ctx context.Context, in Input) (Reply, error) {
	n, err := pageArg(in.Args[1:])
	if err != nil {
		return Reply{}, err
	}
	var events []wave.Event
	if strings.Contains(in.Args[0], "/") {
		r, err := d.parseRef(in.Args[0])
		if err != nil {
			return Reply{}, err
		}
		w, err := d.wave(ctx, r.wave)
		if err != nil {
			return Reply{}, err
		}
		if events, err = d.cfg.Store.Events(ctx, w.ID, r.fv, logLimit); err != nil {
			return Reply{}, err
		}
	} else {
		w, fv, err := d.waveOrFV(ctx, in.Args[0])
		switch {
		case err != nil:
			return Reply{}, err
		case fv != "":
			events, err = d.fvEvents(ctx, fv)
		default:
			events, err = d.cfg.Store.Events(ctx, w.ID, "", logLimit)
		}
		if err != nil {
			return Reply{}, err
		}
	}
	var lines []string
	for i := 0; i < len(events); i++ {
		ev := events[i]
		if folded := d.submission(events[i:]); folded > 0 {
			// A list sent from its page: its saved rows, the list and the
			// answer it gave are one entry.
			lines = append(lines, d.logLine(in.Lang, events[i+1], catalog.LogListAnswered.In(in.Lang)))
			i += folded - 1
			continue
		}
		lines = append(lines, d.logLine(in.Lang, ev, ""))
	}
	return paged(in.Lang, catalog.LogTitle.In(in.Lang, typed(in.Args[0])), lineRows(lines), n, pageCommand("log "+in.Args[0]))
}

// submission reports how many of events, newest first, are one sending of
// the authorization list from its page: the answer it gave, the list
// submitted, and the rows saved with it, by the same person about the
// same enrolment within a minute. 0 when events do not start so.
func (d *Dispatcher) submission(events []wave.Event) int {
	if len(events) < 2 || events[0].Action != actAuthAnswer || events[1].Action != actListSubmit {
		return 0
	}
	same := func(a, b wave.Event) bool {
		return a.Actor == b.Actor && a.Wave == b.Wave && a.FV == b.FV && a.At.Sub(b.At).Abs() < time.Minute
	}
	if !same(events[0], events[1]) {
		return 0
	}
	if len(events) > 2 && events[2].Action == actListRow && same(events[1], events[2]) {
		return 3
	}
	return 2
}

// logLine is one entry of the log as a sentence: when, who, about what,
// what they did and to what. action, when set, says what was done in
// place of the event's own words.
func (d *Dispatcher) logLine(lang string, ev wave.Event, action string) string {
	subject := ev.Wave
	switch {
	case ev.Wave == "":
		subject = ev.FV
	case ev.FV != "":
		subject += "/" + ev.FV
	}
	if action == "" {
		action = d.logAction(lang, ev)
	}
	line := ev.At.In(d.cfg.Calendar.Location()).Format("2006-01-02 15:04") + " " + mentions(lang, ev.Actor) + " " + subject + ": " + action
	if item := d.logItem(lang, ev); item != "" {
		line += " " + item
	}
	before, after := d.logValue(lang, ev, ev.Before), d.logValue(lang, ev, ev.After)
	switch {
	case before != "" && after != "":
		line += " " + catalog.LogFromTo.In(lang, before, after)
	case after != "" && ev.Action == actAuthRequest:
		line += " " + catalog.LogDue.In(lang, after)
	case after != "" && (ev.Action == actWorkflowDue || ev.Action == actActivityDue):
		// A first date: "ændrede fristen for »…« til 2027-01-29".
		line += " " + catalog.LogTo.In(lang, after)
	case after != "" && ev.Action == actListApplied && strings.HasPrefix(ev.After, rowCounts):
		line += ", " + after
	case after != "":
		line += ": " + after
	}
	return line
}

// logAction is what the event did, in words; the counts of rows answered
// or applied say it with their number.
func (d *Dispatcher) logAction(lang string, ev wave.Event) string {
	if counts, ok := strings.CutPrefix(ev.After, rowCounts); ok {
		var a, b, c int
		switch ev.Action {
		case actListRow:
			if _, err := fmt.Sscanf(counts, "%d/%d/%d", &a, &b, &c); err == nil {
				return catalog.LogRowsAnswered.In(lang, a+b+c, a+b+c)
			}
		case actListApplied:
			if _, err := fmt.Sscanf(counts, "%d/%d", &a, &b); err == nil {
				if a == 0 {
					return catalog.LogRowsUnapplied.In(lang, b, b)
				}
				return catalog.LogRowsApplied.In(lang, a, a)
			}
		}
	}
	return actionText[ev.Action].In(lang)
}

// fvEvents is a forvaltning's audit trail: its events in every wave it is
// enrolled in, and its KØR workflow events from before tracks moved to the
// enrolments; newest first, at most logLimit.
func (d *Dispatcher) fvEvents(ctx context.Context, fv string) ([]wave.Event, error) {
	events, err := d.cfg.Store.Events(ctx, "", fv, logLimit)
	if err != nil {
		return nil, err
	}
	waves, err := d.waves(ctx)
	if err != nil {
		return nil, err
	}
	for _, w := range waves {
		if _, err := w.Enrolment(fv); err != nil {
			continue
		}
		evs, err := d.cfg.Store.Events(ctx, w.ID, fv, logLimit)
		if err != nil {
			return nil, err
		}
		events = append(events, evs...)
	}
	slices.SortStableFunc(events, func(a, b wave.Event) int { return b.At.Compare(a.At) })
	return events[:min(len(events), logLimit)], nil
}

// logItem names what an event changed, in lang: an activity or step by its
// title, a person as a mention.
func (d *Dispatcher) logItem(lang string, ev wave.Event) string {
	switch {
	case ev.Item == "":
		return ""
	case ev.Action == actRemindSnooze:
		return catalog.About.In(lang, d.itemTitle(lang, ev.Item))
	case ev.Action == actActivityStatus || ev.Action == actActivityNote || ev.Action == actActivityDue || ev.Action == actActivityPart || ev.Action == actActivitySkip:
		return catalog.Quoted.In(lang, d.activityTitle(lang, ev.Item))
	case ev.Action == actWorkflowStep || ev.Action == actWorkflowPart || ev.Action == actPartUndo || ev.Action == actWorkflowDue:
		return catalog.Quoted.In(lang, d.itemTitle(lang, ev.Item))
	case ev.Action == actAgreement || ev.Action == actAgreementEnd:
		return agreementName(lang, wave.AgreementKind(ev.Item))
	case ev.Action == actTeaching || ev.Action == actMeeting || ev.Action == actMeetingCancel:
		if date, err := wave.ParseDate(ev.Item); err == nil { // the session's or the meeting's day
			return day(lang, date)
		}
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
			return catalog.LogStepDone.In(lang)
		}
		return catalog.LogStepNotDone.In(lang)
	case actListRow:
		return listRowValue(lang, v)
	case actListApplied:
		return appliedValue(lang, v)
	case actListSubmit:
		var fixes, total int
		if _, err := fmt.Sscanf(v, "%d/%d", &fixes, &total); err == nil {
			return catalog.LogListCounts.In(lang, total, fixes, total)
		}
	case actAuthRequest:
		if due, err := wave.ParseDate(v); err == nil {
			return day(lang, due)
		}
	case actActivityPart, actWorkflowPart, actPartUndo:
		if wave.Party(v) == wave.PartyKS {
			return catalog.LogPartKS.In(lang)
		}
		return catalog.LogPartFV.In(lang)
	case actTrainingDecide:
		if due, ok := strings.CutPrefix(v, "yes: "); ok {
			return catalog.TrainingLogYes.In(lang, due)
		}
		no := catalog.TrainingLogNo.In(lang)
		if reason := strings.TrimSpace(strings.TrimPrefix(v, "no:")); reason != "" {
			no += " (" + reason + ")"
		}
		return no
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
	case actTeaching:
		return teachingText(lang, v)
	}
	return v
}

// decisionText names a decision on a row of the authorization list.
var decisionText = map[wave.Decision]catalog.Message{
	wave.DecisionOK: catalog.PageDecisionOK, wave.DecisionFix: catalog.PageDecisionFix, wave.DecisionOpen: catalog.PageDecisionOpen,
}

// listRowValue renders what a save of rows recorded: its counts
// ("2 i orden og 1 skal rettes"), or, in entries from before, one row's
// user and decision ("BUF1014: i orden").
func listRowValue(lang, v string) string {
	if counts, ok := strings.CutPrefix(v, rowCounts); ok {
		var ok, fix, open int
		if _, err := fmt.Sscanf(counts, "%d/%d/%d", &ok, &fix, &open); err != nil {
			return ""
		}
		var parts []string
		for _, p := range []struct {
			n int
			m catalog.Plural
		}{{ok, catalog.LogRowsOK}, {fix, catalog.LogRowsFix}, {open, catalog.LogRowsOpen}} {
			if p.n > 0 {
				parts = append(parts, p.m.In(lang, p.n, p.n))
			}
		}
		return catalog.List(lang, parts)
	}
	user, rest, _ := strings.Cut(v, ": ")
	decision, wanted, _ := strings.Cut(rest, ": ")
	if decision == "open" {
		decision = ""
	}
	text := decisionText[wave.Decision(decision)].In(lang)
	if wanted != "" {
		text += " (" + wanted + ")"
	}
	return user + ": " + text
}

// appliedValue renders what marking corrections recorded: how many were
// marked not applied, beside those the entry's words count; in entries
// from before, one row's user and whether it is applied.
func appliedValue(lang, v string) string {
	if counts, ok := strings.CutPrefix(v, rowCounts); ok {
		var applied, not int
		if _, err := fmt.Sscanf(counts, "%d/%d", &applied, &not); err != nil || applied == 0 || not == 0 {
			return ""
		}
		return catalog.LogAlsoUnapplied.In(lang, not, not)
	}
	user, applied, _ := strings.Cut(v, ": ")
	if applied == "true" {
		return catalog.LogRowApplied.In(lang, user)
	}
	return catalog.LogRowUnapplied.In(lang, user)
}
