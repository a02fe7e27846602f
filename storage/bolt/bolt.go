// Package bolt is the embedded Store: one bbolt file in the data directory,
// for the console and single-instance installations. bbolt serialises
// writers, so every update is atomic and none is lost; a second process
// opening the same file gets a clear error instead of waiting.
package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"time"

	bbolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"wavebot/internal/clock"
	"wavebot/storage"
	"wavebot/wave"
)

// FileName is the database file inside the data directory.
const FileName = "wavebot.db"

// LockTimeout bounds how long Open waits for another process to let go of
// the database file.
const LockTimeout = time.Second

var (
	bucketWaves     = []byte("waves")
	bucketPeople    = []byte("people")
	bucketWorkflows = []byte("workflows")
	bucketEvents    = []byte("events")
	bucketMeta      = []byte("meta")
	bucketDue       = []byte("due")       // big-endian unix nanoseconds + subject -> nothing
	bucketDueOf     = []byte("due-of")    // subject (wave id or storage.TrackSubject) -> its key in bucketDue
	bucketLedger    = []byte("reminders") // reminder key -> its state (JSON)
	bucketLanes     = []byte("lanes")     // recipient -> lease and wait (JSON)
	bucketPlatforms = []byte("platforms") // platform -> its wait (JSON)
	bucketOnce      = []byte("once")      // ClaimOnce key -> its end (JSON)
	bucketExpiry    = []byte("expiry")    // big-endian unix nanoseconds + bucket + 0 + key -> nothing
	keyFirstPerson  = []byte("first-person")
	// globalLog holds events that belong to no wave; wave ids cannot start with '-'.
	globalLog = []byte("-")
)

// Store is a storage.Store on a bbolt file.
type Store struct {
	db  *bbolt.DB
	due storage.Due
	// full is set from a write that failed for want of disk space until
	// one succeeds, or Ping finds room again.
	full atomic.Bool
	// Clock judges expiries; nil is the system clock. One process owns the
	// file, so one clock judges everything.
	Clock clock.Clock
}

func (s *Store) now() time.Time {
	if s.Clock == nil {
		return time.Now()
	}
	return s.Clock.Now()
}

var _ storage.Store = (*Store)(nil)

// Open opens (creating when needed) the store in data directory dir. due
// computes each wave's and track's next reminder for the due index; nil
// keeps no index.
func Open(dir string, due storage.Due) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory %s: %w", dir, err)
	}
	path := filepath.Join(dir, FileName)
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: LockTimeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open %s: the data directory is in use by another wavebot process", path)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		for _, b := range [][]byte{bucketWaves, bucketPeople, bucketWorkflows, bucketEvents, bucketMeta, bucketDue, bucketDueOf, bucketLedger, bucketLanes, bucketPlatforms, bucketOnce, bucketExpiry} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if noRoom(err) {
		err = fmt.Errorf("%w: %w", storage.ErrFull, err)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("prepare %s: %w", path, err)
	}
	return &Store{db: db, due: due}, nil
}

// Close closes the database file.
func (s *Store) Close() error { return s.db.Close() }

// Ping reports whether the store takes changes: ErrFull from a write
// refused for want of disk space until the file system has minRoom free
// again (or a write succeeds), so a replica is not ready while its
// changes would fail.
func (s *Store) Ping(context.Context) error {
	if !s.full.Load() {
		return nil
	}
	if free, ok := freeSpace(s.db.Path()); ok && free >= minRoom {
		s.full.Store(false)
		return nil
	}
	return fmt.Errorf("ping %s: %w", s.db.Path(), storage.ErrFull)
}

// minRoom is the free space that counts as room again after the disk was
// full: many times what a change writes.
const minRoom = 1 << 20

// update runs one write transaction. A write the disk has no room for
// (its file system full, or the user's quota used up) is rolled back
// whole and reported as ErrFull.
func (s *Store) update(f func(tx *bbolt.Tx) error) error {
	err := s.db.Update(f)
	switch {
	case noRoom(err):
		s.full.Store(true)
		return fmt.Errorf("%w: %w", storage.ErrFull, err)
	case err == nil:
		s.full.Store(false)
	}
	return err
}

// noRoom reports a write refused for want of disk space: the file system
// is full, or the user's quota used up.
func noRoom(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// CreateWave stores a new wave.
func (s *Store) CreateWave(_ context.Context, w wave.Wave, ev wave.Event) error {
	return s.update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketWaves)
		if b.Get([]byte(w.ID)) != nil {
			return fmt.Errorf("create wave %s: %w", w.ID, storage.ErrExists)
		}
		w.Version = 1
		if err := put(b, w.ID, w); err != nil {
			return fmt.Errorf("create wave %s: %w", w.ID, err)
		}
		if err := s.index(tx, w); err != nil {
			return err
		}
		return appendEvents(tx, ev)
	})
}

