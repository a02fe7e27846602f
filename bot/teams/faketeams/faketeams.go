// Package faketeams is a stand-in for Microsoft's side of a Teams bot on
// this machine, for tests and the load generator: the Bot Framework's
// OpenID metadata, key set and token endpoint, tokens signed as the Bot
// Connector signs them, and a Bot Connector that records every request
// it receives.
package faketeams

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v4"
)

// What Microsoft says and asks of a bot.
const (
	// Issuer is the issuer of the tokens the Bot Connector sends.
	Issuer = "https://api.botframework.com"
	// Scope is what a bot asks its own token for.
	Scope = "https://api.botframework.com/.default"
	// KeyID names Signer's key in the published key set.
	KeyID = "bf-key-1"
	// WebOnlyKeyID names OtherSigner's key, published endorsed for
	// webchat only.
	WebOnlyKeyID = "web-only"
)

// Signer is the Bot Connector's key, generated once for the process and
// published as KeyID, endorsed for msteams.
var Signer = sync.OnceValue(newKey)

// OtherSigner is a second key, published only as WebOnlyKeyID, endorsed
// for webchat.
var OtherSigner = sync.OnceValue(newKey)

func newKey() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}

// JWK is one published key.
type JWK struct {
	Kty          string   `json:"kty"`
	Use          string   `json:"use"`
	Kid          string   `json:"kid"`
	N            string   `json:"n"`
	E            string   `json:"e"`
	Endorsements []string `json:"endorsements"`
}

// PublicJWK publishes k's public half as kid, endorsed for the channels.
func PublicJWK(kid string, k *rsa.PrivateKey, endorsements ...string) JWK {
	return JWK{Kty: "RSA", Use: "sig", Kid: kid, N: base64.RawURLEncoding.EncodeToString(k.N.Bytes()),
		E: base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.E)).Bytes()), Endorsements: endorsements}
}

// Claims are the claims of a token the Bot Connector sends bot appID with
// an activity from serviceURL at now.
func Claims(appID, serviceURL string, now time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"iss":        Issuer,
		"aud":        appID,
		"exp":        now.Add(time.Hour).Unix(),
		"nbf":        now.Add(-time.Minute).Unix(),
		"serviceurl": serviceURL,
	}
}

// Mint signs claims with RS256 under key id kid.
func Mint(c jwt.MapClaims, kid string, key *rsa.PrivateKey) (string, error) {
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	tok.Header["kid"] = kid
	return tok.SignedString(key)
}

// Auth is Microsoft's side of authentication for bot AppID: the OpenID
// metadata, the key set it points to and the token endpoint, which hands
// a token to AppID with Password.
type Auth struct {
	AppID, Password string

	srv *httptest.Server

	mu                    sync.Mutex
	keys                  []JWK
	metadataHits, keyHits int
	tokenHits             int
	tokenStatus           int           // answer of the token endpoint; 200 when 0
	metadataStatus        int           // answer of the metadata document; 200 when 0
	tokenGate             chan struct{} // when set, token requests wait for it to close
	tokenArrived          chan struct{} // when set, told of each token request
}

// NewAuth starts the fake for bot appID and stops it when t ends.
func NewAuth(t testing.TB, appID, password string) *Auth {
	a := NewAuthServer(appID, password)
	t.Cleanup(a.Close)
	return a
}

// NewAuthServer starts the fake for bot appID; Close stops it. It
// publishes Signer as KeyID for msteams and OtherSigner as WebOnlyKeyID.
func NewAuthServer(appID, password string) *Auth {
	a := &Auth{AppID: appID, Password: password,
		keys: []JWK{PublicJWK(KeyID, Signer(), "msteams", "skype"), PublicJWK(WebOnlyKeyID, OtherSigner(), "webchat")}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /openid", a.metadata)
	mux.HandleFunc("GET /keys", a.keySet)
	mux.HandleFunc("POST /token", a.token)
	a.srv = httptest.NewServer(mux)
	return a
}

// Close stops the fake.
func (a *Auth) Close() { a.srv.Close() }

// MetadataURL is the address of the OpenID metadata document.
func (a *Auth) MetadataURL() string { return a.srv.URL + "/openid" }

// TokenURL is the address of the token endpoint.
func (a *Auth) TokenURL() string { return a.srv.URL + "/token" }

// Token is a valid token for an activity from serviceURL at now.
func (a *Auth) Token(serviceURL string, now time.Time) (string, error) {
	return Mint(Claims(a.AppID, serviceURL, now), KeyID, Signer())
}

// Publish adds a key to the key set, as Microsoft does when it rolls its
// keys.
func (a *Auth) Publish(k JWK) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.keys = append(a.keys, k)
}

