package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"wavebot/commands"
	"wavebot/internal/clock"
	"wavebot/internal/pagelink"
	"wavebot/notify"
	"wavebot/storage"
	"wavebot/storage/bolt"
	"wavebot/wave"
)

// world is wavebot with its pages on a local server: a bolt store, the
// dispatcher, the signer of links on the server's address, and a wave b3
// with BUF and SUF enrolled, maria the contact of b3/BUF and jens of
// b3/SUF, anna (admin) its KS lead, and feedback requested from BUF.
type world struct {
	t      testing.TB
	clock  *clock.Fake
	store  storage.Store
	cmds   *commands.Dispatcher
	links  *pagelink.Signer
	srv    *httptest.Server
	policy notify.Policy
}

const secret = "the secret of the web tests' links, long enough"

// start is 20 January 2027, 10:00 in Copenhagen.
var start = time.Date(2027, 1, 20, 9, 0, 0, 0, time.UTC)

func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{t: t, clock: clock.NewFake(start)}
	cph := wave.Copenhagen()
	w.policy = notify.DefaultPolicy(cph)
	store, err := bolt.Open(t.TempDir(), w.policy)
	if err != nil {
		t.Fatal(err)
	}
	store.Clock = w.clock
	t.Cleanup(func() { store.Close() })
	w.store = store
	mux := http.NewServeMux()
	w.srv = httptest.NewServer(mux)
	t.Cleanup(w.srv.Close)
	if w.links, err = pagelink.New(w.srv.URL, secret, w.clock); err != nil {
		t.Fatal(err)
	}
	w.cmds, err = commands.New(commands.Config{Store: store, Clock: w.clock, Calendar: cph, Template: wave.DefaultTemplate(),
		Forvaltninger: wave.DefaultForvaltninger, Admins: []string{"anna"}, Policy: w.policy, Lang: "da", Links: w.links})
	if err != nil {
		t.Fatal(err)
	}
	New(w.cmds, w.links, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))).Routes(mux)
	for _, line := range []string{
		"anna: wave create b3 2027-03-01 Bølge 3", "anna: wave enroll b3 BUF SUF", "anna: contact b3/BUF @maria", "anna: workflow BUF contact @maria", "anna: contact b3/SUF @jens",
		"anna: role @bo ks", "anna: auth request b3/BUF 2027-02-15",
	} {
		w.do(line)
	}
	return w
}

// do runs "person: command" and fails the test on a refusal.
func (w *world) do(line string) commands.Reply {
	w.t.Helper()
	who, text, _ := strings.Cut(line, ": ")
	r := w.cmds.Handle(context.Background(), commands.Request{Caller: commands.Caller{ID: who}, Text: text})
	if r.Refused {
		w.t.Fatalf("%s: refused: %v", line, r.Lines)
	}
	return r
}

// link runs "person: command" and returns the link its button opens.
func (w *world) link(line string) string {
	w.t.Helper()
	r := w.do(line)
	for _, a := range r.Actions {
		if a.URL != "" {
			return a.URL
		}
	}
	w.t.Fatalf("%s: no link in %+v", line, r)
	return ""
}

// token is the token of a page's link.
func token(t testing.TB, link string) string {
	t.Helper()
	i := strings.Index(link, pagelink.Prefix)
	if i < 0 {
		t.Fatalf("%s is no page link", link)
	}
	return link[i+len(pagelink.Prefix):]
}

// get fetches a page and returns its status and body.
func get(t testing.TB, u string) (int, string) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// post sends a form to action under link, with the link's form token
// unless form sets csrf itself.
func (w *world) post(link, action string, form url.Values) (int, string) {
	w.t.Helper()
	if !form.Has("csrf") {
		form.Set("csrf", w.links.FormToken(token(w.t, link)))
	}
	res, err := http.PostForm(link+"/"+action, form)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// upload sends a file as the list page's upload form does.
func (w *world) upload(link, field, name string, data []byte, extra url.Values) (int, string) {
	w.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", w.links.FormToken(token(w.t, link)))
	for k, vs := range extra {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(data)
	mw.Close()
	action := "upload"
	if field == "unitsfile" {
		action = "decisions"
	}
	res, err := http.Post(link+"/"+action, mw.FormDataContentType(), &body)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// list loads b3/BUF's authorization list.
func (w *world) list() wave.AuthList {
	w.t.Helper()
	l, err := w.store.AuthList(context.Background(), "b3", "BUF")
	if err != nil {
		w.t.Fatal(err)
	}
	return l
}

// enrolment loads b3/BUF.
func (w *world) enrolment() wave.Enrolment {
	w.t.Helper()
	wv, err := w.store.Wave(context.Background(), "b3")
	if err != nil {
		w.t.Fatal(err)
	}
	e, err := wv.Enrolment("BUF")
	if err != nil {
		w.t.Fatal(err)
	}
	return *e
}

// koerList is a list from KØR with n users, in Danish Excel's CSV.
func koerList(n int) []byte {
	var b strings.Builder
	b.WriteString("BrugerID;Navn;Org.nr.;Autorisation\r\n")
	for i := 1; i <= n; i++ {
		b.WriteString("BU" + strconv.Itoa(i) + ";Bruger " + strconv.Itoa(i) + ";1200;Indkøber\r\n")
	}
	return []byte(b.String())
}

func wantIn(t testing.TB, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(body, p) {
			t.Errorf("page lacks %q", p)
		}
	}
}
