package redis

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"wavebot/storage"
	"wavebot/wave"
)

// dumpChunk bounds the records of one part of a dump, and of one script
// or pipeline that reads or writes them.
const dumpChunk = 100

// Dump hands the whole state to fn; each chunk is one pipeline. Keys are
// found with SCAN (on every master of a cluster), so a dump taken while
// replicas write sees each document as it was when it was read.
func (s *Store) Dump(ctx context.Context, fn func(storage.Part) error) error {
	waves, err := s.Waves(ctx)
	if err != nil {
		return fmt.Errorf("dump waves: %w", err)
	}
	for c := range slices.Chunk(waves, dumpChunk) {
		if err := fn(storage.Part{Waves: c}); err != nil {
			return err
		}
	}
	if err := dumpDocs(ctx, s, "p:", func(c []wave.Person) storage.Part { return storage.Part{People: c} }, fn); err != nil {
		return err
	}
	if err := dumpDocs(ctx, s, "f:", func(c []wave.Workflow) storage.Part { return storage.Part{Workflows: c} }, fn); err != nil {
		return err
	}
	if err := dumpLists(ctx, s, "al:", storage.AuthLists, func(c []wave.AuthList) storage.Part { return storage.Part{AuthLists: c} }, fn); err != nil {
		return err
	}
	if err := dumpLists(ctx, s, "at:", storage.AuthTemplates, func(c []wave.AuthTemplate) storage.Part { return storage.Part{Templates: c} }, fn); err != nil {
		return err
	}
	var first string
	err = s.call(ctx, "dump first person", false, func(ctx context.Context) error {
		var err error
		first, err = s.rdb.Get(ctx, s.firstKey()).Result()
		if errors.Is(err, goredis.Nil) {
			return nil
		}
		return err
	})
	if err != nil {
		return err
	}
	if first != "" {
		if err := fn(storage.Part{FirstPerson: first}); err != nil {
			return err
		}
	}
	logs := []string{""}
	for _, w := range waves {
		logs = append(logs, w.ID)
	}
	slices.Sort(logs[1:])
	for _, log := range logs {
		if err := s.dumpLog(ctx, log, fn); err != nil {
			return err
		}
	}
	return s.dumpLedger(ctx, fn)
}

// scan returns the sorted names after the tag and kind ("p:") of the
// deployment's keys of that kind, asking every master of a cluster.
func (s *Store) scan(ctx context.Context, kind string) ([]string, error) {
	pattern := globEscape(s.key(kind)) + "*"
	found := map[string]bool{}
	scanOne := func(ctx context.Context, c goredis.Cmdable) error {
		var cursor uint64
		for {
			var keys []string
			err := s.call(ctx, "scan "+pattern, false, func(ctx context.Context) error {
				var err error
				keys, cursor, err = c.Scan(ctx, cursor, pattern, 1000).Result()
				return err
			})
			if err != nil {
				return err
			}
			for _, k := range keys {
				found[strings.TrimPrefix(k, s.key(kind))] = true
			}
			if cursor == 0 {
				return nil
			}
		}
	}
	var err error
	if cluster, ok := s.rdb.(*goredis.ClusterClient); ok {
		var mu sync.Mutex // found is shared; the masters are scanned one at a time
		err = cluster.ForEachMaster(ctx, func(ctx context.Context, c *goredis.Client) error {
			mu.Lock()
			defer mu.Unlock()
			return scanOne(ctx, c)
		})
	} else {
		err = scanOne(ctx, s.rdb)
	}
	if err != nil {
		return nil, fmt.Errorf("list %s keys: %w", kind, err)
	}
	names := make([]string, 0, len(found))
	for n := range found {
		names = append(names, n)
	}
	slices.Sort(names)
	return names, nil
}

// globEscape quotes the characters SCAN's MATCH pattern treats as special.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// dumpDocs hands out every document of a kind ("p:" people, "f:"
// workflow tracks), sorted by id, a pipeline per chunk.
func dumpDocs[T any](ctx context.Context, s *Store, kind string, part func([]T) storage.Part, fn func(storage.Part) error) error {
	ids, err := s.scan(ctx, kind)
	if err != nil {
		return err
	}
	for c := range slices.Chunk(ids, dumpChunk) {
		var cmds []*goredis.StringCmd
		err := s.call(ctx, "dump "+kind+" documents", false, func(ctx context.Context) error {
			cmds = make([]*goredis.StringCmd, len(c))
			_, err := s.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
				for i, id := range c {
					cmds[i] = p.HGet(ctx, s.key(kind, id), "doc")
				}
				return nil
			})
			if errors.Is(err, goredis.Nil) {
				return nil
			}
			return err
		})
		if err != nil {
			return err
		}
		var docs []T
		for i, cmd := range cmds {
			doc, err := cmd.Bytes()
			if errors.Is(err, goredis.Nil) {
				continue // gone since the scan
			}
			var x T
			if err := json.Unmarshal(doc, &x); err != nil {
				return fmt.Errorf("decode %s%s: %w: %w", kind, c[i], storage.ErrCorrupt, err)
			}
			docs = append(docs, x)
		}
		if len(docs) > 0 {
			if err := fn(part(docs)); err != nil {
				return err
			}
		}
	}
	return nil
}

