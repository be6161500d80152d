package fit

import (
	"math"
	"testing"

	"github.com/trustlab/trustlab/internal/rng"
	"github.com/trustlab/trustlab/model"
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
		for i, x := range Replicate(rng.Stream(3, uint64(r)), s, variants[0], v, 0) {
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
	a := Replicate(rng.Stream(9), s, variants[5], v, 0)
	b := Replicate(rng.Stream(9), s, variants[5], v, 0)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("replication not reproducible at trial %d", i+1)
		}
	}
}

// The end game lowers the expected return in the last EndGame trials with
// each partner only: p becomes (1 - end_game) p there (outcome beliefs),
// the multiplier (1 - end_game) m (return beliefs).
func TestEndGameBalance(t *testing.T) {
	seqs, truth := simulated(t, 1, 3)
	s, v := seqs[0], truth[0]
	plain := compileWith(s, 1, 2, 0).predict(&v, rulePyramid)
	w := v
	w[EndGame] = 0.4
	eg := compileWith(s, 1, 2, 0).predict(&w, rulePyramid)
	m := v.Model()
	lambda := m.Lambda(v[Tau])
	count := map[int]int{}
	for _, tr := range s.Trials {
		count[tr.Partner]++
	}
	seen := map[int]int{}
	for i, tr := range s.Trials {
		seen[tr.Partner]++
		last := seen[tr.Partner] > count[tr.Partner]-2
		want := plain[i].Balance
		if last {
			want = model.BinaryBalance(0.6*plain[i].P, lambda, tr.Gain, 1, 0)
		}
		if math.Abs(eg[i].Balance-want) > 1e-12 {
			t.Errorf("trial %d (last %v): balance %.6f, want %.6f", i+1, last, eg[i].Balance, want)
		}
	}
	// Return beliefs: an effective multiplier of 3 x 0.4 = 1.2, and below 1
	// the balance is -lambda (1 - m' p).
	c := &compiled{belief: ReturnBelief}
	b := model.Belief{A: 2, B: 3}
	tr := &ctrial{mult: 3, last: true}
	e1, r1 := model.InvestmentTerms(b, 1.2)
	if got := c.balance(tr, b, 1.5, 0.6); math.Abs(got-(e1-1.5*r1)) > 1e-12 {
		t.Errorf("return belief, multiplier 1.2: balance %.6f, want %.6f", got, e1-1.5*r1)
	}
	if got, want := c.balance(tr, b, 1.5, 0.8), -1.5*(1-0.6*0.4); math.Abs(got-want) > 1e-12 {
		t.Errorf("return belief, multiplier 0.6: balance %.6f, want %.6f", got, want)
	}
}
