package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"wavebot/storage"
	"wavebot/wave"
)

// RateLimitError is a platform saying "too many messages, try again after
// RetryAfter" (HTTP 429). Notifiers return it so delivery waits that long;
// every replica honours the wait, for the recipient or, with Platform set
// (an app-wide limit), for everyone on the platform.
type RateLimitError struct {
	RetryAfter time.Duration
	Platform   bool
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("rate limited: retry after %v", e.RetryAfter)
}

// ErrUndeliverable marks a delivery that can never succeed, such as a
// person on a platform this deployment does not serve; it is not retried.
var ErrUndeliverable = errors.New("undeliverable")

// Reasons a digest stays pending, for the log.
var (
	// errOutOfTime: the sweep's time to start deliveries ran out first.
	errOutOfTime = errors.New("not started before the sweep's deadline")
	// errHeld: another replica holds the recipient, or a wait runs.
	errHeld = errors.New("another replica or a wait holds the recipient")
	// errLeaseLost: another replica took the recipient after this one's lease ran out.
	errLeaseLost = errors.New("the lease on the recipient was lost")
	// errNotRecorded: sent, but the ledger could not record it.
	errNotRecorded = errors.New("sent, but the ledger did not record it")
)

// Clock is the time source of the sweeper and delivery: it tells the time
// and waits.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// ledger is what delivery needs of storage: recipients' lanes.
type ledger interface {
	ClaimRecipient(ctx context.Context, req storage.LaneRequest) (storage.LaneClaim, error)
	RenewRecipient(ctx context.Context, recipient, token string, lease time.Duration) (bool, error)
	SettleRecipient(ctx context.Context, s storage.Settlement) error
}

// Delivery sends digests through a Notifier, each under a lease on its
// recipient in the ledger, so that any number of replicas deliver each
// reminder once and send one person one message at a time:
//
//   - a recipient is claimed just before their message goes out, and the
//     claim returns the reminders' states, so nothing already sent goes
//     again;
//   - no attempt starts unless it can end well inside the lease, judged by
//     this replica's own elapsed time since it asked for the lease; a
//     retry that would not fit first renews the lease, and stops when
//     another replica has taken it;
//   - a failure is retried after a backoff that doubles, a rate limit after
//     its Retry-After, and a recipient's next message waits at least Pace:
//     all three waits are stored in the ledger, so every replica keeps them;
//   - a message the platform took is recorded as delivered; the recording,
//     not the sending, is retried until the lease ends;
//   - a reminder that failed MaxAttempts times, over any number of sweeps,
//     is given up; an undeliverable one is not retried, except a one-off
//     notice to a person, which waits up to HoldFor for them to become
//     reachable (see held.go): it stays pending in the ledger, so it still
//     goes out once.
//
// The one window left: a replica that dies after the platform took a
// message and before the ledger recorded it; after its lease another
// replica sends that message again.
type Delivery struct {
	Notifier Notifier
	Ledger   ledger
	Clock    Clock
	// Lease is how long a claim on a recipient keeps other replicas off.
	Lease time.Duration
	// Pace is the least time between two messages to one recipient.
	Pace time.Duration
	// Backoff is the wait after a first failure; it doubles with each
	// further failure, up to MaxBackoff.
	Backoff, MaxBackoff time.Duration
	// Attempts bounds the tries of one digest within one Send.
	Attempts int
	// MaxAttempts bounds the failed tries of one reminder across sweeps;
	// then it is given up.
	MaxAttempts int
	// Workers is how many recipients may be served at once.
	Workers int
	// AttemptTimeout bounds one attempt; an attempt in flight when Send's
	// context ends is allowed to finish within it, so its outcome is recorded.
	AttemptTimeout time.Duration
	// HoldFor is how long a one-off notice to a person no platform reaches
	// waits for them, from when it first fell due.
	HoldFor time.Duration
	Logger  *slog.Logger
}

