package teams

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v4"
	"github.com/infracloudio/msbotbuilder-go/connector/auth"
	"github.com/infracloudio/msbotbuilder-go/schema"

	"wavebot/internal/clock"
)

// What the Bot Connector's tokens must say, and how long their keys are
// trusted.
const (
	// DefaultOpenIDMetadataURL is where the Bot Connector publishes the
	// keys it signs with.
	DefaultOpenIDMetadataURL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
	botIssuer                = "https://api.botframework.com"
	// clockSkew is how far exp and nbf may be off.
	clockSkew = 5 * time.Minute
	// keyRefreshGap is the least time between two fetches of the key set,
	// so tokens with made-up key ids cannot make wavebot hammer Microsoft.
	keyRefreshGap = time.Minute
	// keyMaxAge is how long a fetched key set is used before it is fetched
	// again; Microsoft rolls its keys and asks bots to refresh daily, so
	// a key it withdraws stops validating within a day.
	keyMaxAge = 24 * time.Hour
	// keyStaleLimit is how old a key set may grow while the metadata
	// endpoint cannot be reached: long enough to ride out an outage of
	// Microsoft's endpoint over a weekend, short enough that a withdrawn
	// key stops validating within days even then.
	keyStaleLimit = 72 * time.Hour
	// minKeyBits is the shortest RSA key a token may be signed with.
	minKeyBits = 2048
	// maxDocument bounds what wavebot reads of a metadata or key document.
	maxDocument = 1 << 20
)

// signingAlgorithms are the only algorithms a token may use.
var signingAlgorithms = []string{"RS256", "RS384", "RS512"}

// errUnauthorized marks every reason to turn a request away.
var errUnauthorized = errors.New("teams: unauthorized")

func unauthorized(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUnauthorized, fmt.Sprintf(format, args...))
}

// Validator checks the bearer token the Bot Connector sends with each
// activity: signed with RS256/384/512 by a key of the published key set
// that is endorsed for the activity's channel, issued by the Bot Framework
// to this bot, current within five minutes of skew, and for the
// activity's service URL, by an RSA key of at least 2048 bits. It caches
// the key set and fetches it again when a day old, or when a token names
// a key it does not know, at most once a minute; while the set cannot be
// fetched, its keys serve until it is three days old. It is safe for
// concurrent use.
type Validator struct {
	appID       string
	metadataURL string
	http        *http.Client
	clock       clock.Clock

	// fetching is held while the key set is fetched, so one fetch serves
	// every request that waits for it.
	fetching sync.Mutex
	mu       sync.Mutex
	keys     map[string]signingKey
	loaded   time.Time // when keys were fetched
	// refreshed is when a fetch was last tried other than the first
	// successful one: for an unknown key, or one that failed.
	refreshed time.Time
}

var _ auth.TokenValidator = (*Validator)(nil)

// signingKey is one key of the set and the channels it is endorsed for.
type signingKey struct {
	public       *rsa.PublicKey
	endorsements []string
}

// NewValidator returns a validator for tokens to bot appID whose keys
// are found through the OpenID metadata document at metadataURL.
func NewValidator(appID, metadataURL string, c *http.Client, clk clock.Clock) *Validator {
	return &Validator{appID: appID, metadataURL: metadataURL, http: c, clock: clk}
}

// AuthenticateRequest checks the Authorization header of a request that
// carried activity. Every failure wraps errUnauthorized.
func (v *Validator) AuthenticateRequest(ctx context.Context, activity schema.Activity, authHeader string, _ auth.CredentialProvider, _ string) (auth.ClaimsIdentity, error) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(authHeader), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return nil, unauthorized("no bearer token")
	}
	parser := jwt.NewParser(jwt.WithValidMethods(signingAlgorithms), jwt.WithoutClaimsValidation())
	claims := jwt.MapClaims{}
	_, err := parser.ParseWithClaims(token, claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return nil, unauthorized("token names no key")
		}
		k, err := v.key(ctx, kid)
		if err != nil {
			return nil, err
		}
		if activity.ChannelID == "" || !slices.Contains(k.endorsements, activity.ChannelID) {
			return nil, unauthorized("key %s is not endorsed for channel %q", kid, activity.ChannelID)
		}
		return k.public, nil
	})
	if err != nil {
		if errors.Is(err, errUnauthorized) {
			return nil, err
		}
		return nil, unauthorized("%v", err)
	}
	if err := v.checkClaims(claims, activity); err != nil {
		return nil, err
	}
	return auth.NewClaimIdentity(claims, true), nil
}

// checkClaims checks issuer, audience, lifetime and service URL.
func (v *Validator) checkClaims(c jwt.MapClaims, activity schema.Activity) error {
	if iss, _ := c["iss"].(string); iss != botIssuer {
		return unauthorized("issuer %q", iss)
	}
	if !audienceIs(c["aud"], v.appID) {
		return unauthorized("audience is not this bot")
	}
	now := v.clock.Now()
	exp, ok := numericTime(c["exp"])
	if !ok {
		return unauthorized("token has no expiry")
	}
	if now.After(exp.Add(clockSkew)) {
		return unauthorized("token expired at %s", exp.UTC().Format(time.RFC3339))
	}
	nbf, ok := numericTime(c["nbf"])
	if !ok {
		return unauthorized("token has no not-before time")
	}
	if now.Before(nbf.Add(-clockSkew)) {
		return unauthorized("token not valid before %s", nbf.UTC().Format(time.RFC3339))
	}
	if url, _ := c["serviceurl"].(string); url == "" || url != activity.ServiceURL {
		return unauthorized("token is for service URL %q, activity for %q", url, activity.ServiceURL)
	}
	return nil
}