// Wave loads one wave.
func (s *Store) Wave(_ context.Context, id string) (wave.Wave, error) {
	var w wave.Wave
	err := s.db.View(func(tx *bbolt.Tx) error {
		return get(tx.Bucket(bucketWaves), id, &w)
	})
	if err != nil {
		return wave.Wave{}, fmt.Errorf("load wave %s: %w", id, err)
	}
	return w, nil
}

// Waves loads every wave, ordered by start date then id; one that fails to
// decode is named in an ErrCorrupt error and the others are returned.
func (s *Store) Waves(context.Context) ([]wave.Wave, error) {
	var out []wave.Wave
	var bad []error
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketWaves).ForEach(func(k, v []byte) error {
			var w wave.Wave
			if err := json.Unmarshal(v, &w); err != nil {
				bad = append(bad, fmt.Errorf("decode wave %s: %w: %w", k, storage.ErrCorrupt, err))
				return nil
			}
			out = append(out, w)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("load waves: %w", err)
	}
	storage.SortWaves(out)
	return out, errors.Join(bad...)
}

// UpdateWave applies change in one transaction.
func (s *Store) UpdateWave(_ context.Context, id string, change storage.WaveChange) (wave.Wave, error) {
	var w wave.Wave
	err := s.update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketWaves)
		if err := get(b, id, &w); err != nil {
			return err
		}
		events, err := change(&w)
		if err != nil {
			return err
		}
		w.ID = id
		w.Version++
		if err := put(b, id, w); err != nil {
			return err
		}
		if err := s.index(tx, w); err != nil {
			return err
		}
		return appendEvents(tx, events...)
	})
	if err != nil {
		return wave.Wave{}, fmt.Errorf("update wave %s: %w", id, err)
	}
	return w, nil
}

// Person loads one person.
func (s *Store) Person(_ context.Context, id string) (wave.Person, error) {
	var p wave.Person
	err := s.db.View(func(tx *bbolt.Tx) error { return get(tx.Bucket(bucketPeople), id, &p) })
	if err != nil {
		return wave.Person{}, fmt.Errorf("load person %s: %w", id, err)
	}
	return p, nil
}

// EnsurePerson returns the stored person or creates p; with bootstrap, the
// first person ever created becomes admin.
func (s *Store) EnsurePerson(ctx context.Context, p wave.Person, ev wave.Event, bootstrap bool) (wave.Person, error) {
	// Nearly every call finds the person; a read transaction costs no disk sync.
	if found, err := s.Person(ctx, p.ID); err == nil || !errors.Is(err, storage.ErrNotFound) {
		return found, err
	}
	err := s.update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketPeople)
		if err := get(b, p.ID, &p); err == nil || !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		meta := tx.Bucket(bucketMeta)
		if bootstrap && meta.Get(keyFirstPerson) == nil {
			p.Role = wave.RoleAdmin
			if err := meta.Put(keyFirstPerson, []byte(p.ID)); err != nil {
				return err
			}
		}
		if err := put(b, p.ID, p); err != nil {
			return err
		}
		ev.After = string(p.Role)
		return appendEvents(tx, ev)
	})
	if err != nil {
		return wave.Person{}, fmt.Errorf("ensure person %s: %w", p.ID, err)
	}
	return p, nil
}

// UpdatePerson applies change in one transaction.
func (s *Store) UpdatePerson(_ context.Context, id string, change storage.PersonChange) (wave.Person, error) {
	var p wave.Person
	err := s.update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketPeople)
		if err := get(b, id, &p); err != nil {
			return err
		}
		events, err := change(&p)
		if err != nil {
			return err
		}
		p.ID = id
		if err := put(b, id, p); err != nil {
			return err
		}
		return appendEvents(tx, events...)
	})
	if err != nil {
		return wave.Person{}, fmt.Errorf("update person %s: %w", id, err)
	}
	return p, nil
}

// Workflow loads a forvaltning's workflow track.
func (s *Store) Workflow(_ context.Context, fv string) (wave.Workflow, error) {
	var w wave.Workflow
	err := s.db.View(func(tx *bbolt.Tx) error { return get(tx.Bucket(bucketWorkflows), fv, &w) })
	if err != nil {
		return wave.Workflow{}, fmt.Errorf("load workflow %s: %w", fv, err)
	}
	return w, nil
}

