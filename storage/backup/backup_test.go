package backup

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"wavebot/internal/clock"
	"wavebot/storage"
	"wavebot/storage/bolt"
	"wavebot/storage/redis"
	"wavebot/storage/redis/redistest"
	"wavebot/storage/storagetest"
	"wavebot/wave"
)

func TestMain(m *testing.M) { redistest.Main(m) }

var t0 = time.Date(2027, 1, 10, 11, 0, 0, 0, time.UTC)

// due is the stores' due function: the wave's start, 09:00 UTC.
var due = storage.DueFunc(func(w wave.Wave) (time.Time, bool) { return w.Start.In(time.UTC, 9, 0), true })

func openBolt(t *testing.T) storage.Store {
	s, err := bolt.Open(t.TempDir(), due)
	if err != nil {
		t.Fatal(err)
	}
	s.Clock = clock.NewFake(t0)
	t.Cleanup(func() { s.Close() })
	return s
}

func openRedis(t *testing.T, url string) storage.Store {
	s, err := redis.Open(context.Background(), url, redistest.Prefix(t), due)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func export(t *testing.T, s storage.Store) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Export(context.Background(), s, &b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestRoundTrip: a pilot's bolt store exported, imported into Redis (one
// server, and a cluster) and exported again gives the same document, and
// so does the way back into bolt.
func TestRoundTrip(t *testing.T) {
	for _, where := range []struct {
		name string
		url  func(testing.TB) string
	}{{"redis", redistest.URL}, {"cluster", redistest.ClusterURL}} {
		t.Run(where.name, func(t *testing.T) {
			pilot := openBolt(t)
			storagetest.Fill(t, pilot)
			first := export(t, pilot)
			r := openRedis(t, where.url(t))
			counts, err := Import(context.Background(), bytes.NewReader(first), r)
			if err != nil {
				t.Fatal(err)
			}
			if got := counts.String(); got != "3 waves, 3 people, 1 workflow tracks, 3 authorization lists, 2 authorization templates, "+
				"175 audit events, 3 reminders in the ledger" {
				t.Errorf("imported %s", got)
			}
			sameMeetings(t, pilot, r)
			if second := export(t, r); !bytes.Equal(first, second) {
				t.Errorf("bolt → Redis → export differs:\n%s\n---\n%s", head(first), head(second))
			}
			storagetest.SameLists(t, pilot, r)
			back := openBolt(t)
			if _, err := Import(context.Background(), bytes.NewReader(first), back); err != nil {
				t.Fatal(err)
			}
			if third := export(t, back); !bytes.Equal(first, third) {
				t.Error("bolt → bolt differs")
			}
			storagetest.SameLists(t, pilot, back)
		})
	}
}

// sameMeetings checks that b3/BUF has in got the units and information
// meetings it has in want, and that it has some.
func sameMeetings(t *testing.T, want, got storage.Store) {
	t.Helper()
	enrolment := func(s storage.Store) wave.Enrolment {
		w, err := s.Wave(context.Background(), "b3")
		if err != nil {
			t.Fatal(err)
		}
		e, _ := w.Enrolment("BUF")
		return *e
	}
	w, g := enrolment(want), enrolment(got)
	if len(w.Units) != 4 || len(w.Meetings) != 2 {
		t.Fatalf("the filled store's b3/BUF: units %v, meetings %+v", w.Units, w.Meetings)
	}
	if !reflect.DeepEqual(w.Units, g.Units) || !reflect.DeepEqual(w.Meetings, g.Meetings) {
		t.Errorf("imported b3/BUF: units %v, meetings %+v; want %v, %+v", g.Units, g.Meetings, w.Units, w.Meetings)
	}
}

func head(b []byte) string { return string(b[:min(len(b), 3000)]) }

// TestDocument: the document names its format and version and holds each
// kind under its name.
func TestDocument(t *testing.T) {
	s := openBolt(t)
	storagetest.Fill(t, s)
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(export(t, s), &doc); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"format": `"wavebot-export"`, "version": "3", "first_person": `"anna"`} {
		if string(doc[key]) != want {
			t.Errorf("%s: %s, want %s", key, doc[key], want)
		}
	}
	var ledger []Reminder
	if err := json.Unmarshal(doc["ledger"], &ledger); err != nil || len(ledger) != 3 || ledger[0].Outcome != storage.Delivered ||
		!ledger[0].Expires.Equal(t0.Add(storage.LedgerRetention)) || ledger[2].Attempts != 2 {
		t.Errorf("ledger %+v, %v", ledger, err)
	}
	var audit []Log
	if err := json.Unmarshal(doc["audit"], &audit); err != nil || len(audit) != 4 || audit[0].Wave != "" || audit[1].Wave != "b3" || len(audit[1].Events) != 161 {
		t.Errorf("audit logs: %d, %v", len(audit), err)
	}
	// Lists and templates hold their rows, each with its version, read
	// here as a reader of the document would, not with this package's
	// types.
	type row struct {
		ID       int    `json:"id"`
		User     string `json:"user"`
		Decision string `json:"decision"`
		Amount   string `json:"amount"`
		Version  int64  `json:"version"`
	}
	var lists []struct {
		Wave    string `json:"wave"`
		FV      string `json:"fv"`
		Version int64  `json:"version"`
		Rows    []row  `json:"rows"`
	}
	if err := json.Unmarshal(doc["auth_lists"], &lists); err != nil || len(lists) != 3 || lists[0].Wave != "b3" || lists[0].FV != "BUF" ||
		lists[0].Version != 4 || len(lists[0].Rows) != 150 || lists[0].Rows[1] != (row{ID: 2, User: "AA2", Decision: "ok", Version: 3}) ||
		lists[2].Wave != "b4" || len(lists[2].Rows) != 2 {
		t.Errorf("authorization lists: %.300s, %v", doc["auth_lists"], err)
	}
	var templates []struct {
		FV        string          `json:"fv"`
		Decisions json.RawMessage `json:"decisions"`
		Version   int64           `json:"version"`
		Rows      []row           `json:"rows"`
	}
	if err := json.Unmarshal(doc["templates"], &templates); err != nil || len(templates) != 2 || templates[0].FV != "BUF" || templates[0].Version != 5 ||
		len(templates[0].Rows) != 2 || templates[0].Rows[0] != (row{ID: 1, User: "AB12", Amount: "7000", Version: 3}) ||
		!strings.Contains(string(templates[0].Decisions), `"Leder"`) || templates[1].FV != "SUF" || len(templates[1].Rows) != 0 {
		t.Errorf("templates: %.600s, %v", doc["templates"], err)
	}
	for _, key := range []string{"waves", "people", "workflows"} {
		if len(doc[key]) < 10 {
			t.Errorf("%s: %s", key, doc[key])
		}
	}
}

// TestImportRefuses: a store with anything in it, a document of another
// version or format, and a document that is not one are refused, and
// nothing is loaded.
func TestImportRefuses(t *testing.T) {
	ctx := context.Background()
	full := openBolt(t)
	storagetest.Fill(t, full)
	doc := export(t, full)
	if _, err := Import(ctx, bytes.NewReader(doc), full); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("import into a full store: %v", err)
	}
	oneTemplate := openBolt(t)
	if _, err := oneTemplate.UpdateAuthTemplate(ctx, "BUF", func(tp *wave.AuthTemplate) ([]wave.Event, error) {
		tp.NextRow = 1
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := Import(ctx, bytes.NewReader(doc), oneTemplate); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("import into a store with one template: %v", err)
	}
	onePerson := openBolt(t)
	if _, err := onePerson.EnsurePerson(ctx, wave.Person{ID: "anna"}, wave.Event{}, false); err != nil {
		t.Fatal(err)
	}
	if _, err := Import(ctx, bytes.NewReader(doc), onePerson); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("import into a store with one person: %v", err)
	}
	for name, bad := range map[string]string{
		"version 4":      strings.Replace(string(doc), `"version": 3`, `"version": 4`, 1),
		"version 0":      strings.Replace(string(doc), `"version": 3`, `"version": 0`, 1),
		"another format": strings.Replace(string(doc), `"wavebot-export"`, `"other"`, 1),
		"unknown field":  strings.Replace(string(doc), `"format"`, `"colour": 1, "format"`, 1),
		"cut short":      string(doc[:len(doc)/2]),
		"two documents":  string(doc) + string(doc),
		"not json":       "waves: b3",
	} {
		empty := openBolt(t)
		if _, err := Import(ctx, strings.NewReader(bad), empty); err == nil {
			t.Errorf("%s: imported", name)
		}
		if _, none := storagetest.DumpOf(t, empty); len(none) != 0 {
			t.Errorf("%s: the refused import loaded %d parts", name, len(none))
		}
	}
}

