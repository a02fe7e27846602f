// Package web serves the pages chat links to: an enrolment's authorization
// list, reviewed row by row, and a forvaltning's central decisions and
// authorization template for KØR workflow. It is an adapter like the chat
// ones: every read and change goes through the command language's
// dispatcher, which checks who may do what and writes the audit trail;
// this package only speaks HTTP and HTML.
//
// A page is reached by a signed link (package pagelink) that names the
// person it was made for; whoever opens it acts as that person until it
// expires. The pages are server-rendered and work without JavaScript; a
// small script filters, sorts and selects rows in place and posts only
// the rows that changed. Every form carries a token bound to its link,
// and cross-origin posts are refused.
package web

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"wavebot/commands"
	"wavebot/internal/catalog"
	"wavebot/internal/pagelink"
	"wavebot/wave"
)

// core is what the pages need of the dispatcher.
type core interface {
	Lang(ctx context.Context, person string) string
	Refusal(lang string, err error) commands.Reply
	AuthListView(ctx context.Context, person, waveID, fv string) (commands.AuthListView, error)
	UploadAuthList(ctx context.Context, person, waveID, fv, fileName string, table [][]string) commands.Reply
	SaveAuthRows(ctx context.Context, person, waveID, fv string, round int, edits []wave.RowEdit) commands.Reply
	SubmitAuthList(ctx context.Context, person, waveID, fv string, round int) commands.Reply
	ApplyAuthRows(ctx context.Context, person, waveID, fv string, round int, edits []wave.AppliedEdit) commands.Reply
	TemplateView(ctx context.Context, person, fv string) (commands.TemplateView, error)
	TimelineImage(ctx context.Context, person, waveID string) ([]byte, error)
	CalendarFeed(ctx context.Context, token string) ([]byte, error)
	SaveDecisions(ctx context.Context, person, fv string, d wave.Decisions, unitsFile [][]string) commands.Reply
	CompleteDecisions(ctx context.Context, person, fv string) commands.Reply
	SaveTemplateRows(ctx context.Context, person, fv string, edits []wave.TemplateEdit) commands.Reply
	DeliverTemplate(ctx context.Context, person, fv string) commands.Reply
}

var _ core = (*commands.Dispatcher)(nil)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Server serves the pages.
type Server struct {
	core   core
	links  *pagelink.Signer
	pages  *template.Template
	static http.Handler
	log    *slog.Logger
}

// New returns the pages of the dispatcher d, reached by links of signer.
func New(d core, signer *pagelink.Signer, logger *slog.Logger) *Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	sub, _ := fs.Sub(staticFiles, "static")
	return &Server{
		core: d, links: signer, log: logger,
		pages:  template.Must(template.New("").Funcs(funcs).ParseFS(templateFiles, "templates/*.html")),
		static: http.FileServerFS(sub),
	}
}

// Limits of what a page accepts.
const (
	// maxForm bounds a form without a file: two thousand rows of a list
	// with every field filled in.
	maxForm = 2 << 20
	// maxUpload bounds a form with a file: the file and a little more.
	maxUpload = 4<<20 + 64<<10
)

// Routes registers the pages on mux.
func (s *Server) Routes(mux *http.ServeMux) {
	protect := http.NewCrossOriginProtection()
	protect.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, "", http.StatusForbidden, catalog.PageFormRefused)
	}))
	mux.Handle("GET "+pagelink.Prefix+"{token}", secure(http.HandlerFunc(s.serveGet)))
	mux.Handle("GET "+pagelink.Prefix+"{token}/{file}", secure(http.HandlerFunc(s.serveGet)))
	mux.Handle("POST "+pagelink.Prefix+"{token}/{action}", secure(protect.Handler(http.HandlerFunc(s.servePost))))
	mux.Handle("GET /static/", http.StripPrefix("/static", cached(s.static)))
	mux.Handle("GET "+pagelink.CalendarPrefix+"{file}", secure(http.HandlerFunc(s.serveCalendar)))
}

// secure sets the headers every page carries: nothing from elsewhere
// runs or frames it, no address leaks to another site, and nothing is
// cached (the pages hold people's data).
func secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

func cached(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		h.ServeHTTP(w, r)
	})
}

// visit is one request to a page: its link, verified, and the person's
// language.
type visit struct {
	token string
	link  pagelink.Link
	lang  string
}

// open verifies the request's link. A link that is not genuine, or has
// expired, is answered here.
func (s *Server) open(w http.ResponseWriter, r *http.Request) (visit, bool) {
	v := visit{token: r.PathValue("token")}
	l, err := s.links.Verify(v.token)
	switch {
	case errors.Is(err, pagelink.ErrExpired):
		lang := s.core.Lang(r.Context(), l.Person)
		command := "auth list " + l.Wave + "/" + l.FV
		switch l.Kind {
		case pagelink.Template:
			command = "workflow " + l.FV + " template"
		case pagelink.Timeline:
			command = "timeline " + l.Wave
		}
		s.fail(w, r, lang, http.StatusGone, catalog.PageLinkExpired, command)
		return v, false
	case err != nil:
		s.fail(w, r, "", http.StatusNotFound, catalog.PageLinkInvalid)
		return v, false
	}
	v.link, v.lang = l, s.core.Lang(r.Context(), l.Person)
	return v, true
}

