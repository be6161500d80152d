package sim

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"sync/atomic"

	"github.com/trustlab/trustlab/internal/rng"
	"github.com/trustlab/trustlab/model"
	"github.com/trustlab/trustlab/scenario"
)

// The general kernel: one loop that serves every feature of a scenario
// (groups, behaviours, control, belief choice, safe start, full and social
// feedback, graduated stakes, betrayal waves, trait learning, ambiguity,
// the investment game). What a run uses is resolved once, in New, into a
// small kernel value (kern: flags and float32 constants, one kgroup per
// group); Step copies it and sets the step's switches (full feedback,
// safe start, wave). The loop tests the flags, which are the same for
// every interaction of a run, so the branches are predicted; the trustee's
// behaviour is not a branch but parameters (see honour).
//
// The state is float32 (beliefs, stakes, traits); the metrics are summed
// in float64. The random numbers come from the shard's PCG stream, kept in
// two local words (rng.PCGNext) and spilled into a rand.Rand only for the
// rare draws that need one (belief softmax, gamma variates, binomials).

// kern is a run's resolved features and constants.
type kern struct {
	inv, control, social, recip, stakes, uniform, learn, ambig bool
	lossPossible                                               bool
	wide                                                       bool // 32-bit counter fields (an in-degree above 65535)

	gain, loss, outside    float32 // binary situation
	cCost, cGain, cLoss    float32 // control option
	stakeStart, grow, shr  float32
	endowment              float64 // investment game
	mult, tBreak, prec     float64
	lnT, ln1mT             float64
	groups                 []kgroup
	full, safe, wave, recv bool // per step; recv: count trusts received in the counters
}

// kgroup is one group's model parameters and trustee behaviour.
type kgroup struct {
	m                         model.Model
	lambda0, kappa, beta      float32
	gamma, decay, wPlus, wMin float32 // decay = 1 - gamma
	eta, n0, zeta             float32
	hearPlus, hearMin         float32 // omega*w_plus, omega*w_minus
	det                       bool

	// The trustee: h = clamp(w + slope*(q - 0.5) + con*[trusts < honours]),
	// w the agent's trustworthiness, q the share of last step's trustors
	// who trusted it. Probabilistic, honour and betray trustees have
	// slope = con = 0 (w is 1 for honour, 0 for betray), reciprocal ones
	// their slope, con-artists w = 0 and con = 1. A trustee kind with
	// per-agent parameters replaces the group's slope by a per-agent
	// array beside w.
	slope   float32
	con     float32
	honours uint32
}

// newKern resolves s's scenario into the kernel value.
func (s *Sim) newKern() kern {
	sc := s.sc
	sit := sc.Situation
	k := kern{
		inv:          sit.Game == model.Investment,
		control:      sit.Control != nil,
		social:       s.social,
		recip:        s.recip,
		stakes:       sc.Interventions.GraduatedStakes != nil,
		uniform:      sc.Partner.Choice == scenario.ChooseUniform,
		lossPossible: sit.LossPossible(),
		gain:         float32(sit.Gain), loss: float32(sit.Loss), outside: float32(sit.Outside),
		endowment: sit.Endowment, mult: sit.Multiplier, prec: sit.ReturnPrecision,
	}
	if c := sit.Control; c != nil {
		k.cCost, k.cGain, k.cLoss = float32(c.Cost), float32(c.Gain), float32(c.Loss)
	}
	if gs := sc.Interventions.GraduatedStakes; gs != nil {
		k.stakeStart, k.grow, k.shr = float32(gs.Start), float32(gs.Grow), float32(gs.Shrink)
	}
	if k.inv {
		k.tBreak = 1 / k.mult
		k.lnT, k.ln1mT = math.Log(k.tBreak), math.Log1p(-k.tBreak)
	}
	for _, g := range s.groups {
		m := g.Model
		kg := kgroup{
			m:       m,
			lambda0: float32(m.Lambda0), kappa: float32(m.Kappa), beta: float32(m.Beta),
			gamma: float32(m.Gamma), decay: float32(1 - m.Gamma), wPlus: float32(m.WPlus), wMin: float32(m.WMinus),
			eta: float32(m.Eta), n0: float32(m.N0), zeta: float32(m.Zeta),
			hearPlus: float32(m.Omega * m.WPlus), hearMin: float32(m.Omega * m.WMinus),
			det: m.Deterministic,
		}
		switch g.Behaviour.Kind {
		case scenario.Reciprocal:
			kg.slope = float32(g.Behaviour.Slope)
		case scenario.ConArtist:
			kg.con, kg.honours = 1, uint32(g.Behaviour.Honours)
		}
		k.learn = k.learn || m.Eta > 0
		k.ambig = k.ambig || m.Zeta > 0
		k.groups = append(k.groups, kg)
	}
	k.wide = s.maxIn > 0xffff
	return k
}

