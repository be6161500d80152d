package sim

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"sync"

	"github.com/trustlab/trustlab/fit"
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
// in float64. The random numbers come from the shard's PCG stream: in the
// partner pass its state is two local words (rng.PCGNext), elsewhere it is
// pcgSrc, a rand.Source on the same state, for the draws that need a
// rand.Rand (belief softmax, normal and gamma variates, large binomials).
//
// Agents act in blocks of kBlock: pickBlock picks the partners (and draws
// a binary act's uniforms), gatherBlock reads the partners'
// trustworthiness, counts and groups and the agents' slots and stakes;
// then binBlock decides and acts in three short passes (binary
// situations), or passes compute the honour probabilities, the
// decisions (investDecide) and the acts (actInvest) of the investment
// game. Short passes let one agent's chain of dependent operations
// overlap with the next's (docs/simulation.md, "third session").

// kern is a run's resolved features and constants.
type kern struct {
	inv, control, social, recip, stakes, uniform, learn, ambig bool
	fitted                                                     bool          // some group's trustees are fitted (investment game)
	returner                                                   *fit.Returner // their returns
	lossPossible                                               bool
	fw                                                         uint // bits per count: 8, 16 or 32, from the largest in-degree
	plain                                                      bool // every trustee honours with probability w

	gain, loss, outside float32 // binary situation
	cCost, cGain, cLoss float32 // control option
	stakeStart          float32
	stakeT              [4]float32 // a stake's factor by outcome (nextStake): 1, shrink, grow
	lvOn                bool       // stakes are level indexes (Sim.stakeI)
	lvV                 [stakeLevelMax]float32
	lvNx                [4 * stakeLevelMax]uint8 // the next level, by 4*level + outcome (nextStake's)
	endowment           float64                  // investment game
	mult, tBreak, prec  float64
	lnT, ln1mT          float64
	r1t                 *r1Table // R1 tabulated over the reachable beliefs (nil: none)
	groups              []kgroup
	det                 bool       // some group is deterministic
	smallU              bool       // beta*|U|*log2(e) <= 125 for every act of every group
	regK                int        // the out-degree of a regular network, 0 for others
	deg16               bool       // every out-degree is below 2^16
	lp                  uint32     // lossPossible as 0/1
	payT, lossT         [8]float32 // by 2*act + confirmed, per unit of stake (8: indexes masked by 7)
	outT, costT         [4]float32 // by act: the outside option, the control's cost per unit of stake

	full, safe, wave bool   // per step
	full32           uint32 // full as 0/1
}

// kgroup is one group's model parameters and trustee behaviour.
type kgroup struct {
	m                         model.Model
	lambda0, kappa, beta      float32
	gamma, decay, wPlus, wMin float32 // decay = 1 - gamma
	eta, n0, zeta             float32
	hearPlus, hearMin         float32 // omega*w_plus, omega*w_minus
	det                       bool
	kappaL, betaL             float32 // kappa*log2(e), beta*log2(e): exp(x) = 2^(x*log2(e))

	// The trustee: h = clamp(w + slope*(q - 0.5) + con*[trusts < honours]),
	// w the agent's trustworthiness, q the share of last step's trustors
	// who trusted it. Probabilistic, honour and betray trustees have
	// slope = con = 0 (w is 1 for honour, 0 for betray), reciprocal ones
	// their slope, con-artists w = 0 and con = 1. A trustee kind with
	// per-agent parameters keeps them as float32 arrays beside w (w its
	// baseline, a per-agent slope in place of the group's); one that
	// depends on the amount received (a fitted baseline + reciprocity x
	// x/endowment) computes h in actInvest once x is drawn, instead of in
	// the gather pass.
	slope   float32
	con     float32
	honours uint32

	// fitted: the group's fitted trustees (scenario.Fitted), one profile
	// per agent (Sim.prof); their returns are drawn by the trustee model
	// (fit.Returner) instead of Beta(h prec, (1-h) prec).
	fitted []fit.TrusteeValues

	// bbDen[n] is 1/prod_{i<n} (phi+i), the denominator of an amount's
	// P(0) over n trials (bbP0), for n up to bbInvMax: alpha+beta = phi
	// whatever the intended fraction (investment game only).
	bbDen *[bbInvMax + 1]float64
}

