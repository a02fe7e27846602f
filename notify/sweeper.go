package notify

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"wavebot/storage"
	"wavebot/wave"
)

// Notifier delivers one digest to its recipient as one message; each chat
// adapter has one. It returns a *RateLimitError when the platform asks it
// to slow down, and an error wrapping ErrUndeliverable when it can never
// deliver.
type Notifier interface {
	Notify(ctx context.Context, d Digest) error
}

// sweepStore is what the sweeper needs of storage.
type sweepStore interface {
	DueWaves(ctx context.Context, until time.Time, limit int) ([]string, error)
	NextDue(ctx context.Context) (time.Time, bool, error)
	DeferWave(ctx context.Context, id string, version int64, until time.Time) error
	Wave(ctx context.Context, id string) (wave.Wave, error)
	UpdateWave(ctx context.Context, id string, change storage.WaveChange) (wave.Wave, error)
	Waves(ctx context.Context) ([]wave.Wave, error)
	Workflow(ctx context.Context, fv string) (wave.Workflow, error)
	UpdateWorkflow(ctx context.Context, initial wave.Workflow, change storage.WorkflowChange) (wave.Workflow, error)
	UpdatePerson(ctx context.Context, id string, change storage.PersonChange) (wave.Person, error)
}

// Sweeper sends what is due: it reads the due index, works out each due
// wave's reminders, gathers them into one digest per person and hands the
// digests to delivery, which sends each under a lease on its recipient; so
// any number of replicas can sweep at once and each reminder goes out
// once. A wave whose reminders all have an outcome gets its watermark
// moved on; one with reminders still pending is looked at again when they
// are worth trying, and does not hold up the others.
type Sweeper struct {
	Store    sweepStore
	Policy   Policy
	Delivery *Delivery
	Clock    Clock
	// Batch bounds the waves one round of a sweep looks at; MaxRounds
	// bounds the rounds of one sweep.
	Batch, MaxRounds int
	Logger           *slog.Logger
	// Report, when set, hears what each sweep did: for metrics.
	Report func(SweepReport)
}

// SweepReport is what one sweep did.
type SweepReport struct {
	Took time.Duration
	// Due counts the reminders the sweep found due, including those
	// another replica had sent; of those, Sent were delivered by this
	// sweep, Failed were given up, Undeliverable reach nobody, Held are
	// notices that wait for their person to become reachable, and Retried
	// failed and wait for a later try.
	Due, Sent, Failed, Undeliverable, Held, Retried int
	// Oldest is how long the oldest reminder the sweep left undelivered
	// has been due; zero when it left none.
	Oldest time.Duration
}

// errLeftAlone stops the sweeper from writing a wave: it changed since it
// was read (the watermark must not pass a change the sweep has not seen),
// or its reminders are still pending.
var errLeftAlone = errors.New("wave left as it is")

// brokenWaveWait is how long a wave that cannot be read waits before the
// next try, so it does not hold the front of the due index.
const brokenWaveWait = time.Hour

