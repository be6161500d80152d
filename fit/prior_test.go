package fit

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParsePrior(t *testing.T) {
	tests := []struct {
		in   string
		want Prior
		err  bool
	}{
		{"none", PriorNone, false},
		{"ml", PriorNone, false},
		{"weak", PriorWeak, false},
		{"empirical", PriorEmpirical, false},
		{"eb", PriorEmpirical, false},
		{"", 0, true},
		{"hierarchical", 0, true},
	}
	for _, tc := range tests {
		got, err := ParsePrior(tc.in)
		if (err != nil) != tc.err || (!tc.err && got != tc.want) {
			t.Errorf("ParsePrior(%q) = %v, %v; want %v (error %v)", tc.in, got, err, tc.want, tc.err)
		}
		if !tc.err && got.String() != tc.in && tc.in != "ml" && tc.in != "eb" {
			t.Errorf("%v.String() = %q, want %q", got, got.String(), tc.in)
		}
	}
}

// Empirical Bayes over a Run must give the same fits, in input order, for
// any number of workers.
func TestEmpiricalDeterministicAcrossWorkers(t *testing.T) {
	seqs, _ := simulated(t, 8, 5)
	o := Options{Restarts: 2, Seed: 3, Prior: PriorEmpirical, Models: []Variant{variants[0], variants[5]}}
	one := runAll(t, seqs, o, 1)
	for _, w := range []int{2, 3} {
		got := runAll(t, seqs, o, w)
		if d := cmp.Diff(one, got, cmpopts.EquateNaNs()); d != "" {
			t.Errorf("workers=%d differs from workers=1 (-1 +%d):\n%s", w, w, d)
		}
	}
	pop := one[0].Estimates[0].Prior
	if pop == nil || pop.Kind != PriorEmpirical || pop.Subjects != 8 || pop.Iterations < 1 {
		t.Fatalf("population prior %+v, want an empirical prior from 8 subjects", pop)
	}
	t.Logf("full model: %d EM iterations, converged %v, medians %v", pop.Iterations, pop.Converged, pop.Center)
	for i, sf := range one {
		if sf.ID != seqs[i].ID || sf.Estimates[0].Prior != pop {
			t.Errorf("fit %d: subject %q, prior %p; want %q and the shared prior %p", i, sf.ID, sf.Estimates[0].Prior, seqs[i].ID, pop)
		}
		if e := sf.Estimates[0]; math.IsNaN(e.LogEvidence) || e.LogEvidence > e.LogLik {
			t.Errorf("subject %s: log evidence %g, want finite and below the log-likelihood %g", sf.ID, e.LogEvidence, e.LogLik)
		}
	}
}

// With fewer subjects than the EM needs, the weak prior is used and said.
func TestEmpiricalFewSubjects(t *testing.T) {
	seqs, _ := simulated(t, 3, 6)
	fits := runAll(t, seqs, Options{Restarts: 1, NoCV: true, Prior: PriorEmpirical, Models: variants[:1]}, 2)
	for _, sf := range fits {
		if pop := sf.Estimates[0].Prior; pop == nil || pop.Kind != PriorWeak {
			t.Errorf("subject %s: prior %+v, want the weak prior", sf.ID, pop)
		}
		if !strings.Contains(strings.Join(sf.Warnings, "; "), "needs at least 5 subjects") {
			t.Errorf("subject %s: warnings %q, want one about too few subjects", sf.ID, sf.Warnings)
		}
	}
	if _, err := FitSubject(seqs[0], nil, Options{Prior: PriorEmpirical}); err == nil {
		t.Error("FitSubject with PriorEmpirical: no error, want one (the prior needs many subjects)")
	}
}

// The Laplace log evidence of a one-parameter fit against quadrature: the
// baseline's P(send) for 40 binary choices (28 sends) under the weak prior.
func TestLogEvidenceLaplace(t *testing.T) {
	s := &Sequence{ID: "b", Partners: []string{"x"}, Belief: OutcomeBelief}
	for i := range 40 {
		sent := 0.0
		if i%10 < 7 {
			sent = 1
		}
		s.Trials = append(s.Trials, Trial{Response: Binary, Endowment: 1, Sent: sent, Multiplier: 3, Gain: 0.5, Evidence: true, R: 1, Confirmed: true})
	}
	sf, err := FitSubject(s, nil, Options{Models: []Variant{variants[5]}, Prior: PriorWeak, NoCV: true, Response: &ResponseModel{}})
	if err != nil {
		t.Fatal(err)
	}
	e := sf.Estimates[0]
	iv := DefaultBounds()[Base]
	// Trapezoidal quadrature of L(z) N(z; 0, WeakSD^2) on a fine grid.
	sum, h := 0.0, 1e-3
	for z := -20.0; z <= 20; z += h {
		v := DefaultValues()
		v[Base] = iv.toNatural(z)
		ll := BaselineLogLik(s, v)
		sum += math.Exp(ll-e.LogLik) * math.Exp(-0.5*z*z/(WeakSD*WeakSD)) / (WeakSD * math.Sqrt(2*math.Pi)) * h
	}
	want := e.LogLik + math.Log(sum)
	// measured: Laplace -26.2981, quadrature -26.2909 (the Laplace error
	// shrinks like 1/n)
	if d := e.LogEvidence - want; math.Abs(d) > 0.02 {
		t.Errorf("Laplace log evidence %.4f, quadrature %.4f (difference %.4f), want within 0.02", e.LogEvidence, want, d)
	}
	t.Logf("Laplace %.4f, quadrature %.4f", e.LogEvidence, want)
}

