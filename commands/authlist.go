package commands

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"wavebot/internal/catalog"
	"wavebot/storage"
	"wavebot/wave"
)

// Links makes the signed links to the web pages, each for one person;
// pagelink.Signer is the implementation. Without it (no
// WAVEBOT_PUBLIC_URL) the commands that hand out links say the pages are
// not set up.
type Links interface {
	AuthList(person, waveID, fv string) string
	Template(person, fv string) string
	// Timeline is a link for person to the picture of wave waveID.
	Timeline(person, waveID string) string
	// Calendar is the address of the calendar feed whose token is token.
	Calendar(token string) string
	TTL() time.Duration
}

// Audit actions of the list pages.
const (
	actListUpload  = "authlist.upload"
	actListRow     = "authlist.row"
	actListSubmit  = "authlist.submit"
	actListApplied = "authlist.applied"
	actDecisions   = "template.decisions"
	actTemplateRow = "template.row"
	actTemplateOut = "template.deliver"
)

// The list pages' actions join the log's vocabulary.
func init() {
	maps.Copy(actionText, map[string]catalog.Message{
		actListUpload: catalog.ActListUpload, actListRow: catalog.ActListRow, actListSubmit: catalog.ActListSubmit,
		actListApplied: catalog.ActListApplied, actDecisions: catalog.ActDecisions, actTemplateRow: catalog.ActTemplateRow,
		actTemplateOut: catalog.ActTemplateDeliver,
	})
}

// links are the dispatcher's links, refusing when the pages are not set up.
func (d *Dispatcher) links() (Links, error) {
	if d.cfg.Links == nil {
		return nil, refuse(catalog.PagesOff)
	}
	return d.cfg.Links, nil
}

// authList is "auth list ID/FV": a button that opens the enrolment's
// authorization list, for KS and the forvaltning's contacts.
func (d *Dispatcher) authList(ctx context.Context, in Input) (Reply, error) {
	r, err := d.parseRef(in.Args[0])
	if err != nil {
		return Reply{}, err
	}
	links, err := d.links()
	if err != nil {
		return Reply{}, err
	}
	_, e, err := d.enrolment(ctx, r)
	if err != nil {
		return Reply{}, err
	}
	if !mayViewList(in.Me, e) {
		return Reply{}, forbid(catalog.NotAllowed, catalog.PermKSOrContactOf.In(in.Lang, r.String()))
	}
	l, err := d.cfg.Store.AuthList(ctx, r.wave, r.fv)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return Reply{}, err
	}
	reply := Reply{Title: catalog.ListTitle.In(in.Lang, r)}
	switch open, ok, fix, applied := l.Counts(); {
	case !l.Exists() && in.Me.IsKS():
		reply.Lines = append(reply.Lines, catalog.ListNoneKS.In(in.Lang))
	case !l.Exists():
		reply.Lines = append(reply.Lines, catalog.ListNone.In(in.Lang))
	case l.Submitted:
		reply.Lines = append(reply.Lines, catalog.ListSubmittedLine.In(in.Lang, len(l.Rows), ok, fix, applied))
	default:
		reply.Lines = append(reply.Lines, catalog.ListOpenLine.In(in.Lang, len(l.Rows), open, ok, fix))
	}
	reply.Lines = append(reply.Lines, catalog.LinkValid.In(in.Lang, int(links.TTL().Hours())))
	reply.Actions = []Action{{Label: catalog.ButtonOpenList.In(in.Lang), URL: links.AuthList(in.Me.ID, r.wave, r.fv)}}
	return reply, nil
}

// workflowTemplate is "workflow FV template": a button that opens the
// forvaltning's central decisions and authorization template.
func (d *Dispatcher) workflowTemplate(ctx context.Context, in Input, fv string) (Reply, error) {
	links, err := d.links()
	if err != nil {
		return Reply{}, err
	}
	if ok, err := d.mayFillTemplate(ctx, in.Me, fv); err != nil || !ok {
		return Reply{}, cmp.Or(err, forbid(catalog.NotAllowed, KSOrContact.who()))
	}
	t, err := d.cfg.Store.AuthTemplate(ctx, fv)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return Reply{}, err
	}
	reply := Reply{Title: catalog.TemplateTitle.In(in.Lang, fv)}
	switch problems := wave.Blocking(t.Validate()); {
	case t.Delivered:
		reply.Lines = append(reply.Lines, catalog.TemplateDeliveredLine.In(in.Lang, len(t.Rows), d.moment(in.Lang, t.DeliveredAt)))
	case len(t.Rows) == 0:
		reply.Lines = append(reply.Lines, catalog.TemplateEmptyLine.In(in.Lang))
	default:
		reply.Lines = append(reply.Lines, catalog.TemplateDraftLine.In(in.Lang, len(t.Rows), len(problems)))
	}
	reply.Lines = append(reply.Lines, catalog.LinkValid.In(in.Lang, int(links.TTL().Hours())))
	reply.Actions = []Action{{Label: catalog.ButtonOpenTemplate.In(in.Lang), URL: links.Template(in.Me.ID, fv)}}
	return reply, nil
}

