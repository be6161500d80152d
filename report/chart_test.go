package report

import (
	"bytes"
	"encoding/xml"
	"html"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"gonum.org/v1/plot/vg"
)

// svgText returns the concatenated text content of an SVG document, failing
// the test if it is not well-formed XML.
func svgText(t *testing.T, svg []byte) string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var sb strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		if cd, ok := tok.(xml.CharData); ok {
			sb.Write(cd)
			sb.WriteByte('\n')
		}
	}
	return sb.String()
}

func TestSave(t *testing.T) {
	charts := sampleCharts()
	tests := []struct {
		name string
		want []string // text that must appear in the SVG: labels, legend entries
	}{
		{"line", []string{"Mean trust over time", "Round", "Trust (share sent, 0–1)", "Reciprocal", "Random partner", "Baseline"}},
		{"line-points", []string{"Noise σ", "Final trust (0–1)"}},
		{"empty", []string{"Nothing yet", "Round", "Trust", "No data"}},
		{"scatter", []string{"Parameter recovery: β", "True β", "Estimated β", "N = 200 rounds", "N = 50 rounds", "y = x"}},
		{"heatmap", []string{"Betrayal aversion α", "Network degree k", "Cooperation (share)", "0.9"}},
		{"heatmap-div", []string{"Δ trust", "0.25", "-0.4"}},
		{"bars", []string{"Model comparison", "ΔAIC (vs best)", "Pyramid", "Fixed", "Study 1", "Study 2"}},
		{"bars-neg", []string{"Anonymous", "Δ amount sent (points)"}},
		{"hist", []string{"Count", "Students", "Online panel"}},
		{"hist1", []string{"Density", "β"}},
	}
	if len(tests) != len(charts) {
		t.Fatalf("%d test cases for %d sample charts", len(tests), len(charts))
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, err := Save(dir, tt.name, charts[tt.name], SaveOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{tt.name + ".svg", tt.name + ".png"}; !slices.Equal(files, want) {
				t.Fatalf("files = %q, want %q", files, want)
			}
			for _, f := range files {
				fi, err := os.Stat(filepath.Join(dir, f))
				if err != nil || fi.Size() == 0 {
					t.Fatalf("%s: %v, size %d", f, err, fi.Size())
				}
			}
			png, _ := os.ReadFile(filepath.Join(dir, files[1]))
			if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
				t.Errorf("%s is not a PNG", files[1])
			}
			svg, _ := os.ReadFile(filepath.Join(dir, files[0]))
			text := svgText(t, svg)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("SVG text lacks %q", w)
				}
			}
			if !bytes.Contains(svg, []byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;")) {
				t.Errorf("SVG lacks the font fallbacks")
			}
		})
	}
}

// TestLegendOnlyForSeveralSeries checks that a single series gets no
// legend and unnamed series are left out of it.
func TestLegendOnlyForSeveralSeries(t *testing.T) {
	one := LineChart{Series: []Series{{Name: "lonely", X: []float64{0, 1}, Y: []float64{0, 1}}}}
	two := LineChart{Series: []Series{{Name: "first", X: []float64{0, 1}, Y: []float64{0, 1}}, {X: []float64{0, 1}, Y: []float64{1, 0}}}}
	for _, tt := range []struct {
		c        Chart
		has, not []string
	}{
		{one, nil, []string{"lonely"}},
		{two, []string{"first"}, nil},
	} {
		var buf bytes.Buffer
		if err := Render(&buf, "svg", tt.c, SaveOptions{}); err != nil {
			t.Fatal(err)
		}
		text := svgText(t, buf.Bytes())
		for _, s := range tt.has {
			if !strings.Contains(text, s) {
				t.Errorf("legend lacks %q", s)
			}
		}
		for _, s := range tt.not {
			if strings.Contains(text, s) {
				t.Errorf("unexpected legend entry %q", s)
			}
		}
	}
}

func TestRenderDeterministic(t *testing.T) {
	for name, c := range sampleCharts() {
		for _, format := range []string{"svg", "png"} {
			var a, b bytes.Buffer
			if err := Render(&a, format, c, SaveOptions{}); err != nil {
				t.Fatal(err)
			}
			if err := Render(&b, format, sampleCharts()[name], SaveOptions{}); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Errorf("%s.%s: two renderings differ", name, format)
			}
		}
	}
}

// TestRenderConcurrent renders charts in parallel (run with -race).
func TestRenderConcurrent(t *testing.T) {
	var want bytes.Buffer
	c := sampleCharts()["line"]
	if err := Render(&want, "svg", c, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			var got bytes.Buffer
			if err := Render(&got, "svg", c, SaveOptions{}); err != nil {
				t.Error(err)
			} else if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Error("concurrent rendering differs")
			}
		})
	}
	wg.Wait()
}

