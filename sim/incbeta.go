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
	cfEps     = 1e-11
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
// lnx = log(x), ln1mx = log(1-x), for 0 < x < 1 and a, b > 0 (
// the continued fraction (betaCF) on the side of x where it converges fast).
func incBeta(a, b, x, lnx, ln1mx float64) (i, d float64) {
	d = math.Exp(a*lnx + b*ln1mx - lbeta(a, b))
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

// lbeta is log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a+b) for a, b > 0,
// with four logarithms instead of math.Lgamma's three (each up to twice
// as slow): every argument is shifted up by 8, lgamma(x) =
// lgamma(x+8) - log(x (x+1) ... (x+7)), the three products folded into
// one logarithm, and lgamma(y), y >= 8, is Stirling's series to the
// 1/y^7 term (truncation error below 1/(1188 y^9) < 7e-12).
// TestLbeta compares it with math.Lgamma.
func lbeta(a, b float64) float64 {
	n := a + b
	pa, pb, pn := a, b, n
	for i := 1.0; i < 8; i++ {
		pa *= a + i
		pb *= b + i
		pn *= n + i
	}
	return stirling(a+8) + stirling(b+8) - stirling(n+8) - math.Log(pa*pb/pn)
}

// stirling is lgamma(y) for y >= 8 by Stirling's series.
func stirling(y float64) float64 {
	r := 1 / y
	r2 := r * r
	return (y-0.5)*math.Log(y) - y + 0.91893853320467274 + r*(1.0/12-r2*(1.0/360-r2*(1.0/1260-r2*(1.0/1680))))
}

// betaCF evaluates the continued fraction of I_x(a, b) (Numerical
// Recipes 6.4.5),
//
//	I_x(a, b) = D/a * 1/(1 + d1/(1 + d2/(1 + ...)))
//	d_{2m+1} = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1)),  d_{2m} = m(b-m) x / ((a+2m-1)(a+2m))
//
// by the forward recurrence of its convergents P_j/Q_j (P_j = P_{j-1} +
// d_j P_{j-2}, the same for Q), rescaled when they grow large: unlike
// Lentz's method there is no division in the chain of dependent
// operations (the d_j's divisions are independent of each other), which
// makes it about three times faster. It stops when two successive
// convergents agree to cfEps relative; ok is false if that did not happen
// within cfMaxIter steps.
func betaCF(a, b, x float64) (float64, bool) {
	qab, qap, qam := a+b, a+1, a-1
	// Convergents of K = 1 + d1/(1 + d2/(1 + ...)): j = -1 and j = 0.
	p0, q0 := 1.0, 0.0
	p1, q1 := 1.0, 1.0
	for m := 1; m <= cfMaxIter; m++ {
		fm := float64(m)
		m2 := 2 * fm
		// j = 2m-1 uses d_{2(m-1)+1}; j = 2m uses d_{2m}.
		dOdd := -(a + fm - 1) * (qab + fm - 1) * x / ((a + m2 - 2) * (qap + m2 - 2))
		dEven := fm * (b - fm) * x / ((qam + m2) * (a + m2))
		p2, q2 := p1+dOdd*p0, q1+dOdd*q0
		p3, q3 := p2+dEven*p1, q2+dEven*q1
		// Converged when K_{2m} and K_{2m-1} agree to cfEps.
		if math.Abs(p3*q2-p2*q3) <= cfEps*math.Abs(p3*q2) {
			return q3 / p3, true
		}
		p0, q0, p1, q1 = p2, q2, p3, q3
		if math.Abs(p1) > 1e150 || math.Abs(q1) > 1e150 {
			p0, q0, p1, q1 = p0*1e-150, q0*1e-150, p1*1e-150, q1*1e-150
		}
	}
	return 0, false
}

// fraction is the intended fraction min(max(sigmoid(beta*b1), 1e-6),
// 1-1e-6) of model.Model.Fraction for a probabilistic (not
// deterministic) model, with exp by a degree-7 polynomial for 2^r, |r| <=
// 1/2 (relative error below 6e-9, so |f - model's f| <= 1.5e-9;
// TestFraction). The argument is clamped to [-40, 40], where the sigmoid
// is far beyond the clamp of f.
func fraction(betaB1 float64) float64 {
	x := min(max(betaB1, -40), 40)
	y := -x * log2e               // exp(-x) = 2^y, |y| < 58
	ki := int(y+64.5) - 64        // round to nearest (y+64.5 > 0)
	r := y - float64(ki)          // [-1/2, 1/2]
	const l = 0.69314718055994531 // ln 2
	p := 1 + r*(l+r*(l*l/2+r*(l*l*l/6+r*(l*l*l*l/24+r*(l*l*l*l*l/120+r*(l*l*l*l*l*l/720+r*(l*l*l*l*l*l*l/5040)))))))
	e := p * math.Float64frombits(uint64(ki+1023)<<52)
	return min(max(1/(1+e), fractionMin), 1-fractionMin)
}

// fractionMin is the model's clamp of the intended fraction.
const fractionMin = 1e-6
