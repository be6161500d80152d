package report

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Bars is one group of a BarChart: one value per category, optionally with
// an interval (Lo, Hi) drawn as an error bar. A non-finite value leaves
// out that bar (or error bar).
type Bars struct {
	Name   string
	Values []float64
	Lo, Hi []float64
}

// BarChart draws one bar per category and group, groups side by side
// within each category, starting from zero (e.g. mean estimates per
// condition, or model-comparison scores). A legend is shown to the right
// when there are two or more groups.
type BarChart struct {
	Title, XLabel, YLabel string
	Categories            []string
	Groups                []Bars
}

// validate checks the lengths of every group against the categories.
func (bc BarChart) validate() error {
	for i, g := range bc.Groups {
		err := Series{X: g.Values, Y: g.Values, Lo: g.Lo, Hi: g.Hi}.Validate()
		if err == nil && len(g.Values) != len(bc.Categories) {
			err = fmt.Errorf("len(Values) = %d but there are %d categories", len(g.Values), len(bc.Categories))
		}
		if err != nil {
			return fmt.Errorf("report: bar chart %q: group %d (%q): %w", bc.Title, i+1, g.Name, err)
		}
	}
	return nil
}

// Draw implements Chart.
func (bc BarChart) Draw(c draw.Canvas) error {
	if err := bc.validate(); err != nil {
		return err
	}
	p := newPlot(bc.Title, bc.XLabel, bc.YLabel)
	addGrid(p, false, true)
	ng := len(bc.Groups)
	const span = 0.8 // share of a category's width taken by its bars
	w := span / float64(max(ng, 1))
	var entries []entry
	var whiskers []*segments
	empty := true
	for i, g := range bc.Groups {
		rs := &rects{fill: Color(i)}
		wh := &segments{line: draw.LineStyle{Color: textColor, Width: vg.Points(1)}, cap: vg.Points(3)}
		for j, v := range g.Values {
			x0 := float64(j) - span/2 + float64(i)*w
			xc := x0 + w/2
			if finite(v) {
				rs.r = append(rs.r, rect{x0 + w*0.05, x0 + w*0.95, 0, v})
				empty = false
			}
			if len(g.Lo) > 0 && finite(g.Lo[j], g.Hi[j]) {
				wh.x = append(wh.x, xc)
				wh.y0 = append(wh.y0, g.Lo[j])
				wh.y1 = append(wh.y1, g.Hi[j])
			}
		}
		p.Add(rs)
		if len(wh.x) > 0 {
			whiskers = append(whiskers, wh)
		}
		if ng >= 2 && g.Name != "" {
			entries = append(entries, entry{g.Name, []plot.Thumbnailer{boxThumb{fill: Color(i)}}})
		}
	}
	for _, wh := range whiskers {
		p.Add(wh)
	}
	if len(bc.Categories) > 0 {
		p.NominalX(bc.Categories...)
		p.X.Min, p.X.Max = -0.5, float64(len(bc.Categories))-0.5
	}
	p.Y.Min, p.Y.Max = math.Min(p.Y.Min, 0), math.Max(p.Y.Max, 0)
	headroom(&p.Y)
	if p.Y.Min < 0 && len(bc.Categories) > 0 { // a baseline, so that bars below zero read as negative
		p.Add(&polyline{x: []float64{p.X.Min, p.X.Max}, y: []float64{0, 0}, line: draw.LineStyle{Color: axisColor, Width: vg.Points(0.75)}})
	}
	da := drawFrame(c, p, entries)
	if empty {
		noData(da)
	}
	return nil
}

// Sample is one named set of observations for a Histogram. Non-finite
// values are left out.
type Sample struct {
	Name   string
	Values []float64
}

