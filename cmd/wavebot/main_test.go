package main

import (
	"bytes"
	"context"
	"flag"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"wavebot/notify"
	"wavebot/wave"

	"wavebot/storage/bolt"
	"wavebot/storage/redis/redistest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// env returns a lookup function over vars only, so tests never see the
// developer's own WAVEBOT_* settings.
func env(vars ...string) func(string) (string, bool) {
	m := map[string]string{}
	for _, kv := range vars {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func runConsoleSession(t *testing.T, getenv func(string) (string, bool), args []string, input string) (string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), append([]string{"console"}, args...), getenv, strings.NewReader(input), &out, &errOut)
	if code != 0 {
		t.Fatalf("exit code %d, stderr: %s", code, errOut.String())
	}
	return out.String(), errOut.String()
}

// TestConsoleSessions drives sessions through the console, as a pipe, and
// compares each transcript with its golden file: the session of the
// foundation issue, and a whole wave's reminders on the simulated clock.
func TestConsoleSessions(t *testing.T) {
	// The lead's session runs on the default template with two user guides
	// and how to reach KS økonomisupport.
	tpl, err := os.ReadFile(filepath.Join("..", "..", "wave", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	guides := strings.Replace(string(tpl), "guides: []", "guides:\n"+
		"  - solution: Rejseafregning\n    url: https://vejledninger.example/rejseafregning\n"+
		"  - solution: Kreditorfakturaer\n    url: https://vejledninger.example/kreditorfakturaer\n", 1)
	guides = strings.Replace(guides, "support: {}", "support:\n  phone: 33 66 12 34\n  email: oekonomisupport@kk.example\n"+
		"  hours_da: hverdage kl. 9-15\n  hours_en: weekdays 9:00-15:00\n", 1)
	template := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(template, []byte(guides), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		env  []string
		must []string
	}{
		{"session", nil, []string{
			"✗ »Sikre korrekt opsætning af PC'er« er en KS-opgave",           // maria may not touch a KS activity
			"maria> auth ok b3/BUF\nb3/BUF: Tak",                             // the contact answered
			"Autorisationer: venter på forvaltningen, frist 27. januar 2027", // status shows the feedback state
			"venter på forvaltningen",                                        // the kick-off waits for maria's part
			"[----------] 0 færdige, 9 åbne",
		}},
		{"reminders", nil, []string{
			"⏰ 2027-01-20 12:00 → @maria: b3/BUF: Velkommen som forvaltningens tovholder",             // the welcome
			"⏰ 2027-01-21 09:00 → @maria: b3/BUF: Forvaltningen skal senest 25. januar 2027 beslutte", // training is a decision
			"   ↳ training b3/BUF no | remind snooze b3/BUF/uddannelse 1d | remind snooze b3/BUF/uddannelse 3d",
			"Påmindelser om b3/BUF er udsat 3 arbejdsdage, til onsdag 3. februar 2027 kl. 9.00.",
			"⏰ 2027-02-02 09:00 → @anna",                                                // escalation to the KS lead, daily
			"⏰ 2027-02-03 09:00 → @maria",                                               // back when the snooze ends
			"⏰ 2027-02-09 09:00 → @maria",                                               // a week after the third overdue day
			"⏰ 2027-02-10 12:00 → @anna: b3/BUF: @maria har bekræftet autorisationerne", // the lead told at once
			"⏰ 2027-03-22 09:00 → @maria: b3/BUF:",                                      // E-5 over Easter
		}},
		{"lead", []string{"WAVEBOT_TEMPLATE=" + template}, []string{
			"• Rejseafregning: https://vejledninger.example/rejseafregning",                                                         // the welcome links the guides
			"maria> vejledninger b1\nBrugervejledninger og KS økonomisupport – bølge b1\n  Brugervejledninger:\n  • Rejseafregning", // and guides gives them at any time
			"  • Telefon: 33 66 12 34\n  • E-mail: oekonomisupport@kk.example\n  • Åbent: hverdage kl. 9-15",
			"b1/BUF: KS' del af »Opstartsmøde i forvaltningen« er bekræftet; aktiviteten venter nu på forvaltningen.",
			"b1/BUF: Begge sider har bekræftet deres del af »Opstartsmøde i forvaltningen«",
			"✗ b1/BUF: Fristen for tilbagemeldingen skal ligge før go-live (15. marts 2027)",
			"✗ 27. februar 2027 er en lørdag og ikke en arbejdsdag. Vælg en arbejdsdag, fx 1. marts 2027.",
			"⏰ 2027-03-03 09:00 → @anna: b1/BUF: Forvaltningen har stadig ikke givet tilbagemelding",           // escalation from D+3
			"⏰ 2027-03-03 12:00 → @anna: b1/BUF: @maria har sendt rettelser til autorisationerne",              // the lead told at once
			"✓ uddannelse – Uddannelse af brugere (FV) – 8. marts 2027 – besluttet: ingen uddannelse (@maria)", // a decision is done
			"◐ præsentation – Præsentationsmøde for berørte enheder/medarbejdere (KS præsenterer KØR workflow) (KS+FV) – 3. marts 2027 – venter på KS",
			"✗ KØR workflow i BUF: »Autorisere brugere til workflow« kommer efter »Aflevere udfyldt autorisationsskabelon til Brugeradministrationen«",
			"anna> status\nAktive bølger\n  ▸ b1 – Bølge 1 – selvbetjening – start 15. marts 2027 – tilmeldt: BUF – klar til at lukke", // through, not yet closed
		}},
		{"track", nil, []string{
			"anna> workflow KFF\nKØR workflow – KFF", // a forvaltning in no wave has its track
			"✗ »Nedsættelse af central arbejdsgruppe« er forvaltningens trin: kun en tovholder for KØR workflow i KFF", // KS may not, before the agreement
			"@ole er nu tovholder for KØR workflow i KFF.",                                                             // a contact names a colleague
			"KØR workflow i KFF: KS varetager nu projektledelse efter konkret aftale.",
			"Efter konkret aftale varetager KS: projektledelse (aftalt af @lis",
			"⏰ 2027-01-27 09:00 → @anna: KFF: KØR workflow-trinnet »Nedsættelse af central arbejdsgruppe« har frist 29. januar 2027.", // KS hears the forvaltning's step under the agreement
			"anna> workflow KFF done group\nKØR workflow i KFF: Trinnet »Nedsættelse af central arbejdsgruppe« er færdigt.",
			"✗ KØR workflow i KFF: »Udfyldelse af autorisationsskabelon« kommer efter »Præsentationsmøde", // the source's order
			"KØR workflow i KFF: Aftalen om projektledelse er afsluttet",
			"anna> workflow KFF done deliver\n✗ »Aflevere udfyldt autorisationsskabelon til Brugeradministrationen« er forvaltningens trin", // after the agreement, KS may not
			"KFF er ikke tilmeldt nogen bølge.",
		}},
		{"leadsday", nil, []string{
			"Bølge b1: »Informationsmøde i forvaltningen for brugere« har nu frist 10. februar 2027 for BUF, SUF og TMF.", // one date for the whole wave
			"Bølge b1: KS har bedt BUF, SUF og TMF om tilbagemelding på autorisationerne senest 19. februar 2027.",
			"#konsol følger nu bølge b1.",
			"⏰ 2027-01-21 09:00 → #konsol: b1/BUF: »Opstartsmøde i forvaltningen« er færdig.", // the channel's news, the next morning
			"anna> overview\nOversigt over aktive bølger\n  ▸ b1 – Bølge 1 – selvbetjening – start 1. marts 2027\n    TMF: 1 færdig, 8 åbne, 3 overskredne",
			"  b1/TMF: bedt om 20. jan., frist 19. feb. – OVERSKREDET med 1 arbejdsdag – tovholder @tove",
			"  ▸ @tove (tovholder)\n    b1/TMF: »Opstartsmøde i forvaltningen« – frist 21. jan., 22 arbejdsdage over",
			"Billedet er gemt i $OUT/tidslinje-b1.png.",
			"»Go-live – test af tilgængelighed til løsninger«: 12. april 2027 → 19. april 2027 (BUF og SOF)",
			"✗ Bølge b1 lukkes først efter evalueringerne, og de mangler for BUF, SUF og TMF.",
			"tove> skip b1/TMF evaluation vi holder vores egen evaluering\nb1/TMF: Begge sider har sagt, at »Evaluering« springes over", // a shared skip takes both sides
			"Forvaltninger uden evalueringsnote: TMF.",
			"Informationsmøde i forvaltningen for brugere: planlagt 10. februar 2027, færdig 22. februar 2027 – 8 arbejdsdage for sent",
			"– lukket 10. marts 2027",
			"⏰ 2027-03-11 09:00 → #konsol: Bølge b1 er afsluttet og lukket.",
		}},
		{"roles", nil, []string{
			"kim> wave create b1 2027-03-01 Bølge 1\nBølge b1 (Bølge 1) er oprettet med start 1. marts 2027. KS-projektleder: @kim.", // a KS lead with the role ks only
			"kim> role @ole ks\n✗ Det må du ikke: det må kun en administrator.",
			"maria> contact b1/BUF @jens\n@jens er nu tovholder for b1/BUF.",                        // the forvaltning names its group
			"✗ @kim er KS-medarbejder og kan derfor ikke være forvaltningens tovholder",             // one person, one side
			"b1/BUF: Begge sider har sagt, at »Opstartsmøde i forvaltningen« springes over",         // a shared skip takes both
			"→ @kim: b1/BUF: @maria har gjort @jens til tovholder. Tovholdere nu: @maria og @jens.", // the lead hears of it
			"✗ b1/BUF: Go-live kan ikke meldes færdig endnu",
			"→ @jens: b1/BUF: Evalueringen er holdt. Skriv forvaltningens note",
			"→ @kim: Bølge b1: Alle evalueringer er holdt eller sprunget over. Luk bølgen med: bølge luk b1",
			"Forvaltninger med evalueringsnote: BUF.",
		}},
		{"newcomer", nil, []string{
			"    as NAVN — skift til en anden person (også: som)", // help shows the console's own commands
			"    quit — afslut konsollen; Ctrl-D gør det samme (også: afslut, exit)",
			"    opstart – Opstartsmøde i forvaltningen – KS+FV",
			"    BUF, BIF, KFF, SOF, SUF, TMF, ØKF",
			"clock [+3d | +4h | ÅÅÅÅ-MM-DD]\n    flyt det simulerede ur frem: +3d tæller kalenderdage",
			"✗ »@maria!« er ikke en person",
			"✗ Der mangler AKTIVITET.\n  Brug: done ID[/FV] AKTIVITET [NOTE …]",
			"har allerede status færdig; intet er ændret.",
			"✗ Der mangler BEGRUNDELSE.", // a skip gives its reason
			"✗ Kommandoen kan ikke bruge »extra«.",
			"✗ @søren er ikke KS-medarbejder",
			"[#=--------] 1 færdig, 1 sprunget over, 7 åbne",
			`✗ Der er ingen bølge »Ærø"«.`,
			"✗ Uret kan ikke gå baglæns",
			"Uret er flyttet 3 kalenderdage frem og er nu lørdag 23. januar 2027 kl. 12.00.",
			"Påmindelser om b3/BUF/info er udsat 3 arbejdsdage, til onsdag 27. januar 2027 kl. 9.00.", // business days, where clock +3d counted calendar days,
			"The clock moved 4 hours on",                                                              // the console speaks English after lang en
			"anna> as maria\nDu er nu logget ind som maria.\n\nmaria> quit\n",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			input, err := os.ReadFile(filepath.Join("testdata", tc.name+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			data, out := t.TempDir(), t.TempDir()
			got, _ := runConsoleSession(t, env(append(tc.env, "WAVEBOT_DATA_DIR="+data)...), []string{"--as", "anna", "--now", "2027-01-20", "--out", out}, string(input))
			// Pictures go to a directory of the test's own.
			got = strings.ReplaceAll(got, out, "$OUT")
			checkTranscript(t, tc.name, got)
			for _, must := range tc.must {
				if !strings.Contains(got, must) {
					t.Errorf("transcript lacks %q", must)
				}
			}
			if tc.name == "leadsday" {
				checkTimelineFile(t, filepath.Join(out, "tidslinje-b1.png"))
				checkReport(t, data)
			}
		})
	}
}

// TestMain runs the tests, or, in a child process a test started with
// WAVEBOT_TEST_AS_MAIN=1, wavebot itself: a test can then send it real
// signals.
func TestMain(m *testing.M) {
	if os.Getenv("WAVEBOT_TEST_AS_MAIN") == "1" {
		main()
	}
	redistest.Main(m)
}

// checkTimelineFile checks that the console wrote the timeline as a PNG
// as wide as a phone screen's pixels.
func checkTimelineFile(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil || img.Bounds().Dx() != 1080 {
		t.Errorf("%s: %v, %v", path, err, img.Bounds())
	}
}

// checkReport runs "wavebot report b1" on the data the lead's session
// left, as Markdown and as CSV, with the flags after the id or before it,
// and compares each with its golden file.
func checkReport(t *testing.T, data string) {
	t.Helper()
	for i, format := range []struct {
		args   []string
		golden string
	}{
		{[]string{"report", "b1", "--data", data}, "leadsday.report.golden.md"},
		{[]string{"report", "b1", "--data", data, "--csv"}, "leadsday.report.golden.csv"},
		{[]string{"report", "--csv", "--data", data, "b1"}, "leadsday.report.golden.csv"},
		{[]string{"report", "--data", data, "b1", "--lang", "da"}, "leadsday.report.golden.md"},
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), format.args, env(), strings.NewReader(""), &out, &errOut); code != 0 {
			t.Fatalf("%q: exit %d: %s", format.args, code, errOut.String())
		}
		golden := filepath.Join("testdata", format.golden)
		if *update && i < 2 {
			if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if out.String() != string(want) {
			t.Errorf("the report differs from %s (run with -update to accept):\n%s", golden, out.String())
		}
	}
}

func TestConsoleOnRedis(t *testing.T) {
	redisEnv := env("WAVEBOT_REDIS_URL="+redistest.URL(t), "WAVEBOT_REDIS_PREFIX="+redistest.Prefix(t))
	input, err := os.ReadFile("testdata/session.txt")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := runConsoleSession(t, redisEnv, []string{"--as", "anna", "--now", "2027-01-20"}, string(input))
	want, err := os.ReadFile(filepath.Join("testdata", "session.golden"))
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("the session on Redis differs from the one on bolt:\n%s", got)
	}
	// A restart of the bot: a new process, the same Redis.
	got, _ = runConsoleSession(t, redisEnv, []string{"--as", "anna", "--now", "2027-01-20"}, "status b3/BUF\n")
	if !strings.Contains(got, "[#---------] 1 færdig, 8 åbne") || !strings.Contains(got, "bekræftet af @maria") {
		t.Errorf("state did not survive the restart:\n%s", got)
	}
	_, errOut := runConsoleFailure(t, env("WAVEBOT_REDIS_URL=http://nowhere"))
	if !strings.Contains(errOut, "WAVEBOT_REDIS_URL") {
		t.Errorf("bad redis url: %q", errOut)
	}
}

func runConsoleFailure(t *testing.T, getenv func(string) (string, bool)) (int, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"console", "--data", t.TempDir()}, getenv, strings.NewReader(""), &out, &errOut)
	if code == 0 {
		t.Errorf("exit code 0, want a failure")
	}
	return code, errOut.String()
}

func TestConsoleStatePersistsAcrossRuns(t *testing.T) {
	dir := t.TempDir()
	runConsoleSession(t, env(), []string{"--as", "anna", "--data", dir, "--now", "2027-01-20"}, "wave create b3 2027-02-01\nwave enroll b3 BUF\n")
	got, _ := runConsoleSession(t, env(), []string{"--as", "anna", "--data", dir, "--now", "2027-01-20"}, "done b3/BUF pc\nstatus b3/BUF\n")
	if !strings.Contains(got, "[#---------] 1 færdig, 8 åbne") {
		t.Errorf("second run did not see the first run's wave:\n%s", got)
	}
}

func TestConsoleOnlyCommands(t *testing.T) {
	got, _ := runConsoleSession(t, env(), []string{"--as", "anna", "--data", t.TempDir(), "--now", "2027-03-26"},
		"clock\nclock +3d\nclock +2h\nclock 2027-10-31\nclock tomorrow\nas\nas Maria\nmy\n")
	for _, want := range []string{
		"Uret er nu fredag 26. marts 2027 kl. 12.00.",
		"Uret er flyttet 3 kalenderdage frem og er nu mandag 29. marts 2027 kl. 12.00.", // across the switch to summer time
		"Uret er flyttet 2 timer frem og er nu mandag 29. marts 2027 kl. 14.00.",
		"Uret er nu søndag 31. oktober 2027 kl. 12.00.",
		"✗ »tomorrow« er ikke et tidspunkt, uret kan flyttes til.\n  Brug: clock [+3d | +4h | ÅÅÅÅ-MM-DD]",
		"✗ Der mangler NAVN.\n  Brug: as NAVN",
		"Du er nu logget ind som maria.",
		"Åbne opgaver for @maria",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

// TestConsoleNameMustBeAName: --as takes the names "as" takes; a login
// name that cannot be one falls back to admin.
func TestConsoleNameMustBeAName(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"console", "--as", "maria!", "--data", t.TempDir()}, env(), strings.NewReader("my\n"), &out, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), `--as "maria!"`) {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
	out.Reset()
	errOut.Reset()
	code = run(context.Background(), []string{"console", "--as", "Søren Ærø", "--data", t.TempDir()}, env(), strings.NewReader("my\n"), &out, &errOut)
	if code != 1 || errOut.String() != "wavebot: --as \"Søren Ærø\": a name is one word, such as --as søren.ærø\n" {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
	got, _ := runConsoleSession(t, env("USER=john@example"), []string{"--data", t.TempDir()}, "my\n")
	if !strings.Contains(got, "admin> my\nÅbne opgaver for @admin") {
		t.Errorf("a login name that is no name:\n%s", got)
	}
}

func TestBadConfigurationNamesTheVariable(t *testing.T) {
	tests := map[string]string{
		"WAVEBOT_LANG=fr":                                "WAVEBOT_LANG",
		"WAVEBOT_TZ=Mars/Olympus":                        "WAVEBOT_TZ",
		"WAVEBOT_CLOSED_DAYS=24-12":                      "WAVEBOT_CLOSED_DAYS",
		"WAVEBOT_TEMPLATE=/does/not/exist":               "WAVEBOT_TEMPLATE",
		"WAVEBOT_SWEEP_INTERVAL=soon":                    "WAVEBOT_SWEEP_INTERVAL",
		"WAVEBOT_REMINDERS=auth_soon=often":              "WAVEBOT_REMINDERS",
		"WAVEBOT_SWEEP_INTERVAL=0s":                      "WAVEBOT_SWEEP_INTERVAL",
		"WAVEBOT_SWEEP_INTERVAL=2h":                      "WAVEBOT_SWEEP_INTERVAL",
		"WAVEBOT_FORVALTNINGER=":                         "WAVEBOT_FORVALTNINGER",
		"WAVEBOT_FORVALTNINGER= , ":                      "WAVEBOT_FORVALTNINGER",
		"WAVEBOT_FORVALTNINGER=BUF,b/3":                  "WAVEBOT_FORVALTNINGER",
		"WAVEBOT_FORVALTNINGER=BUF,buf":                  "WAVEBOT_FORVALTNINGER",
		"WAVEBOT_ADMINS=anna,@bo!":                       "WAVEBOT_ADMINS",
		"WAVEBOT_REDIS_URL=http://x":                     "WAVEBOT_REDIS_URL",
		"WAVEBOT_REDIS_PREFIX={x}":                       "WAVEBOT_REDIS_PREFIX",
		"WAVEBOT_REDIS_PREFIX=":                          "WAVEBOT_REDIS_PREFIX",
		"WAVEBOT_LISTEN=8080":                            "WAVEBOT_LISTEN",
		"WAVEBOT_LISTEN=:99999":                          "WAVEBOT_LISTEN",
		"WAVEBOT_LINK_SECRET=" + strings.Repeat("s", 32): "WAVEBOT_PUBLIC_URL",
		"WAVEBOT_LOG_LEVEL=loud":                         "WAVEBOT_LOG_LEVEL",
		"WAVEBOT_LOG_LEVEL=":                             "WAVEBOT_LOG_LEVEL",
		"WAVEBOT_DATA_DIR=":                              "WAVEBOT_DATA_DIR",
		"WAVEBOT_TZ=":                                    "WAVEBOT_TZ",
		"WAVEBOT_TEMPLATE=":                              "WAVEBOT_TEMPLATE",
	}
	for kv, name := range tests {
		_, errOut := runConsoleFailure(t, env(kv))
		if !strings.HasPrefix(errOut, "wavebot: "+name+": ") || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%s: stderr %q; want one line naming %s", kv, errOut, name)
		}
	}
}

// TestEveryProblemOnItsOwnLine: start-up names every problem at once, a
// line each, for serve as for the console.
func TestEveryProblemOnItsOwnLine(t *testing.T) {
	vars := env("WAVEBOT_LANG=fr", "WAVEBOT_FORVALTNINGER=", "WAVEBOT_TZ=Mars/Olympus", "WAVEBOT_LOG_LEVEL=loud",
		"WAVEBOT_TEAMS_APP_ID=x", "WAVEBOT_DATA_DIR="+t.TempDir())
	for _, sub := range []string{"console", "serve", "config", "export"} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), []string{sub}, vars, strings.NewReader(""), &out, &errOut)
		lines := strings.Split(strings.TrimSuffix(errOut.String(), "\n"), "\n")
		if code != 1 || len(lines) != 5 || out.Len() != 0 {
			t.Errorf("%s: exit %d, stderr:\n%s", sub, code, errOut.String())
			continue
		}
		for i, name := range []string{"WAVEBOT_LANG", "WAVEBOT_TZ", "WAVEBOT_FORVALTNINGER", "WAVEBOT_LOG_LEVEL", "WAVEBOT_TEAMS_APP_PASSWORD"} {
			if !strings.HasPrefix(lines[i], "wavebot: "+name+": ") {
				t.Errorf("%s: line %d is %q, want one naming %s", sub, i, lines[i], name)
			}
		}
	}
}

