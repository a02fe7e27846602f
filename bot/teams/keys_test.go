package teams

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"math/big"
	"net/http"
	"testing"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"wavebot/bot/teams/faketeams"
)

// TestShortKeysAreRefused: a token signed by an RSA key shorter than
// 2048 bits is refused, also when the key set pads its modulus to 256
// bytes with zeros; the set's other keys still validate.
func TestShortKeysAreRefused(t *testing.T) {
	e := newEnv(t)
	short, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	e.auth.Publish(faketeams.PublicJWK("short", short, "msteams"))
	padded := faketeams.PublicJWK("padded", short, "msteams")
	padded.N = base64.RawURLEncoding.EncodeToString(append(make([]byte, 128), short.N.Bytes()...))
	e.auth.Publish(padded)
	for _, kid := range []string{"short", "padded"} {
		if code := e.post(e.message(anna, "help"), mint(t, claims(e.conn.ServiceURL(), e.clock.Now()), kid, short)); code != 401 {
			t.Errorf("a token signed by a 1024-bit key published as %s answered %d, want 401", kid, code)
		}
		e.clock.Advance(61 * time.Second) // past the least time between fetches
	}
	e.say(anna, "help")
	if n := new(big.Int).SetBytes(short.N.Bytes()).BitLen(); n != 1024 {
		t.Fatalf("the short key has %d bits", n)
	}
}

// TestKeysAreFetchedAgainDaily: a known key serves from the cache for a
// day; then the key set is fetched again, so a key Microsoft withdrew
// stops validating.
func TestKeysAreFetchedAgainDaily(t *testing.T) {
	e := newEnv(t)
	e.say(anna, "help")
	e.auth.Withdraw(faketeams.KeyID)
	e.clock.Advance(23 * time.Hour)
	e.say(anna, "help")
	if _, k, _ := e.auth.Counts(); k != 1 {
		t.Errorf("keys fetched %d times within the day, want once", k)
	}
	e.clock.Advance(time.Hour + time.Second)
	if code := e.post(e.message(anna, "help"), e.token()); code != 401 {
		t.Errorf("a token by a withdrawn key a day later answered %d, want 401", code)
	}
	if _, k, _ := e.auth.Counts(); k != 2 {
		t.Errorf("keys fetched %d times after a day, want twice", k)
	}
}

// TestStaleKeysWhileMicrosoftIsUnreachable: while the metadata endpoint
// cannot be reached, the keys last fetched still validate (each request
// a minute apart tries to fetch them again), until they are three days
// old; then nothing validates until the endpoint answers again.
func TestStaleKeysWhileMicrosoftIsUnreachable(t *testing.T) {
	e := newEnv(t)
	e.say(anna, "help")
	e.auth.FailMetadata(503)
	e.clock.Advance(25 * time.Hour)
	e.say(anna, "help")
	m, _, _ := e.auth.Counts()
	if m != 2 {
		t.Errorf("metadata asked %d times, want a second try once the keys were a day old", m)
	}
	e.clock.Advance(46 * time.Hour) // 71 hours after the fetch
	e.say(anna, "help")
	e.clock.Advance(time.Hour) // 72 hours
	if code := e.post(e.message(anna, "help"), e.token()); code != 401 {
		t.Errorf("a key three days old while Microsoft is unreachable answered %d, want 401", code)
	}
	e.auth.FailMetadata(0)
	e.clock.Advance(time.Minute)
	e.say(anna, "help")
}

// validator is a validator of tokens for the env's bot, as the bot's.
func (e *env) validator() *Validator {
	return NewValidator(appID, e.auth.MetadataURL(), http.DefaultClient, e.clock)
}

// check validates token for an activity on channel from the env's
// connector.
func (e *env) check(v *Validator, token, channel string) error {
	_, err := v.AuthenticateRequest(context.Background(), schema.Activity{ChannelID: channel, ServiceURL: e.conn.ServiceURL()}, "Bearer "+token, nil, "")
	return err
}

// kept is how many verified tokens v keeps.
func (v *Validator) kept() int {
	v.verifiedMu.Lock()
	defer v.verifiedMu.Unlock()
	return len(v.verified)
}

