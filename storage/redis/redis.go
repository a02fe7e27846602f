// Package redis is the production Store on Redis, shared by any number of
// wavebot replicas.
//
// Data layout (every key starts with the configured prefix, "wavebot:" by
// default; the part in braces is the Cluster hash tag, so each group of keys
// that one script writes together lives in one slot):
//
//	{w:ID}         hash: v = version, doc = the wave as JSON
//	{w:ID}:log     stream: the wave's audit trail, one JSON event per entry (field e)
//	waves          set of wave ids, for listing
//	{g}:p:ID       hash: v, doc = a person as JSON
//	{g}:f:FV       hash: v, doc = a forvaltning's workflow track as JSON
//	{g}:log        stream: audit trail of people and workflow tracks
//	{g}:first      the id of the first person ever created (the bootstrap admin)
//	due            sorted set: wave id scored by its next reminder (unix ms)
//	{r}:KEY        reminder ledger: "done", or the end of a delivery lease (unix ms)
//	once:KEY       ClaimOnce: set once, expires with its ttl
//
// Every write is a compare-and-set script: it checks the version it read,
// writes the new document, appends its audit events and (for waves)
// updates the due index in one atomic step,
// or changes nothing when another writer came first; the caller then reads
// again and retries, a bounded number of times. On Cluster the due index
// lives in another slot, so there it is updated right after the write; a
// sweeper that finds an entry early recomputes it.
package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"wavebot/storage"
	"wavebot/wave"
)

// maxAttempts bounds how often an update retries after losing a race.
const maxAttempts = 100

// casScript writes a document if its version is still ARGV[1] ("0": it must
// not exist), together with its audit events (ARGV[6...]) and, with a
// third key, the due index entry of member ARGV[5]: score ARGV[4], or
// removed when ARGV[4] is empty.
var casScript = goredis.NewScript(`
local v = redis.call('HGET', KEYS[1], 'v')
if (v or '0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'doc', ARGV[3])
if KEYS[3] then
  if ARGV[4] == '' then redis.call('ZREM', KEYS[3], ARGV[5]) else redis.call('ZADD', KEYS[3], ARGV[4], ARGV[5]) end
end
for i = 6, #ARGV do redis.call('XADD', KEYS[2], '*', 'e', ARGV[i]) end
return 1
`)

// claimScript leases a reminder key: 2 when delivered, 1 when another
// holds an unexpired lease, 0 when the caller now holds it until ARGV[2].
var claimScript = goredis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v == 'done' then return 2 end
if v and tonumber(v) > tonumber(ARGV[1]) then return 1 end
redis.call('SET', KEYS[1], ARGV[2])
return 0
`)

// ensureScript returns a person's document, creating it when missing; with
// ARGV[6] set, the first person ever created gets the admin document instead.
var ensureScript = goredis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'doc')
if cur then return cur end
local doc, ev = ARGV[2], ARGV[4]
if ARGV[6] == '1' and redis.call('SET', KEYS[2], ARGV[1], 'NX') then doc, ev = ARGV[3], ARGV[5] end
redis.call('HSET', KEYS[1], 'v', '1', 'doc', doc)
redis.call('XADD', KEYS[3], '*', 'e', ev)
return doc
`)

// Store is a storage.Store on Redis.
type Store struct {
	rdb    goredis.UniversalClient
	prefix string
	due    storage.DueFunc
	// cluster: the due index cannot join a wave's script (another slot).
	cluster bool
}

var _ storage.Store = (*Store)(nil)

// Open connects to the Redis at url with key prefix and loads the scripts.
// due computes each wave's next reminder for the due index; nil keeps none.
func Open(ctx context.Context, url, prefix string, due storage.DueFunc) (*Store, error) {
	rdb, err := NewClient(url)
	if err != nil {
		return nil, err
	}
	s, err := New(ctx, rdb, prefix, due)
	if err != nil {
		rdb.Close()
		return nil, err
	}
	return s, nil
}

