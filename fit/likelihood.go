package fit

import (
	"math"

	"github.com/trustlab/trustlab/model"
)

// probMin clamps choice probabilities away from 0 and 1, as model.Fraction
// clamps the intended fraction: one surprising choice costs at most
// -log(1e-6) = 13.8 nats instead of sinking a whole fit.
const probMin = 1e-6

// Parts of a sequence scored by a likelihood evaluation.
const (
	partTrain uint8 = 1 << iota // trials used to fit in cross-validation
	partTest                    // held-out trials (the last of each partner)
	partAll   = partTrain | partTest
)

// ctrial is a Trial compiled for the inner loop: integers, precomputed
// constants, no pointers.
type ctrial struct {
	partner   int32
	kind      Response // Amount (n > 1), Binary or TwoOption
	n, k      int32    // endowment and amount sent (Amount, Binary)
	lchoose   float64  // log C(n, k)
	choose    float64  // C(n, k)
	gain      float64  // g per unit sent (OutcomeBelief)
	mult      float64  // multiplier (ReturnBelief)
	dx        float64  // (High - Low)/Endowment (TwoOption)
	took      bool     // TwoOption: took the high offer
	evidence  bool
	confirmed bool
	r         float64
	trusted   float64 // share the trustor sent (trustee sequences)
	part      uint8
	fold      uint8     // cross-validation fold (CVLast: 1 held out, 0 fitted)
	last      bool      // among the last EndGame trials with this partner
	isRound   bool      // the amount sent is round (Round response)
	round     *roundSet // the endowment's round amounts; nil if all are round
}

// compiled is a Sequence prepared for repeated likelihood evaluations.
type compiled struct {
	seq      *Sequence
	belief   Belief
	partners int
	trials   []ctrial
	nTrain   int // trials in partTrain
	nTest    int // trials in partTest
	folds    int // cross-validation folds: 1 (the last trials) or K
	kfold    bool
	states   []partnerState // scratch of the rival models' likelihood
	kind     []int          // kind of each partner (nil: no kinds)
	priors   []model.Belief // scratch: each partner's prior (partner_prior)
}

// partnerPriors returns each partner's trait prior when its kind shifts
// the prior mean (v[KindShift1..3] on the logit scale, the first kind
// being the reference), or nil when no shift applies.
func (c *compiled) partnerPriors(v *Values, m model.Model, tau float64) []model.Belief {
	if c.kind == nil || (v[KindShift1] == 0 && v[KindShift2] == 0 && v[KindShift3] == 0) {
		return nil
	}
	if len(c.priors) < c.partners {
		c.priors = make([]model.Belief, c.partners)
	}
	lt := math.Log(tau / (1 - tau))
	for i := range c.priors[:c.partners] {
		k := c.kind[i]
		if k == 0 {
			c.priors[i] = m.Prior(tau)
			continue
		}
		c.priors[i] = m.Prior(model.Sigmoid(lt + v[KindShift1+Param(k-1)]))
	}
	return c.priors
}

// setFold marks the trials of fold f held out (partTest) and the others
// fitted (partTrain); under CVLast the only fold is 1.
func (c *compiled) setFold(f int) {
	c.nTrain, c.nTest = 0, 0
	for i := range c.trials {
		t := &c.trials[i]
		if int(t.fold) == f {
			t.part = partTest
			c.nTest++
		} else {
			t.part = partTrain
			c.nTrain++
		}
	}
}

// testFolds lists the folds held out in turn.
func (c *compiled) testFolds() []int {
	if !c.kfold {
		return []int{1}
	}
	out := make([]int, c.folds)
	for i := range out {
		out[i] = i
	}
	return out
}

// compile prepares s; cvFrac is the fraction of each partner's trials
// (the earliest) used for fitting in cross-validation.
func compile(s *Sequence, cvFrac float64) *compiled { return compileWith(s, cvFrac, 0, 0) }

