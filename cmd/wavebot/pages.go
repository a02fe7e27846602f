package main

import (
	"log/slog"
	"net/http"

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