// maxDeg is the largest out-degree.
func (s *Sim) maxDeg() int {
	switch {
	case s.g.Complete:
		return s.n - 1
	case s.g.K > 0:
		return s.g.K
	}
	m := int64(0)
	for i := range s.n {
		m = max(m, s.g.Off[i+1]-s.g.Off[i])
	}
	return int(m)
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
		k.stakeStart, k.stakeT = stakeFactors(gs)
		if s.stakeI != nil {
			lv, _ := stakeLevels(k.stakeStart, k.stakeT)
			k.lvOn = true
			for i, l := range lv {
				k.lvV[i] = l.v
				for o, nx := range l.next {
					k.lvNx[i*4+o] = nx
				}
			}
		}
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
			det:    m.Deterministic,
			kappaL: float32(m.Kappa * log2e), betaL: float32(m.Beta * log2e),
		}
		switch g.Behaviour.Kind {
		case scenario.Reciprocal:
			kg.slope = float32(g.Behaviour.Slope)
		case scenario.ConArtist:
			kg.con, kg.honours = 1, uint32(g.Behaviour.Honours)
		case scenario.Fitted:
			for _, t := range g.Behaviour.Trustees {
				kg.fitted = append(kg.fitted, fit.TrusteeValues{RetBase: t.RetBase, RetRecip: t.RetRecip, Phi: t.Phi, Lapse: t.Lapse, Hurdle: t.Hurdle, Round: t.Round})
			}
			k.fitted = true
		}
		if k.inv {
			kg.bbDen = new([bbInvMax + 1]float64)
			den := 1.0
			for n := range kg.bbDen {
				kg.bbDen[n] = 1 / den
				den *= m.Phi + float64(n)
			}
		}
		k.learn = k.learn || m.Eta > 0
		k.ambig = k.ambig || m.Zeta > 0
		k.groups = append(k.groups, kg)
	}
	k.lp = b2u(k.lossPossible)
	k.payT = [8]float32{0, 0, -k.loss, k.gain, -(k.cLoss + k.cCost), k.cGain - k.cCost}
	k.lossT = [8]float32{0, 0, k.loss, 0, k.cLoss, 0}
	k.outT = [4]float32{k.outside, 0, 0}
	k.costT = [4]float32{0, 0, k.cCost}
	// The largest |U| of a binary act: stakes are at most 1, traits in
	// [0, 1], so lambda <= lambda0*exp(kappa/2).
	k.smallU = true
	for _, g := range k.groups {
		k.det = k.det || g.det
		lmax := g.m.Lambda0 * math.Exp(g.m.Kappa/2)
		umax := sit.Gain + lmax*sit.Loss
		if c := sit.Control; c != nil {
			umax = max(umax, c.Gain+lmax*c.Loss+c.Cost)
		}
		umax += math.Abs(sit.Outside)
		k.smallU = k.smallU && g.m.Beta*umax*math.Log2E <= 125
	}
	k.fw = countWidth(s.maxIn)
	if !s.g.Complete && s.g.K > 0 {
		k.regK = s.g.K
	}
	k.deg16 = s.maxDeg() < 1<<16
	k.plain = !k.fitted // fitted trustees need their group (e.g)
	for _, g := range k.groups {
		k.plain = k.plain && g.slope == 0 && g.con == 0
	}
	if k.fitted {
		k.returner = fit.NewReturner(int(math.Ceil(k.mult*k.endowment)) + 1)
	}
	if k.inv {
		ms := make([]model.Model, len(k.groups))
		for g := range k.groups {
			ms[g] = k.groups[g].m
		}
		if nLo, nHi, ok := r1Range(ms); ok {
			k.r1t = newR1Table(k.mult, nLo, nHi, s.workers)
		}
	}
	return k
}

// The per-trustee counts of the previous step: approached (trustors who
// met it), trusted (of those, who trusted), honoured and betrayed
// (engagements, for social reports). During a step every acting agent
// writes only its own record (recJ: the partner, recF: what happened);
// after the step, scatterCounts turns the records into the counts, which
// the next step reads. A count has fw bits, the fewest of 8, 16 and 32
// that hold the largest in-degree (a count never exceeds the trustee's
// in-degree: a trustor meets one partner a step); trustee j's four
// counts are the fw/8 words cnt[j*fw/8 ...], count f at bit f*fw. On
// k-out 8 with up to 10^7 agents the in-degrees stay far below 256: one
// 32-bit word per trustee. With 8-bit counts the rebuild also writes
// each trustee's word beside a copy of its trustworthiness, in wc
// (w's float32 bits, then the counts: 8 bytes), which the kernel reads
// instead of w and cnt: one random read fetches both (N = 10^6 on one
// core: 1.13e7 -> 1.28e7 interactions/s).
const (
	fApproached = iota
	fTrusted
	fHonoured
	fBetrayed
)

// countWidth is the number of bits per count for a largest in-degree.
func countWidth(maxIn int) uint {
	switch {
	case maxIn <= 0xff:
		return 8
	case maxIn <= 0xffff:
		return 16
	}
	return 32
}

// Flags of an agent's record of its step.
const (
	recTrusted   = 1 << iota // trusted (act Engage)
	recEngaged               // trusted or controlled
	recConfirmed             // engaged and confirmed
)

// recFlags is a binary act's record flags by 2*act + confirmed.
var recFlags = [8]uint8{
	2: recTrusted | recEngaged, 3: recTrusted | recEngaged | recConfirmed,
	4: recEngaged, 5: recEngaged | recConfirmed,
}

// counts returns trustee j's four counts, fw bits each.
func (s *Sim) counts(j int, fw uint) (c [4]uint32) {
	switch fw {
	case 8:
		v := s.cnt[j]
		return [4]uint32{v & 0xff, v >> 8 & 0xff, v >> 16 & 0xff, v >> 24}
	case 16:
		v0, v1 := s.cnt[2*j], s.cnt[2*j+1]
		return [4]uint32{v0 & 0xffff, v0 >> 16, v1 & 0xffff, v1 >> 16}
	}
	return [4]uint32(s.cnt[4*j : 4*j+4])
}

