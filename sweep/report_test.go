package sweep

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFinishWritesReport(t *testing.T) {
	_, dir := toySweep(t)
	_, files, err := Finish([]string{dir}, dir, FinishOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// 3 tables; 2 metrics x (3 axis plots + 3 heat maps) x 2 formats; index.
	if len(files) != 3+2*6*2+1 {
		t.Errorf("%d files written: %q", len(files), files)
	}
	html, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Sweep: toy", "12 cells (2 values of population.groups.exploiter.share × 3 values of feedback.regime × 2 values of steps), 3 replications each: 36 runs",
		`src="plots/final_trust-by-population_groups_exploiter_share.svg"`,
		`src="plots/final_trust-by-feedback_regime.svg"`,
		`src="plots/welfare-population_groups_exploiter_share-x-feedback_regime.svg"`,
		`href="runs.csv"`, `href="summary.csv"`, `href="sweep.json"`,
	} {
		if !strings.Contains(string(html), want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	for _, f := range files {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	// Merging into a separate directory copies sweep.json and no cells.
	out := filepath.Join(t.TempDir(), "merged")
	if _, _, err := Finish([]string{dir}, out, FinishOptions{NoPlots: true, Report: ReportOptions{}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, SpecFile)); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(out, CellsDir)); !os.IsNotExist(err) {
		t.Errorf("empty cells directory left in the merge output: %v", err)
	}
}
