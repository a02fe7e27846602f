package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"wavebot/internal/catalog"
	"wavebot/notify"
	"wavebot/wave"
)

func TestFirstPersonIsAdminAndCreatorLeads(t *testing.T) {
	f := newFixture(t)
	anna, _ := f.store.Person(context.Background(), "anna")
	maria, _ := f.store.Person(context.Background(), "maria")
	vera, _ := f.store.Person(context.Background(), "vera")
	if anna.Role != wave.RoleAdmin || maria.Role != wave.RoleContact || vera.Role != wave.RoleViewer {
		t.Errorf("roles: anna %s, maria %s, vera %s", anna.Role, maria.Role, vera.Role)
	}
	w, _ := f.store.Wave(context.Background(), "b3")
	if w.Lead != "anna" || w.Name != "Bølge 3" {
		t.Errorf("wave = %+v", w)
	}
}

// TestWaveCreatedSaysWhat: the reply names the wave, its start and its
// lead, and the name only when one was given.
func TestWaveCreatedSaysWhat(t *testing.T) {
	f := newFixture(t)
	for line, want := range map[string]string{
		"anna: wave create b4 2027-03-01 Bølge 4 – sundhed": "Bølge b4 (Bølge 4 – sundhed) er oprettet med start 1. marts 2027. KS-projektleder: @anna.",
		"anna: wave create b5 2027-03-15":                   "Bølge b5 er oprettet med start 15. marts 2027. KS-projektleder: @anna.",
	} {
		if got := f.do(line); got.Refused || len(got.Lines) != 1 || got.Lines[0] != want {
			t.Errorf("%s:\n got %+v\nwant %s", line, got, want)
		}
	}
}

func TestStatusOfEnrolment(t *testing.T) {
	f := newFixture(t)
	wantIn(t, f.ok("anna: done b3/BUF kickoff"), "KS' del af »Opstartsmøde i forvaltningen« er bekræftet; aktiviteten venter nu på forvaltningen.")
	// The alias names the same activity, whose KS part is confirmed.
	wantIn(t, f.ok("anna: done b3/BUF opstart"), "er allerede bekræftet")
	f.ok("maria: done b3/BUF info invitation sent")
	f.ok("maria: training b3/BUF no like net banking")
	f.ok("anna: done b3/BUF pc")
	f.ok("anna: auth request b3/BUF 27.01.2027")
	got := f.ok("vera: status b3/BUF")
	wantIn(t, got,
		`"Done":3,"Skipped":0,"Total":9`, "3 færdige, 6 åbne",
		`@maria`,
		"venter på forvaltningen, frist 27. januar 2027",
		// Enrolled on 20 January, kickoff (15 December) and info (11 January) moved to the coming business days.
		"Næste frist", "21. januar 2027 – Opstartsmøde i forvaltningen",
		"◐ opstart – Opstartsmøde i forvaltningen (KS+FV) – 21. januar 2027 – i gang – venter på forvaltningen",
		"✓ uddannelse – Uddannelse af brugere (FV) – 25. januar 2027 – besluttet: ingen uddannelse (@maria) – like net banking",
		"invitation sent",
	)
	f.clock.Set(start.AddDate(0, 0, 10)) // 2027-01-30: kickoff (01-21) and the feedback (01-27) are overdue
	got = f.ok("vera: status b3/BUF")
	// Once KS has asked, the feedback stands for the authorization activity.
	wantIn(t, got, "2: Opstartsmøde i forvaltningen og tilbagemelding på autorisationerne", "1. februar 2027 – Go-live")
	got = f.ok("maria: status b3/BUF")
	wantIn(t, got, `"Command":"auth ok b3/BUF"`)
}

func TestStatusOfWaveAndAll(t *testing.T) {
	f := newFixture(t)
	f.ok("anna: wave create b4 2027-05-03 Bølge 4")
	f.ok("anna: done b3/SUF pc")
	got := f.ok("vera: status b3")
	wantIn(t, got, `"Title":"b3/BUF"`, `"Title":"b3/SUF"`, `"Done":1,"Skipped":0,"Total":9`, `"Label":"Tovholder","Value":"ingen endnu"`)
	// KS, who names the first contact, is told how.
	wantIn(t, f.ok("kim: status b3"), "ingen – udpeg en med: kontakt b3/SUF @person")
	got = f.ok("vera: status")
	wantIn(t, got, "Aktive bølger", "b3 – Bølge 3", "b4 – Bølge 4", "SUF: 1 færdig, 8 åbne; 0 overskredne; næste frist: 21. januar 2027")
	got = f.ok("vera: wave show b3")
	wantIn(t, got, "b3/BUF: 0 færdige, 9 åbne; tovholder @maria", "b3/SUF: 1 færdig, 8 åbne; ingen tovholder", "@anna")
	got = f.ok("vera: wave list")
	wantIn(t, got, "start 1. februar 2027 – tilmeldt: BUF og SUF", "b4 – Bølge 4 – start 3. maj 2027 – tilmeldt: ingen")
}

