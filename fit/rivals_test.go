package fit

import (
	"math"
	"testing"
)

// The rival models against values computed from their definitions with
// mpmath (fit/testdata/rivals_reference.py), on the three-trial sequence
// of TestLogLikReference (bad: 4 sent, betrayed; bad: 2 sent, honoured;
// good: 10 sent, honoured; amounts of 10, gain 0.5 per unit), plain
// beta-binomial response with phi 10.
func TestRivalLogLikReference(t *testing.T) {
	tr := func(partner int, k float64, honoured bool) Trial {
		r := 0.0
		if honoured {
			r = 1
		}
		return Trial{Partner: partner, Response: Amount, Endowment: 10, Sent: k, Multiplier: 3, Gain: 0.5,
			Evidence: true, R: r, Confirmed: honoured}
	}
	s := &Sequence{ID: "a", Partners: []string{"bad", "good"}, Belief: OutcomeBelief,
		Trials: []Trial{tr(0, 4, false), tr(0, 2, true), tr(1, 10, true)}}
	rwv := DefaultValues()
	rwv[V0], rwv[AlphaPlus], rwv[AlphaMinus], rwv[Beta], rwv[Phi] = 0.6, 0.3, 0.5, 5, 10
	rcv := DefaultValues()
	rcv[RecipA], rcv[RecipB], rcv[Phi] = 0.2, 0.8, 10
	tests := []struct {
		name string
		r    rule
		v    Values
		want float64
		per  []float64
	}{
		{"rw2", ruleRW, rwv, -10.282550928934442, []float64{-1.7541497227010719, -2.442829932291598, -6.085571273941772}},
		{"reciprocity", ruleRecip, rcv, -8.2690098028948373, []float64{-1.7804372056339488, -1.5655247253441724, -4.9230478719167161}},
	}
	for _, tc := range tests {
		c := compile(s, 1)
		if got := c.loglik(&tc.v, tc.r, partAll, nil); math.Abs(got-tc.want) > 1e-10 {
			t.Errorf("%s: log-likelihood %.15g, want %.15g", tc.name, got, tc.want)
		}
		for i, pr := range c.predict(&tc.v, tc.r) {
			if math.Abs(pr.LogProb-tc.per[i]) > 1e-10 {
				t.Errorf("%s: trial %d: log P %.15g, want %.15g", tc.name, i+1, pr.LogProb, tc.per[i])
			}
		}
	}
}

// The rivals are fitted like every model: parameters of their own, NA for
// the pyramid's, and the single-rate Rescorla-Wagner ties alpha_minus.
func TestRivalEstimates(t *testing.T) {
	seqs, _ := simulated(t, 1, 6)
	models, err := ParseModels("rw,rw2,reciprocity")
	if err != nil {
		t.Fatal(err)
	}
	sf, err := FitSubject(seqs[0], nil, Options{Models: models, NoCV: true, Restarts: 2, Response: &ResponseModel{}})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Estimate{}
	for _, e := range sf.Estimates {
		byName[e.Model] = e
	}
	rw, rw2, rc := byName["rw"], byName["rw2"], byName["reciprocity"]
	if rw.K != 4 || rw.Values[AlphaMinus] != rw.Values[AlphaPlus] || rw.Used[Tau] || !rw.Used[V0] {
		t.Errorf("rw: K %d, alpha %g/%g, used tau %v", rw.K, rw.Values[AlphaPlus], rw.Values[AlphaMinus], rw.Used[Tau])
	}
	if rw2.K != 5 || rw2.LogLik < rw.LogLik-1e-3 {
		t.Errorf("rw2: K %d, log-likelihood %.4f below rw's %.4f (rw is nested in rw2)", rw2.K, rw2.LogLik, rw.LogLik)
	}
	if rc.K != 3 || !rc.Used[RecipB] || rc.Used[Beta] {
		t.Errorf("reciprocity: K %d, used %v", rc.K, rc.Used)
	}
}
