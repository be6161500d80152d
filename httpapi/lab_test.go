package httpapi

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/examples"
)

func TestLabSchemas(t *testing.T) {
	checkSchemas(t, map[string]any{
		"CurveInput": trustlab.CurveInput{}, "CurveOutput": trustlab.CurveOutput{}, "TraitCurve": trustlab.TraitCurve{},
		"EncountersInput": trustlab.EncountersInput{}, "EncountersOutput": trustlab.EncountersOutput{}, "EncounterStep": trustlab.EncounterStep{},
		"ExampleFile": examples.File{}, "ExampleList": examplesList{},
	})
}

func TestDecideCurve(t *testing.T) {
	h := newTest(t, Options{})
	status, b, hdr := do(t, h, "POST", "/api/v1/decide/curve", `{"traits":[0.5],"points":3,"situation":{"gain":1,"loss":1}}`)
	if status != 200 || hdr.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, %s: %s", status, hdr.Get("Content-Type"), b)
	}
	var out trustlab.CurveOutput
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	// Default model, trait 0.5: lambda 1, P = sigmoid(5*(2p - 1)).
	want := []float64{0.07585818002124355, 0.5, 0.9241418199787566}
	c := out.Curves[0]
	for i := range want {
		if math.Abs(c.Probability[i]-want[i]) > 1e-15 {
			t.Errorf("P(trust | p=%v) = %v, want %v", out.P[i], c.Probability[i], want[i])
		}
	}
	if c.Threshold == nil || math.Abs(*c.Threshold-0.5) > 1e-11 {
		t.Errorf("threshold %v, want 0.5", c.Threshold)
	}

	status, b, _ = do(t, h, "POST", "/api/v1/decide/curve", `{"traits":[0.5, 7],"points":1}`)
	e := errorBody(t, b)
	if status != 400 || len(e.Fields) != 2 || e.Fields[0].Field != "traits[1]" || e.Fields[1].Field != "points" || e.Fields[0].Range != "[0, 1]" {
		t.Errorf("status %d, error %+v: want 400 naming traits[1] and points", status, e)
	}
}

func TestEncounters(t *testing.T) {
	h := newTest(t, Options{})
	status, b, _ := do(t, h, "POST", "/api/v1/encounters", `{"outcomes":["honoured","betrayed",null,0.75],"situation":{"gain":1,"loss":1},"params":{"gamma":0.5}}`)
	if status != 200 {
		t.Fatalf("status %d: %s", status, b)
	}
	var out struct {
		Steps []struct {
			Encounter int
			Outcome   *float64
			Confirmed *bool
			Belief    struct{ A, B float64 }
			P         float64
			Kind      string
		}
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	// gamma 0.5 toward the prior (1, 1): (1, 1) -> honoured (1.5, 1) ->
	// betrayed, w = 2 (1.25, 2) -> no evidence (1.125, 1.5) -> 0.75
	// confirms, w = 1.
	a, bb := 1.125, 1.5
	a4, b4 := 0.5*(a+0.75)+0.5, 0.5*(bb+0.25)+0.5
	want := [][2]float64{{1, 1}, {1.5, 1}, {1.25, 2}, {a, bb}, {a4, b4}}
	if len(out.Steps) != len(want) {
		t.Fatalf("%d steps, want %d", len(out.Steps), len(want))
	}
	for i, w := range want {
		s := out.Steps[i]
		if math.Abs(s.Belief.A-w[0]) > 1e-12 || math.Abs(s.Belief.B-w[1]) > 1e-12 {
			t.Errorf("step %d: belief (%v, %v), want (%v, %v)", i, s.Belief.A, s.Belief.B, w[0], w[1])
		}
	}
	if out.Steps[0].Outcome != nil || out.Steps[3].Outcome != nil || out.Steps[3].Confirmed != nil {
		t.Errorf("start and the encounter without evidence carry no outcome: %+v %+v", out.Steps[0], out.Steps[3])
	}
	if *out.Steps[2].Confirmed || !*out.Steps[4].Confirmed {
		t.Errorf("confirmed flags: %v %v", *out.Steps[2].Confirmed, *out.Steps[4].Confirmed)
	}

	status, b, _ = do(t, h, "POST", "/api/v1/encounters", `{"outcomes":["maybe"]}`)
	if e := errorBody(t, b); status != 400 || e.Code != trustlab.EINVALID {
		t.Errorf("bad outcome: status %d %+v", status, e)
	}
}

func FuzzDecideCurveBody(f *testing.F) {
	fuzzBody(f, "POST", "/api/v1/decide/curve",
		`{"traits":[0.2,0.5,0.8],"situation":{"gain":1,"loss":2}}`,
		`{"traits":[0.1],"n":50,"points":999,"situation":{"game":"investment","endowment":10,"multiplier":3},"params":{"zeta":2}}`,
		`{"situation":{"gain":1,"loss":1,"control":{"cost":0.1,"gain":1,"loss":0}}}`,
		`{"traits":[],"points":-1,"n":1e400}`, `{"traits":[0,1],"n":0.01}`, `[]`, `null`)
}

func FuzzEncountersBody(f *testing.F) {
	fuzzBody(f, "POST", "/api/v1/encounters",
		`{"trait":0.3,"outcomes":["honoured","betrayed",null,0.4],"situation":{"gain":1,"loss":1},"params":{"w_minus":3,"gamma":0.9}}`,
		`{"p":0.9,"n":20,"outcomes":[0.1,0.9],"situation":{"game":"investment","endowment":10,"multiplier":3}}`,
		`{"belief":{"a":1e6,"b":1},"outcomes":[1,1,1],"params":{"w_plus":1e300}}`,
		`{"outcomes":"honoured"}`, `{"outcomes":[2]}`, `{}`, `null`)
}

func TestExamples(t *testing.T) {
	h := newTest(t, Options{})
	status, b, _ := do(t, h, "GET", "/api/v1/examples", "")
	if status != 200 {
		t.Fatalf("status %d: %s", status, b)
	}
	var out examplesList
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range out.Scenarios {
		names[f.Name] = f.Text != "" && f.Description != ""
	}
	for _, want := range []string{"trust-trap", "learning-trust", "social-lubricant", "asymmetry", "investment-game", "ppb1"} {
		if !names[want] {
			t.Errorf("example %s missing or empty", want)
		}
	}
	if len(out.Specs) == 0 {
		t.Error("no data specs")
	}
}
