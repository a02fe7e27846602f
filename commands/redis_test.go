package commands

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"wavebot/internal/catalog"
	"wavebot/storage"
	"wavebot/storage/redis"
	"wavebot/storage/redis/redistest"
	"wavebot/wave"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// roundTrips counts what the client sends: one per command, one per pipeline.
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) DialHook(next goredis.DialHook) goredis.DialHook { return next }
func (r *roundTrips) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error { r.n.Add(1); return next(ctx, cmd) }
}
func (r *roundTrips) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error { r.n.Add(1); return next(ctx, cmds) }
}

// newRedisFixture is the fixture on a Redis store at url, with the round
// trips of its client counted.
func newRedisFixture(t testing.TB, url string) (*fixture, *roundTrips) {
	t.Helper()
	s, rt := redisStore(t, url)
	return newFixtureOn(t, s), rt
}

// redisStore is an empty Redis store at url, with the round trips of its
// client counted.
func redisStore(t testing.TB, url string) (storage.Store, *roundTrips) {
	t.Helper()
	rdb, err := redis.NewClient(url)
	if err != nil {
		t.Fatal(err)
	}
	rt := &roundTrips{}
	rdb.AddHook(rt)
	s, err := redis.New(context.Background(), rdb, redistest.Prefix(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	return s, rt
}

func TestOnRedis(t *testing.T) {
	f, _ := newRedisFixture(t, redistest.URL(t))
	f.ok("maria: done b3/BUF info")
	f.refused("maria: done b3/SUF pc", "KS-opgave")
	wantIn(t, f.ok("vera: status b3/BUF"), `"Done":1,"Skipped":0,"Total":9`, "@maria")
}

func TestRoundTripsPerCommand(t *testing.T) {
	f, rt := newRedisFixture(t, redistest.URL(t))
	tests := []struct {
		line string
		max  int64
	}{
		{"anna: status b3/BUF", 2},
		{"anna: wave show b3", 2},
		{"anna: done b3/BUF kickoff", 3},
		{"maria: done b3/BUF info", 3},
		{"anna: auth request b3/BUF 2027-01-27", 3},
	}
	for _, tt := range tests {
		before := rt.n.Load()
		f.ok(tt.line)
		if got := rt.n.Load() - before; got > tt.max {
			t.Errorf("%s: %d round trips, want at most %d", tt.line, got, tt.max)
		}
	}
}

// TestRedisDown: with Redis gone every command answers that storage is
// unavailable and nothing changed, and once Redis is back the next command
// works without a restart.
func TestRedisDown(t *testing.T) {
	srv := redistest.Start(t)
	f, _ := newRedisFixture(t, srv.URL())
	srv.Stop()
	for _, line := range []string{"anna: done b3/BUF kickoff", "anna: status b3", "maria: my", "newcomer: help"} {
		r := f.do(line)
		if !r.Refused || !strings.Contains(r.Lines[0], "Databasen kan ikke nås lige nu; intet blev ændret") {
			t.Errorf("%s with Redis down: %v", line, r.Lines)
		}
	}
	srv.Restart(t)
	// The client probes a server that refused it once a second.
	if err := redistest.Eventually(5*time.Second, func() error { return f.store.Ping(context.Background()) }); err != nil {
		t.Fatal(err)
	}
	// The restarted server is empty (no persistence configured), so start over.
	f.ok("anna: wave create b9 2027-02-01")
	wantIn(t, f.ok("anna: wave list"), "b9")
}

// uncertainStore is a store whose wave writes reach it and then go
// unanswered: it may have stored them.
type uncertainStore struct{ storage.Store }

func (uncertainStore) UpdateWave(context.Context, string, storage.WaveChange) (wave.Wave, error) {
	return wave.Wave{}, fmt.Errorf("write: %w: %w", storage.ErrUnavailable, storage.ErrOutcomeUnknown)
}

// TestUnansweredChangeIsNotCalledUnchanged: when the store may have kept
// a change it did not confirm, the reply does not say nothing was changed.
func TestUnansweredChangeIsNotCalledUnchanged(t *testing.T) {
	f := newFixture(t)
	f.d.cfg.Store = uncertainStore{f.store}
	r := f.do("anna: done b3/BUF kickoff")
	if !r.Refused || !strings.Contains(r.Lines[0], "den er måske gemt") || strings.Contains(r.Lines[0], "intet blev ændret") {
		t.Errorf("reply %q", r.Lines)
	}
}

// TestFullStoreSaysSo: on a Redis at its maxmemory with eviction off,
// a change and a brand-new person's first command are answered "the
// store is full; nothing was changed" in the person's language, counted
// as full, and what only reads still answers.
func TestFullStoreSaysSo(t *testing.T) {
	srv := redistest.Start(t, "--maxmemory-policy", "noeviction")
	s, _ := redisStore(t, srv.URL())
	f := newFixtureOn(t, s)
	f.ok("kim: lang en")
	srv.ConfigSet(t, "maxmemory", "1")
	for line, lang := range map[string]string{
		"anna: wave create b9 2027-05-03":    "da",
		"kim: due b3/BUF kickoff 2027-02-15": "en",
		"newcomer: help":                     "da",
	} {
		f.refused(line, catalog.StorageFull.In(lang))
	}
	if got := f.ok("anna: status b3/BUF"); !strings.Contains(got, "BUF") {
		t.Errorf("status on a full store: %s", got)
	}
	if got := outcomeOf(fmt.Errorf("update wave b3: %w", storage.ErrFull)); got != Full {
		t.Errorf("a full store's refusal counts as %q, want %q", got, Full)
	}
}
