package notify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"wavebot/storage"
	"wavebot/storage/bolt"
)

// The delivery tests run in a synctest bubble: time moves only when every
// goroutine of the test waits, so waits of seconds or hours take none, and
// the ledger is a real bolt store judging time by the bubble's clock.

// t0 is 09:00 Copenhagen time on Tuesday 16 February 2027.
var t0 = cph.At(day("2027-02-16"), 9, 0)

// shifted is the bubble's clock moved to start at a chosen instant.
type shifted struct{ offset time.Duration }

// clockAt returns a clock that reads at now and runs with the bubble's time.
func clockAt(at time.Time) shifted { return shifted{time.Until(at)} }

func (c shifted) Now() time.Time                         { return time.Now().Add(c.offset) }
func (c shifted) After(d time.Duration) <-chan time.Time { return time.After(d) }

// pass lets d go by in the bubble: at once, as soon as everything else waits.
func pass(d time.Duration) { <-time.After(d) }

// boltLedger is a bolt store judging time by clk, closed with the test.
func boltLedger(t *testing.T, clk Clock, due storage.Due) *bolt.Store {
	t.Helper()
	s, err := bolt.Open(t.TempDir(), due)
	if err != nil {
		t.Fatal(err)
	}
	s.Clock = clk
	t.Cleanup(func() { s.Close() })
	return s
}

// scripted is a notifier that answers each recipient's attempts from a
// script (nil: accepted), takes took per attempt, and logs every attempt
// as "recipient@offset" from t0.
type scripted struct {
	clk     Clock
	took    map[string]time.Duration
	mu      sync.Mutex
	answers map[string][]error
	log     []string
	got     map[string]int
}

func (s *scripted) Notify(_ context.Context, d Digest) error {
	s.mu.Lock()
	s.log = append(s.log, fmt.Sprintf("%s@%v", d.Recipient, s.clk.Now().Sub(t0)))
	var err error
	if a := s.answers[d.Recipient]; len(a) > 0 {
		s.answers[d.Recipient], err = a[1:], a[0]
	}
	took := s.took[d.Recipient]
	s.mu.Unlock()
	pass(took) // the platform's own time
	if err == nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.got == nil {
			s.got = map[string]int{}
		}
		for _, r := range d.Reminders {
			s.got[r.Key]++
		}
	}
	return err
}

func (s *scripted) attempts() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.log, " ")
}

func (s *scripted) delivered(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.got[key]
}

// digest is one reminder for recipient, keyed by the recipient.
func digest(recipient string) Digest {
	return Digest{Recipient: recipient, Reminders: []Reminder{{Key: "k-" + recipient, Recipient: recipient}}}
}

func testDelivery(n Notifier, l ledger, clk Clock) *Delivery {
	d := NewDelivery(n, l, clk)
	d.Workers = 1
	return d
}

