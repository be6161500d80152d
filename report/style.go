package report

import (
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// okabeIto is the Okabe–Ito colour-blind-safe palette, ordered for line
// charts on a white background (yellow last: it has the least contrast).
var okabeIto = [...]color.RGBA{
	{0x00, 0x72, 0xB2, 0xFF}, // blue
	{0xD5, 0x5E, 0x00, 0xFF}, // vermillion
	{0x00, 0x9E, 0x73, 0xFF}, // bluish green
	{0xCC, 0x79, 0xA7, 0xFF}, // reddish purple
	{0xE6, 0x9F, 0x00, 0xFF}, // orange
	{0x56, 0xB4, 0xE9, 0xFF}, // sky blue
	{0x00, 0x00, 0x00, 0xFF}, // black
	{0xF0, 0xE4, 0x42, 0xFF}, // yellow
}

// Color returns the colour of series i (0-based) in every chart of this
// package: the eight Okabe–Ito colours, repeated for i ≥ 8 (line charts then
// switch to dashed and dotted lines, scatter charts to other marker shapes).
// Negative i are treated as 0.
func Color(i int) color.RGBA {
	if i < 0 {
		i = 0
	}
	return okabeIto[i%len(okabeIto)]
}

// withAlpha returns c with opacity a in [0, 1], as non-premultiplied colour.
func withAlpha(c color.RGBA, a float64) color.NRGBA {
	return color.NRGBA{R: c.R, G: c.G, B: c.B, A: uint8(math.Round(a * 255))}
}

// dashes returns the dash pattern for series i: solid, dashed, dotted and
// dash-dotted in turn, so that series drawn over each other (a share of 0
// under another share of 0) stay visible through the gaps of the later
// one; after eight series the cycle shifts by one, so that colour and dash
// together stay distinct.
func dashes(i int) []vg.Length {
	i = max(i, 0)
	switch (i + i/len(okabeIto)) % 4 {
	case 1:
		return []vg.Length{vg.Points(6), vg.Points(3)}
	case 2:
		return []vg.Length{vg.Points(1.5), vg.Points(2.5)}
	case 3:
		return []vg.Length{vg.Points(6), vg.Points(2.5), vg.Points(1.5), vg.Points(2.5)}
	}
	return nil
}

var (
	textColor  = color.Gray{Y: 0x1A}
	axisColor  = color.Gray{Y: 0x40}
	gridColor  = color.Gray{Y: 0xE6}
	refColor   = color.Gray{Y: 0x59} // reference lines such as y = x
	missingCol = color.Gray{Y: 0xD0} // heat-map cells without a value
)

// Font sizes, chosen for a 13 cm wide figure shown at 100 % on a desktop
// and at its phone width (about 340 px, 70 %) on a phone, where the
// smallest text is still 10 px.
const (
	titleSize  = 14
	labelSize  = 12
	tickSize   = 11
	legendSize = 11
	lineWidth  = 1.6
)

// sans is the font of all chart text: Liberation Sans, metric-compatible
// with Arial and Helvetica, which SVG viewers fall back to.
func sans(size float64) font.Font {
	return font.Font{Typeface: "Liberation", Variant: "Sans", Size: vg.Points(size)}
}

// style returns a left-aligned text style in sans at the given size.
func style(size float64) text.Style {
	return text.Style{Color: textColor, Font: sans(size), Handler: plot.DefaultTextHandler}
}

// restyle sets the font and colour of s, keeping its alignment and rotation.
func restyle(s *text.Style, size float64, c color.Color) {
	s.Font = sans(size)
	s.Color = c
}

// newPlot returns a plot with the package's theme: sans-serif fonts, light
// grey grid lines, dark grey axes with short ticks and "pretty" tick
// values, no legend (legends are drawn outside the data area by drawFrame).
func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.BackgroundColor = color.White
	p.Title.Text = title
	restyle(&p.Title.TextStyle, titleSize, textColor)
	p.Title.Padding = vg.Points(10)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		restyle(&a.Label.TextStyle, labelSize, textColor)
		a.Label.Padding = vg.Points(4)
		restyle(&a.Tick.Label, tickSize, axisColor)
		a.Color = axisColor
		a.Width = vg.Points(0.75)
		a.Tick.Color = axisColor
		a.Tick.LineStyle.Width = vg.Points(0.75)
		a.Tick.Length = vg.Points(4)
		a.Tick.Marker = prettyTicks{}
		a.Padding = vg.Points(4)
	}
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	return p
}

// prettyTicks is a plot.Ticker placing four to seven labelled ticks at round
// values (steps of 1, 2, 2.5 or 5 times a power of ten), labelled with no
// more decimals than the step needs — like R's pretty().
type prettyTicks struct{}

// Ticks implements plot.Ticker.
func (prettyTicks) Ticks(lo, hi float64) []plot.Tick {
	if !finite(lo, hi) || !(lo < hi) {
		return nil
	}
	// Among steps of 1, 2, 2.5, 5 and 10 times a power of ten near a fifth
	// of the range, take the one giving closest to five intervals.
	span := hi - lo
	mag := math.Pow(10, math.Floor(math.Log10(span/5)))
	step, mant, best := 0.0, 0.0, math.Inf(1)
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if d := math.Abs(span/(m*mag) - 5); d < best {
			step, mant, best = m*mag, m, d
		}
	}
	if !finite(step) || step <= 0 {
		return nil
	}
	e := int(math.Floor(math.Log10(step) + 1e-9))
	prec := max(0, -e)
	if mant == 2.5 && e <= 0 { // 2.5, 0.25, ... need one more decimal
		prec++
	}
	fmtc := byte('f')
	if math.Max(math.Abs(lo), math.Abs(hi)) >= 1e6 || step < 1e-4 {
		fmtc, prec = 'g', 4
	}
	var ticks []plot.Tick
	for k := math.Ceil(lo/step - 1e-9); k*step <= hi+step*1e-9; k++ {
		v := k * step
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, fmtc, prec, 64)})
		if len(ticks) > 50 { // cannot happen for finite lo < hi; a guard
			break
		}
	}
	return ticks
}

