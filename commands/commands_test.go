package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"wavebot/catalog"
	"wavebot/notify"
	"wavebot/wave"
)

func TestFirstPersonIsAdminAndCreatorLeads(t *testing.T) {
	f := newFixture(t)
	anna, _ := f.store.Person(context.Background(), "anna")
	maria, _ := f.store.Person(context.Background(), "maria")
	vera, _ := f.store.Person(context.Background(), "vera")
	if anna.Role != wave.RoleAdmin || maria.Role != wave.RoleContact || !maria.IsContactOf("BUF") || vera.Role != wave.RoleViewer {
		t.Errorf("roles: anna %s, maria %s %v, vera %s", anna.Role, maria.Role, maria.ContactOf, vera.Role)
	}
	w, _ := f.store.Wave(context.Background(), "b3")
	if w.Lead != "anna" || w.Name != "Bølge 3" {
		t.Errorf("wave = %+v", w)
	}
}

func TestStatusOfEnrolment(t *testing.T) {
	f := newFixture(t)
	for _, k := range []string{"kickoff", "opstart"} { // the alias names the same activity
		f.ok("anna: done b3/BUF " + k)
	}
	f.ok("maria: done b3/BUF info invitation sent")
	f.ok("maria: skip b3/BUF training")
	f.ok("anna: done b3/BUF pc")
	f.ok("anna: auth request b3/BUF 15.02.2027")
	got := f.ok("vera: status b3/BUF")
	wantIn(t, got,
		`"Done":4,"Total":9`,
		`@maria`,
		"afventer forvaltningen, frist 2027-02-15",
		"Næste frist", "2027-01-25 auth",
		"invitation sent",
	)
	f.clock.Set(start.AddDate(0, 0, 10)) // 2027-01-30: auth (01-25) and loadtest (01-27) are overdue
	got = f.ok("vera: status b3/BUF")
	wantIn(t, got, "2: auth, loadtest", "2027-02-01 golive")
	got = f.ok("maria: status b3/BUF")
	wantIn(t, got, `"Command":"auth ok b3/BUF"`)
}

func TestStatusOfWaveAndAll(t *testing.T) {
	f := newFixture(t)
	f.ok("anna: wave create b4 2027-05-03 Bølge 4")
	f.ok("anna: done b3/SUF pc")
	got := f.ok("vera: status b3")
	wantIn(t, got, `"Title":"b3/BUF"`, `"Title":"b3/SUF"`, `"Done":1,"Total":9`, "ingen – udpeg en kontaktperson")
	got = f.ok("vera: status")
	wantIn(t, got, "Aktive bølger", "b3 – Bølge 3", "b4 – Bølge 4", "SUF: 1/9")
	got = f.ok("vera: wave show b3")
	wantIn(t, got, "b3/BUF: 0/9", "@maria", "@anna")
	got = f.ok("vera: wave list")
	wantIn(t, got, "BUF, SUF", "b4")
}

func TestMyListsOwnTasks(t *testing.T) {
	f := newFixture(t)
	f.ok("anna: auth request b3/BUF 2027-02-15")
	f.ok("anna: done b3/BUF kickoff")
	got := f.ok("maria: my")
	wantIn(t, got, "2027-02-15 b3/BUF – giv tilbagemelding", "b3/BUF info", "b3/BUF golive")
	for _, not := range []string{"b3/SUF", " pc ", "kickoff", "support"} {
		if strings.Contains(got, not) {
			t.Errorf("maria's tasks include %q: %s", not, got)
		}
	}
	f.ok("maria: auth fix b3/BUF NN99 skal være godkender")
	got = f.ok("anna: my")
	wantIn(t, got, "tildel autorisationerne", "b3/SUF pc", "b3/BUF support")
	if strings.Contains(got, " info ") {
		t.Errorf("anna's tasks include the FV activity info: %s", got)
	}
	wantIn(t, f.ok("vera: my"), "ingen åbne opgaver")
}

func TestAuthFeedbackLoop(t *testing.T) {
	f := newFixture(t)
	f.refused("maria: auth ok b3/BUF", "ingen åben anmodning")
	f.ok("kim: auth request b3/BUF 2027-02-15")
	f.refused("anna: auth ok b3/BUF", "kontaktpersoner for BUF")
	f.refused("maria: auth applied b3/BUF", "KS")
	f.refused("kim: auth applied b3/BUF", "ikke givet tilbagemelding")
	f.ok("maria: auth fix b3/BUF NN99 mangler godkender-rollen")
	f.refused("kim: auth request b3/BUF 2027-02-20", "ikke tildelt endnu")
	wantIn(t, f.ok("vera: status b3/BUF"), "rettelser fra @maria: NN99 mangler godkender-rollen")
	f.ok("kim: auth applied b3/BUF")
	got := f.ok("vera: status b3/BUF")
	wantIn(t, got, "tildelt af @kim", "✓ auth")
	got = f.ok("anna: auth request b3/SUF 2027-02-15")
	wantIn(t, got, "ingen kontaktperson")
}

