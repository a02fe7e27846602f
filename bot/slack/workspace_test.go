package slack

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"

	"wavebot/bot/slack/fakeslack"
)

// withForm returns a form body with key set to value (deleted when value
// is empty).
func withForm(body []byte, key, value string) []byte {
	form, _ := url.ParseQuery(string(body))
	if value == "" {
		form.Del(key)
	} else {
		form.Set(key, value)
	}
	return []byte(form.Encode())
}

// withJSON returns a JSON object with change applied to it.
func withJSON(t *testing.T, body []byte, change func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	change(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// pressFrom is a button press by user whose team is team.
func pressFrom(t *testing.T, user, team, command string) []byte {
	payload := withJSON(t, fakeslack.BlockActionJSON(user, "wavebot.0", "OK", command, "http://127.0.0.1:1/r"), func(m map[string]any) {
		m["user"].(map[string]any)["team_id"] = team
	})
	return []byte(url.Values{"payload": {string(payload)}}.Encode())
}

// rejections records what the adapter refused and what it logged.
type rejections struct {
	mu      sync.Mutex
	reasons []string
	logged  []string
}

func (r *rejections) reject(reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reasons = append(r.reasons, reason)
}

func (r *rejections) Enabled(context.Context, slog.Level) bool { return true }
func (r *rejections) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *rejections) WithGroup(string) slog.Handler            { return r }
func (r *rejections) Handle(_ context.Context, rec slog.Record) error {
	line := rec.Message
	rec.Attrs(func(a slog.Attr) bool {
		line += " " + a.Key + "=" + a.Value.String()
		return true
	})
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logged = append(r.logged, line)
	return nil
}

// TestOnlyTheInstalledWorkspace: requests Slack signed for another
// workspace or enterprise, and events of people from another
// organisation in a Slack Connect channel (user_team, source_team), run
// nothing: the store is unchanged, nothing reaches Slack, each is
// counted, and each foreign team is logged once. A slash command or a
// press from elsewhere is answered 403; an event is acknowledged, as
// Slack wants, and dropped.
func TestOnlyTheInstalledWorkspace(t *testing.T) {
	rec := &rejections{}
	f := newFixture(t, func(c *Config) { c.Logger, c.Rejected = slog.New(rec), rec.reject })
	before, calls := f.snapshot(), len(f.api.Calls(""))
	create := fakeslack.SlashCommand("UANNA", "C1", "wave create b9 2027-05-03", f.api.ResponseURL("c"))
	for name, body := range map[string][]byte{
		"another team":       withForm(create, "team_id", "T2"),
		"another enterprise": withForm(create, "enterprise_id", "E9"),
		"no team":            withForm(create, "team_id", ""),
	} {
		if code, _ := f.post("/slack/commands", body, true); code != 403 {
			t.Errorf("a slash command from %s: %d, want 403", name, code)
		}
	}
	if code, _ := f.post("/slack/interactions", pressFrom(t, "UANNA", "TOTHERORG", "wave create b9 2027-05-03"), true); code != 403 {
		t.Errorf("a press by someone of another organisation: %d, want 403", code)
	}
	mention := map[string]any{"type": "app_mention", "user": "UANNA", "text": "<@UWAVEBOT> status b3", "channel": "C1", "ts": "1.1"}
	events := [][]byte{
		// The review's case: a signed mention by someone of another
		// organisation in a shared channel got the full status posted.
		fakeslack.Event("EvF1", withUserTeam(mention, "user_team", "TOTHERORG")),
		fakeslack.Event("EvF2", withUserTeam(mention, "source_team", "TOTHERORG")),
		fakeslack.Event("EvF3", withUserTeam(mention, "team", "TOTHERORG")),
		fakeslack.Event("EvF4", map[string]any{"type": "message", "channel_type": "im", "user": "UANNA", "user_team": "T2",
			"text": "wave create b9 2027-05-03", "channel": "DUANNA", "ts": "2.2"}),
		withJSON(t, fakeslack.Event("EvF5", mention), func(m map[string]any) { m["team_id"] = "T2" }),
		withJSON(t, fakeslack.Event("EvF6", mention), func(m map[string]any) { m["enterprise_id"] = "E9" }),
		withJSON(t, fakeslack.Event("EvF7", map[string]any{"type": "app_home_opened", "user": "UANNA", "tab": "home"}),
			func(m map[string]any) { m["team_id"] = "T2" }),
	}
	for i, body := range events {
		if code, out := f.post("/slack/events", body, true); code != 200 {
			t.Errorf("event %d: %d %s, want it acknowledged", i+1, code, out)
		}
	}
	f.bot.Wait()
	if after := f.snapshot(); after != before {
		t.Errorf("requests from elsewhere changed the store:\n%s", after)
	}
	if got := f.api.Calls(""); len(got) != calls {
		t.Errorf("requests from elsewhere reached Slack: %v", f.api.Methods()[calls:])
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.reasons) != 4+len(events) || strings.Count(strings.Join(rec.reasons, " "), RejectOtherWorkspace) != len(rec.reasons) {
		t.Errorf("refusals counted: %q", rec.reasons)
	}
	perTeam := map[string]int{}
	for _, line := range rec.logged {
		if strings.Contains(line, "another workspace") {
			for _, team := range []string{"T2", "TOTHERORG", "T1"} {
				if strings.Contains(line, "team_id="+team+" ") {
					perTeam[team]++
				}
			}
		}
	}
	if perTeam["T2"] != 1 || perTeam["TOTHERORG"] != 1 || perTeam["T1"] != 1 {
		t.Errorf("logged per team %v, want T2 and TOTHERORG once, and T1 once (with another enterprise, then without a team):\n%s",
			perTeam, strings.Join(rec.logged, "\n"))
	}
}

// withUserTeam is an inner event with a team field set.
func withUserTeam(inner map[string]any, key, team string) map[string]any {
	out := map[string]any{key: team}
	for k, v := range inner {
		out[k] = v
	}
	return out
}

// TestWorkspaceFromSlack: without a configured workspace every request
// is refused until LearnWorkspace has asked Slack (auth.test) which one
// the token belongs to; then its requests run. A token Slack refuses is
// an error, to stop start-up.
func TestWorkspaceFromSlack(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.TeamID = "" })
	status := fakeslack.SlashCommand("UVERA", "D1", "help", f.api.ResponseURL("h"))
	if code, _ := f.post("/slack/commands", status, true); code != 403 {
		t.Errorf("before the workspace is known: %d, want 403", code)
	}
	f.api.Then("auth.test", fakeslack.Reply{Error: "invalid_auth"})
	if err := f.bot.LearnWorkspace(context.Background()); err == nil || !strings.Contains(err.Error(), "invalid_auth") {
		t.Errorf("a refused token: %v", err)
	}
	if err := f.bot.LearnWorkspace(context.Background()); err != nil {
		t.Fatal(err)
	}
	if code, body := f.post("/slack/commands", status, true); code != 200 || !strings.Contains(body, "kommandoer") {
		t.Errorf("after auth.test: %d %s", code, body)
	}
	if code, _ := f.post("/slack/commands", withForm(status, "team_id", "T2"), true); code != 403 {
		t.Errorf("another team after auth.test: %d, want 403", code)
	}
}

