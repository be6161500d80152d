package sim

import (
	"math"
	"math/rand/v2"
	"sync/atomic"

	"github.com/trustlab/trustlab/internal/rng"
	"github.com/trustlab/trustlab/model"
	"github.com/trustlab/trustlab/scenario"
	"gonum.org/v1/gonum/stat/distuv"
)

// Step runs one synchronous step of every agent and returns the step's
// rows (one per group, then "all" when there are groups).
func (s *Sim) Step() []Row {
	clear(s.acc)
	cur := s.step % 2
	if s.fast {
		s.parallel(func(w, h int) { s.fastShard(w, h) })
	} else {
		s.parallel(func(w, h int) { s.generalShard(w, h, cur) })
	}
	s.step++
	// The buffers just read become the next step's write buffers.
	prev := 1 - cur
	if s.recip {
		clear(s.approached[prev])
		clear(s.trusted[prev])
	}
	if s.social {
		clear(s.honRep[prev])
		clear(s.betRep[prev])
	}
	for i := range s.acc {
		s.interactions += s.acc[i].acting
	}
	return s.reduce()
}

// seed reseeds worker w's generator for shard h of the current step.
func (s *Sim) seed(w, h int) *rand.Rand {
	hi, lo := rng.Key(s.sc.Seed, keyStep, uint64(s.step), uint64(h))
	s.workerPCG[w].Seed(hi, lo)
	return s.workerRand[w]
}

// honourProb is the probability that trustee j honours a trust from the
// trustor whose slot is sl, in this step.
func (s *Sim) honourProb(j int, sl *slot, prev int) float64 {
	if s.sc.BetrayalWave.Active(s.step + 1) {
		return 0
	}
	b := &s.groups[s.agents[j].Group].Behaviour
	switch b.Kind {
	case scenario.Honour:
		return 1
	case scenario.Betray:
		return 0
	case scenario.ConArtist:
		if int(sl.Trusts) < b.Honours {
			return 1
		}
		return 0
	case scenario.Reciprocal:
		q := 0.5
		if n := s.approached[prev][j]; n > 0 {
			q = float64(s.trusted[prev][j]) / float64(n)
		}
		return min(1, max(0, float64(s.w[j])+b.Slope*(q-0.5)))
	}
	return float64(s.w[j])
}

// trustworthy is the safe-start test for partner j.
func (s *Sim) trustworthy(j int) bool {
	return s.groups[s.agents[j].Group].Behaviour.Trustworthy(float64(s.w[j]))
}

// choose picks the slot agent i meets this step, or -1 when it has no
// allowed partner.
func (s *Sim) choose(i, base, deg int, r *rand.Rand, safe bool) int {
	sc := s.sc
	if sc.Partner.Choice == scenario.ChooseUniform && !safe {
		return r.IntN(deg)
	}
	allowed := func(k int) bool { return !safe || s.trustworthy(s.nbr(i, k)) }
	if sc.Partner.Choice == scenario.ChooseUniform {
		c := 0
		for k := range deg {
			if allowed(k) {
				c++
			}
		}
		if c == 0 {
			return -1
		}
		t := r.IntN(c)
		for k := range deg {
			if allowed(k) {
				if t == 0 {
					return k
				}
				t--
			}
		}
		return -1
	}
	// Softmax over the beliefs p of the allowed slots.
	beta := sc.Partner.Beta
	pmax := math.Inf(-1)
	for k := range deg {
		if allowed(k) {
			sl := &s.slots[base+k]
			pmax = max(pmax, float64(sl.A)/float64(sl.A+sl.B))
		}
	}
	if math.IsInf(pmax, -1) {
		return -1
	}
	weight := func(k int) float64 {
		sl := &s.slots[base+k]
		return math.Exp(beta * (float64(sl.A)/float64(sl.A+sl.B) - pmax))
	}
	sum := 0.0
	for k := range deg {
		if allowed(k) {
			sum += weight(k)
		}
	}
	t := r.Float64() * sum
	last := -1
	for k := range deg {
		if allowed(k) {
			last = k
			t -= weight(k)
			if t < 0 {
				return k
			}
		}
	}
	return last
}