// UpdateWorkflow applies change in one transaction.
func (s *Store) UpdateWorkflow(_ context.Context, initial wave.Workflow, change storage.WorkflowChange) (wave.Workflow, error) {
	w := initial
	err := s.update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketWorkflows)
		if err := get(b, initial.FV, &w); err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		events, err := change(&w)
		if err != nil {
			return err
		}
		w.FV = initial.FV
		w.Version++
		if err := put(b, w.FV, w); err != nil {
			return err
		}
		if err := s.indexTrack(tx, w); err != nil {
			return err
		}
		return appendEvents(tx, events...)
	})
	if err != nil {
		return wave.Workflow{}, fmt.Errorf("update workflow %s: %w", initial.FV, err)
	}
	return w, nil
}

// Events returns a wave's audit trail, newest first.
func (s *Store) Events(_ context.Context, waveID, fv string, limit int) ([]wave.Event, error) {
	var out []wave.Event
	err := s.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketEvents).Bucket(logName(waveID))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Last(); k != nil && len(out) < limit; k, v = c.Prev() {
			var ev wave.Event
			if err := json.Unmarshal(v, &ev); err != nil {
				return fmt.Errorf("decode event %x: %w", k, err)
			}
			if fv == "" || ev.FV == fv {
				out = append(out, ev)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load events of %s: %w", waveID, err)
	}
	return out, nil
}

func logName(waveID string) []byte {
	if waveID == "" {
		return globalLog
	}
	return []byte(waveID)
}

// appendEvents appends each event to the log of its wave.
func appendEvents(tx *bbolt.Tx, events ...wave.Event) error {
	for _, ev := range events {
		if err := appendTo(tx, logName(ev.Wave), ev); err != nil {
			return err
		}
	}
	return nil
}

// appendTo appends events to log.
func appendTo(tx *bbolt.Tx, log []byte, events ...wave.Event) error {
	b, err := tx.Bucket(bucketEvents).CreateBucketIfNotExists(log)
	if err != nil {
		return fmt.Errorf("open log %s: %w", log, err)
	}
	for _, ev := range events {
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		key := binary.BigEndian.AppendUint64(nil, seq)
		if err := put(b, string(key), ev); err != nil {
			return fmt.Errorf("append event: %w", err)
		}
	}
	return nil
}

func get(b *bbolt.Bucket, key string, v any) error {
	data := b.Get([]byte(key))
	if data == nil {
		return storage.ErrNotFound
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decode %s: %w: %w", key, storage.ErrCorrupt, err)
	}
	return nil
}

func put(b *bbolt.Bucket, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put([]byte(key), data)
}

// index puts wave w's next reminder time into the due index.
func (s *Store) index(tx *bbolt.Tx, w wave.Wave) error {
	if s.due == nil {
		return nil
	}
	at, ok := s.due.WaveDue(w)
	return setDue(tx, w.ID, at, ok)
}

// indexTrack puts track w's next reminder time into the due index.
func (s *Store) indexTrack(tx *bbolt.Tx, w wave.Workflow) error {
	if s.due == nil {
		return nil
	}
	at, ok := s.due.TrackDue(w)
	return setDue(tx, storage.TrackSubject(w.FV), at, ok)
}

// setDue gives subject the entry at in the due index, or none when !ok.
func setDue(tx *bbolt.Tx, subject string, at time.Time, ok bool) error {
	due, of := tx.Bucket(bucketDue), tx.Bucket(bucketDueOf)
	if old := of.Get([]byte(subject)); old != nil {
		if err := due.Delete(old); err != nil {
			return err
		}
	}
	if !ok {
		return of.Delete([]byte(subject))
	}
	key := append(binary.BigEndian.AppendUint64(nil, uint64(at.UnixNano())), subject...)
	if err := due.Put(key, nil); err != nil {
		return err
	}
	return of.Put([]byte(subject), key)
}

// DueWaves reads the due index up to until.
func (s *Store) DueWaves(_ context.Context, until time.Time, limit int) ([]string, error) {
	var ids []string
	err := s.db.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketDue).Cursor()
		end := uint64(until.UnixNano())
		for k, _ := c.First(); k != nil && len(ids) < limit; k, _ = c.Next() {
			if binary.BigEndian.Uint64(k[:8]) > end {
				break
			}
			ids = append(ids, string(k[8:]))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read due index: %w", err)
	}
	return ids, nil
}

