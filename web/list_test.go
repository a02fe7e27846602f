package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"wavebot/internal/catalog"
	"wavebot/wave"
)

// TestListFromUploadToApplied walks the authorization list over HTTP as
// the pages' forms post it: KS uploads KØR's list, the contact answers
// rows one by one and many at once, saves a draft and submits, which
// answers the request like "auth fix" and tells the lead; KS downloads
// the corrections, marks them applied, and "auth applied" follows.
func TestListFromUploadToApplied(t *testing.T) {
	w := newWorld(t)
	ks := w.link("anna: auth list b3/BUF")
	if code, body := get(t, ks); code != 200 || !strings.Contains(body, "Indlæs listen fra KØR") {
		t.Fatalf("KS's page before the upload: %d\n%s", code, body)
	}
	code, body := w.upload(ks, "file", "koer.csv", koerList(5), nil)
	if code != 200 {
		t.Fatalf("upload: %d\n%s", code, body)
	}
	wantIn(t, body, "Listen er indlæst med 5 brugere.", "BU5")
	l := w.list()
	if len(l.Rows) != 5 || l.Rows[0].User != "BU1" || l.Rows[0].Unit != "1200" || l.FileName != "koer.csv" {
		t.Fatalf("stored list: %+v", l)
	}

	maria := w.link("maria: auth list b3/BUF")
	code, body = get(t, maria)
	if code != 200 {
		t.Fatalf("contact's page: %d", code)
	}
	wantIn(t, body, `name="d1"`, `name="v1" value="1.`, "Indsend til KS", "5 brugere: 5 mangler svar")
	v := pageValues(body)
	v.Set("d2", "fix")
	v.Set("w2", "Godkender")
	v.Set("n2", "skal godkende indkøb")
	v.Set("do", "save")
	code, body = w.post(maria, "save", v)
	if code != 200 {
		t.Fatalf("save: %d\n%s", code, body)
	}
	wantIn(t, body, "1 række er gemt.")
	if r := w.list().Rows[1]; r.Decision != wave.DecisionFix || r.Wanted != "Godkender" || r.DecidedBy != "maria" {
		t.Fatalf("row 2 after saving: %+v", r)
	}
	// Filtering and sorting without JavaScript: by the page's own links.
	if _, body = get(t, maria+"?status=fix"); !strings.Contains(body, "Viser 1 af 5 rækker.") || !strings.Contains(body, `id="u2">BU2<`) || strings.Contains(body, `id="u1"`) {
		t.Errorf("only the rows to fix:\n%s", body)
	}
	_, body = get(t, maria+"?sort=user&desc=1")
	if !strings.Contains(body, `aria-sort="descending"`) || strings.Index(body, `id="u5"`) > strings.Index(body, `id="u1"`) {
		t.Errorf("sorted by user, descending:\n%s", body)
	}
	if _, body = get(t, maria+"?q=bruger%203"); !strings.Contains(body, "Viser 1 af 5 rækker.") || !strings.Contains(body, `id="u3"`) {
		t.Errorf("searching for Bruger 3:\n%s", body)
	}
	// Mark the rest ok at once.
	_, body = get(t, maria)
	v = pageValues(body)
	for _, id := range []string{"1", "3", "4", "5"} {
		v.Set("s"+id, "1")
	}
	v.Set("bulk", "ok")
	v.Set("do", "bulk")
	if code, body = w.post(maria, "save", v); code != 200 || !strings.Contains(body, "4 rækker er gemt.") {
		t.Fatalf("bulk: %d\n%s", code, body)
	}
	_, body = get(t, maria)
	v = pageValues(body)
	v.Set("do", "submit")
	code, body = w.post(maria, "save", v)
	if code != 200 {
		t.Fatalf("submit: %d\n%s", code, body)
	}
	wantIn(t, body, "b3/BUF: Tak, rettelserne er sendt til KS.")
	e := w.enrolment()
	if e.Auth.State != wave.AuthAnswered || e.Auth.OK || e.Auth.AnsweredBy != "maria" || !strings.Contains(e.Auth.Note, "1 af 5 brugere skal rettes") {
		t.Fatalf("request after submitting: %+v", e.Auth)
	}
	if !w.list().Submitted {
		t.Error("the list is not closed")
	}
	wv, _ := w.store.Wave(context.Background(), "b3")
	if len(wv.Notices) != 0 {
		t.Errorf("notices beside the answer's own: %+v", wv.Notices)
	}
	// The contact can change nothing now.
	if code, _ := w.post(maria, "save", url.Values{"do": {"save"}, "round": {"1"}, "v1": {"2.x"}, "d1": {"fix"}, "w1": {"x"}}); code != 422 {
		t.Errorf("saving a submitted list: %d, want 422", code)
	}

	ks = w.link("anna: auth list b3/BUF")
	if code, body = get(t, ks); code != 200 {
		t.Fatalf("KS's page after the submission: %d", code)
	}
	wantIn(t, body, "Rettelser, der skal laves i KØR", "skal godkende indkøb", "rettelser.xlsx")
	code, csv := get(t, ks+"/rettelser.csv")
	if code != 200 || !strings.Contains(csv, "BU2;Bruger 2;1200;Indkøber;Godkender;skal godkende indkøb;maria;nej") || strings.Contains(csv, "BU1") {
		t.Errorf("corrections as CSV: %d\n%s", code, csv)
	}
	res, err := http.Get(ks + "/rettelser.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("Rettelser")
	if len(rows) != 5 || rows[4][0] != "BU2" || rows[4][4] != "Godkender" {
		t.Errorf("corrections as XLSX: %q", rows)
	}
	v = pageValues(body)
	v.Set("a2", "1")
	code, body = w.post(ks, "apply", v)
	if code != 200 {
		t.Fatalf("apply: %d\n%s", code, body)
	}
	wantIn(t, body, "1 rettelse er markeret.", "b3/BUF: Autorisationerne er tildelt, og aktiviteten er færdig.")
	if e := w.enrolment(); e.Auth.State != wave.AuthApplied || e.Auth.AppliedBy != "anna" {
		t.Errorf("request after applying: %+v", e.Auth)
	}
	evs, _ := w.store.Events(context.Background(), "b3", "BUF", 30)
	actions := map[string]int{}
	for _, ev := range evs {
		actions[ev.Action]++
	}
	// One entry a save of rows, not one a row.
	for action, n := range map[string]int{"authlist.upload": 1, "authlist.row": 2, "authlist.submit": 1, "auth.answer": 1, "authlist.applied": 1, "auth.apply": 1} {
		if actions[action] != n {
			t.Errorf("%d %s events, want %d (%v)", actions[action], action, n, actions)
		}
	}
}

// pageValues are the form fields a page would post as it stands: every
// input's and selected option's value, as a browser without JavaScript
// sends them (checkboxes only when checked).
func pageValues(body string) url.Values {
	v := url.Values{}
	for _, tag := range tags(body, "input") {
		name, value := attr(tag, "name"), attr(tag, "value")
		if name == "" || (attr(tag, "type") == "checkbox" && !strings.Contains(tag, " checked")) || attr(tag, "type") == "file" {
			continue
		}
		v.Add(name, value)
	}
	for _, sel := range blocks(body, "select") {
		name := attr(sel, "name")
		value := ""
		for i, opt := range tags(sel, "option") {
			if i == 0 || strings.Contains(opt, " selected") {
				value = attr(opt, "value")
			}
		}
		v.Set(name, value)
	}
	for _, ta := range blocks(body, "textarea") {
		_, text, _ := strings.Cut(ta, ">")
		v.Set(attr(ta, "name"), htmlUnescape(strings.TrimSuffix(text, "</textarea")))
	}
	v.Del("csrf")
	return v
}

func tags(body, name string) []string {
	var out []string
	for rest := body; ; {
		i := strings.Index(rest, "<"+name+" ")
		if i < 0 {
			return out
		}
		rest = rest[i:]
		j := strings.Index(rest, ">")
		out = append(out, rest[:j+1])
		rest = rest[j+1:]
	}
}

func blocks(body, name string) []string {
	var out []string
	for rest := body; ; {
		i := strings.Index(rest, "<"+name+" ")
		if i < 0 {
			return out
		}
		rest = rest[i:]
		j := strings.Index(rest, "</"+name+">")
		out = append(out, rest[:j])
		rest = rest[j:]
	}
}

func attr(tag, name string) string {
	_, rest, ok := strings.Cut(tag, " "+name+`="`)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, `"`)
	return htmlUnescape(v)
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&quot;", `"`).Replace(s)
}

// TestWantedAuthorizationOffers: without JavaScript, every wanted
// authorization field offers the template's roles in the contact's
// language and then each authorization of the list, current or already
// wanted, once whatever its case; KS, who decides nothing, is offered
// nothing.
func TestWantedAuthorizationOffers(t *testing.T) {
	list := []byte("BrugerID;Navn;Org.nr.;Autorisation\r\nBU1;Bruger 1;1200;Indkøber\r\nBU2;Bruger 2;1200;godkender\r\nBU3;Bruger 3;1200; Rekvirent \r\nBU4;Bruger 4;1200;Indkøber\r\n")
	roles := func(lang string) []string {
		return []string{catalog.RoleAttestantLabel.In(lang), catalog.RoleGodkenderLabel.In(lang), catalog.RoleDispatcherLabel.In(lang)}
	}
	for _, tc := range []struct {
		lang string
		want []string
	}{
		// In Danish the list's "godkender" is the role »Godkender«.
		{"da", append(roles("da"), "Attestant for Dagtilbud Syd", "Indkøber", "Rekvirent")},
		{"en", append(roles("en"), "Attestant for Dagtilbud Syd", "godkender", "Indkøber", "Rekvirent")},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			w := newWorld(t)
			w.upload(w.link("anna: auth list b3/BUF"), "file", "koer.csv", list, nil)
			w.do("maria: lang " + tc.lang)
			maria := w.link("maria: auth list b3/BUF")
			_, body := get(t, maria)
			v := pageValues(body)
			v.Set("d4", "fix")
			v.Set("w4", "Attestant for Dagtilbud Syd")
			v.Set("do", "save")
			w.post(maria, "save", v)

			_, body = get(t, maria)
			var offered []string
			for _, block := range blocks(body, "datalist") {
				if attr(block, "id") != "wanted-options" {
					continue
				}
				for _, o := range tags(block, "option") {
					offered = append(offered, attr(o, "value"))
				}
			}
			if !slices.Equal(offered, tc.want) {
				t.Errorf("offered %q, want %q", offered, tc.want)
			}
			fields := 0
			for _, in := range tags(body, "input") {
				if name := attr(in, "name"); name == "bulkwanted" || (strings.HasPrefix(name, "w") && len(name) > 1) {
					fields++
					if attr(in, "list") != "wanted-options" {
						t.Errorf("%s offers no choices: %s", name, in)
					}
				}
			}
			if fields != 5 {
				t.Errorf("%d wanted authorization fields, want 5", fields)
			}
			if _, body := get(t, w.link("anna: auth list b3/BUF")); strings.Contains(body, "<datalist") {
				t.Error("KS, who decides nothing, is offered authorizations")
			}
		})
	}
}