// isTemplateWord reports whether word asks "workflow FV" for the template.
func isTemplateWord(word string) bool {
	switch strings.ToLower(word) {
	case "template", "skabelon":
		return true
	}
	return false
}

// mayViewList reports whether me may see enrolment e's list: KS, or a
// contact of the enrolment.
func mayViewList(me wave.Person, e *wave.Enrolment) bool {
	return me.IsKS() || e.HasContact(me.ID)
}

// mayDecideList reports whether me may give the forvaltning's verdict on
// rows: a contact of the enrolment, as for auth ok.
func mayDecideList(me wave.Person, e *wave.Enrolment) bool {
	return ContactOnly.allows(me, e)
}

// mayFillTemplate reports whether me may see and fill in forvaltning fv's
// authorization template: KS, a contact of its KØR workflow track (the
// central working group), or a contact of one of its enrolments. Only
// who may do the step delivers it (mayDeliver).
func (d *Dispatcher) mayFillTemplate(ctx context.Context, me wave.Person, fv string) (bool, error) {
	if me.IsKS() {
		return true, nil
	}
	fvs, err := d.trackContactOf(ctx, me.ID)
	if err != nil || slices.Contains(fvs, fv) {
		return err == nil, err
	}
	refs, err := d.contactOf(ctx, me.ID)
	return slices.ContainsFunc(refs, func(r string) bool { return strings.HasSuffix(r, "/"+fv) }), err
}

// page is what every page action starts from: the person the link was
// made for, in their language, and the time.
type page struct {
	me   wave.Person
	lang string
	now  time.Time
}

// pageOf loads the person of a link. A person wavebot does not know
// cannot have been given a link; the refusal says so.
func (d *Dispatcher) pageOf(ctx context.Context, person string) (page, error) {
	p, err := d.person(ctx, person)
	if errors.Is(err, storage.ErrNotFound) {
		return page{lang: d.cfg.Lang}, refuse(catalog.PageNotYours)
	}
	if err != nil {
		return page{lang: d.cfg.Lang}, fmt.Errorf("load %s: %w", person, err)
	}
	pg := page{me: p, lang: d.cfg.Lang, now: d.cfg.Clock.Now()}
	if p.Lang != "" {
		pg.lang = p.Lang
	}
	return pg, nil
}

// Refusal is a failure as the person reads it, in lang: the reason, or
// "something went wrong" for failures not meant for people (logged).
func (d *Dispatcher) Refusal(lang string, err error) Reply { return d.failure(lang, nil, err) }

// answer is what a page action says: its lines, or the refusal of err.
func (d *Dispatcher) answer(pg page, lines []string, err error) Reply {
	var same *unchangedError
	switch {
	case errors.As(err, &same):
		return Reply{Lines: []string{same.line}}
	case err != nil:
		return d.failure(pg.lang, nil, err)
	}
	return Reply{Lines: lines}
}

// runAs runs a command line as pg's person, exactly as if they had typed
// it: the same permission checks, domain rules and audit events as in
// chat. Pages use it for everything a chat command already does.
func (d *Dispatcher) runAs(ctx context.Context, pg page, text string) Reply {
	words := strings.Fields(text)
	cmd, consumed := d.resolve(words)
	if cmd == nil || cmd.Run == nil {
		return d.failure(pg.lang, nil, fmt.Errorf("page runs unknown command %q", words[0]))
	}
	reply, _ := d.run(ctx, cmd, pg.me, pg.lang, words, consumed, Request{Text: text})
	reply.Command = cmd.path
	return reply
}

// AuthListView is what the authorization list page shows its person.
type AuthListView struct {
	Lang string
	Me   wave.Person
	Wave wave.Wave
	// Enrolment is the enrolment whose list it is, with its request.
	Enrolment wave.Enrolment
	List      wave.AuthList
	// What the person may do now.
	MayUpload, MayDecide, MaySubmit, MayApply, MayExport bool
}

