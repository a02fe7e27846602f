package commands

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"wavebot/internal/catalog"
	"wavebot/notify"
	"wavebot/wave"
)

// Overviews across waves for a KS lead with many: overview, auth pending
// and overdue. Each answers in one chat message for three waves of seven
// forvaltninger and pages beyond (paged), with a button to the next page.

// openWaves are the waves still under way: not closed.
func (d *Dispatcher) openWaves(ctx context.Context) ([]wave.Wave, error) {
	waves, err := d.waves(ctx)
	return slices.DeleteFunc(waves, func(w wave.Wave) bool { return !active(w) }), err
}

// shortDay writes a date briefly: "1. feb."; "–" for none.
func shortDay(lang string, d wave.Date) string {
	if d.IsZero() {
		return "–"
	}
	return catalog.ShortDate(lang, d.Year, d.Month, d.Day)
}

// urgency orders an enrolment in the overview: what is overdue, then the
// feedback past its date, then the nearest deadline.
type urgency struct {
	overdue  int
	authLate bool
	next     wave.Date
}

func (u urgency) compare(o urgency) int {
	switch {
	case u.overdue != o.overdue:
		return o.overdue - u.overdue
	case u.authLate != o.authLate:
		if u.authLate {
			return -1
		}
		return 1
	case u.next.IsZero() != o.next.IsZero():
		if u.next.IsZero() {
			return 1
		}
		return -1
	}
	return u.next.Compare(o.next)
}

// overview is every open wave × forvaltning, one line each: how far it
// has come, what is overdue, the authorization feedback and the next
// deadline; the most urgent wave first, the most urgent enrolment first
// within it.
func (d *Dispatcher) overview(ctx context.Context, in Input) (Reply, error) {
	n, err := pageArg(in.Args)
	if err != nil {
		return Reply{}, err
	}
	waves, err := d.openWaves(ctx)
	if err != nil {
		return Reply{}, err
	}
	today := d.cfg.Calendar.Today(in.Now)
	type line struct {
		u    urgency
		text string
	}
	type group struct {
		title string
		lines []line
	}
	var groups []group
	for _, w := range waves {
		g := group{title: catalog.WaveHeading.In(in.Lang, w.ID, w.Name, day(in.Lang, w.Start))}
		if _, ready := w.EvaluationsClosed(); ready {
			g.title += " – " + catalog.ReadyToClose.In(in.Lang)
		}
		for _, e := range w.Enrolments {
			next, _ := e.NextDeadline(today)
			overdue := len(d.overdueItems(in.Lang, e, today))
			u := urgency{overdue: overdue, authLate: authLate(e, today), next: next.Due}
			p := progress(in.Lang, e)
			counts := p.Text + ", " + catalog.OverdueCount.In(in.Lang, overdue, overdue)
			g.lines = append(g.lines, line{u, catalog.OverviewRow.In(in.Lang, e.FV, counts, authShort(in.Lang, e, today), nextShort(in.Lang, e, today))})
		}
		slices.SortStableFunc(g.lines, func(a, b line) int { return a.u.compare(b.u) })
		if len(g.lines) == 0 {
			g.lines = []line{{urgency{}, catalog.NoEnrolments.In(in.Lang, w.ID)}}
		}
		groups = append(groups, g)
	}
	slices.SortStableFunc(groups, func(a, b group) int { return a.lines[0].u.compare(b.lines[0].u) })
	var rows []row
	for _, g := range groups {
		for _, l := range g.lines {
			rows = append(rows, row{group: g.title, line: l.text})
		}
	}
	r, err := paged(in.Lang, catalog.OverviewTitle.In(in.Lang), rows, n, pageCommand("overview"))
	if err == nil && len(rows) == 0 {
		r.Lines = []string{catalog.NoActiveWaves.In(in.Lang)}
	}
	return r, err
}

