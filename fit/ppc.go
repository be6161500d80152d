package fit

import (
	"math/rand/v2"

	"github.com/trustlab/trustlab/model"
)

// Replicate simulates one whole sequence of choices like s under the
// fitted values v of variant (or the baseline with baseline): the same
// partners and trials in the same order, each choice drawn from the model
// (the response model included) given the beliefs the simulated subject
// holds, and the feedback the real subject saw. Where feedback depends on
// the choice (s.AfterTrust, and a simulated 0 sent), the
// simulated subject sees none; where the real subject saw none, neither
// does the simulated one. It returns the simulated choice of every trial on
// the scale of Prediction.Observed (fraction sent, or 0/1), for posterior
// predictive checks. endGame is the number of last trials with each
// partner of the end game (Options.EndGame; 0 without one).
func Replicate(r *rand.Rand, s *Sequence, v Values, baseline bool, endGame int) []float64 {
	c := compileWith(s, 1, endGame, 0)
	m := v.Model()
	tau := v[Tau]
	lambda := m.Lambda(tau)
	prior := m.Prior(tau)
	rv, eg := v.resp(), v[EndGame]
	beliefs := make([]model.Belief, c.partners)
	for i := range beliefs {
		beliefs[i] = prior
	}
	out := make([]float64, len(c.trials))
	for i := range c.trials {
		t := &c.trials[i]
		b := beliefs[t.partner]
		bal := c.balance(t, b, lambda, eg)
		x := bal
		if t.kind == TwoOption {
			x = t.dx * bal
		}
		f := clampProb(model.Sigmoid(m.Beta * x))
		if baseline {
			f = clampProb(v[Base])
		}
		sent := true
		switch t.kind {
		case Amount:
			k := drawAmount(r, model.BetaBinomial{N: int(t.n), Alpha: f * m.Phi, Beta: (1 - f) * m.Phi}, f, rv, t.round)
			out[i] = float64(k) / float64(t.n)
			sent = k > 0
		case Binary:
			if r.Float64() < lapseProb(f, rv.lapse) {
				out[i] = 1
			}
			sent = out[i] == 1
		default: // TwoOption
			amount := s.Trials[i].Low
			if r.Float64() < lapseProb(f, rv.lapse) {
				out[i], amount = 1, s.Trials[i].High
			}
			sent = amount > 0
		}
		evidence := t.evidence && (sent || !s.AfterTrust)
		beliefs[t.partner] = m.Update(b, prior, t.r, t.confirmed, evidence)
	}
	return out
}