func TestSaveOptions(t *testing.T) {
	c := LineChart{Series: []Series{{X: []float64{0, 1}, Y: []float64{0, 1}}}}
	var buf bytes.Buffer
	if err := Render(&buf, "svg", c, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	// 13 cm × 8.5 cm = 368.5 pt × 240.94 pt.
	if !bytes.Contains(buf.Bytes(), []byte(`width="368.5pt" height="240.94pt"`)) {
		t.Errorf("default SVG size wrong: %s", buf.Bytes()[:200])
	}
	buf.Reset()
	if err := Render(&buf, "png", c, SaveOptions{Width: 2 * vg.Inch, Height: vg.Inch, DPI: 100}); err != nil {
		t.Fatal(err)
	}
	png := buf.Bytes() // IHDR: width and height, big-endian, at bytes 16–23
	if w, h := be32(png[16:20]), be32(png[20:24]); w != 200 || h != 100 {
		t.Errorf("PNG is %d×%d pixels, want 200×100", w, h)
	}
	buf.Reset()
	if err := Render(&buf, "png", c, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if w, h := be32(buf.Bytes()[16:20]), be32(buf.Bytes()[20:24]); w != 983 || h != 643 {
		t.Errorf("default PNG is %d×%d pixels, want 983×643", w, h)
	}
}

func be32(b []byte) int { return int(b[0])<<24 | int(b[1])<<16 | int(b[2])<<8 | int(b[3]) }

func TestChartErrors(t *testing.T) {
	xy := []float64{0, 1, 2}
	tests := []struct {
		name string
		c    Chart
		want string
	}{
		{"line X/Y lengths", LineChart{Title: "T", Series: []Series{{Name: "s", X: xy, Y: xy[:2]}}}, `line chart "T": series 1 ("s"): len(X) = 3 but len(Y) = 2`},
		{"line Lo without Hi", LineChart{Series: []Series{{X: xy, Y: xy, Lo: xy}}}, "only one of Lo"},
		{"line band length", LineChart{Series: []Series{{X: xy, Y: xy, Lo: xy[:1], Hi: xy[:1]}}}, "must equal len(X) = 3"},
		{"line YMin >= YMax", LineChart{YMin: new(1.0), YMax: new(1.0)}, "YMin = 1 must be less than YMax = 1"},
		{"line YMin NaN", LineChart{YMin: new(math.NaN())}, "not finite"},
		{"scatter lengths", ScatterChart{Groups: []Series{{}, {Name: "g", X: xy}}}, `group 2 ("g"): len(X) = 3 but len(Y) = 0`},
		{"heatmap empty", Heatmap{}, "no cells"},
		{"heatmap rows", Heatmap{X: xy, Y: xy, Z: [][]float64{xy, xy}}, "len(Z) = 2 rows but len(Y) = 3"},
		{"heatmap ragged", Heatmap{X: xy, Y: xy[:2], Z: [][]float64{xy, xy[:2]}}, "Z is not rectangular: len(Z[1]) = 2"},
		{"heatmap X order", Heatmap{X: []float64{0, 0}, Y: xy[:1], Z: [][]float64{{1, 2}}}, "X must be strictly increasing"},
		{"heatmap Y NaN", Heatmap{X: xy[:1], Y: []float64{math.NaN()}, Z: [][]float64{{1}}}, "Y[0] = NaN is not finite"},
		{"heatmap Z range", Heatmap{X: xy[:1], Y: xy[:1], Z: [][]float64{{1}}, ZMin: new(2.0), ZMax: new(1.0)}, "ZMin = 2 must be less than ZMax = 1"},
		{"bars length", BarChart{Categories: []string{"a"}, Groups: []Bars{{Name: "g", Values: xy}}}, `group 1 ("g"): len(Values) = 3 but there are 1 categories`},
		{"bars interval", BarChart{Categories: []string{"a"}, Groups: []Bars{{Values: xy[:1], Hi: xy[:1]}}}, "only one of Lo"},
		{"histogram bins", Histogram{Bins: -1}, "Bins = -1"},
		{"nil chart", nil, "nil chart"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, format := range []string{"svg", "png"} {
				var buf bytes.Buffer
				err := Render(&buf, format, tt.c, SaveOptions{})
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("%s: err = %v, want one containing %q", format, err, tt.want)
				}
				if buf.Len() != 0 {
					t.Errorf("%s: wrote %d bytes despite the error", format, buf.Len())
				}
			}
		})
	}
}

