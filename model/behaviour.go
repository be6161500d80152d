package model

import (
	"math"
	"math/rand/v2"
)

// Act is what a trustor does.
type Act int

const (
	Abstain Act = iota // declines (sends nothing)
	Engage             // engages without safeguards (sends something)
	Guard              // engages under the control option
)

// String returns "abstain", "trust" or "control".
func (a Act) String() string { return enumString(a, "Act", actNames) }

// Kind classifies an act: trust requires vulnerability (docs/model.md, "Top: behaviour").
type Kind int

const (
	KindDistrust  Kind = iota // declined while engaging was possible
	KindTrust                 // engaged without safeguards while a loss was possible
	KindControl               // engaged under the control option
	KindCertainty             // engaged where nothing could be lost
)

// String returns "distrust", "trust", "control" or "certainty".
func (k Kind) String() string { return enumString(k, "Kind", kindNames) }

// MarshalText implements encoding.TextMarshaler.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler: it parses "distrust",
// "trust", "control" and "certainty".
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := parseEnum[Kind]("kind", string(b), false, kindNames)
	if err == nil {
		*k = v
	}
	return err
}

// Classify names the kind of an act in a situation.
func Classify(a Act, s Situation) Kind {
	switch a {
	case Guard:
		return KindControl
	case Engage:
		if s.LossPossible() {
			return KindTrust
		}
		return KindCertainty
	}
	return KindDistrust
}

// Choose is the top level for a binary act: P(trust) = sigmoid(beta*B), or
// 1 if B > 0 and 0 otherwise in the deterministic limit.
func (m Model) Choose(balance float64) float64 {
	if m.Deterministic {
		if balance > 0 {
			return 1
		}
		return 0
	}
	return Sigmoid(m.Beta * balance)
}

// PTrust is the probability of trusting in a binary situation without a
// control option.
func (m Model) PTrust(tau float64, b Belief, s Situation) float64 {
	return m.Choose(m.Appraise(tau, b, s).Balance)
}

// Probabilities of the three acts with a control option.
type Probabilities struct {
	Abstain float64 `json:"abstain"`
	Trust   float64 `json:"trust"`
	Control float64 `json:"control"`
}

// Choice returns the probabilities of abstaining (U = 0), trusting (U = B)
// and controlling (U = B_c): a softmax with inverse temperature beta, or the
// arg max in the deterministic limit (ties go to abstain, then trust).
func (m Model) Choice(a Appraisal) Probabilities {
	u := [3]float64{0, a.Balance, a.ControlBalance}
	if m.Deterministic {
		best := 0
		for i := 1; i < 3; i++ {
			if u[i] > u[best] {
				best = i
			}
		}
		var p [3]float64
		p[best] = 1
		return Probabilities{p[0], p[1], p[2]}
	}
	mx := max(u[0], u[1], u[2])
	var e [3]float64
	sum := 0.0
	for i := range u {
		e[i] = math.Exp(m.Beta * (u[i] - mx))
		sum += e[i]
	}
	return Probabilities{e[0] / sum, e[1] / sum, e[2] / sum}
}

// Draw samples an act from the probabilities with one uniform draw.
func (p Probabilities) Draw(r *rand.Rand) Act {
	u := r.Float64()
	switch {
	case u < p.Abstain:
		return Abstain
	case u < p.Abstain+p.Trust:
		return Engage
	}
	if p.Control == 0 {
		// Rounding left u above the sum of the other two.
		return Engage
	}
	return Guard
}

// fractionMin clamps the intended fraction away from 0 and 1 so that the
// beta-binomial stays proper (docs/model.md, "Top: behaviour").
const fractionMin = 1e-6

// Fraction is the intended fraction f = sigmoid(beta*B1) of the endowment,
// clamped to [1e-6, 1-1e-6].
func (m Model) Fraction(balance float64) float64 {
	return min(max(m.Choose(balance), fractionMin), 1-fractionMin)
}

// Amount is the distribution of the amount sent, BetaBinomial(e, f*phi,
// (1-f)*phi), for an intended fraction f and a whole endowment e.
func (m Model) Amount(f float64, endowment int) BetaBinomial {
	return BetaBinomial{N: endowment, Alpha: f * m.Phi, Beta: (1 - f) * m.Phi}
}
