package fitrun

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat"

	"github.com/trustlab/trustlab/dataset"
	"github.com/trustlab/trustlab/fit"
	"github.com/trustlab/trustlab/report"
)

// fitFigure is a saved figure with its caption.
type fitFigure struct {
	files        []string
	caption, alt string
}

// plotFileName turns a partner or parameter name into a file name part.
func plotFileName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteRune('_')
		}
	}
	if b.Len() == 0 {
		return "x"
	}
	return b.String()
}

// fitPlots draws observed against predicted choices by trial for each
// partner, and the distributions of the full model's estimates.
func fitPlots(dir string, w *fitWriter) (map[string][]fitFigure, error) {
	figs := map[string][]fitFigure{}
	zero, one := 0.0, 1.0
	// Partners: at most 12 curves (pooled fits rename partners per subject).
	partners := w.partnerOrder
	if len(partners) > 12 || w.trustee {
		partners = nil // a trustee's partners are its trustors: see the reciprocity curve
	}
	if w.trustee {
		fig, err := reciprocityPlot(dir, w)
		if err != nil {
			return nil, err
		}
		if fig != nil {
			figs["choices"] = append(figs["choices"], *fig)
		}
	}
	for _, name := range partners {
		cv := w.curves[name]
		x, obs := cv.observed()
		series := []report.Series{{Name: "observed", X: x, Y: obs}}
		for m, t := range w.totals {
			if t.name != "full" && t.name != "no_learning" && t.name != "baseline" {
				continue
			}
			y := make([]float64, len(x))
			for i := range y {
				y[i] = math.NaN()
				if cv.count[i] > 0 {
					y[i] = cv.pred[m][i] / float64(cv.count[i])
				}
			}
			series = append(series, report.Series{Name: t.name, X: x, Y: y})
		}
		ylabel := "mean fraction of the endowment sent"
		what := "the mean fraction sent"
		if cv.kind == fit.TwoOption {
			ylabel, what = "share choosing the high offer", "the share of high offers chosen"
		} else if cv.kind == fit.Binary {
			ylabel, what = "share sending", "the share sending"
		}
		chart := report.LineChart{Title: "Partner " + name + ": observed and predicted", XLabel: "trial with this partner", YLabel: ylabel,
			Series: series, YMin: &zero, YMax: &one, Points: len(x) <= 40}
		files, err := report.Save(dir, "choices_"+plotFileName(name), chart, report.SaveOptions{})
		if err != nil {
			return nil, err
		}
		n := 0
		for _, c := range cv.count {
			n = max(n, c)
		}
		figs["choices"] = append(figs["choices"], fitFigure{files: files,
			caption: fmt.Sprintf("Partner %s: %s by trial (mean over up to %d fits) and the mean prediction of the full model, the no-learning variant and the baseline, each at its own estimates.", name, what, n),
			alt:     fmt.Sprintf("Line chart of %s with partner %s by trial, observed and predicted by three models.", what, name)})
	}
	for p := range fit.Base {
		if !w.freeSeen[p] {
			continue
		}
		var vals []float64
		for _, e := range w.estimates {
			if !math.IsNaN(e[p]) {
				v := e[p]
				if fit.DefaultBounds()[p].Scale == fit.Logarithmic {
					v = math.Log10(v)
				}
				vals = append(vals, v)
			}
		}
		if len(vals) < 2 {
			continue
		}
		label := p.String()
		if fit.DefaultBounds()[p].Scale == fit.Logarithmic {
			label = "log10 " + label
		}
		title := "Full model: "
		if w.trustee {
			title = "Trustee model: "
		}
		h := report.Histogram{Title: title + p.String(), XLabel: label, Samples: []report.Sample{{Name: p.String(), Values: vals}}}
		files, err := report.Save(dir, "param_"+p.String(), h, report.SaveOptions{})
		if err != nil {
			return nil, err
		}
		figs["params"] = append(figs["params"], fitFigure{files: files,
			caption: fmt.Sprintf("Distribution of the %s model's estimates of %s over %d fits (estimates at a bound included).", w.totals[0].name, label, len(vals)),
			alt:     fmt.Sprintf("Histogram of %s estimates.", p)})
	}
	ivs, err := intervalPlots(dir, w)
	if err != nil {
		return nil, err
	}
	figs["intervals"] = ivs
	if cmp, err := comparisonPlot(dir, w); err != nil {
		return nil, err
	} else if cmp != nil {
		figs["comparison"] = []fitFigure{*cmp}
	}
	if !w.trustee {
		ppc, err := ppcPlots(dir, w)
		if err != nil {
			return nil, err
		}
		figs["ppc"] = ppc
	}
	return figs, nil
}