// The per-trustee counts of a step, double-buffered by step parity:
// approached (trustors who met it), trusted (of those, who trusted),
// honoured and betrayed (engagements, for social reports). With 16-bit
// fields (every in-degree at most 65535) they are one uint64 per trustee
// and parity, cnt[2j+parity], updated by one atomic add; with 32-bit fields
// two words, cnt[4j+2*parity] (approached, trusted) and
// cnt[4j+2*parity+1] (honoured, betrayed).
const (
	fApproached = iota
	fTrusted
	fHonoured
	fBetrayed
)

// counts returns trustee j's four counts in buffer parity p.
func (s *Sim) counts(j, p int, wide bool) (c [4]uint32) {
	if !wide {
		v := s.cnt[2*j+p]
		return [4]uint32{uint32(v & 0xffff), uint32(v >> 16 & 0xffff), uint32(v >> 32 & 0xffff), uint32(v >> 48)}
	}
	v0, v1 := s.cnt[4*j+2*p], s.cnt[4*j+2*p+1]
	return [4]uint32{uint32(v0), uint32(v0 >> 32), uint32(v1), uint32(v1 >> 32)}
}

// addCounts adds the counts d to trustee j's buffer parity p atomically.
func (s *Sim) addCounts(j, p int, wide bool, d [4]uint64) {
	if !wide {
		atomic.AddUint64(&s.cnt[2*j+p], d[0]|d[1]<<16|d[2]<<32|d[3]<<48)
		return
	}
	if v := d[0] | d[1]<<32; v != 0 {
		atomic.AddUint64(&s.cnt[4*j+2*p], v)
	}
	if v := d[2] | d[3]<<32; v != 0 {
		atomic.AddUint64(&s.cnt[4*j+2*p+1], v)
	}
}

// clearCounts zeroes buffer parity p.
func (s *Sim) clearCounts(p int) {
	if s.cnt == nil {
		return
	}
	words := 1
	if s.kern.wide {
		words = 2
	}
	s.parallel(func(_, h int) {
		lo, hi := s.shardRange(h)
		for j := lo; j < hi; j++ {
			b := (j*2 + p) * words
			clear(s.cnt[b : b+words])
		}
	})
}

// honour is the probability that trustee j honours a trust from the
// trustor whose slot has trusted j trusts times, in the step that reads
// buffer parity prev.
func (s *Sim) honour(k *kern, j int, trusts uint32, prev int) float32 {
	if k.wave {
		return 0
	}
	g := &k.groups[s.agents[j].Group]
	q := float32(0.5)
	if g.slope != 0 {
		c := s.counts(j, prev, k.wide)
		if c[fApproached] > 0 {
			q = float32(c[fTrusted]) / float32(c[fApproached])
		}
	}
	h := s.w[j] + g.slope*(q-0.5) + g.con*b2f(trusts < g.honours)
	return min(1, max(0, h))
}

func b2f(v bool) float32 { return float32(b2u(v)) }

// kstate is the shard's generator: the PCG state in two words and a
// rand.Rand over the same state for the rare draws that need one.
type kstate struct {
	src pcgSrc
	r   *rand.Rand
}