// TestConfigMasksSecrets: wavebot config prints every variable with its
// effective value, secrets masked but shown to be set.
func TestConfigMasksSecrets(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"config"}, env("WAVEBOT_REDIS_URL=redis://wavebot:hemmeligt-ord@redis:6379/0",
		"WAVEBOT_TEAMS_APP_ID=app", "WAVEBOT_TEAMS_APP_PASSWORD=hemmelig-klient", "WAVEBOT_TEAMS_TENANT_ID=kk", "WAVEBOT_ADMINS=teams:a",
		"WAVEBOT_FORVALTNINGER=buf, suf"), strings.NewReader(""), &out, &errOut)
	got := out.String()
	if code != 0 || strings.Contains(got, "hemmelig") {
		t.Fatalf("exit %d, stderr %q, output:\n%s", code, errOut.String(), got)
	}
	for _, want := range []string{
		"WAVEBOT_REDIS_URL=redis://wavebot:********@redis:6379/0\n",
		"WAVEBOT_TEAMS_APP_PASSWORD=********\n",
		"WAVEBOT_TEAMS_TOKEN_URL=https://login.microsoftonline.com/kk/oauth2/v2.0/token\n",
		"WAVEBOT_FORVALTNINGER=BUF,SUF\n",
		"WAVEBOT_TZ=Europe/Copenhagen\n",
		"WAVEBOT_LISTEN=:8080\n",
		"WAVEBOT_LOG_LEVEL=info\n",
		"WAVEBOT_REMINDERS=" + notify.DefaultPolicy(wave.Copenhagen()).Spec() + "\n",
		"WAVEBOT_SLACK_BOT_TOKEN=\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("config lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "\nWAVEBOT_") + 1; n != 25 {
		t.Errorf("%d variables printed, want 25", n)
	}
}

