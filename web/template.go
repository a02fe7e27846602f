package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"wavebot/commands"
	"wavebot/internal/catalog"
	"wavebot/internal/sheet"
	"wavebot/wave"
)

// newRows is how many empty rows the template page offers for new users.
const newRows = 5

// templateRow is a row of the template as the page shows it: its
// fields' fingerprint, and the problems that name it.
type templateRow struct {
	wave.TemplateRow
	Print    string
	Problems []string
	// Warned is set when the row has a warning, so the page asks for a
	// reason to accept it.
	Warned bool
}

func templatePrint(r wave.TemplateRow) string {
	return fingerprint(r.Unit, r.User, r.Name, r.Role, r.Level, r.Amount, r.Accept)
}

// templatePage is the data of the template page.
type templatePage struct {
	base
	V commands.TemplateView
	// Unit is the org.nr. the page shows the rows of; empty for all.
	Unit     string
	Rows     []templateRow
	New      []int
	Problems []problemLine
	Blocking int
	Steps    []stepLine
	Roles    []roleOption
}

// problemLine is a problem of the template as the page lists it, with
// the row it links to.
type problemLine struct {
	Text    string
	Row     int
	Warning bool
}

// stepLine is a step of the workflow track.
type stepLine struct {
	Title string
	Done  bool
	By    string
}

// roleOption is one of the three roles, for the role selects.
type roleOption struct {
	Key, Label string
}

var roleLabels = map[wave.WorkflowRole]catalog.Message{
	wave.RoleAttestant: catalog.RoleAttestantLabel, wave.RoleGodkender: catalog.RoleGodkenderLabel, wave.RoleDispatcher: catalog.RoleDispatcherLabel,
}

func roleOptions(lang string) []roleOption {
	var out []roleOption
	for _, r := range wave.WorkflowRoles {
		out = append(out, roleOption{Key: string(r), Label: roleLabels[r].In(lang)})
	}
	return out
}

// templatePage shows the template, the problems that name each row, and
// the workflow track.
func (s *Server) templatePage(w http.ResponseWriter, r *http.Request, v visit, outcome commands.Reply) {
	view, err := s.core.TemplateView(r.Context(), v.link.Person, v.link.FV)
	if err != nil {
		s.refused(w, v, err)
		return
	}
	v.lang = view.Lang
	p := templatePage{base: s.base(v, catalog.TemplateTitle.In(view.Lang, view.FV), outcome), V: view, Roles: roleOptions(view.Lang)}
	if u := r.URL.Query().Get("unit"); u != "" {
		if _, ok := view.Template.Decisions.Unit(u); ok {
			p.Unit = u
		}
	}
	byRow := map[int][]string{}
	warned := map[int]bool{}
	for _, pr := range view.Problems {
		text := commands.ProblemText(view.Lang, pr)
		p.Problems = append(p.Problems, problemLine{Text: text, Row: pr.Row, Warning: pr.Warning})
		if !pr.Warning || !pr.Accepted {
			p.Blocking++
		}
		ids := pr.Rows
		if len(ids) == 0 && pr.Row > 0 {
			ids = []int{pr.Row}
		}
		for _, id := range ids {
			byRow[id] = append(byRow[id], text)
			warned[id] = warned[id] || pr.Warning
		}
	}
	for _, row := range view.Template.Rows {
		if p.Unit == "" || row.Unit == p.Unit {
			p.Rows = append(p.Rows, templateRow{TemplateRow: row, Print: templatePrint(row), Problems: byRow[row.ID], Warned: warned[row.ID] || row.Accept != ""})
		}
	}
	if view.MayEdit {
		for i := range newRows {
			p.New = append(p.New, i)
		}
	}
	for _, st := range view.Workflow {
		p.Steps = append(p.Steps, stepLine{Title: st.Title(view.Lang), Done: st.Done, By: st.DoneBy})
	}
	s.render(w, "template.html", statusOf(outcome), &p)
}

