package slack

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"wavebot/bot/slack/fakeslack"
)

// fuzzEndpoint sends arbitrary bodies to one endpoint, signed and not.
// Nothing panics and no answer is a server error; an unsigned body is
// refused, reaches nobody and changes nothing; a signed one is answered,
// refused as unreadable, or refused as from another workspace (one that
// names none, too), which also reaches nobody and changes nothing.
func fuzzEndpoint(f *testing.F, path string, seeds ...[]byte) {
	for _, s := range seeds {
		f.Add(s, true)
		f.Add(s, false)
	}
	fx := newFixture(f)
	mux := http.NewServeMux()
	fx.bot.Routes(mux)
	f.Fuzz(func(t *testing.T, body []byte, signed bool) {
		fx.t = t
		before, calls := fx.snapshot(), len(fx.api.Calls(""))
		req := httptest.NewRequest("POST", path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if signed {
			fakeslack.Sign(req, secret, fx.clock.Now(), body)
		} else {
			req.Header.Set("X-Slack-Request-Timestamp", "1800000000")
			req.Header.Set("X-Slack-Signature", "v0="+strings.Repeat("ab", 32))
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		fx.bot.Wait()
		switch {
		case !signed && rec.Code != http.StatusUnauthorized:
			t.Fatalf("unsigned %q: %d", body, rec.Code)
		case !signed && (fx.snapshot() != before || len(fx.api.Calls("")) != calls):
			t.Fatalf("unsigned %q changed the store or reached Slack", body)
		case signed && rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest && rec.Code != http.StatusForbidden:
			t.Fatalf("signed %q: %d %s", body, rec.Code, rec.Body)
		case rec.Code == http.StatusForbidden && (fx.snapshot() != before || len(fx.api.Calls("")) != calls):
			t.Fatalf("%q from another workspace changed the store or reached Slack", body)
		}
	})
}

func FuzzCommands(f *testing.F) {
	fuzzEndpoint(f, "/slack/commands",
		fakeslack.SlashCommand("UANNA", "C1", "status b3/BUF", "http://127.0.0.1:1/r"),
		fakeslack.SlashCommand("UMARIA", "D1", "contact b3/BUF <@UKIM|kim> &lt;x&gt;", ""),
		fakeslack.SlashCommand("U", "C1", "", "::"),
		[]byte("user_id=UANNA&text=%ZZ"), []byte(""), []byte("text=wave+create+b9+2027-03-01&user_id=UANNA"))
}

func FuzzEvents(f *testing.F) {
	fuzzEndpoint(f, "/slack/events",
		[]byte(`{"type":"url_verification","challenge":"c"}`),
		fakeslack.Event("Ev1", map[string]any{"type": "app_mention", "user": "UANNA", "text": "<@UWAVEBOT> status", "channel": "C1", "ts": "1.1"}),
		fakeslack.Event("Ev2", map[string]any{"type": "message", "channel_type": "im", "user": "UVERA", "text": "my", "channel": "D1"}),
		fakeslack.Event("Ev3", map[string]any{"type": "app_home_opened", "user": "UVERA", "tab": "home"}),
		[]byte(`{"type":"event_callback","event_id":"E","event":null}`), []byte(`{"type":"event_callback","event":{"type":"message","subtype":"message_changed","message":7}}`),
		[]byte(`[`), []byte(``))
}

func FuzzInteractions(f *testing.F) {
	fuzzEndpoint(f, "/slack/interactions",
		fakeslack.BlockAction("UMARIA", "wavebot.0", "OK", "auth ok b3/BUF", ""),
		fakeslack.BlockAction("UVERA", "wavebot.1", "x", "done b3/BUF info", "http://127.0.0.1:1/r"),
		[]byte("payload=%7B%22type%22%3A%22block_actions%22%7D"), []byte("payload=nope"), []byte(""))
}