// TestDeliveryRetries: within one send a failure is retried after 1, 2, 4
// and 8 seconds and a rate limit after its Retry-After (never sooner than
// the pace); what does not go out stays pending with its failures
// recorded; an undeliverable recipient is tried once; another recipient's
// trouble holds nobody up.
func TestDeliveryRetries(t *testing.T) {
	failure := errors.New("platform said no")
	for _, tc := range []struct {
		name     string
		answers  []error
		attempts string
		outcome  storage.Outcome
		state    storage.ReminderState
		backoff  time.Duration
	}{
		{"fails three times then goes", []error{failure, failure, failure}, "anna@0s anna@1s anna@3s anna@7s",
			storage.Delivered, storage.ReminderState{Outcome: storage.Delivered}, 0},
		{"rate limited once", []error{&RateLimitError{RetryAfter: 30 * time.Second}}, "anna@0s anna@30s",
			storage.Delivered, storage.ReminderState{Outcome: storage.Delivered}, 0},
		{"a retry-after shorter than the pace waits the pace", []error{&RateLimitError{RetryAfter: 100 * time.Millisecond}},
			"anna@0s anna@1s", storage.Delivered, storage.ReminderState{Outcome: storage.Delivered}, 0},
		{"rate limited past the sweep", []error{&RateLimitError{RetryAfter: 10 * time.Minute}}, "anna@0s",
			storage.Pending, storage.ReminderState{}, 0},
		{"fails every attempt", slices.Repeat([]error{failure}, 6), "anna@0s anna@1s anna@3s anna@7s anna@15s",
			storage.Pending, storage.ReminderState{Attempts: 5}, 0},
		{"undeliverable", []error{fmt.Errorf("no platform: %w", ErrUndeliverable)}, "anna@0s",
			storage.Undeliverable, storage.ReminderState{Outcome: storage.Undeliverable}, 0},
		{"a backoff shorter than the pace waits the pace", []error{failure}, "anna@0s anna@1s",
			storage.Delivered, storage.ReminderState{Outcome: storage.Delivered}, 100 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				clk := clockAt(t0)
				ledger := boltLedger(t, clk, nil)
				n := &scripted{clk: clk, answers: map[string][]error{"anna": tc.answers}}
				d := testDelivery(n, ledger, clk)
				if tc.backoff > 0 {
					d.Backoff = tc.backoff
				}
				res := d.Send(context.Background(), []Digest{digest("anna"), digest("bo")}, t0.Add(time.Minute))
				if got := strings.ReplaceAll(n.attempts(), " bo@0s", ""); got != tc.attempts {
					t.Errorf("attempts %s, want %s", got, tc.attempts)
				}
				if got := res[0].Outcomes["k-anna"]; got != tc.outcome {
					t.Errorf("outcome %q, want %q (%v)", got, tc.outcome, res[0].Err)
				}
				if res[1].Outcomes["k-bo"] != storage.Delivered || !strings.Contains(n.attempts(), "bo@0s") {
					t.Errorf("bo: %+v; anna's trouble must not hold bo up", res[1])
				}
				if got := state(t, ledger, "anna", "k-anna"); got != tc.state {
					t.Errorf("ledger holds %+v, want %+v", got, tc.state)
				}
			})
		})
	}
}

// state reads a key's state from the ledger as a later claimer would.
func state(t *testing.T, l ledger, recipient, key string) storage.ReminderState {
	t.Helper()
	for {
		c, err := l.ClaimRecipient(context.Background(), storage.LaneRequest{Recipient: recipient, Token: "reader", Lease: time.Second, Keys: []string{key}})
		if err != nil {
			t.Fatal(err)
		}
		if c.Granted {
			return c.States[0]
		}
		pass(c.Wait) // a wait the delivery recorded
	}
}

// TestWaitsAreShared: the pace after a message and a Retry-After are kept
// in the ledger, so another replica honours them: for the recipient, or
// with an app-wide limit for everyone on the platform.
func TestWaitsAreShared(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockAt(t0)
		ledger := boltLedger(t, clk, nil)
		n := &scripted{clk: clk, answers: map[string][]error{
			"slack:U1": {nil, &RateLimitError{RetryAfter: 10 * time.Minute, Platform: true}},
		}}
		one, two := testDelivery(n, ledger, clk), testDelivery(n, ledger, clk)
		one.Send(context.Background(), []Digest{digest("slack:U1")}, t0.Add(time.Minute))
		pass(400 * time.Millisecond)
		res := two.Send(context.Background(), []Digest{{Recipient: "slack:U1", Reminders: []Reminder{{Key: "k2", Recipient: "slack:U1"}}}}, clk.Now().Add(time.Minute))
		if res[0].Sent || res[0].Retry != 600*time.Millisecond {
			t.Fatalf("second replica within the pace: sent %v, retry %v; want held for 600ms", res[0].Sent, res[0].Retry)
		}
		pass(600 * time.Millisecond)
		res = two.Send(context.Background(), []Digest{{Recipient: "slack:U1", Reminders: []Reminder{{Key: "k2", Recipient: "slack:U1"}}}}, clk.Now().Add(time.Second))
		if res[0].Sent || res[0].Retry != 10*time.Minute {
			t.Fatalf("after an app-wide rate limit: sent %v, retry %v; want pending for 10m", res[0].Sent, res[0].Retry)
		}
		res = one.Send(context.Background(), []Digest{digest("slack:U2"), digest("teams:29:x")}, clk.Now().Add(time.Minute))
		if res[0].Sent || res[0].Retry != 10*time.Minute || !res[1].Sent {
			t.Errorf("others during the Slack limit: %+v; want Slack held, Teams sent", res)
		}
		if want := "slack:U1@0s slack:U1@1s teams:29:x@1s"; n.attempts() != want {
			t.Errorf("attempts %s, want %s", n.attempts(), want)
		}
	})
}

