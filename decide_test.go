package trustlab_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/model"
)

func TestDecide(t *testing.T) {
	tests := []struct {
		name    string
		in      trustlab.DecideInput
		wantErr string  // substring; empty for success
		wantP   float64 // expected p on success
	}{
		{name: "stranger gets the trait prior", in: trustlab.DecideInput{Trait: new(0.8), Situation: model.Situation{Gain: 1, Loss: 1}}, wantP: 0.8},
		{name: "belief a,b", in: trustlab.DecideInput{Belief: &model.Belief{A: 3, B: 1}, Situation: model.Situation{Gain: 1, Loss: 1}}, wantP: 0.75},
		{name: "p and n", in: trustlab.DecideInput{P: new(0.2), N: new(5.0), Situation: model.Situation{Gain: 1, Loss: 1}}, wantP: 0.2},
		{name: "both beliefs", in: trustlab.DecideInput{Belief: &model.Belief{A: 1, B: 1}, P: new(0.5)}, wantErr: "either belief"},
		{name: "p without n", in: trustlab.DecideInput{P: new(0.5)}, wantErr: "give both p and n"},
		{name: "bad situation field", in: trustlab.DecideInput{Situation: model.Situation{Gain: 1, Loss: -2}}, wantErr: "situation.loss = -2: must be in [0, inf)"},
		{name: "bad param field", in: trustlab.DecideInput{Params: model.Params{Gamma: new(2.0)}}, wantErr: "params.gamma = 2: must be in (0, 1]"},
		{name: "bad trait", in: trustlab.DecideInput{Trait: new(-0.1)}, wantErr: "trait = -0.1: must be in [0, 1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := trustlab.Decide(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(out.P-tt.wantP) > 1e-12 {
				t.Errorf("p = %v, want %v", out.P, tt.wantP)
			}
		})
	}
	// Field errors stay *model.RangeError so adapters can report the field.
	_, err := trustlab.Decide(trustlab.DecideInput{Params: model.Params{Beta: new(-1.0)}})
	var re *model.RangeError
	if !errors.As(err, &re) || re.Field != "params.beta" {
		t.Errorf("error %v: want a *model.RangeError for params.beta", err)
	}
}
