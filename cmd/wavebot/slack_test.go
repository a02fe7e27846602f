package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"wavebot/bot/slack/fakeslack"
	"wavebot/storage/bolt"
	"wavebot/storage/redis"
	"wavebot/storage/redis/redistest"
	"wavebot/wave"
)

const slackSecret = "test-signing-secret"

// slackEnv is the configuration of a serve in Slack, talking to api.
func slackEnv(api *fakeslack.API, vars ...string) []string {
	return append([]string{"WAVEBOT_SLACK_BOT_TOKEN=xoxb-test", "WAVEBOT_SLACK_SIGNING_SECRET=" + slackSecret,
		"WAVEBOT_SLACK_API_URL=" + api.URL(), "WAVEBOT_ADMINS=slack:UANNA"}, vars...)
}

// slackPost sends body to path of s, signed now unless signed is false,
// and returns the status and the answer.
func (s *server) slackPost(t *testing.T, path string, body []byte, signed bool, headers ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", s.base+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if signed {
		fakeslack.Sign(req, slackSecret, time.Now(), body)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// command runs a slash command and returns its answer.
func (s *server) command(t *testing.T, api *fakeslack.API, user, text string) string {
	t.Helper()
	code, body := s.slackPost(t, "/slack/commands", fakeslack.SlashCommand(user, "C1", text, api.ResponseURL("late")), true)
	if code != 200 || body == "" {
		t.Fatalf("/wave %s: %d %q", text, code, body)
	}
	return body
}

// stopped stops s and waits until it has.
func (s *server) stopped(t *testing.T) {
	t.Helper()
	s.stop()
	if code := <-s.exited; code != 0 {
		t.Errorf("serve exited with %d:\n%s", code, s.log.String())
	}
	s.exited <- 0
}

// TestServeSlackConfiguration: Slack's variables are checked at start-up,
// and a server in Slack needs an admin there.
func TestServeSlackConfiguration(t *testing.T) {
	for _, tc := range []struct {
		vars []string
		name string
	}{
		{[]string{"WAVEBOT_SLACK_BOT_TOKEN=xoxb-1", "WAVEBOT_ADMINS=slack:U1"}, "WAVEBOT_SLACK_SIGNING_SECRET"},
		{[]string{"WAVEBOT_SLACK_SIGNING_SECRET=s"}, "WAVEBOT_SLACK_BOT_TOKEN"},
		{[]string{"WAVEBOT_SLACK_APP_TOKEN=xapp-1"}, "WAVEBOT_SLACK_BOT_TOKEN"},
		{[]string{"WAVEBOT_SLACK_BOT_TOKEN=abc", "WAVEBOT_SLACK_SIGNING_SECRET=s", "WAVEBOT_ADMINS=slack:U1"}, "WAVEBOT_SLACK_BOT_TOKEN"},
		{[]string{"WAVEBOT_SLACK_BOT_TOKEN=xoxb-1", "WAVEBOT_SLACK_APP_TOKEN=xoxb-2", "WAVEBOT_ADMINS=slack:U1"}, "WAVEBOT_SLACK_APP_TOKEN"},
		{[]string{"WAVEBOT_SLACK_BOT_TOKEN=xoxb-1", "WAVEBOT_SLACK_SIGNING_SECRET=s", "WAVEBOT_SLACK_API_URL=slack", "WAVEBOT_ADMINS=slack:U1"}, "WAVEBOT_SLACK_API_URL"},
		{[]string{"WAVEBOT_SLACK_BOT_TOKEN=xoxb-1", "WAVEBOT_SLACK_SIGNING_SECRET=s"}, "WAVEBOT_ADMINS"},
		{[]string{"WAVEBOT_SLACK_BOT_TOKEN=xoxb-1", "WAVEBOT_SLACK_SIGNING_SECRET=s", "WAVEBOT_ADMINS=anna,teams:x"}, "WAVEBOT_ADMINS"},
	} {
		var errOut strings.Builder
		code := run(context.Background(), []string{"serve"}, env(append(tc.vars, "WAVEBOT_DATA_DIR="+t.TempDir(), "WAVEBOT_LISTEN=127.0.0.1:0")...),
			strings.NewReader(""), io.Discard, &errOut)
		if code != 1 || !strings.Contains(errOut.String(), tc.name) || strings.Count(errOut.String(), "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want one line naming %s", tc.vars, code, errOut.String(), tc.name)
		}
	}
}

