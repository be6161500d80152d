// Package live runs simulations under a viewer's control, for the web
// UI's live population view (issue #18): a [Session] holds one sim.Sim
// stepped by one goroutine (play at a speed, pause, step one, stop), a
// fixed, deterministic sample of at most [DefaultMaxDrawn] agents with
// their positions and the edges among them ([Graph]), and after each step
// the steps.csv rows and, at most about 15 times a second, the sampled
// agents' colour values (trait, belief, last act, payoff) quantised to a
// byte each ([Frame]). A [Manager] bounds the sessions a server keeps
// (their number, the size of their populations, an idle timeout).
//
// The package has no HTTP: package httpapi serves it, streaming a
// session's [Update]s as server-sent events. The sim.Sim is touched only
// by the session's goroutine: requests for an agent's state
// ([Session.Agent]) are answered between steps.
package live
