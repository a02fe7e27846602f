package commands

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"wavebot/internal/clock"
	"wavebot/notify"
	"wavebot/storage"
	"wavebot/storage/bolt"
	"wavebot/storage/redis"
	"wavebot/storage/redis/redistest"
	"wavebot/wave"
)

// The rules of the source's process (issue 9), each as a table of commands
// through Handle on the bolt store and on a real Redis. A step's reply
// must hold want; a refusal must change nothing at all.

// step is one command of a table and what must come of it.
type step struct {
	line    string
	want    string
	refused bool
}

// onBothStores runs test on the fixture on bolt and on a real Redis.
func onBothStores(t *testing.T, test func(t *testing.T, f *fixture)) {
	t.Run("bolt", func(t *testing.T) { test(t, newFixture(t)) })
	t.Run("redis", func(t *testing.T) {
		f, _ := newRedisFixture(t, redistest.URL(t))
		test(t, f)
	})
}

// play runs the steps in order.
func (f *fixture) play(t *testing.T, steps []step) {
	t.Helper()
	for _, s := range steps {
		before := f.snapshot()
		r := f.do(s.line)
		got := strings.Join(r.Lines, "\n") + "\n" + text(r)
		switch {
		case r.Refused != s.refused:
			t.Errorf("%s: refused %v, want %v: %s", s.line, r.Refused, s.refused, strings.Join(r.Lines, " | "))
		case !strings.Contains(got, s.want):
			t.Errorf("%s:\n got %s\nwant %q", s.line, strings.Join(r.Lines, " | "), s.want)
		}
		if s.refused && f.snapshot() != before {
			t.Errorf("%s was refused and changed the store", s.line)
		}
	}
}

// TestSharedActivitiesNeedBothSides: done by KS confirms KS's part of a
// KS+FV activity, done by a contact of the enrolment the forvaltning's;
// the activity is done when both have; status says who is missing; each
// side skips only what it answers for, a shared activity only with the
// other side's word too, and a skip gives its reason.
func TestSharedActivitiesNeedBothSides(t *testing.T) {
	onBothStores(t, func(t *testing.T, f *fixture) {
		f.play(t, []step{
			{line: "anna: done b3/BUF kickoff", want: "b3/BUF: KS' del af »Opstartsmøde i forvaltningen« er bekræftet; aktiviteten venter nu på forvaltningen."},
			{line: "vera: status b3/BUF", want: "opstart – Opstartsmøde i forvaltningen (KS+FV) – 21. januar 2027 – i gang – venter på forvaltningen"},
			{line: "kim: done b3/BUF kickoff", want: "KS' del af »Opstartsmøde i forvaltningen« er allerede bekræftet; aktiviteten venter på forvaltningen. Intet er ændret."},
			{line: "vera: done b3/BUF kickoff", want: "Kun KS eller en tovholder for b3/BUF må ændre »Opstartsmøde i forvaltningen«.", refused: true},
			{line: "maria: done b3/BUF kickoff held 21 January", want: "b3/BUF: Begge sider har bekræftet deres del af »Opstartsmøde i forvaltningen«, som nu har status færdig."},
			{line: "anna: done b3/BUF pc", want: "har nu status færdig"},
			{line: "anna: auth request b3/BUF 2027-01-27", want: "KS har bedt om tilbagemelding"},
			{line: "maria: auth ok b3/BUF", want: "Tak"},
			{line: "anna: auth applied b3/BUF", want: "Autorisationerne er tildelt"},
			{line: "maria: done b3/BUF golive", want: "b3/BUF: Forvaltningens del af »Go-live – test af tilgængelighed til løsninger« er bekræftet; aktiviteten venter nu på KS."},
			{line: "vera: status b3/BUF", want: "golive – Go-live – test af tilgængelighed til løsninger (KS+FV) – 1. februar 2027 – i gang – venter på KS"},
			{line: "maria: done b3/BUF pc", want: "er en KS-opgave", refused: true},
			{line: "maria: skip b3/BUF evaluation no time", want: "b3/BUF: Forvaltningen vil springe »Evaluering« over (no time); den springes over, når KS også har sagt det."},
			{line: "maria: skip b3/BUF pc not needed", want: "er en KS-opgave", refused: true},
			{line: "anna: skip b3/BUF loadtest", want: "Der mangler BEGRUNDELSE.", refused: true},
			{line: "maria: skip b3/BUF info held with the kick-off", want: "»Informationsmøde i forvaltningen for brugere« har nu status sprunget over."},
			{line: "anna: skip b3/BUF loadtest few users", want: "»Belastningstest« har nu status sprunget over."},
			{line: "anna: skip b3/SUF golive SUF goes live in wave 4", want: "b3/SUF: KS vil springe »Go-live – test af tilgængelighed til løsninger« over (SUF goes live in wave 4); den springes over, når forvaltningen også har sagt det."},
			{line: "anna: log b3/BUF", want: "@maria b3/BUF: bekræftede en del af »Opstartsmøde i forvaltningen«: forvaltningens del"},
			{line: "anna: log b3/BUF", want: "@maria b3/BUF: ændrede status for »Opstartsmøde i forvaltningen« fra i gang til færdig"},
			{line: "anna: log b3/BUF", want: "@anna b3/BUF: bekræftede en del af »Opstartsmøde i forvaltningen«: KS' del"},
		})
		w, _ := f.store.Wave(context.Background(), "b3")
		e, _ := w.Enrolment("BUF")
		a, _ := e.Activity("kickoff")
		if a.Status != wave.StatusDone || a.Parts.KS.By != "anna" || a.Parts.FV.By != "maria" || a.Note != "held 21 January" {
			t.Errorf("kickoff %+v", a)
		}
	})
}

