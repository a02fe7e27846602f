package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"wavebot/internal/catalog"
	"wavebot/wave"
)

// The forvaltning's own planning (issue 22, points 5–7): the tovholder
// dates the forvaltning's activities and each side hears of the other's
// date; information meetings are several, each with its units; the
// enrolment knows the forvaltning's units; the user guides and KS
// økonomisupport are at hand. The fixture's b3 starts on Monday 1 February
// 2027 (go-live), anna is its KS lead, maria BUF's contact, kim KS staff,
// vera a viewer; the clock stands on Wednesday 20 January 2027.

// TestTheTovholderDatesTheForvaltningsOwnActivities: a contact dates the
// forvaltning's own activities (the information meeting, the training)
// under KS's rules, and no other; KS still dates every activity; a
// viewer none.
func TestTheTovholderDatesTheForvaltningsOwnActivities(t *testing.T) {
	onBothStores(t, func(t *testing.T, f *fixture) {
		f.ok("anna: contact b3/SUF @sofie")
		f.play(t, []step{
			{line: "maria: due b3/BUF info 2027-01-28", want: "b3/BUF: »Informationsmøde i forvaltningen for brugere« har nu frist 28. januar 2027.\nKS-projektlederen @anna får besked om den nye frist med de næste påmindelser."},
			{line: "maria: frist b3/BUF uddannelse 2027-01-27", want: "b3/BUF: »Uddannelse af brugere« har nu frist 27. januar 2027."},
			{line: "maria: due b3/BUF info 2027-01-28", want: "har allerede frist 28. januar 2027; intet er ændret"},
			{line: "maria: due b3/BUF pc 2027-01-28", want: "»Sikre korrekt opsætning af PC'er« er ikke forvaltningens egen aktivitet: dens frist sætter KS. Forvaltningen sætter selv fristerne for »Informationsmøde i forvaltningen for brugere« og »Uddannelse af brugere«.", refused: true},
			{line: "maria: due b3/BUF kickoff 2027-01-28", want: "er ikke forvaltningens egen aktivitet", refused: true},
			{line: "maria: due b3/BUF info 2027-01-23", want: "23. januar 2027 er en lørdag og ikke en arbejdsdag. Vælg en arbejdsdag, fx 25. januar 2027.", refused: true},
			{line: "maria: due b3/BUF info 2027-01-19", want: "19. januar 2027 er allerede passeret", refused: true},
			{line: "maria: due b3 info 2027-01-28", want: "Det må du ikke: det må kun KS-medarbejdere.", refused: true},
			{line: "sofie: due b3/BUF info 2027-01-28", want: "Det må du ikke: det må kun KS eller en tovholder for b3/BUF.", refused: true},
			{line: "vera: due b3/BUF info 2027-01-28", want: "Det må du ikke: det må kun KS eller en tovholder for b3/BUF.", refused: true},
			{line: "maria: due b3/SUF info 2027-01-28", want: "Det må du ikke: det må kun KS eller en tovholder for b3/SUF.", refused: true},
			// Before go-live where that matters: taken, with a warning, as KS's planning is.
			{line: "maria: due b3/BUF info 2027-02-02", want: "Bemærk: »Informationsmøde i forvaltningen for brugere« ligger på eller efter go-live (1. februar 2027); brugerne skal være klar, før løsningerne tages i brug."},
			{line: "kim: due b3/BUF info 2027-01-29", want: "b3/BUF: »Informationsmøde i forvaltningen for brugere« har nu frist 29. januar 2027.\nForvaltningens tovholdere får besked om den nye frist med de næste påmindelser."},
			{line: "kim: due b3/BUF pc 2027-01-27", want: "»Sikre korrekt opsætning af PC'er« har nu frist 27. januar 2027."},
			{line: "sofie: training b3/SUF ja 2027-02-03", want: "Bemærk: »Uddannelse af brugere« ligger på eller efter go-live (1. februar 2027)"},
		})
		w, _ := f.store.Wave(context.Background(), "b3")
		e, _ := w.Enrolment("BUF")
		if a, _ := e.Activity("training"); a.Due.String() != "2027-01-27" || !a.DueByHand || a.ChangedBy != "maria" {
			t.Errorf("training after maria dated it: %+v", a)
		}
		// A date a contact set is set by hand: moving the wave keeps it.
		got := f.ok("anna: wave move b3 2027-02-08")
		wantIn(t, got, "»Uddannelse af brugere« for b3/BUF (27. januar 2027)")
	})
}

