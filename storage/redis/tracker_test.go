package redis

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"reflect"
	"slices"
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

// within is how long a test waits for what the tracker must do.
const within = 10 * time.Second

// trackerEvent is one thing a tracker told its observer.
type trackerEvent struct {
	event string
	keys  []string
}

// observed returns an observer for a tracker and the channel it reports
// on. The observer never blocks the tracker: a test that stops reading
// (the conformance suite hears "up" only) would otherwise stall it once
// the channel is full, its heartbeats and its Close with it. A test
// that waits for an event reads far sooner than 4096 heartbeats.
func observed() (func(string, []string), chan trackerEvent) {
	events := make(chan trackerEvent, 4096)
	return func(event string, keys []string) {
		select {
		case events <- trackerEvent{event, keys}:
		default:
		}
	}, events
}

// await returns the next event of kind, skipping others, or fails.
func await(t *testing.T, events <-chan trackerEvent, kind string) trackerEvent {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case e := <-events:
			if e.event == kind {
				return e
			}
		case <-deadline:
			t.Fatalf("no %q from the tracker within %v", kind, within)
		}
	}
}

// awaitChanged waits until the tracker reports key changed.
func awaitChanged(t *testing.T, events <-chan trackerEvent, key string) {
	t.Helper()
	for {
		if e := await(t, events, "changed"); e.keys == nil || slices.Contains(e.keys, key) {
			return
		}
	}
}

// fakeRedis is a scripted Redis: the test reads each command the tracker
// sends and writes the answer itself.
type fakeRedis struct {
	ln    net.Listener
	conns chan net.Conn
}

func newFakeRedis(t *testing.T) *fakeRedis {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeRedis{ln: ln, conns: make(chan net.Conn, 8)}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			f.conns <- c
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return f
}

// tracker returns a tracker of the fake's, on a cache of its own.
func (f *fakeRedis) tracker(user, password string) *tracker {
	return &tracker{
		cache: &readCache{}, prefixes: []string{"{p}w:", "{p}p:"}, generation: "{p}gen", user: user, password: password,
		dial: func(ctx context.Context) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "tcp", f.ln.Addr().String())
		},
		heartbeat: time.Hour, silence: within, retry: time.Millisecond,
	}
}

// observedTracker is a tracker of the fake's with heartbeats every beat
// (none when 0), and what it tells its observer.
func (f *fakeRedis) observedTracker(beat time.Duration) (*tracker, chan trackerEvent) {
	tr := f.tracker("", "")
	if beat > 0 {
		tr.heartbeat = beat
	}
	observe, events := observed()
	tr.observe = observe
	return tr, events
}

