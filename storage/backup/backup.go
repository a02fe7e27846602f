// Package backup turns a store's whole state into one versioned JSON
// document and back: "wavebot export" and "wavebot import". It is how
// operators back wavebot up and how a pilot on the embedded store moves
// to Redis: a document exported from one store and imported into an
// empty one of either kind exports the same document again.
package backup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"wavebot/storage"
	"wavebot/wave"
)

// Format names the document; Version is the layout this package writes.
// A later layout gets a new version, and Import says which it takes: it
// reads every version from OldestVersion on. Version 2 added the
// authorization lists and templates; a version 1 document has none.
// Version 3 keeps one KØR workflow track per forvaltning, with its
// contacts, agreements and teaching, in Workflows: the enrolments of an
// older document carry a track each, which Import moves into their
// forvaltning's, keeping the most advanced (see Counts.Moved).
const (
	Format        = "wavebot-export"
	Version       = 3
	OldestVersion = 1
)

// Document is the whole state of a store.
type Document struct {
	Format    string          `json:"format"`
	Version   int             `json:"version"`
	Waves     []wave.Wave     `json:"waves"`
	People    []wave.Person   `json:"people"`
	Workflows []wave.Workflow `json:"workflows"`
	// AuthLists holds each enrolment's authorization list, Templates
	// each forvaltning's authorization template (both since version 2).
	AuthLists []AuthList `json:"auth_lists"`
	Templates []Template `json:"templates"`
	// FirstPerson is the console's bootstrap admin; empty on a server.
	FirstPerson string `json:"first_person,omitempty"`
	// Audit holds each audit log, oldest event first.
	Audit []Log `json:"audit"`
	// Ledger holds what became of reminders, so none is sent again.
	Ledger []Reminder `json:"ledger"`
}

// Log is one audit log: a wave's, or with Wave empty that of people and
// workflow tracks.
type Log struct {
	Wave   string       `json:"wave"`
	Events []wave.Event `json:"events"`
}

// AuthList is an enrolment's authorization list with its rows. Version
// and each row's version are what a page sends back to notice a change
// made meanwhile, so a list moved to another store goes on from them.
type AuthList struct {
	wave.AuthList
	Version int64     `json:"version"`
	Rows    []AuthRow `json:"rows"`
}

// AuthRow is one row of an authorization list, with its version.
type AuthRow struct {
	wave.AuthRow
	Version int64 `json:"version"`
}

// Template is a forvaltning's authorization template with its rows and
// versions, like AuthList.
type Template struct {
	wave.AuthTemplate
	Version int64         `json:"version"`
	Rows    []TemplateRow `json:"rows"`
}

// TemplateRow is one row of a template, with its version.
type TemplateRow struct {
	wave.TemplateRow
	Version int64 `json:"version"`
}

// listDoc is l as the document holds it.
func listDoc(l wave.AuthList) AuthList {
	d := AuthList{AuthList: l, Version: l.Version, Rows: []AuthRow{}}
	for _, r := range l.Rows {
		d.Rows = append(d.Rows, AuthRow{AuthRow: r, Version: r.Version})
	}
	d.AuthList.Rows, d.AuthList.Version = nil, 0
	return d
}

// list is the authorization list d holds.
func (d AuthList) list() wave.AuthList {
	l := d.AuthList
	l.Version, l.Rows = d.Version, make([]wave.AuthRow, len(d.Rows))
	for i, r := range d.Rows {
		l.Rows[i] = r.AuthRow
		l.Rows[i].Version = r.Version
	}
	return l
}

// templateDoc is t as the document holds it.
func templateDoc(t wave.AuthTemplate) Template {
	d := Template{AuthTemplate: t, Version: t.Version, Rows: []TemplateRow{}}
	for _, r := range t.Rows {
		d.Rows = append(d.Rows, TemplateRow{TemplateRow: r, Version: r.Version})
	}
	d.AuthTemplate.Rows, d.AuthTemplate.Version = nil, 0
	return d
}

// template is the authorization template d holds.
func (d Template) template() wave.AuthTemplate {
	t := d.AuthTemplate
	t.Version, t.Rows = d.Version, make([]wave.TemplateRow, len(d.Rows))
	for i, r := range d.Rows {
		t.Rows[i] = r.TemplateRow
		t.Rows[i].Version = r.Version
	}
	return t
}

// Reminder is the ledger's record of one reminder key.
type Reminder struct {
	Key      string          `json:"key"`
	Outcome  storage.Outcome `json:"outcome,omitempty"`
	Attempts int             `json:"attempts,omitempty"`
	Expires  time.Time       `json:"expires"`
}

