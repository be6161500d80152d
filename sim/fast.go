package sim

import (
	"math"

	"github.com/trustlab/trustlab/internal/rng"
)

// The fast kernel for the PPB-1 case: binary situation without control,
// uniform partner choice, own feedback, one group of probabilistic
// trustees with static trustworthiness, fixed traits, a regular network.
// It computes in float32 from the same stored state as the general path
// and fuses the metrics into per-shard locals.
//
// Each slot holds a copy of the neighbour's trustworthiness (fastSlot),
// so the loop streams through the shard's agents and slots in order.
// Per agent it draws one 64-bit number x: bits 0-15 pick the slot
// (multiply-shift with rejection, exactly uniform), bits 16-39 are the
// uniform u of the trust decision and bits 40-63 the uniform of the
// honour decision (24 bits each, the float32 mantissa).

// fastParams are the model constants of the kernel, in float32.
type fastParams struct {
	gain, loss, outside float32
	beta                float32
	wPlus, wMinus       float32
	gamma, decay        float32 // gamma and 1-gamma
	n0                  float32
}

func (s *Sim) fastConsts() fastParams {
	m := s.groups[0].Model
	sit := s.sc.Situation
	return fastParams{
		gain: float32(sit.Gain), loss: float32(sit.Loss), outside: float32(sit.Outside),
		beta: float32(m.Beta), wPlus: float32(m.WPlus), wMinus: float32(m.WMinus),
		gamma: float32(m.Gamma), decay: float32(1 - m.Gamma), n0: float32(m.N0),
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
// (vp = vc = 0 when u = 0). With m = trustBand: if vc < 1-m, then
// vp < (1-m)*(1+delta)/r < 1, trust; if vc > 1+m, then
// vp > (1+m)*(1-delta)*r > 1, no trust. Both inequalities hold with
// m = 3e-3 and delta = 2.5e-3 (slack 5e-4; the test checks them). The band
// holds at most about 2m = 0.6% of the decisions (the density of vc near
// 1 is at most 1).
const (
	trustBand  = 3e-3
	trustDelta = 2.5e-3
)

// prior32 is the trait prior (a0, b0) in float32, the tau clamp of
// model.Prior included.
func prior32(n0, tau float32) (float32, float32) {
	t := tau
	if t < 0.001 {
		t = 0.001
	}
	if t > 0.999 {
		t = 0.999
	}
	return n0 * t, n0 * (1 - t)
}

// fastBlock is the number of agents whose random numbers the kernel draws
// before it lets them act.
const fastBlock = 256

// fastShard steps shard h with the PPB-1 kernel.
func (s *Sim) fastShard(w, h int) {
	hi0, lo0 := rng.Key(s.sc.Seed, keyStep, uint64(s.step), uint64(h))
	pcg := s.workerPCG[w]
	pcg.Seed(hi0, lo0)
	c := s.fastConsts()
	K := s.g.K
	uK := uint64(K)
	// Lemire's multiply-shift on 16 bits, rejecting the low products below
	// 2^16 mod K so that every slot has the same probability (never
	// rejects when K is a power of two).
	reject := uint64((1<<16 - K) % K)
	lo, hi := s.shardRange(h)
	agents := s.agents[lo:hi]
	slots := s.fslots[lo*K : hi*K]

	var (
		trusts, honoured    int64
		belief, calib, cyn  float64
		gain, loss, outside = c.gain, c.loss, c.outside
		nbl                 = -c.beta * log2e
		gPlus, gMinus       = c.gamma * c.wPlus, c.gamma * c.wMinus
		gamma, decay, n0    = c.gamma, c.decay, c.n0
	)
	// payoffs[trusted+honoured]: abstained, betrayed, honoured.
	payoffs := [3]float64{float64(outside), -float64(loss), float64(gain)}
	incA, incB := [2]float32{0, gPlus}, [2]float32{0, gMinus}
	var xs [fastBlock]uint64
	for q0 := 0; q0 < len(agents); q0 += fastBlock {
		blk := agents[q0:min(q0+fastBlock, len(agents))]
		// Draw the block's numbers first: a tight loop that keeps the
		// generator in registers, and fewer live values in the next one.
		for q := range blk {
			x := pcg.Uint64()
			for (x&0xffff)*uK&0xffff < reject {
				x = pcg.Uint64()
			}
			xs[q] = x
		}
		xb := xs[:len(blk)]
		for q, x := range xb {
			ag := &blk[q]
			sl := &slots[(q0+q)*K+int((x&0xffff)*uK>>16)]
			a, b := sl.A, sl.B
			wj := sl.W
			p := a / (a + b)
			ti, f := split2(clamp2(nbl * (p*gain - ag.Lambda*(1-p)*loss - outside))) // exp32(-beta*B) = 2^ti * 2^f
			d := p - wj
			belief += float64(p)
			cyn += float64(d)
			calib += float64(abs32(d))
			a0, b0 := prior32(n0, ag.Trait)
			a, b = gamma*a+decay*a0, gamma*b+decay*b0
			// Trust with probability sigmoid(beta*B) = 1/(1+e): u < 1/(1+e),
			// without the division. The outcome is applied without
			// branches: they would be mispredicted at random.
			// The cheap exp first, the precise one only near the threshold.
			u := float32(uint32(x>>16)&(1<<24-1)) * u24
			vc := u * (1 + scale2(poly2(f), ti))
			tr := vc < 1
			if abs32(vc-1) <= trustBand { // one branch, rarely taken
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
			ag.Payoff += payoffs[t+hn]
			sl.A, sl.B = a, b
		}
	}
	n := int64(hi - lo)
	betrayed := trusts - honoured
	payoff := float64(gain)*float64(honoured) - float64(loss)*float64(betrayed) + float64(outside)*float64(n-trusts)
	ac := &s.acc[h]
	*ac = acc{
		agents: n, acting: n, trust: trusts, distrust: n - trusts, engaged: trusts, honoured: honoured,
		payoff: payoff, welfare: payoff, loss: float64(loss) * float64(betrayed),
		belief: belief, calib: calib, cynic: cyn, trait: s.ftrait[h],
	}
	if loss == 0 {
		ac.certainty, ac.trust = trusts, 0
	}
}

func abs32(x float32) float32 { return math.Float32frombits(math.Float32bits(x) &^ (1 << 31)) }

// b2u is 1 for true and 0 for false, compiled without a branch.
func b2u(v bool) uint32 {
	var i uint32
	if v {
		i = 1
	}
	return i
}
