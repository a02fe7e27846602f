package commands

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"slices"
	"strings"
	"testing"
	"time"

	"wavebot/commands/commandstest"
	"wavebot/internal/closeout"
	"wavebot/internal/ical/icaltest"
	"wavebot/notify"
	"wavebot/storage"
	"wavebot/storage/bolt"
	"wavebot/storage/redis/redistest"
	"wavebot/wave"
)

// onStores runs test on each store: the embedded bolt file and a real
// Redis. open gives the store, empty.
func onStores(t *testing.T, test func(t *testing.T, open func() storage.Store)) {
	t.Run("bolt", func(t *testing.T) {
		test(t, func() storage.Store {
			s, err := bolt.Open(t.TempDir(), nil)
			if err != nil {
				t.Fatal(err)
			}
			return s
		})
	})
	t.Run("redis", func(t *testing.T) {
		test(t, func() storage.Store {
			s, _ := redisStore(t, redistest.URL(t))
			return s
		})
	})
}

// contactOf is the scenario's contact of forvaltning fv.
func contactOf(fv string) string { return strings.ToLower(fv) + "-kontakt" }

// playScenario runs a scenario of commandstest: anna is the lead, each
// forvaltning's contact is contactOf it.
func (f *fixture) playScenario(steps []commandstest.Step) {
	f.t.Helper()
	for _, s := range steps {
		who := contactOf(s.Who)
		switch s.Who {
		case "clock":
			d, err := wave.ParseDate(s.Text)
			if err != nil {
				f.t.Fatal(err)
			}
			f.clock.Set(wave.Copenhagen().At(d, 12, 0))
			continue
		case "lead":
			who = "anna"
		}
		f.ok(who + ": " + commandstest.Mentions(s.Text, func(fv string) string { return "@" + contactOf(fv) }))
	}
}

// unchangedBy runs a command that must be refused with want in its
// reason, and checks that it changed nothing stored.
func (f *fixture) unchangedBy(line, want string) {
	f.t.Helper()
	before := f.snapshot()
	f.refused(line, want)
	if f.snapshot() != before {
		f.t.Errorf("%s: refused, but the store changed", line)
	}
}

// TestOverviews: a lead's three waves of seven forvaltninger, on each
// store: the overview, who has not answered, what is overdue by who owes
// it, and one forvaltning across the waves, each the most urgent first.
func TestOverviews(t *testing.T) {
	onStores(t, func(t *testing.T, open func() storage.Store) {
		f := newBareFixture(t, open())
		f.playScenario(commandstest.LeadsDay(3))
		r := f.do("anna: overview")
		if r.Refused || r.Title != "Oversigt over aktive bølger" || len(r.Sections) != 3 || r.Actions != nil {
			t.Fatalf("overview: %s", text(r))
		}
		rows := 0
		for i, s := range r.Sections {
			rows += len(s.Lines)
			if want := []string{"w1 – Bølge 1 – start 1. marts 2027", "w2 – Bølge 2 – start 15. marts 2027", "w3 – Bølge 3 – start 30. marts 2027"}[i]; s.Title != want {
				t.Errorf("section %d is %q, want %q", i, s.Title, want)
			}
		}
		if rows != 21 {
			t.Errorf("%d rows, want one per enrolment: 21", rows)
		}
		// The feedback past its date counts as overdue, as status says it.
		if got, want := r.Sections[0].Lines[0], "BIF: 1 færdig, 8 åbne, 3 overskredne · autorisationer: venter, frist 18. feb. – OVERSKREDET · næste frist: 22. feb. Uddannelse af brugere"; got != want {
			t.Errorf("the most urgent row is\n%s\nwant\n%s", got, want)
		}
		wantIn(t, text(r), "BUF: 3 færdige, 6 åbne, 1 overskredet · autorisationer: tildelt",
			"SOF: 1 færdig, 8 åbne, 3 overskredne · autorisationer: besvaret, tildeles senest 25. jan. – OVERSKREDET")
		if got := f.do("maria: oversigt"); text(got) != text(r) {
			t.Errorf("the Danish name answers otherwise: %s", text(got))
		}

		r = f.do("anna: auth pending")
		if len(r.Lines) != 7 || r.Lines[0] != "w1/BIF: bedt om 20. jan., frist 18. feb. – OVERSKREDET med 2 arbejdsdage – tovholder @bif-kontakt" ||
			r.Lines[6] != "w3/TMF: bedt om 20. jan., frist 16. mar. – om 16 arbejdsdage – tovholder @tmf-kontakt" {
			t.Errorf("auth pending: %q", r.Lines)
		}

		r = f.do("anna: overdue")
		if r.Title != "Overskredet (side 1 af 2)" || len(r.Actions) != 1 || r.Actions[0].Command != "overdue 2" {
			t.Fatalf("overdue: %s", text(r))
		}
		if s := r.Sections[0]; s.Title != "@bif-kontakt (tovholder)" || s.Lines[0] != "w1/BIF: »Opstartsmøde i forvaltningen« – frist 21. jan., 22 arbejdsdage over" {
			t.Errorf("the oldest group first: %+v", s)
		}
		wantIn(t, text(r), `"Title":"@anna (KS-projektleder)"`, "w1/KFF: tildel autorisationerne – frist 25. jan., 20 arbejdsdage over",
			"w1/BIF: tilbagemelding på autorisationerne – frist 18. feb., 2 arbejdsdage over")
		wantIn(t, f.ok("anna: overdue 2"), "Overskredet (side 2 af 2)")
		f.unchangedBy("anna: overdue 3", "Der er kun 2 sider.")
		f.unchangedBy("anna: overdue BUF 2 3", "Kommandoen kan ikke bruge »3«")
		f.unchangedBy("anna: overdue XYZ", "Ukendt forvaltning »XYZ«")
		r = f.do("anna: overskredet buf")
		if r.Title != "Overskredet – BUF" || len(r.Sections) != 1 || len(r.Sections[0].Lines) != 1 {
			t.Errorf("overdue BUF: %s", text(r))
		}

		r = f.do("vera: status BUF")
		// The forvaltning's one KØR workflow track, then each enrolment.
		if r.Title != "BUF" || len(r.Sections) != 4 || r.Sections[0].Title != "KØR workflow – BUF" || r.Actions != nil {
			t.Errorf("status BUF across three waves: %s", text(r))
		}
		f.ok("maria: lang en")
		wantIn(t, f.ok("maria: overview"), "Overview of open waves", "BIF: 1 done, 8 open, 3 overdue · authorizations: waiting, due 18 Feb – OVERDUE")
	})
}

