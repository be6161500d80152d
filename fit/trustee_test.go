package fit

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// The trustee model against its definition: three returns of 5 of 12,
// 14 of 30 and 0 of 3 after the trustor sent 4, 10 and 1 of 10
// (multiplier 3), ret_base 0.3, ret_recip 1.5, a plain beta-binomial
// with phi 6. Reference: the sum of log BB(k; n, f phi, (1-f) phi) with
// f = sigmoid(logit(0.3) + 1.5 (s - 1/2)), computed with Python's
// math.lgamma (intended fractions 0.2694730258, 0.4756947065,
// 0.1904177763).
func TestTrusteeLogLikReference(t *testing.T) {
	tr := func(sent, received, returned float64) Trial {
		return Trial{Response: Amount, Endowment: received, Sent: returned, Multiplier: 1, Trusted: sent / 10}
	}
	s := &Sequence{ID: "t1", Partners: []string{"investor"}, Belief: ReturnBelief, Trustee: true,
		Trials: []Trial{tr(4, 12, 5), tr(10, 30, 14), tr(1, 3, 0)}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	v := DefaultValues()
	v[RetBase], v[RetRecip], v[Phi] = 0.3, 1.5, 6
	c := compile(s, 1)
	if got, want := c.loglik(&v, ruleTrustee, partAll, nil), -5.7468095401307036; math.Abs(got-want) > 1e-10 {
		t.Errorf("log-likelihood %.15g, want %.15g", got, want)
	}
	for i, want := range []float64{0.269473025848299, 0.47569470647369777, 0.19041777631437717} {
		if got := trusteeFraction(&v, s.Trials[i].Trusted); math.Abs(got-want) > 1e-14 {
			t.Errorf("trial %d: intended fraction %.15g, want %.15g", i+1, got, want)
		}
	}
}

// Recovery of the trustee model: 200 simulated trustees, each meeting
// the two trustors of the mikus2023 design 25 times (amounts sent drawn
// uniformly from 1..10), fitted by empirical Bayes under the default
// response model. Measured (seed 1): ret_base 0.95, ret_recip 0.87,
// phi 0.68, lapse 0.21, hurdle 0.71, round 0.66.
func TestRecoverTrustee(t *testing.T) {
	n := 200
	if testing.Short() {
		n = 40
	}
	rec, err := Recover(context.Background(), RecoverOptions{Subjects: n, Seed: 1, Model: trusteeVariant(), Fit: Options{Prior: PriorEmpirical}})
	if err != nil {
		t.Fatal(err)
	}
	min := map[string]float64{"ret_base": 0.8, "ret_recip": 0.7}
	for _, p := range rec.Params {
		t.Logf("%-10s r %.3f", p.Name, p.Pearson)
		if m, ok := min[p.Name]; ok && !(p.Pearson >= m) {
			t.Errorf("%s: r = %.3f, want >= %.2f", p.Name, p.Pearson, m)
		}
		delete(min, p.Name)
	}
	if len(min) > 0 {
		t.Errorf("not compared: %v", min)
	}
}

// The simulation's draws of a fitted trustee's return follow the
// likelihood: over 200,000 draws per case each amount's frequency is
// within 4.5 standard errors of its probability (the probabilities sum to
// 1 within 1e-12), for the plain beta-binomial, the full response model
// and a received amount of one.
func TestReturnerMatchesLikelihood(t *testing.T) {
	rt := NewReturner(30)
	r := rand.New(rand.NewPCG(4, 5))
	for _, tc := range []struct {
		tv       TrusteeValues
		received int
		s        float64
	}{
		{TrusteeValues{RetBase: 0.35, RetRecip: 1.2, Phi: 6}, 21, 0.7},
		{TrusteeValues{RetBase: 0.3, RetRecip: -0.5, Phi: 4, Lapse: 0.05, Hurdle: 0.2, Round: 0.25}, 30, 1},
		{TrusteeValues{RetBase: 0.5, RetRecip: 0, Phi: 10, Hurdle: 0.1}, 1, 0.1},
	} {
		const draws = 200000
		count := make([]int, tc.received+1)
		for range draws {
			count[rt.Draw(r, tc.tv, tc.received, tc.s)]++
		}
		total := 0.0
		for k := range count {
			p := probTrusteeReturn(tc.tv, k, tc.received, tc.s)
			total += p
			se := math.Sqrt(p * (1 - p) / draws)
			if got := float64(count[k]) / draws; math.Abs(got-p) > 4.5*se+1e-9 {
				t.Errorf("%+v, %d received: P(%d) = %.5f, drawn %.5f (se %.5f)", tc.tv, tc.received, k, p, got, se)
			}
		}
		if math.Abs(total-1) > 1e-12 {
			t.Errorf("%+v: probabilities sum to %.15f", tc.tv, total)
		}
	}
}