func TestPermissions(t *testing.T) {
	f := newFixture(t)
	f.ok("anna: contact b3/SUF @sofie")
	tests := []struct {
		line, want string
	}{
		{"vera: wave create b9 2027-02-01", "kun admin"},
		{"kim: wave enroll b3 KFF", "kun admin"},
		{"maria: wave lead b3 @maria", "kun admin"},
		{"maria: done b3/SUF pc", "KS-aktivitet"},
		{"maria: done b3/BUF pc", "KS-aktivitet"},
		{"maria: done b3/SUF info", "kontaktperson for SUF"},
		{"sofie: done b3/BUF kickoff", "kontaktperson for BUF"},
		{"vera: start b3/BUF info", "kontaktperson for BUF"},
		{"maria: due b3/BUF info 2027-02-01", "KS"},
		{"maria: auth request b3/BUF 2027-02-01", "KS"},
		{"sofie: eval b3/BUF 2027-04-01", "KS eller forvaltningens kontaktperson"},
		{"sofie: contact b3/BUF @vera", "admin eller forvaltningens kontaktperson"},
		{"kim: role @vera ks", "kun admin"},
		{"maria: workflow BUF done authorize", "KS"},
		{"sofie: workflow BUF done group", "kontaktperson for BUF"},
	}
	for _, tt := range tests {
		f.refused(tt.line, tt.want)
	}
	// The permitted side of the same rules.
	for _, line := range []string{
		"maria: done b3/BUF info", "maria: start b3/BUF golive", "kim: done b3/SUF pc", "kim: done b3/BUF info",
		"maria: eval b3/BUF 2027-04-07", "kim: due b3/BUF info 2027-01-29", "maria: contact b3/BUF @jens",
		"maria: workflow BUF done group", "kim: workflow BUF done authorize", "anna: wave lead b3 @kim",
	} {
		f.ok(line)
	}
	w, _ := f.store.Wave(context.Background(), "b3")
	e, _ := w.Enrolment("BUF")
	if e.EvaluationDate().String() != "2027-04-07" || !e.HasContact("jens") || w.Lead != "kim" {
		t.Errorf("permitted changes missing: eval %s contacts %v lead %s", e.EvaluationDate(), e.Contacts, w.Lead)
	}
}

