package fit

import (
	"math"
	"math/rand/v2"

	"github.com/trustlab/trustlab/model"
)

// Returner draws what fitted trustees return, for simulations that use
// them as behaviours: the generative side of the trustee model (rule
// trustee) under its response model. It caches the round amounts of each
// amount received up to a bound, so that a draw does not allocate. A
// Returner is read-only after NewReturner and safe for concurrent use.
type Returner struct {
	rounds []*roundSet // by amount received, 0..max
}

// NewReturner prepares draws for amounts received up to maxReceived.
func NewReturner(maxReceived int) *Returner {
	rt := &Returner{rounds: make([]*roundSet, maxReceived+1)}
	for n := 2; n <= maxReceived; n++ {
		rt.rounds[n] = roundAmounts(n)
	}
	return rt
}

// TrusteeValues are a fitted trustee's parameters (the trustee model's
// columns of subjects.csv).
type TrusteeValues struct {
	RetBase, RetRecip, Phi, Lapse, Hurdle, Round float64
}

// Fraction is the trustee's intended returned fraction after the trustor
// sent the share s of the endowment.
func (tv TrusteeValues) Fraction(s float64) float64 {
	var v Values
	v[RetBase], v[RetRecip] = tv.RetBase, tv.RetRecip
	return trusteeFraction(&v, s)
}

// Draw returns the amount, in 0..received, a trustee with values tv
// returns of the whole amount received after the trustor sent the share
// s of the endowment: a lapse (uniform), else all or nothing (all with
// probability f), else a round amount, else beta-binomial(received, f
// phi, (1 - f) phi), as the likelihood scores it. Every random number
// comes from r.
func (rt *Returner) Draw(r *rand.Rand, tv TrusteeValues, received int, s float64) int {
	if received <= 0 {
		return 0
	}
	f := clampProb(tv.Fraction(s))
	var rs *roundSet
	if received < len(rt.rounds) {
		rs = rt.rounds[received]
	} else if received >= 2 {
		rs = roundAmounts(received)
	}
	phi := tv.Phi
	if !(phi > 0) {
		phi = model.DefaultPhi
	}
	rv := respValues{lapse: tv.Lapse, hurdle: tv.Hurdle, round: tv.Round}
	return drawAmount(r, model.BetaBinomial{N: received, Alpha: f * phi, Beta: (1 - f) * phi}, f, rv, rs)
}

// probTrusteeReturn is the likelihood's probability of returning k of
// received (for tests of Draw).
func probTrusteeReturn(tv TrusteeValues, k, received int, s float64) float64 {
	f := clampProb(tv.Fraction(s))
	lc := model.LogChoose(received, k)
	var rs *roundSet
	if received >= 2 {
		rs = roundAmounts(received)
	}
	rv := respValues{lapse: tv.Lapse, hurdle: tv.Hurdle, round: tv.Round}
	p, lg := amountProb(k, received, lc, math.Exp(lc), f, tv.Phi, rv, rs, rs != nil && rs.has(int32(k)))
	if p == 0 {
		return math.Exp(lg)
	}
	return p
}
