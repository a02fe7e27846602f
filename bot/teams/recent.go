package teams

import (
	"hash/maphash"
	"sync"
	"time"

	"wavebot/internal/clock"
)

// What a replica remembers of the activities it answered without a claim
// in the store.
const (
	// recentWindow is the least time an activity is remembered: Teams
	// delivers a message again when its answer took over 15 seconds, and
	// gives up within a minute or two.
	recentWindow = 10 * time.Minute
	// recentMost bounds the activities remembered in one window, to
	// about 2.5 MB a generation: past that many, the window starts anew
	// sooner. At a hundred messages a second it still holds ten minutes.
	recentMost = 1 << 16
)

// recent is a replica's memory of the activities it has taken lately:
// the hash of each key, in two generations, the current window and the
// one before it. A window starts with the first key taken once the last
// one is over, so a key is remembered for at least a window, and
// forgotten when the second window after its own starts. Hashes keep it
// small and out of the collector's way; two keys of the same hash (one
// chance in 2^64 for each pair) count as one.
type recent struct {
	clock clock.Clock
	seed  maphash.Seed
	// most is recentMost; tests lower it.
	most int

	mu          sync.Mutex
	now, before map[uint64]struct{}
	since       time.Time
}

func newRecent(c clock.Clock) *recent {
	return &recent{clock: c, seed: maphash.MakeSeed(), most: recentMost, now: map[uint64]struct{}{}, since: c.Now()}
}

// first reports whether key is new to the replica, and remembers it.
func (r *recent) first(key string) bool {
	h := maphash.String(r.seed, key)
	r.mu.Lock()
	defer r.mu.Unlock()
	if t := r.clock.Now(); t.Sub(r.since) >= recentWindow || len(r.now) >= r.most {
		r.before = r.now
		if t.Sub(r.since) >= 2*recentWindow {
			r.before = nil // a window went by with no key taken: all are older than a window
		}
		r.now, r.since = make(map[uint64]struct{}, len(r.before)), t
	}
	_, inNow := r.now[h]
	_, inBefore := r.before[h]
	if inNow || inBefore {
		return false
	}
	r.now[h] = struct{}{}
	return true
}