// TestAuthorizationsAreAppliedByKS: the authorization activity is done by
// auth applied alone; an answer tells the lead and gives KS a date; a new
// request replaces an open one and says so.
func TestAuthorizationsAreAppliedByKS(t *testing.T) {
	onBothStores(t, func(t *testing.T, f *fixture) {
		f.play(t, []step{
			{line: "anna: done b3/BUF auth", want: "bliver færdig, når KS har tildelt autorisationerne efter forvaltningens tilbagemelding", refused: true},
			{line: "maria: done b3/BUF auth", want: "Når KS har bedt om den, svarer I med autorisation ok b3/BUF eller autorisation ret b3/BUF NOTE.", refused: true},
			{line: "anna: auth request b3/BUF 2027-01-27", want: "b3/BUF: KS har bedt om tilbagemelding på autorisationerne senest 27. januar 2027."},
			{line: "anna: auth request b3/BUF 2027-01-28", want: "Den åbne anmodning med frist 27. januar 2027 er erstattet af denne; den står fortsat i loggen."},
			{line: "anna: log b3/BUF", want: "bad om tilbagemelding på autorisationerne fra 27. januar 2027 til 28. januar 2027"},
			{line: "maria: auth ok b3/BUF", want: "b3/BUF: Tak, autorisationerne er bekræftet. KS-projektlederen @anna får besked nu og afslutter autorisationerne senest 25. januar 2027."},
			{line: "vera: status b3/BUF", want: "bekræftet af @maria; venter på, at KS afslutter autorisationerne senest 25. januar 2027"},
			{line: "anna: my", want: "25. januar 2027: b3/BUF – tildel autorisationerne efter tilbagemeldingen (autorisation udført)"},
			{line: "anna: remind list", want: "torsdag 21. januar 2027 kl. 9.00: b3/BUF/autorisation – b3/BUF: KS skal tildele autorisationerne efter forvaltningens tilbagemelding senest 25. januar 2027."},
			{line: "anna: auth request b3/BUF 2027-01-29", want: "Tildel dem først med: autorisation udført b3/BUF", refused: true},
			{line: "anna: done b3/BUF auth", want: "autorisation udført b3/BUF", refused: true},
			{line: "kim: auth applied b3/BUF", want: "b3/BUF: Autorisationerne er tildelt, og aktiviteten er færdig."},
			{line: "vera: status b3/BUF", want: "✓ autorisation"},
		})
	})
}

// TestTrainingIsADecision: training waits for the forvaltning's decision;
// no is the activity done as decided, yes gives it a date; status shows
// the decision.
func TestTrainingIsADecision(t *testing.T) {
	onBothStores(t, func(t *testing.T, f *fixture) {
		f.play(t, []step{
			{line: "vera: status b3/BUF", want: "uddannelse – Uddannelse af brugere (FV) – 25. januar 2027 – afventer forvaltningens beslutning om uddannelse"},
			{line: "maria: my", want: "25. januar 2027: b3/BUF – beslut, om brugerne skal uddannes (uddannelse b3/BUF nej eller ja ÅÅÅÅ-MM-DD)"},
			{line: "maria: remind list", want: "b3/BUF/uddannelse – b3/BUF: Forvaltningen skal senest 25. januar 2027 beslutte, om brugerne skal uddannes i løsningerne."},
			{line: "maria: done b3/BUF training", want: "b3/BUF: Forvaltningen har ikke besluttet, om brugerne skal uddannes. Beslut det først: uddannelse b3/BUF nej [BEGRUNDELSE] eller uddannelse b3/BUF ja ÅÅÅÅ-MM-DD", refused: true},
			{line: "anna: skip b3/BUF training not needed", want: "»Uddannelse af brugere« er forvaltningens opgave", refused: true},
			{line: "maria: skip b3/BUF training not needed", want: "Beslut det først", refused: true},
			{line: "maria: training b3/BUF maybe", want: "»maybe« er hverken nej eller ja.", refused: true},
			{line: "maria: training b3/BUF", want: "Der mangler nej [BEGRUNDELSE …] | ja ÅÅÅÅ-MM-DD.", refused: true},
			{line: "maria: training b3/BUF yes", want: "Der mangler ÅÅÅÅ-MM-DD.", refused: true},
			{line: "maria: training b3/BUF ja 2027-01-23", want: "23. januar 2027 er en lørdag og ikke en arbejdsdag. Vælg en arbejdsdag, fx 25. januar 2027.", refused: true},
			{line: "maria: training b3/BUF ja 2027-01-19", want: "19. januar 2027 er allerede passeret; i dag er det 20. januar 2027.", refused: true},
			{line: "maria: training b3/BUF yes 2027-01-28 extra", want: "Kommandoen kan ikke bruge »extra«.", refused: true},
			{line: "anna: training b3/BUF nej", want: "det må kun tovholdere for b3/BUF", refused: true},
			{line: "maria: uddannelse b3/BUF nej løsningerne ligner netbank", want: "b3/BUF: Beslutningen er registreret: brugerne skal ikke uddannes, og »Uddannelse af brugere« er færdig som besluttet."},
			{line: "vera: status b3/BUF", want: "✓ uddannelse – Uddannelse af brugere (FV) – 25. januar 2027 – besluttet: ingen uddannelse (@maria) – løsningerne ligner netbank"},
			{line: "maria: training b3/BUF yes 2027-01-28", want: "b3/BUF: Beslutningen er registreret: forvaltningen uddanner selv brugerne senest 28. januar 2027."},
			{line: "vera: status b3/BUF", want: "○ uddannelse – Uddannelse af brugere (FV) – 28. januar 2027 – ikke begyndt – forvaltningen uddanner selv – besluttet af @maria"},
			{line: "maria: done b3/BUF training", want: "»Uddannelse af brugere« har nu status færdig."},
			{line: "anna: log b3/BUF", want: "@maria b3/BUF: besluttede om uddannelse: ingen uddannelse (løsningerne ligner netbank)"},
			{line: "anna: log b3/BUF", want: "@maria b3/BUF: besluttede om uddannelse: uddannelse senest 2027-01-28"},
		})
	})
}