func TestMyListsOwnTasks(t *testing.T) {
	f := newFixture(t)
	// Before KS has asked for the feedback, asking is the lead's task.
	wantIn(t, f.ok("anna: my"), "25. januar 2027: b3/BUF autorisation – Sikre korrekt autorisation af brugere")
	if got := f.ok("maria: my"); strings.Contains(got, "b3/BUF auth") {
		t.Errorf("maria is to ask for her own feedback: %s", got)
	}
	f.ok("anna: auth request b3/BUF 2027-01-27")
	f.ok("anna: skip b3/BUF golive testet i bølge 2")
	got := f.ok("maria: my")
	wantIn(t, got, "27. januar 2027: b3/BUF – giv tilbagemelding", "b3/BUF info", "b3/BUF opstart", "b3/BUF golive",
		"25. januar 2027: b3/BUF – beslut, om brugerne skal uddannes")
	for _, not := range []string{"b3/SUF", " pc ", "support", "b3/BUF training"} {
		if strings.Contains(got, not) {
			t.Errorf("maria's tasks include %q: %s", not, got)
		}
	}
	f.ok("maria: auth fix b3/BUF NN99 skal være godkender")
	got = f.ok("anna: my")
	// Applying is due three business days after the answer (Wednesday 20 January).
	wantIn(t, got, "25. januar 2027: b3/BUF – tildel autorisationerne", "b3/SUF pc", "b3/BUF support", "b3/BUF opstart")
	for _, not := range []string{" info ", "b3/BUF golive", "beslut"} {
		if strings.Contains(got, not) {
			t.Errorf("anna's tasks include %q: %s", not, got)
		}
	}
	wantIn(t, f.ok("vera: my"), "ingen åbne opgaver")
}

func TestAuthFeedbackLoop(t *testing.T) {
	f := newFixture(t)
	f.refused("maria: auth ok b3/BUF", "ingen åben anmodning")
	f.ok("kim: auth request b3/BUF 2027-01-27")
	f.refused("anna: auth ok b3/BUF", "tovholdere for b3/BUF")
	f.refused("maria: auth applied b3/BUF", "KS")
	f.refused("kim: auth applied b3/BUF", "ikke givet tilbagemelding")
	wantIn(t, f.ok("maria: auth fix b3/BUF NN99 mangler godkender-rollen"),
		"KS-projektlederen @anna får besked nu og tildeler autorisationerne senest 25. januar 2027.")
	f.refused("kim: auth request b3/BUF 2027-01-28", "ikke tildelt endnu")
	wantIn(t, f.ok("vera: status b3/BUF"), "rettelser fra @maria: NN99 mangler godkender-rollen – venter på, at KS tildeler dem senest 25. januar 2027",
		"Næste frist\",\"Value\":\"21. januar 2027 – Opstartsmøde i forvaltningen")
	f.ok("kim: auth applied b3/BUF")
	got := f.ok("vera: status b3/BUF")
	wantIn(t, got, "tildelt af @kim", "✓ autorisation")
	got = f.ok("anna: auth request b3/SUF 2027-01-27")
	wantIn(t, got, "ingen tovholder")
}