// NewDelivery returns a Delivery with the policy's defaults: a two-minute
// lease, one message a second per recipient, retries after 1, 2, 4 and 8
// seconds within a sweep, thirty failed tries in all, eight workers, and
// thirty days for a notice to wait for its person.
func NewDelivery(n Notifier, l ledger, c Clock) *Delivery {
	return &Delivery{Notifier: n, Ledger: l, Clock: c, Lease: 2 * time.Minute, Pace: time.Second,
		Backoff: time.Second, MaxBackoff: time.Minute, Attempts: 5, MaxAttempts: 30, Workers: 8,
		AttemptTimeout: 15 * time.Second, HoldFor: HoldFor, Logger: slog.New(slog.DiscardHandler)}
}

// HoldFor is how long a one-off notice waits for a person no platform
// reaches, from when it first fell due: Delivery's default.
const HoldFor = 30 * 24 * time.Hour

// DigestNotices is how many one-off notices one message carries: a
// message shows every notice it carries, since a notice is said once, and
// within a chat message's limits. Notices beyond it go out in the messages
// that follow, Pace apart, in the same Send.
const DigestNotices = 6

// DigestNews is how many milestones one message to a channel carries: a
// line each.
const DigestNews = 20

// Result is what became of one digest in one Send.
type Result struct {
	Digest Digest
	// Outcomes holds each reminder whose outcome is final; the others are
	// still pending.
	Outcomes map[string]storage.Outcome
	// Held are the pending one-off notices no platform could bring their
	// person: they wait for the person on the wave.
	Held []Reminder
	// Sent is set when this Send delivered the digest, in one message or
	// more.
	Sent bool
	// Tries counts this Send's attempts.
	Tries int
	// Retry is, for pending reminders, how long until a try is worth
	// making; zero for the next sweep.
	Retry time.Duration
	// Err says why reminders stay pending, or what went wrong recording them.
	Err error
}

// lane is one digest on its way.
type lane struct {
	res      *Result
	platform string
	token    string
	// pending is the part of the digest still to send.
	pending Digest
	// more is set when the claim left notices for the next message.
	more    bool
	claimed bool
	// asked is when this replica asked for the lease it holds, by its own
	// clock: the lease runs at least Lease from then.
	asked time.Time
	// recorded holds the failed attempts the ledger has for each pending
	// reminder; failed are this Send's, not yet recorded.
	recorded map[string]int
	failed   int
	readyAt  time.Time
	// stopBy is the end of the Send's time to claim; retries end within
	// half a lease of it.
	stopBy     time.Time
	busy, done bool
}

// Send delivers digests and reports what became of each, in order. A
// digest goes as one message, unless it holds more notices than one
// message carries (DigestNotices to a person, DigestNews to a channel):
// the rest follow in further messages, a Pace apart, each under a fresh
// claim. It claims no recipient after stopBy. When ctx
// ends it starts nothing more; an attempt in flight finishes and is
// recorded.
func (d *Delivery) Send(ctx context.Context, digests []Digest, stopBy time.Time) []Result {
	results := make([]Result, len(digests))
	lanes := make([]*lane, len(digests))
	for i, dg := range digests {
		results[i] = Result{Digest: dg, Outcomes: map[string]storage.Outcome{}}
		lanes[i] = &lane{res: &results[i], pending: dg, token: newToken(), stopBy: stopBy, recorded: map[string]int{}}
	}
	// Outcomes are recorded even after ctx ends.
	report := context.WithoutCancel(ctx)
	finished := make(chan *lane)
	cancelled, stopping := ctx.Done(), false
	busy, workers := 0, max(d.Workers, 1)
	for {
		now := d.Clock.Now()
		for _, l := range lanes {
			if !l.busy && !l.done && !l.claimed && !now.Before(stopBy) {
				d.finish(l, 0, errOutOfTime)
			}
		}
		for !stopping && busy < workers {
			l := next(lanes, now)
			if l == nil {
				break
			}
			l.busy = true
			busy++
			go func() {
				d.step(report, l)
				finished <- l
			}()
		}
		waiting := earliest(lanes)
		if busy == 0 && (waiting == nil || stopping) {
			for _, l := range lanes {
				if !l.done {
					d.stop(report, l, ctx.Err())
				}
			}
			return results
		}
		var wake <-chan time.Time
		if waiting != nil && busy < workers && !stopping {
			wake = d.Clock.After(waiting.readyAt.Sub(now))
		}
		select {
		case l := <-finished:
			l.busy = false
			busy--
		case <-wake:
		case <-cancelled:
			cancelled, stopping = nil, true
		}
	}
}

