package fitrun

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/trustlab/trustlab/dataset"
	"github.com/trustlab/trustlab/fit"
)

// modelTotals accumulates one model's comparison figures.
type modelTotals struct {
	name                        string
	n, k, cvN, subjects, cvSubj int
	ll, aic, bic, cvLL          float64
	bestAIC, bestBIC, bestCV    int
	warnings, notConv           int
	logEv                       float64 // summed Laplace log evidence (NaN if any fit lacks it)
	loso                        float64 // summed leave-one-subject-out log evidence (NaN if any lacks it)
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
	cv           *csvFile // cv_predictions.csv (nil with NoCV)
	totals       []*modelTotals
	n, trials    int
	unmatched    []string
	estimates    [][fit.NumParams]float64 // full model, per subject
	freeSeen     [fit.NumParams]bool
	params       []fit.Param // the parameter columns of subjects.csv
	trustee      bool        // the subjects are trustees (fit.TrusteeModels)
	recip        *reciprocityCurve
	samples      *sampleWriter // samples.parquet and intervals.csv (nil: none)
	curves       map[string]*curve
	partnerOrder []string
	closed       bool
	dropped      []DroppedSubject
	noFeedback   bool // the data hold no feedback: learning is not testable
	unconverted  int  // dropped subjects whose rows read but do not make a sequence
	warnings     []string
	pooledLOSO   []float64 // per model: log-likelihood of left-out subjects under pools fitted without them
	ppc          *ppcTotals
}

// ppcTotals accumulates the posterior predictive replications: per model
// replicated (the full model, the baseline) and replication, the summed
// simulated choice by partner and trial, and the histogram of amounts.
type ppcTotals struct {
	models []string // names of the replicated models
	index  []int    // their indexes in the fit's models
	curves map[string]*ppcCurve
	hist   *ppcHist
}

type ppcCurve struct {
	sim [][][]float64 // [model][replication][trial]
}

type ppcHist struct {
	obs  []float64     // observed count per tenth of the endowment
	sim  [][][]float64 // [model][replication][bin]
	obsN int
}

// add accumulates one subject's replicas.
func (pt *ppcTotals) add(sf fit.SubjectFit, reps int) {
	for m, k := range pt.index {
		if sf.Replicas == nil || len(sf.Replicas[k]) != reps {
			return
		}
		for r, rep := range sf.Replicas[k] {
			for i, c := range sf.Choices {
				pc := pt.curves[c.Partner]
				if pc == nil {
					pc = &ppcCurve{sim: make([][][]float64, len(pt.index))}
					for j := range pc.sim {
						pc.sim[j] = make([][]float64, reps)
					}
					pt.curves[c.Partner] = pc
				}
				for len(pc.sim[m][r]) < c.Index {
					pc.sim[m][r] = append(pc.sim[m][r], 0)
				}
				pc.sim[m][r][c.Index-1] += rep[i]
				if c.Response == fit.Amount {
					if pt.hist == nil {
						pt.hist = &ppcHist{obs: make([]float64, 11), sim: make([][][]float64, len(pt.index))}
						for j := range pt.hist.sim {
							pt.hist.sim[j] = make([][]float64, reps)
							for rr := range reps {
								pt.hist.sim[j][rr] = make([]float64, 11)
							}
						}
					}
					pt.hist.sim[m][r][int(math.Round(10*rep[i]))]++
					if m == 0 && r == 0 {
						pt.hist.obs[int(math.Round(10*c.Observed))]++
						pt.hist.obsN++
					}
				}
			}
		}
	}
}

// showLOSO reports whether the comparison has leave-one-subject-out scores.
func (w *fitWriter) showLOSO() bool {
	return w.pooledLOSO != nil || (w.o.LOSO && w.o.Prior == fit.PriorEmpirical)
}

// untestable says why a model cannot be told apart from the full model
// by these data ("" if it can).
func (w *fitWriter) untestable(name string) string {
	base, _, _ := strings.Cut(name, "[")
	base, _, _ = strings.Cut(base, "+")
	if w.noFeedback && (base == "no_learning" || base == "no_asymmetry") {
		return "not testable: the data hold no feedback"
	}
	return ""
}

