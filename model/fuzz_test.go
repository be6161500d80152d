package model

import (
	"math"
	"testing"
)

// FuzzParams: validation never panics, and every accepted parameter set
// gives finite appraisals and probabilities in [0, 1] for valid inputs.
func FuzzParams(f *testing.F) {
	f.Add(1.0, 2.0, 5.0, 0.0, 10.0, 2.0, 0.0, 1.0, 2.0, 1.0, false)
	f.Add(0.0, 0.0, 0.0, 3.0, 1e-9, 1e-9, 1.0, 0.0, 0.0, 1e-9, true)
	f.Add(math.NaN(), math.Inf(1), -1.0, -1.0, 0.0, 0.0, 2.0, -1.0, -1.0, 0.0, false)
	f.Fuzz(func(t *testing.T, l0, k, beta, zeta, phi, n0, eta, wp, wm, gamma float64, det bool) {
		m, err := Params{Lambda0: &l0, Kappa: &k, Beta: &beta, Zeta: &zeta, Phi: &phi, N0: &n0,
			Eta: &eta, WPlus: &wp, WMinus: &wm, Gamma: &gamma, Deterministic: det}.Model()
		if err != nil {
			return
		}
		for _, tau := range []float64{0, 0.3, 1} {
			x, err := m.Explain(tau, m.Prior(tau), Situation{Gain: 1, Loss: 1, Control: &Control{Cost: 0.1, Gain: 0.8}})
			if err != nil {
				t.Fatalf("valid input rejected: %v", err)
			}
			p := *x.Probabilities
			for _, v := range []float64{p.Abstain, p.Trust, p.Control} {
				if !(v >= 0 && v <= 1) {
					// Infinite lambda*risk can make the balance -Inf: the
					// probabilities must still be well defined.
					t.Fatalf("model %+v tau %v: probabilities %+v", m, tau, p)
				}
			}
		}
	})
}

// FuzzExplain: any input either fails validation (a *RangeError, or a
// *NonFiniteError when the stakes overflow) or yields finite numbers, with
// probabilities in [0, 1], so that every result can be written as JSON.
func FuzzExplain(f *testing.F) {
	f.Add(0.3, 3.0, 1.0, 1.0, 2.0, 0.0, false, 10.0, 3.0, 0.0)
	f.Add(0.5, 0.01, 50.0, 0.0, 0.0, -1.0, true, 10.0, 3.0, 1.0)
	f.Add(1.0, 1e-300, 1e300, 1e300, 1e300, 0.0, true, 1e6, 1.0001, 5.0)
	f.Add(0.0, 1.0, 999.0, 1e308, 1e308, 0.0, false, 10.0, 3.0, 0.0) // decide --gain 1e308 --loss 1e308 --trait 0
	f.Fuzz(func(t *testing.T, tau, a, b, g, l, u0 float64, inv bool, e, mult, zeta float64) {
		s := Situation{Gain: g, Loss: l, Outside: u0}
		if inv {
			s = Situation{Game: Investment, Endowment: math.Round(e), Multiplier: mult}
		}
		m, err := Params{Zeta: &zeta}.Model()
		if err != nil {
			return
		}
		x, err := m.Explain(tau, Belief{a, b}, s)
		if err != nil {
			return
		}
		for name, v := range map[string]float64{"lambda": x.Lambda, "p": x.P, "expectation": x.Expectation, "risk": x.Risk, "balance": x.Balance} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%s is %v for tau=%v belief=(%v,%v) %+v", name, v, tau, a, b, s)
			}
		}
		if x.Probability != nil && !(*x.Probability >= 0 && *x.Probability <= 1) {
			t.Fatalf("probability %v", *x.Probability)
		}
		if x.Fraction != nil && !(*x.Fraction > 0 && *x.Fraction < 1) {
			t.Fatalf("fraction %v", *x.Fraction)
		}
	})
}
