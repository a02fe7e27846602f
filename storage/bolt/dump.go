package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bbolt "go.etcd.io/bbolt"

	"wavebot/storage"
	"wavebot/wave"
)

// dumpChunk bounds the records of one part of a dump.
const dumpChunk = 100

// Dump hands the whole state to fn, one read transaction per kind: a
// dump sees each kind as it stood at one moment.
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
	var people []wave.Person
	var workflows []wave.Workflow
	var first string
	err = s.db.View(func(tx *bbolt.Tx) error {
		if err := decodeAll(tx, bucketPeople, &people); err != nil {
			return err
		}
		if err := decodeAll(tx, bucketWorkflows, &workflows); err != nil {
			return err
		}
		first = string(tx.Bucket(bucketMeta).Get(keyFirstPerson))
		return nil
	})
	if err != nil {
		return fmt.Errorf("dump people and workflows: %w", err)
	}
	for c := range slices.Chunk(people, dumpChunk) {
		if err := fn(storage.Part{People: c}); err != nil {
			return err
		}
	}
	for c := range slices.Chunk(workflows, dumpChunk) {
		if err := fn(storage.Part{Workflows: c}); err != nil {
			return err
		}
	}
	if err := s.dumpLists(fn); err != nil {
		return err
	}
	if first != "" {
		if err := fn(storage.Part{FirstPerson: first}); err != nil {
			return err
		}
	}
	if err := s.dumpLogs(fn); err != nil {
		return err
	}
	return s.dumpLedger(fn)
}

// decodeAll decodes every value of bucket, in key order, into out.
func decodeAll[T any](tx *bbolt.Tx, bucket []byte, out *[]T) error {
	return tx.Bucket(bucket).ForEach(func(k, v []byte) error {
		var x T
		if err := json.Unmarshal(v, &x); err != nil {
			return fmt.Errorf("decode %s %s: %w: %w", bucket, k, storage.ErrCorrupt, err)
		}
		*out = append(*out, x)
		return nil
	})
}

