package notify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"wavebot/clock"
)

// t0 is 09:00 Copenhagen time on Tuesday 16 February 2027.
var t0 = cph.At(day("2027-02-16"), 9, 0)

// scripted is a notifier that answers each key's attempts from a script
// (nil: accepted) and logs every attempt as "key@offset".
type scripted struct {
	clk     clock.Clock
	mu      sync.Mutex
	answers map[string][]error
	log     []string
}

func (s *scripted) Notify(_ context.Context, d Digest) error {
	r := d.Reminders[0]
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, fmt.Sprintf("%s@%v", r.Key, s.clk.Now().Sub(t0)))
	if a := s.answers[r.Key]; len(a) > 0 {
		s.answers[r.Key] = a[1:]
		return a[0]
	}
	return nil
}

func (s *scripted) attempts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.log)
}

// outcomes collects what Send reports, per key.
type outcomes struct {
	mu  sync.Mutex
	got map[string][]error
}

func (o *outcomes) done(ctx context.Context, r Reminder, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if ctx.Err() != nil {
		err = fmt.Errorf("reported with a dead context: %w", ctx.Err())
	}
	if o.got == nil {
		o.got = map[string][]error{}
	}
	o.got[r.Key] = append(o.got[r.Key], err)
}

// drive runs f while moving the fake clock to each timer f waits on, as
// time would pass, and returns when f does.
func drive(clk *clock.Fake, f func()) {
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		f()
	}()
	for {
		select {
		case <-finished:
			return
		default:
		}
		if at, ok := clk.NextTimer(); ok {
			clk.Set(at)
			continue
		}
		time.Sleep(50 * time.Microsecond)
	}
}

func to(recipient string, n int) Reminder {
	return Reminder{Key: fmt.Sprintf("%s%d", recipient, n), Recipient: recipient}
}

func newTestDelivery(n Notifier, clk Clock) *Delivery {
	d := NewDelivery(n, clk)
	d.Workers = 1
	return d
}

// TestDeliveryPacesEachChannel: at most one message a second per
// recipient, and a recipient with a queue does not hold up the others.
func TestDeliveryPacesEachChannel(t *testing.T) {
	clk := clock.NewFake(t0)
	n := &scripted{clk: clk}
	d := newTestDelivery(n, clk)
	var o outcomes
	rs := []Reminder{to("anna", 1), to("anna", 2), to("anna", 3), to("bo", 1), to("cy", 1), to("bo", 2)}
	drive(clk, func() { d.Send(context.Background(), rs, t0.Add(time.Minute), o.done) })
	want := "anna1@0s bo1@0s cy1@0s anna2@1s bo2@1s anna3@2s"
	if got := strings.Join(n.attempts(), " "); got != want {
		t.Errorf("deliveries %s\nwant       %s", got, want)
	}
	for _, r := range rs {
		if errs := o.got[r.Key]; len(errs) != 1 || errs[0] != nil {
			t.Errorf("%s reported %v, want one success", r.Key, errs)
		}
	}
	// The pace holds across sends: anna's next message waits for her last.
	n.log = nil
	drive(clk, func() {
		d.Send(context.Background(), []Reminder{to("anna", 4), to("dan", 1)}, t0.Add(time.Minute), o.done)
	})
	if got := strings.Join(n.attempts(), " "); got != "dan1@2s anna4@3s" {
		t.Errorf("second send: %s, want dan1@2s anna4@3s", got)
	}
}