// TestContactsBelongToTheEnrolment: being named for b3/BUF is acting for
// b3/BUF, nothing more; contacts are removed and replaced; a role change
// that ends duties says which enrolments are left.
func TestContactsBelongToTheEnrolment(t *testing.T) {
	onBothStores(t, func(t *testing.T, f *fixture) {
		f.play(t, []step{
			{line: "anna: wave create b4 2027-03-01 Bølge 4", want: "Bølge b4"},
			{line: "anna: wave enroll b4 BUF", want: "BUF er tilmeldt bølge b4"},
			{line: "anna: auth request b4/BUF 2027-02-24", want: "ingen tovholder"},
			// maria is named for b3/BUF, not for b4/BUF.
			{line: "maria: auth ok b4/BUF", want: "Det må du ikke: det må kun tovholdere for b4/BUF.", refused: true},
			{line: "maria: done b4/BUF info", want: "kun en tovholder for b4/BUF må ændre den", refused: true},
			{line: "maria: contact b4/BUF @jens", want: "KS eller en tovholder for b4/BUF", refused: true},
			{line: "maria: training b4/BUF no", want: "tovholdere for b4/BUF", refused: true},
			{line: "anna: contact b3/BUF @jens @sofie", want: "@jens og @sofie er nu tovholdere for b3/BUF.\n@jens og @sofie får en velkomst med forvaltningens aktiviteter og frister."},
			{line: "anna: contact b3/BUF @maria @jens @lis", want: "@lis er nu tovholder for b3/BUF.\n@lis får en velkomst med forvaltningens aktiviteter og frister.\n@maria og @jens var allerede tovholdere for b3/BUF."},
			{line: "anna: contact b3/BUF remove @lis", want: "@lis er ikke længere tovholder"},
			{line: "jens: contact b3/BUF remove @sofie", want: "@sofie er ikke længere tovholder for b3/BUF og får ikke flere påmindelser om den."},
			{line: "anna: contact b3/BUF remove @vera @sofie", want: "@vera og @sofie står ikke på listen over tovholdere for b3/BUF.", refused: true},
			{line: "anna: contact b3/BUF fjern @x!", want: "»@x!« er ikke en person", refused: true},
			{line: "anna: contact b3/BUF sæt @jens", want: "@maria er ikke længere tovholder for b3/BUF og får ikke flere påmindelser om den."},
			{line: "maria: done b3/BUF info", want: "kun en tovholder for b3/BUF", refused: true},
			{line: "anna: kontakt b3/BUF fjern @jens", want: "b3/BUF har nu ingen tovholder. KS-projektlederen får påmindelser, til en ny er udpeget med: kontakt b3/BUF @person"},
			{line: "anna: remind list", want: "b3/BUF – b3/BUF har ingen tovholder"},
			{line: "anna: contact b3/BUF @maria", want: "@maria er nu tovholder for b3/BUF."},
			{line: "anna: role @maria viewer", want: "@maria har nu rollen læser.\n@maria er ikke længere tovholder for b3/BUF og KØR workflow i BUF og får ikke flere påmindelser om dem."},
			{line: "anna: role @kim contact BUF", want: "@kim har nu rollen tovholder for b3/BUF og b4/BUF."},
			{line: "anna: role @kim contact BUF", want: "@kim har allerede rollen tovholder for b3/BUF og b4/BUF; intet er ændret."},
			{line: "kim: auth ok b4/BUF", want: "Tak, autorisationerne er bekræftet"},
			{line: "anna: role @kim contact KFF", want: "KFF er ikke tilmeldt en aktiv bølge. Tovholdere udpeges for en tilmelding: kontakt ID/KFF @person", refused: true},
			{line: "anna: contact b3/SUF @sofie", want: "@sofie er nu tovholder for b3/SUF."},
			{line: "anna: role @sofie ks", want: "@sofie er tovholder for b3/SUF og kan derfor ikke få en KS-rolle", refused: true},
			{line: "anna: log b3/BUF", want: "@anna b3/BUF: fjernede tovholder @jens"},
			{line: "anna: log b3/BUF", want: "@anna b3/BUF: fjernede tovholder @maria"},
		})
		ctx := context.Background()
		for id, want := range map[string]wave.Role{"maria": wave.RoleViewer, "jens": wave.RoleViewer, "kim": wave.RoleContact, "sofie": wave.RoleContact} {
			if p, _ := f.store.Person(ctx, id); p.Role != want {
				t.Errorf("%s is %s, want %s", id, p.Role, want)
			}
		}
		w, _ := f.store.Wave(ctx, "b3")
		if e, _ := w.Enrolment("BUF"); !slices.Equal(e.Contacts, []string{"kim"}) {
			t.Errorf("b3/BUF contacts %v", e.Contacts)
		}
	})
}

// TestNothingIsBornOverdue: an enrolment made after default dates have
// passed moves them to the coming business days and says which; the lead
// hears about a missing contact from the business day after enrolment.
func TestNothingIsBornOverdue(t *testing.T) {
	onBothStores(t, func(t *testing.T, f *fixture) {
		f.play(t, []step{
			{line: "anna: wave create b5 2027-02-01 Bølge 5", want: "Bølge b5"},
			{line: "anna: wave enroll b5 KFF", want: "b5/KFF: Nogle frister var allerede passeret, så de er flyttet til de kommende arbejdsdage, og aktiviteterne holder deres rækkefølge: " +
				"»Opstartsmøde i forvaltningen« til 21. januar 2027 og »Informationsmøde i forvaltningen for brugere« til 22. januar 2027."},
			// A wave that starts tomorrow: go-live follows the authorizations
			// and the PCs instead of coming before them.
			{line: "anna: wave create b6 2027-01-21 Bølge 6", want: "Bølge b6"},
			{line: "anna: wave enroll b6 KFF", want: "»Sikre korrekt autorisation af brugere« til 26. januar 2027, " +
				"»Sikre korrekt opsætning af PC'er« til 27. januar 2027 og »Go-live – test af tilgængelighed til løsninger« til 28. januar 2027."},
			{line: "vera: status b5/KFF", want: `"Label":"Overskredet","Value":"intet"`},
			{line: "anna: remind list", want: "torsdag 21. januar 2027 kl. 9.00: b5/KFF – b5/KFF har ingen tovholder, og bølgen starter 1. februar 2027."},
		})
		f.clock.Set(time.Date(2027, 2, 3, 11, 0, 0, 0, time.UTC)) // Wednesday, after go-live
		f.play(t, []step{
			{line: "anna: wave enroll b5 SOF", want: "»Opstartsmøde i forvaltningen« til 4. februar 2027, »Informationsmøde i forvaltningen for brugere« til 5. februar 2027, " +
				"»Uddannelse af brugere« til 8. februar 2027, »Sikre korrekt autorisation af brugere« til 9. februar 2027, " +
				"»Sikre korrekt opsætning af PC'er« til 10. februar 2027 og »Go-live – test af tilgængelighed til løsninger« til 11. februar 2027."},
			{line: "vera: status b5/SOF", want: `"Label":"Overskredet","Value":"intet"`},
		})
	})
}

