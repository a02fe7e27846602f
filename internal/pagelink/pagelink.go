// Package pagelink makes and checks the signed links that lead from chat
// to wavebot's web pages. A link names the page (an enrolment's
// authorization list, a forvaltning's authorization template), the person
// it was made for and when it expires, and carries an HMAC-SHA256 over all
// of that: whoever opens it acts as that person on that page until it
// expires, and changing any part of it breaks it. The keys are derived
// from one secret with HKDF, one key per use, so a link's signature can
// never stand in for a form's CSRF token or the other way round.
package pagelink

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// TTL is how long a link works. A new one comes from the chat command.
const TTL = 24 * time.Hour

// MinSecret is the shortest secret accepted, in bytes.
const MinSecret = 32

// Errors of Verify.
var (
	// ErrInvalid: the token was not made by this deployment, or was changed.
	ErrInvalid = errors.New("pagelink: invalid link")
	// ErrExpired: the token is genuine but too old; Verify returns its Link.
	ErrExpired = errors.New("pagelink: link expired")
)

// Kind is the page a link leads to.
type Kind string

// The pages.
const (
	// AuthList is an enrolment's authorization list.
	AuthList Kind = "al"
	// Template is a forvaltning's authorization template and decisions.
	Template Kind = "wt"
	// Timeline is a wave's timeline picture.
	Timeline Kind = "tl"
)

// Link is what a token says: which page, for whom, until when.
type Link struct {
	Kind    Kind
	Wave    string // empty for a template
	FV      string
	Person  string
	Expires time.Time
}

// Clock tells the time links are made and checked at; tests pass a fake.
type Clock interface {
	Now() time.Time
}

// Signer makes and checks links of one deployment.
type Signer struct {
	base    string
	linkKey []byte
	csrfKey []byte
	clock   Clock
}

// New returns a signer for links under publicURL (the address people reach
// wavebot serve at, absolute http or https) keyed by secret.
func New(publicURL, secret string, clk Clock) (*Signer, error) {
	u, err := url.Parse(publicURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("give the absolute address people reach wavebot at, e.g. https://wavebot.example.dk")
	}
	if len(secret) < MinSecret {
		return nil, fmt.Errorf("the secret must be at least %d bytes; make one with: openssl rand -base64 32", MinSecret)
	}
	s := &Signer{base: strings.TrimSuffix(u.String(), "/"), clock: clk}
	if s.linkKey, err = hkdf.Key(sha256.New, []byte(secret), nil, "wavebot page link v1", 32); err != nil {
		return nil, err
	}
	if s.csrfKey, err = hkdf.Key(sha256.New, []byte(secret), nil, "wavebot form token v1", 32); err != nil {
		return nil, err
	}
	return s, nil
}

// Base is the public address links are built on, without a trailing slash.
func (s *Signer) Base() string { return s.base }

// Prefix is the path under which every page of a link lives: /p/TOKEN.
const Prefix = "/p/"

// URL is the absolute address of the page l names, expiring TTL from now
// unless l says when.
func (s *Signer) URL(l Link) string {
	return s.base + Prefix + s.Token(l)
}

// AuthList is a link for person to the authorization list of enrolment waveID/fv.
func (s *Signer) AuthList(person, waveID, fv string) string {
	return s.URL(Link{Kind: AuthList, Wave: waveID, FV: fv, Person: person})
}

// Template is a link for person to forvaltning fv's authorization template.
func (s *Signer) Template(person, fv string) string {
	return s.URL(Link{Kind: Template, FV: fv, Person: person})
}

// Timeline is a link for person to the timeline picture of wave waveID.
func (s *Signer) Timeline(person, waveID string) string {
	return s.URL(Link{Kind: Timeline, Wave: waveID, Person: person})
}

// CalendarPrefix is the path of the calendar feeds: /calendar/TOKEN.ics.
// A feed's address is not signed: its token is a secret the person's
// record holds, which "calendar reset" replaces, and calendar clients
// fetch it for as long as it stands.
const CalendarPrefix = "/calendar/"

// Calendar is the address of the calendar feed whose token is token.
func (s *Signer) Calendar(token string) string {
	return s.base + CalendarPrefix + token + ".ics"
}

// TTL is how long the links work.
func (s *Signer) TTL() time.Duration { return TTL }

// Token signs l: its fields, then the signature, base64url without padding.
func (s *Signer) Token(l Link) string {
	if l.Expires.IsZero() {
		l.Expires = s.clock.Now().Add(TTL)
	}
	payload := strings.Join([]string{"1", string(l.Kind), l.Wave, l.FV, l.Person, strconv.FormatInt(l.Expires.Unix(), 10)}, "|")
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + base64.RawURLEncoding.EncodeToString(sign(s.linkKey, payload))
}

// sign is the first 16 bytes of the HMAC-SHA256 of text.
func sign(key []byte, text string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(text))
	return m.Sum(nil)[:16]
}

// maxToken bounds what Verify reads: a person id and a wave id are short.
const maxToken = 512

// Verify checks a token and returns its link: ErrInvalid when it is not
// genuine, ErrExpired (with the link) when it is too old.
func (s *Signer) Verify(token string) (Link, error) {
	if len(token) > maxToken {
		return Link{}, ErrInvalid
	}
	p, sig, ok := strings.Cut(token, ".")
	if !ok {
		return Link{}, ErrInvalid
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	mac, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, sign(s.linkKey, string(payload))) {
		return Link{}, ErrInvalid
	}
	f := strings.Split(string(payload), "|")
	if len(f) != 6 || f[0] != "1" {
		return Link{}, ErrInvalid
	}
	exp, err := strconv.ParseInt(f[5], 10, 64)
	if err != nil {
		return Link{}, ErrInvalid
	}
	l := Link{Kind: Kind(f[1]), Wave: f[2], FV: f[3], Person: f[4], Expires: time.Unix(exp, 0).UTC()}
	if l.Kind != AuthList && l.Kind != Template && l.Kind != Timeline {
		return Link{}, ErrInvalid
	}
	if !s.clock.Now().Before(l.Expires) {
		return l, ErrExpired
	}
	return l, nil
}

// FormToken is the CSRF token of every form on the page of token: only a
// page served for that link can post to it.
func (s *Signer) FormToken(token string) string {
	return base64.RawURLEncoding.EncodeToString(sign(s.csrfKey, token))
}

// CheckForm reports whether value is the form token of token.
func (s *Signer) CheckForm(token, value string) bool {
	got, err := base64.RawURLEncoding.DecodeString(value)
	return err == nil && hmac.Equal(got, sign(s.csrfKey, token))
}
