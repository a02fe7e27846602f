package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"wavebot/storage/backup"
	"wavebot/storage/bolt"
	"wavebot/storage/redis"
	"wavebot/storage/redis/redistest"
	"wavebot/storage/storagetest"
	"wavebot/wave"
)

// Things the log must never hold.
const (
	testAppPassword = "pw-3fe9-hemmelig-klientnøgle"
	secretWaveName  = "Fortroligt-projektnavn"
)

// observed is a serve that has answered a command from Teams, refused a
// request, and delivered a reminder to Teams: its log (with that of the
// serve before it) and the fake Microsoft it talked to.
type observed struct {
	s   *server
	ms  *fakeMicrosoft
	log string
}

// observedServe runs the scenario: a first serve stores how anna is
// reached in Teams when she writes; the console makes her the contact of
// an enrolment whose authorization feedback is overdue; a second serve
// reminds her, takes a command with a name that is nobody's business, and
// refuses a request with an expired token.
func observedServe(t *testing.T) observed {
	ms := newFakeMicrosoft(t)
	dir := t.TempDir()
	vars := []string{"WAVEBOT_DATA_DIR=" + dir, "WAVEBOT_ADMINS=teams:" + testAnnaAAD,
		"WAVEBOT_TEAMS_APP_ID=" + testAppID, "WAVEBOT_TEAMS_APP_PASSWORD=" + testAppPassword,
		"WAVEBOT_TEAMS_OPENID_METADATA_URL=" + ms.srv.URL + "/openid", "WAVEBOT_TEAMS_TOKEN_URL=" + ms.srv.URL + "/token",
		"WAVEBOT_SWEEP_INTERVAL=1s", "WAVEBOT_LOG_LEVEL=debug"}
	first := startServe(t, vars...)
	if code := ms.activity(t, first.base, "help", time.Now().Add(time.Hour)); code != 200 {
		t.Fatalf("help: %d", code)
	}
	first.stop()
	<-first.exited
	first.exited <- 0

	overdueForAnna(t, dir)

	s := startServe(t, vars...)
	s.waitFor(t, `"msg":"reminder delivered"`)
	if code := ms.activity(t, s.base, "wave create b9 2027-02-01 "+secretWaveName, time.Now().Add(-time.Hour)); code != 401 {
		t.Errorf("expired token: %d", code)
	}
	if code, err := ms.post(s.base, "m2", "wave create b9 2027-02-01 "+secretWaveName, time.Now().Add(time.Hour)); code != 200 {
		t.Fatalf("wave create: %d %v", code, err)
	}
	s.waitFor(t, `"msg":"command"`)
	return observed{s: s, ms: ms, log: first.log.String() + s.log.String()}
}

// TestMetricsAfterACommandAndAReminder: /metrics has the named series,
// with a command, a reminder and a refused request counted, and no
// person's id, name or typed text in any label.
func TestMetricsAfterACommandAndAReminder(t *testing.T) {
	o := observedServe(t)
	code, body := o.s.get(t, "GET", "/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{
		`wavebot_commands_total{command="wave create",outcome="ok"} 1`,
		`wavebot_command_duration_seconds_count{command="wave create"} 1`,
		`wavebot_http_requests_total{code="200",route="POST /api/messages"} 1`,
		`wavebot_http_requests_total{code="401",route="POST /api/messages"} 1`,
		`wavebot_http_request_duration_seconds_count{route="POST /api/messages"} 2`,
		`wavebot_platform_requests_rejected_total{platform="teams",reason="unauthenticated"} 1`,
		`wavebot_reminders_total{outcome="sent"} `,
		`wavebot_reminders_total{outcome="undeliverable"} `, // kim, the lead, is on no platform
		`wavebot_reminders_total{outcome="due"} `,
		`wavebot_reminders_total{outcome="failed"} 0`,
		`wavebot_reminders_total{outcome="retried"} 0`,
		`wavebot_reminders_due `,
		`wavebot_reminder_oldest_due_age_seconds `,
		`wavebot_sweep_duration_seconds_count `,
		`wavebot_store_operation_duration_seconds_count{operation="claim_recipient"} `,
		`wavebot_store_operation_duration_seconds_count{operation="update_wave"} `,
		`go_goroutines `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}

	}
	// One digest went to anna, with every reminder due to her in it.
	if strings.Contains(body, `wavebot_reminders_total{outcome="sent"} 0`) {
		t.Error("no reminder counted as sent")
	}
	for _, never := range []string{testAnnaAAD, "kim", secretWaveName, "b3/BUF", "Anna"} {
		if strings.Contains(body, never) {
			t.Errorf("/metrics holds %q", never)
		}
	}
}

