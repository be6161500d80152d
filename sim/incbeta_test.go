package sim

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/trustlab/trustlab/model"
	"gonum.org/v1/gonum/stat/distuv"
)

// The kernel's E1 and R1 (one continued fraction and the recurrence
// I_t(a+1, b) = I_t(a, b) - t^a (1-t)^b / (a B(a, b))) and the intended
// fraction f = sigmoid(beta*(E1 - lambda*R1)) differ from the model
// package's (gonum's RegIncBeta twice) by at most 1e-7, over a, b on a
// log grid of 1e-3..1e3 (every belief the engine reaches for n0 <= 2 and
// gamma >= 0.99 lies within it: a+b stays below (gamma*w_max +
// (1-gamma)*n0)/(1-gamma)), the multipliers 1.5..10, and lambda, beta
// from their defaults to the calibrated and beyond.
func TestInvestTerms(t *testing.T) {
	var grid []float64
	for e := -3.0; e <= 3.0; e += 0.05 {
		grid = append(grid, math.Pow(10, e))
	}
	// float32 beliefs, as the engine keeps them.
	for i := range grid {
		grid[i] = float64(float32(grid[i]))
	}
	worst := [3]float64{}
	n := 0
	for _, mult := range []float64{1.5, 2, 3, 5, 10} {
		lnT, ln1mT := math.Log(1/mult), math.Log1p(-1/mult)
		for _, a := range grid {
			for _, b := range grid {
				e1, r1 := investTerms(a, b, mult, lnT, ln1mT)
				we1, wr1 := model.InvestmentTerms(model.Belief{A: a, B: b}, mult)
				de, dr := math.Abs(e1-we1), math.Abs(r1-wr1)
				worst[0], worst[1] = max(worst[0], de), max(worst[1], dr)
				if !(de <= 1e-7 && dr <= 1e-7) {
					t.Fatalf("a %g, b %g, m %g: E1 %.12g (model %.12g), R1 %.12g (model %.12g)", a, b, mult, e1, we1, r1, wr1)
				}
				for _, lam := range []float64{0.37, 1, 2.72} {
					for _, beta := range []float64{5, 9.52, 50} {
						m := model.Default()
						m.Beta = beta
						f, wf := m.Fraction(e1-lam*r1), m.Fraction(we1-lam*wr1)
						df := math.Abs(f - wf)
						worst[2] = max(worst[2], df)
						if !(df <= 1e-7) {
							t.Fatalf("a %g, b %g, m %g, lambda %g, beta %g: f %.12g, model %.12g", a, b, mult, lam, beta, f, wf)
						}
						n++
					}
				}
			}
		}
	}
	t.Logf("%d cases: largest |error| E1 %.2g, R1 %.2g, f %.2g", n, worst[0], worst[1], worst[2])
}

// lbeta against math.Lgamma, relative to the size of the terms.
func TestLbeta(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	worst := 0.0
	for range 100000 {
		a, b := math.Pow(10, -6+12*r.Float64()), math.Pow(10, -6+12*r.Float64())
		la, _ := math.Lgamma(a)
		lb, _ := math.Lgamma(b)
		lab, _ := math.Lgamma(a + b)
		want := la + lb - lab
		scale := math.Abs(la) + math.Abs(lb) + math.Abs(lab) + 1
		d := math.Abs(lbeta(a, b)-want) / scale
		worst = max(worst, d)
		if d > 2e-11 {
			t.Fatalf("lbeta(%g, %g) = %.17g, lgamma gives %.17g", a, b, lbeta(a, b), want)
		}
	}
	t.Logf("largest error relative to |lgamma| terms: %.2g", worst)
}

// The beta-binomial amount by inversion has the model's pmf: for several
// (n, alpha, beta), a uniform in the middle of [cdf(x-1), cdf(x)) (the
// cdf summed from model.BetaBinomial.Prob) draws x, for every x whose
// interval is wider than 1e-9.
func TestBBInverse(t *testing.T) {
	for _, c := range []struct {
		n           int
		alpha, beta float64
	}{{10, 7.6, 2.4}, {10, 1e-5, 10}, {10, 10, 1e-5}, {1, 0.5, 0.5}, {20, 0.3, 1.2}, {64, 15, 0.9}} {
		d := model.BetaBinomial{N: c.n, Alpha: c.alpha, Beta: c.beta}
		lo := 0.0
		for x := 0; x <= c.n; x++ {
			hi := lo + d.Prob(x)
			if hi-lo > 1e-9 {
				u := (lo + hi) / 2
				if got := bbInverse(c.n, c.alpha, c.beta, u); got != x {
					t.Errorf("%+v, u %.12g in [cdf(%d), cdf(%d)) = [%.12g, %.12g): drew %d", c, u, x-1, x, lo, hi, got)
				}
			}
			lo = hi
		}
	}
}

