package sim

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/trustlab/trustlab/scenario"
)

var updateMeans = flag.Bool("update-means", false, "rewrite testdata/means-*.json from the current engine")

// The statistical reference of the general path: per step and group, the
// mean and standard deviation over 10 seeds of the metrics below, for
// the scenarios of meanCases.
// testdata/means-*.json were written by the general path as it was before
// the kernel of issue 11 (commit "sim: golden means of the old general
// path"), with go test ./sim -run TestMeansMatchReference -update-means.
var meanMetrics = []struct {
	name string
	get  func(Row) float64
}{
	{"trust_rate", func(r Row) float64 { return r.TrustRate }},
	{"control_rate", func(r Row) float64 { return r.ControlRate }},
	{"honour_rate", func(r Row) float64 { return r.HonourRate }},
	{"mean_belief", func(r Row) float64 { return r.MeanBelief }},
	{"mean_payoff", func(r Row) float64 { return r.MeanPayoff }},
	{"mean_trait", func(r Row) float64 { return r.MeanTrait }},
	{"sent_fraction", func(r Row) float64 { return r.SentFraction }},
	{"return_fraction", func(r Row) float64 { return r.ReturnFraction }},
}

const (
	meanSeeds = 10
	meanN     = 100_000
)

// meanStat is the mean and standard deviation over seeds of one metric of
// one group in one step.
type meanStat struct {
	Mean, SD float64
}

// meanFile is testdata/means-NAME.json: [step][group][metric].
type meanFile struct {
	Scenario string                           `json:"scenario"`
	Seeds    int                              `json:"seeds"`
	N        int                              `json:"n"`
	Steps    []map[string]map[string]meanStat `json:"steps"`
}

// meanCases are the scenarios of the reference: PPB-2 and PPB-3 at
// N = 10^5, the examples that take other features (complete network and
// control; betrayal wave; graduated stakes and eta) at their own size, and
// the mixed scenario of TestWorkersIdentical (belief choice, safe start,
// full feedback, a Barabasi-Albert network).
var meanCases = []struct {
	name string
	load func(t *testing.T) *scenario.Scenario
}{
	{"ppb2", func(t *testing.T) *scenario.Scenario { return sized(loadExample(t, "ppb2.yaml"), meanN) }},
	{"ppb3", func(t *testing.T) *scenario.Scenario { return sized(loadExample(t, "ppb3.yaml"), meanN) }},
	{"social-lubricant", func(t *testing.T) *scenario.Scenario { return loadExample(t, "social-lubricant.yaml") }},
	{"asymmetry", func(t *testing.T) *scenario.Scenario { return loadExample(t, "asymmetry.yaml") }},
	{"learning-trust", func(t *testing.T) *scenario.Scenario { return loadExample(t, "learning-trust.yaml") }},
	{"mixed", func(t *testing.T) *scenario.Scenario { return parse(t, mixed) }},
}

func sized(sc *scenario.Scenario, n int) *scenario.Scenario {
	sc.Population.Size = n
	return sc
}

func collectMeans(t *testing.T, load func(*testing.T) *scenario.Scenario) meanFile {
	var sums []map[string]map[string][2]float64
	steps := 0
	example, n := "", 0
	for seed := 1; seed <= meanSeeds; seed++ {
		sc := load(t)
		example, n = sc.Name, sc.Population.Size
		sc.Seed = uint64(seed)
		rows, _ := runRows(t, sc, Options{})
		steps = sc.Steps
		if sums == nil {
			sums = make([]map[string]map[string][2]float64, steps)
			for k := range sums {
				sums[k] = map[string]map[string][2]float64{}
			}
		}
		for _, r := range rows {
			g := sums[r.Step-1][r.Group]
			if g == nil {
				g = map[string][2]float64{}
				sums[r.Step-1][r.Group] = g
			}
			for _, m := range meanMetrics {
				v := m.get(r)
				if math.IsNaN(v) {
					continue
				}
				s := g[m.name]
				g[m.name] = [2]float64{s[0] + v, s[1] + v*v}
			}
		}
	}
	f := meanFile{Scenario: example, Seeds: meanSeeds, N: n, Steps: make([]map[string]map[string]meanStat, steps)}
	for k, st := range sums {
		f.Steps[k] = map[string]map[string]meanStat{}
		for g, ms := range st {
			f.Steps[k][g] = map[string]meanStat{}
			for name, s := range ms {
				mean := s[0] / meanSeeds
				v := max(0, s[1]/meanSeeds-mean*mean) * meanSeeds / (meanSeeds - 1)
				f.Steps[k][g][name] = meanStat{mean, math.Sqrt(v)}
			}
		}
	}
	return f
}

// TestMeansMatchReference: per step and group, the means over 10 seeds
// (PPB-2 and PPB-3 at N = 10^5, the others at their size) of trust, control
// and honour rate, mean belief, payoff and trait, sent and return fraction
// stay within 6 standard errors of the difference (plus 2e-4 for float32
// rounding) of the reference general path's (testdata/means-*.json), and
// at most 2% of them are more than 3 standard errors off. The standard
// errors come from 10 seeds on each side, so the differences follow a t
// distribution with about 18 degrees of freedom: P(|t| > 3) = 0.8%,
// P(|t| > 6) = 1e-5, over about 11,000 (correlated) means.
func TestMeansMatchReference(t *testing.T) {
	if testing.Short() {
		t.Skip("10 seeds x 2 scenarios at N = 10^5")
	}
	for _, tc := range meanCases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join("testdata", "means-"+tc.name+".json")
			got := collectMeans(t, tc.load)
			if *updateMeans {
				b, _ := json.MarshalIndent(got, "", " ")
				if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var ref meanFile
			if err := json.Unmarshal(b, &ref); err != nil {
				t.Fatal(err)
			}
			if len(ref.Steps) != len(got.Steps) {
				t.Fatalf("%d steps, reference %d", len(got.Steps), len(ref.Steps))
			}
			n, worst, worstAt := 0, 0.0, ""
			var over3, over4 int
			for k := range ref.Steps {
				for g, ms := range ref.Steps[k] {
					for name, r := range ms {
						c, ok := got.Steps[k][g][name]
						if !ok {
							t.Errorf("step %d, %s: %s missing", k+1, g, name)
							continue
						}
						se := math.Sqrt((r.SD*r.SD + c.SD*c.SD) / meanSeeds)
						d := math.Abs(c.Mean - r.Mean)
						n++
						if z := d / (se + 1e-12); z > 3 && d > 2e-4 {
							over3++
							if z > 4 {
								over4++
							}
						}
						if z := d / (se + 1e-12); z > worst {
							worst, worstAt = z, fmt.Sprintf("step %d, %s, %s: %.5f vs reference %.5f", k+1, g, name, c.Mean, r.Mean)
						}
						if d > 6*se+2e-4 {
							t.Errorf("step %d, %s, %s: mean %.5f, reference %.5f: |diff| %.5f > 6 se + 2e-4 = %.5f",
								k+1, g, name, c.Mean, r.Mean, d, 6*se+2e-4)
						}
					}
				}
			}
			// A bias would show as many moderate deviations: at most 2%
			// of the means may be 3 se off (t with 18 degrees of freedom:
			// 0.8% expected).
			if float64(over3) > 0.02*float64(n) {
				t.Errorf("%d of %d means more than 3 se (and 2e-4) from the reference", over3, n)
			}
			t.Logf("%d means compared; %d with |diff| > 3 se (and > 2e-4), %d > 4 se; largest |diff|/se %.2f (%s)", n, over3, over4, worst, worstAt)
		})
	}
}