// AuthListView loads enrolment waveID/fv's list as person may see it.
func (d *Dispatcher) AuthListView(ctx context.Context, person, waveID, fv string) (AuthListView, error) {
	pg, err := d.pageOf(ctx, person)
	v := AuthListView{Lang: pg.lang, Me: pg.me}
	if err != nil {
		return v, err
	}
	w, e, err := d.enrolment(ctx, ref{wave: waveID, fv: fv})
	if err != nil {
		return v, err
	}
	if !mayViewList(pg.me, e) {
		return v, refuse(catalog.PageNotYours)
	}
	v.Wave, v.Enrolment = w, *e
	if v.List, err = d.cfg.Store.AuthList(ctx, waveID, fv); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return v, err
	}
	ks, contact := pg.me.IsKS(), mayDecideList(pg.me, e)
	requested := e.Auth != nil && e.Auth.State == wave.AuthRequested
	v.MayUpload = ks && v.List.Replaceable()
	v.MayDecide = contact && v.List.Exists() && !v.List.Submitted
	v.MaySubmit = v.MayDecide && requested
	v.MayApply = ks && v.List.Submitted && e.Auth != nil && e.Auth.State == wave.AuthAnswered
	v.MayExport = ks && v.List.Submitted
	return v, nil
}

// maxProblemLines bounds the problems a refused upload lists.
const maxProblemLines = 50

// UploadAuthList stores the list KS pulled from KØR for enrolment
// waveID/fv, read from a file's table (header row first). A file with
// any row that cannot be read is refused with one line per problem, and
// nothing is stored.
func (d *Dispatcher) UploadAuthList(ctx context.Context, person, waveID, fv, fileName string, table [][]string) Reply {
	pg, err := d.pageOf(ctx, person)
	if err != nil {
		return d.answer(pg, nil, err)
	}
	if !pg.me.IsKS() {
		return d.answer(pg, nil, refuse(catalog.NotAllowed, KSOnly.who()))
	}
	if _, _, err := d.enrolment(ctx, ref{wave: waveID, fv: fv}); err != nil {
		return d.answer(pg, nil, err)
	}
	rows, ignored, problems := wave.ReadAuthList(table)
	if len(problems) > 0 {
		r := Reply{Refused: true, Lines: []string{catalog.FileRefused.In(pg.lang, len(problems), len(problems))}}
		for i, p := range problems {
			if i == maxProblemLines {
				r.Lines = append(r.Lines, catalog.MoreProblems.In(pg.lang, len(problems)-i))
				break
			}
			r.Lines = append(r.Lines, ImportProblemText(pg.lang, p))
		}
		return r
	}
	_, err = d.cfg.Store.UpdateAuthList(ctx, waveID, fv, func(l *wave.AuthList) ([]wave.Event, error) {
		if err := l.Replace(rows, fileName, pg.me.ID, pg.now); err != nil {
			return nil, refuse(catalog.ListInUse, l.Decided())
		}
		return []wave.Event{{At: pg.now, Actor: pg.me.ID, Wave: waveID, FV: fv, Action: actListUpload,
			After: fmt.Sprintf("%s: %d", fileName, len(rows))}}, nil
	})
	if err != nil {
		return d.answer(pg, nil, err)
	}
	lines := []string{catalog.ListUploaded.In(pg.lang, len(rows), len(rows))}
	if len(ignored) > 0 {
		lines = append(lines, catalog.ColumnsIgnored.In(pg.lang, catalog.List(pg.lang, ignored)))
	}
	if units := d.unitsFromList(ctx, pg, waveID, fv, rows); units != "" {
		lines = append(lines, units)
	}
	return d.answer(pg, lines, nil)
}

// ImportProblemText says what is wrong with a file, in lang.
func ImportProblemText(lang string, p wave.ImportProblem) string {
	var line string
	switch p.Kind {
	case wave.ImportNoRows:
		return catalog.ImportNoRows.In(lang)
	case wave.ImportMissingColumn:
		return catalog.ImportMissingColumn.In(lang, p.Value)
	case wave.ImportDoubleColumn:
		return catalog.ImportDoubleColumn.In(lang, p.Value)
	case wave.ImportTooManyRows:
		return catalog.ImportTooManyRows.In(lang, p.Value)
	case wave.ImportNoUser:
		line = catalog.ImportNoUser.In(lang)
	case wave.ImportBadUser:
		line = catalog.ImportBadUser.In(lang, p.Value)
	case wave.ImportDuplicate:
		line = catalog.ImportDuplicate.In(lang, p.Value, p.Other)
	case wave.ImportTooLong:
		line = catalog.ImportTooLong.In(lang, p.Value, wave.MaxRowText)
	case wave.ImportNoValue:
		line = catalog.ImportNoValue.In(lang, p.Value)
	case wave.ImportUnknownParent:
		line = catalog.ImportUnknownParent.In(lang, p.Value)
	case wave.ImportCycle:
		line = catalog.ImportCycle.In(lang)
	default:
		line = catalog.ImportBadNumber.In(lang, p.Value)
	}
	return catalog.OnLine.In(lang, p.Line, line)
}

