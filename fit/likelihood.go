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
	gain      float64  // g per unit sent (OutcomeBelief)
	mult      float64  // multiplier (ReturnBelief)
	dx        float64  // (High - Low)/Endowment (TwoOption)
	took      bool     // TwoOption: took the high offer
	evidence  bool
	confirmed bool
	r         float64
	part      uint8
}

// compiled is a Sequence prepared for repeated likelihood evaluations.
type compiled struct {
	seq      *Sequence
	belief   Belief
	partners int
	trials   []ctrial
	nTrain   int // trials in partTrain
	nTest    int // trials in partTest
}

// compile prepares s; cvFrac is the fraction of each partner's trials
// (the earliest) used for fitting in cross-validation.
func compile(s *Sequence, cvFrac float64) *compiled {
	c := &compiled{seq: s, belief: s.Belief, partners: len(s.Partners), trials: make([]ctrial, len(s.Trials))}
	count := make([]int, len(s.Partners))
	for _, t := range s.Trials {
		count[t.Partner]++
	}
	seen := make([]int, len(s.Partners))
	for i, t := range s.Trials {
		ct := ctrial{
			partner: int32(t.Partner), kind: t.Response, gain: t.Gain, mult: t.Multiplier,
			evidence: t.Evidence, confirmed: t.Confirmed, r: t.R,
		}
		switch t.Response {
		case Amount, Binary:
			ct.n, ct.k = int32(t.Endowment), int32(t.Sent)
			if ct.n == 1 {
				ct.kind = Binary
			}
			ct.lchoose = lchoose(int(ct.n), int(ct.k))
		case TwoOption:
			ct.dx = (t.High - t.Low) / t.Endowment
			ct.took = t.TookHigh
		}
		nTrain := max(1, int(math.Round(cvFrac*float64(count[t.Partner]))))
		if seen[t.Partner] < nTrain {
			ct.part = partTrain
			c.nTrain++
		} else {
			ct.part = partTest
			c.nTest++
		}
		seen[t.Partner]++
		c.trials[i] = ct
	}
	return c
}

// balance is the per-unit balance B1 of a trial for belief b.
func (c *compiled) balance(t *ctrial, b model.Belief, lambda float64) float64 {
	if c.belief == OutcomeBelief {
		return model.BinaryBalance(b.A/(b.A+b.B), lambda, t.gain, 1, 0)
	}
	e1, r1 := model.InvestmentTerms(b, t.mult)
	return e1 - lambda*r1
}

// loglik is the log-likelihood of the choices in the parts selected by
// mask, replaying every trial's feedback. beliefs is scratch space with one
// entry per partner. It does not allocate.
func (c *compiled) loglik(v *Values, baseline bool, mask uint8, beliefs []model.Belief) float64 {
	if baseline {
		return c.loglikBaseline(v, mask)
	}
	m := v.Model()
	tau := v[Tau]
	lambda := m.Lambda(tau)
	prior := m.Prior(tau)
	for i := range beliefs[:c.partners] {
		beliefs[i] = prior
	}
	ll := 0.0
	for i := range c.trials {
		t := &c.trials[i]
		b := beliefs[t.partner]
		if t.part&mask != 0 {
			bal := c.balance(t, b, lambda)
			ll += c.choiceLogProb(t, m.Beta, m.Phi, bal)
		}
		beliefs[t.partner] = m.Update(b, prior, t.r, t.confirmed, t.evidence)
	}
	return ll
}

// choiceLogProb is the log probability of the trial's choice given the
// balance per unit sent (the top level of the pyramid).
func (c *compiled) choiceLogProb(t *ctrial, beta, phi, bal float64) float64 {
	switch t.kind {
	case Amount:
		f := clampProb(model.Sigmoid(beta * bal)) // model.Fraction
		return t.lchoose + logBetaRatio(int(t.k), int(t.n), f*phi, (1-f)*phi)
	case Binary:
		return logBernoulli(model.Sigmoid(beta*bal), t.k == 1)
	default: // TwoOption: softmax over U(low), U(high) with U(x) = (x/e)*B1
		return logBernoulli(model.Sigmoid(beta*t.dx*bal), t.took)
	}
}

// loglikBaseline scores the choices with a constant distribution that
// ignores the situation: the intended fraction (or P(send), P(high)) is
// base on every trial.
func (c *compiled) loglikBaseline(v *Values, mask uint8) float64 {
	q := clampProb(v[Base])
	phi := v[Phi]
	ll := 0.0
	for i := range c.trials {
		t := &c.trials[i]
		if t.part&mask == 0 {
			continue
		}
		switch t.kind {
		case Amount:
			ll += t.lchoose + logBetaRatio(int(t.k), int(t.n), q*phi, (1-q)*phi)
		case Binary:
			ll += logBernoulli(q, t.k == 1)
		default:
			ll += logBernoulli(q, t.took)
		}
	}
	return ll
}

func clampProb(p float64) float64 { return min(max(p, probMin), 1-probMin) }

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
		num := 1.0
		for i := range k {
			num *= a + float64(i)
		}
		for j := range n - k {
			num *= b + float64(j)
		}
		den := 1.0
		s := a + b
		for i := range n {
			den *= s + float64(i)
		}
		if r := num / den; r > 0 && !math.IsInf(num, 0) && !math.IsInf(den, 0) {
			return math.Log(r)
		}
	}
	return lbeta(float64(k)+a, float64(n-k)+b) - lbeta(a, b)
}

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

func lbeta(a, b float64) float64 { return lgamma(a) + lgamma(b) - lgamma(a+b) }

func lchoose(n, k int) float64 {
	return lgamma(float64(n+1)) - lgamma(float64(k+1)) - lgamma(float64(n-k+1))
}

// LogLik is the log-likelihood of every choice in s under the model values
// v (tau and the model parameters; see Values.Model): beliefs per partner
// start at the trait prior, each choice is scored given the current belief,
// and the feedback the subject saw updates the belief (model.Update).
func LogLik(s *Sequence, v Values) float64 {
	c := compile(s, 1)
	return c.loglik(&v, false, partAll, make([]model.Belief, c.partners))
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
	// Expected is the predicted choice: the intended fraction f of the
	// endowment (Amount), P(send) (Binary) or P(high) (TwoOption).
	Expected float64
	// Observed is the choice on the same scale: sent/endowment, or 0/1.
	Observed float64
}

// Predict replays s under v and returns one Prediction per trial; with
// baseline it predicts the constant v[Base].
func Predict(s *Sequence, v Values, baseline bool) []Prediction {
	c := compile(s, 1)
	m := v.Model()
	tau := v[Tau]
	lambda := m.Lambda(tau)
	prior := m.Prior(tau)
	beliefs := make([]model.Belief, c.partners)
	for i := range beliefs {
		beliefs[i] = prior
	}
	out := make([]Prediction, len(c.trials))
	for i := range c.trials {
		t := &c.trials[i]
		b := beliefs[t.partner]
		bal := c.balance(t, b, lambda)
		pr := Prediction{P: b.P(), Balance: bal}
		x := bal
		if t.kind == TwoOption {
			x = t.dx * bal
		}
		pr.Expected = model.Sigmoid(m.Beta * x)
		if baseline {
			pr.Expected = v[Base]
		}
		if t.kind == TwoOption {
			if t.took {
				pr.Observed = 1
			}
		} else {
			pr.Observed = float64(t.k) / float64(t.n)
		}
		out[i] = pr
		beliefs[t.partner] = m.Update(b, prior, t.r, t.confirmed, t.evidence)
	}
	return out
}
