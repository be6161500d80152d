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
	out, _ := replay(r, compileWith(s, 1, endGame, 0), s, variant.rule, &v)
	return out
}

// replay draws every choice of compiled sequence c (built from s) under
// rule and values v, with the feedback s records where the simulated
// choice lets the subject see it (not after sending nothing when
// s.AfterTrust). It returns each simulated choice on the scale of
// Prediction.Observed and whether feedback followed it.
func replay(r *rand.Rand, c *compiled, s *Sequence, ru rule, v *Values) (out []float64, evidence []bool) {
	rp := c.replayer(v, ru)
	states := rp.startAll(make([]partnerState, c.partners))
	out, evidence = make([]float64, len(c.trials)), make([]bool, len(c.trials))
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
		evidence[i] = t.evidence && (sent || !s.AfterTrust)
		rp.learn(t, st, evidence[i])
	}
	return out, evidence
}
