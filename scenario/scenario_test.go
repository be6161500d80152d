package scenario

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustlab/trustlab/internal/srcpos"
	"github.com/trustlab/trustlab/model"
)

// parseError parses src, which must fail with an error containing want,
// and returns the error.
func parseError(t *testing.T, src, want string) error {
	t.Helper()
	_, err := Parse([]byte(src), "x.yaml", t.TempDir())
	if err == nil {
		t.Fatalf("no error, want %q", want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error\n  %v\nwant it to contain\n  %s", err, want)
	}
	return err
}

func TestParseDefaults(t *testing.T) {
	s, err := Parse([]byte("population: {size: 100}\n"), "min.yaml", "")
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "min" || s.Seed != 1 || s.Steps != 100 || s.Network.Kind != NetKOut || s.Network.K != 8 ||
		s.Partner.Choice != ChooseUniform || s.Situation.Game != model.Binary || s.Situation.Gain != 1 ||
		s.Situation.Loss != 1 || s.Feedback != model.FeedbackOwn || !s.Outputs.Agents || !s.Outputs.Plots {
		t.Errorf("defaults: %+v", s)
	}
	g := s.Population.Groups
	if len(g) != 1 || g[0].Name != "all" || g[0].Share != 1 || g[0].Trait.Kind != DistUniform ||
		g[0].Trait.Min != 0.05 || g[0].Trait.Max != 0.95 || g[0].Behaviour.Kind != Probabilistic {
		t.Errorf("default group: %+v", g)
	}
	if g[0].Model != model.Default() {
		t.Errorf("model = %+v, want defaults", g[0].Model)
	}
	if s.Hash() == "" || len(s.Hash()) != 64 {
		t.Errorf("hash %q", s.Hash())
	}
}

func TestParseFull(t *testing.T) {
	src := `
name: full
description: every section
seed: 42
steps: 50
population:
  size: 1000
  trait: 0.3
  groups:
    - {name: honest, share: 0.7, trustworthiness: {dist: beta, a: 8, b: 2}, params: {w_minus: 3}}
    - {name: cons, share: 0.2, behaviour: {kind: con-artist, honours: 5}}
    - {name: recip, share: 0.1, behaviour: {kind: reciprocal, slope: 0.4}, trait: {dist: normal, mean: 0.6, sd: 0.2}}
network: {kind: watts-strogatz, k: 6, rewire: 0.2}
partner: {choice: belief, beta: 4}
situation: {game: binary, gain: 2, loss: 3, control: {cost: 0.5, loss: 0.5}}
params: {gamma: 0.98, eta: 0.01}
feedback: {regime: social, weight: 0.25}
interventions:
  graduated_stakes: {start: 0.2}
  full_feedback: 5
  safe_start: 3
  reappraisal: {w_minus: 1.5}
outputs: {agents: false, plots: false}
`
	s, err := Parse([]byte(src), "full.yaml", "")
	if err != nil {
		t.Fatal(err)
	}
	g := s.Population.Groups
	if len(g) != 3 || g[0].Trait.Value != 0.3 || g[0].Trustworthiness.A != 8 || g[1].Behaviour.Honours != 5 ||
		g[1].Trustworthiness.Value != 0 || g[2].Behaviour.Slope != 0.4 || g[2].Trait.Kind != DistNormal {
		t.Errorf("groups: %+v", g)
	}
	// Reappraisal overrides every group's w_minus; group params merge over scenario params.
	if g[0].Model.WMinus != 1.5 || g[0].Model.Gamma != 0.98 || g[0].Model.Eta != 0.01 || g[0].Model.Omega != 0.25 {
		t.Errorf("group model %+v", g[0].Model)
	}
	if s.Situation.Control == nil || s.Situation.Control.Gain != 2 || s.Situation.Control.Cost != 0.5 {
		t.Errorf("control %+v", s.Situation.Control)
	}
	if s.Interventions.GraduatedStakes.Start != 0.2 || s.Interventions.GraduatedStakes.Grow != 2 ||
		s.Interventions.FullFeedback != 5 || s.Interventions.SafeStart != 3 {
		t.Errorf("interventions %+v", s.Interventions)
	}
	if s.Feedback != model.FeedbackSocial || s.Partner.Beta != 4 || s.Network.K != 6 || s.Outputs.Agents {
		t.Errorf("scenario %+v", s)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"unknown top key", "population: {size: 10}\nstep: 5\n", "x.yaml:2:1: step: unknown key; allowed keys here: name, description"},
		{"unknown nested key", "population:\n  size: 10\n  sizee: 3\n", "x.yaml:3:3: population.sizee: unknown key"},
		{"wrong type", "population: {size: ten}\n", `x.yaml:1:20: population.size: "ten": must be a whole number in [2, 2147483647]`},
		{"size range", "population: {size: 1}\n", "x.yaml:1:20: population.size: 1: must be a whole number in [2, 2147483647]"},
		{"negative steps", "steps: -3\npopulation: {size: 10}\n", "x.yaml:1:8: steps: -3: must be a whole number in [1, 1000000000]"},
		{"missing population", "steps: 3\n", "population: missing"},
		{"k >= n", "population: {size: 8}\nnetwork: {kind: k-out, k: 8}\n", "x.yaml:2:27: network.k: 8: must be a whole number in [1, 7] (1 to population.size - 1)"},
		{"shares", "population:\n  size: 10\n  groups:\n    - {name: a, share: 0.5}\n    - {name: b, share: 0.4}\n",
			"x.yaml:4:5: population.groups: shares 0.5 + 0.4 sum to 0.9: must sum to 1"},
		{"param range", "population: {size: 10}\nparams: {gamma: 1.5}\n", "x.yaml:2:17: params.gamma: 1.5: must be in (0, 1]"},
		{"group param range", "population:\n  size: 10\n  groups:\n    - {name: a, share: 1, params: {kappa: -1}}\n",
			"x.yaml:4:43: population.groups[0].params.kappa: -1: must be in [0, 50]"},
		{"dist kind", "population: {size: 10, trait: {dist: gauss}}\n", `x.yaml:1:38: population.trait.dist: "gauss": must be one of fixed, uniform, beta, normal, csv`},
		{"dist out of range", "population: {size: 10, trait: 1.5}\n", "x.yaml:1:31: population.trait: 1.5: must be in [0, 1]"},
		{"uniform order", "population: {size: 10, trait: {dist: uniform, min: 0.8, max: 0.2}}\n", "population.trait.max: 0.2: must be >= min = 0.8"},
		{"behaviour", "population: {size: 10, behaviour: liar}\n", `x.yaml:1:35: population.behaviour: "liar": must be one of probabilistic, honour, betray, reciprocal, con-artist`},
		{"trust for honour", "population: {size: 10, behaviour: honour, trustworthiness: 0.3}\n", "population.trustworthiness: does not apply to behaviour honour"},
		{"edge list missing", "population: {size: 10}\nnetwork: {kind: edge-list, file: nope.txt}\n", `x.yaml:2:34: network.file: "nope.txt": cannot read`},
		{"complete too big", "population: {size: 20000}\nnetwork: complete\n", "x.yaml:2:10: network: complete network with population.size = 20000: at most 10000"},
		{"game keys", "population: {size: 10}\nsituation: {game: investment, gain: 2}\n", "x.yaml:2:37: situation.gain: applies to game binary only"},
		{"feedback", "population: {size: 10}\nfeedback: gossip\n", `x.yaml:2:11: feedback: "gossip": must be one of own, full, social`},
		{"duplicate key", "population: {size: 10}\nseed: 1\nseed: 2\n", "x.yaml:3:1: seed: duplicate key (first on line 2)"},
		{"syntax", "population: {size: 10\n", "x.yaml:"},
		{"two documents", "population: {size: 10}\n---\nseed: 1\n", "one YAML document"},
		{"odd ws k", "population: {size: 10}\nnetwork: {kind: watts-strogatz, k: 3}\n", "network.k: 3: must be even"},
		{"stakes", "population: {size: 10}\ninterventions: {graduated_stakes: {start: 0}}\n", "interventions.graduated_stakes.start: 0: must be in (0, 1]"},
		{"size -100 blames only the size", "population: {size: -100}\nnetwork: {kind: k-out, k: 3}\n", "x.yaml:1:20: population.size: -100: must be a whole number in [2, 2147483647]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := parseError(t, tc.src, tc.want)
			if strings.HasPrefix(tc.name, "size -100") && strings.Contains(err.Error(), "network.k") {
				t.Errorf("an invalid size also blamed network.k:\n  %v", err)
			}
		})
	}
}