// New wraps a client; prefix must not contain braces, which would break
// the hash tags.
func New(ctx context.Context, rdb goredis.UniversalClient, prefix string, due storage.DueFunc) (*Store, error) {
	if strings.ContainsAny(prefix, "{}") {
		return nil, fmt.Errorf("redis key prefix %q must not contain { or }", prefix)
	}
	_, cluster := rdb.(*goredis.ClusterClient)
	s := &Store{rdb: rdb, prefix: prefix, due: due, cluster: cluster}
	for _, sc := range []*goredis.Script{casScript, ensureScript, claimScript} {
		if err := sc.Load(ctx, rdb).Err(); err != nil {
			return nil, s.fail("load scripts", err)
		}
	}
	return s, nil
}

func (s *Store) waveKey(id string) string     { return s.prefix + "{w:" + id + "}" }
func (s *Store) waveLog(id string) string     { return s.prefix + "{w:" + id + "}:log" }
func (s *Store) wavesKey() string             { return s.prefix + "waves" }
func (s *Store) personKey(id string) string   { return s.prefix + "{g}:p:" + id }
func (s *Store) workflowKey(fv string) string { return s.prefix + "{g}:f:" + fv }
func (s *Store) globalLog() string            { return s.prefix + "{g}:log" }
func (s *Store) firstKey() string             { return s.prefix + "{g}:first" }
func (s *Store) dueKey() string               { return s.prefix + "due" }
func (s *Store) reminderKey(k string) string  { return s.prefix + "{r}:" + k }
func (s *Store) onceKey(k string) string      { return s.prefix + "once:" + k }

func (s *Store) logOf(waveID string) string {
	if waveID == "" {
		return s.globalLog()
	}
	return s.waveLog(waveID)
}

// fail wraps err with what was being done; a Redis that cannot be reached
// becomes storage.ErrUnavailable.
func (s *Store) fail(what string, err error) error {
	var server goredis.Error
	if errors.As(err, &server) || errors.Is(err, context.Canceled) {
		return fmt.Errorf("%s: %w", what, err)
	}
	return fmt.Errorf("%s: %w: %w", what, storage.ErrUnavailable, err)
}

// Close closes the client.
func (s *Store) Close() error { return s.rdb.Close() }

// Ping reports whether Redis answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return s.fail("ping redis", err)
	}
	return nil
}

// read loads a document and its version; ErrNotFound when missing.
func (s *Store) read(ctx context.Context, key string) ([]byte, int64, error) {
	vals, err := s.rdb.HMGet(ctx, key, "v", "doc").Result()
	if err != nil {
		return nil, 0, s.fail("read "+key, err)
	}
	v, _ := vals[0].(string)
	doc, _ := vals[1].(string)
	if doc == "" {
		return nil, 0, storage.ErrNotFound
	}
	version, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil, 0, fmt.Errorf("read %s: bad version %q", key, v)
	}
	return []byte(doc), version, nil
}

// change is one attempt of an update: from the stored document (nil when
// missing) to the new one and its events.
type change func(doc []byte, version int64) (newDoc []byte, events []wave.Event, err error)

// dueEntry is a wave's entry in the due index: member with score, or
// removed when score is empty.
type dueEntry struct {
	member, score string
}

// dueOf computes wave w's due index entry; nil without a DueFunc.
func (s *Store) dueOf(w wave.Wave) *dueEntry {
	if s.due == nil {
		return nil
	}
	e := &dueEntry{member: w.ID}
	if at, ok := s.due(w); ok {
		e.score = strconv.FormatInt(at.UnixMilli(), 10)
	}
	return e
}

// update runs change under compare-and-set until it wins, at most
// maxAttempts times. due, when set, is read after each attempt's change and
// written with it.
func (s *Store) update(ctx context.Context, key, log string, apply change, due **dueEntry) error {
	for attempt := range maxAttempts {
		doc, version, err := s.read(ctx, key)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		newDoc, events, err := apply(doc, version)
		if err != nil {
			return err
		}
		keys := []string{key, log}
		args := []any{version, version + 1, newDoc, "", ""}
		var entry *dueEntry
		if due != nil {
			entry = *due
		}
		if entry != nil && !s.cluster {
			keys = append(keys, s.dueKey())
			args[3], args[4] = entry.score, entry.member
		}
		for _, ev := range events {
			b, err := json.Marshal(ev)
			if err != nil {
				return fmt.Errorf("encode event: %w", err)
			}
			args = append(args, b)
		}
		won, err := casScript.Run(ctx, s.rdb, keys, args...).Int()
		if err != nil {
			return s.fail("write "+key, err)
		}
		if won == 1 {
			if entry != nil && s.cluster {
				return s.writeDue(ctx, entry)
			}
			return nil
		}
		if err := backoff(ctx, attempt); err != nil {
			return err
		}
	}
	return storage.ErrConflict
}