func TestPermissions(t *testing.T) {
	f := newFixture(t)
	f.ok("anna: contact b3/SUF @sofie")
	tests := []struct {
		line, want string
	}{
		{"vera: wave create b9 2027-02-01", "kun KS-medarbejdere"},
		{"maria: wave enroll b3 KFF", "kun KS-medarbejdere"},
		{"maria: wave lead b3 @maria", "kun KS-medarbejdere"},
		{"maria: done b3/SUF pc", "»Sikre korrekt opsætning af PC'er« er en KS-opgave"},
		{"maria: done b3/BUF pc", "KS-opgave"},
		{"maria: done b3/SUF info", "tovholder for b3/SUF"},
		{"sofie: done b3/BUF kickoff", "tovholder for b3/BUF"},
		{"vera: start b3/BUF info", "tovholder for b3/BUF"},
		{"maria: due b3/BUF pc 2027-01-28", "dens frist sætter KS"},
		{"sofie: due b3/BUF info 2027-01-28", "KS eller en tovholder for b3/BUF"},
		{"maria: done b3/SUF info", "»Informationsmøde i forvaltningen for brugere« er forvaltningens opgave: kun en tovholder for b3/SUF må ændre den."},
		{"kim: done b3/BUF info", "er forvaltningens opgave"},
		{"anna: skip b3/BUF info held with the kick-off", "er forvaltningens opgave"},
		{"vera: skip b3/BUF golive not needed", "Kun KS eller en tovholder for b3/BUF må ændre »Go-live – test af tilgængelighed til løsninger«"},
		{"maria: auth request b3/BUF 2027-01-27", "KS"},
		{"sofie: eval b3/BUF 2027-04-01", "KS eller en tovholder for b3/BUF"},
		{"sofie: contact b3/BUF @vera", "KS eller en tovholder for b3/BUF"},
		{"kim: role @vera ks", "kun en administrator"},
		{"maria: workflow BUF done authorize", "KS"},
		{"sofie: workflow BUF done group", "tovholder for KØR workflow i BUF"},
		{"kim: workflow BUF done decisions", "forvaltningens trin"},
		{"anna: workflow BUF due group 2027-02-01", "forvaltningens trin"},
		{"kim: workflow BUF agreement projektledelse", "Kun en tovholder for KØR workflow i BUF"},
		{"maria: workflow BUF teaching 2027-02-01", "kun KS"},
		{"sofie: workflow BUF contact @vera", "det må kun KS eller en tovholder for KØR workflow i BUF"},
		{"sofie: workflow SUF contact @vera", "det må kun KS eller en tovholder for KØR workflow i SUF"}, // KS names the first
		{"anna: workflow SUF contact @kim", "er KS-medarbejder og kan derfor ikke være forvaltningens tovholder"},
		{"sofie: training b3/BUF no", "tovholdere for b3/BUF"},
		{"anna: training b3/BUF no", "tovholdere for b3/BUF"},
		{"maria: skip b3/BUF pc not needed", "KS-opgave"},
	}
	for _, tt := range tests {
		f.refused(tt.line, tt.want)
	}
	// The permitted side of the same rules.
	for _, line := range []string{
		"maria: done b3/BUF info", "maria: start b3/BUF golive", "kim: done b3/SUF pc", "kim: wave enroll b3 KFF", "maria: skip b3/BUF golive not needed",
		"maria: eval b3/BUF 2027-04-07", "kim: due b3/BUF support 2027-01-29", "maria: due b3/BUF training 2027-01-28", "maria: contact b3/BUF @jens",
		"maria: workflow BUF done group", "maria: workflow BUF agreement projektledelse", "kim: workflow BUF done decisions",
		"anna: wave lead b3 @kim",
		"maria: skip b3/BUF info held with the kick-off", "kim: skip b3/SUF golive not this wave",
	} {
		f.ok(line)
	}
	w, _ := f.store.Wave(context.Background(), "b3")
	e, _ := w.Enrolment("BUF")
	if e.EvaluationDate().String() != "2027-04-07" || !e.HasContact("jens") || w.Lead != "kim" {
		t.Errorf("permitted changes missing: eval %s contacts %v lead %s", e.EvaluationDate(), e.Contacts, w.Lead)
	}
}

