package sweep

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/trustlab/trustlab/report"
)

// ReportOptions control WriteReport. The zero value plots every metric.
type ReportOptions struct {
	// Metrics restricts the plots to these end-of-run metrics; nil means
	// all of them.
	Metrics []string
	// Version is the trustlab version shown in the manifest.
	Version string
	// Files lists the data files (relative to the report's directory)
	// linked from index.html.
	Files []string
}

// PlotsDir is the directory of the plots, inside the output directory.
const PlotsDir = "plots"

// maxGroupValues is the largest number of values of an axis drawn as
// separate lines (or bars) in the plots of another axis.
const maxGroupValues = 8

// maxTableCells is the largest number of cells listed in index.html.
const maxTableCells = 200

// WriteReport draws the plots of a collection into dir/plots and writes
// dir/index.html: for every end-of-run metric, its mean over replications
// (with 95% intervals) against every axis -- lines with bands for a
// numeric axis, bars with error bars otherwise, one line or bar group per
// value of the first other axis with at most 8 values, pooling the rest --
// and a heat map for every pair of axes. It returns the files written,
// relative to dir.
func (col *Collection) WriteReport(dir string, opt ReportOptions) ([]string, error) {
	s := col.Spec
	var metrics []string
	for _, m := range col.Metrics {
		if !col.allNaN(m) { // e.g. sent_fraction outside the investment game
			metrics = append(metrics, m)
		}
	}
	if opt.Metrics != nil {
		metrics = nil
		for _, m := range opt.Metrics {
			if col.metricIndex(m) < 0 {
				return nil, fmt.Errorf("plot metric %q: the simulation reports %s", m, strings.Join(col.Metrics, ", "))
			}
			metrics = append(metrics, m)
		}
	}
	plots := filepath.Join(dir, PlotsDir)
	if err := os.MkdirAll(plots, 0o755); err != nil {
		return nil, err
	}
	// Plots of an earlier report (say, of all metrics) would stay beside
	// this one's and no longer match index.html.
	for _, pat := range []string{"*.svg", "*.png"} {
		old, _ := filepath.Glob(filepath.Join(plots, pat))
		for _, f := range old {
			if err := os.Remove(f); err != nil {
				return nil, err
			}
		}
	}
	var written []string
	save := func(name string, c report.Chart) ([]string, error) {
		files, err := report.Save(plots, name, c, report.SaveOptions{})
		if err != nil {
			return nil, err
		}
		for i := range files {
			files[i] = PlotsDir + "/" + files[i]
		}
		written = append(written, files...)
		return files, nil
	}

	page := report.Page{
		Title: "Sweep: " + s.Name,
		Intro: col.intro(),
	}
	page.Sections = append(page.Sections, col.axesSection(), col.summarySection(metrics))
	for _, m := range metrics {
		sec := report.Section{Heading: m}
		for a := range s.Axes {
			fig, err := col.axisFigure(m, a, save)
			if err != nil {
				return written, err
			}
			sec.Figures = append(sec.Figures, fig)
		}
		for a := range s.Axes {
			for b := a + 1; b < len(s.Axes); b++ {
				fig, err := col.heatFigure(m, a, b, save)
				if err != nil {
					return written, err
				}
				sec.Figures = append(sec.Figures, fig)
			}
		}
		page.Sections = append(page.Sections, sec)
	}
	for _, f := range opt.Files {
		page.Files = append(page.Files, report.Link{Href: f})
	}
	page.Manifest = struct {
		Trustlab string `json:"trustlab,omitempty"`
		Runs     int    `json:"runs"`
		*Spec
	}{opt.Version, s.NumRuns(), s}
	var buf bytes.Buffer
	if err := report.WriteHTML(&buf, page); err != nil {
		return written, err
	}
	if err := writeFileAtomic(filepath.Join(dir, "index.html"), true, func(w io.Writer) error {
		_, err := w.Write(buf.Bytes())
		return err
	}); err != nil {
		return written, err
	}
	return append(written, "index.html"), nil
}

func (col *Collection) metricIndex(m string) int {
	for i, n := range col.Metrics {
		if n == m {
			return i
		}
	}
	return -1
}

func (col *Collection) intro() string {
	s := col.Spec
	var sizes []string
	for _, a := range s.Axes {
		sizes = append(sizes, fmt.Sprintf("%d values of %s", len(a.Values), a.Name))
	}
	shape := "the base scenario alone"
	if len(sizes) > 0 {
		shape = strings.Join(sizes, " × ")
	}
	base := ""
	if s.Scenario != "" {
		base = fmt.Sprintf(" The base scenario is %s.", s.Scenario)
	}
	return fmt.Sprintf("%d cells (%s), %d replications each: %d runs. Sweep seed %d; sweep hash %s.%s\n\n"+
		"Each run's seed derives from the sweep seed, the cell's parameter values and the replication, so results do not depend on the order of the values, the number of workers or the sharding. "+
		"Plots show the mean over replications with 95%% confidence intervals (Student's t); where a plot pools cells that differ in other axes, the interval covers that spread too.",
		s.NumCells(), shape, s.Replications, s.NumRuns(), s.Seed, short(s.Hash), base)
}

