package jobrun_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/jobrun"
)

const smallSweep = `name: tiny
seed: 5
replications: 2
base:
  steps: 8
  population: {size: 60, trait: 0.5, trustworthiness: 0.8}
  network: {kind: k-out, k: 3}
  situation: {game: binary, gain: 1, loss: 1}
axes:
  situation.loss: [0.5, 2]
  feedback: [own, full]
`

// Check refuses bad sweeps with the sweep file's line and field, files on
// the server, and sweeps over the runs limit; it predicts the largest run.
func TestSweepCheck(t *testing.T) {
	z, err := jobrun.Sweep{Workers: 2}.Check([]byte(smallSweep))
	if err != nil {
		t.Fatal(err)
	}
	if z.Agents != 60 || z.Steps != 8 || z.MemoryBytes <= 0 || z.DiskBytes <= 0 {
		t.Errorf("size %+v", z)
	}
	for _, tc := range []struct {
		name, src, field string
		line             int
		code             string
	}{
		{"bad value", strings.Replace(smallSweep, "[own, full]", "[own, loud]", 1), "feedback", 11, trustlab.EINVALID},
		{"unknown key", strings.Replace(smallSweep, "seed: 5", "sede: 5", 1), "sede", 2, trustlab.EINVALID},
		{"a base file", "scenario: ../examples/trust-trap.yaml\n", "scenario", 1, trustlab.EINVALID},
		{"too many runs", strings.Replace(smallSweep, "replications: 2", "replications: 2501", 1), "axes", 0, trustlab.ELIMIT},
	} {
		_, err := jobrun.Sweep{}.Check([]byte(tc.src))
		if trustlab.ErrorCode(err) != tc.code {
			t.Errorf("%s: %v (code %q), want %s", tc.name, err, trustlab.ErrorCode(err), tc.code)
			continue
		}
		if tc.code != trustlab.EINVALID {
			continue
		}
		fe := trustlab.FieldErrors(err)
		if len(fe) == 0 || fe[0].Line != tc.line || fe[0].File != jobrun.SweepName || !strings.HasPrefix(fe[0].Field, tc.field) {
			t.Errorf("%s: fields %+v, want %s at line %d", tc.name, fe, tc.field, tc.line)
		}
	}
}

// Run writes the sweep's tables, plots and report and returns its
// manifest; its outputs depend on the sweep file only (not on the number
// of runs at once).
func TestSweepRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 4 small simulations twice, with their plots")
	}
	summaries := map[int]string{}
	// Two cells of two replications, each run twice: with one worker and
	// with three.
	src := strings.Replace(smallSweep, "  situation.loss: [0.5, 2]\n", "", 1)
	for _, workers := range []int{1, 3} {
		out := filepath.Join(t.TempDir(), "out")
		var last [2]int
		b, err := jobrun.Sweep{Version: "test", Workers: workers}.Run(context.Background(), []byte(src), out, func(d, n int) { last = [2]int{d, n} })
		if err != nil {
			t.Fatal(err)
		}
		var m jobrun.SweepManifest
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		if m.Name != "tiny" || m.Cells != 2 || m.Runs != 4 || len(m.Axes) != 1 || strings.Join(m.Axes[0].Values, ",") != "own,full" || last != [2]int{4, 4} {
			t.Errorf("manifest %+v, progress %v", m, last)
		}
		for _, f := range []string{"summary.csv", "runs.csv", "index.html", "sweep.json", "manifest.json"} {
			if _, err := os.Stat(filepath.Join(out, f)); err != nil {
				t.Error(err)
			}
		}
		if svgs, _ := filepath.Glob(filepath.Join(out, "plots", "*.svg")); len(svgs) == 0 {
			t.Error("no plots")
		}
		s, err := os.ReadFile(filepath.Join(out, "summary.csv"))
		if err != nil {
			t.Fatal(err)
		}
		summaries[workers] = string(s)
	}
	if summaries[1] != summaries[3] {
		t.Errorf("summary.csv depends on the workers:\n%s\n%s", summaries[1], summaries[3])
	}
}

// No sweep file makes Check fail with anything but bad input or a limit.
func FuzzSweepCheck(f *testing.F) {
	for _, s := range []string{smallSweep, "scenario: x.yaml\n", "base: {steps: 1}\naxes: {steps: {from: 1, to: 3, step: 1}}\n", "", "base: [1]\n", "base:\n  network: {kind: edge-list, file: e.csv}\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		_, err := jobrun.Sweep{Workers: 1}.Check([]byte(src))
		if code := trustlab.ErrorCode(err); err != nil && code != trustlab.EINVALID && code != trustlab.ELIMIT {
			t.Fatalf("%q: %v (code %s)", src, err, code)
		}
	})
}
