package teams

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v4"

	"wavebot/clock"
	"wavebot/commands"
	"wavebot/notify"
	"wavebot/pagelink"
	"wavebot/storage/bolt"
	"wavebot/wave"
)

// The bot registration and the people of the tests. AAD object ids are
// GUIDs, as Teams sends them.
const (
	appID       = "6f1c2a43-58d4-4c1b-9c61-2d1f0b7e9a10"
	appPassword = "app-password-from-azure"
	tenantID    = "3b6e8a54-0d6f-4a8e-8c3e-7b2a1e9f4c21"
	annaAAD     = "a1111111-1111-4111-8111-111111111111"
	mariaAAD    = "b2222222-2222-4222-8222-222222222222"
	peterAAD    = "c3333333-3333-4333-8333-333333333333"
	keyID       = "bf-key-1"
)

var cph = wave.Copenhagen()

// start is the fake clock's first reading: 2027-01-20 12:00 in Copenhagen.
var start = cph.At(wave.Date{Year: 2027, Month: time.January, Day: 20}, 12, 0)

// signer is the Bot Connector's key, generated once for the test binary.
var signer = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// otherSigner is a key the key set does not publish.
var otherSigner = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// jwk is one published key.
type jwk struct {
	Kty          string   `json:"kty"`
	Use          string   `json:"use"`
	Kid          string   `json:"kid"`
	N            string   `json:"n"`
	E            string   `json:"e"`
	Endorsements []string `json:"endorsements"`
}

func publicJWK(kid string, k *rsa.PrivateKey, endorsements ...string) jwk {
	return jwk{Kty: "RSA", Use: "sig", Kid: kid, N: base64.RawURLEncoding.EncodeToString(k.N.Bytes()),
		E: base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.E)).Bytes()), Endorsements: endorsements}
}

// fakeAuth is Microsoft's side of authentication: the OpenID metadata,
// the key set it points to and the token endpoint.
type fakeAuth struct {
	srv *httptest.Server

	mu                    sync.Mutex
	keys                  []jwk
	metadataHits, keyHits int
	tokenHits             int
	tokenStatus           int           // answer of the token endpoint; 200 when 0
	tokenGate             chan struct{} // when set, token requests wait for it to close
	tokenArrived          chan struct{} // when set, told of each token request
	tokenForms            []string
}

func newFakeAuth(t testing.TB) *fakeAuth {
	f := &fakeAuth{keys: []jwk{publicJWK(keyID, signer(), "msteams", "skype"), publicJWK("web-only", otherSigner(), "webchat")}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /openid", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.metadataHits++
		f.mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{"issuer": botIssuer, "jwks_uri": f.srv.URL + "/keys",
			"id_token_signing_alg_values_supported": []string{"RS256"}})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.keyHits++
		json.NewEncoder(w).Encode(map[string]any{"keys": f.keys})
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		f.mu.Lock()
		f.tokenHits++
		n, status, gate, arrived := f.tokenHits, f.tokenStatus, f.tokenGate, f.tokenArrived
		f.tokenForms = append(f.tokenForms, r.PostForm.Encode())
		f.mu.Unlock()
		if arrived != nil {
			arrived <- struct{}{}
		}
		if gate != nil {
			<-gate
		}
		if status != 0 && status != http.StatusOK {
			http.Error(w, `{"error":"invalid_client"}`, status)
			return
		}
		if r.PostForm.Get("grant_type") != "client_credentials" || r.PostForm.Get("client_id") != appID ||
			r.PostForm.Get("client_secret") != appPassword || r.PostForm.Get("scope") != botScope {
			http.Error(w, `{"error":"invalid_request"}`, http.StatusBadRequest)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"token_type": "Bearer", "expires_in": 3600, "access_token": fmt.Sprintf("bot-token-%d", n)})
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAuth) counts() (metadata, keys, tokens int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.metadataHits, f.keyHits, f.tokenHits
}

// claims are the claims of a token minted like the Bot Connector's, for
// an activity from serviceURL at now.
func claims(serviceURL string, now time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"iss":        botIssuer,
		"aud":        appID,
		"exp":        now.Add(time.Hour).Unix(),
		"nbf":        now.Add(-time.Minute).Unix(),
		"serviceurl": serviceURL,
	}
}