// TestNoFiles: ParseOptions.NoFiles refuses every file: key at its place,
// under unknown keys too, and reads no file.
func TestNoFiles(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"edge list", "population: {size: 10}\nnetwork: {kind: edge-list, file: /etc/passwd}\n",
			"x.yaml:2:28: network.file: " + NoFilesMessage},
		{"csv", "population: {size: 3, trait: {dist: csv, file: t.csv, column: score}}\n",
			"x.yaml:1:42: population.trait.file: " + NoFilesMessage},
		{"fitted", "population: {size: 3, behaviour: {kind: fitted, file: s.csv}}\nsituation: {game: investment}\n",
			"x.yaml:1:49: population.behaviour.file: " + NoFilesMessage},
		{"under an unknown key", "population: {size: 3}\nextra: [{file: x}]\n",
			"x.yaml:2:1: extra: unknown key; allowed keys here: name, description, seed, steps, population, network, partner, situation, params, feedback, interventions, betrayal_wave, outputs\n" +
				"x.yaml:2:10: extra[0].file: " + NoFilesMessage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseWith([]byte(tc.src), "x.yaml", t.TempDir(), ParseOptions{NoFiles: true})
			if err == nil || err.Error() != tc.want {
				t.Errorf("error\n  %v\nwant\n  %s", err, tc.want)
			}
			if _, ok := srcpos.As(err); !ok {
				t.Errorf("error %T is not positioned", err)
			}
		})
	}
}

