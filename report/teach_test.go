package report

import (
	"bytes"
	"math"
	"regexp"
	"strconv"
	"testing"
)

// render draws c as SVG at the default size.
func render(t *testing.T, c Chart) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, "svg", c, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var (
	strokeRe = regexp.MustCompile(`style="fill:none;stroke:#([0-9A-F]{6});stroke-width:1\.6(?:;stroke-dasharray:([0-9.,]+))?"`)
	fillRe   = regexp.MustCompile(`style="fill:#([0-9A-F]{6})(?:;fill-opacity:([0-9.]+))?"`)
)

// TestOverlappingSeriesStayVisible: series with the same values (a
// distrust share of 0 under an honour share of 0) differ by their dashes
// and carry markers, so that the one drawn first shows through the gaps
// of the one drawn over it.
func TestOverlappingSeriesStayVisible(t *testing.T) {
	x := make([]float64, 60)
	y := make([]float64, 60)
	for i := range x {
		x[i] = float64(i)
	}
	c := LineChart{Title: "t", XLabel: "step", YLabel: "share", Series: []Series{
		{Name: "trust", X: x, Y: y}, {Name: "distrust", X: x, Y: y}, {Name: "honoured", X: x, Y: y}, {Name: "control", X: x, Y: y},
	}}
	svg := render(t, c)
	dash := map[string]string{}
	for _, m := range strokeRe.FindAllSubmatch(svg, -1) {
		dash[string(m[1])] = string(m[2])
	}
	seen := map[string]string{}
	for i := range c.Series {
		col := hex(Color(i).R, Color(i).G, Color(i).B)
		d, ok := dash[col]
		if !ok {
			t.Fatalf("series %d (#%s) has no line in the SVG", i, col)
		}
		if j, dup := seen[d]; dup {
			t.Errorf("series %d and %s have the same dashes %q: the later hides the earlier", i, j, d)
		}
		seen[d] = strconv.Itoa(i)
	}
	marks := map[string]int{}
	for _, m := range fillRe.FindAllSubmatch(svg, -1) {
		marks[string(m[1])]++
	}
	for i := range c.Series {
		col := hex(Color(i).R, Color(i).G, Color(i).B)
		if n := marks[col]; n < 5 {
			t.Errorf("series %d (#%s) has %d markers, want some (at least 5, with the legend's)", i, col, n)
		}
	}
}

func hex(r, g, b uint8) string {
	const d = "0123456789ABCDEF"
	return string([]byte{d[r>>4], d[r&15], d[g>>4], d[g&15], d[b>>4], d[b&15]})
}

// TestScatterAlphaForManyPoints: a cloud of thousands of points is drawn
// translucent, so that its density shows; a few points stay nearly opaque.
func TestScatterAlphaForManyPoints(t *testing.T) {
	for _, tc := range []struct {
		n        int
		min, max float64
	}{{20, 0.8, 0.9}, {4000, 0.1, 0.3}} {
		g := Series{X: make([]float64, tc.n), Y: make([]float64, tc.n)}
		for i := range g.X {
			g.X[i], g.Y[i] = float64(i%97)/97, float64(i%89)/89
		}
		svg := render(t, ScatterChart{Title: "t", XLabel: "x", YLabel: "y", Groups: []Series{g}})
		// The points are the only translucent fills of the chart.
		alphas := map[float64]int{}
		for _, m := range fillRe.FindAllSubmatch(svg, -1) {
			if len(m[2]) > 0 {
				a, _ := strconv.ParseFloat(string(m[2]), 64)
				alphas[a]++
			}
		}
		if len(alphas) == 0 {
			t.Fatalf("n %d: no points found", tc.n)
		}
		for a := range alphas {
			if a < tc.min || a > tc.max {
				t.Errorf("n %d: point opacity %v, want in [%v, %v]", tc.n, a, tc.min, tc.max)
			}
		}
	}
}

// TestTextReadableOnPhone: where a phone shows a figure 340 px wide, its
// smallest text is at least 10 px (the figure's width is its viewBox's).
func TestTextReadableOnPhone(t *testing.T) {
	vb := regexp.MustCompile(`viewBox="0 0 ([0-9.]+) `)
	fs := regexp.MustCompile(`font-size:([0-9.]+)px`)
	for name, c := range sampleCharts() {
		svg := render(t, c)
		m := vb.FindSubmatch(svg)
		if m == nil {
			t.Fatalf("%s: no viewBox", name)
		}
		w, _ := strconv.ParseFloat(string(m[1]), 64)
		smallest := math.Inf(1)
		for _, f := range fs.FindAllSubmatch(svg, -1) {
			v, _ := strconv.ParseFloat(string(f[1]), 64)
			smallest = math.Min(smallest, v)
		}
		if px := smallest * 340 / w; px < 10 {
			t.Errorf("%s: smallest text %.3g of %.4g wide is %.1f px at 340 px, want at least 10", name, smallest, w, px)
		}
	}
}