// The objective under a population prior must not allocate either.
func TestObjectiveWithPriorAllocs(t *testing.T) {
	seqs, _ := simulated(t, 1, 8)
	c := compile(seqs[0], 1)
	o, err := Options{Prior: PriorWeak}.resolve()
	if err != nil {
		t.Fatal(err)
	}
	p, _ := newProblem(c, variants[0], o, nil)
	p.pop = fixedPrior(o, "full")
	z := make([]float64, len(p.free))
	if n := testing.AllocsPerRun(100, func() { p.objective(z) }); n != 0 {
		t.Errorf("objective allocates %v times per call, want 0", n)
	}
}

// BenchmarkRunEmpirical is empirical Bayes over 25 simulated subjects of
// the default design with every model, 5 restarts, cross-validation and
// standard errors (a third of mikus2023's subjects).
func BenchmarkRunEmpirical(b *testing.B) {
	seqs, _ := simulated(b, 25, 11)
	evals := 0
	for b.Loop() {
		err := Run(context.Background(), jobsOf(seqs, nil), Options{Prior: PriorEmpirical}, 0, func(sf SubjectFit) error {
			for _, e := range sf.Estimates {
				evals += e.Evals
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(evals)/float64(b.N), "final-evals/op")
}

// Leave-one-out of a pooled fit equals fitting the pool of the others by
// hand and scoring the left-out subject, and does not depend on workers.
func TestLeaveOneOutPooled(t *testing.T) {
	seqs, _ := simulated(t, 3, 21)
	for _, s := range seqs {
		s.Trials = s.Trials[:4] // short sequences: quick pooled fits
	}
	o := Options{Models: []Variant{variants[0], variants[5]}, Restarts: 2}
	got, n, err := LeaveOneOut(context.Background(), "p", seqs, o, 1)
	if err != nil {
		t.Fatal(err)
	}
	got2, _, err := LeaveOneOut(context.Background(), "p", seqs, o, 2)
	if err != nil {
		t.Fatal(err)
	}
	ro, _ := o.resolve()
	want := make([]float64, 2)
	for i := range seqs {
		others := append(slices.Clone(seqs[:i]), seqs[i+1:]...)
		ps, _ := Pool(fmt.Sprintf("p without %s", seqs[i].ID), "", others)
		no := o
		no.NoCV = true
		sf, err := FitSubject(ps, nil, no)
		if err != nil {
			t.Fatal(err)
		}
		want[0] += LogLik(seqs[i], sf.Estimates[0].Values)
		bv := sf.Estimates[1].Values
		for _, pr := range compileWith(seqs[i], 1, ro.EndGame, 0).predict(&bv, ruleBaseline) {
			want[1] += pr.LogProb
		}
	}
	if n != 12 {
		t.Errorf("scored %d choices, want 12", n)
	}
	for k := range want {
		if math.Abs(got[k]-want[k]) > 1e-9 || got[k] != got2[k] {
			t.Errorf("model %d: leave-one-out %.10g (2 workers %.10g), by hand %.10g", k, got[k], got2[k], want[k])
		}
	}
}

// Under empirical Bayes with LOSO every fit has a leave-one-subject-out
// log evidence, lower than its log evidence under the prior that saw it
// (on average: the subject no longer informs its own prior).
func TestEmpiricalLOSO(t *testing.T) {
	seqs, _ := simulated(t, 8, 4)
	fits := runAll(t, seqs, Options{Restarts: 1, NoCV: true, Prior: PriorEmpirical, Models: variants[:1], LOSO: true}, 2)
	in, out := 0.0, 0.0
	for _, sf := range fits {
		e := sf.Estimates[0]
		if math.IsNaN(e.LOSOLogEvidence) || math.IsNaN(e.LogEvidence) {
			t.Fatalf("%s: log evidence %g, LOSO %g", sf.ID, e.LogEvidence, e.LOSOLogEvidence)
		}
		in += e.LogEvidence
		out += e.LOSOLogEvidence
	}
	if !(out < in) {
		t.Errorf("summed LOSO log evidence %.3f not below the in-sample %.3f", out, in)
	}
}
