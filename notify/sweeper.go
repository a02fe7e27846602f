package notify

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"wavebot/catalog"
	"wavebot/clock"
	"wavebot/storage"
	"wavebot/wave"
)

// Notifier delivers one reminder to its recipient; each chat adapter has one.
type Notifier interface {
	Notify(ctx context.Context, r Reminder) error
}

// sweepStore is what the sweeper needs of storage.
type sweepStore interface {
	DueWaves(ctx context.Context, until time.Time, limit int) ([]string, error)
	Wave(ctx context.Context, id string) (wave.Wave, error)
	UpdateWave(ctx context.Context, id string, change storage.WaveChange) (wave.Wave, error)
	ClaimReminder(ctx context.Context, key string, now time.Time, lease time.Duration) (storage.Claim, error)
	CompleteReminder(ctx context.Context, key string) error
}

// Sweeper sends what is due: it reads the due index, works out each due
// wave's reminders, and delivers each under a lease from the ledger, so any
// number of replicas can sweep at once and each reminder goes out once.
type Sweeper struct {
	Store    sweepStore
	Policy   Policy
	Notifier Notifier
	Clock    clock.Clock
	// Lease is how long a claim keeps other replicas off a reminder; a
	// replica that dies holding one is replaced after it.
	Lease time.Duration
	// Batch bounds the waves one sweep looks at.
	Batch  int
	Logger *slog.Logger
}

// Sweep delivers every reminder due now and returns how many it sent.
// A wave whose reminders were not all delivered (a failure, or another
// replica's lease) stays due and is swept again next time.
func (s *Sweeper) Sweep(ctx context.Context) (int, error) {
	now := s.Clock.Now()
	ids, err := s.Store.DueWaves(ctx, now, s.Batch)
	if err != nil {
		return 0, fmt.Errorf("sweep: %w", err)
	}
	sent := 0
	for _, id := range ids {
		n, err := s.sweepWave(ctx, id, now)
		sent += n
		if err != nil {
			s.Logger.Warn("sweep wave", "wave", id, "err", err)
		}
	}
	return sent, nil
}

func (s *Sweeper) sweepWave(ctx context.Context, id string, now time.Time) (int, error) {
	w, err := s.Store.Wave(ctx, id)
	if err != nil {
		return 0, err
	}
	sent, complete := 0, true
	for _, r := range s.Policy.Due(w, w.Reminded, now) {
		claim, err := s.Store.ClaimReminder(ctx, r.Key, now, s.Lease)
		if err != nil {
			return sent, err
		}
		switch claim {
		case storage.Delivered:
			continue
		case storage.Held:
			complete = false
			continue
		}
		if err := s.Notifier.Notify(ctx, r); err != nil {
			s.Logger.Warn("deliver reminder", "key", r.Key, "err", err)
			complete = false
			continue
		}
		if err := s.Store.CompleteReminder(ctx, r.Key); err != nil {
			return sent, err
		}
		sent++
		s.Logger.Info("reminder delivered", "key", r.Key)
	}
	if !complete {
		return sent, nil
	}
	_, err = s.Store.UpdateWave(ctx, id, func(w *wave.Wave) ([]wave.Event, error) {
		if now.After(w.Reminded) {
			w.Reminded = now
		}
		return nil, nil
	})
	return sent, err
}

var reminderText = map[Kind]catalog.Message{
	AuthSoon: catalog.RemindAuthSoon, AuthToday: catalog.RemindAuthToday, AuthOverdue: catalog.RemindAuthOverdue,
	AuthEscalate: catalog.RemindAuthEscalate, EvalNotice: catalog.RemindEval, ActivitySoon: catalog.RemindActivitySoon,
	ActivityOverdue: catalog.RemindActivityOverdue, NoContact: catalog.RemindNoContact,
}

// Text is the reminder's message in lang: what is due and what to do.
func (r Reminder) Text(lang string) string {
	ref := r.Wave + "/" + r.FV
	if r.Activity != "" {
		return reminderText[r.Kind].In(lang, ref, r.Activity, r.Due)
	}
	return reminderText[r.Kind].In(lang, ref, r.Due)
}
