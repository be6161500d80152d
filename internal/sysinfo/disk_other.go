//go:build !unix

package sysinfo

// FreeDisk returns 0 (unknown) on systems without statfs.
func FreeDisk(dir string) int64 { return 0 }