// Withdraw takes key kid out of the key set, as Microsoft does with a
// key it no longer signs with (or no longer trusts).
func (a *Auth) Withdraw(kid string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.keys = slices.DeleteFunc(a.keys, func(k JWK) bool { return k.Kid == kid })
}

// FailMetadata makes the metadata document answer status, as an
// unreachable or broken endpoint would; 0 or 200 mends it.
func (a *Auth) FailMetadata(status int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.metadataStatus = status
}

// FailTokens makes the token endpoint answer status; 0 or 200 mends it.
func (a *Auth) FailTokens(status int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.tokenStatus = status
}

// HoldTokens makes each token request tell arrived and then wait until
// gate is closed.
func (a *Auth) HoldTokens(gate, arrived chan struct{}) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.tokenGate, a.tokenArrived = gate, arrived
}

// Counts are the requests for the metadata, the key set and tokens so far.
func (a *Auth) Counts() (metadata, keys, tokens int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.metadataHits, a.keyHits, a.tokenHits
}

func (a *Auth) metadata(w http.ResponseWriter, _ *http.Request) {
	a.mu.Lock()
	a.metadataHits++
	status := a.metadataStatus
	a.mu.Unlock()
	if status != 0 && status != http.StatusOK {
		w.WriteHeader(status)
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"issuer": Issuer, "jwks_uri": a.srv.URL + "/keys",
		"id_token_signing_alg_values_supported": []string{"RS256"}})
}

func (a *Auth) keySet(w http.ResponseWriter, _ *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.keyHits++
	json.NewEncoder(w).Encode(map[string]any{"keys": a.keys})
}

func (a *Auth) token(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	a.mu.Lock()
	a.tokenHits++
	n, status, gate, arrived := a.tokenHits, a.tokenStatus, a.tokenGate, a.tokenArrived
	a.mu.Unlock()
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
	if r.PostForm.Get("grant_type") != "client_credentials" || r.PostForm.Get("client_id") != a.AppID ||
		r.PostForm.Get("client_secret") != a.Password || r.PostForm.Get("scope") != Scope {
		http.Error(w, `{"error":"invalid_request"}`, http.StatusBadRequest)
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"token_type": "Bearer", "expires_in": 3600, "access_token": fmt.Sprintf("bot-token-%d", n)})
}

// MaxActivity is the largest activity, in bytes of its JSON as posted,
// that the connector takes: Teams refuses a message over about 28 KB
// with 413, and the fake holds bots to the stricter reading of it.
const MaxActivity = 28000

// Request is one call the fake connector received.
type Request struct {
	Method, Path, Bearer string
	Body                 map[string]any
	// Raw is the body as it arrived, the bytes Teams measures.
	Raw []byte
}

// Connector is the Bot Connector at the activities' service URL: it
// answers what wavebot asks of it and records every request with its
// bearer token.
type Connector struct {
	srv *httptest.Server

	mu         sync.Mutex
	got        []Request
	status     int    // answer to activities; 200 when 0
	retryAfter string // Retry-After of a 429
	members    map[string]string
	created    int
	// gone are the conversations the bot was removed from: posting there
	// answers 403.
	gone map[string]bool
	// connections counts the TCP connections the fake accepted.
	connections int
	// gather, when above 0, is how many posted activities wait for each
	// other before any is answered; waiting are those waiting so far, and
	// closing release lets them go.
	gather, waiting int
	release         chan struct{}
}

// NewConnector starts the fake and stops it when t ends.
func NewConnector(t testing.TB) *Connector {
	c := NewConnectorServer()
	t.Cleanup(c.Close)
	return c
}