// Export writes the whole state of s to w as one document.
func Export(ctx context.Context, s storage.Store, w io.Writer) error {
	doc := Document{Format: Format, Version: Version, Waves: []wave.Wave{}, People: []wave.Person{},
		Workflows: []wave.Workflow{}, AuthLists: []AuthList{}, Templates: []Template{}, Audit: []Log{}, Ledger: []Reminder{}}
	err := s.Dump(ctx, func(p storage.Part) error {
		doc.Waves = append(doc.Waves, p.Waves...)
		doc.People = append(doc.People, p.People...)
		doc.Workflows = append(doc.Workflows, p.Workflows...)
		for _, l := range p.AuthLists {
			doc.AuthLists = append(doc.AuthLists, listDoc(l))
		}
		for _, t := range p.Templates {
			doc.Templates = append(doc.Templates, templateDoc(t))
		}
		if p.FirstPerson != "" {
			doc.FirstPerson = p.FirstPerson
		}
		if len(p.Events) > 0 {
			if n := len(doc.Audit); n == 0 || doc.Audit[n-1].Wave != p.Log {
				doc.Audit = append(doc.Audit, Log{Wave: p.Log})
			}
			last := &doc.Audit[len(doc.Audit)-1]
			last.Events = append(last.Events, p.Events...)
		}
		for _, e := range p.Ledger {
			doc.Ledger = append(doc.Ledger, Reminder{Key: e.Key, Outcome: e.Outcome, Attempts: e.Attempts, Expires: e.Expires.UTC()})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("export: write: %w", err)
	}
	return nil
}

// ErrNotEmpty is Import's refusal of a store that holds anything.
var ErrNotEmpty = errors.New("the store is not empty: import only into a new store")

// Import reads a document from r and loads it into s, which must be empty.
// It returns what it loaded, counted. A document that cannot be read, of
// another format or version, or that fails the checks (ErrInvalid: an id
// twice, an id the command language cannot name, an unknown role) loads
// nothing: the whole document is checked before anything is written.
func Import(ctx context.Context, r io.Reader, s storage.Store) (Counts, error) {
	var doc Document
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return Counts{}, fmt.Errorf("import: read the document: %w", err)
	}
	if dec.More() {
		return Counts{}, errors.New("import: read the document: more than one document")
	}
	if doc.Format != Format || doc.Version < OldestVersion || doc.Version > Version {
		return Counts{}, fmt.Errorf("import: a %q document of version %d; this wavebot reads %q versions %d to %d",
			doc.Format, doc.Version, Format, OldestVersion, Version)
	}
	if err := doc.check(); err != nil {
		return Counts{}, fmt.Errorf("import: %w", err)
	}
	err := s.Dump(ctx, func(storage.Part) error { return ErrNotEmpty })
	if err != nil {
		return Counts{}, fmt.Errorf("import: %w", err)
	}
	var moved []wave.TrackMove
	if doc.Version < 3 {
		moved = doc.moveTracks()
	}
	lists, templates := storage.Part{}, storage.Part{}
	for _, l := range doc.AuthLists {
		lists.AuthLists = append(lists.AuthLists, l.list())
	}
	for _, t := range doc.Templates {
		templates.Templates = append(templates.Templates, t.template())
	}
	parts := []storage.Part{{Waves: doc.Waves}, {People: doc.People}, {Workflows: doc.Workflows}, lists, templates, {FirstPerson: doc.FirstPerson}}
	for _, l := range doc.Audit {
		parts = append(parts, storage.Part{Log: l.Wave, Events: l.Events})
	}
	ledger := storage.Part{}
	for _, e := range doc.Ledger {
		ledger.Ledger = append(ledger.Ledger, storage.LedgerEntry{Key: e.Key,
			ReminderState: storage.ReminderState{Outcome: e.Outcome, Attempts: e.Attempts}, Expires: e.Expires})
	}
	parts = append(parts, ledger)
	for _, p := range parts {
		if p.Empty() {
			continue
		}
		if err := s.Load(ctx, p); err != nil {
			return Counts{}, fmt.Errorf("import: %w (the store now holds part of the document: empty it before importing again)", err)
		}
	}
	counts := doc.Counts()
	counts.Moved = moved
	return counts, nil
}

// moveTracks gives each forvaltning one KØR workflow track, as Version 3
// keeps them: the tracks an older document's enrolments carry move into
// their forvaltning's, the most advanced kept, watermarked where the
// document's waves had sent their reminders to.
func (d *Document) moveTracks() []wave.TrackMove {
	tracks := map[string]*wave.Workflow{}
	for i := range d.Workflows {
		tracks[d.Workflows[i].FV] = &d.Workflows[i]
	}
	var sent time.Time
	for _, w := range d.Waves {
		if w.Reminded.After(sent) {
			sent = w.Reminded
		}
	}
	moves := wave.TakeTracks(d.Waves, tracks, sent)
	d.Workflows = d.Workflows[:0]
	for _, fv := range slices.Sorted(maps.Keys(tracks)) {
		d.Workflows = append(d.Workflows, *tracks[fv])
	}
	return moves
}

// Counts says how much a document holds.
type Counts struct {
	Waves, People, Workflows, AuthLists, Templates, Events, Reminders int
	// Moved is, for an older document whose enrolments carried KØR
	// workflow tracks, what moving them into one per forvaltning did.
	Moved []wave.TrackMove
}

// Counts counts what the document holds.
func (d Document) Counts() Counts {
	c := Counts{Waves: len(d.Waves), People: len(d.People), Workflows: len(d.Workflows), AuthLists: len(d.AuthLists),
		Templates: len(d.Templates), Reminders: len(d.Ledger)}
	for _, l := range d.Audit {
		c.Events += len(l.Events)
	}
	return c
}

func (c Counts) String() string {
	s := fmt.Sprintf("%d waves, %d people, %d workflow tracks, %d authorization lists, %d authorization templates, %d audit events, %d reminders in the ledger",
		c.Waves, c.People, c.Workflows, c.AuthLists, c.Templates, c.Events, c.Reminders)
	for _, m := range c.Moved {
		s += "\n" + MoveText(m)
	}
	return s
}

// MoveText says in one line what moving a forvaltning's KØR workflow
// tracks into one did, for an operator: "BUF: one KØR workflow track
// kept (2 of 6 steps done); dropped the less advanced b3/BUF and the
// forvaltning's own".
func MoveText(m wave.TrackMove) string {
	s := fmt.Sprintf("%s: one KØR workflow track kept (%d of %d steps done)", m.FV, m.Done, m.Total)
	if len(m.Dropped) == 0 {
		return s
	}
	var names []string
	for _, d := range m.Dropped {
		if d == "" {
			d = "the forvaltning's own"
		}
		names = append(names, d)
	}
	return s + "; dropped the less advanced " + strings.Join(names, ", ")
}