// TestLeadMustBeKS: naming a KS lead never gives a role on the side; the
// role is given with role, as its own logged change.
func TestLeadMustBeKS(t *testing.T) {
	f := newFixture(t)
	before := f.snapshot()
	f.refused("anna: wave lead b3 @vera", "@vera er ikke KS-medarbejder og kan derfor ikke være KS-projektleder. Giv først rollen med: rolle @vera ks")
	f.refused("anna: wave lead b3 @nobody", "@nobody er ikke KS-medarbejder")
	if f.snapshot() != before {
		t.Fatal("a refused wave lead changed the store")
	}
	if _, err := f.store.Person(context.Background(), "nobody"); err == nil {
		t.Error("a refused wave lead created the person it named")
	}
	wantIn(t, f.ok("anna: rolle @vera ks"), "@vera har nu rollen KS-medarbejder.")
	wantIn(t, f.ok("anna: wave lead b3 @vera"), "@vera er nu KS-projektleder for bølge b3.")
	vera, _ := f.store.Person(context.Background(), "vera")
	w, _ := f.store.Wave(context.Background(), "b3")
	if vera.Role != wave.RoleKS || w.Lead != "vera" {
		t.Errorf("vera is %s, lead %s", vera.Role, w.Lead)
	}
	wantIn(t, f.ok("anna: log b3"), "@anna b3: skiftede KS-projektleder fra @anna til @vera")
	events, _ := f.store.Events(context.Background(), "", "", 100)
	if !slices.ContainsFunc(events, func(ev wave.Event) bool {
		return ev.Action == actPersonRole && ev.Item == "vera" && ev.Before == "viewer" && ev.After == "ks"
	}) {
		t.Errorf("the role change is not logged as its own event: %+v", events)
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		line, want string
	}{
		{"anna: frobnicate", "Ukendt kommando"},
		{"anna: wave", "er ikke en kendt kommando"},
		{"anna: wave fly b3", "er ikke en kendt kommando"},
		{"anna: wave create", "mangler"},
		{"anna: wave create b3 2027-03-01", "findes allerede"},
		{"anna: wave create B 3 2027-03-01", "bølge-id"},
		{"anna: wave create b5 2027-02-30", "ikke en gyldig dato"},
		{"anna: wave create b5 tomorrow", "ikke en gyldig dato"},
		{"anna: wave show", "Der mangler ID."},
		{"anna: wave show b9", "ingen bølge"},
		{"anna: wave enroll b3 XYZ", "Ukendt forvaltning"},
		{"anna: wave enroll b3 KFF BUF", "allerede tilmeldt"},
		{"anna: wave enroll b9 KFF", "ingen bølge"},
		{"anna: wave lead b3 kim", "@navn"},
		{"anna: wave lead b3 @vera", "ikke KS-medarbejder"},
		{"anna: wave lead b3 @nobody", "ikke KS-medarbejder"},
		{"anna: wave lead b9 @kim", "ingen bølge"},
		{"anna: contact b3/KFF @x", "ikke tilmeldt"},
		{"anna: contact b3 @x", "BØLGE/FORVALTNING"},
		{"anna: contact b3/BUF @x y", "@navn"},
		{"anna: contact b9/BUF @x", "ingen bølge"},
		{"anna: status b3/XYZ", "Ukendt forvaltning"},
		{"anna: status b9", "ingen bølge"},
		{"anna: status b3 b4", "»b4« er ikke et sidetal."},
		{"anna: status b3/BUF 2", "Kommandoen kan ikke bruge »2«."},
		{"anna: status all x", "»x« er ikke et sidetal."},
		{"anna: done b3/BUF", "mangler"},
		{"anna: done b3/BUF coffee", "Ukendt aktivitet"},
		{"anna: done /BUF kickoff", "BØLGE/FORVALTNING"},
		{"anna: done b3/KFF kickoff", "ikke tilmeldt"},
		{"anna: due b3/BUF info 2027-13-01", "ikke en gyldig dato"},
		{"anna: due b3/BUF info", "Der mangler ÅÅÅÅ-MM-DD."},
		{"anna: auth request b3/BUF 31-02-2027", "ikke en gyldig dato"},
		{"anna: auth fix b3/BUF", "mangler"},
		{"anna: eval b3/BUF 2027-04-31", "ikke en gyldig dato"},
		{"anna: workflow XYZ", "Ukendt forvaltning"},
		{"anna: workflow BUF done lunch", "Ukendt trin »lunch« i KØR workflow. Trinnene er: arbejdsgruppe, beslutninger"},
		{"anna: workflow BUF maybe group", "ikke en kendt kommando"},
		{"anna: workflow BUF done", "Der mangler TRIN."},
		{"anna: workflow BUF done group now", "Kommandoen kan ikke bruge »now«"},
		{"anna: log b9", "ingen bølge"},
		{"anna: log", "Der mangler ID[/FV] | FV."},
		{"anna: role @x boss", "Ukendt rolle"},
		{"anna: role @x contact", "Der mangler FV."},
		{"anna: role @x ks BUF", "Kommandoen kan ikke bruge »BUF«"},
		{"anna: role @x contact XYZ", "Ukendt forvaltning"},
		{"anna: role @anna viewer", "administratorrollen"},
		{"anna: lang fr", "Ukendt sprog"},
		{"anna: my extra", "»extra« er ikke et sidetal."},
		{"anna: my 2 3", "Kommandoen kan ikke bruge »3«."},
		{"anna: my 0", "»0« er ikke et sidetal."},
		{"anna: wave list --all 1 2", "Kommandoen kan ikke bruge »2«."},
		{"anna: wave list --all x", "»x« er ikke et sidetal."},
		{"anna: wave report b3 x", "»x« er ikke et sidetal."},
		{"anna: help frobnicate", "Ukendt kommando"},
		{"anna: remind", "er ikke en kendt kommando"},
		{"anna: remind list all", "»all« er ikke et sidetal."},
		{"anna: remind snooze b3/SUF", "Der mangler VARIGHED."},
		{"anna: remind snooze b3/SUF 0d", "ikke en varighed"},
		{"anna: remind snooze b3/SUF 31d", "ikke en varighed"},
		{"anna: remind snooze b3/SUF 2w", "ikke en varighed"},
		{"anna: remind snooze b3/SUF d", "ikke en varighed"},
		{"anna: remind snooze b3/SUF 73h", "ikke en varighed"},
		{"anna: remind snooze b3 1d", "Du får ingen påmindelser om b3."},
		{"anna: remind snooze b3/SUF/ 1d", "ikke et emne"},
		{"anna: remind snooze b3/SUF/pc/x 1d", "ikke et emne"},
		{"anna: remind snooze b3/ 1d", "BØLGE/FORVALTNING"},
		{"anna: remind snooze b3/SUF/coffee 1d", "Ukendt aktivitet"},
		{"anna: remind snooze b9/SUF 1d", "ingen bølge"},
		{"anna: remind snooze b3/KFF 1d", "ikke tilmeldt"},
		{"anna: remind snooze b3/BUF 1d", "ingen påmindelser om b3/BUF"},
		// An activity anna does not hear of is refused as such, not as the
		// enrolment she hears of.
		{"anna: remind snooze b3/SUF/info 1d", "Du får ingen påmindelser om b3/SUF/info."},
		// Mentions are platform ids or plain names, nothing else.
		{"anna: contact b3/BUF @maria!", "»@maria!« er ikke en person"},
		{"anna: contact b3/BUF @jens @<script>", "»@<script>« er ikke en person"},
		{"anna: contact b3/BUF @a/b", "er ikke en person"},
		{"anna: contact b3/BUF @.hidden", "er ikke en person"},
		{"anna: contact b3/BUF @foo:bar", "»@foo:bar« er ikke en person"},
		{"anna: contact b3/BUF @slack:U12-3", "er ikke en person"},
		{"anna: contact b3/BUF @", "»@« er ikke en person"},
		{"anna: contact b3/BUF @" + strings.Repeat("ø", 33), "er for langt til at være et navn: højst 32 tegn"},
		{"anna: role @maria! ks", "er ikke en person"},
		{"anna: wave lead b3 @<x>", "er ikke en person"},
		// Lengths are capped, and the refusal names the cap.
		{"anna: wave create b9 2027-02-01 " + strings.Repeat("n", 101), "Navnet er for langt: højst 100 tegn."},
		{"anna: wave create " + strings.Repeat("b", 33) + " 2027-02-01", "(højst 32 tegn)"},
		{"anna: done b3/BUF info " + strings.Repeat("x", 1001), "Noten er for lang: højst 1000 tegn."},
		{"maria: auth fix b3/BUF " + strings.Repeat("æ", 1001), "Noten er for lang: højst 1000 tegn."},
		{"anna: status " + strings.Repeat("b", 2001), "Kommandoen er for lang: højst 2000 tegn."},
	}
	before := f.snapshot()
	for _, tt := range tests {
		r := f.do(tt.line)
		f.refused(tt.line, tt.want)
		if len(r.Lines) < 2 && !strings.Contains(r.Lines[0], "Ukendt kommando") && !strings.Contains(r.Lines[0], "Kommandoen er for lang") {
			t.Errorf("%s: refusal has no usage line: %v", tt.line, r.Lines)
		}
		if after := f.snapshot(); after != before {
			t.Fatalf("%s changed the store", tt.line)
		}
	}
	for _, id := range []string{"maria!", "jens", "<script>", "a/b", "foo:bar", "nobody"} {
		if _, err := f.store.Person(context.Background(), id); err == nil {
			t.Errorf("a refused command created the person %q", id)
		}
	}
}

