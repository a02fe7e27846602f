package web

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"wavebot/internal/pagelink"
	"wavebot/storage"
	"wavebot/wave"
)

// TestLinksAreBoundToPersonAndPage: a link opens its page for its person
// until it expires; a changed link, another person's page and an expired
// link open nothing, and say what to do.
func TestLinksAreBoundToPersonAndPage(t *testing.T) {
	w := newWorld(t)
	maria := w.link("maria: auth list b3/BUF")
	template := w.link("maria: workflow BUF template")
	if code, body := get(t, maria); code != 200 || !strings.Contains(body, "Du er logget ind som") || !strings.Contains(body, "<dd>maria</dd>") {
		t.Fatalf("maria's own link: %d", code)
	}
	tok := token(t, maria)
	payload, sig, _ := strings.Cut(tok, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(payload)
	asJens := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), "|maria|", "|jens|", 1))) + "." + sig
	toSUF := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), "|BUF|", "|SUF|", 1))) + "." + sig
	base := w.srv.URL + pagelink.Prefix
	for name, u := range map[string]string{
		"maria's link made out to jens":      base + asJens,
		"maria's link turned to b3/SUF":      base + toSUF,
		"a cut signature":                    maria[:len(maria)-3],
		"no token":                           base + "x",
		"a file of a page that is not there": maria + "/..%2F..%2Fetc%2Fpasswd",
	} {
		code, body := get(t, u)
		if code != 404 || (!strings.Contains(body, "Linket virker ikke") && !strings.Contains(body, "Den side findes ikke")) || strings.Contains(body, "BU1") {
			t.Errorf("%s: %d\n%s", name, code, body)
		}
	}
	// Links signed right, for people who may not see the page.
	for name, l := range map[string]pagelink.Link{
		"jens, contact of SUF, on BUF's list": {Kind: pagelink.AuthList, Wave: "b3", FV: "BUF", Person: "jens"},
		"maria on SUF's list":                 {Kind: pagelink.AuthList, Wave: "b3", FV: "SUF", Person: "maria"},
		"jens on BUF's template":              {Kind: pagelink.Template, FV: "BUF", Person: "jens"},
		"somebody wavebot never met":          {Kind: pagelink.AuthList, Wave: "b3", FV: "BUF", Person: "mallory"},
	} {
		u := w.links.URL(l)
		code, body := get(t, u)
		if code != 403 || !strings.Contains(body, "Siden er ikke til dig") {
			t.Errorf("%s: %d\n%s", name, code, body)
		}
		if code, _ := w.post(u, "save", url.Values{"do": {"save"}, "round": {"1"}}); code != 403 {
			t.Errorf("%s posting: %d", name, code)
		}
	}
	w.clock.Advance(pagelink.TTL)
	if code, body := get(t, maria); code != 410 || !strings.Contains(body, "Linket er udløbet. Skriv »auth list b3/BUF« i chatten for at få et nyt.") {
		t.Errorf("an expired list link: %d\n%s", code, body)
	}
	if code, body := get(t, template); code != 410 || !strings.Contains(body, "»workflow BUF template«") {
		t.Errorf("an expired template link: %d\n%s", code, body)
	}
	if code, _ := w.post(maria, "save", url.Values{"do": {"save"}}); code != 410 {
		t.Errorf("posting with an expired link: %d", code)
	}
}