// authLate reports whether the authorization feedback, or KS applying
// it, is past its date.
func authLate(e wave.Enrolment, today wave.Date) bool {
	switch a := e.Auth; {
	case a == nil:
		return false
	case a.State == wave.AuthRequested:
		return a.Due.Before(today)
	case a.State == wave.AuthAnswered:
		return !a.ApplyBy.IsZero() && a.ApplyBy.Before(today)
	}
	return false
}

// authShort is the state of the enrolment's authorization feedback in a
// few words.
func authShort(lang string, e wave.Enrolment, today wave.Date) string {
	a := e.Auth
	if act, err := e.Activity(wave.AuthActivity); err == nil && act.Status == wave.StatusSkipped {
		return catalog.AuthShortSkipped.In(lang)
	}
	switch {
	case a == nil:
		return catalog.AuthShortNone.In(lang)
	case a.State == wave.AuthRequested && a.Due.Before(today):
		return catalog.AuthShortOverdue.In(lang, shortDay(lang, a.Due))
	case a.State == wave.AuthRequested:
		return catalog.AuthShortWaiting.In(lang, shortDay(lang, a.Due))
	case a.State == wave.AuthAnswered && !a.ApplyBy.IsZero() && a.ApplyBy.Before(today):
		return catalog.AuthShortApplyLate.In(lang, shortDay(lang, a.ApplyBy))
	case a.State == wave.AuthAnswered:
		return catalog.AuthShortAnswered.In(lang, shortDay(lang, a.ApplyBy))
	}
	return catalog.AuthShortApplied.In(lang)
}

// nextShort is the enrolment's next deadline in a few words.
func nextShort(lang string, e wave.Enrolment, today wave.Date) string {
	next, ok := e.NextDeadline(today)
	switch {
	case !ok:
		return "–"
	case next.Apply:
		return catalog.NextShortApply.In(lang, shortDay(lang, next.Due))
	case next.Activity == nil:
		return catalog.NextShortAuth.In(lang, shortDay(lang, next.Due))
	}
	return catalog.NextShort.In(lang, shortDay(lang, next.Due), next.Activity.Title(lang))
}

// standing says how a deadline stands today: due today, in n business days,
// or overdue by n.
func (d *Dispatcher) standing(lang string, due, today wave.Date) string {
	n := d.cfg.Calendar.BusinessDaysBetween(today, due)
	switch {
	case due == today:
		return catalog.DueToday.In(lang)
	case due.Before(today):
		n = max(-n, 1)
		return catalog.OverdueBy.In(lang, n, n)
	}
	n = max(n, 1)
	return catalog.DueIn.In(lang, n, n)
}

// authPending lists the enrolments of open waves whose authorization
// feedback KS asked for and has not had: since when, by when, and who is
// to answer; the earliest deadline first. Those not asked yet are named
// last.
func (d *Dispatcher) authPending(ctx context.Context, in Input) (Reply, error) {
	n, err := pageArg(in.Args)
	if err != nil {
		return Reply{}, err
	}
	waves, err := d.openWaves(ctx)
	if err != nil {
		return Reply{}, err
	}
	today := d.cfg.Calendar.Today(in.Now)
	type pending struct {
		due  wave.Date
		line string
	}
	var items []pending
	var notAsked [][]string // by wave
	asked := false
	for _, w := range waves {
		var refs []string
		for _, e := range w.Enrolments {
			ref := w.ID + "/" + e.FV
			asked = asked || e.Auth != nil
			switch a := e.Auth; {
			case a == nil:
				if act, err := e.Activity(wave.AuthActivity); err == nil && !act.Status.Closed() {
					refs = append(refs, ref)
				}
			case a.State == wave.AuthRequested:
				asked := d.cfg.Calendar.Today(a.RequestedAt)
				items = append(items, pending{a.Due, catalog.AuthPendingRow.In(in.Lang, ref, shortDay(in.Lang, asked), shortDay(in.Lang, a.Due),
					d.standing(in.Lang, a.Due, today), contactsPhrase(in.Lang, e.Contacts))})
			}
		}
		if len(refs) > 0 {
			notAsked = append(notAsked, refs)
		}
	}
	slices.SortStableFunc(items, func(a, b pending) int { return a.due.Compare(b.due) })
	var rows []row
	for _, it := range items {
		rows = append(rows, row{line: it.line})
	}
	switch {
	case len(items) > 0:
	case asked:
		rows = []row{{line: catalog.AuthPendingNone.In(in.Lang)}}
	case len(notAsked) == 0:
		rows = []row{{line: catalog.AuthPendingNobody.In(in.Lang)}}
	}
	// Those not asked yet come last, a line a wave.
	for _, refs := range notAsked {
		rows = append(rows, row{line: catalog.AuthNotAsked.In(in.Lang, catalog.List(in.Lang, refs))})
	}
	return paged(in.Lang, catalog.AuthPendingTitle.In(in.Lang), rows, n, pageCommand("auth pending"))
}