// TestOverviewsArePaged: a fourth wave makes 28 rows, two pages, the
// first with a button to the second; a page that is not there is refused.
func TestOverviewsArePaged(t *testing.T) {
	onStores(t, func(t *testing.T, open func() storage.Store) {
		f := newBareFixture(t, open())
		f.playScenario(commandstest.LeadsDay(4))
		r := f.do("anna: overview")
		rows := 0
		for _, s := range r.Sections {
			rows += len(s.Lines)
		}
		if r.Title != "Oversigt over aktive bølger (side 1 af 2)" || rows != 21 || len(r.Actions) != 1 || r.Actions[0].Command != "overview 2" {
			t.Fatalf("page 1: %d rows: %s", rows, text(r))
		}
		r = f.do("anna: " + r.Actions[0].Command)
		if r.Title != "Oversigt over aktive bølger (side 2 af 2)" || len(r.Sections) != 1 || len(r.Sections[0].Lines) != 7 || r.Actions != nil {
			t.Errorf("page 2: %s", text(r))
		}
		f.unchangedBy("anna: overview 3", "Der er kun 2 sider.")
		f.unchangedBy("anna: overview 0", "»0« er ikke et sidetal.")
		f.unchangedBy("anna: overview +2", "»+2« er ikke et sidetal.")
		f.unchangedBy("anna: oversigt x", "»x« er ikke et sidetal.")
		f.unchangedBy("anna: status BUF 3", "Der er kun 2 sider.")
		wantIn(t, f.ok("anna: status BUF 2"), `"Title":"BUF (side 2 af 2)"`, "w4/BUF")
	})
}

// TestAuthPendingWhenNobodyWaits: with no request open, auth pending says
// every request is answered only when KS has asked someone; a wave with
// nothing to move says so.
func TestAuthPendingWhenNobodyWaits(t *testing.T) {
	onStores(t, func(t *testing.T, open func() storage.Store) {
		f := newFixtureOn(t, open())
		for _, c := range []struct{ line, want string }{
			{"vera: auth pending", "KS har endnu ikke bedt om tilbagemelding fra: b3/BUF og b3/SUF."},
			{"anna: auth request b3/BUF 2027-01-27", ""},
			{"maria: auth ok b3/BUF", ""},
			{"vera: auth pending", "Ingen venter på tilbagemelding: alle anmodninger er besvaret.\nKS har endnu ikke bedt om tilbagemelding fra: b3/SUF."},
		} {
			r := f.do(c.line)
			if got := strings.Join(r.Lines, "\n"); r.Refused || c.want != "" && got != c.want {
				t.Errorf("%s:\n got %q\nwant %q", c.line, got, c.want)
			}
		}
		f = newBareFixture(t, open())
		f.ok("anna: wave create b1 2027-03-01")
		if r := f.do("anna: auth pending"); strings.Join(r.Lines, "\n") != "Ingen venter på tilbagemelding." {
			t.Errorf("auth pending without enrolments: %q", r.Lines)
		}
		// Nor does wave move blame dates set by hand when there are none.
		if r := f.do("anna: wave move b1 2027-03-08"); strings.Join(r.Lines, "\n") != "Bølge b1 starter nu 8. marts 2027 i stedet for 1. marts 2027.\nIngen frister flyttede: bølgen har ingen åbne frister." {
			t.Errorf("wave move without enrolments: %q", r.Lines)
		}
	})
}

