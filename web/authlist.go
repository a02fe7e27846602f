package web

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"hash/fnv"
	"html"
	"html/template"
	"io"
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

// listQuery is how the list is filtered and sorted: by the page's own
// form without JavaScript, in place with it.
type listQuery struct {
	Q      string
	Status string // "", "open", "ok", "fix"
	Sort   string // "user", "name", "unit", "current", "status"
	Desc   bool
}

func readQuery(u *url.URL) listQuery {
	v := u.Query()
	q := listQuery{Q: strings.TrimSpace(v.Get("q")), Status: v.Get("status"), Sort: v.Get("sort"), Desc: v.Get("desc") == "1"}
	if !slices.Contains([]string{"", "open", "ok", "fix"}, q.Status) {
		q.Status = ""
	}
	if !slices.Contains([]string{"user", "name", "unit", "current", "status"}, q.Sort) {
		q.Sort = ""
	}
	if len(q.Q) > 100 {
		q.Q = q.Q[:100]
	}
	return q
}

// Encode is the query as it goes after a form's address.
func (q listQuery) Encode() string {
	v := url.Values{}
	for k, s := range map[string]string{"q": q.Q, "status": q.Status, "sort": q.Sort} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if q.Desc {
		v.Set("desc", "1")
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// SortBy is the query sorting by key, the other way round when it
// already sorts by key.
func (q listQuery) SortBy(key string) string {
	n := q
	n.Desc = q.Sort == key && !q.Desc
	n.Sort = key
	return n.Encode()
}

// match reports whether row r passes the filter.
func (q listQuery) match(r wave.AuthRow) bool {
	switch q.Status {
	case "open":
		if r.Decision != wave.DecisionOpen {
			return false
		}
	case "ok", "fix":
		if string(r.Decision) != q.Status {
			return false
		}
	}
	if q.Q == "" {
		return true
	}
	needle := strings.ToLower(q.Q)
	for _, f := range []string{r.User, r.Name, r.Unit, r.Current, r.Wanted, r.Note} {
		if strings.Contains(strings.ToLower(f), needle) {
			return true
		}
	}
	return false
}

// listRow is a row as the page shows it: flat, as templates read struct
// fields fastest, with Seen, the version and fingerprint of what the form
// shows, so a post tells which rows the person changed.
type listRow struct {
	ID                                               int
	User, Name, Unit, Current, Wanted, Note, Decided string
	Decision                                         wave.Decision
	Seen                                             string
	Applied                                          bool
}

// showRow is r as the page shows it; seen is what its form field sends back.
func showRow(r wave.AuthRow, seen string) listRow {
	return listRow{ID: r.ID, User: r.User, Name: r.Name, Unit: r.Unit, Current: r.Current, Wanted: r.Wanted, Note: r.Note,
		Decided: r.DecidedBy, Decision: r.Decision, Seen: strconv.FormatInt(r.Version, 10) + "." + seen, Applied: r.Applied}
}

// fingerprint is a short hash of a row's editable fields as shown.
func fingerprint(fields ...string) string {
	h := fnv.New32a()
	for _, f := range fields {
		io.WriteString(h, f)
		h.Write([]byte{0})
	}
	return strconv.FormatUint(uint64(h.Sum32()), 36)
}

func rowPrint(r wave.AuthRow) string { return fingerprint(string(r.Decision), r.Wanted, r.Note) }

// listPage is the data of the authorization list page.
type listPage struct {
	base
	V     commands.AuthListView
	Query listQuery
	Rows  []listRow
	// Changes are the rows to fix, for KS.
	Changes                       []listRow
	Open, OK, Fix, Applied, Total int
	// Request says where the enrolment's authorization request stands.
	Request string
	// LabelOK and LabelFix name the decisions in every row's select.
	LabelOK, LabelFix string
	// WantedOptions are what the wanted authorization offers to pick.
	WantedOptions []string
}

// listPage shows enrolment's list to the visit's person, with outcome on
// top.
func (s *Server) listPage(w http.ResponseWriter, r *http.Request, v visit, outcome commands.Reply) {
	view, err := s.core.AuthListView(r.Context(), v.link.Person, v.link.Wave, v.link.FV)
	if err != nil {
		s.refused(w, v, err)
		return
	}
	v.lang = view.Lang
	p := listPage{base: s.base(v, catalog.ListTitle.In(view.Lang, v.link.Wave+"/"+v.link.FV), outcome), V: view, Query: readQuery(r.URL)}
	p.Open, p.OK, p.Fix, p.Applied = view.List.Counts()
	p.Total = len(view.List.Rows)
	switch a := view.Enrolment.Auth; {
	case a == nil:
		p.Request = catalog.PageRequestNone.In(view.Lang)
	case a.State == wave.AuthRequested:
		p.Request = catalog.PageRequestOpen.In(view.Lang, catalog.Date(view.Lang, a.Due.Year, a.Due.Month, a.Due.Day))
	case a.State == wave.AuthAnswered:
		p.Request = catalog.PageRequestAnswered.In(view.Lang)
	default:
		p.Request = catalog.PageRequestApplied.In(view.Lang)
	}
	p.LabelOK, p.LabelFix = catalog.PageDecisionOK.In(view.Lang), catalog.PageDecisionFix.In(view.Lang)
	for _, row := range view.List.Rows {
		if p.Query.match(row) {
			p.Rows = append(p.Rows, showRow(row, rowPrint(row)))
		}
		if row.Decision == wave.DecisionFix {
			p.Changes = append(p.Changes, showRow(row, strconv.FormatBool(row.Applied)))
		}
	}
	sortRows(p.Rows, p.Query)
	if view.MayDecide {
		p.WantedOptions = wantedOptions(view.Lang, view.List.Rows)
	}
	s.render(w, "authlist.html", statusOf(outcome), &p)
}

// wantedOptions are the authorizations a contact may pick as a user's
// wanted one, in lang: the roles of the authorization template first,
// then every authorization the list holds, current or already wanted, in
// the order the table sorts text; each once, whatever its case.
func wantedOptions(lang string, rows []wave.AuthRow) []string {
	seen := map[string]bool{}
	first := func(s string) bool {
		key := strings.ToLower(s)
		if s == "" || seen[key] {
			return false
		}
		seen[key] = true
		return true
	}
	var roles, found []string
	for _, r := range roleOptions(lang) {
		if first(r.Label) {
			roles = append(roles, r.Label)
		}
	}
	for _, r := range rows {
		for _, a := range []string{strings.TrimSpace(r.Current), strings.TrimSpace(r.Wanted)} {
			if first(a) {
				found = append(found, a)
			}
		}
	}
	slices.SortFunc(found, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return append(roles, found...)
}

// RowsHTML is the table's rows. Two thousand rows through html/template
// take a tenth of a second of reflection; written here they take a few
// milliseconds. Every value is escaped for HTML, and every attribute is
// quoted.
func (p *listPage) RowsHTML() template.HTML {
	var b strings.Builder
	b.Grow(len(p.Rows) * 700)
	esc := html.EscapeString
	for _, r := range p.Rows {
		id := strconv.Itoa(r.ID)
		b.WriteString(`<tr data-status="` + esc(string(r.Decision)) + `">`)
		if !p.V.MayDecide {
			b.WriteString(`<th scope="row">` + esc(r.User) + `</th><td>` + esc(r.Name) + `</td><td>` + esc(r.Unit) + `</td><td>` + esc(r.Current) +
				`</td><td>` + esc(p.DecisionText(r.Decision)) + `</td><td>` + esc(r.Wanted) + `</td><td>` + esc(r.Note) + "</td></tr>\n")
			continue
		}
		ok, fix := "", ""
		switch r.Decision {
		case wave.DecisionOK:
			ok = " selected"
		case wave.DecisionFix:
			fix = " selected"
		}
		b.WriteString(`<td class="select"><input type="checkbox" id="s` + id + `" name="s` + id + `" value="1" aria-labelledby="sl u` + id + `">` +
			`<input type="hidden" name="v` + id + `" value="` + esc(r.Seen) + `"></td>` +
			`<th scope="row" id="u` + id + `">` + esc(r.User) + `</th><td>` + esc(r.Name) + `</td><td>` + esc(r.Unit) + `</td><td>` + esc(r.Current) + `</td>` +
			`<td><select name="d` + id + `" aria-labelledby="dl u` + id + `"><option value="">–</option>` +
			`<option value="ok"` + ok + `>` + esc(p.LabelOK) + `</option><option value="fix"` + fix + `>` + esc(p.LabelFix) + `</option></select></td>` +
			`<td><input name="w` + id + `" value="` + esc(r.Wanted) + `" maxlength="200" list="wanted-options" autocomplete="off" aria-labelledby="wl u` + id + `"></td>` +
			`<td><input name="n` + id + `" value="` + esc(r.Note) + `" maxlength="500" aria-labelledby="nl u` + id + `"></td></tr>` + "\n")
	}
	return template.HTML(b.String())
}

// statusOrder sorts open rows first, then those to fix, then ok ones.
var statusOrder = map[wave.Decision]int{wave.DecisionOpen: 0, wave.DecisionFix: 1, wave.DecisionOK: 2}

func sortRows(rows []listRow, q listQuery) {
	key := func(r listRow) string {
		switch q.Sort {
		case "user":
			return r.User
		case "name":
			return strings.ToLower(r.Name)
		case "unit":
			return r.Unit
		case "current":
			return strings.ToLower(r.Current)
		}
		return ""
	}
	slices.SortStableFunc(rows, func(a, b listRow) int {
		c := 0
		if q.Sort == "status" {
			c = statusOrder[a.Decision] - statusOrder[b.Decision]
		} else if q.Sort != "" {
			c = strings.Compare(key(a), key(b))
		}
		c = cmp.Or(c, a.ID-b.ID)
		if q.Desc {
			return -c
		}
		return c
	})
}

// errBadField is a form field a page could not have sent.
var errBadField = errors.New("web: bad form field")

// rowIDs returns the ids of the rows a form carries, from its fields
// named prefix+id, in order.
func rowIDs(form url.Values, prefix string) ([]int, error) {
	var ids []int
	for k := range form {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		id, err := strconv.Atoi(rest)
		if err != nil || id <= 0 {
			return nil, errBadField
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, nil
}

// seen reads a "version.fingerprint" field.
func seen(s string) (int64, string, error) {
	v, print, ok := strings.Cut(s, ".")
	n, err := strconv.ParseInt(v, 10, 64)
	if !ok || err != nil || n < 0 {
		return 0, "", errBadField
	}
	return n, print, nil
}

// rowEdits reads the rows a person changed on the list page: rows whose
// fields differ from what the page showed, and with action "bulk" the
// selected rows, which get the bulk decision.
func rowEdits(form url.Values, bulk bool) ([]wave.RowEdit, error) {
	ids, err := rowIDs(form, "v")
	if err != nil {
		return nil, err
	}
	bulkDecision, ok := wave.ParseDecision(form.Get("bulk"))
	if !ok {
		return nil, errBadField
	}
	bulkWanted := strings.TrimSpace(form.Get("bulkwanted"))
	var edits []wave.RowEdit
	for _, id := range ids {
		n := strconv.Itoa(id)
		version, print, err := seen(form.Get("v" + n))
		if err != nil {
			return nil, err
		}
		d, ok := wave.ParseDecision(form.Get("d" + n))
		if !ok {
			return nil, errBadField
		}
		e := wave.RowEdit{ID: id, Seen: version, Decision: d, Wanted: form.Get("w" + n), Note: form.Get("n" + n)}
		selected := bulk && form.Get("s"+n) != ""
		if !selected && fingerprint(string(e.Decision), e.Wanted, e.Note) == print {
			continue
		}
		if selected {
			e.Decision = bulkDecision
			if strings.TrimSpace(e.Wanted) == "" {
				e.Wanted = bulkWanted
			}
		}
		edits = append(edits, e)
	}
	return edits, nil
}

// listPost runs an action of the list page and shows the page again with
// what it said.
func (s *Server) listPost(w http.ResponseWriter, r *http.Request, v visit, action string) {
	ctx, person, waveID, fv := r.Context(), v.link.Person, v.link.Wave, v.link.FV
	round, _ := strconv.Atoi(r.PostFormValue("round"))
	var outcome commands.Reply
	switch action {
	case "upload":
		outcome = s.upload(r, v)
	case "save":
		do := r.PostFormValue("do")
		edits, err := rowEdits(r.PostForm, do == "bulk")
		if err != nil {
			s.fail(w, r, v.lang, http.StatusBadRequest, catalog.PageBadForm)
			return
		}
		if len(edits) > 0 || do != "submit" {
			outcome = s.core.SaveAuthRows(ctx, person, waveID, fv, round, edits)
		}
		// A save that could not keep every change stops a submission:
		// the person sees what changed first.
		if do == "submit" && !outcome.Refused && len(outcome.Lines) <= 1 {
			submitted := s.core.SubmitAuthList(ctx, person, waveID, fv, round)
			submitted.Lines = append(outcome.Lines, submitted.Lines...)
			outcome = submitted
		}
	case "apply":
		edits, err := appliedEdits(r.PostForm)
		if err != nil {
			s.fail(w, r, v.lang, http.StatusBadRequest, catalog.PageBadForm)
			return
		}
		outcome = s.core.ApplyAuthRows(ctx, person, waveID, fv, round, edits)
	default:
		s.fail(w, r, v.lang, http.StatusNotFound, catalog.PageNotFound)
		return
	}
	s.listPage(w, r, v, outcome)
}

// appliedEdits reads KS's marks on corrections: "a"+id is checked when
// applied, "av"+id is "version.applied" as the page showed it.
func appliedEdits(form url.Values) ([]wave.AppliedEdit, error) {
	ids, err := rowIDs(form, "av")
	if err != nil {
		return nil, err
	}
	var edits []wave.AppliedEdit
	for _, id := range ids {
		n := strconv.Itoa(id)
		version, was, err := seen(form.Get("av" + n))
		if err != nil {
			return nil, err
		}
		applied := form.Get("a"+n) != ""
		if strconv.FormatBool(applied) != was {
			edits = append(edits, wave.AppliedEdit{ID: id, Seen: version, Applied: applied})
		}
	}
	return edits, nil
}

// upload reads the file of an upload form and hands its table to the
// dispatcher; a file that is no readable table is refused here.
func (s *Server) upload(r *http.Request, v visit) commands.Reply {
	data, name, err := formFile(r, "file")
	if err != nil {
		return commands.Reply{Refused: true, Lines: []string{catalog.PageNoFile.In(v.lang)}}
	}
	table, err := sheet.Read(data)
	if err != nil {
		return commands.Reply{Refused: true, Lines: []string{sheetError(v.lang, err)}}
	}
	if row, col, c, bad := unsafeCell(table); bad {
		return commands.Reply{Refused: true, Lines: []string{catalog.UnsafeCell.In(v.lang, row, col, wave.RuneCode(c))}}
	}
	return s.core.UploadAuthList(r.Context(), v.link.Person, v.link.Wave, v.link.FV, name, table)
}

// formFile reads an uploaded file of a parsed multipart form.
func formFile(r *http.Request, field string) ([]byte, string, error) {
	f, h, err := r.FormFile(field)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, sheet.MaxUpload+1))
	if err != nil {
		return nil, "", err
	}
	name := h.Filename
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if len(name) > 100 {
		name = name[:100]
	}
	return data, name, nil
}

// sheetError says why a file is no readable table, in lang.
func sheetError(lang string, err error) string {
	line := 0
	var le *sheet.LineError
	if errors.As(err, &le) {
		line = le.Line
	}
	switch {
	case errors.Is(err, sheet.ErrTooBig):
		return catalog.FileTooBig.In(lang, sheet.MaxUpload>>20)
	case errors.Is(err, sheet.ErrBomb):
		return catalog.FileBomb.In(lang)
	case errors.Is(err, sheet.ErrOldExcel):
		return catalog.FileOldExcel.In(lang)
	case errors.Is(err, sheet.ErrEncoding):
		return catalog.FileEncoding.In(lang, line)
	case errors.Is(err, sheet.ErrBadCSV):
		return catalog.FileBadCSV.In(lang, line)
	case errors.Is(err, sheet.ErrTooMany):
		return catalog.FileTooMany.In(lang, sheet.MaxRows-1, sheet.MaxColumns)
	}
	return catalog.FileUnreadable.In(lang)
}

// listExport sends KS the corrections of a submitted list as CSV or XLSX.
func (s *Server) listExport(w http.ResponseWriter, r *http.Request, v visit, xlsx bool) {
	view, err := s.core.AuthListView(r.Context(), v.link.Person, v.link.Wave, v.link.FV)
	if err != nil {
		s.refused(w, v, err)
		return
	}
	if !view.MayExport {
		s.fail(w, r, view.Lang, http.StatusForbidden, catalog.PageNoExport)
		return
	}
	lang, ref := view.Lang, v.link.Wave+"/"+v.link.FV
	t := sheet.Table{
		Sheet: catalog.ExportChangesSheet.In(lang),
		Title: []string{catalog.ExportChangesTitle.In(lang, ref, view.Wave.Name),
			catalog.ExportSubmitted.In(lang, view.List.SubmittedBy, view.List.SubmittedAt.Format("2006-01-02 15:04"))},
		Header: []string{catalog.PageColUser.In(lang), catalog.PageColName.In(lang), catalog.PageColUnit.In(lang), catalog.PageColCurrent.In(lang),
			catalog.PageColWanted.In(lang), catalog.PageColNote.In(lang), catalog.PageColDecidedBy.In(lang), catalog.PageColApplied.In(lang)},
	}
	for _, row := range view.List.Rows {
		if row.Decision != wave.DecisionFix {
			continue
		}
		applied := catalog.No.In(lang)
		if row.Applied {
			applied = catalog.Yes.In(lang)
		}
		t.Rows = append(t.Rows, []any{row.User, row.Name, row.Unit, row.Current, row.Wanted, row.Note, row.DecidedBy, applied})
	}
	download(w, fmt.Sprintf("rettelser-%s-%s", v.link.Wave, v.link.FV), t, xlsx, s)
}

// download sends table t as name.csv or name.xlsx.
func download(w http.ResponseWriter, name string, t sheet.Table, xlsx bool, s *Server) {
	var b bytes.Buffer
	var err error
	if xlsx {
		err = sheet.WriteXLSX(&b, t)
		name += ".xlsx"
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	} else {
		err = sheet.WriteCSV(&b, t)
		name += ".csv"
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	}
	if err != nil {
		s.log.Error("write download", "file", name, "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q; filename*=UTF-8''%s", asciiName(name), url.PathEscape(name)))
	w.Write(b.Bytes())
}

// asciiName is a file name with only ASCII letters, digits, '-' and '.'.
func asciiName(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x80 && (r == '-' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return r
		}
		return '_'
	}, s)
}
