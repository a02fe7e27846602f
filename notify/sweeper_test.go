package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"wavebot/internal/clock"
	"wavebot/storage"
	"wavebot/storage/redis"
	"wavebot/storage/redis/redistest"
	"wavebot/wave"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// counter is a notifier that counts deliveries per key and messages per
// recipient; the recipients in fail never take a message.
type counter struct {
	mu       sync.Mutex
	got      map[string]int
	messages map[string]int
	// digests holds the keys of each message, per recipient.
	digests  map[string][][]string
	attempts map[string]int
	fail     map[string]error
	took     time.Duration
}

func (c *counter) Notify(_ context.Context, d Digest) error {
	c.mu.Lock()
	if c.attempts == nil {
		c.got, c.messages, c.attempts = map[string]int{}, map[string]int{}, map[string]int{}
	}
	c.attempts[d.Recipient]++
	err := c.fail[d.Recipient]
	c.mu.Unlock()
	if c.took > 0 {
		time.Sleep(c.took) // the platform's own time, real or in a bubble
	}
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.messages[d.Recipient]++
	var keys []string
	for _, r := range d.Reminders {
		c.got[r.Key]++
		keys = append(keys, r.Key)
	}
	if c.digests == nil {
		c.digests = map[string][][]string{}
	}
	c.digests[d.Recipient] = append(c.digests[d.Recipient], keys)
	return nil
}

// keys lists what was delivered to recipient.
func (c *counter) keys(recipient string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for k := range c.got {
		if strings.HasSuffix(k, "|"+recipient) {
			out = append(out, k)
		}
	}
	return out
}

// checkOnce asserts that want keys were delivered, each once, and each
// recipient got one message.
func checkOnce(t *testing.T, c *counter, want int) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.got) != want {
		t.Errorf("%d keys delivered, want %d", len(c.got), want)
	}
	for k, n := range c.got {
		if n != 1 {
			t.Errorf("%s delivered %d times", k, n)
		}
	}
	for who, n := range c.messages {
		if n != 1 {
			t.Errorf("%s got %d messages, want one", who, n)
		}
	}
}

// overdueWaves stores n waves whose authorization feedback (due
// 2027-02-15) is overdue, each with its own contact and no lead: one
// reminder each, to contactI, on 2027-02-16 at 09:00.
func overdueWaves(t testing.TB, s storage.Store, n int) {
	t.Helper()
	for i := range n {
		w := feedbackWave(t, "2027-02-15")
		w.ID = fmt.Sprintf("w%03d", i)
		w.Lead = ""
		w.Enrolments[0].Contacts = []string{fmt.Sprintf("contact%03d", i)}
		w.Reminded = cph.At(day("2027-02-15"), 12, 0)
		if err := s.CreateWave(context.Background(), w, wave.Event{Wave: w.ID}); err != nil {
			t.Fatal(err)
		}
	}
}

// dueFunc is the due index a store keeps for p: the policy itself.
func dueFunc(p Policy) storage.Due { return p }

// sweeper sweeps s into n by clk, with four workers.
func sweeper(s storage.Store, n Notifier, clk Clock) *Sweeper {
	d := NewDelivery(n, s, clk)
	d.Workers = 4
	return &Sweeper{Store: s, Policy: DefaultPolicy(cph), Delivery: d, Clock: clk, Batch: 5000, MaxRounds: 10,
		Logger: slog.New(slog.DiscardHandler)}
}

