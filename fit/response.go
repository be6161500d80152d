package fit

import (
	"fmt"
	"math"
	"strings"

	"github.com/trustlab/trustlab/model"
)

// ResponseModel says how the pyramid model's intended choice becomes an
// observed one: the noise of the top level. The zero value is the plain
// response of docs/model.md: a beta-binomial around the intended fraction f for
// graded amounts, a Bernoulli for binary and two-option choices ("bb").
// Each component adds one parameter and is a mixture over the plain
// response P_bb:
//
//   - Round (round-number attraction, parameter round = rho): with
//     probability rho the amount is drawn from P_bb restricted to the round
//     amounts R (multiples of a tenth of the endowment, and half of it;
//     with an endowment of 10 or less every amount is a multiple of a
//     tenth, and R is the half alone):
//     P_r(k) = (1 - rho) P_bb(k) + rho [k in R] P_bb(k) / P_bb(R).
//   - Hurdle (all-or-nothing, parameter hurdle = h): with probability h the
//     subject sends all or nothing, all with probability f:
//     P_h(k) = (1 - h) P_r(k) + h (f [k = e] + (1 - f) [k = 0]).
//     The expected fraction stays f, so learning moves the point masses too.
//   - Lapse (parameter lapse = epsilon): with probability epsilon the choice
//     is uniformly random: P(k) = (1 - epsilon) P_h(k) + epsilon / (e + 1)
//     (for a binary or two-option choice, epsilon / 2).
//
// Round and Hurdle shape graded amounts only.
type ResponseModel struct {
	Lapse  bool
	Hurdle bool
	Round  bool
}

// DefaultResponse is the response model of trustlab fit when none is
// given: the one that predicts the held-out trials of the shared data sets
// best (docs/fitting.md, "Response models").
var DefaultResponse = ResponseModel{Lapse: true, Hurdle: true, Round: true}

// String names the model: "bb" for the plain response, otherwise its
// components joined by "+" ("lapse+hurdle").
func (r ResponseModel) String() string {
	var parts []string
	if r.Lapse {
		parts = append(parts, "lapse")
	}
	if r.Hurdle {
		parts = append(parts, "hurdle")
	}
	if r.Round {
		parts = append(parts, "round")
	}
	if len(parts) == 0 {
		return "bb"
	}
	return strings.Join(parts, "+")
}

// MarshalText encodes r by name, for JSON outputs.
func (r ResponseModel) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// ParseResponseModel parses "bb" (or "betabinomial") or components among
// lapse, hurdle and round joined by "+" ("lapse+hurdle"); "default" is
// DefaultResponse.
func ParseResponseModel(s string) (ResponseModel, error) {
	var r ResponseModel
	s = strings.TrimSpace(s)
	switch s {
	case "bb", "betabinomial", "beta-binomial", "none":
		return r, nil
	case "default", "":
		return DefaultResponse, nil
	}
	for part := range strings.SplitSeq(s, "+") {
		switch strings.TrimSpace(part) {
		case "lapse":
			r.Lapse = true
		case "hurdle":
			r.Hurdle = true
		case "round":
			r.Round = true
		case "bb", "betabinomial":
		default:
			return r, fmt.Errorf("response model %q: unknown component %q: must be bb or a +-joined list of lapse, hurdle, round", s, strings.TrimSpace(part))
		}
	}
	return r, nil
}

// params lists the parameters the response model adds.
func (r ResponseModel) params() []Param {
	var out []Param
	if r.Lapse {
		out = append(out, Lapse)
	}
	if r.Hurdle {
		out = append(out, Hurdle)
	}
	if r.Round {
		out = append(out, Round)
	}
	return out
}

// roundSet holds the round amounts of one endowment and their log
// binomial coefficients.
type roundSet struct {
	k  []int32
	lc []float64
	c  []float64 // the binomial coefficients, exp(lc)
}

// has reports whether k is a round amount.
func (rs *roundSet) has(k int32) bool {
	for _, j := range rs.k {
		if j == k {
			return true
		}
	}
	return false
}

// mass is P_bb(R) for beta-binomial shapes a, b.
func (rs *roundSet) mass(n int, a, b float64) (s, mean float64) {
	for i, j := range rs.k {
		var p float64
		if r := betaRatio(int(j), n, a, b); n <= 64 && r > 0 && !math.IsInf(r, 0) {
			p = rs.c[i] * r
		} else {
			p = math.Exp(rs.lc[i] + logBetaRatio(int(j), n, a, b))
		}
		s += p
		mean += p * float64(j) / float64(n)
	}
	return s, mean
}