// TestNoAttemptOutlivesItsLease: a retry that would start after the lease
// ran out first renews it; when another replica has taken the recipient
// meanwhile, no attempt is made.
func TestNoAttemptOutlivesItsLease(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockAt(t0)
		ledger := boltLedger(t, clk, nil)
		failure := errors.New("platform said no")
		n := &scripted{clk: clk, answers: map[string][]error{"anna": {failure, failure}}}
		slow := testDelivery(n, ledger, clk)
		slow.Lease, slow.AttemptTimeout, slow.Backoff, slow.MaxBackoff = 10*time.Second, time.Second, 4*time.Second, 8*time.Second
		done := make(chan Result)
		go func() { done <- slow.Send(context.Background(), []Digest{digest("anna")}, t0.Add(10*time.Second))[0] }()
		// Tries at 0s and 4s fail; the next is due at 12s, after the lease
		// (10s). At 11s another replica takes anna over and delivers.
		pass(11 * time.Second)
		other := testDelivery(n, ledger, clk)
		if res := other.Send(context.Background(), []Digest{digest("anna")}, clk.Now().Add(time.Minute)); !res[0].Sent {
			t.Fatalf("the other replica could not take over: %+v", res[0])
		}
		res := <-done
		if got := n.attempts(); got != "anna@0s anna@4s anna@11s" {
			t.Errorf("attempts %s; the first replica must not try after its lease was taken", got)
		}
		if n.delivered("k-anna") != 1 || res.Sent || !errors.Is(res.Err, errLeaseLost) {
			t.Errorf("delivered %d times; first replica %+v", n.delivered("k-anna"), res)
		}
	})
}

// flakyLedger fails the first settlements it is asked for.
type flakyLedger struct {
	ledger
	mu      sync.Mutex
	failing int
	settles int
}

func (f *flakyLedger) SettleRecipient(ctx context.Context, s storage.Settlement) error {
	f.mu.Lock()
	f.settles++
	fail := f.failing > 0
	f.failing--
	f.mu.Unlock()
	if fail {
		return fmt.Errorf("settle: %w", storage.ErrUnavailable)
	}
	return f.ledger.SettleRecipient(ctx, s)
}

// TestRecordingIsRetriedNotSending: when the ledger fails to record a
// delivery, the recording is retried until the lease ends; the message
// goes out once. A ledger that never records leaves it pending, still
// sent once by this replica.
func TestRecordingIsRetriedNotSending(t *testing.T) {
	for _, tc := range []struct {
		name    string
		failing int
		outcome storage.Outcome
	}{
		{"recorded on the third try", 2, storage.Delivered},
		{"never recorded", 1 << 20, storage.Pending},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				clk := clockAt(t0)
				ledger := &flakyLedger{ledger: boltLedger(t, clk, nil), failing: tc.failing}
				n := &scripted{clk: clk}
				res := testDelivery(n, ledger, clk).Send(context.Background(), []Digest{digest("anna")}, t0.Add(time.Minute))[0]
				if n.attempts() != "anna@0s" || res.Outcomes["k-anna"] != tc.outcome || !res.Sent {
					t.Errorf("attempts %s, result %+v; want one message and outcome %q", n.attempts(), res, tc.outcome)
				}
				if tc.outcome == storage.Pending && (!errors.Is(res.Err, errNotRecorded) || clk.Now().Before(t0.Add(2*time.Minute-5*time.Second))) {
					t.Errorf("gave up recording at %v with %v; want near the lease's end, not recorded", clk.Now().Sub(t0), res.Err)
				}
			})
		})
	}
}