// boltWave is a bolt store in the bubble holding w, with the sweeper's
// due index.
func boltWave(t *testing.T, clk Clock, ws ...wave.Wave) storage.Store {
	t.Helper()
	s := boltLedger(t, clk, dueFunc(DefaultPolicy(cph)))
	for _, w := range ws {
		if err := s.CreateWave(context.Background(), w, wave.Event{Wave: w.ID}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// overdueFeedback is the feedback wave with the feedback overdue since
// 2027-02-15 and the watermark on the 15th at noon.
func overdueFeedback(t *testing.T, id string) wave.Wave {
	w := feedbackWave(t, "2027-02-15")
	w.ID = id
	w.Reminded = cph.At(day("2027-02-15"), 12, 0)
	return w
}

// runFor runs the sweeper every minute for d of bubble time, then stops it.
func runFor(sw *Sweeper, d time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		sw.Run(ctx, time.Minute)
		close(stopped)
	}()
	pass(d)
	cancel()
	<-stopped
}

// TestGivesUpAfterBoundedAttempts: a reminder that keeps failing is tried
// MaxAttempts times over sweeps that back off, then given up and logged;
// the KS lead hears once, and the wave moves on.
func TestGivesUpAfterBoundedAttempts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockAt(t0)
		s := boltWave(t, clk, overdueFeedback(t, "b3"))
		n := &counter{fail: map[string]error{"maria": errors.New("platform said no")}}
		sw := sweeper(s, n, clk)
		var logs bytes.Buffer
		sw.Logger = slog.New(slog.NewTextHandler(&logs, nil))
		runFor(sw, 8*time.Hour)
		if got := n.attempts["maria"]; got != 30 {
			t.Errorf("%d attempts to maria in 8 hours, want the policy's 30", got)
		}
		key := "b3/BUF|auth-overdue|2027-02-16|maria"
		if got := state(t, s, "maria", key); got.Outcome != storage.GaveUp {
			t.Errorf("ledger holds %+v, want gave up", got)
		}
		if got := n.keys("anna"); len(got) != 1 || got[0] != "b3/BUF|delivery-failed|maria|anna" {
			t.Errorf("the lead got %v, want one notice about maria", got)
		}
		if !strings.Contains(logs.String(), `level=ERROR msg="reminder gave-up" key=`+key) {
			t.Errorf("the log does not say it gave up:\n%s", logs.String())
		}
		if ids, _ := s.DueWaves(context.Background(), clk.Now(), 10); len(ids) != 0 {
			t.Errorf("the wave is still due: %v", ids)
		}
	})
}

// TestRetryAfterHonouredAcrossSweeps: a Retry-After of ten minutes holds
// the recipient for ten minutes, across sweeps two minutes apart.
func TestRetryAfterHonouredAcrossSweeps(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockAt(t0)
		s := boltWave(t, clk, overdueFeedback(t, "b3"))
		n := &scripted{clk: clk, answers: map[string][]error{"maria": {&RateLimitError{RetryAfter: 10 * time.Minute}}}}
		sw := sweeper(s, n, clk)
		ctx, cancel := context.WithCancel(context.Background())
		stopped := make(chan struct{})
		go func() {
			sw.Run(ctx, 2*time.Minute)
			close(stopped)
		}()
		pass(30 * time.Minute)
		cancel()
		<-stopped
		if got := n.attempts(); got != "maria@0s maria@10m0s" {
			t.Errorf("attempts %s, want at 0 and after ten minutes", got)
		}
	})
}

// TestFailingWavesDoNotStarveOthers: waves whose reminders fail are put
// back in the due index, so one sweep goes on to the waves behind them.
func TestFailingWavesDoNotStarveOthers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockAt(t0)
		var ws []wave.Wave
		n := &counter{fail: map[string]error{}}
		for _, id := range []string{"a0", "a1", "a2", "a3", "a4", "b0", "b1", "b2", "b3", "b4"} {
			w := overdueFeedback(t, id)
			w.Enrolments[0].Contacts = []string{"c-" + id}
			if id[0] == 'a' {
				n.fail["c-"+id] = errors.New("platform said no")
			}
			ws = append(ws, w)
		}
		s := boltWave(t, clk, ws...)
		sw := sweeper(s, n, clk)
		sw.Batch = 5
		if _, err := sw.Sweep(context.Background()); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"b0", "b1", "b2", "b3", "b4"} {
			if got := n.keys("c-" + id); len(got) != 1 {
				t.Errorf("%s got %v after one sweep", id, got)
			}
		}
	})
}

// TestSweepIsBounded: one sweep reads at most MaxRounds batches.
func TestSweepIsBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockAt(t0)
		var ws []wave.Wave
		for i := range 40 {
			w := overdueFeedback(t, fmt.Sprintf("w%02d", i))
			w.Enrolments[0].Contacts = []string{fmt.Sprintf("c%02d", i)}
			ws = append(ws, w)
		}
		s := boltWave(t, clk, ws...)
		n := &counter{}
		sw := sweeper(s, n, clk)
		sw.Batch, sw.MaxRounds = 10, 3
		if sent, err := sw.Sweep(context.Background()); sent != 30 || err != nil {
			t.Errorf("one sweep sent %d, %v; want 3 rounds of 10", sent, err)
		}
		if sent, _ := sw.Sweep(context.Background()); sent != 10 {
			t.Errorf("the next sweep sent %d, want the last 10", sent)
		}
	})
}