// compileWith is compile with an end game over the last endGame trials
// with each partner (0: none) and, with folds > 1, blocked k-fold
// cross-validation: each partner's trials in folds contiguous blocks.
func compileWith(s *Sequence, cvFrac float64, endGame, folds int) *compiled {
	c := &compiled{seq: s, belief: s.Belief, partners: len(s.Partners), trials: make([]ctrial, len(s.Trials)), folds: 1, kfold: folds > 1, kind: s.PartnerKind}
	if c.kfold {
		c.folds = folds
	}
	count := make([]int, len(s.Partners))
	for _, t := range s.Trials {
		count[t.Partner]++
	}
	seen := make([]int, len(s.Partners))
	rounds := map[int32]*roundSet{}
	for i, t := range s.Trials {
		ct := ctrial{
			partner: int32(t.Partner), kind: t.Response, gain: t.Gain, mult: t.Multiplier,
			evidence: t.Evidence, confirmed: t.Confirmed, r: t.R, trusted: t.Trusted,
		}
		switch t.Response {
		case Amount, Binary:
			ct.n, ct.k = int32(t.Endowment), int32(t.Sent)
			if ct.n == 1 {
				ct.kind = Binary
			}
			ct.lchoose = model.LogChoose(int(ct.n), int(ct.k))
			ct.choose = math.Exp(ct.lchoose)
			if ct.n > 1 {
				rs, ok := rounds[ct.n]
				if !ok {
					rs = roundAmounts(int(ct.n))
					rounds[ct.n] = rs
				}
				ct.round = rs
				ct.isRound = rs != nil && rs.has(ct.k)
			}
		case TwoOption:
			ct.dx = (t.High - t.Low) / t.Endowment
			ct.took = t.TookHigh
		}
		nTrain := max(1, int(math.Round(cvFrac*float64(count[t.Partner]))))
		if c.kfold {
			ct.fold = uint8(seen[t.Partner] * folds / count[t.Partner])
			ct.part = partTrain
		} else if seen[t.Partner] < nTrain {
			ct.part = partTrain
			c.nTrain++
		} else {
			ct.part = partTest
			ct.fold = 1
			c.nTest++
		}
		ct.last = endGame > 0 && seen[t.Partner] >= count[t.Partner]-endGame
		seen[t.Partner]++
		c.trials[i] = ct
	}
	return c
}

// balance is the per-unit balance B1 of a trial for belief b. In the
// last trials with a partner (t.last) the expected return falls by the
// fraction endGame: p becomes (1 - endGame) p for outcome beliefs, and the
// return fraction rho becomes (1 - endGame) rho for return beliefs.
func (c *compiled) balance(t *ctrial, b model.Belief, lambda, endGame float64) float64 {
	if c.belief == OutcomeBelief {
		p := b.A / (b.A + b.B)
		if t.last {
			p *= 1 - endGame
		}
		return model.BinaryBalance(p, lambda, t.gain, 1, 0)
	}
	mult := t.mult
	if t.last {
		mult *= 1 - endGame
	}
	if mult <= 1 { // no return can make up for what was sent
		return -lambda * (1 - mult*b.P())
	}
	e1, r1 := model.InvestmentTerms(b, mult)
	return e1 - lambda*r1
}

// loglik is the log-likelihood of the choices in the parts selected by
// mask, replaying every trial's feedback. beliefs is scratch space with one
// entry per partner. It does not allocate.
func (c *compiled) loglik(v *Values, r rule, mask uint8, beliefs []model.Belief) float64 {
	switch r {
	case ruleBaseline:
		return c.loglikBaseline(v, mask)
	case rulePyramid:
	default:
		if len(c.states) < c.partners {
			c.states = make([]partnerState, c.partners)
		}
		return c.loglikRule(v, r, mask, c.states)
	}
	m := v.Model()
	tau := v[Tau]
	lambda := m.Lambda(tau)
	prior := m.Prior(tau)
	rv, eg := v.resp(), v[EndGame]
	priors := c.partnerPriors(v, m, tau)
	for i := range beliefs[:c.partners] {
		beliefs[i] = prior
		if priors != nil {
			beliefs[i] = priors[i]
		}
	}
	acc := newLogAcc()
	for i := range c.trials {
		t := &c.trials[i]
		b := beliefs[t.partner]
		if t.part&mask != 0 {
			bal := c.balance(t, b, lambda, eg)
			acc.add(c.choiceProb(t, m.Beta, m.Phi, bal, rv))
		}
		pr := prior
		if priors != nil {
			pr = priors[t.partner]
		}
		beliefs[t.partner] = m.Update(b, pr, t.r, t.confirmed, t.evidence)
	}
	return acc.value()
}

