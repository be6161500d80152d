package model

import "math"

// Lambda is the risk weight lambda(tau) = lambda0 * exp(kappa * (0.5 - tau)):
// it falls as the trait rises. It does not validate tau.
func (m Model) Lambda(tau float64) float64 {
	return m.Lambda0 * math.Exp(m.Kappa*(0.5-tau))
}

// priorTauMin and priorTauMax clamp the trait for the prior only, so that
// a0 and b0 stay positive (docs/model.md, "Base: the trait").
const (
	priorTauMin = 0.001
	priorTauMax = 0.999
)

// Prior is the trait-based belief about a stranger:
// Beta(n0*tau, n0*(1-tau)), with tau clamped to [0.001, 0.999].
func (m Model) Prior(tau float64) Belief {
	t := min(max(tau, priorTauMin), priorTauMax)
	return Belief{A: m.N0 * t, B: m.N0 * (1 - t)}
}

// LearnTrait moves the trait toward an experienced outcome:
// tau + eta*(c - tau), with c = 1 for a confirmation and 0 for a betrayal.
// With eta = 0 (the default) the trait is fixed.
func (m Model) LearnTrait(tau float64, confirmed bool) float64 {
	c := 0.0
	if confirmed {
		c = 1
	}
	return tau + m.Eta*(c-tau)
}

// ValidateTrait checks tau in [0, 1].
func ValidateTrait(tau float64) error { return unit("trait", tau) }