// TestUndeliverableTellsTheLeadOnce: a contact no platform reaches is not
// retried, and the lead hears about it once, not with every reminder.
func TestUndeliverableTellsTheLeadOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockAt(t0)
		w := overdueFeedback(t, "b3")
		w.Lead = "slack:U1"
		w.Enrolments[0].Contacts = []string{"maria"}
		s := boltWave(t, clk, w)
		slack := &counter{}
		sw := sweeper(s, Router{"slack": slack}, clk)
		runFor(sw, 47*time.Hour) // to Thursday 08:00, before the escalation
		if got := slack.keys("slack:U1"); len(got) != 1 || got[0] != "b3/BUF|delivery-failed|maria|slack:U1" {
			t.Errorf("the lead got %v, want one notice about maria", got)
		}
		for _, d := range []string{"2027-02-16", "2027-02-17"} {
			key := "b3/BUF|auth-overdue|" + d + "|maria"
			if got := state(t, s, "maria", key); got.Outcome != storage.Undeliverable {
				t.Errorf("%s: %+v, want undeliverable", key, got)
			}
		}
	})
}

// interfering is a notifier that changes the wave while it delivers.
type interfering struct {
	counter
	change func()
	once   sync.Once
}

func (i *interfering) Notify(ctx context.Context, d Digest) error {
	i.once.Do(i.change)
	return i.counter.Notify(ctx, d)
}

// TestWatermarkWaitsForAConcurrentChange: a contact named while the sweep
// delivers has a reminder due at the same moment; the sweep leaves the
// watermark alone, so the next sweep sends it.
func TestWatermarkWaitsForAConcurrentChange(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockAt(t0)
		s := boltWave(t, clk, overdueFeedback(t, "b3"))
		n := &interfering{change: func() {
			_, err := s.UpdateWave(context.Background(), "b3", func(w *wave.Wave) ([]wave.Event, error) {
				w.Enrolments[0].AddContacts(time.Time{}, "sofie")
				return nil, nil
			})
			if err != nil {
				t.Error(err)
			}
		}}
		sw := sweeper(s, n, clk)
		for range 2 {
			if _, err := sw.Sweep(context.Background()); err != nil {
				t.Fatal(err)
			}
			pass(time.Minute)
		}
		if got := n.keys("sofie"); len(got) != 1 {
			t.Errorf("sofie got %v, want the reminder due when she was named", got)
		}
		checkOnce(t, &n.counter, 2)
	})
}

// TestEndedSnoozesAreForgotten: once a sweep has passed a snooze's end,
// the wave no longer carries it.
func TestEndedSnoozesAreForgotten(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockAt(t0)
		w := overdueFeedback(t, "b3")
		w.Snooze(wave.Snooze{FV: "BUF", Person: "maria", Until: t0})
		w.Snooze(wave.Snooze{FV: "BUF", Person: "anna", Until: t0.Add(time.Hour)})
		s := boltWave(t, clk, w)
		if _, err := sweeper(s, &counter{}, clk).Sweep(context.Background()); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Wave(context.Background(), "b3")
		if len(got.Snoozes) != 1 || got.Snoozes[0].Person != "anna" {
			t.Errorf("snoozes after the sweep: %+v; want only anna's, which has not ended", got.Snoozes)
		}
	})
}

// TestRunSweepsEveryIntervalAndStops: Run sweeps at its interval, logs
// each delivery with its key, and returns when its context ends.
func TestRunSweepsEveryIntervalAndStops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockAt(cph.At(day("2027-02-16"), 8, 57))
		var ws []wave.Wave
		for i := range 3 {
			w := overdueFeedback(t, fmt.Sprintf("w%d", i))
			w.Lead = ""
			ws = append(ws, w)
		}
		s := boltWave(t, clk, ws...)
		n := &counter{}
		var logs bytes.Buffer
		sw := sweeper(s, n, clk)
		sw.Logger = slog.New(slog.NewTextHandler(&logs, nil))
		runFor(sw, 8*time.Minute)
		if got := n.keys("maria"); len(got) != 3 || n.messages["maria"] != 1 {
			t.Errorf("maria got %v in %d messages; want the three reminders of 09:00 in one", got, n.messages["maria"])
		}
		for i := range 3 {
			if want := fmt.Sprintf("msg=\"reminder delivered\" key=w%d/BUF|auth-overdue|2027-02-16|maria ", i); !strings.Contains(logs.String(), want) {
				t.Errorf("log lacks %s:\n%s", want, logs.String())
			}
		}
	})
}

