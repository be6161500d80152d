//go:build !linux

package sim

// makeHuge is make([]T, n) where madvise's huge pages are not available.
func makeHuge[T any](n int, pad *int64) []T { return make([]T, n) }