// TestBulkPlanning: due, auth request and done for a whole wave, and
// wave move, on each store: one write for every enrolment, and a refusal
// of one enrolment changes none.
func TestBulkPlanning(t *testing.T) {
	onStores(t, func(t *testing.T, open func() storage.Store) {
		f := newFixtureOn(t, open())
		ctx := context.Background()
		events := func() int { evs, _ := f.store.Events(ctx, "b3", "", 1000); return len(evs) }

		wantIn(t, f.ok("kim: due b3 info 2027-01-28"), "Bølge b3: »Informationsmøde i forvaltningen for brugere« har nu frist 28. januar 2027 for BUF og SUF.")
		w, _ := f.store.Wave(ctx, "b3")
		for _, e := range w.Enrolments {
			if a, _ := e.Activity("info"); a.Due.String() != "2027-01-28" || !a.DueByHand {
				t.Errorf("%s info: %+v", e.FV, a)
			}
		}
		n := events()
		wantIn(t, f.ok("kim: frist b3 info 28.01.2027"), "har allerede frist 28. januar 2027 for alle tilmeldte; intet er ændret")
		if events() != n {
			t.Error("a bulk command that changed nothing wrote events")
		}
		f.unchangedBy("maria: due b3 info 2027-01-29", "KS")
		f.unchangedBy("kim: due b9 info 2027-01-29", "Der er ingen bølge »b9«")
		f.unchangedBy("kim: due b3 info 2027-01-30", "lørdag")

		// One enrolment's refusal stops all: BUF's feedback is due on the 28th.
		f.ok("kim: auth request b3/BUF 2027-01-28")
		f.unchangedBy("kim: due b3 golive 2027-01-27", "Intet er ændret for nogen af bølgens forvaltninger. b3/BUF: Go-live skal ligge efter fristen for tilbagemeldingen på autorisationerne (28. januar 2027).")

		got := f.ok("kim: auth request b3 2027-01-29")
		wantIn(t, got, "Bølge b3: KS har bedt BUF og SUF om tilbagemelding på autorisationerne senest 29. januar 2027.",
			"For BUF er den åbne anmodning erstattet af denne; den gamle står fortsat i loggen.", "Bemærk: b3/SUF har ingen tovholder")
		f.ok("maria: auth ok b3/BUF")
		// The refusal of one enrolment ends with a command, so it comes last.
		f.unchangedBy("kim: auth request b3 2027-01-28", "Intet er ændret for nogen af bølgens forvaltninger. b3/BUF: Tilbagemeldingen er modtaget, men autorisationerne er ikke tildelt endnu. Tildel dem først med: autorisation udført b3/BUF")
		f.ok("kim: auth applied b3/BUF")
		wantIn(t, f.ok("kim: autorisation anmod b3 2027-01-28"), "KS har bedt SUF om", "Ikke spurgt, fordi autorisationerne allerede er tildelt eller sprunget over: BUF.")

		wantIn(t, f.ok("anna: done b3 pc"), "Bølge b3: KS' del af »Sikre korrekt opsætning af PC'er« er bekræftet for BUF og SUF.", "Nu færdig: BUF og SUF.")
		wantIn(t, f.ok("anna: done b3 kickoff"), "Venter nu på forvaltningen: BUF og SUF.")
		wantIn(t, f.ok("anna: færdig b3 opstart"), "allerede bekræftet for alle tilmeldte; intet er ændret")
		f.unchangedBy("anna: done b3 info", "»Informationsmøde i forvaltningen for brugere« er forvaltningens opgave: hver forvaltnings tovholdere melder den færdig.")
		f.unchangedBy("anna: done b3 auth", "bliver færdig, når KS har tildelt autorisationerne")
		f.unchangedBy("maria: done b3 support", "det må kun KS")
		f.unchangedBy("anna: done b3 dance", "Ukendt aktivitet »dance«")

		// Moving the wave moves the template's dates; info was set by hand.
		got = f.ok("kim: wave move b3 2027-02-08")
		wantIn(t, got, "Bølge b3 starter nu 8. februar 2027 i stedet for 1. februar 2027.",
			"»Go-live – test af tilgængelighed til løsninger«: 1. februar 2027 → 8. februar 2027 (BUF og SUF)",
			"Beholdt, fordi fristen er sat i hånden: »Informationsmøde i forvaltningen for brugere« for b3/BUF (28. januar 2027) og »Informationsmøde i forvaltningen for brugere« for b3/SUF (28. januar 2027).")
		if strings.Contains(got, "PC'er") {
			t.Errorf("a done activity moved: %s", got)
		}
		wantIn(t, f.ok("kim: bølge flyt b3 08-02-2027"), "starter allerede 8. februar 2027; intet er ændret")
		f.ok("kim: auth request b3/SUF 2027-02-05")
		f.unchangedBy("kim: wave move b3 2027-02-01", "Intet er ændret for nogen af bølgens forvaltninger. b3/SUF: Go-live skal ligge efter fristen for tilbagemeldingen på autorisationerne (5. februar 2027).")
		f.unchangedBy("maria: wave move b3 2027-02-15", "KS")
		f.unchangedBy("kim: wave move b3 2027-01-19", "allerede passeret")
	})
}

