package main

import (
	"math"
	"testing"

	"github.com/trustlab/trustlab/model"
)

// TestDecideCalibratedGolden: --params calibrated (docs/model.md,
// "Calibrated defaults"). Rewrite with
// go test ./cmd/trustlab -run TestDecideCalibratedGolden -update.
func TestDecideCalibratedGolden(t *testing.T) {
	runGolden(t, []cliCase{
		{name: "decide-calibrated-stranger", args: []string{"decide", "--game", "investment", "--params", "calibrated"}},
		{name: "decide-calibrated-json", args: []string{"decide", "--game", "investment", "--params", "calibrated", "--json"}},
		{name: "decide-calibrated-binary", args: []string{"decide", "--params", "calibrated"}},
		{name: "decide-calibrated-override", args: []string{"decide", "--params", "calibrated", "--trait", "0.5", "--beta", "2", "--belief", "3,1", "--loss", "2"}},
		{name: "decide-bad-preset", args: []string{"decide", "--params", "calibrate"}},
		{name: "decide-bad-preset-in", args: []string{"decide", "--in", "-", "--params", "calibrated"}, stdin: `{"trait":0.5}`},
	})
}

// TestDecideCalibratedValues checks the JSON of --params calibrated against
// the model's table: the calibrated trait, the fitted values, and the
// calibrated stranger's intended fraction in Berg's design (0.540).
func TestDecideCalibratedValues(t *testing.T) {
	var out struct {
		Trait    float64      `json:"trait"`
		Fraction float64      `json:"fraction"`
		Params   model.Params `json:"params"`
	}
	decodeRun(t, &out, "decide", "--game", "investment", "--params", "calibrated", "--json")
	cal, err := model.Calibrated().Model()
	if err != nil {
		t.Fatal(err)
	}
	got, err := out.Params.Model()
	if err != nil || got != cal {
		t.Errorf("params %+v (%v), want %+v", got, err, cal)
	}
	if out.Trait != model.CalibratedTrait {
		t.Errorf("trait = %v, want %v", out.Trait, model.CalibratedTrait)
	}
	if math.Abs(out.Fraction-0.5400) > 1e-4 {
		t.Errorf("fraction = %.6f, want 0.5400", out.Fraction)
	}
}
