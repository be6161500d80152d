package report

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Series is one named set of points. A non-finite value (NaN or ±Inf) in X
// or Y is a gap: the line is broken there and the point is not drawn.
// Lo and Hi optionally give an interval for each point (a confidence or
// prediction band in a LineChart, a vertical error bar in a ScatterChart);
// set both or neither. A non-finite Lo or Hi leaves out that point's
// interval.
type Series struct {
	Name   string
	X, Y   []float64
	Lo, Hi []float64
}

// Validate reports whether the slice lengths of s agree: len(X) == len(Y),
// and Lo and Hi are either both nil (or empty) or both of that length.
func (s Series) Validate() error {
	if len(s.X) != len(s.Y) {
		return fmt.Errorf("len(X) = %d but len(Y) = %d", len(s.X), len(s.Y))
	}
	if (len(s.Lo) == 0) != (len(s.Hi) == 0) {
		return fmt.Errorf("only one of Lo (len %d) and Hi (len %d) is set: set both or neither", len(s.Lo), len(s.Hi))
	}
	if len(s.Lo) != 0 && (len(s.Lo) != len(s.X) || len(s.Hi) != len(s.X)) {
		return fmt.Errorf("len(Lo) = %d and len(Hi) = %d must equal len(X) = %d", len(s.Lo), len(s.Hi), len(s.X))
	}
	return nil
}

// hasBand reports whether s has an interval.
func (s Series) hasBand() bool { return len(s.Lo) > 0 }

// validateSeries checks every series, naming the chart and the series.
func validateSeries(kind, title, what string, ss []Series) error {
	for i, s := range ss {
		if err := s.Validate(); err != nil {
			return fmt.Errorf("report: %s %q: %s %d (%q): %w", kind, title, what, i+1, s.Name, err)
		}
	}
	return nil
}

// finite reports whether all values are finite.
func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// runs returns the maximal index ranges [start, end) of 0..n-1 where ok holds.
func runs(n int, ok func(i int) bool) [][2]int {
	var out [][2]int
	start := -1
	for i := 0; i <= n; i++ {
		if i < n && ok(i) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, [2]int{start, i})
			start = -1
		}
	}
	return out
}

// rangeOpt checks an optional fixed axis range.
func rangeOpt(kind, title, axis string, lo, hi *float64) error {
	for _, v := range []*float64{lo, hi} {
		if v != nil && !finite(*v) {
			return fmt.Errorf("report: %s %q: %s range bound %v is not finite", kind, title, axis, *v)
		}
	}
	if lo != nil && hi != nil && !(*lo < *hi) {
		return fmt.Errorf("report: %s %q: %sMin = %v must be less than %sMax = %v", kind, title, axis, *lo, axis, *hi)
	}
	return nil
}

// applyRange sets fixed axis bounds after the data ranges are known.
func applyRange(a *plot.Axis, lo, hi *float64) {
	if lo != nil {
		a.Min = *lo
		if a.Max <= a.Min {
			a.Max = a.Min + 1
		}
	}
	if hi != nil {
		a.Max = *hi
		if a.Min >= a.Max {
			a.Min = a.Max - 1
		}
	}
}

// LineChart draws each series as a line, in the order of its points, with
// its interval (if any) as a translucent band underneath. Isolated points
// (finite neighbours on neither side) are drawn as dots. A legend is shown
// to the right when there are two or more series; series without a name
// are left out of it.
type LineChart struct {
	Title, XLabel, YLabel string
	Series                []Series
	// YMin and YMax, if set, fix the Y axis range (e.g. 0 and 1 for a
	// probability); otherwise it fits the data and bands.
	YMin, YMax *float64
	// Points marks every data point, useful for sweeps with few X values.
	// Without it, charts of two or more series still mark a few points of
	// each (about eight, staggered between the series, each series its own
	// shape), so that a series drawn under another one stays visible.
	Points bool
}

// sparseMarks is about how many points of each series are marked when
// Points is not set and there are two or more series.
const sparseMarks = 8