// blocking is a notifier that holds every delivery until released.
type blocking struct {
	started chan string
	release chan struct{}
}

func (b *blocking) Notify(ctx context.Context, d Digest) error {
	b.started <- d.Recipient
	<-b.release
	return nil
}

// TestDeliveryStopsOnShutdown: when the context ends, the delivery in
// flight finishes and is recorded; nothing else starts, and Send returns.
func TestDeliveryStopsOnShutdown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockAt(t0)
		ledger := boltLedger(t, clk, nil)
		n := &blocking{started: make(chan string), release: make(chan struct{})}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan []Result)
		go func() {
			done <- testDelivery(n, ledger, clk).Send(ctx, []Digest{digest("anna"), digest("bo")}, t0.Add(time.Minute))
		}()
		if who := <-n.started; who != "anna" {
			t.Fatalf("first delivery to %s", who)
		}
		cancel()
		close(n.release)
		res := <-done
		if !res[0].Sent || res[0].Outcomes["k-anna"] != storage.Delivered {
			t.Errorf("in-flight delivery: %+v, want delivered and recorded", res[0])
		}
		if res[1].Tries != 0 || !errors.Is(res[1].Err, context.Canceled) {
			t.Errorf("bo: %+v, want not started", res[1])
		}
		if got := state(t, ledger, "anna", "k-anna"); got.Outcome != storage.Delivered {
			t.Errorf("ledger: %+v", got)
		}
	})
}

// TestWorkersShareTheLoad: with eight workers, thirty recipients who each
// take a second are served in four rounds, each once.
func TestWorkersShareTheLoad(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockAt(t0)
		ledger := boltLedger(t, clk, nil)
		n := &scripted{clk: clk, took: map[string]time.Duration{}}
		var ds []Digest
		for i := range 30 {
			who := fmt.Sprintf("p%02d", i)
			n.took[who] = time.Second
			ds = append(ds, digest(who))
		}
		d := NewDelivery(n, ledger, clk)
		d.Send(context.Background(), ds, t0.Add(time.Minute))
		if elapsed := clk.Now().Sub(t0); elapsed != 4*time.Second {
			t.Errorf("took %v, want 4s", elapsed)
		}
		for _, dg := range ds {
			if got := n.delivered(dg.Reminders[0].Key); got != 1 {
				t.Errorf("%s delivered %d times", dg.Recipient, got)
			}
		}
	})
}

func TestRouter(t *testing.T) {
	slack := &scripted{clk: clockAt(t0)}
	rt := Router{"slack": slack}
	for _, tc := range []struct {
		recipient string
		err       error
	}{
		{"slack:U123", nil},
		{"teams:29:abc", ErrUndeliverable},
		{"maria", ErrUndeliverable},
		{"slack", ErrUndeliverable},
	} {
		err := rt.Notify(context.Background(), digest(tc.recipient))
		if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
			t.Errorf("%s: %v, want %v", tc.recipient, err, tc.err)
		}
	}
	if got := slack.attempts(); !strings.HasPrefix(got, "slack:U123@") || strings.Contains(got, " ") {
		t.Errorf("slack got %v", got)
	}
}

