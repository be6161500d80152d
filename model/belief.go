package model

import (
	"errors"
	"math"
)

// Belief is what a trustor expects of a partner's trustworthiness:
// a Beta(A, B) distribution over the probability that trust is honoured
// (binary situations) or over the return fraction (investment game).
type Belief struct {
	A float64 `json:"a"`
	B float64 `json:"b"`
}

// BeliefFromPN returns the belief with mean p and evidence n = a+b.
func BeliefFromPN(p, n float64) (Belief, error) {
	if err := errors.Join(check("p", p, 0, 1, true, true), check("n", n, 2*BeliefMin, BeliefMax, false, false)); err != nil {
		return Belief{}, err
	}
	b := Belief{A: p * n, B: (1 - p) * n}
	return b, b.Validate()
}

// P is the expected trustworthiness a/(a+b).
func (b Belief) P() float64 { return b.A / (b.A + b.B) }

// N is the evidence a+b the belief rests on; small n means a stranger.
func (b Belief) N() float64 { return b.A + b.B }

// SD is the standard deviation of Beta(a, b).
func (b Belief) SD() float64 {
	n := b.A + b.B
	return math.Sqrt(b.A * b.B / (n * n * (n + 1)))
}

// Belief parameters outside [BeliefMin, BeliefMax] are rejected by
// Validate: beyond them the incomplete beta function loses all precision,
// and no experience of people needs them.
const (
	BeliefMin = 1e-6
	BeliefMax = 1e6
)

// Validate checks a and b in [1e-6, 1e6].
func (b Belief) Validate() error {
	return errors.Join(
		check("belief.a", b.A, BeliefMin, BeliefMax, false, false),
		check("belief.b", b.B, BeliefMin, BeliefMax, false, false))
}

// PRisk is the trustworthiness used in the risk term under ambiguity
// aversion: max(0, p - zeta*sd). With zeta = 0 it is p.
func (m Model) PRisk(b Belief) float64 {
	p := b.P()
	if m.Zeta == 0 {
		return p
	}
	return max(0, p-m.Zeta*b.SD())
}
