package sim

import (
	"slices"
	"testing"
)

// Agent agrees with Agents (the agents.csv rows) on both kernels, and its
// partners are the network's edges with the beliefs the kernel keeps.
func TestAgentMatchesAgents(t *testing.T) {
	const fastSrc = `
seed: 3
steps: 6
population: {size: 3000, trait: {dist: uniform, min: 0.05, max: 0.95}, trustworthiness: {dist: uniform, min: 0, max: 1}}
network: {kind: k-out, k: 8}
partner: uniform
situation: {game: binary, gain: 1, loss: 1}
params: {gamma: 0.98}
feedback: own
outputs: {plots: false}
`
	for _, tc := range []struct {
		name, src, kernel string
	}{
		{"fast", fastSrc, "fast"},
		{"general", mixed, "general"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, s := runRows(t, parse(t, tc.src), Options{Workers: 2})
			if s.Kernel() != tc.kernel {
				t.Fatalf("kernel %s, want %s", s.Kernel(), tc.kernel)
			}
			checked := 0
			s.Agents(func(r AgentRow) {
				if r.ID%97 != 0 {
					return
				}
				checked++
				a := s.Agent(r.ID)
				if a.ID != r.ID || a.Group != r.Group || a.Behaviour != r.Behaviour || a.Trait != r.TraitEnd ||
					a.Trustworthiness != r.Trustworthiness || a.Payoff != r.Payoff || a.TrustsGiven != r.TrustsGiven ||
					a.Controls != r.Controls || a.Betrayals != r.Betrayals {
					t.Fatalf("agent %d: Agent %+v, Agents %+v", r.ID, a, r)
				}
				ids := s.Partners(r.ID, nil)
				if len(ids) != len(a.Partners) || len(ids) == 0 {
					t.Fatalf("agent %d: %d partners, %d beliefs", r.ID, len(ids), len(a.Partners))
				}
				var trusts uint64
				for k, b := range a.Partners {
					if b.Partner != ids[k] || b.Partner == r.ID || b.Partner < 0 || b.Partner >= s.N() {
						t.Fatalf("agent %d slot %d: partner %d, edge %d", r.ID, k, b.Partner, ids[k])
					}
					if !(b.A > 0 && b.B > 0) {
						t.Fatalf("agent %d slot %d: belief Beta(%g, %g)", r.ID, k, b.A, b.B)
					}
					trusts += b.Trusts
				}
				// Each trust given is counted on the slot it went to.
				if trusts != a.TrustsGiven+a.Controls && trusts != a.TrustsGiven {
					t.Fatalf("agent %d: slot trusts %d, given %d (+%d controls)", r.ID, trusts, a.TrustsGiven, a.Controls)
				}
			})
			if checked < 30 {
				t.Fatalf("checked %d agents", checked)
			}
			// AgentInto reuses the partners' storage and gives what Agent
			// gives.
			var st AgentState
			s.AgentInto(3, &st)
			p0 := &st.Partners[0]
			s.AgentInto(7, &st)
			if want := s.Agent(7); &st.Partners[0] != p0 || !slices.Equal(st.Partners, want.Partners) || st.Trait != want.Trait || st.ID != 7 {
				t.Fatalf("AgentInto(7) = %+v (storage reused %v), Agent(7) = %+v", st, &st.Partners[0] == p0, want)
			}
			if n := testing.AllocsPerRun(100, func() { s.AgentInto(11, &st) }); n != 0 {
				t.Errorf("AgentInto allocates %v times a call", n)
			}
			if got := s.Partners(5, []int{-1}); !slices.Equal(got[:1], []int{-1}) {
				t.Fatalf("Partners does not append: %v", got)
			}
		})
	}
}
