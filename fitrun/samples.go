package fitrun

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/parquet-go/parquet-go"

	"github.com/trustlab/trustlab/fit"
	"github.com/trustlab/trustlab/report"
)

// sampleRow is one row of samples.parquet: one draw of one parameter
// (long format, as tidyverse and pandas melt it).
type sampleRow struct {
	Subject string  `parquet:"subject"`
	Model   string  `parquet:"model"`
	Draw    int64   `parquet:"draw"`
	Param   string  `parquet:"param"`
	Value   float64 `parquet:"value"`
}

// interval is one subject's uncertainty about one parameter.
type interval struct {
	median, lo, hi float64 // posterior draws: median and central 95%
	est, se        float64 // MAP estimate and its Laplace standard error
}

// sampleWriter streams the posterior draws into samples.parquet and their
// summaries into intervals.csv, and keeps the intervals for the report.
type sampleWriter struct {
	f         *os.File
	pw        *parquet.GenericWriter[sampleRow]
	csv       *csvFile
	intervals map[fit.Param][]interval
	lowESS    int // subjects whose effective sample size is below a tenth of the draws
	subjects  int
}

func newSampleWriter(dir string) (*sampleWriter, error) {
	f, err := os.Create(filepath.Join(dir, "samples.parquet"))
	if err != nil {
		return nil, err
	}
	c, err := createCSV(dir, "intervals.csv", []string{"subject", "model", "param", "estimate", "se", "laplace_lo", "laplace_hi", "mean", "q025", "median", "q975", "draws", "proposals", "ess"})
	if err != nil {
		f.Close()
		return nil, err
	}
	return &sampleWriter{f: f, pw: parquet.NewGenericWriter[sampleRow](f, parquet.Compression(&parquet.Snappy)), csv: c, intervals: map[fit.Param][]interval{}}, nil
}

// add writes one subject's draws.
func (sw *sampleWriter) add(sf fit.SubjectFit) error {
	s := sf.Samples
	if s == nil {
		return nil
	}
	sw.subjects++
	if s.ESS < float64(len(s.Draws))/10 {
		sw.lowESS++
	}
	e := sf.Estimates[0]
	rows := make([]sampleRow, 0, len(s.Draws)*len(s.Params))
	for i, d := range s.Draws {
		for j, q := range s.Params {
			rows = append(rows, sampleRow{Subject: sf.ID, Model: s.Model, Draw: int64(i + 1), Param: q.String(), Value: d[j]})
		}
	}
	if _, err := sw.pw.Write(rows); err != nil {
		return err
	}
	for j, q := range s.Params {
		mean := 0.0
		for _, d := range s.Draws {
			mean += d[j]
		}
		mean /= float64(len(s.Draws))
		iv := interval{median: s.Quantile(j, 0.5), lo: s.Quantile(j, 0.025), hi: s.Quantile(j, 0.975), est: e.Values[q], se: e.SE[q]}
		sw.intervals[q] = append(sw.intervals[q], iv)
		sw.csv.write([]string{sf.ID, s.Model, q.String(), num(iv.est), num(iv.se), num(iv.est - 1.96*iv.se), num(iv.est + 1.96*iv.se),
			num(mean), num(iv.lo), num(iv.median), num(iv.hi), strconv.Itoa(len(s.Draws)), strconv.Itoa(s.Proposals), num(s.ESS)})
	}
	return sw.csv.flush()
}

func (sw *sampleWriter) close() error {
	if sw == nil || sw.f == nil {
		return nil
	}
	err := errors.Join(sw.pw.Close(), sw.csv.Close(), sw.f.Close())
	sw.f = nil
	return err
}

// intervalPlots draws, for each parameter with draws, every subject's
// central 95% posterior interval (sorted by the posterior median) beside
// the Laplace interval estimate ± 1.96 SE.
func intervalPlots(dir string, w *fitWriter) ([]fitFigure, error) {
	sw := w.samples
	if sw == nil || sw.subjects == 0 {
		return nil, nil
	}
	var figs []fitFigure
	for q := range fit.NumParams {
		ivs := sw.intervals[q]
		if len(ivs) < 2 {
			continue
		}
		ivs = slices.Clone(ivs)
		slices.SortStableFunc(ivs, func(a, b interval) int {
			switch {
			case a.median < b.median:
				return -1
			case a.median > b.median:
				return 1
			}
			return 0
		})
		post := report.Series{Name: "posterior draws: median, 95%"}
		lap := report.Series{Name: "estimate ± 1.96 SE (Laplace)"}
		for i, iv := range ivs {
			x := float64(i + 1)
			post.X, post.Y, post.Lo, post.Hi = append(post.X, x), append(post.Y, iv.median), append(post.Lo, iv.lo), append(post.Hi, iv.hi)
			lap.X, lap.Y = append(lap.X, x+0.35), append(lap.Y, iv.est)
			lo, hi := math.NaN(), math.NaN()
			if !math.IsNaN(iv.se) {
				lo, hi = iv.est-1.96*iv.se, iv.est+1.96*iv.se
			}
			lap.Lo, lap.Hi = append(lap.Lo, lo), append(lap.Hi, hi)
		}
		chart := report.ScatterChart{Title: w.totals[0].name + " model: " + q.String() + " per subject", XLabel: "subject (sorted by posterior median)", YLabel: q.String(), Groups: []report.Series{post, lap}}
		files, err := report.Save(dir, "interval_"+q.String(), chart, report.SaveOptions{Width: report.DefaultWidth * 1.3})
		if err != nil {
			return nil, err
		}
		figs = append(figs, fitFigure{files: files,
			caption: fmt.Sprintf("%s: each subject's central 95%% posterior interval from %d draws (intervals.csv, samples.parquet), beside the Laplace interval estimate ± 1.96 standard errors; the draws' intervals are asymmetric near a bound, where the Laplace one is not.", q, w.o.Samples),
			alt:     fmt.Sprintf("Per-subject intervals of %s, posterior draws against Laplace.", q)})
	}
	return figs, nil
}
