package trustlab

import (
	"errors"
	"fmt"

	"github.com/trustlab/trustlab/internal/srcpos"
	"github.com/trustlab/trustlab/model"
)

// DecideInput is one situation to evaluate: the JSON body of POST
// /api/v1/decide and of `trustlab decide --in -`.
//
// The belief is given either as Belief (a, b) or as P and N; with neither,
// the trustor meets a stranger and the belief is the trait prior.
type DecideInput struct {
	Trait     *float64        `json:"trait,omitempty"` // default 0.5
	Belief    *model.Belief   `json:"belief,omitempty"`
	P         *float64        `json:"p,omitempty"`
	N         *float64        `json:"n,omitempty"`
	Situation model.Situation `json:"situation"`
	Params    model.Params    `json:"params"`
}

// DecideOutput is the explained decision: every level of the pyramid, with
// the inputs echoed. Expectation, risk and balance are per unit sent in the
// investment game.
type DecideOutput struct {
	Trait          float64              `json:"trait"`
	Lambda         float64              `json:"lambda"`
	P              float64              `json:"p"`
	N              float64              `json:"n"`
	Expectation    float64              `json:"expectation"`
	Risk           float64              `json:"risk"`
	Balance        float64              `json:"balance"`
	Probability    *float64             `json:"probability,omitempty"`
	Probabilities  *model.Probabilities `json:"probabilities,omitempty"`
	Fraction       *float64             `json:"fraction,omitempty"`
	ExpectedAmount *float64             `json:"expected_amount,omitempty"`
	Kind           model.Kind           `json:"kind"`
	Situation      model.Situation      `json:"situation"`
	Params         model.Params         `json:"params"`

	// Explanation carries the remaining detail (sd, p_risk, control
	// balance) for human output; it is not part of the JSON.
	Explanation model.Explanation `json:"-"`
	Belief      model.Belief      `json:"-"`
}

// Decide validates the input and explains the decision. Invalid input
// returns an error joining a *model.RangeError (or a plain error) for each
// problem, named by its JSON field; its [ErrorCode] is EINVALID.
func Decide(in DecideInput) (DecideOutput, error) {
	out, err := decide(in)
	return out, Invalid(err)
}

func decide(in DecideInput) (DecideOutput, error) {
	m, err := in.Params.Model()
	if err != nil {
		return DecideOutput{}, prefix("params.", err)
	}
	tau := 0.5
	if in.Trait != nil {
		tau = *in.Trait
	}
	if err := model.ValidateTrait(tau); err != nil {
		return DecideOutput{}, err
	}
	var b model.Belief
	switch {
	case in.Belief != nil && (in.P != nil || in.N != nil):
		return DecideOutput{}, errors.New("belief: give either belief (a, b) or p and n, not both")
	case in.Belief != nil:
		b = *in.Belief
	case in.P != nil || in.N != nil:
		if in.P == nil || in.N == nil {
			return DecideOutput{}, errors.New("p, n: give both p and n (or belief a, b)")
		}
		b, err = model.BeliefFromPN(*in.P, *in.N)
		if err != nil {
			return DecideOutput{}, err
		}
	default:
		b = m.Prior(tau)
	}
	if err := in.Situation.Validate(); err != nil {
		return DecideOutput{}, prefix("situation.", err)
	}
	x, err := m.Explain(tau, b, in.Situation)
	if err != nil {
		return DecideOutput{}, err
	}
	return DecideOutput{
		Trait: x.Trait, Lambda: x.Lambda, P: x.P, N: x.N,
		Expectation: x.Expectation, Risk: x.Risk, Balance: x.Balance,
		Probability: x.Probability, Probabilities: x.Probabilities,
		Fraction: x.Fraction, ExpectedAmount: x.ExpectedAmount,
		Kind: x.Kind, Situation: in.Situation, Params: m.Params(),
		Explanation: x, Belief: b,
	}, nil
}

// prefix renames the fields of the range errors in err with a prefix.
func prefix(p string, err error) error {
	if err == nil {
		return nil
	}
	var out []error
	for _, e := range srcpos.Flatten(err) {
		var re *model.RangeError
		if errors.As(e, &re) {
			c := *re
			c.Field = p + c.Field
			out = append(out, &c)
			continue
		}
		out = append(out, fmt.Errorf("%s%w", p, e))
	}
	return errors.Join(out...)
}