// TestVersion: version, commit and Go version on one line.
func TestVersion(t *testing.T) {
	version, commit = "1.4.0", "0123abc"
	t.Cleanup(func() { version, commit = "dev", "" })
	var out bytes.Buffer
	if code := run(context.Background(), []string{"version"}, env(), strings.NewReader(""), &out, io.Discard); code != 0 ||
		out.String() != "wavebot 1.4.0 (commit 0123abc, "+runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH+")\n" {
		t.Errorf("exit %d, %q", code, out.String())
	}
}

func TestDataDirectoryInUse(t *testing.T) {
	dir := t.TempDir()
	held, err := bolt.Open(dir, nil) // another wavebot process holding the store
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"console", "--data", dir}, env(), strings.NewReader("wave list\n"), &out, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "in use by another wavebot process") {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
}

func TestUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), nil, env(), strings.NewReader(""), &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "wavebot console") {
		t.Errorf("no arguments: exit %d, %q", code, errOut.String())
	}
	if code := run(context.Background(), []string{"dance"}, env(), strings.NewReader(""), &out, &errOut); code != 2 {
		t.Errorf("unknown subcommand: exit %d", code)
	}
}

// TestConsoleKeepsItsClock: the simulated clock is kept in the data
// directory: a later run without --now goes on where the last stopped, a
// --now on an earlier day is refused with the kept time and changes
// nothing, and a later --now moves on.
func TestConsoleKeepsItsClock(t *testing.T) {
	dir := t.TempDir()
	args := func(more ...string) []string { return append([]string{"--as", "anna", "--data", dir}, more...) }
	got, _ := runConsoleSession(t, env(), args("--now", "2027-01-20"), "wave create b3 2027-02-01\nclock +3d\nclock +2h\n")
	if !strings.HasPrefix(got, "Du er anna (admin). Det simulerede ur står på onsdag 20. januar 2027 kl. 12.00. Skriv hjælp for at se kommandoerne.\n") {
		t.Fatalf("first run:\n%s", got)
	}
	// Without --now: where the last run stopped, the greeting says.
	got, _ = runConsoleSession(t, env(), args(), "clock\nwave create b4 2027-02-01\n")
	if !strings.HasPrefix(got, "Du er anna (admin). Det simulerede ur står på lørdag 23. januar 2027 kl. 14.00.") ||
		!strings.Contains(got, "Uret er nu lørdag 23. januar 2027 kl. 14.00.") {
		t.Errorf("second run did not go on from the kept clock:\n%s", got)
	}
	// --now on the kept day goes on from the kept time, not back to noon.
	got, _ = runConsoleSession(t, env(), args("--now", "2027-01-23"), "clock\n")
	if !strings.Contains(got, "Uret er nu lørdag 23. januar 2027 kl. 14.00.") {
		t.Errorf("--now on the kept day:\n%s", got)
	}
	// An earlier day is refused, naming the kept time; nothing runs.
	var out, errOut bytes.Buffer
	code := run(context.Background(), append([]string{"console"}, args("--now", "2027-01-22")...), env(), strings.NewReader("wave create b5 2027-02-01\n"), &out, &errOut)
	if code != 1 || out.Len() != 0 || !strings.Contains(errOut.String(), "--now 2027-01-22: Konsollens ur står allerede på lørdag 23. januar 2027 kl. 14.00 (gemt i "+dir) {
		t.Errorf("an earlier --now: exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
	got, _ = runConsoleSession(t, env(), args("--now", "2027-02-01"), "wave list\nlog b4\n")
	if strings.Contains(got, "b5") || !strings.Contains(got, "Det simulerede ur står på mandag 1. februar 2027 kl. 12.00.") {
		t.Errorf("a later --now:\n%s", got)
	}
	// The log of the second run is dated on from the first's.
	if !strings.Contains(got, "2027-01-23 14:00") {
		t.Errorf("b4's log is not dated by the kept clock:\n%s", got)
	}
}

// TestConsoleShowsWaitingNotices: in the console a person on Teams is not
// reached: their welcome waits, the KS lead is told, and becoming them
// shows what waits; a later run greets them with it too.
func TestConsoleShowsWaitingNotices(t *testing.T) {
	dir := t.TempDir()
	got, _ := runConsoleSession(t, env(), []string{"--as", "anna", "--data", dir, "--now", "2027-01-20"},
		"wave create b3 2027-02-01 Bølge 3\nwave enroll b3 BUF\ncontact b3/BUF @teams:p1\nclock +1d\nas teams:p1\nmy\nclock +2h\n")
	for _, want := range []string{
		"⏰ 2027-01-20 12:00 → @anna: b3/BUF: wavebot kan ikke nå @teams:p1 med påmindelser.",
		"anna> as teams:p1\nDu er nu logget ind som teams:p1.\nBeskeder, der venter på dig\n" +
			"  wavebot har endnu ikke kunnet nå dig i Slack eller Teams.",
		"  b3/BUF: Velkommen som forvaltningens tovholder i bølge b3 (Bølge 3), der starter 1. februar 2027. KS-projektleder er @anna. (venter siden onsdag 20. januar 2027 kl. 12.00, højst til 19. februar 2027)\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "→ @teams:p1") {
		t.Errorf("the console printed a message to teams:p1:\n%s", got)
	}
	got, _ = runConsoleSession(t, env(), []string{"--as", "teams:p1", "--data", dir}, "")
	if !strings.HasPrefix(got, "Du er teams:p1 (tovholder for b3/BUF). Det simulerede ur står på torsdag 21. januar 2027 kl. 14.00. Skriv hjælp for at se kommandoerne.\nBeskeder, der venter på dig\n") {
		t.Errorf("a later run as teams:p1:\n%s", got)
	}
}

// TestNoAdminNamesTheIdsOfThePlatform: with a chat platform and no admin
// on it, start-up stops with an example of that platform's ids: a Slack
// member ID, a Microsoft Entra object id for Teams.
func TestNoAdminNamesTheIdsOfThePlatform(t *testing.T) {
	slack := []string{"WAVEBOT_SLACK_BOT_TOKEN=xoxb-1", "WAVEBOT_SLACK_SIGNING_SECRET=s"}
	teams := []string{"WAVEBOT_TEAMS_APP_ID=app", "WAVEBOT_TEAMS_APP_PASSWORD=p", "WAVEBOT_TEAMS_TENANT_ID=kk"}
	const guid = "teams:2f1c6d0e-8b3a-4c5d-9e7f-0a1b2c3d4e5f"
	for _, tc := range []struct {
		vars       []string
		want, lack string
	}{
		{slack, "name one by their Slack member ID, e.g. WAVEBOT_ADMINS=slack:U0123ABCD", "teams:"},
		{teams, "name one by their Microsoft Entra object id, e.g. WAVEBOT_ADMINS=" + guid, "slack:"},
		{append(slices.Clone(slack), teams...), "e.g. WAVEBOT_ADMINS=slack:U0123ABCD (a Slack member ID) or WAVEBOT_ADMINS=" + guid + " (a Microsoft Entra object id)", "teams:U0123ABCD"},
	} {
		_, err := loadConfig(env(tc.vars...))
		if err == nil || !strings.Contains(err.Error(), "WAVEBOT_ADMINS: names no admin on") || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), tc.lack) {
			t.Errorf("%v: %v\nwant %q", tc.vars, err, tc.want)
		}
	}
}

// checkTranscript compares a session's transcript with testdata/NAME.golden,
// or writes it there with -update.
func checkTranscript(t *testing.T, name, got string) {
	t.Helper()
	golden := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("transcript differs from %s (run with -update to accept):\n%s", golden, got)
	}
}