// TestWaveIDInAnyCase: a wave's id is read in any case, as in status and
// ID/FV, also by the commands that change a whole wave.
func TestWaveIDInAnyCase(t *testing.T) {
	onStores(t, func(t *testing.T, open func() storage.Store) {
		f := newFixtureOn(t, open())
		for _, c := range []struct{ line, want string }{
			{"kim: due B3 info 2027-01-28", "Bølge b3: »Informationsmøde i forvaltningen for brugere« har nu frist 28. januar 2027 for BUF og SUF."},
			{"kim: auth request B3 2027-01-27", "Bølge b3: KS har bedt BUF og SUF om tilbagemelding"},
			{"kim: done B3 pc", "Bølge b3: KS' del af »Sikre korrekt opsætning af PC'er« er bekræftet for BUF og SUF."},
			{"kim: wave move B3 2027-02-08", "Bølge b3 starter nu 8. februar 2027"},
			{"anna: wave enroll B3 KFF", "KFF er tilmeldt bølge b3"},
			{"anna: contact B3/SUF @sven", "@sven er nu tovholder for b3/SUF."},
			{"anna: contact B3/KFF @karl", "@karl er nu tovholder for b3/KFF."},
			{"anna: skip B3/BUF evaluation ingen brugere", "KS vil springe »Evaluering« over"},
			{"maria: skip B3/BUF evaluation ingen brugere", "sprunget over"},
			{"anna: skip B3/SUF evaluation ingen brugere", "KS vil springe »Evaluering« over"},
			{"sven: skip B3/SUF evaluation ingen brugere", "sprunget over"},
			{"anna: skip B3/KFF evaluation ingen brugere", "KS vil springe »Evaluering« over"},
			{"karl: skip B3/KFF evaluation ingen brugere", "sprunget over"},
			{"anna: wave close B3", "Bølge b3 er lukket."},
		} {
			wantIn(t, f.ok(c.line), c.want)
		}
	})
}

// TestClosedActivitiesKeepTheirDates: a done or skipped activity keeps
// the date it was planned for, which the close-out report sets beside the
// day it was done: due and eval refuse it for one enrolment, and due for
// a whole wave leaves it out and names where.
func TestClosedActivitiesKeepTheirDates(t *testing.T) {
	onStores(t, func(t *testing.T, open func() storage.Store) {
		f := newFixtureOn(t, open())
		ctx := context.Background()
		f.ok("anna: contact b3/SUF @sven")
		f.ok("anna: done b3 pc")
		f.ok("maria: training b3/BUF nej ingen behov")
		f.ok("anna: skip b3/SUF evaluation ingen brugere i bølgen")
		f.ok("sven: skip b3/SUF evaluation ingen brugere i bølgen")
		for _, c := range []struct{ line, want string }{
			{"kim: due b3/BUF pc 2027-01-29", "b3/BUF: »Sikre korrekt opsætning af PC'er« har status færdig, så fristen ændres ikke længere."},
			{"kim: frist b3/BUF uddannelse 2027-01-29", "b3/BUF: »Uddannelse af brugere« har status færdig, så fristen ændres ikke længere."},
			{"kim: eval b3/SUF 2027-03-01", "b3/SUF: »Evaluering« har status sprunget over, så fristen ændres ikke længere."},
			{"sven: eval b3/SUF 2027-03-01", "b3/SUF: »Evaluering« har status sprunget over"},
			{"kim: due b3 pc 2027-01-29", "Bølge b3: »Sikre korrekt opsætning af PC'er« er færdig eller sprunget over for alle tilmeldte, så ingen frist er ændret."},
		} {
			f.unchangedBy(c.line, c.want)
		}
		wantIn(t, f.ok("kim: due b3 training 2027-01-29"), "Bølge b3: »Uddannelse af brugere« har nu frist 29. januar 2027 for SUF.",
			"Ikke ændret, fordi aktiviteten er færdig eller sprunget over: BUF.")
		wantIn(t, f.ok("kim: due b3 training 2027-01-29"), "Bølge b3: »Uddannelse af brugere« har allerede frist 29. januar 2027, hvor den er åben, og er færdig eller sprunget over for BUF; intet er ændret.")
		w, _ := f.store.Wave(ctx, "b3")
		for _, e := range w.Enrolments {
			for _, a := range e.Activities {
				if a.Status.Closed() && a.DueByHand {
					t.Errorf("%s %s is %v and got a new date: %s", e.FV, a.Key, a.Status, a.Due)
				}
			}
		}
	})
}