// TestADateSetByOneSideIsToldToTheOther: the KS lead hears of a contact's
// date, the contacts of KS's date for their activity, in the next
// morning's digest; only the last date of a day is told; a date of KS's
// own or shared activity, and one set by the side that hears, tell no
// one.
func TestADateSetByOneSideIsToldToTheOther(t *testing.T) {
	f := newFixture(t)
	f.ok("maria: due b3/BUF info 2027-01-27")
	f.ok("maria: due b3/BUF info 2027-01-28")
	f.ok("anna: due b3/BUF training 2027-01-26")
	f.ok("anna: due b3/BUF pc 2027-01-26")
	f.ok("maria: eval b3/BUF 2027-04-07") // a shared activity: KS plans it with the forvaltning
	from, to := start, start.Add(48*time.Hour)
	told := func(rs []string) []string {
		return slices.DeleteFunc(rs, func(s string) bool { return !strings.Contains(s, "har sat fristen") })
	}
	lead := told(f.remindersTo("anna", from, to))
	if want := []string{"2027-01-21 09:00 b3/BUF: @maria har sat fristen for »Informationsmøde i forvaltningen for brugere« til 28. januar 2027. | status b3/BUF"}; !slices.Equal(lead, want) {
		t.Errorf("the lead hears:\n%s\nwant\n%s", strings.Join(lead, "\n"), strings.Join(want, "\n"))
	}
	contact := told(f.remindersTo("maria", from, to))
	if want := []string{"2027-01-21 09:00 b3/BUF: KS (@anna) har sat fristen for forvaltningens aktivitet »Uddannelse af brugere« til 26. januar 2027. | status b3/BUF"}; !slices.Equal(contact, want) {
		t.Errorf("the contact hears:\n%s\nwant\n%s", strings.Join(contact, "\n"), strings.Join(want, "\n"))
	}
	// KS moving the wave moves the forvaltning's dates of the template: the contacts hear of each.
	f.clock.Set(start.Add(24 * time.Hour))
	f.ok("anna: wave move b3 2027-02-03")
	contact = told(f.remindersTo("maria", start.Add(24*time.Hour), start.Add(72*time.Hour)))
	if len(contact) != 0 {
		t.Errorf("dates set by hand stay, and nobody hears of them: %v", contact)
	}
	f.ok("kim: due b3/SUF training 2027-01-28")
	f.ok("anna: contact b3/SUF @sofie")
	f.ok("anna: wave move b3 2027-03-01")
	sofie := told(f.remindersTo("sofie", start.Add(24*time.Hour), start.Add(72*time.Hour)))
	wantIn(t, strings.Join(sofie, "\n"), "b3/SUF: KS (@anna) har sat fristen for forvaltningens aktivitet »Informationsmøde i forvaltningen for brugere« til")
	if strings.Contains(strings.Join(sofie, "\n"), "Uddannelse") {
		t.Errorf("kim's date for the training stays put, yet: %v", sofie)
	}
}