// ppcPlots draws the posterior predictive checks: per partner the observed
// mean choice by trial against the mean of sequences simulated from the
// full model's (and the baseline's) estimates, with the central 90% of
// the replications; and the distribution of amounts sent.
func ppcPlots(dir string, w *fitWriter) ([]fitFigure, error) {
	if w.ppc == nil {
		return nil, nil
	}
	var figs []fitFigure
	zero, one := 0.0, 1.0
	reps := w.o.Replications
	partners := w.partnerOrder
	if len(partners) > 12 {
		partners = nil
	}
	for _, name := range partners {
		cv, pc := w.curves[name], w.ppc.curves[name]
		x, obs := cv.observed()
		series := []report.Series{{Name: "observed", X: x, Y: obs}}
		for m, mname := range w.ppc.models {
			mean, lo, hi := make([]float64, len(x)), make([]float64, len(x)), make([]float64, len(x))
			for i := range x {
				mean[i], lo[i], hi[i] = math.NaN(), math.NaN(), math.NaN()
				if cv.count[i] == 0 || i >= len(pc.sim[m][0]) {
					continue
				}
				vals := make([]float64, reps)
				for r := range reps {
					vals[r] = pc.sim[m][r][i] / float64(cv.count[i])
				}
				mean[i] = stat.Mean(vals, nil)
				slices.Sort(vals)
				lo[i], hi[i] = stat.Quantile(0.05, stat.Empirical, vals, nil), stat.Quantile(0.95, stat.Empirical, vals, nil)
			}
			series = append(series, report.Series{Name: mname + " (simulated)", X: x, Y: mean, Lo: lo, Hi: hi})
		}
		chart := report.LineChart{Title: "Partner " + name + ": observed and simulated", XLabel: "trial with this partner", YLabel: "mean choice (fraction sent, or share choosing more)",
			Series: series, YMin: &zero, YMax: &one}
		files, err := report.Save(dir, "ppc_"+plotFileName(name), chart, report.SaveOptions{})
		if err != nil {
			return nil, err
		}
		figs = append(figs, fitFigure{files: files,
			caption: fmt.Sprintf("Posterior predictive check, partner %s: the observed mean choice by trial against %d whole sequences simulated per subject from each model's estimates (with the feedback the subjects saw); bands hold the central 90%% of the replications' means.", name, reps),
			alt:     fmt.Sprintf("Line chart of the observed and simulated mean choice with partner %s by trial.", name)})
	}
	if h := w.ppc.hist; h != nil && h.obsN > 0 {
		cats := make([]string, len(h.obs))
		for b := range cats {
			cats[b] = strconv.FormatFloat(float64(b)/float64(len(h.obs)-1), 'f', 1, 64)
		}
		groups := []report.Bars{{Name: "observed", Values: scale(h.obs, 1/float64(h.obsN))}}
		for m, mname := range w.ppc.models {
			vals, lo, hi := make([]float64, len(cats)), make([]float64, len(cats)), make([]float64, len(cats))
			for b := range cats {
				xs := make([]float64, reps)
				for r := range reps {
					xs[r] = h.sim[m][r][b] / float64(h.obsN)
				}
				vals[b] = stat.Mean(xs, nil)
				slices.Sort(xs)
				lo[b], hi[b] = stat.Quantile(0.05, stat.Empirical, xs, nil), stat.Quantile(0.95, stat.Empirical, xs, nil)
			}
			groups = append(groups, report.Bars{Name: mname + " (simulated)", Values: vals, Lo: lo, Hi: hi})
		}
		chart := report.BarChart{Title: "Amounts sent: observed and simulated", XLabel: "fraction of the endowment sent (nearest tenth)", YLabel: "share of choices", Categories: cats, Groups: groups}
		files, err := report.Save(dir, "ppc_amounts", chart, report.SaveOptions{})
		if err != nil {
			return nil, err
		}
		figs = append(figs, fitFigure{files: files,
			caption: fmt.Sprintf("Posterior predictive check: the distribution of the %d graded amounts sent, observed and in %d simulated replications of every subject (error bars: central 90%% of the replications).", h.obsN, reps),
			alt:     "Bar chart of the share of choices by fraction sent, observed and simulated."})
	}
	return figs, nil
}