// TestClosingAWave: a wave closes after its evaluations, takes no more
// changes but evaluation notes, reminds nobody, stays readable and gives
// its close-out report.
func TestClosingAWave(t *testing.T) {
	onStores(t, func(t *testing.T, open func() storage.Store) {
		f := newFixtureOn(t, open())
		ctx := context.Background()
		f.unchangedBy("anna: wave close b3", "Bølge b3 lukkes først efter evalueringerne, og de mangler for BUF og SUF.")
		wantIn(t, f.ok("maria: eval note b3/BUF god proces – samme plan til næste bølge"), "b3/BUF: Noten fra evalueringen er gemt til afslutningsrapporten.")
		wantIn(t, f.ok("maria: evaluering notat b3/BUF god proces – samme plan til næste bølge"), "Den note er allerede gemt; intet er ændret.")
		f.unchangedBy("vera: eval note b3/BUF ikke min", "KS eller en tovholder for b3/BUF")
		f.unchangedBy("maria: eval note b3/BUF", "Der mangler TEKST.")
		f.unchangedBy("maria: eval note", "Der mangler ID/FV.")
		f.unchangedBy("maria: eval b3/BUF", "Der mangler ÅÅÅÅ-MM-DD.")
		f.ok("anna: contact b3/SUF @sven")
		f.ok("anna: skip b3/SUF evaluation ingen brugere i bølgen")
		f.ok("sven: skip b3/SUF evaluation ingen brugere i bølgen")
		f.unchangedBy("anna: done b3/BUF evaluation", "b3/BUF: Evalueringen kommer efter go-live")
		f.ok("anna: skip b3/BUF golive testet i bølge 2")
		f.ok("maria: skip b3/BUF golive testet i bølge 2")
		f.ok("anna: done b3/BUF evaluation")
		f.ok("maria: done b3/BUF evaluation")
		f.unchangedBy("maria: wave close b3", "KS")

		got := f.ok("anna: bølge luk b3")
		wantIn(t, got, "Bølge b3 er lukket. Ingen får flere påmindelser om den", "Afslutningsrapport – b3 – Bølge 3",
			"Bølgen blev lukket 20. januar 2027 af @anna.", `"Title":"b3/BUF"`, "god proces – samme plan til næste bølge (@maria, 20. januar 2027)",
			"Evaluering: planlagt 1. april 2027, færdig 20. januar 2027 – til tiden", "Evaluering: planlagt 1. april 2027, sprunget over")
		wantIn(t, f.ok("anna: wave close b3"), "Bølge b3 er allerede lukket; intet er ændret.")
		f.unchangedBy("anna: done b3/BUF pc", "Bølge b3 blev lukket 20. januar 2027 og ændres ikke længere.")
		f.unchangedBy("kim: due b3 info 2027-02-10", "blev lukket")
		f.unchangedBy("maria: auth ok b3/BUF", "blev lukket")
		f.unchangedBy("anna: contact b3/BUF @nobody", "blev lukket")
		f.unchangedBy("maria: kontakt b3/BUF sæt @nobody", "blev lukket")
		wantIn(t, f.ok("maria: eval note b3/BUF flere brugervejledninger næste gang"), "er gemt")

		w, _ := f.store.Wave(ctx, "b3")
		if due := f.d.cfg.Policy.Due(w, w.Reminded, w.Reminded.AddDate(1, 0, 0)); len(due) != 0 {
			t.Errorf("a closed wave still reminds: %v", due)
		}
		wantIn(t, f.ok("vera: status"), "Ingen aktive bølger.")
		wantIn(t, f.ok("maria: my"), "Du har ingen åbne opgaver.")
		wantIn(t, f.ok("vera: status b3"), `"Label":"Lukket","Value":"20. januar 2027 af @anna"`)
		got = f.ok("vera: wave list")
		if strings.Contains(got, "b3 – Bølge 3") {
			t.Errorf("wave list shows the closed wave: %s", got)
		}
		wantIn(t, got, "1 lukket bølge vises med: bølge liste --alle")
		wantIn(t, f.ok("vera: bølge liste --alle"), "b3 – Bølge 3 – start 1. februar 2027 – tilmeldt: BUF og SUF – lukket 20. januar 2027")
		f.unchangedBy("vera: wave list --everything", "»--everything« kendes ikke")
		wantIn(t, f.ok("vera: wave report b3"), "flere brugervejledninger næste gang")
		if _, err := f.d.CloseOut(ctx, "b9"); err == nil {
			t.Error("the report of an unknown wave")
		}
	})
}

// TestClosedWaveStatusAsksNothing: long after a wave is closed, its status
// marks nothing overdue, names no next deadline and suggests no command
// the closed wave refuses; status FV says which of its waves is closed.
func TestClosedWaveStatusAsksNothing(t *testing.T) {
	onStores(t, func(t *testing.T, open func() storage.Store) {
		f := newFixtureOn(t, open())
		f.ok("anna: contact b3/SUF @sven")
		for _, who := range []string{"anna", "maria"} {
			f.ok(who + ": skip b3/BUF evaluation ingen brugere i bølgen")
		}
		for _, who := range []string{"anna", "sven"} {
			f.ok(who + ": skip b3/SUF evaluation ingen brugere i bølgen")
		}
		f.ok("anna: contact b3/SUF fjern @sven")
		f.ok("anna: wave close b3")
		f.clock.Advance(20 * 24 * time.Hour)
		for _, line := range []string{"vera: status b3", "vera: status b3/SUF", "vera: status BUF"} {
			got := f.ok(line)
			for _, bad := range []string{"OVERSKREDET", "Overskredet", "Næste frist", "udpeg en med"} {
				if strings.Contains(got, bad) {
					t.Errorf("%s shows %q for a closed wave: %s", line, bad, got)
				}
			}
		}
		wantIn(t, f.ok("vera: status BUF"), `"Label":"Lukket","Value":"20. januar 2027 af @anna"`)
		wantIn(t, f.ok("vera: status b3/SUF"), `"Label":"Tovholder","Value":"ingen"`, `"Label":"Lukket","Value":"20. januar 2027 af @anna"`,
			`"Label":"Autorisationer","Value":"KS bad aldrig om tilbagemelding"`)
	})
}