// TestInformationMeetingsAreSeveral: a contact records meetings, planned
// or held, each with its units and who recorded it; a second meeting is
// one more, not a replacement; status lists them; done closes the
// activity; KS reads the record and does not write it.
func TestInformationMeetingsAreSeveral(t *testing.T) {
	onBothStores(t, func(t *testing.T, f *fixture) {
		f.play(t, []step{
			{line: "maria: info b3/BUF 2027-01-26 Husum Skole, Ungdomsskolen", want: "b3/BUF: Informationsmødet 26. januar 2027 er registreret som planlagt for Husum Skole og Ungdomsskolen."},
			{line: "maria: informationsmøde b3/BUF 2027-01-28 Sundhedsplejen", want: "b3/BUF: Informationsmødet 28. januar 2027 er registreret som planlagt for Sundhedsplejen."},
			{line: "maria: info b3/BUF 2027-01-28 sundhedsplejen; Center for Økonomi", want: "b3/BUF: Informationsmødet 28. januar 2027 er nu også for Center for Økonomi."},
			{line: "maria: info b3/BUF 2027-01-28 Center for økonomi", want: "er allerede registreret for disse enheder; intet er ændret"},
			{line: "maria: info b3/BUF 2027-01-18 Valby Skole", want: "b3/BUF: Informationsmødet 18. januar 2027 er registreret som holdt for Valby Skole."},
			{line: "maria: info b3/BUF 2027-01-30 Valby Skole", want: "30. januar 2027 er en lørdag", refused: true},
			{line: "maria: info b3/BUF 2027-02-03 Valby Skole", want: "Bemærk: Mødet ligger efter fristen for »Informationsmøde i forvaltningen for brugere« (22. januar 2027). Flyt fristen med: frist b3/BUF info 2027-02-03"},
			{line: "maria: info b3/BUF 2027-02-03 fjern", want: "b3/BUF: Informationsmødet 3. februar 2027 er slettet."},
			{line: "maria: info b3/BUF 2027-02-03 fjern", want: "b3/BUF har intet informationsmøde den 3. februar 2027.", refused: true},
			{line: "maria: info b3/BUF 2027-02-31", want: "ikke en gyldig dato", refused: true},
			{line: "maria: info b3/BUF", want: "Der mangler ÅÅÅÅ-MM-DD.", refused: true},
			{line: "anna: info b3/BUF 2027-01-27 Husum Skole", want: "Informationsmøder og enheder registrerer forvaltningen selv: kun en tovholder for b3/BUF må ændre dem.", refused: true},
			{line: "vera: info b3/BUF 2027-01-27 Husum Skole", want: "kun en tovholder for b3/BUF", refused: true},
			{line: "maria: info b3/BUF 2027-01-27 Husum Skole,,Ungdomsskolen, Valby\x01Skole", want: "Teksten indeholder et usynligt styretegn (U+0001)", refused: true},
			{line: "maria: info b3/BUF 2027-01-27 " + strings.Repeat("x", 201), want: "er længere end 200 tegn", refused: true},
		})
		got := f.ok("vera: status b3/BUF")
		wantIn(t, got,
			"◆ Informationsmøde 18. januar 2027 – Valby Skole – holdt (registreret af @maria)",
			"◆ Informationsmøde 26. januar 2027 – Husum Skole og Ungdomsskolen – planlagt (registreret af @maria)",
			"◆ Informationsmøde 28. januar 2027 – Sundhedsplejen og Center for Økonomi – planlagt (registreret af @maria)",
			"1 af 5 enheder har haft informationsmøde; 4 har et planlagt.")
		// The units of the meetings are the forvaltning's units now.
		wantIn(t, f.ok("vera: units b3/BUF"), "Med et planlagt informationsmøde:", "Husum Skole – 26. januar 2027", "Center for Økonomi – 28. januar 2027")
		f.clock.Set(start.Add(8 * 24 * time.Hour))
		f.ok("maria: units b3/BUF add Amager Skole, Brønshøj Skole")
		wantIn(t, f.ok("maria: done b3/BUF info"), "b3/BUF: »Informationsmøde i forvaltningen for brugere« har nu status færdig.", "Bemærk: 2 enheder har ikke haft informationsmøde: Amager Skole og Brønshøj Skole.")
		f.ok("maria: units b3/BUF remove Amager Skole, Brønshøj Skole")
		wantIn(t, f.ok("anna: status b3"), "Alle 5 enheder har haft informationsmøde.")
	})
}

