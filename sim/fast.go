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
// Agents are processed in batches: first the slots of a batch are drawn
// and the partners' trustworthiness gathered, then the batch decides.
// Per agent it draws one 64-bit number x: the slot is the high half of
// (x mod 2^32)*K, the trust decision compares the top 24 bits of x with
// P(trust); a second 64-bit draw, when the agent trusts, decides the
// honour with its top 24 bits.

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
// clamped to [2^-126, 2^127]): 2^(x*log2 e) split
// into an integer power of two and a degree-6 Taylor polynomial of
// 2^f = exp(f ln 2) on the remainder f in [-0.5, 0.5].
func exp32(x float32) float32 {
	const log2e = 1.4426950408889634
	t := min(max(x*log2e, -126), 127)
	ti := int32(t+128.5) - 128 // round to nearest: t+128.5 > 0, so truncation floors
	f := t - float32(ti)
	p := 1.0 + f*(0.69314718+f*(0.24022651+f*(0.055504109+f*(0.0096181291+f*(0.0013333558+f*0.00015403530)))))
	return math.Float32frombits(math.Float32bits(p) + uint32(ti)<<23)
}

// prior32 is the trait prior (a0, b0) in float32, the tau clamp of
// model.Prior included.
func prior32(n0, tau float32) (float32, float32) {
	t := min(max(tau, 0.001), 0.999)
	return n0 * t, n0 * (1 - t)
}

// fastBatch is the number of agents whose partners' trustworthiness the
// kernel gathers before deciding: the gathers are independent loads, so
// their cache misses overlap.
const fastBatch = 128

// fastShard steps shard h with the PPB-1 kernel.
func (s *Sim) fastShard(w, h int) {
	hi0, lo0 := rng.Key(s.sc.Seed, keyStep, uint64(s.step), uint64(h))
	pcg := s.workerPCG[w]
	pcg.Seed(hi0, lo0)
	c := s.fastConsts()
	K := s.g.K
	uK := uint64(K)
	adj := s.g.Adj
	slots := s.slots
	agents := s.agents
	wt := s.w
	lo, hi := s.shardRange(h)

	var (
		trusts, honoured                       int64
		payoff, loss, belief, calib, cyn, tsum float64
		xs                                     [fastBatch]uint64
		ks                                     [fastBatch]int32
		wjs                                    [fastBatch]float32
	)
	for b0 := lo; b0 < hi; b0 += fastBatch {
		nb := min(fastBatch, hi-b0)
		// Draw the slots and gather the partners' trustworthiness.
		for q := range nb {
			x := pcg.Uint64()
			k := int32(((x & 0xffffffff) * uK) >> 32)
			xs[q], ks[q] = x, k
			wjs[q] = wt[adj[(b0+q)*K+int(k)]]
		}
		for q := range nb {
			i := b0 + q
			x := xs[q]
			ag := &agents[i]
			sl := &slots[i*K+int(ks[q])]
			a, b := sl.A, sl.B
			p := a / (a + b)
			bal := p*c.gain - ag.Lambda*(1-p)*c.loss - c.outside
			pt := 1 / (1 + exp32(-c.beta*bal)) // sigmoid32, inlined by hand
			a0, b0 := prior32(c.n0, ag.Trait)
			wj := wjs[q]
			d := p - wj
			belief += float64(p)
			cyn += float64(d)
			calib += float64(abs32(d))
			tsum += float64(ag.Trait)
			if float32(x>>40)*u24 < pt {
				trusts++
				ag.Given++
				sl.Trusts++
				y := pcg.Uint64()
				if float32(y>>40)*u24 < wj {
					honoured++
					a = c.gamma*(a+c.wPlus) + c.decay*a0
					b = c.gamma*b + c.decay*b0
					ag.Payoff += float64(c.gain)
					payoff += float64(c.gain)
				} else {
					a = c.gamma*a + c.decay*a0
					b = c.gamma*(b+c.wMinus) + c.decay*b0
					ag.Betrayed++
					ag.Payoff -= float64(c.loss)
					payoff -= float64(c.loss)
					loss += float64(c.loss)
				}
			} else {
				a = c.gamma*a + c.decay*a0
				b = c.gamma*b + c.decay*b0
				payoff += float64(c.outside)
				ag.Payoff += float64(c.outside)
			}
			sl.A, sl.B = a, b
		}
	}
	n := int64(hi - lo)
	ac := &s.acc[h]
	*ac = acc{
		agents: n, acting: n, trust: trusts, distrust: n - trusts, engaged: trusts, honoured: honoured,
		payoff: payoff, welfare: payoff, loss: loss, belief: belief, calib: calib, cynic: cyn, trait: tsum,
	}
	if c.loss == 0 {
		ac.certainty, ac.trust = trusts, 0
	}
}

func abs32(x float32) float32 { return math.Float32frombits(math.Float32bits(x) &^ (1 << 31)) }