// roundAmounts returns the round amounts of an endowment n: k with 10k/n
// a whole number, and n/2. Where that is every amount (an endowment of 10
// or less), only the half is distinctive, and the round amounts are n/2
// alone (for an even n). It returns nil when no amount stands out (then
// round-number attraction changes nothing).
func roundAmounts(n int) *roundSet {
	rs := &roundSet{}
	for k := 0; k <= n; k++ {
		if (10*k)%n == 0 || 2*k == n {
			rs.k = append(rs.k, int32(k))
			rs.lc = append(rs.lc, model.LogChoose(n, k))
			rs.c = append(rs.c, math.Exp(model.LogChoose(n, k)))
		}
	}
	if len(rs.k) == n+1 {
		if n%2 != 0 || n < 2 {
			return nil
		}
		return &roundSet{k: []int32{int32(n / 2)}, lc: []float64{model.LogChoose(n, n/2)}, c: []float64{math.Exp(model.LogChoose(n, n/2))}}
	}
	return rs
}

// respValues are the response model's parameter values of one evaluation.
type respValues struct {
	lapse, hurdle, round float64
}

func (v *Values) resp() respValues {
	return respValues{lapse: v[Lapse], hurdle: v[Hurdle], round: v[Round]}
}

// amountLogProb is log P(k of n) for intended fraction f (clamped) and
// precision phi under the response model with values rv. lbb is the
// plain beta-binomial log-probability of k; round lists the endowment's
// round amounts (nil: none, or every amount is round).
func amountLogProb(k, n int, lc, choose, f, phi float64, rv respValues, round *roundSet, isRound bool) float64 {
	if p, lg := amountProb(k, n, lc, choose, f, phi, rv, round, isRound); p > 0 {
		return math.Log(p)
	} else {
		return lg
	}
}

// probFloor is the smallest probability returned as such by the
// probability functions; below it they return a log-probability instead,
// so that products of many of them stay far from underflow.
const probFloor = 1e-100

// amountProb is amountLogProb as a probability p >= probFloor when it can
// be one (then lg is unset), or else p = 0 and the log-probability lg.
func amountProb(k, n int, lc, choose, f, phi float64, rv respValues, round *roundSet, isRound bool) (p, lg float64) {
	a, b := f*phi, (1-f)*phi
	pbb := 0.0
	if n <= 64 {
		if r := betaRatio(k, n, a, b); r > 0 && !math.IsInf(r, 0) {
			pbb = choose * r
		}
	}
	plain := rv.lapse == 0 && rv.hurdle == 0 && (rv.round == 0 || round == nil)
	if plain {
		if pbb >= probFloor {
			return pbb, 0
		}
		return 0, lc + logBetaRatio(k, n, a, b)
	}
	if pbb == 0 {
		pbb = math.Exp(lc + logBetaRatio(k, n, a, b))
	}
	pr := pbb
	if rv.round > 0 && round != nil {
		pr = (1 - rv.round) * pbb
		if isRound {
			s, _ := round.mass(n, a, b)
			if s > 0 {
				pr += rv.round * pbb / s
			}
		}
	}
	ph := (1 - rv.hurdle) * pr
	switch k {
	case n:
		ph += rv.hurdle * f
	case 0:
		ph += rv.hurdle * (1 - f)
	}
	p = (1-rv.lapse)*ph + rv.lapse/float64(n+1)
	if p >= probFloor {
		return p, 0
	}
	if p > 1e-300 {
		return 0, math.Log(p)
	}
	// Only the plain part remains and it underflowed: its logarithm.
	return 0, lc + logBetaRatio(k, n, a, b) + math.Log1p(-rv.lapse) + math.Log1p(-rv.hurdle) + math.Log1p(-rv.round)
}

// logAcc sums log-probabilities as a running product of probabilities,
// taking a logarithm only when the product grows small: one math.Log per
// dozens of trials instead of one per trial.
type logAcc struct{ prod, sum float64 }

func newLogAcc() logAcc { return logAcc{prod: 1} }

// mul multiplies in a probability p >= probFloor.
func (a *logAcc) mul(p float64) {
	a.prod *= p
	if a.prod < 1e-150 {
		a.sum += math.Log(a.prod)
		a.prod = 1
	}
}

// add takes either a probability (p > 0) or a log-probability lg.
func (a *logAcc) add(p, lg float64) {
	if p > 0 {
		a.mul(p)
	} else {
		a.sum += lg
	}
}

func (a *logAcc) value() float64 { return a.sum + math.Log(a.prod) }

// amountMean is the expected fraction sent under the response model.
func amountMean(n int, f, phi float64, rv respValues, round *roundSet) float64 {
	mr := f
	if rv.round > 0 && round != nil {
		fc := clampProb(f)
		s, sk := round.mass(n, fc*phi, (1-fc)*phi)
		if s > 0 {
			mr = (1-rv.round)*f + rv.round*sk/s
		}
	}
	mh := (1-rv.hurdle)*mr + rv.hurdle*f
	return (1-rv.lapse)*mh + rv.lapse*0.5
}

// lapseProb mixes a binary choice probability with the lapse.
func lapseProb(p, lapse float64) float64 { return (1-lapse)*p + lapse/2 }