func (s *Store) writeDue(ctx context.Context, e *dueEntry) error {
	var err error
	if e.score == "" {
		err = s.rdb.ZRem(ctx, s.dueKey(), e.member).Err()
	} else {
		score, _ := strconv.ParseFloat(e.score, 64)
		err = s.rdb.ZAdd(ctx, s.dueKey(), goredis.Z{Score: score, Member: e.member}).Err()
	}
	if err != nil {
		return s.fail("index "+e.member, err)
	}
	return nil
}

// backoff waits a little, more after each lost race, with jitter so racing
// writers spread out.
func backoff(ctx context.Context, attempt int) error {
	limit := time.Duration(min(attempt+1, 20)) * time.Millisecond
	t := time.NewTimer(rand.N(limit) + 100*time.Microsecond)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// CreateWave stores a new wave.
func (s *Store) CreateWave(ctx context.Context, w wave.Wave, ev wave.Event) error {
	w.Version = 1
	due := s.dueOf(w)
	err := s.update(ctx, s.waveKey(w.ID), s.waveLog(w.ID), func(doc []byte, version int64) ([]byte, []wave.Event, error) {
		if doc != nil {
			return nil, nil, storage.ErrExists
		}
		b, err := json.Marshal(w)
		return b, []wave.Event{ev}, err
	}, &due)
	if err != nil {
		return fmt.Errorf("create wave %s: %w", w.ID, err)
	}
	if err := s.rdb.SAdd(ctx, s.wavesKey(), w.ID).Err(); err != nil {
		return s.fail("index wave "+w.ID, err)
	}
	return nil
}

// Wave loads one wave.
func (s *Store) Wave(ctx context.Context, id string) (wave.Wave, error) {
	doc, _, err := s.read(ctx, s.waveKey(id))
	if err != nil {
		return wave.Wave{}, fmt.Errorf("load wave %s: %w", id, err)
	}
	var w wave.Wave
	if err := json.Unmarshal(doc, &w); err != nil {
		return wave.Wave{}, fmt.Errorf("decode wave %s: %w: %w", id, storage.ErrCorrupt, err)
	}
	return w, nil
}

// Waves loads every wave in two round trips. A wave that fails to decode is
// left out and named in an ErrCorrupt error; the others are returned.
func (s *Store) Waves(ctx context.Context) ([]wave.Wave, error) {
	ids, err := s.rdb.SMembers(ctx, s.wavesKey()).Result()
	if err != nil {
		return nil, s.fail("list waves", err)
	}
	cmds := make([]*goredis.StringCmd, len(ids))
	_, err = s.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.HGet(ctx, s.waveKey(id), "doc")
		}
		return nil
	})
	if err != nil && !errors.Is(err, goredis.Nil) {
		return nil, s.fail("load waves", err)
	}
	var out []wave.Wave
	var bad []error
	for i, c := range cmds {
		doc, err := c.Bytes()
		if errors.Is(err, goredis.Nil) {
			continue
		}
		var w wave.Wave
		if err := json.Unmarshal(doc, &w); err != nil {
			bad = append(bad, fmt.Errorf("decode wave %s: %w: %w", ids[i], storage.ErrCorrupt, err))
			continue
		}
		out = append(out, w)
	}
	storage.SortWaves(out)
	return out, errors.Join(bad...)
}

// UpdateWave applies change atomically.
func (s *Store) UpdateWave(ctx context.Context, id string, change storage.WaveChange) (wave.Wave, error) {
	var w wave.Wave
	var due *dueEntry
	err := s.update(ctx, s.waveKey(id), s.waveLog(id), func(doc []byte, version int64) ([]byte, []wave.Event, error) {
		if doc == nil {
			return nil, nil, storage.ErrNotFound
		}
		w = wave.Wave{}
		if err := json.Unmarshal(doc, &w); err != nil {
			return nil, nil, fmt.Errorf("%w: %w", storage.ErrCorrupt, err)
		}
		events, err := change(&w)
		if err != nil {
			return nil, nil, err
		}
		w.ID, w.Version = id, version+1
		due = s.dueOf(w)
		b, err := json.Marshal(w)
		return b, events, err
	}, &due)
	if err != nil {
		return wave.Wave{}, fmt.Errorf("update wave %s: %w", id, err)
	}
	return w, nil
}

