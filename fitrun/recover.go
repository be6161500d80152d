package fitrun

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/trustlab/trustlab/fit"
)

// RecoverOptions configure [Recover]. The zero value means the defaults
// of `trustlab recover`: 200 subjects in the mikus2023 design
// (fit.MikusDesign), parameters drawn from fit.DefaultRanges, the full
// model fitted by empirical Bayes.
type RecoverOptions struct {
	Estimation
	// Subjects is the number of synthetic subjects, [2, 100000]; 0 means
	// 200.
	Subjects int
	// Design is the simulated experiment; zero fields take
	// fit.MikusDesign's values.
	Design fit.Design
	// Ranges override fit.DefaultRanges for some parameters.
	Ranges map[fit.Param]fit.Range
	// Model is the model simulated and fitted (the zero Variant: the full
	// model); any model of fit.ParseModels, rivals included.
	Model fit.Variant
	// NoPlots writes CSV and JSON and the page, but no plots.
	NoPlots bool
	// Version and Args are recorded in the manifest.
	Version string
	Args    []string
	// Progress, if set, is called from one goroutine at a time as the
	// study goes: StageStart, StageEM per EM iteration, StageSubject per
	// fitted subject.
	Progress func(Progress)
}

// Recovery is what [Recover] found, besides the files it wrote.
type Recovery struct {
	*fit.Recovery
	// Manifest is what manifest.json holds.
	Manifest Manifest
	// Warnings are notes about the results for the user.
	Warnings []string
}

// Recover runs a parameter-recovery study: it simulates subjects with
// parameters drawn from the ranges, fits the full model to each, compares
// true and estimated values, and writes recovery.csv, subjects.csv, the
// scatter plots, manifest.json and index.html into dir (created if
// needed). It stops with ctx's error when ctx is cancelled.
func Recover(ctx context.Context, dir string, o RecoverOptions) (*Recovery, error) {
	fo, seed, workers, err := o.Estimation.resolve(fit.PriorEmpirical)
	if err != nil {
		return nil, err
	}
	subjects, err := studySize(o.Subjects, 200)
	if err != nil {
		return nil, err
	}
	ranges := map[fit.Param]fit.Range{}
	for p, r := range o.Ranges {
		ranges[p] = r
	}
	ro := fit.RecoverOptions{Subjects: subjects, Design: o.Design, Seed: seed, Fit: fo, Workers: workers, Ranges: ranges, Model: o.Model}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if o.Progress != nil {
		done := 0
		report := o.Progress
		if fo.Prior == fit.PriorEmpirical {
			ro.Fit.OnIteration = func(it int) {
				report(Progress{Stage: StageEM, Prior: fo.Prior, Iteration: it, Total: subjects})
			}
		}
		ro.Progress = func() {
			done++
			report(Progress{Stage: StageSubject, Prior: fo.Prior, Done: done, Total: subjects})
		}
		report(Progress{Stage: StageStart, Prior: fo.Prior, Total: subjects})
	}
	start := time.Now()
	rec, err := fit.Recover(ctx, ro)
	if err != nil {
		return nil, err
	}
	elapsed := time.Since(start)
	if err := writeRecovery(dir, rec); err != nil {
		return nil, err
	}
	figs := map[string][]string{}
	if !o.NoPlots {
		if figs, err = recoveryPlots(dir, rec); err != nil {
			return nil, err
		}
	}
	man := Manifest{
		Command: "recover", Version: o.Version, Args: o.Args, Seed: seed, Restarts: fo.Restarts,
		Fixed: fo.Fixed.String(), Free: paramNames(fo.Free), Subjects: subjects,
		Design: DesignText(rec.Design), Ranges: rangeText(rec), Seconds: elapsed.Seconds(), Prior: fo.Prior.String(), Response: responseName(fo.Response),
		Outputs: []string{"recovery.csv", "subjects.csv", "index.html"},
	}
	if pop := rec.Fits[0].Estimates[0].Prior; pop != nil {
		man.Populations = []*fit.Population{pop}
	}
	if err := writeJSON(dir, "manifest.json", man); err != nil {
		return nil, err
	}
	if err := recoveryHTML(dir, rec, man, figs); err != nil {
		return nil, err
	}
	res := &Recovery{Recovery: rec, Manifest: man}
	if rec.NotConverged > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d of %d fits stopped at the evaluation limit", rec.NotConverged, rec.Subjects))
	}
	return res, nil
}

func rangeText(rec *fit.Recovery) map[string]string {
	out := map[string]string{}
	for _, p := range rec.Params {
		if p.Free {
			out[p.Name] = p.Range.String()
		} else {
			out[p.Name] = "fixed at " + num(p.Fixed)
		}
	}
	return out
}

