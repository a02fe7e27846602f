package commands

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"wavebot/internal/clock"
	"wavebot/storage"
	"wavebot/storage/bolt"
	"wavebot/wave"
)

// fixture is a dispatcher on a fresh bolt store with anna as admin, a wave
// b3 with BUF and SUF enrolled, maria as BUF contact (of the enrolment
// and of BUF's KØR workflow track), kim as ks and viewer vera.
type fixture struct {
	t     testing.TB
	d     *Dispatcher
	store storage.Store
	clock *clock.Fake
}

var start = time.Date(2027, 1, 20, 11, 0, 0, 0, time.UTC)

func newFixture(t testing.TB) *fixture {
	t.Helper()
	s, err := bolt.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return newFixtureOn(t, s)
}

// newFixtureOn builds the fixture on store s, which it closes at the end.
func newFixtureOn(t testing.TB, s storage.Store) *fixture {
	t.Helper()
	f := newBareFixture(t, s)
	for _, line := range []string{
		"anna: wave create b3 2027-02-01 Bølge 3",
		"anna: wave enroll b3 BUF SUF",
		"anna: contact b3/BUF @maria",
		"anna: workflow BUF contact @maria",
		"anna: role @kim ks",
		"vera: help",
	} {
		f.ok(line)
	}
	return f
}

// newBareFixture is a dispatcher on store s, which it closes at the end,
// with nothing stored yet: the first person to write is admin.
func newBareFixture(t testing.TB, s storage.Store) *fixture {
	t.Helper()
	t.Cleanup(func() { s.Close() })
	clk := clock.NewFake(start)
	d, err := New(Config{
		Store: s, Clock: clk, Calendar: wave.Copenhagen(), Template: wave.DefaultTemplate(),
		Forvaltninger: wave.DefaultForvaltninger, Lang: "da", BootstrapAdmin: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, d: d, store: s, clock: clk}
}

// do runs "person: command".
func (f *fixture) do(line string) Reply {
	f.t.Helper()
	who, text, _ := strings.Cut(line, ": ")
	return f.d.Handle(context.Background(), Request{Caller: Caller{ID: who, Name: who}, Text: text})
}

// ok runs a command that must succeed and returns its reply as text.
func (f *fixture) ok(line string) string {
	f.t.Helper()
	r := f.do(line)
	if r.Refused {
		f.t.Fatalf("%s: refused: %v", line, r.Lines)
	}
	return text(r)
}

// refused runs a command that must be refused, with want in its reason.
func (f *fixture) refused(line, want string) {
	f.t.Helper()
	r := f.do(line)
	if !r.Refused {
		f.t.Errorf("%s: not refused: %s", line, text(r))
		return
	}
	if !strings.Contains(r.Lines[0], want) {
		f.t.Errorf("%s: reason %q does not contain %q", line, r.Lines[0], want)
	}
}

// text flattens a reply for assertions.
func text(r Reply) string {
	b, _ := json.Marshal(r)
	return string(b)
}

// snapshot captures everything the store holds that commands can change.
func (f *fixture) snapshot() string {
	f.t.Helper()
	ctx := context.Background()
	var b strings.Builder
	waves, err := f.store.Waves(ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	ids := []string{""}
	for _, w := range waves {
		ids = append(ids, w.ID)
	}
	enc := json.NewEncoder(&b)
	enc.Encode(waves)
	for _, id := range ids {
		evs, _ := f.store.Events(ctx, id, "", 10000)
		enc.Encode(evs)
	}
	for _, p := range []string{"anna", "maria", "kim", "vera", "x", "nobody"} {
		person, _ := f.store.Person(ctx, p)
		enc.Encode(person)
	}
	for _, fv := range wave.DefaultForvaltninger {
		w, _ := f.store.Workflow(ctx, fv)
		enc.Encode(w)
	}
	return b.String()
}

func wantIn(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("reply lacks %q:\n%s", w, got)
		}
	}
}
