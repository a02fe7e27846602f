package bolt

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"wavebot/storage"
	"wavebot/wave"
)

// Lists of rows live in bucket "lists", one nested bucket per list
// ("al:WAVE/FV" for an authorization list, "at:FV" for a template): key
// "h" holds the header and its versions, bucket "rows" each row by its
// big-endian id as its version (8 bytes, big-endian) and its JSON. One
// transaction reads and writes a list, so no change is lost.
var (
	bucketLists = []byte("lists")
	keyHeader   = []byte("h")
	bucketRows  = []byte("rows")
)

// tableHeader is how a list's header is stored.
type tableHeader struct {
	V   int64           `json:"v"`
	HV  int64           `json:"hv"`
	Doc json.RawMessage `json:"doc"`
}

func authListName(waveID, fv string) []byte { return []byte("al:" + waveID + "/" + fv) }
func templateName(fv string) []byte         { return []byte("at:" + fv) }

// readTable reads the list named name; a list never stored reads as an
// empty Table.
func readTable(tx *bbolt.Tx, name []byte) (storage.Table, error) {
	var t storage.Table
	lists := tx.Bucket(bucketLists)
	if lists == nil {
		return t, nil
	}
	b := lists.Bucket(name)
	if b == nil {
		return t, nil
	}
	var h tableHeader
	if err := json.Unmarshal(b.Get(keyHeader), &h); err != nil {
		return t, fmt.Errorf("decode %s: %w: %w", name, storage.ErrCorrupt, err)
	}
	t.Header, t.Version, t.HeaderVersion = h.Doc, h.V, h.HV
	rows := b.Bucket(bucketRows)
	if rows == nil {
		return t, nil
	}
	err := rows.ForEach(func(k, v []byte) error {
		if len(k) != 8 || len(v) < 8 {
			return fmt.Errorf("decode %s row %x: %w", name, k, storage.ErrCorrupt)
		}
		t.Rows = append(t.Rows, storage.TableRow{
			ID: int(binary.BigEndian.Uint64(k)), Version: int64(binary.BigEndian.Uint64(v)), Doc: append([]byte(nil), v[8:]...),
		})
		return nil
	})
	return t, err
}

// writeTable stores what an update changed.
func writeTable(tx *bbolt.Tx, name []byte, t storage.Table, w storage.TableWrite) error {
	h := tableHeader{V: t.Version + 1, HV: t.HeaderVersion, Doc: t.Header}
	if w.Header != nil {
		h.HV, h.Doc = h.HV+1, w.Header
	}
	return putTable(tx, name, h, w.Rows, w.Deleted)
}

// putTable stores a list's header h, the rows given with their versions,
// and deletes the rows deleted.
func putTable(tx *bbolt.Tx, name []byte, h tableHeader, rows []storage.TableRow, deleted []int) error {
	lists, err := tx.CreateBucketIfNotExists(bucketLists)
	if err != nil {
		return err
	}
	b, err := lists.CreateBucketIfNotExists(name)
	if err != nil {
		return err
	}
	data, err := json.Marshal(h)
	if err != nil {
		return err
	}
	if err := b.Put(keyHeader, data); err != nil {
		return err
	}
	stored, err := b.CreateBucketIfNotExists(bucketRows)
	if err != nil {
		return err
	}
	for _, r := range rows {
		v := binary.BigEndian.AppendUint64(nil, uint64(r.Version))
		if err := stored.Put(binary.BigEndian.AppendUint64(nil, uint64(r.ID)), append(v, r.Doc...)); err != nil {
			return err
		}
	}
	for _, id := range deleted {
		if err := stored.Delete(binary.BigEndian.AppendUint64(nil, uint64(id))); err != nil {
			return err
		}
	}
	return nil
}

// putNewTable stores list d, loaded from a dump, with its versions;
// ErrExists if a list is stored under name.
func putNewTable[D any](tx *bbolt.Tx, name []byte, what string, codec storage.Codec[D], d D) error {
	if lists := tx.Bucket(bucketLists); lists != nil && lists.Bucket(name) != nil {
		return fmt.Errorf("%s: %w", what, storage.ErrExists)
	}
	t, err := codec.Table(d)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return putTable(tx, name, tableHeader{V: t.Version, HV: t.HeaderVersion, Doc: t.Header}, t.Rows, nil)
}

// updateTable applies change to the list named name in one transaction.
func updateTable[D any](s *Store, name []byte, codec storage.Codec[D], initial D, change func(*D) ([]wave.Event, error)) (D, error) {
	var out D
	err := s.update(func(tx *bbolt.Tx) error {
		t, err := readTable(tx, name)
		if err != nil {
			return err
		}
		d, w, events, err := codec.Update(t, initial, change)
		if err != nil {
			return err
		}
		out = d
		if w.Empty() && len(events) == 0 {
			return nil
		}
		if err := writeTable(tx, name, t, w); err != nil {
			return err
		}
		return appendEvents(tx, events...)
	})
	return out, err
}

// loadTable reads the list named name; ErrNotFound if it was never stored.
func loadTable[D any](s *Store, name []byte, codec storage.Codec[D]) (D, error) {
	var t storage.Table
	err := s.db.View(func(tx *bbolt.Tx) error {
		var err error
		t, err = readTable(tx, name)
		return err
	})
	var zero D
	if err != nil {
		return zero, err
	}
	if t.Header == nil {
		return zero, storage.ErrNotFound
	}
	return codec.Load(t, zero)
}

// AuthList loads an enrolment's authorization list.
func (s *Store) AuthList(_ context.Context, waveID, fv string) (wave.AuthList, error) {
	l, err := loadTable(s, authListName(waveID, fv), storage.AuthLists)
	if err != nil {
		return wave.AuthList{}, fmt.Errorf("load authorization list %s/%s: %w", waveID, fv, err)
	}
	return l, nil
}

// UpdateAuthList applies change to an enrolment's authorization list.
func (s *Store) UpdateAuthList(_ context.Context, waveID, fv string, change storage.AuthListChange) (wave.AuthList, error) {
	l, err := updateTable(s, authListName(waveID, fv), storage.AuthLists, wave.AuthList{Wave: waveID, FV: fv}, change)
	if err != nil {
		return wave.AuthList{}, fmt.Errorf("update authorization list %s/%s: %w", waveID, fv, err)
	}
	return l, nil
}

// AuthTemplate loads a forvaltning's authorization template.
func (s *Store) AuthTemplate(_ context.Context, fv string) (wave.AuthTemplate, error) {
	t, err := loadTable(s, templateName(fv), storage.AuthTemplates)
	if err != nil {
		return wave.AuthTemplate{}, fmt.Errorf("load authorization template %s: %w", fv, err)
	}
	return t, nil
}

// UpdateAuthTemplate applies change to a forvaltning's authorization template.
func (s *Store) UpdateAuthTemplate(_ context.Context, fv string, change storage.AuthTemplateChange) (wave.AuthTemplate, error) {
	t, err := updateTable(s, templateName(fv), storage.AuthTemplates, wave.AuthTemplate{FV: fv}, change)
	if err != nil {
		return wave.AuthTemplate{}, fmt.Errorf("update authorization template %s: %w", fv, err)
	}
	return t, nil
}
