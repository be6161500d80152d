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
