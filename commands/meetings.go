package commands

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"wavebot/internal/catalog"
	"wavebot/internal/closeout"
	"wavebot/notify"
	"wavebot/wave"
)

// The forvaltning's own planning: "info ID/FV DATE [UNIT, …]" records an
// information meeting, "units ID/FV [add|remove UNIT, …]" keeps the
// forvaltning's units, and "guides [ID]" says where the user guides and
// KS økonomisupport are. Meetings and units are the forvaltning's record:
// its contacts keep it, KS reads it (and brings units with the list from
// KØR). Dates of the forvaltning's own activities are set by its contacts
// or by KS, and each side hears of the other's.

// Audit actions of meetings and units.
const (
	actMeeting       = "meeting.record"
	actMeetingCancel = "meeting.cancel"
	actUnitsAdd      = "units.add"
	actUnitsRemove   = "units.remove"
	actUnitsFromList = "units.list"
)

func init() {
	maps.Copy(actionText, map[string]catalog.Message{
		actMeeting: catalog.ActMeeting, actMeetingCancel: catalog.ActMeetingCancel, actUnitsAdd: catalog.ActUnitsAdd,
		actUnitsRemove: catalog.ActUnitsRemove, actUnitsFromList: catalog.ActUnitsFromList,
	})
}

// maxNamedUnits is how many units a reminder names before it counts the
// rest.
const maxNamedUnits = 5

// unitNames reads the units of a command, separated by commas or
// semicolons; an empty part between two is passed over.
func unitNames(s string) ([]string, error) {
	var out []string
	for part := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == ',' || r == ';' }) {
		if strings.TrimSpace(part) == "" {
			continue
		}
		name, err := wave.UnitName(part)
		switch {
		case errors.Is(err, wave.ErrUnitTooLong):
			return nil, refuse(catalog.UnitTooLong, typed(strings.TrimSpace(part)), wave.MaxRowText)
		case err != nil:
			return nil, refuse(catalog.UnitBad, typed(strings.TrimSpace(part)))
		}
		out = append(out, name)
	}
	return out, nil
}

// unitsError turns a full list of units or meetings into its refusal.
func unitsError(r ref, e *wave.Enrolment, err error) error {
	switch {
	case errors.Is(err, wave.ErrTooManyUnits):
		return refuse(catalog.UnitsTooMany, r.String(), wave.MaxUnits)
	case errors.Is(err, wave.ErrTooManyMeets):
		return refuse(catalog.MeetingTooMany, r.String(), len(e.Meetings))
	}
	return err
}

// recordsFV refuses anyone but a contact of enrolment e (r): its meetings
// and units are the forvaltning's own record.
func recordsFV(me wave.Person, e *wave.Enrolment, r ref) error {
	if !speaksForFV(me, e) {
		return forbid(catalog.MeetingRecordFV, r.String())
	}
	return nil
}

// someUnits names units in lang, the first few and how many more.
func someUnits(lang string, units []string) string {
	return catalog.Some(lang, units, maxNamedUnits)
}

// unitsInformedText says how many of enrolment e's units have had an
// information meeting by today, and how many have one planned; empty
// when it knows no units.
func unitsInformedText(lang string, e wave.Enrolment, today wave.Date) string {
	held, planned, _ := e.UnitsInformed(today)
	switch {
	case len(e.Units) == 0:
		return ""
	case len(held) == len(e.Units):
		return catalog.UnitsAllInformed.In(lang, len(held), len(held))
	case len(planned) > 0:
		return catalog.UnitsInformedPlan.In(lang, len(e.Units), len(e.Units), len(held), len(planned))
	}
	return catalog.UnitsInformed.In(lang, len(e.Units), len(e.Units), len(held))
}

// meetingsField is the field of an enrolment's status that counts its
// units informed; false when it knows no units.
func meetingsField(lang string, e wave.Enrolment, today wave.Date) (Field, bool) {
	text := unitsInformedText(lang, e, today)
	return Field{catalog.LabelMeetings.In(lang), text}, text != ""
}

// maxStatusMeetings is how many information meetings an enrolment's
// status lists: the latest, which are those ahead and the last held.
const maxStatusMeetings = 8