// pcgSrc is a rand.Source on a PCG state in two words, drawing the same
// numbers as rand.PCG.
type pcgSrc struct{ hi, lo uint64 }

func (p *pcgSrc) Uint64() uint64 {
	var x uint64
	p.hi, p.lo, x = rng.PCGNext(p.hi, p.lo)
	return x
}

// generalShard steps the agents of shard h with the general kernel.
func (s *Sim) generalShard(w, h, cur int, k *kern) {
	ks := s.kst[w]
	src, r := &ks.src, ks.r
	src.hi, src.lo = rng.Key(s.sc.Seed, keyStep, uint64(s.step), uint64(h))

	prev := 1 - cur
	G := len(s.groups)
	accs := s.acc[h*G : (h+1)*G]
	agLo, agHi := s.shardRange(h)
	counted := k.recip || k.social
	for i := agLo; i < agHi; i++ {
		ag := &s.agents[i]
		gk := &k.groups[ag.Group]
		a := &accs[ag.Group]
		a.agents++
		var own uint32
		if k.social {
			own = s.last[i]
			s.last[i] = 0
		}
		deg := s.deg(i)
		if deg == 0 {
			a.trait += float64(ag.Trait)
			continue
		}
		base := s.base(i)
		var ki int
		if k.uniform && !k.safe {
			// Lemire's multiply-shift with rejection: exactly uniform.
			ud := uint64(deg)
			mh, ml := bits.Mul64(src.Uint64(), ud)
			if ml < ud {
				thr := -ud % ud
				for ml < thr {
					mh, ml = bits.Mul64(src.Uint64(), ud)
				}
			}
			ki = int(mh)
		} else {
			ki = s.choose(i, base, deg, r, k.safe)
			if ki < 0 {
				a.trait += float64(ag.Trait)
				continue
			}
		}
		a.acting++
		j := s.nbr(i, ki)
		sl := &s.slots[base+ki]
		A, B := sl.A, sl.B
		tau := ag.Trait

		// Social reports of the previous step about j, without the agent's
		// own.
		if k.social {
			c := s.counts(j, prev, k.wide)
			nh, nb := c[fHonoured], c[fBetrayed]
			if own != 0 && s.nbr(i, int((own-1)>>1)) == j {
				if (own-1)&1 == 1 {
					nh--
				} else {
					nb--
				}
			}
			A += float32(nh) * gk.hearPlus
			B += float32(nb) * gk.hearMin
		}
		st := float32(1)
		if k.stakes {
			st = s.stake[base+ki]
		}
		hp := s.honour(k, j, sl.Trusts, prev)
		p := A / (A + B)
		dp := float64(p) - float64(hp)
		a.belief += float64(p)
		a.calib += math.Abs(dp)
		a.cynic += dp
		pt := clampPrior(tau)
		a0, b0 := gk.n0*pt, gk.n0*(1-pt)

		act := model.Abstain
		engaged, confirmed, evidence := false, false, false
		var pay float64
		if k.inv {
			x, endow := s.invDecide(k, gk, tau, A, B, st, src, r)
			if x > 0 {
				act = model.Engage
				engaged = true
			}
			a.sent += float64(x) / float64(endow)
			a.sentN++
			a.trust += int64(b2u(engaged))
			a.distrust += int64(1 - b2u(engaged))
			evidence = engaged || k.full
			rho := 0.0
			if evidence {
				hc := min(max(float64(hp), 1e-6), 1-1e-6)
				rho = betaDraw(r, hc*k.prec, (1-hc)*k.prec)
				confirmed = k.mult*rho >= 1
			}
			if engaged {
				xf := float64(x)
				pay = rho*k.mult*xf - xf
				a.welfare += (k.mult - 1) * xf
				a.loss += max(0, -pay)
				a.returned += rho
				a.returnedN++
			}
			wgt := float32(0)
			if evidence {
				wgt = gk.wMin
				if confirmed {
					wgt = gk.wPlus
				}
			}
			r32 := float32(rho)
			A = gk.gamma*(A+wgt*r32) + gk.decay*a0
			B = gk.gamma*(B+wgt*(1-r32)) + gk.decay*b0
		} else {
			lam := gk.lambda0 * exp32(gk.kappa*(0.5-tau))
			pr := p
			if k.ambig && gk.zeta > 0 {
				n := A + B
				sd := float32(math.Sqrt(float64(A * B / (n * n * (n + 1)))))
				pr = max(0, p-gk.zeta*sd)
			}
			bal := st*(p*k.gain-lam*(1-pr)*k.loss) - k.outside
			x := src.Uint64()
			u1 := float32(uint32(x)>>8) * u24
			u2 := float32(uint32(x>>32)>>8) * u24
			if !k.control {
				var tr bool
				if gk.det {
					tr = bal > 0
				} else {
					tr = u1*(1+exp32(-gk.beta*bal)) < 1
				}
				if tr {
					act = model.Engage
				}
			} else {
				bc := st*(p*k.cGain-lam*(1-pr)*k.cLoss-k.cCost) - k.outside
				act = choice3(gk, bal, bc, u1)
			}
			engaged = act != model.Abstain
			evidence = engaged || k.full
			if evidence {
				confirmed = u2 < hp
			}
			switch act {
			case model.Engage:
				if k.lossPossible {
					a.trust++
				} else {
					a.certainty++
				}
				if confirmed {
					pay = float64(k.gain * st)
				} else {
					l := float64(k.loss * st)
					pay = -l
					a.loss += l
				}
			case model.Guard:
				a.control++
				cc := float64(k.cCost * st)
				a.controlCost += cc
				if confirmed {
					pay = float64(k.cGain*st) - cc
				} else {
					l := float64(k.cLoss * st)
					pay = -l - cc
					a.loss += l
				}
			default:
				a.distrust++
				pay = float64(k.outside)
			}
			a.welfare += pay
			// Binary evidence: a confirmation adds w_plus to a, a betrayal
			// w_minus to b.
			var ia, ib float32
			if evidence {
				if confirmed {
					ia = gk.wPlus
				} else {
					ib = gk.wMin
				}
			}
			A = gk.gamma*(A+ia) + gk.decay*a0
			B = gk.gamma*(B+ib) + gk.decay*b0
		}
		a.payoff += pay
		ag.Payoff += pay
		if engaged {
			a.engaged++
			if confirmed {
				a.honoured++
			} else {
				ag.Betrayed++
			}
			if act == model.Engage {
				ag.Given++
			} else {
				ag.Controls++
			}
		}
		sl.A, sl.B = A, B
		trusted := act == model.Engage
		if trusted {
			sl.Trusts++
		}
		if k.stakes && engaged {
			if confirmed {
				st = min(1, st*k.grow)
			} else {
				st = max(k.stakeStart, st*k.shr)
			}
			s.stake[base+ki] = st
		}
		if evidence && k.learn {
			c := float32(0)
			if confirmed {
				c = 1
			}
			ag.Trait = tau + gk.eta*(c-tau)
		}
		a.trait += float64(ag.Trait)

		if counted {
			var d [4]uint64
			if k.recip {
				d[fApproached], d[fTrusted] = 1, uint64(b2u(trusted))
			}
			if k.social && engaged {
				s.last[i] = uint32(ki)<<1 | b2u(confirmed) + 1
				if confirmed {
					d[fHonoured] = 1
				} else {
					d[fBetrayed] = 1
				}
			}
			s.addCounts(j, cur, k.wide, d)
		}
	}
}

