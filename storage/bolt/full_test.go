//go:build linux

package bolt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"wavebot/storage"
	"wavebot/storage/backup"
	"wavebot/storage/storagetest"
	"wavebot/wave"
)

// smallDiskEnv names, in the test process that runs on a small file
// system of its own, the directory that file system is mounted on.
const smallDiskEnv = "WAVEBOT_TEST_SMALL_DISK"

// TestFullDiskSaysSo: on a file system with no room left, a change is
// refused as ErrFull (not as a failure of some other kind), nothing of it
// is stored, a person met for the first time is refused the same way,
// and Ping says full; once there is room again, all of it works. The
// full file system is a 4 MiB tmpfs, mounted in a mount namespace of the
// test's own (a user namespace makes that possible without privileges),
// where the test runs again as a child process.
func TestFullDiskSaysSo(t *testing.T) {
	dir := os.Getenv(smallDiskEnv)
	if dir == "" {
		runOnSmallDisk(t)
		return
	}
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		t.Fatalf("make the mounts private: %v", err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=4m"); err != nil {
		t.Fatalf("mount a small tmpfs: %v", err)
	}
	s, err := Open(filepath.Join(dir, "data"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.CreateWave(ctx, storagetest.NewWave(t, "b0", "BUF"), wave.Event{Wave: "b0"}); err != nil {
		t.Fatal(err)
	}
	filler := filepath.Join(dir, "filler")
	fillUp(t, filler)
	var err2 error
	for i := 1; i < 200 && err2 == nil; i++ {
		before := export(t, s)
		err2 = s.CreateWave(ctx, storagetest.NewWave(t, fmt.Sprint("b", i), wave.DefaultForvaltninger...), wave.Event{Wave: "b"})
		if err2 != nil {
			if !errors.Is(err2, storage.ErrFull) {
				t.Fatalf("a change on a full disk: %v, want ErrFull", err2)
			}
			if after := export(t, s); !bytes.Equal(before, after) {
				t.Fatalf("a change refused on a full disk left something:\n%s\nwant\n%s", after, before)
			}
		}
	}
	if err2 == nil {
		t.Fatal("the disk never filled up")
	}
	if _, err := s.EnsurePerson(ctx, wave.Person{ID: "new", Role: wave.RoleViewer}, wave.Event{}, false); !errors.Is(err, storage.ErrFull) {
		t.Errorf("a person met on a full disk: %v, want ErrFull", err)
	}
	if err := s.Ping(ctx); !errors.Is(err, storage.ErrFull) {
		t.Errorf("Ping on a full disk: %v", err)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping with room again: %v", err)
	}
	if _, err := s.EnsurePerson(ctx, wave.Person{ID: "new", Role: wave.RoleViewer}, wave.Event{}, false); err != nil {
		t.Errorf("a person met with room again: %v", err)
	}
}

// runOnSmallDisk runs TestFullDiskSaysSo again in a child process with a
// mount namespace of its own, and reports what it reported: with a user
// namespace too, which lets anyone mount there, or else as root (as CI
// runs, and as podman's containers need).
func runOnSmallDisk(t *testing.T) {
	var refused []error
	for _, attr := range []*syscall.SysProcAttr{
		{
			Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS,
			UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
			GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
		},
		{Cloneflags: syscall.CLONE_NEWNS},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestFullDiskSaysSo$", "-test.v")
		cmd.Env = append(os.Environ(), smallDiskEnv+"="+t.TempDir())
		cmd.SysProcAttr = attr
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		switch {
		case err == nil && strings.Contains(string(out), "--- PASS: TestFullDiskSaysSo"):
			return
		case err != nil && !errors.As(err, &exit):
			// The kernel refused this namespace to this user.
			refused = append(refused, err)
		default:
			t.Fatalf("on a small file system: %v\n%s", err, out)
		}
	}
	t.Fatalf("the test needs a mount namespace of its own for a small file system: user namespaces, or root: %v", refused)
}

// fillUp writes path until the file system has no room left.
func fillUp(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			return
		}
	}
}

// export is the store's whole state as an export document.
func export(t *testing.T, s storage.Store) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := backup.Export(context.Background(), s, &b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
