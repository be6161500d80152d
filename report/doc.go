// Package report draws the figures and writes the HTML reports of
// trustlab run, fit, recover and sweep.
//
// # Figures
//
// A Chart is a figure description, plain data that draws itself:
//
//   - LineChart: lines over X (e.g. trust per round), each Series with an
//     optional Lo–Hi interval drawn as a translucent band under the line;
//   - ScatterChart: points per group, optional vertical intervals, and an
//     optional y = x Diagonal for true-versus-estimated parameter plots;
//   - Heatmap: a grid of values (e.g. a two-parameter sweep) with a colour
//     bar, viridis or, with Diverging, blue–white–red around zero;
//   - BarChart: bars per category and group, optional error bars;
//   - Histogram: one or more samples over shared bins, counts or density.
//
// Save writes a chart as name.svg and name.png; Render writes one format to
// an io.Writer. SaveOptions' zero value gives a 16 × 10 cm figure and a
// 192 DPI PNG (1209 × 756 pixels).
//
// Non-finite values (NaN, ±Inf) are missing data: gaps in lines, absent
// points and bars, crossed-out grey heat-map cells. A chart without any
// data draws its axes and "No data". Inconsistent input (slices of
// different lengths, a ragged heat-map grid, a reversed fixed range)
// returns an error naming the chart and the series; the package never
// panics on input.
//
// All charts share one look, meant to be familiar to ggplot2 users: sans
// serif text (Liberation Sans, with Arial/Helvetica fallbacks in SVG),
// light grid lines, about five round-valued ticks per axis, series
// coloured with the colour-blind-safe Okabe–Ito palette (see Color; line
// styles and marker shapes change after eight series), and a legend to
// the right of the data area (below it for long names), never over the
// data, whenever a chart has two or more named series. Label axes with the quantity and its unit,
// e.g. "Trust (share sent, 0–1)".
//
// SVG output is deterministic: the same chart and options give the same
// bytes (PNG output too, in practice). SVG files do not embed fonts.
//
// # Reports
//
// WriteHTML writes a Page — title, introduction, sections of text, figures
// and tables, data-file links and a JSON manifest — as one self-contained
// HTML file: inline CSS, no scripts, no network access. It is accessible
// (language attribute, alt text required for every figure, figure and
// table captions, header cells with scope, keyboard-scrollable wide tables,
// text contrast above 7:1) and responsive (images shrink to the page
// width). All strings are escaped; figures are referenced by path, so the
// page and the files from Save go in the same directory:
//
//	files, err := report.Save(dir, "trust", chart, report.SaveOptions{})
//	...
//	page.Sections[0].Figures = append(page.Sections[0].Figures,
//		report.NewFigure(files, "Mean trust per round; bands are 95% intervals.",
//			"Line chart: trust rises from 0.3 to 0.8 within 30 rounds."))
//	err = report.WriteHTML(w, page)
//
// Charts and pages hold no state, and rendering is safe for concurrent use.
package report
