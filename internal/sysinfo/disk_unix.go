//go:build unix

package sysinfo

import "syscall"

// FreeDisk returns the bytes free to an unprivileged user on the file
// system holding dir; 0 when unknown.
func FreeDisk(dir string) int64 {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0
	}
	return int64(st.Bavail) * int64(st.Bsize)
}