// replicas opens n stores on the real Redis at url, as n replicas of
// wavebot would; clk, when set, stands in for Redis's clock.
func replicas(t testing.TB, url string, n int, clk clock.Clock) []storage.Store {
	t.Helper()
	prefix := redistest.Prefix(t)
	var stores []storage.Store
	for range n {
		s, err := redis.Open(context.Background(), url, prefix, dueFunc(DefaultPolicy(cph)))
		if err != nil {
			t.Fatal(err)
		}
		s.Clock = clk
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

// TestExactlyOnceWithThreeSweepers: three sweepers on one real Redis (and
// on a real three-master Cluster), 1,000 reminders due at once; every key
// is delivered exactly once, one message per person.
func TestExactlyOnceWithThreeSweepers(t *testing.T) {
	for _, where := range []struct {
		name string
		url  func(testing.TB) string
	}{{"standalone", redistest.URL}, {"cluster", redistest.ClusterURL}} {
		t.Run(where.name, func(t *testing.T) {
			stores := replicas(t, where.url(t), 3, nil)
			overdueWaves(t, stores[0], 1000)
			clk := clock.NewFake(t0)
			n := &counter{}
			sweepAtOnce(t, stores, n, clk)
			// A wave whose recipient another sweeper held waits out that lease.
			clk.Advance(2 * time.Minute)
			sweepAtOnce(t, stores, n, clk)
			checkOnce(t, n, 1000)
			if ids, _ := stores[0].DueWaves(context.Background(), clk.Now(), 10); len(ids) != 0 {
				t.Errorf("waves still due after the sweeps: %v", ids)
			}
		})
	}
}

// realClock runs at real speed from a chosen instant, as a replica's clock
// would, off by its skew from the others.
type realClock struct {
	start time.Time
	since time.Time
}

func (c realClock) Now() time.Time                         { return c.start.Add(time.Since(c.since)) }
func (c realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// TestSkewedReplicasUnderLoad: three replicas whose clocks are 90 seconds
// apart, one worker each, a platform that takes 100 ms a message and
// leases of one second, so claims run out while others wait; leases are
// judged by Redis's clock alone. Every reminder goes out once, none is
// lost, nobody gets two messages.
func TestSkewedReplicasUnderLoad(t *testing.T) {
	stores := replicas(t, redistest.URL(t), 3, nil)
	const reminders = 60
	overdueWaves(t, stores[0], reminders)
	n := &counter{took: 100 * time.Millisecond}
	since := time.Now()
	var wg sync.WaitGroup
	for i, s := range stores {
		clk := realClock{start: cph.At(day("2027-02-16"), 9, 3).Add(time.Duration(i-1) * 90 * time.Second), since: since}
		sw := sweeper(s, n, clk)
		sw.Delivery.Workers, sw.Delivery.Lease, sw.Delivery.AttemptTimeout = 1, time.Second, 300*time.Millisecond
		wg.Go(func() {
			deadline := time.After(30 * time.Second)
			for {
				if _, err := sw.Sweep(context.Background()); err != nil {
					t.Error(err)
				}
				if ids, _ := s.DueWaves(context.Background(), clk.Now().Add(time.Hour), 1); len(ids) == 0 {
					return
				}
				select { // as Run would, sweep again a moment later
				case <-deadline:
					t.Error("reminders still due after 30s")
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		})
	}
	wg.Wait()
	checkOnce(t, n, reminders)
}

// dyingLedger is the ledger of a replica that dies at a chosen step: a
// call that reaches it never returns, as a dead process's never do, and
// says so on stuck.
type dyingLedger struct {
	ledger
	dieOnSettle bool
	stuck       chan string
}

func (d *dyingLedger) ClaimRecipient(ctx context.Context, req storage.LaneRequest) (storage.LaneClaim, error) {
	c, err := d.ledger.ClaimRecipient(ctx, req)
	if !d.dieOnSettle && c.Granted {
		d.stuck <- req.Recipient
		select {} // dead
	}
	return c, err
}

func (d *dyingLedger) SettleRecipient(ctx context.Context, s storage.Settlement) error {
	if d.dieOnSettle && s.Outcome == storage.Delivered {
		d.stuck <- s.Recipient
		select {} // dead
	}
	return d.ledger.SettleRecipient(ctx, s)
}

// TestReplicaDies: a replica dies after claiming recipients, or after the
// platform took its messages and before the ledger recorded them. While
// its leases hold, the survivors leave its recipients alone; after them
// they deliver everything. Dying before sending loses nothing; dying after
// sending repeats exactly the messages in flight, which is the one window
// the ledger cannot close.
func TestReplicaDies(t *testing.T) {
	for _, tc := range []struct {
		name        string
		dieOnSettle bool
	}{{"after claiming", false}, {"after sending, before recording", true}} {
		t.Run(tc.name, func(t *testing.T) {
			clk := clock.NewFake(t0) // Redis's clock too, so leases run out when the test says
			stores := replicas(t, redistest.URL(t), 3, clk)
			overdueWaves(t, stores[0], 100)
			dead := &counter{}
			dying := &dyingLedger{ledger: stores[0], dieOnSettle: tc.dieOnSettle, stuck: make(chan string)}
			sw := sweeper(stores[0], dead, clk)
			sw.Delivery.Ledger = dying
			go sw.Sweep(context.Background()) // it never returns
			timeout := time.After(10 * time.Second)
			for range sw.Delivery.Workers { // every worker dies on its first recipient
				select {
				case <-dying.stuck:
				case <-timeout:
					t.Fatal("the replica did not reach the step it dies at")
				}
			}
			dead.mu.Lock()
			inFlight := len(dead.got)
			dead.mu.Unlock()
			survivors := &counter{}
			clk.Advance(30 * time.Second)
			sweepAtOnce(t, stores[1:], survivors, clk)
			if len(survivors.got) != 100-sw.Delivery.Workers {
				t.Errorf("survivors delivered %d during the dead replica's leases, want all but its %d", len(survivors.got), sw.Delivery.Workers)
			}
			clk.Advance(2 * time.Minute)
			sweepAtOnce(t, stores[1:], survivors, clk)
			checkOnce(t, survivors, 100)
			if tc.dieOnSettle != (inFlight == sw.Delivery.Workers) {
				t.Errorf("the dead replica sent %d", inFlight)
			}
			dead.mu.Lock()
			defer dead.mu.Unlock()
			for k := range dead.got {
				if survivors.got[k] != 1 {
					t.Errorf("%s sent by the dead replica was not sent again", k)
				}
			}
		})
	}
}

// TestOneDigestPerPerson: three sweepers on one real Redis, and everyone
// due reminders from several waves at once: each person gets one message
// holding every key due to them, in order of urgency, and no key twice.
func TestOneDigestPerPerson(t *testing.T) {
	stores := replicas(t, redistest.URL(t), 3, nil)
	waves := map[string]func(w *wave.Wave){
		// maria's feedback is overdue in all three waves.
		"b3": func(*wave.Wave) {},
		// b4's load test (KS) was due yesterday: the lead hears it is overdue.
		"b4": func(w *wave.Wave) {
			e := &w.Enrolments[0]
			e.SetStatus("loadtest", wave.StatusTodo, "", "anna", t0)
			a, _ := e.Activity("loadtest")
			a.Due = day("2027-02-15")
		},
		// b5 has jens too, and his go-live part of a shared activity is
		// missing, due tomorrow; KS has done its part.
		"b5": func(w *wave.Wave) {
			e := &w.Enrolments[0]
			e.AddContacts(time.Time{}, "jens")
			e.SetStatus("golive", wave.StatusTodo, "", "anna", t0)
			e.Confirm("golive", []wave.Party{wave.PartyKS}, "", "anna", t0)
			a, _ := e.Activity("golive")
			a.Due = day("2027-02-18")
		},
	}
	for id, change := range waves {
		w := overdueFeedback(t, id)
		change(&w)
		if err := stores[0].CreateWave(context.Background(), w, wave.Event{Wave: id}); err != nil {
			t.Fatal(err)
		}
	}
	n := &counter{}
	sweepAtOnce(t, stores, n, clock.NewFake(t0))
	want := map[string][]string{
		"maria": {"b3/BUF|auth-overdue|2027-02-16|maria", "b4/BUF|auth-overdue|2027-02-16|maria", "b5/BUF|auth-overdue|2027-02-16|maria",
			"b5/BUF/golive|activity-soon|2027-02-16|maria"},
		"jens": {"b5/BUF|auth-overdue|2027-02-16|jens", "b5/BUF/golive|activity-soon|2027-02-16|jens"},
		"anna": {"b4/BUF/loadtest|activity-overdue|2027-02-16|anna"},
	}
	for who, keys := range want {
		if got := n.digests[who]; len(got) != 1 || strings.Join(got[0], " ") != strings.Join(keys, " ") {
			t.Errorf("%s got %q, want one message of %q", who, got, keys)
		}
	}
	if len(n.digests) != len(want) {
		t.Errorf("messages went to %v, want only %v", n.digests, want)
	}
	checkOnce(t, n, 7)
}

// limitedInterfering rate-limits maria for ten minutes, and while the
// platform answers, someone names sofie a contact of the wave.
type limitedInterfering struct {
	counter
	change func()
	once   sync.Once
}

func (i *limitedInterfering) Notify(ctx context.Context, d Digest) error {
	if d.Recipient == "maria" {
		i.once.Do(i.change)
		return &RateLimitError{RetryAfter: 10 * time.Minute}
	}
	return i.counter.Notify(ctx, d)
}

// TestDeferDoesNotUndoAConcurrentWrite: while maria's reminder is rate
// limited (which defers the wave ten minutes), sofie is named; the write
// puts the wave back in the due index for now. The sweeper's deferral
// must not overwrite that entry with its older decision: sofie hears at
// the next sweep, as she does without the rate limit
// (TestWatermarkWaitsForAConcurrentChange), not ten minutes later.
func TestDeferDoesNotUndoAConcurrentWrite(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockAt(t0)
		w := overdueFeedback(t, "b3")
		w.Lead = ""
		s := boltWave(t, clk, w)
		n := &limitedInterfering{change: func() {
			_, err := s.UpdateWave(context.Background(), "b3", func(w *wave.Wave) ([]wave.Event, error) {
				w.Enrolments[0].AddContacts(t0, "sofie")
				return nil, nil
			})
			if err != nil {
				t.Error(err)
			}
		}}
		sw := sweeper(s, n, clk)
		for range 2 {
			if _, err := sw.Sweep(context.Background()); err != nil {
				t.Fatal(err)
			}
			pass(time.Minute)
		}
		if got := n.keys("sofie"); !slices.ContainsFunc(got, func(k string) bool { return strings.Contains(k, "|auth-overdue|") }) {
			t.Errorf("two minutes after she was named sofie got %v; want the reminder due when she was named", got)
		}
	})
}

// blinkingLedger fails the first claim of one recipient, as a store that
// blinks for a moment would.
type blinkingLedger struct {
	ledger
	who  string
	once sync.Once
}

func (b *blinkingLedger) ClaimRecipient(ctx context.Context, req storage.LaneRequest) (storage.LaneClaim, error) {
	failed := false
	if req.Recipient == b.who {
		b.once.Do(func() { failed = true })
	}
	if failed {
		return storage.LaneClaim{}, fmt.Errorf("claim %s: %w", req.Recipient, storage.ErrUnavailable)
	}
	return b.ledger.ClaimRecipient(ctx, req)
}

// TestNextSweepRetryIsNotDeferredByANeighbour: in one wave maria's claim
// fails on a store blink (worth retrying at the next sweep) and sofie is
// rate limited for ten minutes. The wave must come back at the next
// sweep for maria, not wait out sofie's ten minutes.
func TestNextSweepRetryIsNotDeferredByANeighbour(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockAt(t0)
		w := overdueFeedback(t, "b3")
		w.Lead = ""
		w.Enrolments[0].AddContacts(t0, "sofie")
		s := boltWave(t, clk, w)
		n := &counter{fail: map[string]error{"sofie": &RateLimitError{RetryAfter: 10 * time.Minute}}}
		sw := sweeper(s, n, clk)
		sw.Delivery.Ledger = &blinkingLedger{ledger: s, who: "maria"}
		for range 2 {
			if _, err := sw.Sweep(context.Background()); err != nil {
				t.Fatal(err)
			}
			pass(time.Minute)
		}
		if got := n.keys("maria"); len(got) != 1 {
			t.Errorf("two sweeps a minute apart sent maria %v; want her reminder at the second", got)
		}
	})
}

// brokenStore is a store whose wave b0 cannot be decoded.
type brokenStore struct{ storage.Store }

func (b brokenStore) Wave(ctx context.Context, id string) (wave.Wave, error) {
	if id == "b0" {
		return wave.Wave{}, fmt.Errorf("decode wave b0: %w", storage.ErrCorrupt)
	}
	return b.Store.Wave(ctx, id)
}

// TestBrokenWaveIsPutBack: a wave that cannot be read is logged and put
// back in the due index for an hour, so it does not hold the front.
func TestBrokenWaveIsPutBack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockAt(t0)
		var ws []wave.Wave
		for _, id := range []string{"b0", "b1"} {
			w := overdueFeedback(t, id)
			w.Enrolments[0].Contacts = []string{"c-" + id}
			ws = append(ws, w)
		}
		s := boltWave(t, clk, ws...)
		n := &counter{}
		sw := sweeper(brokenStore{s}, n, clk)
		sw.Batch = 1
		if _, err := sw.Sweep(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := n.keys("c-b1"); len(got) != 1 {
			t.Errorf("the wave behind the broken one got %v", got)
		}
		if ids, _ := s.DueWaves(context.Background(), clk.Now().Add(59*time.Minute), 10); len(ids) != 0 {
			t.Errorf("due within the hour: %v", ids)
		}
		if ids, _ := s.DueWaves(context.Background(), clk.Now().Add(time.Hour), 10); len(ids) != 1 || ids[0] != "b0" {
			t.Errorf("due after the hour: %v, want the broken wave back", ids)
		}
	})
}

