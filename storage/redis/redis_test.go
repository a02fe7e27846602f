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

	"wavebot/internal/clock"
	"wavebot/storage"
	"wavebot/storage/redis/redistest"
	"wavebot/storage/storagetest"
	"wavebot/wave"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// busyMachineTimeout is how long the tests' clients wait for Redis: a
// machine busy with the whole suite under -race, or beside other work,
// can keep a healthy Redis from answering within the 300 ms and 400 ms
// production gives it (a dial timeout once failed a test here at a load
// of 10 on 2 cores). What those timeouts do is tested on clients with
// production's own (openAsInProduction).
const busyMachineTimeout = 10 * time.Second

// open is a store on url for a test, closed when it ends, on a client
// that waits busyMachineTimeout for Redis.
func open(t testing.TB, url, prefix string) *Store {
	t.Helper()
	return openDue(t, url, prefix, nil)
}

// openDue is open with a due function.
func openDue(t testing.TB, url, prefix string, due storage.Due) *Store {
	t.Helper()
	o, err := options(url)
	if err != nil {
		t.Fatal(err)
	}
	o.DialTimeout, o.ReadTimeout, o.WriteTimeout, o.PoolTimeout = busyMachineTimeout, busyMachineTimeout, busyMachineTimeout, busyMachineTimeout
	rdb := goredis.NewUniversalClient(o)
	s, err := New(context.Background(), rdb, prefix, due)
	if err != nil {
		rdb.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// openAsInProduction is a store on a client with production's timeouts,
// for the tests of what they do.
func openAsInProduction(t testing.TB, url, prefix string) *Store {
	t.Helper()
	s, err := Open(context.Background(), url, prefix, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T, due storage.Due, clk clock.Clock) storage.Store {
		s := openDue(t, redistest.URL(t), redistest.Prefix(t), due)
		s.Clock = clk
		return s
	})
}

// TestTwoClientsHammeringOneWave is the cross-process variant: two stores
// with their own connection pools, as two replicas would have, change one
// wave concurrently and lose nothing.
func TestTwoClientsHammeringOneWave(t *testing.T) {
	url, prefix := redistest.URL(t), redistest.Prefix(t)
	a, b := open(t, url, prefix), open(t, url, prefix)
	ctx := context.Background()
	w := storagetest.NewWave(t, "b3", wave.DefaultForvaltninger[:6]...)
	if err := a.CreateWave(ctx, w, wave.Event{Wave: "b3", Action: "wave.create"}); err != nil {
		t.Fatal(err)
	}
	const writers = 54
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		s := a
		if i%2 == 1 {
			s = b
		}
		wg.Go(func() { errs <- storagetest.ChangeOneActivity(ctx, s, "b3", i, fmt.Sprint(i)) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	storagetest.CheckAllChanged(t, b, "b3", writers, 1)
}

func TestPrefixesDoNotSeeEachOther(t *testing.T) {
	url := redistest.URL(t)
	one, two := open(t, url, redistest.Prefix(t)), open(t, url, redistest.Prefix(t))
	ctx := context.Background()
	if err := one.CreateWave(ctx, storagetest.NewWave(t, "b3", "BUF"), wave.Event{Wave: "b3"}); err != nil {
		t.Fatal(err)
	}
	if _, err := one.EnsurePerson(ctx, wave.Person{ID: "anna", Role: wave.RoleViewer}, wave.Event{}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := two.Wave(ctx, "b3"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("the second prefix sees the first's wave: %v", err)
	}
	if ws, _ := two.Waves(ctx); len(ws) != 0 {
		t.Errorf("the second prefix lists %d waves", len(ws))
	}
	// Each prefix has its own first person, and so its own admin.
	p, err := two.EnsurePerson(ctx, wave.Person{ID: "bo", Role: wave.RoleViewer}, wave.Event{}, true)
	if err != nil || p.Role != wave.RoleAdmin {
		t.Errorf("first person of the second prefix = %+v, %v", p, err)
	}
	if err := two.CreateWave(ctx, storagetest.NewWave(t, "b3"), wave.Event{Wave: "b3"}); err != nil {
		t.Errorf("the same wave id under another prefix: %v", err)
	}
	if _, err := New(ctx, one.rdb, "bad{prefix", nil); err == nil {
		t.Error("a prefix with braces was accepted")
	}
}

func TestCorruptWaveIsNamedAndDoesNotBlockOthers(t *testing.T) {
	s := open(t, redistest.URL(t), redistest.Prefix(t))
	ctx := context.Background()
	for _, id := range []string{"b3", "b4"} {
		if err := s.CreateWave(ctx, storagetest.NewWave(t, id, "BUF"), wave.Event{Wave: id}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.rdb.HSet(ctx, s.waveKey("b3"), "doc", "{not json").Err(); err != nil {
		t.Fatal(err)
	}
	_, err := s.Wave(ctx, "b3")
	if !errors.Is(err, storage.ErrCorrupt) || !strings.Contains(err.Error(), "b3") {
		t.Errorf("Wave(b3) err = %v; want ErrCorrupt naming b3", err)
	}
	_, err = s.UpdateWave(ctx, "b3", func(*wave.Wave) ([]wave.Event, error) { return nil, nil })
	if !errors.Is(err, storage.ErrCorrupt) {
		t.Errorf("UpdateWave(b3) err = %v", err)
	}
	ws, err := s.Waves(ctx)
	if len(ws) != 1 || ws[0].ID != "b4" || !errors.Is(err, storage.ErrCorrupt) || !strings.Contains(err.Error(), "b3") {
		t.Errorf("Waves = %v, %v; want b4 and an error naming b3", ws, err)
	}
	if _, err := s.UpdateWave(ctx, "b4", func(*wave.Wave) ([]wave.Event, error) { return nil, nil }); err != nil {
		t.Errorf("b4 is blocked by b3: %v", err)
	}
}

func TestRedisDownAndBack(t *testing.T) {
	srv := redistest.Start(t)
	s := open(t, srv.URL(), "wavebot:")
	ctx := context.Background()
	if err := s.CreateWave(ctx, storagetest.NewWave(t, "b3", "BUF"), wave.Event{Wave: "b3"}); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	checks := map[string]func() error{
		"ping":   func() error { return s.Ping(ctx) },
		"wave":   func() error { _, err := s.Wave(ctx, "b3"); return err },
		"waves":  func() error { _, err := s.Waves(ctx); return err },
		"update": func() error { return storagetest.ChangeOneActivity(ctx, s, "b3", 0, "x") },
		"person": func() error {
			_, err := s.EnsurePerson(ctx, wave.Person{ID: "anna"}, wave.Event{}, true)
			return err
		},
	}
	for name, check := range checks {
		// Nothing reached Redis, and the error says so.
		if err := check(); !errors.Is(err, storage.ErrUnavailable) || errors.Is(err, storage.ErrOutcomeUnknown) {
			t.Errorf("%s with Redis down: err = %v, want ErrUnavailable, certainly not applied", name, err)
		}
	}
	srv.Restart(t)
	// The client stops dialling a server that keeps refusing and probes it
	// once a second; it comes back within a few seconds.
	if err := redistest.Eventually(5*time.Second, func() error { return s.Ping(ctx) }); err != nil {
		t.Fatalf("ping after restart: %v", err)
	}
	// --save "" and no AOF: the restarted server is empty; the store works on.
	if err := s.CreateWave(ctx, storagetest.NewWave(t, "b5", "BUF"), wave.Event{Wave: "b5"}); err != nil {
		t.Errorf("create after restart: %v", err)
	}
}

func TestAppendOnlyRestartLosesNoAcknowledgedChange(t *testing.T) {
	srv := redistest.Start(t, "--appendonly", "yes", "--appendfsync", "always")
	s := open(t, srv.URL(), "wavebot:")
	ctx := context.Background()
	if err := s.CreateWave(ctx, storagetest.NewWave(t, "b3", wave.DefaultForvaltninger[:2]...), wave.Event{Wave: "b3"}); err != nil {
		t.Fatal(err)
	}
	for i := range 18 {
		if err := storagetest.ChangeOneActivity(ctx, s, "b3", i, fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	srv.Stop() // a crash: SIGKILL, no orderly shutdown
	srv.Restart(t)
	storagetest.CheckAllChanged(t, s, "b3", 18, 1)
}

func TestNewClientURLs(t *testing.T) {
	tests := []struct {
		url  string
		kind string
	}{
		{"redis://127.0.0.1:6379/0", "*redis.Client"},
		{"rediss://user:pw@cache.example:6380/2", "*redis.Client"},
		{"redis://s1:26379/0?master_name=wavebot&addr=s2:26379", "*redis.Client"}, // a sentinel-backed failover client
		{"redis+cluster://n1:7000?addr=n2:7000", "*redis.ClusterClient"},
	}
	for _, tt := range tests {
		c, err := NewClient(tt.url)
		if err != nil {
			t.Errorf("%s: %v", tt.url, err)
			continue
		}
		if got := fmt.Sprintf("%T", c); got != tt.kind {
			t.Errorf("%s: client %s, want %s", tt.url, got, tt.kind)
		}
		c.Close()
	}
	for _, bad := range []string{"http://x", "redis://x/abc", "redis://x?colour=red", "redis://a:1?addr=b:2", "::"} {
		if _, err := NewClient(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	c, _ := NewClient("rediss://h:1")
	if o := c.(*goredis.Client).Options(); o.TLSConfig == nil || o.DialTimeout != dialTimeout {
		t.Errorf("rediss options: %+v", o)
	}
	c.Close()
}

// TestConformanceOnCluster runs the whole suite on a real three-master
// Redis Cluster: every key of a deployment shares one hash slot, so each
// write, due index included, is one script on one node.
func TestConformanceOnCluster(t *testing.T) {
	url := redistest.ClusterURL(t)
	storagetest.Run(t, func(t *testing.T, due storage.Due, clk clock.Clock) storage.Store {
		s := openDue(t, url, redistest.Prefix(t), due)
		if _, ok := s.rdb.(*goredis.ClusterClient); !ok {
			t.Fatalf("client %T, want a cluster client", s.rdb)
		}
		s.Clock = clk
		return s
	})
}

// TestOneSlotPerDeployment: every key the store writes hashes to the slot
// of its prefix, so no write can be split across nodes, and two
// deployments can live in different slots.
func TestOneSlotPerDeployment(t *testing.T) {
	url := redistest.ClusterURL(t)
	s, err := Open(context.Background(), url, "wavebot:", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	want, err := s.rdb.ClusterKeySlot(ctx, s.dueKey()).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{s.waveKey("b3"), s.waveLog("b3"), s.wavesKey(), s.personKey("slack:U1"), s.workflowKey("BUF"),
		s.globalLog(), s.firstKey(), s.reminderKey("b3/BUF|auth-overdue|2027-02-16|maria"), s.laneKey("maria"),
		s.platformKey("slack"), s.onceKey("slack:event:1"), s.writeKey("x")} {
		if slot, err := s.rdb.ClusterKeySlot(ctx, key).Result(); err != nil || slot != want {
			t.Errorf("%s is in slot %d (%v), want %d", key, slot, err, want)
		}
	}
}

// TestLeaseHoldsOnAClockBehindRedis: a store whose Clock reads earlier
// than Redis's own wall clock (the console started with --now on a past
// day, on Redis) still holds a lease and a wait for their length by that
// clock. The scripts set PEXPIREAT/PXAT from the Clock's time, which
// Redis takes as already past and deletes the key at once.
func TestLeaseHoldsOnAClockBehindRedis(t *testing.T) {
	url, prefix := redistest.URL(t), redistest.Prefix(t)
	s := open(t, url, prefix)
	s.Clock = clock.NewFake(time.Date(2024, 1, 10, 12, 0, 0, 0, time.UTC))
	ctx := context.Background()
	if c, err := s.ClaimRecipient(ctx, storage.LaneRequest{Recipient: "slack:U1", Platform: "slack", Token: "a", Lease: time.Minute}); err != nil || !c.Granted {
		t.Fatalf("claim: %+v, %v", c, err)
	}
	if c, _ := s.ClaimRecipient(ctx, storage.LaneRequest{Recipient: "slack:U1", Platform: "slack", Token: "b", Lease: time.Minute}); c.Granted {
		t.Errorf("a second owner got slack:U1 during the first one's lease")
	}
	if err := s.SettleRecipient(ctx, storage.Settlement{Recipient: "slack:U1", Platform: "slack", Token: "a",
		PlatformNotBefore: time.Minute, Release: true}); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.ClaimRecipient(ctx, storage.LaneRequest{Recipient: "slack:U2", Platform: "slack", Token: "c", Lease: time.Minute}); c.Granted {
		t.Errorf("slack:U2 was granted during Slack's app-wide wait")
	}
}

// TestFailedAttemptsExpire: a reminder's failed attempts are kept for
// storage.LedgerRetention like its outcome, not for ever.
func TestFailedAttemptsExpire(t *testing.T) {
	s := open(t, redistest.URL(t), redistest.Prefix(t))
	ctx := context.Background()
	if err := s.SettleRecipient(ctx, storage.Settlement{Recipient: "maria", Token: "a", Keys: []string{"k1"}, Failed: 2, Release: true}); err != nil {
		t.Fatal(err)
	}
	if d, err := s.rdb.PTTL(ctx, s.reminderKey("k1")).Result(); err != nil || d < storage.LedgerRetention-time.Minute || d > storage.LedgerRetention {
		t.Errorf("failed attempts ttl = %v, %v; want %v", d, err, storage.LedgerRetention)
	}
}