// TestValidMentions: plain names of letters (æøå too), digits, '.', '-'
// and '_', case-insensitive, and Slack and Teams ids.
func TestValidMentions(t *testing.T) {
	f := newFixture(t)
	f.ok("anna: contact b3/SUF @Søren.Ø-1_x @slack:u0123ABC @teams:29:1abc-DEF_g.h @" + strings.Repeat("å", 32))
	w, _ := f.store.Wave(context.Background(), "b3")
	e, _ := w.Enrolment("SUF")
	want := []string{"søren.ø-1_x", "slack:U0123ABC", "teams:29:1abc-DEF_g.h", strings.Repeat("å", 32)}
	if !slices.Equal(e.Contacts, want) {
		t.Errorf("contacts %q, want %q", e.Contacts, want)
	}
	if r := f.do("Maria: status b3/BUF"); r.Refused {
		t.Errorf("a caller named Maria is refused: %v", r.Lines)
	}
	if r := f.do("maria!: status"); !r.Refused || !strings.Contains(r.Lines[0], "er ikke en person") {
		t.Errorf("a caller maria! is accepted: %v", r.Lines)
	}
}

// TestUsageFollowsReason: a refusal names the missing or wrong argument,
// quotes input as it was typed, and shows the usage line in the reader's
// language.
func TestUsageFollowsReason(t *testing.T) {
	f := newFixture(t)
	f.ok("kim: lang en")
	for _, tc := range []struct {
		line string
		want []string
	}{
		{"anna: wave create b5 2027-02-30", []string{"»2027-02-30« er ikke en gyldig dato. Skriv ÅÅÅÅ-MM-DD, DD-MM-ÅÅÅÅ eller DD.MM.ÅÅÅÅ.", "Brug: wave create ID ÅÅÅÅ-MM-DD [NAVN …]"}},
		{"anna: done b3/BUF", []string{"Der mangler AKTIVITET.", "Brug: done ID[/FV] AKTIVITET [NOTE …]"}},
		{"anna: due b3/BUF info", []string{"Der mangler ÅÅÅÅ-MM-DD.", "Brug: due ID[/FV] AKTIVITET ÅÅÅÅ-MM-DD"}},
		{"maria: auth fix b3/BUF", []string{"Der mangler NOTE.", "Brug: auth fix ID/FV NOTE …"}},
		{"anna: wave enroll b3", []string{"Der mangler FV.", "Brug: wave enroll ID FV …"}},
		{"anna: contact b3/BUF", []string{"Der mangler [fjern|sæt] @person.", "Brug: contact ID/FV [fjern|sæt] @person …"}},
		{"anna: contact b3/BUF fjern", []string{"Der mangler @person.", "Brug: contact ID/FV [fjern|sæt] @person …"}},
		{"anna: status b3 b4 b5", []string{"Kommandoen kan ikke bruge »b5«.", "Brug: status [alle | ID | FV | ID/FV] [SIDE]"}},
		{"anna: lang", []string{"Der mangler da|en.", "Brug: lang da|en"}},
		{`anna: wave show Ærø"`, []string{`Der er ingen bølge »Ærø"«. Skriv bølge liste for at se bølgerne.`, "Brug: wave show ID"}},
		{"anna: wave show a\x01b", []string{"Teksten indeholder et usynligt styretegn (U+0001), som kan forvrænge det, andre ser. Skriv den igen uden; intet blev ændret."}},
		{"anna: wave show " + strings.Repeat("x", 50), []string{"Der er ingen bølge »" + strings.Repeat("x", 40) + "…«. Skriv bølge liste for at se bølgerne.", "Brug: wave show ID"}},
		{"kim: due b3/BUF info", []string{"YYYY-MM-DD is missing.", "Usage: due ID[/FV] ACTIVITY YYYY-MM-DD"}},
		{"kim: status b3 b4", []string{"“b4” is not a page number.", "Usage: status [all | ID | FV | ID/FV] [PAGE]"}},
		{`kim: wave show Ærø"`, []string{`There is no wave “Ærø"”. Type wave list to see the waves.`, "Usage: wave show ID"}},
	} {
		r := f.do(tc.line)
		if !r.Refused || !slices.Equal(r.Lines, tc.want) {
			t.Errorf("%s:\n got %q\nwant %q", tc.line, r.Lines, tc.want)
		}
	}
	r := f.do("anna: auth")
	if len(r.Lines) != 7 || r.Lines[1] != "Brug: auth request ID[/FV] ÅÅÅÅ-MM-DD" || r.Lines[5] != "Brug: auth list ID/FV" || r.Lines[6] != "Brug: auth pending [SIDE]" {
		t.Errorf("a bare group shows the usage of each subcommand: %q", r.Lines)
	}
}

