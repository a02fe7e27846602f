// Package redis is the production Store on Redis, shared by any number of
// wavebot replicas.
//
// Data layout. Every key of a deployment carries its prefix ("wavebot:"
// by default) as its Cluster hash tag, so on Redis Cluster the whole
// deployment lives in one hash slot and every script may touch any of its
// keys. A deployment's data (waves, people, a year of ledger) is a few
// megabytes, far below what one slot holds; a cluster then gives failover,
// not sharding, and no write ever spans two slots:
//
//	{P}w:ID        hash: v = version, doc = the wave as JSON
//	{P}w:ID:log    stream: the wave's audit trail, one JSON event per entry (field e)
//	{P}waves       set of wave ids, for listing
//	{P}p:ID        hash: v, doc = a person as JSON
//	{P}f:FV        hash: v, doc = a forvaltning's workflow track as JSON
//	{P}al:WAVE/FV  an enrolment's authorization list: hash v, hv, doc = its header;
//	               :rows and :rv hashes, its rows and their versions (see lists.go)
//	{P}at:FV       a forvaltning's authorization template, the same way
//	{P}log         stream: audit trail of people and workflow tracks
//	{P}first       the id of the first person ever created (the bootstrap admin)
//	{P}due         sorted set: wave id, or storage.TrackSubject for a track, scored by its next reminder (unix ms)
//	{P}r:KEY       reminder ledger: hash o = outcome, a = failed attempts; kept storage.LedgerRetention
//	{P}l:PERSON    a recipient's lane: hash owner, until (lease end), nb (no message before); expires with them
//	{P}pf:PLATFORM no message to anyone on the platform before this (unix ms); expires then
//	{P}once:KEY    ClaimOnce: the claimer's token, expiring with its ttl
//	{P}wid:ID      a write id already applied, for ten minutes
//	{P}gen         the store's generation: a random token that every import
//	               renews and a replica's read cache creates when missing;
//	               a cache empties when it reads another (see tracker.go)
//
// where P is the prefix. Every write is one script: a compare-and-set
// checks the version it read and writes the document, its audit events
// and its due index entry together, or changes nothing when another
// writer came first (the caller then reads again and retries, a bounded
// number of times). Each write carries a write id the script records, so
// a write retried after a lost reply is applied once. The audit trail is
// kept for good: it is the record of who decided what.
package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"wavebot/internal/clock"
	"wavebot/storage"
	"wavebot/wave"
)

// maxAttempts bounds how often an update retries after losing a race.
const maxAttempts = 100

// Store is a storage.Store on Redis.
type Store struct {
	rdb goredis.UniversalClient
	tag string
	due storage.Due
	// waves and people skip decoding a document read again unchanged.
	waves  decodeCache[wave.Wave]
	people decodeCache[wave.Person]
	// reads keeps documents for CachedReads while tracking runs.
	reads    readCache
	tracking struct {
		once sync.Once
		stop context.CancelFunc
		done sync.WaitGroup
	}
	// claims sends ClaimOnce's first tries. A chat message that may
	// change something claims its delivery before it runs, so under load
	// many claims wait at once: those waiting go together, in one write
	// and one read, where each would take a round trip of its own; a lone
	// claim goes at once.
	claims *claimBatch
	// failing is set while this store's last call to Redis failed on the
	// network: claims then go alone (see ClaimOnce).
	failing atomic.Bool
	// Clock, when set, judges leases and waits instead of Redis's TIME: a
	// test sets it to move time by hand.
	Clock clock.Clock
}

var _ storage.Store = (*Store)(nil)