func BenchmarkInvestTerms(b *testing.B) {
	as, bs := benchBeliefs()
	lnT, ln1mT := math.Log(1.0/3), math.Log1p(-1.0/3)
	b.Run("kernel", func(b *testing.B) {
		s, i := 0.0, 0
		for b.Loop() {
			e1, r1 := investTerms(as[i&1023], bs[i&1023], 3, lnT, ln1mT)
			s += e1 + r1
			i++
		}
	})
	b.Run("model", func(b *testing.B) {
		s, i := 0.0, 0
		for b.Loop() {
			e1, r1 := model.InvestmentTerms(model.Belief{A: as[i&1023], B: bs[i&1023]}, 3)
			s += e1 + r1
			i++
		}
	})
}

func BenchmarkIncBetaParts(b *testing.B) {
	as, bs := benchBeliefs()
	b.Run("lbeta", func(b *testing.B) {
		s, i := 0.0, 0
		for b.Loop() {
			s += lbeta(as[i&1023], bs[i&1023])
			i++
		}
	})
	b.Run("cf", func(b *testing.B) {
		s, i := 0.0, 0
		for b.Loop() {
			a, bb, x := as[i&1023], bs[i&1023], 1.0/3
			if x*(a+bb+2) >= a+1 {
				a, bb, x = bb, a, 1-x
			}
			v, _ := betaCF(a, bb, x)
			s += v
			i++
		}
	})
}

// The kernel's intended fraction is the model's within 5e-9 over every
// balance that matters (and the clamps beyond).
func TestFraction(t *testing.T) {
	m := model.Default()
	worst := 0.0
	for x := -60.0; x <= 60; x += 1e-4 {
		m.Beta = 1
		got, want := fraction(x), m.Fraction(x)
		d := math.Abs(got - want)
		worst = max(worst, d)
		if !(d <= 5e-9) {
			t.Fatalf("fraction(%g) = %.12g, model %.12g", x, got, want)
		}
	}
	for _, x := range []float64{math.Inf(1), math.Inf(-1), 1e300, -1e300} {
		if got, want := fraction(x), m.Fraction(x); got != want {
			t.Errorf("fraction(%g) = %g, model %g", x, got, want)
		}
	}
	t.Logf("largest |error| %.2g", worst)
}

// The kernel's beta variates have the Beta(a, b) distribution: over
// 200,000 draws for each (a, b), the largest distance between the empirical
// and the exact distribution function (Kolmogorov-Smirnov) stays below
// 1.63/sqrt(n), its 1% critical value, and the mean within 4 standard
// errors.
func TestBetaDraw(t *testing.T) {
	const n = 200000
	for _, c := range [][2]float64{{3.7, 6.3}, {6.3, 3.7}, {1.001, 9}, {50, 50}, {2, 2}, {0.3, 5}, {9, 1}, {0.05, 2}} {
		k := kstate{}
		k.src.hi, k.src.lo = uint64(c[0]*1000), uint64(c[1]*1000)
		r := rand.New(&k.src)
		xs := make([]float64, n)
		sum := 0.0
		for i := range xs {
			xs[i] = betaDraw(r, c[0], c[1])
			if !(xs[i] >= 0 && xs[i] <= 1) {
				t.Fatalf("Beta%v: drew %g", c, xs[i])
			}
			sum += xs[i]
		}
		slices.Sort(xs)
		d := distuv.Beta{Alpha: c[0], Beta: c[1]}
		ks := 0.0
		for i, x := range xs {
			f := d.CDF(x)
			ks = max(ks, math.Abs(f-float64(i)/n), math.Abs(f-float64(i+1)/n))
		}
		mean := sum / n
		se := math.Sqrt(d.Variance() / n)
		if ks > 1.63/math.Sqrt(n) || math.Abs(mean-d.Mean()) > 4*se {
			t.Errorf("Beta%v: KS distance %.4g (1%% critical %.4g), mean %.5f (want %.5f +- %.2g)", c, ks, 1.63/math.Sqrt(n), mean, d.Mean(), 4*se)
		}
	}
}

// benchBeliefs are 1024 beliefs as PPB-2 reaches them (a+b in [2, 100],
// any mean), for the benchmarks of the investment terms.
func benchBeliefs() (as, bs [1024]float64) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range as {
		n := 2 + 98*r.Float64()
		p := r.Float64()
		as[i], bs[i] = p*n, (1-p)*n
	}
	return as, bs
}