// TestSocketModeOnlyTheInstalledWorkspace: over Socket Mode too, a slash
// command and a press from another workspace are acknowledged and run
// nothing.
func TestSocketModeOnlyTheInstalledWorkspace(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.AppToken, c.SigningSecret = "xapp-test", "" })
	sock := f.api.Socket()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stopped := make(chan error, 1)
	go func() { stopped <- f.bot.RunSocketMode(ctx) }()
	defer func() { cancel(); <-stopped }()
	sock.WaitConnected(t, 1)
	foreign := withJSON(t, fakeslack.SlashCommandJSON("UANNA", "C1", "wave create b9 2027-05-03", f.api.ResponseURL("foreign")),
		func(m map[string]any) { m["team_id"] = "T2" })
	sock.Send(t, "slash_commands", json.RawMessage(foreign))
	sock.Ack(t)
	press := withJSON(t, fakeslack.BlockActionJSON("UANNA", "wavebot.0", "OK", "wave create b9 2027-05-03", f.api.ResponseURL("press")),
		func(m map[string]any) { m["team"] = map[string]any{"id": "T2"} })
	sock.Send(t, "interactive", json.RawMessage(press))
	sock.Ack(t)
	sock.Send(t, "slash_commands", fakeslack.SlashCommandJSON("UVERA", "D1", "help", f.api.ResponseURL("home")))
	sock.Ack(t)
	f.api.Wait(t, "response:home", 1)
	f.bot.Wait()
	if n := len(f.api.Calls("response:foreign")) + len(f.api.Calls("response:press")); n != 0 {
		t.Errorf("%d answers to requests from another workspace", n)
	}
	if _, err := f.store.Wave(context.Background(), "b9"); err == nil {
		t.Error("a command from another workspace created a wave")
	}
}