// The loop reads a lane only when it is not busy: a busy lane belongs to
// the worker moving it on, until the worker hands it back.

// next returns the first lane, in digest order, that is ready to go.
func next(lanes []*lane, now time.Time) *lane {
	for _, l := range lanes {
		if !l.busy && !l.done && !l.readyAt.After(now) {
			return l
		}
	}
	return nil
}

// earliest returns the idle lane that is ready soonest.
func earliest(lanes []*lane) *lane {
	var first *lane
	for _, l := range lanes {
		if !l.busy && !l.done && (first == nil || l.readyAt.Before(first.readyAt)) {
			first = l
		}
	}
	return first
}

func newToken() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// step moves a lane on: it claims the recipient when it has not, then
// makes one attempt, and settles when the lane is finished.
func (d *Delivery) step(ctx context.Context, l *lane) {
	if !l.claimed && !d.claim(ctx, l) {
		return
	}
	now := d.Clock.Now()
	if now.Add(d.AttemptTimeout).After(d.deadline(l)) {
		// The attempt would not end well inside the lease: renew it first.
		asked := now
		renewed, err := d.Ledger.RenewRecipient(ctx, l.pending.Recipient, l.token, d.Lease)
		switch {
		case err != nil:
			d.release(ctx, l, 0, 0, err)
			return
		case !renewed:
			d.release(ctx, l, 0, 0, errLeaseLost)
			return
		}
		l.asked = asked
	}
	actx, cancel := context.WithTimeout(ctx, d.AttemptTimeout)
	err := d.Notifier.Notify(actx, l.pending)
	cancel()
	l.res.Tries++
	switch rl, limited := errors.AsType[*RateLimitError](err); {
	case err == nil:
		d.settle(ctx, l, storage.Delivered)
	case errors.Is(err, ErrUndeliverable):
		l.res.Err = err
		d.undeliverable(ctx, l)
	case limited:
		wait := max(rl.RetryAfter, d.Pace)
		if !d.retryFits(l, wait) {
			if rl.Platform {
				d.release(ctx, l, 0, wait, err)
			} else {
				d.release(ctx, l, wait, 0, err)
			}
			return
		}
		if rl.Platform {
			// Everyone on the platform waits, from now, on every replica.
			st := storage.Settlement{Recipient: l.pending.Recipient, Platform: l.platform, Token: l.token,
				PlatformNotBefore: wait, ID: newToken()}
			if err := d.Ledger.SettleRecipient(ctx, st); err != nil {
				d.Logger.Warn("record a platform's wait", "platform", l.platform, "err", err)
			}
		}
		l.readyAt = d.Clock.Now().Add(wait)
	default:
		l.failed++
		if !d.giveUpExhausted(ctx, l, err) {
			return
		}
		wait := max(min(d.Backoff<<min(l.failed-1, 20), d.MaxBackoff), d.Pace)
		if d.retryFits(l, wait) {
			l.readyAt = d.Clock.Now().Add(wait)
			return
		}
		d.release(ctx, l, 0, 0, err)
	}
}

// undeliverable settles a digest no platform can bring its recipient: the
// one-off notices to a person in it are held, pending, while they are
// younger than HoldFor; the rest are undeliverable.
func (d *Delivery) undeliverable(ctx context.Context, l *lane) {
	now := d.Clock.Now()
	var held, rest []Reminder
	for _, r := range l.pending.Reminders {
		if r.Kind.Notice() && !wave.IsChannel(r.Recipient) && now.Before(r.firstDue().Add(d.HoldFor)) {
			held = append(held, r)
		} else {
			rest = append(rest, r)
		}
	}
	if len(held) == 0 {
		d.settle(ctx, l, storage.Undeliverable)
		return
	}
	if len(rest) > 0 {
		// Record the undeliverable ones and release the lane with the rest.
		l.pending.Reminders = rest
		st := d.settlement(l)
		st.Outcome, st.Release = storage.Undeliverable, false
		if d.record(ctx, l, st) == nil {
			for _, r := range rest {
				l.res.Outcomes[r.Key] = storage.Undeliverable
			}
		}
	}
	l.pending.Reminders, l.res.Held = held, held
	d.release(ctx, l, 0, 0, l.res.Err)
}

