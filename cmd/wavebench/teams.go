package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"wavebot/bot/teams"
	"wavebot/bot/teams/faketeams"
	"wavebot/internal/clock"
)

// The bot registration and the people of the Teams run. AAD object ids
// are GUIDs, as Teams sends them.
const (
	benchAppID    = "0b5e7c1d-2f4a-4e8b-9c3d-6a1f2e3b4c5d"
	benchPassword = "wavebench-app-password"
	benchTenant   = "7d2c9e41-3a5b-4c6d-8e7f-9a0b1c2d3e4f"
	adminAAD      = "a0000000-0000-4000-8000-000000000001"
	viewerAAD     = "a0000000-0000-4000-8000-000000000002"
	contactAAD    = "a0000000-0000-4000-8000-000000000003"
)

// teamsMode loads POST /api/messages with "status b3/BUF" message
// activities from a viewer in their personal chat with the bot, each
// with a valid token. Teams takes the answer as a post to the Bot
// Connector, not in the HTTP response: both handlers post theirs to the
// stand-in of the connector, which checks each carries the wave.
type teamsMode struct {
	// auth and connector stand for Microsoft's side, in the load
	// generator's process: the key set and token endpoint, and the Bot
	// Connector.
	auth      *faketeams.Auth
	connector *connector
	// sent numbers the activities: each has its own id, as in Teams.
	sent atomic.Int64

	mu sync.Mutex
	// token is the Bot Connector's token for the activities, minted at
	// minted; like the real one it is good for an hour, and the connector
	// sends the same one with every activity until it renews it.
	token  string
	minted time.Time
}

// tokenRenewal is how long the stand-in of the connector sends one
// token before it mints another.
const tokenRenewal = 30 * time.Minute

func newTeamsMode() mode { return &teamsMode{} }

func (m *teamsMode) describe() string {
	return `"status b3/BUF" message activities with valid tokens to POST /api/messages, answered to a stand-in of the Bot Connector`
}

// p99Goal is issue 24's.
func (m *teamsMode) p99Goal() time.Duration { return 2500 * time.Microsecond }

// start brings up the stand-ins of Microsoft's side: the key set and
// token endpoint, and the connector.
func (m *teamsMode) start() (platform, error) {
	m.auth = faketeams.NewAuthServer(benchAppID, benchPassword)
	m.connector = newConnector([]byte("b3/BUF"))
	return platform{apiURL: m.connector.serviceURL(), metadataURL: m.auth.MetadataURL(), tokenURL: m.auth.TokenURL()}, nil
}

func (m *teamsMode) stop() {
	if m.auth != nil {
		m.auth.Close()
		m.connector.close()
	}
}

// setup creates the wave through the endpoint itself, as the admin.
func (m *teamsMode) setup(base string) error {
	for _, line := range []string{"wave create b3 2027-02-01 Bølge 3", "wave enroll b3 BUF SUF", "contact b3/BUF @teams:" + contactAAD, "done b3/BUF kickoff"} {
		resp, err := http.DefaultClient.Do(m.activity(base, adminAAD, "Admin", line))
		if err != nil {
			return fmt.Errorf("%s: %w", line, err)
		}
		resp.Body.Close()
		if last := m.connector.lastReply(); resp.StatusCode != http.StatusOK || last == nil || bytes.Contains(last, []byte("✗")) {
			return fmt.Errorf("%s: %d %s", line, resp.StatusCode, last)
		}
	}
	m.connector.count() // the set-up's replies are not the run's
	return nil
}

