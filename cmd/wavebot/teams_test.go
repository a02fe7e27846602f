package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"image/png"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v4"

	"wavebot/commands"
	"wavebot/internal/clock"
	"wavebot/storage/bolt"
)

const (
	testAppID   = "6f1c2a43-58d4-4c1b-9c61-2d1f0b7e9a10"
	testAnnaAAD = "a1111111-1111-4111-8111-111111111111"
)

// fakeMicrosoft is the OpenID metadata with its key set, the token
// endpoint and the Bot Connector in one local server, recording what the
// connector received.
type fakeMicrosoft struct {
	srv *httptest.Server
	key *rsa.PrivateKey

	// hold, when set, keeps every answer of the connector until it is
	// closed.
	hold chan struct{}
	// arrived, when set, hears of each request to the connector.
	arrived chan struct{}

	mu  sync.Mutex
	got []string // "METHOD path bearer"
}

func newFakeMicrosoft(t *testing.T) *fakeMicrosoft {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeMicrosoft{key: key}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /openid", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"jwks_uri": f.srv.URL + "/keys"})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"keys": []any{map[string]any{
			"kty": "RSA", "kid": "k1", "n": base64.RawURLEncoding.EncodeToString(key.N.Bytes()),
			"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(key.E)).Bytes()), "endorsements": []string{"msteams"},
		}}})
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"access_token": "the-bot-token", "expires_in": 3600})
	})
	mux.HandleFunc("/v3/", func(w http.ResponseWriter, r *http.Request) {
		var act struct {
			Attachments []struct {
				ContentType string `json:"contentType"`
				Content     struct{ Body []struct{ Text string } }
			}
		}
		json.NewDecoder(r.Body).Decode(&act)
		got := r.Method + " " + r.URL.Path + " " + r.Header.Get("Authorization")
		for _, a := range act.Attachments {
			got += " " + a.ContentType
			for _, b := range a.Content.Body {
				got += " | " + b.Text
			}
		}
		if f.arrived != nil {
			select {
			case f.arrived <- struct{}{}:
			default:
			}
		}
		if f.hold != nil {
			<-f.hold
		}
		f.mu.Lock()
		f.got = append(f.got, got)
		f.mu.Unlock()
		io.WriteString(w, `{"id":"sent-1"}`)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeMicrosoft) received() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.got...)
}

// activity posts a message from anna with a token minted like the Bot
// Connector's, valid until exp.
func (f *fakeMicrosoft) activity(t *testing.T, base, text string, exp time.Time) int {
	t.Helper()
	code, err := f.post(base, "m1", text, exp)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// post posts message id from anna, as activity does, and returns the
// status or the client's error.
func (f *fakeMicrosoft) post(base, id, text string, exp time.Time) (int, error) {
	serviceURL := f.srv.URL + "/"
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"iss": "https://api.botframework.com", "aud": testAppID,
		"exp": exp.Unix(), "nbf": time.Now().Add(-time.Minute).Unix(), "serviceurl": serviceURL})
	tok.Header["kid"] = "k1"
	signed, err := tok.SignedString(f.key)
	if err != nil {
		return 0, err
	}
	body, _ := json.Marshal(map[string]any{
		"type": "message", "id": id, "serviceUrl": serviceURL, "channelId": "msteams", "text": text,
		"from":         map[string]any{"id": "29:1anna", "name": "Anna Holm", "aadObjectId": testAnnaAAD},
		"conversation": map[string]any{"id": "a:anna", "conversationType": "personal", "tenantId": "t1"},
		"recipient":    map[string]any{"id": "28:" + testAppID},
	})
	req, _ := http.NewRequest("POST", base+"/api/messages", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+signed)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// TestServeTeams: with a Teams registration configured, serve takes a