// SaveAuthRows saves the forvaltning's verdicts on rows of the list of
// round round: rows changed by someone else since the page showed them
// keep that change and are named.
func (d *Dispatcher) SaveAuthRows(ctx context.Context, person, waveID, fv string, round int, edits []wave.RowEdit) Reply {
	pg, err := d.pageOf(ctx, person)
	if err != nil {
		return d.answer(pg, nil, err)
	}
	_, e, err := d.enrolment(ctx, ref{wave: waveID, fv: fv})
	if err != nil {
		return d.answer(pg, nil, err)
	}
	if !mayDecideList(pg.me, e) {
		return d.answer(pg, nil, refuse(catalog.NotAllowed, catalog.PermContactOf.In(pg.lang, fv)))
	}
	var saved []wave.RowChange
	var problems []wave.RowProblem
	_, err = d.cfg.Store.UpdateAuthList(ctx, waveID, fv, func(l *wave.AuthList) ([]wave.Event, error) {
		if err := listRound(l, round); err != nil {
			return nil, err
		}
		var err error
		saved, problems, err = l.Decide(edits, pg.me.ID, pg.now)
		if err != nil {
			return nil, listError(err)
		}
		if len(saved) == 0 {
			return nil, nil
		}
		// One entry for the save, with its counts: a page of 200 rows is
		// one change.
		var n [3]int
		for _, c := range saved {
			n[slices.Index([]wave.Decision{wave.DecisionOK, wave.DecisionFix, wave.DecisionOpen}, c.After)]++
		}
		return []wave.Event{{At: pg.now, Actor: pg.me.ID, Wave: waveID, FV: fv, Action: actListRow,
			After: fmt.Sprintf("%s%d/%d/%d", rowCounts, n[0], n[1], n[2])}}, nil
	})
	if err != nil {
		return d.answer(pg, nil, err)
	}
	lines := []string{catalog.RowsSaved.In(pg.lang, len(saved), len(saved))}
	return Reply{Lines: append(lines, problemLines(pg.lang, problems)...), Refused: len(saved) == 0 && len(problems) > 0}
}

// rowCounts starts the value of a log entry that counts rows, where
// entries from before named one row each ("BUF1014: ok").
const rowCounts = "rows:"

// listRound refuses a page that shows an earlier round of the list.
func listRound(l *wave.AuthList, round int) error {
	if !l.Exists() {
		return refuse(catalog.ListMissing)
	}
	if l.Round != round {
		return refuse(catalog.ListReplaced)
	}
	return nil
}

// listError turns a domain refusal of the list into one for people.
func listError(err error) error {
	switch {
	case errors.Is(err, wave.ErrListClosed):
		return refuse(catalog.ListClosed)
	case errors.Is(err, wave.ErrListNotFound):
		return refuse(catalog.ListMissing)
	case errors.Is(err, wave.ErrRowsOpen):
		return refuse(catalog.ListRowsOpen)
	case errors.Is(err, wave.ErrNotSubmitted):
		return refuse(catalog.ListNotSubmitted)
	}
	return err
}

// problemLines names the rows an edit could not change.
func problemLines(lang string, problems []wave.RowProblem) []string {
	var out []string
	for _, p := range problems {
		switch p.Kind {
		case wave.ProblemConflict:
			out = append(out, catalog.RowConflict.In(lang, p.User, mentions(lang, p.By)))
		case wave.ProblemNoWanted:
			out = append(out, catalog.RowNoWanted.In(lang, p.User))
		case wave.ProblemTooLong:
			out = append(out, catalog.RowTooLong.In(lang, p.User, wave.MaxRowText, wave.MaxRowNote))
		default:
			out = append(out, catalog.RowUnknown.In(lang, p.ID))
		}
	}
	return out
}