func (s *Server) serveGet(w http.ResponseWriter, r *http.Request) {
	v, ok := s.open(w, r)
	if !ok {
		return
	}
	file := r.PathValue("file")
	switch {
	case v.link.Kind == pagelink.AuthList && file == "":
		s.listPage(w, r, v, commands.Reply{})
	case v.link.Kind == pagelink.AuthList && (file == "rettelser.csv" || file == "rettelser.xlsx"):
		s.listExport(w, r, v, strings.HasSuffix(file, ".xlsx"))
	case v.link.Kind == pagelink.Template && file == "":
		s.templatePage(w, r, v, commands.Reply{})
	case v.link.Kind == pagelink.Template && file == "beslutninger":
		s.decisionsPage(w, r, v, commands.Reply{}, nil)
	case v.link.Kind == pagelink.Template && (file == "skabelon.csv" || file == "skabelon.xlsx"):
		s.templateExport(w, r, v, strings.HasSuffix(file, ".xlsx"))
	case v.link.Kind == pagelink.Timeline && file == "":
		s.timeline(w, r, v)
	default:
		s.fail(w, r, v.lang, http.StatusNotFound, catalog.PageNotFound)
	}
}

func (s *Server) servePost(w http.ResponseWriter, r *http.Request) {
	v, ok := s.open(w, r)
	if !ok {
		return
	}
	action := r.PathValue("action")
	limit := int64(maxForm)
	if action == "upload" || action == "decisions" {
		limit = maxUpload
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(limit)
	} else {
		err = r.ParseForm()
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		s.fail(w, r, v.lang, http.StatusRequestEntityTooLarge, catalog.PageTooBig, limit>>20)
		return
	case err != nil:
		s.fail(w, r, v.lang, http.StatusBadRequest, catalog.PageBadForm)
		return
	case !s.links.CheckForm(v.token, r.PostFormValue("csrf")):
		s.fail(w, r, v.lang, http.StatusForbidden, catalog.PageFormRefused)
		return
	}
	if c, bad := unsafeField(r.PostForm); bad {
		s.fail(w, r, v.lang, http.StatusUnprocessableEntity, catalog.UnsafeText, wave.RuneCode(c))
		return
	}
	switch {
	case v.link.Kind == pagelink.AuthList:
		s.listPost(w, r, v, action)
	case action == "decisions":
		s.decisionsPost(w, r, v)
	default:
		s.templatePost(w, r, v, action)
	}
}

// multiline reports whether a form field is a text area, whose value
// is lines: the responsibilities of the decisions' roles, the units.
func multiline(field string) bool { return field == "units" || strings.HasPrefix(field, "role-") }

// unsafeField finds a character in form that cannot be shown safely
// (wave.UnsafeRune: the rule of every text people write), after turning
// the line breaks a browser sends from a text area (CR LF) into line
// feeds, which only a text area may hold.
func unsafeField(form map[string][]string) (rune, bool) {
	for field, values := range form {
		lines := multiline(field)
		for i, v := range values {
			if lines {
				v = strings.ReplaceAll(v, "\r\n", "\n")
				values[i] = v
			}
			if c, bad := wave.UnsafeRune(v, lines); bad {
				return c, true
			}
		}
	}
	return 0, false
}

// unsafeCell finds a cell of an uploaded table holding a character that
// cannot be shown safely, by its row and column counted from 1.
func unsafeCell(table [][]string) (row, col int, c rune, bad bool) {
	for i, cells := range table {
		for j, cell := range cells {
			if c, bad := wave.UnsafeRune(cell, false); bad {
				return i + 1, j + 1, c, true
			}
		}
	}
	return 0, 0, 0, false
}

// base is what every page's frame shows.
type base struct {
	Lang  string
	Title string
	// Home is the page's own address; forms post under it.
	Home string
	CSRF string
	// Static is where the style sheet and the script are.
	Static string
	// Outcome is what the last action said.
	Outcome commands.Reply
}

func (s *Server) base(v visit, title string, outcome commands.Reply) base {
	return base{Lang: v.lang, Title: title, Home: s.links.Base() + pagelink.Prefix + v.token, CSRF: s.links.FormToken(v.token),
		Static: s.links.Base() + "/static", Outcome: outcome}
}

// render writes page name with data; a refused outcome answers 422, so
// tools and tests see that nothing changed.
func (s *Server) render(w http.ResponseWriter, name string, status int, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	var b strings.Builder
	if err := s.pages.ExecuteTemplate(&b, name, data); err != nil {
		s.log.Error("render page", "page", name, "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(status)
	w.Write([]byte(b.String()))
}

func statusOf(r commands.Reply) int {
	if r.Refused {
		return http.StatusUnprocessableEntity
	}
	return http.StatusOK
}

// messagePage is a page that only says something: a link that does not
// work, a refusal.
type messagePage struct {
	base
	Lines []string
}

// fail answers with a page that says why, in lang.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, lang string, status int, m catalog.Message, args ...any) {
	if lang == "" {
		lang = s.core.Lang(r.Context(), "")
	}
	p := messagePage{base: base{Lang: lang, Title: catalog.PageErrorTitle.In(lang), Static: s.links.Base() + "/static"}, Lines: []string{m.In(lang, args...)}}
	s.render(w, "message.html", status, p)
}

// refused answers with the refusal of err, in the visit's language.
func (s *Server) refused(w http.ResponseWriter, v visit, err error) {
	reply := s.core.Refusal(v.lang, err)
	p := messagePage{base: base{Lang: v.lang, Title: catalog.PageErrorTitle.In(v.lang), Static: s.links.Base() + "/static"}, Lines: reply.Lines}
	s.render(w, "message.html", http.StatusForbidden, p)
}
