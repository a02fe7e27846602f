package teams

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"wavebot/notify"
)

// digestFor is a one-reminder digest to person.
func digestFor(person string) notify.Digest {
	return notify.Digest{Recipient: person, Reminders: []notify.Reminder{{Kind: notify.AuthSoon, Wave: "b3", FV: "BUF"}}}
}

// TestTokenEndpointFailures: an unreachable token endpoint, or one that
// refuses the bot, is an error, never a panic or an empty token; nothing
// is cached, so the next send fetches again.
func TestTokenEndpointFailures(t *testing.T) {
	e := newEnv(t)
	e.say(anna, "help") // anna's chat is stored, and a token cached
	e.clock.Advance(2 * time.Hour)
	e.auth.FailTokens(http.StatusUnauthorized)
	sent := len(e.conn.Requests())
	for range 2 {
		err := e.bot.Notify(context.Background(), digestFor("teams:"+annaAAD))
		if err == nil || !strings.Contains(err.Error(), "401") || errors.Is(err, notify.ErrUndeliverable) {
			t.Errorf("refused token: %v", err)
		}
	}
	if _, _, n := e.auth.Counts(); n != 3 {
		t.Errorf("token fetched %d times, want every send to ask again", n)
	}
	if n := len(e.conn.Requests()); n != sent {
		t.Errorf("%d requests reached the connector without a token", n-sent)
	}
	// The endpoint answers again: the next send gets a token of its own.
	e.auth.FailTokens(0)
	if err := e.bot.Notify(context.Background(), digestFor("teams:"+annaAAD)); err != nil {
		t.Fatal(err)
	}
	if got := e.conn.Requests(); got[len(got)-1].Bearer != "bot-token-4" {
		t.Errorf("sent with token %q", got[len(got)-1].Bearer)
	}
	// Unreachable.
	e.clock.Advance(2 * time.Hour)
	e.auth.Close()
	err := e.bot.Notify(context.Background(), digestFor("teams:"+annaAAD))
	if err == nil || !strings.Contains(err.Error(), "get bot token") {
		t.Errorf("unreachable token endpoint: %v", err)
	}
}

// TestOneTokenFetchForConcurrentSends: many sends at once while no token
// is cached wait for one fetch, and all use its token.
func TestOneTokenFetchForConcurrentSends(t *testing.T) {
	e := newEnv(t)
	e.say(anna, "help")
	e.clock.Advance(2 * time.Hour)
	gate, arrived := make(chan struct{}), make(chan struct{}, 100)
	e.auth.HoldTokens(gate, arrived)
	const sends = 20
	errs := make(chan error, sends)
	var wg sync.WaitGroup
	for range sends {
		wg.Go(func() { errs <- e.bot.Notify(context.Background(), digestFor("teams:"+annaAAD)) })
	}
	select {
	case <-arrived:
	case <-time.After(time.Minute):
		t.Fatal("no token request")
	}
	close(gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if _, _, n := e.auth.Counts(); n != 2 {
		t.Errorf("%d token fetches, want 1 after the first", n-1)
	}
	got := e.conn.Requests()
	if len(got) != sends+1 {
		t.Fatalf("%d messages", len(got))
	}
	for _, r := range got[1:] {
		if r.Bearer != "bot-token-2" {
			t.Errorf("sent with %q", r.Bearer)
		}
	}
}

// TestConnectorAnswers: a 429 is a rate limit with its Retry-After, a 403
// or 404 is undeliverable, a 5xx is an error delivery retries, and a 401
// drops the cached token.
func TestConnectorAnswers(t *testing.T) {
	e := newEnv(t)
	e.say(anna, "help")
	for _, tc := range []struct {
		status      int
		retryAfter  string
		wantWait    time.Duration
		undeliverab bool
	}{
		{http.StatusTooManyRequests, "7", 7 * time.Second, false},
		{http.StatusTooManyRequests, e.clock.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat), 90 * time.Second, false},
		{http.StatusForbidden, "", 0, true},
		{http.StatusNotFound, "", 0, true},
		{http.StatusBadGateway, "", 0, false},
	} {
		e.conn.Answer(tc.status, tc.retryAfter)
		err := e.bot.Notify(context.Background(), digestFor("teams:"+annaAAD))
		rl, isRate := errors.AsType[*notify.RateLimitError](err)
		switch {
		case err == nil:
			t.Errorf("%d: no error", tc.status)
		case tc.wantWait > 0 && (!isRate || rl.RetryAfter != tc.wantWait):
			t.Errorf("%d %q: %v, want a rate limit of %v", tc.status, tc.retryAfter, err, tc.wantWait)
		case errors.Is(err, notify.ErrUndeliverable) != tc.undeliverab:
			t.Errorf("%d: %v, undeliverable %v", tc.status, err, !tc.undeliverab)
		}
	}
	e.conn.Answer(http.StatusUnauthorized, "")
	_, _, before := e.auth.Counts()
	e.bot.Notify(context.Background(), digestFor("teams:"+annaAAD))
	e.bot.Notify(context.Background(), digestFor("teams:"+annaAAD))
	if _, _, after := e.auth.Counts(); after != before+1 {
		t.Errorf("a refused token was used again: %d fetches", after-before)
	}
}

// TestRepliesReuseConnections: calls to the Bot Connector keep their
// connections alive for the next ones: eight replies in flight at once,
// three times over, open eight connections, not eight for each burst.
func TestRepliesReuseConnections(t *testing.T) {
	e := newEnv(t)
	e.say(anna, "help") // anna's chat is stored, and a token cached
	before := e.conn.Connections()
	const inFlight = 8
	e.conn.Gather(inFlight)
	for burst := range 3 {
		var wg sync.WaitGroup
		for range inFlight {
			wg.Go(func() {
				if err := e.bot.Notify(context.Background(), digestFor("teams:"+annaAAD)); err != nil {
					t.Errorf("burst %d: %v", burst, err)
				}
			})
		}
		wg.Wait()
	}
	if n := e.conn.Connections() - before; n > inFlight {
		t.Errorf("%d replies, %d at once, opened %d connections to the connector, want at most %d", 3*inFlight, inFlight, n, inFlight)
	}
}