// message at POST /api/messages, runs it, and answers at the connector
// with the bot's token; a request with an expired token changes nothing.
func TestServeTeams(t *testing.T) {
	ms := newFakeMicrosoft(t)
	dir := t.TempDir()
	s := startServe(t, "WAVEBOT_DATA_DIR="+dir, "WAVEBOT_ADMINS=teams:"+testAnnaAAD,
		"WAVEBOT_TEAMS_APP_ID="+testAppID, "WAVEBOT_TEAMS_APP_PASSWORD=secret",
		"WAVEBOT_TEAMS_OPENID_METADATA_URL="+ms.srv.URL+"/openid", "WAVEBOT_TEAMS_TOKEN_URL="+ms.srv.URL+"/token")
	if code := ms.activity(t, s.base, "wave create old 2027-02-01", time.Now().Add(-time.Hour)); code != 401 {
		t.Errorf("expired token: %d", code)
	}
	if code := ms.activity(t, s.base, "wave create b3 2027-02-01", time.Now().Add(time.Hour)); code != 200 {
		t.Fatalf("valid message: %d\n%s", code, s.log.String())
	}
	if got := ms.received(); len(got) != 1 || !strings.HasPrefix(got[0], "POST /v3/conversations/a:anna/activities Bearer the-bot-token application/vnd.microsoft.card.adaptive | Bølge b3") {
		t.Errorf("connector received %q", got)
	}
	s.stop()
	<-s.exited
	s.exited <- 0
	store, err := bolt.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Wave(context.Background(), "b3"); err != nil {
		t.Errorf("wave b3: %v", err)
	}
	if _, err := store.Wave(context.Background(), "old"); err == nil {
		t.Error("the expired token created a wave")
	}
}

// TestServeTeamsConfiguration: a Teams registration that is half set, or
// a chat platform without an admin, stops start-up naming the variable.
func TestServeTeamsConfiguration(t *testing.T) {
	for _, tc := range []struct {
		vars []string
		want string
	}{
		{[]string{"WAVEBOT_TEAMS_APP_ID=x"}, "WAVEBOT_TEAMS_APP_PASSWORD"},
		{[]string{"WAVEBOT_TEAMS_APP_PASSWORD=x"}, "WAVEBOT_TEAMS_APP_ID"},
		{[]string{"WAVEBOT_TEAMS_APP_ID=x", "WAVEBOT_TEAMS_APP_PASSWORD=y", "WAVEBOT_ADMINS=teams:a"}, "WAVEBOT_TEAMS_TENANT_ID"},
		{[]string{"WAVEBOT_TEAMS_APP_ID=x", "WAVEBOT_TEAMS_APP_PASSWORD=y", "WAVEBOT_ADMINS=teams:a", "WAVEBOT_TEAMS_TENANT_ID=a/b"}, "WAVEBOT_TEAMS_TENANT_ID"},
		{[]string{"WAVEBOT_TEAMS_APP_ID=x", "WAVEBOT_TEAMS_APP_PASSWORD=y", "WAVEBOT_TEAMS_TENANT_ID=t"}, "WAVEBOT_ADMINS"},
		{[]string{"WAVEBOT_TEAMS_APP_ID=x", "WAVEBOT_TEAMS_APP_PASSWORD=y", "WAVEBOT_ADMINS=teams:a", "WAVEBOT_TEAMS_TOKEN_URL=ftp://x"}, "WAVEBOT_TEAMS_TOKEN_URL"},
	} {
		var errOut strings.Builder
		code := run(context.Background(), []string{"serve"}, env(append(tc.vars, "WAVEBOT_DATA_DIR="+t.TempDir(), "WAVEBOT_LISTEN=127.0.0.1:0")...),
			strings.NewReader(""), io.Discard, &errOut)
		if code != 1 || !strings.HasPrefix(errOut.String(), "wavebot: "+tc.want) || strings.Count(errOut.String(), "\n") != 1 {
			t.Errorf("%v: exit %d, %q", tc.vars, code, errOut.String())
		}
	}
}

