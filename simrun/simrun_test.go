package simrun

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/trustlab/trustlab/scenario"
	"github.com/trustlab/trustlab/sim"
)

// A run with plots writes the SVG and PNG figures and index.html.
func TestRunReport(t *testing.T) {
	sc, err := scenario.Parse([]byte("steps: 5\npopulation:\n  size: 500\n  groups:\n    - {name: a, share: 0.5}\n    - {name: b, share: 0.5, behaviour: betray}\nsituation: {control: {cost: 0.1}}\n"), "test.yaml", "")
	if err != nil {
		t.Fatal(err)
	}
	s, err := sim.New(sc, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := Run(context.Background(), s, dir, Options{Version: "test"}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"rates.svg", "rates.png", "calibration.svg", "calibration.png", "trait-payoff.svg", "payoff-by-group.png", IndexFile, ManifestFile} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	html, _ := os.ReadFile(filepath.Join(dir, IndexFile))
	if !bytes.Contains(html, []byte("rates.svg")) || !bytes.Contains(html, []byte("steps.csv")) {
		t.Errorf("index.html does not link the figures and data")
	}
}

// Predict's output size covers what a run writes, within a factor 3.
func TestPredictDisk(t *testing.T) {
	for _, yaml := range []string{
		"steps: 300\npopulation: {size: 2000, trait: {dist: uniform, min: 0.05, max: 0.25}}\nnetwork: {kind: k-out, k: 4}\n",
		"steps: 100\npopulation: {size: 500, groups: [{name: trusting, share: 0.5, trait: 0.8}, {name: exploiters, share: 0.5, behaviour: betray}]}\nnetwork: {kind: k-out, k: 4}\n",
	} {
		sc, err := scenario.Parse([]byte(yaml), "s.yaml", "")
		if err != nil {
			t.Fatal(err)
		}
		s, err := sim.New(sc, sim.Options{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if _, err := Run(context.Background(), s, dir, Options{}); err != nil {
			t.Fatal(err)
		}
		var total int64
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				info, _ := d.Info()
				total += info.Size()
			}
			return nil
		})
		z := sim.Predict(sc)
		if z.DiskBytes < total || z.DiskBytes > 3*total {
			t.Errorf("%s: predicted %d bytes of outputs, the run wrote %d", yaml, z.DiskBytes, total)
		}
	}
}