// scatterCounts rebuilds the counts from the step's records. Trustees are
// split into ranges, one per task (at most 4); each task scans every
// record and counts those of its range, so no two tasks write one count
// and the counts, integers, do not depend on the split.
func (s *Sim) scatterCounts() {
	if s.cnt == nil {
		return
	}
	fw := s.kern.fw
	wpt := int32(fw / 8) // words per trustee
	parts := min(s.workers, 4)
	// inc[flags][w]: what a record with these flags adds to word w of its
	// partner's counts.
	var inc [8][4]uint32
	for f := range 8 {
		add := func(field uint, v uint32) {
			bit := field * fw
			inc[f][bit>>5] += v << (bit & 31)
		}
		add(fApproached, 1)
		add(fTrusted, uint32(f&recTrusted))
		if s.social && f&recEngaged != 0 {
			if f&recConfirmed != 0 {
				add(fHonoured, 1)
			} else {
				add(fBetrayed, 1)
			}
		}
	}
	run := func(p int) {
		lo, hi := int32(p*s.n/parts), int32((p+1)*s.n/parts)
		clear(s.cnt[lo*wpt : hi*wpt])
		if wpt == 1 && hi > lo {
			// Without a branch on the partner, which is in the task's range
			// at random (half the time on two tasks): a record of another
			// range (or of no partner, j = -1) adds nothing to the range's
			// last word.
			cnt := s.cnt[lo:hi]
			last := uint32(hi-lo) - 1
			recF := s.recF[:len(s.recJ)]
			for i, j := range s.recJ {
				u := uint32(j - lo)
				m := -b2u(u <= last) // all ones in the range, else 0
				cnt[u&m|last&^m] += inc[recF[i]&7][0] & m
			}
			wc := s.wc[lo:hi]
			for i, c := range cnt[:len(wc)] {
				wc[i] = uint64(uint32(wc[i])) | uint64(c)<<32
			}
			return
		}
		for i, j := range s.recJ {
			if j < lo || j >= hi {
				continue
			}
			d := &inc[s.recF[i]&7]
			for w := range wpt {
				s.cnt[j*wpt+w] += d[w]
			}
		}
	}
	if parts == 1 {
		run(0)
		return
	}
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() { run(p) })
	}
	wg.Wait()
}

// honour is the probability that trustee j of group g with
// trustworthiness w and counts c honours a trust from the trustor whose
// slot has trusted j trusts times.
func (k *kern) honour(w float32, g uint8, c *[4]uint32, trusts uint32) float32 {
	if k.wave {
		return 0
	}
	if k.plain {
		return w
	}
	return k.groups[g].honour(w, c, trusts)
}

// honour is kern.honour for a trustee of group g outside a wave.
func (g *kgroup) honour(w float32, c *[4]uint32, trusts uint32) float32 {
	return clamp01(g.honourRaw(w, c, trusts))
}

// honourRaw is honour before the clamp to [0, 1] (small enough to be
// inlined in the kernel's loop).
func (g *kgroup) honourRaw(w float32, c *[4]uint32, trusts uint32) float32 {
	// q = trusted/approached, 0.5 if none approached.
	n := c[fApproached]
	d := max(n, 1) // d - n is 1 if none approached, else 0
	q := (float32(c[fTrusted]) + 0.5*float32(d-n)) / float32(d)
	return w + g.slope*(q-0.5) + g.con*b2f(trusts < g.honours)
}

// clamp01 clamps h to [0, 1] (clampB).
func clamp01(h float32) float32 { return clampB(h, 0, 1) }

// clampB clamps x to [lo, hi], 0 <= lo <= hi, without branches: a
// float32 that is not negative orders as its bits do as an int32, and a
// negative one has negative bits, so integer max and min (conditional
// moves) clamp it. (A branch would be mispredicted: the stake after an
// outcome hits its bounds at random; float min and max carry NaN and -0
// handling.) -0 becomes +0, and NaN hi.
func clampB(x, lo, hi float32) float32 {
	b := int32(math.Float32bits(x))
	b = max(b, int32(math.Float32bits(lo)))
	b = min(b, int32(math.Float32bits(hi)))
	return math.Float32frombits(uint32(b))
}

// honourOf is honour for trustee j, reading what it needs.
func (s *Sim) honourOf(k *kern, j int, trusts uint32) float32 {
	var c [4]uint32
	if s.cnt != nil {
		c = s.counts(j, k.fw)
	}
	return k.honour(s.w[j], s.ag.grp[j], &c, trusts)
}

func b2f(v bool) float32 { return float32(b2u(v)) }

// kstate is the shard's generator: the PCG state in two words and a
// rand.Rand over the same state for the draws that need one.
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

// One draw for a binary act's slot and uniforms: bits 0-15 of the draw x
// pick one of deg < 2^16 slots by 16-bit multiply-shift with rejection
// (exactly uniform), m = (x & 0xffff) * deg, the slot m >> 16; bits 16-39
// and 40-63 are the act's uniforms. reject16 is the rejection step, rare
// (m&0xffff < deg, fewer than deg in 2^16 draws, and then only below the
// threshold): it draws again until the pick is accepted.
func reject16(hi, lo, deg, x, m uint64) (nhi, nlo, nx, nm uint64) {
	thr := (1<<16 - deg) % deg
	for m&0xffff < thr {
		hi, lo, x = rng.PCGNext(hi, lo)
		m = (x & 0xffff) * deg
	}
	return hi, lo, x, m
}

// kBlock is the number of agents whose partners the kernel picks, and
// whose partners' trustworthiness, group and counts it reads, before they
// act: the reads of a block are independent of each other, so their
// cache misses overlap. 128 rather than 64: PPB-2 9.7e6 -> 1.0e7 and
// PPB-3 1.39e7 -> 1.68e7 interactions/s on 2 workers (medians of 5).
const kBlock = 128

