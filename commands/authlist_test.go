package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"wavebot/notify"
	"wavebot/storage"
	"wavebot/wave"
)

// fakeLinks makes links that say what they lead to and for whom.
type fakeLinks struct{}

func (fakeLinks) AuthList(person, waveID, fv string) string {
	return "https://wavebot.test/list/" + waveID + "/" + fv + "?for=" + person
}
func (fakeLinks) Template(person, fv string) string {
	return "https://wavebot.test/template/" + fv + "?for=" + person
}
func (fakeLinks) Timeline(person, waveID string) string {
	return "https://wavebot.example/timeline/" + waveID + "?for=" + person
}
func (fakeLinks) Calendar(token string) string {
	return "https://wavebot.example/calendar/" + token + ".ics"
}
func (fakeLinks) TTL() time.Duration { return 24 * time.Hour }

// withPages is the fixture with the pages set up.
func withPages(t *testing.T) *fixture {
	f := newFixture(t)
	f.d.cfg.Links = fakeLinks{}
	return f
}

func TestAuthListAndTemplateCommandsHandOutLinks(t *testing.T) {
	f := newFixture(t)
	f.refused("anna: auth list b3/BUF", "Websiderne er ikke sat op: administratoren skal sætte WAVEBOT_PUBLIC_URL og WAVEBOT_LINK_SECRET.")
	f.refused("maria: workflow BUF template", "Websiderne er ikke sat op")
	f = withPages(t)
	for _, tc := range []struct{ line, link, says string }{
		{"anna: auth list b3/BUF", "https://wavebot.test/list/b3/BUF?for=anna", "Der er ingen liste endnu. Åbn siden, og indlæs listen fra KØR"},
		{"kim: autorisation liste b3/buf", "https://wavebot.test/list/b3/BUF?for=kim", "Linket er personligt og virker i 24 timer."},
		{"maria: auth list b3/BUF", "https://wavebot.test/list/b3/BUF?for=maria", "KS har ikke indlæst listen fra KØR endnu."},
		{"maria: workflow BUF template", "https://wavebot.test/template/BUF?for=maria", "Skabelonen er tom."},
		{"anna: arbejdsgang buf skabelon", "https://wavebot.test/template/BUF?for=anna", "Autorisationsskabelon for KØR workflow – BUF"},
	} {
		r := f.do(tc.line)
		if r.Refused || len(r.Actions) != 1 || r.Actions[0].URL != tc.link || r.Actions[0].Command != "" || !strings.Contains(text(r), tc.says) {
			t.Errorf("%s: %+v", tc.line, r)
		}
	}
	f.refused("vera: auth list b3/BUF", "Det må du ikke: det må kun KS eller en tovholder for b3/BUF.")
	f.refused("maria: auth list b3/SUF", "Det må du ikke")
	f.refused("vera: workflow BUF template", "Det må du ikke")
	f.refused("anna: auth list b3/TMF", "TMF er ikke tilmeldt bølge b3")
	f.refused("anna: auth list b3", "»b3« skal skrives som BØLGE/FORVALTNING")
}

// upload stores a list of n users for b3/BUF as anna, through the page's path.
func (f *fixture) upload(n int) {
	f.t.Helper()
	table := [][]string{{"BrugerID", "Autorisation"}}
	for i := 1; i <= n; i++ {
		table = append(table, []string{fmt.Sprintf("AA%d", i), "Indkøber"})
	}
	if r := f.d.UploadAuthList(context.Background(), "anna", "b3", "BUF", "koer.csv", table); r.Refused {
		f.t.Fatalf("upload: %v", r.Lines)
	}
}

// decideAll answers every row of b3/BUF's list with d as person.
func (f *fixture) decideAll(person string, d wave.Decision) Reply {
	f.t.Helper()
	l, err := f.store.AuthList(context.Background(), "b3", "BUF")
	if err != nil {
		f.t.Fatal(err)
	}
	var edits []wave.RowEdit
	for _, r := range l.Rows {
		edits = append(edits, wave.RowEdit{ID: r.ID, Seen: r.Version, Decision: d, Wanted: "Godkender"})
	}
	return f.d.SaveAuthRows(context.Background(), person, "b3", "BUF", l.Round, edits)
}