func (col *Collection) axesSection() report.Section {
	s := col.Spec
	t := report.Table{Caption: "Axes of the sweep", Header: []string{"Column", "Scenario path", "Values"}}
	for k, a := range s.Axes {
		var vals []string
		for v := range a.Values {
			vals = append(vals, s.Label(k, v))
		}
		t.Rows = append(t.Rows, []string{a.Name, a.Path, strings.Join(vals, ", ")})
		for _, l := range a.With {
			var vals []string
			for _, v := range l.Values {
				vals = append(vals, labelOf(v))
			}
			t.Rows = append(t.Rows, []string{"(set with " + a.Name + ")", l.Path, strings.Join(vals, ", ")})
		}
	}
	sec := report.Section{Heading: "Axes"}
	if len(s.Axes) > 0 {
		sec.Tables = []report.Table{t}
	} else {
		sec.Text = "This sweep has no axes: it replicates the base scenario."
	}
	return sec
}

func (col *Collection) summarySection(metrics []string) report.Section {
	s := col.Spec
	t := report.Table{Header: []string{"cell"}}
	for _, a := range s.Axes {
		t.Header = append(t.Header, a.Name)
	}
	t.Header = append(t.Header, metrics...)
	rows := col.Summary()
	per := len(col.Metrics)
	n := min(s.NumCells(), maxTableCells)
	for ci := range n {
		c := s.Cell(ci)
		row := []string{fmt.Sprint(ci)}
		for k, v := range c.Values {
			row = append(row, s.Label(k, v))
		}
		for _, m := range metrics {
			iv := rows[ci*per+col.metricIndex(m)].Interval
			row = append(row, formatInterval(iv))
		}
		t.Rows = append(t.Rows, row)
	}
	t.Caption = fmt.Sprintf("Mean over %d replications [95%% interval] of each end-of-run metric", s.Replications)
	if n < s.NumCells() {
		t.Caption += fmt.Sprintf(" (first %d of %d cells; all are in summary.csv)", n, s.NumCells())
	}
	return report.Section{Heading: "Summary", Tables: []report.Table{t}}
}

func formatInterval(iv Interval) string {
	if iv.N == 0 {
		return "NA"
	}
	if iv.N < 2 {
		return fmt.Sprintf("%.4g", iv.Mean)
	}
	return fmt.Sprintf("%.4g [%.4g, %.4g]", iv.Mean, iv.Low, iv.High)
}

// pooled returns, for every combination of a value of axis a and a value
// of axis b (b < 0: none), the metric's values over all runs of matching
// cells, summarised.
func (col *Collection) pooled(m string, a, b int) [][]Interval {
	s := col.Spec
	mi := col.metricIndex(m)
	nb := 1
	if b >= 0 {
		nb = len(s.Axes[b].Values)
	}
	vals := make([][][]float64, len(s.Axes[a].Values))
	for i := range vals {
		vals[i] = make([][]float64, nb)
	}
	for i := range col.Final {
		c := s.Cell(i / s.Replications)
		j := 0
		if b >= 0 {
			j = c.Values[b]
		}
		vals[c.Values[a]][j] = append(vals[c.Values[a]][j], col.Final[i][mi])
	}
	out := make([][]Interval, len(vals))
	for i := range vals {
		out[i] = make([]Interval, nb)
		for j := range vals[i] {
			out[i][j] = MeanCI(vals[i][j])
		}
	}
	return out
}

// order returns the value indices of axis a sorted for plotting (by
// number for a numeric axis, as written otherwise) and whether it is
// numeric.
func (s *Spec) order(a int) ([]int, bool) {
	idx := make([]int, len(s.Axes[a].Values))
	numeric := true
	for i := range idx {
		idx[i] = i
		if _, ok := s.Number(a, i); !ok {
			numeric = false
		}
	}
	if numeric {
		sort.SliceStable(idx, func(x, y int) bool {
			fx, _ := s.Number(a, idx[x])
			fy, _ := s.Number(a, idx[y])
			return fx < fy
		})
	}
	return idx, numeric
}