func TestLeadBecomesKS(t *testing.T) {
	f := newFixture(t)
	f.ok("anna: wave lead b3 @vera")
	vera, _ := f.store.Person(context.Background(), "vera")
	if vera.Role != wave.RoleKS {
		t.Errorf("the new lead is %s, want ks", vera.Role)
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
		{"anna: wave show", "argument"},
		{"anna: wave show b9", "ingen bølge"},
		{"anna: wave enroll b3 XYZ", "Ukendt forvaltning"},
		{"anna: wave enroll b3 KFF BUF", "allerede tilmeldt"},
		{"anna: wave enroll b9 KFF", "ingen bølge"},
		{"anna: wave lead b3 kim", "@navn"},
		{"anna: wave lead b9 @kim", "ingen bølge"},
		{"anna: contact b3/KFF @x", "ikke tilmeldt"},
		{"anna: contact b3 @x", "BØLGE/FORVALTNING"},
		{"anna: contact b3/BUF @x y", "@navn"},
		{"anna: contact b9/BUF @x", "ingen bølge"},
		{"anna: status b3/XYZ", "Ukendt forvaltning"},
		{"anna: status b9", "ingen bølge"},
		{"anna: status b3 b4", "argument"},
		{"anna: done b3/BUF", "mangler"},
		{"anna: done b3/BUF coffee", "Ukendt aktivitet"},
		{"anna: done /BUF kickoff", "BØLGE/FORVALTNING"},
		{"anna: done b3/KFF kickoff", "ikke tilmeldt"},
		{"anna: due b3/BUF info 2027-13-01", "ikke en gyldig dato"},
		{"anna: due b3/BUF info", "argument"},
		{"anna: auth request b3/BUF 31-02-2027", "ikke en gyldig dato"},
		{"anna: auth fix b3/BUF", "mangler"},
		{"anna: eval b3/BUF 2027-04-31", "ikke en gyldig dato"},
		{"anna: workflow XYZ", "Ukendt forvaltning"},
		{"anna: workflow BUF done lunch", "Ukendt workflow-trin"},
		{"anna: workflow BUF maybe group", "ikke en kendt kommando"},
		{"anna: workflow BUF done", "mangler"},
		{"anna: log b9", "ingen bølge"},
		{"anna: log", "argument"},
		{"anna: role @x boss", "Ukendt rolle"},
		{"anna: role @x contact", "argument"},
		{"anna: role @x contact XYZ", "Ukendt forvaltning"},
		{"anna: role @anna viewer", "admin-rollen"},
		{"anna: lang fr", "Ukendt sprog"},
		{"anna: my extra", "argument"},
		{"anna: help frobnicate", "Ukendt kommando"},
		{"anna: remind", "er ikke en kendt kommando"},
		{"anna: remind list all", "argument"},
		{"anna: remind snooze b3/SUF", "argument"},
		{"anna: remind snooze b3/SUF 0d", "ikke en varighed"},
		{"anna: remind snooze b3/SUF 31d", "ikke en varighed"},
		{"anna: remind snooze b3/SUF 2w", "ikke en varighed"},
		{"anna: remind snooze b3/SUF d", "ikke en varighed"},
		{"anna: remind snooze b3/SUF 73h", "ikke en varighed"},
		{"anna: remind snooze b3 1d", "BØLGE/FORVALTNING"},
		{"anna: remind snooze b3/SUF/ 1d", "ikke et emne"},
		{"anna: remind snooze b3/SUF/pc/x 1d", "ikke et emne"},
		{"anna: remind snooze b3/ 1d", "BØLGE/FORVALTNING"},
		{"anna: remind snooze b3/SUF/coffee 1d", "Ukendt aktivitet"},
		{"anna: remind snooze b9/SUF 1d", "ingen bølge"},
		{"anna: remind snooze b3/KFF 1d", "ikke tilmeldt"},
		{"anna: remind snooze b3/BUF 1d", "ingen påmindelser om b3/BUF"},
		{"anna: remind snooze b3/SUF/info 1d", "ingen påmindelser om b3/SUF/info"},
	}
	before := f.snapshot()
	for _, tt := range tests {
		r := f.do(tt.line)
		f.refused(tt.line, tt.want)
		if len(r.Lines) < 2 && !strings.Contains(r.Lines[0], "Ukendt kommando") {
			t.Errorf("%s: refusal has no usage line: %v", tt.line, r.Lines)
		}
		if after := f.snapshot(); after != before {
			t.Fatalf("%s changed the store", tt.line)
		}
	}
}

func TestUsageFollowsReason(t *testing.T) {
	f := newFixture(t)
	r := f.do("anna: wave create b5 2027-02-30")
	if len(r.Lines) != 2 || r.Lines[1] != "Brug: wave create ID YYYY-MM-DD [NAME...]" {
		t.Errorf("refusal = %q", r.Lines)
	}
	r = f.do("anna: auth")
	if len(r.Lines) != 5 {
		t.Errorf("a bare group shows the usage of each subcommand: %q", r.Lines)
	}
}

func TestDanishAliasesAndCase(t *testing.T) {
	f := newFixture(t)
	f.ok("anna: BØLGE OPRET b4 2027-05-03 Fire")
	f.ok("anna: bølge tilmeld b4 buf økf")
	f.ok("anna: kontakt b4/BUF @Maria")
	f.ok("maria: FÆRDIG b4/buf opstart")
	f.refused("maria: autorisation", "ikke en kendt kommando")
	w, _ := f.store.Wave(context.Background(), "b4")
	e, _ := w.Enrolment("BUF")
	a, _ := e.Activity("kickoff")
	if a.Status != wave.StatusDone || len(w.Enrolments) != 2 || w.Enrolments[1].FV != "ØKF" || !e.HasContact("maria") {
		t.Errorf("aliases did not work: %+v", w)
	}
	wantIn(t, f.ok("vera: hjælp"), "wave create ID YYYY-MM-DD")
}

func TestLangSwitchesPerPerson(t *testing.T) {
	f := newFixture(t)
	wantIn(t, f.ok("maria: lang en"), "English")
	wantIn(t, f.ok("maria: status b3/BUF"), "Contact", "Next deadline")
	wantIn(t, f.ok("vera: status b3/BUF"), "Kontaktperson")
	f.refused("maria: wave show b9", "There is no wave")
}

func TestHelp(t *testing.T) {
	f := newFixture(t)
	all := f.ok("vera: help")
	for _, c := range leaves(f.d.cmds) {
		wantIn(t, all, c.Usage)
		got := f.ok("vera: help " + strings.Join(strings.Fields(c.Usage)[:1], " "))
		wantIn(t, got, c.Usage, c.Summary.In("da"))
	}
	wantIn(t, f.ok("vera: help auth ok"), "auth ok ID/FV", "forvaltningens kontaktperson")
	wantIn(t, f.ok("vera: help færdig"), "done ID/FV ACTIVITY", "Også: færdig")
	if got := f.ok("vera: "); !strings.Contains(got, catalog.HelpTitle.In("da")) {
		t.Errorf("an empty line does not show help: %s", got)
	}
}

