package fit

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/trustlab/trustlab/internal/rng"
	"github.com/trustlab/trustlab/model"
)

// simulated returns n synthetic subjects of the default design with
// parameters drawn from DefaultRanges.
func simulated(t testing.TB, n int, seed uint64) ([]*Sequence, []Values) {
	t.Helper()
	ranges := DefaultRanges()
	var seqs []*Sequence
	var truth []Values
	for i := range n {
		r := rng.Stream(seed, uint64(i))
		v := DefaultValues()
		for _, p := range DefaultFree {
			v[p] = ranges[p].draw(r.Float64())
		}
		s, err := Simulate(r, fmt.Sprintf("s%d", i), Design{}, v)
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, s)
		truth = append(truth, v)
	}
	return seqs, truth
}

// jobsOf hands out seqs one job each and then returns end (nil for the
// end of the data, or a read error).
func jobsOf(seqs []*Sequence, end error) func() (Job, bool, error) {
	i := 0
	return func() (Job, bool, error) {
		if i == len(seqs) {
			return Job{}, false, end
		}
		i++
		return Job{Seq: seqs[i-1]}, true, nil
	}
}

func runAll(t *testing.T, seqs []*Sequence, o Options, workers int) []SubjectFit {
	t.Helper()
	var out []SubjectFit
	err := Run(context.Background(), jobsOf(seqs, nil), o, workers, func(sf SubjectFit) error {
		out = append(out, sf)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Results, in order, must not depend on the number of workers.
func TestRunDeterministicAcrossWorkers(t *testing.T) {
	seqs, _ := simulated(t, 6, 3)
	o := Options{Restarts: 3, Seed: 9}
	one := runAll(t, seqs, o, 1)
	for _, w := range []int{2, 5} {
		got := runAll(t, seqs, o, w)
		if d := cmp.Diff(one, got, cmpopts.EquateNaNs()); d != "" {
			t.Errorf("workers=%d differs from workers=1 (-1 +%d):\n%s", w, w, d)
		}
	}
	for i, sf := range one {
		if sf.ID != seqs[i].ID {
			t.Errorf("result %d is subject %q, want %q (input order)", i, sf.ID, seqs[i].ID)
		}
	}
}

// A read error stops the run after the subjects read before it are emitted.
func TestRunReadError(t *testing.T) {
	seqs, _ := simulated(t, 3, 4)
	bad := errors.New("data.csv:12:3: field \"sent\": value 11 out of range [0, 10]")
	var emitted []string
	err := Run(context.Background(), jobsOf(seqs, bad), Options{Models: Variants()[:1], NoCV: true, Restarts: 1}, 2, func(sf SubjectFit) error {
		emitted = append(emitted, sf.ID)
		return nil
	})
	if !errors.Is(err, bad) {
		t.Fatalf("err = %v, want the read error", err)
	}
	if want := []string{"s0", "s1", "s2"}; !cmp.Equal(emitted, want) {
		t.Errorf("emitted %v before the error, want %v", emitted, want)
	}
}

// Every nested variant is the full model with constraints, so the full
// model's maximised log-likelihood must be at least as high (up to the
// optimizer's tolerance): a check that the optimizer finds the maximum.
// no_risk (lambda = 1) is nested only when kappa is free: with kappa fixed
// at 2 the full model ties lambda to tau, and no_risk is an alternative
// with as many parameters.
func TestNestedVariantsFitWorse(t *testing.T) {
	seqs, truth := simulated(t, 8, 5)
	for i, s := range seqs {
		sf, err := FitSubject(s, nil, Options{NoCV: true})
		if err != nil {
			t.Fatal(err)
		}
		full := sf.Estimates[0]
		if lt := LogLik(s, truth[i]); lt > full.LogLik+1e-4 {
			t.Errorf("%s: log-likelihood at the true values %.4f beats the estimate %.4f", s.ID, lt, full.LogLik)
		}
		kf, err := FitSubject(s, nil, Options{NoCV: true, Free: []Param{Kappa}, Models: []Variant{variants[0], variants[2]}})
		if err != nil {
			t.Fatal(err)
		}
		if nr, kfull := kf.Estimates[1], kf.Estimates[0]; nr.LogLik > kfull.LogLik+1e-3 || !kfull.Free[Kappa] {
			t.Errorf("%s: no_risk log-likelihood %.4f > full with kappa free %.4f", s.ID, nr.LogLik, kfull.LogLik)
		}
		for _, e := range sf.Estimates[1:] {
			if e.Model == "baseline" || e.Model == "no_risk" || e.Model == "rw" || e.Model == "rw2" || e.Model == "reciprocity" {
				continue
			}
			if e.LogLik > full.LogLik+1e-3 {
				t.Errorf("%s: %s log-likelihood %.4f > full %.4f", s.ID, e.Model, e.LogLik, full.LogLik)
			}
			if e.K >= full.K {
				t.Errorf("%s: %s has %d free parameters, full %d", s.ID, e.Model, e.K, full.K)
			}
		}
	}
}

func TestVariantParameters(t *testing.T) {
	seqs, _ := simulated(t, 1, 6)
	sf, err := FitSubject(seqs[0], nil, Options{NoCV: true, Restarts: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		k     int
		fixed map[Param]float64
	}{
		// + lapse, hurdle and round (the default response model) in every model
		"full":         {8, map[Param]float64{Lambda0: 1, Kappa: 2, N0: 2, Gamma: 1}},
		"no_asymmetry": {7, nil},
		"no_risk":      {8, map[Param]float64{Lambda0: 1, Kappa: 0}},
		"no_trait":     {7, map[Param]float64{Tau: 0.5}},
		"no_learning":  {6, map[Param]float64{WPlus: 0, WMinus: 0}},
		"baseline":     {5, nil},
		"rw":           {7, map[Param]float64{Tau: 0.5}},                // v0, beta, alpha_plus, phi + 3
		"rw2":          {8, nil},                                        // + alpha_minus
		"reciprocity":  {6, map[Param]float64{Beta: model.DefaultBeta}}, // recip_a, recip_b, phi + 3
	}
	for _, e := range sf.Estimates {
		w := want[e.Model]
		if e.K != w.k {
			t.Errorf("%s: K = %d, want %d", e.Model, e.K, w.k)
		}
		for p, x := range w.fixed {
			if e.Free[p] || e.Values[p] != x {
				t.Errorf("%s: %v = %g (free %v), want fixed at %g", e.Model, p, e.Values[p], e.Free[p], x)
			}
		}
		if e.Model == "no_asymmetry" && e.Values[WMinus] != e.Values[WPlus] {
			t.Errorf("no_asymmetry: w_minus %g != w_plus %g", e.Values[WMinus], e.Values[WPlus])
		}
		if want := 2*float64(e.K) - 2*e.LogLik; math.Abs(e.AIC-want) > 1e-9 {
			t.Errorf("%s: AIC = %g, want %g", e.Model, e.AIC, want)
		}
		if want := float64(e.K)*math.Log(50) - 2*e.LogLik; math.Abs(e.BIC-want) > 1e-9 {
			t.Errorf("%s: BIC = %g, want %g", e.Model, e.BIC, want)
		}
	}
}

// The baseline of two-option choices is a Bernoulli: its maximum is at the
// share of high choices, with log-likelihood n1 log q + n0 log(1-q).
func TestBaselineTwoOptionMaximum(t *testing.T) {
	s := &Sequence{ID: "o", Partners: []string{"p"}}
	took := []bool{true, true, false, true, false, true, true, false, true, true}
	for _, h := range took {
		s.Trials = append(s.Trials, Trial{Response: TwoOption, Endowment: 8, Low: 0, High: 8, TookHigh: h, Multiplier: 3, Gain: 0.5})
	}
	sf, err := FitSubject(s, nil, Options{Models: []Variant{variants[0], variants[5]}, NoCV: true, Response: &ResponseModel{}})
	if err != nil {
		t.Fatal(err)
	}
	b := sf.Estimates[1]
	want := 7*math.Log(0.7) + 3*math.Log(0.3)
	if math.Abs(b.LogLik-want) > 1e-6 || math.Abs(b.Values[Base]-0.7) > 1e-3 {
		t.Errorf("baseline: base %.6f, log-likelihood %.8f; want 0.7, %.8f", b.Values[Base], b.LogLik, want)
	}
	if b.Used[Phi] || b.K != 1 {
		t.Errorf("baseline of two-option choices: K = %d, phi used %v; want 1, false", b.K, b.Used[Phi])
	}
	if math.Abs(b.SE[Base]-math.Sqrt(0.7*0.3/10)) > 1e-3 {
		t.Errorf("SE of base = %.5f, want sqrt(q(1-q)/n) = %.5f", b.SE[Base], math.Sqrt(0.21/10))
	}
}

// With many trials the estimates approach the truth, under the plain
// response and under lapses and all-or-nothing choices.
func TestFitConsistentOnLongSequence(t *testing.T) {
	for _, tc := range []struct {
		resp          ResponseModel
		lapse, hurdle float64
	}{
		{ResponseModel{}, 0, 0},
		{ResponseModel{Lapse: true, Hurdle: true}, 0.05, 0.25},
	} {
		t.Run(tc.resp.String(), func(t *testing.T) {
			v := DefaultValues()
			v[Tau], v[Beta], v[WPlus], v[WMinus], v[Phi] = 0.35, 6, 0.8, 1.6, 8
			v[Lapse], v[Hurdle] = tc.lapse, tc.hurdle
			d := Design{Partners: []PartnerDesign{{"a", 150, 0.8}, {"b", 150, 0.5}, {"c", 150, 0.2}}, Interleaved: true}
			s, err := Simulate(rng.Stream(11), "long", d, v)
			if err != nil {
				t.Fatal(err)
			}
			sf, err := FitSubject(s, nil, Options{Models: Variants()[:1], NoCV: true, Response: &tc.resp})
			if err != nil {
				t.Fatal(err)
			}
			e := sf.Estimates[0]
			for _, p := range append(slices.Clone(DefaultFree), tc.resp.params()...) {
				if z := (e.Values[p] - v[p]) / e.SE[p]; math.Abs(z) > 3.5 || math.IsNaN(z) {
					t.Errorf("%v = %.3f ± %.3f, true %.3f (z = %.2f)", p, e.Values[p], e.SE[p], v[p], z)
				}
			}
			if len(e.Warnings) > 0 {
				t.Errorf("warnings: %v", e.Warnings)
			}
		})
	}
}

// Cross-validation holds out the last 20% of each partner's trials.
func TestCrossValidationSplit(t *testing.T) {
	seqs, _ := simulated(t, 1, 8)
	c := compile(seqs[0], 0.8)
	if c.nTrain != 40 || c.nTest != 10 {
		t.Fatalf("train %d, test %d; want 40, 10", c.nTrain, c.nTest)
	}
	for i, tr := range c.trials {
		within := i % 25 // blocks of 25 per partner
		if want := within >= 20; (tr.part == partTest) != want {
			t.Errorf("trial %d (partner trial %d): held out %v, want %v", i, within+1, tr.part == partTest, want)
		}
	}
	sf, err := FitSubject(seqs[0], nil, Options{Models: Variants()[:1]})
	if err != nil {
		t.Fatal(err)
	}
	if e := sf.Estimates[0]; e.CVN != 10 || !(e.CVLogLik < 0) {
		t.Errorf("CV: n %d, log-likelihood %g", e.CVN, e.CVLogLik)
	}
}

// Parameter recovery at small scale: 40 subjects of the default design,
// by maximum likelihood and by empirical Bayes (the CLI's default), under
// the plain response and the default response model.
func TestRecoverSmall(t *testing.T) {
	plain := &ResponseModel{}
	tests := []struct {
		prior Prior
		resp  *ResponseModel
		min   map[string]float64
	}{
		// measured: tau 0.82, beta 0.73, w_minus/w_plus 0.85, phi 0.65
		{PriorNone, plain, map[string]float64{"tau": 0.7, "beta": 0.65, "w_minus/w_plus": 0.7, "phi": 0.5}},
		// measured: tau 0.93, beta 0.93, w_minus/w_plus 0.88, w_plus 0.56, w_minus 0.76, phi 0.78
		{PriorEmpirical, plain, map[string]float64{"tau": 0.8, "beta": 0.8, "w_minus/w_plus": 0.75, "w_plus": 0.4, "w_minus": 0.4, "phi": 0.6}},
		// lapse+hurdle (measured with 200 subjects: tau 0.91, beta 0.87,
		// w_minus/w_plus 0.83, phi 0.55, hurdle 0.66, lapse 0.23)
		{PriorEmpirical, nil, map[string]float64{"tau": 0.8, "beta": 0.7, "w_minus/w_plus": 0.7, "hurdle": 0.4}},
	}
	for _, tc := range tests {
		name := tc.prior.String() + "/" + DefaultResponse.String()
		if tc.resp != nil {
			name = tc.prior.String() + "/" + tc.resp.String()
		}
		t.Run(name, func(t *testing.T) {
			if testing.Short() && tc.resp == nil {
				t.Skip("short: one response model")
			}
			rec, err := Recover(context.Background(), RecoverOptions{Subjects: 40, Seed: 1, Fit: Options{Prior: tc.prior, Response: tc.resp}})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range rec.Params {
				t.Logf("%-15s free %-5v r %.3f rho %.3f bias %.3f at bound %d", p.Name, p.Free, p.Pearson, p.Spearman, p.Bias, p.AtBound)
				if m, ok := tc.min[p.Name]; ok && !(p.Pearson >= m) {
					t.Errorf("%s: true-vs-estimated correlation %.3f (Spearman %.3f), want >= %.2f with 40 subjects", p.Name, p.Pearson, p.Spearman, m)
				}
				if !p.Free && p.Note == "" {
					t.Errorf("%s is fixed without a reason", p.Name)
				}
			}
		})
	}
}