// TestSubmittingAListAnswersLikeAuthOK: the submission answers the
// request through "auth ok" itself, with its reply and its audit event,
// and records the lead's notice.
func TestSubmittingAListAnswersLikeAuthOK(t *testing.T) {
	f := withPages(t)
	ctx := context.Background()
	f.ok("anna: auth request b3/BUF 2027-01-27")
	f.upload(3)
	if r := f.d.SubmitAuthList(ctx, "maria", "b3", "BUF", 1); !r.Refused || !strings.Contains(text(r), "Alle rækker skal have et svar") {
		t.Errorf("submitting open rows: %+v", r)
	}
	if r := f.decideAll("anna", wave.DecisionOK); !r.Refused {
		t.Errorf("KS answering for the forvaltning: %+v", r)
	}
	if r := f.decideAll("maria", wave.DecisionOK); r.Refused || !strings.Contains(text(r), "3 rækker er gemt.") {
		t.Fatalf("answering: %+v", r)
	}
	if r := f.d.SubmitAuthList(ctx, "maria", "b3", "BUF", 0); !r.Refused || !strings.Contains(text(r), "KS har indlæst en ny liste") {
		t.Errorf("a page of another round: %+v", r)
	}
	r := f.d.SubmitAuthList(ctx, "maria", "b3", "BUF", 1)
	if r.Refused || r.Command != "auth ok" || !strings.Contains(text(r), "b3/BUF: Tak, autorisationerne er bekræftet. KS-projektlederen @anna får besked nu") {
		t.Fatalf("submit: %+v", r)
	}
	w, _ := f.store.Wave(ctx, "b3")
	e, _ := w.Enrolment("BUF")
	if e.Auth.State != wave.AuthAnswered || !e.Auth.OK || e.Auth.AnsweredBy != "maria" {
		t.Errorf("request: %+v", e.Auth)
	}
	// The lead hears of the answer from the answer itself, not from a
	// second notice of the list.
	if len(w.Notices) != 0 {
		t.Errorf("notices: %+v", w.Notices)
	}
	evs, _ := f.store.Events(ctx, "b3", "BUF", 3)
	if evs[0].Action != actAuthAnswer || evs[0].After != authAnswerOK || evs[1].Action != actListSubmit || evs[1].After != "0/3" {
		t.Errorf("events: %+v", evs[:2])
	}
	if r := f.d.SubmitAuthList(ctx, "maria", "b3", "BUF", 1); !r.Refused {
		t.Errorf("a second submission: %+v", r)
	}
	// The log tells the submission once, with its counts: the rows saved
	// with it, the list and the answer it gave are one entry.
	log := f.ok("anna: log b3/BUF")
	if !strings.Contains(log, "@maria b3/BUF: indsendte autorisationslisten som forvaltningens tilbagemelding: 0 af 3 brugere skal rettes") ||
		strings.Contains(log, "gav tilbagemelding") || strings.Contains(log, "svarede på") {
		t.Errorf("log:\n%s", log)
	}
}

// TestARefusedAnswerOpensTheListAgain: a person named on the enrolment
// whose contact role was taken away may still fill in rows, but "auth
// ok" refuses them, as in chat; the list opens again and nothing is
// answered.
func TestARefusedAnswerOpensTheListAgain(t *testing.T) {
	f := withPages(t)
	ctx := context.Background()
	f.ok("anna: auth request b3/BUF 2027-01-27")
	f.upload(2)
	f.decideAll("maria", wave.DecisionOK)
	f.ok("anna: role @maria viewer")
	r := f.d.SubmitAuthList(ctx, "maria", "b3", "BUF", 1)
	if !r.Refused || !strings.Contains(text(r), "Det må du ikke") {
		t.Fatalf("submit: %+v", r)
	}
	l, _ := f.store.AuthList(ctx, "b3", "BUF")
	w, _ := f.store.Wave(ctx, "b3")
	e, _ := w.Enrolment("BUF")
	if l.Submitted || e.Auth.State != wave.AuthRequested || len(w.Notices) != 0 {
		t.Errorf("after a refused answer: list submitted %v, request %s, notices %v", l.Submitted, e.Auth.State, w.Notices)
	}
}