// meetingLines are enrolment e's information meetings, one line each, for
// its status: the latest maxStatusMeetings, and how many earlier ones
// the close-out report of wave id lists too.
func meetingLines(lang, id string, e wave.Enrolment, today wave.Date) []string {
	var out []string
	meetings := e.Meetings
	if n := len(meetings) - maxStatusMeetings; n > 0 {
		out = append(out, catalog.MeetingsEarlier.In(lang, n, n, id))
		meetings = meetings[n:]
	}
	for _, m := range meetings {
		state := catalog.MeetingIsPlanned.In(lang)
		if m.Held(today) {
			state = catalog.MeetingWasHeld.In(lang)
		}
		if len(m.Units) == 0 {
			out = append(out, catalog.MeetingLineAll.In(lang, day(lang, m.Date), state, mentions(lang, m.By)))
			continue
		}
		out = append(out, catalog.MeetingLine.In(lang, day(lang, m.Date), someUnits(lang, m.Units), state, mentions(lang, m.By)))
	}
	return out
}

// info records an information meeting of enrolment ID/FV on DATE, planned
// or held, for the units that follow (all: every unit the enrolment knows;
// remove: the meeting is deleted). Only a contact of the enrolment does.
// A planned meeting is on a business day; one after the activity's date
// or on or after go-live is taken with a note.
func (d *Dispatcher) info(ctx context.Context, in Input) (Reply, error) {
	r, err := d.parseRef(in.Args[0])
	if err != nil {
		return Reply{}, err
	}
	date, err := parseDate(in.Args[1])
	if err != nil {
		return Reply{}, err
	}
	rest := in.restAfter(2)
	var units []string
	cancel, all := false, false
	switch strings.ToLower(rest) {
	case "fjern", "remove":
		cancel = true
	case "alle", "all":
		all = true
	default:
		if units, err = unitNames(rest); err != nil {
			return Reply{}, err
		}
	}
	today := d.cfg.Calendar.Today(in.Now)
	if !cancel && !date.Before(today) {
		if err := d.deadline(in.Now, date); err != nil {
			return Reply{}, err
		}
	}
	var reply Reply
	_, err = d.updateEnrolment(ctx, r, func(w *wave.Wave, e *wave.Enrolment) ([]wave.Event, error) {
		if err := recordsFV(in.Me, e, r); err != nil {
			return nil, err
		}
		ev := wave.Event{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actMeetingCancel, Item: date.String()}
		if cancel {
			if !e.CancelMeeting(date) {
				return nil, refuse(catalog.MeetingNone, r.String(), dayArg(date))
			}
			reply = Reply{Lines: []string{catalog.MeetingCancelled.In(in.Lang, r, day(in.Lang, date))}}
			return []wave.Event{ev}, nil
		}
		if all {
			if len(e.Units) == 0 {
				return nil, refuse(catalog.MeetingNoKnown, r.String())
			}
			units = slices.Clone(e.Units)
		}
		before, existed := e.Meeting(date)
		added, changed, err := e.RecordMeeting(date, units, in.Me.ID, in.Now)
		if err != nil {
			return nil, unitsError(r, e, err)
		}
		if !changed && existed {
			return nil, unchanged(catalog.MeetingUnchanged.In(in.Lang, r, day(in.Lang, date)))
		}
		m, _ := e.Meeting(date)
		reply = Reply{Lines: d.meetingReply(in.Lang, r, *e, m, before, existed, added, today)}
		ev.Action, ev.After = actMeeting, unitsLog(newUnits(before, m))
		return []wave.Event{ev}, nil
	})
	if err != nil {
		return Reply{}, err
	}
	return reply, nil
}