func writeRecovery(dir string, rec *fit.Recovery) error {
	c, err := createCSV(dir, "recovery.csv", []string{"parameter", "free", "range", "fixed", "n", "pearson", "spearman", "bias", "median_bias", "at_bound", "note"})
	if err != nil {
		return err
	}
	for _, p := range rec.Params {
		rng, fixed := p.Range.String(), "NA"
		if !p.Free {
			rng, fixed = "NA", num(p.Fixed)
		}
		c.write([]string{p.Name, strconv.FormatBool(p.Free), rng, fixed, strconv.Itoa(len(p.True)), num(p.Pearson), num(p.Spearman),
			num(p.Bias), num(p.MedianBias), strconv.Itoa(p.AtBound), p.Note})
	}
	if err := c.Close(); err != nil {
		return err
	}
	header := []string{"subject"}
	var free []fit.Param
	for p := range fit.Base {
		if rec.Fits[0].Estimates[0].Free[p] {
			free = append(free, p)
			header = append(header, "true_"+p.String(), "est_"+p.String(), "se_"+p.String())
		}
	}
	header = append(header, "loglik", "converged", "warnings")
	s, err := createCSV(dir, "subjects.csv", header)
	if err != nil {
		return err
	}
	for i, sf := range rec.Fits {
		e := sf.Estimates[0]
		row := []string{sf.ID}
		for _, p := range free {
			row = append(row, num(rec.Truth[i][p]), num(e.Values[p]), num(e.SE[p]))
		}
		row = append(row, num(e.LogLik), strconv.FormatBool(e.Converged), strings.Join(append(sf.Warnings, e.Warnings...), "; "))
		s.write(row)
	}
	return s.Close()
}

// ConfusionOptions configure [ModelRecovery]: the estimation settings
// (the prior is ignored: maximum likelihood, the best model by BIC), the
// competing models (nil: full, rw, rw2, reciprocity, baseline), subjects
// per model (0: 100) and the design.
type ConfusionOptions struct {
	Estimation
	Models   []fit.Variant
	Subjects int
	Design   fit.Design
	Ranges   map[fit.Param]fit.Range
	Version  string
	Args     []string
	Progress func(Progress)
}

// ModelRecovery simulates subjects from each model, fits every model to
// each, and writes the confusion matrix (rows: the generating model,
// columns: the model with the lowest BIC) to confusion.csv, with
// manifest.json, into dir.
func ModelRecovery(ctx context.Context, dir string, o ConfusionOptions) (*fit.Confusion, error) {
	fo, seed, workers, err := o.Estimation.resolve(fit.PriorNone)
	if err != nil {
		return nil, err
	}
	subjects, err := studySize(o.Subjects, 100)
	if err != nil {
		return nil, err
	}
	mo := fit.ModelRecoveryOptions{Models: o.Models, Subjects: subjects, Design: o.Design, Ranges: o.Ranges, Seed: seed, Fit: fo, Workers: workers}
	if o.Progress != nil {
		done, total := 0, subjects*max(len(o.Models), 5)
		mo.Progress = func() {
			done++
			o.Progress(Progress{Stage: StageSubject, Prior: fit.PriorNone, Done: done, Total: total})
		}
	}
	start := time.Now()
	conf, err := fit.ModelRecovery(ctx, mo)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	c, err := createCSV(dir, "confusion.csv", append([]string{"simulated"}, conf.Models...))
	if err != nil {
		return nil, err
	}
	for g, row := range conf.Counts {
		rec := []string{conf.Models[g]}
		for _, n := range row {
			rec = append(rec, strconv.Itoa(n))
		}
		c.write(rec)
	}
	if err := c.Close(); err != nil {
		return nil, err
	}
	man := Manifest{Command: "recover --confusion", Version: o.Version, Args: o.Args, Seed: seed, Restarts: fo.Restarts,
		Fixed: fo.Fixed.String(), Subjects: subjects, Models: conf.Models, Prior: fit.PriorNone.String(), Response: responseName(fo.Response),
		Seconds: time.Since(start).Seconds(), Outputs: []string{"confusion.csv"}}
	if err := writeJSON(dir, "manifest.json", man); err != nil {
		return nil, err
	}
	return conf, nil
}

// studySize is the number of simulated subjects of a recovery study: n,
// or dflt for 0, in [2, 100000].
func studySize(n, dflt int) (int, error) {
	if n == 0 {
		n = dflt
	}
	if n < 2 || n > 100000 {
		return 0, invalidf("subjects = %d: must be in [2, 100000]", n)
	}
	return n, nil
}
