//go:build !unix

package sweep

// freeBytes is -1 where the free space cannot be found: the default
// --max-disk then does not limit.
func freeBytes(dir string) int64 { return -1 }