// choiceProb is choiceLogProb as a probability (p > 0) or, when that
// would be too small, a log-probability lg (see amountProb).
func (c *compiled) choiceProb(t *ctrial, beta, phi, bal float64, rv respValues) (p, lg float64) {
	switch t.kind {
	case Amount:
		f := clampProb(model.Sigmoid(beta * bal))
		return amountProb(int(t.k), int(t.n), t.lchoose, t.choose, f, phi, rv, t.round, t.isRound)
	case Binary:
		return bernoulliProb(lapseProb(clampProb(model.Sigmoid(beta*bal)), rv.lapse), t.k == 1), 0
	default:
		return bernoulliProb(lapseProb(clampProb(model.Sigmoid(beta*t.dx*bal)), rv.lapse), t.took), 0
	}
}

// bernoulliProb is the probability of yes (or no) under p, clamped like
// logBernoulli.
func bernoulliProb(p float64, yes bool) float64 {
	p = clampProb(p)
	if yes {
		return p
	}
	return 1 - p
}

// choiceLogProb is the log probability of the trial's choice given the
// balance per unit sent (the top level of the pyramid), under the response
// model's values rv.
func (c *compiled) choiceLogProb(t *ctrial, beta, phi, bal float64, rv respValues) float64 {
	switch t.kind {
	case Amount:
		f := clampProb(model.Sigmoid(beta * bal)) // model.Fraction
		return amountLogProb(int(t.k), int(t.n), t.lchoose, t.choose, f, phi, rv, t.round, t.isRound)
	case Binary:
		return logBernoulli(lapseProb(clampProb(model.Sigmoid(beta*bal)), rv.lapse), t.k == 1)
	default: // TwoOption: softmax over U(low), U(high) with U(x) = (x/e)*B1
		return logBernoulli(lapseProb(clampProb(model.Sigmoid(beta*t.dx*bal)), rv.lapse), t.took)
	}
}

// loglikBaseline scores the choices with a constant distribution that
// ignores the situation: the intended fraction (or P(send), P(high)) is
// base on every trial.
func (c *compiled) loglikBaseline(v *Values, mask uint8) float64 {
	q := clampProb(v[Base])
	phi := v[Phi]
	rv := v.resp()
	lq := lapseProb(q, rv.lapse)
	acc := newLogAcc()
	for i := range c.trials {
		t := &c.trials[i]
		if t.part&mask == 0 {
			continue
		}
		switch t.kind {
		case Amount:
			acc.add(amountProb(int(t.k), int(t.n), t.lchoose, t.choose, q, phi, rv, t.round, t.isRound))
		case Binary:
			acc.mul(bernoulliProb(lq, t.k == 1))
		default:
			acc.mul(bernoulliProb(lq, t.took))
		}
	}
	return acc.value()
}

func clampProb(p float64) float64 {
	// As min(max(p, probMin), 1-probMin), NaN included, without the
	// builtins' signed-zero and NaN handling in the inner loop.
	if p < probMin {
		return probMin
	}
	if p > 1-probMin {
		return 1 - probMin
	}
	return p
}

func logBernoulli(p float64, yes bool) float64 {
	p = clampProb(p)
	if yes {
		return math.Log(p)
	}
	return math.Log1p(-p)
}