// TestTheForvaltningsUnits: units come and go at a contact's word, each
// once whatever its case; status counts them; units lists those without
// a meeting; a refusal names what is wrong and changes nothing.
func TestTheForvaltningsUnits(t *testing.T) {
	onBothStores(t, func(t *testing.T, f *fixture) {
		wantIn(t, f.ok("maria: units b3/BUF"), "b3/BUF har ingen enheder endnu. De kommer fra Enhed-kolonnen i autorisationslisten, når KS indlæser den.", "Tilføj dem selv med: enheder b3/BUF tilføj ENHED, …")
		if got := f.ok("anna: enheder b3/BUF"); strings.Contains(got, "tilføj ENHED") {
			t.Errorf("KS is told to add units: %s", got)
		}
		f.play(t, []step{
			{line: "maria: enheder b3/BUF tilføj Husum Skole, Sundhedsplejen, Ungdomsskolen", want: "b3/BUF: Husum Skole, Sundhedsplejen og Ungdomsskolen er tilføjet forvaltningens enheder; der er nu 3."},
			{line: "maria: units b3/BUF add HUSUM SKOLE", want: "b3/BUF har allerede HUSUM SKOLE blandt sine enheder; intet er ændret."},
			{line: "maria: units b3/BUF remove Sundhedsplejen", want: "b3/BUF: Sundhedsplejen er fjernet fra forvaltningens enheder; der er nu 2."},
			{line: "maria: units b3/BUF fjern Husum Skole, Valby Skole, Amager Skole", want: "b3/BUF har ingen enheder ved navnene Valby Skole og Amager Skole; intet er ændret.", refused: true},
			{line: "maria: units b3/BUF tilføj", want: "Skriv enhedernes navne, adskilt med komma.", refused: true},
			{line: "maria: units b3/BUF slet Husum Skole", want: "»slet« er hverken tilføj, fjern eller et sidetal.", refused: true},
			{line: "kim: units b3/BUF add Valby Skole", want: "Informationsmøder og enheder registrerer forvaltningen selv", refused: true},
			{line: "vera: units b3/BUF add Valby Skole", want: "kun en tovholder for b3/BUF", refused: true},
			{line: "maria: units b3/BUF add Valby\x00Skole", want: "Teksten indeholder et usynligt styretegn (U+0000)", refused: true},
			{line: "maria: units b3/TMF", want: "TMF er ikke tilmeldt bølge b3", refused: true},
			{line: "maria: info b3/BUF 2027-01-18 alle", want: "b3/BUF: Informationsmødet 18. januar 2027 er registreret som holdt for Husum Skole og Ungdomsskolen."},
			{line: "maria: units b3/BUF add Center for Økonomi", want: "der er nu 3"},
		})
		got := f.ok("vera: units b3/BUF")
		wantIn(t, got, "2 af 3 enheder har haft informationsmøde.", `"Title":"Uden informationsmøde endnu:","Progress":null,"Fields":null,"Lines":["Center for Økonomi"]`)
		if strings.Contains(got, "Registrer et møde") {
			t.Errorf("a viewer is told to record a meeting: %s", got)
		}
		wantIn(t, f.ok("maria: units b3/BUF"), "Registrer et møde med: informationsmøde b3/BUF ÅÅÅÅ-MM-DD ENHED, …")
		wantIn(t, f.ok("vera: status b3/BUF"), "2 af 3 enheder har haft informationsmøde.")
		wantIn(t, f.ok("vera: status b3"), "2 af 3 enheder har haft informationsmøde.")
		// The log says who did what.
		wantIn(t, f.ok("vera: log b3/BUF"), "@maria b3/BUF: tilføjede enhederne: Husum Skole; Sundhedsplejen; Ungdomsskolen", "@maria b3/BUF: fjernede enhederne: Sundhedsplejen",
			"@maria b3/BUF: registrerede informationsmødet 18. januar 2027: Husum Skole; Ungdomsskolen")
	})
}

