package commands

import (
	"context"
	"strings"
	"testing"

	"wavebot/commands/commandstest"
	"wavebot/storage"
	"wavebot/storage/bolt"
	"wavebot/storage/redis/redistest"
)

// BenchmarkDispatch measures whole commands, parse to stored reply, on each
// store: go test -bench Dispatch -benchmem ./commands
func BenchmarkDispatch(b *testing.B) {
	for _, store := range benchStores {
		b.Run(store.name, func(b *testing.B) {
			f, rt := store.fixture(b)
			ctx := context.Background()
			for _, bc := range []struct{ name, text string }{
				{"status_ID_FV", "status b3/BUF"},
				{"done", "done b3/BUF kickoff benchmark"},
			} {
				b.Run(bc.name, func(b *testing.B) {
					req := Request{Caller: Caller{ID: "anna"}, Text: bc.text}
					b.ReportAllocs()
					var sent int64
					for b.Loop() {
						if rt != nil {
							sent -= rt.n.Load()
						}
						if r := f.d.Handle(ctx, req); r.Refused {
							b.Fatal(r.Lines)
						}
						if rt != nil {
							sent += rt.n.Load()
						}
					}
					if rt != nil {
						b.ReportMetric(float64(sent)/float64(b.N), "roundtrips/op")
					}
				})
			}
		})
	}
}

// benchStores are the stores the dispatch benchmark compares.
var benchStores = []struct {
	name    string
	fixture func(testing.TB) (*fixture, *roundTrips)
}{
	{"bolt", func(t testing.TB) (*fixture, *roundTrips) { return newFixture(t), nil }},
	{"redis", func(t testing.TB) (*fixture, *roundTrips) { return newRedisFixture(t, redistest.URL(t)) }},
}

// BenchmarkOverview measures the overviews of a KS lead with ten waves of
// seven forvaltninger, on each store, with Redis's round trips per
// command: go test -bench Overview -benchmem ./commands
func BenchmarkOverview(b *testing.B) {
	for _, store := range []struct {
		name string
		open func(testing.TB) (storage.Store, *roundTrips)
	}{
		{"bolt", func(t testing.TB) (storage.Store, *roundTrips) {
			s, err := bolt.Open(t.TempDir(), nil)
			if err != nil {
				t.Fatal(err)
			}
			return s, nil
		}},
		{"redis", func(t testing.TB) (storage.Store, *roundTrips) { return redisStore(t, redistest.URL(t)) }},
	} {
		b.Run(store.name, func(b *testing.B) {
			s, rt := store.open(b)
			f := newBareFixture(b, s)
			f.playScenario(commandstest.LeadsDay(10))
			ctx := context.Background()
			for _, text := range []string{"overview", "auth pending", "overdue", "status BUF"} {
				b.Run(strings.ReplaceAll(text, " ", "_"), func(b *testing.B) {
					req := Request{Caller: Caller{ID: "anna"}, Text: text}
					b.ReportAllocs()
					var sent int64
					for b.Loop() {
						if rt != nil {
							sent -= rt.n.Load()
						}
						if r := f.d.Handle(ctx, req); r.Refused {
							b.Fatal(r.Lines)
						}
						if rt != nil {
							sent += rt.n.Load()
						}
					}
					if rt != nil {
						b.ReportMetric(float64(sent)/float64(b.N), "roundtrips/op")
					}
				})
			}
		})
	}
}
