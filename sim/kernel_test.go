package sim

import (
	"math"
	"slices"
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
		if fw != 8 {
			s.wc = nil // only 8-bit counts have the copy beside w
		}
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
			if s.wc != nil && s.wc[j] != uint64(math.Float32bits(s.w[j]))|uint64(s.cnt[j])<<32 {
				t.Fatalf("fw %d, trustee %d: wc %#x, want w %g and counts %#x", fw, j, s.wc[j], s.w[j], s.cnt[j])
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

// TestStakeLevels checks the stake levels against nextStake: every level's
// successors are the levels nextStake computes, the defaults' levels are
// the six stakes they reach, and factors whose products round refuse to
// be tabulated (the kernel then keeps float32 stakes).
func TestStakeLevels(t *testing.T) {
	for _, tc := range []struct {
		start, shrink, grow float32
		want                []float32 // nil: too many levels
	}{
		{0.2, 0.5, 2, []float32{0.2, 0.4, 0.8, 1, 0.5, 0.25}},
		{0.1, 0.5, 2, []float32{0.1, 0.2, 0.4, 0.8, 1, 0.5, 0.25, 0.125}},
		{1, 0.5, 2, []float32{1}},
		{0.5, 1, 1, []float32{0.5}},
		{0.01, 0.7, 1.3, nil},
	} {
		k := kern{stakeStart: tc.start, stakeT: [4]float32{1, tc.shrink, tc.grow}}
		lv, ok := stakeLevels(k.stakeStart, k.stakeT)
		if tc.want == nil {
			if ok {
				t.Errorf("start %g, x%g/x%g: %d levels, want more than %d", tc.start, tc.shrink, tc.grow, len(lv), stakeLevelMax)
			}
			continue
		}
		if !ok {
			t.Fatalf("start %g, x%g/x%g: too many levels", tc.start, tc.shrink, tc.grow)
		}
		got := make([]float32, len(lv))
		for i, l := range lv {
			got[i] = l.v
			for o, nx := range l.next {
				if want := k.nextStake(l.v, uint32(o)); lv[nx].v != want {
					t.Errorf("start %g: level %g, outcome %d: next %g, want %g", tc.start, l.v, o, lv[nx].v, want)
				}
			}
		}
		slices.Sort(got)
		want := slices.Clone(tc.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("start %g, x%g/x%g: levels %v, want %v", tc.start, tc.shrink, tc.grow, got, want)
		}
	}
}