// TestDatesInTheSourcesOrder: the default dates follow the source's table,
// and status never lists an activity before one due earlier.
func TestDatesInTheSourcesOrder(t *testing.T) {
	onBothStores(t, func(t *testing.T, f *fixture) {
		order := func() string {
			r := f.do("vera: status b3/BUF")
			var keys []string
			for _, l := range r.Lines {
				keys = append(keys, strings.Fields(l)[1])
			}
			return strings.Join(keys, " ")
		}
		if got := order(); got != "opstart info uddannelse autorisation pc golive support belastningstest evaluering" {
			t.Errorf("default order %s", got)
		}
		f.ok("anna: due b3/BUF info 2027-02-03")
		f.ok("anna: due b3/BUF loadtest 2027-02-08")
		if got := order(); got != "opstart uddannelse autorisation pc golive info belastningstest support evaluering" {
			t.Errorf("after moving info and the load test: %s", got)
		}
	})
}

// TestDeadlinesAPersonCanMeet: a deadline is a business day that has not
// passed, and the feedback comes before go-live; each refusal says why.
func TestDeadlinesAPersonCanMeet(t *testing.T) {
	onBothStores(t, func(t *testing.T, f *fixture) {
		f.play(t, []step{
			{line: "anna: due b3/BUF info 2027-01-23", want: "23. januar 2027 er en lørdag og ikke en arbejdsdag. Vælg en arbejdsdag, fx 25. januar 2027.", refused: true},
			{line: "anna: due b3/BUF info 2027-01-19", want: "19. januar 2027 er allerede passeret; i dag er det 20. januar 2027.", refused: true},
			{line: "anna: eval b3/BUF 2027-03-29", want: "29. marts 2027 er en helligdag og ikke en arbejdsdag. Vælg en arbejdsdag, fx 30. marts 2027.", refused: true},
			{line: "maria: eval b3/BUF 2027-12-24", want: "24. december 2027 er en lukkedag i kommunen og ikke en arbejdsdag. Vælg en arbejdsdag, fx 27. december 2027.", refused: true},
			{line: "anna: auth request b3/BUF 2027-01-31", want: "31. januar 2027 er en søndag", refused: true},
			{line: "anna: auth request b3/BUF 2027-02-01", want: "b3/BUF: Fristen for tilbagemeldingen skal ligge før go-live (1. februar 2027), så brugerne har de rigtige autorisationer, når løsningerne åbner.", refused: true},
			{line: "anna: wave create b6 2027-01-01", want: "1. januar 2027 er allerede passeret", refused: true},
			{line: "anna: wave create b6 2027-03-26", want: "26. marts 2027 er en helligdag", refused: true},
			{line: "maria: workflow BUF due group 2027-01-24", want: "24. januar 2027 er en søndag", refused: true},
			{line: "anna: auth request b3/BUF 2027-01-29", want: "senest 29. januar 2027"},
			{line: "anna: due b3/BUF golive 2027-01-28", want: "b3/BUF: Go-live skal ligge efter fristen for tilbagemeldingen på autorisationerne (29. januar 2027).", refused: true},
			{line: "anna: due b3/BUF golive 2027-02-02", want: "»Go-live – test af tilgængelighed til løsninger« har nu frist 2. februar 2027."},
			{line: "anna: eval b3/BUF 2027-03-30", want: "»Evaluering« har nu frist 30. marts 2027."},
			{line: "kim: lang en", want: "English"},
			{line: "kim: due b3/BUF info 2027-01-23", want: "23 January 2027 is a Saturday, not a business day. Pick a business day, e.g. 25 January 2027.", refused: true},
			{line: "kim: eval b3/BUF 2027-03-29", want: "29 March 2027 is a public holiday, not a business day.", refused: true},
		})
	})
}

