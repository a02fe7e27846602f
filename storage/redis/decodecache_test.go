package redis

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"wavebot/storage/redis/redistest"
	"wavebot/storage/storagetest"
	"wavebot/wave"
)

// TestWaveReadsShareNothing changes what each read returns, as a
// command does before it saves, and wants the next reads unchanged:
// reads served from the decoded cache are the caller's own.
func TestWaveReadsShareNothing(t *testing.T) {
	s := open(t, redistest.URL(t), redistest.Prefix(t))
	ctx := context.Background()
	w := storagetest.NewWave(t, "b3", "BUF", "SUF")
	w.Enrolments[1].Workflow = wave.NewTrack(wave.DefaultTemplate()) // as stored before tracks moved to the forvaltning
	if err := s.CreateWave(ctx, w, wave.Event{Wave: "b3"}); err != nil {
		t.Fatal(err)
	}
	want, err := s.Wave(ctx, "b3")
	if err != nil {
		t.Fatal(err)
	}
	reads := map[string]func() (wave.Wave, error){
		"Wave": func() (wave.Wave, error) { return s.Wave(ctx, "b3") },
		"Waves": func() (wave.Wave, error) {
			ws, err := s.Waves(ctx)
			if err != nil || len(ws) != 1 {
				t.Fatalf("Waves = %d waves, %v", len(ws), err)
			}
			return ws[0], nil
		},
	}
	for name, read := range reads {
		for range 2 {
			w, err := read()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(w, want) {
				t.Fatalf("%s: read\n%+v\nwant\n%+v", name, w, want)
			}
			w.Name = "changed"
			w.Enrolments[0].Contacts = append(w.Enrolments[0].Contacts, "slack:UCHANGED")
			w.Enrolments[1].Activities[0].Status = wave.StatusDone
			w.Enrolments[1].Workflow[0].Done = true
		}
	}
}

// TestWaveReadSeesEveryWriter reads a wave into one replica's cache, has
// another replica change it, and then its document by hand without
// touching its version, as an import may: the first replica sees both.
func TestWaveReadSeesEveryWriter(t *testing.T) {
	url, prefix := redistest.URL(t), redistest.Prefix(t)
	a, b := open(t, url, prefix), open(t, url, prefix)
	ctx := context.Background()
	if err := a.CreateWave(ctx, storagetest.NewWave(t, "b3", "BUF"), wave.Event{Wave: "b3"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Wave(ctx, "b3"); err != nil {
		t.Fatal(err)
	}
	if err := storagetest.ChangeOneActivity(ctx, b, "b3", 0, "by b"); err != nil {
		t.Fatal(err)
	}
	w, err := a.Wave(ctx, "b3")
	if err != nil {
		t.Fatal(err)
	}
	if w.Enrolments[0].Activities[0].Note != "by b" {
		t.Fatalf("the other replica's change is not seen: %+v", w.Enrolments[0].Activities[0])
	}
	doc, version, err := a.read(ctx, a.waveKey("b3"))
	if err != nil {
		t.Fatal(err)
	}
	edited := []byte(string(doc[:len(doc)-1]) + `,"name":"imported"}`)
	if err := a.rdb.HSet(ctx, a.waveKey("b3"), "doc", edited).Err(); err != nil {
		t.Fatal(err)
	}
	if w, err = a.Wave(ctx, "b3"); err != nil || w.Name != "imported" || w.Version != version {
		t.Errorf("after the document changed under the same version %d: %q version %d, %v", version, w.Name, w.Version, err)
	}
}

// TestConcurrentReadersOfOneWave has readers change what they read while
// others read and write: the race detector finds any sharing.
func TestConcurrentReadersOfOneWave(t *testing.T) {
	s := open(t, redistest.URL(t), redistest.Prefix(t))
	ctx := context.Background()
	if err := s.CreateWave(ctx, storagetest.NewWave(t, "b3", "BUF"), wave.Event{Wave: "b3"}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 20 {
				if i == 0 {
					if err := storagetest.ChangeOneActivity(ctx, s, "b3", 0, "x"); err != nil {
						t.Error(err)
					}
					continue
				}
				w, err := s.Wave(ctx, "b3")
				if err != nil {
					t.Error(err)
					return
				}
				w.Enrolments[0].Activities[1].Note = "mine"
				w.Enrolments[0].Contacts = append(w.Enrolments[0].Contacts, "mine")
			}
		})
	}
	wg.Wait()
	w, err := s.Wave(ctx, "b3")
	if err != nil {
		t.Fatal(err)
	}
	if w.Enrolments[0].Activities[1].Note != "" || len(w.Enrolments[0].Contacts) != 0 {
		t.Errorf("a reader's change reached the store's copy: %+v", w.Enrolments[0])
	}
}

// TestDecodeCacheKeepsItsOwnCopy: changing what a decode returned, the
// first decode or one from the cache, changes nothing the next returns.
func TestDecodeCacheKeepsItsOwnCopy(t *testing.T) {
	var c decodeCache[wave.Person]
	doc := []byte(`{"id":"maria","addresses":{"slack":"D1"},"links":["teams:1"]}`)
	for i := range 3 {
		p, err := c.decode("maria", doc)
		if err != nil || p.Addresses["slack"] != "D1" || p.Links[0] != "teams:1" {
			t.Fatalf("decode %d = %+v, %v", i, p, err)
		}
		p.Addresses["slack"] = "changed"
		p.Links[0] = "changed"
	}
}

// TestDecodeCacheIsBounded decodes more waves than the cache keeps.
func TestDecodeCacheIsBounded(t *testing.T) {
	var c decodeCache[wave.Wave]
	for i := range maxDecoded + 10 {
		id := fmt.Sprintf("w%d", i)
		w, err := c.decode(id, fmt.Appendf(nil, `{"id":%q}`, id))
		if err != nil || w.ID != id {
			t.Fatalf("decode %s = %+v, %v", id, w, err)
		}
	}
	if len(c.entries) != maxDecoded {
		t.Errorf("the cache keeps %d waves, want %d", len(c.entries), maxDecoded)
	}
}

// BenchmarkWave reads a wave of two enrolments, unchanged since the last
// read, as a status answer does.
func BenchmarkWave(b *testing.B) {
	s := open(b, redistest.URL(b), redistest.Prefix(b))
	ctx := context.Background()
	if err := s.CreateWave(ctx, storagetest.NewWave(b, "b3", "BUF", "SUF"), wave.Event{Wave: "b3"}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Wave(ctx, "b3"); err != nil {
			b.Fatal(err)
		}
	}
}
