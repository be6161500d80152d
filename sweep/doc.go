// Package sweep runs parameter sweeps of trustlab scenarios: a base
// scenario, axes that vary any of its parameters (addressed by dotted paths
// into the scenario YAML), replications, and the outputs to keep.
//
// A sweep expands into cells (the Cartesian product of the axes) and runs
// (cells times replications). Each run's seed is derived from the sweep
// seed, the canonical JSON of the cell's axis values and the replication
// (RunSeed), never from its position, so adding a value to an axis changes
// no other cell's results, and results never depend on the number of
// workers or shards.
//
// Execute runs the runs of one shard in parallel, writing each result as
// a checksummed cell file (atomically: a temporary name, then a rename),
// and skips valid cell files on restart. Merge combines the cell files of
// one or more output directories into tidy tables, checking that every
// run is present exactly once and that all came from the same sweep (the
// Spec hash in every file).
//
// The simulation is reached through the Runner interface, which
// CellRunner implements with packages scenario and sim; the rest of the
// sweep package knows nothing of the scenario format beyond paths. See
// docs/sweeps.md for the file format and the outputs.
package sweep
