package redis

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"wavebot/storage"
	"wavebot/storage/redis/redistest"
)

// roundTrips is a go-redis hook that records, for each round trip to
// Redis, the claims it carried, and holds the first claim's round trip
// until release is closed.
type roundTrips struct {
	held    chan struct{} // closed when the first claim is held
	release chan struct{}

	mu    sync.Mutex
	trips [][]string
	first bool
}

func newRoundTrips() *roundTrips {
	return &roundTrips{held: make(chan struct{}), release: make(chan struct{})}
}

func (h *roundTrips) DialHook(next goredis.DialHook) goredis.DialHook { return next }

func (h *roundTrips) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		h.record([]goredis.Cmder{cmd})
		return next(ctx, cmd)
	}
}

func (h *roundTrips) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		h.record(cmds)
		return next(ctx, cmds)
	}
}

// record notes the claims among cmds as one round trip; the first is
// held until release.
func (h *roundTrips) record(cmds []goredis.Cmder) {
	var claims []string
	for _, c := range cmds {
		if key, ok := c.Args()[1].(string); ok && c.Name() == "set" && strings.Contains(key, "once:") {
			claims = append(claims, key[strings.Index(key, "once:")+len("once:"):])
		}
	}
	if len(claims) == 0 {
		return
	}
	h.mu.Lock()
	h.trips = append(h.trips, claims)
	hold := !h.first
	h.first = true
	h.mu.Unlock()
	if hold {
		close(h.held)
		<-h.release
	}
}

func (h *roundTrips) sent() [][]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.trips
}

// batchRig holds a store's first claim at Redis until release, so that
// tests can queue claims behind it and read what each was answered.
type batchRig struct {
	t        *testing.T
	s        *Store
	hook     *roundTrips
	release  func()
	queued   chan struct{}
	outcomes chan claimOutcome
	deadline <-chan time.Time
}

// claimOutcome is what a claim of key was answered.
type claimOutcome struct {
	key   string
	first bool
	err   error
}

func newBatchRig(t *testing.T, s *Store) *batchRig {
	r := &batchRig{t: t, s: s, hook: newRoundTrips(), queued: make(chan struct{}, 16), outcomes: make(chan claimOutcome, 16),
		deadline: time.After(10 * time.Second)}
	s.rdb.AddHook(r.hook)
	r.release = sync.OnceFunc(func() { close(r.hook.release) })
	t.Cleanup(r.release)
	s.claims.queued = func() { r.queued <- struct{}{} }
	return r
}

// claim claims key in ctx on a goroutine of its own; outcomes gets the answer.
func (r *batchRig) claim(ctx context.Context, key string) {
	go func() {
		first, err := r.s.ClaimOnce(ctx, key, time.Hour)
		r.outcomes <- claimOutcome{key, first, err}
	}()
}

// wait waits for c, and fails the test when it does not come in time.
func (r *batchRig) wait(c <-chan struct{}, what string) {
	r.t.Helper()
	select {
	case <-c:
	case <-r.deadline:
		r.t.Fatalf("%s did not happen in time", what)
	}
}

// holdLone claims "lone" and waits until Redis holds it.
func (r *batchRig) holdLone() {
	r.t.Helper()
	r.claim(context.Background(), "lone")
	r.wait(r.hook.held, "the lone claim reaching Redis")
}

// queue claims keys in ctx and waits until each has queued.
func (r *batchRig) queue(ctx context.Context, keys ...string) {
	r.t.Helper()
	for _, k := range keys {
		r.claim(ctx, k)
		r.wait(r.queued, "the claim of "+k+" queuing")
	}
}

// answers waits for n claims' answers, by key.
func (r *batchRig) answers(n int) map[string]claimOutcome {
	r.t.Helper()
	got := map[string]claimOutcome{}
	for range n {
		select {
		case o := <-r.outcomes:
			got[o.key] = o
		case <-r.deadline:
			r.t.Fatalf("claims answered in time: %v", got)
		}
	}
	return got
}

// wantFirst checks that each claim of keys was answered without error,
// first unless its key is "taken".
func (r *batchRig) wantFirst(got map[string]claimOutcome, keys ...string) {
	r.t.Helper()
	for _, k := range keys {
		if o, want := got[k], k != "taken"; o.err != nil || o.first != want {
			r.t.Errorf("claim of %s = %v, %v; want %v", k, o.first, o.err, want)
		}
	}
}

