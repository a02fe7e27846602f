package redis

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Timing of the tracking connection.
const (
	// heartbeatEvery is how often the tracker asks Redis for proof that
	// the stream of changes still flows, well within staleBound.
	heartbeatEvery = 200 * time.Millisecond
	// silenceLimit ends a connection that has said nothing for this long,
	// heartbeat answers included.
	silenceLimit = time.Second
	// retryEvery is the pause before connecting again.
	retryEvery = time.Second
)

// tracker keeps one connection on which Redis reports every change to
// the keys under prefixes (CLIENT TRACKING in broadcast mode), and keeps
// the cache in step: a reported key is forgotten at once, a flush empties
// it, and the cache answers only while the connection is up and answers
// its heartbeats. The heartbeat asks ROLE, so a connection to a server
// that is no longer the master (after a failover) ends too, and the next
// one goes to the new master. On a cluster it reads a key of the
// deployment's slot instead: a node answers that only while it is the
// master serving the slot, so the connection also ends when the slot
// moves to another master (a reshard) or the node is cut off from the
// cluster, where ROLE still says master. Each heartbeat also reads the
// store's generation (creating it when missing): a database swapped in
// (SWAPDB), restored or flushed underneath reports no change, and shows
// as a new generation, on which the cache empties.
type tracker struct {
	cache    *readCache
	prefixes []string
	// generation is the key of the store's generation, and db the
	// database the store reads.
	generation string
	db         int
	// beat is the heartbeat command, ROLE unless set; serving reports
	// whether its answer shows the server still holds the keys.
	beat    []string
	serving func(answer any) bool
	// dial connects to the master that holds the deployment's keys;
	// user and password log in.
	dial           func(ctx context.Context) (net.Conn, error)
	user, password string
	// heartbeat, silence and retry default to heartbeatEvery,
	// silenceLimit and retryEvery; tests shorten them.
	heartbeat, silence, retry time.Duration
	// observe, when set, hears "up" when the cache starts answering,
	// "down" when it stops, "heard" for each answered heartbeat, and
	// "changed" with the keys Redis reported changed (none: everything,
	// as on a flush or a new generation) once the cache has dropped them.
	observe func(event string, keys []string)
	// seen is the last generation a heartbeat read; only run's goroutine
	// uses it.
	seen string
}

func (t *tracker) tell(event string, keys []string) {
	if t.observe != nil {
		t.observe(event, keys)
	}
}

// newTracker tracks prefixes on the master of rdb that holds key tag,
// and the store's generation at key generation. It returns nil for a
// client it cannot follow.
func newTracker(rdb goredis.UniversalClient, tag, generation string, cache *readCache, prefixes []string) *tracker {
	t := &tracker{cache: cache, prefixes: prefixes, generation: generation}
	switch c := rdb.(type) {
	case *goredis.Client: // one server, or Sentinel's master
		o := c.Options()
		t.user, t.password, t.db = o.Username, o.Password, o.DB
		t.dial = func(ctx context.Context) (net.Conn, error) { return o.Dialer(ctx, "tcp", o.Addr) }
	case *goredis.ClusterClient:
		o := c.Options()
		t.user, t.password = o.Username, o.Password
		// A replica, a master without the slot and a node cut off from
		// the cluster answer a key's read with an error (MOVED, ASK,
		// CLUSTERDOWN); the master serving the slot with a number.
		t.beat = []string{"EXISTS", tag}
		t.serving = func(answer any) bool { _, ok := answer.(int64); return ok }
		t.dial = func(ctx context.Context) (net.Conn, error) {
			node, err := c.MasterForKey(ctx, tag)
			if err != nil {
				return nil, err
			}
			no := node.Options()
			return no.Dialer(ctx, "tcp", no.Addr)
		}
	default:
		return nil
	}
	return t
}

