package fitrun_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/trustlab/trustlab/fit"
	"github.com/trustlab/trustlab/fitrun"
	"github.com/trustlab/trustlab/internal/testfs"
)

// Posterior draws under the weak prior: samples.parquet holds draws x
// free parameters rows per subject (long format), intervals.csv one row
// per subject and parameter with median inside the 95% interval, the
// report shows the intervals, and the draws are identical for 1 and 2
// workers. Under maximum likelihood there are none, and the report says
// why.
func TestRunPosteriorSamples(t *testing.T) {
	data := manySubjects(t, 3)
	var files [][]byte
	for _, workers := range []int{1, 2} {
		out := t.TempDir()
		o := fast()
		o.Prior, o.Samples, o.Workers, o.NoPlots = new(fit.PriorWeak), 40, workers, workers == 2 || testing.Short() // plots: slow under -race
		res, err := fitrun.Run(context.Background(), data, testSpec, out, o)
		if err != nil {
			t.Fatal(err)
		}
		if res.Manifest.Samples != 40 || !strings.Contains(strings.Join(res.Manifest.Outputs, " "), "samples.parquet intervals.csv") {
			t.Errorf("manifest: samples %d, outputs %v", res.Manifest.Samples, res.Manifest.Outputs)
		}
		b, err := os.ReadFile(filepath.Join(out, "samples.parquet"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, b)
		ivs := testfs.ReadCSV(t, filepath.Join(out, "intervals.csv"))
		col := map[string]int{}
		for i, h := range ivs[0] {
			col[h] = i
		}
		params := (len(ivs) - 1) / 3
		if len(ivs)-1 != 3*params || params < 4 {
			t.Fatalf("intervals.csv: %d rows for 3 subjects", len(ivs)-1)
		}
		for _, r := range ivs[1:] {
			lo, _ := strconv.ParseFloat(r[col["q025"]], 64)
			med, _ := strconv.ParseFloat(r[col["median"]], 64)
			hi, _ := strconv.ParseFloat(r[col["q975"]], 64)
			if !(lo <= med && med <= hi && lo < hi) || r[col["draws"]] != "40" {
				t.Errorf("interval row %v", r)
			}
		}
		rows, err := parquet.Read[struct {
			Subject string  `parquet:"subject"`
			Model   string  `parquet:"model"`
			Draw    int64   `parquet:"draw"`
			Param   string  `parquet:"param"`
			Value   float64 `parquet:"value"`
		}](bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3*40*params || rows[0].Subject != "s1" || rows[0].Model != "full" || rows[0].Draw != 1 || rows[len(rows)-1].Draw != 40 {
			t.Errorf("samples.parquet: %d rows (want %d), first %+v", len(rows), 3*40*params, rows[0])
		}
		if workers == 1 && !testing.Short() {
			page, _ := os.ReadFile(filepath.Join(out, "index.html"))
			if !strings.Contains(string(page), "Posterior uncertainty") || !strings.Contains(string(page), "interval_tau.svg") {
				t.Error("the report shows no intervals")
			}
		}
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Error("samples.parquet differs between 1 and 2 workers")
	}

	if testing.Short() {
		return
	}
	res, out := runReported(t, data, testSpec)
	if _, err := os.Stat(filepath.Join(out, "samples.parquet")); !os.IsNotExist(err) || res.Manifest.Samples != 0 {
		t.Errorf("samples under maximum likelihood: %v", err)
	}
	page, _ := os.ReadFile(filepath.Join(out, "index.html"))
	if !strings.Contains(string(page), "maximum likelihood (--prior none) has no posterior") {
		t.Error("the report does not say why there are no draws")
	}
}
