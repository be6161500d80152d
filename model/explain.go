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
	if err := x.checkFinite(s); err != nil {
		return Explanation{}, err
	}
	return x, nil
}

// checkFinite returns a *NonFiniteError for the first result of x that is
// not a finite number, naming the inputs of s and the trait and belief.
func (x *Explanation) checkFinite(s Situation) error {
	vals := []struct {
		name string
		v    *float64
	}{
		{"lambda", &x.Lambda}, {"expectation", &x.Expectation}, {"risk", &x.Risk},
		{"balance", &x.Balance}, {"control_balance", x.ControlBalance}, {"probability", x.Probability},
		{"fraction", x.Fraction}, {"expected_amount", x.ExpectedAmount}, {"p_send_any", x.PSendAny},
	}
	if x.Probabilities != nil {
		vals = append(vals, struct {
			name string
			v    *float64
		}{"probabilities.trust", &x.Probabilities.Trust}, struct {
			name string
			v    *float64
		}{"probabilities.control", &x.Probabilities.Control}, struct {
			name string
			v    *float64
		}{"probabilities.abstain", &x.Probabilities.Abstain})
	}
	for _, q := range vals {
		if q.v == nil || (!math.IsNaN(*q.v) && !math.IsInf(*q.v, 0)) {
			continue
		}
		in := "gain = " + formatValue(s.Gain) + ", loss = " + formatValue(s.Loss) + ", outside = " + formatValue(s.Outside)
		if s.Control != nil {
			in += ", control cost = " + formatValue(s.Control.Cost) + ", control gain = " + formatValue(s.Control.Gain) + ", control loss = " + formatValue(s.Control.Loss)
		}
		if s.Game == Investment {
			in = "endowment = " + formatValue(s.Endowment) + ", multiplier = " + formatValue(s.Multiplier)
		}
		in += ", trait = " + formatValue(x.Trait) + ", p = " + formatValue(x.P)
		return &NonFiniteError{Quantity: q.name, Value: *q.v, Inputs: in}
	}
	return nil
}
