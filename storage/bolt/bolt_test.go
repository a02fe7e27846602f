package bolt

import (
	"context"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"wavebot/internal/clock"
	"wavebot/storage"
	"wavebot/storage/storagetest"
	"wavebot/wave"
)

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T, due storage.Due, clk clock.Clock) storage.Store {
		s, err := Open(t.TempDir(), due)
		if err != nil {
			t.Fatal(err)
		}
		s.Clock = clk
		return s
	})
}

func TestSecondOpenFailsClearly(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = Open(dir, nil)
	if err == nil || !strings.Contains(err.Error(), "in use by another wavebot process") {
		t.Fatalf("second Open err = %v, want a clear in-use error", err)
	}
}

func TestStatePersistsAcrossOpens(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := storagetest.NewWave(t, "b3", "BUF")
	if err := s.CreateWave(t.Context(), w, w0(w.ID)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := s.Wave(t.Context(), "b3"); err != nil || len(got.Enrolments) != 1 {
		t.Errorf("after reopen: %+v, %v", got, err)
	}
}

func w0(id string) wave.Event { return wave.Event{Actor: "anna", Wave: id, Action: "wave.create"} }

// count returns how many records bucket holds.
func count(t *testing.T, s *Store, bucket []byte) int {
	t.Helper()
	n := 0
	err := s.db.View(func(tx *bbolt.Tx) error {
		n = tx.Bucket(bucket).Stats().KeyN
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLedgerIsPruned: lanes are forgotten when their lease and wait end,
// outcomes after storage.LedgerRetention, claim-once keys after their ttl.
func TestLedgerIsPruned(t *testing.T) {
	s, err := Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	clk := clock.NewFake(time.Date(2027, 2, 16, 8, 0, 0, 0, time.UTC))
	s.Clock = clk
	ctx := context.Background()
	if c, err := s.ClaimRecipient(ctx, storage.LaneRequest{Recipient: "maria", Token: "a", Lease: time.Minute, Keys: []string{"k1"}}); err != nil || !c.Granted {
		t.Fatalf("claim: %+v, %v", c, err)
	}
	if err := s.SettleRecipient(ctx, storage.Settlement{Recipient: "maria", Token: "a", Keys: []string{"k1"},
		Outcome: storage.Delivered, NotBefore: time.Second, Release: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimOnce(ctx, "slack:event:Ev1", time.Hour); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, bucketLanes); n != 1 {
		t.Errorf("%d lanes during the pace, want 1", n)
	}
	// Any write prunes what has ended by then.
	prune := func() {
		t.Helper()
		if _, err := s.ClaimOnce(ctx, "tick", time.Nanosecond); err != nil {
			t.Fatal(err)
		}
	}
	clk.Advance(2 * time.Second)
	prune()
	if n := count(t, s, bucketLanes); n != 0 {
		t.Errorf("%d lanes after the pace, want none", n)
	}
	clk.Advance(2 * time.Hour)
	prune()
	if n := count(t, s, bucketOnce); n != 1 { // only the newest tick
		t.Errorf("%d claim-once keys after their ttl, want 1", n)
	}
	clk.Advance(storage.LedgerRetention - 3*time.Hour)
	prune()
	if n := count(t, s, bucketLedger); n != 1 {
		t.Errorf("%d outcomes before the retention ends, want 1", n)
	}
	clk.Advance(2 * time.Hour)
	prune()
	if n := count(t, s, bucketLedger); n != 0 {
		t.Errorf("%d outcomes after the retention, want none", n)
	}
	if n := count(t, s, bucketExpiry); n != 1 {
		t.Errorf("%d entries left in the expiry index, want the last tick's", n)
	}
}
