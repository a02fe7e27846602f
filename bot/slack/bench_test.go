package slack

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"wavebot/bot/slack/fakeslack"
	"wavebot/commands"
)

// BenchmarkSlashCommand is /wave status b3/BUF through the endpoint on
// bolt, without the network: "verify" only checks the signature and
// answers a constant, "render" only turns the reply into Block Kit JSON,
// "endpoint" does all of it with the command in between. The load
// generator (cmd/wavebench) measures the same over HTTP on Redis.
func BenchmarkSlashCommand(b *testing.B) {
	f := newFixture(b)
	mux := http.NewServeMux()
	f.bot.Routes(mux)
	body := fakeslack.SlashCommand("UVERA", "C1", "status b3/BUF", f.api.ResponseURL("r"))
	request := func() *http.Request {
		req := httptest.NewRequest("POST", "/slack/commands", bytes.NewReader(body))
		fakeslack.Sign(req, secret, f.clock.Now(), body)
		return req
	}
	b.Run("verify", func(b *testing.B) {
		for b.Loop() {
			rec := httptest.NewRecorder()
			if _, err := f.bot.verify.read(rec, request()); err != nil {
				b.Fatal(err)
			}
			rec.Write([]byte(`{"text":"ok"}`))
		}
	})
	reply := f.cmds.Handle(context.Background(), commands.Request{Caller: commands.Caller{ID: "slack:UVERA"}, Text: "status b3/BUF"})
	b.Run("render", func(b *testing.B) {
		for b.Loop() {
			if _, err := encode(render(reply, maxMessageBlocks)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("endpoint", func(b *testing.B) {
		for b.Loop() {
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, request())
			if rec.Code != 200 {
				b.Fatal(rec.Code)
			}
		}
	})
}