// TestDeliveryRetries: failures are retried after a doubling backoff, a
// rate limit after its retry-after; nothing is lost and nothing loops.
func TestDeliveryRetries(t *testing.T) {
	failure := errors.New("platform said no")
	limited := &RateLimitError{RetryAfter: 30 * time.Second}
	for _, tc := range []struct {
		name    string
		answers []error
		want    string
		outcome error
	}{
		{"fails three times then succeeds", []error{failure, failure, failure}, "anna1@0s anna1@1s anna1@3s anna1@7s", nil},
		{"rate limited once", []error{limited}, "anna1@0s anna1@30s", nil},
		{"rate limited past the deadline", []error{&RateLimitError{RetryAfter: 2 * time.Minute}}, "anna1@0s", errOutOfTime},
		{"fails every attempt", []error{failure, failure, failure, failure, failure, failure}, "anna1@0s anna1@1s anna1@3s anna1@7s anna1@15s", failure},
		{"undeliverable", []error{fmt.Errorf("no platform: %w", ErrUndeliverable)}, "anna1@0s", ErrUndeliverable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := clock.NewFake(t0)
			n := &scripted{clk: clk, answers: map[string][]error{"anna1": tc.answers}}
			d := newTestDelivery(n, clk)
			var o outcomes
			drive(clk, func() {
				d.Send(context.Background(), []Reminder{to("anna", 1), to("bo", 1)}, t0.Add(time.Minute), o.done)
			})
			var annas []string
			for _, a := range n.attempts() {
				if strings.HasPrefix(a, "anna") {
					annas = append(annas, a)
				}
			}
			if got := strings.Join(annas, " "); got != tc.want {
				t.Errorf("attempts %s, want %s", got, tc.want)
			}
			if errs := o.got["anna1"]; len(errs) != 1 || !errors.Is(errs[0], tc.outcome) || (tc.outcome == nil) != (errs[0] == nil) {
				t.Errorf("outcome %v, want %v", errs, tc.outcome)
			}
			if errs := o.got["bo1"]; len(errs) != 1 || errs[0] != nil {
				t.Errorf("bo's reminder: %v; anna's trouble must not hold it up", errs)
			}
		})
	}
}

// blocking is a notifier that holds every delivery until released.
type blocking struct {
	started chan string
	release chan struct{}
}

func (b *blocking) Notify(ctx context.Context, d Digest) error {
	r := d.Reminders[0]
	b.started <- r.Key
	<-b.release
	return ctx.Err()
}

// TestDeliveryStopsOnShutdown: when the context ends, the delivery in
// flight finishes and is reported as delivered; the rest is reported as
// not delivered, and Send returns.
func TestDeliveryStopsOnShutdown(t *testing.T) {
	clk := clock.NewFake(t0)
	n := &blocking{started: make(chan string), release: make(chan struct{})}
	d := newTestDelivery(n, clk)
	var o outcomes
	ctx, cancel := context.WithCancel(context.Background())
	returned := make(chan struct{})
	go func() {
		d.Send(ctx, []Reminder{to("anna", 1), to("anna", 2), to("bo", 1)}, t0.Add(time.Minute), o.done)
		close(returned)
	}()
	if key := <-n.started; key != "anna1" {
		t.Fatalf("first delivery %s", key)
	}
	cancel()
	close(n.release)
	<-returned
	if errs := o.got["anna1"]; len(errs) != 1 || errs[0] != nil {
		t.Errorf("in-flight delivery reported %v, want success", errs)
	}
	for _, key := range []string{"anna2", "bo1"} {
		if errs := o.got[key]; len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
			t.Errorf("%s reported %v, want cancelled", key, errs)
		}
	}
}

// TestDeliveryConcurrentWorkers: with many workers every reminder goes
// out once and no recipient gets two messages within a second.
func TestDeliveryConcurrentWorkers(t *testing.T) {
	clk := clock.NewFake(t0)
	n := &scripted{clk: clk}
	d := NewDelivery(n, clk)
	var rs []Reminder
	for i := range 3 {
		for _, who := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"} {
			rs = append(rs, to(who, i))
		}
	}
	var o outcomes
	drive(clk, func() { d.Send(context.Background(), rs, t0.Add(time.Minute), o.done) })
	last := map[string]time.Duration{}
	for _, a := range n.attempts() {
		key, at, _ := strings.Cut(a, "@")
		offset, _ := time.ParseDuration(at)
		who := key[:1]
		if prev, ok := last[who]; ok && offset-prev < time.Second {
			t.Errorf("%s got messages at %v and %v", who, prev, offset)
		}
		last[who] = offset
	}
	if len(n.attempts()) != len(rs) || len(o.got) != len(rs) {
		t.Errorf("%d attempts, %d reported, want %d each", len(n.attempts()), len(o.got), len(rs))
	}
}

func TestRouter(t *testing.T) {
	slack := &scripted{clk: clock.NewFake(t0)}
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
		err := rt.Notify(context.Background(), Digest{Recipient: tc.recipient, Reminders: []Reminder{{Key: tc.recipient, Recipient: tc.recipient}}})
		if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
			t.Errorf("%s: %v, want %v", tc.recipient, err, tc.err)
		}
	}
	if got := slack.attempts(); len(got) != 1 || !strings.HasPrefix(got[0], "slack:U123@") {
		t.Errorf("slack got %v", got)
	}
}
