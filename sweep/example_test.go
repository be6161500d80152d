package sweep_test

import (
	"fmt"

	"github.com/trustlab/trustlab/sweep"
)

// A run's seed depends on the sweep seed, the cell's values and the
// replication, never on the cell's position.
func ExampleRunSeed() {
	key := `{"feedback":"own","population.groups.exploiters.share":0.3}`
	fmt.Println(sweep.RunSeed(2024, key, 0))
	fmt.Println(sweep.RunSeed(2024, key, 1))
	// Output:
	// 3582784757686994445
	// 14594764044730422093
}

// Shards come from a flag or from the scheduler's variables.
func ExampleShardFromEnv() {
	env := map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "8", "SLURM_ARRAY_TASK_MIN": "1"}
	sh, source, err := sweep.ShardFromEnv(func(k string) string { return env[k] }, 0)
	fmt.Println(sh, source, err)
	fmt.Println(sh.Has(3), sh.Has(11))
	// Output:
	// 3/8 SLURM_ARRAY_TASK_ID=4, SLURM_ARRAY_TASK_COUNT=8, SLURM_ARRAY_TASK_MIN=1, SLURM_ARRAY_TASK_STEP=1 <nil>
	// true true
}

// Parse reads a sweep file; Spec expands it into cells and runs.
func ExampleParse() {
	sw, err := sweep.Parse("sweep.yaml", []byte(`
base: {steps: 20, population: {size: 100}}
replications: 2
axes:
  population.size: [100, 200]
  situation.loss: {from: 0.5, to: 1.5, step: 0.5}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	spec, _ := sw.Spec()
	fmt.Println(spec.NumCells(), "cells,", spec.NumRuns(), "runs")
	fmt.Println(spec.Cell(4).Key)
	// Output:
	// 6 cells, 12 runs
	// {"population.size":200,"situation.loss":1}
}