// TestSweepReport: a sweep reports what it found due and what became of
// it, and how long the oldest reminder it left behind has been waiting.
func TestSweepReport(t *testing.T) {
	clk := clock.NewFake(t0.Add(90 * time.Minute))
	s := boltLedger(t, clk, dueFunc(DefaultPolicy(cph)))
	overdueWaves(t, s, 4)
	n := &counter{fail: map[string]error{
		"contact001": errors.New("connector answered 500"),
		"contact002": fmt.Errorf("%w: no platform", ErrUndeliverable),
	}}
	sw := sweeper(s, n, clk)
	sw.Delivery.Attempts = 1
	var got []SweepReport
	sw.Report = func(r SweepReport) { got = append(got, r) }
	if _, err := sw.Sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := SweepReport{Due: 4, Sent: 2, Undeliverable: 1, Retried: 1, Oldest: 90 * time.Minute}
	if len(got) != 1 || got[0] != want {
		t.Errorf("reports %+v, want %+v", got, want)
	}
}

// TestATrackContactWhoCannotBeReached: a reminder of a track in no wave
// that reaches nobody is recorded on the track, and the KS person who
// follows the track hears of it once; the track's watermark moves on.
func TestATrackContactWhoCannotBeReached(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockAt(cph.At(day("2027-02-01"), 8, 0))
		s := boltWave(t, clk)
		tr := wave.NewWorkflow("KFF", wave.DefaultTemplate(), clk.Now())
		tr.Contacts, tr.KS = []string{"lis"}, "anna"
		tr.Steps[0].Due = day("2027-02-03") // soon on 1 February, 09:00
		if _, err := s.UpdateWorkflow(context.Background(), tr, func(*wave.Workflow) ([]wave.Event, error) { return nil, nil }); err != nil {
			t.Fatal(err)
		}
		n := &counter{fail: map[string]error{"lis": fmt.Errorf("no platform: %w", ErrUndeliverable)}}
		sw := sweeper(s, n, clk)
		runFor(sw, 3*time.Hour)
		got, err := s.Workflow(context.Background(), "KFF")
		if err != nil {
			t.Fatal(err)
		}
		if len(got.DeliveryFailures) != 1 || got.DeliveryFailures[0].Person != "lis" || got.DeliveryFailures[0].FV != "KFF" {
			t.Errorf("failures recorded on the track: %+v", got.DeliveryFailures)
		}
		if ks := n.keys("anna"); len(ks) != 1 || !strings.HasPrefix(ks[0], "KFF|delivery-failed|lis|anna") {
			t.Errorf("the KS person got %v, want one notice that lis cannot be reached", ks)
		}
		if n.attempts["lis"] != 1 || !got.Reminded.After(cph.At(day("2027-02-01"), 9, 0)) {
			t.Errorf("%d attempts at lis, watermark %v", n.attempts["lis"], got.Reminded)
		}
		runFor(sw, 24*time.Hour)
		if ks := n.keys("anna"); len(ks) != 1 {
			t.Errorf("the KS person heard of lis again: %v", ks)
		}
	})
}