func TestDuplicateNamesAreRejected(t *testing.T) {
	run := func(context.Context, Input) (Reply, error) { return Reply{}, nil }
	tests := map[string][]*Command{
		"alias clash": {{Name: "done", Run: run}, {Name: "finish", Aliases: []string{"DONE"}, Run: run}},
		"sub clash":   {{Name: "wave", Sub: []*Command{{Name: "list", Run: run}, {Name: "liste", Aliases: []string{"list"}, Run: run}}}},
		"no handler":  {{Name: "empty"}},
	}
	for name, cmds := range tests {
		if err := checkNames(cmds, ""); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestLogNewestFirst(t *testing.T) {
	f := newFixture(t)
	f.ok("anna: done b3/BUF kickoff")
	f.ok("anna: due b3/SUF info 2027-01-29")
	got := f.do("vera: log b3")
	if len(got.Lines) != 6 || !strings.Contains(got.Lines[0], "frist for info: 2027-01-11 → 2027-01-29") ||
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
	f.ok("anna: auth request b3/BUF 2027-02-15")
	f.clock.Set(time.Date(2027, 2, 12, 11, 0, 0, 0, time.UTC)) // Friday 12:00 in Copenhagen
	wantIn(t, f.ok("maria: remind list"),
		"2027-02-15 09:00 b3/BUF – b3/BUF: tilbagemeldingen om autorisationer skal gives i dag",
		"b3/BUF/golive", "remind snooze EMNE 1d")
	wantIn(t, f.ok("maria: remind snooze b3/BUF 3d"), "Påmindelser om b3/BUF er udsat til 2027-02-17 09:00.")
	wantIn(t, f.ok("maria: påmind liste"), "2027-02-17 09:00 b3/BUF – ", "(udsat til 2027-02-17 09:00)")
	wantIn(t, f.ok("maria: remind udsæt b3/BUF/Golive 4h"), "b3/BUF/golive er udsat til 2027-02-12 16:00")
	wantIn(t, f.ok("anna: remind snooze b3/SUF 1d"), "b3/SUF er udsat til 2027-02-15 09:00")
	w, _ := f.store.Wave(context.Background(), "b3")
	var got []string
	for _, z := range w.Snoozes {
		got = append(got, fmt.Sprintf("%s/%s %s %s", z.FV, z.Activity, z.Person, z.Until.UTC().Format("01-02 15:04")))
	}
	if want := "BUF/ maria 02-17 08:00,BUF/golive maria 02-12 15:00,SUF/ anna 02-15 08:00"; strings.Join(got, ",") != want {
		t.Errorf("stored snoozes %v, want %s", got, want)
	}
	wantIn(t, f.ok("anna: log b3/BUF"), "@maria b3/BUF: udsatte påmindelser om golive: 2027-02-12 16:00")
	wantIn(t, f.ok("vera: remind list"), "Ingen påmindelser til dig de næste 10 arbejdsdage.")
}

// TestReminderMessage: a reminder reads in its recipient's language and
// carries buttons that, pressed by the recipient, run as commands.
func TestReminderMessage(t *testing.T) {
	f := newFixture(t)
	f.ok("anna: auth request b3/BUF 2027-02-15")
	f.ok("maria: lang en")
	due, _ := wave.ParseDate("2027-01-11")
	for _, tc := range []struct {
		r       notify.Reminder
		text    string
		buttons string
	}{
		{notify.Reminder{Kind: notify.ActivityOverdue, Wave: "b3", FV: "BUF", Activity: "info", Due: due, Recipient: "maria"},
			"b3/BUF: Information meeting for users is overdue (due 2027-01-11).",
			"Mark done: done b3/BUF info|Snooze 1 day: remind snooze b3/BUF/info 1d|Snooze 3 days: remind snooze b3/BUF/info 3d"},
		{notify.Reminder{Kind: notify.AuthSoon, Wave: "b3", FV: "BUF", Due: due, Recipient: "maria"},
			"b3/BUF: the authorization feedback is due 2027-01-11.",
			"Authorizations OK: auth ok b3/BUF|Snooze 1 day: remind snooze b3/BUF 1d|Snooze 3 days: remind snooze b3/BUF 3d"},
		{notify.Reminder{Kind: notify.NoContact, Wave: "b3", FV: "SUF", Due: due, Recipient: "anna"},
			"b3/SUF har ingen kontaktperson",
			"Vis status: status b3/SUF|Udsæt 1 dag: remind snooze b3/SUF 1d|Udsæt 3 dage: remind snooze b3/SUF 3d"},
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
