package redis

import (
	"context"
	"fmt"
	"log/slog"

	"wavebot/storage"
	"wavebot/wave"
)

// CachedReads is the store with its pure reads of waves, people and
// workflow tracks (those under a context marked by storage.PureRead:
// status, overview, help) answered from this replica's memory: a status
// answer then costs no round trip to Redis. Redis keeps the memory
// honest: it reports every change to those documents over a tracking
// connection, whoever made it, and the replica forgets what changed the
// moment it hears. While that connection is down or has not answered a
// heartbeat for a second, every read goes to Redis; a database swapped,
// flushed or restored underneath is noticed by the store's generation,
// which each heartbeat reads. A read from memory therefore reflects
// every change that finished on the Redis this replica talks to more
// than a second before it, whatever the network does, and in practice
// every change that finished before it; this replica's own writes are
// seen at once. Every other read goes to Redis: a permission or a rule
// is never decided on a cached document, so a role revoked through one
// replica is refused by every replica from the moment the revocation was
// answered. Writes always decide on what Redis holds; the reminder
// sweeper uses the Store itself.
//
// The first call starts the tracking connection; Close stops it.
func (s *Store) CachedReads() storage.Store {
	s.track(nil)
	return cachedReads{s}
}

// track starts the tracking connection, once; configure, when set,
// adjusts the tracker before it starts.
func (s *Store) track(configure func(*tracker)) {
	s.tracking.once.Do(func() {
		t := newTracker(s.rdb, s.tag, s.generationKey(), &s.reads, []string{s.waveKey(""), s.personKey(""), s.workflowKey("")})
		if t == nil {
			logAt(slog.LevelWarn, "redis read cache off: this kind of client cannot be tracked", "client", fmt.Sprintf("%T", s.rdb))
			return
		}
		if configure != nil {
			configure(t)
		}
		ctx, stop := context.WithCancel(context.Background())
		s.tracking.stop = stop
		s.tracking.done.Go(func() { t.run(ctx) })
	})
}

// cachedReads is a Store whose document reads go through its cache.
type cachedReads struct{ *Store }

func (c cachedReads) Wave(ctx context.Context, id string) (wave.Wave, error) {
	return c.wave(ctx, id, c.readerFor(ctx))
}

func (c cachedReads) Person(ctx context.Context, id string) (wave.Person, error) {
	return c.person(ctx, id, c.readerFor(ctx))
}

func (c cachedReads) EnsurePerson(ctx context.Context, p wave.Person, ev wave.Event, bootstrap bool) (wave.Person, error) {
	return c.ensurePerson(ctx, p, ev, bootstrap, c.readerFor(ctx))
}

func (c cachedReads) Workflow(ctx context.Context, fv string) (wave.Workflow, error) {
	return c.workflow(ctx, fv, c.readerFor(ctx))
}

// readerFor reads from the cache for a pure read, from Redis otherwise.
func (s *Store) readerFor(ctx context.Context) reader {
	if storage.IsPureRead(ctx) {
		return s.cachedRead
	}
	return s.read
}

// cachedRead is read, answered from the cache when it may.
func (s *Store) cachedRead(ctx context.Context, key string) ([]byte, int64, error) {
	doc, version, hit, r := s.reads.get(key)
	if hit {
		return doc, version, nil
	}
	doc, version, err := s.read(ctx, key)
	if err != nil {
		s.reads.release(r)
		return nil, 0, err
	}
	s.reads.fill(r, doc, version)
	return doc, version, nil
}