// TestLogsHoldNoSecretsOrText: a line per command and per delivery, with
// who and what but never a token, a secret or what anyone wrote or was
// sent.
func TestLogsHoldNoSecretsOrText(t *testing.T) {
	o := observedServe(t)
	for _, never := range []string{testAppPassword, "the-bot-token", "eyJ", secretWaveName, "tilbagemelding", "Anna Holm"} {
		if strings.Contains(o.log, never) {
			t.Errorf("the log holds %q:\n%s", never, o.log)
		}
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`"msg":"command","actor":"teams:` + testAnnaAAD + `","command":"wave create","outcome":"ok","duration_ms":[0-9.]+}`),
		regexp.MustCompile(`"msg":"command","actor":"teams:` + testAnnaAAD + `","command":"help","outcome":"ok"`),
		regexp.MustCompile(`"msg":"reminder delivered","key":"b3/BUF\|auth-overdue\|[0-9-]+\|teams:` + testAnnaAAD + `","recipient":"teams:` + testAnnaAAD + `","attempts":1,"outcome":"delivered"}`),
		regexp.MustCompile(`"msg":"reminder undeliverable","key":"b3/BUF\|auth-escalate\|[^"]+\|kim","recipient":"kim","attempts":1,"outcome":"undeliverable"`),
	} {
		if !want.MatchString(o.log) {
			t.Errorf("the log has no line like %s:\n%s", want, o.log)
		}
	}
}

// TestHealth: wavebot health says yes while serve answers on
// WAVEBOT_LISTEN, and no when nothing does.
func TestHealth(t *testing.T) {
	s := startServe(t, "WAVEBOT_DATA_DIR="+t.TempDir())
	addr := strings.TrimPrefix(s.base, "http://")
	var errOut bytes.Buffer
	if code := run(context.Background(), []string{"health"}, env("WAVEBOT_LISTEN="+addr), strings.NewReader(""), io.Discard, &errOut); code != 0 {
		t.Errorf("health of a running serve: exit %d, %s", code, errOut.String())
	}
	_, port, _ := strings.Cut(addr, ":")
	if code := run(context.Background(), []string{"health"}, env("WAVEBOT_LISTEN=:"+port), strings.NewReader(""), io.Discard, &errOut); code != 0 {
		t.Errorf("health on :port: exit %d, %s", code, errOut.String())
	}
	s.stop()
	<-s.exited
	s.exited <- 0
	errOut.Reset()
	if code := run(context.Background(), []string{"health"}, env("WAVEBOT_LISTEN="+addr), strings.NewReader(""), io.Discard, &errOut); code != 1 ||
		!strings.HasPrefix(errOut.String(), "wavebot: health:") {
		t.Errorf("health of a stopped serve: exit %d, %q", code, errOut.String())
	}
}

