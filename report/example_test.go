package report_test

import (
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/trustlab/trustlab/report"
)

// A line chart with a 95 % band, saved as SVG and PNG.
func ExampleSave() {
	dir, err := os.MkdirTemp("", "report-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	var rounds, trust, lo, hi []float64
	for r := range 50 {
		m := 0.8 - 0.5*math.Exp(-float64(r)/10)
		rounds, trust = append(rounds, float64(r)), append(trust, m)
		lo, hi = append(lo, m-0.05), append(hi, m+0.05)
	}
	trust[25] = math.NaN() // a missing round: a gap in the line
	chart := report.LineChart{
		Title:  "Mean trust per round",
		XLabel: "Round",
		YLabel: "Trust (share sent, 0–1)",
		YMin:   new(0.0),
		YMax:   new(1.0),
		Series: []report.Series{
			{Name: "Reciprocal partners", X: rounds, Y: trust, Lo: lo, Hi: hi},
			{Name: "Baseline", X: []float64{0, 49}, Y: []float64{0.4, 0.4}},
		},
	}
	files, err := report.Save(dir, "trust", chart, report.SaveOptions{})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range files {
		fi, err := os.Stat(filepath.Join(dir, f))
		fmt.Println(f, err == nil && fi.Size() > 0)
	}
	// Output:
	// trust.svg true
	// trust.png true
}

// Invalid input is an error naming the chart and the series.
func ExampleRender_error() {
	chart := report.ScatterChart{
		Title:  "Recovery",
		Groups: []report.Series{{Name: "alpha", X: []float64{0.1, 0.2}, Y: []float64{0.1}}},
	}
	err := report.Render(os.Stdout, "svg", chart, report.SaveOptions{})
	fmt.Println(err)
	// Output:
	// report: scatter chart "Recovery": group 1 ("alpha"): len(X) = 2 but len(Y) = 1
}

// A report page with one figure and one table.
func ExampleWriteHTML() {
	page := report.Page{
		Title: "Parameter recovery",
		Intro: "Estimates from 100 simulated subjects.",
		Sections: []report.Section{{
			Heading: "Alpha",
			Figures: []report.Figure{report.NewFigure([]string{"alpha.svg", "alpha.png"},
				"True versus estimated alpha; the dashed line is y = x.",
				"Scatter plot: estimates lie close to the diagonal.")},
			Tables: []report.Table{{
				Caption: "Recovery of alpha",
				Header:  []string{"Statistic", "Value"},
				Rows:    [][]string{{"Correlation", "0.94"}, {"Bias", "-0.01"}},
			}},
		}},
		Manifest: map[string]any{"seed": 7},
	}
	var sb strings.Builder
	if err := report.WriteHTML(&sb, page); err != nil {
		log.Fatal(err)
	}
	for line := range strings.Lines(sb.String()) {
		if strings.HasPrefix(line, "<img") || strings.HasPrefix(line, "<caption") || strings.HasPrefix(line, "<tr>") {
			fmt.Print(line)
		}
	}
	// Output:
	// <img src="alpha.svg" alt="Scatter plot: estimates lie close to the diagonal." loading="lazy">
	// <caption><span class="label">Table 1.</span> Recovery of alpha</caption>
	// <tr><td>Correlation</td><td class="num">0.94</td></tr>
	// <tr><td>Bias</td><td class="num">-0.01</td></tr>
}