// owed is one overdue thing, under who owes it.
type owed struct {
	owner string
	due   wave.Date
	line  string
}

// overdue lists everything overdue in open waves, or in forvaltning FV's
// enrolments, grouped by who owes it: the KS lead for KS's part, the
// contacts for the forvaltning's; the group with the oldest first, each
// group's oldest first.
func (d *Dispatcher) overdue(ctx context.Context, in Input) (Reply, error) {
	args, fv := in.Args, ""
	if len(args) > 0 {
		if _, isPage := pageNumber(args[0]); !isPage {
			code, err := d.forvaltning(args[0])
			if err != nil {
				return Reply{}, err
			}
			fv, args = code, args[1:]
		}
	}
	if len(args) > 1 {
		return Reply{}, refuse(catalog.TooManyArgs, typed(strings.Join(args[1:], " ")))
	}
	n, err := pageArg(args)
	if err != nil {
		return Reply{}, err
	}
	waves, err := d.openWaves(ctx)
	if err != nil {
		return Reply{}, err
	}
	today := d.cfg.Calendar.Today(in.Now)
	var items []owed
	for _, w := range waves {
		for _, e := range w.Enrolments {
			if fv == "" || e.FV == fv {
				items = append(items, d.owedIn(in.Lang, w, e, today)...)
			}
		}
	}
	tracks, err := d.owedOnTracks(ctx, in.Lang, waves, fv, today)
	if err != nil {
		return Reply{}, err
	}
	items = append(items, tracks...)
	// Groups in the order of their oldest item, items by date within.
	oldest := map[string]wave.Date{}
	for _, it := range items {
		if o, ok := oldest[it.owner]; !ok || it.due.Before(o) {
			oldest[it.owner] = it.due
		}
	}
	slices.SortStableFunc(items, func(a, b owed) int {
		return cmp.Or(oldest[a.owner].Compare(oldest[b.owner]), strings.Compare(a.owner, b.owner), a.due.Compare(b.due))
	})
	var rows []row
	for _, it := range items {
		rows = append(rows, row{group: it.owner, line: it.line})
	}
	title, command := catalog.OverdueTitle.In(in.Lang), "overdue"
	if fv != "" {
		title, command = catalog.OverdueTitleFV.In(in.Lang, fv), "overdue "+fv
	}
	r, err := paged(in.Lang, title, rows, n, pageCommand(command))
	if err == nil && len(rows) == 0 {
		r.Lines = []string{catalog.NothingOverdue.In(in.Lang)}
	}
	return r, err
}

