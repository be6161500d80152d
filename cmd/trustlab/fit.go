package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"hash"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/trustlab/trustlab/dataset"
	"github.com/trustlab/trustlab/fit"
)

const fitSynopsis = `trustlab fit DATA.csv --spec SPEC.yaml [flags]

Fit the pyramid model to people's trust decisions, one subject at a time:
each subject's choices are replayed through the model (beliefs per partner
start at the trait prior and learn from the feedback the subject saw). The
parameters are estimated by empirical Bayes (the default, --prior
empirical): maximum a posteriori under a normal population prior per
parameter whose mean and spread are estimated from all subjects (EM, Huys
et al. 2011); it recovers parameters far better than maximum likelihood
(--prior none; pooled fits use it). The full model is compared with nested
variants and a baseline that ignores the situation (AIC, BIC,
cross-validation and, under a prior, the integrated BIC).

Estimated by default: tau, beta, w_plus, w_minus and phi (graded amounts
only); fixed at MODEL.md's defaults: lambda0 = 1, kappa = 2, n0 = 2,
gamma = 1 (see docs/fitting.md for why; --free estimates them, --fix fixes
others). Models: full, no_asymmetry, no_risk, no_trait, no_learning,
baseline.

Outputs in --out: subjects.csv (one row per subject and model: estimates,
standard errors, log-likelihood, AIC, BIC, cross-validated log-likelihood,
warnings), comparison.csv (totals per model), predictions.csv, plots,
index.html and manifest.json.

Examples:
  trustlab fit trials.csv --spec examples/data/mikus2023.yaml --out mikus
  trustlab fit trials.csv --spec srndna.yaml --models no_learning,baseline --fix gamma=1
  trustlab fit pairs.csv --spec berg1995.yaml --pool group
  trustlab fit trials.csv --spec s.yaml --questionnaire answers.csv --key key.yaml --tau-from prior`