// mint signs claims with RS256 under key id kid; a load test can mint its
// tokens the same way, with its own key published by a fake metadata URL.
func mint(t testing.TB, c jwt.MapClaims, kid string, key *rsa.PrivateKey) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// request is one call the fake connector received.
type request struct {
	Method, Path, Bearer string
	Body                 map[string]any
}

// fakeConnector is the Bot Connector at the activities' serviceUrl: it
// records every request with its bearer token.
type fakeConnector struct {
	srv *httptest.Server

	mu         sync.Mutex
	got        []request
	status     int    // answer to activities; 200 when 0
	retryAfter string // Retry-After of a 429
	members    map[string]string
	created    int
	// gone are the conversations the bot was removed from: posting there
	// answers 403.
	gone map[string]bool
}

func newFakeConnector(t testing.TB) *fakeConnector {
	f := &fakeConnector{members: map[string]string{}, gone: map[string]bool{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeConnector) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	req := request{Method: r.Method, Path: r.URL.Path, Bearer: strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &req.Body); err != nil {
			http.Error(w, "bad json", http.StatusBadRequest)
			return
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got = append(f.got, req)
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/v3/conversations"), "/")
	switch {
	case r.Method == "POST" && r.URL.Path == "/v3/conversations":
		f.created++
		json.NewEncoder(w).Encode(map[string]any{"id": fmt.Sprintf("a:created-%d", f.created)})
	case r.Method == "GET" && len(parts) == 4 && parts[2] == "members":
		aad, ok := f.members[parts[3]]
		if !ok {
			http.NotFound(w, r)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"id": parts[3], "aadObjectId": aad})
	case (r.Method == "POST" || r.Method == "PUT") && len(parts) >= 3 && parts[2] == "activities" && f.gone[parts[1]]:
		http.Error(w, `{"error":{"code":"BotNotInConversationRoster"}}`, http.StatusForbidden)
	case (r.Method == "POST" || r.Method == "PUT") && len(parts) >= 3 && parts[2] == "activities":
		switch f.status {
		case 0, http.StatusOK:
			json.NewEncoder(w).Encode(map[string]any{"id": fmt.Sprintf("sent-%d", len(f.got))})
		case http.StatusTooManyRequests:
			w.Header().Set("Retry-After", f.retryAfter)
			w.WriteHeader(f.status)
		default:
			http.Error(w, `{"error":{"code":"Refused"}}`, f.status)
		}
	default:
		http.NotFound(w, r)
	}
}

// requests returns what the connector received so far.
func (f *fakeConnector) requests() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.got...)
}

// serviceURL is the fake's address as Teams writes service URLs.
func (f *fakeConnector) serviceURL() string { return f.srv.URL + "/" }

