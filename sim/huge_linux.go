package sim

import (
	"syscall"
	"unsafe"
)

// hugePage is the size of a transparent huge page on amd64 and arm64.
const hugePage = 2 << 20

// makeHuge returns a zeroed slice of n Ts for an array that the kernel
// reads at random places. An array of at least 16 MiB starts on a huge
// page's boundary, which costs up to 2 MiB of padding (added to *pad, in
// bytes, which StateBytes counts), and is advised to be backed by
// transparent huge pages (madvise MADV_HUGEPAGE; a kernel whose
// transparent huge pages are "never" leaves the pages as they are; the
// advice's errors are ignored). With 4 KiB pages every such read beyond
// the TLB's reach (about 8 MiB) costs a page walk; with 2 MiB pages the
// reach is a few GiB (PPB-3 at 10^7: 1.33e7 -> 1.44e7 interactions/s).
// A smaller array is an ordinary slice: advising one of 4 to 16 MiB, or
// aligning it, measured no gain at 10^6.
func makeHuge[T any](n int, pad *int64) []T {
	var z T
	size := uintptr(n) * unsafe.Sizeof(z)
	if size < 16<<20 {
		return make([]T, n)
	}
	extra := int((hugePage + unsafe.Sizeof(z) - 1) / unsafe.Sizeof(z))
	all := make([]T, n+extra)
	p := uintptr(unsafe.Pointer(&all[0]))
	off := int(((p+hugePage-1)&^(hugePage-1) - p) / unsafe.Sizeof(z))
	s := all[off : off+n : off+n]
	*pad += int64(extra) * int64(unsafe.Sizeof(z))
	_ = syscall.Madvise(unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), size), syscall.MADV_HUGEPAGE)
	return s
}