// Person loads one person.
func (s *Store) Person(ctx context.Context, id string) (wave.Person, error) {
	doc, _, err := s.read(ctx, s.personKey(id))
	if err != nil {
		return wave.Person{}, fmt.Errorf("load person %s: %w", id, err)
	}
	var p wave.Person
	if err := json.Unmarshal(doc, &p); err != nil {
		return wave.Person{}, fmt.Errorf("decode person %s: %w: %w", id, storage.ErrCorrupt, err)
	}
	return p, nil
}

// EnsurePerson returns the stored person or creates p, in one round trip
// when the person exists; with bootstrap, the first person ever created
// becomes admin.
func (s *Store) EnsurePerson(ctx context.Context, p wave.Person, ev wave.Event, bootstrap bool) (wave.Person, error) {
	found, err := s.Person(ctx, p.ID)
	if err == nil || !errors.Is(err, storage.ErrNotFound) {
		return found, err
	}
	admin := p
	admin.Role = wave.RoleAdmin
	var args []any
	for _, v := range []any{p, admin} {
		b, err := json.Marshal(v)
		if err != nil {
			return wave.Person{}, fmt.Errorf("encode person %s: %w", p.ID, err)
		}
		args = append(args, b)
	}
	for _, role := range []wave.Role{p.Role, wave.RoleAdmin} {
		e := ev
		e.After = string(role)
		b, err := json.Marshal(e)
		if err != nil {
			return wave.Person{}, fmt.Errorf("encode event: %w", err)
		}
		args = append(args, b)
	}
	flag := "0"
	if bootstrap {
		flag = "1"
	}
	args = append(args, flag)
	doc, err := ensureScript.Run(ctx, s.rdb, []string{s.personKey(p.ID), s.firstKey(), s.globalLog()}, append([]any{p.ID}, args...)...).Text()
	if err != nil {
		return wave.Person{}, s.fail("ensure person "+p.ID, err)
	}
	var out wave.Person
	if err := json.Unmarshal([]byte(doc), &out); err != nil {
		return wave.Person{}, fmt.Errorf("decode person %s: %w: %w", p.ID, storage.ErrCorrupt, err)
	}
	return out, nil
}

// UpdatePerson applies change atomically.
func (s *Store) UpdatePerson(ctx context.Context, id string, change storage.PersonChange) (wave.Person, error) {
	var p wave.Person
	err := s.update(ctx, s.personKey(id), s.globalLog(), func(doc []byte, _ int64) ([]byte, []wave.Event, error) {
		if doc == nil {
			return nil, nil, storage.ErrNotFound
		}
		p = wave.Person{}
		if err := json.Unmarshal(doc, &p); err != nil {
			return nil, nil, fmt.Errorf("%w: %w", storage.ErrCorrupt, err)
		}
		events, err := change(&p)
		if err != nil {
			return nil, nil, err
		}
		p.ID = id
		b, err := json.Marshal(p)
		return b, events, err
	}, nil)
	if err != nil {
		return wave.Person{}, fmt.Errorf("update person %s: %w", id, err)
	}
	return p, nil
}

// Workflow loads a forvaltning's workflow track.
func (s *Store) Workflow(ctx context.Context, fv string) (wave.Workflow, error) {
	doc, _, err := s.read(ctx, s.workflowKey(fv))
	if err != nil {
		return wave.Workflow{}, fmt.Errorf("load workflow %s: %w", fv, err)
	}
	var w wave.Workflow
	if err := json.Unmarshal(doc, &w); err != nil {
		return wave.Workflow{}, fmt.Errorf("decode workflow %s: %w: %w", fv, storage.ErrCorrupt, err)
	}
	return w, nil
}

