package redis

import (
	"fmt"
	"testing"
	"time"
)

// TestReadCacheKeepsOnlyWhatNothingRaced runs a read that misses, then
// what may happen before its answer is kept, and wants the answer kept
// only when nothing could have made it stale.
func TestReadCacheKeepsOnlyWhatNothingRaced(t *testing.T) {
	const key = "{p}w:b3"
	tests := []struct {
		name     string
		between  func(c *readCache)
		wantKept bool
	}{
		{"nothing", func(*readCache) {}, true},
		{"another key changed", func(c *readCache) { c.forget("{p}w:b4") }, true},
		{"a heartbeat answered", func(c *readCache) { c.heard(c.clock()) }, true},
		{"the key changed", func(c *readCache) { c.forget(key) }, false},
		{"everything changed", func(c *readCache) { c.empty() }, false},
		{"the connection broke", func(c *readCache) { c.down() }, false},
		{"the connection broke and came back", func(c *readCache) { c.down(); c.up(c.clock()) }, false},
		{"a new connection came up", func(c *readCache) { c.up(c.clock()) }, false},
		{"a later read reserved the key", func(c *readCache) {
			if _, _, hit, _ := c.get(key); hit {
				t.Fatal("hit on a reserved key")
			}
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := liveCache(time.Now())
			_, _, hit, r := c.get(key)
			if hit {
				t.Fatal("hit in an empty cache")
			}
			tt.between(c)
			c.fill(r, []byte("doc"), 7)
			doc, version, hit, _ := c.get(key)
			if hit != tt.wantKept {
				t.Fatalf("hit = %v, want %v", hit, tt.wantKept)
			}
			if hit && (string(doc) != "doc" || version != 7) {
				t.Fatalf("got %q v%d, want \"doc\" v7", doc, version)
			}
		})
	}
}

// liveCache is a cache whose tracking connection is up and proven at
// now, by a clock standing still there.
func liveCache(now time.Time) *readCache {
	c := &readCache{now: func() time.Time { return now }}
	c.up(now)
	return c
}

// TestReadCacheAnswersOnlyWhileProven moves a fake clock and wants the
// cache to answer only while a heartbeat sent less than staleBound ago
// was answered, and never while the connection is down.
func TestReadCacheAnswersOnlyWhileProven(t *testing.T) {
	t0 := time.Date(2027, 1, 10, 11, 0, 0, 0, time.UTC)
	now := t0
	c := &readCache{now: func() time.Time { return now }}
	const key = "{p}p:slack:U1"
	hit := func() bool {
		_, _, hit, r := c.get(key)
		c.fill(r, []byte("doc"), 1)
		return hit
	}
	steps := []struct {
		name string
		do   func()
		want bool
	}{
		{"never up", func() {}, false},
		{"up", func() { c.up(t0) }, false}, // the first read fills
		{"read again", func() {}, true},
		{"just inside the bound", func() { now = t0.Add(staleBound - time.Nanosecond) }, true},
		{"at the bound", func() { now = t0.Add(staleBound) }, false},
		{"an older heartbeat answered", func() { c.heard(t0.Add(-time.Second)) }, false},
		{"a newer heartbeat answered", func() { c.heard(t0.Add(time.Second / 2)) }, true},
		{"an older heartbeat answered after it", func() { c.heard(t0) }, true},
		{"connection down", func() { c.down() }, false},
		{"up again", func() { c.up(now) }, false},
		{"filled again", func() {}, true},
	}
	for _, st := range steps {
		st.do()
		if got := hit(); got != st.want {
			t.Fatalf("%s: hit = %v, want %v", st.name, got, st.want)
		}
	}
}

// TestReadCacheReleasedReadKeepsNothing: a read that failed releases its
// reservation, and a fill after that keeps nothing.
func TestReadCacheReleasedReadKeepsNothing(t *testing.T) {
	c := liveCache(time.Now())
	_, _, _, r := c.get("k")
	c.release(r)
	c.fill(r, []byte("doc"), 1)
	if _, _, hit, _ := c.get("k"); hit {
		t.Fatal("a released reservation was filled")
	}
}

// TestReadCacheReleaseDropsOnlyItsOwn: a failed read that releases its
// reservation late leaves alone what a later read of the key reserved
// or kept.
func TestReadCacheReleaseDropsOnlyItsOwn(t *testing.T) {
	c := liveCache(time.Now())
	_, _, _, failed := c.get("k")
	c.forget("k") // the key changed while the first read was under way
	_, _, _, later := c.get("k")
	c.release(failed)
	c.fill(later, []byte("doc"), 2)
	if _, _, hit, _ := c.get("k"); !hit {
		t.Fatal("an earlier read's release dropped a later read's reservation")
	}
	c.release(failed)
	if _, version, hit, _ := c.get("k"); !hit || version != 2 {
		t.Fatalf("after an earlier read's release: hit %v, version %d, want the later read's v2", hit, version)
	}
}

// TestReadCacheIsBounded fills more keys than the cache keeps.
func TestReadCacheIsBounded(t *testing.T) {
	c := liveCache(time.Now())
	for i := range maxCachedDocs + 100 {
		_, _, _, r := c.get(fmt.Sprint("k", i))
		c.fill(r, []byte("doc"), 1)
	}
	if n := len(c.entries); n != maxCachedDocs {
		t.Fatalf("%d entries, want %d: a full cache makes room for one", n, maxCachedDocs)
	}
	_, _, hit, _ := c.get(fmt.Sprint("k", maxCachedDocs+99))
	if !hit {
		t.Fatal("the newest key was evicted")
	}
	// A second read of a key whose first read is under way takes its
	// reservation over, and makes no room.
	c.get("reserved")
	c.get("reserved")
	if n := len(c.entries); n != maxCachedDocs {
		t.Fatalf("%d entries after reading a reserved key, want %d", n, maxCachedDocs)
	}
}
