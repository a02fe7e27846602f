package teams

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"math/big"
	"testing"
	"time"

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