// TestWorkflowTrack: a forvaltning has one KØR workflow track, in a wave
// or not (issue 22, points 1–4): its own central working group, which KS
// starts and its contacts grow; the forvaltning's steps are done and
// dated by those contacts alone, KS presents and authorizes, and does the
// forvaltning's steps only while project management is agreed; teaching
// is KS's under an agreement; only the order the source fixes holds.
func TestWorkflowTrack(t *testing.T) {
	onBothStores(t, func(t *testing.T, f *fixture) {
		f.play(t, []step{
			{line: "maria: workflow BUF", want: "KØR workflow – BUF"},
			{line: "maria: workflow b3/BUF", want: "Central arbejdsgruppe (tovholdere): @maria"},
			// Any order but the source's: decisions before the working group.
			{line: "maria: workflow BUF done decisions", want: "KØR workflow i BUF: Trinnet »Centrale beslutninger: roller (attestant, godkender, dispatcher/fakturafordeler), stillingsniveauer, beløbsgrænser, org.nr. hierarki« er færdigt."},
			{line: "maria: workflow BUF færdig arbejdsgruppe", want: "er færdigt"},
			{line: "maria: workflow BUF done template", want: "KØR workflow i BUF: »Udfyldelse af autorisationsskabelon« kommer efter »Præsentationsmøde for berørte enheder/medarbejdere (KS præsenterer KØR workflow)«, som ikke er færdigt endnu.", refused: true},
			// KS may not do or date the forvaltning's steps.
			{line: "kim: workflow BUF undo decisions", want: "er forvaltningens trin: kun en tovholder for KØR workflow i BUF", refused: true},
			{line: "kim: workflow BUF due deliver 2027-01-27", want: "er forvaltningens trin", refused: true},
			{line: "maria: workflow BUF done presentation", want: "KØR workflow i BUF: Forvaltningens del af trinnet »Præsentationsmøde for berørte enheder/medarbejdere (KS præsenterer KØR workflow)« er bekræftet; trinnet venter nu på KS."},
			{line: "maria: workflow BUF done presentation", want: "er allerede bekræftet; trinnet venter på KS. Intet er ændret."},
			{line: "maria: workflow BUF undo decisions", want: "er ikke længere færdigt"},
			{line: "kim: workflow BUF done presentation", want: "KØR workflow i BUF: Trinnet »Præsentationsmøde for berørte enheder/medarbejdere (KS præsenterer KØR workflow)« er færdigt."},
			{line: "maria: workflow BUF done template", want: "er færdigt"},
			{line: "maria: workflow BUF undo presentation", want: "»Præsentationsmøde for berørte enheder/medarbejdere (KS præsenterer KØR workflow)« kan ikke fortrydes, mens det senere trin »Udfyldelse af autorisationsskabelon« er færdigt eller i gang.", refused: true},
			{line: "kim: workflow BUF done authorize", want: "»Autorisere brugere til workflow« kommer efter »Aflevere udfyldt autorisationsskabelon til Brugeradministrationen«, som ikke er færdigt endnu.", refused: true},
			{line: "maria: workflow BUF done authorize", want: "er en KS-opgave", refused: true},
			{line: "maria: workflow BUF due deliver 2027-01-27", want: "KØR workflow i BUF: Trinnet »Aflevere udfyldt autorisationsskabelon til Brugeradministrationen« har nu frist 27. januar 2027."},
			{line: "vera: workflow BUF due deliver 2027-01-28", want: "kun en tovholder for KØR workflow i BUF", refused: true},
			{line: "maria: workflow BUF due authorize 2027-01-28", want: "»Autorisere brugere til workflow« er en KS-opgave: kun KS-medarbejdere må ændre den.", refused: true},
			{line: "kim: workflow BUF due authorize 2027-01-28", want: "KØR workflow i BUF: Trinnet »Autorisere brugere til workflow« har nu frist 28. januar 2027."},
			{line: "maria: workflow BUF due deliver", want: "Der mangler ÅÅÅÅ-MM-DD.", refused: true},
			{line: "maria: workflow BUF frist", want: "Der mangler TRIN.", refused: true},
			{line: "maria: workflow BUF due lunch 2027-01-28", want: "Ukendt trin »lunch«", refused: true},
			{line: "maria: my", want: "27. januar 2027: BUF KØR workflow – Aflevere udfyldt autorisationsskabelon til Brugeradministrationen"},
			{line: "maria: remind list", want: "mandag 25. januar 2027 kl. 9.00: BUF/aflevering – BUF: KØR workflow-trinnet »Aflevere udfyldt autorisationsskabelon til Brugeradministrationen« har frist 27. januar 2027."},
			{line: "maria: remind snooze BUF/aflever 1d", want: "Påmindelser om BUF/aflevering er udsat 1 arbejdsdag"},
			{line: "kim: remind snooze BUF/deliver 1d", want: "Du får ingen påmindelser om BUF/aflevering.", refused: true},
			{line: "vera: status BUF", want: "○ aflevering – Aflevere udfyldt autorisationsskabelon til Brugeradministrationen (FV) – 27. januar 2027"},
			{line: "vera: status BUF", want: "✓ præsentation – Præsentationsmøde for berørte enheder/medarbejdere (KS præsenterer KØR workflow) (KS+FV) – @kim"},
			{line: "vera: log BUF", want: "@maria BUF: bekræftede en del af »Præsentationsmøde for berørte enheder/medarbejdere (KS præsenterer KØR workflow)«: forvaltningens del"},
			{line: "vera: log BUF", want: "@maria BUF: ændrede fristen for trinnet »Aflevere udfyldt autorisationsskabelon til Brugeradministrationen« til 2027-01-27"},
			{line: "maria: workflow BUF done deliver", want: "er færdigt"},
			{line: "kim: workflow BUF done authorize", want: "KØR workflow i BUF: Trinnet »Autorisere brugere til workflow« er færdigt."},
			// One track however many waves: b4 shares it.
			{line: "anna: wave create b4 2027-03-01", want: "Bølge b4"},
			{line: "anna: wave enroll b4 BUF", want: "BUF er tilmeldt"},
			{line: "maria: workflow BUF", want: "5 færdige, 1 åben"},
			{line: "maria: workflow b4/BUF", want: "5 færdige, 1 åben"},
			// A forvaltning in no wave has its track all the same; KS names
			// the first contact, a contact the next; never a KS person.
			{line: "anna: workflow KFF", want: "KØR workflow – KFF"},
			{line: "vera: workflow KFF contact @vera", want: "det må kun KS eller en tovholder for KØR workflow i KFF.", refused: true},
			{line: "anna: workflow KFF contact @kim", want: "@kim er KS-medarbejder og kan derfor ikke være forvaltningens tovholder", refused: true},
			{line: "anna: workflow KFF contact @lis", want: "@lis er nu tovholder for KØR workflow i KFF."},
			{line: "lis: workflow KFF contact @ole", want: "@ole er nu tovholder for KØR workflow i KFF."},
			{line: "vera: workflow KFF contact remove @ole", want: "det må kun KS eller en tovholder for KØR workflow i KFF", refused: true},
			{line: "lis: workflow KFF contact remove @ole", want: "@ole er ikke længere tovholder for KØR workflow i KFF"},
			{line: "lis: workflow KFF due decisions 2027-02-10", want: "har nu frist 10. februar 2027"},
			{line: "anna: workflow KFF done decisions", want: "er forvaltningens trin", refused: true},
			// Efter konkret aftale: project management lets KS do the steps.
			{line: "anna: workflow KFF agreement projektledelse", want: "Kun en tovholder for KØR workflow i KFF kan indgå eller afslutte en aftale med KS.", refused: true},
			{line: "lis: workflow KFF aftale projektledelse hele forløbet", want: "KØR workflow i KFF: KS varetager nu projektledelse efter konkret aftale."},
			{line: "lis: workflow KFF", want: "Efter konkret aftale varetager KS: projektledelse (aftalt af @lis 20. januar 2027: hele forløbet)"},
			{line: "anna: workflow KFF due group 2027-02-03", want: "har nu frist 3. februar 2027"},
			{line: "anna: workflow KFF done presentation", want: "KS' del af trinnet"},
			// One person, one side: the forvaltning's word comes from someone else.
			{line: "anna: workflow KFF done presentation", want: "@anna har allerede givet sit ord for KS", refused: true},
			{line: "kim: workflow KFF done presentation", want: "Trinnet »Præsentationsmøde for berørte enheder/medarbejdere (KS præsenterer KØR workflow)« er færdigt."},
			{line: "anna: workflow KFF teaching 2027-02-04", want: "KFF har ingen aftale om undervisning", refused: true},
			{line: "lis: workflow KFF agreement undervisning", want: "KS varetager nu undervisning"},
			{line: "lis: workflow KFF teaching 2027-02-04", want: "kun KS", refused: true},
			{line: "anna: workflow KFF undervisning 2027-02-04 for dispatchere", want: "KØR workflow i KFF: Undervisning ved KS er planlagt 4. februar 2027."},
			{line: "anna: workflow KFF teaching 2027-02-04", want: "allerede planlagt undervisning", refused: false},
			{line: "anna: workflow KFF teaching done 2027-02-04", want: "Undervisningen 4. februar 2027 er holdt."},
			{line: "lis: workflow KFF agreement end projektledelse", want: "Aftalen om projektledelse er afsluttet"},
			{line: "anna: workflow KFF done group", want: "er forvaltningens trin", refused: true},
			{line: "lis: workflow KFF agreement end", want: "Aftalen om undervisning er afsluttet"},
			{line: "lis: workflow KFF agreement end", want: "har ingen aftale med KS om det; intet er ændret."},
			{line: "lis: workflow KFF agreement lunch", want: "Ukendt aftale »lunch«", refused: true},
			{line: "vera: log KFF", want: "@lis KFF: indgik aftale med KS om"},
			{line: "vera: status KFF", want: "KFF er ikke tilmeldt nogen bølge."},
		})
		if got := f.ok("anna: my"); strings.Contains(got, "BUF KØR workflow") {
			t.Errorf("the lead owes no step of BUF's: %s", got)
		}
	})
}

