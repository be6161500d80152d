package report

import (
	"math"
	"math/rand/v2"
	"os"
	"testing"
)

// sampleCharts returns one chart of every kind, with gaps, bands and several
// series, for visual checks and the determinism test.
func sampleCharts() map[string]Chart {
	r := rand.New(rand.NewPCG(1, 2))
	var t, trust, lo, hi, trust2, lo2, hi2 []float64
	for i := range 60 {
		x := float64(i)
		t = append(t, x)
		m := 0.8 - 0.5*math.Exp(-x/12)
		trust = append(trust, m)
		lo, hi = append(lo, m-0.08), append(hi, m+0.08)
		m2 := 0.5 + 0.1*math.Sin(x/6)
		trust2 = append(trust2, m2)
		lo2, hi2 = append(lo2, m2-0.05), append(hi2, m2+0.05)
	}
	trust[20], trust[21] = math.NaN(), math.NaN() // a gap
	trust2[40] = math.Inf(1)
	var tv, est, elo, ehi, tv2, est2 []float64
	for range 80 {
		x := r.Float64()
		e := x + 0.08*r.NormFloat64()
		tv, est = append(tv, x), append(est, e)
		elo, ehi = append(elo, e-0.1), append(ehi, e+0.1)
		x2 := r.Float64()
		tv2, est2 = append(tv2, x2), append(est2, x2+0.15*r.NormFloat64())
	}
	xs := []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}
	ys := []float64{2, 4, 6, 8, 10, 12}
	z := make([][]float64, len(ys))
	for iy, y := range ys {
		z[iy] = make([]float64, len(xs))
		for ix, x := range xs {
			z[iy][ix] = x * (1 - math.Exp(-y/10))
		}
	}
	z[2][3] = math.NaN()
	var a, b []float64
	for range 400 {
		a = append(a, 0.3+0.1*r.NormFloat64())
		b = append(b, 0.5+0.15*r.NormFloat64())
	}
	return map[string]Chart{
		"line": LineChart{
			Title:  "Mean trust over time",
			XLabel: "Round",
			YLabel: "Trust (share sent, 0–1)",
			YMin:   new(0.0), YMax: new(1.0),
			Series: []Series{
				{Name: "Reciprocal", X: t, Y: trust, Lo: lo, Hi: hi},
				{Name: "Random partner", X: t, Y: trust2, Lo: lo2, Hi: hi2},
				{Name: "Baseline", X: []float64{0, 59}, Y: []float64{0.4, 0.4}},
			},
		},
		"scatter": ScatterChart{
			Title:    "Parameter recovery: β",
			XLabel:   "True β",
			YLabel:   "Estimated β",
			Diagonal: true,
			Groups: []Series{
				{Name: "N = 200 rounds", X: tv, Y: est, Lo: elo, Hi: ehi},
				{Name: "N = 50 rounds", X: tv2, Y: est2},
			},
		},
		"heatmap": Heatmap{
			Title:  "Final cooperation rate",
			XLabel: "Betrayal aversion α",
			YLabel: "Network degree k",
			ZLabel: "Cooperation (share)",
			X:      xs, Y: ys, Z: z,
		},
		"bars": BarChart{
			Title:      "Model comparison",
			XLabel:     "Model",
			YLabel:     "ΔAIC (vs best)",
			Categories: []string{"Pyramid", "Reciprocity", "Fixed"},
			Groups: []Bars{
				{Name: "Study 1", Values: []float64{0, 12.5, 40}, Lo: []float64{0, 8, 31}, Hi: []float64{0, 17, 49}},
				{Name: "Study 2", Values: []float64{3, 0, 28}},
			},
		},
		"line-points": LineChart{
			Title:  "Sweep: trust by noise level",
			XLabel: "Noise σ",
			YLabel: "Final trust (0–1)",
			Points: true,
			Series: []Series{{Name: "only series", X: []float64{0, 0.05, 0.1, 0.2, 0.4}, Y: []float64{0.81, 0.77, math.NaN(), 0.52, 0.31}}},
		},
		"empty": LineChart{Title: "Nothing yet", XLabel: "Round", YLabel: "Trust"},
		"heatmap-div": Heatmap{
			Title:     "Change in trust vs baseline",
			XLabel:    "Reciprocity weight",
			YLabel:    "Memory (rounds)",
			ZLabel:    "Δ trust",
			X:         []float64{0, 0.25, 0.5, 0.75, 1},
			Y:         []float64{1, 2, 3},
			Z:         [][]float64{{-0.2, -0.1, 0, 0.1, 0.15}, {-0.1, 0, 0.05, 0.2, 0.3}, {0, 0.05, 0.1, math.Inf(1), 0.4}},
			Diverging: true,
		},
		"bars-neg": BarChart{
			Title:      "Effect of treatment",
			YLabel:     "Δ amount sent (points)",
			Categories: []string{"Anonymous", "Identified", "Repeated"},
			Groups:     []Bars{{Name: "effect", Values: []float64{-2.5, 1.5, 4}, Lo: []float64{-4, 0, 2}, Hi: []float64{-1, 3, 6}}},
		},
		"hist1": Histogram{Title: "Estimated β", XLabel: "β", Samples: []Sample{{Values: a}}, Density: true},
		"hist": Histogram{
			Title:   "Estimated α across subjects",
			XLabel:  "α",
			Samples: []Sample{{Name: "Students", Values: a}, {Name: "Online panel", Values: b}},
		},
	}
}

// TestRenderSamples writes the sample charts to $REPORT_SAMPLES (skipped
// when unset), for looking at them.
func TestRenderSamples(t *testing.T) {
	dir := os.Getenv("REPORT_SAMPLES")
	if dir == "" {
		t.Skip("set REPORT_SAMPLES=dir to write sample figures")
	}
	for name, c := range sampleCharts() {
		if _, err := Save(dir, name, c, SaveOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}