// meetingReply says what recording meeting m of enrolment e (r) did:
// the meeting, the units it added to the enrolment's, a meeting after the
// activity's date or on or after go-live, how far the units are informed,
// and, for a meeting without units, how to name them.
func (d *Dispatcher) meetingReply(lang string, r ref, e wave.Enrolment, m, before wave.Meeting, existed bool, added []string, today wave.Date) []string {
	when := day(lang, m.Date)
	var lines []string
	switch held := m.Held(today); {
	case existed:
		lines = append(lines, catalog.MeetingMore.In(lang, r, when, someUnits(lang, newUnits(before, m))))
	case len(m.Units) == 0 && held:
		lines = append(lines, catalog.MeetingHeld.In(lang, r, when))
	case len(m.Units) == 0:
		lines = append(lines, catalog.MeetingPlanned.In(lang, r, when))
	case held:
		lines = append(lines, catalog.MeetingHeldAt.In(lang, r, when, someUnits(lang, m.Units)))
	default:
		lines = append(lines, catalog.MeetingPlannedAt.In(lang, r, when, someUnits(lang, m.Units)))
	}
	if len(added) > 0 {
		lines = append(lines, catalog.MeetingNewUnits.In(lang, len(added), someUnits(lang, added)))
	}
	if !m.Held(today) {
		if a, err := e.Activity(wave.InfoActivity); err == nil && !a.Status.Closed() && !a.Due.IsZero() && m.Date.After(a.Due) {
			lines = append(lines, catalog.MeetingAfterDue.In(lang, a.Title(lang), day(lang, a.Due), r, m.Date))
		}
		if g, ok := openGoLive(e); ok && !m.Date.Before(g.Due) {
			lines = append(lines, catalog.MeetingBeforeGo.In(lang, day(lang, g.Due)))
		}
	}
	if text := unitsInformedText(lang, e, today); text != "" {
		lines = append(lines, text)
	}
	if len(m.Units) == 0 {
		lines = append(lines, catalog.MeetingNoUnits.In(lang, r, m.Date))
	}
	return lines
}

// newUnits are the units meeting m is for that it was not for before.
func newUnits(before, m wave.Meeting) []string {
	var out []string
	for _, u := range m.Units {
		if !slices.Contains(before.Units, u) {
			out = append(out, u)
		}
	}
	return out
}

// maxLoggedUnits is how many units an event of the log names.
const maxLoggedUnits = 20

// unitsLog is how the log records units: their names, the first
// maxLoggedUnits of them and how many more.
func unitsLog(units []string) string {
	if len(units) <= maxLoggedUnits {
		return strings.Join(units, "; ")
	}
	return strings.Join(units[:maxLoggedUnits], "; ") + "; … +" + strconv.Itoa(len(units)-maxLoggedUnits)
}

// openGoLive is enrolment e's go-live while it is open and dated.
func openGoLive(e wave.Enrolment) (*wave.Activity, bool) {
	g, err := e.Activity(golive)
	if err != nil || g.Status.Closed() || g.Due.IsZero() {
		return nil, false
	}
	return g, true
}

// readyBeforeGoLive warns, in lang, when the forvaltning's own activity
// key of enrolment e (the information meeting, the training, which ready
// the users) is dated on or after its open go-live; empty otherwise.
func readyBeforeGoLive(lang string, e wave.Enrolment, key string) string {
	a, err := e.Activity(key)
	g, open := openGoLive(e)
	if err != nil || !open || a.Responsible != wave.PartyFV || a.Status.Closed() || a.Due.Before(g.Due) {
		return ""
	}
	return catalog.DueBeforeGoLive.In(lang, a.Title(lang), day(lang, g.Due))
}

// units shows enrolment ID/FV's units, those without an information
// meeting first ("units ID/FV [PAGE]"), or changes them: "add UNIT, …",
// "remove UNIT, …", by a contact of the enrolment, all or nothing.
func (d *Dispatcher) units(ctx context.Context, in Input) (Reply, error) {
	r, err := d.parseRef(in.Args[0])
	if err != nil {
		return Reply{}, err
	}
	if len(in.Args) == 1 {
		return d.unitsList(ctx, in, r, 1)
	}
	var add bool
	switch word := strings.ToLower(in.Args[1]); word {
	case "add", "tilføj", "tilfoej":
		add = true
	case "remove", "fjern":
	default:
		if _, err := strconv.Atoi(word); err != nil {
			return Reply{}, refuse(catalog.UnitsBadChange, typed(in.Args[1]))
		}
		if len(in.Args) > 2 {
			return Reply{}, refuse(catalog.TooManyArgs, typed(in.restAfter(2)))
		}
		n, err := pageArg(in.Args[1:])
		if err != nil {
			return Reply{}, err
		}
		return d.unitsList(ctx, in, r, n)
	}
	names, err := unitNames(in.restAfter(2))
	if err != nil {
		return Reply{}, err
	}
	if len(names) == 0 {
		return Reply{}, refuse(catalog.UnitsNoNames)
	}
	var line string
	_, err = d.updateEnrolment(ctx, r, func(w *wave.Wave, e *wave.Enrolment) ([]wave.Event, error) {
		if err := recordsFV(in.Me, e, r); err != nil {
			return nil, err
		}
		ev := wave.Event{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: e.FV, Action: actUnitsAdd}
		if add {
			added, err := e.AddUnits(names...)
			switch {
			case err != nil:
				return nil, unitsError(r, e, err)
			case len(added) == 0:
				return nil, unchanged(catalog.UnitsKnown.In(in.Lang, r, catalog.List(in.Lang, names)))
			}
			line = catalog.UnitsAdded.In(in.Lang, len(added), r, someUnits(in.Lang, added), len(e.Units))
			ev.After = unitsLog(added)
			return []wave.Event{ev}, nil
		}
		removed, unknown := e.RemoveUnits(names...)
		if len(unknown) > 0 {
			return nil, refuse(catalog.UnitsUnknown.For(len(unknown)), r.String(), listArg(unknown))
		}
		line = catalog.UnitsRemoved.In(in.Lang, len(removed), r, someUnits(in.Lang, removed), len(e.Units))
		ev.Action, ev.After = actUnitsRemove, unitsLog(removed)
		return []wave.Event{ev}, nil
	})
	if err != nil {
		return Reply{}, err
	}
	return Reply{Lines: []string{line}}, nil
}