// TestGivingUpIsPerReminder: a digest holds reminders with different
// histories (one person, several waves). The one that has failed
// MaxAttempts times is given up; a reminder in the same digest that has
// failed once, or never been tried, is not: it keeps its own count of 30.
func TestGivingUpIsPerReminder(t *testing.T) {
	failure := errors.New("platform said no")
	for _, tc := range []struct {
		name    string
		before  int // failed attempts of "old" recorded before the send
		answers []error
	}{
		{"the old one reaches its bound in this send", 29, []error{failure, nil}},
		{"the old one was given up but not recorded", 30, []error{nil}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				clk := clockAt(t0)
				ledger := boltLedger(t, clk, nil)
				ctx := context.Background()
				if c, err := ledger.ClaimRecipient(ctx, storage.LaneRequest{Recipient: "anna", Token: "earlier", Lease: time.Minute, Keys: []string{"old"}}); err != nil || !c.Granted {
					t.Fatalf("claim: %+v, %v", c, err)
				}
				if err := ledger.SettleRecipient(ctx, storage.Settlement{Recipient: "anna", Token: "earlier", Keys: []string{"old"},
					Failed: tc.before, Release: true, ID: "earlier"}); err != nil {
					t.Fatal(err)
				}
				n := &scripted{clk: clk, answers: map[string][]error{"anna": tc.answers}}
				d := testDelivery(n, ledger, clk)
				dg := Digest{Recipient: "anna", Reminders: []Reminder{{Key: "old", Recipient: "anna"}, {Key: "new", Recipient: "anna"}}}
				res := d.Send(ctx, []Digest{dg}, t0.Add(time.Minute))[0]
				if got := state(t, ledger, "anna", "old"); got.Outcome != storage.GaveUp {
					t.Errorf("old: %+v, want given up", got)
				}
				if got := state(t, ledger, "anna", "new"); got.Outcome == storage.GaveUp {
					t.Errorf("new: %+v after %d tries (attempts %q, outcomes %v); given up though it has not failed %d times",
						got, res.Tries, n.attempts(), res.Outcomes, d.MaxAttempts)
				}
			})
		})
	}
}

// TestAppWideLimitHoldsThePlatformAtOnce: a platform says "the whole app,
// retry after 30 seconds". The limited lane retries within the sweep, and
// until then nobody else on that platform is sent to: not the next lane of
// the same send, and not another replica (README: "a platform's
// Retry-After is kept ... for an app-wide limit, for the whole platform.
// These waits live in the store, so every replica honours them").
func TestAppWideLimitHoldsThePlatformAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockAt(t0)
		ledger := boltLedger(t, clk, nil)
		n := &scripted{clk: clk, answers: map[string][]error{
			"slack:U1": {&RateLimitError{RetryAfter: 30 * time.Second, Platform: true}},
		}}
		done := make(chan []Result)
		go func() {
			done <- testDelivery(n, ledger, clk).Send(context.Background(), []Digest{digest("slack:U1"), digest("slack:U2")}, t0.Add(time.Minute))
		}()
		pass(5 * time.Second)
		other := testDelivery(n, ledger, clk).Send(context.Background(), []Digest{digest("slack:U3")}, clk.Now().Add(time.Minute))
		<-done
		for _, a := range strings.Fields(n.attempts()) {
			who, at, _ := strings.Cut(a, "@")
			if d, _ := time.ParseDuration(at); who != "slack:U1" && d < 30*time.Second {
				t.Errorf("%s tried at %v, during the app-wide limit (attempts %s)", who, d, n.attempts())
			}
		}
		if other[0].Sent {
			t.Errorf("another replica sent to slack:U3 during the app-wide limit: %+v", other[0])
		}
	})
}

// hanging is a platform that never answers; it gives up only when the
// attempt's context ends.
type hanging struct{ tries int }

func (h *hanging) Notify(ctx context.Context, _ Digest) error {
	h.tries++
	<-ctx.Done()
	return ctx.Err()
}

// TestAttemptEndsWithinItsTimeout: an attempt on a platform that never
// answers is cut off after AttemptTimeout, so it cannot outlive the lease;
// the send ends with the reminder pending and the lease let go.
func TestAttemptEndsWithinItsTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockAt(t0)
		ledger := boltLedger(t, clk, nil)
		n := &hanging{}
		d := testDelivery(n, ledger, clk)
		d.Attempts = 1
		res := d.Send(context.Background(), []Digest{digest("anna")}, t0.Add(time.Minute))[0]
		if elapsed := clk.Now().Sub(t0); n.tries != 1 || elapsed != d.AttemptTimeout || res.Sent {
			t.Errorf("%d tries, send took %v, %+v; want one attempt cut off after %v", n.tries, elapsed, res, d.AttemptTimeout)
		}
		c, err := ledger.ClaimRecipient(context.Background(), storage.LaneRequest{Recipient: "anna", Token: "other", Lease: time.Minute})
		if err != nil || !c.Granted {
			t.Errorf("another replica after the send: %+v, %v; want the lease let go", c, err)
		}
	})
}