// groupAxis is the axis whose values become the lines of axis a's plots:
// the first other axis with at most maxGroupValues values, or -1.
func (s *Spec) groupAxis(a int) int {
	for k, ax := range s.Axes {
		if k != a && len(ax.Values) <= maxGroupValues {
			return k
		}
	}
	return -1
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

func fileName(parts ...string) string {
	for i, p := range parts {
		parts[i] = strings.Trim(unsafeName.ReplaceAllString(p, "_"), "_")
	}
	return strings.Join(parts, "-")
}

func (col *Collection) axisFigure(m string, a int, save func(string, report.Chart) ([]string, error)) (report.Figure, error) {
	s := col.Spec
	b := s.groupAxis(a)
	iv := col.pooled(m, a, b)
	idx, numeric := s.order(a)
	name := s.Axes[a].Name
	title := fmt.Sprintf("%s by %s", m, name)
	nb := len(iv[0])
	seriesName := func(j int) string {
		if b < 0 {
			return ""
		}
		return fmt.Sprintf("%s = %s", s.Axes[b].Name, s.Label(b, j))
	}
	var chart report.Chart
	kind := "Line chart"
	if numeric {
		lc := report.LineChart{Title: title, XLabel: name, YLabel: m + " (mean, 95% interval)", Points: true}
		for j := range nb {
			sr := report.Series{Name: seriesName(j)}
			for _, i := range idx {
				x, _ := s.Number(a, i)
				v := iv[i][j]
				sr.X, sr.Y, sr.Lo, sr.Hi = append(sr.X, x), append(sr.Y, v.Mean), append(sr.Lo, v.Low), append(sr.Hi, v.High)
			}
			lc.Series = append(lc.Series, sr)
		}
		chart = lc
	} else {
		kind = "Bar chart"
		bc := report.BarChart{Title: title, XLabel: name, YLabel: m + " (mean, 95% interval)"}
		for _, i := range idx {
			bc.Categories = append(bc.Categories, s.Label(a, i))
		}
		for j := range nb {
			g := report.Bars{Name: seriesName(j)}
			for _, i := range idx {
				v := iv[i][j]
				g.Values, g.Lo, g.Hi = append(g.Values, v.Mean), append(g.Lo, v.Low), append(g.Hi, v.High)
			}
			bc.Groups = append(bc.Groups, g)
		}
		chart = bc
	}
	files, err := save(fileName(m, "by", name), chart)
	if err != nil {
		return report.Figure{}, err
	}
	caption := fmt.Sprintf("Mean %s against %s over %d replications", m, name, s.Replications)
	alt := fmt.Sprintf("%s of mean %s against %s", kind, m, name)
	if b >= 0 {
		caption += fmt.Sprintf(", one %s per value of %s", map[bool]string{true: "line", false: "bar colour"}[numeric], s.Axes[b].Name)
		alt += fmt.Sprintf(", one series per value of %s", s.Axes[b].Name)
	}
	if len(s.Axes) > 2 || len(s.Axes) == 2 && b < 0 {
		caption += "; cells differing in the other axes are pooled"
	}
	caption += "; bands and bars are 95% intervals."
	first, last := iv[idx[0]][0], iv[idx[len(idx)-1]][0]
	alt += fmt.Sprintf(". The first series goes from %s at %s = %s to %s at %s = %s.",
		fmtNum(first.Mean), name, s.Label(a, idx[0]), fmtNum(last.Mean), name, s.Label(a, idx[len(idx)-1]))
	return report.NewFigure(files, caption, alt), nil
}

func fmtNum(v float64) string {
	if math.IsNaN(v) {
		return "NA"
	}
	return fmt.Sprintf("%.3g", v)
}

func (col *Collection) heatFigure(m string, a, b int, save func(string, report.Chart) ([]string, error)) (report.Figure, error) {
	s := col.Spec
	iv := col.pooled(m, a, b)
	ia, na := s.order(a)
	ib, nb := s.order(b)
	coords := func(k int, idx []int, numeric bool) ([]float64, string) {
		var out []float64
		var codes []string
		for pos, i := range idx {
			if numeric {
				x, _ := s.Number(k, i)
				out = append(out, x)
			} else {
				out = append(out, float64(pos))
				codes = append(codes, fmt.Sprintf("%d = %s", pos, s.Label(k, i)))
			}
		}
		label := s.Axes[k].Name
		if !numeric {
			label += " (" + strings.Join(codes, ", ") + ")"
		}
		return out, label
	}
	hm := report.Heatmap{Title: fmt.Sprintf("%s by %s and %s", m, s.Axes[a].Name, s.Axes[b].Name), ZLabel: m + " (mean)"}
	hm.X, hm.XLabel = coords(a, ia, na)
	hm.Y, hm.YLabel = coords(b, ib, nb)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, j := range ib {
		row := make([]float64, len(ia))
		for x, i := range ia {
			row[x] = iv[i][j].Mean
			if !math.IsNaN(row[x]) {
				lo, hi = math.Min(lo, row[x]), math.Max(hi, row[x])
			}
		}
		hm.Z = append(hm.Z, row)
	}
	files, err := save(fileName(m, s.Axes[a].Name, "x", s.Axes[b].Name), hm)
	if err != nil {
		return report.Figure{}, err
	}
	caption := fmt.Sprintf("Mean %s over %d replications for every combination of %s and %s", m, s.Replications, s.Axes[a].Name, s.Axes[b].Name)
	if len(s.Axes) > 2 {
		caption += " (pooling the other axes)"
	}
	alt := fmt.Sprintf("Heat map of mean %s with %s across and %s up; values range from %s to %s.", m, s.Axes[a].Name, s.Axes[b].Name, fmtNum(lo), fmtNum(hi))
	return report.NewFigure(files, caption+".", alt), nil
}
