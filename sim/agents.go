package sim

import "math"

// Final holds end-of-run measures.
type Final struct {
	// MeanAbsBeliefError is the mean over every (agent, slot) of
	// |a/(a+b) - the neighbour's true trustworthiness| (PPB-1).
	MeanAbsBeliefError float64 `json:"mean_abs_belief_error"`
	MeanPayoff         float64 `json:"mean_payoff"` // cumulative payoff per agent
}

// AgentRow is one line of agents.csv.
type AgentRow struct {
	ID              int
	Group           string
	Behaviour       string
	TraitStart      float64
	TraitEnd        float64
	Trustworthiness float64
	Payoff          float64
	TrustsGiven     uint64
	TrustsReceived  uint64
	Controls        uint64
	Betrayals       uint64
}

// Agents calls f for every agent in id order.
func (s *Sim) Agents(f func(AgentRow)) {
	recv := make([]uint64, s.n)
	for i := range s.n {
		base, d := s.base(i), s.deg(i)
		for k := range d {
			if t := s.slotTrusts(base + k); t > 0 {
				recv[s.nbr(i, k)] += uint64(t)
			}
		}
	}
	for i := range s.n {
		ag := s.agentState(i)
		g := &s.groups[ag.Group]
		f(AgentRow{
			ID: i, Group: g.Name, Behaviour: g.Behaviour.Kind,
			TraitStart: float64(s.traitStart(i)), TraitEnd: float64(ag.Trait), Trustworthiness: float64(s.w[i]),
			Payoff: ag.Payoff, TrustsGiven: uint64(ag.Given), TrustsReceived: recv[i],
			Controls: uint64(ag.Controls), Betrayals: uint64(ag.Betrayed),
		})
	}
}

// Final computes the end-of-run measures (in parallel, reduced in shard
// order).
func (s *Sim) Final() Final {
	errs := make([]float64, s.shards)
	cnt := make([]int64, s.shards)
	pay := make([]float64, s.shards)
	kv := s.stepKern()
	s.parallel(func(w, h int) {
		lo, hi := s.shardRange(h)
		for i := lo; i < hi; i++ {
			pay[h] += s.agentState(i).Payoff
			base, d := s.base(i), s.deg(i)
			for k := range d {
				if s.fast {
					sl := &s.fslots[base+k]
					errs[h] += math.Abs(float64(sl.A)/float64(sl.A+sl.B) - float64(sl.W))
				} else {
					sl := &s.slots[base+k]
					p := float64(sl.A) / float64(sl.A+sl.B)
					errs[h] += math.Abs(p - float64(s.honourOf(&kv, s.nbr(i, k), sl.Trusts)))
				}
				cnt[h]++
			}
		}
	})
	var e, p float64
	var c int64
	for h := range s.shards {
		e += errs[h]
		c += cnt[h]
		p += pay[h]
	}
	return Final{MeanAbsBeliefError: ratio(e, float64(c)), MeanPayoff: p / float64(s.n)}
}
