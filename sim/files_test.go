package sim_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/trustlab/trustlab/scenario"
	"github.com/trustlab/trustlab/sim"
	"github.com/trustlab/trustlab/simrun"
)

// The engine's determinism in the files a run writes (package simrun):
// steps.csv and agents.csv do not depend on the number of workers.

// runDir runs sc into a temp folder and returns it.
func runDir(t testing.TB, sc *scenario.Scenario, opt sim.Options) string {
	t.Helper()
	s, err := sim.New(sc, opt)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := simrun.Run(context.Background(), s, dir, simrun.Options{Version: "test"}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// sameForWorkers runs the scenario of mk with 1, 2 and 3 workers and
// reports where steps.csv or agents.csv differ from 1 worker's; it
// returns 1 worker's files.
func sameForWorkers(t *testing.T, mk func() *scenario.Scenario) (ref [2][]byte) {
	t.Helper()
	for _, w := range []int{1, 2, 3} {
		dir := runDir(t, mk(), sim.Options{Workers: w})
		for k, name := range []string{simrun.StepsFile, simrun.AgentsFile} {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if w == 1 {
				ref[k] = b
			} else if !bytes.Equal(b, ref[k]) {
				t.Errorf("%s with %d workers differs from 1 worker", name, w)
			}
		}
	}
	return ref
}

// Property 8: the same seed gives byte-identical outputs for any number of
// workers, on the general path and on the fast kernel.
func TestWorkersIdentical(t *testing.T) {
	for _, tc := range []struct{ name, src string }{
		{"general", sim.Mixed},
		{"fast", "seed: 3\nsteps: 15\npopulation: {size: 10000}\nparams: {gamma: 0.98}\noutputs: {plots: false}\n"},
		{"investment", "seed: 3\nsteps: 10\npopulation: {size: 9000}\nsituation: {game: investment}\nnetwork: {kind: erdos-renyi, p: 0.001}\noutputs: {plots: false}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ref := sameForWorkers(t, func() *scenario.Scenario { return sim.Parse(t, tc.src) })
			t.Logf("steps.csv %d bytes, agents.csv %d bytes identical for workers 1, 2, 3", len(ref[0]), len(ref[1]))
		})
	}
}

// PPB-2 and PPB-3 (examples/ppb2.yaml, ppb3.yaml) at 20,000 agents give
// byte-identical steps.csv and agents.csv for 1, 2 and 3 workers (the
// shards, of ShardSize agents, do not depend on the workers).
func TestKernelWorkersIdentical(t *testing.T) {
	for _, name := range []string{"ppb2.yaml", "ppb3.yaml"} {
		t.Run(name, func(t *testing.T) {
			sameForWorkers(t, func() *scenario.Scenario {
				sc := sim.LoadExample(t, name)
				sc.Population.Size, sc.Steps = 20_000, 8
				sc.Outputs.Plots = false
				return sc
			})
		})
	}
}

// A run with fitted trustees writes the same steps.csv and agents.csv for
// 1 and 3 workers (the rows: TestFittedTrusteesWorkersIdentical).
func TestFittedTrusteesFilesIdentical(t *testing.T) {
	sc := sim.FittedScenario(t, "t1,,trustee,0.35,1.2,6,0.05,0.2,0.2\nt2,,trustee,0.2,-0.5,4,0.02,0.1,0.3\n", "feedback: {regime: full}\n")
	da := runDir(t, sc, sim.Options{Workers: 1})
	db := runDir(t, sc, sim.Options{Workers: 3})
	for _, f := range []string{"steps.csv", "agents.csv"} {
		x, _ := os.ReadFile(filepath.Join(da, f))
		y, _ := os.ReadFile(filepath.Join(db, f))
		if len(x) == 0 || string(x) != string(y) {
			t.Errorf("%s differs between 1 and 3 workers (or is empty)", f)
		}
	}
}