// UpdateWorkflow applies change atomically, starting from initial.
func (s *Store) UpdateWorkflow(ctx context.Context, initial wave.Workflow, change storage.WorkflowChange) (wave.Workflow, error) {
	var w wave.Workflow
	err := s.update(ctx, s.workflowKey(initial.FV), s.globalLog(), func(doc []byte, version int64) ([]byte, []wave.Event, error) {
		w = initial
		if doc != nil {
			w = wave.Workflow{}
			if err := json.Unmarshal(doc, &w); err != nil {
				return nil, nil, fmt.Errorf("%w: %w", storage.ErrCorrupt, err)
			}
		}
		events, err := change(&w)
		if err != nil {
			return nil, nil, err
		}
		w.FV, w.Version = initial.FV, version+1
		b, err := json.Marshal(w)
		return b, events, err
	}, nil)
	if err != nil {
		return wave.Workflow{}, fmt.Errorf("update workflow %s: %w", initial.FV, err)
	}
	return w, nil
}

// Events returns a wave's audit trail, newest first.
func (s *Store) Events(ctx context.Context, waveID, fv string, limit int) ([]wave.Event, error) {
	var out []wave.Event
	end := "+"
	for len(out) < limit {
		batch, err := s.rdb.XRevRangeN(ctx, s.logOf(waveID), end, "-", int64(max(limit, 64))).Result()
		if err != nil {
			return nil, s.fail("load events of "+waveID, err)
		}
		for _, m := range batch {
			raw, _ := m.Values["e"].(string)
			var ev wave.Event
			if err := json.Unmarshal([]byte(raw), &ev); err != nil {
				return nil, fmt.Errorf("decode event %s of %s: %w: %w", m.ID, waveID, storage.ErrCorrupt, err)
			}
			if (fv == "" || ev.FV == fv) && len(out) < limit {
				out = append(out, ev)
			}
		}
		if len(batch) < max(limit, 64) {
			break
		}
		end = "(" + batch[len(batch)-1].ID
	}
	return out, nil
}

// DueWaves reads the due index up to until.
func (s *Store) DueWaves(ctx context.Context, until time.Time, limit int) ([]string, error) {
	ids, err := s.rdb.ZRangeArgs(ctx, goredis.ZRangeArgs{
		Key: s.dueKey(), Start: "-inf", Stop: strconv.FormatInt(until.UnixMilli(), 10), ByScore: true, Count: int64(limit),
	}).Result()
	if err != nil {
		return nil, s.fail("read due index", err)
	}
	return ids, nil
}

// NextDue returns the earliest time in the due index.
func (s *Store) NextDue(ctx context.Context) (time.Time, bool, error) {
	first, err := s.rdb.ZRangeWithScores(ctx, s.dueKey(), 0, 0).Result()
	if err != nil {
		return time.Time{}, false, s.fail("read due index", err)
	}
	if len(first) == 0 {
		return time.Time{}, false, nil
	}
	return time.UnixMilli(int64(first[0].Score)), true, nil
}

// ClaimReminder leases reminder key.
func (s *Store) ClaimReminder(ctx context.Context, key string, now time.Time, lease time.Duration) (storage.Claim, error) {
	c, err := claimScript.Run(ctx, s.rdb, []string{s.reminderKey(key)}, now.UnixMilli(), now.Add(lease).UnixMilli()).Int()
	if err != nil {
		return 0, s.fail("claim reminder "+key, err)
	}
	return []storage.Claim{storage.Claimed, storage.Held, storage.Delivered}[c], nil
}

// deliveredTTL is how long the ledger remembers a delivered reminder; far
// longer than any wave.
const deliveredTTL = 400 * 24 * time.Hour

// CompleteReminder records key as delivered.
func (s *Store) CompleteReminder(ctx context.Context, key string) error {
	if err := s.rdb.Set(ctx, s.reminderKey(key), "done", deliveredTTL).Err(); err != nil {
		return s.fail("complete reminder "+key, err)
	}
	return nil
}

// ClaimOnce records key until ttl has passed; true when this call did.
func (s *Store) ClaimOnce(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	first, err := s.rdb.SetNX(ctx, s.onceKey(key), "1", ttl).Result()
	if err != nil {
		return false, s.fail("claim once "+key, err)
	}
	return first, nil
}
