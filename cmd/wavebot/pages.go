package main

import (
	"log/slog"
	"math"
	"net/http"
	"strings"

	"wavebot/commands"
	"wavebot/internal/clock"
	"wavebot/internal/pagelink"
	"wavebot/web"
)

// pagesConfig is where people reach wavebot's web pages and the secret
// their links are signed with; both empty when the pages are off.
type pagesConfig struct {
	PublicURL, LinkSecret string
}

// loadPages reads WAVEBOT_PUBLIC_URL and WAVEBOT_LINK_SECRET: both or
// neither. The secret is a variable of its own, not derived from a chat
// platform's, so rotating a Slack or Teams secret does not break links
// and a deployment in one platform only, or the console, has one too;
// every replica needs the same. Each problem names its variable.
func loadPages(e vars, p *problems) pagesConfig {
	c := pagesConfig{PublicURL: e.get("WAVEBOT_PUBLIC_URL"), LinkSecret: e.get("WAVEBOT_LINK_SECRET")}
	switch {
	case c.PublicURL == "" && c.LinkSecret == "":
		return c
	case c.LinkSecret == "":
		p.add("WAVEBOT_LINK_SECRET", "is missing: the links to the pages under WAVEBOT_PUBLIC_URL are signed with it; make one with: openssl rand -base64 32")
		return pagesConfig{}
	case c.PublicURL == "":
		p.add("WAVEBOT_PUBLIC_URL", "is missing: give the address people reach wavebot serve at, e.g. https://wavebot.example.dk")
		return pagesConfig{}
	}
	switch {
	case strings.TrimSpace(c.LinkSecret) == examplePlaceholder:
		p.add("WAVEBOT_LINK_SECRET", "is the example file's placeholder, which anyone can read: make a secret with: openssl rand -base64 32")
		return pagesConfig{}
	case len(c.LinkSecret) >= pagelink.MinSecret && (secretBits(c.LinkSecret) < minSecretBits || repeats(c.LinkSecret)):
		p.add("WAVEBOT_LINK_SECRET", "has too little variety to be guessed by nobody (a character repeated, a short pattern): make a secret with: openssl rand -base64 32")
		return pagesConfig{}
	}
	if _, err := pagelink.New(c.PublicURL, c.LinkSecret, clock.System{}); err != nil {
		if len(c.LinkSecret) < pagelink.MinSecret {
			p.add("WAVEBOT_LINK_SECRET", "%v", err)
		} else {
			p.add("WAVEBOT_PUBLIC_URL", "%q: %v", c.PublicURL, err)
		}
		return pagesConfig{}
	}
	return c
}

// examplePlaceholder is WAVEBOT_LINK_SECRET in deploy/wavebot.env.example,
// which every deployment must replace.
const examplePlaceholder = "replace-with-the-output-of-openssl-rand-base64-32"

// minSecretBits is the least a link secret's characters must be worth,
// as secretBits counts: openssl rand -base64 32 gives about 200.
const minSecretBits = 128

// secretBits estimates what secret is worth against guessing from how
// its bytes are spread: the Shannon entropy of their frequencies, in
// bits, times its length. One character repeated is worth 0, a pattern
// of two alternating 1 bit a character. It cannot see a secret that is
// a known text, so the placeholder is refused by name.
func secretBits(secret string) float64 {
	counts := map[byte]int{}
	for i := range len(secret) {
		counts[secret[i]]++
	}
	n := float64(len(secret))
	bits := 0.0
	for _, c := range counts {
		p := float64(c) / n
		bits -= p * math.Log2(p)
	}
	return bits * n
}

// repeats reports whether s is a shorter part of it over and over
// ("0123012301230123…"), which secretBits can rate high.
func repeats(s string) bool {
	for p := 1; p <= len(s)/2; p++ {
		if s[p:] == s[:len(s)-p] {
			return true
		}
	}
	return false
}

// links signs the pages' links by clk; nil when the pages are off.
func (p pagesConfig) links(clk clock.Clock) *pagelink.Signer {
	if p.PublicURL == "" {
		return nil
	}
	s, _ := pagelink.New(p.PublicURL, p.LinkSecret, clk)
	return s
}

// linksOf is links as the dispatcher takes them: a nil interface when the
// pages are off.
func linksOf(s *pagelink.Signer) commands.Links {
	if s == nil {
		return nil
	}
	return s
}

// withPages serves the pages beside h when they are on.
func withPages(h http.Handler, d *commands.Dispatcher, links *pagelink.Signer, logger *slog.Logger) http.Handler {
	if links == nil {
		return h
	}
	mux := http.NewServeMux()
	mux.Handle("/", h)
	web.New(d, links, logger).Routes(mux)
	return mux
}