// meet is what an agent of a block knows of its partner.
type meet struct {
	sk    int   // the slot's index in s.slots
	ki, j int32 // slot, partner; ki = -1: no partner
	w     float32
	g     uint8
	c     [4]uint32
	sl    slot    // the agent's slot (read early too: the act's first miss)
	st    float32 // the slot's stake
	lv    uint8   // its level (kern.lvOn)
	h     float32 // the partner's honour probability
	x     uint64  // binary situation: the act's uniforms (bits 16-39, 40-63)

	// A binary situation, from the decision pass (binDecide): the belief
	// with the social reports (ea, eb), its mean and the act (0 abstain,
	// 1 trust, 2 control).
	ea, eb, p float32
	lam, pr   float32 // lambda(trait), the risk's p
	act       uint32

	// The investment game: the belief's place in the R1 table (to, tx,
	// ty; inTable false: not in it) and a sum of its first reads (tsum:
	// only to keep them), the endowment at stake and the amount sent
	// (investDecide).
	to            int
	tx, ty, tsum  float64
	inTable       bool
	endow, amount int
}

// generalShard steps the agents of shard h with the general kernel, a
// block at a time: pass 1 picks the partners and reads what the agents
// need of them, pass 2 lets them act.
func (s *Sim) generalShard(w, h int, k *kern) {
	ks := s.kst[w]
	src, r := &ks.src, ks.r
	src.hi, src.lo = rng.Key(s.sc.Seed, keyStep, uint64(s.step), uint64(h))
	G := len(s.groups)
	accs := s.acc[h*G : (h+1)*G]
	agLo, agHi := s.shardRange(h)
	counted := s.cnt != nil
	var blk [kBlock]meet
	if !k.inv {
		for b0 := agLo; b0 < agHi; b0 += kBlock {
			blkN := blk[:min(kBlock, agHi-b0)]
			s.pickBlock(k, blkN, b0, src, r)
			s.gatherBlock(k, blkN)
			s.binBlock(k, blkN, b0, accs)
		}
		// Binary welfare is the sum of the payoffs (binBlock does not
		// sum it twice).
		for g := range accs {
			accs[g].foldHist(k.lossPossible)
			accs[g].welfare = accs[g].payoff
		}
		return
	}
	for b0 := agLo; b0 < agHi; b0 += kBlock {
		b1 := min(b0+kBlock, agHi)
		blkN := blk[:b1-b0]
		s.pickBlock(k, blkN, b0, src, r)
		s.gatherBlock(k, blkN)
		for q := range blkN {
			e := &blkN[q]
			switch {
			case k.wave:
				e.h = 0
			case k.plain:
				e.h = e.w
			default:
				e.h = k.groups[e.g].honour(e.w, &e.c, e.sl.Trusts)
			}
		}
		// The investment game's decisions, in a pass of their own, so
		// that the long chains of dependent operations of one agent's
		// (the terms, the sigmoid, the amount's pmf) overlap with the
		// next's.
		if t := k.r1t; t != nil {
			for q := range blkN {
				if e := &blkN[q]; e.ki >= 0 {
					e.to, e.tx, e.ty, e.inTable = t.at(float64(e.sl.A), float64(e.sl.B))
					if e.inTable {
						e.tsum = t.touch(e.to)
					}
				}
			}
		}
		for q := range blkN {
			if e := &blkN[q]; e.ki >= 0 {
				s.investDecide(k, b0+q, e, src, r)
			}
		}
		// The acts. Every agent counts in its group's sums and clears its
		// record of the previous step (read by the decisions); one
		// without a partner only adds its trait.
		for i := b0; i < b1; i++ {
			e := &blk[i-b0]
			gi := s.ag.grp[i]
			a := &accs[gi]
			a.agents++
			if counted {
				s.recJ[i], s.recF[i] = -1, 0
			}
			if e.ki < 0 {
				a.trait += float64(s.ag.trait[i])
				continue
			}
			a.acting++
			s.actInvest(k, &k.groups[gi], i, e, a, src, r)
		}
	}
}

// pickBlock picks the partners of the agents b0, b0+1, ... of blk, and in
// a binary situation draws their acts' uniforms.
func (s *Sim) pickBlock(k *kern, blkN []meet, b0 int, src *pcgSrc, r *rand.Rand) {
	// K: the out-degree of a regular network (k-out), 0 otherwise; one:
	// a binary situation with uniform choice and every out-degree below
	// 2^16 draws one number per agent.
	K := k.regK
	one := !k.inv && k.uniform && !k.safe && k.deg16
	b1 := b0 + len(blkN)
	// The partners, and in a binary situation the act's uniforms: the
	// generator's state stays in registers (hi, lo) but for the belief
	// choice and safe start.
	hi, lo := src.hi, src.lo
	if one && K > 0 {
		// A regular network (k-out): the loop below without its
		// per-agent tests.
		adj := s.g.Adj[b0*K : b1*K]
		for q := range blkN {
			e := &blkN[q]
			var x uint64
			hi, lo, x = rng.PCGNext(hi, lo)
			m := (x & 0xffff) * uint64(K)
			if m&0xffff < uint64(K) {
				hi, lo, x, m = reject16(hi, lo, uint64(K), x, m)
			}
			ki := int(m >> 16)
			e.x, e.ki = x, int32(ki)
			e.sk = (b0+q)*K + ki
			e.j = adj[q*K+ki]
		}
	}
	for i := b0; i < b1 && !(one && K > 0); i++ {
		e := &blkN[i-b0]
		e.ki = -1
		deg := K
		if K == 0 {
			deg = s.deg(i)
		}
		if deg == 0 {
			continue
		}
		var ki int
		switch {
		case one:
			// One draw for the slot and the uniforms (reject16).
			var x uint64
			hi, lo, x = rng.PCGNext(hi, lo)
			m := (x & 0xffff) * uint64(deg)
			if m&0xffff < uint64(deg) {
				hi, lo, x, m = reject16(hi, lo, uint64(deg), x, m)
			}
			ki, e.x = int(m>>16), x
		case k.uniform && !k.safe:
			// Lemire's multiply-shift with rejection: exactly uniform.
			ud := uint64(deg)
			var x uint64
			hi, lo, x = rng.PCGNext(hi, lo)
			mh, ml := bits.Mul64(x, ud)
			if ml < ud {
				thr := -ud % ud
				for ml < thr {
					hi, lo, x = rng.PCGNext(hi, lo)
					mh, ml = bits.Mul64(x, ud)
				}
			}
			ki = int(mh)
		default:
			src.hi, src.lo = hi, lo
			ki = s.choose(i, s.base(i), deg, r, k.safe)
			hi, lo = src.hi, src.lo
			if ki < 0 {
				continue
			}
		}
		if K > 0 {
			e.sk = i*K + ki
			e.j = s.g.Adj[e.sk]
		} else {
			e.sk = s.base(i) + ki
			e.j = int32(s.nbr(i, ki))
		}
		e.ki = int32(ki)
		if !k.inv && !one {
			// The act's uniforms, bits 16-39 and 40-63.
			hi, lo, e.x = rng.PCGNext(hi, lo)
		}
	}
	src.hi, src.lo = hi, lo
}