// drop records a subject left out for its bad rows.
func (w *fitWriter) drop(id string, errs []*dataset.Error) {
	d := DroppedSubject{ID: id}
	for _, e := range errs {
		d.Errors = append(d.Errors, e.Error())
	}
	w.dropped = append(w.dropped, d)
}

// reciprocityCurve accumulates trustees' returned fractions, observed
// and predicted, by the share the trustor sent (in tenths).
type reciprocityCurve struct {
	obs   [11]float64
	pred  [][11]float64 // per model
	count [11]int
}

// trusteeParams are the parameter columns of a trustee fit's subjects.csv.
var trusteeParams = []fit.Param{fit.Phi, fit.Lapse, fit.Hurdle, fit.Round, fit.RetBase, fit.RetRecip, fit.Base}

func newFitWriter(dir string, o fit.Options, trustee bool) (*fitWriter, error) {
	w := &fitWriter{o: o, curves: map[string]*curve{}, trustee: trustee}
	if trustee {
		w.params = trusteeParams
		w.recip = &reciprocityCurve{pred: make([][11]float64, len(o.Models))}
	} else {
		for p := range fit.NumParams {
			if p != fit.RetBase && p != fit.RetRecip {
				w.params = append(w.params, p)
			}
		}
	}
	header := []string{"subject", "group", "model", "n", "k", "loglik", "aic", "bic", "cv_loglik", "cv_n", "log_evidence", "loso_log_evidence"}
	for _, p := range w.params {
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
	if o.Samples > 0 && o.Prior != fit.PriorNone {
		if w.samples, err = newSampleWriter(dir); err != nil {
			return nil, err
		}
	}
	if !o.NoCV {
		if w.cv, err = createCSV(dir, "cv_predictions.csv", []string{"subject", "model", "fold", "partner", "trial", "response", "observed", "expected", "logprob"}); err != nil {
			return nil, err
		}
	}
	for k, v := range o.Models {
		w.totals = append(w.totals, &modelTotals{name: v.Name})
		if o.Replications > 0 && (k == 0 || v.Baseline()) {
			if _, own := v.Response(); own && k != 0 {
				continue
			}
			if w.ppc == nil {
				w.ppc = &ppcTotals{curves: map[string]*ppcCurve{}}
			}
			w.ppc.models = append(w.ppc.models, v.Name)
			w.ppc.index = append(w.ppc.index, k)
		}
	}
	return w, nil
}

func (w *fitWriter) subject(sf fit.SubjectFit) error {
	w.n++
	bestAIC, bestBIC, bestCV := 0, 0, -1
	for i, e := range sf.Estimates {
		row := []string{sf.ID, sf.Group, e.Model, strconv.Itoa(e.N), strconv.Itoa(e.K), num(e.LogLik), num(e.AIC), num(e.BIC), num(e.CVLogLik), strconv.Itoa(e.CVN), num(e.LogEvidence), num(e.LOSOLogEvidence)}
		for _, p := range w.params {
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
		t.loso += e.LOSOLogEvidence
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
	if w.ppc != nil {
		w.ppc.add(sf, w.o.Replications)
	}
	if w.samples != nil {
		if err := w.samples.add(sf); err != nil {
			return err
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
		if w.recip != nil {
			b := int(math.Round(10 * c.Trusted))
			w.recip.obs[b] += c.Observed
			w.recip.count[b]++
			for m, e := range sf.Estimates {
				w.recip.pred[m][b] += e.Expected[i]
			}
		}
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
	if w.cv != nil {
		for _, e := range sf.Estimates {
			for _, cp := range e.CV {
				c := sf.Choices[cp.Trial]
				w.cv.write([]string{sf.ID, e.Model, strconv.Itoa(cp.Fold), c.Partner, strconv.Itoa(c.Index), c.Response.String(), num(c.Observed), num(cp.Expected), num(cp.LogProb)})
			}
		}
		if err := w.cv.flush(); err != nil {
			return err
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
	var cvErr error
	if w.cv != nil {
		cvErr = w.cv.Close()
	}
	return errors.Join(w.subj.Close(), w.pred.Close(), cvErr, w.samples.close())
}

// comparison writes comparison.csv: totals per model.
func (w *fitWriter) comparison(dir string) error {
	c, err := createCSV(dir, "comparison.csv", []string{"model", "description", "subjects", "n", "k", "loglik", "aic", "bic", "cv_loglik", "cv_n", "delta_aic", "delta_bic", "delta_cv_loglik", "best_aic", "best_bic", "best_cv", "with_warnings", "not_converged", "log_evidence", "ibic", "delta_ibic", "loso_log_evidence", "delta_loso", "note"})
	if err != nil {
		return err
	}
	full := w.totals[0]
	desc := map[string]string{}
	for _, v := range w.o.Models {
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
			num(t.logEvidence()), num(t.ibic()), num(t.ibic() - full.ibic()), num(t.loso), num(t.loso - full.loso), w.untestable(t.name)})
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
		daic, dbic := fmt.Sprintf("%+.1f", t.aic-full.aic), fmt.Sprintf("%+.1f", t.bic-full.bic)
		if w.untestable(t.name) != "" {
			daic, dbic, dcv = "not testable", "not testable", "not testable"
		}
		row := []string{t.name, strconv.Itoa(t.k), fmt.Sprintf("%.1f", t.ll), fmt.Sprintf("%.1f", t.aic), daic,
			fmt.Sprintf("%.1f", t.bic), dbic, cv, dcv,
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
		if w.showLOSO() {
			l, dl := "NA", "NA"
			if !math.IsNaN(t.loso) {
				l = fmt.Sprintf("%.1f", t.loso)
			}
			if d := t.loso - full.loso; !math.IsNaN(d) {
				dl = fmt.Sprintf("%+.1f", d)
			}
			row = append(row, l, dl)
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
	if w.showLOSO() {
		h = append(h, "LOSO", "ΔLOSO")
	}
	return h
}

// losses says in words where the full model loses: every other model
// that beats it by a criterion, with the margin, and the models best for
// more subjects. It is generated from the totals, for the report.
func (w *fitWriter) losses() string {
	full := w.totals[0]
	var parts []string
	for _, t := range w.totals[1:] {
		if w.untestable(t.name) != "" {
			continue
		}
		var by []string
		if t.cvN > 0 && full.cvN > 0 && t.cvLL > full.cvLL+0.05 {
			by = append(by, fmt.Sprintf("held-out log-likelihood by %.1f", t.cvLL-full.cvLL))
		}
		if w.showLOSO() && !math.IsNaN(t.loso-full.loso) && t.loso > full.loso+0.05 {
			by = append(by, fmt.Sprintf("leave-one-subject-out by %.1f", t.loso-full.loso))
		}
		if d := full.ibic() - t.ibic(); !math.IsNaN(d) && d > 0.05 {
			by = append(by, fmt.Sprintf("iBIC by %.1f", d))
		}
		if d := full.aic - t.aic; d > 0.05 {
			by = append(by, fmt.Sprintf("AIC by %.1f", d))
		}
		if d := full.bic - t.bic; d > 0.05 {
			by = append(by, fmt.Sprintf("BIC by %.1f", d))
		}
		if len(by) > 0 {
			parts = append(parts, t.name+" beats it by "+strings.Join(by, ", "))
		}
	}
	text := "Where the pyramid model (full) loses: "
	if w.trustee {
		text = "Where the trustee model (reciprocity) loses: "
	}
	if len(parts) == 0 {
		text += "nowhere in total: no other model beats it by any criterion of the table."
	} else {
		text += strings.Join(parts, "; ") + "."
	}
	most, who := full.bestCV, full.name
	for _, t := range w.totals[1:] {
		if t.bestCV > most {
			most, who = t.bestCV, t.name
		}
	}
	if who != full.name && full.cvN > 0 {
		text += fmt.Sprintf(" Per subject, %s predicts the held-out choices best most often (%s; full: %d).", who, plural(most, "fit"), full.bestCV)
	}
	return text
}
