package redis

import (
	"encoding/json"
	"sync"
)

// maxDecoded bounds the decoded documents a cache keeps: far more than a
// deployment's waves or people, a few megabytes even for large ones.
const maxDecoded = 512

// cloner is a document that can be deep-copied.
type cloner[T any] interface{ Clone() T }

// decodeCache keeps the last decoded form of each document of one kind,
// so a read that finds the same bytes as the last one skips decoding
// them, which is most of what answering a status costs. It compares the
// documents themselves, not their versions, so a change by any writer,
// an import included, is decoded afresh. It hands out clones: no two
// callers share a slice or a map. It is safe for concurrent use.
type decodeCache[T cloner[T]] struct {
	mu      sync.Mutex
	entries map[string]decoded[T] // by id
}

type decoded[T any] struct {
	doc string
	v   T
}

// decode returns the document doc of id, decoded.
func (c *decodeCache[T]) decode(id string, doc []byte) (T, error) {
	c.mu.Lock()
	e, ok := c.entries[id]
	c.mu.Unlock()
	if ok && e.doc == string(doc) {
		return e.v.Clone(), nil
	}
	var v T
	if err := json.Unmarshal(doc, &v); err != nil {
		var zero T
		return zero, err
	}
	c.remember(id, doc, v)
	return v, nil
}

// remember keeps v as the decoded form of doc; v stays the caller's.
func (c *decodeCache[T]) remember(id string, doc []byte, v T) {
	kept := decoded[T]{doc: string(doc), v: v.Clone()}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]decoded[T]{}
	}
	if _, ok := c.entries[id]; !ok && len(c.entries) >= maxDecoded {
		for other := range c.entries { // any one: documents are read about evenly
			delete(c.entries, other)
			break
		}
	}
	c.entries[id] = kept
}
