package redis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"wavebot/storage"
	"wavebot/storage/redis/redistest"
	"wavebot/storage/storagetest"
	"wavebot/wave"
)

// beyondTimeout holds a reply back longer than the client waits for one.
const beyondTimeout = ioTimeout + 300*time.Millisecond

// proxied is a store whose connection to Redis runs through a proxy, and
// a second store beside it that reads Redis directly.
func proxied(t testing.TB) (*Store, *Store, *redistest.Proxy) {
	t.Helper()
	srv := redistest.Start(t)
	proxy := redistest.NewProxy(t, "127.0.0.1:"+strconv.Itoa(srv.Port))
	prefix := redistest.Prefix(t)
	return openAsInProduction(t, proxy.URL(), prefix), open(t, srv.URL(), prefix), proxy
}

// TestWriteRetriedAfterALostReplyAppliesOnce: Redis runs the write, its
// answer is held back past the client's timeout, the store retries the
// same write and finds it applied: one change, one audit event, and no
// "already exists" for the wave the store has just made.
func TestWriteRetriedAfterALostReplyAppliesOnce(t *testing.T) {
	s, direct, proxy := proxied(t)
	ctx := context.Background()
	proxy.DelayNext("evalsha", beyondTimeout)
	if err := s.CreateWave(ctx, storagetest.NewWave(t, "b3", "BUF"), wave.Event{Wave: "b3", Action: "wave.create"}); err != nil {
		t.Fatalf("create with a lost reply: %v", err)
	}
	proxy.DelayNext("evalsha", beyondTimeout)
	if err := storagetest.ChangeOneActivity(ctx, s, "b3", 0, "once"); err != nil {
		t.Fatalf("update with a lost reply: %v", err)
	}
	storagetest.CheckAllChanged(t, direct, "b3", 1, 1)
	if ws, err := direct.Waves(ctx); err != nil || len(ws) != 1 {
		t.Errorf("waves listed: %v, %v", ws, err)
	}
	if ids, _ := direct.DueWaves(ctx, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), 10); len(ids) != 0 {
		t.Errorf("a store without a due function indexed %v", ids)
	}
}

// TestUnansweredWriteSaysItMayBeStored: when Redis takes a write and then
// never answers, the error does not claim that nothing was changed.
func TestUnansweredWriteSaysItMayBeStored(t *testing.T) {
	s, direct, proxy := proxied(t)
	ctx := context.Background()
	if err := s.CreateWave(ctx, storagetest.NewWave(t, "b3", "BUF"), wave.Event{Wave: "b3"}); err != nil {
		t.Fatal(err)
	}
	for range callAttempts {
		proxy.DelayNext("evalsha", beyondTimeout)
	}
	err := storagetest.ChangeOneActivity(ctx, s, "b3", 0, "maybe")
	if !errors.Is(err, storage.ErrUnavailable) || !errors.Is(err, storage.ErrOutcomeUnknown) {
		t.Fatalf("err = %v, want unavailable with the outcome unknown", err)
	}
	if w, _ := direct.Wave(ctx, "b3"); w.Version != 2 {
		t.Errorf("version %d: the write did reach Redis, so the error was right to doubt", w.Version)
	}
}