func TestUploadRefusesAFileWithBadRows(t *testing.T) {
	f := withPages(t)
	ctx := context.Background()
	bad := [][]string{{"BrugerID", "Autorisation"}, {"AB12", "Indkøber"}, {"12", "Indkøber"}, {"AB12", "Indkøber"}}
	r := f.d.UploadAuthList(ctx, "anna", "b3", "BUF", "koer.csv", bad)
	if !r.Refused || strings.Join(r.Lines, "\n") != "Filen blev ikke indlæst, og intet er gemt. 2 problemer:\nLinje 3: »12« er ikke et brugerID i KØR (bogstaver og tal, fx NN99).\nLinje 4: AB12 med samme autorisation står også i linje 2." {
		t.Errorf("bad rows: %q", r.Lines)
	}
	if _, err := f.store.AuthList(ctx, "b3", "BUF"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("a refused file was stored: %v", err)
	}
	if r := f.d.UploadAuthList(ctx, "maria", "b3", "BUF", "koer.csv", bad[:2]); !r.Refused || !strings.Contains(text(r), "kun KS-medarbejdere") {
		t.Errorf("a contact uploading: %+v", r)
	}
	if r := f.d.UploadAuthList(ctx, "nobody", "b3", "BUF", "koer.csv", bad[:2]); !r.Refused || !strings.Contains(text(r), "Siden er ikke til dig") {
		t.Errorf("a stranger uploading: %+v", r)
	}
	f.upload(2)
	f.decideAll("maria", wave.DecisionOK)
	if r := f.d.UploadAuthList(ctx, "anna", "b3", "BUF", "ny.csv", bad[:2]); !r.Refused || !strings.Contains(text(r), "2 rækker er besvaret") {
		t.Errorf("replacing a list being answered: %+v", r)
	}
}

// TestRemindersLeadToThePages: the contact's reminder of the feedback
// counts the open rows and opens the list; the lead's notices say what
// was submitted or delivered and open the page, each for its reader.
func TestRemindersLeadToThePages(t *testing.T) {
	f := withPages(t)
	ctx := context.Background()
	f.ok("anna: auth request b3/BUF 2027-01-27")
	soon := notify.Reminder{Kind: notify.AuthSoon, Wave: "b3", FV: "BUF", Due: wave.Date{Year: 2027, Month: 2, Day: 15}, Recipient: "maria"}
	if r := f.d.Digest(ctx, notify.Digest{Recipient: "maria", Reminders: []notify.Reminder{soon}}); r.Actions[0].Command != "auth ok b3/BUF" {
		t.Errorf("without a list the reminder answers in chat: %+v", r.Actions)
	}
	f.upload(3)
	f.d.SaveAuthRows(ctx, "maria", "b3", "BUF", 1, []wave.RowEdit{{ID: 1, Seen: 1, Decision: wave.DecisionOK}})
	r := f.d.Digest(ctx, notify.Digest{Recipient: "maria", Reminders: []notify.Reminder{soon}})
	if !strings.Contains(text(r), "2 af listens 3 brugere mangler stadig svar.") || r.Actions[0].URL != "https://wavebot.test/list/b3/BUF?for=maria" {
		t.Errorf("reminder with a list: %+v", r)
	}
	f.decideAll("maria", wave.DecisionFix)
	f.d.SubmitAuthList(ctx, "maria", "b3", "BUF", 1)
	at := time.Date(2027, 1, 20, 12, 0, 0, 0, time.UTC)
	submitted := notify.Reminder{Kind: notify.AuthAnswered, Wave: "b3", FV: "BUF", At: at, Recipient: "anna", About: "maria"}
	delivered := notify.Reminder{Kind: notify.TemplateDelivered, Wave: "b3", FV: "BUF", At: at, Recipient: "anna", About: "y"}
	r = f.d.Digest(ctx, notify.Digest{Recipient: "anna", Reminders: []notify.Reminder{submitted, delivered}})
	got := text(r)
	for _, want := range []string{
		"Svaret kom med autorisationslisten: 3 af 3 brugere skal rettes.",
		"b3/BUF: BUF har afleveret autorisationsskabelonen til Brugeradministrationen, så KS kan autorisere brugerne til workflow.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the lead's digest lacks %q:\n%s", want, got)
		}
	}
	urls := []string{r.Actions[0].URL, r.Actions[1].URL}
	if !strings.Contains(strings.Join(urls, " "), "https://wavebot.test/list/b3/BUF?for=anna") || !strings.Contains(strings.Join(urls, " "), "https://wavebot.test/template/BUF?for=anna") {
		t.Errorf("the lead's buttons: %+v", r.Actions)
	}
}