// TestServeSlack drives wavebot serve end to end over HTTP, as Slack
// would: a signed slash command changes the store and is answered; a
// button runs its command with the presser's permissions and replaces the
// message; nobody is admin for being first.
func TestServeSlack(t *testing.T) {
	api := fakeslack.New(t)
	dir := t.TempDir()
	s := startServe(t, slackEnv(api, "WAVEBOT_DATA_DIR="+dir)...)
	wantIn(t, s.command(t, api, "UFIRST", "wave create b1 2027-02-01"), "Det må du ikke")
	wantIn(t, s.command(t, api, "UANNA", "wave create b3 2027-02-01 Bølge 3"), `"response_type":"ephemeral"`, "Bølge b3 (Bølge 3) er oprettet", "<@UANNA>")
	s.command(t, api, "UANNA", "wave enroll b3 BUF")
	s.command(t, api, "UANNA", "contact b3/BUF <@UMARIA|maria>")
	wantIn(t, s.command(t, api, "UVERA", "status b3/BUF"), `"response_type":"in_channel"`, "<@UMARIA>", `"type":"header"`)

	if code, _ := s.slackPost(t, "/slack/interactions", fakeslack.BlockAction("UVERA", "wavebot.0", "Marker som færdig", "done b3/BUF info", api.ResponseURL("vera")), true); code != 200 {
		t.Fatalf("press: %d", code)
	}
	wantIn(t, string(api.Wait(t, "response:vera", 1)[0].Body), `"response_type":"ephemeral"`, `"replace_original":false`, "✗")
	s.slackPost(t, "/slack/interactions", fakeslack.BlockAction("UMARIA", "wavebot.0", "Marker som færdig", "done b3/BUF info", api.ResponseURL("maria")), true)
	pressed := api.Wait(t, "response:maria", 1)[0]
	var m struct {
		ReplaceOriginal bool             `json:"replace_original"`
		Blocks          []map[string]any `json:"blocks"`
	}
	pressed.JSON(t, "", &m)
	if !m.ReplaceOriginal {
		t.Errorf("the pressed message was not replaced")
	}
	wantIn(t, strings.Join(fakeslack.Texts(m.Blocks), "\n"), "har nu status færdig", "✓ <@UMARIA> · Marker som færdig")
	s.stopped(t)

	store, err := bolt.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	w, err := store.Wave(context.Background(), "b3")
	if err != nil {
		t.Fatal(err)
	}
	e, _ := w.Enrolment("BUF")
	if a, _ := e.Activity("info"); a.Status != wave.StatusDone || a.ChangedBy != "slack:UMARIA" || !e.HasContact("slack:UMARIA") {
		t.Errorf("store after the session: %+v, contacts %v", a, e.Contacts)
	}
	if _, err := store.Wave(context.Background(), "b1"); err == nil {
		t.Errorf("the first Slack user became admin")
	}
	maria, _ := store.Person(context.Background(), "slack:UMARIA")
	if maria.Name != "maria" && maria.Name != "umaria" {
		t.Errorf("maria's display name is %q", maria.Name)
	}
}