// gatherBlock reads what the agents of blk need of their slots and
// partners.
func (s *Sim) gatherBlock(k *kern, blkN []meet) {
	counted := s.cnt != nil
	// The partners' trustworthiness, group and counts and the agents'
	// slots, in loops of their own so that many of these (random) reads
	// are in flight at once; with w and the counts side by side (wc),
	// those reads, the groups' and the slots' first, in a loop of a few
	// instructions, so that more of them are in flight (the stakes'
	// level indexes there too were slower).
	var wcv [kBlock]uint64
	if wc := s.wc; wc != nil {
		grp, slots := s.ag.grp, s.slots
		for q := range blkN {
			if e := &blkN[q]; e.ki >= 0 {
				wcv[q] = wc[e.j]
				e.g = grp[e.j]
				e.sl = slots[e.sk]
			}
		}
	} else {
		w, slots := s.w, s.slots
		for q := range blkN {
			if e := &blkN[q]; e.ki >= 0 {
				e.w = w[e.j]
				e.sl = slots[e.sk]
			}
		}
	}
	for q := range blkN {
		e := &blkN[q]
		if e.ki < 0 {
			continue
		}
		j := int(e.j)
		sk := e.sk
		if k.lvOn {
			e.lv = s.stakeI[sk]
			e.st = k.lvV[e.lv]
		} else if k.stakes {
			e.st = s.stake[sk]
		}
		if s.wc != nil {
			v := wcv[q]
			e.w = math.Float32frombits(uint32(v))
			c := uint32(v >> 32)
			e.c = [4]uint32{c & 0xff, c >> 8 & 0xff, c >> 16 & 0xff, c >> 24}
		} else if counted {
			e.c = s.counts(j, k.fw)
		}
		if !k.plain && s.wc == nil {
			e.g = s.ag.grp[j]
		}
	}
}

// fittedReturn is the return fraction a fitted trustee j returns of x
// sent of endow: the trustee model's draw of a whole amount of the
// received round(mult x), divided by it. When nothing was sent and the
// trustor sees what would have come back (full feedback), it is the draw
// for half the endowment.
func (s *Sim) fittedReturn(k *kern, tg *kgroup, j int32, x, endow int, r *rand.Rand) float64 {
	if x == 0 {
		x = max(1, int(math.Round(float64(endow)/2)))
	}
	received := max(1, int(math.Round(k.mult*float64(x))))
	tv := tg.fitted[s.prof[j]]
	return float64(k.returner.Draw(r, tv, received, float64(x)/float64(endow))) / float64(received)
}

