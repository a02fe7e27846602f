package commands

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

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

// danishReaders are the readers of the walk who read Danish.
var danishReaders = []string{"anna", "kim", "maria"}

// oldPhrasings are words a Danish municipal reader found wrong (issue 22,
// point 8), each with what to write instead.
var oldPhrasings = []string{
	"Lageret",                                      // Databasen
	"handl som",                                    // skift til
	"Du handler som",                               // Du er logget ind som
	"åbne bølger",                                  // aktive bølger
	"spor for",                                     // forløb for
	"sporet",                                       // forløbet
	"i bilaget fejltrening",                        // Support/fejlretning (the alias stays input)
	"Mange ændrer det samme",                       // Andre er ved at ændre det samme
	"mere, end kommandoen tager",                   // Kommandoen kan ikke bruge
	"tager nogen af listen",                        // fjern fjerner personer fra listen
	"udskifter hele listen",                        // sæt erstatter hele listen
	"kun admin",                                    // kun en administrator
	"(admin, ks)",                                  // KS-medarbejdere
	"tildeler dem senest",                          // afslutter autorisationerne senest (after auth ok)
	"Registrér", "registrér", "Filtrér", "filtrér", // one spelling: Registrer, Filtrer
	"arbejdsgang ", // one term: workflow FV (help still lists the alias)
}

// danishFaults lists what in a Danish reply shows an English key of an
// activity or step, or an old phrasing: in its texts, its buttons'
// labels and the names its buttons' commands give. The command names of
// usage lines and help, and input quoted back »as typed«, are left out.
func danishFaults(d *Dispatcher, r Reply) []string {
	var keys []string
	for _, a := range d.cfg.Template.Activities {
		if a.Word(catalog.Danish) != a.Key {
			keys = append(keys, a.Key)
		}
	}
	for _, s := range d.cfg.Template.Workflow {
		if s.Word(catalog.Danish) != s.Key {
			keys = append(keys, s.Key)
		}
	}
	var usages []string
	for _, c := range append(leaves(d.cmds), leaves(d.cfg.Local)...) {
		usages = append(usages, c.Usage(catalog.Danish))
	}
	texts := []string{r.Title}
	texts = append(texts, r.Lines...)
	if r.Progress != nil {
		texts = append(texts, r.Progress.Text)
	}
	for _, f := range r.Fields {
		texts = append(texts, f.Label, f.Value)
	}
	for _, s := range r.Sections {
		texts = append(texts, s.Title)
		texts = append(texts, s.Lines...)
		for _, f := range s.Fields {
			texts = append(texts, f.Label, f.Value)
		}
	}
	for _, a := range r.Actions {
		texts = append(texts, a.Label)
	}
	var faults []string
	for _, t := range texts {
		t = strings.TrimSpace(t)
		t = strings.TrimPrefix(t, catalog.Usage.In(catalog.Danish, ""))
		for _, u := range usages {
			if strings.HasPrefix(t, u) {
				t = strings.TrimPrefix(t, u)
				break
			}
		}
		t = quotedInput.ReplaceAllString(t, "»«")
		for _, w := range strings.FieldsFunc(t, func(r rune) bool { return !unicode.IsLetter(r) }) {
			if slices.Contains(keys, w) {
				faults = append(faults, fmt.Sprintf("the key %q in %q", w, t))
			}
		}
		for _, p := range oldPhrasings {
			if strings.Contains(t, p) {
				faults = append(faults, fmt.Sprintf("%q in %q", p, t))
			}
		}
		low := strings.ToLower(t)
		if strings.Count(low, "dispatcher") != strings.Count(low, "dispatcher/fakturafordeler") {
			faults = append(faults, fmt.Sprintf("dispatcher without fakturafordeler in %q", t))
		}
		if strings.Count(low, "berørte enheder") != strings.Count(low, "berørte enheder/medarbejdere") {
			faults = append(faults, fmt.Sprintf("berørte enheder without medarbejdere in %q", t))
		}
		if strings.Count(low, "kontaktperson") != strings.Count(low, "ks' kontaktperson") {
			faults = append(faults, fmt.Sprintf("kontaktperson for the tovholder in %q", t))
		}
	}
	for _, a := range r.Actions {
		words := strings.Fields(a.Command)
		if len(words) == 0 {
			continue
		}
		_, n := d.resolve(words)
		for _, w := range words[n:] {
			for _, part := range strings.Split(w, "/") {
				if slices.Contains(keys, part) {
					faults = append(faults, fmt.Sprintf("the key %q in the button %q", part, a.Command))
				}
			}
		}
	}
	return faults
}

// quotedInput is input quoted back as the person typed it.
var quotedInput = regexp.MustCompile(`»[^«]*«`)

// TestDanishNeverShowsAKey reads every reply, reminder, digest and home
// page a Danish reader gets in the walk's states (the commands of the
// table with every value of their arguments, and what their replies
// suggest): none names an activity or a step by its English key, in
// words or in a button, and none keeps a phrasing issue 22 replaced.
func TestDanishNeverShowsAKey(t *testing.T) {
	table, err := New(Config{Calendar: wave.Copenhagen(), Template: wave.DefaultTemplate(), Forvaltninger: wave.DefaultForvaltninger})
	if err != nil {
		t.Fatal(err)
	}
	// The check itself finds what the issue saw.
	for _, bad := range []Reply{
		{Lines: []string{"◐ kickoff – Opstartsmøde i forvaltningen (KS+FV)"}},
		{Actions: []Action{{Label: "Marker som færdig", Command: "done b3/BUF training"}}},
		{Lines: []string{"Lageret kan ikke nås lige nu; intet blev ændret."}},
		{Lines: []string{"Kontaktperson: @maria"}},
	} {
		if len(danishFaults(table, bad)) == 0 {
			t.Errorf("%+v passes the check", bad)
		}
	}
	if f := danishFaults(table, Reply{Lines: []string{"KS' kontaktperson for forløbet: @anna", "Ukendt aktivitet »kickoff«.", "Brug: auth request ID[/FV] ÅÅÅÅ-MM-DD"}}); len(f) > 0 {
		t.Errorf("the check finds faults in good Danish: %q", f)
	}
	seen := map[string]bool{}
	read := 0
	w := walkWorld{t: t, d: table}
	for _, st := range walkStates {
		w = w.play(st.day, st.lines)
		for _, reader := range danishReaders {
			t.Run(st.name+"/"+reader, func(t *testing.T) {
				w := w
				w.t = t
				w.read = func(what string, r Reply) {
					read++
					for _, f := range danishFaults(table, r) {
						if !seen[f] {
							seen[f] = true
							t.Errorf("%s: %s", what, f)
						}
					}
				}
				w.walk(reader)
			})
		}
	}
	if read < 1000 {
		t.Errorf("only %d replies read", read)
	}
}