func scale(xs []float64, f float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = x * f
	}
	return out
}

func toFigures(fs []fitFigure) []report.Figure {
	var out []report.Figure
	for _, f := range fs {
		out = append(out, report.NewFigure(f.files, f.caption, f.alt))
	}
	return out
}

func fitHTML(dir string, w *fitWriter, man Manifest, spec dataset.Spec, figs map[string][]fitFigure) error {
	if w.trustee {
		return trusteeHTML(dir, w, man, spec, figs)
	}
	var fixed []string
	for p := range fit.Base {
		if !w.freeSeen[p] {
			fixed = append(fixed, p.String())
		}
	}
	unit := "subject"
	if man.Pool != "none" {
		unit = "pool of subjects (" + man.Pool + ")"
	}
	intro := fmt.Sprintf("The pyramid model of trust fitted %s to %s (%s): %d subjects, %d trials, %d missed trials skipped. One fit per %s; %d restarts; cross-validation on the last %.0f%% of each partner's trials.",
		estimatorPhrase(w.totals[0].prior), filepath.Base(man.Data.Path), spec.Name, man.Subjects, man.Trials, man.Missed, unit, man.Restarts, 100*(1-man.CVFraction))
	if man.CVFolds > 1 {
		intro = strings.Replace(intro, fmt.Sprintf("cross-validation on the last %.0f%% of each partner's trials", 100*(1-man.CVFraction)), fmt.Sprintf("blocked %d-fold cross-validation over each partner's trials (every trial held out once; cv_predictions.csv)", man.CVFolds), 1)
	}
	if man.NoCV {
		intro = strings.Replace(intro, fmt.Sprintf("cross-validation on the last %.0f%% of each partner's trials", 100*(1-man.CVFraction)), "no cross-validation", 1)
	}
	if pop := w.totals[0].prior; pop != nil {
		intro += "\n\nEstimator of the full model: " + EstimatorText(pop) + ". Every model's prior is in manifest.json."
	}
	intro += "\n\nEstimated in the full model: " + strings.Join(freeList(w), ", ") + ". Fixed: " + strings.Join(fixed, ", ") + " (MODEL.md defaults unless --fix says otherwise; see docs/fitting.md for why)."
	if q := man.Questionnaire; q != nil {
		intro += fmt.Sprintf("\n\nTrait from the questionnaire %s (%d items, Cronbach's alpha %.3f, standard error of tau %.3f): tau %s.", q.Scale, q.Items, float64(q.Alpha), float64(q.SEM), map[string]string{"fix": "fixed at the score", "prior": "estimated with a normal prior around the score"}[q.TauFrom])
	}
	intro += "\n\nResponse model (how an intended fraction becomes a choice): " + man.Response + " (docs/fitting.md, \"Response models\"); models named MODEL[RESPONSE] use the response model in brackets instead."
	intro += w.notes()
	page := report.Page{
		Title: "trustlab fit: " + spec.Name,
		Intro: intro,
		Sections: append(fitSections(w, figs,
			"Totals over fits. Lower AIC and BIC are better; the cross-validated log-likelihood scores held-out choices under parameters fitted to the earlier ones (higher is better). Δ is the difference from the full model.",
			"Observed and predicted choices", "Not drawn (more than 12 partners, or --no-plots): see predictions.csv."),
			report.Section{Heading: "Posterior predictive checks", Text: "Whole sequences simulated from the fitted subjects, against what they did: does the model reproduce the course of trust with each partner and the shape of the amounts, not just one choice at a time?", Figures: toFigures(figs["ppc"])},
		),
		Manifest: man,
		Files:    w.files(),
	}
	if slices.Contains(man.Outputs, "trustees/index.html") {
		page.Files = append(page.Files, report.Link{Href: "trustees/index.html", Text: "the trustees' fit (trustees/)"})
	}
	if !man.NoCV {
		page.Files = append(page.Files, report.Link{Href: "cv_predictions.csv"})
	}
	if len(man.Dropped) > 0 {
		tab := report.Table{Caption: "Subjects left out (--drop-invalid)", Header: []string{"subject", "bad rows"}}
		for _, d := range man.Dropped {
			tab.Rows = append(tab.Rows, []string{d.ID, strings.Join(d.Errors, "\n")})
		}
		page.Sections = append(page.Sections, report.Section{Heading: "Subjects left out", Text: fmt.Sprintf("%d subjects with bad rows were left out of every fit (--drop-invalid).", len(man.Dropped)), Tables: []report.Table{tab}})
	}
	if len(figs["ppc"]) == 0 {
		page.Sections[4].Text = "Not drawn (--no-plots, --replications 0, or more than 12 partners)."
	}
	return writePage(dir, page)
}

