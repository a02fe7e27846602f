package commands

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"wavebot/internal/catalog"
	"wavebot/notify"
	"wavebot/wave"
)

// TestRepeatingChangesNothing: a command that would leave things as they
// are says so, is no refusal, and writes nothing: no change, no event.
func TestRepeatingChangesNothing(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		setup, again, want string
	}{
		{"anna: done b3/BUF pc", "anna: done b3/BUF pc", "b3/BUF: »Sikre korrekt opsætning af PC'er« har allerede status færdig; intet er ændret."},
		{"anna: done b3/BUF kickoff", "kim: done b3/BUF kickoff", "b3/BUF: KS' del af »Opstartsmøde i forvaltningen« er allerede bekræftet; aktiviteten venter på forvaltningen. Intet er ændret."},
		{"maria: done b3/BUF kickoff", "maria: færdig b3/BUF opstart", "b3/BUF: »Opstartsmøde i forvaltningen« har allerede status færdig; intet er ændret."},
		{"maria: training b3/BUF no", "maria: uddannelse b3/BUF nej", "b3/BUF: Den beslutning er allerede registreret; intet er ændret."},
		{"anna: contact b3/SUF @sofie @jens", "anna: kontakt b3/SUF sæt @jens @sofie", "@jens og @sofie er allerede tovholdere for b3/SUF; intet er ændret."},
		{"maria: workflow BUF due group 2027-01-29", "maria: arbejdsgang b3/BUF frist arbejdsgruppe 29.01.2027", "KØR workflow i BUF: Trinnet »Nedsættelse af central arbejdsgruppe« har allerede frist 29. januar 2027; intet er ændret."},
		{"maria: start b3/BUF info", "maria: begynd b3/BUF info", "»Informationsmøde i forvaltningen for brugere« har allerede status i gang; intet er ændret."},
		{"anna: block b3/SUF pc waiting for PCs", "anna: block b3/SUF pc waiting for PCs", "har allerede status blokeret; intet er ændret."},
		{"anna: skip b3/SUF loadtest not needed", "anna: skip b3/SUF loadtest not needed", "har allerede status sprunget over; intet er ændret."},
		{"anna: due b3/BUF info 2027-01-29", "anna: due b3/BUF info 29.01.2027", "»Informationsmøde i forvaltningen for brugere« har allerede frist 29. januar 2027; intet er ændret."},
		{"anna: eval b3/BUF 2027-04-07", "maria: eval b3/BUF 07-04-2027", "»Evaluering« har allerede frist 7. april 2027; intet er ændret."},
		{"anna: auth request b3/BUF 2027-01-27", "kim: auth request b3/BUF 27.01.2027", "b3/BUF: KS har allerede bedt om tilbagemelding på autorisationerne senest 27. januar 2027; intet er ændret."},
		{"maria: auth ok b3/BUF", "maria: auth ok b3/BUF", "b3/BUF: Forvaltningen har allerede givet denne tilbagemelding; intet er ændret."},
		{"anna: auth applied b3/BUF", "kim: auth applied b3/BUF", "b3/BUF: Autorisationerne er allerede tildelt; intet er ændret."},
		{"anna: contact b3/BUF @jens", "anna: contact b3/BUF @Maria @jens", "@maria og @jens er allerede tovholdere for b3/BUF; intet er ændret."},
		{"anna: role @kim ks", "anna: rolle @kim ks", "@kim har allerede rollen KS-medarbejder; intet er ændret."},
		{"anna: role @vera viewer", "anna: role @nobody læser", "@nobody har allerede rollen læser; intet er ændret."},
		{"anna: wave lead b3 @anna", "anna: wave lead b3 @anna", "@anna er allerede KS-projektleder for bølge b3; intet er ændret."},
		{"anna: lang da", "anna: sprog DA", "Jeg skriver allerede dansk til dig; intet er ændret."},
		{"maria: workflow BUF done group", "maria: workflow BUF færdig arbejdsgruppe", "BUF: Trinnet »Nedsættelse af central arbejdsgruppe« er allerede færdigt; intet er ændret."},
		{"maria: workflow BUF undo decisions", "maria: workflow BUF fortryd decisions", "BUF: Trinnet »Centrale beslutninger"},
	} {
		if r := f.do(tc.setup); r.Refused && !strings.Contains(strings.Join(r.Lines, " "), "intet er ændret") {
			t.Fatalf("%s: refused: %v", tc.setup, r.Lines)
		}
		before := f.snapshot()
		r := f.do(tc.again)
		if r.Refused || !strings.Contains(strings.Join(r.Lines, " "), tc.want) {
			t.Errorf("%s: %v (refused %v), want %q", tc.again, r.Lines, r.Refused, tc.want)
		}
		if f.snapshot() != before {
			t.Errorf("%s changed the store", tc.again)
		}
	}
	if _, err := f.store.Person(context.Background(), "nobody"); err == nil {
		t.Error("giving nobody the role they have as a stranger created them")
	}
}