func TestDanishAliasesAndCase(t *testing.T) {
	f := newFixture(t)
	f.ok("anna: BØLGE OPRET b4 2027-05-03 Fire")
	// A forvaltning named twice is enrolled once, not refused as enrolled.
	wantIn(t, f.ok("anna: bølge tilmeld b4 buf økf BUF"), "BUF og ØKF er tilmeldt bølge b4 med 9 aktiviteter hver.")
	f.ok("anna: kontakt b4/BUF @Maria")
	f.ok("maria: FÆRDIG b4/buf opstart")
	f.refused("maria: autorisation", "ikke en kendt kommando")
	w, _ := f.store.Wave(context.Background(), "b4")
	e, _ := w.Enrolment("BUF")
	a, _ := e.Activity("kickoff")
	if !a.Parts.Has(wave.PartyFV) || len(w.Enrolments) != 2 || w.Enrolments[1].FV != "ØKF" || !e.HasContact("maria") {
		t.Errorf("aliases did not work: %+v", w)
	}
	wantIn(t, f.ok("vera: hjælp"), "wave create ID ÅÅÅÅ-MM-DD")
}

func TestLangSwitchesPerPerson(t *testing.T) {
	f := newFixture(t)
	wantIn(t, f.ok("maria: lang en"), "English")
	wantIn(t, f.ok("maria: status b3/BUF"), "Contact", "Next deadline")
	wantIn(t, f.ok("vera: status b3/BUF"), "Tovholder")
	f.refused("maria: wave show b9", "There is no wave")
}

func TestHelp(t *testing.T) {
	f := newFixture(t)
	all := f.ok("vera: help")
	for _, c := range leaves(f.d.cmds) {
		wantIn(t, all, c.Usage("da"))
		got := f.ok("vera: help " + c.path)
		wantIn(t, got, c.Usage("da"), c.Summary.In("da"))
	}
	wantIn(t, f.ok("vera: help auth ok"), "auth ok ID/FV", "Hvem: en tovholder for tilmeldingen")
	wantIn(t, f.ok("vera: help færdig"), "done ID[/FV] AKTIVITET [NOTE …]", "Også: færdig", "Aktiviteter: opstart, info, uddannelse")
	// The overview names each command's Danish words, the activities with
	// their titles and the forvaltning codes.
	wantIn(t, all,
		"wave create ID ÅÅÅÅ-MM-DD [NAVN …] — opret en bølge; du bliver KS-projektleder (også: bølge opret)",
		"done ID[/FV] AKTIVITET [NOTE …] — marker en aktivitet som færdig; med ID alene bekræfter KS sin del i hele bølgen (også: færdig)",
		"auth ok ID/FV — bekræft, at autorisationerne er rigtige (også: autorisation ok)",
		"remind snooze EMNE VARIGHED — udsæt dine påmindelser om en tilmelding (ID/FV: tilbagemeldingen på autorisationerne og tovholderen), en aktivitet (ID/FV/AKTIVITET) eller et trin i forvaltningens KØR workflow (FV/TRIN): 1d–30d tæller arbejdsdage",
		"opstart – Opstartsmøde i forvaltningen – KS+FV",
		"support – Support/fejlretning – KS (også: fejlretning, fejltrening)",
		"BUF, BIF, KFF, SOF, SUF, TMF, ØKF")
	for _, name := range []string{"fejltrening", "fejlretning", "support"} {
		f.ok("anna: done b3/SUF " + name + " svaret")
	}
	if got := f.ok("vera: "); !strings.Contains(got, catalog.HelpTitle.In("da")) {
		t.Errorf("an empty line does not show help: %s", got)
	}
	f.ok("vera: lang en")
	wantIn(t, f.ok("vera: help"), "done ID[/FV] ACTIVITY [NOTE …] — mark an activity done; with an ID alone KS confirms its part in the whole wave (also: færdig)", "Activities (key – title – responsible)")
}