// TestUnitsFromTheUploadedList: KS's upload of the list from KØR gives
// the enrolment the units of its Enhed column, each once, without the
// empty cells; a unit known already stays as it is.
func TestUnitsFromTheUploadedList(t *testing.T) {
	f := withPages(t)
	ctx := context.Background()
	f.ok("maria: units b3/BUF add husum skole")
	table := [][]string{{"BrugerID", "Navn", "Enhed", "Autorisation"},
		{"AA1", "Anne", "Husum Skole", "Opslag"}, {"AA2", "Bo", "Sundhedsplejen", "Godkender"},
		{"AA3", "Carl", "Husum Skole", "Attestant"}, {"AA4", "Dorte", "", "Opslag"}, {"AA5", "Eva", "Ungdomsskolen", "Opslag"}}
	r := f.d.UploadAuthList(ctx, "anna", "b3", "BUF", "koer.csv", table)
	if r.Refused {
		t.Fatalf("upload: %v", r.Lines)
	}
	wantIn(t, text(r), "2 enheder fra listens Enhed-kolonne er nye for b3/BUF og er tilføjet forvaltningens enheder.")
	w, _ := f.store.Wave(ctx, "b3")
	e, _ := w.Enrolment("BUF")
	if want := []string{"husum skole", "Sundhedsplejen", "Ungdomsskolen"}; !slices.Equal(e.Units, want) {
		t.Errorf("units %v, want %v", e.Units, want)
	}
	wantIn(t, f.ok("vera: log b3/BUF"), "@anna b3/BUF: tilføjede enheder fra autorisationslisten: 2")
	// A list without the column brings none, and says nothing of units.
	f.ok("maria: units b3/BUF remove Sundhedsplejen, Ungdomsskolen")
	r = f.d.UploadAuthList(ctx, "anna", "b3", "BUF", "koer.csv", [][]string{{"BrugerID", "Autorisation"}, {"AA1", "Opslag"}})
	if r.Refused || strings.Contains(text(r), "enhed") {
		t.Errorf("a list without units: %+v", r)
	}
}

// TestGoLiveRemindersNameTheUnitsWithoutAMeeting: what reminds of go-live
// names the units that have had no information meeting, a few of them.
func TestGoLiveRemindersNameTheUnitsWithoutAMeeting(t *testing.T) {
	f := newFixture(t)
	f.ok("maria: units b3/BUF add A-skolen, B-skolen, C-skolen, D-skolen, E-skolen, F-skolen, G-skolen, H-skolen, I-skolen")
	f.ok("maria: info b3/BUF 2027-01-27 A-skolen, B-skolen")
	day := wave.Copenhagen().At(wave.Date{Year: 2027, Month: 1, Day: 28}, 8, 0)
	got := strings.Join(f.remindersTo("maria", day, day.Add(2*time.Hour)), "\n")
	wantIn(t, got, "»Go-live – test af tilgængelighed til løsninger«", "Enheder uden informationsmøde endnu: C-skolen, D-skolen, E-skolen, F-skolen, G-skolen og 2 andre.")
	lead := strings.Join(f.remindersTo("anna", day, day.Add(2*time.Hour)), "\n")
	wantIn(t, lead, "Enheder uden informationsmøde endnu: C-skolen")
	// Other reminders say nothing of units.
	if strings.Count(got, "Enheder uden") != 1 {
		t.Errorf("only go-live names the units:\n%s", got)
	}
}