// TestSameStatusWithNewNote: repeating a status with a new note records
// the note as a note, not as a status change.
func TestSameStatusWithNewNote(t *testing.T) {
	f := newFixture(t)
	f.ok("maria: done b3/BUF info invitation sent")
	wantIn(t, f.ok("maria: done b3/BUF info invitation sent to all units"), "b3/BUF: Noten til »Informationsmøde i forvaltningen for brugere« er opdateret.")
	log := f.do("vera: log b3/BUF")
	if !strings.Contains(log.Lines[0], "@maria b3/BUF: ændrede noten til »Informationsmøde i forvaltningen for brugere« fra invitation sent til invitation sent to all units") ||
		!strings.Contains(log.Lines[1], "ændrede status for »Informationsmøde i forvaltningen for brugere« fra ikke begyndt til færdig") {
		t.Errorf("log = %q", log.Lines)
	}
	// Without a note the note stays.
	f.ok("maria: done b3/BUF info")
	wantIn(t, f.ok("vera: status b3/BUF"), "færdig – invitation sent to all units")
}

// TestLocalCommandsInHelp: an adapter's own commands are listed and
// explained by help, and may not reuse a command's name.
func TestLocalCommandsInHelp(t *testing.T) {
	f := newFixture(t)
	local := []*Command{
		{Name: "as", Aliases: []string{"som"}, Args: []Arg{{Name: catalog.ArgAs}}, Summary: catalog.SumAs},
		{Name: "clock", Aliases: []string{"ur"}, Args: []Arg{{Name: catalog.ArgClock, Optional: true}}, Summary: catalog.SumClock},
	}
	cfg := f.d.cfg
	cfg.Local = local
	d, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.d = d
	wantIn(t, f.ok("vera: help"), "Kun her, ikke i chatten", "as NAVN — skift til en anden person (også: som)",
		"clock [+3d | +4h | ÅÅÅÅ-MM-DD] — flyt det simulerede ur frem: +3d tæller kalenderdage")
	wantIn(t, f.ok("vera: help clock"), "clock [+3d | +4h | ÅÅÅÅ-MM-DD]", "Også: ur")
	wantIn(t, f.ok("vera: hjælp som"), "as NAVN", "skift til en anden person")
	f.refused("vera: as maria", "Ukendt kommando »as«")
	for name, bad := range map[string][]*Command{
		"name":      {{Name: "status", Summary: catalog.SumAs}},
		"alias":     {{Name: "as", Aliases: []string{"hjælp"}, Summary: catalog.SumAs}},
		"runnable":  {{Name: "as", Summary: catalog.SumAs, Run: d.help}},
		"arguments": {{Name: "as", Args: []Arg{{Name: catalog.ArgAs, Optional: true}, {Name: catalog.ArgID}}, Summary: catalog.SumAs}},
	} {
		cfg.Local = bad
		if _, err := New(cfg); err == nil {
			t.Errorf("a local command with a bad %s was accepted", name)
		}
	}
}

// TestLangOfAPerson: adapters learn the language to write their own texts in.
func TestLangOfAPerson(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.ok("maria: lang en")
	for person, want := range map[string]string{"maria": "en", "anna": "da", "stranger": "da"} {
		if got := f.d.Lang(ctx, person); got != want {
			t.Errorf("Lang(%s) = %s, want %s", person, got, want)
		}
	}
}

var (
	isoDate = regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)
	word    = regexp.MustCompile(`\p{L}+`)
)