// unitsList is page n of enrolment r's units as seen today: how many are
// informed, then those without an information meeting and those with one
// planned. A contact is told how to record a meeting or add units.
func (d *Dispatcher) unitsList(ctx context.Context, in Input, r ref, n int) (Reply, error) {
	_, e, err := d.enrolment(ctx, r)
	if err != nil {
		return Reply{}, err
	}
	today := d.cfg.Calendar.Today(in.Now)
	contact := speaksForFV(in.Me, e)
	var rows []row
	if len(e.Units) == 0 {
		rows = append(rows, row{line: catalog.UnitsNone.In(in.Lang, r)})
		if contact {
			rows = append(rows, row{line: catalog.UnitsNoneFV.In(in.Lang, r)})
		}
	}
	_, planned, missing := e.UnitsInformed(today)
	if text := unitsInformedText(in.Lang, *e, today); text != "" {
		rows = append(rows, row{line: text})
	}
	if contact && len(missing) > 0 {
		rows = append(rows, row{line: catalog.UnitsPlanFV.In(in.Lang, r)})
	}
	for _, u := range missing {
		rows = append(rows, row{group: catalog.UnitsMissingHead.In(in.Lang), line: u})
	}
	for _, u := range planned {
		next := wave.Date{}
		for _, m := range e.Meetings {
			if slices.Contains(m.Units, u) && !m.Held(today) && (next.IsZero() || m.Date.Before(next)) {
				next = m.Date
			}
		}
		rows = append(rows, row{group: catalog.UnitsPlannedHead.In(in.Lang), line: catalog.UnitsPlannedItem.In(in.Lang, u, day(in.Lang, next))})
	}
	return paged(in.Lang, catalog.UnitsTitle.In(in.Lang, r), rows, n, pageCommand("units "+r.String()))
}

