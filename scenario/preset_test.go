package scenario

import (
	"strings"
	"testing"

	"github.com/trustlab/trustlab/model"
)

// TestParamsPreset: params: calibrated resolves to model.Calibrated(), and
// {preset: calibrated, ...} takes the preset's values, then the keys given.
func TestParamsPreset(t *testing.T) {
	cal, err := model.Calibrated().Model()
	if err != nil {
		t.Fatal(err)
	}
	withBeta := cal
	withBeta.Beta, withBeta.Gamma = 3, 0.98
	groupPreset := model.Default()
	groupPreset.Beta, groupPreset.Phi, groupPreset.WPlus, groupPreset.WMinus = cal.Beta, cal.Phi, cal.WPlus, cal.WMinus
	groupPreset.Gamma = 0.9
	for _, tc := range []struct {
		name, src string
		want      []model.Model // per group
	}{
		{"scalar", "population: {size: 10}\nparams: calibrated\n", []model.Model{cal}},
		{"quoted scalar", "population: {size: 10}\nparams: \"calibrated\"\n", []model.Model{cal}},
		{"preset key", "population: {size: 10}\nparams: {preset: calibrated}\n", []model.Model{cal}},
		{"preset with overrides", "population: {size: 10}\nparams: {preset: calibrated, beta: 3, gamma: 0.98}\n", []model.Model{withBeta}},
		{"group preset over scenario params",
			"population:\n  size: 10\n  groups:\n    - {name: a, share: 0.5, params: calibrated}\n    - {name: b, share: 0.5}\nparams: {gamma: 0.9}\n",
			[]model.Model{groupPreset, func() model.Model { m := model.Default(); m.Gamma = 0.9; return m }()}},
		{"scenario preset, group override",
			"population:\n  size: 10\n  groups:\n    - {name: a, share: 0.5, params: {beta: 3, gamma: 0.98}}\n    - {name: b, share: 0.5}\nparams: calibrated\n",
			[]model.Model{withBeta, cal}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse([]byte(tc.src), "x.yaml", t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			g := s.Population.Groups
			if len(g) != len(tc.want) {
				t.Fatalf("%d groups, want %d", len(g), len(tc.want))
			}
			for i := range g {
				if g[i].Model != tc.want[i] {
					t.Errorf("group %s: model\n  %+v\nwant\n  %+v", g[i].Name, g[i].Model, tc.want[i])
				}
			}
		})
	}
	// The resolved scenario-wide params echo the preset's values.
	s, err := Parse([]byte("population: {size: 10}\nparams: calibrated\n"), "x.yaml", "")
	if err != nil {
		t.Fatal(err)
	}
	if m, err := s.Params.Model(); err != nil || m != cal {
		t.Errorf("scenario params %+v (%v), want the calibrated model", m, err)
	}
}

func TestParamsPresetErrors(t *testing.T) {
	const keys = "lambda0, kappa, beta, zeta, phi, n0, eta, w_plus, w_minus, gamma, omega, deterministic"
	for _, tc := range []struct {
		name, src, want string
	}{
		{"unknown preset", "population: {size: 10}\nparams: calibratd\n",
			`x.yaml:2:9: params: "calibratd": unknown preset; allowed: calibrated (or a mapping of parameters ` + keys + ")"},
		{"unknown preset key", "population: {size: 10}\nparams: {preset: default, beta: 2}\n",
			`x.yaml:2:18: params.preset: "default": unknown preset; allowed: calibrated`},
		{"preset not a name", "population: {size: 10}\nparams: {preset: 3}\n",
			`x.yaml:2:18: params.preset: "3": must be a preset (calibrated) or a mapping of parameters`},
		{"number instead", "population: {size: 10}\nparams: 3\n",
			`x.yaml:2:9: params: "3": must be a mapping with keys ` + keys + ", preset"},
		{"override range", "population: {size: 10}\nparams: {preset: calibrated, gamma: 1.5}\n",
			"x.yaml:2:37: params.gamma: 1.5: must be in (0, 1]"},
		{"group unknown preset", "population:\n  size: 10\n  groups:\n    - {name: a, share: 1, params: MODEL.md}\n",
			`x.yaml:4:35: population.groups[0].params: "MODEL.md": unknown preset; allowed: calibrated`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parseError(t, tc.src, tc.want)
		})
	}
}

// FuzzParamsPreset fuzzes the value of params (presets, mappings with a
// preset, anything else): never a panic, errors name the file, accepted
// models are valid.
func FuzzParamsPreset(f *testing.F) {
	for _, s := range []string{"calibrated", "{preset: calibrated, beta: 3}", "{preset: x}", "{preset: [a]}", "null", "{preset: calibrated, gamma: 2}", "&a calibrated"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		src := "population:\n  size: 10\n  groups:\n    - {name: a, share: 1, params: " + v + "}\nparams: " + v + "\n"
		s, err := Parse([]byte(src), "f.yaml", t.TempDir())
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		for _, g := range s.Population.Groups {
			if err := g.Model.Validate(); err != nil {
				t.Fatalf("group model invalid: %v", err)
			}
		}
	})
}
