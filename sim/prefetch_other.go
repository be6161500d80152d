//go:build !amd64

package sim

import "unsafe"

// prefetchAt is a no-op where the kernel has no prefetch instruction (it
// only asks for data early; see prefetch_amd64.go).
func prefetchAt(base unsafe.Pointer, shift uint64, js *int32, n int) {}
