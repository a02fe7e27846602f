package commands

import (
	"context"
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
	mu    sync.Mutex
	reads []bool
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