// addGrid adds light major grid lines (behind everything added later).
func addGrid(p *plot.Plot, vertical, horizontal bool) {
	g := plotter.NewGrid()
	ls := draw.LineStyle{Color: gridColor, Width: vg.Points(0.6)}
	g.Vertical, g.Horizontal = draw.LineStyle{}, draw.LineStyle{}
	if vertical {
		g.Vertical = ls
	}
	if horizontal {
		g.Horizontal = ls
	}
	p.Add(g)
}

// newLegend returns an empty legend in the package's style, meant to be
// drawn to the right of the data area.
func newLegend() *plot.Legend {
	l := plot.NewLegend()
	restyle(&l.TextStyle, legendSize, textColor)
	l.Top, l.Left = true, true
	l.ThumbnailWidth = vg.Points(22)
	l.Padding = vg.Points(3)
	return &l
}

// lineThumb is a legend thumbnail: a horizontal line, optionally over a
// translucent band and with a marker in the middle.
type lineThumb struct {
	line  draw.LineStyle
	band  color.Color // nil: no band
	glyph *draw.GlyphStyle
}

// Thumbnail implements plot.Thumbnailer.
func (t lineThumb) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	if t.band != nil {
		h := (c.Max.Y - c.Min.Y) * 0.35
		c.FillPolygon(t.band, []vg.Point{
			{X: c.Min.X, Y: y - h}, {X: c.Max.X, Y: y - h},
			{X: c.Max.X, Y: y + h}, {X: c.Min.X, Y: y + h},
		})
	}
	if t.line.Width > 0 {
		c.StrokeLine2(t.line, c.Min.X, y, c.Max.X, y)
	}
	if t.glyph != nil {
		c.DrawGlyph(*t.glyph, c.Center())
	}
}

// boxThumb is a legend thumbnail: a filled box with an optional outline.
type boxThumb struct {
	fill    color.Color
	outline draw.LineStyle
}

// Thumbnail implements plot.Thumbnailer.
func (t boxThumb) Thumbnail(c *draw.Canvas) {
	cy := c.Center().Y
	h := (c.Max.Y - c.Min.Y) * 0.42
	x0, x1 := c.Min.X+vg.Points(4), c.Max.X-vg.Points(4)
	pts := []vg.Point{{X: x0, Y: cy - h}, {X: x1, Y: cy - h}, {X: x1, Y: cy + h}, {X: x0, Y: cy + h}}
	if t.fill != nil {
		c.FillPolygon(t.fill, pts)
	}
	if t.outline.Width > 0 {
		c.StrokeLines(t.outline, append(pts, pts[0]))
	}
}

// marker is a scatter-plot marker shape drawn with a 1 pt outline for the
// open shapes (gonum's own open glyphs use 0.5 pt, too thin for print).
type marker int

const (
	markCircle marker = iota
	markTriangle
	markSquare
	markDiamond
	markOpenCircle
	markOpenTriangle
	markOpenSquare
	markCross
	numMarkers
)

// markerFor returns the marker of group i; shapes shift by one every eight
// groups so that colour and shape together stay distinct.
func markerFor(i int) marker {
	i = max(i, 0)
	return marker((i + i/len(okabeIto)) % int(numMarkers))
}

// DrawGlyph implements draw.GlyphDrawer.
func (m marker) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius
	var pts []vg.Point
	switch m % 4 {
	case markCircle:
		var p vg.Path
		p.Move(vg.Point{X: pt.X + r, Y: pt.Y})
		p.Arc(pt, r, 0, 2*math.Pi)
		p.Close()
		if m == markOpenCircle {
			c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: vg.Points(1)})
			c.Stroke(p)
		} else {
			c.SetColor(sty.Color)
			c.Fill(p)
		}
		return
	case markTriangle:
		r *= 1.25
		pts = []vg.Point{
			{X: pt.X, Y: pt.Y + r},
			{X: pt.X - r*0.866, Y: pt.Y - r*0.5},
			{X: pt.X + r*0.866, Y: pt.Y - r*0.5},
		}
	case markSquare:
		s := r * 0.85
		pts = []vg.Point{
			{X: pt.X - s, Y: pt.Y - s}, {X: pt.X + s, Y: pt.Y - s},
			{X: pt.X + s, Y: pt.Y + s}, {X: pt.X - s, Y: pt.Y + s},
		}
	case markDiamond:
		if m == markCross {
			s := r * 0.9
			ls := draw.LineStyle{Color: sty.Color, Width: vg.Points(1.2)}
			c.StrokeLine2(ls, pt.X-s, pt.Y-s, pt.X+s, pt.Y+s)
			c.StrokeLine2(ls, pt.X-s, pt.Y+s, pt.X+s, pt.Y-s)
			return
		}
		s := r * 1.2
		pts = []vg.Point{
			{X: pt.X, Y: pt.Y + s}, {X: pt.X + s, Y: pt.Y},
			{X: pt.X, Y: pt.Y - s}, {X: pt.X - s, Y: pt.Y},
		}
	}
	var p vg.Path
	p.Move(pts[0])
	for _, q := range pts[1:] {
		p.Line(q)
	}
	p.Close()
	if m >= markOpenCircle {
		c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: vg.Points(1)})
		c.Stroke(p)
	} else {
		c.SetColor(sty.Color)
		c.Fill(p)
	}
}