// handlers are the bare handler and what serve builds for Teams, on
// Redis, talking to the stand-ins of Microsoft's side.
func (m *teamsMode) handlers(ctx context.Context, redisURL string, p platform) (http.Handler, http.Handler, func(), error) {
	svc, err := newService(ctx, redisURL, "teams:"+adminAAD)
	if err != nil {
		return nil, nil, nil, err
	}
	bot, err := teams.New(teams.Config{AppID: benchAppID, AppPassword: benchPassword, TenantID: benchTenant,
		OpenIDMetadataURL: p.metadataURL, TokenURL: p.tokenURL, ServiceURL: p.apiURL, Logger: svc.logger()}, svc.d)
	if err != nil {
		svc.close()
		return nil, nil, nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("POST /api/messages", bot) // as serve routes it
	return m.bare(p), svc.handler(mux), svc.close, nil
}

func (m *teamsMode) request(base string) *http.Request {
	return m.activity(base, viewerAAD, "Viewer", "status b3/BUF")
}

// activity is a message activity from the person with AAD object id aad
// in their personal chat with the bot, with a valid token.
func (m *teamsMode) activity(base, aad, name, text string) *http.Request {
	act := map[string]any{
		"type": "message", "id": fmt.Sprintf("1%012d", m.sent.Add(1)), "timestamp": time.Now().UTC().Format(time.RFC3339Nano),
		"serviceUrl": m.connector.serviceURL(), "channelId": "msteams",
		"from":         map[string]any{"id": "29:1" + aad, "name": name, "aadObjectId": aad},
		"conversation": map[string]any{"id": "a:personal-" + aad, "conversationType": "personal", "tenantId": benchTenant},
		"recipient":    map[string]any{"id": "28:" + benchAppID, "name": "wavebot"},
		"text":         text, "textFormat": "plain", "locale": "da-DK",
		"channelData": map[string]any{"tenant": map[string]any{"id": benchTenant}},
	}
	body, _ := json.Marshal(act)
	req, _ := http.NewRequest("POST", base+"/api/messages", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+m.currentToken())
	return req
}

// currentToken is the token the connector sends now: the last one,
// until it is tokenRenewal old.
func (m *teamsMode) currentToken() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if now := time.Now(); m.token == "" || now.Sub(m.minted) >= tokenRenewal {
		token, err := m.auth.Token(m.connector.serviceURL(), now)
		if err != nil {
			panic(fmt.Sprintf("mint a token: %v", err)) // signing with a key in memory does not fail
		}
		m.token, m.minted = token, now
	}
	return m.token
}

func (m *teamsMode) ok(status int, _ []byte) bool { return status == http.StatusOK }

// check wants every request answered 200 to have had its reply, with
// the wave, posted to the connector.
func (m *teamsMode) check(answered int) error {
	posted, matching := m.connector.count()
	if posted != answered || matching != answered {
		return fmt.Errorf("%d requests were answered, but the connector received %d replies, %d of them with the wave", answered, posted, matching)
	}
	return nil
}

// bareReply is the bare handler's constant answer, as long as a short card.
var bareReply = []byte(`{"type":"message","summary":"b3/BUF","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlock","text":"b3/BUF"}]}}]}`)

// bare checks the token with the validator wavebot uses, which fetches
// the keys from Microsoft's stand-in as wavebot's does, and posts a
// constant reply to the activity's conversation: the least a Go handler
// for Teams does.
func (m *teamsMode) bare(p platform) http.Handler {
	web := &http.Client{Timeout: 10 * time.Second}
	validator := teams.NewValidator(benchAppID, p.metadataURL, web, clock.System{})
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		var act struct {
			ID           string `json:"id"`
			ServiceURL   string `json:"serviceUrl"`
			ChannelID    string `json:"channelId"`
			Conversation struct {
				ID string `json:"id"`
			} `json:"conversation"`
		}
		if err := json.Unmarshal(body, &act); err != nil {
			http.Error(w, "not an activity", http.StatusBadRequest)
			return
		}
		if _, err := validator.AuthenticateRequest(r.Context(), schema.Activity{ChannelID: act.ChannelID, ServiceURL: act.ServiceURL}, r.Header.Get("Authorization"), nil, ""); err != nil {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		target := act.ServiceURL + "v3/conversations/" + url.PathEscape(act.Conversation.ID) + "/activities/" + url.PathEscape(act.ID)
		req, _ := http.NewRequestWithContext(r.Context(), "POST", target, bytes.NewReader(bareReply))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer bare-bot-token")
		resp, err := client.Do(req)
		if err != nil {
			http.Error(w, "connector unreachable", http.StatusBadGateway)
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		w.WriteHeader(http.StatusOK)
	})
}

// connector is a lean stand-in of the Bot Connector for load: it answers
// every posted activity and counts the replies that carry want, without
// decoding them, so it takes little of the machine from what is
// measured.
type connector struct {
	srv  *httptest.Server
	want []byte

	mu               sync.Mutex
	posted, matching int
	last             []byte
}

func newConnector(want []byte) *connector {
	c := &connector{want: want}
	c.srv = httptest.NewServer(http.HandlerFunc(c.serve))
	return c
}

func (c *connector) serviceURL() string { return c.srv.URL + "/" }

func (c *connector) close() { c.srv.Close() }

func (c *connector) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.Contains(r.URL.Path, "/activities") {
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "cannot read", http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	c.posted++
	if bytes.Contains(body, c.want) {
		c.matching++
	}
	c.last = body
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"id":"sent"}`))
}

// count returns the replies posted since the last count, and how many of
// them carried want.
func (c *connector) count() (posted, matching int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	posted, matching = c.posted, c.matching
	c.posted, c.matching = 0, 0
	return posted, matching
}

// lastReply is the body of the last reply posted.
func (c *connector) lastReply() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}
