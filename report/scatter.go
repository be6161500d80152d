package report

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ScatterChart draws each group as points, one colour and marker shape per
// group, with its Lo–Hi intervals (if any) as vertical bars. Points with a
// non-finite X or Y are left out. A legend is shown to the right when there
// are two or more groups; unnamed groups are left out of it.
type ScatterChart struct {
	Title, XLabel, YLabel string
	Groups                []Series
	// Diagonal draws the dashed reference line y = x and gives both axes
	// the same range, for true-versus-estimated (parameter recovery) plots.
	Diagonal bool
}

// Draw implements Chart.
func (sc ScatterChart) Draw(c draw.Canvas) error {
	const kind = "scatter chart"
	if err := validateSeries(kind, sc.Title, "group", sc.Groups); err != nil {
		return err
	}
	p := newPlot(sc.Title, sc.XLabel, sc.YLabel)
	addGrid(p, true, true)
	lo, hi := math.Inf(1), math.Inf(-1) // range of all finite values, for Diagonal
	grow := func(vs ...float64) {
		for _, v := range vs {
			if finite(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	type layer struct {
		pts plotter.XYs
		bar *segments
	}
	layers := make([]layer, len(sc.Groups))
	empty := true
	for i, g := range sc.Groups {
		bar := &segments{line: intervalStyle(i)}
		for j := range g.X {
			if !finite(g.X[j], g.Y[j]) {
				continue
			}
			layers[i].pts = append(layers[i].pts, plotter.XY{X: g.X[j], Y: g.Y[j]})
			grow(g.X[j], g.Y[j])
			if g.hasBand() && finite(g.Lo[j], g.Hi[j]) {
				bar.x = append(bar.x, g.X[j])
				bar.y0 = append(bar.y0, g.Lo[j])
				bar.y1 = append(bar.y1, g.Hi[j])
				grow(g.Lo[j], g.Hi[j])
			}
		}
		if len(bar.x) > 0 {
			layers[i].bar = bar
		}
		if len(layers[i].pts) > 0 {
			empty = false
		}
	}
	diag := sc.Diagonal && lo <= hi
	if diag {
		if lo == hi {
			lo, hi = lo-0.5, hi+0.5
		}
		p.Add(&polyline{x: []float64{lo, hi}, y: []float64{lo, hi},
			line: draw.LineStyle{Color: refColor, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}}})
	}
	// All interval bars first, then all points on top.
	for _, l := range layers {
		if l.bar != nil {
			p.Add(l.bar)
		}
	}
	var entries []entry
	n := 0
	for _, l := range layers {
		n += len(l.pts)
	}
	alpha := pointAlpha(n)
	for i, g := range sc.Groups {
		gs := draw.GlyphStyle{Color: withAlpha(Color(i), alpha), Radius: vg.Points(2.6), Shape: markerFor(i)}
		if len(layers[i].pts) > 0 {
			s, err := plotter.NewScatter(layers[i].pts)
			if err != nil {
				return fmt.Errorf("report: %s %q: group %d (%q): %w", kind, sc.Title, i+1, g.Name, err)
			}
			s.GlyphStyle = gs
			p.Add(s)
		}
		if len(sc.Groups) >= 2 && g.Name != "" {
			var th plot.Thumbnailer = lineThumb{glyph: &gs}
			if g.hasBand() {
				th = pointRangeThumb{glyph: gs, line: intervalStyle(i)}
			}
			entries = append(entries, entry{g.Name, []plot.Thumbnailer{th}})
		}
	}
	if diag {
		p.X.Min, p.X.Max = lo, hi
		p.Y.Min, p.Y.Max = lo, hi
		if len(entries) > 0 {
			entries = append(entries, entry{"y = x", []plot.Thumbnailer{lineThumb{line: draw.LineStyle{
				Color: refColor, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}}}}})
		}
	}
	da := drawFrame(c, p, entries)
	if empty {
		noData(da)
	}
	return nil
}

// pointAlpha is the opacity of the points of a scatter chart of n points:
// 0.85 up to 100 points, then falling as 1/√n (so that a dense cloud shows
// its density instead of a solid blot) to at least 0.15.
func pointAlpha(n int) float64 {
	if n <= 100 {
		return 0.85
	}
	return math.Max(0.15, 0.85*math.Sqrt(100/float64(n)))
}

// intervalStyle is the line style of the interval bars of group i.
func intervalStyle(i int) draw.LineStyle {
	return draw.LineStyle{Color: withAlpha(Color(i), 0.55), Width: vg.Points(1)}
}

// pointRangeThumb is a legend thumbnail: a marker on a vertical bar.
type pointRangeThumb struct {
	glyph draw.GlyphStyle
	line  draw.LineStyle
}

// Thumbnail implements plot.Thumbnailer.
func (t pointRangeThumb) Thumbnail(c *draw.Canvas) {
	ctr := c.Center()
	c.StrokeLine2(t.line, ctr.X, c.Min.Y, ctr.X, c.Max.Y)
	c.DrawGlyph(t.glyph, ctr)
}
