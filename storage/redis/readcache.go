package redis

import (
	"sync"
	"time"
)

// Limits of the read cache.
const (
	// maxCachedDocs bounds the documents a replica keeps: far more than
	// a deployment's waves, people and workflow tracks.
	maxCachedDocs = 4096
	// staleBound is how old the last proof of a working invalidation
	// stream may be for the cache to answer: a cached read reflects every
	// change that finished staleBound before it, whatever the network
	// does, and in practice every change that finished before it.
	staleBound = time.Second
)

// readCache keeps documents this replica has read, for as long as Redis
// promises to tell it when they change (see tracker). It answers only
// while that promise is known to hold: the tracking connection is up and
// answered a heartbeat sent less than staleBound ago. A read that misses
// reserves its key first and fills it afterwards only when nothing
// changed the key, emptied the cache or broke the stream in between, so
// a reply that raced a change is never kept. It is safe for concurrent
// use; the zero value is a cache that is down.
type readCache struct {
	// now is the time staleness is judged by: time.Now unless a test
	// sets it.
	now func() time.Time

	mu      sync.Mutex
	entries map[string]cachedDoc // by key
	// live is set while the tracking connection runs; proven is when
	// the newest heartbeat it answered was sent.
	live   bool
	proven time.Time
	// ticket numbers reservations; emptying the cache drops them, so a
	// read that raced it fills nothing.
	ticket uint64
}

// cachedDoc is a document and its version, or a reservation (ticket set)
// for a read under way.
type cachedDoc struct {
	doc     []byte
	version int64
	ticket  uint64
}

// reservation is what a miss hands the read that follows it; the zero
// value fills nothing.
type reservation struct {
	key    string
	ticket uint64
}

func (c *readCache) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

// usable reports whether the cache may answer now; c.mu is held.
func (c *readCache) usable() bool {
	return c.live && c.clock().Sub(c.proven) < staleBound
}

// get returns the cached document at key; on a miss it reserves the key
// for the read that follows, which passes the reservation to fill.
func (c *readCache) get(key string) (doc []byte, version int64, hit bool, r reservation) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.usable() {
		return nil, 0, false, reservation{}
	}
	if e, ok := c.entries[key]; ok && e.ticket == 0 {
		return e.doc, e.version, true, reservation{}
	}
	if c.entries == nil {
		c.entries = map[string]cachedDoc{}
	}
	if _, ok := c.entries[key]; !ok && len(c.entries) >= maxCachedDocs {
		for other := range c.entries { // any one: documents are read about evenly
			delete(c.entries, other)
			break
		}
	}
	c.ticket++
	c.entries[key] = cachedDoc{ticket: c.ticket}
	return nil, 0, false, reservation{key: key, ticket: c.ticket}
}

// fill keeps what the read reserved by r found, unless the key changed,
// the cache was emptied or a later read reserved it since. The cache
// keeps doc: the caller must not change it.
func (c *readCache) fill(r reservation, doc []byte, version int64) {
	if r.ticket == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[r.key]; ok && e.ticket == r.ticket {
		c.entries[r.key] = cachedDoc{doc: doc, version: version}
	}
}

// release drops r's reservation, for a read that found nothing to keep.
func (c *readCache) release(r reservation) {
	if r.ticket == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[r.key]; ok && e.ticket == r.ticket {
		delete(c.entries, r.key)
	}
}

// forget drops keys, cached or reserved: they changed.
func (c *readCache) forget(keys ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range keys {
		delete(c.entries, k)
	}
}

// empty drops everything: Redis lost track, or was emptied.
func (c *readCache) empty() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.entries)
}

// up starts a fresh cache on a tracking connection that Redis has just
// confirmed; sent is when the confirmation was asked for.
func (c *readCache) up(sent time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.entries)
	c.live, c.proven = true, sent
}

// heard records that the heartbeat sent at sent was answered: every
// change Redis made before it has been reported.
func (c *readCache) heard(sent time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if sent.After(c.proven) {
		c.proven = sent
	}
}

// down stops the cache answering and empties it: the connection that
// reports changes is gone.
func (c *readCache) down() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.live = false
	clear(c.entries)
}
