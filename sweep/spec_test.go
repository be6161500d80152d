package sweep

import (
	"encoding/json"
	"strings"
	"testing"
)

func mustSpec(t *testing.T, sw *Sweep) *Spec {
	t.Helper()
	s, err := sw.Spec()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRunSeedGolden(t *testing.T) {
	// Regression values: changing the derivation changes every sweep's
	// results, so it must never change silently.
	tests := []struct {
		seed uint64
		key  string
		rep  int
		want uint64
	}{
		// Computed independently with Python's hashlib.
		{1, `{}`, 0, 13402618463367802931},
		{1, `{"feedback.regime":"own"}`, 0, 3400902862402129904},
		{1, `{"feedback.regime":"own"}`, 1, 6262133911307018297},
		{2, `{"feedback.regime":"own"}`, 0, 3203278135646647631},
	}
	for _, tt := range tests {
		if got := RunSeed(tt.seed, tt.key, tt.rep); got != tt.want {
			t.Errorf("RunSeed(%d, %s, %d) = %d, want %d", tt.seed, tt.key, tt.rep, got, tt.want)
		}
	}
}

// cellsByKey maps each cell's key to its id and replication seeds.
func cellsByKey(s *Spec) map[string][]uint64 {
	out := map[string][]uint64{}
	for i := 0; i < s.NumRuns(); i++ {
		r := s.Run(i)
		out[r.Cell.Key] = append(out[r.Cell.Key], r.Seed)
	}
	return out
}

func TestSeedsByContent(t *testing.T) {
	const sweepA = `scenario: base.yaml
seed: 9
replications: 2
axes:
  population.groups.exploiter.share: [0.1, 0.2]
  feedback.regime: [own, full]
`
	a := mustSpec(t, mustLoad(t, baseList, sweepA))
	// A value added in the middle and the values reordered: every old
	// cell keeps its seeds.
	b := mustSpec(t, mustLoad(t, baseList, `scenario: base.yaml
seed: 9
replications: 2
axes:
  population.groups.exploiter.share: [0.2, 0.15, 0.10]
  feedback.regime: [full, social, own]
`))
	sa, sb := cellsByKey(a), cellsByKey(b)
	if len(sa) != 4 || len(sb) != 9 {
		t.Fatalf("cells: %d and %d, want 4 and 9", len(sa), len(sb))
	}
	for k, seeds := range sa {
		if got := sb[k]; len(got) != 2 || got[0] != seeds[0] || got[1] != seeds[1] {
			t.Errorf("cell %s: seeds %v after adding values, %v before", k, got, seeds)
		}
		if seeds[0] == seeds[1] {
			t.Errorf("cell %s: replications share the seed %d", k, seeds[0])
		}
	}
	// Another sweep seed changes every seed.
	c := mustSpec(t, mustLoad(t, baseList, strings.Replace(sweepA, "seed: 9", "seed: 10", 1)))
	for k, seeds := range cellsByKey(c) {
		if seeds[0] == sa[k][0] {
			t.Errorf("cell %s: same seed under sweep seeds 9 and 10", k)
		}
	}
	// The cell order: the last axis fastest; keys sorted by path.
	if got, want := a.Cell(1).Key, `{"feedback.regime":"full","population.groups.exploiter.share":0.1}`; got != want {
		t.Errorf("cell 1 key = %s, want %s", got, want)
	}
	if got := a.Run(3); got.Cell.Index != 1 || got.Replication != 1 {
		t.Errorf("run 3 = cell %d replication %d, want cell 1 replication 1", got.Cell.Index, got.Replication)
	}
}

func TestSpecHash(t *testing.T) {
	const sweep = `scenario: base.yaml
seed: 9
axes:
  feedback.regime: [own, full]
`
	a := mustSpec(t, mustLoad(t, baseList, sweep))
	// Comments and formatting of the base do not change the hash; its
	// content does.
	b := mustSpec(t, mustLoad(t, "# a comment\n"+baseList, "name: other\n"+sweep))
	if a.Hash != b.Hash {
		t.Errorf("hash changed with a comment and the name: %s vs %s", a.Hash, b.Hash)
	}
	for _, other := range []*Spec{
		mustSpec(t, mustLoad(t, baseList, sweep+"replications: 2\n")),
		mustSpec(t, mustLoad(t, strings.Replace(baseList, "steps: 20", "steps: 21", 1), sweep)),
		mustSpec(t, mustLoad(t, baseList, strings.Replace(sweep, "full", "social", 1))),
	} {
		if a.Hash == other.Hash {
			t.Errorf("hash unchanged with other content")
		}
	}
	// Round trip through JSON keeps the hash valid.
	j, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var back Spec
	if err := json.Unmarshal(j, &back); err != nil {
		t.Fatal(err)
	}
	if err := back.Verify(); err != nil {
		t.Errorf("Verify after a round trip: %v", err)
	}
	back.Replications = 3
	if err := back.Verify(); err == nil {
		t.Errorf("Verify accepted an edited spec")
	}
}
