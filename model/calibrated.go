package model

import (
	"errors"
	"fmt"
)

// CalibratedTrait is the trait of the average stranger-trustor under
// [Calibrated]: the maximum-likelihood trait of Berg, Dickhaut & McCabe's
// (1995) 60 investors (one-shot investment game, endowment 10, multiplier 3),
// pooled, with beta and phi fixed at their calibrated values (0.3691, standard
// error 0.0044; rounded to 0.369).
//
// Under it a stranger's prior belief about the return fraction has mean
// 0.369, close to what trustees return (0.33 of the tripled amount in Berg
// 1995, "somewhat over a third" in Johnson & Mislin 2011) and to the expected
// return of the repeated-game fits' population prior (P(reciprocate) 0.69 or
// 0.65 times the half returned on reciprocation: 0.35 or 0.32). docs/model.md's
// "0.5 is average" instead has the average stranger expect half of the
// tripled amount back, 1.5 times what was sent, and send 92% of it.
// See docs/model.md, "Calibrated defaults".
const CalibratedTrait = 0.369

// CalibratedTraitBinary is the trait of the average trustor under
// [Calibrated] in binary situations, where the belief is over the
// probability that trust is honoured: the median of the empirical-Bayes
// population prior of tau fitted to Mikus et al. (2023), whose belief is over
// the probability that the trustee reciprocates (0.6923; srndna: 0.647).
// Reciprocation there returns half of the tripled amount, so the same
// trustors expect a return fraction of 0.5 x 0.692 = 0.346, close to
// [CalibratedTrait].
const CalibratedTraitBinary = 0.692

// CalibratedTraitFor is the calibrated average trait for a game:
// [CalibratedTrait] for the investment game, [CalibratedTraitBinary] for
// binary situations.
func CalibratedTraitFor(g Game) float64 {
	if g == Investment {
		return CalibratedTrait
	}
	return CalibratedTraitBinary
}

// Calibrated returns the parameters calibrated on the shared data sets,
// for use instead of docs/model.md's defaults ([Default], which stay the
// specification's own):
//
//   - beta 9.52, phi 1.51, w_plus 0.425, w_minus 0.308: the medians of the
//     empirical-Bayes population prior of the full model fitted to Mikus et
//     al. (2023), 75 subjects x 2 trustees x 25 graded investments of 10 with
//     feedback every trial (`trustlab fit trials.csv --spec
//     examples/data/mikus2023.yaml`, the default estimator `--prior
//     empirical`, seed 1, 5 restarts; 9 EM iterations, converged; run
//     2026-12-03 at commit 27c3611).
//   - lambda0 1, kappa 2, n0 2, gamma 1: the values the fits hold fixed
//     (docs/model.md's defaults; docs/fitting.md section 2 says why they are not
//     identified); zeta 0, eta 0 and omega 0.5 are not fitted and stay at
//     their defaults.
//
// The trait is not a parameter: [CalibratedTrait] is the average
// stranger-trustor's under these values in the investment game, fitted to
// Berg et al. (1995), and [CalibratedTraitBinary] in binary situations.
// With [CalibratedTrait] a stranger in Berg's game sends 5.40 of 10 on
// average (Berg: 5.25). The evidence weights say that a betrayal weighs less
// than a confirmation (0.308 < 0.425), against docs/model.md's assumption
// w_minus > w_plus; the srndna fit agrees (0.18 < 0.33).
func Calibrated() Params {
	v := func(x float64) *float64 { return &x }
	return Params{Beta: v(9.52), Phi: v(1.51), WPlus: v(0.425), WMinus: v(0.308)}
}

// Preset names a parameter set: "calibrated" is [Calibrated]. PresetNames
// lists the names [Preset] accepts.
func Preset(name string) (Params, bool) {
	switch name {
	case "calibrated":
		return Calibrated(), true
	}
	return Params{}, false
}

// PresetNames returns the names of the parameter presets, in a new slice.
func PresetNames() []string { return []string{"calibrated"} }

// Stranger is the distribution of the amount sent in the investment game s
// by a trustor of trait tau who meets a stranger: the belief is the trait
// prior [Model.Prior], the amount BetaBinomial(e, f*phi, (1-f)*phi) with the
// intended fraction f of [Model.Fraction]. It validates m, tau and s, which
// must be the investment game.
func (m Model) Stranger(tau float64, s Situation) (BetaBinomial, error) {
	if err := errors.Join(m.Validate(), ValidateTrait(tau), s.Validate()); err != nil {
		return BetaBinomial{}, err
	}
	if s.Game != Investment {
		return BetaBinomial{}, fmt.Errorf("game = %v: the stranger's amount is defined for the investment game", s.Game)
	}
	a := m.Appraise(tau, m.Prior(tau), s)
	return m.Amount(m.Fraction(a.Balance), int(s.Endowment)), nil
}
