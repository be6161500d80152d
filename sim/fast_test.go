package sim

import (
	"math"
	"runtime"
	"sync"
	"testing"
)

// The kernel decides trust with the cheap poly2 away from the threshold and
// with poly6 inside trustBand. TestTrustFilter proves the band wide enough:
// it bounds |poly6(f)/poly2(f) - 1| over every float32 f in [-0.5, 0.5]
// (every 61st one with -short), checks the inequalities of the proof in
// fast.go, and compares the two-stage decision with the precise one on a
// grid of exponents and of uniforms around each threshold.
func TestTrustFilter(t *testing.T) {
	step := uint32(1)
	if testing.Short() {
		step = 61
	}
	const top = 0x3f000000 // bits of 0.5
	workers := runtime.GOMAXPROCS(0)
	maxRel := make([]float64, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := 0.0
			for b := uint32(w) * step; b <= top; b += uint32(workers) * step {
				for _, sign := range []uint32{0, 1 << 31} {
					f := math.Float32frombits(b | sign)
					r := math.Abs(float64(poly6(f))/float64(poly2(f)) - 1)
					if !(r <= m) { // catches NaN
						m = r
					}
				}
			}
			maxRel[w] = m
		}()
	}
	wg.Wait()
	delta := 0.0
	for _, m := range maxRel {
		delta = math.Max(delta, m)
	}
	t.Logf("max |poly6/poly2 - 1| = %.4g", delta)
	if !(delta <= trustDelta) {
		t.Fatalf("max |poly6/poly2 - 1| = %g, above trustDelta = %g", delta, trustDelta)
	}
	bLo, bHi := math.Float32frombits(bandLo), math.Float32frombits(bandHi)
	if bLo != float32(1-trustBand) || bHi != float32(1+trustBand) {
		t.Errorf("band [%g, %g], want float32(1 -+ %g)", bLo, bHi, trustBand)
	}
	r := math.Pow((1-0x1p-24)/(1+0x1p-24), 2)
	if lo := float64(bLo) * (1 + trustDelta) / r; !(lo < 1-1e-6) {
		t.Errorf("lo(1+delta)/r = %g, not below 1", lo)
	}
	if hi := float64(bHi) * (1 - trustDelta) * r; !(hi > 1+1e-6) {
		t.Errorf("hi(1-delta)r = %g, not above 1", hi)
	}

	// The decision as the kernel makes it.
	decide := func(ti int32, f, u float32) bool {
		vc := u * (1 + scale2(poly2(f), ti))
		tr := vc < 1
		if inBand(vc) {
			tr = u*(1+scale2(poly6(f), ti)) < 1
		}
		return tr
	}
	n, band := 0, 0
	for x := float32(-127.5); x <= 128; x += 1.0 / 16 {
		ti, f := split2(clamp2(x))
		e := float64(scale2(poly6(f), ti))
		// Every 24-bit uniform within 2048 steps of the threshold 1/(1+e),
		// and a coarse grid over [0, 1).
		k0 := int64(math.Ldexp(1/(1+e), 24))
		check := func(k int64) {
			if k < 0 || k >= 1<<24 {
				return
			}
			u := float32(k) * u24
			want := u*(1+scale2(poly6(f), ti)) < 1
			if got := decide(ti, f, u); got != want {
				t.Fatalf("x = %g, u = %g: decision %v, precise %v", x, u, got, want)
			}
			vc := u * (1 + scale2(poly2(f), ti))
			in := bLo <= vc && vc <= bHi
			if inBand(vc) != in {
				t.Fatalf("inBand(%g) = %v, want %v", vc, !in, in)
			}
			if in {
				band++
			}
			n++
		}
		for k := k0 - 2048; k <= k0+2048; k++ {
			check(k)
		}
		for k := int64(0); k < 1<<24; k += 1 << 12 {
			check(k)
		}
	}
	t.Logf("%d decisions checked, %d in the band", n, band)
}
