package model_test

import (
	"fmt"
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