// TestExportImportCommands: a pilot's data moves from the embedded store
// into Redis with wavebot export and import, and Redis exports the same
// document and holds the same authorization list and template; a second
// import is refused.
func TestExportImportCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	input, _ := io.ReadAll(strings.NewReader("wave create b3 2027-02-01\nwave enroll b3 BUF SUF\ncontact b3/BUF @maria\nauth request b3/BUF 2027-01-27\nas maria\nauth ok b3/BUF\n"))
	runConsoleSession(t, env("WAVEBOT_DATA_DIR="+dir), []string{"--as", "anna", "--now", "2027-01-20"}, string(input))
	// A list and a template, as the web pages store them: row 2 decided,
	// so its version is 2.
	pilot, err := bolt.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storagetest.Upload(ctx, pilot, 3); err != nil {
		t.Fatal(err)
	}
	if _, err := storagetest.Decide(ctx, pilot, "maria", 2, 1, wave.DecisionOK); err != nil {
		t.Fatal(err)
	}
	if _, err := storagetest.EditTemplate(ctx, pilot, "BUF", wave.TemplateEdit{Unit: "1000", User: "AB12", Role: "attestant"}); err != nil {
		t.Fatal(err)
	}
	list, err := pilot.AuthList(ctx, "b3", "BUF")
	if err != nil {
		t.Fatal(err)
	}
	template, err := pilot.AuthTemplate(ctx, "BUF")
	if err != nil {
		t.Fatal(err)
	}
	pilot.Close()
	exportOf := func(vars ...string) string {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), []string{"export"}, env(vars...), strings.NewReader(""), &out, &errOut); code != 0 {
			t.Fatalf("export: exit %d, %s", code, errOut.String())
		}
		return out.String()
	}
	doc := exportOf("WAVEBOT_DATA_DIR=" + dir)
	url, prefix := redistest.URL(t), redistest.Prefix(t)
	redisVars := []string{"WAVEBOT_REDIS_URL=" + url, "WAVEBOT_REDIS_PREFIX=" + prefix}
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"import"}, env(redisVars...), strings.NewReader(doc), &out, &errOut); code != 0 {
		t.Fatalf("import: exit %d, %s", code, errOut.String())
	}
	if out.String() != "imported 1 waves, 2 people, 0 workflow tracks, 1 authorization lists, 1 authorization templates, 12 audit events, 0 reminders in the ledger\n" {
		t.Errorf("import said %q", out.String())
	}
	if again := exportOf(redisVars...); again != doc {
		t.Errorf("Redis exports another document:\n%s\nwant\n%s", again, doc)
	}
	moved, err := redis.Open(ctx, url, prefix, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer moved.Close()
	if got, err := moved.AuthList(ctx, "b3", "BUF"); err != nil || !reflect.DeepEqual(got, list) || got.Rows[1].Version != 2 {
		t.Errorf("the list in Redis: %+v, %v\nwant %+v", got, err, list)
	}
	if got, err := moved.AuthTemplate(ctx, "BUF"); err != nil || !reflect.DeepEqual(got, template) || len(got.Rows) != 1 {
		t.Errorf("the template in Redis: %+v, %v\nwant %+v", got, err, template)
	}
	errOut.Reset()
	if code := run(context.Background(), []string{"import"}, env(redisVars...), strings.NewReader(doc), io.Discard, &errOut); code != 1 ||
		!strings.Contains(errOut.String(), "not empty") {
		t.Errorf("second import: exit %d, %q", code, errOut.String())
	}
	got, _ := runConsoleSession(t, env(redisVars...), []string{"--as", "anna", "--now", "2027-01-21"}, "status b3/BUF\n")
	if !strings.Contains(got, "bekræftet af @maria") {
		t.Errorf("the console on Redis after the import:\n%s", got)
	}
}

// TestOpeningMovesOldTracks: a store written by an older wavebot, whose
// enrolments carry a KØR workflow track each, is moved to one track per
// forvaltning the first time this wavebot opens it, and the log says
// what was kept and dropped; the next start moves nothing.
func TestOpeningMovesOldTracks(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	old, err := bolt.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	tpl := wave.DefaultTemplate()
	for i, id := range []string{"b3", "b4"} {
		w := storagetest.NewWave(t, id, "BUF")
		w.Enrolments[0].Workflow = wave.NewTrack(tpl)
		for _, step := range []string{"group", "decisions"}[:i+1] {
			w.Enrolments[0].Workflow.Confirm(step, []wave.Party{wave.PartyFV}, "maria", time.Date(2027, 1, 10, 12, 0, 0, 0, time.UTC))
		}
		if err := old.CreateWave(ctx, w, wave.Event{Wave: id}); err != nil {
			t.Fatal(err)
		}
	}
	old.Close()
	export := func() (string, string) {
		var out, errOut bytes.Buffer
		if code := run(ctx, []string{"export"}, env("WAVEBOT_DATA_DIR="+dir), strings.NewReader(""), &out, &errOut); code != 0 {
			t.Fatalf("export: exit %d, %s", code, errOut.String())
		}
		return out.String(), errOut.String()
	}
	doc, log := export()
	if !strings.Contains(log, "KØR workflow tracks moved to one per forvaltning") || !strings.Contains(log, "fv=BUF") ||
		!strings.Contains(log, `kept="2/6 steps done"`) || !strings.Contains(log, "dropped=b3/BUF") {
		t.Errorf("the log of the first start: %s", log)
	}
	var got backup.Document
	if err := json.Unmarshal([]byte(doc), &got); err != nil {
		t.Fatal(err)
	}
	if got.Version != backup.Version || len(got.Workflows) != 1 || got.Workflows[0].FV != "BUF" || got.Waves[0].Enrolments[0].Workflow != nil {
		t.Errorf("exported after the move: version %d, tracks %+v", got.Version, got.Workflows)
	}
	if done, _ := got.Workflows[0].Steps.Progress(); done != 2 {
		t.Errorf("kept a track with %d steps done, want the most advanced (2)", done)
	}
	if _, log := export(); strings.Contains(log, "KØR workflow tracks moved") {
		t.Errorf("the second start moved again: %s", log)
	}
}
