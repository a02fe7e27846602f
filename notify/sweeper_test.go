package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
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

func (c *counter) Notify(_ context.Context, d Digest) error {
	r := d.Reminders[0]
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
		w := feedbackWave(t, "2027-02-15")
		w.ID = fmt.Sprintf("w%d", i)
		w.Lead = ""
		w.Reminded = cph.At(day("2027-02-15"), 12, 0)
		if err := s.CreateWave(ctx, w, wave.Event{Wave: w.ID}); err != nil {
			t.Fatal(err)
		}
	}
}

// boltWithOverdue is a bolt store holding n overdue waves.
func boltWithOverdue(t *testing.T, n int) storage.Store {
	t.Helper()
	s, err := bolt.Open(t.TempDir(), dueFunc(DefaultPolicy(cph)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	overdueWaves(t, s, n)
	return s
}

func dueFunc(p Policy) storage.DueFunc {
	return func(w wave.Wave) (time.Time, bool) { return p.Next(w, w.Reminded) }
}

func sweeper(s storage.Store, n Notifier, clk Clock) *Sweeper {
	d := &Delivery{Notifier: n, Clock: clk, Attempts: 1, Workers: 4, AttemptTimeout: time.Minute}
	return &Sweeper{Store: s, Policy: DefaultPolicy(cph), Delivery: d, Clock: clk, Lease: time.Minute, Batch: 5000, Logger: slog.New(slog.DiscardHandler)}
}

// replicas opens n stores on one real Redis, as n replicas of wavebot would.
func replicas(t *testing.T, n int) []storage.Store {
	url, prefix := redistest.URL(t), redistest.Prefix(t)
	var stores []storage.Store
	for range n {
		s, err := redis.Open(context.Background(), url, prefix, dueFunc(DefaultPolicy(cph)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		stores = append(stores, s)
	}
	return stores
}

// sweepAtOnce sweeps every store at the same time into n.
func sweepAtOnce(t *testing.T, stores []storage.Store, n Notifier, clk Clock) {
	var wg sync.WaitGroup
	for _, s := range stores {
		wg.Go(func() {
			if _, err := sweeper(s, n, clk).Sweep(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

// TestExactlyOnceWithThreeSweepers: three sweepers on one real Redis, 1,000
// reminders due at once; every key is delivered exactly once.
func TestExactlyOnceWithThreeSweepers(t *testing.T) {
	stores := replicas(t, 3)
	overdueWaves(t, stores[0], 1000)
	clk := clock.NewFake(cph.At(day("2027-02-16"), 9, 0))
	n := &counter{}
	sweepAtOnce(t, stores, n, clk)
	// A wave another sweeper held stays due; sweeping again finishes it.
	sweepAtOnce(t, stores, n, clk)
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

// crashing is the notifier of a replica that dies while delivering: its
// first delivery cancels the replica's context and nothing reaches anyone.
type crashing struct {
	crash    context.CancelFunc
	attempts atomic.Int64
}

func (c *crashing) Notify(context.Context, Digest) error {
	c.attempts.Add(1)
	c.crash()
	return errors.New("the replica died")
}

// TestCrashAfterClaim: a sweeper claims all 1,000 reminders and its
// context is cancelled as it starts to deliver (a crash). While its lease
// holds, two other sweepers send nothing; once it has run out they deliver
// every reminder exactly once.
func TestCrashAfterClaim(t *testing.T) {
	stores := replicas(t, 3)
	overdueWaves(t, stores[0], 1000)
	clk := clock.NewFake(cph.At(day("2027-02-16"), 9, 0))
	ctx, crash := context.WithCancel(context.Background())
	dead := &crashing{crash: crash}
	if sent, _ := sweeper(stores[0], dead, clk).Sweep(ctx); sent != 0 {
		t.Fatalf("the crashing replica delivered %d", sent)
	}
	if n := dead.attempts.Load(); n == 0 || n > 4 {
		t.Errorf("the crashing replica made %d attempts; want the ones in flight when it died (1 to 4)", n)
	}
	survivors := &counter{}
	clk.Advance(30 * time.Second)
	sweepAtOnce(t, stores[1:], survivors, clk)
	if len(survivors.got) != 0 {
		t.Fatalf("%d delivered while the dead replica's lease held", len(survivors.got))
	}
	clk.Advance(time.Minute)
	sweepAtOnce(t, stores[1:], survivors, clk)
	sweepAtOnce(t, stores[1:], survivors, clk) // a wave the other survivor held is finished now
	checkOnce(t, survivors, 1000)
	if ids, _ := stores[1].DueWaves(context.Background(), clk.Now(), 10); len(ids) != 0 {
		t.Errorf("waves still due: %v", ids)
	}
}

// TestTroubledNotifier: a notifier that fails three times, and one that
// is rate limited with a retry-after, both deliver within the sweep after
// the waits; nothing is lost, nothing is sent twice, nothing loops.
func TestTroubledNotifier(t *testing.T) {
	failure := errors.New("platform said no")
	for _, tc := range []struct {
		name     string
		answers  []error
		attempts string
	}{
		{"fails three times", []error{failure, failure, failure}, "@0s @1s @3s @7s"},
		{"rate limited", []error{&RateLimitError{RetryAfter: 20 * time.Second}}, "@0s @20s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := boltWithOverdue(t, 1)
			clk := clock.NewFake(cph.At(day("2027-02-16"), 9, 0))
			key := "w0/BUF|auth-overdue|2027-02-16|maria"
			n := &scripted{clk: clk, answers: map[string][]error{key: tc.answers}}
			sw := sweeper(s, n, clk)
			sw.Delivery = NewDelivery(n, clk)
			var (
				sent int
				err  error
			)
			drive(clk, func() { sent, err = sw.Sweep(context.Background()) })
			if err != nil || sent != 1 {
				t.Fatalf("sweep sent %d, %v", sent, err)
			}
			var offsets []string
			for _, a := range n.attempts() {
				k, at, _ := strings.Cut(a, "@")
				if k != key {
					t.Errorf("attempt at %s", k)
				}
				d, _ := time.ParseDuration(at)
				offsets = append(offsets, "@"+d.String())
			}
			if got := strings.Join(offsets, " "); got != tc.attempts {
				t.Errorf("attempts %s, want %s", got, tc.attempts)
			}
			drive(clk, func() { sent, _ = sw.Sweep(context.Background()) })
			if sent != 0 || len(n.attempts()) != strings.Count(tc.attempts, "@") {
				t.Errorf("a second sweep sent %d more, %d attempts in all", sent, len(n.attempts()))
			}
			if ids, _ := s.DueWaves(context.Background(), clk.Now(), 10); len(ids) != 0 {
				t.Errorf("waves still due: %v", ids)
			}
		})
	}
}

// TestRunSweepsEveryIntervalAndStops: Run sweeps at its interval on the
// clock, logs each delivery with its key, and returns when its context
// ends.
func TestRunSweepsEveryIntervalAndStops(t *testing.T) {
	s := boltWithOverdue(t, 3)
	clk := clock.NewFake(cph.At(day("2027-02-16"), 8, 57))
	n := &counter{}
	// slog's handlers write one record at a time; the log is read after Run.
	var logs bytes.Buffer
	sw := sweeper(s, n, clk)
	sw.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		sw.Run(ctx, time.Minute)
		close(stopped)
	}()
	// Let the clock run minute by minute to 09:05.
	for clk.Now().Before(cph.At(day("2027-02-16"), 9, 5)) {
		if at, ok := clk.NextTimer(); ok {
			clk.Set(at)
			continue
		}
		time.Sleep(50 * time.Microsecond)
	}
	cancel()
	<-stopped
	checkOnce(t, n, 3)
	for i := range 3 {
		if want := fmt.Sprintf("msg=\"reminder delivered\" key=w%d/BUF|auth-overdue|2027-02-16|maria ", i); !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, logs.String())
		}
	}
}

// TestSweepWorksThroughFullBatches: with more waves due than one batch
// holds, one sweep still delivers them all.
func TestSweepWorksThroughFullBatches(t *testing.T) {
	s := boltWithOverdue(t, 25)
	clk := clock.NewFake(cph.At(day("2027-02-16"), 9, 0))
	n := &counter{}
	sw := sweeper(s, n, clk)
	sw.Batch = 10
	if sent, err := sw.Sweep(context.Background()); sent != 25 || err != nil {
		t.Errorf("sweep sent %d, %v; want 25", sent, err)
	}
	checkOnce(t, n, 25)
}
