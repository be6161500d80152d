package sim

import (
	"math"

	"github.com/trustlab/trustlab/internal/rng"
	"github.com/trustlab/trustlab/model"
	"github.com/trustlab/trustlab/scenario"
)

// The fast kernel for the PPB-1 case: binary situation without control,
// uniform partner choice, own feedback, one group of probabilistic
// trustees with static trustworthiness, fixed traits, a regular network.
// It computes in float32, keeps its own agent records (fastAgent: the
// constants derived from the fixed trait, and the counts) and fuses the
// metrics into per-shard locals.
//
// Each slot holds a copy of the neighbour's trustworthiness (fastSlot),
// so the loop streams through the shard's agents and slots in order.
// Per agent it draws one 64-bit number x: bits 0-15 pick the slot
// (multiply-shift with rejection, exactly uniform), bits 16-39 are the
// uniform u of the trust decision and bits 40-63 the uniform of the
// honour decision (24 bits each, the float32 mantissa).

// fastParams are the constants of the kernel shared by all agents, in
// float32.
type fastParams struct {
	gain, loss, outside float32
	gamma               float32
	incA, incB          float32 // gamma*w_plus, gamma*w_minus: the evidence of an outcome
}

func (s *Sim) fastConsts() fastParams {
	m := s.groups[0].Model
	sit := s.sc.Situation
	g := float32(m.Gamma)
	return fastParams{
		gain: float32(sit.Gain), loss: float32(sit.Loss), outside: float32(sit.Outside),
		gamma: g, incA: g * float32(m.WPlus), incB: g * float32(m.WMinus),
	}
}

// fastAgent is an agent of the fast kernel. Its trait does not change, so
// it keeps what the kernel derives from the trait: the exponent of the
// trust decision, exp(-beta*B) = 2^(Slope*p - Offset) with
// B = p*g - lambda(tau)*(1-p)*l - o, and the prior's share of the belief
// update, (1-gamma)*(a0, b0). Its payoff follows from the counts
// (agentState). 28 bytes.
type fastAgent struct {
	Slope, Offset   float32
	A0, B0          float32
	Given, Betrayed uint32 // trusts given, betrayals experienced
	Trait           float32
}

// newFastAgent derives the fastAgent of trait tau, in float64 and rounded
// once to float32.
func newFastAgent(m model.Model, sit scenario.Situation, tau float32) fastAgent {
	t := float64(tau)
	lam := m.Lambda(t)
	nb := -m.Beta * log2e // B = p*(g + lam*l) - (lam*l + o)
	pr := m.Prior(t)
	return fastAgent{
		Slope:  float32(nb * (sit.Gain + lam*sit.Loss)),
		Offset: float32(nb * (lam*sit.Loss + sit.Outside)),
		A0:     float32((1 - m.Gamma) * pr.A),
		B0:     float32((1 - m.Gamma) * pr.B),
		Trait:  tau,
	}
}

const u24 = 1.0 / (1 << 24)

// sigmoid32 is 1/(1+exp(-x)) in float32.
func sigmoid32(x float32) float32 {
	return 1 / (1 + exp32(-x))
}

// exp32 is exp(x) for float32 with a relative error below 1e-6 (results
// clamped to [2^-126, 2^127]): 2^(x*log2 e) split into an integer power
// of two and a degree-6 Taylor polynomial of 2^f = exp(f ln 2) on the
// remainder f in [-0.5, 0.5]. The kernel calls its two halves, clamp2
// and exp2c, directly so that both are inlined.
func exp32(x float32) float32 {
	return exp2c(clamp2(x * log2e))
}

const log2e = 1.4426950408889634

// clamp2 clamps t to [-126, 127], the domain of exp2c. Branches, not
// min/max: these do not need NaN and -0 semantics and compile to fewer
// instructions.
func clamp2(t float32) float32 {
	if t < -126 {
		t = -126
	}
	if t > 127 {
		t = 127
	}
	return t
}

// exp2c is 2^t for t in [-126, 127].
func exp2c(t float32) float32 {
	ti, f := split2(t)
	return scale2(poly6(f), ti)
}

// split2 splits t in [-126, 127] into the nearest integer ti and the
// remainder f = t - ti in [-0.5, 0.5] (exact: f is a multiple of t's ulp).
func split2(t float32) (int32, float32) {
	ti := int32(t+128.5) - 128 // round to nearest: t+128.5 > 0, so truncation floors
	return ti, t - float32(ti)
}