// TestFormsNeedTheirToken: every form posts its link's token and comes
// from the page's own origin; anything else changes nothing.
func TestFormsNeedTheirToken(t *testing.T) {
	w := newWorld(t)
	anna := w.link("anna: auth list b3/BUF")
	if code, body := w.upload(anna, "file", "koer.csv", koerList(2), nil); code != 200 {
		t.Fatalf("upload: %d %s", code, body)
	}
	maria := w.link("maria: auth list b3/BUF")
	jens := w.link("jens: auth list b3/SUF")
	change := func() url.Values {
		return url.Values{"do": {"save"}, "round": {"1"}, "v1": {"1.x"}, "d1": {"ok"}, "w1": {""}, "n1": {""}}
	}
	send := func(form url.Values, header http.Header) int {
		req, _ := http.NewRequest("POST", maria+"/save", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range header {
			req.Header[k] = v
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	own := w.links.FormToken(token(t, maria))
	for name, tc := range map[string]struct {
		csrf   string
		header http.Header
	}{
		"no token":                 {"", nil},
		"another link's token":     {w.links.FormToken(token(t, jens)), nil},
		"the link itself as token": {token(t, maria), nil},
		"from another site":        {own, http.Header{"Sec-Fetch-Site": {"cross-site"}}},
		"from another origin":      {own, http.Header{"Origin": {"https://evil.example"}}},
	} {
		form := change()
		if tc.csrf != "" {
			form.Set("csrf", tc.csrf)
		}
		if code := send(form, tc.header); code != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", name, code)
		}
		if r := w.list().Rows[0]; r.Decision != wave.DecisionOpen {
			t.Fatalf("%s changed row 1: %+v", name, r)
		}
	}
	form := change()
	form.Set("csrf", own)
	if code := send(form, http.Header{"Sec-Fetch-Site": {"same-origin"}, "Origin": {w.srv.URL}}); code != 200 || w.list().Rows[0].Decision != wave.DecisionOK {
		t.Errorf("the page's own form: %d", code)
	}
}

// TestPagesCarryTheirSecurityHeaders: pages, error pages and downloads
// allow no framing, no foreign script or style, no referrer and no cache.
func TestPagesCarryTheirSecurityHeaders(t *testing.T) {
	w := newWorld(t)
	maria := w.link("maria: auth list b3/BUF")
	for _, u := range []string{maria, maria + "x", w.link("maria: workflow BUF template") + "/beslutninger"} {
		res, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		h := res.Header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", u, csp, want)
			}
		}
		if h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: headers %v", u, h)
		}
	}
	res, err := http.Get(w.srv.URL + "/static/page.js")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/javascript") {
		t.Errorf("script: %d %v", res.StatusCode, res.Header)
	}
}

// TestUploadsAreParsedDefensively: files that cannot be read as the list
// are refused with the reason and store nothing; a formula in a cell is
// kept as the text it is, shown escaped, and neutralised in downloads.
func TestUploadsAreParsedDefensively(t *testing.T) {
	w := newWorld(t)
	anna := w.link("anna: auth list b3/BUF")
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	part, _ := zw.Create("xl/worksheets/sheet1.xml")
	part.Write(make([]byte, 40<<20))
	zw.Close()
	for _, tc := range []struct {
		name string
		data []byte
		code int
		says string
	}{
		{"wrong headers", []byte("Medarbejder;Telefon\nNN99;1234\n"), 422, "Kolonnen »BrugerID« mangler"},
		{"10 MB", bytes.Repeat([]byte("NN99;Navn;Org;Autorisation\n"), 10<<20/27+1), 413, "Det sendte er for stort"},
		{"UTF-8 and Windows-1252 mixed", []byte("BrugerID;Autorisation\nNN99;Indkøber\nAB12;Indk\xf8ber\n"), 422, "Teksten i linje 3 er hverken UTF-8 eller Windows-1252."},
		{"a zip bomb", bomb.Bytes(), 422, "Regnearket fylder for meget"},
		{"a picture", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 422, "Filen kan ikke læses som CSV eller Excel"},
	} {
		code, body := w.upload(anna, "file", "x.csv", tc.data, nil)
		if code != tc.code || !strings.Contains(body, tc.says) {
			t.Errorf("%s: %d, want %d saying %q\n%s", tc.name, code, tc.code, tc.says, body)
		}
		if _, err := w.store.AuthList(context.Background(), "b3", "BUF"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("%s: something was stored (%v)", tc.name, err)
		}
	}
	hostile := "BrugerID;Navn;Autorisation\nNN99;<script>alert(1)</script>;=cmd|' /C calc'!A0\nAB12;@SUM(1+1);+Indkøber\n"
	if code, body := w.upload(anna, "file", "ondt.csv", []byte(hostile), nil); code != 200 || strings.Contains(body, "<script>alert") ||
		!strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Fatalf("hostile cells: %d\n%s", code, body)
	}
	if r := w.list().Rows[0]; r.Current != "=cmd|' /C calc'!A0" || r.Name != "<script>alert(1)</script>" {
		t.Errorf("stored as: %+v", r)
	}
	maria := w.link("maria: auth list b3/BUF")
	_, body := get(t, maria)
	if strings.Contains(body, "<script>alert") || !strings.Contains(body, "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>") || !strings.Contains(body, "<td>=cmd|&#39; /C calc&#39;!A0</td>") {
		t.Errorf("the contact's page does not escape the cells:\n%s", body)
	}
	v := pageValues(body)
	v.Set("d1", "fix")
	v.Set("w1", "=HYPERLINK(\"http://evil.example\")")
	v.Set("d2", "ok")
	v.Set("do", "submit")
	w.do("anna: auth request b3/BUF 2027-02-16")
	w.post(maria, "save", v)
	code, csv := get(t, anna+"/rettelser.csv")
	if code != 200 || !strings.Contains(csv, `NN99;<script>alert(1)</script>;;'=cmd|' /C calc'!A0;"'=HYPERLINK(""http://evil.example"")"`) {
		t.Errorf("download: %d\n%s", code, csv)
	}
	if code, _ := get(t, maria+"/rettelser.csv"); code != 403 {
		t.Errorf("a contact downloads KS's corrections: %d", code)
	}
}

