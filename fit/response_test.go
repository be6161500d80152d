package fit

import (
	"math"
	"testing"

	"github.com/trustlab/trustlab/internal/rng"
	"github.com/trustlab/trustlab/model"
)

func TestParseResponseModel(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{"bb", "bb", ""},
		{"betabinomial", "bb", ""},
		{"default", DefaultResponse.String(), ""},
		{"lapse", "lapse", ""},
		{"hurdle+lapse", "lapse+hurdle", ""},
		{"round + hurdle", "hurdle+round", ""},
		{"lapse+hurdle+round", "lapse+hurdle+round", ""},
		{"lapse+noise", "", `response model "lapse+noise": unknown component "noise": must be bb or a +-joined list of lapse, hurdle, round`},
	}
	for _, tc := range tests {
		r, err := ParseResponseModel(tc.in)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%q: error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || r.String() != tc.want {
			t.Errorf("%q: %v, %v; want %s", tc.in, r, err, tc.want)
		}
	}
}

func TestParseModelsResponse(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  bool
	}{
		{"all", nil, false},
		{"baseline,full[bb]", []string{"full", "baseline", "full[bb]"}, false},
		{"no_trait[hurdle]+end_game", []string{"full", "no_trait[hurdle]+end_game"}, false},
		{"full+end_game", []string{"full", "full+end_game"}, false},
		{"full[bb", nil, true},
		{"full[shaky]", nil, true},
		{"baseline+end_game", nil, true},
	}
	for _, tc := range tests {
		ms, err := ParseModels(tc.in)
		if (err != nil) != tc.err {
			t.Errorf("%q: error %v, want error %v", tc.in, err, tc.err)
			continue
		}
		var names []string
		for _, m := range ms {
			names = append(names, m.Name)
		}
		if len(names) != len(tc.want) {
			t.Errorf("%q: %v, want %v", tc.in, names, tc.want)
			continue
		}
		for i := range names {
			if names[i] != tc.want[i] {
				t.Errorf("%q: %v, want %v", tc.in, names, tc.want)
			}
		}
	}
}

// Large-sample check of the response model's draws: 200,000 amounts of
// 10 with intended fraction 0.7, under lapse 0.1 and hurdle 0.3, and with
// round-number attraction 0.3 too; every amount's frequency is within 5
// standard errors of its probability under the likelihood.
func TestDrawAmountMatchesLikelihood(t *testing.T) {
	const n, draws = 10, 200000
	f := 0.7
	for _, rv := range []respValues{{lapse: 0.1, hurdle: 0.3}, {lapse: 0.1, hurdle: 0.3, round: 0.3}} {
		rounds := roundAmounts(n)
		bb := model.BetaBinomial{N: n, Alpha: f * 10, Beta: (1 - f) * 10}
		r := rng.Stream(5)
		var count [n + 1]int
		for range draws {
			count[drawAmount(r, bb, f, rv, rounds)]++
		}
		total := 0.0
		for k := range n + 1 {
			lc := model.LogChoose(n, k)
			p := math.Exp(amountLogProb(k, n, lc, math.Exp(lc), f, 10, rv, rounds, rounds.has(int32(k))))
			total += p
			se := math.Sqrt(p * (1 - p) / draws)
			if got := float64(count[k]) / draws; math.Abs(got-p) > 5*se {
				t.Errorf("%+v: P(%d) = %.5f drawn, %.5f by the likelihood (se %.5f)", rv, k, got, p, se)
			}
		}
		if math.Abs(total-1) > 1e-12 {
			t.Errorf("%+v: probabilities sum to %.15f", rv, total)
		}
	}
}

// The default comparison: every variant, then the full model under the
// other response models that apply to the data.
func TestDefaultModels(t *testing.T) {
	names := func(vs []Variant) (out []string) {
		for _, v := range vs {
			out = append(out, v.Name)
		}
		return out
	}
	got := names(DefaultModels(nil, true))
	want := []string{"full", "no_asymmetry", "no_risk", "no_trait", "no_learning", "baseline", "rw", "rw2", "reciprocity", "full[bb]", "full[lapse]", "full[hurdle]", "full[lapse+hurdle]"}
	if len(got) != len(want) {
		t.Fatalf("graded: %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("graded: %v, want %v", got, want)
		}
	}
	if got := names(DefaultModels(nil, false)); len(got) != 10 || got[9] != "full[bb]" {
		t.Errorf("two-option: %v, want the variants and full[bb]", got)
	}
	if got := names(DefaultModels(&ResponseModel{}, false)); len(got) != 10 || got[9] != "full[lapse]" {
		t.Errorf("two-option under bb: %v, want the variants and full[lapse]", got)
	}
}