// NewConnectorServer starts the fake; Close stops it.
func NewConnectorServer() *Connector {
	c := &Connector{members: map[string]string{}, gone: map[string]bool{}}
	c.srv = httptest.NewUnstartedServer(http.HandlerFunc(c.serve))
	c.srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			c.mu.Lock()
			c.connections++
			c.mu.Unlock()
		}
	}
	c.srv.Start()
	return c
}

// Connections is how many TCP connections the fake accepted so far.
func (c *Connector) Connections() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.connections
}

// Gather makes posted activities wait until n of them have arrived, and
// then answers them together: n replies in flight at once, on n
// connections. 0 ends it.
func (c *Connector) Gather(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gather, c.waiting, c.release = n, 0, make(chan struct{})
}

// gatherLimit is how long a gathered activity waits for the others: a
// test whose posts never all arrive gets an error answer, not a hang.
const gatherLimit = 10 * time.Second

// wait holds a posted activity while Gather asks it to; false when the
// others did not arrive within gatherLimit.
func (c *Connector) wait() bool {
	c.mu.Lock()
	if c.gather <= 0 {
		c.mu.Unlock()
		return true
	}
	release := c.release
	c.waiting++
	if c.waiting == c.gather {
		close(c.release)
		c.waiting, c.release = 0, make(chan struct{})
	}
	c.mu.Unlock()
	select {
	case <-release:
		return true
	case <-time.After(gatherLimit):
		return false
	}
}

// Close stops the fake.
func (c *Connector) Close() { c.srv.Close() }

// ServiceURL is the fake's address as Teams writes service URLs.
func (c *Connector) ServiceURL() string { return c.srv.URL + "/" }

// Answer makes the connector answer posted activities with status, and
// a 429 with Retry-After retryAfter; 0 or 200 mends it.
func (c *Connector) Answer(status int, retryAfter string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.status, c.retryAfter = status, retryAfter
}

// AddMember makes the conversation member with Teams id known, with its
// AAD object id.
func (c *Connector) AddMember(id, aad string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.members[id] = aad
}

// Remove takes the bot out of a conversation, as a team owner does:
// posting there answers 403 from then on.
func (c *Connector) Remove(conversation string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gone[conversation] = true
}

// Requests returns what the connector received so far.
func (c *Connector) Requests() []Request {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Request(nil), c.got...)
}

func (c *Connector) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	req := Request{Method: r.Method, Path: r.URL.Path, Bearer: strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), Raw: body}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &req.Body); err != nil {
			http.Error(w, "bad json", http.StatusBadRequest)
			return
		}
	}
	if (r.Method == "POST" || r.Method == "PUT") && strings.Contains(r.URL.Path, "/activities") && !c.wait() {
		http.Error(w, "gathered activities did not all arrive", http.StatusInternalServerError)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.got = append(c.got, req)
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/v3/conversations"), "/")
	switch {
	case r.Method == "POST" && r.URL.Path == "/v3/conversations":
		c.created++
		json.NewEncoder(w).Encode(map[string]any{"id": fmt.Sprintf("a:created-%d", c.created)})
	case r.Method == "GET" && len(parts) == 4 && parts[2] == "members":
		aad, ok := c.members[parts[3]]
		if !ok {
			http.NotFound(w, r)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"id": parts[3], "aadObjectId": aad})
	case (r.Method == "POST" || r.Method == "PUT") && len(parts) >= 3 && parts[2] == "activities" && c.gone[parts[1]]:
		http.Error(w, `{"error":{"code":"BotNotInConversationRoster"}}`, http.StatusForbidden)
	case (r.Method == "POST" || r.Method == "PUT") && len(parts) >= 3 && parts[2] == "activities" && len(body) > MaxActivity:
		http.Error(w, `{"error":{"code":"MessageSizeTooBig"}}`, http.StatusRequestEntityTooLarge)
	case (r.Method == "POST" || r.Method == "PUT") && len(parts) >= 3 && parts[2] == "activities":
		switch c.status {
		case 0, http.StatusOK:
			json.NewEncoder(w).Encode(map[string]any{"id": fmt.Sprintf("sent-%d", len(c.got))})
		case http.StatusTooManyRequests:
			w.Header().Set("Retry-After", c.retryAfter)
			w.WriteHeader(c.status)
		default:
			http.Error(w, `{"error":{"code":"Refused"}}`, c.status)
		}
	default:
		http.NotFound(w, r)
	}
}
