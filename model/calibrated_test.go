package model_test

import (
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/trustlab/trustlab/model"
)

// TestCalibratedTable pins every value of the calibrated table: the fitted
// ones exactly, the rest at docs/model.md's defaults.
func TestCalibratedTable(t *testing.T) {
	m, err := model.Calibrated().Model()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"beta", m.Beta, 9.52},
		{"phi", m.Phi, 1.51},
		{"w_plus", m.WPlus, 0.425},
		{"w_minus", m.WMinus, 0.308},
		{"lambda0", m.Lambda0, model.DefaultLambda0},
		{"kappa", m.Kappa, model.DefaultKappa},
		{"n0", m.N0, model.DefaultN0},
		{"gamma", m.Gamma, model.DefaultGamma},
		{"zeta", m.Zeta, model.DefaultZeta},
		{"eta", m.Eta, model.DefaultEta},
		{"omega", m.Omega, model.DefaultOmega},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if m.Deterministic {
		t.Error("calibrated model is deterministic")
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"CalibratedTrait", model.CalibratedTrait, 0.369},
		{"CalibratedTraitBinary", model.CalibratedTraitBinary, 0.692},
		{"CalibratedTraitFor(Investment)", model.CalibratedTraitFor(model.Investment), 0.369},
		{"CalibratedTraitFor(Binary)", model.CalibratedTraitFor(model.Binary), 0.692},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	// Calibrated returns fresh pointers: changing one result leaves the next alone.
	p := model.Calibrated()
	*p.Beta = 1
	if got := *model.Calibrated().Beta; got != 9.52 {
		t.Errorf("after changing a returned value, Calibrated().Beta = %v", got)
	}
}

func TestPreset(t *testing.T) {
	for _, c := range []struct {
		name string
		ok   bool
	}{
		{"calibrated", true},
		{"", false},
		{"default", false},
		{"Calibrated", false},
		{"calibrate", false},
	} {
		p, ok := model.Preset(c.name)
		if ok != c.ok {
			t.Errorf("Preset(%q) ok = %v, want %v", c.name, ok, c.ok)
		}
		if want := model.Calibrated(); ok && !reflect.DeepEqual(p, want) {
			t.Errorf("Preset(%q) = %+v, want Calibrated()", c.name, p)
		}
		if !ok && !reflect.DeepEqual(p, model.Params{}) {
			t.Errorf("Preset(%q) = %+v, want the zero Params", c.name, p)
		}
	}
	if got := model.PresetNames(); !slices.Equal(got, []string{"calibrated"}) {
		t.Errorf("PresetNames() = %v", got)
	}
}

// berg is the design of Berg, Dickhaut & McCabe (1995).
var berg = model.Situation{Game: model.Investment, Endowment: 10, Multiplier: 3}

// TestCalibratedStrangerSendsHalf: docs/model.md, "Calibrated defaults" says senders send
// about half (Berg 1995: 5.25 of 10 over both treatments; Johnson & Mislin
// 2011). The calibrated stranger's mean fraction must be within 0.05 of one
// half; the default stranger's (trait 0.5) is 0.924, far outside.
func TestCalibratedStrangerSendsHalf(t *testing.T) {
	const tol = 0.05
	cal, err := model.Calibrated().Model()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		m        model.Model
		tau      float64
		want     float64 // mean fraction sent, to 1e-4
		nearHalf bool
	}{
		{"calibrated at CalibratedTrait", cal, model.CalibratedTrait, 0.5400, true},
		{"default at 0.5", model.Default(), 0.5, 0.9241, false},
		{"calibrated at 0.5", cal, 0.5, 0.9915, false},
	} {
		d, err := c.m.Stranger(c.tau, berg)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		f := d.Mean() / berg.Endowment
		if math.Abs(f-c.want) > 1e-4 {
			t.Errorf("%s: mean fraction %.6f, want %.4f", c.name, f, c.want)
		}
		if near := math.Abs(f-0.5) <= tol; near != c.nearHalf {
			t.Errorf("%s: mean fraction %.4f within %.2f of one half: %v, want %v", c.name, f, tol, near, c.nearHalf)
		}
	}
}

func TestStrangerErrors(t *testing.T) {
	m := model.Default()
	for _, c := range []struct {
		name string
		m    model.Model
		tau  float64
		s    model.Situation
		want string
	}{
		{"binary", m, 0.5, model.Situation{Gain: 1, Loss: 1}, "game = binary: the stranger's amount is defined for the investment game"},
		{"trait", m, 1.5, berg, "trait = 1.5: must be in [0, 1]"},
		{"endowment", m, 0.5, model.Situation{Game: model.Investment, Endowment: 0.5, Multiplier: 3}, "endowment"},
		{"model", model.Model{Phi: -1}, 0.5, berg, "phi = -1"},
	} {
		_, err := c.m.Stranger(c.tau, c.s)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to contain %q", c.name, err, c.want)
		}
	}
}