// TestLeasesUseRedisTime: without a Clock the scripts judge leases by
// Redis's TIME, so what a replica's own clock says plays no part: the
// stored lease ends a lease after the server's time.
func TestLeasesUseRedisTime(t *testing.T) {
	s := open(t, redistest.URL(t), redistest.Prefix(t))
	ctx := context.Background()
	before, err := s.rdb.Time(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	if c, err := s.ClaimRecipient(ctx, storage.LaneRequest{Recipient: "maria", Token: "a", Lease: time.Minute}); err != nil || !c.Granted {
		t.Fatalf("claim: %+v, %v", c, err)
	}
	after, _ := s.rdb.Time(ctx).Result()
	until, err := s.rdb.HGet(ctx, s.laneKey("maria"), "until").Int64()
	if err != nil {
		t.Fatal(err)
	}
	if end := time.UnixMilli(until); end.Before(before.Add(time.Minute).Truncate(time.Millisecond)) || end.After(after.Add(time.Minute)) {
		t.Errorf("lease ends %v; want a minute after the server's time (%v to %v)", end, before, after)
	}
	if c, _ := s.ClaimRecipient(ctx, storage.LaneRequest{Recipient: "maria", Token: "b", Lease: time.Minute}); c.Granted || c.Wait <= 59*time.Second {
		t.Errorf("second claim %+v; want refused for about a minute", c)
	}
}

// TestLedgerKeysExpire: a lane lives as long as its lease or wait, an
// outcome for storage.LedgerRetention; nothing is kept for ever.
func TestLedgerKeysExpire(t *testing.T) {
	s := open(t, redistest.URL(t), redistest.Prefix(t))
	ctx := context.Background()
	ttl := func(key string) time.Duration {
		t.Helper()
		d, err := s.rdb.PTTL(ctx, key).Result()
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if c, err := s.ClaimRecipient(ctx, storage.LaneRequest{Recipient: "maria", Token: "a", Lease: time.Minute, Keys: []string{"k1"}}); err != nil || !c.Granted {
		t.Fatalf("claim: %+v, %v", c, err)
	}
	if d := ttl(s.laneKey("maria")); d <= 55*time.Second || d > time.Minute {
		t.Errorf("lane ttl during the lease = %v, want about a minute", d)
	}
	err := s.SettleRecipient(ctx, storage.Settlement{Recipient: "maria", Platform: "", Token: "a", Keys: []string{"k1"},
		Outcome: storage.Delivered, NotBefore: 5 * time.Second, PlatformNotBefore: 0, Release: true})
	if err != nil {
		t.Fatal(err)
	}
	if d := ttl(s.laneKey("maria")); d <= 0 || d > 5*time.Second {
		t.Errorf("lane ttl after the release = %v, want the pace's 5s", d)
	}
	if d := ttl(s.reminderKey("k1")); d < storage.LedgerRetention-time.Minute || d > storage.LedgerRetention {
		t.Errorf("outcome ttl = %v, want %v", d, storage.LedgerRetention)
	}
	if err := s.SettleRecipient(ctx, storage.Settlement{Recipient: "slack:U1", Platform: "slack", Token: "a",
		PlatformNotBefore: 30 * time.Second, Release: true}); err != nil {
		t.Fatal(err)
	}
	if d := ttl(s.platformKey("slack")); d <= 25*time.Second || d > 30*time.Second {
		t.Errorf("platform wait ttl = %v, want 30s", d)
	}
	if first, _ := s.ClaimOnce(ctx, "Ev1", time.Hour); !first {
		t.Fatal("first claim-once refused")
	}
	if d := ttl(s.onceKey("Ev1")); d <= 59*time.Minute || d > time.Hour {
		t.Errorf("claim-once ttl = %v, want an hour", d)
	}
}

// TestWriteCutShortByItsContextSaysItMayBeStored: a write reaches Redis and
// runs, and the caller's context ends while the reply is on its way (a
// chat request with a deadline). The change is stored, so the error must
// not say that nothing was changed.
func TestWriteCutShortByItsContextSaysItMayBeStored(t *testing.T) {
	s, direct, proxy := proxied(t)
	if err := s.CreateWave(context.Background(), storagetest.NewWave(t, "b3", "BUF"), wave.Event{Wave: "b3"}); err != nil {
		t.Fatal(err)
	}
	proxy.DelayNext("evalsha", beyondTimeout)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	err := storagetest.ChangeOneActivity(ctx, s, "b3", 0, "maybe")
	if w, _ := direct.Wave(context.Background(), "b3"); w.Version != 2 {
		t.Fatalf("version %d: the write did not reach Redis, the test proves nothing", w.Version)
	}
	if err == nil || (errors.Is(err, storage.ErrUnavailable) && !errors.Is(err, storage.ErrOutcomeUnknown)) {
		t.Errorf("err = %v; the change is stored, and the error says nothing was changed", err)
	}
}

// TestWriteToAReplicaIsUnavailable: during a failover a client can reach a
// server that has just become a replica; it refuses writes (READONLY).
// Nothing was changed and the store is, for writing, unavailable: the
// error says so, as storage.ErrUnavailable, so a command answers "storage
// unavailable, nothing was changed" rather than an internal error.
func TestWriteToAReplicaIsUnavailable(t *testing.T) {
	primary := redistest.Start(t)
	replica := redistest.Start(t, "--replicaof", "127.0.0.1", strconv.Itoa(primary.Port))
	s := open(t, replica.URL(), redistest.Prefix(t))
	err := s.CreateWave(context.Background(), storagetest.NewWave(t, "b3", "BUF"), wave.Event{Wave: "b3"})
	if !errors.Is(err, storage.ErrUnavailable) || errors.Is(err, storage.ErrOutcomeUnknown) {
		t.Errorf("write to a replica: err = %v; want ErrUnavailable, certainly not applied", err)
	}
}

// TestLedgerCallsRetriedAfterALostReplyCountOnce: a settlement and a
// claim-once whose replies are lost are retried by the store and count
// once: one failed attempt, not two; the claim-once reports that this
// call recorded the key.
func TestLedgerCallsRetriedAfterALostReplyCountOnce(t *testing.T) {
	s, direct, proxy := proxied(t)
	ctx := context.Background()
	if c, err := s.ClaimRecipient(ctx, storage.LaneRequest{Recipient: "maria", Token: "a", Lease: time.Minute, Keys: []string{"k1"}}); err != nil || !c.Granted {
		t.Fatalf("claim: %+v, %v", c, err)
	}
	proxy.DelayNext("evalsha", beyondTimeout)
	if err := s.SettleRecipient(ctx, storage.Settlement{Recipient: "maria", Token: "a", Keys: []string{"k1"}, Failed: 1, Release: true}); err != nil {
		t.Fatalf("settle with a lost reply: %v", err)
	}
	c, err := direct.ClaimRecipient(ctx, storage.LaneRequest{Recipient: "maria", Token: "b", Lease: time.Minute, Keys: []string{"k1"}})
	if err != nil || !c.Granted || c.States[0].Attempts != 1 {
		t.Errorf("after one failed attempt settled with a lost reply: %+v, %v; want 1 attempt", c, err)
	}
	proxy.DelayNext("once:ev1", beyondTimeout)
	if first, err := s.ClaimOnce(ctx, "Ev1", time.Hour); err != nil || !first {
		t.Errorf("claim-once with a lost reply = %v, %v; want first", first, err)
	}
	if first, _ := direct.ClaimOnce(ctx, "Ev1", time.Hour); first {
		t.Error("a second claim-once of Ev1 was first too")
	}
}

// TestWriteWithRedisDownSaysNothingChanged: a write that could not
// connect at all (CreateWave goes straight to its script) certainly
// changed nothing, and the error says so.
func TestWriteWithRedisDownSaysNothingChanged(t *testing.T) {
	srv := redistest.Start(t)
	s := open(t, srv.URL(), redistest.Prefix(t))
	srv.Stop()
	err := s.CreateWave(context.Background(), storagetest.NewWave(t, "b3", "BUF"), wave.Event{Wave: "b3"})
	if !errors.Is(err, storage.ErrUnavailable) || errors.Is(err, storage.ErrOutcomeUnknown) {
		t.Errorf("create with Redis down: err = %v, want ErrUnavailable, certainly not applied", err)
	}
}

// TestLoadRetriedAfterALostReplyAppliesOnce: a loading script whose
// answer is lost is retried, finds its write id and reports success; the
// events it appended are there once.
func TestLoadRetriedAfterALostReplyAppliesOnce(t *testing.T) {
	s, direct, proxy := proxied(t)
	ctx := context.Background()
	events := []wave.Event{{Wave: "b3", Action: "one"}, {Wave: "b3", Action: "two"}}
	for _, p := range []storage.Part{{Waves: []wave.Wave{storagetest.NewWave(t, "b3", "BUF")}}, {Log: "b3", Events: events}} {
		proxy.DelayNext("evalsha", beyondTimeout)
		if err := s.Load(ctx, p); err != nil {
			t.Fatalf("load with a lost reply: %v", err)
		}
	}
	if evs, err := direct.Events(ctx, "b3", "", 10); err != nil || len(evs) != 2 || evs[0].Action != "two" {
		t.Errorf("events after a retried load: %+v, %v", evs, err)
	}
}

// TestClaimsSayWhenRedisIsDown: a claim with Redis down is
// unavailable and certainly claimed nothing, and claims work again once
// Redis is back.
func TestClaimsSayWhenRedisIsDown(t *testing.T) {
	srv := redistest.Start(t)
	s := openAsInProduction(t, srv.URL(), redistest.Prefix(t))
	ctx := context.Background()
	if first, err := s.ClaimOnce(ctx, "Ev1", time.Hour); err != nil || !first {
		t.Fatalf("claim = %v, %v; want the first", first, err)
	}
	srv.Stop()
	first, err := s.ClaimOnce(ctx, "Ev2", time.Hour)
	if first || !errors.Is(err, storage.ErrUnavailable) || errors.Is(err, storage.ErrOutcomeUnknown) {
		t.Errorf("claim with Redis down = %v, %v; want not first, unavailable, certainly not claimed", first, err)
	}
	srv.Restart(t)
	if first, err := s.ClaimOnce(ctx, "Ev2", time.Hour); err != nil || !first {
		t.Errorf("claim of Ev2 after Redis is back = %v, %v; want the first", first, err)
	}
	if first, err := s.ClaimOnce(ctx, "Ev2", time.Hour); err != nil || first {
		t.Errorf("claim of Ev2 again = %v, %v; want claimed before", first, err)
	}
}

// TestClaimOfAGoneRequestClaimsNothing: the pipeline does not watch the
// caller's context, so a claim checks it first: a request already gone
// claims nothing, and its redelivery is first.
func TestClaimOfAGoneRequestClaimsNothing(t *testing.T) {
	s := openAsInProduction(t, redistest.URL(t), redistest.Prefix(t))
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	if first, err := s.ClaimOnce(gone, "Ev1", time.Hour); first || !errors.Is(err, context.Canceled) {
		t.Errorf("claim of a gone request = %v, %v; want not first, canceled", first, err)
	}
	if first, err := s.ClaimOnce(context.Background(), "Ev1", time.Hour); err != nil || !first {
		t.Errorf("claim of its redelivery = %v, %v; want the first", first, err)
	}
}

// TestClaimWithALostReplyOfAnothersKeyIsNotFirst: when the key is
// another's, a claim whose reply was lost and that tries again is not
// first: the token it finds is not its own.
func TestClaimWithALostReplyOfAnothersKeyIsNotFirst(t *testing.T) {
	s, direct, proxy := proxied(t)
	ctx := context.Background()
	if first, err := direct.ClaimOnce(ctx, "Ev3", time.Hour); err != nil || !first {
		t.Fatalf("the other's claim = %v, %v", first, err)
	}
	proxy.DelayNext("once:ev3", beyondTimeout)
	if first, err := s.ClaimOnce(ctx, "Ev3", time.Hour); err != nil || first {
		t.Errorf("claim of another's key with a lost reply = %v, %v; want not first", first, err)
	}
}

// TestClusterClaimWithALostReplyIsFirst: a Cluster client repeats a
// pipeline whose reply it lost on its own, so the store's claim sees its
// key taken without a retry of its own; the token tells it took it.
func TestClusterClaimWithALostReplyIsFirst(t *testing.T) {
	srv := redistest.Start(t, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf")
	proxy := redistest.NewProxy(t, "127.0.0.1:"+strconv.Itoa(srv.Port))
	_, proxyPort, _ := strings.Cut(proxy.Addr(), ":")
	c := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:" + strconv.Itoa(srv.Port)})
	defer c.Close()
	ctx := context.Background()
	if err := c.ConfigSet(ctx, "cluster-announce-port", proxyPort).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Do(ctx, "cluster", "addslotsrange", 0, 16383).Err(); err != nil {
		t.Fatal(err)
	}
	if err := redistest.Eventually(10*time.Second, func() error {
		if info, err := c.ClusterInfo(ctx).Result(); err != nil || !strings.Contains(info, "cluster_state:ok") {
			return fmt.Errorf("cluster not ready: %v", err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	s := openAsInProduction(t, "redis+cluster://"+proxy.Addr(), redistest.Prefix(t))
	if _, err := s.ClaimOnce(ctx, "warm", time.Hour); err != nil {
		t.Fatal(err)
	}
	proxy.DelayNext("once:ev1", beyondTimeout)
	if first, err := s.ClaimOnce(ctx, "Ev1", time.Hour); err != nil || !first {
		t.Errorf("cluster claim with a lost reply = %v, %v; want first", first, err)
	}
}

// BenchmarkClaimsWhenRedisStopsAnswering measures how long a chat
// message's claim takes to fail when Redis stops answering without
// closing its connections: messages arriving 40 ms apart from the moment
// it stops, the slowest claim of them reported as worst-ms.
func BenchmarkClaimsWhenRedisStopsAnswering(b *testing.B) {
	const messages, apart = 20, 40 * time.Millisecond
	for range b.N {
		s, _, proxy := proxied(b)
		ctx := context.Background()
		if _, err := s.ClaimOnce(ctx, "warm", time.Hour); err != nil {
			b.Fatal(err)
		}
		proxy.BlackHole()
		took := make(chan time.Duration, messages)
		for i := range messages {
			go func() {
				time.Sleep(time.Duration(i) * apart)
				start := time.Now()
				if _, err := s.ClaimOnce(ctx, fmt.Sprint("m", i), time.Hour); err == nil {
					b.Error("a claim succeeded with Redis not answering")
				}
				took <- time.Since(start)
			}()
		}
		var worst time.Duration
		for range messages {
			worst = max(worst, <-took)
		}
		b.ReportMetric(float64(worst)/float64(time.Millisecond), "worst-ms")
	}
}
