package sweep

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/trustlab/trustlab/internal/srcpos"
)

func FuzzParse(f *testing.F) {
	f.Add([]byte(sweepToy))
	f.Add([]byte(sweep2x3))
	f.Add([]byte("base: {steps: 3}\naxes:\n  - {path: steps, range: {from: 1, to: 3, step: 1}}\n"))
	f.Add([]byte("base: {a: &x {b: 1}, c: *x}\naxes: {a.b: [1, 2]}\n"))
	dir := f.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "base.yaml"), []byte(baseList), 0o644); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		sw, err := Parse(filepath.Join(dir, "sweep.yaml"), src)
		if err != nil {
			if _, ok := srcpos.As(err); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		spec, err := sw.Spec()
		if err != nil {
			return
		}
		if spec.NumCells() > 1000 {
			return
		}
		for i := 0; i < spec.NumCells(); i++ {
			if _, err := sw.CellScenario(spec.Cell(i)); err != nil {
				t.Fatalf("cell %d: %v", i, err)
			}
		}
		_ = sw.Check(&toyRunner{})
	})
}

func FuzzDecodeCell(f *testing.F) {
	sw, err := Parse("sweep.yaml", []byte("base: {steps: 3}\naxes: {steps: [1, 2]}\nkeep: [summary, series]\n"))
	if err != nil {
		f.Fatal(err)
	}
	spec, _ := sw.Spec()
	res := Result{Summary: []Metric{{"m", 1.5}}, Series: Series{Metrics: []string{"x"}, Rows: []Step{{1, "all", []float64{2}}}}}
	f.Add(encodeCell(spec.Hash, spec.Run(1), res, Keep{true, true}))
	f.Add([]byte("# end sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := decodeCell(data)
		if err != nil {
			return
		}
		for _, row := range c.result.Series.Rows {
			if len(row.Values) != len(c.result.Series.Metrics) {
				t.Fatalf("row of %d values for %d metrics", len(row.Values), len(c.result.Series.Metrics))
			}
		}
	})
}
