// Package fit estimates the pyramid model's parameters from people's trust
// decisions, compares it with nested variants and a baseline, and checks
// that its parameters can be recovered from simulated data.
//
// A subject's decisions are a [Sequence] of [Trial] values (built from
// data files by package fitrun, which reads them through a data spec, or
// simulated with [Simulate] and [SimulateModel]); fit itself reads no
// files and knows no flags. The
// likelihood replays the sequence through package model: beliefs per
// partner start at the trait prior, every choice is scored given the current
// belief (graded amounts with the beta-binomial, binary choices, or a choice
// between two offered amounts), and the feedback the subject saw updates the
// belief.
//
// The top level's noise is a [ResponseModel] (the default mixes in lapses,
// all-or-nothing choices and the attraction of round amounts); beside the
// pyramid model and its nested variants, [Variants] holds a constant
// baseline and rival models of trust-game learning (Rescorla-Wagner with
// one or two learning rates, a reciprocity heuristic), all fitted and
// compared the same way.
//
// [FitSubject] maximises the likelihood per subject over the free
// parameters of each [Variant], on unbounded scales, from several
// deterministic restarts, with standard errors from the numerical Hessian,
// AIC, BIC and a cross-validated log-likelihood. [Options.Prior] chooses
// the estimator: maximum likelihood (the zero value), maximum a posteriori
// under a fixed weak prior, or empirical Bayes ([PriorEmpirical]: the EM of
// Huys et al. 2011 over a normal population prior per parameter, estimated
// from all subjects of a [Run]; it recovers parameters far better in the
// mikus2023 design and is the default of the trustlab CLI). Under a prior
// each fit also has a Laplace log evidence. [Run] fits a stream of
// subjects in parallel; its results do not depend on the number of workers.
// [Recover] simulates subjects with known parameters of any model and
// fits them; [ModelRecovery] asks which model wins on data simulated from
// each; [LeaveOneOut] scores pooled fits on unseen subjects; [Replicate]
// simulates whole sequences for posterior predictive checks.
//
// docs/fitting.md describes the likelihood, the parameters and the results
// on the shared data sets.
package fit