// dumpLists hands out every list of a kind ("al:" authorization lists,
// "at:" templates) whole, sorted by name, each read in one MULTI/EXEC.
func dumpLists[D any](ctx context.Context, s *Store, kind string, codec storage.Codec[D], part func([]D) storage.Part, fn func(storage.Part) error) error {
	names, err := s.scan(ctx, kind)
	if err != nil {
		return err
	}
	b := storage.ListBatcher[D]{Codec: codec, Max: dumpChunk, Emit: func(c []D) error { return fn(part(c)) }}
	for _, name := range names {
		if strings.HasSuffix(name, ":rows") || strings.HasSuffix(name, ":rv") {
			continue // a list's rows and their versions, read with its header
		}
		t, err := s.readTable(ctx, s.key(kind, name))
		if err != nil {
			return err
		}
		if t.Header == nil {
			continue // gone since the scan
		}
		var zero D
		d, err := codec.Load(t, zero)
		if err != nil {
			return fmt.Errorf("decode %s%s: %w", kind, name, err)
		}
		if err := b.Add(d); err != nil {
			return err
		}
	}
	return b.Flush()
}

// dumpLog hands out one audit log, oldest first, a range read per chunk.
func (s *Store) dumpLog(ctx context.Context, log string, fn func(storage.Part) error) error {
	start := "-"
	for {
		var batch []goredis.XMessage
		err := s.call(ctx, "dump audit log "+log, false, func(ctx context.Context) error {
			var err error
			batch, err = s.rdb.XRangeN(ctx, s.logOf(log), start, "+", dumpChunk).Result()
			return err
		})
		if err != nil {
			return err
		}
		part := storage.Part{Log: log}
		for _, m := range batch {
			raw, _ := m.Values["e"].(string)
			var ev wave.Event
			if err := json.Unmarshal([]byte(raw), &ev); err != nil {
				return fmt.Errorf("decode event %s of %q: %w: %w", m.ID, log, storage.ErrCorrupt, err)
			}
			part.Events = append(part.Events, ev)
		}
		if len(part.Events) > 0 {
			if err := fn(part); err != nil {
				return err
			}
		}
		if len(batch) < dumpChunk {
			return nil
		}
		start = "(" + batch[len(batch)-1].ID
	}
}

// dumpLedger hands out the reminder ledger, sorted by key, a pipeline per
// chunk.
func (s *Store) dumpLedger(ctx context.Context, fn func(storage.Part) error) error {
	keys, err := s.scan(ctx, "r:")
	if err != nil {
		return err
	}
	for c := range slices.Chunk(keys, dumpChunk) {
		var states []*goredis.SliceCmd
		var ends []*goredis.DurationCmd
		err := s.call(ctx, "dump reminder ledger", false, func(ctx context.Context) error {
			states, ends = make([]*goredis.SliceCmd, len(c)), make([]*goredis.DurationCmd, len(c))
			_, err := s.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
				for i, k := range c {
					states[i] = p.HMGet(ctx, s.reminderKey(k), "o", "a")
					ends[i] = p.PExpireTime(ctx, s.reminderKey(k))
				}
				return nil
			})
			return err
		})
		if err != nil {
			return err
		}
		var part storage.Part
		for i, k := range c {
			vals, end := states[i].Val(), ends[i].Val()
			if end < 0 || len(vals) != 2 {
				continue // gone since the scan, or never expiring: not a record the store wrote
			}
			o, _ := vals[0].(string)
			a, _ := vals[1].(string)
			e := storage.LedgerEntry{Key: k, ReminderState: storage.ReminderState{Outcome: storage.Outcome(o)},
				Expires: time.UnixMilli(end.Milliseconds()).UTC()}
			if a != "" {
				if _, err := fmt.Sscan(a, &e.Attempts); err != nil {
					return fmt.Errorf("decode reminder %s: %w: attempts %q", k, storage.ErrCorrupt, a)
				}
			}
			part.Ledger = append(part.Ledger, e)
		}
		if len(part.Ledger) > 0 {
			if err := fn(part); err != nil {
				return err
			}
		}
	}
	return nil
}

