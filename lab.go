package trustlab

import (
	"fmt"

	"github.com/trustlab/trustlab/model"
)

// Limits of the laboratory requests (the web UI's pyramid explorer and
// experience lab), which keep one request cheap.
const (
	MaxCurveTraits = 10   // traits in one curve request
	MaxCurvePoints = 999  // points of p per curve
	MaxEncounters  = 1000 // outcomes in one encounter sequence
)

// DefaultCurvePoints is the number of p values when CurveInput.Points is 0:
// p = 0.01, 0.02, ..., 0.99.
const DefaultCurvePoints = 99

// CurveInput is the body of POST /api/v1/decide/curve: P(trust) against
// the expected trustworthiness p for several traits in one situation.
type CurveInput struct {
	// Traits are the trustors' traits, 1 to 10 values in [0, 1]
	// (default: 0.2, 0.5, 0.8).
	Traits []float64 `json:"traits,omitempty"`
	// N is the evidence n = a+b behind every belief on the curve
	// (default: the prior strength n0, a stranger), in [0.01, 1e5].
	N *float64 `json:"n,omitempty"`
	// Points is the number of p values, p_i = i/(Points+1) for
	// i = 1..Points, in [2, 999] (default 99).
	Points    int             `json:"points,omitempty"`
	Situation model.Situation `json:"situation"`
	Params    model.Params    `json:"params"`
}

// TraitCurve is P(trust) (the intended fraction in the investment game)
// at each p of a CurveOutput for one trait.
type TraitCurve struct {
	Trait  float64 `json:"trait"`
	Lambda float64 `json:"lambda"`
	// Probability[i] is P(trust) at P[i]: sigmoid(beta*B) without a control
	// option, the trust share of the three-way choice with one, and the
	// intended fraction f of the endowment in the investment game.
	Probability []float64 `json:"probability"`
	// Threshold is the p at which the balance crosses zero (P(trust) =
	// 1/2 without a control option); nil when the balance has one sign
	// over the whole of (0, 1).
	Threshold *float64 `json:"threshold,omitempty"`
}

// CurveOutput answers a CurveInput.
type CurveOutput struct {
	P         []float64       `json:"p"`
	N         float64         `json:"n"`
	Curves    []TraitCurve    `json:"curves"`
	Situation model.Situation `json:"situation"`
	Params    model.Params    `json:"params"` // resolved
}

// Curve computes P(trust) against p for each trait of in. Invalid input
// returns an EINVALID error naming each bad field and its range.
func Curve(in CurveInput) (CurveOutput, error) {
	m, err := in.Params.Model()
	if err != nil {
		return CurveOutput{}, Invalid(prefix("params.", err))
	}
	var errs []error
	traits := in.Traits
	if len(traits) == 0 {
		traits = []float64{0.2, 0.5, 0.8}
	}
	if len(traits) > MaxCurveTraits {
		errs = append(errs, FieldErrorf("traits", "1-10 values", "%d values: at most %d", len(traits), MaxCurveTraits))
	}
	for i, t := range traits {
		if model.ValidateTrait(t) != nil {
			errs = append(errs, &model.RangeError{Field: fmt.Sprintf("traits[%d]", i), Value: t, Range: "[0, 1]"})
		}
	}
	points := in.Points
	if points == 0 {
		points = DefaultCurvePoints
	}
	if points < 2 || points > MaxCurvePoints {
		errs = append(errs, &model.RangeError{Field: "points", Value: float64(points), Range: "[2, 999]"})
	}
	n := m.N0
	if in.N != nil {
		n = *in.N
		if !(n >= 0.01 && n <= 1e5) {
			errs = append(errs, &model.RangeError{Field: "n", Value: n, Range: "[0.01, 1e5]"})
		}
	}
	if err := in.Situation.Validate(); err != nil {
		errs = append(errs, prefix("situation.", err))
	}
	if err := joinErrs(errs...); err != nil {
		return CurveOutput{}, Invalid(err)
	}
	out := CurveOutput{P: make([]float64, points), N: n, Situation: in.Situation, Params: m.Params()}
	for i := range out.P {
		out.P[i] = float64(i+1) / float64(points+1)
	}
	for _, tau := range traits {
		c := TraitCurve{Trait: tau, Lambda: m.Lambda(tau), Probability: make([]float64, points)}
		for i, p := range out.P {
			c.Probability[i] = topProbability(m, tau, model.Belief{A: p * n, B: (1 - p) * n}, in.Situation)
		}
		c.Threshold = threshold(m, tau, n, in.Situation)
		out.Curves = append(out.Curves, c)
	}
	return out, nil
}

// topProbability is the top of the pyramid as a single number: P(trust)
// (the trust share with a control option) or the intended fraction.
func topProbability(m model.Model, tau float64, b model.Belief, s model.Situation) float64 {
	a := m.Appraise(tau, b, s)
	switch {
	case s.Game == model.Investment:
		return m.Fraction(a.Balance)
	case s.Control != nil:
		return m.Choice(a).Trust
	}
	return m.Choose(a.Balance)
}

// threshold finds the p in (0, 1) where the balance changes sign, by
// bisection to 1e-12; nil without a sign change. The balance rises with p
// (docs/model.md, "Properties the tests show", property 1), so the root is unique.
func threshold(m model.Model, tau, n float64, s model.Situation) *float64 {
	bal := func(p float64) float64 {
		return m.Appraise(tau, model.Belief{A: p * n, B: (1 - p) * n}, s).Balance
	}
	// Keep a and b inside the range the model accepts.
	lo := max(1e-9, model.BeliefMin/n)
	hi := 1 - lo
	if bal(lo) >= 0 || bal(hi) <= 0 {
		return nil
	}
	for hi-lo > 1e-12 {
		mid := (lo + hi) / 2
		if bal(mid) > 0 {
			hi = mid
		} else {
			lo = mid
		}
	}
	p := (lo + hi) / 2
	return &p
}