// logBetaRatio is log B(k+a, n-k+b) - log B(a, b), the data-dependent part
// of model.BetaBinomial.LogProb. For small n it uses the rising factorials
//
//	B(k+a, n-k+b)/B(a, b) = a^(k) b^(n-k) / (a+b)^(n)
//
// (x^(j) = x(x+1)...(x+j-1)), one logarithm instead of six log-gammas.
func logBetaRatio(k, n int, a, b float64) float64 {
	if n <= 64 {
		if r := betaRatio(k, n, a, b); r > 0 && !math.IsInf(r, 0) {
			return math.Log(r)
		}
	}
	return model.LogBeta(float64(k)+a, float64(n-k)+b) - model.LogBeta(a, b)
}

// betaRatio is B(k+a, n-k+b)/B(a, b) as a ratio of rising factorials, for
// small n (<= 64); it may underflow to 0 or overflow to +Inf, which the
// callers check.
func betaRatio(k, n int, a, b float64) float64 {
	// The numerator (a)_k (b)_(n-k) and the denominator (a+b)_n are two
	// independent chains of products, interleaved so that their
	// multiplications overlap; each multiplies in the order of one loop
	// per factor, so the result is the same to the bit.
	num, den := 1.0, 1.0
	s := a + b
	for i := range k {
		fi := float64(i)
		num *= a + fi
		den *= s + fi
	}
	for j := range n - k {
		num *= b + float64(j)
		den *= s + float64(k+j)
	}
	if num > math.MaxFloat64 || den > math.MaxFloat64 { // a, b > 0: both are positive
		return math.Inf(1)
	}
	return num / den
}

// LogLik is the log-likelihood of every choice in s under the model values
// v (tau and the model parameters; see Values.Model): beliefs per partner
// start at the trait prior, each choice is scored given the current belief,
// and the feedback the subject saw updates the belief (model.Update).
func LogLik(s *Sequence, v Values) float64 {
	c := compile(s, 1)
	return c.loglik(&v, rulePyramid, partAll, make([]model.Belief, c.partners))
}

// BaselineLogLik is the log-likelihood of every choice in s under the
// baseline that ignores the situation: intended fraction (or P(send), or
// P(high)) v[Base] on every trial, precision v[Phi] for amounts.
func BaselineLogLik(s *Sequence, v Values) float64 {
	c := compile(s, 1)
	return c.loglikBaseline(&v, partAll)
}

// Prediction is the model's view of one trial before the choice.
type Prediction struct {
	P       float64 // expected trustworthiness of the partner, a/(a+b)
	Balance float64 // B1 per unit sent
	// Expected is the predicted choice: the expected fraction of the
	// endowment sent (Amount: the intended fraction f, moved by the
	// response model's lapse and round-number attraction), P(send)
	// (Binary) or P(high) (TwoOption).
	Expected float64
	// Observed is the choice on the same scale: sent/endowment, or 0/1.
	Observed float64
	// LogProb is the log-probability of the observed choice.
	LogProb float64
}

// Predict replays s under v and returns one Prediction per trial; with
// baseline it predicts the constant v[Base].
func Predict(s *Sequence, v Values, baseline bool) []Prediction {
	r := rulePyramid
	if baseline {
		r = ruleBaseline
	}
	return compile(s, 1).predict(&v, r)
}

// predict is Predict on a compiled sequence (with its end game) under
// the model rule r.
func (c *compiled) predict(v *Values, r rule) []Prediction {
	rp := c.replayer(v, r)
	states := rp.startAll(make([]partnerState, c.partners))
	out := make([]Prediction, len(c.trials))
	for i := range c.trials {
		t := &c.trials[i]
		st := &states[t.partner]
		f, bal, p := rp.intended(t, st)
		pr := Prediction{P: p, Balance: bal, LogProb: rp.logProb(t, f)}
		switch t.kind {
		case Amount:
			pr.Expected = amountMean(int(t.n), f, rp.m.Phi, rp.rv, t.round)
			pr.Observed = float64(t.k) / float64(t.n)
		case Binary:
			pr.Expected = lapseProb(f, rp.rv.lapse)
			pr.Observed = float64(t.k)
		default:
			pr.Expected = lapseProb(f, rp.rv.lapse)
			if t.took {
				pr.Observed = 1
			}
		}
		out[i] = pr
		rp.learn(t, st, t.evidence)
	}
	return out
}