// TestServeSlackRejects: forged, stale, unsigned and oversized requests
// get 401 or 413, reach nobody, and leave the store file byte-identical.
func TestServeSlackRejects(t *testing.T) {
	api := fakeslack.New(t)
	dir := t.TempDir()
	s := startServe(t, slackEnv(api, "WAVEBOT_DATA_DIR="+dir)...)
	file := filepath.Join(dir, "wavebot.db")
	before, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	body := fakeslack.SlashCommand("UANNA", "C1", "wave create b9 2027-03-01", api.ResponseURL("r"))
	stale := fmt.Sprint(time.Now().Add(-6 * time.Minute).Unix())
	for _, tc := range []struct {
		name    string
		body    []byte
		signed  bool
		headers []string
		want    int
	}{
		{"forged", body, true, []string{"X-Slack-Signature", fakeslack.Signature("guess", stale, body)}, 401},
		{"stale", body, false, []string{"X-Slack-Request-Timestamp", stale, "X-Slack-Signature", fakeslack.Signature(slackSecret, stale, body)}, 401},
		{"missing headers", body, false, nil, 401},
		{"2 MiB", append(append([]byte{}, body...), []byte("&x="+strings.Repeat("a", 2<<20))...), true, nil, 413},
	} {
		for _, path := range []string{"/slack/commands", "/slack/events", "/slack/interactions"} {
			if code, _ := s.slackPost(t, path, tc.body, tc.signed, tc.headers...); code != tc.want {
				t.Errorf("%s to %s: %d, want %d", tc.name, path, code, tc.want)
			}
		}
	}
	foreign := []byte(strings.Replace(string(body), "team_id="+fakeslack.Team, "team_id=T2", 1))
	if code, _ := s.slackPost(t, "/slack/commands", foreign, true); code != 403 {
		t.Errorf("a command from another workspace: %d, want 403", code)
	}
	s.stopped(t)
	after, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("a rejected request changed the store file")
	}
	// Start-up asked Slack which workspace the token belongs to.
	if calls := api.Methods(); !slices.Equal(calls, []string{"auth.test"}) {
		t.Errorf("a rejected request reached Slack: %v", calls)
	}
}