// NextDue returns the earliest time in the due index.
func (s *Store) NextDue(_ context.Context) (time.Time, bool, error) {
	var next time.Time
	found := false
	err := s.db.View(func(tx *bbolt.Tx) error {
		if k, _ := tx.Bucket(bucketDue).Cursor().First(); k != nil {
			next, found = time.Unix(0, int64(binary.BigEndian.Uint64(k[:8]))), true
		}
		return nil
	})
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read due index: %w", err)
	}
	return next, found, nil
}

// DeferWave moves subject id's due entry to until, if it has one and the
// wave or track is still at version.
func (s *Store) DeferWave(_ context.Context, id string, version int64, until time.Time) error {
	err := s.update(func(tx *bbolt.Tx) error {
		if tx.Bucket(bucketDueOf).Get([]byte(id)) == nil {
			return nil
		}
		if version != storage.AnyVersion {
			var doc struct {
				Version int64 `json:"version"`
			}
			bucket, key := bucketWaves, id
			if fv, ok := storage.TrackOf(id); ok {
				bucket, key = bucketWorkflows, fv
			}
			if err := get(tx.Bucket(bucket), key, &doc); err != nil || doc.Version != version {
				return err
			}
		}
		return setDue(tx, id, until, true)
	})
	if err != nil {
		return fmt.Errorf("defer wave %s: %w", id, err)
	}
	return nil
}

// record is a ledger entry with its end; it is pruned after its end.
type record struct {
	// Outcome and Attempts: a reminder key's state.
	Outcome  storage.Outcome `json:"o,omitempty"`
	Attempts int             `json:"a,omitempty"`
	// Owner and Until: a lane's lease. NotBefore: a lane's or platform's wait.
	Owner     string `json:"owner,omitempty"`
	Until     int64  `json:"until,omitempty"`
	NotBefore int64  `json:"nb,omitempty"`
	// End is when the record may be forgotten, in unix nanoseconds.
	End int64 `json:"end"`
}

// pruneBatch bounds how many ended records one transaction forgets.
const pruneBatch = 256

// ledger is one write transaction on the ledger's buckets at one instant:
// it reads records, writes them with their end, and forgets ended ones.
type ledger struct {
	tx  *bbolt.Tx
	now int64
}