// TestTeamsAppPackage: the manifest puts the bot in personal chats, teams
// and group chats, its command list names real commands and says what
// help says of them, and the icons have the sizes Teams requires.
func TestTeamsAppPackage(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "deploy", "teams", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		ID        string `json:"id"`
		Developer struct{ Name string }
		Icons     struct{ Color, Outline string }
		Bots      []struct {
			BotID        string   `json:"botId"`
			Scopes       []string `json:"scopes"`
			CommandLists []struct {
				Scopes   []string `json:"scopes"`
				Commands []struct{ Title, Description string }
			} `json:"commandLists"`
		} `json:"bots"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	// Teams spells the scopes personal, team and groupChat; an upload
	// that fails the manifest's schema is refused (.ci/run validates the
	// packaged manifest against the schema itself).
	scopes := []string{"personal", "team", "groupChat"}
	if len(m.Bots) != 1 || m.ID != "{{APP_ID}}" || m.Bots[0].BotID != "{{APP_ID}}" ||
		!slices.Equal(m.Bots[0].Scopes, scopes) || len(m.Bots[0].CommandLists) != 1 ||
		!slices.Equal(m.Bots[0].CommandLists[0].Scopes, scopes) {
		t.Fatalf("manifest %+v", m)
	}
	if n := utf8.RuneCountInString(m.Developer.Name); n == 0 || n > 32 {
		t.Errorf("developer name %q has %d characters; Teams takes 1 to 32", m.Developer.Name, n)
	}
	store, err := bolt.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	cfg, err := loadConfig(env())
	if err != nil {
		t.Fatal(err)
	}
	d, err := commands.New(commands.Config{Store: store, Clock: clock.System{}, Calendar: cfg.Calendar, Template: cfg.Template,
		Forvaltninger: cfg.Forvaltninger, Policy: cfg.Policy, Lang: "da"})
	if err != nil {
		t.Fatal(err)
	}
	help := d.Handle(context.Background(), commands.Request{Caller: commands.Caller{ID: "vera"}, Text: "help"})
	cmds := m.Bots[0].CommandLists[0].Commands
	if len(cmds) == 0 || len(cmds) > 10 {
		t.Errorf("%d commands; Teams takes 1 to 10", len(cmds))
	}
	for _, c := range cmds {
		var usages, summaries []string
		for _, s := range help.Sections {
			for _, l := range s.Lines {
				usage, summary, ok := strings.Cut(l, " — ")
				summary, _, _ = strings.Cut(summary, " (også: ")
				if words := strings.Fields(usage); ok && words[0] == c.Title {
					usages, summaries = append(usages, usage), append(summaries, summary)
				}
			}
		}
		switch {
		case len(usages) == 0:
			t.Errorf("manifest command %q is not in help", c.Title)
		case len(c.Description) > 128:
			t.Errorf("%s: description longer than Teams takes", c.Title)
		case len(usages) == 1 && c.Description != summaries[0]:
			t.Errorf("%s: %q, but help says %q", c.Title, c.Description, summaries[0])
		}
		for _, u := range usages { // a group names each subcommand
			if words := strings.Fields(u); len(usages) > 1 && !strings.Contains(c.Description, words[1]) {
				t.Errorf("%s: %q does not name %s", c.Title, c.Description, words[1])
			}
		}
	}
	for name, size := range map[string]int{m.Icons.Color: 192, m.Icons.Outline: 32} {
		f, err := os.Open(filepath.Join("..", "..", "deploy", "teams", name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
			t.Errorf("%s is %v, want %d×%d", name, b, size, size)
		}
		if size != 32 {
			continue
		}
		for y := range size {
			for x := range size {
				if r, g, b, a := img.At(x, y).RGBA(); a != 0 && (r != a || g != a || b != a) {
					t.Fatalf("outline pixel %d,%d is not white or transparent", x, y)
				}
			}
		}
	}
}
