package notify

import (
	"context"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"wavebot/storage/redis/redistest"
)

// BenchmarkSoak runs three replicas on one real Redis, one worker each,
// their clocks 90 seconds apart, against a platform that takes its time
// per message, until every reminder is out; it reports reminders sent
// twice and lost. With WAVEBOT_SOAK_KILL=1 the first replica dies after
// its first message was accepted and before the ledger recorded it. It
// runs in real time (about reminders × latency / 3):
//
//	WAVEBOT_SOAK_REMINDERS=1000 WAVEBOT_SOAK_LATENCY=2s go test -run XXX -bench Soak -benchtime 1x -timeout 30m ./notify
func BenchmarkSoak(b *testing.B) {
	reminders := envInt(b, "WAVEBOT_SOAK_REMINDERS", 100)
	latency, err := time.ParseDuration(envOr("WAVEBOT_SOAK_LATENCY", "200ms"))
	if err != nil {
		b.Fatal(err)
	}
	kill := os.Getenv("WAVEBOT_SOAK_KILL") == "1"
	for b.Loop() {
		stores := replicas(b, redistest.URL(b), 3, nil)
		overdueWaves(b, stores[0], reminders)
		n := &counter{took: latency}
		since := time.Now()
		var wg sync.WaitGroup
		for i, s := range stores {
			clk := realClock{start: cph.At(day("2027-02-16"), 9, 3).Add(time.Duration(i-1) * 90 * time.Second), since: since}
			sw := sweeper(s, n, clk)
			sw.Delivery.Workers = 1
			if kill && i == 0 {
				sw.Delivery.Ledger = &dyingLedger{ledger: s, dieOnSettle: true, stuck: make(chan string, 1)}
				go sw.Sweep(context.Background()) // it dies and never returns
				continue
			}
			wg.Go(func() {
				for {
					if _, err := sw.Sweep(context.Background()); err != nil {
						b.Error(err)
					}
					if ids, _ := s.DueWaves(context.Background(), clk.Now().Add(time.Hour), 1); len(ids) == 0 {
						return
					}
					<-time.After(time.Second) // as Run would, sweep again a moment later
				}
			})
		}
		wg.Wait()
		twice, lost := 0, reminders-len(n.got)
		for _, c := range n.got {
			twice += c - 1
		}
		b.ReportMetric(float64(twice), "sent-twice")
		b.ReportMetric(float64(lost), "lost")
		b.ReportMetric(time.Since(since).Seconds(), "s")
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func envInt(b *testing.B, name string, def int) int {
	n, err := strconv.Atoi(envOr(name, strconv.Itoa(def)))
	if err != nil {
		b.Fatalf("%s: %v", name, err)
	}
	return n
}
