package redis

import (
	"context"
	"errors"
	"fmt"
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

// TestClaimsWaitingTogetherShareARoundTrip: a lone claim goes at once, by
// itself; claims made while it waits for Redis queue, and all of them go
// in the next round trip, each with its own answer.
func TestClaimsWaitingTogetherShareARoundTrip(t *testing.T) {
	s := openAsInProduction(t, redistest.URL(t), redistest.Prefix(t))
	ctx := context.Background()
	if first, err := s.ClaimOnce(ctx, "taken", time.Hour); err != nil || !first {
		t.Fatalf("claim of taken = %v, %v", first, err)
	}
	hook := newRoundTrips()
	s.rdb.AddHook(hook)
	const waiting = 5
	queued := make(chan struct{}, waiting)
	s.claims.queued = func() { queued <- struct{}{} }

	type outcome struct {
		key   string
		first bool
		err   error
	}
	outcomes := make(chan outcome, waiting+1)
	claim := func(key string) {
		first, err := s.ClaimOnce(ctx, key, time.Hour)
		outcomes <- outcome{key, first, err}
	}
	go claim("lone")
	deadline := time.After(10 * time.Second)
	select {
	case <-hook.held:
	case <-deadline:
		t.Fatal("the lone claim did not reach Redis")
	}
	keys := []string{"a", "b", "taken", "c", "d"}
	for _, k := range keys {
		go claim(k)
	}
	for range waiting {
		select {
		case <-queued:
		case <-deadline:
			t.Fatal("the claims did not queue behind the lone one")
		}
	}
	close(hook.release)
	got := map[string]outcome{}
	for range waiting + 1 {
		select {
		case o := <-outcomes:
			got[o.key] = o
		case <-deadline:
			t.Fatalf("claims answered: %v", got)
		}
	}
	for _, k := range append(keys, "lone") {
		want := k != "taken"
		if o := got[k]; o.err != nil || o.first != want {
			t.Errorf("claim of %s = %v, %v; want %v", k, o.first, o.err, want)
		}
	}
	trips := hook.sent()
	if len(trips) != 2 || strings.Join(trips[0], ",") != "lone" || len(trips[1]) != waiting {
		t.Fatalf("round trips carried %v; want [lone], then %v in one, in any order", trips, keys)
	}
}

// TestAClaimBatchOutlivesItsSender: the claim that sends a batch may be
// of a request that ended while it queued; the batch is every claim's in
// it, so it still goes, once, and the others get their answers from it.
func TestAClaimBatchOutlivesItsSender(t *testing.T) {
	s := openAsInProduction(t, redistest.URL(t), redistest.Prefix(t))
	hook := newRoundTrips()
	s.rdb.AddHook(hook)
	queued := make(chan struct{}, 2)
	s.claims.queued = func() { queued <- struct{}{} }
	deadline := time.After(10 * time.Second)
	wait := func(c <-chan struct{}, what string) {
		t.Helper()
		select {
		case <-c:
		case <-deadline:
			t.Fatalf("%s did not happen", what)
		}
	}
	done := make(chan error, 3)
	claim := func(ctx context.Context, key string) {
		first, err := s.ClaimOnce(ctx, key, time.Hour)
		if ctx.Err() != nil {
			err = nil // the ended request's own outcome is not what is tested
		} else if err == nil && !first {
			err = fmt.Errorf("claim of %s was not first", key)
		}
		done <- err
	}
	go claim(context.Background(), "lone")
	wait(hook.held, "the lone claim reaching Redis")
	gone, cancel := context.WithCancel(context.Background())
	go claim(gone, "sender")
	wait(queued, "the sender's claim queuing")
	go claim(context.Background(), "other")
	wait(queued, "the other claim queuing")
	cancel()
	close(hook.release)
	for range 3 {
		select {
		case err := <-done:
			if err != nil {
				t.Error(err)
			}
		case <-deadline:
			t.Fatal("the claims were not answered")
		}
	}
	if trips := hook.sent(); len(trips) != 2 || len(trips[1]) != 2 {
		t.Errorf("round trips carried %v; want [lone], then the sender's and the other claim together", trips)
	}
}

// TestAClaimQueuedAloneIsAnswered: the one claim queued behind a send is
// sent, by itself, when that send is answered.
func TestAClaimQueuedAloneIsAnswered(t *testing.T) {
	s := openAsInProduction(t, redistest.URL(t), redistest.Prefix(t))
	hook := newRoundTrips()
	s.rdb.AddHook(hook)
	release := sync.OnceFunc(func() { close(hook.release) })
	t.Cleanup(release)
	queued := make(chan struct{}, 1)
	s.claims.queued = func() { queued <- struct{}{} }
	deadline := time.After(10 * time.Second)
	done := make(chan error, 2)
	claim := func(key string) {
		first, err := s.ClaimOnce(context.Background(), key, time.Hour)
		if err == nil && !first {
			err = fmt.Errorf("claim of %s was not first", key)
		}
		done <- err
	}
	go claim("lone")
	select {
	case <-hook.held:
	case <-deadline:
		t.Fatal("the lone claim did not reach Redis")
	}
	go claim("queued")
	select {
	case <-queued:
	case <-deadline:
		t.Fatal("the claim did not queue behind the lone one")
	}
	release()
	for range 2 {
		select {
		case err := <-done:
			if err != nil {
				t.Error(err)
			}
		case <-deadline:
			t.Fatal("the claims were not answered")
		}
	}
	if trips := hook.sent(); len(trips) != 2 || strings.Join(trips[1], ",") != "queued" {
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
	hook := newRoundTrips()
	s.rdb.AddHook(hook)
	release := sync.OnceFunc(func() { close(hook.release) })
	t.Cleanup(release)
	queued := make(chan struct{}, 1)
	s.claims.queued = func() { queued <- struct{}{} }
	ctx := context.Background()
	deadline := time.After(10 * time.Second)
	lone := make(chan error, 1)
	go func() {
		_, err := s.ClaimOnce(ctx, "lone", time.Hour)
		lone <- err
	}()
	select {
	case <-hook.held:
	case <-deadline:
		t.Fatal("the lone claim did not reach Redis")
	}
	srv.Stop()
	if err := s.Ping(ctx); !errors.Is(err, storage.ErrUnavailable) {
		t.Fatalf("ping with Redis down = %v, want unavailable", err)
	}
	srv.Restart(t)
	type outcome struct {
		first bool
		err   error
	}
	alone := make(chan outcome, 1)
	go func() {
		first, err := s.ClaimOnce(ctx, "alone", time.Hour)
		alone <- outcome{first, err}
	}()
	select {
	case o := <-alone:
		if o.err != nil || !o.first {
			t.Errorf("claim while the store fails = %v, %v; want the first", o.first, o.err)
		}
	case <-queued:
		t.Fatal("a claim queued behind a send while the store's last call had failed")
	case <-deadline:
		t.Fatal("the claim was not answered while the send before it was held")
	}
	release()
	select {
	case <-lone:
	case <-deadline:
		t.Fatal("the lone claim was not answered")
	}
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
	hook := newRoundTrips()
	s.rdb.AddHook(hook)
	release := sync.OnceFunc(func() { close(hook.release) })
	t.Cleanup(release)
	keys := []string{"a", "b", "taken"}
	queued := make(chan struct{}, len(keys))
	s.claims.queued = func() { queued <- struct{}{} }
	deadline := time.After(10 * time.Second)
	type outcome struct {
		key   string
		first bool
		err   error
	}
	outcomes := make(chan outcome, len(keys)+1)
	claim := func(key string) {
		first, err := s.ClaimOnce(ctx, key, time.Hour)
		outcomes <- outcome{key, first, err}
	}
	go claim("lone")
	select {
	case <-hook.held:
	case <-deadline:
		t.Fatal("the lone claim did not reach Redis")
	}
	for _, k := range keys {
		go claim(k)
	}
	for range keys {
		select {
		case <-queued:
		case <-deadline:
			t.Fatal("the claims did not queue behind the lone one")
		}
	}
	proxy.DelayNext("once:a", beyondTimeout)
	release()
	for range len(keys) + 1 {
		select {
		case o := <-outcomes:
			if want := o.key != "taken"; o.err != nil || o.first != want {
				t.Errorf("claim of %s = %v, %v; want %v", o.key, o.first, o.err, want)
			}
		case <-deadline:
			t.Fatal("the claims were not answered")
		}
	}
	trips := hook.sent()
	if len(trips) < 2 || len(trips[1]) != len(keys) {
		t.Fatalf("round trips carried %v; want [lone], then %v in one", trips, keys)
	}
	for _, trip := range trips[2:] {
		if len(trip) != 1 {
			t.Errorf("a retry went with others: round trips carried %v", trips)
		}
	}
}
