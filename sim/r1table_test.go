package sim

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/trustlab/trustlab/model"
)

// The tabulated R1 (and E1 from it) is within 2e-9 of the model
// package's exact terms (gonum's RegIncBeta) over the beliefs the engine
// reaches: float32 a and b with a+b in the table's range, for the
// multipliers 1.5 to 10, on the range of PPB-2 (n0 = 2, gamma = 0.98,
// w_minus = 2: a+b in [2, 100]) and the widest range a table takes
// ([r1NMin, r1NMax]). The points are random (log-uniform in a+b, uniform
// in p and again near the break-even 1/m, where R1 bends most) and, on PPB-2's range,
// every cell's centre, where an interpolation's error is largest.
func TestR1Table(t *testing.T) {
	const bound = 2e-9
	ranges := [][2]float64{{2, 100}, {r1NMin, r1NMax}}
	mults := []float64{1.5, 2, 3, 5, 10}
	if testing.Short() {
		ranges, mults = ranges[:1], []float64{1.5, 3, 10}
	}
	for _, rg := range ranges {
		for _, mult := range mults {
			tb := newR1Table(mult, rg[0], rg[1], 2)
			r := rand.New(rand.NewPCG(uint64(mult*10), uint64(rg[1])))
			worst, wa, wb := 0.0, 0.0, 0.0
			check := func(p, n float64) {
				a, b := float64(float32(p*n)), float64(float32((1-p)*n))
				if !(a > 0 && b > 0 && a+b >= rg[0] && a+b <= rg[1]) {
					return
				}
				r1, ok := tb.r1(a, b)
				if !ok {
					t.Fatalf("m %g: a %g, b %g not in the table [%g, %g]", mult, a, b, rg[0], rg[1])
				}
				e1 := r1 + mult*(a/(a+b)) - 1
				we1, wr1 := model.InvestmentTerms(model.Belief{A: a, B: b}, mult)
				d := max(math.Abs(r1-wr1), math.Abs(e1-we1))
				if d > worst {
					worst, wa, wb = d, a, b
				}
			}
			cases := 40000
			if testing.Short() {
				cases = 10000
			}
			ln, lh := math.Log(rg[0]), math.Log(rg[1])
			for range cases {
				n := math.Exp(ln + (lh-ln)*r.Float64())
				check(r.Float64(), n)
				check(1/mult+0.2*(r.Float64()-0.5)/math.Sqrt(n), n)
			}
			if !testing.Short() && rg[1] <= 100 {
				for j := 0; j < tb.ns-1; j++ {
					y := tb.sLo + (float64(j)+0.5)/tb.ss
					y2 := y * y
					y4 := y2 * y2
					n := y4 * y4
					for i := 0; i < tb.np-1; i++ {
						check((float64(i)+0.5)/tb.sp, n)
					}
				}
			}
			if worst > bound {
				t.Errorf("m %g, a+b in [%g, %g]: |error| %.3g at a %g, b %g (p %.5f, n %.3f), above %g",
					mult, rg[0], rg[1], worst, wa, wb, wa/(wa+wb), wa+wb, bound)
			}
			t.Logf("m %g, a+b in [%g, %g], %d x %d nodes (%d KB): largest |error| %.2g at p %.4f, n %.2f",
				mult, rg[0], rg[1], tb.np, tb.ns, len(tb.v)*8/1024, worst, wa/(wa+wb), wa+wb)
		}
	}
}

// Beliefs outside the table's range are refused (the kernel then
// computes the terms exactly), and so are all beliefs for a nil table.
func TestR1TableRange(t *testing.T) {
	tb := newR1Table(3, 2, 100, 1)
	for _, c := range []struct {
		a, b float64
		ok   bool
	}{
		{1, 1, true}, {0.5, 1.4, false}, {50, 50, true}, {60, 41, false}, {1e-30, 2, true}, {2, 1e-30, true},
		{math.NaN(), 1, false}, {math.Inf(1), 1, false},
	} {
		if _, ok := tb.r1(c.a, c.b); ok != c.ok {
			t.Errorf("r1(%g, %g): ok %v, want %v", c.a, c.b, ok, c.ok)
		}
	}
	var none *r1Table
	if _, ok := none.r1(1, 1); ok {
		t.Error("a nil table covers a belief")
	}
	for _, c := range []struct {
		n0, gamma, wPlus, wMinus float64
		lo, hi                   float64
		ok                       bool
	}{
		{2, 0.98, 1, 2, 2 * (1 - 1e-4), 100 * (1 + 1e-4), true},
		{2, 1, 1, 2, 2 * (1 - 1e-4), r1NMax, true},
		{0.01, 0.9, 1, 1, r1NMin, (0.01 + 9) * (1 + 1e-4), true},
		{500, 0.98, 1, 2, 0, 0, false},
	} {
		m := model.Default()
		m.N0, m.Gamma, m.WPlus, m.WMinus = c.n0, c.gamma, c.wPlus, c.wMinus
		lo, hi, ok := r1Range([]model.Model{m})
		if ok != c.ok || (ok && (math.Abs(lo-c.lo) > 1e-12 || math.Abs(hi-c.hi) > 1e-9*c.hi)) {
			t.Errorf("%+v: range [%g, %g] %v", c, lo, hi, ok)
		}
	}
}

// BenchmarkR1Table evaluates the table at PPB-2's beliefs (m = 3, a+b in
// [2, 100]); BenchmarkInvestTerms computes the terms by the continued
// fraction and the model package.
func BenchmarkR1Table(b *testing.B) {
	tb := newR1Table(3, 2, 100, 1)
	as, bs := benchBeliefs()
	i, sum := 0, 0.0
	for b.Loop() {
		v, _ := tb.r1(as[i&1023], bs[i&1023])
		sum += v
		i++
	}
	if sum < 0 {
		b.Fatal(sum)
	}
}
