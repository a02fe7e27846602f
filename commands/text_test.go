package commands

import (
	"context"
	"testing"

	"wavebot/internal/catalog"
	"wavebot/wave"
)

// TestTextThatCannotHurtAScreen: control characters (C0 other than a
// line break in a note, C1) and controls of the text's direction are
// refused wherever people write (a note, a wave name, any argument), in
// the writer's language and changing nothing; a note keeps its line
// breaks, also as Windows writes them, while a name must be on one line;
// a display name from a platform that holds one is not kept.
func TestTextThatCannotHurtAScreen(t *testing.T) {
	f := newFixture(t)
	f.ok("kim: lang en")
	refusedWith := func(lang, code string) string { return catalog.UnsafeText.In(lang, code) }
	for line, want := range map[string]string{
		"maria: done b3/BUF info ringer \a":              refusedWith("da", "U+0007"),
		"maria: done b3/BUF info \x1b[2J skærmen ryddet": refusedWith("da", "U+001B"),
		"maria: done b3/BUF info linje\rovertrykt":       refusedWith("da", "U+000D"),
		"maria: done b3/BUF info nul\x00":                refusedWith("da", "U+0000"),
		"maria: done b3/BUF info c1\u0085":               refusedWith("da", "U+0085"),
		"anna: wave create b9 2027-05-03 Bølge\u202E9b":  refusedWith("da", "U+202E"),
		"anna: wave create b9 2027-05-03 \u2066Bølge 9":  refusedWith("da", "U+2066"),
		"kim: due b3/BUF info 2027-02-\u202A15":          refusedWith("en", "U+202A"),
		"anna: wave create b9 2027-05-03 Bølge\n9":       catalog.NameOneLine.In("da"),
	} {
		before := f.snapshot()
		if r := f.do(line); !r.Refused || r.Lines[0] != want {
			t.Errorf("%q: %q, want refused with %q", line, r.Lines, want)
		}
		if f.snapshot() != before {
			t.Errorf("%q changed the store", line)
		}
	}
	f.ok("maria: done b3/BUF info første linje\r\nanden linje\ntredje")
	w, err := f.store.Wave(context.Background(), "b3")
	if err != nil {
		t.Fatal(err)
	}
	e, _ := w.Enrolment("BUF")
	for _, a := range e.Activities {
		if a.Key == "info" && a.Note != "første linje\nanden linje\ntredje" {
			t.Errorf("the note was kept as %q", a.Note)
		}
	}

	if err := f.d.SetName(context.Background(), "vera", "Vera\u202E"); err == nil {
		t.Error("a display name with a control of direction was kept")
	}
	f.d.Handle(context.Background(), Request{Caller: Caller{ID: "nybegynder", Name: "Ny\aBegynder"}, Text: "help"})
	if p, err := f.store.Person(context.Background(), "nybegynder"); err != nil || p.Name != "" {
		t.Errorf("a first contact's name %q, %v: want it not kept", p.Name, err)
	}
	if p, _ := f.store.Person(context.Background(), "vera"); p.Name != "vera" {
		t.Errorf("vera's name is %q", p.Name)
	}
	if _, bad := wave.UnsafeRune(f.ok("anna: status b3/BUF"), true); bad {
		t.Error("a status shows a control character")
	}
}
