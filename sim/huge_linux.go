package sim

import (
	"syscall"
	"unsafe"
)

// hugePage is the size of a transparent huge page on amd64 and arm64.
const hugePage = 2 << 20

// makeHuge returns a zeroed slice of n Ts for an array that the kernel
// reads at random places, backed by transparent huge pages where the
// kernel allows them (madvise MADV_HUGEPAGE; a kernel whose transparent
// huge pages are "never" leaves the pages as they are). With 4 KiB pages
// every such read beyond the TLB's reach (about 8 MiB) costs a page walk;
// with 2 MiB pages the reach is a few GiB. Arrays of at least 16 MiB
// start on a huge page's boundary, which costs up to 2 MiB of padding
// (added to *pad, in bytes, which StateBytes counts); smaller ones are
// advised as they lie. The advice's errors are ignored.
func makeHuge[T any](n int, pad *int64) (s []T) {
	var z T
	size := uintptr(n) * unsafe.Sizeof(z)
	if size < 4<<20 {
		return make([]T, n)
	}
	if size >= 16<<20 {
		extra := int((hugePage + unsafe.Sizeof(z) - 1) / unsafe.Sizeof(z))
		all := make([]T, n+extra)
		p := uintptr(unsafe.Pointer(&all[0]))
		off := int(((p+hugePage-1)&^(hugePage-1) - p) / unsafe.Sizeof(z))
		s = all[off : off+n : off+n]
		*pad += int64(extra) * int64(unsafe.Sizeof(z))
	} else {
		s = make([]T, n)
	}
	p := uintptr(unsafe.Pointer(&s[0]))
	start := (p + 4095) &^ 4095
	b := unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(&s[0]), start-p)), size-(start-p))
	_ = syscall.Madvise(b, syscall.MADV_HUGEPAGE)
	return s
}