// TestGuides: the guides and KS økonomisupport come from the template, at
// any time, to anyone; without them the KS lead hands them out; help, the
// welcome and the training decision point to them.
func TestGuides(t *testing.T) {
	f := newFixture(t)
	wantIn(t, f.ok("vera: guides"), "KS-projektlederen for jeres bølge giver jer brugervejledningerne til løsningerne.",
		"KS økonomisupport vejleder også i brugen af løsningerne; KS-projektlederen for jeres bølge fortæller, hvordan I når dem.")
	wantIn(t, f.ok("maria: vejledninger b3"), "Brugervejledninger og KS økonomisupport – bølge b3", "KS-projektlederen @anna giver jer brugervejledningerne til løsningerne.")
	f.refused("maria: vejledninger b9", "Der er ingen bølge »b9«")
	wantIn(t, f.ok("vera: help"), "Brugervejledningerne og KS økonomisupport finder du med: vejledninger")
	wantIn(t, f.ok("maria: training b3/BUF nej"), "Brugervejledningerne og KS økonomisupport finder du når som helst med: vejledninger b3")
	wantIn(t, strings.Join(f.remindersTo("maria", start.Add(-time.Hour), start.Add(time.Hour)), "\n"), "Velkommen", "finder du når som helst med: vejledninger b3")

	tpl := wave.DefaultTemplate()
	tpl.Guides = []wave.Guide{{Solution: "Rejseafregning", URL: "https://vejledninger.example/rejseafregning"}}
	tpl.Support = wave.Support{Phone: "33 66 12 34", Email: "oekonomisupport@kk.example", HoursDA: "hverdage kl. 9-15", HoursEN: "weekdays 9-15"}
	f.d.cfg.Template = tpl
	got := f.ok("vera: guides b3")
	wantIn(t, got, "Brugervejledninger:", "• Rejseafregning: https://vejledninger.example/rejseafregning", "KS økonomisupport vejleder også i brugen af løsningerne:",
		"• Telefon: 33 66 12 34", "• E-mail: oekonomisupport@kk.example", "• Åbent: hverdage kl. 9-15")
	if strings.Contains(got, "Hjemmeside") {
		t.Errorf("a support without a web page shows one: %s", got)
	}
	f.ok("vera: lang en")
	wantIn(t, f.ok("vera: guides"), "User guides and KS finance support", "• Phone: 33 66 12 34", "• Open: weekdays 9-15")
}

// TestMeetingsInTheReport: the close-out report lists each enrolment's
// meetings and how many of its units had one.
func TestMeetingsInTheReport(t *testing.T) {
	f := newFixture(t)
	f.ok("maria: info b3/BUF 2027-01-18 Husum Skole, Ungdomsskolen")
	f.ok("maria: units b3/BUF add Sundhedsplejen")
	rep, err := f.d.CloseOut(context.Background(), "b3")
	if err != nil {
		t.Fatal(err)
	}
	e := rep.Enrolments[0]
	if len(e.Meetings) != 1 || e.Meetings[0].By != "@maria" || e.UnitsHeld != 2 || e.Units != 3 {
		t.Errorf("BUF in the report: %+v", e)
	}
	got := f.ok("vera: wave report b3")
	wantIn(t, got, "18. januar 2027 – holdt – Husum Skole og Ungdomsskolen – registreret af @maria", "2 af 3 enheder har haft informationsmøde.")
	if !strings.Contains(got, catalog.MeetingsNone.In("da")) {
		t.Errorf("SUF's meetings are not said to be none:\n%s", got)
	}
}

// TestStatusListsTheLatestMeetings: an enrolment's status lists its
// latest meetings and says where the earlier ones are; a meeting's line
// names a few of its units and counts the rest.
func TestStatusListsTheLatestMeetings(t *testing.T) {
	f := newFixture(t)
	f.ok("maria: units b3/BUF add A, B, C, D, E, F, G, H")
	for d := 4; d <= 15; d++ {
		if wave.Copenhagen().IsBusinessDay(wave.Date{Year: 2027, Month: 1, Day: d}) {
			f.ok(fmt.Sprintf("maria: info b3/BUF 2027-01-%02d alle", d))
		}
	}
	got := f.ok("vera: status b3/BUF")
	wantIn(t, got, "2 tidligere informationsmøder står i bølgens afslutningsrapport: bølge rapport b3",
		"◆ Informationsmøde 15. januar 2027 – A, B, C, D, E og 3 andre – holdt (registreret af @maria)")
	if n := strings.Count(got, "◆ Informationsmøde"); n != maxStatusMeetings {
		t.Errorf("%d meetings listed, want %d", n, maxStatusMeetings)
	}
	if strings.Contains(got, "Informationsmøde 4. januar 2027") {
		t.Errorf("the earliest meeting is listed:\n%s", got)
	}
}
