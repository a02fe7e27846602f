package commands

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"wavebot/storage"
	"wavebot/storage/bolt"
	"wavebot/wave"
)

// readSpy is a store that records, for each read of a person or a wave,
// whether it came under a context marked storage.PureRead.
type readSpy struct {
	storage.Store
	mu     sync.Mutex
	reads  []bool
	writes int
}

func (s *readSpy) note(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads = append(s.reads, storage.IsPureRead(ctx))
}

func (s *readSpy) Wave(ctx context.Context, id string) (wave.Wave, error) {
	s.note(ctx)
	return s.Store.Wave(ctx, id)
}

func (s *readSpy) Person(ctx context.Context, id string) (wave.Person, error) {
	s.note(ctx)
	return s.Store.Person(ctx, id)
}

func (s *readSpy) EnsurePerson(ctx context.Context, p wave.Person, ev wave.Event, bootstrap bool) (wave.Person, error) {
	s.note(ctx)
	return s.Store.EnsurePerson(ctx, p, ev, bootstrap)
}

func (s *readSpy) UpdatePerson(ctx context.Context, id string, change storage.PersonChange) (wave.Person, error) {
	s.mu.Lock()
	s.writes++
	s.mu.Unlock()
	return s.Store.UpdatePerson(ctx, id, change)
}

// written returns how many people were written since the last call.
func (s *readSpy) written() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.writes
	s.writes = 0
	return n
}

// taken returns the reads recorded since the last call.
func (s *readSpy) taken() []bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.reads
	s.reads = nil
	return out
}

// TestOnlyPureReadsMayBeCached: the commands that change and admit
// nothing (status, overview, help) read the caller and the waves as
// pure reads, which a replica's cache may answer; every command that
// may change something reads them, the caller included, from what the
// store holds, so a revoked role is never accepted.
func TestOnlyPureReadsMayBeCached(t *testing.T) {
	b, err := bolt.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	spy := &readSpy{Store: b}
	f := newFixtureOn(t, spy)
	tests := []struct {
		line string
		pure bool
	}{
		{"kim: status b3/BUF", true},
		{"kim: overview", true},
		{"kim: help", true},
		{"kim: hjælp status", true},
		{"kim: wave", false}, // a group without its subcommand is refused, on what the store holds
		{"kim: guides b3", true},
		{"kim: my", true},
		{"kim: wave list", true},
		{"kim: no-such-command", true},
		{"anna: role @vera ks", false},
		{"kim: role @vera viewer", false}, // refused: kim is not admin, and that was read from the store
		{"maria: done b3/BUF kickoff", false},
		{"anna: wave create b9 2027-05-03", false},
		{"kim: lang en", false},
	}
	spy.taken()
	for _, tt := range tests {
		// What an adapter asks before it runs a line says what running it
		// reads.
		if _, line, _ := strings.Cut(tt.line, ": "); f.d.PureRead(line) != tt.pure {
			t.Errorf("PureRead(%q) = %v, want %v", line, !tt.pure, tt.pure)
		}
		f.do(tt.line)
		reads := spy.taken()
		if len(reads) == 0 {
			t.Errorf("%s: read nothing", tt.line)
		}
		for _, pure := range reads {
			if pure != tt.pure {
				t.Errorf("%s: a read with pure %v, want %v", tt.line, pure, tt.pure)
				break
			}
		}
	}
}

// TestIdentityIsAPureRead: how a renderer shows a person decides
// nothing, so a replica's cache may answer it.
func TestIdentityIsAPureRead(t *testing.T) {
	b, err := bolt.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	spy := &readSpy{Store: b}
	f := newFixtureOn(t, spy)
	spy.taken()
	for _, id := range []string{"maria", "teams:a1b2", "nobody"} {
		if _, _, err := f.d.Identity(context.Background(), id, "teams"); err != nil {
			t.Fatal(err)
		}
		reads := spy.taken()
		if len(reads) == 0 || slices.Contains(reads, false) {
			t.Errorf("Identity of %s read %v (true: pure), want only pure reads", id, reads)
		}
	}
}

// TestUnchangedFactsAreCheckedThroughTheCache: what an adapter stores
// on every message (a name, how to reach the person) is most often what
// is stored already; a pure read, which a replica's cache may answer,
// tells so and nothing more is read or written. A new value is written
// on what the store holds, read as any change is.
func TestUnchangedFactsAreCheckedThroughTheCache(t *testing.T) {
	b, err := bolt.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	spy := &readSpy{Store: b}
	f := newFixtureOn(t, spy)
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		set    func() error
		writes int
	}{
		{"a new name", func() error { return f.d.SetName(ctx, "teams:maria1", "Maria Holm") }, 1},
		{"the same name", func() error { return f.d.SetName(ctx, "teams:maria1", "Maria Holm") }, 0},
		{"another name", func() error { return f.d.SetName(ctx, "teams:maria1", "Maria Berg") }, 1},
		{"a new address", func() error { return f.d.SetAddress(ctx, "teams:maria1", "teams", `{"a":1}`) }, 1},
		{"the same address", func() error { return f.d.SetAddress(ctx, "teams:maria1", "teams", `{"a":1}`) }, 0},
		{"another address", func() error { return f.d.SetAddress(ctx, "teams:maria1", "teams", `{"a":2}`) }, 1},
	} {
		spy.taken()
		spy.written()
		if err := tc.set(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		reads, writes := spy.taken(), spy.written()
		if writes != tc.writes {
			t.Errorf("%s: %d writes, want %d", tc.name, writes, tc.writes)
		}
		// The first read may come from the cache; a write is decided on
		// a read of what the store holds.
		if len(reads) == 0 || !reads[0] || (writes > 0) != slices.Contains(reads, false) {
			t.Errorf("%s: reads %v (true: pure) for %d writes", tc.name, reads, writes)
		}
	}
	if p, err := b.Person(ctx, "teams:maria1"); err != nil || p.Name != "Maria Berg" || p.Addresses["teams"] != `{"a":2}` {
		t.Errorf("stored %+v, %v", p, err)
	}
}