func TestRenderOptionErrors(t *testing.T) {
	c := LineChart{}
	tests := []struct {
		name   string
		format string
		opt    SaveOptions
		want   string
	}{
		{"format", "pdf", SaveOptions{}, `format "pdf"`},
		{"negative width", "svg", SaveOptions{Width: -1}, "must be positive"},
		{"negative DPI", "png", SaveOptions{DPI: -3}, "DPI -3"},
		{"too many pixels", "png", SaveOptions{Width: 100 * vg.Inch, DPI: 300}, "at most 20000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Render(io.Discard, tt.format, c, tt.opt)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
	for _, name := range []string{"", ".", "..", "a/b", `a\b`, "/abs"} {
		if _, err := Save(t.TempDir(), name, c, SaveOptions{}); err == nil {
			t.Errorf("Save with name %q: no error", name)
		}
	}
	if _, err := Save(filepath.Join(t.TempDir(), "missing"), "x", c, SaveOptions{}); err == nil {
		t.Errorf("Save into a missing directory: no error")
	}
}

// TestTinyFigure checks that a figure too small for its text still draws.
func TestTinyFigure(t *testing.T) {
	for name, c := range sampleCharts() {
		for _, format := range []string{"svg", "png"} {
			if err := Render(io.Discard, format, c, SaveOptions{Width: vg.Points(1), Height: vg.Points(1)}); err != nil {
				t.Errorf("%s.%s: %v", name, format, err)
			}
		}
	}
}

// TestEdgeCases draws degenerate but valid charts: they must render.
func TestEdgeCases(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name string
		c    Chart
	}{
		{"line no series", LineChart{}},
		{"line empty series", LineChart{Series: []Series{{Name: "a"}, {Name: "b"}}}},
		{"line all NaN", LineChart{Series: []Series{{X: []float64{nan, 1}, Y: []float64{1, nan}, Lo: []float64{nan, nan}, Hi: []float64{nan, nan}}}}},
		{"line single point", LineChart{Series: []Series{{X: []float64{1}, Y: []float64{2}}}}},
		{"line infinities", LineChart{Series: []Series{{X: []float64{0, 1, 2, inf}, Y: []float64{-inf, 1, 2, 3}}}}},
		{"line constant", LineChart{Series: []Series{{X: []float64{1, 1}, Y: []float64{2, 2}}}}},
		{"line YMin above data", LineChart{YMin: new(10.0), Series: []Series{{X: []float64{0, 1}, Y: []float64{0, 1}}}}},
		{"line YMax below data", LineChart{YMax: new(-10.0), Series: []Series{{X: []float64{0, 1}, Y: []float64{0, 1}}}}},
		{"line huge values", LineChart{Series: []Series{{X: []float64{-1e308, 1e308}, Y: []float64{1e-300, 1e300}}}}},
		{"line tiny range", LineChart{Series: []Series{{X: []float64{1, 1 + 1e-15}, Y: []float64{5, 5 + 1e-14}}}}},
		{"line many series", LineChart{Series: manySeries(20)}},
		{"scatter empty", ScatterChart{Diagonal: true}},
		{"scatter one point diagonal", ScatterChart{Diagonal: true, Groups: []Series{{X: []float64{1}, Y: []float64{1}}}}},
		{"scatter many groups", ScatterChart{Groups: manySeries(20)}},
		{"heatmap 1×1", Heatmap{X: []float64{3}, Y: []float64{4}, Z: [][]float64{{5}}}},
		{"heatmap all NaN", Heatmap{X: []float64{1, 2}, Y: []float64{1}, Z: [][]float64{{nan, inf}}}},
		{"heatmap constant diverging", Heatmap{X: []float64{1, 2}, Y: []float64{1}, Z: [][]float64{{0, 0}}, Diverging: true}},
		{"heatmap beyond fixed range", Heatmap{X: []float64{1, 2}, Y: []float64{1}, Z: [][]float64{{-5, 5}}, ZMin: new(10.0)}},
		{"heatmap big grid", bigHeatmap(60, 40)},
		{"bars none", BarChart{}},
		{"bars NaN", BarChart{Categories: []string{"a", "b"}, Groups: []Bars{{Values: []float64{nan, 1}, Lo: []float64{0, nan}, Hi: []float64{1, nan}}}}},
		{"histogram empty", Histogram{Samples: []Sample{{Name: "a"}, {Name: "b", Values: []float64{nan}}}}},
		{"histogram constant", Histogram{Samples: []Sample{{Values: []float64{2, 2, 2}}}, Density: true}},
		{"histogram many bins", Histogram{Bins: maxBins, Samples: []Sample{{Values: []float64{0, 1}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, format := range []string{"svg", "png"} {
				var buf bytes.Buffer
				if err := Render(&buf, format, tt.c, SaveOptions{Width: 8 * vg.Centimeter, Height: 5 * vg.Centimeter, DPI: 72}); err != nil {
					t.Fatalf("%s: %v", format, err)
				}
				if format == "svg" {
					svgText(t, buf.Bytes())
				}
			}
		})
	}
}

func manySeries(n int) []Series {
	ss := make([]Series, n)
	for i := range ss {
		ss[i] = Series{Name: "s" + string(rune('A'+i)), X: []float64{0, 1, 2}, Y: []float64{float64(i), float64(i) + 1, float64(i)}}
	}
	return ss
}

func bigHeatmap(nx, ny int) Heatmap {
	h := Heatmap{X: make([]float64, nx), Y: make([]float64, ny), Z: make([][]float64, ny)}
	for i := range h.X {
		h.X[i] = float64(i) / 10
	}
	for j := range h.Y {
		h.Y[j] = float64(j)
		h.Z[j] = make([]float64, nx)
		for i := range h.Z[j] {
			h.Z[j][i] = math.Sin(float64(i)/7) * math.Cos(float64(j)/5)
		}
	}
	return h
}

func TestPrettyTicks(t *testing.T) {
	tests := []struct {
		lo, hi float64
		want   []string
	}{
		{0, 1, []string{"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"}},
		{0, 59, []string{"0", "10", "20", "30", "40", "50"}},
		{0, 130, []string{"0", "25", "50", "75", "100", "125"}},
		{-0.4, 0.4, []string{"-0.4", "-0.2", "0.0", "0.2", "0.4"}},
		{0.03, 0.97, []string{"0.2", "0.4", "0.6", "0.8"}},
		{0, 1.2, []string{"0.00", "0.25", "0.50", "0.75", "1.00"}},
		{1e6, 5e6, []string{"1e+06", "2e+06", "3e+06", "4e+06", "5e+06"}},
		{1, 1, nil},
		{0, math.Inf(1), nil},
	}
	for _, tt := range tests {
		var got []string
		for _, tk := range (prettyTicks{}).Ticks(tt.lo, tt.hi) {
			got = append(got, tk.Label)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Ticks(%v, %v) = %q, want %q", tt.lo, tt.hi, got, tt.want)
		}
	}
}

func TestSeriesValidate(t *testing.T) {
	tests := []struct {
		s  Series
		ok bool
	}{
		{Series{}, true},
		{Series{X: []float64{1}, Y: []float64{2}}, true},
		{Series{X: []float64{1}, Y: []float64{2}, Lo: []float64{1}, Hi: []float64{3}}, true},
		{Series{X: []float64{1}}, false},
		{Series{X: []float64{1}, Y: []float64{2}, Lo: []float64{1}}, false},
		{Series{X: []float64{1}, Y: []float64{2}, Lo: []float64{1, 2}, Hi: []float64{3, 4}}, false},
	}
	for i, tt := range tests {
		if err := tt.s.Validate(); (err == nil) != tt.ok {
			t.Errorf("case %d: Validate() = %v, want ok = %v", i, err, tt.ok)
		}
	}
}

// FuzzLineChart checks that any values, including NaN, ±Inf and extremes,
// either draw or give an error, never a panic or an invalid SVG.
func FuzzLineChart(f *testing.F) {
	f.Add(0.0, 1.0, 2.0, 0.5, -1.0, 3.0, false)
	f.Add(math.NaN(), math.Inf(1), 1e308, -1e308, 5e-324, 0.0, true)
	f.Fuzz(func(t *testing.T, x0, x1, x2, y0, y1, y2 float64, band bool) {
		s := Series{Name: "f", X: []float64{x0, x1, x2}, Y: []float64{y0, y1, y2}}
		if band {
			s.Lo, s.Hi = []float64{y1, y2, y0}, []float64{x2, x0, x1}
		}
		for _, c := range []Chart{
			LineChart{Series: []Series{s, s}},
			ScatterChart{Groups: []Series{s}, Diagonal: true},
			Histogram{Samples: []Sample{{Values: append(s.X, s.Y...)}}},
			Heatmap{X: []float64{0, 1, 2}, Y: []float64{0}, Z: [][]float64{s.Y}},
		} {
			var buf bytes.Buffer
			if err := Render(&buf, "svg", c, SaveOptions{}); err != nil {
				t.Fatalf("%T: %v", c, err)
			}
			svgText(t, buf.Bytes())
		}
	})
}

// TestSVGEscapesText checks that user strings cannot inject markup.
func TestSVGEscapesText(t *testing.T) {
	evil := `<script>alert("x")</script>&`
	c := LineChart{Title: evil, XLabel: evil, Series: []Series{{Name: evil, X: []float64{0, 1}, Y: []float64{0, 1}}, {Name: "b"}}}
	var buf bytes.Buffer
	if err := Render(&buf, "svg", c, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte("<script")) {
		t.Error("unescaped markup in SVG")
	}
	if !strings.Contains(svgText(t, buf.Bytes()), evil) {
		t.Errorf("title %q not in SVG text", html.EscapeString(evil))
	}
}
