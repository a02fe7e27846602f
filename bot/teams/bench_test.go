package teams

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"wavebot/storage"
	"wavebot/storage/redis"
	"wavebot/storage/redis/redistest"
	"wavebot/wave"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// BenchmarkMessage measures one "status b3/BUF" message through the
// endpoint: token validation with cached keys, the command, the card
// rendered and posted to the fake connector with a cached token. On bolt
// ("endpoint") each message's writes wait for the disk; on Redis, read
// through the cache as serve runs it ("endpoint-redis"), it costs what
// serve's processor does.
func BenchmarkMessage(b *testing.B) {
	rs, err := redis.Open(context.Background(), redistest.URL(b), redistest.Prefix(b), storage.DueFunc(func(wave.Wave) (time.Time, bool) { return time.Time{}, false }))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { rs.Close() })
	onRedis := newEnv(b)
	onRedis.serveFrom(rs.CachedReads())
	sent := 0
	for _, tc := range []struct {
		name string
		e    *env
	}{{"endpoint", newEnv(b)}, {"endpoint-redis", onRedis}} {
		e := tc.e
		for _, line := range []string{"wave create b3 2027-02-01", "wave enroll b3 BUF", "contact b3/BUF @teams:" + mariaAAD} {
			e.say(anna, line)
		}
		token := e.token()
		act := e.message(maria, "status b3/BUF")
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				sent++
				act["id"] = fmt.Sprintf("bench-%d", sent)
				body, _ := json.Marshal(act)
				if code := e.postRaw(body, "Bearer "+token); code != 200 {
					b.Fatalf("answered %d", code)
				}
			}
		})
	}
}

// BenchmarkTokenCheck measures the check of the token the Bot Connector
// sends with every activity for about an hour: verified once and kept
// ("kept"), and verified every time ("verified", with nothing kept).
func BenchmarkTokenCheck(b *testing.B) {
	e := newEnv(b)
	token := "Bearer " + e.token()
	act := schema.Activity{ChannelID: "msteams", ServiceURL: e.conn.ServiceURL()}
	for _, tc := range []struct {
		name string
		keep int
	}{{"kept", maxVerified}, {"verified", 0}} {
		b.Run(tc.name, func(b *testing.B) {
			v := NewValidator(appID, e.auth.MetadataURL(), http.DefaultClient, e.clock)
			v.maxVerified = tc.keep
			b.ReportAllocs()
			for range b.N {
				if _, err := v.AuthenticateRequest(context.Background(), act, token, nil, ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