// fitSections are the sections a fit's page begins with: the model
// comparison (about says how to read it), the choices against the
// predictions (headed choices; noChoices says why they are not drawn),
// the parameter estimates and their uncertainty.
func fitSections(w *fitWriter, figs map[string][]fitFigure, about, choices, noChoices string) []report.Section {
	s := []report.Section{
		w.comparisonSection(about, figs["comparison"]),
		{Heading: choices, Figures: toFigures(figs["choices"])},
		{Heading: "Parameter estimates", Figures: toFigures(figs["params"])},
		uncertaintySection(w, figs),
	}
	if len(figs["choices"]) == 0 {
		s[1].Text = noChoices
	}
	if len(figs["params"]) == 0 {
		s[2].Text = "Not drawn (--no-plots or fewer than two fits): see subjects.csv."
	}
	return s
}

func freeList(w *fitWriter) []string {
	var out []string
	for p := range fit.Base {
		if w.freeSeen[p] {
			out = append(out, p.String())
		}
	}
	return out
}

func writePage(dir string, page report.Page) error {
	f, err := os.Create(filepath.Join(dir, "index.html"))
	if err != nil {
		return err
	}
	if err := report.WriteHTML(f, page); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// recoveryPlots draws true against estimated values for every free
// parameter and the ratio w_minus/w_plus.
func recoveryPlots(dir string, rec *fit.Recovery) (map[string][]string, error) {
	figs := map[string][]string{}
	for _, p := range rec.Params {
		if !p.Free {
			continue
		}
		x, y := p.True, p.Estim
		label := p.Name
		if p.Range.Log {
			x, y = logs(x), logs(y)
			label = "log10 " + p.Name
		}
		chart := report.ScatterChart{Title: fmt.Sprintf("%s: r = %.2f", p.Name, p.Pearson), XLabel: "true " + label, YLabel: "estimated " + label,
			Groups: []report.Series{{X: x, Y: y}}, Diagonal: true}
		files, err := report.Save(dir, "recovery_"+plotFileName(p.Name), chart, report.SaveOptions{Width: 12 * 28.3464567, Height: 12 * 28.3464567})
		if err != nil {
			return nil, err
		}
		figs[p.Name] = files
	}
	return figs, nil
}

func logs(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = math.Log10(x)
	}
	return out
}

