// Package sim is the agent-based engine of the pyramid model: a population
// on a network meets one partner per step, decides by the model package
// whether to trust, control or abstain, learns from what it experiences,
// and reports tidy metrics per step ([Row], its columns [RowHeader]) and
// per agent ([AgentRow]). It writes no files: package simrun runs a
// simulation into its output folder (steps.csv, agents.csv, plots, the
// manifest), package sweep's CellRunner runs the cells of a sweep.
//
// # Steps, shards and determinism
//
// A step is synchronous: every agent acts once. Agents are cut into shards
// of [ShardSize] consecutive agents, a size independent of the number of
// workers; workers pull shards from a counter. Shard h of step t draws
// from the random stream rng.Stream(seed, step key, t, h), reseeded in
// place, and agents in a shard act in order. Metrics are summed per shard
// and the shard sums are reduced in shard order. So a run's output
// depends on its seed only, never on the number of workers.
//
// An agent writes only its own state during a step (its trait, payoff and
// counters, and the beliefs, stakes and trust counts of its own slots).
// What others read during a step is either static (trustworthiness, the
// network) or the previous step's per-trustee counts that drive
// reciprocal trustees and social reports: each agent records its step
// (partner, outcome) and the records are counted after the step, by
// trustee range, into integers that do not depend on order.
//
// # Kernels
//
// Every scenario runs the general kernel (kernel.go): struct-of-arrays
// float32 state, the run's features resolved once into a kernel value
// (kern), agents in blocks whose partners' data are read before they act,
// no branches on random outcomes. The investment game's expectation and
// risk come from one continued fraction (incbeta.go). The common case of
// benchmark PPB-1 (binary situation without control, uniform partner
// choice, own feedback, static probabilistic trustworthiness, no
// interventions, one group, a regular network) runs the same design
// specialised further (fast.go). Each is a different random path through
// the same model, checked against the previous general path and against
// each other statistically (see the tests); Options.General forces the
// general kernel.
package sim
