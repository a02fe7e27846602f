package teams

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v4"

	"wavebot/bot/teams/faketeams"
	"wavebot/commands"
	"wavebot/internal/clock"
	"wavebot/internal/pagelink"
	"wavebot/notify"
	"wavebot/storage"
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
)

var cph = wave.Copenhagen()

// start is the fake clock's first reading: 2027-01-20 12:00 in Copenhagen.
var start = cph.At(wave.Date{Year: 2027, Month: time.January, Day: 20}, 12, 0)

// mint signs claims with RS256 under key id kid.
func mint(t testing.TB, c jwt.MapClaims, kid string, key *rsa.PrivateKey) string {
	t.Helper()
	s, err := faketeams.Mint(c, kid, key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// claims are the claims of a token minted like the Bot Connector's, for
// an activity from serviceURL at now.
func claims(serviceURL string, now time.Time) jwt.MapClaims {
	return faketeams.Claims(appID, serviceURL, now)
}

// env is a bot on a bolt store and a fake clock, talking to fakes.
type env struct {
	t      testing.TB
	auth   *faketeams.Auth
	conn   *faketeams.Connector
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
	return newEnvIn(t, t.TempDir())
}

// newEnvIn is newEnv with its store in dir.
func newEnvIn(t testing.TB, dir string) *env {
	t.Helper()
	e := &env{t: t, auth: faketeams.NewAuth(t, appID, appPassword), conn: faketeams.NewConnector(t), clock: clock.NewFake(start), dir: dir}
	e.policy = notify.DefaultPolicy(cph)
	store, err := bolt.Open(e.dir, e.policy)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	store.Clock = e.clock // the ledger's leases and waits run on the test's time
	e.store = store
	e.serveFrom(store)
	return e
}

// serveFrom makes the env's commands and bot run on s.
func (e *env) serveFrom(s storage.Store) {
	e.t.Helper()
	links, err := pagelink.New("https://wavebot.example.dk", "the secret of the Teams tests' page links", e.clock)
	if err != nil {
		e.t.Fatal(err)
	}
	e.cmds, err = commands.New(commands.Config{Store: s, Clock: e.clock, Calendar: cph, Template: wave.DefaultTemplate(),
		Forvaltninger: wave.DefaultForvaltninger, Admins: []string{"teams:" + annaAAD}, Policy: e.policy, Lang: "da", Links: links})
	if err != nil {
		e.t.Fatal(err)
	}
	e.bot, err = New(Config{AppID: appID, AppPassword: appPassword, TenantID: tenantID, OpenIDMetadataURL: e.auth.MetadataURL(),
		TokenURL: e.auth.TokenURL(), ServiceURL: e.conn.ServiceURL(), Clock: e.clock, Logger: slog.New(slog.DiscardHandler)}, e.cmds)
	if err != nil {
		e.t.Fatal(err)
	}
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
		"serviceUrl": e.conn.ServiceURL(), "channelId": "msteams",
		"from":         map[string]any{"id": a.id, "name": a.name, "aadObjectId": a.aad},
		"conversation": map[string]any{"id": personalChat(a), "conversationType": "personal", "tenantId": tenantID},
		"recipient":    map[string]any{"id": "28:" + appID, "name": "wavebot"},
		"text":         text, "textFormat": "plain", "locale": "da-DK",
		"channelData": map[string]any{"tenant": map[string]any{"id": tenantID}},
	}
}

// token is a valid token for activities from the fake connector.
func (e *env) token() string {
	return mint(e.t, claims(e.conn.ServiceURL(), e.clock.Now()), faketeams.KeyID, faketeams.Signer())
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
	// A retry, or the next message of a digest with more notices than
	// one holds (notify.DigestNotices), would wait on the fake clock.
	delivery.Pace, delivery.Attempts = 0, 1
	s := &notify.Sweeper{Store: e.store, Policy: e.policy, Delivery: delivery, Clock: e.clock,
		Batch: 100, MaxRounds: 10, Logger: slog.New(slog.DiscardHandler)}
	n, err := s.Sweep(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// cardOf returns the Adaptive Card of an activity the connector received.
func cardOf(t *testing.T, r faketeams.Request) map[string]any {
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