// SubmitAuthList sends the forvaltning's verdicts to KS: the list is
// closed, and the enrolment's authorization request is answered as the
// chat commands answer it, auth ok when every row is ok, else auth fix
// with the number of corrections. The KS lead is told.
func (d *Dispatcher) SubmitAuthList(ctx context.Context, person, waveID, fv string, round int) Reply {
	pg, err := d.pageOf(ctx, person)
	if err != nil {
		return d.answer(pg, nil, err)
	}
	r := ref{wave: waveID, fv: fv}
	_, e, err := d.enrolment(ctx, r)
	if err != nil {
		return d.answer(pg, nil, err)
	}
	if !mayDecideList(pg.me, e) {
		return d.answer(pg, nil, refuse(catalog.NotAllowed, catalog.PermContactOf.In(pg.lang, fv)))
	}
	if e.Auth == nil || e.Auth.State != wave.AuthRequested {
		return d.answer(pg, nil, refuse(catalog.AuthNotRequested, r))
	}
	// Closing the list first means no row changes under the answer: a
	// save that comes after is refused, one that came before is counted.
	var allOK bool
	var fixes, total int
	_, err = d.cfg.Store.UpdateAuthList(ctx, waveID, fv, func(l *wave.AuthList) ([]wave.Event, error) {
		if err := listRound(l, round); err != nil {
			return nil, err
		}
		var err error
		if allOK, err = l.Submit(pg.me.ID, pg.now); err != nil {
			return nil, listError(err)
		}
		_, _, fixes, _ = l.Counts()
		total = len(l.Rows)
		return []wave.Event{{At: pg.now, Actor: pg.me.ID, Wave: waveID, FV: fv, Action: actListSubmit, After: fmt.Sprintf("%d/%d", fixes, total)}}, nil
	})
	if err != nil {
		return d.answer(pg, nil, err)
	}
	text := "auth ok " + r.String()
	if !allOK {
		text = "auth fix " + r.String() + " " + catalog.ListFixNote.In(pg.lang, fixes, total)
	}
	// The answer tells the KS lead at once (the auth-answered notice), with
	// a button to this list.
	answer := d.runAs(ctx, pg, text)
	if answer.Refused {
		// The request did not take the answer: the list opens again.
		_, err := d.cfg.Store.UpdateAuthList(ctx, waveID, fv, func(l *wave.AuthList) ([]wave.Event, error) {
			l.Reopen()
			return nil, nil
		})
		if err != nil {
			d.cfg.Logger.Error("reopen a list whose answer was refused", "list", r.String(), "err", err)
		}
		return answer
	}
	return answer
}

// ApplyAuthRows records which corrections KS has made in KØR; when every
// correction of the list is applied, the authorization request is marked
// applied as "auth applied" does. With no edits it only does the latter,
// for a list without corrections.
func (d *Dispatcher) ApplyAuthRows(ctx context.Context, person, waveID, fv string, round int, edits []wave.AppliedEdit) Reply {
	pg, err := d.pageOf(ctx, person)
	if err != nil {
		return d.answer(pg, nil, err)
	}
	if !pg.me.IsKS() {
		return d.answer(pg, nil, refuse(catalog.NotAllowed, KSOnly.who()))
	}
	var changed []wave.RowChange
	var problems []wave.RowProblem
	l, err := d.cfg.Store.UpdateAuthList(ctx, waveID, fv, func(l *wave.AuthList) ([]wave.Event, error) {
		if err := listRound(l, round); err != nil {
			return nil, err
		}
		var err error
		if changed, problems, err = l.MarkApplied(edits, pg.me.ID, pg.now); err != nil {
			return nil, listError(err)
		}
		if len(changed) == 0 {
			return nil, nil
		}
		applied := 0
		for _, c := range changed {
			if r, _ := l.Row(c.ID); r.Applied {
				applied++
			}
		}
		return []wave.Event{{At: pg.now, Actor: pg.me.ID, Wave: waveID, FV: fv, Action: actListApplied,
			After: fmt.Sprintf("%s%d/%d", rowCounts, applied, len(changed)-applied)}}, nil
	})
	if err != nil {
		return d.answer(pg, nil, err)
	}
	reply := Reply{Lines: problemLines(pg.lang, problems)}
	if len(changed) > 0 {
		reply.Lines = append([]string{catalog.AppliedSaved.In(pg.lang, len(changed), len(changed))}, reply.Lines...)
	}
	if !l.AllApplied() {
		return reply
	}
	applied := d.runAs(ctx, pg, "auth applied "+ref{wave: waveID, fv: fv}.String())
	applied.Lines = append(reply.Lines, applied.Lines...)
	return applied
}