// env is a bot on a bolt store and a fake clock, talking to fakes.
type env struct {
	t      testing.TB
	auth   *fakeAuth
	conn   *fakeConnector
	clock  *clock.Fake
	dir    string
	store  *bolt.Store
	policy notify.Policy
	cmds   *commands.Dispatcher
	bot    *Bot
	msgs   int
	// slack, when set, stands for the Slack adapter's notifier.
	slack notify.Notifier
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{t: t, auth: newFakeAuth(t), conn: newFakeConnector(t), clock: clock.NewFake(start), dir: t.TempDir()}
	e.policy = notify.DefaultPolicy(cph)
	store, err := bolt.Open(e.dir, func(w wave.Wave) (time.Time, bool) { return e.policy.Next(w, w.Reminded) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	store.Clock = e.clock // the ledger's leases and waits run on the test's time
	e.store = store
	links, err := pagelink.New("https://wavebot.example.dk", "the secret of the Teams tests' page links", e.clock)
	if err != nil {
		t.Fatal(err)
	}
	e.cmds, err = commands.New(commands.Config{Store: store, Clock: e.clock, Calendar: cph, Template: wave.DefaultTemplate(),
		Forvaltninger: wave.DefaultForvaltninger, Admins: []string{"teams:" + annaAAD}, Policy: e.policy, Lang: "da", Links: links})
	if err != nil {
		t.Fatal(err)
	}
	e.bot, err = New(Config{AppID: appID, AppPassword: appPassword, TenantID: tenantID, OpenIDMetadataURL: e.auth.srv.URL + "/openid",
		TokenURL: e.auth.srv.URL + "/token", ServiceURL: e.conn.serviceURL(), Clock: e.clock, Logger: slog.New(slog.DiscardHandler)}, e.cmds)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// account is a Teams user.
type account struct {
	id, name, aad string
}

var (
	anna  = account{"29:1anna", "Anna Holm", annaAAD}
	maria = account{"29:1maria", "Maria Jensen", mariaAAD}
	peter = account{"29:1peter", "Peter Lund", peterAAD}
)

// personalChat is the conversation id of a person's 1:1 chat with the bot.
func personalChat(a account) string { return "a:personal-" + a.aad[:8] }

// message is a message activity from a in their personal chat with the bot.
func (e *env) message(a account, text string) map[string]any {
	e.msgs++
	return map[string]any{
		"type": "message", "id": fmt.Sprintf("m%d", e.msgs), "timestamp": "2027-01-20T11:00:00.123Z",
		"serviceUrl": e.conn.serviceURL(), "channelId": "msteams",
		"from":         map[string]any{"id": a.id, "name": a.name, "aadObjectId": a.aad},
		"conversation": map[string]any{"id": personalChat(a), "conversationType": "personal", "tenantId": tenantID},
		"recipient":    map[string]any{"id": "28:" + appID, "name": "wavebot"},
		"text":         text, "textFormat": "plain", "locale": "da-DK",
		"channelData": map[string]any{"tenant": map[string]any{"id": tenantID}},
	}
}

// token is a valid token for activities from the fake connector.
func (e *env) token() string {
	return mint(e.t, claims(e.conn.serviceURL(), e.clock.Now()), keyID, signer())
}

// post sends an activity with a bearer token to the endpoint.
func (e *env) post(activity any, token string) int {
	e.t.Helper()
	body, err := json.Marshal(activity)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.postRaw(body, "Bearer "+token)
}

func (e *env) postRaw(body []byte, authorization string) int {
	req := httptest.NewRequest("POST", "/api/messages", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	rec := httptest.NewRecorder()
	e.bot.ServeHTTP(rec, req)
	return rec.Code
}

// say sends a message from a and wants 200.
func (e *env) say(a account, text string) {
	e.t.Helper()
	if code := e.post(e.message(a, text), e.token()); code != http.StatusOK {
		e.t.Fatalf("%s: %q answered %d", a.name, text, code)
	}
}

// storeBytes is the bolt file as it is on disk.
func (e *env) storeBytes() []byte {
	e.t.Helper()
	b, err := os.ReadFile(filepath.Join(e.dir, bolt.FileName))
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

// sweepAt moves the clock to at and runs one sweep of the real reminder
// engine, delivering through the bot as serve does: behind LastUsed and a
// Router under "teams". The sweeper's whole setup is here, so a change of
// its API is made once.
func (e *env) sweepAt(at time.Time) int {
	e.t.Helper()
	e.clock.Set(at)
	router := notify.Router{Platform: e.bot}
	if e.slack != nil {
		router["slack"] = e.slack
	}
	delivery := notify.NewDelivery(notify.LastUsed{People: e.cmds, Next: router}, e.store, e.clock)
	delivery.Attempts = 1 // a retry would wait on the fake clock
	s := &notify.Sweeper{Store: e.store, Policy: e.policy, Delivery: delivery, Clock: e.clock,
		Batch: 100, MaxRounds: 10, Logger: slog.New(slog.DiscardHandler)}
	n, err := s.Sweep(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// cardOf returns the Adaptive Card of an activity the connector received.
func cardOf(t *testing.T, r request) map[string]any {
	t.Helper()
	atts, _ := r.Body["attachments"].([]any)
	if len(atts) != 1 {
		t.Fatalf("%s %s carries %d attachments: %v", r.Method, r.Path, len(atts), r.Body)
	}
	att := atts[0].(map[string]any)
	if att["contentType"] != cardType {
		t.Fatalf("attachment type %v", att["contentType"])
	}
	return att["content"].(map[string]any)
}

// cardText is every text of a card, joined, for assertions.
func cardText(card map[string]any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(card)
	return b.String()
}