func (s *Store) ledgerUpdate(what string, f func(l *ledger) error) error {
	err := s.update(func(tx *bbolt.Tx) error {
		l := &ledger{tx: tx, now: s.now().UnixNano()}
		if err := l.prune(); err != nil {
			return err
		}
		return f(l)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// get reads a record; one that has ended reads as empty.
func (l *ledger) get(bucket []byte, key string) (record, error) {
	var r record
	data := l.tx.Bucket(bucket).Get([]byte(key))
	if data == nil {
		return r, nil
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return r, fmt.Errorf("decode %s %s: %w: %w", bucket, key, storage.ErrCorrupt, err)
	}
	if r.End <= l.now {
		return record{}, nil
	}
	return r, nil
}

// put writes a record and indexes its end for pruning.
func (l *ledger) put(bucket []byte, key string, r record) error {
	if err := put(l.tx.Bucket(bucket), key, r); err != nil {
		return err
	}
	return l.tx.Bucket(bucketExpiry).Put(expiryKey(r.End, bucket, key), nil)
}

func expiryKey(end int64, bucket []byte, key string) []byte {
	k := binary.BigEndian.AppendUint64(nil, uint64(end))
	k = append(k, bucket...)
	k = append(k, 0)
	return append(k, key...)
}

// prune forgets records that have ended: the expiry index lists each
// record's end; an entry whose record has since been given a later end is
// simply dropped.
func (l *ledger) prune() error {
	c := l.tx.Bucket(bucketExpiry).Cursor()
	for n, k := 0, []byte(nil); n < pruneBatch; n++ {
		k, _ = c.First()
		if k == nil || int64(binary.BigEndian.Uint64(k[:8])) > l.now {
			return nil
		}
		bucket, key, _ := bytes.Cut(k[8:], []byte{0})
		b := l.tx.Bucket(bucket)
		if b == nil {
			return fmt.Errorf("prune: unknown bucket %q", bucket)
		}
		var r record
		if data := b.Get(key); data != nil && json.Unmarshal(data, &r) == nil && r.End <= l.now {
			if err := b.Delete(key); err != nil {
				return err
			}
		}
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}

// ClaimRecipient takes the lease on a recipient when nobody else holds it
// and no wait is running, and reads the requested keys' states.
func (s *Store) ClaimRecipient(_ context.Context, req storage.LaneRequest) (storage.LaneClaim, error) {
	var claim storage.LaneClaim
	err := s.ledgerUpdate("claim recipient "+req.Recipient, func(l *ledger) error {
		for _, k := range req.Keys {
			r, err := l.get(bucketLedger, k)
			if err != nil {
				return err
			}
			claim.States = append(claim.States, storage.ReminderState{Outcome: r.Outcome, Attempts: r.Attempts})
		}
		lane, err := l.get(bucketLanes, req.Recipient)
		if err != nil {
			return err
		}
		if lane.Owner != "" && lane.Owner != req.Token && lane.Until > l.now {
			claim.Wait = time.Duration(lane.Until - l.now)
			return nil
		}
		wait := lane.NotBefore
		if req.Platform != "" {
			pf, err := l.get(bucketPlatforms, req.Platform)
			if err != nil {
				return err
			}
			wait = max(wait, pf.NotBefore)
		}
		if wait > l.now {
			claim.Wait = time.Duration(wait - l.now)
			return nil
		}
		lane.Owner, lane.Until = req.Token, l.now+int64(req.Lease)
		lane.End = max(lane.Until, lane.NotBefore)
		claim.Granted = true
		return l.put(bucketLanes, req.Recipient, lane)
	})
	return claim, err
}

// RenewRecipient extends the caller's lease; false when it is not the owner.
func (s *Store) RenewRecipient(_ context.Context, recipient, token string, lease time.Duration) (bool, error) {
	renewed := false
	err := s.ledgerUpdate("renew recipient "+recipient, func(l *ledger) error {
		lane, err := l.get(bucketLanes, recipient)
		if err != nil || lane.Owner != token {
			return err
		}
		lane.Until = l.now + int64(lease)
		lane.End = max(lane.Until, lane.NotBefore)
		renewed = true
		return l.put(bucketLanes, recipient, lane)
	})
	return renewed, err
}

// settlementMemory is how long a settlement id is remembered, so the same
// settlement reported twice counts once.
const settlementMemory = 10 * time.Minute

// SettleRecipient records the keys' outcome, the waits, and releases the
// caller's lease when asked, once per settlement id.
func (s *Store) SettleRecipient(_ context.Context, st storage.Settlement) error {
	return s.ledgerUpdate("settle recipient "+st.Recipient, func(l *ledger) error {
		if st.ID != "" {
			seen, err := l.get(bucketOnce, "settle:"+st.ID)
			if err != nil || seen.End > 0 {
				return err
			}
			if err := l.put(bucketOnce, "settle:"+st.ID, record{End: l.now + int64(settlementMemory)}); err != nil {
				return err
			}
		}
		for _, k := range st.Keys {
			r, err := l.get(bucketLedger, k)
			if err != nil {
				return err
			}
			switch {
			case r.Outcome.Final():
				continue
			case st.Outcome.Final():
				r.Outcome = st.Outcome
			case st.Failed > 0:
				r.Attempts += st.Failed
			default:
				continue
			}
			r.End = l.now + int64(storage.LedgerRetention)
			if err := l.put(bucketLedger, k, r); err != nil {
				return err
			}
		}
		if st.PlatformNotBefore > 0 && st.Platform != "" {
			pf, err := l.get(bucketPlatforms, st.Platform)
			if err != nil {
				return err
			}
			pf.NotBefore = max(pf.NotBefore, l.now+int64(st.PlatformNotBefore))
			pf.End = pf.NotBefore
			if err := l.put(bucketPlatforms, st.Platform, pf); err != nil {
				return err
			}
		}
		lane, err := l.get(bucketLanes, st.Recipient)
		if err != nil {
			return err
		}
		if st.NotBefore > 0 {
			lane.NotBefore = max(lane.NotBefore, l.now+int64(st.NotBefore))
		}
		if st.Release && lane.Owner == st.Token {
			lane.Owner, lane.Until = "", 0
		}
		lane.End = max(lane.Until, lane.NotBefore)
		if lane.End <= l.now {
			return l.tx.Bucket(bucketLanes).Delete([]byte(st.Recipient))
		}
		return l.put(bucketLanes, st.Recipient, lane)
	})
}

// ClaimOnce records key until ttl has passed; true when this call did.
func (s *Store) ClaimOnce(_ context.Context, key string, ttl time.Duration) (bool, error) {
	first := false
	err := s.ledgerUpdate("claim once "+key, func(l *ledger) error {
		r, err := l.get(bucketOnce, key)
		if err != nil || r.End > l.now {
			return err
		}
		first = true
		return l.put(bucketOnce, key, record{End: l.now + int64(ttl)})
	})
	return first, err
}