// TestDeliveringCompletesTheStepsLikeChat: delivering runs "workflow BUF
// done template" and "... done deliver" as the person, with their audit
// events, and tells the lead of every active wave BUF is in.
func TestDeliveringCompletesTheStepsLikeChat(t *testing.T) {
	f := withPages(t)
	ctx := context.Background()
	// The working group, and the presentation by both sides before the
	// template, as the source orders it.
	f.ok("maria: workflow BUF done group")
	dec := wave.Decisions{Levels: []wave.Level{{Name: "Leder", Limit: 100000}}, Units: []wave.OrgUnit{{Number: "1200", Name: "Nord"}}}
	if r := f.d.SaveDecisions(ctx, "maria", "BUF", dec, nil); r.Refused {
		t.Fatal(r.Lines)
	}
	bad := wave.Decisions{Levels: []wave.Level{{Name: "Leder", Limit: -1}}}
	if r := f.d.SaveDecisions(ctx, "maria", "BUF", bad, nil); !r.Refused || !strings.Contains(text(r), "Niveauet »Leder« skal have en beløbsgrænse over 0 kr.") {
		t.Errorf("bad decisions: %+v", r)
	}
	if r := f.d.CompleteDecisions(ctx, "maria", "BUF"); r.Refused || r.Command != "workflow" {
		t.Errorf("completing the decisions: %+v", r)
	}
	f.ok("maria: workflow BUF done presentation")
	f.ok("anna: workflow BUF done presentation")
	f.d.SaveTemplateRows(ctx, "maria", "BUF", []wave.TemplateEdit{{Unit: "1200", User: "AB12", Role: "attestant", Level: "Leder", Amount: "1000"}})
	if r := f.d.DeliverTemplate(ctx, "maria", "BUF"); !r.Refused || !strings.Contains(text(r), "Skabelonen har problemer") {
		t.Errorf("delivering with a unit without a godkender: %+v", r)
	}
	f.d.SaveTemplateRows(ctx, "maria", "BUF", []wave.TemplateEdit{{Unit: "1200", User: "CD34", Role: "godkender", Level: "Leder", Amount: "100.000"}})
	r := f.d.DeliverTemplate(ctx, "maria", "BUF")
	if r.Refused || !strings.Contains(text(r), "KS-projektleder @anna har fået besked om, at autorisationen kan begynde.") {
		t.Fatalf("deliver: %+v", r)
	}
	track, _ := f.store.Workflow(ctx, "BUF")
	for _, key := range []string{"decisions", "template", "deliver"} {
		if s, _ := track.Steps.Step(key); !s.Done || s.DoneBy != "maria" {
			t.Errorf("step %s: %+v", key, s)
		}
	}
	evs, _ := f.store.Events(ctx, "", "BUF", 50)
	steps := 0
	for _, ev := range evs {
		if ev.Action == actWorkflowStep && ev.Actor == "maria" && slices.Contains([]string{"decisions", "template", "deliver"}, ev.Item) {
			steps++
		}
	}
	if steps != 3 {
		t.Errorf("%d workflow step events, want 3", steps)
	}
	w, _ := f.store.Wave(ctx, "b3")
	if len(w.Notices) != 1 || w.Notices[0].Kind != wave.NoticeTemplateDelivered || w.Notices[0].To[0] != "anna" {
		t.Errorf("notices: %+v", w.Notices)
	}
	if _, err := f.d.TemplateView(ctx, "vera", "BUF"); err == nil {
		t.Error("a viewer sees the template")
	}
	if r := f.d.SaveTemplateRows(ctx, "maria", "BUF", []wave.TemplateEdit{{User: "ZZ1"}}); !r.Refused || !strings.Contains(text(r), "afleveret og kan ikke ændres") {
		t.Errorf("changing a delivered template: %+v", r)
	}
}