// TestNothingLeftToSendLetsGo: when the claim shows every reminder of the
// digest already has an outcome, the replica lets go of the recipient at
// once instead of holding them for a lease.
func TestNothingLeftToSendLetsGo(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockAt(t0)
		ledger := boltLedger(t, clk, nil)
		n := &scripted{clk: clk}
		testDelivery(n, ledger, clk).Send(context.Background(), []Digest{digest("anna")}, t0.Add(time.Minute))
		pass(time.Second) // the pace
		if res := testDelivery(n, ledger, clk).Send(context.Background(), []Digest{digest("anna")}, clk.Now().Add(time.Minute)); res[0].Sent || res[0].Tries != 0 {
			t.Fatalf("an already delivered digest: %+v", res[0])
		}
		c, err := ledger.ClaimRecipient(context.Background(), storage.LaneRequest{Recipient: "anna", Token: "third", Lease: time.Minute})
		if err != nil || !c.Granted {
			t.Errorf("another replica after a send with nothing to send: %+v, %v; want anna free", c, err)
		}
	})
}

// leaseWatch is a ledger that notes, by the replica's clock, until when
// the replica's lease surely runs: a lease from the moment it asked.
type leaseWatch struct {
	ledger
	clk Clock
	mu  sync.Mutex
	end time.Time
}

func (w *leaseWatch) ClaimRecipient(ctx context.Context, req storage.LaneRequest) (storage.LaneClaim, error) {
	asked := w.clk.Now()
	c, err := w.ledger.ClaimRecipient(ctx, req)
	if err == nil && c.Granted {
		w.mu.Lock()
		w.end = asked.Add(req.Lease)
		w.mu.Unlock()
	}
	return c, err
}

func (w *leaseWatch) RenewRecipient(ctx context.Context, recipient, token string, lease time.Duration) (bool, error) {
	asked := w.clk.Now()
	ok, err := w.ledger.RenewRecipient(ctx, recipient, token, lease)
	if err == nil && ok {
		w.mu.Lock()
		w.end = asked.Add(lease)
		w.mu.Unlock()
	}
	return ok, err
}

// watchedPlatform fails every attempt after taking its whole timeout, and
// notes each attempt that could end with less than a quarter of the lease
// left to record the outcome.
type watchedPlatform struct {
	watch            *leaseWatch
	timeout, quarter time.Duration
	late             []string
}

func (p *watchedPlatform) Notify(context.Context, Digest) error {
	start := p.watch.clk.Now()
	p.watch.mu.Lock()
	end := p.watch.end
	p.watch.mu.Unlock()
	if margin := end.Sub(start.Add(p.timeout)); margin < p.quarter {
		p.late = append(p.late, fmt.Sprintf("attempt at %v may end %v before the lease", start.Sub(t0), margin))
	}
	pass(p.timeout)
	return errors.New("platform said no")
}

// TestAttemptsEndWellInsideTheLease: with a lease of ten seconds and
// attempts of up to one second, a retry due eight seconds in would end
// one second before the lease does; it renews first, so every attempt
// ends with a quarter of the lease left to record what happened.
func TestAttemptsEndWellInsideTheLease(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockAt(t0)
		watch := &leaseWatch{ledger: boltLedger(t, clk, nil), clk: clk}
		p := &watchedPlatform{watch: watch, timeout: time.Second, quarter: 10 * time.Second / 4}
		d := testDelivery(p, watch, clk)
		d.Lease, d.AttemptTimeout, d.Backoff, d.MaxBackoff, d.Attempts = 10*time.Second, time.Second, 7*time.Second, 7*time.Second, 2
		d.Send(context.Background(), []Digest{digest("anna")}, t0.Add(10*time.Second))
		for _, l := range p.late {
			t.Error(l)
		}
	})
}