// dumpLists hands out the authorization lists, then the templates, as
// they stood at one moment. The bucket names sort as Dump says: "al:"
// before "at:", each list by its name.
func (s *Store) dumpLists(fn func(storage.Part) error) error {
	var lists []wave.AuthList
	var templates []wave.AuthTemplate
	err := s.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketLists)
		if b == nil {
			return nil
		}
		return b.ForEachBucket(func(name []byte) error {
			t, err := readTable(tx, name)
			if err != nil {
				return err
			}
			switch {
			case bytes.HasPrefix(name, []byte("al:")):
				l, err := storage.AuthLists.Load(t, wave.AuthList{})
				if err != nil {
					return fmt.Errorf("decode %s: %w", name, err)
				}
				lists = append(lists, l)
			case bytes.HasPrefix(name, []byte("at:")):
				tp, err := storage.AuthTemplates.Load(t, wave.AuthTemplate{})
				if err != nil {
					return fmt.Errorf("decode %s: %w", name, err)
				}
				templates = append(templates, tp)
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("dump lists: %w", err)
	}
	if err := batch(storage.AuthLists, lists, func(c []wave.AuthList) error { return fn(storage.Part{AuthLists: c}) }); err != nil {
		return err
	}
	return batch(storage.AuthTemplates, templates, func(c []wave.AuthTemplate) error { return fn(storage.Part{Templates: c}) })
}

// batch hands lists to emit in the runs a ListBatcher makes.
func batch[D any](codec storage.Codec[D], lists []D, emit func([]D) error) error {
	b := storage.ListBatcher[D]{Codec: codec, Max: dumpChunk, Emit: emit}
	for _, l := range lists {
		if err := b.Add(l); err != nil {
			return err
		}
	}
	return b.Flush()
}

// dumpLogs hands out each audit log, the global one first (its bucket
// name "-" sorts before every wave id).
func (s *Store) dumpLogs(fn func(storage.Part) error) error {
	var parts []storage.Part
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketEvents).ForEachBucket(func(name []byte) error {
			log := string(name)
			if bytes.Equal(name, globalLog) {
				log = ""
			}
			part := storage.Part{Log: log}
			err := tx.Bucket(bucketEvents).Bucket(name).ForEach(func(k, v []byte) error {
				var ev wave.Event
				if err := json.Unmarshal(v, &ev); err != nil {
					return fmt.Errorf("decode event %x of %s: %w: %w", k, name, storage.ErrCorrupt, err)
				}
				part.Events = append(part.Events, ev)
				if len(part.Events) == dumpChunk {
					parts = append(parts, part)
					part = storage.Part{Log: log}
				}
				return nil
			})
			if len(part.Events) > 0 {
				parts = append(parts, part)
			}
			return err
		})
	})
	if err != nil {
		return fmt.Errorf("dump audit logs: %w", err)
	}
	for _, p := range parts {
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

// dumpLedger hands out the reminder ledger's entries that have not ended.
func (s *Store) dumpLedger(fn func(storage.Part) error) error {
	var entries []storage.LedgerEntry
	now := s.now().UnixNano()
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketLedger).ForEach(func(k, v []byte) error {
			var r record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("decode reminder %s: %w: %w", k, storage.ErrCorrupt, err)
			}
			if r.End > now {
				entries = append(entries, storage.LedgerEntry{Key: string(k),
					ReminderState: storage.ReminderState{Outcome: r.Outcome, Attempts: r.Attempts},
					Expires:       time.UnixMilli(r.End / int64(time.Millisecond)).UTC()})
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("dump reminder ledger: %w", err)
	}
	for c := range slices.Chunk(entries, dumpChunk) {
		if err := fn(storage.Part{Ledger: c}); err != nil {
			return err
		}
	}
	return nil
}

// Load writes part p in one transaction: all of it, or, when anything in
// it is stored already, nothing.
func (s *Store) Load(_ context.Context, p storage.Part) error {
	return s.ledgerUpdate("load", func(l *ledger) error {
		tx := l.tx
		for _, w := range p.Waves {
			if err := putNew(tx.Bucket(bucketWaves), "wave", w.ID, w); err != nil {
				return err
			}
			if err := s.index(tx, w); err != nil {
				return err
			}
		}
		for _, person := range p.People {
			if err := putNew(tx.Bucket(bucketPeople), "person", person.ID, person); err != nil {
				return err
			}
		}
		for _, w := range p.Workflows {
			if err := putNew(tx.Bucket(bucketWorkflows), "workflow", w.FV, w); err != nil {
				return err
			}
			if err := s.indexTrack(tx, w); err != nil {
				return err
			}
		}
		for _, al := range p.AuthLists {
			ref := al.Wave + "/" + al.FV
			if err := putNewTable(tx, authListName(al.Wave, al.FV), "authorization list "+ref, storage.AuthLists, al); err != nil {
				return err
			}
		}
		for _, t := range p.Templates {
			if err := putNewTable(tx, templateName(t.FV), "authorization template "+t.FV, storage.AuthTemplates, t); err != nil {
				return err
			}
		}
		if p.FirstPerson != "" {
			meta := tx.Bucket(bucketMeta)
			if meta.Get(keyFirstPerson) != nil {
				return fmt.Errorf("first person: %w", storage.ErrExists)
			}
			if err := meta.Put(keyFirstPerson, []byte(p.FirstPerson)); err != nil {
				return err
			}
		}
		if len(p.Events) > 0 {
			if err := appendTo(tx, logName(p.Log), p.Events...); err != nil {
				return err
			}
		}
		for _, e := range p.Ledger {
			if tx.Bucket(bucketLedger).Get([]byte(e.Key)) != nil {
				return fmt.Errorf("reminder %s: %w", e.Key, storage.ErrExists)
			}
			if err := l.put(bucketLedger, e.Key, record{Outcome: e.Outcome, Attempts: e.Attempts, End: e.Expires.UnixNano()}); err != nil {
				return err
			}
		}
		return nil
	})
}

// putNew stores v under key unless something is stored there.
func putNew(b *bbolt.Bucket, kind, key string, v any) error {
	if b.Get([]byte(key)) != nil {
		return fmt.Errorf("%s %s: %w", kind, key, storage.ErrExists)
	}
	return put(b, key, v)
}