// TestLoadBounds: a huge scenario file is refused from its size before it
// is read; a CSV distribution with a huge line fails at that line; a byte
// order mark is accepted.
func TestLoadBounds(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	f, _ := os.Create(big)
	f.Truncate(1 << 30) // 1 GB sparse file: reading it would take seconds and 1 GB
	f.Close()
	if _, err := Load(big); err == nil || !strings.Contains(err.Error(), "file of 1 GiB: a scenario file is at most 4 MiB") {
		t.Errorf("1 GB scenario: %v", err)
	}
	csvPath := filepath.Join(dir, "traits.csv")
	os.WriteFile(csvPath, []byte("trait\n0.5\n"+strings.Repeat("1", 2<<20)), 0o644)
	sc := filepath.Join(dir, "csv.yaml")
	os.WriteFile(sc, []byte("population: {size: 10, trait: {dist: csv, file: traits.csv, column: trait}}\n"), 0o644)
	if _, err := Load(sc); err == nil || !strings.Contains(err.Error(), "traits.csv:3:1: line longer than 1 MiB") {
		t.Errorf("CSV with a 2 MB line: %v", err)
	}
	bom := filepath.Join(dir, "bom.yaml")
	os.WriteFile(bom, []byte("\xef\xbb\xbfpopulation: {size: 10}\n"), 0o644)
	if _, err := Load(bom); err != nil {
		t.Errorf("scenario with a byte order mark: %v", err)
	}
}

func TestCSVDist(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "t.csv"), []byte("id,score\n1,0.2\n2,0.8\n3,0.5\n"), 0o644)
	s, err := Parse([]byte("population: {size: 3, trait: {dist: csv, file: t.csv, column: score}}\n"), "x.yaml", dir)
	if err != nil {
		t.Fatal(err)
	}
	d := s.Population.Groups[0].Trait
	if d.Rows != 3 || d.Values[1] != 0.8 || len(d.SHA256) != 64 {
		t.Errorf("csv dist %+v", d)
	}
	os.WriteFile(filepath.Join(dir, "bad.csv"), []byte("id,score\n1,0.2\n2,1.8\n"), 0o644)
	_, err = Parse([]byte("population: {size: 3, trait: {dist: csv, file: bad.csv, column: score}}\n"), "x.yaml", dir)
	if err == nil || !strings.Contains(err.Error(), "bad.csv:3:3: score: \"1.8\": must be a number in [0, 1]") {
		t.Errorf("bad csv error: %v", err)
	}
	_, err = Parse([]byte("population: {size: 3, trait: {dist: csv, file: t.csv, column: trait}}\n"), "x.yaml", dir)
	if err == nil || !strings.Contains(err.Error(), `has no column "trait" (columns: id, score)`) {
		t.Errorf("missing column error: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("population: {size: 100}\n"))
	f.Add([]byte("population:\n  size: 10\n  groups:\n    - {name: a, share: 0.5}\n    - {name: b, share: 0.5, behaviour: betray}\n"))
	f.Add([]byte("population: {size: 10}\nnetwork: {kind: barabasi-albert, m: 3}\nsituation: {game: investment}\n"))
	f.Add([]byte("population: {size: 10}\ninterventions: {graduated_stakes: null, reappraisal: null}\nfeedback: {regime: full}\n"))
	f.Add([]byte("a: &x {b: *x}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data, "f.yaml", t.TempDir())
		if err != nil {
			if s != nil {
				t.Fatal("scenario returned with an error")
			}
			if !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		if s.Population.Size < 2 || len(s.Population.Groups) == 0 || s.Steps < 1 {
			t.Fatalf("accepted invalid scenario %+v", s)
		}
		for _, g := range s.Population.Groups {
			if err := g.Model.Validate(); err != nil {
				t.Fatalf("group model invalid: %v", err)
			}
		}
		s.Hash()
	})
}