// run keeps a tracking connection until ctx ends; the cache is down
// whenever there is none.
func (t *tracker) run(ctx context.Context) {
	for first := true; ; first = false {
		proven, err := t.session(ctx)
		t.cache.down()
		t.tell("down", nil)
		// One line per outage: when a connection that worked ends, or the
		// first one fails; a Redis that refuses tracking is told once.
		if ctx.Err() == nil && (proven || first) {
			logAt(slog.LevelWarn, "redis read cache off until the tracking connection is back; reads go to Redis", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(cmp.Or(t.retry, retryEvery)):
		}
	}
}

// session runs one tracking connection until it fails or ctx ends, and
// reports whether Redis answered a heartbeat on it.
func (t *tracker) session(ctx context.Context) (proven bool, err error) {
	silence := cmp.Or(t.silence, silenceLimit)
	dialCtx, cancel := context.WithTimeout(ctx, silence)
	conn, err := t.dial(dialCtx)
	cancel()
	if err != nil {
		return false, fmt.Errorf("dial: %w", err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	r, w := bufio.NewReader(conn), bufio.NewWriter(conn)

	conn.SetDeadline(time.Now().Add(silence))
	hello := []string{"HELLO", "3"}
	if t.user != "" || t.password != "" {
		hello = append(hello, "AUTH", cmp.Or(t.user, "default"), t.password)
	}
	hello = append(hello, "SETNAME", "wavebot-tracker")
	if err := t.ask(r, w, hello...); err != nil {
		return false, err
	}
	if t.db != 0 {
		if err := t.ask(r, w, "SELECT", strconv.Itoa(t.db)); err != nil {
			return false, err
		}
	}
	track := []string{"CLIENT", "TRACKING", "ON", "BCAST"}
	for _, p := range t.prefixes {
		track = append(track, "PREFIX", p)
	}
	sent := time.Now()
	if err := t.ask(r, w, track...); err != nil {
		return false, err
	}
	t.cache.up(sent)
	t.tell("up", nil)

	beat, serving := t.beat, t.serving
	if beat == nil {
		beat, serving = []string{"ROLE"}, isMaster
	}
	// The heartbeat writes, the reader reads; each heartbeat is two
	// commands, and their answers prove what the heartbeat asked, in
	// order.
	var mu sync.Mutex
	var asked []time.Time
	done := make(chan struct{})
	var beats sync.WaitGroup
	defer beats.Wait()
	defer close(done)
	beats.Go(func() {
		tick := time.NewTicker(cmp.Or(t.heartbeat, heartbeatEvery))
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			mu.Lock()
			asked = append(asked, time.Now())
			mu.Unlock()
			conn.SetWriteDeadline(time.Now().Add(silence))
			err := writeCommand(w, beat...)
			if err == nil {
				err = writeCommand(w, "EVAL", generationScript, "1", t.generation, newWriteID())
			}
			if err != nil {
				conn.Close()
				return
			}
		}
	})
	// served is set once the first answer of the oldest heartbeat is in
	// and shows the server serving the keys; its second answer, the
	// generation, completes the heartbeat.
	served := false
	for {
		conn.SetReadDeadline(time.Now().Add(silence))
		v, err := readRESP(r)
		if err != nil {
			return proven, fmt.Errorf("read: %w", err)
		}
		if push, ok := v.(respPush); ok {
			t.pushed(push)
			continue
		}
		mu.Lock()
		if len(asked) == 0 {
			mu.Unlock()
			return proven, fmt.Errorf("unasked reply %v", v)
		}
		sent := asked[0]
		if served {
			asked = asked[1:]
		}
		mu.Unlock()
		if !served {
			if !serving(v) {
				return proven, fmt.Errorf("heartbeat %s answered %v: not the master of the keys", beat[0], v)
			}
			served = true
			continue
		}
		served = false
		gen, ok := v.(string)
		if !ok || gen == "" {
			return proven, fmt.Errorf("the store's generation read %v", v)
		}
		if gen != t.seen {
			// Another database, or this one emptied or restored: what
			// the cache holds may be of none.
			t.seen = gen
			t.cache.empty()
			t.tell("changed", nil)
		}
		t.cache.heard(sent)
		t.tell("heard", nil)
		if !proven {
			proven = true
			logAt(slog.LevelInfo, "redis read cache on")
		}
	}
}

// generationScript returns the store's generation (KEYS[1]), setting it
// to ARGV[1] when there is none: a new store, or one flushed. Import sets
// a new one, so a store restored, and swapped in, differs from the one
// the cache read.
const generationScript = `local g = redis.call('GET', KEYS[1])
if not g then
  g = ARGV[1]
  redis.call('SET', KEYS[1], g)
end
return g`

// isMaster reports whether an answer to ROLE is a master's.
func isMaster(answer any) bool {
	role, ok := answer.([]any)
	return ok && len(role) > 0 && role[0] == "master"
}

// ask sends a command during set-up and wants a reply that is not an
// error; a change reported meanwhile is applied.
func (t *tracker) ask(r *bufio.Reader, w *bufio.Writer, args ...string) error {
	if err := writeCommand(w, args...); err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	for {
		v, err := readRESP(r)
		if err != nil {
			return fmt.Errorf("%s: %w", args[0], err)
		}
		switch v := v.(type) {
		case respPush:
			t.pushed(v)
			continue
		case respError:
			return fmt.Errorf("%s: %w", args[0], v)
		}
		return nil
	}
}

// pushed applies a message Redis sent unasked: an invalidation names the
// changed keys, or none when the database was emptied.
func (t *tracker) pushed(p respPush) {
	if len(p) < 2 || p[0] != "invalidate" {
		return
	}
	var keys []string
	if list, ok := p[1].([]any); ok {
		for _, k := range list {
			if k, ok := k.(string); ok {
				keys = append(keys, k)
			}
		}
		t.cache.forget(keys...)
	} else {
		t.cache.empty()
	}
	t.tell("changed", keys)
}
