package slack

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"wavebot/bot/slack/fakeslack"
	"wavebot/commands"
	"wavebot/storage/redis"
	"wavebot/storage/redis/redistest"
)

// BenchmarkSlashCommand is /wave status b3/BUF through the endpoint,
// without the network: "verify" only checks the signature and answers a
// constant, "render" only turns the reply into Block Kit JSON,
// "endpoint" does all of it with the command in between, on bolt, and
// "endpoint-redis" on Redis read through the replica's cache as serve
// does. The load generator (cmd/wavebench) measures the same over HTTP.
func BenchmarkSlashCommand(b *testing.B) {
	s, err := redis.Open(context.Background(), redistest.URL(b), redistest.Prefix(b), dueFunc)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	for name, f := range map[string]*fixture{"endpoint": newFixture(b), "endpoint-redis": newFixtureOn(b, s.CachedReads())} {
		mux := http.NewServeMux()
		f.bot.Routes(mux)
		body := fakeslack.SlashCommand("UVERA", "C1", "status b3/BUF", f.api.ResponseURL("r"))
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest("POST", "/slack/commands", bytes.NewReader(body))
				fakeslack.Sign(req, secret, f.clock.Now(), body)
				rec := httptest.NewRecorder()
				mux.ServeHTTP(rec, req)
				if rec.Code != 200 || !bytes.Contains(rec.Body.Bytes(), []byte("b3/BUF")) {
					b.Fatal(rec.Code, rec.Body)
				}
			}
		})
	}
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
}