// TestReportRounds: the close-out report reads the authorization rounds
// from the audit trail: a request replaced before an answer is one round;
// after applying, a new request is a second. An activity done after its
// date counts the business days it was late; one done before, none.
func TestReportRounds(t *testing.T) {
	f := newFixture(t)
	f.ok("anna: auth request b3/BUF 2027-01-26")
	f.clock.Advance(24 * time.Hour)
	f.ok("anna: auth request b3/BUF 2027-01-27")
	f.ok("maria: auth fix b3/BUF NN99 skal være godkender")
	f.clock.Advance(24 * time.Hour)
	f.ok("anna: auth applied b3/BUF")
	f.ok("anna: auth request b3/BUF 2027-01-28")
	f.ok("maria: auth ok b3/BUF")
	f.ok("maria: training b3/BUF no som netbank")
	f.clock.Advance(5 * 24 * time.Hour)
	f.ok("anna: done b3/BUF pc")
	rep, err := f.d.CloseOut(context.Background(), "b3")
	if err != nil {
		t.Fatal(err)
	}
	buf := rep.Enrolments[0]
	// The training was decided and the authorizations applied before
	// their dates, the PCs two business days after theirs.
	var late []string
	for _, a := range buf.Activities {
		if !a.Done.IsZero() {
			late = append(late, fmt.Sprintf("%s %d", a.Key, a.Late))
		}
	}
	if got, want := strings.Join(late, ", "), "training 0, auth 0, pc 2"; got != want {
		t.Errorf("business days late: %s, want %s", got, want)
	}
	var rounds []string
	for i, r := range buf.Rounds {
		rounds = append(rounds, r.Text("da", i+1))
	}
	want := []string{
		"1. runde: bedt om 20. januar 2027, frist 27. januar 2027; rettelser 21. januar 2027: NN99 skal være godkender; tildelt 22. januar 2027",
		"2. runde: bedt om 22. januar 2027, frist 28. januar 2027; bekræftet 22. januar 2027; ikke tildelt",
	}
	if !slices.Equal(rounds, want) {
		t.Errorf("rounds:\n%s\nwant\n%s", strings.Join(rounds, "\n"), strings.Join(want, "\n"))
	}
	if got := buf.TrainingText("da"); got != "ingen uddannelse – som netbank" {
		t.Errorf("training: %q", got)
	}
	if len(rep.Enrolments[1].Rounds) != 0 {
		t.Errorf("SUF was never asked: %+v", rep.Enrolments[1].Rounds)
	}
}

// TestChannelsFollowAWave: subscribe works in a channel only, for KS and
// the contacts; milestones are recorded for the channels that follow
// them and read as the channel's digest.
func TestChannelsFollowAWave(t *testing.T) {
	onStores(t, func(t *testing.T, open func() storage.Store) {
		f := newFixtureOn(t, open())
		ctx := context.Background()
		channel := &Channel{ID: "slack:#CB3", Name: "#bølge-3", Address: "CB3"}
		in := func(who, text string) Reply {
			return f.d.Handle(ctx, Request{Caller: Caller{ID: who}, Text: text, Channel: channel})
		}
		f.unchangedBy("anna: subscribe b3", "Skriv kommandoen i den kanal, der skal have beskederne")
		if r := in("anna", "subscribe b3"); r.Refused || r.Lines[0] != "#bølge-3 følger nu bølge b3. Milepælene kommer samlet kl. 9.00 hver arbejdsdag, når der er nyt." {
			t.Fatalf("subscribe: %s", text(r))
		}
		if r := in("anna", "abonner b3"); r.Refused || !strings.Contains(r.Lines[0], "følger allerede bølge b3; intet er ændret") {
			t.Errorf("again: %s", text(r))
		}
		before := f.snapshot()
		for _, tc := range []struct{ who, text, want string }{
			{"vera", "subscribe b3", "KS eller en tovholder i bølgen"},
			{"maria", "subscribe b3/SUF", "tovholdere for b3/SUF"},
			{"anna", "subscribe b3/TMF", "TMF er ikke tilmeldt bølge b3"},
			{"anna", "subscribe b9", "Der er ingen bølge »b9«"},
		} {
			if r := in(tc.who, tc.text); !r.Refused || !strings.Contains(r.Lines[0], tc.want) {
				t.Errorf("%s: %s", tc.text, text(r))
			}
		}
		if f.snapshot() != before {
			t.Error("a refused subscription changed the store")
		}
		if r := in("maria", "subscribe b3/BUF"); r.Refused {
			t.Errorf("a contact subscribing her enrolment: %s", text(r))
		}

		f.ok("anna: done b3 pc")
		w, _ := f.store.Wave(ctx, "b3")
		morning := f.d.cfg.Policy.DigestAt(f.clock.Now())
		var due []notify.Reminder
		for _, r := range f.d.cfg.Policy.Due(w, w.Reminded, morning) {
			if r.Recipient == "slack:#CB3" {
				due = append(due, r)
			}
		}
		if len(due) != 2 || due[0].Address != "CB3" || !due[0].At.Equal(morning) {
			t.Fatalf("the channel's milestones: %+v", due)
		}
		msg := f.d.Digest(ctx, notify.NewDigest("slack:#CB3", due))
		wantIn(t, text(msg), `"Title":"Nyt fra bølgerne"`, "b3/BUF: »Sikre korrekt opsætning af PC'er« er færdig.", "b3/SUF: »Sikre korrekt opsætning af PC'er« er færdig.")

		if r := in("anna", "unsubscribe b3"); r.Refused || r.Lines[0] != "#bølge-3 følger ikke længere bølge b3." {
			t.Errorf("unsubscribe: %s", text(r))
		}
		if r := in("anna", "afmeld b3"); r.Refused || !strings.Contains(r.Lines[0], "følger ikke bølge b3; intet er ændret") {
			t.Errorf("unsubscribe again: %s", text(r))
		}
	})
}