func recoveryHTML(dir string, rec *fit.Recovery, man Manifest, figs map[string][]string) error {
	var rows [][]string
	var figures []report.Figure
	for _, p := range rec.Params {
		if p.Free {
			rows = append(rows, []string{p.Name, p.Range.String(), fmt.Sprintf("%.3f", p.Pearson), fmt.Sprintf("%.3f", p.Spearman), fmt.Sprintf("%+.3f", p.Bias), fmt.Sprintf("%+.3f", p.MedianBias), fmt.Sprint(p.AtBound), p.Note})
			if f, ok := figs[p.Name]; ok {
				figures = append(figures, report.NewFigure(f, fmt.Sprintf("%s: true against estimated over %d synthetic subjects; the dashed line is y = x (Pearson r %.3f on the drawing scale).", p.Name, len(p.True), p.Pearson),
					fmt.Sprintf("Scatter plot of true and estimated %s.", p.Name)))
			}
		} else {
			rows = append(rows, []string{p.Name, "fixed at " + num(p.Fixed), "NA", "NA", "NA", "NA", "NA", p.Note})
		}
	}
	page := report.Page{
		Title: "trustlab recover: parameter recovery",
		Intro: fmt.Sprintf("%d synthetic subjects simulated by the pyramid model and fitted %s (%d restarts each). Design: %s.\n\nEstimator: %s.\n\nA parameter is recoverable when true and estimated values correlate strongly; r is the Pearson correlation on the scale the values were drawn on (log for log-uniform ranges).",
			rec.Subjects, estimatorPhrase(rec.Fits[0].Estimates[0].Prior), man.Restarts, DesignText(rec.Design), EstimatorText(rec.Fits[0].Estimates[0].Prior)),
		Sections: []report.Section{
			{Heading: "Recovery per parameter", Tables: []report.Table{{Caption: "True against estimated values", Header: []string{"parameter", "drawn from", "r", "Spearman", "mean bias", "median bias", "at bound", "note"}, Rows: rows}}},
			{Heading: "True against estimated", Figures: figures},
		},
		Manifest: man,
		Files:    []report.Link{{Href: "recovery.csv"}, {Href: "subjects.csv"}, {Href: "manifest.json"}},
	}
	if len(figures) == 0 {
		page.Sections[1].Text = "Not drawn (--no-plots)."
	}
	return writePage(dir, page)
}

// estimatorPhrase says how estimates were made, for page intros.
func estimatorPhrase(pop *fit.Population) string {
	switch {
	case pop == nil:
		return "by maximum likelihood"
	case pop.Kind == fit.PriorWeak:
		return "by maximum a posteriori under a fixed weak prior"
	}
	return "by empirical Bayes (maximum a posteriori under a population prior estimated from all subjects)"
}

// DesignText describes a recovery design in one line.
func DesignText(d fit.Design) string {
	var ps []string
	for _, p := range d.Partners {
		ps = append(ps, fmt.Sprintf("%s: %d trials, reciprocates %g", p.Name, p.Trials, p.Reciprocation))
	}
	fb := "feedback every trial"
	if d.AfterTrust {
		fb = "feedback after trust"
	}
	order := "blocks"
	if d.Interleaved {
		order = "interleaved"
	}
	return fmt.Sprintf("%s; endowment %d, multiplier %g, reciprocation returns %g; %s; %s",
		strings.Join(ps, "; "), d.Endowment, d.Multiplier, d.HonourReturn, fb, order)
}

// EstimatorText describes the estimator of a fit whose prior is pop (nil:
// maximum likelihood), naming the CLI's --prior value and, under
// empirical Bayes, the population prior.
func EstimatorText(pop *fit.Population) string {
	if pop == nil {
		return "maximum likelihood (--prior none)"
	}
	if pop.Kind == fit.PriorWeak {
		return fmt.Sprintf("MAP under a fixed weak prior N(0, %d^2) on each parameter's unbounded scale (--prior weak)", fit.WeakSD)
	}
	conv := "converged"
	if !pop.Converged {
		conv = "not converged"
	}
	var parts []string
	for i, p := range pop.Params {
		parts = append(parts, fmt.Sprintf("%v %.3g [%.3g, %.3g]", p, pop.Center[i], pop.Lo[i], pop.Hi[i]))
	}
	return fmt.Sprintf("empirical Bayes (--prior empirical; %d EM iterations, %s); population median [central 68%%]: %s",
		pop.Iterations, conv, strings.Join(parts, ", "))
}

