package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// RateLimitError is a platform saying "too many messages, try again after
// RetryAfter" (HTTP 429). Notifiers return it so delivery waits that long.
type RateLimitError struct {
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("rate limited: retry after %v", e.RetryAfter)
}

// ErrUndeliverable marks a delivery that can never succeed, such as a
// person on a platform this deployment does not serve; it is not retried.
var ErrUndeliverable = errors.New("undeliverable")

// errOutOfTime is a reminder that could not be delivered before its
// sweep's deadline; it stays due and goes out on a later sweep.
var errOutOfTime = errors.New("not delivered before the sweep's deadline")

// Clock is the time source of the sweeper and delivery: it tells the time
// and waits.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// Delivery sends reminders through a Notifier. Each recipient's channel
// gets at most one message per Pace; a failure is retried after a backoff
// that doubles, or after the retry-after of a RateLimitError. A channel
// that waits does not hold up the others. A Delivery keeps the pacing of
// each channel between calls of Send; it is not for concurrent use.
type Delivery struct {
	Notifier Notifier
	Clock    Clock
	// Pace is the least time between two messages to one recipient.
	Pace time.Duration
	// Backoff is the wait after a first failure; it doubles with each
	// further failure, up to MaxBackoff.
	Backoff, MaxBackoff time.Duration
	// Attempts bounds the tries of one reminder within one Send.
	Attempts int
	// Workers is how many messages may be in flight at once.
	Workers int
	// AttemptTimeout bounds one attempt; an attempt in flight when Send's
	// context ends is allowed to finish within it, so its outcome is recorded.
	AttemptTimeout time.Duration

	lastSent map[string]time.Time
}

// NewDelivery returns a Delivery with the policy's defaults: one message a
// second per channel, retries after 1, 2, 4 and 8 seconds, eight workers.
func NewDelivery(n Notifier, c Clock) *Delivery {
	return &Delivery{Notifier: n, Clock: c, Pace: time.Second, Backoff: time.Second, MaxBackoff: time.Minute,
		Attempts: 5, Workers: 8, AttemptTimeout: 15 * time.Second}
}

// job is one reminder on its way.
type job struct {
	r        Reminder
	seq      int
	attempts int
}

// lane is one recipient's queue.
type lane struct {
	to      string
	jobs    []*job
	readyAt time.Time
	busy    bool
}

type outcome struct {
	lane *lane
	err  error
	at   time.Time
}

// Send delivers rs, in order per recipient, and calls done once for each
// with its outcome: nil when the platform took it. A reminder not yet sent
// when ctx ends or when deadline passes is reported with an error and left
// for a later sweep; an attempt in flight is let finish. Send returns when
// every reminder is reported. done runs on Send's goroutines, never twice
// at once for one recipient, with a context that outlives ctx so the
// outcome can still be recorded.
func (d *Delivery) Send(ctx context.Context, rs []Reminder, deadline time.Time, done func(context.Context, Reminder, error)) {
	if d.lastSent == nil {
		d.lastSent = map[string]time.Time{}
	}
	now := d.Clock.Now()
	for to, at := range d.lastSent {
		if now.Sub(at) >= d.Pace {
			delete(d.lastSent, to)
		}
	}
	lanes := map[string]*lane{}
	var order []*lane
	for i, r := range rs {
		l := lanes[r.Recipient]
		if l == nil {
			l = &lane{to: r.Recipient, readyAt: d.lastSent[r.Recipient].Add(d.Pace)}
			lanes[r.Recipient] = l
			order = append(order, l)
		}
		l.jobs = append(l.jobs, &job{r: r, seq: i})
	}
	report := context.WithoutCancel(ctx)
	results := make(chan outcome)
	cancelled, stopping := ctx.Done(), false
	busy, workers := 0, max(d.Workers, 1)
	for {
		now := d.Clock.Now()
		expire(report, order, deadline, done)
		for !stopping && busy < workers {
			l := ready(order, now)
			if l == nil {
				break
			}
			l.busy = true
			busy++
			go d.attempt(report, l, l.jobs[0], results, done)
		}
		next := waiting(order)
		if busy == 0 && (next == nil || stopping) {
			abandon(report, order, ctx.Err(), done)
			return
		}
		var wake <-chan time.Time
		if next != nil && busy < workers && !stopping {
			wake = d.Clock.After(next.readyAt.Sub(now))
		}
		select {
		case o := <-results:
			busy--
			d.settle(report, o, done)
		case <-wake:
		case <-cancelled:
			cancelled, stopping = nil, true
		}
	}
}