// session runs one session of tr and returns what it reports as it ends:
// whether a heartbeat was answered. The test's end stops it.
func session(t *testing.T, tr *tracker) <-chan bool {
	ctx, cancel := context.WithCancel(context.Background())
	ended, done := make(chan bool, 1), make(chan struct{})
	go func() {
		proven, _ := tr.session(ctx)
		ended <- proven
		close(done)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return ended
}

// fakeConn is the fake's side of one tracking connection.
type fakeConn struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

func (f *fakeRedis) accept(t *testing.T) *fakeConn {
	t.Helper()
	select {
	case c := <-f.conns:
		t.Cleanup(func() { c.Close() })
		return &fakeConn{t, c, bufio.NewReader(c)}
	case <-time.After(within):
		t.Fatal("the tracker did not connect")
		return nil
	}
}

// command reads the next command.
func (c *fakeConn) command() []string {
	c.t.Helper()
	c.c.SetReadDeadline(time.Now().Add(within))
	v, err := readRESP(c.r)
	if err != nil {
		c.t.Fatalf("read a command: %v", err)
	}
	var got []string
	for _, a := range v.([]any) {
		got = append(got, a.(string))
	}
	return got
}

// expect reads the next command and wants it to be want.
func (c *fakeConn) expect(want ...string) {
	c.t.Helper()
	if got := c.command(); !reflect.DeepEqual(got, want) {
		c.t.Fatalf("command %q, want %q", got, want)
	}
}

// master is ROLE's answer from a master.
const master = "*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n"

// expectBeat reads one heartbeat: ROLE, then the script that reads the
// store's generation, creating it when missing.
func (c *fakeConn) expectBeat() {
	c.t.Helper()
	c.expect("ROLE")
	got := c.command()
	if len(got) != 5 || got[0] != "EVAL" || got[1] != generationScript || got[2] != "1" || got[3] != "{p}gen" || got[4] == "" {
		c.t.Fatalf("command %q, want the generation's script on {p}gen", got)
	}
}

// beat answers a heartbeat as a master whose store is at generation gen.
func (c *fakeConn) beat(gen string) {
	c.t.Helper()
	c.expectBeat()
	c.send(master + bulk(gen))
}

// bulk is s as a RESP bulk string.
func bulk(s string) string { return fmt.Sprintf("$%d\r\n%s\r\n", len(s), s) }

func (c *fakeConn) send(raw string) {
	c.t.Helper()
	if _, err := c.c.Write([]byte(raw)); err != nil {
		c.t.Fatal(err)
	}
}

// handshake answers the tracker's set-up, and returns a moment between
// the tracker asking for tracking and being answered.
func (c *fakeConn) handshake(hello ...string) (asked time.Time) {
	c.t.Helper()
	c.expect(hello...)
	c.send("%1\r\n+server\r\n+redis\r\n")
	c.expect("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "{p}w:", "PREFIX", "{p}p:")
	asked = time.Now()
	c.send("+OK\r\n")
	return asked
}

const invalidate = ">2\r\n$10\r\ninvalidate\r\n"

// TestTrackerFollowsRedis logs in, turns tracking on for the prefixes,
// drops each key Redis reports, empties the cache on a flush, stops the
// cache when the connection breaks and starts it again on a new one.
func TestTrackerFollowsRedis(t *testing.T) {
	f := newFakeRedis(t)
	tr := f.tracker("bot", "secret")
	observe, events := observed()
	tr.observe = observe
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { tr.run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	conn := f.accept(t)
	conn.handshake("HELLO", "3", "AUTH", "bot", "secret", "SETNAME", "wavebot-tracker")
	await(t, events, "up")
	c := tr.cache
	cached := func(key string) bool {
		_, _, hit, r := c.get(key)
		c.fill(r, []byte("doc"), 1)
		return hit
	}
	for _, k := range []string{"{p}w:b3", "{p}w:b4"} {
		if cached(k) {
			t.Fatalf("%s cached before any read", k)
		}
		if !cached(k) {
			t.Fatalf("%s not cached after a read", k)
		}
	}
	conn.send(invalidate + "*1\r\n$7\r\n{p}w:b3\r\n")
	awaitChanged(t, events, "{p}w:b3")
	if cached("{p}w:b3") || !cached("{p}w:b4") {
		t.Fatal("after b3 changed: want b3 read again and b4 kept")
	}
	conn.send(">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n") // not about changes
	conn.send(invalidate + "*1\r\n$7\r\n{p}w:b9\r\n")
	awaitChanged(t, events, "{p}w:b9")
	if !cached("{p}w:b4") {
		t.Fatal("b4 dropped on a message that reports no change")
	}
	conn.send(invalidate + "_\r\n")
	awaitChanged(t, events, "")
	if cached("{p}w:b4") {
		t.Fatal("b4 kept after a flush")
	}
	conn.c.Close()
	await(t, events, "down")
	for range 2 { // a read, and the same read again
		if cached("{p}w:b4") {
			t.Fatal("the cache answers with its connection down")
		}
	}
	f.accept(t).handshake("HELLO", "3", "AUTH", "bot", "secret", "SETNAME", "wavebot-tracker")
	await(t, events, "up")
	if cached("{p}w:b4") || !cached("{p}w:b4") {
		t.Fatal("the cache does not fill again on a new connection")
	}
}

// TestTrackerLogsInToRedis: the tracker of a store that logs in to
// Redis, with a password alone or as a user, logs in the same way, and
// its heartbeats are answered.
func TestTrackerLogsInToRedis(t *testing.T) {
	tests := []struct {
		name, userinfo string
		args           []string
	}{
		{"requirepass", ":secret", []string{"--requirepass", "secret"}},
		{"a user", "bot:secret", []string{"--user", "bot", "on", ">secret", "~*", "&*", "+@all"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := redistest.Start(t, tt.args...)
			s := open(t, fmt.Sprintf("redis://%s@127.0.0.1:%d/0", tt.userinfo, r.Port), redistest.Prefix(t))
			observe, events := observed()
			s.track(func(tr *tracker) { tr.observe = observe })
			await(t, events, "heard")
		})
	}
}

// TestTrackerKeepsTheProtocol: a change reported while the tracker sets
// up its connection is not taken for an answer, and a reply to nothing
// the tracker asked ends the connection instead of being taken for a
// heartbeat's answer.
func TestTrackerKeepsTheProtocol(t *testing.T) {
	hello := []string{"HELLO", "3", "SETNAME", "wavebot-tracker"}
	t.Run("a change reported during set-up", func(t *testing.T) {
		f := newFakeRedis(t)
		tr, events := f.observedTracker(5 * time.Millisecond)
		session(t, tr)
		c := f.accept(t)
		c.expect(hello...)
		c.send(invalidate + "*1\r\n$7\r\n{p}w:b3\r\n" + "%1\r\n+server\r\n+redis\r\n")
		c.expect("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "{p}w:", "PREFIX", "{p}p:")
		c.send(invalidate + "_\r\n" + "+OK\r\n")
		await(t, events, "up")
		c.beat("g1")
		deadline := time.After(within)
		for {
			select {
			case e := <-events:
				switch e.event {
				case "heard":
					return
				case "down":
					t.Fatal("the connection ended: a change reported during set-up was taken for an answer")
				}
			case <-deadline:
				t.Fatalf("no heartbeat answered within %v", within)
			}
		}
	})
	t.Run("a reply to nothing asked", func(t *testing.T) {
		f := newFakeRedis(t)
		tr, events := f.observedTracker(0) // heartbeats an hour apart: none is asked
		ended := session(t, tr)
		c := f.accept(t)
		c.handshake(hello...)
		await(t, events, "up")
		c.send(master)
		select {
		case proven := <-ended:
			if proven {
				t.Fatal("a reply nobody asked for was taken for a heartbeat's answer")
			}
		case <-time.After(within):
			t.Fatal("the connection did not end")
		}
	})
}

// TestTrackerEndsConnections ends a tracking connection when the server
// stops being the master, stops answering or refuses to track, and
// reports whether a heartbeat was answered before (one line in the log
// per outage depends on it).
func TestTrackerEndsConnections(t *testing.T) {
	tests := []struct {
		name string
		// then plays the server after the handshake, or instead of it.
		then              func(c *fakeConn)
		handshake, proven bool
		silence           time.Duration
	}{
		{"demoted to replica", func(c *fakeConn) {
			c.beat("g1")
			c.expectBeat()
			c.send("*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:6379\r\n$9\r\nconnected\r\n:0\r\n")
		}, true, true, within},
		{"an error for a heartbeat", func(c *fakeConn) {
			c.expectBeat()
			c.send("-NOAUTH Authentication required.\r\n")
		}, true, false, within},
		// The silences are long enough for the fake to play its part on
		// a machine busy with the whole suite.
		{"silent", func(c *fakeConn) {}, true, false, time.Second},
		{"silent during set-up", func(c *fakeConn) {}, false, false, 300 * time.Millisecond},
		{"tracking refused", func(c *fakeConn) {
			c.expect("HELLO", "3", "SETNAME", "wavebot-tracker")
			c.send("%1\r\n+server\r\n+redis\r\n")
			c.expect("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "{p}w:", "PREFIX", "{p}p:")
			c.send("-ERR unknown subcommand 'TRACKING'\r\n")
		}, false, false, within},
		{"login refused", func(c *fakeConn) {
			c.expect("HELLO", "3", "SETNAME", "wavebot-tracker")
			c.send("-NOPROTO unsupported protocol version\r\n")
		}, false, false, within},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeRedis(t)
			tr, events := f.observedTracker(5 * time.Millisecond)
			tr.silence = tt.silence
			ended := session(t, tr)
			conn := f.accept(t)
			if tt.handshake {
				conn.handshake("HELLO", "3", "SETNAME", "wavebot-tracker")
				await(t, events, "up")
			}
			tt.then(conn)
			select {
			case proven := <-ended:
				if proven != tt.proven {
					t.Fatalf("session reports a heartbeat answered: %v, want %v", proven, tt.proven)
				}
			case <-time.After(within):
				t.Fatal("the connection did not end")
			}
		})
	}
}

// TestTrackerHeartbeatsProveTheCache: each answered heartbeat moves the
// proof of freshness to when it was sent.
func TestTrackerHeartbeatsProveTheCache(t *testing.T) {
	f := newFakeRedis(t)
	tr, events := f.observedTracker(5 * time.Millisecond)
	session(t, tr)
	conn := f.accept(t)
	asked := conn.handshake("HELLO", "3", "SETNAME", "wavebot-tracker")
	await(t, events, "up")
	proven := func() time.Time {
		tr.cache.mu.Lock()
		defer tr.cache.mu.Unlock()
		return tr.cache.proven
	}
	// Tracking proves the cache from when it was asked for, not from its
	// answer: a change made meanwhile may have been reported before it.
	if p := proven(); p.IsZero() || p.After(asked) {
		t.Fatalf("proven at %v on set-up: want when tracking was asked for, before %v", p, asked)
	}
	for range 3 {
		before := proven()
		conn.expectBeat()
		asked := time.Now()
		conn.send(master + bulk("g1"))
		await(t, events, "heard")
		if p := proven(); !p.After(before) || p.After(asked) {
			t.Fatalf("proven at %v: want after the last proof (%v) and not after the heartbeat was sent (%v)", p, before, asked)
		}
	}
}

// trackedPair is two replicas on one deployment at url, b reading
// through its cache with its tracker up, and what b's tracker reports;
// b reaches Redis at bURL unless it is empty.
func trackedPair(t *testing.T, url, bURL string, configure func(*tracker)) (a *Store, b *Store, cached storage.Store, events chan trackerEvent) {
	t.Helper()
	prefix := redistest.Prefix(t)
	if bURL == "" {
		bURL = url
	}
	a, b = open(t, url, prefix), open(t, bURL, prefix)
	observe, events := observed()
	b.track(func(tr *tracker) {
		tr.observe = observe
		if configure != nil {
			configure(tr)
		}
	})
	await(t, events, "up")
	return a, b, b.CachedReads(), events
}

// cachedAt reports whether s answers key from its cache.
func cachedAt(s *Store, key string) bool {
	s.reads.mu.Lock()
	defer s.reads.mu.Unlock()
	e, ok := s.reads.entries[key]
	return ok && e.ticket == 0 && s.reads.usable()
}

// TestCachedReadsSeeEveryWriter: a replica answers a wave and a person
// from its cache, and sees another replica's change, and a change made
// behind every replica's back (as an import may), once Redis reports it.
func TestCachedReadsSeeEveryWriter(t *testing.T) {
	a, b, cached, events := trackedPair(t, redistest.URL(t), "", nil)
	ctx := storage.PureRead(context.Background())
	// Each write below waits for its own report, so that no report of an
	// earlier write is taken for it: Redis reports in the order it writes.
	if err := a.CreateWave(ctx, storagetest.NewWave(t, "b3", "BUF"), wave.Event{Wave: "b3"}); err != nil {
		t.Fatal(err)
	}
	awaitChanged(t, events, b.waveKey("b3"))
	if _, err := a.EnsurePerson(ctx, wave.Person{ID: "maria", Name: "Maria", Role: wave.RoleViewer}, wave.Event{}, false); err != nil {
		t.Fatal(err)
	}
	awaitChanged(t, events, b.personKey("maria"))
	for range 2 {
		if _, err := cached.Wave(ctx, "b3"); err != nil {
			t.Fatal(err)
		}
		if _, err := cached.EnsurePerson(ctx, wave.Person{ID: "maria"}, wave.Event{}, false); err != nil {
			t.Fatal(err)
		}
	}
	if !cachedAt(b, b.waveKey("b3")) || !cachedAt(b, b.personKey("maria")) {
		t.Fatal("the wave and the person are not cached after two reads")
	}

	if _, err := a.UpdateWave(ctx, "b3", func(w *wave.Wave) ([]wave.Event, error) {
		w.Name = "changed by a"
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	awaitChanged(t, events, b.waveKey("b3"))
	if _, err := a.UpdatePerson(ctx, "maria", func(p *wave.Person) ([]wave.Event, error) {
		p.Role = wave.RoleKS
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	awaitChanged(t, events, b.personKey("maria"))
	w, err := cached.Wave(ctx, "b3")
	if err != nil || w.Name != "changed by a" {
		t.Fatalf("wave after a's change: %q, %v", w.Name, err)
	}
	p, err := cached.EnsurePerson(ctx, wave.Person{ID: "maria"}, wave.Event{}, false)
	if err != nil || p.Role != wave.RoleKS {
		t.Fatalf("person after a's change: role %q, %v", p.Role, err)
	}

	raw := goredis.NewClient(&goredis.Options{Addr: b.rdb.(*goredis.Client).Options().Addr})
	defer raw.Close()
	w.Name = "imported"
	doc := mustJSON(t, w)
	if _, err := cached.Wave(ctx, "b3"); err != nil || !cachedAt(b, b.waveKey("b3")) {
		t.Fatalf("the wave is not cached again: %v", err)
	}
	if err := raw.HSet(ctx, b.waveKey("b3"), "doc", doc).Err(); err != nil {
		t.Fatal(err)
	}
	awaitChanged(t, events, b.waveKey("b3"))
	if w, err := cached.Wave(ctx, "b3"); err != nil || w.Name != "imported" {
		t.Fatalf("wave after the import: %q, %v", w.Name, err)
	}
}

// TestCachedReadsOfEveryKind: each read of the cached view, of waves,
// people and workflow tracks, is answered from the cache once it has
// read the document, and sees another replica's change once Redis
// reports it, on one server and on a cluster, where the tracker must
// follow the master that holds the deployment's keys.
func TestCachedReadsOfEveryKind(t *testing.T) {
	ctx := storage.PureRead(context.Background())
	tests := []struct {
		name string
		key  func(s *Store) string
		// write has a write the document; the n-th write names it n.
		write func(a *Store, n int) error
		// read reads the document through the cached view and says
		// which write it saw.
		read func(c storage.Store) (string, error)
	}{
		{
			"Wave", func(s *Store) string { return s.waveKey("b3") },
			func(a *Store, n int) error {
				if n == 1 {
					w := storagetest.NewWave(t, "b3", "BUF")
					w.Name = "1"
					return a.CreateWave(ctx, w, wave.Event{Wave: "b3"})
				}
				_, err := a.UpdateWave(ctx, "b3", func(w *wave.Wave) ([]wave.Event, error) {
					w.Name = fmt.Sprint(n)
					return nil, nil
				})
				return err
			},
			func(c storage.Store) (string, error) {
				w, err := c.Wave(ctx, "b3")
				return w.Name, err
			},
		},
		{
			"Person", func(s *Store) string { return s.personKey("maria") },
			func(a *Store, n int) error { return writePerson(ctx, a, n) },
			func(c storage.Store) (string, error) {
				p, err := c.Person(ctx, "maria")
				return p.Name, err
			},
		},
		{
			"EnsurePerson", func(s *Store) string { return s.personKey("maria") },
			func(a *Store, n int) error { return writePerson(ctx, a, n) },
			func(c storage.Store) (string, error) {
				p, err := c.EnsurePerson(ctx, wave.Person{ID: "maria"}, wave.Event{}, false)
				return p.Name, err
			},
		},
		{
			"Workflow", func(s *Store) string { return s.workflowKey("BUF") },
			func(a *Store, _ int) error {
				_, err := a.UpdateWorkflow(ctx, wave.Workflow{FV: "BUF"}, func(*wave.Workflow) ([]wave.Event, error) { return nil, nil })
				return err
			},
			func(c storage.Store) (string, error) {
				w, err := c.Workflow(ctx, "BUF")
				return fmt.Sprint(w.Version), err
			},
		},
	}
	for _, deployment := range []struct {
		name string
		url  func(testing.TB) string
	}{{"server", redistest.URL}, {"cluster", redistest.ClusterURL}} {
		for _, tt := range tests {
			t.Run(deployment.name+"/"+tt.name, func(t *testing.T) {
				a, b, cached, events := trackedPair(t, deployment.url(t), "", nil)
				key := tt.key(b)
				for n := 1; n <= 2; n++ {
					if err := tt.write(a, n); err != nil {
						t.Fatal(err)
					}
					awaitChanged(t, events, key)
					for range 2 {
						if got, err := tt.read(cached); err != nil || got != fmt.Sprint(n) {
							t.Fatalf("read %q, %v after write %d", got, err, n)
						}
					}
					if !cachedAt(b, key) {
						t.Fatalf("%s is not cached after two reads", key)
					}
				}
			})
		}
	}
}

// writePerson has a write maria's n-th name.
func writePerson(ctx context.Context, a *Store, n int) error {
	if n == 1 {
		_, err := a.EnsurePerson(ctx, wave.Person{ID: "maria", Name: "1", Role: wave.RoleViewer}, wave.Event{}, false)
		return err
	}
	_, err := a.UpdatePerson(ctx, "maria", func(p *wave.Person) ([]wave.Event, error) {
		p.Name = fmt.Sprint(n)
		return nil, nil
	})
	return err
}

// TestCachedReadsWriteOnWhatRedisHolds: writes through the cached view
// decide on what Redis holds, not on the cache, and the replica reads
// its own write at once. The cache here hears nothing from Redis, so
// another replica's change leaves it stale.
func TestCachedReadsWriteOnWhatRedisHolds(t *testing.T) {
	url, prefix := redistest.URL(t), redistest.Prefix(t)
	a, b := open(t, url, prefix), open(t, url, prefix)
	b.tracking.once.Do(func() {}) // no tracker: the cache is told nothing
	now := time.Now()
	b.reads.now = func() time.Time { return now }
	b.reads.up(now)
	cached := cachedReads{b}
	ctx := storage.PureRead(context.Background())
	if err := a.CreateWave(ctx, storagetest.NewWave(t, "b3", "BUF"), wave.Event{Wave: "b3"}); err != nil {
		t.Fatal(err)
	}
	if _, err := cached.Wave(ctx, "b3"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.UpdateWave(ctx, "b3", func(w *wave.Wave) ([]wave.Event, error) {
		w.Name = "a"
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	if w, _ := cached.Wave(ctx, "b3"); w.Name == "a" {
		t.Fatal("the cache was refreshed without being told; this test proves nothing")
	}
	var saw string
	if _, err := cached.UpdateWave(ctx, "b3", func(w *wave.Wave) ([]wave.Event, error) {
		saw = w.Name
		w.Name += "+b"
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	if saw != "a" {
		t.Fatalf("b's change saw name %q, want a's write", saw)
	}
	if w, err := cached.Wave(ctx, "b3"); err != nil || w.Name != "a+b" {
		t.Fatalf("b reads %q, %v after its own write, want a+b", w.Name, err)
	}
}

// TestOnlyPureReadsUseTheCache: through the cached view, a read under a
// context storage.PureRead marked may come from the cache, and every
// other read (the caller of a command that changes something, the
// documents its permission depends on) comes from Redis, even while the
// cache holds an older version it has not been told about.
func TestOnlyPureReadsUseTheCache(t *testing.T) {
	url, prefix := redistest.URL(t), redistest.Prefix(t)
	a, b := open(t, url, prefix), open(t, url, prefix)
	b.tracking.once.Do(func() {}) // no tracker: the cache is told nothing
	now := time.Now()
	b.reads.now = func() time.Time { return now }
	b.reads.up(now)
	view := cachedReads{b}
	ctx, pure := context.Background(), storage.PureRead(context.Background())
	if err := a.CreateWave(ctx, storagetest.NewWave(t, "b3", "BUF"), wave.Event{Wave: "b3"}); err != nil {
		t.Fatal(err)
	}
	if err := writePerson(ctx, a, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := a.UpdateWorkflow(ctx, wave.Workflow{FV: "BUF"}, func(*wave.Workflow) ([]wave.Event, error) { return nil, nil }); err != nil {
		t.Fatal(err)
	}
	reads := []struct {
		name string
		read func(ctx context.Context) (string, error)
	}{
		{"Wave", func(ctx context.Context) (string, error) { w, err := view.Wave(ctx, "b3"); return w.Name, err }},
		{"Person", func(ctx context.Context) (string, error) { p, err := view.Person(ctx, "maria"); return p.Name, err }},
		{"EnsurePerson", func(ctx context.Context) (string, error) {
			p, err := view.EnsurePerson(ctx, wave.Person{ID: "maria"}, wave.Event{}, false)
			return p.Name, err
		}},
		{"Workflow", func(ctx context.Context) (string, error) {
			w, err := view.Workflow(ctx, "BUF")
			return fmt.Sprint(w.Version), err
		}},
	}
	var cached []string
	for _, r := range reads {
		got, err := r.read(pure)
		if err != nil {
			t.Fatal(err)
		}
		cached = append(cached, got)
	}
	if _, err := a.UpdateWave(ctx, "b3", func(w *wave.Wave) ([]wave.Event, error) { w.Name = "changed"; return nil, nil }); err != nil {
		t.Fatal(err)
	}
	if err := writePerson(ctx, a, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := a.UpdateWorkflow(ctx, wave.Workflow{FV: "BUF"}, func(*wave.Workflow) ([]wave.Event, error) { return nil, nil }); err != nil {
		t.Fatal(err)
	}
	for i, r := range reads {
		if got, err := r.read(pure); err != nil || got != cached[i] {
			t.Fatalf("%s: a pure read got %q, %v; want the cache's %q, or this test proves nothing", r.name, got, err, cached[i])
		}
		if got, err := r.read(ctx); err != nil || got == cached[i] {
			t.Errorf("%s: a read that decides got %q, %v: the cache's, not what Redis holds", r.name, got, err)
		}
	}
}

// TestCachedReadsGoToRedisWhileTrackingIsDown cuts the network under a
// replica: its cache stops answering until a new tracking connection is
// up, and its reads meanwhile see changes that were made.
func TestCachedReadsGoToRedisWhileTrackingIsDown(t *testing.T) {
	proxy := redistest.NewProxy(t, redistestAddr(t))
	a, b, cached, events := trackedPair(t, redistest.URL(t), proxy.URL(), func(tr *tracker) { tr.retry = 10 * time.Millisecond })
	ctx := storage.PureRead(context.Background())
	if err := a.CreateWave(ctx, storagetest.NewWave(t, "b3", "BUF"), wave.Event{Wave: "b3"}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := cached.Wave(ctx, "b3"); err != nil {
			t.Fatal(err)
		}
	}
	if !cachedAt(b, b.waveKey("b3")) {
		t.Fatal("the wave is not cached")
	}
	proxy.Cut()
	await(t, events, "down")
	if cachedAt(b, b.waveKey("b3")) {
		t.Fatal("the cache answers with its connection down")
	}
	if _, err := a.UpdateWave(ctx, "b3", func(w *wave.Wave) ([]wave.Event, error) {
		w.Name = "changed while b was cut off"
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	if w, err := cached.Wave(ctx, "b3"); err != nil || w.Name != "changed while b was cut off" {
		t.Fatalf("b reads %q, %v", w.Name, err)
	}
	await(t, events, "up")
}

// redistestAddr is the host:port of the shared test Redis.
func redistestAddr(t *testing.T) string {
	o, err := goredis.ParseURL(redistest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	return o.Addr
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestConformanceWithCachedReads runs the whole suite through the
// cached view, on one server and on a cluster, with tracking up.
func TestConformanceWithCachedReads(t *testing.T) {
	for name, url := range map[string]func(testing.TB) string{"server": redistest.URL, "cluster": redistest.ClusterURL} {
		t.Run(name, func(t *testing.T) {
			storagetest.Run(t, func(t *testing.T, due storage.Due, clk clock.Clock) storage.Store {
				s := openDue(t, url(t), redistest.Prefix(t), due)
				s.Clock = clk
				observe, events := observed()
				s.track(func(tr *tracker) { tr.observe = observe })
				await(t, events, "up")
				return pureReads{s.CachedReads()}
			})
		})
	}
}

// pureReads is a store whose every read of a wave, a person or a
// workflow track is a pure read, which the cached view answers from its
// cache.
type pureReads struct{ storage.Store }

func (p pureReads) Wave(ctx context.Context, id string) (wave.Wave, error) {
	return p.Store.Wave(storage.PureRead(ctx), id)
}

func (p pureReads) Person(ctx context.Context, id string) (wave.Person, error) {
	return p.Store.Person(storage.PureRead(ctx), id)
}

func (p pureReads) EnsurePerson(ctx context.Context, person wave.Person, ev wave.Event, bootstrap bool) (wave.Person, error) {
	return p.Store.EnsurePerson(storage.PureRead(ctx), person, ev, bootstrap)
}

func (p pureReads) Workflow(ctx context.Context, fv string) (wave.Workflow, error) {
	return p.Store.Workflow(storage.PureRead(ctx), fv)
}

// TestTrackerStopsWithTheStore: Close returns once the tracker has
// stopped, and a closed store starts no tracking.
func TestTrackerStopsWithTheStore(t *testing.T) {
	ctx, url := context.Background(), redistest.URL(t)
	s, err := Open(ctx, url, redistest.Prefix(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	observe, events := observed()
	s.track(func(tr *tracker) { tr.observe = observe })
	await(t, events, "up")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for stopped := false; !stopped; {
		select {
		case e := <-events:
			stopped = e.event == "down"
		default:
			t.Fatal("Close returned before the tracker stopped")
		}
	}

	closed, err := Open(ctx, url, redistest.Prefix(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := closed.Close(); err != nil {
		t.Fatal(err)
	}
	closed.CachedReads()
	if closed.tracking.stop != nil {
		closed.tracking.stop()
		closed.tracking.done.Wait()
		t.Fatal("a closed store started tracking")
	}
}

// TestTrackerLogsOncePerOutage: the log says the cache is off when the
// first connection fails and when one that worked ends, and on when a
// heartbeat is answered; failed reconnections in between say nothing.
func TestTrackerLogsOncePerOutage(t *testing.T) {
	var log recordedLog
	LogTo(slog.New(&log))
	defer LogTo(slog.New(slog.DiscardHandler))
	f := newFakeRedis(t)
	tr := f.tracker("", "")
	tr.heartbeat = 5 * time.Millisecond
	observe, events := observed()
	tr.observe = observe
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { tr.run(ctx); close(done) }()
	hello := []string{"HELLO", "3", "SETNAME", "wavebot-tracker"}
	refuse := func() {
		c := f.accept(t)
		c.expect(hello...)
		c.send("-NOPROTO unsupported protocol version\r\n")
		await(t, events, "down")
	}
	refuse()
	refuse()
	c := f.accept(t)
	c.handshake(hello...)
	c.beat("g1")
	await(t, events, "heard")
	c.c.Close()
	await(t, events, "down")
	refuse()
	// A connection that works when the service stops says nothing more.
	c = f.accept(t)
	c.handshake(hello...)
	c.beat("g1")
	await(t, events, "heard")
	cancel()
	<-done
	want := []string{"WARN redis read cache off until the tracking connection is back; reads go to Redis", "INFO redis read cache on",
		"WARN redis read cache off until the tracking connection is back; reads go to Redis", "INFO redis read cache on"}
	if got := log.lines(); !reflect.DeepEqual(got, want) {
		t.Errorf("logged %q, want %q", got, want)
	}
}

// recordedLog is a slog.Handler keeping each record's level and message.
type recordedLog struct {
	mu      sync.Mutex
	records []string
}

func (l *recordedLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *recordedLog) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *recordedLog) WithGroup(string) slog.Handler            { return l }
func (l *recordedLog) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records = append(l.records, r.Level.String()+" "+r.Message)
	return nil
}

func (l *recordedLog) lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.records)
}

// TestCachedReadsFollowTheirSlot: when the deployment's hash slot moves
// to another master of a cluster (a reshard), the master the tracker is
// on still answers ROLE as a master but hears of no change any more; a
// change made on the new master must still show within staleBound.
func TestCachedReadsFollowTheirSlot(t *testing.T) {
	url, prefix := redistest.ClusterURL(t), redistest.Prefix(t)
	a, b := open(t, url, prefix), open(t, url, prefix)
	observe, events := observed()
	b.track(func(tr *tracker) { tr.observe = observe })
	await(t, events, "up")
	cached := b.CachedReads()
	ctx := storage.PureRead(context.Background())
	if err := a.CreateWave(ctx, storagetest.NewWave(t, "b3", "BUF"), wave.Event{Wave: "b3"}); err != nil {
		t.Fatal(err)
	}
	awaitChanged(t, events, b.waveKey("b3"))
	for range 2 {
		if _, err := cached.Wave(ctx, "b3"); err != nil {
			t.Fatal(err)
		}
	}
	if !cachedAt(b, b.waveKey("b3")) {
		t.Fatal("the wave is not cached")
	}
	moveSlot(t, b.rdb.(*goredis.ClusterClient), b.tag)
	// The move deleted the keys on the old master, which Redis reports;
	// b reads the wave from the new master.
	awaitChanged(t, events, b.waveKey("b3"))
	if _, err := cached.Wave(ctx, "b3"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.UpdateWave(ctx, "b3", func(w *wave.Wave) ([]wave.Event, error) {
		w.Name = "changed on the new master"
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	// What a cached read promises: every change that finished more than
	// staleBound before it.
	time.Sleep(staleBound)
	if w, err := cached.Wave(ctx, "b3"); err != nil || w.Name != "changed on the new master" {
		t.Fatalf("b reads %q, %v after the slot moved", w.Name, err)
	}
}

// moveSlot moves the hash slot of key to another master, keys and all,
// as redis-cli --cluster reshard does.
func moveSlot(t *testing.T, cc *goredis.ClusterClient, key string) {
	t.Helper()
	ctx := context.Background()
	slot, err := cc.ClusterKeySlot(ctx, key).Result()
	if err != nil {
		t.Fatal(err)
	}
	src, err := cc.MasterForKey(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	var masters []*goredis.Client
	var mu sync.Mutex
	if err := cc.ForEachMaster(ctx, func(ctx context.Context, c *goredis.Client) error {
		mu.Lock()
		defer mu.Unlock()
		masters = append(masters, c)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	id := func(c *goredis.Client) string {
		s, err := c.Do(ctx, "CLUSTER", "MYID").Text()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	srcID := id(src)
	var dst *goredis.Client
	for _, c := range masters {
		if id(c) != srcID {
			dst = c
			break
		}
	}
	dstID := id(dst)
	do := func(c *goredis.Client, args ...any) {
		if err := c.Do(ctx, args...).Err(); err != nil {
			t.Fatalf("%v on %s: %v", args, c.Options().Addr, err)
		}
	}
	do(dst, "CLUSTER", "SETSLOT", slot, "IMPORTING", srcID)
	do(src, "CLUSTER", "SETSLOT", slot, "MIGRATING", dstID)
	keys, err := src.ClusterGetKeysInSlot(ctx, int(slot), 10000).Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) > 0 {
		host, port, _ := net.SplitHostPort(dst.Options().Addr)
		args := []any{"MIGRATE", host, port, "", 0, 5000, "KEYS"}
		for _, k := range keys {
			args = append(args, k)
		}
		do(src, args...)
	}
	for _, c := range masters {
		do(c, "CLUSTER", "SETSLOT", slot, "NODE", dstID)
	}
}

// TestTrackerFollowsTheGeneration: the cache keeps what it read while
// each heartbeat reads the same generation of the store, and empties
// when one reads another: a database swapped in or restored underneath,
// which Redis reports as no change at all. An answer that is no
// generation ends the connection.
func TestTrackerFollowsTheGeneration(t *testing.T) {
	f := newFakeRedis(t)
	tr, events := f.observedTracker(5 * time.Millisecond)
	ended := session(t, tr)
	c := f.accept(t)
	c.handshake("HELLO", "3", "SETNAME", "wavebot-tracker")
	await(t, events, "up")
	c.beat("g1")
	await(t, events, "heard")
	cached := func() bool {
		_, _, hit, r := tr.cache.get("{p}w:b3")
		tr.cache.fill(r, []byte("doc"), 1)
		return hit
	}
	cached()
	for range 3 {
		c.beat("g1")
		await(t, events, "heard")
		if !cached() {
			t.Fatal("the cache dropped the wave while the generation stayed")
		}
	}
	c.beat("g2")
	if e := await(t, events, "changed"); e.keys != nil {
		t.Fatalf("a new generation dropped only %q", e.keys)
	}
	if cached() {
		t.Fatal("the cache kept the wave of another generation")
	}
	c.expectBeat()
	c.send(master + "_\r\n")
	select {
	case <-ended:
	case <-time.After(within):
		t.Fatal("the connection did not end on a heartbeat that read no generation")
	}
}

// TestCachedReadsNoticeASwappedDatabase: a restore imported into another
// database and swapped in (SWAPDB) makes Redis report no change at all.
// Every replica's cache notices by the store's generation, which the
// import renewed, and empties: pure reads then show the restored data.
// The replicas' database is 0 or another, which the tracker selects.
func TestCachedReadsNoticeASwappedDatabase(t *testing.T) {
	for _, db := range []int{0, 3} {
		t.Run(fmt.Sprint("database ", db), func(t *testing.T) {
			srv := redistest.Start(t)
			prefix := redistest.Prefix(t)
			ctx, pure := context.Background(), storage.PureRead(context.Background())
			w := storagetest.NewWave(t, "b3", "BUF")
			w.Name = "restored"
			imported := open(t, fmt.Sprintf("redis://127.0.0.1:%d/1", srv.Port), prefix)
			if err := imported.Load(ctx, storage.Part{Waves: []wave.Wave{w}}); err != nil {
				t.Fatal(err)
			}
			var replicas []*Store
			var heard []chan trackerEvent
			for range 2 {
				s := open(t, fmt.Sprintf("redis://127.0.0.1:%d/%d", srv.Port, db), prefix)
				observe, events := observed()
				s.track(func(tr *tracker) { tr.observe = observe })
				await(t, events, "heard")
				replicas, heard = append(replicas, s), append(heard, events)
			}
			w.Name = "before"
			if err := replicas[0].CreateWave(ctx, w, wave.Event{Wave: "b3"}); err != nil {
				t.Fatal(err)
			}
			for i, s := range replicas {
				awaitChanged(t, heard[i], s.waveKey("b3"))
				for range 2 {
					if got, err := s.CachedReads().Wave(pure, "b3"); err != nil || got.Name != "before" {
						t.Fatalf("replica %d reads %q, %v", i, got.Name, err)
					}
				}
				if !cachedAt(s, s.waveKey("b3")) {
					t.Fatalf("replica %d has not cached the wave", i)
				}
				drain(heard[i])
			}
			raw := goredis.NewClient(&goredis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", srv.Port)})
			defer raw.Close()
			swapped := time.Now()
			if err := raw.Do(ctx, "SWAPDB", db, 1).Err(); err != nil {
				t.Fatal(err)
			}
			var noticed []time.Duration
			for i, s := range replicas {
				awaitChanged(t, heard[i], "")
				noticed = append(noticed, time.Since(swapped))
				if got, err := s.CachedReads().Wave(pure, "b3"); err != nil || got.Name != "restored" {
					t.Fatalf("replica %d reads %q, %v after the swap", i, got.Name, err)
				}
			}
			t.Logf("after SWAPDB the replicas' caches emptied within %v and %v", noticed[0], noticed[1])
		})
	}
}

// drain drops what the tracker has told so far.
func drain(events chan trackerEvent) {
	for {
		select {
		case <-events:
		default:
			return
		}
	}
}

// TestImportStartsANewGeneration: each import renews the store's
// generation, so a replica that meets an imported store never takes
// what it read before for that store's.
func TestImportStartsANewGeneration(t *testing.T) {
	s := open(t, redistest.URL(t), redistest.Prefix(t))
	ctx := context.Background()
	if err := s.rdb.Set(ctx, s.generationKey(), "before", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := s.Load(ctx, storage.Part{People: []wave.Person{{ID: "anna", Role: wave.RoleAdmin}}}); err != nil {
		t.Fatal(err)
	}
	if gen, err := s.rdb.Get(ctx, s.generationKey()).Result(); err != nil || gen == "before" || gen == "" {
		t.Errorf("generation after an import: %q, %v", gen, err)
	}
}

// TestTrackerKeepsAConnectionThatAnswers: each answer gives the
// connection another silenceLimit, so one that answers its heartbeats
// lives on long past the first.
func TestTrackerKeepsAConnectionThatAnswers(t *testing.T) {
	f := newFakeRedis(t)
	tr, events := f.observedTracker(5 * time.Millisecond)
	tr.silence = time.Second
	ended := session(t, tr)
	c := f.accept(t)
	c.handshake("HELLO", "3", "SETNAME", "wavebot-tracker")
	await(t, events, "up")
	// 300 heartbeats 5 ms apart take 1.5 seconds at least: longer than
	// the silence, and a busy machine's fake answers well within it.
	for range 300 {
		c.beat("g1")
		select {
		case <-ended:
			t.Fatal("a connection that answers every heartbeat ended")
		default:
		}
	}
}

// TestBlackHoledRedisTurnsTheCacheOff: when the network to Redis drops
// everything without closing the connection, the tracker hears no answer
// and gives the connection up, so the cache stops answering; once the
// network is back, a new connection brings the cache back.
func TestBlackHoledRedisTurnsTheCacheOff(t *testing.T) {
	proxy := redistest.NewProxy(t, redistestAddr(t))
	a, b, cached, events := trackedPair(t, redistest.URL(t), proxy.URL(), func(tr *tracker) {
		tr.silence, tr.retry = 200*time.Millisecond, 10*time.Millisecond
	})
	ctx := storage.PureRead(context.Background())
	if err := a.CreateWave(ctx, storagetest.NewWave(t, "b3", "BUF"), wave.Event{Wave: "b3"}); err != nil {
		t.Fatal(err)
	}
	awaitChanged(t, events, b.waveKey("b3"))
	for range 2 {
		if _, err := cached.Wave(ctx, "b3"); err != nil {
			t.Fatal(err)
		}
	}
	if !cachedAt(b, b.waveKey("b3")) {
		t.Fatal("the wave is not cached")
	}
	proxy.BlackHole()
	await(t, events, "down")
	if cachedAt(b, b.waveKey("b3")) {
		t.Fatal("the cache answers with its connection given up")
	}
	proxy.Cut()
	await(t, events, "up")
}

// TestMissesLeaveNothingInTheCache: a read of a document that does not
// exist keeps nothing, not even its reservation, so reads of made-up ids
// (a calendar feed's, say) can neither fill the cache nor push real
// documents out of it.
func TestMissesLeaveNothingInTheCache(t *testing.T) {
	url, prefix := redistest.URL(t), redistest.Prefix(t)
	s := open(t, url, prefix)
	s.tracking.once.Do(func() {}) // no tracker: the cache stays up, told nothing
	now := time.Now()
	s.reads.now = func() time.Time { return now }
	s.reads.up(now)
	view := cachedReads{s}
	ctx := storage.PureRead(context.Background())
	if err := s.CreateWave(ctx, storagetest.NewWave(t, "b3", "BUF"), wave.Event{Wave: "b3"}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := view.Wave(ctx, "b3"); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 100 {
		if _, err := view.Wave(ctx, fmt.Sprint("made-up-", i)); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("made-up wave: %v", err)
		}
		if _, err := view.Person(ctx, fmt.Sprint("nobody-", i)); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("made-up person: %v", err)
		}
	}
	s.reads.mu.Lock()
	n := len(s.reads.entries)
	s.reads.mu.Unlock()
	if n != 1 || !cachedAt(s, s.waveKey("b3")) {
		t.Errorf("the cache holds %d entries after 200 misses, want the one wave read", n)
	}
}
