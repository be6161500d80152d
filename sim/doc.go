// Package sim is the agent-based engine of the pyramid model: a population
// on a network meets one partner per step, decides by the model package
// whether to trust, control or abstain, learns from what it experiences,
// and reports tidy metrics per step and per agent.
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
// network) or double-buffered: the per-trustee counts that drive
// reciprocal trustees and social reports are written into the current
// buffer (integer atomic increments, whose result does not depend on
// their order) and read from the previous step's buffer.
//
// # Fast kernel
//
// The common case of benchmark PPB-1 (binary situation without control,
// uniform partner choice, own feedback, static probabilistic
// trustworthiness, no interventions, one group, a regular network) runs a
// specialised kernel with float32 arithmetic and fused metrics. It is a
// different random path through the same model, checked against the
// general path statistically (see the tests); Options.General forces the
// general path.
package sim
