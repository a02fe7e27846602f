package redis

import (
	"encoding/json"
	"sync"

	"wavebot/wave"
)

// maxCachedWaves bounds the decoded waves a store keeps: far more than a
// deployment's waves, few megabytes even for large ones.
const maxCachedWaves = 512

// waveCache keeps the last decoded form of each wave document, so a read
// that finds the same bytes as the last one skips decoding them, which
// is most of what a status answer costs. It compares the documents
// themselves, not their versions, so a change by any writer, an import
// included, is decoded afresh. It hands out clones: no two callers share
// a slice or a map. It is safe for concurrent use.
type waveCache struct {
	mu      sync.Mutex
	entries map[string]cachedWave // by wave id
}

type cachedWave struct {
	doc string
	w   wave.Wave
}

// decode returns the wave in doc, the stored document of wave id.
func (c *waveCache) decode(id string, doc []byte) (wave.Wave, error) {
	c.mu.Lock()
	e, ok := c.entries[id]
	c.mu.Unlock()
	if ok && e.doc == string(doc) {
		return e.w.Clone(), nil
	}
	var w wave.Wave
	if err := json.Unmarshal(doc, &w); err != nil {
		return wave.Wave{}, err
	}
	c.remember(id, doc, w)
	return w, nil
}

// remember keeps w as the decoded form of doc; w stays the caller's.
func (c *waveCache) remember(id string, doc []byte, w wave.Wave) {
	kept := cachedWave{doc: string(doc), w: w.Clone()}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]cachedWave{}
	}
	if _, ok := c.entries[id]; !ok && len(c.entries) >= maxCachedWaves {
		for other := range c.entries { // any one: waves are read about evenly
			delete(c.entries, other)
			break
		}
	}
	c.entries[id] = kept
}