// router is a notifier that tells which platform a recipient's message
// will go through: a person linked on two platforms is reached on one.
type router interface {
	PlatformOf(ctx context.Context, recipient string) (string, error)
}

// platformOf is the platform a recipient's message goes through: the
// notifier's choice, or the prefix of the recipient's id.
func (d *Delivery) platformOf(ctx context.Context, recipient string) string {
	if r, ok := d.Notifier.(router); ok {
		if p, err := r.PlatformOf(ctx, recipient); err == nil {
			return p
		}
	}
	return PlatformOf(recipient)
}

// claim takes the recipient's lease and drops the reminders the ledger
// holds as final; false when the lane is finished.
func (d *Delivery) claim(ctx context.Context, l *lane) bool {
	var keys []string
	for _, r := range l.pending.Reminders {
		keys = append(keys, r.Key)
	}
	l.platform = d.platformOf(ctx, l.pending.Recipient)
	asked := d.Clock.Now()
	c, err := d.Ledger.ClaimRecipient(ctx, storage.LaneRequest{
		Recipient: l.pending.Recipient, Platform: l.platform, Token: l.token, Lease: d.Lease, Keys: keys})
	if err != nil {
		d.finish(l, 0, err)
		return false
	}
	var left []Reminder
	notices, most := 0, DigestNotices
	if wave.IsChannel(l.pending.Recipient) {
		most = DigestNews
	}
	for i, r := range l.pending.Reminders {
		st := c.States[i]
		if st.Outcome.Final() {
			l.res.Outcomes[r.Key] = st.Outcome
			continue
		}
		if r.Kind.Notice() {
			// One message holds most notices; the rest stay due, without an
			// outcome, for the next message.
			if notices++; notices > most {
				l.more = true
				continue
			}
		}
		l.recorded[r.Key] = st.Attempts
		left = append(left, r)
	}
	l.pending.Reminders = left
	switch {
	case len(left) == 0 && c.Granted:
		d.release(ctx, l, 0, 0, nil)
		return false
	case len(left) == 0:
		d.finish(l, 0, nil)
		return false
	case !c.Granted:
		d.finish(l, c.Wait, errHeld)
		return false
	}
	l.claimed, l.asked = true, asked
	// A reminder given up before but not recorded (a replica died in
	// between) is recorded now.
	return d.giveUpExhausted(ctx, l, errors.New("failed too often before"))
}

// giveUpExhausted records as given up the pending reminders that have
// failed MaxAttempts times, each counted on its own, and reports whether
// others are left to try.
func (d *Delivery) giveUpExhausted(ctx context.Context, l *lane, why error) bool {
	var exhausted, left []Reminder
	for _, r := range l.pending.Reminders {
		if l.recorded[r.Key]+l.failed >= d.MaxAttempts {
			exhausted = append(exhausted, r)
		} else {
			left = append(left, r)
		}
	}
	if len(exhausted) == 0 {
		return true
	}
	l.res.Err = why
	if len(left) == 0 {
		d.settle(ctx, l, storage.GaveUp)
		return false
	}
	// Record the exhausted ones and go on with the rest under the lease.
	l.pending.Reminders = exhausted
	st := d.settlement(l)
	st.Outcome, st.Release = storage.GaveUp, false
	if d.record(ctx, l, st) == nil {
		for _, r := range exhausted {
			l.res.Outcomes[r.Key] = storage.GaveUp
		}
	}
	l.pending.Reminders = left
	return true
}

// deadline is when the lane's lease surely still holds, with a quarter of
// it left over to record the outcome.
func (d *Delivery) deadline(l *lane) time.Time { return l.asked.Add(d.Lease - d.Lease/4) }

// retryFits reports whether one more try, wait from now, belongs in this
// Send: within Attempts, and ending within half a lease of the time to
// claim, so one troubled recipient cannot hold a sweep for long. A retry
// renews the lease when it needs to.
func (d *Delivery) retryFits(l *lane, wait time.Duration) bool {
	return l.res.Tries < d.Attempts && d.Clock.Now().Add(wait).Before(l.stopBy.Add(d.Lease/2))
}

