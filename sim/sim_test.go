package sim

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/trustlab/trustlab/model"
	"github.com/trustlab/trustlab/scenario"
)

func parse(t testing.TB, src string) *scenario.Scenario {
	t.Helper()
	sc, err := scenario.Parse([]byte(src), "test.yaml", "")
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// runRows steps sc to the end and returns every row.
func runRows(t testing.TB, sc *scenario.Scenario, opt Options) ([]Row, *Sim) {
	t.Helper()
	s, err := New(sc, opt)
	if err != nil {
		t.Fatal(err)
	}
	var rows []Row
	for s.Steps() < sc.Steps {
		rows = append(rows, s.Step()...)
	}
	return rows, s
}

const mixed = `
seed: 7
steps: 25
population:
  size: 9000
  groups:
    - {name: honest, share: 0.5, trustworthiness: {dist: beta, a: 8, b: 2}}
    - {name: recip, share: 0.2, behaviour: {kind: reciprocal, slope: 0.6}}
    - {name: cons, share: 0.2, behaviour: {kind: con-artist, honours: 2}, params: {eta: 0.01}}
    - {name: cheats, share: 0.1, behaviour: betray}
network: {kind: barabasi-albert, m: 3}
partner: {choice: belief, beta: 5}
situation: {game: binary, gain: 1, loss: 1, control: {cost: 0.3, loss: 0.2}}
params: {gamma: 0.98}
feedback: {regime: social, weight: 0.3}
interventions: {graduated_stakes: {start: 0.2}, full_feedback: 3, safe_start: 2}
outputs: {plots: false}
`

// The fast kernel's inlined arithmetic equals the model package's.
func TestFastArithmetic(t *testing.T) {
	m := model.Default()
	m.Gamma = 0.98
	for _, x := range []float32{-80, -20, -5, -1, -0.3, 0, 0.01, 0.5, 1, 3, 10, 40, 80} {
		got, want := float64(exp32(x)), math.Exp(float64(x))
		if math.Abs(got-want) > 1e-6*want {
			t.Errorf("exp32(%g) = %g, want %g", x, got, want)
		}
		if got, want := float64(sigmoid32(x)), model.Sigmoid(float64(x)); math.Abs(got-want) > 1e-6 {
			t.Errorf("sigmoid32(%g) = %g, want %g", x, got, want)
		}
	}
	// The kernel trusts when u*(1+exp32(-x)) < 1, which is u < sigmoid(x)
	// away from a 1e-6 band around the boundary.
	for _, x := range []float32{-12, -3, -0.5, 0, 0.2, 2, 9} {
		sg := model.Sigmoid(float64(x))
		for _, u := range []float64{sg - 1e-6, sg + 1e-6, sg / 2, (1 + sg) / 2} {
			if u <= 0 || u >= 1 {
				continue
			}
			got := float32(u)*(1+exp2c(clamp2(-x*log2e))) < 1
			if want := u < sg; got != want {
				t.Errorf("decision at x = %g, u = %g: %v, want %v", x, u, got, want)
			}
		}
	}
	// A fastAgent's constants: the exponent of the decision and the
	// prior's share of the update.
	sit := scenario.Situation{Situation: model.Situation{Game: model.Binary, Gain: 1.5, Loss: 2, Outside: 0.25}}
	for _, tau := range []float32{0, 0.0005, 0.05, 0.3, 0.5, 0.95, 1} {
		fa := newFastAgent(m, sit, tau)
		lam := m.Lambda(float64(tau))
		for _, p := range []float32{0, 0.37, 0.5, 0.9, 1} {
			got := float64(fa.Slope*p - fa.Offset)
			want := -m.Beta * model.BinaryBalance(float64(p), lam, sit.Gain, sit.Loss, sit.Outside) * math.Log2E
			if math.Abs(got-want) > 1e-5 {
				t.Errorf("tau %g, p %g: exponent %g, want -beta*B*log2(e) = %g", tau, p, got, want)
			}
		}
		pr := m.Prior(float64(tau))
		if math.Abs(float64(fa.A0)-(1-m.Gamma)*pr.A) > 1e-7 || math.Abs(float64(fa.B0)-(1-m.Gamma)*pr.B) > 1e-7 || fa.Trait != tau {
			t.Errorf("tau %g: prior share %g, %g, trait %g; want (1-gamma)*%+v", tau, fa.A0, fa.B0, fa.Trait, pr)
		}
	}
	// The update branches of the kernel, through the kernel's own block:
	// one agent, one slot, and the random word x chosen to trust and be
	// honoured, to trust and be betrayed, or not to trust (bits 16-39 the
	// decision's uniform, bits 40-63 the honour uniform); the slot's new
	// belief must be model.Update's.
	tau := float32(0.4)
	fa := newFastAgent(m, sit, tau)
	prior := m.Prior(float64(tau))
	c := fastParams{gain: float32(sit.Gain), loss: float32(sit.Loss), outside: float32(sit.Outside),
		gamma: float32(m.Gamma), incA: float32(m.Gamma) * float32(m.WPlus), incB: float32(m.Gamma) * float32(m.WMinus)}
	const uMax = uint64(1<<24 - 1)
	cases := []struct {
		name                string
		a, b                float32 // the belief before (p = a/(a+b))
		x                   uint64
		trusted, honoured   bool
		r                   float64
		confirmed, evidence bool
	}{
		{"trust, honoured", 5, 0.5, 0, true, true, 1, true, true},
		{"trust, betrayed", 5, 0.5, uMax << 40, true, false, 0, false, true},
		{"no trust", 0.05, 6, uMax<<16 | uMax<<40, false, false, 0, false, false},
	}
	for _, tc := range cases {
		blk := []fastAgent{fa}
		slots := []fastSlot{{A: tc.a, B: tc.b, W: 0.5}}
		var sums fastSums
		c.block(blk, slots, []uint64{tc.x}, 1, &sums)
		if (sums.trusts == 1) != tc.trusted || (sums.honoured == 1) != tc.honoured {
			t.Fatalf("%s: trusts %d, honoured %d", tc.name, sums.trusts, sums.honoured)
		}
		want := m.Update(model.Belief{A: float64(tc.a), B: float64(tc.b)}, prior, tc.r, tc.confirmed, tc.evidence)
		if got := slots[0]; math.Abs(float64(got.A)-want.A) > 1e-5 || math.Abs(float64(got.B)-want.B) > 1e-5 {
			t.Errorf("%s: kernel belief (%g, %g), model %+v", tc.name, got.A, got.B, want)
		}
	}
}

// The fast kernel and the general path agree in distribution: over seeds,
// the means of the last step's metrics and of the agents' cumulative
// payoffs differ by less than 4 standard errors (plus a small absolute
// slack for float32 rounding). The second scenario takes the kernel's
// other branches: K not a power of two (the slot draw rejects), and
// stakes other than 1 (the exponent's slope and offset, payoffs from the
// counts).
func TestFastMatchesGeneral(t *testing.T) {
	const seeds = 6
	for _, tc := range []struct{ name, src string }{
		{"ppb1", "steps: 30\npopulation: {size: 8000}\nparams: {gamma: 0.98}\noutputs: {plots: false}\n"},
		{"k5 stakes", "steps: 30\npopulation: {size: 8000, trait: {dist: beta, a: 2, b: 3}}\nnetwork: {kind: k-out, k: 5}\n" +
			"situation: {game: binary, gain: 1.5, loss: 2, outside: 0.25}\nparams: {gamma: 0.9, beta: 3}\noutputs: {plots: false}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			metric := func(r Row, s *Sim) []float64 {
				pay := 0.0
				s.Agents(func(a AgentRow) { pay += a.Payoff })
				return []float64{r.TrustRate, r.HonourRate, r.MeanPayoff, r.MeanBelief, r.CalibrationError, r.Cynicism, pay / float64(s.N())}
			}
			names := []string{"trust_rate", "honour_rate", "mean_payoff", "mean_belief", "calibration_error", "cynicism", "agents' payoff"}
			var sums [2][7][2]float64 // path, metric, (sum, sumsq)
			for seed := range seeds {
				for path, general := range []bool{false, true} {
					sc := parse(t, tc.src)
					sc.Seed = uint64(seed + 100)
					rows, s := runRows(t, sc, Options{General: general})
					if s.Kernel() != map[bool]string{false: "fast", true: "general"}[general] {
						t.Fatalf("kernel %s, general=%v", s.Kernel(), general)
					}
					// The agents' payoffs add up to the steps' payoffs.
					stepPay, agentPay := 0.0, 0.0
					for _, r := range rows {
						stepPay += r.MeanPayoff * float64(r.Agents)
					}
					s.Agents(func(a AgentRow) { agentPay += a.Payoff })
					if math.Abs(stepPay-agentPay) > 1e-9*math.Max(1, math.Abs(stepPay)) {
						t.Errorf("seed %d, %s: agents' payoffs sum to %g, the steps' to %g", sc.Seed, s.Kernel(), agentPay, stepPay)
					}
					for k, v := range metric(rows[len(rows)-1], s) {
						sums[path][k][0] += v
						sums[path][k][1] += v * v
					}
				}
			}
			for k, name := range names {
				var mean, v [2]float64
				for p := range 2 {
					mean[p] = sums[p][k][0] / seeds
					v[p] = max(0, sums[p][k][1]/seeds-mean[p]*mean[p]) / (seeds - 1)
				}
				se := math.Sqrt(v[0] + v[1])
				diff := math.Abs(mean[0] - mean[1])
				t.Logf("%s: fast %.5f, general %.5f, |diff| %.5f, 4 se %.5f", name, mean[0], mean[1], diff, 4*se)
				if diff > 4*se+2e-4 {
					t.Errorf("%s: fast %.5f vs general %.5f: |diff| %.5f > 4 se + 2e-4 = %.5f", name, mean[0], mean[1], diff, 4*se+2e-4)
				}
			}
		})
	}
}

