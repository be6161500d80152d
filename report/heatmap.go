package report

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Heatmap draws a grid of values as coloured cells with a colour bar, e.g.
// a sweep over two parameters. With at most 12 X (or Y) values, every
// value is labelled on its axis. Cell (ix, iy) is centred on (X[ix], Y[iy])
// and has value Z[iy][ix]; cell edges lie halfway between neighbouring
// coordinates, so uneven (e.g. logarithmic) grids are drawn faithfully.
// X and Y must be finite and strictly increasing. Non-finite Z values are
// missing: light grey, crossed out.
type Heatmap struct {
	Title, XLabel, YLabel string
	// ZLabel labels the colour bar; give the quantity and its unit.
	ZLabel string
	X, Y   []float64
	Z      [][]float64 // Z[iy][ix]
	// ZMin and ZMax, if set, fix the colour range (to compare several
	// heat maps); values outside it get the colour of the nearest end.
	ZMin, ZMax *float64
	// Diverging uses a blue–white–red scale centred on zero (for
	// differences) instead of the sequential viridis scale.
	Diverging bool
}

// validate checks the grid shape and coordinates.
func (h Heatmap) validate() error {
	const kind = "heatmap"
	if len(h.X) == 0 || len(h.Y) == 0 {
		return fmt.Errorf("report: %s %q: no cells: len(X) = %d, len(Y) = %d", kind, h.Title, len(h.X), len(h.Y))
	}
	if len(h.Z) != len(h.Y) {
		return fmt.Errorf("report: %s %q: len(Z) = %d rows but len(Y) = %d", kind, h.Title, len(h.Z), len(h.Y))
	}
	for iy, row := range h.Z {
		if len(row) != len(h.X) {
			return fmt.Errorf("report: %s %q: Z is not rectangular: len(Z[%d]) = %d but len(X) = %d", kind, h.Title, iy, len(row), len(h.X))
		}
	}
	for _, ax := range []struct {
		name string
		v    []float64
	}{{"X", h.X}, {"Y", h.Y}} {
		for i, v := range ax.v {
			if !finite(v) {
				return fmt.Errorf("report: %s %q: %s[%d] = %v is not finite", kind, h.Title, ax.name, i, v)
			}
			if i > 0 && !(v > ax.v[i-1]) {
				return fmt.Errorf("report: %s %q: %s must be strictly increasing: %s[%d] = %v, %s[%d] = %v",
					kind, h.Title, ax.name, ax.name, i-1, ax.v[i-1], ax.name, i, v)
			}
		}
	}
	return rangeOpt(kind, h.Title, "Z", h.ZMin, h.ZMax)
}