// TestServeSlackWorkspace: WAVEBOT_SLACK_TEAM_ID names the workspace, so
// serve asks Slack nothing at start-up; without it, a token Slack refuses
// at auth.test stops start-up with a line naming both variables.
func TestServeSlackWorkspace(t *testing.T) {
	api := fakeslack.New(t)
	s := startServe(t, slackEnv(api, "WAVEBOT_DATA_DIR="+t.TempDir(), "WAVEBOT_SLACK_TEAM_ID="+fakeslack.Team)...)
	if got := s.command(t, api, "UANNA", "help"); !strings.Contains(got, "kommandoer") {
		t.Errorf("help: %s", got)
	}
	s.stopped(t)
	if n := len(api.Calls("auth.test")); n != 0 {
		t.Errorf("auth.test asked %d times although the workspace was named", n)
	}

	refusing := fakeslack.New(t)
	refusing.Then("auth.test", fakeslack.Reply{Error: "invalid_auth"})
	var errOut strings.Builder
	code := run(context.Background(), []string{"serve"}, env(slackEnv(refusing, "WAVEBOT_DATA_DIR="+t.TempDir(), "WAVEBOT_LISTEN=127.0.0.1:0")...),
		strings.NewReader(""), io.Discard, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "WAVEBOT_SLACK_BOT_TOKEN: slack auth.test") ||
		!strings.Contains(errOut.String(), "invalid_auth") || !strings.Contains(errOut.String(), "WAVEBOT_SLACK_TEAM_ID") {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
}

// TestServeSlackReminder: serve's sweeper finds a reminder due on the
// real clock and delivers it as a direct message through the fake Web
// API: conversations.open, then chat.postMessage with blocks and buttons.
func TestServeSlackReminder(t *testing.T) {
	api := fakeslack.New(t)
	dir := t.TempDir()
	cal := wave.Copenhagen()
	today := cal.Today(time.Now())
	// Set up forty days ago: the wave started five business days ago, the
	// feedback was due five business days before that.
	start, due := cal.AddBusinessDays(today, -5), cal.AddBusinessDays(today, -10)
	runConsoleSession(t, env("WAVEBOT_DATA_DIR="+dir), []string{"--as", "anna", "--now", today.AddDays(-40).String()},
		fmt.Sprintf("wave create b3 %s\nwave enroll b3 BUF\ncontact b3/BUF @slack:UMARIA\nauth request b3/BUF %s\n", start, due)+
			"skip b3/BUF kickoff not here\nskip b3/BUF info not here\nskip b3/BUF golive not here\nskip b3/BUF evaluation not here\n"+
			"as slack:UMARIA\ntraining b3/BUF no\n")
	s := startServe(t, slackEnv(api, "WAVEBOT_DATA_DIR="+dir, "WAVEBOT_SWEEP_INTERVAL=1s")...)
	post := api.Wait(t, "chat.postMessage", 1)[0]
	if open := api.Calls("conversations.open"); len(open) != 1 || open[0].Form.Get("users") != "UMARIA" || post.Form.Get("channel") != "DUMARIA" {
		t.Errorf("opened %v, posted to %s", api.Methods(), post.Form.Get("channel"))
	}
	wantIn(t, post.Form.Get("text"), "b3/BUF: Fristen for tilbagemelding på autorisationerne er overskredet")
	var blocks []map[string]any
	post.JSON(t, "blocks", &blocks)
	// Her welcome as a contact comes in the same message: a digest.
	if b := fakeslack.Buttons(t, blocks); b["Bekræft autorisationerne – b3/BUF"] != "auth ok b3/BUF" {
		t.Errorf("buttons %v", b)
	}
	s.waitFor(t, `"msg":"reminder delivered"`)
}

// TestServeSlackEventsOnceAcrossReplicas: two replicas share one Redis;
// an event, Slack's retry of it to the other replica and a repeat of its
// event_id run the command once.
func TestServeSlackEventsOnceAcrossReplicas(t *testing.T) {
	api := fakeslack.New(t)
	vars := slackEnv(api, "WAVEBOT_REDIS_URL="+redistest.URL(t), "WAVEBOT_REDIS_PREFIX="+redistest.Prefix(t))
	a, b := startServe(t, vars...), startServe(t, vars...)
	a.command(t, api, "UANNA", "wave create b3 2027-02-01")
	a.command(t, api, "UANNA", "wave enroll b3 BUF")
	a.command(t, api, "UANNA", "contact b3/BUF <@UMARIA>")
	event := fakeslack.Event("Ev42", map[string]any{"type": "app_mention", "user": "UMARIA", "text": "<@UWAVEBOT> done b3/BUF info",
		"channel": "C1", "ts": "1.1", "event_ts": "1.1"})
	for i, s := range []*server{a, b, a, b} {
		if code, body := s.slackPost(t, "/slack/events", event, true, "X-Slack-Retry-Num", fmt.Sprint(i), "X-Slack-Retry-Reason", "http_timeout"); code != 200 {
			t.Fatalf("delivery %d: %d %s", i, code, body)
		}
	}
	api.Wait(t, "chat.postMessage", 1)
	a.stopped(t)
	b.stopped(t)
	if n := len(api.Calls("chat.postMessage")); n != 1 {
		t.Errorf("%d answers, want 1", n)
	}
	store, err := redis.Open(context.Background(), vars[4][len("WAVEBOT_REDIS_URL="):], vars[5][len("WAVEBOT_REDIS_PREFIX="):], nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	events, err := store.Events(context.Background(), "b3", "BUF", 100)
	if err != nil {
		t.Fatal(err)
	}
	runs := 0
	for _, ev := range events {
		if ev.Item == "info" {
			runs++
		}
	}
	if runs != 1 {
		t.Errorf("the command ran %d times", runs)
	}
}

// TestServeSlackSocketMode: with an app token the Slack HTTP endpoints
// are off and commands come over Socket Mode.
func TestServeSlackSocketMode(t *testing.T) {
	api := fakeslack.New(t)
	sock := api.Socket()
	s := startServe(t, slackEnv(api, "WAVEBOT_DATA_DIR="+t.TempDir(), "WAVEBOT_SLACK_APP_TOKEN=xapp-test")...)
	if code, _ := s.slackPost(t, "/slack/commands", fakeslack.SlashCommand("UANNA", "C1", "help", ""), true); code != 404 {
		t.Errorf("HTTP slash command in Socket Mode: %d, want 404", code)
	}
	sock.WaitConnected(t, 1)
	sock.Send(t, "slash_commands", fakeslack.SlashCommandJSON("UANNA", "C1", "wave create b3 2027-02-01", api.ResponseURL("sm")))
	sock.Ack(t)
	wantIn(t, string(api.Wait(t, "response:sm", 1)[0].Body), "Bølge b3")
	s.stopped(t)
	wantIn(t, s.log.String(), "slack: socket mode connected")
}

func wantIn(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("lacks %q:\n%s", w, got)
		}
	}
}

