package pagelink

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"wavebot/internal/clock"
)

const secret = "a secret of at least thirty-two bytes, for tests"

var t0 = time.Date(2027, 2, 10, 9, 30, 0, 0, time.UTC)

func signer(t *testing.T, clk clock.Clock, key string) *Signer {
	t.Helper()
	s, err := New("https://wavebot.example.dk/", key, clk)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func tokenOf(t *testing.T, url string) string {
	t.Helper()
	tok, ok := strings.CutPrefix(url, "https://wavebot.example.dk"+Prefix)
	if !ok {
		t.Fatalf("link %s is not under the public address and %s", url, Prefix)
	}
	return tok
}

func TestALinkLeadsToItsPageForItsPersonUntilItExpires(t *testing.T) {
	clk := clock.NewFake(t0)
	s := signer(t, clk, secret)
	tok := tokenOf(t, s.AuthList("slack:U0MARIA", "b3", "ØKF"))
	l, err := s.Verify(tok)
	want := Link{Kind: AuthList, Wave: "b3", FV: "ØKF", Person: "slack:U0MARIA", Expires: t0.Add(TTL)}
	if err != nil || l != want {
		t.Fatalf("Verify = %+v, %v; want %+v", l, err, want)
	}
	clk.Set(t0.Add(TTL - time.Second))
	if _, err := s.Verify(tok); err != nil {
		t.Errorf("a second before expiry: %v", err)
	}
	clk.Set(t0.Add(TTL))
	l, err = s.Verify(tok)
	if !errors.Is(err, ErrExpired) || l.Wave != "b3" || l.Person != "slack:U0MARIA" {
		t.Errorf("at expiry: %+v, %v; want ErrExpired with the link, so the page can say how to get a new one", l, err)
	}
	tpl := tokenOf(t, s.Template("maria", "BUF"))
	clk.Set(t0)
	if l, err := s.Verify(tpl); err != nil || l.Kind != Template || l.FV != "BUF" || l.Wave != "" {
		t.Errorf("template link: %+v, %v", l, err)
	}
}

func TestATamperedLinkIsRefused(t *testing.T) {
	clk := clock.NewFake(t0)
	s := signer(t, clk, secret)
	tok := s.Token(Link{Kind: AuthList, Wave: "b3", FV: "BUF", Person: "maria"})
	payload, sig, _ := strings.Cut(tok, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(payload)
	forge := func(from, to string) string {
		return base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), from, to, 1))) + "." + sig
	}
	other := signer(t, clk, secret+" but another")
	for name, bad := range map[string]string{
		"another person":        forge("|maria|", "|jens|"),
		"another enrolment":     forge("|BUF|", "|SUF|"),
		"another wave":          forge("|b3|", "|b4|"),
		"another page":          forge("1|al|", "1|wt|"),
		"a later expiry":        forge("|"+string(raw[strings.LastIndex(string(raw), "|")+1:]), "|9999999999"),
		"no signature":          payload,
		"an empty signature":    payload + ".",
		"a cut signature":       tok[:len(tok)-2],
		"garbage":               "!!!.???",
		"empty":                 "",
		"another deployment's":  other.Token(Link{Kind: AuthList, Wave: "b3", FV: "BUF", Person: "maria"}),
		"very long":             strings.Repeat("A", 10000) + "." + sig,
		"a form token as token": payload + "." + s.FormToken(tok),
	} {
		if l, err := s.Verify(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: Verify = %+v, %v; want ErrInvalid", name, l, err)
		}
	}
	// Made by this signer, but not of a known page or version.
	for _, payload := range []string{"2|al|b3|BUF|maria|99999999999", "1|xx|b3|BUF|maria|99999999999", "1|al|b3|BUF|maria", "1|al|b3|BUF|maria|soon"} {
		tok := base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + base64.RawURLEncoding.EncodeToString(sign(s.linkKey, payload))
		if _, err := s.Verify(tok); !errors.Is(err, ErrInvalid) {
			t.Errorf("payload %q: err = %v, want ErrInvalid", payload, err)
		}
	}
}

func TestFormTokensBelongToOneLink(t *testing.T) {
	s := signer(t, clock.NewFake(t0), secret)
	mine := s.Token(Link{Kind: AuthList, Wave: "b3", FV: "BUF", Person: "maria"})
	theirs := s.Token(Link{Kind: AuthList, Wave: "b3", FV: "BUF", Person: "jens"})
	if !s.CheckForm(mine, s.FormToken(mine)) {
		t.Error("a page's own form token is refused")
	}
	for name, v := range map[string]string{
		"another link's":  s.FormToken(theirs),
		"empty":           "",
		"the link itself": mine,
		"another secret":  signer(t, clock.NewFake(t0), secret+"!").FormToken(mine),
	} {
		if s.CheckForm(mine, v) {
			t.Errorf("%s form token accepted", name)
		}
	}
}

func TestNewRefusesWeakConfiguration(t *testing.T) {
	for _, tc := range []struct{ url, secret string }{
		{"https://wavebot.example.dk", "short"},
		{"wavebot.example.dk", secret},
		{"ftp://wavebot.example.dk", secret},
		{"https://", secret},
		{"https://wavebot.example.dk/?x=1", secret},
	} {
		if _, err := New(tc.url, tc.secret, clock.NewFake(t0)); err == nil {
			t.Errorf("New(%q, %d bytes) accepted", tc.url, len(tc.secret))
		}
	}
	s, err := New("http://localhost:8080/wavebot/", secret, clock.NewFake(t0))
	if err != nil || !strings.HasPrefix(s.AuthList("maria", "b3", "BUF"), "http://localhost:8080/wavebot/p/") {
		t.Errorf("a path under the host: %v", err)
	}
}