// Histogram draws the distribution of one or more samples (e.g. parameter
// estimates across subjects) over shared bins. Several samples are
// overlaid as translucent fills with a solid outline and a legend.
type Histogram struct {
	Title, XLabel string
	// YLabel defaults to "Count", or "Density" when Density is set.
	YLabel  string
	Samples []Sample
	// Bins is the number of equal-width bins; 0 chooses Sturges' rule on
	// the largest sample, between 8 and 60.
	Bins int
	// Density scales each sample to unit area instead of counts, to
	// compare samples of different sizes.
	Density bool
}

// maxBins bounds Histogram.Bins.
const maxBins = 10000

// Draw implements Chart.
func (h Histogram) Draw(c draw.Canvas) error {
	if h.Bins < 0 || h.Bins > maxBins {
		return fmt.Errorf("report: histogram %q: Bins = %d: want 0 (automatic) to %d", h.Title, h.Bins, maxBins)
	}
	ylabel := h.YLabel
	if ylabel == "" {
		ylabel = "Count"
		if h.Density {
			ylabel = "Density"
		}
	}
	p := newPlot(h.Title, h.XLabel, ylabel)
	addGrid(p, true, true)
	lo, hi, nmax := math.Inf(1), math.Inf(-1), 0
	for _, s := range h.Samples {
		n := 0
		for _, v := range s.Values {
			if finite(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
				n++
			}
		}
		nmax = max(nmax, n)
	}
	if nmax == 0 {
		noData(drawFrame(c, p, nil))
		return nil
	}
	bins := h.Bins
	if bins == 0 {
		bins = min(max(int(math.Ceil(math.Log2(float64(nmax))))+1, 8), 60)
	}
	if lo == hi {
		lo, hi = lo-0.5, hi+0.5
	}
	width := (hi - lo) / float64(bins)
	edge := func(k int) float64 {
		if k == bins {
			return hi
		}
		return lo + float64(k)*width
	}
	multi := len(h.Samples) >= 2
	var entries []entry
	for i, s := range h.Samples {
		counts := make([]float64, bins)
		n := 0
		for _, v := range s.Values {
			if !finite(v) {
				continue
			}
			k := min(int((v-lo)/width), bins-1)
			counts[max(k, 0)]++
			n++
		}
		if n == 0 {
			continue
		}
		if h.Density {
			for k := range counts {
				counts[k] /= float64(n) * width
			}
		}
		rs := &rects{fill: withAlpha(Color(i), 0.85), outline: draw.LineStyle{Color: color.White, Width: vg.Points(0.6)}}
		if multi {
			rs.fill = withAlpha(Color(i), 0.3)
			rs.outline = draw.LineStyle{}
		}
		for k, cnt := range counts {
			rs.r = append(rs.r, rect{edge(k), edge(k + 1), 0, cnt})
		}
		p.Add(rs)
		if multi {
			// A step outline, so that each overlaid distribution stays visible.
			ol := &polyline{line: draw.LineStyle{Color: Color(i), Width: vg.Points(1.4), Dashes: dashes(i)}}
			ol.x, ol.y = append(ol.x, lo), append(ol.y, 0)
			for k, cnt := range counts {
				ol.x = append(ol.x, edge(k), edge(k+1))
				ol.y = append(ol.y, cnt, cnt)
			}
			ol.x, ol.y = append(ol.x, hi), append(ol.y, 0)
			p.Add(ol)
			if s.Name != "" {
				entries = append(entries, entry{s.Name, []plot.Thumbnailer{boxThumb{fill: rs.fill, outline: ol.line}}})
			}
		}
	}
	p.Y.Min = 0
	headroom(&p.Y)
	drawFrame(c, p, entries)
	return nil
}

// headroom extends a bar or histogram value axis by 4 % beyond its data at
// the ends away from zero, so that the tallest bar does not touch the frame.
func headroom(a *plot.Axis) {
	if !finite(a.Min, a.Max) || a.Min >= a.Max {
		return
	}
	d := 0.04 * (a.Max - a.Min)
	if a.Max > 0 {
		a.Max += d
	}
	if a.Min < 0 {
		a.Min -= d
	}
}