// poly6 is 2^f for f in [-0.5, 0.5], degree-6 Taylor (relative error
// below 1e-6).
func poly6(f float32) float32 {
	return 1.0 + f*(0.69314718+f*(0.24022651+f*(0.055504109+f*(0.0096181291+f*(0.0013333558+f*0.00015403530)))))
}

// poly2 is a cheap 2^f for f in [-0.5, 0.5]: degree 2, P(0) = 1, the
// other two coefficients fitted for the smallest maximum relative error
// (about 2e-3). The kernel uses it to decide trust away from the
// threshold (see trustLo).
func poly2(f float32) float32 {
	return 1.0 + f*(0.7029425+f*0.23986447)
}

// scale2 is p*2^ti by adding ti to the exponent field; exact because p is
// in [0.7, 1.42] and ti in [-126, 127] (ti = -126 only with f >= 0, so
// p >= 1, and ti = 127 only with f <= 0, so p <= 1): the result is a
// normal float32.
func scale2(p float32, ti int32) float32 {
	return math.Float32frombits(math.Float32bits(p) + uint32(ti)<<23)
}

// The trust decision is u*(1+e) < 1 with e = scale2(poly6(f), ti), all in
// float32. The kernel first computes vc = u*(1+ec) with the cheap
// ec = scale2(poly2(f), ti), decides vc < 1, and evaluates poly6 only when
// |vc-1| <= trustBand (vc-1 is exact for vc in [0.5, 2], Sterbenz, and
// outside that range it is far from the band). Outside the band the
// decision is provably the same:
//
// Let delta bound |poly6(f)/poly2(f) - 1| over every float32 f in
// [-0.5, 0.5] (TestTrustFilter enumerates all of them and checks
// delta <= trustDelta). scale2 multiplies both by the same power of two
// exactly, so e = ec*(1+eta) with |eta| <= delta, and
// (1+e)/(1+ec) = 1 + eta*ec/(1+ec) is in [1-delta, 1+delta]. vp = u*(1+e)
// is computed with two roundings, each a factor in [1-2^-24, 1+2^-24],
// and so is vc; hence
//
//	vp/vc in [(1-delta)*r, (1+delta)/r], r = ((1-2^-24)/(1+2^-24))^2
//
// (vp = vc = 0 when u = 0). The band is [lo, hi] = [1-m, 1+m] rounded to
// float32, m = trustBand: if vc < lo, then vp < lo*(1+delta)/r < 1,
// trust; if vc > hi, then vp > hi*(1-delta)*r > 1, no trust. Both
// inequalities hold with m = 3e-3 and delta = 2.5e-3 (slack 5e-4; the test
// checks them). The band holds at most about 2m = 0.6% of the decisions
// (the density of vc near 1 is at most 1). vc >= 0, so the kernel tests
// lo <= vc <= hi on the bits, as one unsigned comparison.
const (
	trustBand  = 3e-3
	trustDelta = 2.5e-3
	bandLo     = 0x3f7f3b64 // bits of float32(1 - trustBand)
	bandHi     = 0x3f80624e // bits of float32(1 + trustBand)
)

// inBand reports whether vc >= 0 is in the band [lo, hi], on the bits.
func inBand(vc float32) bool {
	return math.Float32bits(vc)-bandLo <= bandHi-bandLo
}

// fastBlock is the number of agents whose random numbers the kernel draws
// before it lets them act.
const fastBlock = 256

