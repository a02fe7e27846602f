package web

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"wavebot/storage"
	"wavebot/wave"
)

// TestPagesRefuseTextThatCanHurtAScreen: the pages and the files sent to
// them hold to the rule of every text people write (wave.UnsafeRune): a
// control character or a control of the text's direction in a field, or
// in a cell of an uploaded file, is refused, saying where, and nothing is
// stored; a line break is kept where a text area holds lines (sent as
// browsers send it, CR LF), and a line break in a cell becomes a space.
func TestPagesRefuseTextThatCanHurtAScreen(t *testing.T) {
	w := newWorld(t)
	anna := w.link("anna: auth list b3/BUF")
	for name, file := range map[string]string{
		"a bell":                 "BrugerID;Navn;Autorisation\nNN99;Nina\a Berg;Indkøber\n",
		"an escape":              "BrugerID;Navn;Autorisation\nNN99;Nina Berg;\x1b[31mIndkøber\n",
		"a control of direction": "BrugerID;Navn;Autorisation\nNN99;Nina \u202Egreb;Indkøber\n",
	} {
		code, body := w.upload(anna, "file", "koer.csv", []byte(file), nil)
		if code != 422 || !strings.Contains(body, "Række 2, kolonne ") || !strings.Contains(body, "usynligt styretegn") {
			t.Errorf("%s in a cell: %d\n%s", name, code, body)
		}
		if _, err := w.store.AuthList(context.Background(), "b3", "BUF"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("%s in a cell: something was stored (%v)", name, err)
		}
	}
	// A NUL makes the file no text at all.
	if code, _ := w.upload(anna, "file", "koer.csv", []byte("BrugerID;Navn;Autorisation\nNN99;Nina Berg;Indkøber\x00\n"), nil); code != 422 {
		t.Errorf("a NUL in a cell: %d", code)
	}
	if code, body := w.upload(anna, "file", "koer.csv", []byte("BrugerID;Navn;Autorisation\nNN99;\"Nina\nBerg\";Indkøber\n"), nil); code != 200 {
		t.Fatalf("a line break in a cell: %d\n%s", code, body)
	}
	if r := w.list().Rows[0]; r.Name != "Nina Berg" {
		t.Errorf("a cell with a line break is stored as %q", r.Name)
	}

	maria := w.link("maria: auth list b3/BUF")
	_, page := get(t, maria)
	for _, note := range []string{"skal godkende\u202E indkøb", "ring\a", "to\nlinjer"} {
		v := pageValues(page)
		v.Set("d1", "fix")
		v.Set("n1", note)
		v.Set("do", "save")
		if code, body := w.post(maria, "save", v); code != 422 || !strings.Contains(body, "usynligt styretegn") {
			t.Errorf("a note %q: %d\n%s", note, code, body)
		}
		if r := w.list().Rows[0]; r.Decision != "" || r.Note != "" {
			t.Errorf("a note %q was stored: %+v", note, r)
		}
	}

	template := w.link("maria: workflow BUF template")
	decisions := url.Values{"lname0": {"Leder"}, "llimit0": {"100.000"}, "units": {"1000;BUF;\r\n1200;Nord;1000\r\n"},
		"role-attestant": {"sagsbehandlere\r\nog ledere"}}
	if code, body := w.post(template, "decisions", decisions); code != 200 {
		t.Fatalf("decisions with lines: %d\n%s", code, body)
	}
	tp, err := w.store.AuthTemplate(context.Background(), "BUF")
	if err != nil || len(tp.Decisions.Units) != 2 {
		t.Fatalf("stored decisions: %+v, %v", tp.Decisions, err)
	}
	for _, r := range tp.Decisions.Roles {
		if _, bad := wave.UnsafeRune(r.Responsibility, true); bad {
			t.Errorf("a responsibility stored as %q", r.Responsibility)
		}
	}
	decisions.Set("lname0", "Leder\u2066")
	if code, body := w.post(template, "decisions", decisions); code != 422 || !strings.Contains(body, "U&#43;2066") {
		t.Errorf("a level named with a control of direction: %d\n%s", code, body)
	}
	decisions.Set("lname0", "Leder\nChef")
	if code, _ := w.post(template, "decisions", decisions); code != 422 {
		t.Errorf("a level's name on two lines: %d", code)
	}
	if code, body := w.upload(template, "unitsfile", "hierarki.csv", []byte("Org.nr.;Navn;Overordnet\n1000;BUF\x1b[2J;\n"),
		url.Values{"lname0": {"Leder"}, "llimit0": {"100.000"}}); code != 422 || !strings.Contains(body, "Række 2, kolonne 2") {
		t.Errorf("an escape in a hierarchy file: %d\n%s", code, body)
	}
	if tp2, _ := w.store.AuthTemplate(context.Background(), "BUF"); tp2.Version != tp.Version {
		t.Error("a refused form or file changed the template")
	}
}