// unitsFromList gives enrolment waveID/fv the units of the authorization
// list KS uploaded, those it does not know yet, as many as it can hold;
// it returns the reply's line about them, if any.
func (d *Dispatcher) unitsFromList(ctx context.Context, pg page, waveID, fv string, rows []wave.AuthRow) string {
	var names []string
	for _, row := range rows {
		if name, err := wave.UnitName(row.Unit); err == nil {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return ""
	}
	r := ref{wave: waveID, fv: fv}
	var added []string
	_, err := d.updateEnrolment(ctx, r, func(w *wave.Wave, e *wave.Enrolment) ([]wave.Event, error) {
		var fresh []string
		for _, n := range names {
			if _, ok := e.Unit(n); !ok && !slices.ContainsFunc(fresh, func(f string) bool { return strings.EqualFold(f, n) }) {
				fresh = append(fresh, n)
			}
		}
		var err error
		if added, err = e.AddUnits(fresh[:min(len(fresh), wave.MaxUnits-len(e.Units))]...); err != nil || len(added) == 0 {
			return nil, err
		}
		return []wave.Event{{At: pg.now, Actor: pg.me.ID, Wave: w.ID, FV: e.FV, Action: actUnitsFromList, After: strconv.Itoa(len(added))}}, nil
	})
	var ue *userError
	switch {
	case errors.As(err, &ue):
		return "" // a closed wave keeps its units as they were
	case err != nil:
		d.cfg.Logger.Error("units of an uploaded list", "enrolment", r.String(), "err", err)
		return catalog.UnitsFromListFail.In(pg.lang, r)
	case len(added) == 0:
		return ""
	}
	return catalog.UnitsFromList.In(pg.lang, len(added), len(added), r)
}

// guideLines are the template's user guides under their heading.
func (d *Dispatcher) guideLines(lang string) []string {
	lines := []string{catalog.WelcomeGuides.In(lang)}
	for _, g := range d.cfg.Template.Guides {
		lines = append(lines, catalog.WelcomeGuide.In(lang, g.Solution, g.URL))
	}
	return lines
}

// guides lists the user guides and how to reach KS økonomisupport, from
// the template; without them, that the KS lead (of wave ID, when named)
// hands them out.
func (d *Dispatcher) guides(ctx context.Context, in Input) (Reply, error) {
	t := d.cfg.Template
	r := Reply{Title: catalog.GuidesTitle.In(in.Lang)}
	lead := ""
	if len(in.Args) > 0 {
		w, err := d.wave(ctx, in.Args[0])
		if err != nil {
			return Reply{}, err
		}
		r.Title, lead = catalog.GuidesTitleWave.In(in.Lang, w.ID), mentions(in.Lang, w.Lead)
	}
	switch {
	case len(t.Guides) > 0:
		r.Lines = append(r.Lines, d.guideLines(in.Lang)...)
	case lead != "":
		r.Lines = append(r.Lines, catalog.GuidesByLead.In(in.Lang, lead))
	default:
		r.Lines = append(r.Lines, catalog.GuidesByAnyLead.In(in.Lang))
	}
	s := t.Support
	switch {
	case !s.IsZero():
		r.Lines = append(r.Lines, catalog.SupportHead.In(in.Lang))
		for _, item := range []struct {
			m     catalog.Message
			value string
		}{{catalog.SupportPhone, s.Phone}, {catalog.SupportEmail, s.Email}, {catalog.SupportWeb, s.URL}, {catalog.SupportHours, s.Hours(in.Lang)}} {
			if item.value != "" {
				r.Lines = append(r.Lines, item.m.In(in.Lang, item.value))
			}
		}
	case lead != "":
		r.Lines = append(r.Lines, catalog.SupportByLead.In(in.Lang, lead))
	default:
		r.Lines = append(r.Lines, catalog.SupportByAnyLead.In(in.Lang))
	}
	return r, nil
}

// mayDate refuses a person who may not date activity a of enrolment e
// (r): KS dates every activity in its planning, a contact of e the
// forvaltning's own; title names the activity.
func (d *Dispatcher) mayDate(lang string, me wave.Person, a *wave.Activity, e *wave.Enrolment, r ref, title string) error {
	switch {
	case me.IsKS():
		return nil
	case !speaksForFV(me, e):
		return forbid(catalog.NotAllowed, catalog.PermKSOrContactOf.In(lang, r.String()))
	case a.Responsible != wave.PartyFV:
		var own listArg
		for _, o := range e.Activities {
			if o.Responsible == wave.PartyFV {
				own = append(own, catalog.Quoted.In(lang, o.Title(lang)))
			}
		}
		return forbid(catalog.DueOnlyFVOwn, title, own)
	}
	return nil
}

// dateNotice tells the other side, in its next digest, of the date due
// that in's person set for the forvaltning's own activity key of
// enrolment e: the KS lead of a contact's date, the contacts of KS's. A
// date told of the same activity that has not gone out yet is replaced:
// the other side hears of the last.
func (d *Dispatcher) dateNotice(w *wave.Wave, in Input, e *wave.Enrolment, key string, due wave.Date) {
	a, err := e.Activity(key)
	if err != nil || a.Responsible != wave.PartyFV {
		return
	}
	w.Notices = slices.DeleteFunc(w.Notices, func(n wave.Notice) bool {
		return n.Kind == wave.NoticeDateSet && n.FV == e.FV && n.Item == key && n.At.After(w.Reminded)
	})
	w.AddNotice(wave.Notice{Kind: wave.NoticeDateSet, FV: e.FV, Item: key, Date: due, By: in.Me.ID, At: d.digestAt(w, in.Now), Happened: in.Now,
		To: dateHearers(in, *w, *e)})
}

// dateHearers are who hear of a date in's person set for the
// forvaltning's own activity of enrolment e: its contacts when KS set
// it, the wave's KS lead when a contact did.
func dateHearers(in Input, w wave.Wave, e wave.Enrolment) []string {
	switch {
	case in.Me.IsKS():
		return slices.Clone(e.Contacts)
	case e.HasContact(in.Me.ID) && w.Lead != "":
		return []string{w.Lead}
	}
	return nil
}

// dateTold says who hears of a date in's person set for the forvaltning's
// activity of enrolment e; empty when nobody does.
func dateTold(in Input, w wave.Wave, e wave.Enrolment, key string) string {
	a, err := e.Activity(key)
	switch {
	case err != nil || a.Responsible != wave.PartyFV || len(dateHearers(in, w, e)) == 0:
		return ""
	case in.Me.IsKS():
		return catalog.DueTellContacts.In(in.Lang)
	}
	return catalog.DueTellLead.In(in.Lang, mentions(in.Lang, w.Lead))
}

// withMeetings adds to s, enrolment e's section of a status, how many of
// its units have had an information meeting by today, when it knows any.
func withMeetings(lang string, e wave.Enrolment, today wave.Date, s Section) Section {
	if f, ok := meetingsField(lang, e, today); ok {
		s.Fields = append(s.Fields, f)
	}
	return s
}

// needsWave reports whether a reminder's text reads the wave's state: a
// date told to the other side, and go-live, which names the units
// without an information meeting.
func needsWave(r notify.Reminder) bool {
	return r.Kind == notify.DateSet ||
		((r.Kind == notify.ActivitySoon || r.Kind == notify.ActivityOverdue) && r.Activity == golive)
}

// dateSetText tells of a date set for the forvaltning's activity titled
// title: to its contacts, that KS set it; to the KS lead, which contact
// did.
func dateSetText(lang string, r notify.Reminder, w *wave.Wave, title string) string {
	ref := subjectRef(r)
	if e, err := w.Enrolment(r.FV); err == nil && e.HasContact(r.Recipient) {
		return catalog.RemindDateByKS.In(lang, ref, mentions(lang, r.By), title, day(lang, r.Due))
	}
	return catalog.RemindDateByFV.In(lang, ref, mentions(lang, r.By), title, day(lang, r.Due))
}

// unitsWithoutMeeting names, after a reminder of go-live, the units of
// its enrolment that have had no information meeting by the reminder's
// day, those with none planned first; empty when there are none or none
// are known.
func (d *Dispatcher) unitsWithoutMeeting(lang string, r notify.Reminder, w *wave.Wave) string {
	e, err := w.Enrolment(r.FV)
	if err != nil {
		return ""
	}
	missing := unheld(*e, d.cfg.Calendar.Today(r.At))
	if len(missing) == 0 {
		return ""
	}
	return " " + catalog.RemindGoLiveUnits.In(lang, someUnits(lang, missing))
}

// unheld are enrolment e's units that have had no information meeting
// by today, those with none planned first.
func unheld(e wave.Enrolment, today wave.Date) []string {
	_, planned, missing := e.UnitsInformed(today)
	return append(missing, planned...)
}

// reportMeetings are enrolment e's information meetings for the
// close-out report as of today, with how many units it knows and how
// many had a meeting.
func reportMeetings(e wave.Enrolment, today wave.Date) (meetings []closeout.Meeting, units, held int) {
	for _, m := range e.Meetings {
		meetings = append(meetings, closeout.Meeting{Date: m.Date, Held: m.Held(today), Units: slices.Clone(m.Units), By: mentions(catalog.Danish, m.By)})
	}
	had, _, _ := e.UnitsInformed(today)
	return meetings, len(e.Units), len(had)
}

// uninformed notes, when the information meeting is marked done, the
// units of enrolment e that have had no meeting by now; none when every
// unit has.
func (d *Dispatcher) uninformed(lang string, e wave.Enrolment, now time.Time) []string {
	missing := unheld(e, d.cfg.Calendar.Today(now))
	if len(missing) == 0 {
		return nil
	}
	return []string{catalog.InfoDoneMissing.In(lang, len(missing), len(missing), someUnits(lang, missing))}
}