func cmdFit(e *env, args []string) error {
	fs := flag.NewFlagSet("fit", flag.ContinueOnError)
	var (
		est                         estimationFlags
		specPath, models, out, pool string
		qPath, keyPath, tauFrom     string
		cvFraction                  float64
		noCV, noPlots               bool
	)
	est.register(fs, "empirical")
	fs.StringVar(&specPath, "spec", "", "data spec `SPEC.yaml` mapping CSV columns to roles (required; see examples/data)")
	fs.StringVar(&models, "models", "all", "models to fit: all, or a comma-separated list of "+strings.Join(fit.VariantNames(), ", ")+" (full is always fitted)")
	fs.StringVar(&out, "out", "fit-out", "output `directory`")
	fs.StringVar(&pool, "pool", "none", "fit one parameter set per pool: none (per subject), group (per value of the group column) or all")
	fs.StringVar(&qPath, "questionnaire", "", "questionnaire responses `CSV` (one row per subject) whose trust-scale score fixes or informs tau; needs --key")
	fs.StringVar(&keyPath, "key", "", "questionnaire scoring key `YAML`: items, reverse-keyed items, response range")
	fs.StringVar(&tauFrom, "tau-from", "fix", "how the questionnaire score enters: fix (tau = score) or prior (normal penalty around the score, SD = standard error of measurement)")
	fs.Float64Var(&cvFraction, "cv-fraction", 0.8, "cross-validation: fraction of each partner's trials (the earliest) to fit; the rest are scored, (0, 1)")
	fs.BoolVar(&noCV, "no-cv", false, "skip the cross-validation fits")
	fs.BoolVar(&noPlots, "no-plots", false, "write CSV and JSON only")
	pos, err := parseInterspersed(fs, args, e.stdout, fitSynopsis)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		if len(pos) == 0 {
			return usageErrorf("fit: give one data file: trustlab fit DATA.csv --spec SPEC.yaml")
		}
		return usageErrorf("fit: unexpected argument %q: give one data file", pos[1])
	}
	dataPath := pos[0]
	if specPath == "" {
		return usageErrorf("--spec: required: the data spec mapping the columns of %s to roles (see examples/data/*.yaml)", filepath.Base(dataPath))
	}
	o, err := est.options()
	if err != nil {
		return err
	}
	if o.Models, err = fit.ParseModels(models); err != nil {
		return usageErrorf("%v", err)
	}
	if !(cvFraction > 0 && cvFraction < 1) {
		return usageErrorf("--cv-fraction = %g: must be in (0, 1)", cvFraction)
	}
	o.CVFraction, o.NoCV = cvFraction, noCV
	if o.TraitMode, err = fit.ParseTraitMode(tauFrom); err != nil {
		return usageErrorf("%v", err)
	}
	switch pool {
	case "none", "group", "all":
	default:
		return usageErrorf("--pool = %q: must be none, group or all", pool)
	}
	if pool != "none" && o.Prior == fit.PriorEmpirical {
		explicit := false
		fs.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "prior" })
		if explicit {
			return usageErrorf("--prior empirical: cannot be combined with --pool %s (a population prior needs many separate fits; use --prior none or weak)", pool)
		}
		o.Prior = fit.PriorNone // pooled fits: maximum likelihood by default
	}
	if (qPath == "") != (keyPath == "") {
		return usageErrorf("--questionnaire and --key go together: give both or neither")
	}
	if _, ok := o.Fixed[fit.Tau]; ok && qPath != "" {
		return usageErrorf("--fix tau: cannot be combined with --questionnaire, which sets tau per subject")
	}

	spec, err := dataset.LoadSpec(specPath)
	if err != nil {
		return inputError(err)
	}
	man := manifest{Command: "fit", Version: version, Args: args, Seed: est.seed, Restarts: o.Restarts,
		Fixed: o.Fixed.String(), Free: paramNames(o.Free), Pool: pool, CVFraction: cvFraction, NoCV: noCV,
		Workers: est.workers, GoVersion: runtime.Version(), Prior: o.Prior.String()}
	for _, v := range o.Models {
		man.Models = append(man.Models, v.Name)
	}
	if man.Spec, err = hashFile(specPath); err != nil {
		return err
	}
	var traits map[string]fit.Trait
	if qPath != "" {
		var q questionnaireInfo
		traits, q, err = loadTraits(qPath, keyPath)
		if err != nil {
			return err
		}
		q.TauFrom = o.TraitMode.String()
		man.Questionnaire = &q
	}

	total := -1
	if f, ok := e.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) && pool == "none" {
		total = countSubjects(dataPath, spec)
	}
	f, err := os.Open(dataPath)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	rd, err := dataset.NewReader(io.TeeReader(f, h), filepath.Base(dataPath), spec)
	if err != nil {
		return inputError(err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	w, err := newFitWriter(out, o)
	if err != nil {
		return err
	}
	defer w.close()

	next, err := subjectSource(rd, spec, pool, traits, w)
	if err != nil {
		return err
	}
	add, finish := newProgress(e.stderr, total, "fit", &o)
	start := time.Now()
	runErr := fit.Run(e.ctx, next, o, est.workers, func(sf fit.SubjectFit) error {
		add()
		return w.subject(sf)
	})
	finish()
	elapsed := time.Since(start)
	if err := w.close(); err != nil && runErr == nil {
		runErr = err
	}
	if runErr != nil {
		var de *dataset.Error
		if errors.As(runErr, &de) {
			return usageErrorf("%v (the %d subjects before it are written to subjects.csv in --out)", runErr, w.n)
		}
		return runErr
	}
	if w.n == 0 {
		return usageErrorf("%s: no subjects with trials to fit", filepath.Base(dataPath))
	}
	st := rd.Stats()
	man.Data = &fileInfo{Path: dataPath, SHA256: hex.EncodeToString(h.Sum(nil))}
	man.Subjects, man.Trials, man.Missed, man.EmptySubjects = st.Subjects, st.Trials, st.Missed, st.EmptySubjects
	man.Fits, man.Seconds = w.n, elapsed.Seconds()
	man.UnmatchedTraits = w.unmatched
	for _, t := range w.totals {
		if t.prior != nil {
			man.Populations = append(man.Populations, t.prior)
		}
	}
	if err := w.comparison(out); err != nil {
		return err
	}
	figs := map[string][]fitFigure{}
	if !noPlots {
		if figs, err = fitPlots(out, w); err != nil {
			return err
		}
	}
	man.Outputs = []string{"subjects.csv", "comparison.csv", "predictions.csv", "index.html"}
	if err := writeJSON(out, "manifest.json", man); err != nil {
		return err
	}
	if err := fitHTML(out, w, man, spec, figs); err != nil {
		return err
	}
	printComparison(e.stdout, w, man)
	return nil
}

// inputError turns errors about input files (which name file, line and
// column) into usage errors: exit status 2.
func inputError(err error) error {
	var de *dataset.Error
	if errors.As(err, &de) {
		return usageErrorf("%v", err)
	}
	return err
}

// countSubjects reads the data once to size the progress bar; any error
// leaves the total unknown (the fit reports it).
func countSubjects(path string, spec dataset.Spec) int {
	f, err := os.Open(path)
	if err != nil {
		return -1
	}
	defer f.Close()
	rd, err := dataset.NewReader(f, filepath.Base(path), spec)
	if err != nil {
		return -1
	}
	n := 0
	for rd.Next() {
		n++
	}
	if rd.Err() != nil {
		return -1
	}
	return n
}

// subjectSource returns the job source for fit.Run: subjects one at a
// time, or pools of them.
func subjectSource(rd *dataset.Reader, spec dataset.Spec, pool string, traits map[string]fit.Trait, w *fitWriter) (func() (fit.Job, bool, error), error) {
	read := func() (*fit.Sequence, *fit.Trait, bool, error) {
		if !rd.Next() {
			return nil, nil, false, rd.Err()
		}
		s := rd.Subject()
		seq, err := fit.FromSubject(s, spec)
		if err != nil {
			return nil, nil, false, err
		}
		w.trials += len(seq.Trials)
		if traits == nil {
			return seq, nil, true, nil
		}
		tr, ok := traits[s.ID]
		if !ok {
			w.unmatched = append(w.unmatched, s.ID)
			return seq, nil, true, nil
		}
		return seq, &tr, true, nil
	}
	if pool == "none" {
		return func() (fit.Job, bool, error) {
			seq, tr, ok, err := read()
			return fit.Job{Seq: seq, Trait: tr}, ok, err
		}, nil
	}
	if traits != nil {
		return nil, usageErrorf("--pool %s: cannot be combined with --questionnaire (tau is set per subject)", pool)
	}
	var pools []fit.Job
	loaded := false
	i := 0
	return func() (fit.Job, bool, error) {
		if !loaded {
			loaded = true
			byGroup := map[string][]*fit.Sequence{}
			var order []string
			for {
				seq, _, ok, err := read()
				if err != nil {
					return fit.Job{}, false, err
				}
				if !ok {
					break
				}
				key := "all"
				if pool == "group" {
					key = seq.Group
				}
				if _, seen := byGroup[key]; !seen {
					order = append(order, key)
				}
				byGroup[key] = append(byGroup[key], seq)
			}
			for _, key := range order {
				group := key
				if pool == "all" {
					group = ""
				}
				ps, err := fit.Pool(fmt.Sprintf("pool:%s (%d subjects)", key, len(byGroup[key])), group, byGroup[key])
				if err != nil {
					return fit.Job{}, false, err
				}
				pools = append(pools, fit.Job{Seq: ps})
			}
		}
		if i == len(pools) {
			return fit.Job{}, false, nil
		}
		i++
		return pools[i-1], true, nil
	}, nil
}

func loadTraits(qPath, keyPath string) (map[string]fit.Trait, questionnaireInfo, error) {
	var info questionnaireInfo
	key, err := dataset.LoadKey(keyPath)
	if err != nil {
		return nil, info, inputError(err)
	}
	qf, err := os.Open(qPath)
	if err != nil {
		return nil, info, err
	}
	defer qf.Close()
	sc, err := dataset.ScoreQuestionnaire(key, qf, filepath.Base(qPath))
	if err != nil {
		return nil, info, inputError(err)
	}
	traits, err := fit.Traits(sc)
	if err != nil {
		return nil, info, usageErrorf("%s: %v", filepath.Base(qPath), err)
	}
	info = questionnaireInfo{Path: qPath, Key: keyPath, Scale: sc.Scale, Items: sc.Items, Respondents: len(sc.Respondents),
		Skipped: len(sc.Skipped), Alpha: jsonNum(sc.Alpha)}
	for _, t := range traits {
		info.SEM = jsonNum(t.SD)
		break
	}
	return traits, info, nil
}

// manifest records what a run did, for reproducing it.
type manifest struct {
	Command         string             `json:"command"`
	Version         string             `json:"version"`
	GoVersion       string             `json:"go_version,omitempty"`
	Args            []string           `json:"args"`
	Data            *fileInfo          `json:"data,omitempty"`
	Spec            *fileInfo          `json:"spec,omitempty"`
	Questionnaire   *questionnaireInfo `json:"questionnaire,omitempty"`
	Models          []string           `json:"models,omitempty"`
	Seed            uint64             `json:"seed"`
	Restarts        int                `json:"restarts"`
	Fixed           string             `json:"fixed"`
	Free            []string           `json:"free"`
	Pool            string             `json:"pool,omitempty"`
	CVFraction      float64            `json:"cv_fraction,omitempty"`
	NoCV            bool               `json:"no_cv,omitempty"`
	Workers         int                `json:"workers,omitempty"`
	Subjects        int                `json:"subjects"`
	Fits            int                `json:"fits,omitempty"`
	Trials          int                `json:"trials,omitempty"`
	Missed          int                `json:"missed_trials,omitempty"`
	EmptySubjects   int                `json:"subjects_all_missed,omitempty"`
	UnmatchedTraits []string           `json:"subjects_without_questionnaire,omitempty"`
	Design          string             `json:"design,omitempty"`
	Ranges          map[string]string  `json:"ranges,omitempty"`
	Prior           string             `json:"prior"`
	Populations     []*fit.Population  `json:"population_priors,omitempty"`
	Seconds         float64            `json:"seconds"`
	Outputs         []string           `json:"outputs"`
}

type fileInfo struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

type questionnaireInfo struct {
	Path        string  `json:"path"`
	Key         string  `json:"key"`
	Scale       string  `json:"scale"`
	Items       int     `json:"items"`
	Respondents int     `json:"respondents"`
	Skipped     int     `json:"skipped"`
	Alpha       jsonNum `json:"cronbach_alpha"`
	SEM         jsonNum `json:"tau_standard_error"`
	TauFrom     string  `json:"tau_from"`
}

func hashFile(path string) (*fileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var h hash.Hash = sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	return &fileInfo{Path: path, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// modelTotals accumulates one model's comparison figures.
type modelTotals struct {
	name                        string
	n, k, cvN, subjects, cvSubj int
	ll, aic, bic, cvLL          float64
	bestAIC, bestBIC, bestCV    int
	warnings, notConv           int
	logEv                       float64 // summed Laplace log evidence (NaN if any fit lacks it)
	prior                       *fit.Population
}

// ibic is the integrated BIC of Huys et al. (2011) with the Laplace
// evidence: -2 sum log p(D_i | prior) + (prior parameters) ln(choices),
// counting a mean and a variance per parameter of an empirical prior.
func (t *modelTotals) ibic() float64 {
	if t.prior == nil {
		return math.NaN()
	}
	m := 0
	if t.prior.Kind == fit.PriorEmpirical {
		m = 2 * len(t.prior.Params)
	}
	return -2*t.logEv + float64(m)*math.Log(float64(t.n))
}

// curve accumulates observed and predicted choices by partner and trial.
type curve struct {
	kind     fit.Response
	obs      []float64
	pred     [][]float64 // per model
	count    []int
	subjects int
}

// fitWriter writes subjects.csv and predictions.csv as subjects arrive
// and keeps what the comparison, plots and page need (a few numbers per
// subject).
type fitWriter struct {
	o            fit.Options
	subj, pred   *csvFile
	totals       []*modelTotals
	n, trials    int
	unmatched    []string
	estimates    [][fit.NumParams]float64 // full model, per subject
	freeSeen     [fit.NumParams]bool
	curves       map[string]*curve
	partnerOrder []string
	closed       bool
}

func newFitWriter(dir string, o fit.Options) (*fitWriter, error) {
	w := &fitWriter{o: o, curves: map[string]*curve{}}
	header := []string{"subject", "group", "model", "n", "k", "loglik", "aic", "bic", "cv_loglik", "cv_n", "log_evidence"}
	for p := range fit.NumParams {
		header = append(header, p.String(), p.String()+"_se")
	}
	header = append(header, "converged", "restarts_at_best", "evals", "warnings")
	var err error
	if w.subj, err = createCSV(dir, "subjects.csv", header); err != nil {
		return nil, err
	}
	ph := []string{"subject", "partner", "trial", "response", "observed"}
	for _, v := range o.Models {
		ph = append(ph, v.Name)
	}
	if w.pred, err = createCSV(dir, "predictions.csv", ph); err != nil {
		return nil, err
	}
	for _, v := range o.Models {
		w.totals = append(w.totals, &modelTotals{name: v.Name})
	}
	return w, nil
}

func (w *fitWriter) subject(sf fit.SubjectFit) error {
	w.n++
	bestAIC, bestBIC, bestCV := 0, 0, -1
	for i, e := range sf.Estimates {
		row := []string{sf.ID, sf.Group, e.Model, strconv.Itoa(e.N), strconv.Itoa(e.K), num(e.LogLik), num(e.AIC), num(e.BIC), num(e.CVLogLik), strconv.Itoa(e.CVN), num(e.LogEvidence)}
		for p := range fit.NumParams {
			if e.Used[p] {
				row = append(row, num(e.Values[p]), num(e.SE[p]))
			} else {
				row = append(row, "NA", "NA")
			}
		}
		warn := e.Warnings
		if i == 0 {
			warn = append(append([]string(nil), sf.Warnings...), warn...)
		}
		row = append(row, strconv.FormatBool(e.Converged), strconv.Itoa(e.AtBest), strconv.Itoa(e.Evals), strings.Join(warn, "; "))
		w.subj.write(row)
		t := w.totals[i]
		t.subjects++
		t.n += e.N
		t.k += e.K
		t.ll += e.LogLik
		t.aic += e.AIC
		t.bic += e.BIC
		t.logEv += e.LogEvidence
		t.prior = e.Prior
		if len(warn) > 0 {
			t.warnings++
		}
		if !e.Converged {
			t.notConv++
		}
		if e.CVN > 0 {
			t.cvLL += e.CVLogLik
			t.cvN += e.CVN
			t.cvSubj++
			if bestCV < 0 || e.CVLogLik > sf.Estimates[bestCV].CVLogLik {
				bestCV = i
			}
		}
		if e.AIC < sf.Estimates[bestAIC].AIC {
			bestAIC = i
		}
		if e.BIC < sf.Estimates[bestBIC].BIC {
			bestBIC = i
		}
	}
	w.totals[bestAIC].bestAIC++
	w.totals[bestBIC].bestBIC++
	if bestCV >= 0 {
		w.totals[bestCV].bestCV++
	}
	full := sf.Estimates[0]
	var est [fit.NumParams]float64
	for p := range fit.NumParams {
		est[p] = math.NaN()
		if full.Free[p] {
			est[p] = full.Values[p]
			w.freeSeen[p] = true
		}
	}
	w.estimates = append(w.estimates, est)
	for i, c := range sf.Choices {
		row := []string{sf.ID, c.Partner, strconv.Itoa(c.Index), c.Response.String(), num(c.Observed)}
		for _, e := range sf.Estimates {
			row = append(row, num(e.Expected[i]))
		}
		w.pred.write(row)
		cv := w.curves[c.Partner]
		if cv == nil {
			cv = &curve{kind: c.Response, pred: make([][]float64, len(sf.Estimates))}
			w.curves[c.Partner] = cv
			w.partnerOrder = append(w.partnerOrder, c.Partner)
		}
		for len(cv.obs) < c.Index {
			cv.obs = append(cv.obs, 0)
			cv.count = append(cv.count, 0)
			for m := range cv.pred {
				cv.pred[m] = append(cv.pred[m], 0)
			}
		}
		cv.obs[c.Index-1] += c.Observed
		cv.count[c.Index-1]++
		for m, e := range sf.Estimates {
			cv.pred[m][c.Index-1] += e.Expected[i]
		}
	}
	if err := w.subj.flush(); err != nil {
		return err
	}
	return w.pred.flush()
}

func (w *fitWriter) close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	return errors.Join(w.subj.Close(), w.pred.Close())
}

// comparison writes comparison.csv: totals per model.
func (w *fitWriter) comparison(dir string) error {
	c, err := createCSV(dir, "comparison.csv", []string{"model", "description", "subjects", "n", "k", "loglik", "aic", "bic", "cv_loglik", "cv_n", "delta_aic", "delta_bic", "delta_cv_loglik", "best_aic", "best_bic", "best_cv", "with_warnings", "not_converged", "log_evidence", "ibic", "delta_ibic"})
	if err != nil {
		return err
	}
	full := w.totals[0]
	desc := map[string]string{}
	for _, v := range fit.Variants() {
		desc[v.Name] = v.Description
	}
	for _, t := range w.totals {
		cvll, dcv := math.NaN(), math.NaN()
		if t.cvN > 0 {
			cvll, dcv = t.cvLL, t.cvLL-full.cvLL
		}
		c.write([]string{t.name, desc[t.name], strconv.Itoa(t.subjects), strconv.Itoa(t.n), strconv.Itoa(t.k), num(t.ll), num(t.aic), num(t.bic),
			num(cvll), strconv.Itoa(t.cvN), num(t.aic - full.aic), num(t.bic - full.bic), num(dcv),
			strconv.Itoa(t.bestAIC), strconv.Itoa(t.bestBIC), strconv.Itoa(t.bestCV), strconv.Itoa(t.warnings), strconv.Itoa(t.notConv),
			num(t.logEvidence()), num(t.ibic()), num(t.ibic() - full.ibic())})
	}
	return c.Close()
}

// logEvidence is the summed log evidence, NaN under maximum likelihood.
func (t *modelTotals) logEvidence() float64 {
	if t.prior == nil {
		return math.NaN()
	}
	return t.logEv
}

// comparisonRows are the rows of the comparison table; with a prior they
// end with the integrated BIC.
func (w *fitWriter) comparisonRows() [][]string {
	var rows [][]string
	full := w.totals[0]
	for _, t := range w.totals {
		cv, dcv := "NA", "NA"
		if t.cvN > 0 {
			cv, dcv = fmt.Sprintf("%.1f", t.cvLL), fmt.Sprintf("%+.1f", t.cvLL-full.cvLL)
		}
		row := []string{t.name, strconv.Itoa(t.k), fmt.Sprintf("%.1f", t.ll), fmt.Sprintf("%.1f", t.aic), fmt.Sprintf("%+.1f", t.aic-full.aic),
			fmt.Sprintf("%.1f", t.bic), fmt.Sprintf("%+.1f", t.bic-full.bic), cv, dcv,
			fmt.Sprintf("%d/%d/%d", t.bestAIC, t.bestBIC, t.bestCV)}
		if w.o.Prior != fit.PriorNone {
			ib, dib := "NA", "NA"
			if x := t.ibic(); !math.IsNaN(x) {
				ib = fmt.Sprintf("%.1f", x)
			}
			if d := t.ibic() - full.ibic(); !math.IsNaN(d) {
				dib = fmt.Sprintf("%+.1f", d)
			}
			row = append(row, ib, dib)
		}
		rows = append(rows, row)
	}
	return rows
}

func (w *fitWriter) comparisonHeader() []string {
	h := []string{"model", "k", "loglik", "AIC", "ΔAIC", "BIC", "ΔBIC", "CV loglik", "ΔCV", "best AIC/BIC/CV"}
	if w.o.Prior != fit.PriorNone {
		h = append(h, "iBIC", "ΔiBIC")
	}
	return h
}

func printComparison(wr io.Writer, w *fitWriter, man manifest) {
	unit := "subjects"
	if man.Pool != "none" {
		unit = "pools"
	}
	fmt.Fprintf(wr, "fitted %d %s (%d subjects, %d trials, %d missed trials skipped) in %.1f s\n\n", man.Fits, unit, man.Subjects, man.Trials, man.Missed, man.Seconds)
	tw := tabwriter.NewWriter(wr, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, strings.Join(w.comparisonHeader(), "\t")+"\t")
	for _, r := range w.comparisonRows() {
		fmt.Fprintln(tw, strings.Join(r, "\t")+"\t")
	}
	tw.Flush()
	fmt.Fprintf(wr, "\nk: free parameters summed over fits; Δ: difference from the full model (lower AIC/BIC, higher CV log-likelihood is better);\nbest: fits for which the model has the best AIC / BIC / held-out log-likelihood.\n")
	if w.o.Prior != fit.PriorNone {
		fmt.Fprintf(wr, "estimates are MAP under the %s prior: log-likelihood, AIC and BIC are at the MAP; iBIC = -2 log evidence (Laplace) + prior parameters x ln(choices) compares models under their priors.\n", w.o.Prior)
	}
	if w.totals[0].warnings > 0 {
		fmt.Fprintf(wr, "%d of %d full-model fits have warnings (see the warnings column of subjects.csv)\n", w.totals[0].warnings, man.Fits)
	}
	if len(man.UnmatchedTraits) > 0 {
		fmt.Fprintf(wr, "%d subjects without a questionnaire score: tau estimated freely for them\n", len(man.UnmatchedTraits))
	}
}
