package trustlab_test

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/model"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestCurveReference(t *testing.T) {
	// gain = loss = 1, defaults: B = p - lambda*(1-p), P = sigmoid(5B).
	out, err := trustlab.Curve(trustlab.CurveInput{
		Traits: []float64{0.5, 0.2}, Points: 3,
		Situation: model.Situation{Gain: 1, Loss: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{0.25, 0.5, 0.75}; fmt.Sprint(out.P) != fmt.Sprint(want) {
		t.Fatalf("p = %v, want %v", out.P, want)
	}
	if out.N != 2 {
		t.Errorf("n = %v, want the prior strength 2", out.N)
	}
	lam := math.Exp(0.6) // lambda(0.2) = exp(2*(0.5-0.2)) = 1.8221188003905089
	tests := []struct {
		curve     int
		lambda    float64
		prob      []float64
		threshold float64
	}{
		// tau 0.5: lambda 1, B = 2p-1: sigmoid(-2.5), sigmoid(0), sigmoid(2.5).
		{0, 1, []float64{0.07585818002124355, 0.5, 0.9241418199787566}, 0.5},
		// tau 0.2: B = p - lambda*(1-p), threshold lambda/(1+lambda).
		{1, lam, []float64{
			1 / (1 + math.Exp(-5*(0.25-lam*0.75))),
			1 / (1 + math.Exp(-5*(0.5-lam*0.5))),
			1 / (1 + math.Exp(-5*(0.75-lam*0.25))),
		}, lam / (1 + lam)},
	}
	for _, tt := range tests {
		c := out.Curves[tt.curve]
		if !near(c.Lambda, tt.lambda, 1e-15) {
			t.Errorf("curve %d: lambda = %v, want %v", tt.curve, c.Lambda, tt.lambda)
		}
		for i, want := range tt.prob {
			if !near(c.Probability[i], want, 1e-15) {
				t.Errorf("curve %d: P(trust | p=%v) = %v, want %v", tt.curve, out.P[i], c.Probability[i], want)
			}
		}
		if c.Threshold == nil || !near(*c.Threshold, tt.threshold, 1e-11) {
			t.Errorf("curve %d: threshold = %v, want %v", tt.curve, c.Threshold, tt.threshold)
		}
	}
}

func TestCurveMatchesDecide(t *testing.T) {
	// Every point of a curve is the decision Decide explains at that p.
	sits := []model.Situation{
		{Gain: 2, Loss: 3, Outside: 0.2},
		{Gain: 1, Loss: 1, Control: &model.Control{Cost: 0.1, Gain: 0.8, Loss: 0.2}},
		{Game: model.Investment, Endowment: 10, Multiplier: 3},
	}
	for _, s := range sits {
		out, err := trustlab.Curve(trustlab.CurveInput{Traits: []float64{0.1, 0.9}, N: new(7.0), Points: 9, Situation: s, Params: model.Params{Zeta: new(0.5)}})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range out.Curves {
			for i, p := range out.P {
				d, err := trustlab.Decide(trustlab.DecideInput{Trait: new(c.Trait), P: new(p), N: new(7.0), Situation: s, Params: model.Params{Zeta: new(0.5)}})
				if err != nil {
					t.Fatal(err)
				}
				want := d.Fraction
				if want == nil {
					want = d.Probability
				}
				if !near(c.Probability[i], *want, 1e-12) {
					t.Errorf("%s trait %v p %v: curve %v, decide %v", s.Game, c.Trait, p, c.Probability[i], *want)
				}
			}
		}
	}
}

func TestCurveThresholdAbsent(t *testing.T) {
	// With no loss and a gain the balance is positive for every p > 0.
	out, err := trustlab.Curve(trustlab.CurveInput{Traits: []float64{0.5}, Situation: model.Situation{Gain: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if out.Curves[0].Threshold != nil {
		t.Errorf("threshold = %v, want none", *out.Curves[0].Threshold)
	}
	if len(out.P) != trustlab.DefaultCurvePoints || out.P[0] != 0.01 || out.P[98] != 0.99 {
		t.Errorf("default p grid: %d points from %v to %v", len(out.P), out.P[0], out.P[len(out.P)-1])
	}
}

func TestCurveErrors(t *testing.T) {
	tests := []struct {
		in   trustlab.CurveInput
		want []string
	}{
		{trustlab.CurveInput{Traits: []float64{0.5, 1.5}}, []string{"traits[1] = 1.5: must be in [0, 1]"}},
		{trustlab.CurveInput{Traits: make([]float64, 11)}, []string{"traits: 11 values: at most 10"}},
		{trustlab.CurveInput{Points: 1, N: new(0.0)}, []string{"points = 1: must be in [2, 999]", "n = 0: must be in [0.01, 1e5]"}},
		{trustlab.CurveInput{Situation: model.Situation{Loss: -1}}, []string{"situation.loss = -1"}},
		{trustlab.CurveInput{Params: model.Params{Kappa: new(-1.0)}}, []string{"params.kappa = -1"}},
	}
	for _, tt := range tests {
		_, err := trustlab.Curve(tt.in)
		if trustlab.ErrorCode(err) != trustlab.EINVALID {
			t.Errorf("%+v: error %v with code %q, want invalid", tt.in, err, trustlab.ErrorCode(err))
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%+v: error %q lacks %q", tt.in, err, w)
			}
		}
		if n := len(trustlab.FieldErrors(err)); n != len(tt.want) {
			t.Errorf("%+v: %d field errors %v, want %d", tt.in, n, trustlab.FieldErrors(err), len(tt.want))
		}
	}
}

func outcomes(t *testing.T, js string) []*trustlab.Outcome {
	t.Helper()
	var o []*trustlab.Outcome
	if err := json.Unmarshal([]byte(js), &o); err != nil {
		t.Fatal(err)
	}
	return o
}

func TestEncountersReference(t *testing.T) {
	bin := model.Situation{Gain: 1, Loss: 1}
	tests := []struct {
		name     string
		in       trustlab.EncountersInput
		wantA    []float64
		wantB    []float64
		wantKind []string
	}{
		{
			// Prior Beta(1, 1); w_plus = 1, w_minus = 2.
			name:     "honour, betray, honour",
			in:       trustlab.EncountersInput{Outcomes: outcomes(t, `["honoured","betrayed","honoured"]`), Situation: bin},
			wantA:    []float64{1, 2, 2, 3},
			wantB:    []float64{1, 1, 3, 3},
			wantKind: []string{"distrust", "trust", "distrust", "distrust"},
		},
		{
			// gamma 0.9 pulls toward the prior (1, 1); null brings no evidence.
			name:  "forgetting",
			in:    trustlab.EncountersInput{Outcomes: outcomes(t, `[1, null]`), Situation: bin, Params: model.Params{Gamma: new(0.9)}},
			wantA: []float64{1, 0.9*2 + 0.1, 0.9*1.9 + 0.1},
			wantB: []float64{1, 1, 1},
		},
		{
			// Five honours, one betrayal, five honours from a trait-0.8 stranger (0.6 prior strength 2: 1.6, 0.4).
			name:  "five, one, five",
			in:    trustlab.EncountersInput{Trait: new(0.8), Outcomes: outcomes(t, `[1,1,1,1,1,0,1,1,1,1,1]`), Situation: bin},
			wantA: []float64{1.6, 2.6, 3.6, 4.6, 5.6, 6.6, 6.6, 7.6, 8.6, 9.6, 10.6, 11.6},
			wantB: []float64{0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 2.4, 2.4, 2.4, 2.4, 2.4, 2.4},
		},
		{
			// A starting belief given as p and n. With m = 3 a return
			// fraction of 0.3 betrays (3*0.3 < 1, weight 2) and 0.5 confirms.
			name:  "investment",
			in:    trustlab.EncountersInput{P: new(0.5), N: new(4.0), Outcomes: outcomes(t, `[0.3, 0.5]`), Situation: model.Situation{Game: model.Investment, Endowment: 10, Multiplier: 3}},
			wantA: []float64{2, 2 + 2*0.3, 2.6 + 0.5},
			wantB: []float64{2, 2 + 2*0.7, 3.4 + 0.5},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := trustlab.Encounters(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Steps) != len(tt.in.Outcomes)+1 {
				t.Fatalf("%d steps, want %d", len(out.Steps), len(tt.in.Outcomes)+1)
			}
			for i, s := range out.Steps {
				if s.Encounter != i {
					t.Errorf("step %d numbered %d", i, s.Encounter)
				}
				if !near(s.Belief.A, tt.wantA[i], 1e-12) || !near(s.Belief.B, tt.wantB[i], 1e-12) {
					t.Errorf("step %d: belief (%v, %v), want (%v, %v)", i, s.Belief.A, s.Belief.B, tt.wantA[i], tt.wantB[i])
				}
				if !near(s.P, tt.wantA[i]/(tt.wantA[i]+tt.wantB[i]), 1e-12) {
					t.Errorf("step %d: p = %v", i, s.P)
				}
				if tt.wantKind != nil && s.Kind.String() != tt.wantKind[i] {
					t.Errorf("step %d: kind %v, want %v", i, s.Kind, tt.wantKind[i])
				}
				// Each step's explanation is Decide's at that belief and trait.
				d, err := trustlab.Decide(trustlab.DecideInput{Trait: new(s.Trait), Belief: &s.Belief, Situation: tt.in.Situation, Params: tt.in.Params})
				if err != nil {
					t.Fatal(err)
				}
				if d.Balance != s.Balance || d.Expectation != s.Expectation || d.Risk != s.Risk || d.Kind != s.Kind {
					t.Errorf("step %d: explanation %+v differs from Decide %+v", i, s.Explanation, d)
				}
			}
		})
	}
}

func TestEncountersAsymmetry(t *testing.T) {
	// docs/model.md, "Properties the tests show", property 3 seen through the lab: one betrayal after five
	// honours costs more p than the five honours' last step gained.
	out, err := trustlab.Encounters(trustlab.EncountersInput{Outcomes: outcomes(t, `[1,1,1,1,1,0]`), Situation: model.Situation{Gain: 1, Loss: 1}})
	if err != nil {
		t.Fatal(err)
	}
	gain := out.Steps[5].P - out.Steps[4].P
	loss := out.Steps[5].P - out.Steps[6].P
	if !(loss > gain) {
		t.Errorf("betrayal lowered p by %v, the fifth honour raised it by %v", loss, gain)
	}
}

func TestEncountersTraitLearning(t *testing.T) {
	out, err := trustlab.Encounters(trustlab.EncountersInput{Trait: new(0.4), Outcomes: outcomes(t, `["honoured","betrayed"]`), Situation: model.Situation{Gain: 1, Loss: 1}, Params: model.Params{Eta: new(0.1)}})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0.4, 0.4 + 0.1*0.6, 0.46 - 0.1*0.46}
	for i, s := range out.Steps {
		if !near(s.Trait, want[i], 1e-15) {
			t.Errorf("step %d: trait %v, want %v", i, s.Trait, want[i])
		}
	}
	// The prior forgetting pulls toward stays the starting trait's.
	if out.Prior != (model.Belief{A: 0.8, B: 1.2}) {
		t.Errorf("prior %+v, want (0.8, 1.2)", out.Prior)
	}
}

func TestEncountersErrors(t *testing.T) {
	tests := []struct {
		in   trustlab.EncountersInput
		want []string
	}{
		{trustlab.EncountersInput{Outcomes: outcomes(t, `[1, 1.5, -0.5]`)}, []string{"outcomes[1] = 1.5: must be in [0, 1]", "outcomes[2] = -0.5"}},
		{trustlab.EncountersInput{Trait: new(2.0), Belief: &model.Belief{A: 1, B: 1}, P: new(0.5)}, []string{"trait = 2", "either belief"}},
		{trustlab.EncountersInput{P: new(0.5)}, []string{"give both p and n"}},
		{trustlab.EncountersInput{Belief: &model.Belief{A: 0, B: 1}}, []string{"belief.a = 0"}},
		{trustlab.EncountersInput{Outcomes: make([]*trustlab.Outcome, 1001)}, []string{"outcomes: 1001 values: at most 1000"}},
		{trustlab.EncountersInput{Params: model.Params{Gamma: new(0.0)}}, []string{"params.gamma = 0"}},
		{trustlab.EncountersInput{Outcomes: outcomes(t, `[1, 1]`), Params: model.Params{WPlus: new(1e300)}}, []string{"after encounter 1"}},
	}
	for _, tt := range tests {
		_, err := trustlab.Encounters(tt.in)
		if trustlab.ErrorCode(err) != trustlab.EINVALID {
			t.Errorf("error %v with code %q, want invalid", err, trustlab.ErrorCode(err))
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q lacks %q", err, w)
			}
		}
	}
}

func ExampleEncounters() {
	var seq []*trustlab.Outcome
	json.Unmarshal([]byte(`["honoured","honoured","betrayed"]`), &seq)
	out, _ := trustlab.Encounters(trustlab.EncountersInput{Outcomes: seq, Situation: model.Situation{Gain: 1, Loss: 1}})
	for _, s := range out.Steps {
		fmt.Printf("%d a=%g b=%g p=%.3f P(trust)=%.3f %s\n", s.Encounter, s.Belief.A, s.Belief.B, s.P, *s.Probability, s.Kind)
	}
	// Output:
	// 0 a=1 b=1 p=0.500 P(trust)=0.500 distrust
	// 1 a=2 b=1 p=0.667 P(trust)=0.841 trust
	// 2 a=3 b=1 p=0.750 P(trust)=0.924 trust
	// 3 a=3 b=3 p=0.500 P(trust)=0.500 distrust
}

func ExampleCurve() {
	out, _ := trustlab.Curve(trustlab.CurveInput{Traits: []float64{0.2, 0.5, 0.8}, Situation: model.Situation{Gain: 1, Loss: 1}})
	for _, c := range out.Curves {
		fmt.Printf("trait %.1f: lambda %.3f, trusts above p = %.3f\n", c.Trait, c.Lambda, *c.Threshold)
	}
	// Output:
	// trait 0.2: lambda 1.822, trusts above p = 0.646
	// trait 0.5: lambda 1.000, trusts above p = 0.500
	// trait 0.8: lambda 0.549, trusts above p = 0.354
}
