// Package model implements the pyramid model of interpersonal trust
// specified in docs/model.md: a stable trust trait at the base, a dynamic balance
// between trust expectation and trust risk in the middle, and the concrete
// trust behaviour at the top.
//
// The package is pure: standard library and gonum only, no I/O, no globals,
// and every stochastic function takes a *rand.Rand.
//
// # Parameters
//
// [Params] holds the model parameters as optional values: a nil field means
// docs/model.md's default, so the zero Params is the default model. Resolve it
// once with [Params.Model], which validates every value and returns a
// [Model] of plain numbers for the hot paths:
//
//	m, err := model.Params{Kappa: new(0.0)}.Model() // trait does not scale risk
//
// [Default] is docs/model.md's parameter set, the specification's own.
// [Calibrated] is an alternative fitted to people's choices in the shared
// data sets, with [CalibratedTrait] the trait of an average stranger-trustor
// under it; [Preset] looks it up by name ("calibrated"), and
// [Model.Stranger] gives the amount a trustor sends to a stranger in the
// investment game.
//
// # The three levels
//
//   - Base: [Model.Lambda] (risk weight from the trait), [Model.Prior] (the
//     trait-based belief about strangers), [Model.LearnTrait] (plasticity).
//   - Middle: [Model.Appraise] weighs expectation against risk for a
//     [Situation] (binary, or the investment game per unit sent).
//   - Top: [Model.PTrust], [Model.Choice] (three-way with a control option),
//     [Model.Amount] (graded amounts as a [BetaBinomial]) and [Classify].
//
// [Model.Explain] evaluates one decision at every level and returns an
// [Explanation]; it validates its inputs and never panics.
//
// # Experience
//
// [Model.Update] applies one encounter (asymmetric evidence weights and
// forgetting toward the trait prior); [Feedback] says when evidence arrives;
// [Model.Hear] adds a social report.
package model
