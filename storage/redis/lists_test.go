package redis

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"wavebot/storage/redis/redistest"
	"wavebot/storage/storagetest"
	"wavebot/wave"
)

// TestTwoReplicasSavingRowsOfOneList has two stores with their own
// connection pools, as two replicas of wavebot serving two people, save
// every row of one list at once: nothing is lost, no save is refused, and
// each row was written once.
func TestTwoReplicasSavingRowsOfOneList(t *testing.T) {
	url, prefix := redistest.URL(t), redistest.Prefix(t)
	a, b := open(t, url, prefix), open(t, url, prefix)
	ctx := context.Background()
	// Each person has four tabs open, saving every other row of the list.
	const rows, tabs = 200, 4
	if _, err := storagetest.Upload(ctx, a, rows); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, rows)
	for tab := range 2 * tabs {
		s, who := a, "maria"
		if tab%2 == 1 {
			s, who = b, "jens"
		}
		wg.Go(func() {
			for id := tab + 1; id <= rows; id += 2 * tabs {
				if problems, err := storagetest.Decide(ctx, s, who, id, 1, wave.DecisionFix); err != nil || len(problems) > 0 {
					errs <- fmt.Errorf("row %d: %v %v", id, problems, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	l, err := b.AuthList(ctx, "b3", "BUF")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range l.Rows {
		want := "maria"
		if r.ID%2 == 0 {
			want = "jens"
		}
		if r.Decision != wave.DecisionFix || r.DecidedBy != want || r.Version != 2 {
			t.Fatalf("row %d = %+v; want fixed by %s, written once", r.ID, r, want)
		}
	}
	if l.Version != rows+1 {
		t.Errorf("list version %d; want %d (one upload, one write per row)", l.Version, rows+1)
	}
	evs, err := a.Events(ctx, "b3", "BUF", 2*rows)
	if err != nil || len(evs) != rows+1 {
		t.Errorf("%d events (%v); want %d", len(evs), err, rows+1)
	}
}