// clampPrior clamps the trait for the prior, as model.Prior does.
func clampPrior(tau float32) float32 {
	return min(max(tau, 0.001), 0.999)
}

// choice3 draws abstain, trust or control with probabilities
// proportional to exp(beta*U), U = (0, bal, bc), from the uniform u; in the
// deterministic limit the best act wins, ties to abstaining, then
// trusting (model.Choice and Probabilities.Draw).
func choice3(g *kgroup, bal, bc, u float32) model.Act {
	if g.det {
		best, bu := model.Abstain, float32(0)
		if bal > bu {
			best, bu = model.Engage, bal
		}
		if bc > bu {
			best = model.Guard
		}
		return best
	}
	mx := max(0, bal, bc)
	e0 := exp32(-g.beta * mx)
	e1 := exp32(g.beta * (bal - mx))
	e2 := exp32(g.beta * (bc - mx))
	t := u * (e0 + e1 + e2)
	switch {
	case t < e0:
		return model.Abstain
	case t < e0+e1 || e2 == 0:
		return model.Engage
	}
	return model.Guard
}

// invDecide is the investment decision of an agent with trait tau and
// belief (A, B) at stake st: the intended fraction from E1 and R1 and the
// amount x of the endowment drawn from the beta-binomial. It returns x
// and the endowment.
func (s *Sim) invDecide(k *kern, g *kgroup, tau, A, B, st float32, src *pcgSrc, r *rand.Rand) (int, int) {
	endow := int(k.endowment)
	if st != 1 {
		endow = max(1, int(math.Round(float64(st)*k.endowment)))
	}
	a, b := float64(A), float64(B)
	lam := g.m.Lambda(float64(tau))
	e1, r1 := investTerms(a, b, k.mult, k.lnT, k.ln1mT)
	if k.ambig && g.m.Zeta > 0 {
		bl := model.Belief{A: a, B: b}
		q := max(g.m.PRisk(bl), 1e-12)
		n := a + b
		_, r1 = investTerms(q*n, (1-q)*n, k.mult, k.lnT, k.ln1mT)
	}
	f := g.m.Fraction(e1 - lam*r1)
	alpha, beta := f*g.m.Phi, (1-f)*g.m.Phi
	if endow <= bbInvMax {
		u := float64(src.Uint64()>>11) * 0x1p-53
		return bbInverse(endow, alpha, beta, u), endow
	}
	return model.BetaBinomial{N: endow, Alpha: alpha, Beta: beta}.Rand(r), endow
}

