package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// consoleClockFile is the file in the data directory that keeps the
// console's simulated clock between runs.
const consoleClockFile = "console-clock"

// keptClock is the console's simulated clock as the last run left it, in
// a file of the embedded store's data directory: a later run goes on from
// there, so the log's lines keep their order.
type keptClock struct{ path string }

func newKeptClock(dataDir string) keptClock {
	return keptClock{path: filepath.Join(dataDir, consoleClockFile)}
}

// load returns the kept time; false when none is kept yet.
func (k keptClock) load() (time.Time, bool, error) {
	b, err := os.ReadFile(k.path)
	if errors.Is(err, fs.ErrNotExist) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read the console's clock: %w", err)
	}
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(string(b)))
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read the console's clock in %s: %w (remove the file to start the clock afresh)", k.path, err)
	}
	return t, true, nil
}

// keep writes t, replacing the kept time whole or not at all.
func (k keptClock) keep(t time.Time) error {
	tmp := k.path + ".new"
	if err := os.WriteFile(tmp, []byte(t.UTC().Format(time.RFC3339Nano)+"\n"), 0o644); err != nil {
		return fmt.Errorf("keep the console's clock: %w", err)
	}
	if err := os.Rename(tmp, k.path); err != nil {
		return fmt.Errorf("keep the console's clock: %w", err)
	}
	return nil
}