func TestDuplicateNamesAreRejected(t *testing.T) {
	run := func(context.Context, Input) (Reply, error) { return Reply{}, nil }
	tests := map[string][]*Command{
		"alias clash": {{Name: "done", Run: run}, {Name: "finish", Aliases: []string{"DONE"}, Run: run}},
		"sub clash":   {{Name: "wave", Sub: []*Command{{Name: "list", Run: run}, {Name: "liste", Aliases: []string{"list"}, Run: run}}}},
		"no handler":  {{Name: "empty"}},
	}
	for name, cmds := range tests {
		if err := checkCommands(cmds, "", false); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestLogNewestFirst(t *testing.T) {
	f := newFixture(t)
	f.ok("anna: done b3/BUF pc")
	f.ok("anna: due b3/SUF info 2027-01-29")
	got := f.do("vera: log b3")
	if len(got.Lines) != 6 || !strings.Contains(got.Lines[0], "@anna b3/SUF: ændrede fristen for »Informationsmøde i forvaltningen for brugere« fra 2027-01-22 til 2027-01-29") ||
		!strings.Contains(got.Lines[1], "ændrede status for »Sikre korrekt opsætning af PC'er« fra ikke begyndt til færdig") ||
		!strings.Contains(got.Lines[5], "oprettede bølgen") {
		t.Errorf("log b3 = %q", got.Lines)
	}
	got = f.do("vera: log b3/SUF")
	if len(got.Lines) != 2 {
		t.Errorf("log b3/SUF = %q", got.Lines)
	}
}

func TestRemindListAndSnooze(t *testing.T) {
	f := newFixture(t)
	// Before KS asks for the feedback, maria hears of activities only:
	// the refusal says which, and how to snooze one.
	before := f.snapshot()
	f.refused("maria: remind snooze b3/BUF 3d", "Du får ingen påmindelser om b3/BUF som helhed (tilbagemeldingen på autorisationerne og tovholderen), kun om b3/BUF/opstart, b3/BUF/info, b3/BUF/uddannelse, b3/BUF/golive og b3/BUF/evaluering. Udsæt dem hver for sig, fx påmind udsæt b3/BUF/opstart 3d.")
	f.refused("vera: remind snooze b3/BUF 3d", "Du får ingen påmindelser om b3/BUF.")
	if f.snapshot() != before {
		t.Error("a refused snooze changed the store")
	}
	f.ok("anna: auth request b3/BUF 2027-01-27")
	f.clock.Set(time.Date(2027, 1, 25, 11, 0, 0, 0, time.UTC)) // Monday 12:00 in Copenhagen
	wantIn(t, f.ok("maria: remind list"),
		"onsdag 27. januar 2027 kl. 9.00: b3/BUF – b3/BUF: Fristen for tilbagemelding på autorisationerne er i dag, 27. januar 2027.",
		"b3/BUF/golive", "påmind udsæt EMNE 1d (1d tæller arbejdsdage)")
	wantIn(t, f.ok("maria: remind snooze b3/BUF 3d"), "Påmindelser om b3/BUF er udsat 3 arbejdsdage, til torsdag 28. januar 2027 kl. 9.00.")
	before = f.snapshot()
	wantIn(t, f.ok("maria: remind snooze b3/BUF 3d"), "Påmindelser om b3/BUF er allerede udsat til torsdag 28. januar 2027 kl. 9.00; intet er ændret.")
	if f.snapshot() != before {
		t.Error("the same snooze again changed the store")
	}
	wantIn(t, f.ok("maria: påmind liste"), "torsdag 28. januar 2027 kl. 9.00: b3/BUF – ", "(udsat til torsdag 28. januar 2027 kl. 9.00)")
	wantIn(t, f.ok("maria: remind udsæt b3/BUF/Golive 4h"), "Påmindelser om b3/BUF/golive er udsat 4 timer, til mandag 25. januar 2027 kl. 16.00.")
	wantIn(t, f.ok("anna: remind snooze b3/SUF 1d"), "Påmindelser om b3/SUF er udsat 1 arbejdsdag, til tirsdag 26. januar 2027 kl. 9.00.")
	w, _ := f.store.Wave(context.Background(), "b3")
	var got []string
	for _, z := range w.Snoozes {
		got = append(got, fmt.Sprintf("%s/%s %s %s", z.FV, z.Activity, z.Person, z.Until.UTC().Format("01-02 15:04")))
	}
	if want := "BUF/ maria 01-28 08:00,BUF/golive maria 01-25 15:00,SUF/ anna 01-26 08:00"; strings.Join(got, ",") != want {
		t.Errorf("stored snoozes %v, want %s", got, want)
	}
	wantIn(t, f.ok("anna: log b3/BUF"), "@maria b3/BUF: udsatte påmindelser om »Go-live – test af tilgængelighed til løsninger«: 2027-01-25 16:00",
		"@maria b3/BUF: udsatte påmindelser: 2027-01-28 09:00")
	wantIn(t, f.ok("vera: remind list"), "Ingen påmindelser til dig de næste 10 arbejdsdage.")
}

// TestParseSnooze: 1d to 30d count business days, 1h to 72h hours,
// both ends included; anything else is refused.
func TestParseSnooze(t *testing.T) {
	tests := []struct {
		in          string
		days, hours int
		ok          bool
	}{
		{"1d", 1, 0, true},
		{"30d", 30, 0, true},
		{"3D", 3, 0, true},
		{"1h", 0, 1, true},
		{"72h", 0, 72, true},
		{"31d", 0, 0, false},
		{"73h", 0, 0, false},
		{"0d", 0, 0, false},
		{"-1h", 0, 0, false},
		{"2w", 0, 0, false},
		{"d", 0, 0, false},
	}
	for _, tt := range tests {
		days, hours, err := parseSnooze(tt.in)
		if days != tt.days || hours != tt.hours || (err == nil) != tt.ok {
			t.Errorf("parseSnooze(%q) = %d days, %d hours, %v; want %d, %d, ok %v", tt.in, days, hours, err, tt.days, tt.hours, tt.ok)
		}
	}
}

// TestReminderMessage: a reminder reads in its recipient's language and
// carries buttons that, pressed by the recipient, run as commands.
func TestReminderMessage(t *testing.T) {
	f := newFixture(t)
	f.ok("anna: auth request b3/BUF 2027-01-27")
	f.ok("maria: lang en")
	due, _ := wave.ParseDate("2027-01-11")
	for _, tc := range []struct {
		r       notify.Reminder
		text    string
		buttons string
	}{
		{notify.Reminder{Kind: notify.ActivityOverdue, Wave: "b3", FV: "BUF", Activity: "info", Due: due, Recipient: "maria"},
			"b3/BUF: “Information meeting for users” is overdue (due 11 January 2027).",
			"Mark done: done b3/BUF info|Snooze 1 business day: remind snooze b3/BUF/info 1d|Snooze 3 business days: remind snooze b3/BUF/info 3d"},
		{notify.Reminder{Kind: notify.AuthSoon, Wave: "b3", FV: "BUF", Due: due, Recipient: "maria"},
			"b3/BUF: KS needs your authorization feedback by 11 January 2027.",
			"Confirm the authorizations: auth ok b3/BUF|Snooze 1 business day: remind snooze b3/BUF 1d|Snooze 3 business days: remind snooze b3/BUF 3d"},
		{notify.Reminder{Kind: notify.NoContact, Wave: "b3", FV: "SUF", Due: due, Recipient: "anna"},
			"b3/SUF har ingen tovholder, og bølgen starter 11. januar 2027. Udpeg en med: kontakt b3/SUF @person",
			"Vis status: status b3/SUF|Udsæt 1 arbejdsdag: remind snooze b3/SUF 1d|Udsæt 3 arbejdsdage: remind snooze b3/SUF 3d"},
	} {
		msg := f.d.Digest(context.Background(), notify.Digest{Recipient: tc.r.Recipient, Reminders: []notify.Reminder{tc.r}})
		var buttons []string
		for _, a := range msg.Actions {
			buttons = append(buttons, a.Label+": "+a.Command)
		}
		if !strings.Contains(strings.Join(msg.Lines, " "), tc.text) || strings.Join(buttons, "|") != tc.buttons {
			t.Errorf("%s: %q %v\nwant %q %s", tc.r.Kind, msg.Lines, buttons, tc.text, tc.buttons)
		}
		// Snooze first: once the subject is done there is nothing to snooze.
		for _, a := range slices.Backward(msg.Actions) {
			if r := f.do(tc.r.Recipient + ": " + a.Command); r.Refused {
				t.Errorf("button %q pressed by %s refused: %v", a.Command, tc.r.Recipient, r.Lines)
			}
		}
	}
}
