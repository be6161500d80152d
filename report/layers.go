package report

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// segments is a plot.Plotter drawing vertical line segments from (X, Y0)
// to (X, Y1): interval bars in scatter and bar charts.
type segments struct {
	x, y0, y1 []float64
	line      draw.LineStyle
	cap       vg.Length // half-width of the end caps; 0 for none
}

// Plot implements plot.Plotter.
func (s *segments) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for i := range s.x {
		x, y0, y1 := trX(s.x[i]), trY(s.y0[i]), trY(s.y1[i])
		c.StrokeLines(s.line, c.ClipLinesXY([]vg.Point{{X: x, Y: y0}, {X: x, Y: y1}})...)
		if s.cap > 0 {
			for _, y := range []vg.Length{y0, y1} {
				c.StrokeLines(s.line, c.ClipLinesXY([]vg.Point{{X: x - s.cap, Y: y}, {X: x + s.cap, Y: y}})...)
			}
		}
	}
}

// DataRange implements plot.DataRanger.
func (s *segments) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for i := range s.x {
		xmin, xmax = math.Min(xmin, s.x[i]), math.Max(xmax, s.x[i])
		ymin = math.Min(ymin, math.Min(s.y0[i], s.y1[i]))
		ymax = math.Max(ymax, math.Max(s.y0[i], s.y1[i]))
	}
	return xmin, xmax, ymin, ymax
}

// rect is an axis-aligned rectangle in data coordinates.
type rect struct{ x0, x1, y0, y1 float64 }

// rects is a plot.Plotter drawing filled rectangles (bars, histogram bins)
// with an optional outline.
type rects struct {
	r       []rect
	fill    color.Color
	outline draw.LineStyle
}

// Plot implements plot.Plotter.
func (rs *rects) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, r := range rs.r {
		x0, x1, y0, y1 := trX(r.x0), trX(r.x1), trY(r.y0), trY(r.y1)
		pts := []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}
		if rs.fill != nil {
			c.FillPolygon(rs.fill, c.ClipPolygonXY(pts))
		}
		if rs.outline.Width > 0 {
			c.StrokeLines(rs.outline, c.ClipLinesXY(append(pts, pts[0]))...)
		}
	}
}

// DataRange implements plot.DataRanger.
func (rs *rects) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for _, r := range rs.r {
		xmin, xmax = math.Min(xmin, math.Min(r.x0, r.x1)), math.Max(xmax, math.Max(r.x0, r.x1))
		ymin, ymax = math.Min(ymin, math.Min(r.y0, r.y1)), math.Max(ymax, math.Max(r.y0, r.y1))
	}
	return xmin, xmax, ymin, ymax
}

// polyline is a plot.Plotter drawing an open line through points in data
// coordinates (no data-range checks: callers pass finite points only).
type polyline struct {
	x, y []float64
	line draw.LineStyle
}

// Plot implements plot.Plotter.
func (pl *polyline) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	pts := make([]vg.Point, len(pl.x))
	for i := range pl.x {
		pts[i] = vg.Point{X: trX(pl.x[i]), Y: trY(pl.y[i])}
	}
	c.StrokeLines(pl.line, c.ClipLinesXY(pts)...)
}

// DataRange implements plot.DataRanger.
func (pl *polyline) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for i := range pl.x {
		xmin, xmax = math.Min(xmin, pl.x[i]), math.Max(xmax, pl.x[i])
		ymin, ymax = math.Min(ymin, pl.y[i]), math.Max(ymax, pl.y[i])
	}
	return xmin, xmax, ymin, ymax
}
