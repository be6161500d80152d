package sim

import "unsafe"

// prefetchAt issues a prefetch (PREFETCHT0) of base + js[i]<<shift for
// the n indexes at js. A prefetch has no effect on what is computed and
// never faults.
//
//go:noescape
func prefetchAt(base unsafe.Pointer, shift uint64, js *int32, n int)
