// Package fit estimates the pyramid model's parameters from people's trust
// decisions, compares it with nested variants and a baseline, and checks
// that its parameters can be recovered from simulated data.
//
// A subject's decisions are a [Sequence] of [Trial] values (built from a
// dataset.Subject with [FromSubject], or simulated with [Simulate]). The
// likelihood replays the sequence through package model: beliefs per
// partner start at the trait prior, every choice is scored given the current
// belief (graded amounts with the beta-binomial, binary choices, or a choice
// between two offered amounts), and the feedback the subject saw updates the
// belief.
//
// [FitSubject] maximises the likelihood per subject over the free
// parameters of each [Variant], on unbounded scales, from several
// deterministic restarts, with standard errors from the numerical Hessian,
// AIC, BIC and a cross-validated log-likelihood. [Run] fits a stream of
// subjects in parallel; its results do not depend on the number of workers.
// [Recover] simulates subjects with known parameters and fits them.
//
// docs/fitting.md describes the likelihood, the parameters and the results
// on the shared data sets.
package fit