// Draw implements Chart.
func (lc LineChart) Draw(c draw.Canvas) error {
	const kind = "line chart"
	if err := validateSeries(kind, lc.Title, "series", lc.Series); err != nil {
		return err
	}
	if err := rangeOpt(kind, lc.Title, "Y", lc.YMin, lc.YMax); err != nil {
		return err
	}
	p := newPlot(lc.Title, lc.XLabel, lc.YLabel)
	addGrid(p, true, true)
	empty := true
	// Bands first, so that every line is drawn over every band.
	for i, s := range lc.Series {
		if !s.hasBand() {
			continue
		}
		for _, r := range runs(len(s.X), func(j int) bool { return finite(s.X[j], s.Lo[j], s.Hi[j]) }) {
			ring := make(plotter.XYs, 0, 2*(r[1]-r[0]))
			for j := r[0]; j < r[1]; j++ {
				ring = append(ring, plotter.XY{X: s.X[j], Y: s.Lo[j]})
			}
			for j := r[1] - 1; j >= r[0]; j-- {
				ring = append(ring, plotter.XY{X: s.X[j], Y: s.Hi[j]})
			}
			poly, err := plotter.NewPolygon(ring)
			if err != nil {
				return fmt.Errorf("report: %s %q: series %d (%q): band: %w", kind, lc.Title, i+1, s.Name, err)
			}
			poly.Color = withAlpha(Color(i), bandAlpha)
			poly.LineStyle = draw.LineStyle{}
			p.Add(poly)
			empty = false
		}
	}
	var entries []entry
	for i, s := range lc.Series {
		ls := draw.LineStyle{Color: Color(i), Width: vg.Points(lineWidth), Dashes: dashes(i)}
		gs := draw.GlyphStyle{Color: Color(i), Radius: vg.Points(markerRadius), Shape: markCircle}
		sparse := !lc.Points && len(lc.Series) >= 2
		if sparse || lc.Points && len(lc.Series) >= 2 {
			gs.Shape = markerFor(i)
		}
		every := max(1, len(s.X)/sparseMarks)
		offset := (i * every) / max(1, len(lc.Series))
		var dots plotter.XYs
		for _, r := range runs(len(s.X), func(j int) bool { return finite(s.X[j], s.Y[j]) }) {
			xys := make(plotter.XYs, 0, r[1]-r[0])
			for j := r[0]; j < r[1]; j++ {
				xys = append(xys, plotter.XY{X: s.X[j], Y: s.Y[j]})
			}
			empty = false
			if len(xys) == 1 || lc.Points {
				dots = append(dots, xys...)
			} else if sparse {
				for j := r[0]; j < r[1]; j++ {
					if (j-offset)%every == 0 {
						dots = append(dots, plotter.XY{X: s.X[j], Y: s.Y[j]})
					}
				}
			}
			if len(xys) < 2 {
				continue
			}
			l, err := plotter.NewLine(xys)
			if err != nil {
				return fmt.Errorf("report: %s %q: series %d (%q): %w", kind, lc.Title, i+1, s.Name, err)
			}
			l.LineStyle = ls
			p.Add(l)
		}
		if len(dots) > 0 {
			sc, err := plotter.NewScatter(dots)
			if err != nil {
				return fmt.Errorf("report: %s %q: series %d (%q): %w", kind, lc.Title, i+1, s.Name, err)
			}
			sc.GlyphStyle = gs
			p.Add(sc)
		}
		if len(lc.Series) >= 2 && s.Name != "" {
			th := lineThumb{line: ls}
			if s.hasBand() {
				th.band = withAlpha(Color(i), bandAlpha)
			}
			if lc.Points || sparse {
				th.glyph = &gs
			}
			entries = append(entries, entry{s.Name, []plot.Thumbnailer{th}})
		}
	}
	applyRange(&p.Y, lc.YMin, lc.YMax)
	da := drawFrame(c, p, entries)
	if empty {
		noData(da)
	}
	return nil
}

// bandAlpha is the opacity of interval bands.
const bandAlpha = 0.22

// noData writes "No data" in the middle of the data area.
func noData(da draw.Canvas) {
	sty := style(labelSize)
	sty.Color = axisColor
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	da.FillText(sty, da.Center(), "No data")
}
