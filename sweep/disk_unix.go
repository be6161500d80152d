//go:build unix

package sweep

import "syscall"

// freeBytes is the space available to this user on the file system that
// holds dir, or -1 when it cannot be found.
func freeBytes(dir string) int64 {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return -1
	}
	return int64(st.Bavail) * int64(st.Bsize)
}