// TestImportVersion1: a document written before the authorization lists
// were exported (by wavebot's console, with a wave, its contact's answer
// and the audit trail) still imports, and exports again as this
// version's document holding the same, and no lists.
func TestImportVersion1(t *testing.T) {
	v1, err := os.ReadFile(filepath.Join("testdata", "version1.json"))
	if err != nil {
		t.Fatal(err)
	}
	s := openBolt(t)
	counts, err := Import(context.Background(), bytes.NewReader(v1), s)
	if err != nil {
		t.Fatal(err)
	}
	if got := counts.String(); got != "1 waves, 2 people, 2 workflow tracks, 0 authorization lists, 0 authorization templates, 9 audit events, 0 reminders in the ledger\n"+
		"BUF: one KØR workflow track kept (0 of 6 steps done)\nSUF: one KØR workflow track kept (0 of 6 steps done)" {
		t.Errorf("imported %s", got)
	}
	var old, now Document
	if err := json.Unmarshal(v1, &old); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(export(t, s), &now); err != nil {
		t.Fatal(err)
	}
	if old.Version != 1 || now.Version != Version || now.AuthLists == nil || len(now.AuthLists) != 0 || now.Templates == nil || len(now.Templates) != 0 {
		t.Errorf("version %d exported as version %d with lists %v and templates %v", old.Version, now.Version, now.AuthLists, now.Templates)
	}
	old.Version, old.AuthLists, old.Templates = now.Version, now.AuthLists, now.Templates
	old.moveTracks()
	if len(old.Workflows) != 2 || old.Workflows[0].Reminded.IsZero() || old.Waves[0].Enrolments[0].Workflow != nil {
		t.Errorf("moved tracks %+v", old.Workflows)
	}
	want, _ := json.Marshal(old)
	got, _ := json.Marshal(now)
	if !bytes.Equal(got, want) {
		t.Errorf("the version 1 document exports as\n%s\nwant\n%s", head(got), head(want))
	}
}