// TestDeliveringInNoWaveTellsWhoFollowsTheTrack: a forvaltning in no
// wave delivers its template; no KS lead has its enrolment, so the KS
// person who follows its KØR workflow track hears of it once, with a
// button to the template.
func TestDeliveringInNoWaveTellsWhoFollowsTheTrack(t *testing.T) {
	f := withPages(t)
	ctx := context.Background()
	for _, line := range []string{"kim: workflow KFF contact @lis", "lis: workflow KFF done group", "lis: workflow KFF done presentation", "kim: workflow KFF done presentation"} {
		f.ok(line)
	}
	dec := wave.Decisions{Levels: []wave.Level{{Name: "Leder", Limit: 100000}}, Units: []wave.OrgUnit{{Number: "1200", Name: "Nord"}}}
	if r := f.d.SaveDecisions(ctx, "lis", "KFF", dec, nil); r.Refused {
		t.Fatal(r.Lines)
	}
	f.d.SaveTemplateRows(ctx, "lis", "KFF", []wave.TemplateEdit{{Unit: "1200", User: "AB12", Role: "attestant", Level: "Leder", Amount: "1000"},
		{Unit: "1200", User: "CD34", Role: "godkender", Level: "Leder", Amount: "100.000"}})
	if v, err := f.d.TemplateView(ctx, "kim", "KFF"); err != nil || v.MayDeliver {
		t.Errorf("KS without an agreement may deliver: %v %v", v.MayDeliver, err)
	}
	r := f.d.DeliverTemplate(ctx, "lis", "KFF")
	if r.Refused || !strings.Contains(text(r), "@kim, KS' kontaktperson for forløbet, har fået besked om, at autorisationen kan begynde.") {
		t.Fatalf("deliver: %s", text(r))
	}
	track, err := f.store.Workflow(ctx, "KFF")
	if err != nil {
		t.Fatal(err)
	}
	rems := slices.DeleteFunc(f.d.cfg.Policy.TrackReminders(track, []string{"kim"}, track.Reminded, f.clock.Now().Add(time.Minute)),
		func(r notify.Reminder) bool { return r.Kind == notify.TrackWelcome })
	if len(rems) != 1 || rems[0].Kind != notify.TemplateDelivered || rems[0].Recipient != "kim" {
		t.Fatalf("reminders of the track: %+v", rems)
	}
	msg := f.d.Digest(ctx, notify.Digest{Recipient: "kim", Reminders: rems})
	if got := text(msg); !strings.Contains(got, "KFF: KFF har afleveret autorisationsskabelonen til Brugeradministrationen") || !strings.Contains(got, "https://wavebot.test/template/KFF?for=kim") {
		t.Errorf("the notice: %s", got)
	}
}

// TestKSFillsTheTemplateOnlyByAgreement: the central decisions and the
// template are the forvaltning's steps: KS sees them, but saves neither
// until the forvaltning has handed it project management; then it may.
func TestKSFillsTheTemplateOnlyByAgreement(t *testing.T) {
	f := withPages(t)
	ctx := context.Background()
	dec := wave.Decisions{Levels: []wave.Level{{Name: "Leder", Limit: 100000}}, Units: []wave.OrgUnit{{Number: "1200", Name: "Nord"}}}
	row := []wave.TemplateEdit{{Unit: "1200", User: "AB12", Role: "attestant", Level: "Leder", Amount: "1000"}}
	if v, err := f.d.TemplateView(ctx, "anna", "BUF"); err != nil || v.MayEdit {
		t.Errorf("KS's view of the template: may edit %v (%v); want to see it, not edit it", v.MayEdit, err)
	}
	for name, r := range map[string]Reply{
		"decisions": f.d.SaveDecisions(ctx, "anna", "BUF", dec, nil),
		"rows":      f.d.SaveTemplateRows(ctx, "anna", "BUF", row),
		"complete":  f.d.CompleteDecisions(ctx, "anna", "BUF"),
	} {
		if !r.Refused || !strings.Contains(text(r), "KS kun efter aftale om projektledelse") {
			t.Errorf("KS saves the %s without an agreement: %+v", name, r)
		}
	}
	if tpl, _ := f.store.AuthTemplate(ctx, "BUF"); len(tpl.Rows) != 0 {
		t.Errorf("the refused rows were saved: %+v", tpl.Rows)
	}
	f.ok("maria: workflow BUF agreement projektledelse")
	if v, err := f.d.TemplateView(ctx, "anna", "BUF"); err != nil || !v.MayEdit {
		t.Errorf("KS's view under the agreement: may edit %v (%v)", v.MayEdit, err)
	}
	if r := f.d.SaveDecisions(ctx, "anna", "BUF", dec, nil); r.Refused {
		t.Errorf("KS under the agreement: %+v", r)
	}
}
