package redis

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"wavebot/storage"
	"wavebot/storage/backup"
	"wavebot/storage/redis/redistest"
	"wavebot/storage/storagetest"
	"wavebot/wave"
)

// TestFullRedisSaysSo: a Redis at its maxmemory with eviction off
// refuses every change; the store says it is full (not unavailable),
// nothing is changed, Ping says full too, and all of it passes once
// Redis has room again.
func TestFullRedisSaysSo(t *testing.T) {
	srv := redistest.Start(t, "--maxmemory-policy", "noeviction")
	s := open(t, srv.URL(), redistest.Prefix(t))
	ctx := context.Background()
	if err := s.CreateWave(ctx, storagetest.NewWave(t, "b3", "BUF"), wave.Event{Wave: "b3"}); err != nil {
		t.Fatal(err)
	}
	before := dump(t, s)
	srv.ConfigSet(t, "maxmemory", "1") // far below what Redis holds: full
	changes := map[string]func() error{
		"create a wave": func() error { return s.CreateWave(ctx, storagetest.NewWave(t, "b4", "BUF"), wave.Event{Wave: "b4"}) },
		"change a wave": func() error { return storagetest.ChangeOneActivity(ctx, s, "b3", 0, "full") },
		"meet a person": func() error {
			_, err := s.EnsurePerson(ctx, wave.Person{ID: "new", Role: wave.RoleViewer}, wave.Event{}, false)
			return err
		},
	}
	for name, change := range changes {
		if err := change(); !errors.Is(err, storage.ErrFull) || errors.Is(err, storage.ErrUnavailable) {
			t.Errorf("%s on a full Redis: %v, want full and not unavailable", name, err)
		}
	}
	if err := s.Ping(ctx); !errors.Is(err, storage.ErrFull) {
		t.Errorf("Ping on a full Redis: %v", err)
	}
	if _, err := s.Wave(ctx, "b3"); err != nil {
		t.Errorf("a read on a full Redis: %v", err)
	}
	if after := dump(t, s); !bytes.Equal(before, after) {
		t.Errorf("a full Redis changed:\n%s\nwant\n%s", after, before)
	}
	srv.ConfigSet(t, "maxmemory", "0")
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping with room again: %v", err)
	}
	for name, change := range changes {
		if err := change(); err != nil {
			t.Errorf("%s with room again: %v", name, err)
		}
	}
}

// dump is the store's whole state as an export.
func dump(t *testing.T, s storage.Store) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := backup.Export(context.Background(), s, &b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