// templateEdits reads the rows a unit changed or added on the template
// page: existing rows by "tv"+id ("version.fingerprint"), new ones by
// "nu"+i.
func templateEdits(form url.Values) ([]wave.TemplateEdit, error) {
	ids, err := rowIDs(form, "tv")
	if err != nil {
		return nil, err
	}
	field := func(prefix, n string) string { return form.Get(prefix + n) }
	var edits []wave.TemplateEdit
	for _, id := range ids {
		n := strconv.Itoa(id)
		version, print, err := seen(form.Get("tv" + n))
		if err != nil {
			return nil, err
		}
		e := wave.TemplateEdit{ID: id, Seen: version, Unit: field("tu", n), User: field("ti", n), Name: field("tn", n), Role: field("tr", n),
			Level: field("tl", n), Amount: field("ta", n), Accept: field("tx", n), Delete: form.Get("td"+n) != ""}
		if !e.Delete && fingerprint(e.Unit, e.User, e.Name, e.Role, e.Level, e.Amount, e.Accept) == print {
			continue
		}
		edits = append(edits, e)
	}
	for i := range newRows {
		n := strconv.Itoa(i)
		e := wave.TemplateEdit{Unit: field("nu", n), User: field("ni", n), Name: field("nn", n), Role: field("nr", n),
			Level: field("nl", n), Amount: field("na", n)}
		if e.User != "" || e.Name != "" || e.Role != "" || e.Level != "" || e.Amount != "" {
			edits = append(edits, e)
		}
	}
	return edits, nil
}

// templatePost saves the template's rows and, when asked, delivers it.
func (s *Server) templatePost(w http.ResponseWriter, r *http.Request, v visit, action string) {
	ctx, person, fv := r.Context(), v.link.Person, v.link.FV
	var outcome commands.Reply
	switch action {
	case "save":
		edits, err := templateEdits(r.PostForm)
		if err != nil {
			s.fail(w, r, v.lang, http.StatusBadRequest, catalog.PageBadForm)
			return
		}
		deliver := r.PostFormValue("do") == "deliver"
		if len(edits) > 0 || !deliver {
			outcome = s.core.SaveTemplateRows(ctx, person, fv, edits)
		}
		if deliver && !outcome.Refused && len(outcome.Lines) <= 1 {
			delivered := s.core.DeliverTemplate(ctx, person, fv)
			delivered.Lines = append(outcome.Lines, delivered.Lines...)
			outcome = delivered
		}
	case "complete":
		outcome = s.core.CompleteDecisions(ctx, person, fv)
	default:
		s.fail(w, r, v.lang, http.StatusNotFound, catalog.PageNotFound)
		return
	}
	s.templatePage(w, r, v, outcome)
}

// decisionsPage is the data of the central decisions' page.
type decisionsPage struct {
	base
	V      commands.TemplateView
	Roles  []roleDecision
	Levels []wave.Level
	// Units is the hierarchy as the text area shows it: one unit a line.
	Units string
}

// roleDecision is one role with what the decisions say about it.
type roleDecision struct {
	Key, Label, Responsibility string
}

// decisionsPage shows the central decisions; entered are the decisions
// as a refused form sent them, shown again so nothing typed is lost.
func (s *Server) decisionsPage(w http.ResponseWriter, r *http.Request, v visit, outcome commands.Reply, entered *wave.Decisions) {
	view, err := s.core.TemplateView(r.Context(), v.link.Person, v.link.FV)
	if err != nil {
		s.refused(w, v, err)
		return
	}
	v.lang = view.Lang
	d := view.Template.Decisions
	if entered != nil {
		d = *entered
	}
	p := decisionsPage{base: s.base(v, catalog.DecisionsTitle.In(view.Lang, view.FV), outcome), V: view, Levels: d.Levels, Units: unitsText(d.Units)}
	for _, role := range wave.WorkflowRoles {
		p.Roles = append(p.Roles, roleDecision{Key: string(role), Label: roleLabels[role].In(view.Lang), Responsibility: d.Responsibility(role)})
	}
	for range 3 {
		p.Levels = append(p.Levels, wave.Level{})
	}
	s.render(w, "decisions.html", statusOf(outcome), &p)
}

// unitsText writes a hierarchy as the text area holds it:
// "org.nr.;name;parent org.nr." a line.
func unitsText(units []wave.OrgUnit) string {
	var b strings.Builder
	for _, u := range units {
		fmt.Fprintf(&b, "%s;%s;%s\n", u.Number, u.Name, u.Parent)
	}
	return b.String()
}

