package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
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
	Wave(ctx context.Context, id string) (wave.Wave, error)
	UpdateWave(ctx context.Context, id string, change storage.WaveChange) (wave.Wave, error)
	ClaimReminder(ctx context.Context, key string, now time.Time, lease time.Duration) (storage.Claim, error)
	CompleteReminder(ctx context.Context, key string) error
}

// Sweeper sends what is due: it reads the due index, works out each due
// wave's reminders, claims each in the ledger under a lease and hands them
// to delivery, so any number of replicas can sweep at once and each
// reminder goes out once.
type Sweeper struct {
	Store    sweepStore
	Policy   Policy
	Delivery *Delivery
	Clock    Clock
	// Lease is how long a claim keeps other replicas off a reminder; a
	// replica that dies holding one is replaced after it. A sweep stops
	// starting deliveries when half the lease has passed.
	Lease time.Duration
	// Batch bounds the waves one sweep looks at.
	Batch  int
	Logger *slog.Logger
}

// errChangedMeanwhile stops the sweeper from moving a wave's watermark
// past a change it has not seen.
var errChangedMeanwhile = errors.New("wave changed during the sweep")

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

// Sweep delivers every reminder due now and returns how many it sent. It
// works through the due waves a batch at a time while batches come full
// and make progress. A wave whose reminders were not all delivered (a
// failure, or another replica's lease) stays due and is swept again next
// time.
func (s *Sweeper) Sweep(ctx context.Context) (int, error) {
	total := 0
	for ctx.Err() == nil {
		sent, due, finished, err := s.sweepBatch(ctx)
		total += sent
		if err != nil || due < s.Batch || finished == 0 {
			return total, err
		}
	}
	return total, nil
}

// sweepBatch sweeps up to Batch due waves; it returns how many reminders
// it sent, how many waves were due and how many it finished.
func (s *Sweeper) sweepBatch(ctx context.Context) (sent, due, finished int, err error) {
	now := s.Clock.Now()
	ids, err := s.Store.DueWaves(ctx, now, s.Batch)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("sweep: %w", err)
	}
	var (
		claimed    []Reminder
		versions   = map[string]int64{}
		mu         sync.Mutex
		unfinished = map[string]bool{}
	)
	for _, id := range ids {
		rs, version, complete, err := s.claim(ctx, id, now)
		if err != nil {
			s.Logger.Warn("sweep wave", "wave", id, "err", err)
		}
		claimed = append(claimed, rs...)
		versions[id] = version
		unfinished[id] = err != nil || !complete
	}
	s.Delivery.Send(ctx, claimed, now.Add(s.Lease/2), func(ctx context.Context, r Reminder, err error) {
		var recordErr error
		if err == nil || errors.Is(err, ErrUndeliverable) {
			recordErr = s.Store.CompleteReminder(ctx, r.Key)
		}
		mu.Lock()
		defer mu.Unlock()
		switch {
		case recordErr != nil:
			// Sent or given up, but the ledger does not know: after the
			// lease another sweep may send it again.
			unfinished[r.Wave] = true
			s.Logger.Error("reminder not recorded", "key", r.Key, "recipient", r.Recipient, "sent", err == nil, "err", recordErr)
		case err == nil:
			sent++
			s.Logger.Info("reminder delivered", "key", r.Key, "recipient", r.Recipient)
		case errors.Is(err, ErrUndeliverable):
			s.Logger.Warn("reminder undeliverable", "key", r.Key, "recipient", r.Recipient, "err", err)
		default:
			unfinished[r.Wave] = true
			s.Logger.Warn("reminder not delivered", "key", r.Key, "recipient", r.Recipient, "err", err)
		}
	})
	for _, id := range ids {
		if unfinished[id] || ctx.Err() != nil {
			continue
		}
		switch err := s.finish(ctx, id, versions[id], now); {
		case err == nil:
			finished++
		case !errors.Is(err, errChangedMeanwhile):
			s.Logger.Warn("sweep wave", "wave", id, "err", err)
		}
	}
	return sent, len(ids), finished, nil
}

// claim works out wave id's reminders due by now and claims them. It
// returns the ones this sweeper is to deliver, the wave's version, and
// whether it got every one not already delivered.
func (s *Sweeper) claim(ctx context.Context, id string, now time.Time) ([]Reminder, int64, bool, error) {
	w, err := s.Store.Wave(ctx, id)
	if err != nil {
		return nil, 0, false, err
	}
	var mine []Reminder
	complete := true
	for _, r := range s.Policy.Due(w, w.Reminded, now) {
		claim, err := s.Store.ClaimReminder(ctx, r.Key, now, s.Lease)
		if err != nil {
			return mine, w.Version, false, err
		}
		switch claim {
		case storage.Claimed:
			mine = append(mine, r)
		case storage.Held:
			complete = false
		}
	}
	return mine, w.Version, complete, nil
}

// finish moves the wave's watermark to now, which takes it out of the due
// index until its next reminder, and forgets the snoozes that have ended.
// It leaves a wave alone that changed since it was read.
func (s *Sweeper) finish(ctx context.Context, id string, version int64, now time.Time) error {
	_, err := s.Store.UpdateWave(ctx, id, func(w *wave.Wave) ([]wave.Event, error) {
		if w.Version != version {
			return nil, errChangedMeanwhile
		}
		if now.After(w.Reminded) {
			w.Reminded = now
		}
		w.DropSnoozes(w.Reminded)
		return nil, nil
	})
	return err
}
