package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"wavebot/internal/pagelink"
)

// FuzzPages sends the pages' endpoints whatever comes: any method, any
// path under a real link or none, any body as a form or as multipart.
// Nothing may panic or fail inside (5xx), and without the form token
// nothing changes.
func FuzzPages(f *testing.F) {
	w := newWorld(f)
	w.upload(w.link("anna: auth list b3/BUF"), "file", "koer.csv", koerList(3), nil)
	maria := token(f, w.link("maria: auth list b3/BUF"))
	tpl := token(f, w.link("maria: workflow BUF template"))
	handler := w.srv.Config.Handler
	for _, seed := range []struct {
		method, path, ctype, body string
	}{
		{"GET", "", "", ""},
		{"GET", "?q=BU&status=fix&sort=status&desc=1", "", ""},
		{"POST", "/save", "application/x-www-form-urlencoded", "do=bulk&bulk=fix&s1=1&v1=1.x&d1=ok&round=1"},
		{"POST", "/save", "application/x-www-form-urlencoded", "do=submit&v1=x.y&d1=%ff&round=abc"},
		{"POST", "/apply", "application/x-www-form-urlencoded", "av1=1.false&a1=1&round=1"},
		{"POST", "/upload", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nBrugerID;Autorisation\r\n--x--\r\n"},
		{"GET", "/rettelser.xlsx", "", ""},
		{"POST", "/save", "application/x-www-form-urlencoded", strings.Repeat("v1=1.x&", 20000)},
		{"T", "/beslutninger", "", ""},
		{"T", "/decisions", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"llimit0\"\r\n\r\n-1\r\n--x--"},
		{"T", "/save", "application/x-www-form-urlencoded", "do=deliver&tv1=1.x&nu0=1200&ni0=AB12&nr0=attestant"},
		{"X", "/../../etc", "", ""},
	} {
		f.Add(seed.method, seed.path, seed.ctype, seed.body)
	}
	before := w.list().Version
	f.Fuzz(func(t *testing.T, method, path, ctype, body string) {
		tok := maria
		if method == "T" {
			method, tok = "POST", tpl
		}
		target := pagelink.Prefix + tok + path
		if strings.HasPrefix(path, "!") {
			target = pagelink.Prefix + path[1:]
		}
		if !validMethod(method) {
			return
		}
		req, err := http.NewRequestWithContext(context.Background(), method, "http://wavebot.test"+target, strings.NewReader(body))
		if err != nil {
			return
		}
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s: %d\n%s", method, target, rec.Code, rec.Body.String())
		}
		if l, err := w.store.AuthList(context.Background(), "b3", "BUF"); err != nil || l.Version != before {
			t.Fatalf("%s %s changed the list without the form token", method, target)
		}
		if tp, err := w.store.AuthTemplate(context.Background(), "BUF"); err == nil {
			t.Fatalf("%s %s changed the template without the form token: %+v", method, target, tp)
		}
	})
}

func validMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodPost, http.MethodHead, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// BenchmarkListPage renders the authorization list of 2,000 users as the
// contact sees it (a form with a select and two text fields a row), and
// as KS sees it after the submission.
func BenchmarkListPage(b *testing.B) {
	w := newWorld(b)
	w.upload(w.link("anna: auth list b3/BUF"), "file", "koer.csv", koerList(2000), nil)
	handler := w.srv.Config.Handler
	for _, who := range []string{"maria", "anna"} {
		link := w.link(who + ": auth list b3/BUF")
		b.Run(who, func(b *testing.B) {
			size := 0
			for b.Loop() {
				rec := httptest.NewRecorder()
				handler.ServeHTTP(rec, httptest.NewRequest("GET", link, nil))
				if rec.Code != 200 {
					b.Fatalf("%d", rec.Code)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(size)/1024, "KiB/page")
		})
	}
}