// owedIn lists what is overdue in enrolment e, each under who owes it: an
// activity or KØR workflow step under each side that has not done its
// part, the feedback and the training decision under the contacts,
// applying the authorizations under the KS lead.
func (d *Dispatcher) owedIn(lang string, w wave.Wave, e wave.Enrolment, today wave.Date) []owed {
	ref := w.ID + "/" + e.FV
	lead := catalog.OwedByLead.In(lang, mentions(lang, w.Lead))
	if w.Lead == "" {
		lead = catalog.OwedNoLead.In(lang, w.ID)
	}
	contacts := catalog.OwedByContacts.In(lang, len(e.Contacts), mentions(lang, e.Contacts...))
	if len(e.Contacts) == 0 {
		contacts = catalog.OwedNoContact.In(lang, ref)
	}
	owners := func(sides []wave.Party) []string {
		var out []string
		for _, s := range sides {
			if s == wave.PartyKS {
				out = append(out, lead)
			} else {
				out = append(out, contacts)
			}
		}
		return out
	}
	late := func(due wave.Date) string {
		n := max(d.cfg.Calendar.BusinessDaysBetween(due, today), 1)
		return catalog.DaysOver.In(lang, n, n)
	}
	var out []owed
	add := func(to []string, due wave.Date, line string) {
		for _, o := range to {
			out = append(out, owed{o, due, line})
		}
	}
	for _, a := range e.Overdue(today) {
		switch {
		case a.Key == wave.TrainingActivity && e.TrainingUndecided():
			add([]string{contacts}, a.Due, catalog.OverdueTrainItem.In(lang, ref, shortDay(lang, a.Due), late(a.Due)))
		case a.Key == wave.AuthActivity && e.Auth != nil:
			// The feedback and applying it stand for the activity.
		case a.Key == wave.AuthActivity:
			add([]string{lead}, a.Due, catalog.OverdueItem.In(lang, ref, a.Title(lang), shortDay(lang, a.Due), late(a.Due)))
		default:
			add(owners(a.Waiting()), a.Due, catalog.OverdueItem.In(lang, ref, a.Title(lang), shortDay(lang, a.Due), late(a.Due)))
		}
	}
	switch a := e.Auth; {
	case a == nil:
	case a.State == wave.AuthRequested && a.Due.Before(today):
		add([]string{contacts}, a.Due, catalog.OverdueAuthItem.In(lang, ref, shortDay(lang, a.Due), late(a.Due)))
	case a.State == wave.AuthAnswered && !a.ApplyBy.IsZero() && a.ApplyBy.Before(today):
		add([]string{lead}, a.ApplyBy, catalog.OverdueApplyItem.In(lang, ref, shortDay(lang, a.ApplyBy), late(a.ApplyBy)))
	}
	return out
}

// owedOnTracks lists what is overdue on the forvaltninger's KØR workflow
// tracks (fv's only, when set), in a wave or not: a step under each side
// that has not done its part (the track's contacts; KS's part under who
// follows it, notify.TrackKS), a teaching session not marked held under KS.
func (d *Dispatcher) owedOnTracks(ctx context.Context, lang string, waves []wave.Wave, fv string, today wave.Date) ([]owed, error) {
	tracks, err := d.storedTracks(ctx)
	if err != nil {
		return nil, err
	}
	var out []owed
	for _, t := range tracks {
		code := t.FV
		if fv != "" && code != fv {
			continue
		}
		ks := catalog.OwedByLead.In(lang, mentions(lang, notify.TrackKS(waves, t)...))
		contacts := catalog.OwedByContacts.In(lang, len(t.Contacts), mentions(lang, t.Contacts...))
		if len(t.Contacts) == 0 {
			contacts = catalog.OwedNoContact.In(lang, trackName(lang, code))
		}
		late := func(due wave.Date) string {
			n := max(d.cfg.Calendar.BusinessDaysBetween(due, today), 1)
			return catalog.DaysOver.In(lang, n, n)
		}
		for _, s := range t.Steps {
			if s.Done || s.Due.IsZero() || !s.Due.Before(today) {
				continue
			}
			for _, side := range s.Waiting() {
				owner := contacts
				if side == wave.PartyKS {
					owner = ks
				}
				out = append(out, owed{owner, s.Due, catalog.OverdueStepItem.In(lang, code, s.Title(lang), shortDay(lang, s.Due), late(s.Due))})
			}
		}
		for _, session := range t.Teaching {
			if !session.Held && session.Date.Before(today) {
				out = append(out, owed{ks, session.Date, catalog.OverdueStepItem.In(lang, code, d.stepTitle(lang, wave.TeachingKey(session.Date)), shortDay(lang, session.Date), late(session.Date))})
			}
		}
	}
	return out, nil
}
