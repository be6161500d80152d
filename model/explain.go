package model

import (
	"errors"
	"math"
)

// Explanation is one decision evaluated at every level of the pyramid.
type Explanation struct {
	// Base: the trait and the risk weight it sets.
	Trait  float64 `json:"trait"`
	Lambda float64 `json:"lambda"`

	// The belief about the partner.
	P     float64 `json:"p"`
	N     float64 `json:"n"`
	SD    float64 `json:"sd"`
	PRisk float64 `json:"p_risk"`

	// Middle: expectation against risk (per unit sent in the investment game).
	Expectation    float64  `json:"expectation"`
	Risk           float64  `json:"risk"`
	Balance        float64  `json:"balance"`
	ControlBalance *float64 `json:"control_balance,omitempty"`

	// Top: behaviour. Probability is P(trust) in binary situations; with a
	// control option Probabilities holds all three acts. Fraction and
	// ExpectedAmount apply to the investment game.
	Probability    *float64       `json:"probability,omitempty"`
	Probabilities  *Probabilities `json:"probabilities,omitempty"`
	Fraction       *float64       `json:"fraction,omitempty"`
	ExpectedAmount *float64       `json:"expected_amount,omitempty"`
	PSendAny       *float64       `json:"p_send_any,omitempty"`

	// Act is the most likely act and Kind its classification.
	Act  Act  `json:"-"`
	Kind Kind `json:"kind"`
}

// Explain validates its inputs and evaluates one decision at every level.
// It returns a joined error of *RangeError values for invalid inputs.
func (m Model) Explain(tau float64, b Belief, s Situation) (Explanation, error) {
	if err := errors.Join(m.Validate(), ValidateTrait(tau), b.Validate(), s.Validate()); err != nil {
		return Explanation{}, err
	}
	a := m.Appraise(tau, b, s)
	x := Explanation{
		Trait: tau, Lambda: a.Lambda,
		P: a.P, N: b.N(), SD: b.SD(), PRisk: a.PRisk,
		Expectation: a.Expectation, Risk: a.Risk, Balance: a.Balance,
	}
	switch {
	case s.Game == Investment:
		f := m.Fraction(a.Balance)
		d := m.Amount(f, int(s.Endowment))
		mean := d.Mean()
		any := -math.Expm1(d.LogProb(0))
		x.Fraction, x.ExpectedAmount, x.PSendAny = &f, &mean, &any
		x.Act = Abstain
		if any > 0.5 {
			x.Act = Engage
		}
	case s.Control != nil:
		bc := a.ControlBalance
		pr := m.Choice(a)
		x.ControlBalance, x.Probabilities = &bc, &pr
		pt := pr.Trust
		x.Probability = &pt
		x.Act = Abstain
		if pr.Trust > pr.Abstain && pr.Trust >= pr.Control {
			x.Act = Engage
		} else if pr.Control > pr.Abstain && pr.Control > pr.Trust {
			x.Act = Guard
		}
	default:
		p := m.Choose(a.Balance)
		x.Probability = &p
		x.Act = Abstain
		if p > 0.5 {
			x.Act = Engage
		}
	}
	x.Kind = Classify(x.Act, s)
	return x, nil
}