// fastShard steps shard h with the PPB-1 kernel, a block of agents at a
// time: fastDraw draws the block's random numbers, then block lets
// the block's agents act. They are separate functions so that each loop
// keeps its own values in registers.
func (s *Sim) fastShard(w, h int) {
	rhi, rlo := rng.Key(s.sc.Seed, keyStep, uint64(s.step), uint64(h))
	c := s.fastConsts()
	K := s.g.K
	uK := uint64(K)
	// Lemire's multiply-shift on 16 bits, rejecting the low products below
	// 2^16 mod K so that every slot has the same probability (never
	// rejects when K is a power of two).
	reject := uint64((1<<16 - K) % K)
	lo, hi := s.shardRange(h)
	agents := s.fagents[lo:hi]
	slots := s.fslots[lo*K : hi*K]

	var sums fastSums
	var xs [fastBlock]uint64
	for q0 := 0; q0 < len(agents); q0 += fastBlock {
		blk := agents[q0:min(q0+fastBlock, len(agents))]
		xb := xs[:len(blk)]
		rhi, rlo = fastDraw(rhi, rlo, xb, uK, reject)
		c.block(blk, slots[q0*K:(q0+len(blk))*K], xb, K, &sums)
	}
	n := int64(hi - lo)
	trusts, honoured := sums.trusts, sums.honoured
	betrayed := trusts - honoured
	gain, loss, outside := float64(c.gain), float64(c.loss), float64(c.outside)
	payoff := gain*float64(honoured) - loss*float64(betrayed) + outside*float64(n-trusts)
	ac := &s.acc[h]
	*ac = acc{
		agents: n, acting: n, trust: trusts, distrust: n - trusts, engaged: trusts, honoured: honoured,
		payoff: payoff, welfare: payoff, loss: loss * float64(betrayed),
		belief: sums.belief, calib: sums.calib, cynic: sums.cyn, trait: s.ftrait[h],
	}
	if loss == 0 {
		ac.certainty, ac.trust = trusts, 0
	}
}

// fastSums are the running sums of a shard.
type fastSums struct {
	trusts, honoured   int64
	belief, calib, cyn float64
}

// fastDraw fills xs with the next numbers of the PCG state (hi, lo),
// redrawing those that the slot choice rejects, and returns the new state.
//
//go:noinline
func fastDraw(hi, lo uint64, xs []uint64, uK, reject uint64) (uint64, uint64) {
	if reject == 0 { // K is a power of two
		for q := range xs {
			hi, lo, xs[q] = rng.PCGNext(hi, lo)
		}
		return hi, lo
	}
	for q := range xs {
		var x uint64
		hi, lo, x = rng.PCGNext(hi, lo)
		for (x&0xffff)*uK&0xffff < reject {
			hi, lo, x = rng.PCGNext(hi, lo)
		}
		xs[q] = x
	}
	return hi, lo
}

// block lets the agents of blk act once, agent q with the number xs[q];
// slots are their K slots each.
//
//go:noinline
func (c *fastParams) block(blk []fastAgent, slots []fastSlot, xs []uint64, K int, sums *fastSums) {
	var (
		trusts, honoured   = sums.trusts, sums.honoured
		belief, calib, cyn = sums.belief, sums.calib, sums.cyn
		gamma              = c.gamma
		uK                 = uint64(K)
	)
	incA, incB := [2]float32{0, c.incA}, [2]float32{0, c.incB}
	xs = xs[:len(blk)]
	for q, x := range xs {
		ag := &blk[q]
		sl := &slots[q*K+int((x&0xffff)*uK>>16)]
		a, b := sl.A, sl.B
		wj := sl.W
		p := a / (a + b)
		ti, f := split2(clamp2(ag.Slope*p - ag.Offset)) // exp32(-beta*B) = 2^ti * 2^f
		p64 := float64(p)
		d := p64 - float64(wj) // exact
		belief += p64
		cyn += d
		calib += math.Abs(d)
		a, b = gamma*a+ag.A0, gamma*b+ag.B0
		// Trust with probability sigmoid(beta*B) = 1/(1+e): u < 1/(1+e),
		// without the division. The outcome is applied without
		// branches: they would be mispredicted at random.
		// The cheap exp first, the precise one only near the threshold.
		u := float32(uint32(x>>16)&(1<<24-1)) * u24
		vc := u * (1 + scale2(poly2(f), ti))
		tr := vc < 1
		if inBand(vc) { // one branch, rarely taken
			tr = u*(1+scale2(poly6(f), ti)) < 1
		}
		t := b2u(tr)
		hn := t & b2u(float32(x>>40)*u24 < wj)
		bt := t - hn
		trusts += int64(t)
		honoured += int64(hn)
		ag.Given += t
		sl.Trusts += t
		ag.Betrayed += bt
		a += incA[hn] // gPlus*hn, a+0 = a exactly
		b += incB[bt]
		sl.A, sl.B = a, b
	}
	*sums = fastSums{trusts, honoured, belief, calib, cyn}
}

// b2u is 1 for true and 0 for false, compiled without a branch.
func b2u(v bool) uint32 {
	var i uint32
	if v {
		i = 1
	}
	return i
}
