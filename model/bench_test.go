package model

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkBinaryDecideUpdate is one binary encounter of a simulation's hot
// loop: appraise, decide, draw the partner's response, update the belief.
func BenchmarkBinaryDecideUpdate(b *testing.B) {
	m := Default()
	m.Gamma = 0.98
	r := rand.New(rand.NewPCG(1, 2))
	s := Situation{Gain: 1, Loss: 1}
	tau := 0.4
	prior := m.Prior(tau)
	belief := prior
	trusts := 0
	for b.Loop() {
		pt := m.PTrust(tau, belief, s)
		trusted := r.Float64() < pt
		honoured := trusted && r.Float64() < 0.7
		out := 0.0
		if honoured {
			out = 1
			trusts++
		}
		belief = m.Update(belief, prior, out, honoured, trusted)
	}
	b.ReportMetric(float64(trusts)/float64(b.N), "honoured/op")
}

// BenchmarkInvestmentAppraise is E1, R1 and B1 through two incomplete beta
// evaluations.
func BenchmarkInvestmentAppraise(b *testing.B) {
	m := Default()
	s := Situation{Game: Investment, Endowment: 10, Multiplier: 3}
	beliefs := []Belief{{1, 1}, {3.5, 2.2}, {12, 30}, {0.4, 0.9}}
	var sink float64
	i := 0
	for b.Loop() {
		sink += m.Appraise(0.4, beliefs[i&3], s).Balance
		i++
	}
	_ = sink
}

// BenchmarkExplain is the checked, fully explained decision behind
// `trustlab decide` and POST /decide.
func BenchmarkExplain(b *testing.B) {
	m := Default()
	s := Situation{Gain: 1, Loss: 2, Control: &Control{Cost: 0.1, Gain: 0.8, Loss: 0.2}}
	for b.Loop() {
		if _, err := m.Explain(0.3, Belief{3, 1}, s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAmountLogProb is the graded-amount likelihood of one choice.
func BenchmarkAmountLogProb(b *testing.B) {
	d := Default().Amount(0.37, 10)
	var sink float64
	k := 0
	for b.Loop() {
		sink += d.LogProb(k % 11)
		k++
	}
	_ = sink
}

// BenchmarkBinaryDecideUpdateLean is the same encounter as a simulation's
// inner loop writes it: lambda(tau) computed once per agent (the trait is
// fixed unless eta > 0), then BinaryBalance, Choose and Update.
func BenchmarkBinaryDecideUpdateLean(b *testing.B) {
	m := Default()
	m.Gamma = 0.98
	r := rand.New(rand.NewPCG(1, 2))
	tau := 0.4
	lambda := m.Lambda(tau)
	prior := m.Prior(tau)
	belief := prior
	trusts := 0
	for b.Loop() {
		pt := m.Choose(BinaryBalance(belief.P(), lambda, 1, 1, 0))
		trusted := r.Float64() < pt
		honoured := trusted && r.Float64() < 0.7
		out := 0.0
		if honoured {
			out = 1
			trusts++
		}
		belief = m.Update(belief, prior, out, honoured, trusted)
	}
	b.ReportMetric(float64(trusts)/float64(b.N), "honoured/op")
}

// BenchmarkBinaryDecideUpdatePopulation cycles over 1,024 independent
// agents, as the simulation engine does: consecutive decisions do not wait
// for each other, so this measures throughput rather than latency.
func BenchmarkBinaryDecideUpdatePopulation(b *testing.B) {
	const agents = 1024
	m := Default()
	m.Gamma = 0.98
	r := rand.New(rand.NewPCG(1, 2))
	lambda := make([]float64, agents)
	prior := make([]Belief, agents)
	belief := make([]Belief, agents)
	w := make([]float64, agents)
	for i := range agents {
		tau := 0.05 + 0.9*r.Float64()
		lambda[i], prior[i] = m.Lambda(tau), m.Prior(tau)
		belief[i], w[i] = prior[i], r.Float64()
	}
	trusts, i := 0, 0
	for b.Loop() {
		pt := m.Choose(BinaryBalance(belief[i].P(), lambda[i], 1, 1, 0))
		trusted := r.Float64() < pt
		honoured := trusted && r.Float64() < w[i]
		out := 0.0
		if honoured {
			out = 1
		}
		if trusted {
			trusts++
		}
		belief[i] = m.Update(belief[i], prior[i], out, honoured, trusted)
		i = (i + 1) & (agents - 1)
	}
	b.ReportMetric(float64(trusts)/float64(b.N), "trusted/op")
}
