package storage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"wavebot/wave"
)

// Lists of rows (an enrolment's authorization list, a forvaltning's
// authorization template) are stored as tables: a header and one entry per
// row, each row with its own version. A write that changes only rows
// checks only the versions of those rows and of the header, so people
// saving different rows of one list at once never hold each other up; a
// write that changes the header (a submission, a new upload) or removes
// rows needs the whole table as it read it. Both stores keep tables this
// way; the code here, shared by both, works out what a change writes.

// TableRow is one row as stored: its id, its version, and the row as
// JSON without the version.
type TableRow struct {
	ID      int
	Version int64
	Doc     []byte
}

// Table is a stored list: its header as JSON, the version of the whole
// (every write counts it up) and of the header (writes that change the
// header), and its rows ordered by id. A list never stored has a nil Header.
type Table struct {
	Header        []byte
	Version       int64
	HeaderVersion int64
	Rows          []TableRow
}

// TableWrite is what an update writes: Header when it changed, Rows with
// their new versions, and the ids of the rows Deleted. With Whole set,
// the store writes only if the table's Version is still the one it read;
// otherwise only if the HeaderVersion and the version of every row in
// Rows are (a row that is new was read at version 0).
type TableWrite struct {
	Header  []byte
	Whole   bool
	Rows    []TableRow
	Deleted []int
	// Read are the versions the rows in Rows had when read, in order.
	Read []int64
}

// Empty reports whether the write changes nothing.
func (w TableWrite) Empty() bool { return w.Header == nil && len(w.Rows) == 0 && len(w.Deleted) == 0 }

// Codec turns a list into its header and rows and back.
type Codec[D any] struct {
	split   func(d *D) (header []byte, rows []TableRow, err error)
	join    func(header []byte, rows []TableRow, version int64, d *D) error
	version func(d *D) int64
	count   func(d *D) int
}

// rowCodec is the codec of a list type D whose rows are of type R.
func rowCodec[D, R any](rows func(*D) *[]R, id func(*R) int, version func(*R) *int64, docVersion func(*D) *int64) Codec[D] {
	return Codec[D]{
		split: func(d *D) ([]byte, []TableRow, error) {
			header, err := json.Marshal(d)
			if err != nil {
				return nil, nil, err
			}
			var out []TableRow
			for i := range *rows(d) {
				r := &(*rows(d))[i]
				doc, err := json.Marshal(r)
				if err != nil {
					return nil, nil, err
				}
				out = append(out, TableRow{ID: id(r), Version: *version(r), Doc: doc})
			}
			return header, out, nil
		},
		join: func(header []byte, stored []TableRow, v int64, d *D) error {
			if err := json.Unmarshal(header, d); err != nil {
				return fmt.Errorf("%w: header: %w", ErrCorrupt, err)
			}
			list := make([]R, len(stored))
			for i, s := range stored {
				if err := json.Unmarshal(s.Doc, &list[i]); err != nil {
					return fmt.Errorf("%w: row %d: %w", ErrCorrupt, s.ID, err)
				}
				*version(&list[i]) = s.Version
			}
			slices.SortFunc(list, func(a, b R) int { return id(&a) - id(&b) })
			*rows(d) = list
			*docVersion(d) = v
			return nil
		},
		version: func(d *D) int64 { return *docVersion(d) },
		count:   func(d *D) int { return len(*rows(d)) },
	}
}

// AuthLists is the codec of authorization lists.
var AuthLists = rowCodec(
	func(l *wave.AuthList) *[]wave.AuthRow { return &l.Rows },
	func(r *wave.AuthRow) int { return r.ID },
	func(r *wave.AuthRow) *int64 { return &r.Version },
	func(l *wave.AuthList) *int64 { return &l.Version },
)

// AuthTemplates is the codec of authorization templates.
var AuthTemplates = rowCodec(
	func(t *wave.AuthTemplate) *[]wave.TemplateRow { return &t.Rows },
	func(r *wave.TemplateRow) int { return r.ID },
	func(r *wave.TemplateRow) *int64 { return &r.Version },
	func(t *wave.AuthTemplate) *int64 { return &t.Version },
)

// Load decodes a stored table; a table never stored is initial.
func (c Codec[D]) Load(t Table, initial D) (D, error) {
	if t.Header == nil {
		return initial, nil
	}
	var d D
	err := c.join(t.Header, t.Rows, t.Version, &d)
	return d, err
}