// actInvest lets agent i of group gk, whose sums are a, meet the partner
// of e in the investment game.
func (s *Sim) actInvest(k *kern, gk *kgroup, i int, e *meet, a *acc, src *pcgSrc, r *rand.Rand) {
	ag := &s.ag
	counted := s.cnt != nil
	ki, j := int(e.ki), e.j
	sk := s.base(i) + ki
	sl := &s.slots[sk]
	A, B := e.sl.A, e.sl.B
	tau := ag.trait[i]
	hp := e.h
	p := A / (A + B)
	a.addBelief(p, hp)
	pt := clampPrior(tau)
	a0, b0 := gk.n0*pt, gk.n0*(1-pt)

	engaged, confirmed := false, false
	x, endow := e.amount, e.endow
	engaged = x > 0
	a.sent += float64(x) / float64(endow)
	a.sentN++
	a.trust += int64(b2u(engaged))
	a.distrust += int64(1 - b2u(engaged))
	evidence := engaged || k.full
	rho, pay := 0.0, 0.0
	if evidence {
		if tg := &k.groups[e.g]; k.fitted && tg.fitted != nil {
			rho = s.fittedReturn(k, tg, e.j, x, endow, r)
		} else {
			hc := min(max(float64(hp), 1e-6), 1-1e-6)
			rho = betaDraw(r, hc*k.prec, (1-hc)*k.prec)
		}
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
	trusted := engaged
	a.payoff += pay
	ag.payoff[i] += pay
	if engaged {
		a.engaged++
		if confirmed {
			a.honoured++
		} else {
			ag.betrayed[i]++
		}
		ag.given[i]++
	}
	sl.A, sl.B = A, B
	if trusted {
		sl.Trusts = e.sl.Trusts + 1
	}
	if k.stakes && engaged {
		k.setStake(s, sk, e, 1+b2u(confirmed))
	}
	if evidence && k.learn {
		c := float32(0)
		if confirmed {
			c = 1
		}
		ag.trait[i] = tau + gk.eta*(c-tau)
		s.lam[i] = gk.m.Lambda(float64(ag.trait[i]))
	}
	a.trait += float64(ag.trait[i])
	if counted {
		s.recJ[i] = j
		s.recF[i] = uint8(b2u(trusted)) | uint8(b2u(engaged))<<1 | uint8(b2u(engaged && confirmed))<<2
	}
}

// binBlock lets the agents b0, b0+1, ... of a block meet the partners of
// blk in a binary situation, in three passes over the block: the
// partner's honour probability (kgroup.honour), the belief and lambda;
// the decision; the act.
//
// The decision is the act (abstain, trust or control) on the belief with
// the social reports of the previous step about the partner (without the
// agent's own), from the expectation-risk balance of each act and the
// uniform in bits 16-39 of e.x. The act does not branch on the random
// outcomes, which would be mispredicted half the time: the act (0
// abstain, 1 trust, 2 control) and the outcome are 0/1 numbers that index
// the kernel's tables of payoffs, losses and evidence, and the acts'
// counts go to acc.hist (foldHist turns them into the rates' counts).
//
// The agents' arrays are sliced to the block once, so that their reads
// and writes need no bounds checks.
func (s *Sim) binBlock(k *kern, blk []meet, b0 int, accs []acc) {
	n := len(blk)
	ag := &s.ag
	trait := ag.trait[b0 : b0+n][:n]
	grp := ag.grp[b0 : b0+n][:n]
	payoff := ag.payoff[b0 : b0+n][:n]
	given := ag.given[b0 : b0+n][:n]
	betrayed := ag.betrayed[b0 : b0+n][:n]
	// Without a control option or counts, the controls and records go to
	// scratch arrays, so that every slice has the block's length.
	var scratchC [kBlock]uint32
	var scratchJ [kBlock]int32
	var scratchF [kBlock]uint8
	controls, recJ, recF := scratchC[:n], scratchJ[:n], scratchF[:n]
	if k.control {
		controls = ag.controls[b0 : b0+n][:n]
	}
	if s.cnt != nil {
		recJ, recF = s.recJ[b0 : b0+n][:n], s.recF[b0 : b0+n][:n]
	}
	slots, stake, stakeI := s.slots, s.stake, s.stakeI
	// The decisions, in a pass of their own: the acts' updates of the
	// sums and slots would otherwise stand between one agent's long chain
	// of dependent operations (the division, the exponentials) and the
	// next's, which could overlap (at N = 10^5 on one core, one fused loop
	// 1.03e7 interactions/s, these passes 1.40e7).
	for q := range blk {
		e := &blk[q]
		if e.ki < 0 {
			continue
		}
		gk := &k.groups[grp[q]]

		// The partner's honour probability.
		var hp float32
		switch {
		case k.wave:
		case k.plain:
			hp = e.w
		default:
			hp = clamp01(k.groups[e.g].honourRaw(e.w, &e.c, e.sl.Trusts))
		}

		// The decision.
		A, B := e.sl.A, e.sl.B
		tau := trait[q]
		if k.social {
			ownJ, ownF := recJ[q], recF[q]
			nh, nb := e.c[fHonoured], e.c[fBetrayed]
			own := b2u(ownJ == e.j) & uint32(ownF>>1&1) // engaged with j
			oc := uint32(ownF >> 2 & 1)
			nh -= own & oc
			nb -= own &^ oc
			A += float32(nh) * gk.hearPlus
			B += float32(nb) * gk.hearMin
		}
		p := A / (A + B)
		lam := gk.lambda0 * exp2c(gk.kappaL*(0.5-tau)) // |kappa*log2(e)*(0.5-tau)| <= 36: no clamp
		pr := p
		if k.ambig && gk.zeta > 0 {
			nn := A + B
			sd := float32(math.Sqrt(float64(A * B / (nn * nn * (nn + 1)))))
			pr = max(0, p-gk.zeta*sd)
		}
		e.h, e.ea, e.eb, e.p, e.lam, e.pr = hp, A, B, p, lam, pr
	}
	for q := range blk {
		e := &blk[q]
		if e.ki < 0 {
			continue
		}
		gk := &k.groups[grp[q]]
		st := float32(1)
		if k.stakes {
			st = e.st
		}
		p, lam, pr := e.p, e.lam, e.pr
		bal := st*(p*k.gain-lam*(1-pr)*k.loss) - k.outside
		u1 := float32(uint32(e.x>>16)&(1<<24-1)) * u24
		var act uint32
		if !k.control {
			if k.det && gk.det {
				act = b2u(bal > 0)
			} else {
				act = b2u(u1*(1+exp2c(clamp2(-gk.betaL*bal))) < 1)
			}
		} else {
			bc := st*(p*k.cGain-lam*(1-pr)*k.cLoss-k.cCost) - k.outside
			if k.det && gk.det {
				act = best3(bal, bc)
			} else {
				// P(act) proportional to exp(beta*U), U = (0, bal, bc).
				var e0, e1, e2 float32
				if k.smallU {
					// |beta*U*log2(e)| <= 125 for every reachable U: no
					// normalisation needed (nor clamping).
					e0, e1, e2 = 1, exp2c(gk.betaL*bal), exp2c(gk.betaL*bc)
				} else {
					mx := max(0, bal, bc)
					e0 = exp2c(clamp2(-gk.betaL * mx))
					e1 = exp2c(clamp2(gk.betaL * (bal - mx)))
					e2 = exp2c(clamp2(gk.betaL * (bc - mx)))
				}
				t := u1 * (e0 + e1 + e2)
				act = b2u(t >= e0) * (1 + b2u(t >= e0+e1))
			}
		}

		e.act = act
	}

	// The acts.
	for q := range blk {
		e := &blk[q]
		a := &accs[grp[q]]
		if e.ki < 0 {
			a.agents++
			recJ[q], recF[q] = -1, 0
			a.trait += float64(trait[q])
			continue
		}
		gk := &k.groups[grp[q]]
		hp, A, B, p, act := e.h, e.ea, e.eb, e.p, e.act
		tau := trait[q]
		st := float32(1)
		if k.stakes {
			st = e.st
		}
		a.addBelief(p, hp)
		u2 := float32(e.x>>40) * u24
		eng := b2u(act != 0)
		evi := eng | k.full32
		conf := evi & b2u(u2 < hp)
		isT, isG := b2u(act == 1), b2u(act == 2)
		ix := (2*act + conf) & 7 // the masks let the compiler drop the bounds checks
		ac := act & 3
		pay := float64(st*k.payT[ix] + k.outT[ac])
		a.hist[ix]++
		a.payoff += pay
		a.loss += float64(st * k.lossT[ix])
		a.controlCost += float64(st * k.costT[ac])
		payoff[q] += pay
		betrayed[q] += eng &^ conf
		given[q] += isT
		controls[q] += isG

		// Learning: the belief about j (a confirmation adds w_plus to a, a
		// betrayal w_minus to b), the stake, the trait.
		pt := clampPrior(tau)
		wA, wB := [2]float32{0, gk.wPlus}, [2]float32{0, gk.wMin}
		sl := &slots[e.sk]
		sl.A = gk.gamma*(A+wA[conf&1]) + gk.decay*(gk.n0*pt)
		sl.B = gk.gamma*(B+wB[(evi&^conf)&1]) + gk.decay*(gk.n0*(1-pt))
		sl.Trusts = e.sl.Trusts + isT
		if k.lvOn {
			stakeI[e.sk] = k.lvNx[(uint(e.lv)*4+uint(eng*(1+conf)))&(4*stakeLevelMax-1)]
		} else if k.stakes {
			stake[e.sk] = k.nextStake(st, eng*(1+conf))
		}
		if k.learn {
			tau += float32(evi) * gk.eta * (float32(conf) - tau)
			trait[q] = tau
		}
		a.trait += float64(tau)
		recJ[q] = e.j
		recF[q] = recFlags[ix]
	}
}

// foldHist adds the acts' counts of a binary situation (acc.hist, by
// 2*act + confirmed) to a's counts and clears them.
func (a *acc) foldHist(lossPossible bool) {
	h := &a.hist
	trusts := h[2] + h[3]
	if lossPossible {
		a.trust += trusts
	} else {
		a.certainty += trusts
	}
	acting := h[0] + h[1] + trusts + h[4] + h[5]
	a.control += h[4] + h[5]
	a.distrust += h[0] + h[1]
	a.engaged += trusts + h[4] + h[5]
	a.honoured += h[3] + h[5]
	a.acting += acting
	a.agents += acting
	clear(h[:])
}

// setStake sets the stake of slot sk, which e met, after outcome out.
func (k *kern) setStake(s *Sim, sk int, e *meet, out uint32) {
	if k.lvOn {
		s.stakeI[sk] = k.lvNx[uint(e.lv)*4+uint(out)]
		return
	}
	s.stake[sk] = k.nextStake(e.st, out)
}

// stakeLevelMax is the most stake levels kept as uint8 indexes.
const stakeLevelMax = 256

// stakeFactors is graduated stakes' start and factors by outcome
// (nextStake) in float32.
func stakeFactors(gs *scenario.Graduated) (start float32, factor [4]float32) {
	return float32(gs.Start), [4]float32{1, float32(gs.Shrink), float32(gs.Grow)}
}

// stakeLevel is one stake that graduated stakes reach and the index of
// the level after it by outcome (0 not engaged, 1 betrayed, 2 confirmed).
type stakeLevel struct {
	v    float32
	next [3]uint8
}

// stakeLevels lists the stakes that graduated stakes reach from start, as
// nextStake computes them in float32, start first; ok is false if there
// are more than stakeLevelMax. Factors that are powers of two (the
// defaults: x2 and x0.5) reach a handful: 0.2, 0.4, 0.8, 1, 0.5, 0.25
// from 0.2; others, whose products round, can reach many.
func stakeLevels(start float32, factor [4]float32) (lv []stakeLevel, ok bool) {
	k := kern{stakeStart: start, stakeT: factor}
	at := map[float32]int{start: 0}
	lv = []stakeLevel{{v: start}}
	for i := 0; i < len(lv); i++ {
		for o := range uint32(3) {
			x := k.nextStake(lv[i].v, o)
			j, seen := at[x]
			if !seen {
				if len(lv) == stakeLevelMax {
					return nil, false
				}
				j = len(lv)
				at[x] = j
				lv = append(lv, stakeLevel{v: x})
			}
			lv[i].next[o] = uint8(j)
		}
	}
	return lv, true
}

// nextStake is the stake after one with stake st and outcome out: 0 not
// engaged (st), 1 betrayed (max(start, st*shrink)), 2 confirmed (min(1,
// st*grow)). It is st*factor clamped to [start, 1]: a stake stays in
// [start, 1], grow >= 1 and shrink <= 1 (the scenario's ranges), so st*1
// = st needs no clamp, st*shrink <= 1 only the lower one and st*grow >=
// start only the upper one: the same float32 values as the two formulas.
func (k *kern) nextStake(st float32, out uint32) float32 {
	return clampB(st*k.stakeT[out&3], k.stakeStart, 1)
}

// clampPrior clamps the trait for the prior, as model.Prior does.
func clampPrior(tau float32) float32 { return clampB(tau, 0.001, 0.999) }

// best3 is the deterministic choice among abstain (0), trust (1) and
// control (2) with utilities (0, bal, bc): the best wins, ties to
// abstaining, then trusting (model.Choice).
func best3(bal, bc float32) uint32 {
	best, bu := uint32(0), float32(0)
	if bal > bu {
		best, bu = 1, bal
	}
	if bc > bu {
		best = 2
	}
	return best
}

// investDecide is agent i's investment decision with the partner of e:
// the endowment at stake, the intended fraction from E1 and R1 and the
// amount sent, drawn from the beta-binomial: by inversion of its pmf
// where P(0) allows, else as model.BetaBinomial.Rand does.
func (s *Sim) investDecide(k *kern, i int, e *meet, src *pcgSrc, r *rand.Rand) {
	g := &k.groups[s.ag.grp[i]]
	// Social reports apply to binary situations only (the scenario
	// parser refuses them here): the belief is the slot's.
	A, B := e.sl.A, e.sl.B
	endow := int(k.endowment)
	if k.stakes && e.st != 1 {
		endow = max(1, int(math.Round(float64(e.st)*k.endowment)))
	}
	a, b := float64(A), float64(B)
	lam := s.lam[i]
	var e1, r1 float64
	if e.inTable {
		r1 = k.r1t.eval(e.to, e.tx, e.ty)
		e1 = r1 + k.mult*(a/(a+b)) - 1
	} else {
		e1, r1 = k.investTerms(a, b)
	}
	if k.ambig && g.m.Zeta > 0 {
		bl := model.Belief{A: a, B: b}
		q := max(g.m.PRisk(bl), 1e-12)
		n := a + b
		_, r1 = k.investTerms(q*n, (1-q)*n)
	}
	var f float64
	if g.m.Deterministic {
		f = g.m.Fraction(e1 - lam*r1)
	} else {
		f = fraction(g.m.Beta * (e1 - lam*r1))
	}
	alpha, beta := f*g.m.Phi, (1-f)*g.m.Phi
	e.endow = endow
	if endow <= bbInvMax {
		u := float64(src.Uint64()>>11) * 0x1p-53
		if p0 := bbP0(endow, beta, g.bbDen[endow]); p0 >= 0 {
			e.amount = bbSearch(endow, alpha, beta, p0, u)
			return
		}
	}
	e.amount = model.BetaBinomial{N: endow, Alpha: alpha, Beta: beta}.Rand(r)
}

// investTerms is E1 and R1 for the belief Beta(a, b): from the table
// where it covers the belief, else by the continued fraction.
func (k *kern) investTerms(a, b float64) (e1, r1 float64) {
	if r1, ok := k.r1t.r1(a, b); ok {
		return r1 + k.mult*(a/(a+b)) - 1, r1
	}
	return investTerms(a, b, k.mult, k.lnT, k.ln1mT)
}

// bbInvMax is the largest endowment whose amount is drawn by inversion of
// the beta-binomial pmf (O(endowment) work); larger ones draw a beta and
// a binomial, as model.BetaBinomial.Rand does.
const bbInvMax = 64

// bbInverse is the smallest x in 0..n whose beta-binomial(n, alpha, beta)
// distribution function exceeds u, u in [0, 1): inversion with the pmf's
// recurrence P(x+1) = P(x) (n-x)(alpha+x) / ((x+1)(beta+n-x-1)) from
// P(0) = prod_{i<n} (beta+i)/(alpha+beta+i). It returns -1 when P(0)
// is too small for the recurrence (below 1e-290: alpha much larger than
// beta over many trials) or not a number, and the caller draws otherwise.
func bbInverse(n int, alpha, beta, u float64) int {
	den := 1.0
	for i := range n {
		den *= alpha + beta + float64(i)
	}
	p := bbP0(n, beta, 1/den)
	if p < 0 {
		return -1
	}
	return bbSearch(n, alpha, beta, p, u)
}

// bbP0 is P(0) of the beta-binomial(n, alpha, beta), prod_{i<n}
// (beta+i) times den = 1/prod_{i<n} (alpha+beta+i), or -1 if it is too
// small for bbSearch's recurrence or not a number (an overflow of either
// product). The denominator depends on alpha+beta only, which is the same
// for every decision of a group: the kernel computes it once (kgroup.bbDen)
// and P(0) takes no division.
func bbP0(n int, beta, den float64) float64 {
	p := den
	for i := range n {
		p *= beta + float64(i)
	}
	if !(p >= 1e-290 && p <= 1.0000001) {
		return -1
	}
	return p
}

// bbSearch is bbInverse's search from P(0) = p.
func bbSearch(n int, alpha, beta, p, u float64) int {
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
// gamma variates. (Cheng's algorithm BB, as R's rbeta, took 110 ns a
// draw against these 41 ns: its logarithm and exponential cost more than
// the gamma variates' squeeze, which rarely needs one.)
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
