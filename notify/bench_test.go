package notify

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"wavebot/internal/clock"
	"wavebot/storage"
	"wavebot/storage/bolt"
	"wavebot/storage/redis"
	"wavebot/storage/redis/redistest"
	"wavebot/wave"
)

// dueCount is how many reminders each benchmarked sweep delivers.
const dueCount = 1000

// BenchmarkSweep measures one sweep that delivers 1,000 due reminders, with
// 1,000 or 100,000 enrolments stored, on each store. The due index keeps
// the cost with what is due, not with what is stored:
//
//	go test -run XXX -bench Sweep -benchtime 10x ./notify
func BenchmarkSweep(b *testing.B) {
	// The overdue feedback is reminded every business day of the benchmark,
	// not thinned out to weekly after three.
	p := DefaultPolicy(cph)
	p.RepeatDaily = 60
	for _, store := range []struct {
		name string
		open func(b *testing.B) (storage.Store, error)
	}{
		{"bolt", func(b *testing.B) (storage.Store, error) { return bolt.Open(b.TempDir(), dueFunc(p)) }},
		{"redis", func(b *testing.B) (storage.Store, error) {
			return redis.Open(context.Background(), redistest.URL(b), redistest.Prefix(b), dueFunc(p))
		}},
	} {
		for _, stored := range []int{dueCount, 100 * dueCount} {
			b.Run(fmt.Sprintf("%s/enrolments=%d", store.name, stored), func(b *testing.B) {
				s, err := store.open(b)
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				seedDue(b, s, dueCount)
				seedQuiet(b, s, stored-dueCount)
				clk := clock.NewFake(time.Time{})
				sw := sweeper(s, &counter{}, clk)
				// Each iteration is a business day later by the fake clock but
				// not by Redis's: pacing, judged by the store's real clock,
				// would hold every recipient of the day before.
				sw.Policy, sw.Delivery.Workers, sw.Delivery.Pace = p, 8, 0
				today := day("2027-02-16")
				for b.Loop() {
					clk.Set(cph.At(today, 9, 0))
					sent, err := sw.Sweep(context.Background())
					if err != nil || sent != dueCount {
						b.Fatalf("sweep of %s sent %d, %v", today, sent, err)
					}
					today = cph.AddBusinessDays(today, 1)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*dueCount), "ns/reminder")
			})
		}
	}
}

// seedDue stores n waves of one enrolment each whose authorization
// feedback (due 2027-02-15) is overdue: one reminder every business day,
// each to its own contact.
func seedDue(b *testing.B, s storage.Store, n int) {
	b.Helper()
	for i := range n {
		w, _ := wave.New(fmt.Sprintf("d%d", i), "", day("2027-02-01"), "", cph.At(day("2027-02-15"), 12, 0))
		w.Enroll("BUF", wave.DefaultTemplate(), cph, time.Time{})
		e := &w.Enrolments[0]
		e.AddContacts(time.Time{}, fmt.Sprintf("contact%d", i))
		for _, a := range e.Activities {
			e.SetStatus(a.Key, wave.StatusDone, "", "anna", time.Time{})
		}
		e.RequestAuth(day("2027-02-15"), "anna", time.Time{})
		if err := s.CreateWave(context.Background(), w, wave.Event{Wave: w.ID}); err != nil {
			b.Fatal(err)
		}
	}
}

// seedQuiet stores n enrolments, ten to a wave, in waves starting in 2030:
// nothing of theirs is due for years.
func seedQuiet(b *testing.B, s storage.Store, n int) {
	b.Helper()
	tpl := wave.DefaultTemplate()
	for i := 0; i < n; i += 10 {
		created := cph.At(day("2029-10-01"), 12, 0)
		w, _ := wave.New(fmt.Sprintf("q%d", i/10), "", day("2030-01-07"), "anna", created)
		for j := range min(10, n-i) {
			w.Enroll(fmt.Sprintf("F%d", j), tpl, cph, created)
		}
		if err := s.CreateWave(context.Background(), w, wave.Event{Wave: w.ID}); err != nil {
			b.Fatal(err)
		}
	}
}

// latencyNotifier takes a while per message, like a platform's API.
type latencyNotifier struct {
	delay time.Duration
	n     atomic.Int64
}

func (l *latencyNotifier) Notify(context.Context, Digest) error {
	time.Sleep(l.delay)
	l.n.Add(1)
	return nil
}

// BenchmarkDelivery measures delivery throughput on the real clock, eight
// workers, each message claimed and settled in the ledger:
//
//	go test -run XXX -bench Delivery -benchtime 3x ./notify
func BenchmarkDelivery(b *testing.B) {
	for _, store := range []struct {
		name string
		open func(b *testing.B) (storage.Store, error)
	}{
		{"bolt", func(b *testing.B) (storage.Store, error) { return bolt.Open(b.TempDir(), nil) }},
		{"redis", func(b *testing.B) (storage.Store, error) {
			return redis.Open(context.Background(), redistest.URL(b), redistest.Prefix(b), nil)
		}},
	} {
		for _, delay := range []time.Duration{0, 20 * time.Millisecond} {
			b.Run(fmt.Sprintf("%s/1000_recipients/%v_per_call", store.name, delay), func(b *testing.B) {
				s, err := store.open(b)
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				n := &latencyNotifier{delay: delay}
				round := 0
				for b.Loop() {
					var ds []Digest
					for r := range 1000 {
						to := fmt.Sprintf("p%d", r)
						ds = append(ds, Digest{Recipient: to, Reminders: []Reminder{{Key: fmt.Sprintf("k%d-%d", round, r), Recipient: to}}})
					}
					round++
					d := NewDelivery(n, s, clock.System{})
					d.Pace = 0
					d.Send(context.Background(), ds, time.Now().Add(time.Hour))
				}
				if got := n.n.Load(); got != int64(b.N*1000) {
					b.Fatalf("%d delivered, want %d", got, b.N*1000)
				}
				b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "msgs/s")
			})
		}
	}
}