// Load writes part p, a script per chunk. Each chunk is written whole or,
// when any of its documents is stored already, not at all; a chunk
// retried after a lost reply finds its write id and is applied once.
// The store starts a new generation first, so the read cache of a
// replica that meets it, such as after a swap of databases, forgets
// what it read elsewhere.
func (s *Store) Load(ctx context.Context, p storage.Part) error {
	err := s.call(ctx, "start a new generation", true, func(ctx context.Context) error {
		return s.rdb.Set(ctx, s.generationKey(), newWriteID(), 0).Err()
	})
	if err != nil {
		return err
	}
	for c := range slices.Chunk(p.Waves, dumpChunk) {
		keys := []string{"", s.wavesKey(), s.dueKey()}
		args := []any{}
		for _, w := range c {
			doc, err := json.Marshal(w)
			if err != nil {
				return fmt.Errorf("encode wave %s: %w", w.ID, err)
			}
			due := s.dueScore(w)
			if due == "-" {
				due = ""
			}
			keys = append(keys, s.waveKey(w.ID))
			args = append(args, w.ID, w.Version, doc, due)
		}
		if err := s.load(ctx, "waves", loadWavesScript, keys, args); err != nil {
			return err
		}
	}
	if err := loadDocs(ctx, s, "people", p.People, func(x wave.Person) (string, int64) { return s.personKey(x.ID), 1 }); err != nil {
		return err
	}
	for c := range slices.Chunk(p.Workflows, dumpChunk) {
		keys := []string{"", s.dueKey()}
		args := []any{}
		for _, w := range c {
			doc, err := json.Marshal(w)
			if err != nil {
				return fmt.Errorf("encode workflow %s: %w", w.FV, err)
			}
			due := s.trackScore(w)
			if due == "-" {
				due = ""
			}
			keys = append(keys, s.workflowKey(w.FV))
			args = append(args, storage.TrackSubject(w.FV), cmp.Or(w.Version, 1), doc, due)
		}
		if err := s.load(ctx, "workflows", loadTracksScript, keys, args); err != nil {
			return err
		}
	}
	if err := loadLists(ctx, s, "authorization lists", storage.AuthLists, p.AuthLists, func(l wave.AuthList) string { return s.authListKey(l.Wave, l.FV) }); err != nil {
		return err
	}
	if err := loadLists(ctx, s, "authorization templates", storage.AuthTemplates, p.Templates, func(t wave.AuthTemplate) string { return s.templateKey(t.FV) }); err != nil {
		return err
	}
	if p.FirstPerson != "" {
		if err := s.load(ctx, "first person", loadFirstScript, []string{"", s.firstKey()}, []any{p.FirstPerson}); err != nil {
			return err
		}
	}
	for c := range slices.Chunk(p.Events, dumpChunk) {
		var args []any
		for _, ev := range c {
			b, err := json.Marshal(ev)
			if err != nil {
				return fmt.Errorf("encode event: %w", err)
			}
			args = append(args, b)
		}
		if err := s.load(ctx, "audit log "+p.Log, loadEventsScript, []string{"", s.logOf(p.Log)}, args); err != nil {
			return err
		}
	}
	for c := range slices.Chunk(p.Ledger, dumpChunk) {
		keys := []string{""}
		var args []any
		for _, e := range c {
			keys = append(keys, s.reminderKey(e.Key))
			args = append(args, string(e.Outcome), e.Attempts, e.Expires.UnixMilli())
		}
		if err := s.load(ctx, "reminder ledger", loadLedgerScript, keys, args); err != nil {
			return err
		}
	}
	return nil
}

// loadDocs writes documents of one kind with their versions, a script
// per chunk.
func loadDocs[T any](ctx context.Context, s *Store, what string, docs []T, keyOf func(T) (string, int64)) error {
	for c := range slices.Chunk(docs, dumpChunk) {
		keys := []string{""}
		var args []any
		for _, x := range c {
			doc, err := json.Marshal(x)
			if err != nil {
				return fmt.Errorf("encode %s: %w", what, err)
			}
			key, version := keyOf(x)
			keys = append(keys, key)
			args = append(args, version, doc)
		}
		if err := s.load(ctx, what, loadDocsScript, keys, args); err != nil {
			return err
		}
	}
	return nil
}

// loadLists writes lists with their versions, a script per run of a
// ListBatcher: a list is written whole, in one script, as an upload of
// it is.
func loadLists[D any](ctx context.Context, s *Store, what string, codec storage.Codec[D], lists []D, keyOf func(D) string) error {
	b := storage.ListBatcher[D]{Codec: codec, Max: dumpChunk, Emit: func(c []D) error {
		keys := []string{""}
		var args []any
		for _, d := range c {
			t, err := codec.Table(d)
			if err != nil {
				return fmt.Errorf("load %s: %w", what, err)
			}
			key := keyOf(d)
			keys = append(keys, key, key+":rows", key+":rv")
			args = append(args, t.Version, t.HeaderVersion, string(t.Header), len(t.Rows))
			for _, r := range t.Rows {
				args = append(args, r.ID, r.Version, string(r.Doc))
			}
		}
		return s.load(ctx, what, loadListsScript, keys, args)
	}}
	for _, d := range lists {
		if err := b.Add(d); err != nil {
			return err
		}
	}
	return b.Flush()
}

// load runs one loading script under a fresh write id (its KEYS[1]).
func (s *Store) load(ctx context.Context, what string, script *goredis.Script, keys []string, args []any) error {
	keys[0] = s.writeKey(newWriteID())
	args = append([]any{writeIDTTL.Milliseconds()}, args...)
	var n int
	err := s.call(ctx, "load "+what, true, func(ctx context.Context) error {
		var err error
		n, err = script.Run(ctx, s.rdb, keys, args...).Int()
		return err
	})
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("load %s: %w", what, storage.ErrExists)
	}
	return nil
}
