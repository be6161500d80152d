package fit

import (
	"math"

	"github.com/trustlab/trustlab/model"
)

// rule is how a model turns what a subject has seen into an intended
// choice: the pyramid model, the constant baseline, or a rival model of
// trust-game learning.
type rule uint8

const (
	rulePyramid  rule = iota // beliefs, risk-weighted balance (package model)
	ruleBaseline             // a constant intended fraction
	// ruleRW: Rescorla-Wagner learning of the expected return V per
	// partner, V <- V + alpha (r - V) (alpha_plus for positive prediction
	// errors, alpha_minus for negative ones), from V0; the intended
	// fraction is sigmoid(beta U) with the risk-neutral expected gain per
	// unit sent, U = V g - (1 - V) for binary outcomes (V: the expected
	// chance of reciprocation) or U = m V - 1 for returned amounts (V: the
	// expected return fraction).
	ruleRW
	// ruleRecip: the reciprocity heuristic ("tit for tat"): the intended
	// fraction is recip_a + recip_b x (the last return fraction seen from
	// this partner: the returned share of the multiplied amount), clamped
	// to [1e-6, 1 - 1e-6]; before any feedback, the break-even fraction 1/m.
	ruleRecip
	// ruleTrustee: the trustee model, for trustees' return decisions: the
	// intended returned fraction is sigmoid(logit(ret_base) + ret_recip x
	// (s - 1/2)), with s the share of the endowment the trustor sent
	// (reciprocity: trustees return a larger share of a larger trust when
	// ret_recip > 0), under the same response model as the trustor's
	// amounts over 0..the amount received. It keeps no state.
	ruleTrustee
)

// partnerState is what a model keeps per partner: the pyramid's belief,
// or the rivals' number (V, or the last return fraction; NaN: none yet).
type partnerState struct {
	b     model.Belief
	prior model.Belief // the pyramid's trait prior for this partner
	x     float64
}

// replayer replays a compiled sequence under one model's values.
type replayer struct {
	c      *compiled
	rule   rule
	v      *Values
	m      model.Model
	lambda float64
	prior  model.Belief
	eg     float64
	rv     respValues
	priors []model.Belief // per partner (partner_prior), or nil
}

func (c *compiled) replayer(v *Values, r rule) replayer {
	m := v.Model()
	rp := replayer{c: c, rule: r, v: v, m: m, lambda: m.Lambda(v[Tau]), prior: m.Prior(v[Tau]), eg: v[EndGame], rv: v.resp()}
	if r == rulePyramid {
		if ps := c.partnerPriors(v, m, v[Tau]); ps != nil {
			rp.priors = append([]model.Belief(nil), ps...)
		}
	}
	return rp
}

// startAll sets every partner's state before the first trial and
// returns states.
func (rp *replayer) startAll(states []partnerState) []partnerState {
	for i := range states {
		states[i] = rp.start(i)
	}
	return states
}

// start is partner i's state before the first trial.
func (rp *replayer) start(i int) partnerState {
	st := partnerState{b: rp.prior, prior: rp.prior, x: -1}
	if rp.priors != nil {
		st.b, st.prior = rp.priors[i], rp.priors[i]
	}
	if rp.rule == ruleRW {
		st.x = rp.v[V0]
	}
	return st
}

// intended is the intended fraction of trial t (P(high) of a two-option
// choice before lapses), the balance B1 (pyramid; the expected gain U for
// Rescorla-Wagner) and the expected trustworthiness.
func (rp *replayer) intended(t *ctrial, st *partnerState) (f, bal, p float64) {
	switch rp.rule {
	case ruleBaseline:
		return rp.v[Base], 0, st.b.P()
	case ruleRW:
		if rp.c.belief == OutcomeBelief {
			bal = st.x*t.gain - (1 - st.x)
		} else {
			bal = t.mult*st.x - 1
		}
		x := bal
		if t.kind == TwoOption {
			x = t.dx * bal
		}
		return model.Sigmoid(rp.m.Beta * x), bal, st.x
	case ruleTrustee:
		f := trusteeFraction(rp.v, t.trusted)
		return f, 0, f
	case ruleRecip:
		last := st.x
		if last < 0 {
			last = 1 / t.mult
		}
		return clampProb(rp.v[RecipA] + rp.v[RecipB]*last), 0, last
	}
	bal = rp.c.balance(t, st.b, rp.lambda, rp.eg)
	x := bal
	if t.kind == TwoOption {
		x = t.dx * bal
	}
	return model.Sigmoid(rp.m.Beta * x), bal, st.b.P()
}

// trusteeFraction is the trustee model's intended returned fraction
// after the trustor sent the share s of the endowment.
func trusteeFraction(v *Values, s float64) float64 {
	b := clampProb(v[RetBase])
	return model.Sigmoid(math.Log(b/(1-b)) + v[RetRecip]*(s-0.5))
}

// learn updates the partner's state after trial t (evidence: whether the
// subject saw the partner's behaviour).
func (rp *replayer) learn(t *ctrial, st *partnerState, evidence bool) {
	switch rp.rule {
	case rulePyramid:
		st.b = rp.m.Update(st.b, st.prior, t.r, t.confirmed, evidence)
	case ruleRW:
		if evidence {
			d := t.r - st.x
			a := rp.v[AlphaPlus]
			if d < 0 {
				a = rp.v[AlphaMinus]
			}
			st.x += a * d
		}
	case ruleRecip:
		if evidence {
			if rp.c.belief == OutcomeBelief {
				st.x = t.r * (t.gain + 1) / t.mult // honoured: the share h returned; betrayed: 0
			} else {
				st.x = t.r
			}
		}
	}
}

// logProb is the log-probability of trial t's observed choice given the
// intended fraction f.
func (rp *replayer) logProb(t *ctrial, f float64) float64 {
	switch t.kind {
	case Amount:
		return amountLogProb(int(t.k), int(t.n), t.lchoose, t.choose, clampProb(f), rp.m.Phi, rp.rv, t.round, t.isRound)
	case Binary:
		return logBernoulli(lapseProb(clampProb(f), rp.rv.lapse), t.k == 1)
	default:
		return logBernoulli(lapseProb(clampProb(f), rp.rv.lapse), t.took)
	}
}

// prob is logProb as a probability, or a log-probability (see amountProb).
func (rp *replayer) prob(t *ctrial, f float64) (p, lg float64) {
	switch t.kind {
	case Amount:
		return amountProb(int(t.k), int(t.n), t.lchoose, t.choose, clampProb(f), rp.m.Phi, rp.rv, t.round, t.isRound)
	case Binary:
		return bernoulliProb(lapseProb(clampProb(f), rp.rv.lapse), t.k == 1), 0
	default:
		return bernoulliProb(lapseProb(clampProb(f), rp.rv.lapse), t.took), 0
	}
}

// loglikRule is loglik for the rival models (any rule), through the
// replayer; states is scratch space with one entry per partner.
func (c *compiled) loglikRule(v *Values, r rule, mask uint8, states []partnerState) float64 {
	rp := c.replayer(v, r)
	rp.startAll(states[:c.partners])
	acc := newLogAcc()
	for i := range c.trials {
		t := &c.trials[i]
		st := &states[t.partner]
		if t.part&mask != 0 {
			f, _, _ := rp.intended(t, st)
			acc.add(rp.prob(t, f))
		}
		rp.learn(t, st, t.evidence)
	}
	return acc.value()
}