// TestDanishRepliesSpeakDanish reads what a Danish reader sees of a wave
// in every state: no English status word or role, no activity key where
// its title belongs, and dates written out except in the log.
func TestDanishRepliesSpeakDanish(t *testing.T) {
	f := newFixture(t)
	for _, line := range []string{
		"anna: done b3/BUF kickoff", "maria: start b3/BUF info", "maria: block b3/BUF golive venter", "anna: skip b3/SUF loadtest unødvendig",
		"anna: auth request b3/BUF 2027-01-27", "anna: remind snooze b3/SUF 1d", "anna: role @vera viewer", "anna: role @jens contact SUF",
		"maria: workflow BUF done group", "maria: training b3/BUF ja 2027-01-28", "maria: workflow BUF due decisions 2027-01-29",
		"maria: workflow BUF done decisions", "anna: workflow BUF done presentation", "maria: auth fix b3/BUF NN99",
	} {
		f.ok(line)
	}
	english := []string{"todo", "doing", "done", "blocked", "skipped", "requested", "answered", "applied", "viewer", "contact", "true", "false"}
	check := func(what, text string, logged bool) {
		t.Helper()
		for _, w := range word.FindAllString(text, -1) {
			if slices.Contains(english, strings.ToLower(w)) {
				t.Errorf("%s: English word %q in %q", what, w, text)
			}
		}
		if !logged && isoDate.MatchString(text) {
			t.Errorf("%s: ISO date in running text %q", what, text)
		}
	}
	replies := map[string]Reply{}
	for _, person := range []string{"anna", "maria"} {
		replies["reminders to "+person] = f.d.Digest(context.Background(), pendingDigest(t, f, person))
	}
	for _, line := range []string{
		"anna: status", "anna: status b3", "anna: status b3/BUF", "anna: wave show b3", "anna: wave list", "maria: my", "anna: my",
		"maria: remind list", "anna: remind list", "anna: log b3", "maria: workflow BUF", "anna: role @jens ks", "anna: done b3/BUF pc",
		"anna: status BUF", "anna: log BUF", "anna: contact b3/BUF remove @maria", "anna: role @jens viewer",
	} {
		replies[line] = f.do(line)
	}
	for what, r := range replies {
		logged := strings.HasPrefix(what, "anna: log")
		check(what, r.Title, logged)
		for _, l := range r.Lines {
			check(what, l, logged)
		}
		for _, fl := range r.Fields {
			check(what, fl.Label+": "+fl.Value, logged)
		}
		for _, s := range r.Sections {
			check(what, s.Title, logged)
			for _, l := range append(slices.Clone(s.Lines), s.Progress.textOrEmpty()) {
				check(what, l, logged)
			}
			for _, fl := range s.Fields {
				check(what, fl.Label+": "+fl.Value, logged)
			}
		}
		for _, a := range r.Actions {
			check(what, a.Label, logged)
		}
	}
	// Where a title belongs, the title stands, not the key.
	wantIn(t, text(replies["anna: status b3/BUF"]), "Næste frist\",\"Value\":\"21. januar 2027 – Opstartsmøde i forvaltningen")
	wantIn(t, text(replies["anna: log b3"]), "fra ikke begyndt til i gang", "fra ikke begyndt til blokeret", "fra ikke begyndt til sprunget over")
	wantIn(t, text(replies["anna: log BUF"]), "fra ikke begyndt til færdig")
}

// pendingDigest is every reminder the policy has for person over the
// coming business days, as one digest.
func pendingDigest(t *testing.T, f *fixture, person string) notify.Digest {
	t.Helper()
	waves, err := f.store.Waves(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	dg := notify.Digest{Recipient: person}
	for _, w := range waves {
		for _, p := range f.d.cfg.Policy.Pending(w, person, f.clock.Now()) {
			dg.Reminders = append(dg.Reminders, p.Reminder)
		}
	}
	if len(dg.Reminders) == 0 {
		t.Fatalf("no reminders pending for %s", person)
	}
	return dg
}

func (p *Progress) textOrEmpty() string {
	if p == nil {
		return ""
	}
	return p.Text
}

// TestAdminsAreNamedAsPeopleAre: configured admins are matched the way
// callers are named, whatever case the configuration wrote them in.
func TestAdminsAreNamedAsPeopleAre(t *testing.T) {
	f := newFixture(t)
	cfg := f.d.cfg
	cfg.Admins, cfg.BootstrapAdmin = []string{"Vera", "slack:u1"}, false
	d, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, id := range []string{"vera", "slack:U1"} {
		d.Handle(ctx, Request{Caller: Caller{ID: id}, Text: "my"})
		if p, err := f.store.Person(ctx, id); err != nil || p.Role != wave.RoleAdmin {
			t.Errorf("%s is %+v (%v), want admin", id, p, err)
		}
	}
}