// TestServeSlackRedisDown: with Redis gone a slash command is still
// answered, with the reason, in the response or (past the budget)
// through its response_url.
func TestServeSlackRedisDown(t *testing.T) {
	api := fakeslack.New(t)
	r := redistest.Start(t)
	s := startServe(t, slackEnv(api, "WAVEBOT_REDIS_URL="+r.URL(), "WAVEBOT_REDIS_PREFIX="+redistest.Prefix(t))...)
	r.Stop()
	code, body := s.slackPost(t, "/slack/commands", fakeslack.SlashCommand("UANNA", "C1", "status b3/BUF", api.ResponseURL("down")), true)
	if code != 200 {
		t.Fatalf("answered %d %s", code, body)
	}
	if body == "" {
		body = string(api.Wait(t, "response:down", 1)[0].Body)
	}
	wantIn(t, body, "Databasen kan ikke nås lige nu; intet blev ændret")
}

// TestServeSlackAnswersFromTheReadCache: on Redis, serve answers a
// repeated status from the replica's memory instead of reading Redis
// each time, and shows a change the moment it is made.
func TestServeSlackAnswersFromTheReadCache(t *testing.T) {
	api := fakeslack.New(t)
	r := redistest.Start(t)
	s := startServe(t, slackEnv(api, "WAVEBOT_REDIS_URL="+r.URL(), "WAVEBOT_REDIS_PREFIX="+redistest.Prefix(t))...)
	s.waitFor(t, "redis read cache on")
	s.command(t, api, "UANNA", "wave create b3 2027-02-01")
	s.command(t, api, "UANNA", "wave enroll b3 BUF")
	before := s.command(t, api, "UANNA", "status b3/BUF")
	ctx := context.Background()
	rdb := goredis.NewClient(&goredis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", r.Port)})
	defer rdb.Close()
	if err := rdb.ConfigResetStat(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	const statuses = 5
	for range statuses {
		if got := s.command(t, api, "UANNA", "status b3/BUF"); got != before {
			t.Fatalf("status changed with nothing done:\n%s\n%s", before, got)
		}
	}
	// Each status needs the wave and the caller: two reads without the
	// cache. A report of the writes above arriving late may cost one
	// more read of each.
	if reads := commandCalls(t, rdb, "hmget"); reads > 2 {
		t.Errorf("%d statuses read Redis %d times", statuses, reads)
	}
	s.command(t, api, "UANNA", "done b3/BUF kickoff")
	wantIn(t, s.command(t, api, "UANNA", "status b3/BUF"), "venter på forvaltningen")
}

// commandCalls is how often Redis ran command since its statistics were
// reset.
func commandCalls(t *testing.T, rdb *goredis.Client, command string) int {
	t.Helper()
	info, err := rdb.Info(context.Background(), "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(info) {
		if rest, ok := strings.CutPrefix(line, "cmdstat_"+command+":calls="); ok {
			n, _, _ := strings.Cut(rest, ",")
			calls, err := strconv.Atoi(n)
			if err != nil {
				t.Fatalf("commandstats: %q", line)
			}
			return calls
		}
	}
	return 0
}
