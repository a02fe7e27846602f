package main

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// manifest is the part of a Slack app manifest wavebot depends on.
type manifest struct {
	Features struct {
		AppHome struct {
			HomeTab bool `yaml:"home_tab_enabled"`
		} `yaml:"app_home"`
		SlashCommands []struct {
			Command      string `yaml:"command"`
			URL          string `yaml:"url"`
			ShouldEscape bool   `yaml:"should_escape"`
		} `yaml:"slash_commands"`
	} `yaml:"features"`
	OAuth struct {
		Scopes struct {
			Bot []string `yaml:"bot"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		Events struct {
			URL       string   `yaml:"request_url"`
			BotEvents []string `yaml:"bot_events"`
		} `yaml:"event_subscriptions"`
		Interactivity struct {
			Enabled bool   `yaml:"is_enabled"`
			URL     string `yaml:"request_url"`
		} `yaml:"interactivity"`
		SocketMode bool `yaml:"socket_mode_enabled"`
	} `yaml:"settings"`
}

// TestSlackManifests: the manifests ask for what the adapter uses, and
// the HTTP one sends each request to an endpoint serve has.
func TestSlackManifests(t *testing.T) {
	slack, err := chats(config{Slack: slackConfig{BotToken: "xoxb-x", SigningSecret: "s"}}, nil, slog.New(slog.DiscardHandler),
		func(string) func(string) { return func(string) {} })
	if err != nil {
		t.Fatal(err)
	}
	handler := routes(pingResult{}, http.NotFoundHandler(), slack...)
	for _, tc := range []struct {
		file       string
		socketMode bool
	}{{"manifest.yaml", false}, {"manifest-socket-mode.yaml", true}} {
		data, err := os.ReadFile("../../deploy/slack/" + tc.file)
		if err != nil {
			t.Fatal(err)
		}
		var m manifest
		if err := yaml.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if len(m.Features.SlashCommands) != 1 || !m.Features.SlashCommands[0].ShouldEscape || !m.Features.AppHome.HomeTab || !m.Settings.Interactivity.Enabled {
			t.Errorf("%s: slash command, App Home or interactivity: %+v", tc.file, m)
		}
		for _, scope := range []string{"app_mentions:read", "chat:write", "commands", "files:write", "im:history", "im:write", "users:read"} {
			if !slices.Contains(m.OAuth.Scopes.Bot, scope) {
				t.Errorf("%s lacks the scope %s", tc.file, scope)
			}
		}
		if events := m.Settings.Events.BotEvents; !slices.Equal(events, []string{"app_home_opened", "app_mention", "message.im"}) {
			t.Errorf("%s subscribes to %v", tc.file, events)
		}
		urls := []string{m.Features.SlashCommands[0].URL, m.Settings.Events.URL, m.Settings.Interactivity.URL}
		if m.Settings.SocketMode != tc.socketMode {
			t.Errorf("%s: socket_mode_enabled %v", tc.file, m.Settings.SocketMode)
		}
		for i, u := range urls {
			want := []string{"/slack/commands", "/slack/events", "/slack/interactions"}[i]
			if tc.socketMode {
				if u != "" {
					t.Errorf("%s: request URL %s in Socket Mode", tc.file, u)
				}
				continue
			}
			parsed, err := url.Parse(u)
			if err != nil || parsed.Scheme != "https" || parsed.Path != want {
				t.Errorf("%s: request URL %q, want https://…%s", tc.file, u, want)
				continue
			}
			rec := httptest.NewRecorder()
			handler.ServeHTTP(rec, httptest.NewRequest("POST", parsed.Path, strings.NewReader("")))
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("%s: POST %s answers %d, want 401 for an unsigned request", tc.file, parsed.Path, rec.Code)
			}
		}
	}
}
