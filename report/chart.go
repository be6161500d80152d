package report

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Chart is a figure that can draw itself. LineChart, ScatterChart, Heatmap,
// BarChart and Histogram implement it.
type Chart interface {
	// Draw validates the chart's data and draws the chart onto c, which
	// covers the whole figure. Invalid data gives an error and draws nothing.
	Draw(c draw.Canvas) error
}

// Default figure size and PNG resolution. The size is small enough that
// the text, in the sizes of style.go, is still 10 px where a phone shows the
// figure 340 px wide.
const (
	DefaultWidth  = 13 * vg.Centimeter
	DefaultHeight = 8.5 * vg.Centimeter
	// DefaultDPI gives 983×643 pixels at the default size: sharp on
	// high-density screens and in slides.
	DefaultDPI = 192
)

// outerMargin is the blank border around every figure, in points.
const outerMargin = 6

// maxPixels bounds the PNG size (width or height) so that a mistaken size
// option gives an error instead of exhausting memory.
const maxPixels = 20000

// SaveOptions sets the figure size and PNG resolution. The zero value means
// DefaultWidth × DefaultHeight at DefaultDPI.
type SaveOptions struct {
	Width, Height vg.Length // figure size; 0 means the default
	DPI           int       // PNG dots per inch; 0 means DefaultDPI
}

// resolve fills in defaults and checks the options.
func (o SaveOptions) resolve() (SaveOptions, error) {
	if o.Width == 0 {
		o.Width = DefaultWidth
	}
	if o.Height == 0 {
		o.Height = DefaultHeight
	}
	if o.DPI == 0 {
		o.DPI = DefaultDPI
	}
	if !(o.Width > 0) || !(o.Height > 0) {
		return o, fmt.Errorf("report: figure size %v × %v: width and height must be positive", o.Width, o.Height)
	}
	if o.DPI < 0 {
		return o, fmt.Errorf("report: DPI %d: must be positive", o.DPI)
	}
	if px := max(o.Width, o.Height) / vg.Inch * vg.Length(o.DPI); px > maxPixels {
		return o, fmt.Errorf("report: figure size %v × %v at %d DPI is %.0f pixels wide or high: at most %d allowed",
			o.Width, o.Height, o.DPI, float64(px), maxPixels)
	}
	return o, nil
}

// formats are the file formats written by Save, in order.
var formats = [...]string{"svg", "png"}

// Save draws c and writes it as dir/name.svg and dir/name.png. It returns
// the two file names (without dir), SVG first, ready for Figure.File and
// Figure.PNG. name must be a plain file name without extension or path
// separators. On error no file names are returned; a file written before
// the error may remain.
func Save(dir, name string, c Chart, opt SaveOptions) ([]string, error) {
	if name == "" || name != filepath.Base(name) || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return nil, fmt.Errorf("report: figure name %q: must be a plain file name without directories", name)
	}
	var files []string
	for _, f := range formats {
		var buf bytes.Buffer
		if err := Render(&buf, f, c, opt); err != nil {
			return nil, fmt.Errorf("report: %s: %w", name, err)
		}
		file := name + "." + f
		if err := os.WriteFile(filepath.Join(dir, file), buf.Bytes(), 0o644); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		files = append(files, file)
	}
	return files, nil
}

// Render draws c and writes it to w in the given format, "svg" or "png".
// SVG output is deterministic: the same chart and options give the same
// bytes. Fonts are not embedded in SVG; text is set in Liberation Sans with
// Arial, Helvetica and sans-serif as fallbacks (metric-compatible).
func Render(w io.Writer, format string, c Chart, opt SaveOptions) (err error) {
	if c == nil {
		return errors.New("report: nil chart")
	}
	opt, err = opt.resolve()
	if err != nil {
		return err
	}
	var canvas vg.CanvasWriterTo
	switch format {
	case "svg":
		canvas = vgsvg.New(opt.Width, opt.Height)
	case "png":
		canvas = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(opt.Width, opt.Height), vgimg.UseDPI(opt.DPI))}
	default:
		return fmt.Errorf("report: format %q: want svg or png", format)
	}
	dc := draw.New(canvas)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	m := vg.Points(outerMargin)
	if err := drawSafely(c, draw.Crop(dc, m, -m, m, -m)); err != nil {
		return err
	}
	if format != "svg" {
		_, err = canvas.WriteTo(w)
		return err
	}
	var buf bytes.Buffer
	if _, err := canvas.WriteTo(&buf); err != nil {
		return err
	}
	_, err = w.Write(svgFontFallback(buf.Bytes()))
	return err
}

// drawSafely calls c.Draw, turning a panic inside gonum/plot into an error.
// The charts validate their data so that this should not happen; it is a
// last line of defence so that bad input never crashes a run.
func drawSafely(c Chart, dc draw.Canvas) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("report: drawing %T failed: %v", c, r)
		}
	}()
	return c.Draw(dc)
}

// svgFontFallback adds generic fallbacks to the font-family gonum writes,
// so that viewers without Liberation Sans use a metric-compatible font
// instead of their default serif font.
func svgFontFallback(svg []byte) []byte {
	return bytes.ReplaceAll(svg,
		[]byte("font-family:Liberation Sans;"),
		[]byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"))
}

// entry is one legend entry.
type entry struct {
	name   string
	thumbs []plot.Thumbnailer
}

// drawFrame draws p into c with the legend entries, if any, outside the
// data area so that the legend never covers data: to the right, top-aligned
// with the data area; or, when that would take more than 40 % of the width
// (long names), below the plot, left-aligned with the data area. Only if
// neither fits is it drawn inside the data area at the top left. It
// returns the data area.
func drawFrame(c draw.Canvas, p *plot.Plot, entries []entry) draw.Canvas {
	if len(entries) == 0 {
		p.Draw(c)
		return p.DataCanvas(c)
	}
	leg := newLegend()
	for _, e := range entries {
		leg.Add(e.name, e.thumbs...)
	}
	r := leg.Rectangle(c)
	const gap, margin = 8, 4
	lw, lh := r.Max.X-r.Min.X, r.Max.Y-r.Min.Y
	switch {
	case lw+vg.Points(gap+margin) <= 0.4*(c.Max.X-c.Min.X):
		pc := c
		pc.Max.X -= lw + vg.Points(gap+margin)
		p.Draw(pc)
		da := p.DataCanvas(pc)
		lc := c
		lc.Min.X = pc.Max.X + vg.Points(gap)
		lc.Max.X -= vg.Points(margin)
		lc.Min.Y, lc.Max.Y = da.Min.Y, da.Max.Y
		leg.Draw(lc)
		return da
	case lh+vg.Points(gap) <= 0.4*(c.Max.Y-c.Min.Y):
		pc := c
		pc.Min.Y += lh + vg.Points(gap)
		p.Draw(pc)
		da := p.DataCanvas(pc)
		lc := c
		lc.Min.X = da.Min.X
		lc.Max.Y = lc.Min.Y + lh
		leg.Draw(lc)
		return da
	}
	p.Draw(c)
	da := p.DataCanvas(c)
	lc := da
	lc.Min.X += vg.Points(margin)
	lc.Max.Y -= vg.Points(margin)
	leg.Draw(lc)
	return da
}