// TestImportMovesTracks: a version 2 document, whose enrolments carry a
// KØR workflow track each and which kept an older track of the
// forvaltning's own, imports with one track per forvaltning, the most
// advanced, and names the others in what it reports.
func TestImportMovesTracks(t *testing.T) {
	tpl := wave.DefaultTemplate()
	var waves []wave.Wave
	for i, id := range []string{"b3", "b4"} {
		w := storagetest.NewWave(t, id, "BUF")
		w.Reminded = t0.Add(time.Duration(i) * time.Hour)
		w.Enrolments[0].Workflow = wave.NewTrack(tpl)
		waves = append(waves, w)
	}
	waves[0].Enrolments[0].Workflow.Confirm("group", []wave.Party{wave.PartyFV}, "maria", t0)
	waves[1].Enrolments[0].Workflow.Confirm("group", []wave.Party{wave.PartyFV}, "maria", t0)
	waves[1].Enrolments[0].Workflow.Confirm("decisions", []wave.Party{wave.PartyFV}, "maria", t0)
	own := wave.Workflow{FV: "BUF", Steps: wave.NewTrack(tpl), Version: 3}
	own.Steps[0].Parts.KS = &wave.Confirmation{By: "anna", At: t0}
	doc, err := json.Marshal(Document{Format: Format, Version: 2, Waves: waves, People: []wave.Person{}, Workflows: []wave.Workflow{own}})
	if err != nil {
		t.Fatal(err)
	}
	s := openBolt(t)
	counts, err := Import(context.Background(), bytes.NewReader(doc), s)
	if err != nil {
		t.Fatal(err)
	}
	if got := counts.String(); !strings.HasSuffix(got, "\nBUF: one KØR workflow track kept (2 of 6 steps done); dropped the less advanced the forvaltning's own, b3/BUF") ||
		counts.Workflows != 1 {
		t.Errorf("imported %s", got)
	}
	track, err := s.Workflow(context.Background(), "BUF")
	if err != nil {
		t.Fatal(err)
	}
	if done, _ := track.Steps.Progress(); done != 2 || !track.Reminded.Equal(t0.Add(time.Hour)) || track.Version != 3 {
		t.Errorf("BUF's track: %d done, reminded %v, version %d", done, track.Reminded, track.Version)
	}
	for _, id := range []string{"b3", "b4"} {
		if w, err := s.Wave(context.Background(), id); err != nil || w.Enrolments[0].Workflow != nil {
			t.Errorf("%s/BUF after import: %v %v", id, w.Enrolments, err)
		}
	}
}

