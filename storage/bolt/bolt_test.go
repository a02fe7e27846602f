package bolt

import (
	"strings"
	"testing"

	"wavebot/storage"
	"wavebot/storage/storagetest"
	"wavebot/wave"
)

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T, due storage.DueFunc) storage.Store {
		s, err := Open(t.TempDir(), due)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestSecondOpenFailsClearly(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = Open(dir, nil)
	if err == nil || !strings.Contains(err.Error(), "in use by another wavebot process") {
		t.Fatalf("second Open err = %v, want a clear in-use error", err)
	}
}

func TestStatePersistsAcrossOpens(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := storagetest.NewWave(t, "b3", "BUF")
	if err := s.CreateWave(t.Context(), w, w0(w.ID)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := s.Wave(t.Context(), "b3"); err != nil || len(got.Enrolments) != 1 {
		t.Errorf("after reopen: %+v, %v", got, err)
	}
}

func w0(id string) wave.Event { return wave.Event{Actor: "anna", Wave: id, Action: "wave.create"} }