// TestAPageInEnglish: the page speaks the person's language.
func TestAPageInEnglish(t *testing.T) {
	w := newWorld(t)
	w.do("maria: lang en")
	_, body := get(t, w.link("maria: auth list b3/BUF"))
	wantIn(t, body, `<html lang="en">`, "Authorization list – b3/BUF", "KS has not uploaded the list from KØR yet.", "You are signed in as")
	_, body = get(t, w.link("maria: workflow BUF template"))
	wantIn(t, body, "Authorization template for KØR workflow – BUF", "The forvaltning&#39;s KØR workflow track", "Deliver to User Administration")
}

// TestRefusedDecisionsKeepWhatWasTyped: decisions with a problem are not
// saved; the page names the problem and still holds what was typed.
func TestRefusedDecisionsKeepWhatWasTyped(t *testing.T) {
	w := newWorld(t)
	link := w.link("maria: workflow BUF template")
	code, body := w.post(link, "decisions", url.Values{"lname0": {"Leder"}, "llimit0": {"mange"}, "lname1": {"Chef"}, "llimit1": {"1.000.000"},
		"units": {"1000;BUF;\n1200;Nord;1000\n1300;Syd;9999\n"}, "role-attestant": {"sagsbehandlere"}})
	if code != 422 {
		t.Fatalf("bad decisions: %d\n%s", code, body)
	}
	wantIn(t, body, "Beslutningerne blev ikke gemt:", "Niveauet »Leder« skal have en beløbsgrænse over 0 kr.", "Enhed 1300: Den overordnede enhed »9999« findes ikke.",
		`value="Chef"`, "1300;Syd;9999", "sagsbehandlere")
	if _, err := w.store.AuthTemplate(context.Background(), "BUF"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("refused decisions were stored: %v", err)
	}
	code, body = w.upload(link, "unitsfile", "hierarki.csv", []byte("Org.nr.;Navn;Overordnet\n1000;BUF;\n1200;Nord;1000\n"),
		url.Values{"lname0": {"Leder"}, "llimit0": {"100.000"}})
	if code != 200 || !strings.Contains(body, "Stillingsniveauer: 1. Enheder i org.nr. hierarkiet: 2.") {
		t.Errorf("decisions with a hierarchy file: %d\n%s", code, body)
	}
	tp, err := w.store.AuthTemplate(context.Background(), "BUF")
	if err != nil || len(tp.Decisions.Units) != 2 || tp.Decisions.Units[1].Parent != "1000" || tp.Decisions.Levels[0].Limit != 100000 {
		t.Errorf("stored decisions: %+v %v", tp.Decisions, err)
	}
}

// TestAStalePageLosesNothing: two people with the list open; what the
// second saves does not overwrite the first one's row, and the page says so.
func TestAStalePageLosesNothing(t *testing.T) {
	w := newWorld(t)
	w.upload(w.link("anna: auth list b3/BUF"), "file", "koer.csv", koerList(3), nil)
	w.do("anna: contact b3/BUF @jens")
	maria, jens := w.link("maria: auth list b3/BUF"), w.link("jens: auth list b3/BUF")
	_, mariaPage := get(t, maria)
	_, jensPage := get(t, jens)
	a, b := pageValues(mariaPage), pageValues(jensPage)
	a.Set("d1", "ok")
	a.Set("do", "save")
	b.Set("d1", "fix")
	b.Set("w1", "Godkender")
	b.Set("d2", "ok")
	b.Set("do", "save")
	w.post(maria, "save", a)
	code, body := w.post(jens, "save", b)
	if code != 200 || !strings.Contains(body, "1 række er gemt.") || !strings.Contains(body, "BU1 blev ændret af @maria, mens du havde siden åben") {
		t.Errorf("the stale page: %d\n%s", code, body)
	}
	l := w.list()
	if l.Rows[0].Decision != wave.DecisionOK || l.Rows[0].DecidedBy != "maria" || l.Rows[1].Decision != wave.DecisionOK || l.Rows[1].DecidedBy != "jens" {
		t.Errorf("rows: %+v", l.Rows[:2])
	}
}
