package fit

import (
	"math"
	"testing"

	"github.com/trustlab/trustlab/internal/rng"
)

// Posterior predictive replications: the first choice with each partner
// depends on nothing simulated before it, so its mean over 4,000
// replications must match the predicted expected choice (within 5
// standard errors); with feedback on every trial, later beliefs follow the
// observed feedback whatever was simulated, so every trial matches.
func TestReplicateMatchesPrediction(t *testing.T) {
	seqs, truth := simulated(t, 1, 17)
	s, v := seqs[0], truth[0]
	v[Lapse], v[Hurdle] = 0.05, 0.2
	pred := Predict(s, v, false)
	const reps = 4000
	sum := make([]float64, len(s.Trials))
	sum2 := make([]float64, len(s.Trials))
	for r := range reps {
		for i, x := range Replicate(rng.Stream(3, uint64(r)), s, v, false, 0) {
			sum[i] += x
			sum2[i] += x * x
		}
	}
	for i := range s.Trials {
		mean := sum[i] / reps
		sd := math.Sqrt(sum2[i]/reps - mean*mean)
		if d := math.Abs(mean - pred[i].Expected); d > 5*sd/math.Sqrt(reps)+1e-12 {
			t.Errorf("trial %d: replicated mean %.4f, predicted %.4f (sd %.3f)", i+1, mean, pred[i].Expected, sd)
		}
	}
	a := Replicate(rng.Stream(9), s, v, true, 0)
	b := Replicate(rng.Stream(9), s, v, true, 0)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("replication not reproducible at trial %d", i+1)
		}
	}
}
