package model_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/trustlab/trustlab/model"
)

// A trustor with a below-average trait (0.3) who has seen a partner honour
// trust three times in four weighs a gain of 1 against a loss of 2.
func ExampleModel_Explain() {
	m := model.Default()
	x, err := m.Explain(0.3, model.Belief{A: 3, B: 1}, model.Situation{Gain: 1, Loss: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("base:   trait %.2f, risk weight %.4f\n", x.Trait, x.Lambda)
	fmt.Printf("middle: expectation %.4f, risk %.4f, balance %.4f\n", x.Expectation, x.Risk, x.Balance)
	fmt.Printf("top:    P(trust) %.4f, kind %v\n", *x.Probability, x.Kind)
	// Output:
	// base:   trait 0.30, risk weight 1.4918
	// middle: expectation 0.7500, risk 0.5000, balance 0.0041
	// top:    P(trust) 0.5051, kind trust
}

// The investment game per unit sent: E1 - R1 = m*p - 1.
func ExampleInvestmentTerms() {
	e1, r1 := model.InvestmentTerms(model.Belief{A: 2, B: 2}, 3)
	fmt.Printf("E1 %.4f  R1 %.4f  E1-R1 %.4f\n", e1, r1, e1-r1)
	// Output: E1 0.5926  R1 0.0926  E1-R1 0.5000
}

// Betrayal weighs more than confirmation (w_minus = 2, w_plus = 1).
func ExampleModel_Update() {
	m := model.Default()
	prior := m.Prior(0.5) // Beta(1, 1)
	b := model.Belief{A: 4, B: 4}
	honoured := m.Update(b, prior, 1, true, true)
	betrayed := m.Update(b, prior, 0, false, true)
	fmt.Printf("p %.3f -> honoured %.3f, betrayed %.3f\n", b.P(), honoured.P(), betrayed.P())
	// Output: p 0.500 -> honoured 0.556, betrayed 0.400
}

// Explicit zeros: Go 1.26's new(expr) sets a parameter to zero; nil keeps
// the default.
func ExampleParams() {
	m, err := model.Params{Kappa: new(0.0), Beta: new(2.0)}.Model()
	fmt.Println(m.Kappa, m.Beta, m.Lambda0, err)
	_, err = model.Params{Gamma: new(1.5)}.Model()
	fmt.Println(err)
	// Output:
	// 0 2 1 <nil>
	// gamma = 1.5: must be in (0, 1]
}

// Graded amounts: the intended fraction sets the mean of a beta-binomial.
func ExampleBetaBinomial() {
	m := model.Default()
	d := m.Amount(0.4, 10)
	r := rand.New(rand.NewPCG(1, 2))
	fmt.Printf("mean %.1f, P(0) %.3f, P(10) %.4f, a draw: %d\n", d.Mean(), d.Prob(0), d.Prob(10), d.Rand(r))
	// Output: mean 4.0, P(0) 0.033, P(10) 0.0031, a draw: 4
}

// The calibrated parameters (fitted to Mikus et al. 2023) with the calibrated
// average trait (fitted to Berg et al. 1995): a stranger in Berg's investment
// game sends about half of 10, where docs/model.md's defaults at trait 0.5 send 9.2.
func ExampleCalibrated() {
	berg := model.Situation{Game: model.Investment, Endowment: 10, Multiplier: 3}
	cal, err := model.Calibrated().Model()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("calibrated: beta %g, phi %g, w_plus %g, w_minus %g, trait %g\n",
		cal.Beta, cal.Phi, cal.WPlus, cal.WMinus, model.CalibratedTrait)
	for _, c := range []struct {
		name string
		m    model.Model
		tau  float64
	}{{"calibrated stranger", cal, model.CalibratedTrait}, {"default stranger", model.Default(), 0.5}} {
		d, err := c.m.Stranger(c.tau, berg)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: mean %.2f of 10, sd %.2f, P(0) %.3f, P(10) %.3f\n",
			c.name, d.Mean(), math.Sqrt(d.Variance()), d.Prob(0), d.Prob(10))
	}
	// Output:
	// calibrated: beta 9.52, phi 1.51, w_plus 0.425, w_minus 0.308, trait 0.369
	// calibrated stranger: mean 5.40 of 10, sd 3.38, P(0) 0.099, P(10) 0.149
	// default stranger: mean 9.24 of 10, sd 1.13, P(0) 0.000, P(10) 0.570
}