// bbInvMax is the largest endowment whose amount is drawn by inversion of
// the beta-binomial pmf (O(endowment) work); larger ones draw a beta and a
// binomial.
const bbInvMax = 256

// bbInverse is the smallest x in 0..n whose beta-binomial(n, alpha, beta)
// distribution function exceeds u, u in [0, 1): inversion with the pmf's
// recurrence P(x+1) = P(x) (n-x)(alpha+x) / ((x+1)(beta+n-x-1)) from
// P(0) = prod_{i<n} (beta+i)/(alpha+beta+i).
func bbInverse(n int, alpha, beta, u float64) int {
	num, den := 1.0, 1.0
	for i := range n {
		fi := float64(i)
		num *= beta + fi
		den *= alpha + beta + fi
	}
	p := num / den
	cum := p
	x := 0
	for u >= cum && x < n {
		fx := float64(x)
		p *= (float64(n) - fx) * (alpha + fx) / ((fx + 1) * (beta + float64(n) - fx - 1))
		x++
		cum += p
	}
	return x
}

// betaDraw draws from Beta(a, b) as G_a/(G_a+G_b) with Marsaglia-Tsang
// gamma variates.
func betaDraw(r *rand.Rand, a, b float64) float64 {
	x := gammaDraw(r, a)
	y := gammaDraw(r, b)
	return x / (x + y)
}

// gammaDraw draws from Gamma(alpha, 1) (Marsaglia and Tsang 2000; for
// alpha < 1 a Gamma(alpha+1) variate times U^(1/alpha)).
func gammaDraw(r *rand.Rand, alpha float64) float64 {
	boost := 1.0
	if alpha < 1 {
		boost = math.Exp(math.Log(1-r.Float64()) / alpha)
		alpha++
	}
	d := alpha - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := 1 - r.Float64()
		x2 := x * x
		if u < 1-0.0331*x2*x2 || math.Log(u) < 0.5*x2+d*(1-v+math.Log(v)) {
			return d * v * boost
		}
	}
}