// generalShard steps the agents of shard h through the full model.
func (s *Sim) generalShard(w, h, cur int) {
	r := s.seed(w, h)
	prev := 1 - cur
	sc := s.sc
	sit := sc.Situation
	inv := sit.Game == model.Investment
	full := sc.Feedback == model.FeedbackFull || s.step < sc.Interventions.FullFeedback
	safe := s.step < sc.Interventions.SafeStart
	gs := sc.Interventions.GraduatedStakes
	G := len(s.groups)
	accs := s.acc[h*G : (h+1)*G]
	lo, hi := s.shardRange(h)
	for i := lo; i < hi; i++ {
		ag := &s.agents[i]
		gr := &s.groups[ag.Group]
		m := &gr.Model
		a := &accs[ag.Group]
		a.agents++
		var ownPart int32 = -1
		var ownRep int8
		if s.social {
			ownPart, ownRep = s.lastPart[i], s.lastRep[i]
			s.lastPart[i], s.lastRep[i] = -1, 0
		}
		deg := s.deg(i)
		if deg == 0 {
			a.trait += float64(ag.Trait)
			continue
		}
		base := s.base(i)
		k := s.choose(i, base, deg, r, safe)
		if k < 0 {
			a.trait += float64(ag.Trait)
			continue
		}
		a.acting++
		j := s.nbr(i, k)
		sl := &s.slots[base+k]
		b := model.Belief{A: float64(sl.A), B: float64(sl.B)}
		tau := float64(ag.Trait)

		// Social reports: the previous step's outcomes of others who
		// engaged with j, without the agent's own.
		if s.social {
			nh, nb := s.honRep[prev][j], s.betRep[prev][j]
			if ownPart == int32(j) {
				if ownRep > 0 {
					nh--
				} else if ownRep < 0 {
					nb--
				}
			}
			for range nh {
				b = m.Hear(b, 1, true)
			}
			for range nb {
				b = m.Hear(b, 0, false)
			}
		}

		stake := 1.0
		if gs != nil {
			stake = float64(s.stake[base+k])
		}
		cs := sit.Situation
		endowment := int(sit.Endowment)
		if stake != 1 {
			if inv {
				endowment = max(1, int(math.Round(stake*sit.Endowment)))
			} else {
				cs.Gain *= stake
				cs.Loss *= stake
				if c := cs.Control; c != nil {
					cs.Control = &model.Control{Cost: c.Cost * stake, Gain: c.Gain * stake, Loss: c.Loss * stake}
				}
			}
		}
		ap := m.Appraise(tau, b, cs)
		h := s.honourProb(j, sl, prev)
		a.belief += ap.P
		a.calib += math.Abs(ap.P - h)
		a.cynic += ap.P - h

		// The act.
		act := model.Abstain
		x := 0
		switch {
		case inv:
			f := m.Fraction(ap.Balance)
			x = m.Amount(f, endowment).Rand(r)
			if x > 0 {
				act = model.Engage
			}
			a.sent += float64(x) / float64(endowment)
			a.sentN++
		case cs.Control != nil:
			act = m.Choice(ap).Draw(r)
		default:
			if r.Float64() < m.Choose(ap.Balance) {
				act = model.Engage
			}
		}
		switch model.Classify(act, cs) {
		case model.KindTrust:
			a.trust++
		case model.KindControl:
			a.control++
		case model.KindCertainty:
			a.certainty++
		default:
			a.distrust++
		}
		engaged := act != model.Abstain
		evidence := engaged || full

		// The trustee's response (drawn when someone observes it).
		outcome, confirmed := 0.0, false
		if evidence {
			if inv {
				hc := min(max(h, 1e-6), 1-1e-6)
				outcome = distuv.Beta{Alpha: hc * sit.ReturnPrecision, Beta: (1 - hc) * sit.ReturnPrecision, Src: r}.Rand()
			} else if r.Float64() < h {
				outcome = 1
			}
			confirmed = cs.Confirmed(outcome)
		}

		// Payoffs.
		pay := cs.Outside
		switch {
		case inv:
			pay = 0
			if engaged {
				xf := float64(x)
				pay = outcome*sit.Multiplier*xf - xf
				a.welfare += (sit.Multiplier - 1) * xf
				a.loss += max(0, -pay)
				a.returned += outcome
				a.returnedN++
			}
		case act == model.Engage:
			if confirmed {
				pay = cs.Gain
			} else {
				pay = -cs.Loss
				a.loss += cs.Loss
			}
		case act == model.Guard:
			c := cs.Control
			a.controlCost += c.Cost
			if confirmed {
				pay = c.Gain - c.Cost
			} else {
				pay = -c.Loss - c.Cost
				a.loss += c.Loss
			}
		}
		if !inv {
			a.welfare += pay
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

		// Learning: the belief about j, the stake, the trait.
		nb := m.Update(b, m.Prior(tau), outcome, confirmed, evidence)
		sl.A, sl.B = float32(nb.A), float32(nb.B)
		if act == model.Engage {
			sl.Trusts++
		}
		if gs != nil && engaged {
			st := s.stake[base+k]
			if confirmed {
				st = min(1, st*float32(gs.Grow))
			} else {
				st = max(float32(gs.Start), st*float32(gs.Shrink))
			}
			s.stake[base+k] = st
		}
		if evidence && m.Eta > 0 {
			tau = m.LearnTrait(tau, confirmed)
			ag.Trait = float32(tau)
		}
		a.trait += float64(ag.Trait)

		// Double-buffered counts that others read next step.
		if s.recip {
			atomic.AddInt32(&s.approached[cur][j], 1)
			if act == model.Engage {
				atomic.AddInt32(&s.trusted[cur][j], 1)
			}
		}
		if s.social {
			if engaged {
				s.lastPart[i] = int32(j)
				if confirmed {
					s.lastRep[i] = 1
					atomic.AddInt32(&s.honRep[cur][j], 1)
				} else {
					s.lastRep[i] = -1
					atomic.AddInt32(&s.betRep[cur][j], 1)
				}
			}
		}
	}
}
