package sim

import (
	"testing"

	"github.com/trustlab/trustlab/scenario"
)

// Predict's state bytes agree with what New allocates, exactly for the
// networks whose size is known in advance and within 10% for the random
// ones; its peak memory covers the state; a large population is predicted
// without allocating it.
func TestPredictState(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		tol        float64
	}{
		{"k-out, fast kernel", "steps: 3\npopulation: {size: 5000}\nnetwork: {kind: k-out, k: 6}\n", 0},
		{"k-out, two groups", "steps: 3\npopulation: {size: 5000, groups: [{name: a, share: 0.5}, {name: b, share: 0.5, behaviour: betray}]}\nnetwork: {kind: k-out, k: 4}\n", 0},
		{"complete", "steps: 3\npopulation: {size: 300}\nnetwork: {kind: complete}\n", 0},
		{"watts-strogatz", "steps: 3\npopulation: {size: 4000}\nnetwork: {kind: watts-strogatz, k: 6, rewire: 0.1}\n", 0.01},
		{"erdos-renyi", "steps: 3\npopulation: {size: 4000}\nnetwork: {kind: erdos-renyi, p: 0.002}\n", 0.1},
		{"barabasi-albert", "steps: 3\npopulation: {size: 4000}\nnetwork: {kind: barabasi-albert, m: 3}\n", 0.01},
		{"social feedback, reciprocal", "steps: 3\npopulation: {size: 3000, groups: [{name: a, share: 1, behaviour: {kind: reciprocal, slope: 0.5}}]}\nnetwork: {kind: k-out, k: 5}\nfeedback: social\n", 0},
		{"investment game (with its R1 table)", "steps: 3\npopulation: {size: 3000}\nnetwork: {kind: k-out, k: 5}\nsituation: {game: investment, endowment: 10, multiplier: 3}\nparams: {gamma: 0.98}\n", 0},
		{"graduated stakes", "steps: 3\npopulation: {size: 3000}\nnetwork: {kind: k-out, k: 5}\ninterventions: {graduated_stakes: {start: 0.1, grow: 1.5, shrink: 0.5}}\n", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc, err := scenario.Parse([]byte(tc.yaml), "s.yaml", "")
			if err != nil {
				t.Fatal(err)
			}
			z := Predict(sc)
			s, err := New(sc, Options{Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			got, want := float64(z.StateBytes), float64(s.StateBytes())
			if got < want*(1-tc.tol) || got > want*(1+tc.tol) {
				t.Errorf("predicted state %d bytes, New allocated %d (tolerance %g)", z.StateBytes, s.StateBytes(), tc.tol)
			}
			if z.MemoryBytes < z.StateBytes || z.Agents != sc.Population.Size || z.Steps != 3 {
				t.Errorf("size %+v", z)
			}
		})
	}
	sc, err := scenario.Parse([]byte("steps: 1000000000\npopulation: {size: 2147483647}\nnetwork: {kind: k-out, k: 1}\n"), "s.yaml", "")
	if err != nil {
		t.Fatal(err)
	}
	z := Predict(sc)
	if z.MemoryBytes < 60<<30 || z.DiskBytes < 100<<30 || z.Rows != 1e9 {
		t.Errorf("2^31-1 agents for 1e9 steps: %+v; want over 60 GiB of memory and 100 GiB of disk", z)
	}
}
