// Package bolt is the embedded Store: one bbolt file in the data directory,
// for the console and single-instance installations. bbolt serialises
// writers, so every update is atomic and none is lost; a second process
// opening the same file gets a clear error instead of waiting.
package bolt

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bbolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"wavebot/clock"
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
	bucketDue       = []byte("due")       // big-endian unix nanoseconds + wave id -> nothing
	bucketDueOf     = []byte("due-of")    // wave id -> its key in bucketDue
	bucketLedger    = []byte("reminders") // reminder key -> "done" or a lease's end in unix nanoseconds
	bucketOnce      = []byte("once")      // ClaimOnce key -> its end in unix nanoseconds
	keyFirstPerson  = []byte("first-person")
	// globalLog holds events that belong to no wave; wave ids cannot start with '-'.
	globalLog = []byte("-")
)

// Store is a storage.Store on a bbolt file.
type Store struct {
	db  *bbolt.DB
	due storage.DueFunc
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
// computes each wave's next reminder for the due index; nil keeps no index.
func Open(dir string, due storage.DueFunc) (*Store, error) {
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
		for _, b := range [][]byte{bucketWaves, bucketPeople, bucketWorkflows, bucketEvents, bucketMeta, bucketDue, bucketDueOf, bucketLedger, bucketOnce} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("prepare %s: %w", path, err)
	}
	return &Store{db: db, due: due}, nil
}

// Close closes the database file.
func (s *Store) Close() error { return s.db.Close() }

// Ping always succeeds once the file is open.
func (s *Store) Ping(context.Context) error { return nil }

// CreateWave stores a new wave.
func (s *Store) CreateWave(_ context.Context, w wave.Wave, ev wave.Event) error {
	return s.db.Update(func(tx *bbolt.Tx) error {
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
	err := s.db.Update(func(tx *bbolt.Tx) error {
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
	err := s.db.Update(func(tx *bbolt.Tx) error {
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
	err := s.db.Update(func(tx *bbolt.Tx) error {
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
	err := s.db.Update(func(tx *bbolt.Tx) error {
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

func appendEvents(tx *bbolt.Tx, events ...wave.Event) error {
	for _, ev := range events {
		b, err := tx.Bucket(bucketEvents).CreateBucketIfNotExists(logName(ev.Wave))
		if err != nil {
			return fmt.Errorf("open log of %s: %w", ev.Wave, err)
		}
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
	due, of := tx.Bucket(bucketDue), tx.Bucket(bucketDueOf)
	if old := of.Get([]byte(w.ID)); old != nil {
		if err := due.Delete(old); err != nil {
			return err
		}
	}
	at, ok := s.due(w)
	if !ok {
		return of.Delete([]byte(w.ID))
	}
	key := append(binary.BigEndian.AppendUint64(nil, uint64(at.UnixNano())), w.ID...)
	if err := due.Put(key, nil); err != nil {
		return err
	}
	return of.Put([]byte(w.ID), key)
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

var done = []byte("done")

// ClaimReminder leases reminder key.
func (s *Store) ClaimReminder(_ context.Context, key string, now time.Time, lease time.Duration) (storage.Claim, error) {
	claim := storage.Claimed
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketLedger)
		v := b.Get([]byte(key))
		switch {
		case string(v) == string(done):
			claim = storage.Delivered
			return nil
		case len(v) == 8 && int64(binary.BigEndian.Uint64(v)) > now.UnixNano():
			claim = storage.Held
			return nil
		}
		return b.Put([]byte(key), binary.BigEndian.AppendUint64(nil, uint64(now.Add(lease).UnixNano())))
	})
	if err != nil {
		return 0, fmt.Errorf("claim reminder %s: %w", key, err)
	}
	return claim, nil
}

// CompleteReminder records key as delivered.
func (s *Store) CompleteReminder(_ context.Context, key string) error {
	err := s.db.Update(func(tx *bbolt.Tx) error { return tx.Bucket(bucketLedger).Put([]byte(key), done) })
	if err != nil {
		return fmt.Errorf("complete reminder %s: %w", key, err)
	}
	return nil
}

// ClaimOnce records key until ttl has passed; true when this call did.
func (s *Store) ClaimOnce(_ context.Context, key string, ttl time.Duration) (bool, error) {
	first := false
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketOnce)
		now := s.now()
		if v := b.Get([]byte(key)); len(v) == 8 && int64(binary.BigEndian.Uint64(v)) > now.UnixNano() {
			return nil
		}
		first = true
		return b.Put([]byte(key), binary.BigEndian.AppendUint64(nil, uint64(now.Add(ttl).UnixNano())))
	})
	if err != nil {
		return false, fmt.Errorf("claim once %s: %w", key, err)
	}
	return first, nil
}