// settle records a final outcome for the lane's pending reminders (with
// the pace wait after a delivery) and releases the recipient. Recording is
// retried until the lease ends: the message is never sent again for a
// recording that failed.
func (d *Delivery) settle(ctx context.Context, l *lane, o storage.Outcome) {
	st := d.settlement(l)
	st.Outcome = o
	if o == storage.Delivered {
		st.NotBefore = d.Pace
		l.res.Sent = true
	}
	if err := d.record(ctx, l, st); err != nil {
		d.finish(l, 0, fmt.Errorf("%w: %w", errNotRecorded, err))
		return
	}
	for _, r := range l.pending.Reminders {
		l.res.Outcomes[r.Key] = o
	}
	if o == storage.Delivered && l.more {
		// The notices one message did not carry go in the next, claimed
		// anew once the pace allows.
		var rest []Reminder
		for _, r := range l.res.Digest.Reminders {
			if _, final := l.res.Outcomes[r.Key]; !final {
				rest = append(rest, r)
			}
		}
		l.pending.Reminders, l.more, l.claimed = rest, false, false
		l.recorded, l.failed, l.token = map[string]int{}, 0, newToken()
		l.readyAt = d.Clock.Now().Add(d.Pace)
		return
	}
	d.finish(l, 0, l.res.Err)
}

// record writes a settlement with final outcomes, retrying until the
// lease ends.
func (d *Delivery) record(ctx context.Context, l *lane, st storage.Settlement) error {
	wait := 100 * time.Millisecond
	for {
		err := d.Ledger.SettleRecipient(ctx, st)
		if err == nil {
			return nil
		}
		if d.Clock.Now().Add(wait).After(l.asked.Add(d.Lease)) {
			d.Logger.Error("reminder outcome not recorded", "recipient", l.pending.Recipient, "outcome", string(st.Outcome), "err", err)
			return err
		}
		<-d.Clock.After(wait)
		wait = min(2*wait, 5*time.Second)
	}
}

// release ends the lane with its reminders still pending: it records this
// Send's failed attempts and the waits, and lets go of the recipient.
func (d *Delivery) release(ctx context.Context, l *lane, wait, platformWait time.Duration, why error) {
	st := d.settlement(l)
	st.Failed, st.NotBefore, st.PlatformNotBefore = l.failed, wait, platformWait
	if err := d.Ledger.SettleRecipient(ctx, st); err != nil {
		d.Logger.Warn("release recipient", "recipient", l.pending.Recipient, "err", err)
	}
	retry := max(wait, platformWait)
	if l.failed > 0 {
		most := 0
		for _, r := range l.pending.Reminders {
			most = max(most, l.recorded[r.Key])
		}
		retry = max(retry, d.sweepBackoff(most+l.failed))
	}
	d.finish(l, retry, why)
}

// sweepBackoff is how long a reminder that failed attempts times waits for
// its next sweep: a minute after the first sweep's tries, doubling, at
// most an hour, so a reminder that keeps failing cannot crowd out others.
func (d *Delivery) sweepBackoff(attempts int) time.Duration {
	sweeps := max(attempts/max(d.Attempts, 1), 1)
	return min(time.Minute<<min(sweeps-1, 10), time.Hour)
}

func (d *Delivery) settlement(l *lane) storage.Settlement {
	st := storage.Settlement{Recipient: l.pending.Recipient, Platform: l.platform, Token: l.token, Release: true, ID: newToken()}
	for _, r := range l.pending.Reminders {
		st.Keys = append(st.Keys, r.Key)
	}
	return st
}

// stop ends a lane when Send stops: a claimed lane is released with its
// failed attempts recorded.
func (d *Delivery) stop(ctx context.Context, l *lane, why error) {
	if why == nil {
		why = errOutOfTime
	}
	if l.claimed {
		d.release(ctx, l, 0, 0, why)
		return
	}
	d.finish(l, 0, why)
}

func (d *Delivery) finish(l *lane, retry time.Duration, why error) {
	l.done, l.res.Retry = true, retry
	if l.res.Err == nil {
		l.res.Err = why
	}
}

// PlatformOf is the platform of a person id: "slack" of "slack:U123",
// none of a console name.
func PlatformOf(id string) string {
	platform, _, ok := strings.Cut(id, ":")
	if !ok {
		return ""
	}
	return platform
}

// Router delivers each digest through the notifier of its recipient's
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