// Run sweeps now and then every interval until ctx ends. A sweep in
// progress finishes its deliveries in flight before Run returns.
func (s *Sweeper) Run(ctx context.Context, every time.Duration) {
	for {
		if _, err := s.Sweep(ctx); err != nil {
			s.Logger.Warn("sweep", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-s.Clock.After(every):
		}
	}
}

// NextDue returns when the earliest reminder falls due, by the due index.
func (s *Sweeper) NextDue(ctx context.Context) (time.Time, bool, error) {
	return s.Store.NextDue(ctx)
}

// Sweep delivers the reminders due now and returns how many messages it
// sent. It works through the due waves a batch at a time while batches
// come full and change what is due (a wave finished or put back), at most
// MaxRounds batches.
func (s *Sweeper) Sweep(ctx context.Context) (int, error) {
	var rep SweepReport
	start := s.Clock.Now()
	if s.Report != nil {
		defer func() {
			rep.Took = s.Clock.Now().Sub(start)
			s.Report(rep)
		}()
	}
	total := 0
	for round := 0; round < max(s.MaxRounds, 1) && ctx.Err() == nil; round++ {
		sent, due, moved, err := s.sweepBatch(ctx, &rep)
		total += sent
		if err != nil || due < s.Batch || !moved {
			return total, err
		}
	}
	return total, nil
}

// dueWave is one due subject in a sweep, a wave or a forvaltning's KØR
// workflow track (fv set): what was read, what it sends, and what became
// of it.
type dueWave struct {
	id      string
	fv      string
	version int64
	pending bool
	// retry is how long until its pending reminders are worth a try: the
	// shortest of their waits, zero for the next sweep; retrySet says one
	// has been seen.
	retry    time.Duration
	retrySet bool
	failures []wave.DeliveryFailure
	// reminders are a track's, worked out when it was read.
	reminders []Reminder
	// held are the notices it holds for their person from now on, or
	// again; settled are the notices to a person that went out or were
	// given up, which it holds no more; released are the people of those
	// it had held.
	held, settled []wave.HeldNotice
	released      []string
}

// sweepBatch sweeps up to Batch due waves: it returns how many messages it
// sent, how many waves were due and whether any left the front of the due
// index, finished or put back.
func (s *Sweeper) sweepBatch(ctx context.Context, rep *SweepReport) (sent, due int, moved bool, err error) {
	now := s.Clock.Now()
	ids, err := s.Store.DueWaves(ctx, now, s.Batch)
	if err != nil {
		return 0, 0, false, fmt.Errorf("sweep: %w", err)
	}
	waves := map[string]*dueWave{}
	byRecipient := map[string][]Reminder{}
	var all allWaves
	// A held notice woken while the watermark stood still is due twice
	// under its one key: it is sent once.
	keys := map[string]bool{}
	for _, id := range ids {
		if fv, ok := storage.TrackOf(id); ok {
			rs, err := s.trackReminders(ctx, id, fv, &all, now)
			if err != nil {
				s.Logger.Error("sweep workflow track", "fv", fv, "err", err)
				if errors.Is(err, storage.ErrCorrupt) || errors.Is(err, storage.ErrNotFound) {
					moved = s.deferWave(ctx, id, storage.AnyVersion, now.Add(brokenWaveWait)) || moved
				}
				continue
			}
			waves[id] = rs
			for _, r := range rs.reminders {
				byRecipient[r.Recipient] = append(byRecipient[r.Recipient], r)
			}
			continue
		}
		w, err := s.Store.Wave(ctx, id)
		if err != nil {
			s.Logger.Error("sweep wave", "wave", id, "err", err)
			if errors.Is(err, storage.ErrCorrupt) || errors.Is(err, storage.ErrNotFound) {
				moved = s.deferWave(ctx, id, storage.AnyVersion, now.Add(brokenWaveWait)) || moved
			}
			continue
		}
		waves[id] = &dueWave{id: id, version: w.Version}
		for _, r := range s.Policy.Due(w, w.Reminded, now) {
			if !keys[r.Key] {
				keys[r.Key] = true
				byRecipient[r.Recipient] = append(byRecipient[r.Recipient], r)
			}
		}
	}
	var digests []Digest
	for to, rs := range byRecipient {
		digests = append(digests, NewDigest(to, rs))
	}
	slices.SortFunc(digests, func(a, b Digest) int {
		return cmp.Or(urgencyOf(a.Reminders[0].Kind)-urgencyOf(b.Reminders[0].Kind), strings.Compare(a.Recipient, b.Recipient))
	})
	for _, res := range s.Delivery.Send(ctx, digests, now.Add(s.Delivery.Lease/2)) {
		if res.Sent {
			sent++
		}
		s.book(waves, res, now, rep)
	}
	for _, id := range ids {
		dw := waves[id]
		if dw == nil || ctx.Err() != nil {
			continue
		}
		finish := s.finish
		if dw.fv != "" {
			finish = s.finishTrack
		}
		switch err := finish(ctx, dw, now); {
		case err == nil:
			moved = moved || !dw.pending
		case !errors.Is(err, errLeftAlone):
			s.Logger.Warn("sweep wave", "wave", id, "err", err)
		}
		if dw.pending && dw.retry > 0 {
			moved = s.deferWave(ctx, id, dw.version, s.Clock.Now().Add(dw.retry)) || moved
		}
	}
	return sent, len(ids), moved, nil
}

// book logs what became of one digest, counts it in the sweep's report
// and notes it on its waves.
func (s *Sweeper) book(waves map[string]*dueWave, res Result, now time.Time, rep *SweepReport) {
	for _, r := range res.Digest.Reminders {
		dw := waves[subjectOf(r)]
		o, final := res.Outcomes[r.Key]
		log := []any{"key", r.Key, "recipient", r.Recipient, "attempts", res.Tries}
		rep.Due++
		if final && r.Kind.Notice() && !wave.IsChannel(r.Recipient) {
			// Whether the wave held it or not: it waits no more.
			dw.settled = append(dw.settled, heldNotice(r, time.Time{}))
			if !r.Since.IsZero() {
				dw.released = append(dw.released, r.Recipient)
			}
		}
		switch {
		case slices.ContainsFunc(res.Held, func(h Reminder) bool { return h.Key == r.Key }):
			// Tried again at the next sending time, and a last time when it
			// has waited long enough.
			retry := s.Policy.DigestAt(now)
			if last := r.firstDue().Add(s.Delivery.HoldFor); last.Before(retry) {
				retry = last
			}
			if dw.fv != "" {
				// A track holds no notices of its own: its watermark waits,
				// and the sweep comes back to it then.
				dw.pending = true
				if wait := retry.Sub(now); !dw.retrySet || wait < dw.retry {
					dw.retry, dw.retrySet = wait, true
				}
			} else {
				dw.held = append(dw.held, heldNotice(r, retry))
			}
			rep.Held++
			s.Logger.Info("reminder held", append(log, "outcome", "held", "retry", retry, "err", res.Err)...)
			if r.Kind != DeliveryFailed {
				// The KS lead is told at once that the person cannot be reached.
				dw.failures = append(dw.failures, wave.DeliveryFailure{FV: r.FV, Person: r.Recipient, Reason: string(storage.Undeliverable)})
			}
		case !final:
			dw.pending = true
			if !dw.retrySet || res.Retry < dw.retry {
				dw.retry, dw.retrySet = res.Retry, true
			}
			if res.Tries > 0 {
				rep.Retried++
			}
			rep.Oldest = max(rep.Oldest, now.Sub(r.At))
			if res.Err != nil {
				s.Logger.Warn("reminder pending", append(log, "outcome", "pending", "retry_in", res.Retry.String(), "err", res.Err)...)
			}
		case o == storage.Delivered && res.Sent:
			rep.Sent++
			s.Logger.Info("reminder delivered", append(log, "outcome", string(o))...)
		case o == storage.GaveUp, o == storage.Undeliverable:
			level := slog.LevelWarn
			if o == storage.GaveUp {
				level = slog.LevelError
			}
			if res.Tries > 0 {
				if o == storage.GaveUp {
					rep.Failed++
				} else {
					rep.Undeliverable++
				}
				s.Logger.Log(context.Background(), level, "reminder "+string(o), append(log, "outcome", string(o), "err", res.Err)...)
			}
			if r.Kind != DeliveryFailed {
				dw.failures = append(dw.failures, wave.DeliveryFailure{FV: r.FV, Person: r.Recipient, Reason: string(o)})
			}
		}
	}
}

// finish records the people the wave's reminders could not reach, and,
// when every reminder it had due has an outcome and the wave has not
// changed since it was read, moves its watermark to now (which takes it
// out of the due index until its next reminder) and forgets the snoozes
// that have ended.
func (s *Sweeper) finish(ctx context.Context, dw *dueWave, now time.Time) error {
	if dw.pending && len(dw.failures) == 0 && len(dw.held) == 0 && len(dw.settled) == 0 {
		return errLeftAlone
	}
	// The notice of a failure falls due just after the watermark, so the
	// next sweep sends it.
	at := s.Clock.Now()
	if !at.After(now) {
		at = now.Add(time.Millisecond)
	}
	w, err := s.Store.UpdateWave(ctx, dw.id, func(w *wave.Wave) ([]wave.Event, error) {
		recorded := false
		for _, f := range dw.failures {
			f.At = at
			recorded = w.RecordDeliveryFailure(f) || recorded
		}
		for _, h := range dw.settled {
			recorded = w.Unhold(h) || recorded
		}
		for _, h := range dw.held {
			recorded = w.Hold(h) || recorded
		}
		// A welcome whose person is no longer a contact waits no more.
		var stale []wave.HeldNotice
		for _, h := range w.Held {
			if !stands(w, h) {
				stale = append(stale, h)
			}
		}
		for _, h := range stale {
			recorded = w.Unhold(h) || recorded
		}
		if dw.pending || w.Version != dw.version {
			if recorded {
				return nil, nil
			}
			return nil, errLeftAlone
		}
		if now.After(w.Reminded) {
			w.Reminded = now
		}
		w.DropSnoozes(w.Reminded)
		return nil, nil
	})
	if err == nil {
		// The deferral that may follow is decided on what was written.
		dw.version = w.Version
		s.markWaiting(ctx, dw, w)
	}
	return err
}

// errMarked stops a person's update that would change nothing.
var errMarked = errors.New("marked already")

// markWaiting keeps each person's list of the waves that hold notices for
// them (wave.Person.Waiting) as the sweep left wave w: a person it holds
// notices for has it listed, so that their next command, or a link, sends
// them at once; a person it holds nothing more for has it taken off. A
// mark that cannot be written is only slower: the notice is tried again
// at the next sending time, and a stale one is dropped when it is used.
func (s *Sweeper) markWaiting(ctx context.Context, dw *dueWave, w wave.Wave) {
	var people []string
	for _, h := range dw.held {
		people = append(people, h.Person)
	}
	people = slices.Compact(slices.Sorted(slices.Values(append(people, dw.released...))))
	for _, person := range people {
		holds := len(w.HeldFor(person)) > 0
		_, err := s.Store.UpdatePerson(ctx, person, func(p *wave.Person) ([]wave.Event, error) {
			if slices.Contains(p.Waiting, w.ID) == holds {
				return nil, errMarked
			}
			if holds {
				p.Waiting = append(p.Waiting, w.ID)
			} else {
				p.Waiting = slices.DeleteFunc(p.Waiting, func(id string) bool { return id == w.ID })
			}
			return nil, nil
		})
		if err != nil && !errors.Is(err, errMarked) && !errors.Is(err, storage.ErrNotFound) {
			s.Logger.Warn("mark the notices waiting for a person", "person", person, "wave", w.ID, "err", err)
		}
	}
}

// deferWave puts a wave read at version back in the due index at until;
// false when the store failed to.
func (s *Sweeper) deferWave(ctx context.Context, id string, version int64, until time.Time) bool {
	if err := s.Store.DeferWave(ctx, id, version, until); err != nil {
		s.Logger.Warn("defer wave", "wave", id, "err", err)
		return false
	}
	return true
}

// subjectOf is the due index subject of reminder r: its wave, or its
// forvaltning's track.
func subjectOf(r Reminder) string {
	if r.Wave == "" {
		return storage.TrackSubject(r.FV)
	}
	return r.Wave
}

// allWaves are every wave, read once in a sweep batch, the first time a
// track's KS side needs them.
type allWaves struct {
	read  bool
	waves []wave.Wave
}

// trackReminders reads forvaltning fv's track (due as id) and works out
// its reminders due by now, KS's part to TrackKS.
func (s *Sweeper) trackReminders(ctx context.Context, id, fv string, all *allWaves, now time.Time) (*dueWave, error) {
	t, err := s.Store.Workflow(ctx, fv)
	if err != nil {
		return nil, err
	}
	if !all.read {
		waves, err := s.Store.Waves(ctx)
		if err != nil && !errors.Is(err, storage.ErrCorrupt) {
			return nil, err
		}
		all.read, all.waves = true, waves
	}
	dw := &dueWave{id: id, fv: fv, version: t.Version}
	if !t.Reminded.IsZero() {
		// A track an older wavebot kept has no watermark: it starts now.
		dw.reminders = s.Policy.TrackReminders(t, TrackKS(all.waves, t), t.Reminded, now)
	}
	return dw, nil
}

// finishTrack records the people a track's reminders could not reach,
// for who follows it at KS to hear once, and moves the track's watermark
// to now, as finish does a wave's.
func (s *Sweeper) finishTrack(ctx context.Context, dw *dueWave, now time.Time) error {
	if dw.pending && len(dw.failures) == 0 {
		return errLeftAlone
	}
	at := s.Clock.Now()
	if !at.After(now) {
		at = now.Add(time.Millisecond)
	}
	t, err := s.Store.UpdateWorkflow(ctx, wave.Workflow{FV: dw.fv}, func(t *wave.Workflow) ([]wave.Event, error) {
		if t.Version == 0 {
			return nil, errLeftAlone // the track is gone: nothing to finish
		}
		recorded := false
		for _, f := range dw.failures {
			f.At = at
			recorded = t.RecordDeliveryFailure(f) || recorded
		}
		if dw.pending || t.Version != dw.version {
			if recorded {
				return nil, nil
			}
			return nil, errLeftAlone
		}
		if now.After(t.Reminded) {
			t.Reminded = now
		}
		t.DropSnoozes(t.Reminded)
		return nil, nil
	})
	if err == nil {
		dw.version = t.Version
	}
	return err
}