// expire gives up the idle channels that cannot send before the deadline.
func expire(ctx context.Context, order []*lane, deadline time.Time, done func(context.Context, Reminder, error)) {
	for _, l := range order {
		if !l.busy && len(l.jobs) > 0 && l.readyAt.After(deadline) {
			abandon(ctx, []*lane{l}, errOutOfTime, done)
		}
	}
}

// ready returns the idle channel whose next message may go now, the
// earliest queued first.
func ready(order []*lane, now time.Time) *lane {
	var best *lane
	for _, l := range order {
		if !l.busy && len(l.jobs) > 0 && !l.readyAt.After(now) && (best == nil || l.jobs[0].seq < best.jobs[0].seq) {
			best = l
		}
	}
	return best
}

// waiting returns the idle channel whose next message may go soonest.
func waiting(order []*lane) *lane {
	var first *lane
	for _, l := range order {
		if !l.busy && len(l.jobs) > 0 && (first == nil || l.readyAt.Before(first.readyAt)) {
			first = l
		}
	}
	return first
}

// attempt makes one try at j, the head of l, within AttemptTimeout.
func (d *Delivery) attempt(ctx context.Context, l *lane, j *job, results chan<- outcome, done func(context.Context, Reminder, error)) {
	actx, cancel := context.WithTimeout(ctx, d.AttemptTimeout)
	defer cancel()
	err := d.Notifier.Notify(actx, Digest{Recipient: j.r.Recipient, Reminders: []Reminder{j.r}})
	if err == nil {
		done(ctx, j.r, nil)
	}
	results <- outcome{lane: l, err: err, at: d.Clock.Now()}
}

// settle books an attempt's outcome: the channel's next message waits a
// Pace, a failure waits its backoff or retry-after, and a reminder out of
// attempts is reported.
func (d *Delivery) settle(ctx context.Context, o outcome, done func(context.Context, Reminder, error)) {
	l := o.lane
	l.busy = false
	j := l.jobs[0]
	if o.err == nil {
		d.lastSent[l.to] = o.at
		l.readyAt = o.at.Add(d.Pace)
		l.jobs = l.jobs[1:]
		return
	}
	j.attempts++
	if j.attempts >= d.Attempts || errors.Is(o.err, ErrUndeliverable) {
		l.jobs = l.jobs[1:]
		done(ctx, j.r, o.err)
		return
	}
	wait := min(d.Backoff<<min(j.attempts-1, 20), d.MaxBackoff)
	if rl, ok := errors.AsType[*RateLimitError](o.err); ok && rl.RetryAfter > 0 {
		wait = rl.RetryAfter
	}
	l.readyAt = o.at.Add(max(wait, d.Pace))
}

// abandon reports every reminder still queued on the lanes as not
// delivered, with err or, without one, as out of time.
func abandon(ctx context.Context, lanes []*lane, err error, done func(context.Context, Reminder, error)) {
	if err == nil {
		err = errOutOfTime
	}
	for _, l := range lanes {
		for _, j := range l.jobs {
			done(ctx, j.r, err)
		}
		l.jobs = nil
	}
}

// Router delivers each reminder through the notifier of its recipient's
// chat platform: the part of the person id before ':' ("slack:U123" goes
// to "slack"). A person no notifier serves is undeliverable.
type Router map[string]Notifier

// Notify hands d to its recipient's platform's notifier.
func (rt Router) Notify(ctx context.Context, d Digest) error {
	platform, _, ok := strings.Cut(d.Recipient, ":")
	if n := rt[platform]; ok && n != nil {
		return n.Notify(ctx, d)
	}
	return fmt.Errorf("%w: no chat platform of this deployment reaches %s", ErrUndeliverable, d.Recipient)
}
