package sim

import (
	"math"
	"testing"
)

// With learned traits the start traits are not kept but redrawn from the
// init streams: before any step they are the current traits.
func TestStartTraitsRedrawn(t *testing.T) {
	sc := loadExample(t, "ppb3.yaml")
	sc.Population.Size = 10_000
	s, err := New(sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !s.learned {
		t.Fatal("ppb3 does not learn traits")
	}
	for i := range s.n {
		if s.traitStart(i) != s.ag.trait[i] {
			t.Fatalf("agent %d: start trait %g, trait %g", i, s.traitStart(i), s.ag.trait[i])
		}
	}
	s.Step()
	moved := 0
	for i := range s.n {
		if s.traitStart(i) != s.ag.trait[i] {
			moved++
		}
	}
	if moved == 0 {
		t.Error("no trait moved in a step")
	}
}

// The counts rebuilt from the records equal a direct count, for every
// width of the counts.
func TestScatterCounts(t *testing.T) {
	sc := loadExample(t, "ppb3.yaml")
	sc.Population.Size = 10_000
	for _, fw := range []uint{8, 16, 32} {
		s, err := New(sc, Options{Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		s.kern.fw = fw
		s.cnt = make([]uint32, int(fw/8)*s.n)
		for range 3 {
			s.Step()
		}
		var want = make([][4]uint32, s.n)
		for i, j := range s.recJ {
			if j < 0 {
				continue
			}
			f := s.recF[i]
			want[j][fApproached]++
			want[j][fTrusted] += uint32(f & recTrusted)
			if f&recEngaged != 0 {
				if f&recConfirmed != 0 {
					want[j][fHonoured]++
				} else {
					want[j][fBetrayed]++
				}
			}
		}
		nz := 0
		for j := range s.n {
			if got := s.counts(j, fw); got != want[j] {
				t.Fatalf("fw %d, trustee %d: counts %v, want %v", fw, j, got, want[j])
			}
			if want[j][fHonoured] > 0 {
				nz++
			}
		}
		if nz == 0 {
			t.Errorf("fw %d: no honoured engagements counted", fw)
		}
	}
}

// TestClampB checks the branch-free clamp against its definition, for
// values below, inside and above the bounds, the bounds themselves,
// negative numbers and the signed zeros.
func TestClampB(t *testing.T) {
	bounds := [][2]float32{{0, 1}, {0.001, 0.999}, {0.2, 1}, {0.05, 0.05}}
	xs := []float32{-1e30, -2, -1, -0.5, -1e-30, float32(math.Copysign(0, -1)), 0, 1e-30, 0.001, 0.05, 0.2, 0.3, 0.999, 1, 1.0000001, 2, 1e6, 1e30}
	for _, bd := range bounds {
		lo, hi := bd[0], bd[1]
		for _, x := range xs {
			want := x
			if want < lo {
				want = lo
			}
			if want > hi {
				want = hi
			}
			if want == 0 {
				want = 0 // -0 becomes +0
			}
			if got := clampB(x, lo, hi); math.Float32bits(got) != math.Float32bits(want) {
				t.Errorf("clampB(%g, %g, %g) = %g, want %g", x, lo, hi, got, want)
			}
		}
	}
}