// TestClaimsWaitingTogetherShareARoundTrip: a lone claim goes at once, by
// itself; claims made while it waits for Redis queue, and all of them go
// in the next round trip, each with its own answer.
func TestClaimsWaitingTogetherShareARoundTrip(t *testing.T) {
	s := openAsInProduction(t, redistest.URL(t), redistest.Prefix(t))
	ctx := context.Background()
	if first, err := s.ClaimOnce(ctx, "taken", time.Hour); err != nil || !first {
		t.Fatalf("claim of taken = %v, %v", first, err)
	}
	r := newBatchRig(t, s)
	r.holdLone()
	keys := []string{"a", "b", "taken", "c", "d"}
	r.queue(ctx, keys...)
	r.release()
	r.wantFirst(r.answers(len(keys)+1), append(keys, "lone")...)
	if trips := r.hook.sent(); len(trips) != 2 || strings.Join(trips[0], ",") != "lone" || len(trips[1]) != len(keys) {
		t.Fatalf("round trips carried %v; want [lone], then %v in one, in any order", trips, keys)
	}
}

// TestAClaimBatchOutlivesItsSender: the claim that sends a batch may be
// of a request that ended while it queued; the batch is every claim's in
// it, so it still goes, once, and the others get their answers from it.
func TestAClaimBatchOutlivesItsSender(t *testing.T) {
	r := newBatchRig(t, openAsInProduction(t, redistest.URL(t), redistest.Prefix(t)))
	r.holdLone()
	gone, cancel := context.WithCancel(context.Background())
	r.queue(gone, "sender")
	r.queue(context.Background(), "other")
	cancel()
	r.release()
	// The ended request's own answer is not what is tested.
	r.wantFirst(r.answers(3), "lone", "other")
	if trips := r.hook.sent(); len(trips) != 2 || len(trips[1]) != 2 {
		t.Errorf("round trips carried %v; want [lone], then the sender's and the other claim together", trips)
	}
}

// TestAClaimQueuedAloneIsAnswered: the one claim queued behind a send is
// sent, by itself, when that send is answered.
func TestAClaimQueuedAloneIsAnswered(t *testing.T) {
	r := newBatchRig(t, openAsInProduction(t, redistest.URL(t), redistest.Prefix(t)))
	r.holdLone()
	r.queue(context.Background(), "queued")
	r.release()
	r.wantFirst(r.answers(2), "lone", "queued")
	if trips := r.hook.sent(); len(trips) != 2 || strings.Join(trips[1], ",") != "queued" {
		t.Errorf("round trips carried %v; want [lone], then [queued]", trips)
	}
}

// TestClaimsGoAloneWhileTheStoreFails: while this store's last call
// failed, a claim does not queue behind a send under way (on a Redis that
// has stopped answering it would wait out that send's timeout before its
// own): it goes at once, by itself.
func TestClaimsGoAloneWhileTheStoreFails(t *testing.T) {
	srv := redistest.Start(t)
	s := openAsInProduction(t, srv.URL(), redistest.Prefix(t))
	r := newBatchRig(t, s)
	r.holdLone()
	ctx := context.Background()
	srv.Stop()
	if err := s.Ping(ctx); !errors.Is(err, storage.ErrUnavailable) {
		t.Fatalf("ping with Redis down = %v, want unavailable", err)
	}
	srv.Restart(t)
	r.claim(ctx, "alone")
	select {
	case o := <-r.outcomes:
		if o.key != "alone" || o.err != nil || !o.first {
			t.Errorf("claim while the store fails = %+v; want the first", o)
		}
	case <-r.queued:
		t.Fatal("a claim queued behind a send while the store's last call had failed")
	case <-r.deadline:
		t.Fatal("the claim was not answered while the send before it was held")
	}
	r.release()
	r.answers(1)
}

// TestBatchedClaimsWithALostReplyAreFirst: when the reply to a batch is
// lost, each claim in it tries again alone and finds its own token where
// the batch set the key, and another's where it did not.
func TestBatchedClaimsWithALostReplyAreFirst(t *testing.T) {
	s, direct, proxy := proxied(t)
	ctx := context.Background()
	if first, err := direct.ClaimOnce(ctx, "taken", time.Hour); err != nil || !first {
		t.Fatalf("the other's claim = %v, %v", first, err)
	}
	r := newBatchRig(t, s)
	r.holdLone()
	keys := []string{"a", "b", "taken"}
	r.queue(ctx, keys...)
	proxy.DelayNext("once:a", beyondTimeout)
	r.release()
	r.wantFirst(r.answers(len(keys)+1), append(keys, "lone")...)
	trips := r.hook.sent()
	if len(trips) < 2 || len(trips[1]) != len(keys) {
		t.Fatalf("round trips carried %v; want [lone], then %v in one", trips, keys)
	}
	for _, trip := range trips[2:] {
		if len(trip) != 1 {
			t.Errorf("a retry went with others: round trips carried %v", trips)
		}
	}
}