// TestTrackSidesTakeBackOnlyTheirOwnWord: undoing a shared step takes
// back only the caller's side's part, never the other side's word; a KS
// person whom the data still names as a track contact speaks for KS only
// and hands KS nothing.
func TestTrackSidesTakeBackOnlyTheirOwnWord(t *testing.T) {
	f := newFixture(t)
	f.play(t, []step{
		{line: "maria: workflow BUF done presentation", want: "Forvaltningens del af trinnet"},
		// KS has given no word to take back; the forvaltning's stays.
		{line: "kim: workflow BUF undo presentation", want: "KS' del af trinnet »Præsentationsmøde for berørte enheder/medarbejdere (KS præsenterer KØR workflow)« er ikke bekræftet; intet er ændret."},
		{line: "vera: workflow BUF", want: "venter på KS"},
		// The forvaltning holds the meeting and dates it; KS only under an
		// agreement on project management.
		{line: "kim: workflow BUF due presentation 2027-01-27", want: "Fristen for »Præsentationsmøde for berørte enheder/medarbejdere (KS præsenterer KØR workflow)« sætter forvaltningen, som holder mødet: kun en tovholder for KØR workflow i BUF må sætte den (KS kun efter aftale om projektledelse).", refused: true},
		{line: "maria: workflow BUF frist præsentation 2027-01-27", want: "har nu frist 27. januar 2027"},
		{line: "kim: workflow BUF done presentation", want: "er færdigt"},
		// The forvaltning takes back its own part: KS's word stands.
		{line: "maria: workflow BUF fortryd præsentation", want: "KØR workflow i BUF: Forvaltningens del af trinnet »Præsentationsmøde for berørte enheder/medarbejdere (KS præsenterer KØR workflow)« er taget tilbage; trinnet venter nu på forvaltningen."},
		{line: "vera: workflow BUF", want: "venter på forvaltningen"},
		{line: "vera: log BUF", want: "@maria BUF: trak bekræftelsen tilbage for en del af »Præsentationsmøde for berørte enheder/medarbejdere (KS præsenterer KØR workflow)«: forvaltningens del"},
		{line: "maria: workflow BUF undo presentation", want: "er ikke bekræftet; intet er ændret."},
		{line: "kim: workflow BUF undo presentation", want: "KS' del af trinnet »Præsentationsmøde for berørte enheder/medarbejdere (KS præsenterer KØR workflow)« er taget tilbage"},
		{line: "vera: workflow BUF", want: "○ præsentation"},
	})

	// Data from before the rule: lis, a track contact, got a KS role. She
	// speaks for KS only: she hands KS nothing, and does no step of the
	// forvaltning's.
	f = newFixture(t)
	f.ok("anna: workflow KFF contact @lis")
	f.setRole("lis", wave.RoleKS)
	f.play(t, []step{
		{line: "lis: workflow KFF agreement projektledelse", want: "Kun en tovholder for KØR workflow i KFF kan indgå eller afslutte en aftale med KS.", refused: true},
		{line: "lis: workflow KFF done group", want: "er forvaltningens trin", refused: true},
	})
	f.ok("anna: workflow KFF contact @ole")
	f.ok("ole: workflow KFF agreement projektledelse")
	f.play(t, []step{
		{line: "lis: workflow KFF agreement end", want: "Kun en tovholder for KØR workflow i KFF kan indgå eller afslutte en aftale med KS.", refused: true},
	})
}

// swept is a fixture whose store keeps the due index of the reminder
// policy, with a sweeper delivering to a recorder.
type swept struct {
	*fixture
	sweeper *notify.Sweeper
	got     *recorder
}

// recorder records each digest as its recipient reads it.
type recorder struct {
	d        *Dispatcher
	mu       sync.Mutex
	messages map[string][]string
	keys     map[string][]string
}

func (r *recorder) Notify(ctx context.Context, dg notify.Digest) error {
	msg := r.d.Digest(ctx, dg)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.messages[dg.Recipient] = append(r.messages[dg.Recipient], text(msg))
	for _, rem := range dg.Reminders {
		r.keys[dg.Recipient] = append(r.keys[dg.Recipient], rem.Key)
	}
	return nil
}