// zRange returns the colour range: fixed bounds where set, otherwise the
// range of the finite values; never empty.
func (h Heatmap) zRange() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, row := range h.Z {
		for _, v := range row {
			if finite(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if lo > hi { // no finite value
		lo, hi = 0, 1
	}
	if h.Diverging {
		m := math.Max(math.Abs(lo), math.Abs(hi))
		lo, hi = -m, m
	}
	if h.ZMin != nil {
		lo = *h.ZMin
	}
	if h.ZMax != nil {
		hi = *h.ZMax
	}
	if lo >= hi { // constant data, or data entirely beyond one fixed bound
		d := math.Max(math.Abs(lo)*0.05, 0.5)
		switch {
		case h.ZMax != nil:
			lo = hi - d
		case h.ZMin != nil:
			hi = lo + d
		default:
			lo, hi = lo-d, lo+d
		}
	}
	return lo, hi
}

// edges returns the cell boundaries for cell centres v: halfway between
// neighbours, and half a neighbour distance beyond the outer centres (±0.5
// for a single centre).
func edges(v []float64) []float64 {
	e := make([]float64, len(v)+1)
	if len(v) == 1 {
		e[0], e[1] = v[0]-0.5, v[0]+0.5
		return e
	}
	for i := 1; i < len(v); i++ {
		e[i] = (v[i-1] + v[i]) / 2
	}
	e[0] = v[0] - (e[1] - v[0])
	e[len(v)] = v[len(v)-1] + (v[len(v)-1] - e[len(v)-1])
	return e
}

// cells is a plot.Plotter drawing the heat-map cells. Each cell is also
// stroked in its own colour, a hair wider than its edges, so that no
// anti-aliasing seams show between neighbouring cells.
type cells struct {
	xe, ye []float64   // cell edges
	z      [][]float64 // z[iy][ix]
	cm     *ramp
}

// Plot implements plot.Plotter.
func (cs *cells) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for iy, row := range cs.z {
		for ix, v := range row {
			var col color.Color = missingCol
			if finite(v) {
				col, _ = cs.cm.At(v)
			}
			x0, x1 := trX(cs.xe[ix]), trX(cs.xe[ix+1])
			y0, y1 := trY(cs.ye[iy]), trY(cs.ye[iy+1])
			pts := c.ClipPolygonXY([]vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
			if len(pts) < 3 {
				continue
			}
			c.FillPolygon(col, pts)
			c.StrokeLines(draw.LineStyle{Color: col, Width: vg.Points(0.4)}, append(pts, pts[0]))
			if !finite(v) { // cross out missing cells, as grey may resemble a data colour
				ls := draw.LineStyle{Color: refColor, Width: vg.Points(0.75)}
				c.StrokeLines(ls, c.ClipLinesXY([]vg.Point{{X: x0, Y: y0}, {X: x1, Y: y1}})...)
				c.StrokeLines(ls, c.ClipLinesXY([]vg.Point{{X: x0, Y: y1}, {X: x1, Y: y0}})...)
			}
		}
	}
}

// DataRange implements plot.DataRanger.
func (cs *cells) DataRange() (xmin, xmax, ymin, ymax float64) {
	return cs.xe[0], cs.xe[len(cs.xe)-1], cs.ye[0], cs.ye[len(cs.ye)-1]
}

// gridTicks labels every grid coordinate when there are at most 12 (a
// parameter sweep), and falls back to pretty ticks otherwise.
func gridTicks(v []float64) plot.Ticker {
	if len(v) > 12 {
		return prettyTicks{}
	}
	ts := make(plot.ConstantTicks, len(v))
	for i, x := range v {
		ts[i] = plot.Tick{Value: x, Label: strconv.FormatFloat(x, 'g', 4, 64)}
	}
	return ts
}

// Draw implements Chart.
func (h Heatmap) Draw(c draw.Canvas) error {
	if err := h.validate(); err != nil {
		return err
	}
	lo, hi := h.zRange()
	cm := newRamp(viridis, lo, hi)
	if h.Diverging {
		cm = newRamp(rdBu, lo, hi)
	}
	p := newPlot(h.Title, h.XLabel, h.YLabel)
	p.Add(&cells{xe: edges(h.X), ye: edges(h.Y), z: h.Z, cm: cm})
	p.X.Padding, p.Y.Padding = 0, 0
	p.X.Tick.Marker, p.Y.Tick.Marker = gridTicks(h.X), gridTicks(h.Y)

	// The colour bar is a second plot to the right of the first, its bar
	// exactly as high as the data area.
	cb := newPlot("", "", h.ZLabel)
	cb.HideX()
	cb.X.Padding, cb.Y.Padding = 0, 0
	cb.Add(&plotter.ColorBar{ColorMap: cm, Vertical: true, Colors: 256})
	barW := vg.Points(12)
	const gap, margin = 14, 4
	trial := cb.DataCanvas(c)
	axisW := (trial.Min.X - c.Min.X) + (c.Max.X - trial.Max.X)
	mc := c
	mc.Max.X -= axisW + barW + vg.Points(gap+margin)
	da := p.DataCanvas(mc)
	cc := c
	cc.Min.X = mc.Max.X + vg.Points(gap)
	cc.Max.X -= vg.Points(margin)
	cc.Min.Y, cc.Max.Y = da.Min.Y, da.Max.Y
	cda := cb.DataCanvas(cc)
	cc.Min.Y -= cda.Min.Y - da.Min.Y
	cc.Max.Y += da.Max.Y - cda.Max.Y
	p.Draw(mc)
	cb.Draw(cc)
	return nil
}

// Colour scale anchors: viridis (sequential, perceptually uniform,
// colour-blind-safe; van der Walt & Smith) and ColorBrewer RdBu (diverging,
// colour-blind-safe).
var (
	viridis = []color.RGBA{
		{0x44, 0x01, 0x54, 0xFF}, {0x47, 0x2D, 0x7B, 0xFF}, {0x3B, 0x52, 0x8B, 0xFF},
		{0x2C, 0x72, 0x8E, 0xFF}, {0x21, 0x90, 0x8C, 0xFF}, {0x27, 0xAD, 0x81, 0xFF},
		{0x5D, 0xC8, 0x63, 0xFF}, {0xAA, 0xDC, 0x32, 0xFF}, {0xFD, 0xE7, 0x25, 0xFF},
	}
	rdBu = []color.RGBA{
		{0x21, 0x66, 0xAC, 0xFF}, {0x43, 0x93, 0xC3, 0xFF}, {0x92, 0xC5, 0xDE, 0xFF},
		{0xD1, 0xE5, 0xF0, 0xFF}, {0xF7, 0xF7, 0xF7, 0xFF}, {0xFD, 0xDB, 0xC7, 0xFF},
		{0xF4, 0xA5, 0x82, 0xFF}, {0xD6, 0x60, 0x4D, 0xFF}, {0xB2, 0x18, 0x2B, 0xFF},
	}
)

// ramp is a palette.ColorMap interpolating linearly between evenly spaced
// anchor colours. Unlike gonum's maps it never fails: values outside
// [min, max] are clamped and NaN gives the first colour.
type ramp struct {
	anchors  []color.RGBA
	min, max float64
	alpha    float64
}

func newRamp(anchors []color.RGBA, min, max float64) *ramp {
	return &ramp{anchors: anchors, min: min, max: max, alpha: 1}
}

// At implements palette.ColorMap.
func (r *ramp) At(v float64) (color.Color, error) {
	t := 0.0
	if r.max > r.min && !math.IsNaN(v) {
		t = math.Min(1, math.Max(0, (v-r.min)/(r.max-r.min)))
	}
	f := t * float64(len(r.anchors)-1)
	i := min(int(f), len(r.anchors)-2)
	w := f - float64(i)
	a, b := r.anchors[i], r.anchors[i+1]
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*(1-w) + float64(y)*w)) }
	return color.NRGBA{R: mix(a.R, b.R), G: mix(a.G, b.G), B: mix(a.B, b.B), A: uint8(math.Round(255 * r.alpha))}, nil
}

// Max implements palette.ColorMap.
func (r *ramp) Max() float64 { return r.max }

// SetMax implements palette.ColorMap.
func (r *ramp) SetMax(v float64) { r.max = v }

// Min implements palette.ColorMap.
func (r *ramp) Min() float64 { return r.min }

// SetMin implements palette.ColorMap.
func (r *ramp) SetMin(v float64) { r.min = v }

// Alpha implements palette.ColorMap.
func (r *ramp) Alpha() float64 { return r.alpha }

// SetAlpha implements palette.ColorMap.
func (r *ramp) SetAlpha(a float64) { r.alpha = math.Min(1, math.Max(0, a)) }

// Palette implements palette.ColorMap: n colours evenly spaced over
// [min, max] (at least two).
func (r *ramp) Palette(n int) palette.Palette {
	n = max(n, 2)
	cs := make([]color.Color, n)
	for i := range cs {
		cs[i], _ = r.At(r.min + (r.max-r.min)*float64(i)/float64(n-1))
	}
	return colors(cs)
}

// colors implements palette.Palette.
type colors []color.Color

// Colors implements palette.Palette.
func (c colors) Colors() []color.Color { return c }