// An edge-free network fails in New, before any step, with an error naming
// the key: the run would otherwise end with 0/0 rates (a NaN manifest).
func TestNewRefusesEdgeFreeNetwork(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, src, edges, want string
	}{
		{"erdos-renyi p 0", "population: {size: 20}\nnetwork: {kind: erdos-renyi, p: 0}\n", "", "network.p = 0: the erdos-renyi network drew no edges"},
		{"empty edge list", "population: {size: 5}\nnetwork: {kind: edge-list, file: EDGES}\n", "", "the edge list has no edges"},
		{"comment-only edge list", "population: {size: 5}\nnetwork: {kind: edge-list, file: EDGES}\n", "# nothing\n", "the edge list has no edges"},
		{"header-only edge list", "population: {size: 5}\nnetwork: {kind: edge-list, file: EDGES}\n", "from,to\n", "the edge list has no edges"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			edges := filepath.Join(dir, "edges.csv")
			os.WriteFile(edges, []byte(tc.edges), 0o644)
			src := bytes.ReplaceAll([]byte(tc.src), []byte("EDGES"), []byte(edges))
			_, err := New(parse(t, string(src)), Options{})
			if err == nil || !bytes.Contains([]byte(err.Error()), []byte(tc.want)) {
				t.Errorf("New: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
