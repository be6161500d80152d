package sim

import (
	"math"
	"math/rand/v2"

	"github.com/trustlab/trustlab/model"
	"github.com/trustlab/trustlab/scenario"
)

// Step runs one synchronous step of every agent and returns the step's
// rows (one per group, then "all" when there are groups).
func (s *Sim) Step() []Row {
	clear(s.acc)
	if s.fast {
		s.parallel(func(w, h int) { s.fastShard(w, h) })
	} else {
		k := s.stepKern()
		s.parallel(func(w, h int) { s.generalShard(w, h, &k) })
	}
	s.step++
	s.scatterCounts()
	for i := range s.acc {
		s.interactions += s.acc[i].acting
	}
	return s.reduce()
}

// stepKern is the kernel value for the step after s.step steps: the run's
// with this step's switches.
func (s *Sim) stepKern() kern {
	k := s.kern
	iv := s.sc.Interventions
	k.full = s.sc.Feedback == model.FeedbackFull || s.step < iv.FullFeedback
	k.safe = s.step < iv.SafeStart
	k.wave = s.sc.BetrayalWave.Active(s.step + 1)
	k.full32 = b2u(k.full)
	return k
}

// trustworthy is the safe-start test for partner j.
func (s *Sim) trustworthy(j int) bool {
	return s.groups[s.ag.grp[j]].Behaviour.Trustworthy(float64(s.w[j]))
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