// TestTimelineReply: the timeline answers with a PNG of the wave and, with
// the pages set up, its signed address.
func TestTimelineReply(t *testing.T) {
	onStores(t, func(t *testing.T, open func() storage.Store) {
		f := newFixtureOn(t, open())
		r := f.do("vera: tidslinje b3")
		if r.Refused || r.Image == nil || r.Image.Name != "tidslinje-b3.png" || r.Image.URL != "" ||
			r.Image.Alt != "Tidslinje for bølge b3: 2 forvaltninger, fra 21. januar 2027 til 1. april 2027" {
			t.Fatalf("timeline: %+v", r)
		}
		img, err := png.Decode(bytes.NewReader(r.Image.PNG))
		if err != nil || img.Bounds().Dx() != 1080 {
			t.Errorf("the picture: %v, %v", err, img.Bounds())
		}
		f.d.cfg.Links = fakeLinks{}
		if r := f.do("vera: timeline b3"); r.Image.URL != "https://wavebot.example/timeline/b3?for=vera" {
			t.Errorf("URL %q", r.Image.URL)
		}
		f.unchangedBy("vera: timeline b9", "Der er ingen bølge »b9«")
	})
}

// TestCalendarFeed: a person's feed holds their deadlines and evaluation
// days, parses as RFC 5545, keeps its UIDs when a date changes, and a
// reset ends the old address.
func TestCalendarFeed(t *testing.T) {
	onStores(t, func(t *testing.T, open func() storage.Store) {
		f := newFixtureOn(t, open())
		ctx := context.Background()
		f.unchangedBy("maria: calendar", "Websiderne er ikke sat op")
		f.d.cfg.Links = fakeLinks{}
		r := f.do("maria: calendar")
		address, ok := strings.CutPrefix(r.Lines[0], "Din kalender: https://wavebot.example/calendar/")
		token := strings.TrimSuffix(address, ".ics")
		if r.Refused || !ok || len(r.Actions) != 1 || r.Actions[0].URL == "" {
			t.Fatalf("calendar: %s", text(r))
		}
		if again := f.do("maria: kalender"); again.Lines[0] != r.Lines[0] {
			t.Errorf("a second call gives another address: %q", again.Lines[0])
		}
		feed := func(token string) []icaltest.Event {
			t.Helper()
			b, err := f.d.CalendarFeed(ctx, token)
			if err != nil {
				t.Fatal(err)
			}
			return icaltest.Events(t, icaltest.Parse(t, b))
		}
		before := feed(token)
		summaries := map[string]string{}
		for _, e := range before {
			summaries[e.UID] = e.Day + " " + e.Summary
		}
		for uid, want := range map[string]string{
			"b3.BUF.kickoff@wavebot":    "2027-01-21 b3/BUF: Opstartsmøde i forvaltningen",
			"b3.BUF.training@wavebot":   "2027-01-25 b3/BUF: beslut om uddannelse af brugerne",
			"b3.BUF.evaluation@wavebot": "2027-04-01 b3/BUF: Evaluering",
		} {
			if summaries[uid] != want {
				t.Errorf("%s = %q, want %q", uid, summaries[uid], want)
			}
		}
		for uid := range summaries {
			if strings.Contains(uid, "SUF") || strings.Contains(uid, ".pc@") {
				t.Errorf("maria's feed holds %s, which is not hers", uid)
			}
		}
		f.ok("anna: due b3/BUF kickoff 2027-01-26")
		f.ok("anna: auth request b3/BUF 2027-01-27")
		after := feed(token)
		var uidsBefore, uidsAfter []string
		for _, e := range before {
			uidsBefore = append(uidsBefore, e.UID)
		}
		for _, e := range after {
			uidsAfter = append(uidsAfter, e.UID)
			if e.UID == "b3.BUF.kickoff@wavebot" && e.Day != "2027-01-26" {
				t.Errorf("the moved kickoff is on %s", e.Day)
			}
		}
		if !slices.Contains(uidsAfter, "b3.BUF.auth-feedback@wavebot") || len(uidsAfter) != len(uidsBefore)+1 {
			t.Errorf("UIDs before %v, after %v: want the same ones and the feedback's", uidsBefore, uidsAfter)
		}
		for _, uid := range uidsBefore {
			if !slices.Contains(uidsAfter, uid) {
				t.Errorf("%s disappeared when a date changed", uid)
			}
		}

		r = f.do("maria: calendar reset")
		wantIn(t, text(r), "Din kalender har fået en ny adresse, og den gamle virker ikke længere.")
		fresh2 := strings.TrimSuffix(strings.TrimPrefix(r.Lines[1], "Din kalender: https://wavebot.example/calendar/"), ".ics")
		if fresh2 == token {
			t.Fatal("reset kept the address")
		}
		if _, err := f.d.CalendarFeed(ctx, token); !errors.Is(err, ErrNoCalendar) {
			t.Errorf("the old address after a reset: %v", err)
		}
		feed(fresh2)
		for _, bad := range []string{"", ".", "bWFyaWE", "bWFyaWE.", "bWFyaWE.wrong", "!!!.x", strings.Repeat("x", 300) + ".y", "dmVyYQ.x"} {
			if _, err := f.d.CalendarFeed(ctx, bad); !errors.Is(err, ErrNoCalendar) {
				t.Errorf("CalendarFeed(%q) = %v, want ErrNoCalendar", bad, err)
			}
		}
		f.unchangedBy("maria: calendar later", "»later« kendes ikke")
	})
}