// TestImportChecksEverythingFirst: a document with an id twice, an id
// the command language cannot name, or an unknown role is refused by
// bolt and by Redis alike, naming the problem, and leaves each store
// exactly as it was: its export before and after is the same, byte for
// byte.
func TestImportChecksEverythingFirst(t *testing.T) {
	ctx := context.Background()
	pilot := openBolt(t)
	storagetest.Fill(t, pilot)
	var good Document
	if err := json.Unmarshal(export(t, pilot), &good); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		spoil func(d *Document)
		names string
	}{
		{"a person twice", func(d *Document) { d.People = append(d.People, d.People[1]) }, `person "` + good.People[1].ID + `" is in the document twice`},
		{"a wave twice", func(d *Document) { d.Waves = append(d.Waves, d.Waves[0]) }, `wave "` + good.Waves[0].ID + `" is in the document twice`},
		{"a ledger key twice", func(d *Document) { d.Ledger = append(d.Ledger, d.Ledger[0]) }, `reminder in the ledger "` + good.Ledger[0].Key + `" is in the document twice`},
		{"a wave id with a slash", func(d *Document) { d.Waves[2].ID = "b3|x/../y" }, `wave "b3|x/../y"`},
		{"an unknown role", func(d *Document) { d.People[0].Role = "superuser" }, `has role "superuser"`},
		{"a role in capitals", func(d *Document) { d.People[0].Role = "ADMIN" }, `has role "ADMIN"`},
		{"a person id with a space", func(d *Document) { d.People[2].ID = "anna berg" }, `person "anna berg"`},
		{"a contact id with a space", func(d *Document) { d.Waves[0].Enrolments[0].Contacts = []string{"maria holm"} }, `contact of`},
		{"a forvaltning code with a slash", func(d *Document) { d.AuthLists[0].FV = "BUF/x" }, `"BUF/x"`},
		{"an authorization list twice", func(d *Document) { d.AuthLists = append(d.AuthLists, d.AuthLists[0]) }, `authorization list "`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := good
			bad.People = slices.Clone(good.People)
			bad.Waves = slices.Clone(good.Waves)
			bad.Waves[0].Enrolments = slices.Clone(good.Waves[0].Enrolments)
			bad.Ledger = slices.Clone(good.Ledger)
			bad.AuthLists = slices.Clone(good.AuthLists)
			tt.spoil(&bad)
			doc, err := json.Marshal(bad)
			if err != nil {
				t.Fatal(err)
			}
			var verdicts []string
			for _, s := range []storage.Store{openBolt(t), openRedis(t, redistest.URL(t))} {
				before := export(t, s)
				_, err := Import(ctx, bytes.NewReader(doc), s)
				if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.names) {
					t.Errorf("%T: %v, want a refusal naming %s", s, err, tt.names)
				}
				if after := export(t, s); !bytes.Equal(before, after) {
					t.Errorf("%T: the refused import changed the store:\n%s", s, head(after))
				}
				if err != nil {
					verdicts = append(verdicts, err.Error())
				}
			}
			if len(verdicts) == 2 && verdicts[0] != verdicts[1] {
				t.Errorf("the stores' verdicts differ:\n%s\n%s", verdicts[0], verdicts[1])
			}
		})
	}
}