// newSwept builds the fixture on a store open returns for the policy's due
// function and the fixture's clock.
func newSwept(t *testing.T, open func(due storage.DueFunc, clk clock.Clock) storage.Store) *swept {
	policy := notify.DefaultPolicy(wave.Copenhagen())
	clk := clock.NewFake(start)
	f := newFixtureOn(t, open(func(w wave.Wave) (time.Time, bool) { return policy.Next(w, w.Reminded) }, clk))
	f.clock = clk
	f.d.cfg.Clock = clk
	got := &recorder{d: f.d, messages: map[string][]string{}, keys: map[string][]string{}}
	d := notify.NewDelivery(got, f.store, clk)
	d.Pace = 0
	return &swept{fixture: f, got: got, sweeper: &notify.Sweeper{Store: f.store, Policy: policy, Delivery: d, Clock: clk, Batch: 10, MaxRounds: 10,
		Logger: slog.New(slog.DiscardHandler)}}
}

// until moves the clock to at, sweeping at every moment a reminder falls
// due on the way, as a server would.
func (s *swept) until(t *testing.T, at time.Time) {
	t.Helper()
	ctx := context.Background()
	for {
		next, ok, err := s.store.NextDue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !ok || next.After(at) {
			break
		}
		if next.After(s.clock.Now()) {
			s.clock.Set(next)
		}
		if _, err := s.sweeper.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
	}
	s.clock.Set(at)
}

// onBothSweptStores runs test on a swept fixture on bolt and on Redis.
func onBothSweptStores(t *testing.T, test func(t *testing.T, s *swept)) {
	t.Run("bolt", func(t *testing.T) {
		test(t, newSwept(t, func(due storage.DueFunc, clk clock.Clock) storage.Store {
			s, err := bolt.Open(t.TempDir(), due)
			if err != nil {
				t.Fatal(err)
			}
			s.Clock = clk
			return s
		}))
	})
	t.Run("redis", func(t *testing.T) {
		test(t, newSwept(t, func(due storage.DueFunc, clk clock.Clock) storage.Store {
			s, err := redis.Open(context.Background(), redistest.URL(t), redistest.Prefix(t), due)
			if err != nil {
				t.Fatal(err)
			}
			s.Clock = clk
			return s
		}))
	})
}

// TestNoticesGoOutAtOnce: a new contact is welcomed with the wave, the
// forvaltning's activities and dates, the KS lead and the user guides; the
// lead hears of an answer at the next sweep, with a button to apply it;
// each once.
func TestNoticesGoOutAtOnce(t *testing.T) {
	onBothSweptStores(t, func(t *testing.T, s *swept) {
		s.d.cfg.Template.Guides = []wave.Guide{{Solution: "Rejseafregning", URL: "https://vejledninger.example/rejse"}}
		s.ok("anna: contact b3/SUF @sofie")
		s.ok("anna: auth request b3/BUF 2027-01-27")
		s.ok("maria: auth ok b3/BUF")
		s.until(t, start.Add(time.Minute))
		welcome := strings.Join(s.got.messages["sofie"], "")
		wantIn(t, welcome, "Velkommen som tovholder",
			"b3/SUF: Velkommen som forvaltningens tovholder i bølge b3 (Bølge 3), der starter 1. februar 2027. KS-projektleder er @anna.",
			"• 21. januar 2027 – Opstartsmøde i forvaltningen (KS og forvaltningen)",
			"• 25. januar 2027 – Uddannelse af brugere (forvaltningen)",
			"• 25. januar 2027 – Sikre korrekt opsætning af PC'er (KS)",
			"• 1. april 2027 – Evaluering (KS og forvaltningen)",
			"• Rejseafregning: https://vejledninger.example/rejse",
			"Skriv status b3/SUF for at følge forvaltningens aktiviteter, og mine for dine opgaver.",
			`"Command":"status b3/SUF"`)
		if strings.Contains(welcome, "remind snooze") {
			t.Errorf("a welcome offers to snooze it: %s", welcome)
		}
		wantIn(t, strings.Join(s.got.messages["anna"], ""),
			"b3/BUF: @maria har bekræftet autorisationerne. Afslut autorisationerne senest 25. januar 2027, og marker det med: autorisation udført b3/BUF",
			`"Command":"auth applied b3/BUF"`)
		s.until(t, start.Add(7*24*time.Hour))
		count := func(who, what string) int {
			n := 0
			for _, m := range s.got.messages[who] {
				n += strings.Count(m, what)
			}
			return n
		}
		if n := count("sofie", "Velkommen som forvaltningens tovholder"); n != 1 {
			t.Errorf("sofie was welcomed %d times", n)
		}
		if n := count("anna", "har bekræftet autorisationerne"); n != 1 {
			t.Errorf("anna heard of the answer %d times", n)
		}
		// On 21 January (D-2) anna hears that applying is due soon.
		if n := count("anna", "b3/BUF: KS skal tildele autorisationerne efter forvaltningens tilbagemelding senest 25. januar 2027."); n != 1 {
			t.Errorf("anna heard %d times that applying is due soon", n)
		}
	})
}

// TestLeftContactsHearNothingMore: a contact removed from an enrolment,
// and one demoted to viewer, receive nothing more about it; the contact
// who stays keeps hearing.
func TestLeftContactsHearNothingMore(t *testing.T) {
	onBothSweptStores(t, func(t *testing.T, s *swept) {
		s.ok("anna: contact b3/BUF @jens")
		s.ok("anna: contact b3/SUF @sofie")
		s.ok("anna: auth request b3/BUF 2027-01-27")
		s.ok("anna: auth request b3/SUF 2027-01-27")
		s.until(t, time.Date(2027, 1, 25, 11, 0, 0, 0, time.UTC)) // Monday noon: the feedback is due soon
		for _, who := range []string{"maria", "jens", "sofie"} {
			if !slices.ContainsFunc(s.got.keys[who], func(k string) bool { return strings.Contains(k, "|auth-soon|") }) {
				t.Fatalf("%s was not reminded before leaving: %v", who, s.got.keys[who])
			}
		}
		s.ok("maria: remind snooze b3/BUF 1d")
		s.ok("anna: contact b3/BUF remove @maria")
		s.ok("anna: role @sofie viewer")
		left := map[string]int{"maria": len(s.got.keys["maria"]), "sofie": len(s.got.keys["sofie"]), "jens": len(s.got.keys["jens"])}
		s.until(t, time.Date(2027, 3, 1, 11, 0, 0, 0, time.UTC))
		for _, who := range []string{"maria", "sofie"} {
			if after := s.got.keys[who][left[who]:]; len(after) > 0 {
				t.Errorf("%s heard after leaving: %v", who, after)
			}
		}
		if len(s.got.keys["jens"]) == left["jens"] {
			t.Error("jens, still the contact, heard nothing more")
		}
		w, _ := s.store.Wave(context.Background(), "b3")
		if _, ok := w.SnoozedUntil("BUF", "", "maria"); ok {
			t.Error("maria's snooze outlived her duty")
		}
	})
}