// decisionsFromForm reads the decisions form: a responsibility per role,
// levels as name and limit ("lname"+i, "llimit"+i), the hierarchy from
// the text area. A limit that is no amount is kept as -1, which the
// decisions' rules refuse.
func decisionsFromForm(form url.Values) wave.Decisions {
	var d wave.Decisions
	for _, role := range wave.WorkflowRoles {
		if text := strings.TrimSpace(form.Get("role-" + string(role))); text != "" {
			d.Roles = append(d.Roles, wave.RoleDecision{Role: role, Responsibility: text})
		}
	}
	for i := 0; i < 200; i++ {
		n := strconv.Itoa(i)
		if !form.Has("lname" + n) {
			break
		}
		name, limit := strings.TrimSpace(form.Get("lname"+n)), strings.TrimSpace(form.Get("llimit"+n))
		if name == "" && limit == "" {
			continue
		}
		amount, ok := wave.ParseAmount(limit)
		if !ok {
			amount = -1
		}
		d.Levels = append(d.Levels, wave.Level{Name: name, Limit: amount})
	}
	for line := range strings.Lines(form.Get("units")) {
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.FieldsFunc(line, func(r rune) bool { return r == ';' || r == '\t' })
		for len(f) < 3 {
			f = append(f, "")
		}
		d.Units = append(d.Units, wave.OrgUnit{Number: strings.TrimSpace(f[0]), Name: strings.TrimSpace(f[1]), Parent: strings.TrimSpace(f[2])})
	}
	return d
}

// decisionsPost saves the central decisions; a hierarchy file, when one
// was sent, takes the place of the text area.
func (s *Server) decisionsPost(w http.ResponseWriter, r *http.Request, v visit) {
	d := decisionsFromForm(r.PostForm)
	var units [][]string
	if r.MultipartForm != nil && len(r.MultipartForm.File["unitsfile"]) > 0 && r.MultipartForm.File["unitsfile"][0].Size > 0 {
		data, _, err := formFile(r, "unitsfile")
		if err == nil {
			units, err = sheet.Read(data)
		}
		if err != nil {
			s.decisionsPage(w, r, v, commands.Reply{Refused: true, Lines: []string{sheetError(v.lang, err)}}, &d)
			return
		}
		if row, col, c, bad := unsafeCell(units); bad {
			line := catalog.UnsafeCell.In(v.lang, row, col, wave.RuneCode(c))
			s.decisionsPage(w, r, v, commands.Reply{Refused: true, Lines: []string{line}}, &d)
			return
		}
	}
	outcome := s.core.SaveDecisions(r.Context(), v.link.Person, v.link.FV, d, units)
	if outcome.Refused {
		s.decisionsPage(w, r, v, outcome, &d)
		return
	}
	s.decisionsPage(w, r, v, outcome, nil)
}

// templateExport sends the delivered template in the layout
// Brugeradministrationen reads: a title block naming the forvaltning and
// the delivery, then one row per user, unit and role, in Danish.
func (s *Server) templateExport(w http.ResponseWriter, r *http.Request, v visit, xlsx bool) {
	view, err := s.core.TemplateView(r.Context(), v.link.Person, v.link.FV)
	if err != nil {
		s.refused(w, v, err)
		return
	}
	if !view.MayExport {
		s.fail(w, r, view.Lang, http.StatusForbidden, catalog.PageNoExport)
		return
	}
	da := catalog.Danish
	tp := view.Template
	t := sheet.Table{
		Sheet: catalog.ExportTemplateSheet.In(da),
		Title: []string{catalog.ExportTemplateTitle.In(da), catalog.ExportFV.In(da, view.FV),
			catalog.ExportDelivered.In(da, tp.DeliveredBy, tp.DeliveredAt.Format("2006-01-02 15:04"))},
		Header: []string{catalog.PageColOrgNr.In(da), catalog.PageColUnitName.In(da), catalog.PageColUser.In(da), catalog.PageColName.In(da), catalog.PageColRole.In(da),
			catalog.PageColLevel.In(da), catalog.PageColAmount.In(da), catalog.PageColAccept.In(da)},
	}
	rows := slices.Clone(tp.Rows)
	slices.SortStableFunc(rows, func(a, b wave.TemplateRow) int { return strings.Compare(a.Unit, b.Unit) })
	for _, row := range rows {
		unit, _ := tp.Decisions.Unit(row.Unit)
		var amount any = row.Amount
		if n, ok := wave.ParseAmount(row.Amount); ok {
			amount = n
		}
		role := row.Role
		if rr, ok := wave.ParseWorkflowRole(row.Role); ok {
			role = roleLabels[rr].In(da)
		}
		t.Rows = append(t.Rows, []any{row.Unit, unit.Name, row.User, row.Name, role, row.Level, amount, row.Accept})
	}
	download(w, "autorisationsskabelon-"+view.FV, t, xlsx, s)
}
