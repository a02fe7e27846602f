package commands

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"wavebot/internal/catalog"
	"wavebot/notify"
	"wavebot/wave"
)

// Who may do what, as the source assigns it (issue 21): KS leads lead,
// each side answers for its own part, and a wave closes with both. The
// fixture's anna is admin and b3's KS lead, kim has the role ks only,
// maria is BUF's contact, vera a viewer; b3/SUF has no contact.

// remindersTo renders what person is reminded of in (from, to], one line
// per reminder: when, then its text, then its buttons' commands.
func (f *fixture) remindersTo(person string, from, to time.Time) []string {
	f.t.Helper()
	ctx := context.Background()
	waves, err := f.store.Waves(ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	var out []string
	for _, w := range waves {
		for _, r := range f.d.cfg.Policy.Due(w, from, to) {
			if r.Recipient != person {
				continue
			}
			msg := f.d.Digest(ctx, notify.Digest{Recipient: person, Reminders: []notify.Reminder{r}})
			line := r.At.In(wave.Copenhagen().Location()).Format("2006-01-02 15:04") + " " + strings.Join(msg.Lines, " ")
			for _, a := range msg.Actions {
				line += " | " + a.Command
			}
			out = append(out, line)
		}
	}
	slices.Sort(out)
	return out
}

// setRole gives a person a role behind the commands' back, as data
// written before the rules were would have it.
func (f *fixture) setRole(id string, role wave.Role) {
	f.t.Helper()
	_, err := f.store.UpdatePerson(context.Background(), id, func(p *wave.Person) ([]wave.Event, error) {
		p.Role = role
		return nil, nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

// nameContact names a contact behind the commands' back.
func (f *fixture) nameContact(waveID, fv, person string) {
	f.t.Helper()
	_, err := f.store.UpdateWave(context.Background(), waveID, func(w *wave.Wave) ([]wave.Event, error) {
		e, err := w.Enrolment(fv)
		if err != nil {
			return nil, err
		}
		e.AddContacts(time.Time{}, person)
		return nil, nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

// TestKSLeadsLead: a person with the role ks creates, enrols, leads,
// names contacts, moves and closes; roles and identity links stay the
// admin's.
func TestKSLeadsLead(t *testing.T) {
	f := newFixture(t)
	f.play(t, []step{
		{line: "kim: wave create b5 2027-03-15 Bølge 5", want: "KS-projektleder: @kim."},
		{line: "kim: wave enroll b5 KFF", want: "KFF er tilmeldt bølge b5"},
		{line: "kim: contact b5/KFF @karin", want: "@karin er nu tovholder for b5/KFF."},
		{line: "kim: wave lead b5 @anna", want: "@anna er nu KS-projektleder for bølge b5."},
		{line: "kim: wave lead b5 @kim", want: "@kim er nu KS-projektleder for bølge b5."},
		{line: "kim: wave move b5 2027-03-22", want: "Bølge b5 starter nu 22. marts 2027"},
		{line: "kim: contact b5/KFF fjern @karin", want: "@karin er ikke længere tovholder for b5/KFF"},
		{line: "kim: role @vera ks", want: "Det må du ikke: det må kun en administrator.", refused: true},
		{line: "kim: link @vera slack:U1", want: "Det må du ikke: det må kun en administrator.", refused: true},
		{line: "vera: wave create b6 2027-03-15", want: "Det må du ikke: det må kun KS-medarbejdere.", refused: true},
		{line: "maria: wave enroll b3 KFF", want: "Det må du ikke: det må kun KS-medarbejdere.", refused: true},
		{line: "maria: wave lead b3 @kim", want: "Det må du ikke: det må kun KS-medarbejdere.", refused: true},
	})
}

// TestOnePersonOneSide: a KS person is never a contact, a contact never
// gets a KS role, and the two words on shared work come from two people,
// also where stored data says a person is on both sides.
func TestOnePersonOneSide(t *testing.T) {
	f := newFixture(t)
	f.play(t, []step{
		{line: "anna: contact b3/SUF @kim", want: "@kim er KS-medarbejder og kan derfor ikke være forvaltningens tovholder", refused: true},
		{line: "maria: contact b3/BUF @anna", want: "@anna er KS-medarbejder og kan derfor ikke være forvaltningens tovholder", refused: true},
		{line: "anna: contact b3/BUF sæt @maria @kim", want: "@kim er KS-medarbejder", refused: true},
		{line: "anna: role @maria ks", want: "@maria er tovholder for b3/BUF og kan derfor ikke få en KS-rolle: hver person taler for én side. Fjern først @maria som tovholder med: kontakt b3/BUF fjern @maria", refused: true},
		{line: "anna: role @maria admin", want: "@maria er tovholder for b3/BUF", refused: true},
		{line: "anna: contact b3/BUF fjern @maria", want: "@maria er ikke længere tovholder for b3/BUF"},
		{line: "anna: role @maria ks", want: "@maria har nu rollen KS-medarbejder."},
	})

	// Data from before the rule: kim (ks) stands as SUF's contact. He
	// speaks for KS only, and his status says so.
	f = newFixture(t)
	f.nameContact("b3", "SUF", "kim")
	f.play(t, []step{
		{line: "kim: done b3/SUF kickoff", want: "b3/SUF: KS' del af »Opstartsmøde i forvaltningen« er bekræftet; aktiviteten venter nu på forvaltningen."},
		{line: "kim: status b3/SUF", want: "Du er KS-medarbejder og står også som tovholder for b3/SUF; her taler du kun for KS."},
		{line: "anna: auth request b3/SUF 2027-01-27", want: "KS har bedt om tilbagemelding"},
		{line: "kim: auth ok b3/SUF", want: "tovholdere for b3/SUF", refused: true},
		{line: "kim: training b3/SUF nej", want: "tovholdere for b3/SUF", refused: true},
		{line: "anna: role @kim ks", want: "@kim er tovholder for b3/SUF og kan derfor ikke få en KS-rolle", refused: true},
	})

	// maria gave the forvaltning's word, then got a KS role in the data:
	// KS's word on the same kick-off must come from someone else.
	f = newFixture(t)
	f.ok("maria: done b3/BUF kickoff")
	f.setRole("maria", wave.RoleKS)
	f.play(t, []step{
		{line: "maria: done b3/BUF kickoff", want: "b3/BUF: @maria har allerede givet sit ord for forvaltningen om »Opstartsmøde i forvaltningen«, så KS' ord skal komme fra en anden person.", refused: true},
		{line: "maria: done b3 kickoff", want: "@maria har allerede givet sit ord for forvaltningen", refused: true},
		{line: "anna: done b3/BUF kickoff", want: "Begge sider har bekræftet deres del"},
	})
}

// TestContactsAreTheForvaltningsChoice: KS names the first contact, a
// contact adds and removes members of their own group, never a KS person;
// every change is logged and reaches the KS lead once, in the next digest.
func TestContactsAreTheForvaltningsChoice(t *testing.T) {
	f := newFixture(t)
	f.play(t, []step{
		{line: "maria: contact b3/BUF @jens", want: "@jens er nu tovholder for b3/BUF."},
		{line: "jens: contact b3/BUF @ole", want: "@ole er nu tovholder for b3/BUF."},
		{line: "jens: contact b3/BUF fjern @ole", want: "@ole er ikke længere tovholder for b3/BUF"},
		{line: "maria: contact b3/SUF @jens", want: "KS eller en tovholder for b3/SUF", refused: true},
		{line: "vera: contact b3/BUF @vera", want: "KS eller en tovholder for b3/BUF", refused: true},
		{line: "maria: contact b3/BUF @kim", want: "@kim er KS-medarbejder", refused: true},
		{line: "kim: contact b3/SUF @sofie", want: "@sofie er nu tovholder for b3/SUF."},
		{line: "anna: contact b3/SUF @søren", want: "@søren er nu tovholder for b3/SUF."},
		{line: "anna: log b3/BUF", want: "@jens b3/BUF: fjernede tovholder @ole"},
	})
	// The lead hears of the others' changes at the next sending time, once.
	got := f.remindersTo("anna", start, start.Add(48*time.Hour))
	for _, want := range []string{
		"2027-01-21 09:00 b3/BUF: @maria har gjort @jens til tovholder. Tovholdere nu: @maria og @jens.",
		"2027-01-21 09:00 b3/BUF: @jens har gjort @ole til tovholder. Tovholdere nu: @maria og @jens.",
		"2027-01-21 09:00 b3/BUF: @jens har fjernet @ole som tovholder. Tovholdere nu: @maria og @jens.",
		"2027-01-21 09:00 b3/SUF: @kim har gjort @sofie til tovholder. Tovholdere nu: @sofie og @søren.",
	} {
		if !slices.ContainsFunc(got, func(l string) bool { return strings.HasPrefix(l, want) }) {
			t.Errorf("the lead is not told %q:\n%s", want, strings.Join(got, "\n"))
		}
	}
	for _, l := range got {
		if strings.Contains(l, "@anna har gjort") {
			t.Errorf("the lead is told of her own change: %s", l)
		}
	}
	if again := f.remindersTo("anna", start.Add(48*time.Hour), start.Add(96*time.Hour)); slices.ContainsFunc(again, func(l string) bool { return strings.Contains(l, "til tovholder") }) {
		t.Errorf("the lead is told twice:\n%s", strings.Join(again, "\n"))
	}
}

// TestFVActivitiesAreTheForvaltnings: the information meeting and the
// training are done or skipped by a contact, never by KS, who may still
// date them.
func TestFVActivitiesAreTheForvaltnings(t *testing.T) {
	f := newFixture(t)
	f.play(t, []step{
		{line: "kim: done b3/BUF info", want: "»Informationsmøde i forvaltningen for brugere« er forvaltningens opgave: kun en tovholder for b3/BUF må ændre den.", refused: true},
		{line: "anna: skip b3/BUF info holdt med opstarten", want: "er forvaltningens opgave", refused: true},
		{line: "anna: start b3/BUF info", want: "er forvaltningens opgave", refused: true},
		{line: "kim: done b3 info", want: "»Informationsmøde i forvaltningen for brugere« er forvaltningens opgave: hver forvaltnings tovholdere melder den færdig.", refused: true},
		{line: "kim: due b3/BUF info 2027-01-29", want: "har nu frist 29. januar 2027"},
		{line: "maria: done b3/BUF info", want: "har nu status færdig"},
		{line: "maria: skip b3/BUF pc ikke nødvendigt", want: "KS-opgave", refused: true},
	})
}

// TestSharedWorkIsSkippedByBoth: a shared activity is skipped when each
// side has said so with its reason; until then status says whose word is
// missing. A side's done and the other's skip do not mix.
func TestSharedWorkIsSkippedByBoth(t *testing.T) {
	f := newFixture(t)
	f.play(t, []step{
		{line: "anna: skip b3/BUF evaluation ingen tid", want: "b3/BUF: KS vil springe »Evaluering« over (ingen tid); den springes over, når forvaltningen også har sagt det."},
		{line: "anna: status b3/BUF", want: "evaluering – Evaluering (KS+FV) – 1. april 2027 – i gang – KS vil springe den over: ingen tid – venter på forvaltningens ord"},
		{line: "anna: wave close b3", want: "mangler for BUF og SUF", refused: true},
		{line: "anna: skip b3/BUF evaluation ingen tid", want: "KS har allerede sagt, at »Evaluering« springes over; intet er ændret."},
		{line: "maria: skip b3/BUF evaluation vi holder vores egen", want: "b3/BUF: Begge sider har sagt, at »Evaluering« springes over, så den er nu sprunget over."},
		{line: "anna: status b3/BUF", want: "– evaluering – Evaluering (KS+FV) – 1. april 2027 – sprunget over – KS: ingen tid; FV: vi holder vores egen"},
		// The forvaltning's part done, KS may not skip; KS's skip, the
		// forvaltning may not call it done.
		{line: "maria: done b3/BUF kickoff", want: "Forvaltningens del af »Opstartsmøde i forvaltningen« er bekræftet"},
		{line: "anna: skip b3/BUF kickoff holdt med b2", want: "b3/BUF: Forvaltningen har meldt sin del af »Opstartsmøde i forvaltningen« færdig, så den springes ikke over; meld jeres del færdig i stedet.", refused: true},
		{line: "anna: skip b3/BUF golive testet i b2", want: "KS vil springe »Go-live – test af tilgængelighed til løsninger« over"},
		{line: "maria: done b3/BUF golive", want: "b3/BUF: KS vil springe »Go-live – test af tilgængelighed til løsninger« over (testet i b2), så den meldes ikke færdig; giv forvaltningens ord med: spring b3/BUF golive BEGRUNDELSE", refused: true},
		{line: "vera: skip b3/BUF golive fordi", want: "tovholder for b3/BUF", refused: true},
		// A side may change its own word, from skip to done.
		{line: "kim: skip b3/SUF kickoff holdt med b2", want: "KS vil springe »Opstartsmøde i forvaltningen« over"},
		{line: "kim: done b3/SUF kickoff holdt alligevel", want: "b3/SUF: KS' del af »Opstartsmøde i forvaltningen« er bekræftet; aktiviteten venter nu på forvaltningen."},
		{line: "kim: log b3/SUF", want: "@kim b3/SUF: bekræftede en del af »Opstartsmøde i forvaltningen«: KS' del"},
	})
}

// TestTheOrderOfTheSource: go-live waits for the PCs and the
// authorizations, the evaluation for go-live; a date that puts go-live
// first is taken with a warning.
func TestTheOrderOfTheSource(t *testing.T) {
	f := newFixture(t)
	f.play(t, []step{
		{line: "anna: done b3/BUF golive", want: "b3/BUF: Go-live kan ikke meldes færdig endnu: »Sikre korrekt autorisation af brugere« og »Sikre korrekt opsætning af PC'er« er hverken færdige eller sprunget over.", refused: true},
		{line: "maria: done b3/BUF golive", want: "Go-live kan ikke meldes færdig endnu", refused: true},
		{line: "anna: done b3 golive", want: "b3/BUF: Go-live kan ikke meldes færdig endnu", refused: true},
		{line: "anna: done b3/BUF evaluation", want: "b3/BUF: Evalueringen kommer efter go-live, som hverken er færdig eller sprunget over endnu.", refused: true},
		{line: "anna: done b3/BUF pc", want: "har nu status færdig"},
		{line: "anna: done b3/BUF golive", want: "»Sikre korrekt autorisation af brugere« er hverken færdig eller sprunget over.", refused: true},
		{line: "anna: due b3/BUF golive 2027-01-22", want: "Bemærk: Go-live for b3/BUF er 22. januar 2027, men »Sikre korrekt autorisation af brugere« (frist 25. januar 2027) skal være på plads før go-live."},
		{line: "anna: due b3/SUF pc 2027-02-03", want: "Bemærk: Go-live for b3/SUF er 1. februar 2027, men »Sikre korrekt opsætning af PC'er« (frist 3. februar 2027) skal være på plads før go-live."},
		{line: "anna: wave move b3 2027-02-22", want: "Bemærk: Go-live for b3/BUF er 22. januar 2027, men"},
	})
}

// TestTrainingDecisionIsDone: no training, as decided, is done, and
// counted so everywhere.
func TestTrainingDecisionIsDone(t *testing.T) {
	f := newFixture(t)
	f.ok("maria: training b3/BUF nej som netbank")
	got := f.ok("vera: status b3/BUF")
	wantIn(t, got, "✓ uddannelse – Uddannelse af brugere (FV) – 25. januar 2027 – besluttet: ingen uddannelse (@maria) – som netbank", `"Done":1,"Skipped":0`)
	wantIn(t, f.ok("vera: status"), "BUF: 1 færdig, 8 åbne")
	wantIn(t, f.ok("vera: wave report b3"), "Uddannelse af brugere: planlagt 25. januar 2027, færdig 20. januar 2027 – til tiden")
	f.ok("maria: training b3/BUF ja 2027-01-28")
	wantIn(t, f.ok("vera: status b3/BUF"), "○ uddannelse – Uddannelse af brugere (FV) – 28. januar 2027 – ikke begyndt")
}

// TestStaggeredStarts: a start close to another open wave's is taken,
// with a notice naming that wave.
func TestStaggeredStarts(t *testing.T) {
	f := newFixture(t)
	f.play(t, []step{
		{line: "kim: wave create b4 2027-02-03 Bølge 4", want: "Bemærk: Bølge b3 starter 1. februar 2027, kun 2 arbejdsdage fra denne bølges start; bølgerne skal starte forskudt af hinanden."},
		{line: "kim: wave move b4 2027-03-01", want: "Bølge b4 starter nu 1. marts 2027"},
		{line: "kim: wave create b5 2027-02-01", want: "Bemærk: Bølge b3 starter samme dag, 1. februar 2027; bølgerne skal starte forskudt af hinanden."},
	})
	for _, line := range []string{"kim: wave create b6 2027-02-15", "kim: wave move b4 2027-03-08"} {
		if got := f.ok(line); strings.Contains(got, "Bemærk") {
			t.Errorf("%s: a start a week or more from the others is pointed out: %s", line, got)
		}
	}
}

// TestOverdueFeedbackCountsAsOverdue: status's "Overskredet" names the
// feedback that is past its date.
func TestOverdueFeedbackCountsAsOverdue(t *testing.T) {
	f := newFixture(t)
	f.ok("anna: auth request b3/BUF 2027-01-21")
	f.clock.Set(start.AddDate(0, 0, 2)) // Friday 22 January: kick-off and feedback overdue
	wantIn(t, f.ok("vera: status b3/BUF"), `"Overskredet","Value":"2: Opstartsmøde i forvaltningen og tilbagemelding på autorisationerne"`)
	wantIn(t, f.ok("vera: status"), "BUF: 0 færdige, 9 åbne; 2 overskredne")
}

// TestEvaluationAndCloseOut: the contacts are asked once for their note
// when the evaluation is done; the lead is reminded to close when every
// evaluation is, the wave stays in sight until closed, and the report
// says which forvaltninger gave a note.
func TestEvaluationAndCloseOut(t *testing.T) {
	f := newFixture(t)
	f.play(t, []step{
		{line: "kim: wave create b5 2027-03-15 Bølge 5", want: "oprettet"},
		{line: "kim: wave enroll b5 KFF SOF", want: "tilmeldt"},
		{line: "kim: contact b5/KFF @karin", want: "tovholder"},
		{line: "kim: contact b5/SOF @sofie", want: "tovholder"},
		{line: "kim: done b5 pc", want: "bekræftet"},
		{line: "kim: auth request b5 2027-03-01", want: "bedt"},
		{line: "karin: auth ok b5/KFF", want: "bekræftet"},
		{line: "sofie: auth ok b5/SOF", want: "bekræftet"},
		{line: "kim: auth applied b5/KFF", want: "tildelt"},
		{line: "kim: auth applied b5/SOF", want: "tildelt"},
		{line: "kim: done b5 golive", want: "bekræftet"},
		{line: "karin: done b5/KFF golive", want: "Begge sider"},
		{line: "sofie: done b5/SOF golive", want: "Begge sider"},
		{line: "kim: done b5/KFF evaluation", want: "KS' del"},
		{line: "kim: wave close b5", want: "mangler for KFF og SOF", refused: true},
		{line: "karin: done b5/KFF evaluation", want: "Begge sider"},
		{line: "kim: skip b5/SOF evaluation holdes sammen med b6", want: "KS vil springe"},
		{line: "sofie: skip b5/SOF evaluation enig", want: "sprunget over"},
	})
	done := f.clock.Now()
	next := wave.Copenhagen().At(wave.Date{Year: 2027, Month: time.January, Day: 21}, 9, 0)
	asked := func(person string, from, to time.Time) []string {
		return slices.DeleteFunc(f.remindersTo(person, from, to), func(l string) bool { return !strings.Contains(l, "notat") })
	}
	if got := asked("karin", done.Add(-time.Minute), done.Add(time.Hour)); len(got) != 1 ||
		!strings.Contains(got[0], "b5/KFF: Evalueringen er holdt. Skriv forvaltningens note fra evalueringen til afslutningsrapporten med: evaluering notat b5/KFF TEKST") {
		t.Errorf("karin is not asked for her note once, at once: %q", got)
	}
	if got := asked("karin", done.Add(time.Hour), done.Add(30*24*time.Hour)); len(got) != 0 {
		t.Errorf("karin is asked again: %q", got)
	}
	if got := asked("sofie", done.Add(-time.Minute), done.Add(time.Hour)); len(got) != 0 {
		t.Errorf("sofie is asked for a note on a skipped evaluation: %q", got)
	}
	got := f.remindersTo("kim", done, next.Add(time.Minute))
	if !slices.ContainsFunc(got, func(l string) bool {
		return strings.HasPrefix(l, "2027-01-21 09:00 Bølge b5: Alle evalueringer er holdt eller sprunget over. Luk bølgen med: bølge luk b5") && strings.Contains(l, "| wave close b5 | remind snooze b5 1d")
	}) {
		t.Errorf("the lead is not reminded to close:\n%s", strings.Join(got, "\n"))
	}
	// Repeated like an overdue activity: every business day at first.
	for _, d := range []int{22, 25} {
		at := wave.Copenhagen().At(wave.Date{Year: 2027, Month: time.January, Day: d}, 9, 0)
		if got := f.remindersTo("kim", at.Add(-time.Hour), at); !slices.ContainsFunc(got, func(l string) bool { return strings.Contains(l, "Luk bølgen") }) {
			t.Errorf("the reminder to close does not repeat on %d January: %q", d, got)
		}
	}
	// The lead may snooze it like any repeated reminder; others hear none.
	wantIn(t, f.ok("kim: remind snooze b5 1d"), "Påmindelser om b5 er udsat 1 arbejdsdag, til torsdag 21. januar 2027 kl. 9.00.")
	f.refused("vera: remind snooze b5 1d", "Du får ingen påmindelser om b5.")
	if got := f.remindersTo("kim", done, next.Add(time.Minute)); !slices.ContainsFunc(got, func(l string) bool { return strings.Contains(l, "Luk bølgen") }) {
		t.Errorf("the snooze ending at the sending time holds the reminder back: %q", got)
	}
	wantIn(t, f.ok("vera: status"), "b5 – Bølge 5", "klar til at lukke")
	wantIn(t, f.ok("vera: overview"), "klar til at lukke")
	wantIn(t, f.ok("kim: my"), "Bølge b5: alle evalueringer er holdt eller sprunget over – luk bølgen (bølge luk b5)")
	if got := f.ok("vera: status"); strings.Contains(got, "bølge luk") {
		t.Errorf("a viewer is told to close the wave: %s", got)
	}
	f.ok("karin: eval note b5/KFF god proces")
	wantIn(t, f.ok("kim: wave close b5"), "Bølge b5 er lukket.", "Forvaltninger med evalueringsnote: KFF.", "Forvaltninger uden evalueringsnote: SOF.")
	if after := f.remindersTo("kim", f.clock.Now(), f.clock.Now().Add(72*time.Hour)); slices.ContainsFunc(after, func(l string) bool { return strings.Contains(l, "Luk bølgen") }) {
		t.Errorf("the closed wave still reminds its lead: %q", after)
	}
}

var update = flag.Bool("update", false, "rewrite README's table of who may run each command")

// readmeTable is where README holds the table of who may run each
// command, between these lines.
const (
	tableStart = "<!-- who may run each command: made from the command table by go test ./commands -run TestREADMESaysWhoMayRunEachCommand -update -->"
	tableEnd   = "<!-- end of the table of who may run each command -->"
)

// whoMayRun is README's table of who may run each command, made from the
// command table: each runnable command, its Danish name and who may run
// it, in English as README is.
func whoMayRun(d *Dispatcher) string {
	var b strings.Builder
	b.WriteString("| command | Danish | who may run it |\n|---|---|---|\n")
	var walk func(cmds []*Command, danish string)
	walk = func(cmds []*Command, danish string) {
		for _, c := range cmds {
			own := c.Name
			if len(c.Aliases) > 0 {
				own = c.Aliases[0]
			}
			name := strings.TrimSpace(danish + " " + own)
			if c.Run != nil {
				fmt.Fprintf(&b, "| `%s` | `%s` | %s |\n", c.path, name, c.Perm.who().In(catalog.English))
			}
			walk(c.Sub, name)
		}
	}
	walk(d.cmds, "")
	return b.String()
}

// TestREADMESaysWhoMayRunEachCommand: README's table of who may run each
// command is the one the command table makes.
func TestREADMESaysWhoMayRunEachCommand(t *testing.T) {
	path := filepath.Join("..", "README.md")
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	before, rest, ok1 := strings.Cut(string(readme), tableStart+"\n")
	_, after, ok2 := strings.Cut(rest, tableEnd)
	if !ok1 || !ok2 {
		t.Fatalf("README has no table between %q and %q", tableStart, tableEnd)
	}
	want := whoMayRun(newFixture(t).d)
	if *update {
		if err := os.WriteFile(path, []byte(before+tableStart+"\n"+want+tableEnd+after), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got, _, _ := strings.Cut(rest, tableEnd); got != want {
		t.Errorf("README's table of who may run each command is not the command table's (go test ./commands -run %s -update rewrites it):\n%s", t.Name(), want)
	}
	for _, line := range []string{"| `wave create` | `bølge opret` | KS (admin, ks) |", "| `role` | `rolle` | admins |", "| `auth ok` | `autorisation ok` | a contact of the enrolment |"} {
		if !strings.Contains(want, line) {
			t.Errorf("the table lacks %q:\n%s", line, want)
		}
	}
}
