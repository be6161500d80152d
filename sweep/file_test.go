package sweep

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// baseList is a base scenario with groups as a list of named items.
const baseList = `steps: 20
agents: 200
population:
  groups:
    - name: cooperator
      share: 0.8
      trait: 0.6
    - name: exploiter
      share: 0.2
      trait: 0.3
feedback:
  regime: own
`

// writeSweep writes the base scenario and the sweep file into a temp
// directory and returns the sweep file's path.
func writeSweep(t *testing.T, base, sweep string) string {
	t.Helper()
	dir := t.TempDir()
	if base != "" {
		if err := os.WriteFile(filepath.Join(dir, "base.yaml"), []byte(base), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(dir, "sweep.yaml")
	if err := os.WriteFile(p, []byte(sweep), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustLoad(t *testing.T, base, sweep string) *Sweep {
	t.Helper()
	sw, err := Load(writeSweep(t, base, sweep))
	if err != nil {
		t.Fatal(err)
	}
	return sw
}

func labels(a Axis) []string {
	var out []string
	for _, v := range a.Values {
		out = append(out, v.Label)
	}
	return out
}

func TestParseForms(t *testing.T) {
	sw := mustLoad(t, baseList, `name: demo
scenario: base.yaml
seed: 7
replications: 3
keep: [summary, series]
axes:
  - path: population.groups.exploiter.share
    name: exploiters
    range: {from: 0, to: 0.5, step: 0.1}
  - path: feedback.regime
    values: [own, full]
`)
	if sw.Name != "demo" || sw.Seed != 7 || sw.Replications != 3 || sw.Keep != (Keep{true, true}) {
		t.Errorf("header = %q %d %d %+v", sw.Name, sw.Seed, sw.Replications, sw.Keep)
	}
	if got, want := labels(sw.Axes[0]), []string{"0", "0.1", "0.2", "0.3", "0.4", "0.5"}; !cmp.Equal(got, want) {
		t.Errorf("range labels = %q, want %q", got, want)
	}
	if sw.Axes[0].Name != "exploiters" || sw.Axes[1].Name != "feedback.regime" {
		t.Errorf("names = %q, %q", sw.Axes[0].Name, sw.Axes[1].Name)
	}
	if sw.Axes[0].Line != 7 || sw.Axes[1].Values[1].Line != 11 || sw.Axes[1].Values[1].Column != 19 {
		t.Errorf("positions: axis 0 line %d, value full at %d:%d", sw.Axes[0].Line, sw.Axes[1].Values[1].Line, sw.Axes[1].Values[1].Column)
	}

	// The mapping form and defaults.
	sw2 := mustLoad(t, baseList, `scenario: base.yaml
axes:
  population.groups.exploiter.share: {from: 0, to: 0.5, step: 0.1}
  feedback.regime: {name: regime, values: [own, full]}
`)
	if sw2.Name != "sweep" || sw2.Seed != 1 || sw2.Replications != 1 || sw2.Keep != (Keep{Summary: true}) {
		t.Errorf("defaults = %q %d %d %+v", sw2.Name, sw2.Seed, sw2.Replications, sw2.Keep)
	}
	if got := labels(sw2.Axes[0]); len(got) != 6 || got[3] != "0.3" {
		t.Errorf("mapping-form range = %q", got)
	}
	if sw2.Axes[1].Name != "regime" {
		t.Errorf("mapping-form name = %q", sw2.Axes[1].Name)
	}
}

func TestRanges(t *testing.T) {
	tests := []struct {
		rng  string
		want []string
	}{
		{"{from: 0, to: 0.5, step: 0.1}", []string{"0", "0.1", "0.2", "0.3", "0.4", "0.5"}},
		{"{from: 0.05, to: 0.3, step: 0.05}", []string{"0.05", "0.1", "0.15", "0.2", "0.25", "0.3"}},
		{"{from: 1, to: 10, step: 3}", []string{"1", "4", "7", "10"}},
		{"{from: 1, to: 11, step: 3}", []string{"1", "4", "7", "10"}},
		{"{from: 0.5, to: 0, step: -0.25}", []string{"0.5", "0.25", "0"}},
		{"{from: 2, to: 2, step: 1}", []string{"2"}},
		{"{from: 0, to: 1, step: 0.333}", []string{"0", "0.333", "0.666", "0.999"}},
	}
	for _, tt := range tests {
		t.Run(tt.rng, func(t *testing.T) {
			sw := mustLoad(t, baseList, "scenario: base.yaml\naxes:\n  steps: "+tt.rng+"\n")
			if got := labels(sw.Axes[0]); !cmp.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	// Integer ranges substitute integers.
	sw := mustLoad(t, baseList, "scenario: base.yaml\naxes:\n  steps: {from: 10, to: 30, step: 10}\n")
	if n := sw.Axes[0].Values[1].node; n.Tag != "!!int" || n.Value != "20" {
		t.Errorf("integer range node = %s %q", n.Tag, n.Value)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, sweep, want string
	}{
		{"empty", "", "sweep.yaml:1: empty sweep file: expected keys name, scenario, base, seed, replications, keep, axes"},
		{"syntax", "axes: [1,\n", "sweep.yaml:1: YAML syntax: did not find expected node content"},
		{"unknown key", "scenario: base.yaml\nreplicates: 3\n", "sweep.yaml:2:1: replicates: unknown key; allowed keys here: name, scenario, base, seed, replications, keep, axes"},
		{"repeated key", "scenario: base.yaml\nseed: 1\nseed: 2\n", "sweep.yaml:3:1: seed: duplicate key (first on line 2)"},
		{"no base", "seed: 1\n", "sweep.yaml:1:1: scenario: missing: give the base scenario as scenario: FILE or inline as base:"},
		{"both bases", "scenario: base.yaml\nbase: {steps: 3}\n", "sweep.yaml:2:7: base: give either scenario: (a file) or base: (inline), not both"},
		{"missing scenario file", "scenario: nothere.yaml\n", "sweep.yaml:1:11: scenario: cannot read the base scenario: open "},
		{"bad replications", "scenario: base.yaml\nreplications: 0\n", "sweep.yaml:2:15: replications: 0: must be a whole number in [1, 100000]"},
		{"fractional replications", "scenario: base.yaml\nreplications: 2.5\n", "sweep.yaml:2:15: replications: 2.5: must be a whole number in [1, 100000]"},
		{"bad seed", "scenario: base.yaml\nseed: -1\n", "sweep.yaml:2:7: seed: -1: must be a whole number in [0, 18446744073709551615]"},
		{"bad keep", "scenario: base.yaml\nkeep: [summary, agents]\n", `sweep.yaml:2:17: keep: unknown output "agents" (allowed: summary, series)`},
		{"empty axes", "scenario: base.yaml\naxes: []\n", "sweep.yaml:2:7: axes: no axis given (omit axes: to run replications of the base scenario alone)"},
		{"empty values", "scenario: base.yaml\naxes:\n  - path: steps\n    values: []\n", "sweep.yaml:4:13: steps.values: empty: an axis needs at least one value"},
		{"empty values mapping form", "scenario: base.yaml\naxes:\n  steps: []\n", "sweep.yaml:3:10: steps.values: empty: an axis needs at least one value"},
		{"no values", "scenario: base.yaml\naxes:\n  - path: steps\n", "sweep.yaml:3:11: steps: missing values: (a list) or range: {from, to, step}"},
		{"no path", "scenario: base.yaml\naxes:\n  - values: [1]\n", "sweep.yaml:3:5: axes[0]: missing path: (the scenario parameter to vary, e.g. population.groups.exploiter.share)"},
		{"unknown axis key", "scenario: base.yaml\naxes:\n  - path: steps\n    value: [1]\n", "sweep.yaml:4:5: axes[0].value: unknown key; allowed keys here: path, name, values, range, with"},
		{"bad path syntax", "scenario: base.yaml\naxes:\n  - path: population..share\n    values: [1]\n", "sweep.yaml:3:11: population..share: not a scenario path: keys and list items joined by dots, e.g. population.groups.exploiter.share"},
		{"repeated value", "scenario: base.yaml\naxes:\n  steps: [10, 20, 10.0]\n", "sweep.yaml:3:19: steps: value 10 repeats the value on line 3"},
		{"repeated axis", "scenario: base.yaml\naxes:\n  - {path: steps, values: [1]}\n  - {path: steps, values: [2]}\n", "sweep.yaml:4:12: steps: path repeated (first on line 3)"},
		{"nested axes", "scenario: base.yaml\naxes:\n  feedback: [{regime: own}]\n  feedback.regime: [own]\n", "sweep.yaml:4:3: feedback.regime: lies inside feedback (line 3): one would overwrite the other"},
		{"reserved name", "scenario: base.yaml\naxes:\n  - {path: steps, name: seed, values: [1]}\n", `sweep.yaml:3:12: steps: column name "seed" is reserved (cell, replication, seed, step, group, metric, n, mean, sd, ci_low, ci_high): give the axis another name:`},
		{"same name", "scenario: base.yaml\naxes:\n  - {path: steps, name: x, values: [1]}\n  - {path: agents, name: x, values: [1]}\n", `sweep.yaml:4:12: agents: column name "x" is used by the axis on line 3: give one a different name:`},
		{"range step zero", "scenario: base.yaml\naxes:\n  steps: {from: 0, to: 1, step: 0}\n", "sweep.yaml:3:33: steps.range.step: 0: must be nonzero and lead from 0 to 1"},
		{"range wrong direction", "scenario: base.yaml\naxes:\n  steps: {from: 0, to: 1, step: -0.1}\n", "sweep.yaml:3:33: steps.range.step: -0.1: must be nonzero and lead from 0 to 1"},
		{"range missing to", "scenario: base.yaml\naxes:\n  - path: steps\n    range: {from: 0, step: 1}\n", "sweep.yaml:4:12: steps.range: missing to: (a range is {from, to, step}, e.g. {from: 0, to: 0.5, step: 0.1})"},
		{"range not number", "scenario: base.yaml\naxes:\n  steps: {from: a, to: 1, step: 1}\n", `sweep.yaml:3:17: steps.range.from: "a": must be a number`},
		{"range too long", "scenario: base.yaml\naxes:\n  steps: {from: 0, to: 1, step: 0.000001}\n", "sweep.yaml:3:10: steps.range: 1000001 values: at most 100000"},
		{"no such item", "scenario: base.yaml\naxes:\n  population.groups.exploitr.share: [0.1]\n", `sweep.yaml:3:3: population.groups.exploitr.share: not in the base scenario ` + "DIR" + `/base.yaml: population.groups: no item named "exploitr" (items: cooperator, exploiter; or an index 0-1)`},
		{"with wrong length", "scenario: base.yaml\naxes:\n  - path: population.groups.exploiter.share\n    values: [0.1, 0.2]\n    with:\n      population.groups.cooperator.share: [0.9]\n",
			"sweep.yaml:6:7: population.groups.exploiter.share.with.population.groups.cooperator.share: 1 values, but the axis population.groups.exploiter.share has 2: value i of each goes with value i of the axis"},
		{"with repeats a path", "scenario: base.yaml\naxes:\n  - path: steps\n    values: [1, 2]\n    with: {steps: [3, 4]}\n",
			"sweep.yaml:5:12: steps: path repeated (first on line 3)"},
		{"several problems", "scenario: base.yaml\nseed: x\nreplications: 0\naxes:\n  - {path: steps}\n  - {values: [1]}\n",
			"sweep.yaml:2:7: seed: \"x\": must be a whole number in [0, 18446744073709551615]\n" +
				"sweep.yaml:3:15: replications: 0: must be a whole number in [1, 100000]\n" +
				"sweep.yaml:5:12: steps: missing values: (a list) or range: {from, to, step}\n" +
				"sweep.yaml:6:5: axes[1]: missing path: (the scenario parameter to vary, e.g. population.groups.exploiter.share)"},
		{"inside a scalar", "scenario: base.yaml\naxes:\n  steps.max: [1]\n", `sweep.yaml:3:3: steps.max: not in the base scenario DIR/base.yaml: steps: cannot address "max" inside the value "20"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeSweep(t, baseList, tt.sweep)
			_, err := Load(p)
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			got := strings.ReplaceAll(err.Error(), filepath.Dir(p), "DIR")
			got = strings.ReplaceAll(got, "DIR/sweep.yaml", "sweep.yaml")
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("error\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestPathsMappingAndList(t *testing.T) {
	const baseMap = `steps: 20
population:
  groups:
    cooperator: {share: 0.8}
    exploiter: {share: 0.2}
`
	tests := []struct {
		name, base, path, want string
	}{
		{"mapping", baseMap, "population.groups.exploiter.share", "exploiter: {share: 0.5}"},
		{"list by name", baseList, "population.groups.exploiter.share", "share: 0.5"},
		{"list by index", baseList, "population.groups.1.share", "share: 0.5"},
		{"new optional key", baseList, "feedback.omega", "omega: 0.5"},
		{"new optional section", baseMap, "feedback.omega", "feedback:\n  omega: 0.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sw := mustLoad(t, tt.base, "scenario: base.yaml\naxes:\n  "+tt.path+": [0.5]\n")
			spec, err := sw.Spec()
			if err != nil {
				t.Fatal(err)
			}
			s, err := sw.CellScenario(spec.Cell(0))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(s.YAML), tt.want) {
				t.Errorf("scenario does not contain %q:\n%s", tt.want, s.YAML)
			}
			if strings.Count(string(s.YAML), "0.5") != 1 {
				t.Errorf("value substituted more than once:\n%s", s.YAML)
			}
		})
	}
}

func TestCheckWithRunner(t *testing.T) {
	tests := []struct {
		name, base, sweep, want string
	}{
		{"ok", baseList, "scenario: base.yaml\naxes:\n  feedback.regime: [own, full]\n  feedback.omega: [0.2, 1]\n", ""},
		{"unknown key", baseList, "scenario: base.yaml\naxes:\n  feedback.regim: [own, full]\n",
			`sweep.yaml:3:3: feedback.regim: not in the base scenario DIR/base.yaml, and the scenario format does not accept it: unknown key "regim" (allowed: regime, omega)`},
		{"unknown section", baseList, "scenario: base.yaml\naxes:\n  network.degree: [4, 8]\n",
			`sweep.yaml:3:3: network.degree: network is not in the base scenario DIR/base.yaml, and the scenario format does not accept it: unknown key "network" (allowed: steps, agents, population, feedback)`},
		{"wrong type", baseList, "scenario: base.yaml\naxes:\n  - path: steps\n    values: [10, twenty, 30]\n",
			`sweep.yaml:4:18: steps: value "twenty": steps: must be a whole number in [1, 1000], got "twenty"`},
		{"out of range", baseList, "scenario: base.yaml\naxes:\n  feedback.regime: [own, none]\n",
			`sweep.yaml:3:26: feedback.regime: value "none": regime: "none" is not one of own, full, social`},
		{"wrong type for a new key", baseList, "scenario: base.yaml\naxes:\n  feedback.omega: [0.5, lots]\n",
			`sweep.yaml:3:25: feedback.omega: value "lots": omega: must be a number in [0, 10], got "lots"`},
		{"mapping value", baseList, "scenario: base.yaml\naxes:\n  feedback:\n    - {regime: own}\n    - {regime: full, omega: x}\n",
			`sweep.yaml:5:29: feedback: value {"omega":"x","regime":"full"}: omega: must be a number in [0, 10], got "x"`},
		{"with: shares that sum to 1", baseList, "scenario: base.yaml\naxes:\n  - path: population.groups.exploiter.share\n    values: [0.2, 0.5]\n    with:\n      population.groups.cooperator.share: [0.8, 0.5]\n", ""},
		{"with: a wrong value", baseList, "scenario: base.yaml\naxes:\n  - path: population.groups.exploiter.share\n    values: [0.2, 0.5]\n    with:\n      population.groups.cooperator.share: [0.8, half]\n",
			`sweep.yaml:6:49: population.groups.cooperator.share: value "half": share: must be a number in [0, 1], got "half"`},
		{"bad base", "steps: 0\n", "scenario: base.yaml\naxes:\n  agents: [10]\n", "DIR/base.yaml:1:8: steps: 0 out of range [1, 1000]"},
		{"bad inline base", "", "base:\n  steps: 20\n  agents: many\naxes:\n  steps: [10]\n",
			`sweep.yaml:3:11: agents: must be a whole number in [1, 100000], got "many"`},
		{"bad cell", baseList, "scenario: base.yaml\naxes:\n  population.groups.exploiter.share: [0.2, 0.5]\n  population.groups.cooperator.share: [0.8, 0.5]\n",
			`sweep.yaml:3:3: cell population.groups.exploiter.share=0.2, population.groups.cooperator.share=0.5: population.groups: shares sum to 0.7, want 1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeSweep(t, tt.base, tt.sweep)
			sw, err := Load(p)
			if err != nil {
				t.Fatal(err)
			}
			err = sw.Check(&toyRunner{})
			got := ""
			if err != nil {
				got = strings.ReplaceAll(err.Error(), filepath.Dir(p), "DIR")
				got = strings.ReplaceAll(got, "DIR/sweep.yaml", "sweep.yaml")
			}
			if tt.want == "" && got != "" || !strings.HasPrefix(got, tt.want) {
				t.Errorf("error\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestLoadBounds: a huge sweep file or base scenario is refused from its
// size before it is read; a byte order mark is accepted.
func TestLoadBounds(t *testing.T) {
	dir := t.TempDir()
	sparse := func(name string, size int64) string {
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		f.Truncate(size)
		f.Close()
		return path
	}
	big := sparse("big.yaml", 1<<30)
	if _, err := Load(big); err == nil || !strings.Contains(err.Error(), "file of 1 GiB: a sweep file is at most 1 MiB") {
		t.Errorf("1 GB sweep file: %v", err)
	}
	sparse("huge-base.yaml", 100<<20)
	sw := filepath.Join(dir, "sweep.yaml")
	os.WriteFile(sw, []byte("scenario: huge-base.yaml\naxes:\n  seed: [1, 2]\n"), 0o644)
	if _, err := Load(sw); err == nil || !strings.Contains(err.Error(), "is a file of 100 MiB: a scenario file is at most 4 MiB") {
		t.Errorf("100 MB base scenario: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "base.yaml"), []byte("\xef\xbb\xbf"+baseList), 0o644)
	bom := filepath.Join(dir, "bom.yaml")
	os.WriteFile(bom, []byte("\xef\xbb\xbfscenario: base.yaml\naxes:\n  - path: feedback.regime\n    values: [own, full]\n"), 0o644)
	if _, err := Load(bom); err != nil {
		t.Errorf("byte order mark: %v", err)
	}
}

// NoFiles (a server's sweeps) refuses a base scenario file at its key,
// without reading it, and file: keys in the cells' scenarios at the line
// of the sweep file they come from.
func TestParseNoFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "base.yaml"), []byte("steps: 5\npopulation: {size: 10}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, "s.yaml")
	src := []byte("seed: 3\nscenario: base.yaml\n")
	if _, err := Parse(name, src); err != nil {
		t.Fatalf("without NoFiles: %v", err)
	}
	_, err := ParseWith(name, src, ParseOptions{NoFiles: true})
	if err == nil || !strings.Contains(err.Error(), name+":2:1: scenario: "+NoFilesMessage) {
		t.Errorf("NoFiles: %v", err)
	}
	inline := []byte("base:\n  steps: 5\n  population: {size: 50}\n  network: {kind: edge-list, file: edges.csv}\naxes:\n  steps: [5, 6]\n")
	sw, err := ParseWith(name, inline, ParseOptions{NoFiles: true})
	if err != nil {
		t.Fatal(err)
	}
	err = sw.Check(CellRunner{NoFiles: true})
	if err == nil || !strings.Contains(err.Error(), ":4:") || !strings.Contains(err.Error(), "files are not allowed here") {
		t.Errorf("a file: key in the base: %v", err)
	}
}