// comparisonPlot draws the held-out log-likelihood of every model relative
// to the full model (leave-one-subject-out where the fit has it, else the
// cross-validated one), and the number of fits each model predicts best.
func comparisonPlot(dir string, w *fitWriter) (*fitFigure, error) {
	full := w.totals[0]
	score, what := func(t *modelTotals) float64 { return t.cvLL - full.cvLL }, "held-out log-likelihood (last trials)"
	if w.showLOSO() {
		score, what = func(t *modelTotals) float64 { return t.loso - full.loso }, "leave-one-subject-out log score"
	} else if full.cvN == 0 {
		return nil, nil
	}
	var cats []string
	var vals, best []float64
	for _, t := range w.totals[1:] {
		// Two lines per label, so that a dozen models fit side by side.
		label := strings.Replace(strings.Replace(t.name, "_", "\n", 1), "[", "\n[", 1)
		cats = append(cats, label)
		vals = append(vals, score(t))
		best = append(best, float64(t.bestCV))
	}
	chart := report.BarChart{Title: "Models against the pyramid model: " + what, XLabel: "model", YLabel: "difference from full (positive: better than full)",
		Categories: cats, Groups: []report.Bars{{Name: what, Values: vals}}}
	files, err := report.Save(dir, "comparison", chart, report.SaveOptions{Width: report.DefaultWidth * 1.6})
	if err != nil {
		return nil, err
	}
	counts := make([]string, len(cats))
	for i, t := range w.totals[1:] {
		counts[i] = fmt.Sprintf("%s %d", t.name, int(best[i]))
	}
	return &fitFigure{files: files,
		caption: fmt.Sprintf("Each model's %s minus the full model's (bars above zero beat it). Fits for which each model predicts the held-out trials best: full %d, %s.", what, full.bestCV, strings.Join(counts, ", ")),
		alt:     "Bar chart of each model's held-out score relative to the full model."}, nil
}

// observed returns the trial numbers 1, 2, ... and the observed mean
// choice at each (NaN where no fit has that trial).
func (cv *curve) observed() (x, obs []float64) {
	x = make([]float64, len(cv.obs))
	obs = make([]float64, len(cv.obs))
	for i := range x {
		x[i] = float64(i + 1)
		obs[i] = math.NaN()
		if cv.count[i] > 0 {
			obs[i] = cv.obs[i] / float64(cv.count[i])
		}
	}
	return x, obs
}

// uncertaintySection is the report's section on the posterior draws.
func uncertaintySection(w *fitWriter, figs map[string][]fitFigure) report.Section {
	sec := report.Section{Heading: "Posterior uncertainty", Figures: toFigures(figs["intervals"])}
	sw := w.samples
	switch {
	case sw == nil && w.o.Prior == fit.PriorNone:
		sec.Text = "No posterior draws: maximum likelihood (--prior none) has no posterior. Under empirical Bayes or the weak prior, --samples N draws N per subject."
	case sw == nil:
		sec.Text = "No posterior draws (--samples 0)."
	default:
		sec.Text = fmt.Sprintf("%d draws per subject from the %s model's posterior under its prior (sampling importance resampling from a Student-t Laplace proposal, docs/fitting.md): samples.parquet holds every draw (subject, model, draw, param, value), intervals.csv their mean, median and central 95%% beside the Laplace interval.", w.o.Samples, w.totals[0].name)
		if sw.lowESS > 0 {
			sec.Text += fmt.Sprintf(" For %d of %d subjects the effective sample size of the weights is below a tenth of the draws (column ess): their draws repeat few proposals, and their intervals are rough.", sw.lowESS, sw.subjects)
		}
		if len(figs["intervals"]) == 0 {
			sec.Text += " Not drawn (--no-plots or fewer than two subjects)."
		}
	}
	return sec
}

// notes are the fit's warnings, a paragraph each, for a page's
// introduction.
func (w *fitWriter) notes() string {
	var s string
	for _, warn := range w.warnings {
		s += "\n\nNote: " + warn + "."
	}
	return s
}

// comparisonSection is a page's "Model comparison": about (what the totals
// are and what Δ is taken from), the losses, each model's description, the
// figures and the table.
func (w *fitWriter) comparisonSection(about string, figs []fitFigure) report.Section {
	var desc []string
	for _, v := range w.o.Models {
		desc = append(desc, v.Name+": "+v.Description+".")
	}
	return report.Section{Heading: "Model comparison", Text: about + "\n\n" + w.losses() + "\n\n" + strings.Join(desc, "\n\n"),
		Figures: toFigures(figs),
		Tables:  []report.Table{{Caption: "Model comparison", Header: w.comparisonHeader(), Rows: w.comparisonRows()}}}
}

// files are the links to a fit's tables, the posterior samples' included
// when they were drawn.
func (w *fitWriter) files() []report.Link {
	files := []report.Link{{Href: "subjects.csv"}, {Href: "comparison.csv"}, {Href: "predictions.csv"}, {Href: "manifest.json"}}
	if w.samples != nil {
		files = append(files, report.Link{Href: "intervals.csv"}, report.Link{Href: "samples.parquet"})
	}
	return files
}