// TestKeptTokensAreCheckedAgain: a token whose signature verified is
// kept, and its signature is not verified again; but everything else is,
// every time: a kept token is refused once the key that signed it is no
// longer the set's key of that id (withdrawn, or another key published
// under it), once it has expired, and for a channel or service URL it
// was not issued for.
func TestKeptTokensAreCheckedAgain(t *testing.T) {
	for _, tc := range []struct {
		name string
		// then changes the world after the token was taken once, and
		// says the channel and service URL of the next activity.
		then func(t *testing.T, e *env, v *Validator) (channel, serviceURL string)
		ok   bool
	}{
		{"the same token again", func(t *testing.T, e *env, v *Validator) (string, string) {
			return "msteams", e.conn.ServiceURL()
		}, true},
		{"its key withdrawn as a new key comes", func(t *testing.T, e *env, v *Validator) (string, string) {
			e.auth.Withdraw(faketeams.KeyID)
			e.auth.Publish(faketeams.PublicJWK("rolled-key", faketeams.OtherSigner(), "msteams"))
			if err := e.check(v, mint(t, claims(e.conn.ServiceURL(), e.clock.Now()), "rolled-key", faketeams.OtherSigner()), "msteams"); err != nil {
				t.Fatalf("a token by the new key: %v", err)
			}
			return "msteams", e.conn.ServiceURL()
		}, false},
		{"another key published under its id", func(t *testing.T, e *env, v *Validator) (string, string) {
			e.auth.Withdraw(faketeams.KeyID)
			e.auth.Publish(faketeams.PublicJWK(faketeams.KeyID, faketeams.OtherSigner(), "msteams"))
			// A token naming a key the validator does not know makes it
			// fetch the set again.
			if err := e.check(v, mint(t, claims(e.conn.ServiceURL(), e.clock.Now()), "unknown-key", faketeams.OtherSigner()), "msteams"); err == nil {
				t.Fatal("a token by an unknown key was taken")
			}
			return "msteams", e.conn.ServiceURL()
		}, false},
		{"expired", func(t *testing.T, e *env, v *Validator) (string, string) {
			e.clock.Advance(time.Hour + clockSkew + time.Second)
			return "msteams", e.conn.ServiceURL()
		}, false},
		{"a channel its key is not endorsed for", func(t *testing.T, e *env, v *Validator) (string, string) {
			return "webchat", e.conn.ServiceURL()
		}, false},
		{"another service URL", func(t *testing.T, e *env, v *Validator) (string, string) {
			return "msteams", "https://smba.trafficmanager.net/elsewhere/"
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			v := e.validator()
			token := e.token()
			if err := e.check(v, token, "msteams"); err != nil {
				t.Fatalf("the token the first time: %v", err)
			}
			if v.kept() != 1 {
				t.Fatalf("%d tokens kept after one verified, want 1", v.kept())
			}
			channel, url := tc.then(t, e, v)
			_, err := v.AuthenticateRequest(context.Background(), schema.Activity{ChannelID: channel, ServiceURL: url}, "Bearer "+token, nil, "")
			if (err == nil) != tc.ok {
				t.Errorf("the kept token again: %v, want taken %v", err, tc.ok)
			}
		})
	}
}

// TestRefusedTokensAreNotKept: a token whose signature does not verify,
// or whose claims do not hold, is not kept, and is refused again.
func TestRefusedTokensAreNotKept(t *testing.T) {
	e := newEnv(t)
	wrongAudience := claims(e.conn.ServiceURL(), e.clock.Now())
	wrongAudience["aud"] = "another-bot"
	for name, token := range map[string]string{
		"signed by another key than it names": mint(t, claims(e.conn.ServiceURL(), e.clock.Now()), faketeams.KeyID, faketeams.OtherSigner()),
		"for another bot":                     mint(t, wrongAudience, faketeams.KeyID, faketeams.Signer()),
	} {
		v := e.validator()
		for try := range 2 {
			if err := e.check(v, token, "msteams"); err == nil {
				t.Errorf("%s: taken at try %d", name, try+1)
			}
		}
		if v.kept() != 0 {
			t.Errorf("%s: %d tokens kept", name, v.kept())
		}
	}
}

// TestKeptTokensAreBounded: at most maxVerified tokens are kept; when
// that many are, the expired ones make room, and a token beyond the
// bound is verified, not kept.
func TestKeptTokensAreBounded(t *testing.T) {
	e := newEnv(t)
	v := e.validator()
	v.maxVerified = 2
	for i := range 3 {
		if err := e.check(v, e.token(), "msteams"); err != nil {
			t.Fatalf("token %d: %v", i+1, err)
		}
		if want := min(i+1, 2); v.kept() != want {
			t.Errorf("after token %d: %d kept, want %d", i+1, v.kept(), want)
		}
		e.clock.Advance(time.Second) // the next token is another
	}
	e.clock.Advance(time.Hour + clockSkew)
	if err := e.check(v, e.token(), "msteams"); err != nil {
		t.Fatalf("a token after the others expired: %v", err)
	}
	if v.kept() != 1 {
		t.Errorf("after the kept tokens expired and one more: %d kept, want 1", v.kept())
	}
}
