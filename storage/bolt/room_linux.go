package bolt

import (
	"path/filepath"
	"syscall"
)

// freeSpace is how many bytes the file system holding path has free for
// an unprivileged user.
func freeSpace(path string) (uint64, bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(filepath.Dir(path), &st); err != nil {
		return 0, false
	}
	return st.Bavail * uint64(st.Bsize), true
}
