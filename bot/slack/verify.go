package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"wavebot/internal/clock"
)

// Limits of a request from Slack, as its request-signing documentation
// sets them.
const (
	// MaxBody is the largest request body read; a larger one is refused
	// with 413 before anything is parsed.
	MaxBody = 1 << 20
	// MaxSkew is how far a request's timestamp may be from the clock.
	MaxSkew = 5 * time.Minute
)

// Reasons a request is refused.
var (
	errMissingHeaders = errors.New("slack: missing signature or timestamp")
	errBadTimestamp   = errors.New("slack: timestamp is not a number or too far from now")
	errBadSignature   = errors.New("slack: signature does not match")
	errTooLarge       = errors.New("slack: request body over 1 MiB")
)

// verifier checks Slack's v0 request signature: HMAC-SHA256 with the
// signing secret over "v0:timestamp:body", compared in constant time,
// with the timestamp at most MaxSkew from the clock. slack-go's
// SecretsVerifier reads the real time; this one reads an injected clock.
type verifier struct {
	secret []byte
	clock  clock.Clock
}

// read reads r's body, at most MaxBody bytes, and returns it when its
// signature is Slack's. Nothing of the body is parsed before that.
func (v verifier) read(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > MaxBody {
		return nil, errTooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, errTooLarge
		}
		return nil, err
	}
	return body, v.check(r.Header.Get("X-Slack-Request-Timestamp"), r.Header.Get("X-Slack-Signature"), body)
}

// check verifies one signature over body.
func (v verifier) check(timestamp, signature string, body []byte) error {
	if len(v.secret) == 0 {
		return errBadSignature // anyone could sign with an empty secret
	}
	if timestamp == "" || signature == "" {
		return errMissingHeaders
	}
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil || ts < 0 || ts > 1<<40 {
		return errBadTimestamp
	}
	if skew := v.clock.Now().Sub(time.Unix(ts, 0)); skew > MaxSkew || skew < -MaxSkew {
		return errBadTimestamp
	}
	sent, ok := strings.CutPrefix(signature, "v0=")
	if !ok {
		return errBadSignature
	}
	got, err := hex.DecodeString(sent)
	if err != nil || !hmac.Equal(got, sign(v.secret, timestamp, body)) {
		return errBadSignature
	}
	return nil
}

// sign computes the v0 signature of body sent at timestamp.
func sign(secret []byte, timestamp string, body []byte) []byte {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("v0:" + timestamp + ":"))
	mac.Write(body)
	return mac.Sum(nil)
}