// Table is the table that stores d as it is, with its versions and its
// rows': what loading d from a dump writes. The header's version, which
// only a store's own compare-and-set reads, starts at d's version. Rows
// must have distinct ids from 1 up.
func (c Codec[D]) Table(d D) (Table, error) {
	header, rows, err := c.split(&d)
	if err != nil {
		return Table{}, fmt.Errorf("encode list: %w", err)
	}
	seen := make(map[int]bool, len(rows))
	for _, r := range rows {
		if r.ID < 1 || seen[r.ID] {
			return Table{}, fmt.Errorf("encode list: row id %d is below 1 or given twice", r.ID)
		}
		seen[r.ID] = true
	}
	slices.SortFunc(rows, func(a, b TableRow) int { return a.ID - b.ID })
	v := c.version(&d)
	return Table{Header: header, Version: v, HeaderVersion: v, Rows: rows}, nil
}

// ListBatcher gathers whole lists, in the order they are added, into
// runs of at most Max records, a list counting one for itself and one
// per row, and hands each run to Emit; a list longer than Max is a run
// of its own. A dump hands out a run as one part, and a store loads a
// run in one write. A list is never split: it is the store's unit of
// consistency (read whole, and uploaded in one write, up to
// wave.MaxListRows rows), so loading it in one write keeps Load's
// all-or-nothing rule without parts that continue a list.
type ListBatcher[D any] struct {
	Codec Codec[D]
	Max   int
	Emit  func([]D) error
	run   []D
	n     int
}

// Add adds d to the current run, emitting the run first if d does not
// fit in it.
func (b *ListBatcher[D]) Add(d D) error {
	n := 1 + b.Codec.count(&d)
	if len(b.run) > 0 && b.n+n > b.Max {
		if err := b.Flush(); err != nil {
			return err
		}
	}
	b.run, b.n = append(b.run, d), b.n+n
	return nil
}

// Flush emits the current run, if any.
func (b *ListBatcher[D]) Flush() error {
	if len(b.run) == 0 {
		return nil
	}
	run := b.run
	b.run, b.n = nil, 0
	return b.Emit(run)
}

// Update runs change on the list stored as t (initial when there is
// none) and works out what to write: the header if it changed, and the
// rows that changed, each one version up. It returns the list as it will
// be once the write is stored, and the change's events.
func (c Codec[D]) Update(t Table, initial D, change func(*D) ([]wave.Event, error)) (D, TableWrite, []wave.Event, error) {
	d, err := c.Load(t, initial)
	if err != nil {
		return d, TableWrite{}, nil, err
	}
	events, err := change(&d)
	if err != nil {
		return d, TableWrite{}, nil, err
	}
	header, rows, err := c.split(&d)
	if err != nil {
		return d, TableWrite{}, nil, fmt.Errorf("encode list: %w", err)
	}
	var w TableWrite
	if !bytes.Equal(header, t.Header) {
		w.Header, w.Whole = header, true
	}
	old := make(map[int]TableRow, len(t.Rows))
	for _, r := range t.Rows {
		old[r.ID] = r
	}
	kept := make(map[int]bool, len(rows))
	for _, r := range rows {
		kept[r.ID] = true
		prev, ok := old[r.ID]
		if ok && bytes.Equal(prev.Doc, r.Doc) {
			continue
		}
		w.Read = append(w.Read, prev.Version)
		w.Rows = append(w.Rows, TableRow{ID: r.ID, Version: prev.Version + 1, Doc: r.Doc})
	}
	for _, r := range t.Rows {
		if !kept[r.ID] {
			w.Deleted = append(w.Deleted, r.ID)
			w.Whole = true
		}
	}
	if w.Empty() && len(events) == 0 {
		return d, w, nil, nil
	}
	// The list as stored after the write: written rows one version up,
	// the whole one version up.
	next := Table{Header: header, Version: t.Version + 1}
	written := make(map[int]TableRow, len(w.Rows))
	for _, r := range w.Rows {
		written[r.ID] = r
	}
	for _, r := range rows {
		if nw, ok := written[r.ID]; ok {
			r.Version = nw.Version
		} else {
			r.Version = old[r.ID].Version
		}
		next.Rows = append(next.Rows, r)
	}
	d, err = c.Load(next, initial)
	return d, w, events, err
}