// audienceIs reports whether aud, a string or a list of strings, names app.
func audienceIs(aud any, app string) bool {
	switch a := aud.(type) {
	case string:
		return a == app
	case []any:
		for _, s := range a {
			if s == app {
				return true
			}
		}
	}
	return false
}

// numericTime reads a JWT NumericDate.
func numericTime(v any) (time.Time, bool) {
	var secs float64
	switch n := v.(type) {
	case float64:
		secs = n
	case json.Number:
		f, err := n.Float64()
		if err != nil {
			return time.Time{}, false
		}
		secs = f
	default:
		return time.Time{}, false
	}
	return time.Unix(int64(secs), 0), true
}

// key returns key kid, fetching the key set when it is a day old or does
// not know kid, unless a refresh was tried within the last minute. While
// the key set cannot be fetched, a key it knew is used until the set is
// keyStaleLimit old, and no longer.
func (v *Validator) key(ctx context.Context, kid string) (signingKey, error) {
	v.mu.Lock()
	k, known := v.keys[kid]
	now := v.clock.Now()
	age := now.Sub(v.loaded)
	fresh := v.keys != nil && age < keyMaxAge
	fallback := known && age < keyStaleLimit
	refreshed, loaded := v.refreshed, v.loaded
	v.mu.Unlock()
	if known && fresh {
		return k, nil
	}
	if !refreshed.IsZero() && now.Sub(refreshed) < keyRefreshGap {
		if fallback {
			return k, nil
		}
		return signingKey{}, unauthorized("unknown or withdrawn key %s", kid)
	}
	if err := v.refresh(ctx, refreshed, loaded); err != nil {
		if fallback {
			return k, nil // a key fetched lately beats none while Microsoft is unreachable
		}
		return signingKey{}, unauthorized("fetch signing keys: %v", err)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if k, ok := v.keys[kid]; ok {
		return k, nil
	}
	return signingKey{}, unauthorized("unknown or withdrawn key %s", kid)
}

// refresh fetches the key set, unless another request fetched it or tried
// to since this one looked (at refreshed and loaded).
func (v *Validator) refresh(ctx context.Context, refreshed, loaded time.Time) error {
	v.fetching.Lock()
	defer v.fetching.Unlock()
	v.mu.Lock()
	if !v.refreshed.Equal(refreshed) || !v.loaded.Equal(loaded) {
		v.mu.Unlock()
		return nil
	}
	if v.keys != nil {
		v.refreshed = v.clock.Now()
	}
	v.mu.Unlock()
	keys, err := v.fetchKeys(ctx)
	v.mu.Lock()
	defer v.mu.Unlock()
	if err != nil {
		v.refreshed = v.clock.Now()
		return err
	}
	v.keys, v.loaded = keys, v.clock.Now()
	return nil
}

// fetchKeys reads the metadata document and the key set it points to.
func (v *Validator) fetchKeys(ctx context.Context) (map[string]signingKey, error) {
	var meta struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := v.getJSON(ctx, v.metadataURL, &meta); err != nil {
		return nil, fmt.Errorf("metadata: %w", err)
	}
	if meta.JWKSURI == "" {
		return nil, fmt.Errorf("metadata %s names no jwks_uri", v.metadataURL)
	}
	var set struct {
		Keys []struct {
			Kty          string   `json:"kty"`
			Kid          string   `json:"kid"`
			N            string   `json:"n"`
			E            string   `json:"e"`
			Endorsements []string `json:"endorsements"`
		} `json:"keys"`
	}
	if err := v.getJSON(ctx, meta.JWKSURI, &set); err != nil {
		return nil, fmt.Errorf("key set: %w", err)
	}
	keys := map[string]signingKey{}
	for _, k := range set.Keys {
		if k.Kty != "RSA" || k.Kid == "" {
			continue
		}
		pub, err := rsaKey(k.N, k.E)
		if err != nil {
			// A key wavebot will not trust (too short, say) validates
			// nothing; the set's other keys still do.
			continue
		}
		keys[k.Kid] = signingKey{public: pub, endorsements: k.Endorsements}
	}
	return keys, nil
}

// rsaKey decodes a JWK's modulus and exponent.
func rsaKey(n, e string) (*rsa.PublicKey, error) {
	nb, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(n, "="))
	if err != nil {
		return nil, fmt.Errorf("modulus: %w", err)
	}
	eb, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(e, "="))
	if err != nil {
		return nil, fmt.Errorf("exponent: %w", err)
	}
	modulus, exp := new(big.Int).SetBytes(nb), new(big.Int).SetBytes(eb)
	if modulus.BitLen() < minKeyBits {
		return nil, fmt.Errorf("an RSA key of %d bits: at least %d are needed", modulus.BitLen(), minKeyBits)
	}
	if !exp.IsInt64() || exp.Int64() < 3 || exp.Int64() > 1<<31-1 {
		return nil, errors.New("not a usable RSA key")
	}
	return &rsa.PublicKey{N: modulus, E: int(exp.Int64())}, nil
}

// getJSON fetches url and decodes its JSON body into out.
func (v *Validator) getJSON(ctx context.Context, url string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := v.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxDocument)).Decode(out); err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	return nil
}
