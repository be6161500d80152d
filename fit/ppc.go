package fit

import (
	"math/rand/v2"

	"github.com/trustlab/trustlab/model"
)

// Replicate simulates one whole sequence of choices like s under the
// fitted values v of variant (any model): the same
// partners and trials in the same order, each choice drawn from the model
// (the response model included) given the beliefs the simulated subject
// holds, and the feedback the real subject saw. Where feedback depends on
// the choice (s.AfterTrust, and a simulated 0 sent), the
// simulated subject sees none; where the real subject saw none, neither
// does the simulated one. It returns the simulated choice of every trial on
// the scale of Prediction.Observed (fraction sent, or 0/1), for posterior
// predictive checks. endGame is the number of last trials with each
// partner of the end game (Options.EndGame; 0 without one).
func Replicate(r *rand.Rand, s *Sequence, variant Variant, v Values, endGame int) []float64 {
	c := compileWith(s, 1, endGame, 0)
	rp := c.replayer(&v, variant.rule)
	states := make([]partnerState, c.partners)
	for i := range states {
		states[i] = rp.start(i)
	}
	out := make([]float64, len(c.trials))
	for i := range c.trials {
		t := &c.trials[i]
		st := &states[t.partner]
		f, _, _ := rp.intended(t, st)
		f = clampProb(f)
		var sent bool
		switch t.kind {
		case Amount:
			k := drawAmount(r, model.BetaBinomial{N: int(t.n), Alpha: f * rp.m.Phi, Beta: (1 - f) * rp.m.Phi}, f, rp.rv, t.round)
			out[i] = float64(k) / float64(t.n)
			sent = k > 0
		case Binary:
			if r.Float64() < lapseProb(f, rp.rv.lapse) {
				out[i] = 1
			}
			sent = out[i] == 1
		default: // TwoOption
			amount := s.Trials[i].Low
			if r.Float64() < lapseProb(f, rp.rv.lapse) {
				out[i], amount = 1, s.Trials[i].High
			}
			sent = amount > 0
		}
		rp.learn(t, st, t.evidence && (sent || !s.AfterTrust))
	}
	return out
}