// TestProcessReminders: the reminders of the process read as a colleague
// would write them and carry buttons that, pressed by their recipient,
// run.
func TestProcessReminders(t *testing.T) {
	f := newFixture(t)
	f.ok("anna: auth request b3/BUF 2027-01-27")
	f.ok("maria: auth fix b3/BUF NN99 mangler godkender")
	f.ok("maria: workflow BUF due group 2027-01-27")
	f.ok("anna: workflow KFF contact @lis")
	f.ok("lis: workflow KFF agreement undervisning")
	f.ok("anna: workflow KFF teaching 2027-01-27")
	jan := func(d int) wave.Date { return wave.Date{Year: 2027, Month: time.January, Day: d} }
	for _, tc := range []struct {
		r       notify.Reminder
		text    string
		buttons string
	}{
		{notify.Reminder{Kind: notify.ApplyOverdue, Wave: "b3", FV: "BUF", Activity: "auth", Due: jan(25), Recipient: "anna"},
			"b3/BUF: Fristen for at tildele autorisationerne efter forvaltningens tilbagemelding er overskredet (25. januar 2027). Marker det med: autorisation udført b3/BUF",
			"Marker som tildelt: auth applied b3/BUF|Udsæt 1 arbejdsdag: remind snooze b3/BUF/autorisation 1d|Udsæt 3 arbejdsdage: remind snooze b3/BUF/autorisation 3d"},
		{notify.Reminder{Kind: notify.AuthAnswered, Wave: "b3", FV: "BUF", Due: jan(25), About: "maria", Recipient: "anna"},
			"b3/BUF: @maria har sendt rettelser til autorisationerne: »NN99 mangler godkender«. Tildel dem senest 25. januar 2027, og marker det med: autorisation udført b3/BUF",
			"Marker som tildelt: auth applied b3/BUF"},
		{notify.Reminder{Kind: notify.DecisionSoon, Wave: "b3", FV: "BUF", Activity: "training", Due: jan(25), Recipient: "maria"},
			"b3/BUF: Forvaltningen skal senest 25. januar 2027 beslutte, om brugerne skal uddannes i løsningerne. KS vurderer, at det ikke er nødvendigt. Svar med uddannelse b3/BUF nej eller uddannelse b3/BUF ja ÅÅÅÅ-MM-DD. Brugervejledningerne og KS økonomisupport finder du når som helst med: vejledninger b3",
			"Ingen uddannelse: training b3/BUF no|Udsæt 1 arbejdsdag: remind snooze b3/BUF/uddannelse 1d|Udsæt 3 arbejdsdage: remind snooze b3/BUF/uddannelse 3d"},
		{notify.Reminder{Kind: notify.StepOverdue, FV: "BUF", Activity: "group", Due: jan(27), Recipient: "maria"},
			"BUF: Fristen for KØR workflow-trinnet »Nedsættelse af central arbejdsgruppe« er overskredet (27. januar 2027). Marker trinnet som færdigt, når det er klaret.",
			"Marker som færdig: workflow BUF done arbejdsgruppe|Udsæt 1 arbejdsdag: remind snooze BUF/arbejdsgruppe 1d|Udsæt 3 arbejdsdage: remind snooze BUF/arbejdsgruppe 3d"},
		{notify.Reminder{Kind: notify.TeachingSoon, FV: "KFF", Activity: "undervisning-2027-01-27", Due: jan(27), Recipient: "anna"},
			"KFF: KS holder undervisning 27. januar 2027 efter aftalen med forvaltningen. Marker den som holdt bagefter.",
			"Marker som holdt: workflow KFF teaching done 2027-01-27|Udsæt 1 arbejdsdag: remind snooze KFF/undervisning-2027-01-27 1d|Udsæt 3 arbejdsdage: remind snooze KFF/undervisning-2027-01-27 3d"},
		{notify.Reminder{Kind: notify.ActivitySoon, Wave: "b3", FV: "SUF", Activity: "auth", Due: jan(25), Recipient: "anna"},
			"b3/SUF: KS har endnu ikke bedt forvaltningen om tilbagemelding på autorisationerne (frist for »Sikre korrekt autorisation af brugere«: 25. januar 2027). Bed om den med: autorisation anmod b3/SUF ÅÅÅÅ-MM-DD",
			"Vis status: status b3/SUF|Udsæt 1 arbejdsdag: remind snooze b3/SUF/autorisation 1d|Udsæt 3 arbejdsdage: remind snooze b3/SUF/autorisation 3d"},
	} {
		msg := f.d.Digest(context.Background(), notify.Digest{Recipient: tc.r.Recipient, Reminders: []notify.Reminder{tc.r}})
		var buttons []string
		for _, a := range msg.Actions {
			buttons = append(buttons, a.Label+": "+a.Command)
		}
		if strings.Join(msg.Lines, " ") != tc.text || strings.Join(buttons, "|") != tc.buttons {
			t.Errorf("%s:\n got %q %v\nwant %q %s", tc.r.Kind, msg.Lines, buttons, tc.text, tc.buttons)
		}
		for _, a := range slices.Backward(msg.Actions) {
			if r := f.do(tc.r.Recipient + ": " + a.Command); r.Refused {
				t.Errorf("button %q pressed by %s refused: %v", a.Command, tc.r.Recipient, r.Lines)
			}
		}
	}
}
