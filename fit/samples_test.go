package fit

import (
	"math"
	"testing"
)

// Posterior samples against the exact posterior: the baseline on 10
// binary choices (7 sends) under the weak prior N(0, 2^2) on the
// unbounded scale z, base = lo + (hi - lo) sigmoid(z). The posterior of z,
// proportional to base^7 (1 - base)^3 exp(-z^2/8), is integrated on a grid
// of 40,001 points; the 2.5%, 50% and 97.5% quantiles of 4,000 draws must
// be within 0.025 of the exact ones (the Monte Carlo error of a quantile of
// 4,000 resampled draws is about 0.01 here).
func TestPosteriorSamplesExact(t *testing.T) {
	s := &Sequence{ID: "b", Partners: []string{"p"}, Belief: OutcomeBelief}
	for i := range 10 {
		sent := 0.0
		if i < 7 {
			sent = 1
		}
		s.Trials = append(s.Trials, Trial{Response: Binary, Endowment: 1, Sent: sent, Multiplier: 3, Gain: 0.5})
	}
	models, _ := ParseModels("baseline")
	o := Options{Models: models[1:], Prior: PriorWeak, Response: &ResponseModel{}, Samples: 4000, NoCV: true, Seed: 3}
	sf, err := FitSubject(s, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	sm := sf.Samples
	if sm == nil || len(sm.Params) != 1 || sm.Params[0] != Base || len(sm.Draws) != 4000 || sm.Proposals != 4000*proposalsPerDraw {
		t.Fatalf("samples: %+v", sm)
	}
	if sm.ESS < 1000 {
		t.Errorf("effective sample size %.0f of %d proposals: the Laplace proposal should fit a one-dimensional posterior well", sm.ESS, sm.Proposals)
	}
	iv := DefaultBounds()[Base]
	const lo, hi, steps = -12.0, 12.0, 40000
	zs := make([]float64, steps+1)
	cdf := make([]float64, steps+1)
	total := 0.0
	for i := range zs {
		z := lo + (hi-lo)*float64(i)/steps
		b := iv.toNatural(z)
		total += math.Exp(7*math.Log(b) + 3*math.Log(1-b) - z*z/8)
		zs[i], cdf[i] = z, total
	}
	quant := func(q float64) float64 {
		for i := range cdf {
			if cdf[i] >= q*total {
				return iv.toNatural(zs[i])
			}
		}
		return math.NaN()
	}
	for _, q := range []float64{0.025, 0.5, 0.975} {
		got, want := sm.Quantile(0, q), quant(q)
		t.Logf("q %.3f: samples %.4f, exact %.4f", q, got, want)
		if math.Abs(got-want) > 0.025 {
			t.Errorf("quantile %.3f of base: %.4f, exact %.4f (tolerance 0.025)", q, got, want)
		}
	}
	// Maximum likelihood has no posterior: no samples.
	o.Prior = PriorNone
	if sf, _ := FitSubject(s, nil, o); sf.Samples != nil {
		t.Error("samples under maximum likelihood")
	}
}