// EncountersInput is the body of POST /api/v1/encounters: a sequence of
// encounters with one partner, replayed from a starting belief.
type EncountersInput struct {
	// Trait is the trustor's trait (default 0.5).
	Trait *float64 `json:"trait,omitempty"`
	// The starting belief: Belief (a, b), or P and N; with neither, the
	// trait prior of a stranger. Forgetting (gamma < 1) always pulls
	// toward the trait prior.
	Belief *model.Belief `json:"belief,omitempty"`
	P      *float64      `json:"p,omitempty"`
	N      *float64      `json:"n,omitempty"`
	// Outcomes are what the partner did, in order: "honoured" (1),
	// "betrayed" (0), a return fraction in [0, 1], or null for an
	// encounter without evidence (the trustor did not learn what the
	// partner did; with gamma < 1 the belief still fades). At most 1000.
	Outcomes  []*Outcome      `json:"outcomes"`
	Situation model.Situation `json:"situation"`
	Params    model.Params    `json:"params"`
}

// EncounterStep is the state of the pyramid after an encounter (before
// any, for Encounter 0): the belief and the decision the trustor would make
// next, explained at every level.
type EncounterStep struct {
	Encounter int          `json:"encounter"`
	Outcome   *float64     `json:"outcome"`             // nil: no evidence (or the start)
	Confirmed *bool        `json:"confirmed,omitempty"` // whether the outcome confirmed trust
	Belief    model.Belief `json:"belief"`
	model.Explanation
}

// EncountersOutput answers an EncountersInput with len(Outcomes)+1 steps.
type EncountersOutput struct {
	Prior     model.Belief    `json:"prior"` // the trait prior (a0, b0) that forgetting pulls toward
	Steps     []EncounterStep `json:"steps"`
	Situation model.Situation `json:"situation"`
	Params    model.Params    `json:"params"` // resolved
}

// Encounters replays a sequence of outcomes with one partner. Each outcome
// updates the belief by [model.Model.Update] (evidence arrives unless the
// outcome is null; whether it confirms trust follows the situation: the
// binary rule, or m*r >= 1 in the investment game), and the trait learns
// from it by [model.Model.LearnTrait] (eta > 0); every step explains the
// next decision with [model.Model.Explain].
func Encounters(in EncountersInput) (EncountersOutput, error) {
	m, err := in.Params.Model()
	if err != nil {
		return EncountersOutput{}, Invalid(prefix("params.", err))
	}
	var errs []error
	tau := 0.5
	if in.Trait != nil {
		tau = *in.Trait
	}
	if err := model.ValidateTrait(tau); err != nil {
		errs = append(errs, err)
	}
	if err := in.Situation.Validate(); err != nil {
		errs = append(errs, prefix("situation.", err))
	}
	if len(in.Outcomes) > MaxEncounters {
		errs = append(errs, FieldErrorf("outcomes", "0-1000 values", "%d values: at most %d", len(in.Outcomes), MaxEncounters))
	}
	for i, o := range in.Outcomes {
		if o == nil {
			continue
		}
		if v := float64(*o); !(v >= 0 && v <= 1) {
			errs = append(errs, &model.RangeError{Field: fmt.Sprintf("outcomes[%d]", i), Value: v, Range: "[0, 1]"})
		}
	}
	prior := m.Prior(tau)
	b := prior
	switch {
	case in.Belief != nil && (in.P != nil || in.N != nil):
		errs = append(errs, FieldErrorf("belief", "", "give either belief (a, b) or p and n, not both"))
	case in.Belief != nil:
		b = *in.Belief
		if err := b.Validate(); err != nil {
			errs = append(errs, err)
		}
	case in.P != nil || in.N != nil:
		if in.P == nil || in.N == nil {
			errs = append(errs, FieldErrorf("p", "", "give both p and n (or belief a, b)"))
		} else if b, err = model.BeliefFromPN(*in.P, *in.N); err != nil {
			errs = append(errs, err)
		}
	}
	if err := joinErrs(errs...); err != nil {
		return EncountersOutput{}, Invalid(err)
	}

	out := EncountersOutput{Prior: prior, Steps: make([]EncounterStep, 0, len(in.Outcomes)+1), Situation: in.Situation, Params: m.Params()}
	step := func(i int, r *float64, confirmed *bool) error {
		x, err := m.Explain(tau, b, in.Situation)
		if err != nil {
			// Repeated evidence can push a or b past the model's
			// range (1e6); say where.
			return Invalid(FieldErrorf("outcomes", "", "after encounter %d: %v", i, err))
		}
		out.Steps = append(out.Steps, EncounterStep{Encounter: i, Outcome: r, Confirmed: confirmed, Belief: b, Explanation: x})
		return nil
	}
	if err := step(0, nil, nil); err != nil {
		return EncountersOutput{}, err
	}
	for i, o := range in.Outcomes {
		var r *float64
		var conf *bool
		if o != nil {
			v := float64(*o)
			c := in.Situation.Confirmed(v)
			r, conf = &v, &c
			b = m.Update(b, prior, v, c, true)
			tau = m.LearnTrait(tau, c)
		} else {
			b = m.Update(b, prior, 0, false, false)
		}
		if err := step(i+1, r, conf); err != nil {
			return EncountersOutput{}, err
		}
	}
	return out, nil
}
