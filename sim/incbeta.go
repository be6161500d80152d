package sim

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// The investment game's expectation and risk per unit sent need the
// regularised incomplete beta function at the break-even fraction t = 1/m
// twice per decision, I_t(a, b) and I_t(a+1, b) (docs/model.md). The
// kernel evaluates the first by its continued fraction and derives the
// second from it:
//
//	I_t(a+1, b) = I_t(a, b) - t^a (1-t)^b / (a B(a, b))
//
// The prefactor D = t^a (1-t)^b / B(a, b) is the continued fraction's own
// front factor, so the second value costs one division. With
// I1 = I0 - D/a and p = a/(a+b):
//
//	R1 = I0 - m p I1 = I0 (1 - m p) + m D / (a+b)
//	E1 = R1 + m p - 1            (the identity E1 - R1 = m p - 1)
//
// TestInvestTerms checks E1, R1 and the intended fraction against the
// model package (gonum's RegIncBeta) over the reachable beliefs.

// cfEps is the continued fraction's relative convergence tolerance and
// cfMaxIter its iteration limit (beyond it, gonum's RegIncBeta decides).
const (
	cfEps     = 1e-13
	cfMaxIter = 400
)

// investTerms returns E1 and R1 for the belief Beta(a, b) and the
// multiplier m, with lnT = log(1/m) and ln1mT = log(1 - 1/m).
func investTerms(a, b, m, lnT, ln1mT float64) (e1, r1 float64) {
	i0, d := incBeta(a, b, 1/m, lnT, ln1mT)
	n := a + b
	p := a / n
	r1 = i0*(1-m*p) + m*d/n
	e1 = r1 + m*p - 1
	return e1, r1
}

// incBeta returns I_x(a, b) and the front factor D = x^a (1-x)^b / B(a, b),
// lnx = log(x), ln1mx = log(1-x), for 0 < x < 1 and a, b > 0 (Lentz's
// evaluation of the continued fraction of Numerical Recipes' betacf, on
// the side of x where it converges fast).
func incBeta(a, b, x, lnx, ln1mx float64) (i, d float64) {
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	d = math.Exp(a*lnx + b*ln1mx - la - lb + lab)
	if x*(a+b+2) < a+1 {
		cf, ok := betaCF(a, b, x)
		if !ok {
			return mathext.RegIncBeta(a, b, x), d
		}
		return d * cf / a, d
	}
	cf, ok := betaCF(b, a, 1-x)
	if !ok {
		return mathext.RegIncBeta(a, b, x), d
	}
	return 1 - d*cf/b, d
}

// betaCF evaluates the continued fraction of I_x(a, b) by the modified
// Lentz method; ok is false if it did not converge.
func betaCF(a, b, x float64) (float64, bool) {
	const tiny = 1e-300
	qab, qap, qam := a+b, a+1, a-1
	c := 1.0
	d := 1 - qab*x/qap
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1; m <= cfMaxIter; m++ {
		fm := float64(m)
		m2 := 2 * fm
		aa := fm * (b - fm) * x / ((qam + m2) * (a + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		h *= d * c
		aa = -(a + fm) * (qab + fm) * x / ((a + m2) * (qap + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < cfEps {
			return h, true
		}
	}
	return h, false
}
