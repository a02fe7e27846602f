package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"wavebot/clock"
	"wavebot/storage"
	"wavebot/storage/bolt"
	"wavebot/storage/redis"
	"wavebot/storage/redis/redistest"
	"wavebot/wave"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// counter is a notifier that counts deliveries per key; fail makes the
// first deliveries of every key fail.
type counter struct {
	mu       sync.Mutex
	got      map[string]int
	attempts int
	fail     int
}

func (c *counter) Notify(_ context.Context, r Reminder) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.attempts++
	if c.fail > 0 {
		c.fail--
		return errors.New("platform said no")
	}
	if c.got == nil {
		c.got = map[string]int{}
	}
	c.got[r.Key]++
	return nil
}

// overdueWaves stores n waves whose authorization feedback (due
// 2027-02-15) is overdue, each with one contact: one reminder each on
// 2027-02-16 at 09:00.
func overdueWaves(t *testing.T, s storage.Store, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		w := simulatedWave(t)
		w.ID = fmt.Sprintf("w%d", i)
		w.Enrolments[0].SetStatus(wave.EvaluationActivity, wave.StatusDone, "", "anna", time.Time{})
		w.Enrolments[0].RequestAuth(day("2027-02-15"), "anna", time.Time{})
		w.Lead = ""
		w.Reminded = cph.At(day("2027-02-15"), 12, 0)
		if err := s.CreateWave(ctx, w, wave.Event{Wave: w.ID}); err != nil {
			t.Fatal(err)
		}
	}
}

func dueFunc(p Policy) storage.DueFunc {
	return func(w wave.Wave) (time.Time, bool) { return p.Next(w, w.Reminded) }
}

func sweeper(s storage.Store, n Notifier, clk Clock) *Sweeper {
	d := &Delivery{Notifier: n, Clock: clk, Attempts: 1, Workers: 4, AttemptTimeout: time.Minute}
	return &Sweeper{Store: s, Policy: DefaultPolicy(cph), Delivery: d, Clock: clk, Lease: time.Minute, Batch: 5000, Logger: slog.New(slog.DiscardHandler)}
}

// TestExactlyOnceWithThreeSweepers: three sweepers on one real Redis, 1,000
// reminders due at once; every key is delivered exactly once.
func TestExactlyOnceWithThreeSweepers(t *testing.T) {
	url, prefix := redistest.URL(t), redistest.Prefix(t)
	p := DefaultPolicy(cph)
	var stores []storage.Store
	for range 3 {
		s, err := redis.Open(context.Background(), url, prefix, dueFunc(p))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		stores = append(stores, s)
	}
	overdueWaves(t, stores[0], 1000)
	clk := clock.NewFake(cph.At(day("2027-02-16"), 9, 0))
	n := &counter{}
	var wg sync.WaitGroup
	for _, s := range stores {
		wg.Go(func() {
			if _, err := sweeper(s, n, clk).Sweep(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// A wave another sweeper held stays due; sweeping again finishes it.
	for _, s := range stores {
		sweeper(s, n, clk).Sweep(context.Background())
	}
	checkOnce(t, n, 1000)
	if ids, _ := stores[0].DueWaves(context.Background(), clk.Now(), 10); len(ids) != 0 {
		t.Errorf("waves still due after the sweeps: %v", ids)
	}
}

func checkOnce(t *testing.T, n *counter, want int) {
	t.Helper()
	if len(n.got) != want {
		t.Errorf("%d keys delivered, want %d", len(n.got), want)
	}
	for k, c := range n.got {
		if c != 1 {
			t.Errorf("%s delivered %d times", k, c)
		}
	}
}

// TestCrashAfterClaim: a replica claims reminders and dies before
// delivering; once the lease has run out another delivers them, once.
func TestCrashAfterClaim(t *testing.T) {
	p := DefaultPolicy(cph)
	s, err := redis.Open(context.Background(), redistest.URL(t), redistest.Prefix(t), dueFunc(p))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	overdueWaves(t, s, 20)
	now := cph.At(day("2027-02-16"), 9, 0)
	clk := clock.NewFake(now)
	// The dead replica: it claimed every reminder and delivered none.
	for i := range 20 {
		w, _ := s.Wave(context.Background(), fmt.Sprintf("w%d", i))
		for _, r := range p.Due(w, w.Reminded, now) {
			if c, err := s.ClaimReminder(context.Background(), r.Key, now, time.Minute); err != nil || c != storage.Claimed {
				t.Fatal(c, err)
			}
		}
	}
	n := &counter{}
	clk.Advance(30 * time.Second)
	if sent, _ := sweeper(s, n, clk).Sweep(context.Background()); sent != 0 {
		t.Errorf("delivered %d while the dead replica's lease held", sent)
	}
	clk.Advance(time.Minute)
	sweeper(s, n, clk).Sweep(context.Background())
	checkOnce(t, n, 20)
}

// TestFailingNotifier: deliveries that fail are tried again on the next
// sweep and nothing is lost; a sweep makes one attempt per reminder.
func TestFailingNotifier(t *testing.T) {
	p := DefaultPolicy(cph)
	s, err := bolt.Open(t.TempDir(), dueFunc(p))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	overdueWaves(t, s, 1)
	clk := clock.NewFake(cph.At(day("2027-02-16"), 9, 0))
	n := &counter{fail: 3}
	for range 4 {
		sweeper(s, n, clk).Sweep(context.Background())
		clk.Advance(time.Minute)
	}
	checkOnce(t, n, 1)
	if n.attempts != 4 {
		t.Errorf("%d attempts, want 4 (3 failures, 1 success)", n.attempts)
	}
}
