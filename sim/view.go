package sim

// AgentState is one agent's state between steps, for a live view: what
// agents.csv holds of it (less the trusts received, which take a pass over
// every slot) and its belief about each partner.
type AgentState struct {
	ID              int
	Group           string
	Behaviour       string
	Trait           float64 // current trait tau
	Trustworthiness float64 // base trustworthiness as a trustee
	Payoff          float64 // cumulative payoff as trustor
	TrustsGiven     uint64
	Controls        uint64
	Betrayals       uint64
	Partners        []Belief // one per out-neighbour, in slot order
}

// Belief is what an agent holds about one partner: Beta(A, B) over the
// partner's trustworthiness and how often it trusted that partner.
type Belief struct {
	Partner int
	A, B    float64
	Trusts  uint64
}

// Agent returns agent i's state (0 <= i < N; other i panic). It costs one
// pass over the agent's slots, so it suits a sample of agents, not all of
// a large complete graph.
func (s *Sim) Agent(i int) AgentState {
	var st AgentState
	s.AgentInto(i, &st)
	return st
}

// AgentInto is Agent into dst, reusing dst.Partners' storage: reading a
// sample of agents again and again (a live view's frames) allocates
// nothing once the slices have grown.
func (s *Sim) AgentInto(i int, dst *AgentState) {
	ag := s.agentState(i)
	g := &s.groups[ag.Group]
	*dst = AgentState{
		ID: i, Group: g.Name, Behaviour: g.Behaviour.Kind,
		Trait: float64(ag.Trait), Trustworthiness: float64(s.w[i]), Payoff: ag.Payoff,
		TrustsGiven: uint64(ag.Given), Controls: uint64(ag.Controls), Betrayals: uint64(ag.Betrayed),
		Partners: dst.Partners[:0],
	}
	base, d := s.base(i), s.deg(i)
	for k := range d {
		b := Belief{Partner: s.nbr(i, k)}
		if s.fast {
			sl := &s.fslots[base+k]
			b.A, b.B, b.Trusts = float64(sl.A), float64(sl.B), uint64(sl.Trusts)
		} else {
			sl := &s.slots[base+k]
			b.A, b.B, b.Trusts = float64(sl.A), float64(sl.B), uint64(sl.Trusts)
		}
		dst.Partners = append(dst.Partners, b)
	}
}

// Partners appends agent i's out-neighbours, in slot order, to dst and
// returns it: the network's edges for drawing it.
func (s *Sim) Partners(i int, dst []int) []int {
	for k := range s.deg(i) {
		dst = append(dst, s.nbr(i, k))
	}
	return dst
}