// Open connects to the Redis at url with key prefix and loads the scripts.
// due computes each wave's and track's next reminder for the due index;
// nil keeps none.
func Open(ctx context.Context, url, prefix string, due storage.Due) (*Store, error) {
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
// the hash tag.
func New(ctx context.Context, rdb goredis.UniversalClient, prefix string, due storage.Due) (*Store, error) {
	if strings.ContainsAny(prefix, "{}") {
		return nil, fmt.Errorf("redis key prefix %q must not contain { or }", prefix)
	}
	s := &Store{rdb: rdb, tag: "{" + prefix + "}", due: due}
	s.claims = &claimBatch{rdb: rdb}
	for _, sc := range scripts {
		if err := s.call(ctx, "load scripts", false, func(ctx context.Context) error { return sc.Load(ctx, rdb).Err() }); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *Store) key(parts ...string) string { return s.tag + strings.Join(parts, "") }

func (s *Store) waveKey(id string) string     { return s.key("w:", id) }
func (s *Store) waveLog(id string) string     { return s.key("w:", id, ":log") }
func (s *Store) wavesKey() string             { return s.key("waves") }
func (s *Store) personKey(id string) string   { return s.key("p:", id) }
func (s *Store) workflowKey(fv string) string { return s.key("f:", fv) }
func (s *Store) globalLog() string            { return s.key("log") }
func (s *Store) firstKey() string             { return s.key("first") }
func (s *Store) dueKey() string               { return s.key("due") }
func (s *Store) reminderKey(k string) string  { return s.key("r:", k) }
func (s *Store) laneKey(person string) string { return s.key("l:", person) }
func (s *Store) platformKey(p string) string  { return s.key("pf:", p) }
func (s *Store) onceKey(k string) string      { return s.key("once:", k) }
func (s *Store) writeKey(id string) string    { return s.key("wid:", id) }
func (s *Store) generationKey() string        { return s.key("gen") }

func (s *Store) logOf(waveID string) string {
	if waveID == "" {
		return s.globalLog()
	}
	return s.waveLog(waveID)
}

// now is the time the scripts judge by: "" for Redis's TIME.
func (s *Store) now() string {
	if s.Clock == nil {
		return ""
	}
	return strconv.FormatInt(s.Clock.Now().UnixMilli(), 10)
}

// Close stops tracking and closes the client.
func (s *Store) Close() error {
	s.tracking.once.Do(func() {}) // no tracking starts after this
	if s.tracking.stop != nil {
		s.tracking.stop()
		s.tracking.done.Wait()
	}
	return s.rdb.Close()
}

// Ping reports whether Redis answers and takes changes: ErrFull when it
// is at its maxmemory with eviction off. It asks what every write asks,
// a SET, of a key that never exists and only if it exists, so it
// changes nothing.
func (s *Store) Ping(ctx context.Context) error {
	return s.call(ctx, "ping redis", false, func(ctx context.Context) error {
		err := s.rdb.SetXX(ctx, s.key("ready"), "", 0).Err()
		if errors.Is(err, goredis.Nil) {
			return nil
		}
		return err
	})
}

// read loads a document and its version; ErrNotFound when missing.
func (s *Store) read(ctx context.Context, key string) ([]byte, int64, error) {
	var vals []any
	err := s.call(ctx, "read "+key, false, func(ctx context.Context) error {
		var err error
		vals, err = s.rdb.HMGet(ctx, key, "v", "doc").Result()
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	v, _ := vals[0].(string)
	doc, _ := vals[1].(string)
	if doc == "" {
		return nil, 0, storage.ErrNotFound
	}
	version, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil, 0, fmt.Errorf("read %s: %w: bad version %q", key, storage.ErrCorrupt, v)
	}
	return []byte(doc), version, nil
}

// change is one attempt of an update: from the stored document (nil when
// missing) to the new one, its events and its due score ("-" when the
// document has no due entry, "" to remove it).
type change func(doc []byte, version int64) (newDoc []byte, events []wave.Event, due string, err error)

// dueScore is wave w's due index score, "" when nothing is due.
func (s *Store) dueScore(w wave.Wave) string {
	if s.due == nil {
		return "-"
	}
	return score(s.due.WaveDue(w))
}

// trackScore is track w's due index score, like dueScore.
func (s *Store) trackScore(w wave.Workflow) string {
	if s.due == nil {
		return "-"
	}
	return score(s.due.TrackDue(w))
}

func score(at time.Time, ok bool) string {
	if !ok {
		return ""
	}
	return strconv.FormatInt(at.UnixMilli(), 10)
}

// update runs apply under compare-and-set until it wins, at most
// maxAttempts times; member names the document in the due index.
func (s *Store) update(ctx context.Context, key, log, member string, apply change) error {
	for attempt := range maxAttempts {
		doc, version, err := s.read(ctx, key)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		newDoc, events, due, err := apply(doc, version)
		if err != nil {
			return err
		}
		wid := newWriteID()
		args := []any{version, version + 1, newDoc, due, member, writeIDTTL.Milliseconds()}
		for _, ev := range events {
			b, err := json.Marshal(ev)
			if err != nil {
				return fmt.Errorf("encode event: %w", err)
			}
			args = append(args, b)
		}
		var won int
		err = s.call(ctx, "write "+key, true, func(ctx context.Context) error {
			var err error
			won, err = casScript.Run(ctx, s.rdb, []string{key, log, s.dueKey(), s.writeKey(wid)}, args...).Int()
			return err
		})
		s.reads.forget(key) // this replica reads its own writes, whatever the tracker has heard
		if err != nil {
			return err
		}
		if won > 0 {
			return nil
		}
		if err := backoff(ctx, attempt); err != nil {
			return err
		}
	}
	return storage.ErrConflict
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

// CreateWave stores, lists and indexes a new wave with its first event in
// one script.
func (s *Store) CreateWave(ctx context.Context, w wave.Wave, ev wave.Event) error {
	w.Version = 1
	doc, err := json.Marshal(w)
	if err != nil {
		return fmt.Errorf("encode wave %s: %w", w.ID, err)
	}
	event, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("encode event: %w", err)
	}
	due := s.dueScore(w)
	if due == "-" {
		due = ""
	}
	wid := newWriteID()
	var created int
	err = s.call(ctx, "create wave "+w.ID, true, func(ctx context.Context) error {
		var err error
		created, err = createScript.Run(ctx, s.rdb,
			[]string{s.waveKey(w.ID), s.waveLog(w.ID), s.dueKey(), s.wavesKey(), s.writeKey(wid)},
			doc, due, w.ID, writeIDTTL.Milliseconds(), event).Int()
		return err
	})
	if err != nil {
		return err
	}
	if created == 0 {
		return fmt.Errorf("create wave %s: %w", w.ID, storage.ErrExists)
	}
	return nil
}

// Wave loads one wave.
func (s *Store) Wave(ctx context.Context, id string) (wave.Wave, error) {
	return s.wave(ctx, id, s.read)
}

// reader loads a document and its version: read, or cachedRead.
type reader func(ctx context.Context, key string) ([]byte, int64, error)

func (s *Store) wave(ctx context.Context, id string, read reader) (wave.Wave, error) {
	doc, _, err := read(ctx, s.waveKey(id))
	if err != nil {
		return wave.Wave{}, fmt.Errorf("load wave %s: %w", id, err)
	}
	w, err := s.waves.decode(id, doc)
	if err != nil {
		return wave.Wave{}, fmt.Errorf("decode wave %s: %w: %w", id, storage.ErrCorrupt, err)
	}
	return w, nil
}

// Waves loads every wave in two round trips. A wave that fails to decode is
// left out and named in an ErrCorrupt error; the others are returned.
func (s *Store) Waves(ctx context.Context) ([]wave.Wave, error) {
	var ids []string
	err := s.call(ctx, "list waves", false, func(ctx context.Context) error {
		var err error
		ids, err = s.rdb.SMembers(ctx, s.wavesKey()).Result()
		return err
	})
	if err != nil {
		return nil, err
	}
	var cmds []*goredis.StringCmd
	err = s.call(ctx, "load waves", false, func(ctx context.Context) error {
		cmds = make([]*goredis.StringCmd, len(ids))
		_, err := s.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
			for i, id := range ids {
				cmds[i] = p.HGet(ctx, s.waveKey(id), "doc")
			}
			return nil
		})
		if errors.Is(err, goredis.Nil) {
			return nil
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	var out []wave.Wave
	var bad []error
	for i, c := range cmds {
		doc, err := c.Bytes()
		if errors.Is(err, goredis.Nil) {
			continue
		}
		w, err := s.waves.decode(ids[i], doc)
		if err != nil {
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
	err := s.update(ctx, s.waveKey(id), s.waveLog(id), id, func(doc []byte, version int64) ([]byte, []wave.Event, string, error) {
		if doc == nil {
			return nil, nil, "", storage.ErrNotFound
		}
		var err error
		if w, err = s.waves.decode(id, doc); err != nil {
			return nil, nil, "", fmt.Errorf("%w: %w", storage.ErrCorrupt, err)
		}
		events, err := change(&w)
		if err != nil {
			return nil, nil, "", err
		}
		w.ID, w.Version = id, version+1
		b, err := json.Marshal(w)
		return b, events, s.dueScore(w), err
	})
	if err != nil {
		return wave.Wave{}, fmt.Errorf("update wave %s: %w", id, err)
	}
	return w, nil
}

// Person loads one person.
func (s *Store) Person(ctx context.Context, id string) (wave.Person, error) {
	return s.person(ctx, id, s.read)
}

func (s *Store) person(ctx context.Context, id string, read reader) (wave.Person, error) {
	doc, _, err := read(ctx, s.personKey(id))
	if err != nil {
		return wave.Person{}, fmt.Errorf("load person %s: %w", id, err)
	}
	p, err := s.people.decode(id, doc)
	if err != nil {
		return wave.Person{}, fmt.Errorf("decode person %s: %w: %w", id, storage.ErrCorrupt, err)
	}
	return p, nil
}

// EnsurePerson returns the stored person or creates p, in one round trip
// when the person exists; with bootstrap, the first person ever created
// becomes admin.
func (s *Store) EnsurePerson(ctx context.Context, p wave.Person, ev wave.Event, bootstrap bool) (wave.Person, error) {
	return s.ensurePerson(ctx, p, ev, bootstrap, s.read)
}

func (s *Store) ensurePerson(ctx context.Context, p wave.Person, ev wave.Event, bootstrap bool, read reader) (wave.Person, error) {
	found, err := s.person(ctx, p.ID, read)
	if err == nil || !errors.Is(err, storage.ErrNotFound) {
		return found, err
	}
	admin := p
	admin.Role = wave.RoleAdmin
	args := []any{p.ID}
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
	args = append(args, flag(bootstrap))
	var doc string
	err = s.call(ctx, "ensure person "+p.ID, true, func(ctx context.Context) error {
		var err error
		doc, err = ensureScript.Run(ctx, s.rdb, []string{s.personKey(p.ID), s.firstKey(), s.globalLog()}, args...).Text()
		return err
	})
	if err != nil {
		return wave.Person{}, err
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
	err := s.update(ctx, s.personKey(id), s.globalLog(), id, func(doc []byte, _ int64) ([]byte, []wave.Event, string, error) {
		if doc == nil {
			return nil, nil, "", storage.ErrNotFound
		}
		p = wave.Person{}
		if err := json.Unmarshal(doc, &p); err != nil {
			return nil, nil, "", fmt.Errorf("%w: %w", storage.ErrCorrupt, err)
		}
		events, err := change(&p)
		if err != nil {
			return nil, nil, "", err
		}
		p.ID = id
		b, err := json.Marshal(p)
		return b, events, "-", err
	})
	if err != nil {
		return wave.Person{}, fmt.Errorf("update person %s: %w", id, err)
	}
	return p, nil
}

// Workflow loads a forvaltning's workflow track.
func (s *Store) Workflow(ctx context.Context, fv string) (wave.Workflow, error) {
	return s.workflow(ctx, fv, s.read)
}

func (s *Store) workflow(ctx context.Context, fv string, read reader) (wave.Workflow, error) {
	doc, _, err := read(ctx, s.workflowKey(fv))
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
	err := s.update(ctx, s.workflowKey(initial.FV), s.globalLog(), storage.TrackSubject(initial.FV), func(doc []byte, version int64) ([]byte, []wave.Event, string, error) {
		w = initial
		if doc != nil {
			w = wave.Workflow{}
			if err := json.Unmarshal(doc, &w); err != nil {
				return nil, nil, "", fmt.Errorf("%w: %w", storage.ErrCorrupt, err)
			}
		}
		events, err := change(&w)
		if err != nil {
			return nil, nil, "", err
		}
		w.FV, w.Version = initial.FV, version+1
		b, err := json.Marshal(w)
		return b, events, s.trackScore(w), err
	})
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
		var batch []goredis.XMessage
		err := s.call(ctx, "load events of "+waveID, false, func(ctx context.Context) error {
			var err error
			batch, err = s.rdb.XRevRangeN(ctx, s.logOf(waveID), end, "-", int64(max(limit, 64))).Result()
			return err
		})
		if err != nil {
			return nil, err
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
	var ids []string
	err := s.call(ctx, "read due index", false, func(ctx context.Context) error {
		var err error
		ids, err = s.rdb.ZRangeArgs(ctx, goredis.ZRangeArgs{
			Key: s.dueKey(), Start: "-inf", Stop: strconv.FormatInt(until.UnixMilli(), 10), ByScore: true, Count: int64(limit),
		}).Result()
		return err
	})
	return ids, err
}

// NextDue returns the earliest time in the due index.
func (s *Store) NextDue(ctx context.Context) (time.Time, bool, error) {
	var first []goredis.Z
	err := s.call(ctx, "read due index", false, func(ctx context.Context) error {
		var err error
		first, err = s.rdb.ZRangeWithScores(ctx, s.dueKey(), 0, 0).Result()
		return err
	})
	if err != nil || len(first) == 0 {
		return time.Time{}, false, err
	}
	return time.UnixMilli(int64(first[0].Score)), true, nil
}

// DeferWave moves subject id's due entry to until, if it has one and the
// wave or track is still at version.
func (s *Store) DeferWave(ctx context.Context, id string, version int64, until time.Time) error {
	doc := s.waveKey(id)
	if fv, ok := storage.TrackOf(id); ok {
		doc = s.workflowKey(fv)
	}
	return s.call(ctx, "defer "+id, true, func(ctx context.Context) error {
		return deferScript.Run(ctx, s.rdb, []string{doc, s.dueKey()}, version, until.UnixMilli(), id).Err()
	})
}

// ClaimOnce records key until ttl has passed; true when this call did.
// The key holds a token of this call: SET NX takes it in one command, and
// when the key is taken a GET tells whether by this call, in a try whose
// reply was lost (retried by the store, or by a Cluster client itself).
// The first try goes with the claims made at the same moment (claimBatch),
// unless this store's last call failed; a retry goes alone. A claim in
// a batch waits for the batch before it, which on a Redis that has
// stopped answering waits out its timeout: this way only the claims made
// before this store saw a call fail wait twice.
func (s *Store) ClaimOnce(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		// A batch does not watch a caller's context: a request that is
		// already gone claims nothing, so that a redelivery of it still runs.
		return false, fmt.Errorf("claim once %s: %w", key, err)
	}
	token, k := newWriteID(), s.onceKey(key)
	alone := s.failing.Load()
	var first bool
	err := s.call(ctx, "claim once "+key, true, func(ctx context.Context) error {
		var set bool
		var err error
		if alone {
			set, err = s.rdb.SetNX(ctx, k, token, ttl).Result()
		} else {
			set, err = s.claims.setNX(ctx, k, token, ttl)
		}
		alone = true
		if err != nil || set {
			first = set
			return err
		}
		holder, err := s.rdb.Get(ctx, k).Result()
		first = err == nil && holder == token
		if errors.Is(err, goredis.Nil) {
			// Expired since: it was another's claim, and it is over.
			err = nil
		}
		return err
	})
	return first, err
}