// TestAuthLate: the authorization feedback and KS applying it are late
// from the day after their date; on the date itself they are not.
func TestAuthLate(t *testing.T) {
	today, err := wave.ParseDate("2027-02-18")
	if err != nil {
		t.Fatal(err)
	}
	yesterday := today.AddDays(-1)
	tests := []struct {
		name  string
		auth  *wave.AuthRequest
		late  bool
		short string
	}{
		{"not asked", nil, false, "ikke bedt om endnu"},
		{"due today", &wave.AuthRequest{State: wave.AuthRequested, Due: today}, false, "venter, frist 18. feb."},
		{"due yesterday", &wave.AuthRequest{State: wave.AuthRequested, Due: yesterday}, true, "venter, frist 17. feb. – OVERSKREDET"},
		{"to apply today", &wave.AuthRequest{State: wave.AuthAnswered, ApplyBy: today}, false, "besvaret, tildeles senest 18. feb."},
		{"to apply yesterday", &wave.AuthRequest{State: wave.AuthAnswered, ApplyBy: yesterday}, true, "besvaret, tildeles senest 17. feb. – OVERSKREDET"},
	}
	for _, tt := range tests {
		e := wave.Enrolment{FV: "BUF", Auth: tt.auth}
		if got := authLate(e, today); got != tt.late {
			t.Errorf("%s: authLate = %v, want %v", tt.name, got, tt.late)
		}
		if got := authShort("da", e, today); got != tt.short {
			t.Errorf("%s: authShort = %q, want %q", tt.name, got, tt.short)
		}
	}
}

// TestRounds: a request opens a round of the authorization feedback and,
// while it is unanswered, a new date replaces its own; an answer with
// corrections keeps it open until applied, and a request after that
// answer opens a new round. Other enrolments' events are not counted.
func TestRounds(t *testing.T) {
	c := wave.Copenhagen()
	at := func(day int) time.Time { return time.Date(2027, 2, day, 10, 0, 0, 0, time.UTC) }
	d := func(s string) wave.Date {
		day, err := wave.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return day
	}
	events := []wave.Event{
		{At: at(1), FV: "BUF", Action: actAuthRequest, After: "2027-02-10"},
		{At: at(2), FV: "BUF", Action: actAuthRequest, After: "2027-02-12"},
		{At: at(2), FV: "SUF", Action: actAuthRequest, After: "2027-02-19"},
		{At: at(3), FV: "BUF", Action: actAuthAnswer, After: "two rows wrong"},
		{At: at(4), FV: "BUF", Action: actAuthRequest, After: "2027-02-15"},
		{At: at(5), FV: "BUF", Action: actAuthAnswer, After: authAnswerOK},
		{At: at(8), FV: "BUF", Action: actAuthApply},
	}
	want := []closeout.Round{
		{Asked: d("2027-02-01"), Due: d("2027-02-12"), Answered: d("2027-02-03"), Note: "two rows wrong"},
		{Asked: d("2027-02-04"), Due: d("2027-02-15"), Answered: d("2027-02-05"), OK: true, Applied: d("2027-02-08")},
	}
	if got := rounds(c, events, "BUF"); !slices.Equal(got, want) {
		t.Errorf("rounds\n%+v\nwant\n%+v", got, want)
	}
}
