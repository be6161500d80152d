package fitrun

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/trustlab/trustlab/dataset"
	"github.com/trustlab/trustlab/fit"
	"github.com/trustlab/trustlab/report"
)

// resolveRole turns RoleAuto into the role the spec supports and checks
// that a trustee fit has its column.
func resolveRole(r Role, spec dataset.Spec) (Role, error) {
	has := len(spec.Columns.Trustee) > 0
	switch r {
	case RoleAuto:
		if has {
			return RoleBoth, nil
		}
		return RoleTrustor, nil
	case RoleTrustor:
		return r, nil
	case RoleTrustee, RoleBoth:
		if !has {
			return r, &InputError{optErr("role", r.String(), "auto, trustor", "the data spec names no trustee column: add columns.trustee (the column(s) identifying who returned) next to columns.returned")}
		}
		return r, nil
	}
	return r, invalidf("unknown role %v", r)
}

// trusteeFit fits the trustees' returns in the data set (fit.FromTrustees)
// and writes the same files as a trustors' fit into dir: subjects.csv
// (one row per trustee and model), comparison.csv, predictions.csv, the
// plots, manifest.json and index.html. fo are the resolved estimation
// options (their models are replaced by the trustee models); man is the
// trustors' manifest, whose settings it shares.
func trusteeFit(ctx context.Context, dir, dataPath string, spec dataset.Spec, fo fit.Options, o Options, man Manifest, workers int, report func(Progress)) (*fitWriter, Manifest, []string, error) {
	var warnings []string
	f, err := os.Open(dataPath)
	if err != nil {
		return nil, man, nil, err
	}
	defer f.Close()
	h := sha256.New()
	rd, err := dataset.NewReader(io.TeeReader(f, h), filepath.Base(dataPath), spec)
	if err != nil {
		return nil, man, nil, input(err)
	}
	rd.KeepGoing()
	var subjects []*dataset.Subject
	var errs []error
	bad, badSubjects := 0, 0
	var dropped []DroppedSubject
	for rd.Next() {
		s := rd.Subject()
		if len(s.Errors) > 0 {
			badSubjects++
			bad += len(s.Errors)
			d := DroppedSubject{ID: s.ID}
			for _, e := range s.Errors {
				if len(errs) < maxBadRows {
					errs = append(errs, e)
				}
				d.Errors = append(d.Errors, e.Error())
			}
			dropped = append(dropped, d)
			continue
		}
		subjects = append(subjects, s)
	}
	if err := rd.Err(); err != nil {
		return nil, man, nil, input(err)
	}
	if st := rd.Stats(); (bad > 0 || len(rd.Stray()) > 0) && !o.DropInvalid {
		for _, e := range rd.Stray() {
			if len(errs) < maxBadRows {
				errs = append(errs, e)
			}
		}
		return nil, man, nil, &InputError{&BadRowsError{Errors: errs, Rows: st.BadRows, Subjects: badSubjects, Stray: len(rd.Stray())}}
	}
	seqs, err := FromTrustees(subjects, spec)
	if err != nil {
		return nil, man, nil, input(err)
	}
	if len(seqs) == 0 {
		return nil, man, nil, invalidf("%s: no trustee decisions (rows in which something was sent and the returned amount is known)", filepath.Base(dataPath))
	}
	most, trials := 0, 0
	for _, s := range seqs {
		most = max(most, len(s.Trials))
		trials += len(s.Trials)
	}
	pool := o.Pool
	if pool == PoolNone && most == 1 {
		if !o.AutoPool {
			return nil, man, nil, invalidf("every trustee made one decision: per-trustee fits are not identified; pool the trustees with --pool group (one fit per value of the group column) or --pool all")
		}
		pool = PoolGroup
		warnings = append(warnings, "every trustee made one decision: the trustees are pooled by group")
		if o.Prior == nil {
			fo.Prior = fit.PriorNone
		}
	}
	if pool != PoolNone && fo.Prior == fit.PriorEmpirical {
		fo.Prior = fit.PriorNone
	}
	fo.Models = o.TrusteeModels
	if fo.Models == nil {
		fo.Models = fit.TrusteeModels(fo.Response)
	}
	fo.OnIteration = nil
	fo.Replications = 0 // no predictive checks of trustees yet
	if fo.Prior == fit.PriorEmpirical && o.Progress != nil {
		fo.OnIteration = func(it int) { report(Progress{Stage: StageEM, Prior: fo.Prior, Iteration: it, Total: len(seqs)}) }
	}
	w, err := newFitWriter(dir, fo, true)
	if err != nil {
		return nil, man, nil, err
	}
	defer w.close()
	w.dropped = dropped
	w.warnings = warnings
	if o.LOSO && pool != PoolNone {
		w.pooledLOSO = make([]float64, len(fo.Models))
	}
	jobs := make([]fit.Job, 0, len(seqs))
	if pool == PoolNone {
		for _, s := range seqs {
			jobs = append(jobs, fit.Job{Seq: s})
		}
	} else {
		var onPool func(string, []*fit.Sequence) error
		if w.pooledLOSO != nil {
			onPool = func(id string, members []*fit.Sequence) error {
				ll, _, err := fit.LeaveOneOut(ctx, id, members, fo, workers)
				if err != nil {
					return input(err)
				}
				for k := range ll {
					w.pooledLOSO[k] += ll[k]
				}
				return nil
			}
		}
		if jobs, err = poolJobs(seqs, pool, "trustees", onPool); err != nil {
			return nil, man, nil, err
		}
	}
	i := 0
	next := func() (fit.Job, bool, error) {
		if i == len(jobs) {
			return fit.Job{}, false, nil
		}
		i++
		w.trials += len(jobs[i-1].Seq.Trials)
		return jobs[i-1], true, nil
	}
	start := time.Now()
	report(Progress{Stage: StageStart, Prior: fo.Prior, Total: len(jobs)})
	runErr := fit.Run(ctx, next, fo, workers, func(sf fit.SubjectFit) error {
		if err := w.subject(sf); err != nil {
			return err
		}
		report(Progress{Stage: StageSubject, Prior: fo.Prior, Done: w.n, Total: len(jobs), Subject: sf.ID})
		return nil
	})
	if err := w.close(); err != nil && runErr == nil {
		runErr = err
	}
	if runErr != nil {
		return nil, man, nil, input(runErr)
	}
	tm := man
	tm.Role = RoleTrustee.String()
	tm.Models = nil
	for _, v := range fo.Models {
		tm.Models = append(tm.Models, v.Name)
	}
	tm.Prior, tm.Pool = fo.Prior.String(), pool.String()
	tm.Questionnaire, tm.UnmatchedTraits = nil, nil
	tm.Subjects, tm.Trials, tm.Fits, tm.Seconds = len(seqs), trials, w.n, time.Since(start).Seconds()
	tm.Dropped = dropped
	tm.Data = &FileInfo{Path: dataPath, SHA256: hex.EncodeToString(h.Sum(nil))}
	tm.Missed, tm.EmptySubjects = rd.Stats().Missed, 0
	tm.Populations = nil
	if w.pooledLOSO != nil {
		for k, t := range w.totals {
			t.loso = w.pooledLOSO[k]
		}
	}
	for _, t := range w.totals {
		if t.prior != nil {
			tm.Populations = append(tm.Populations, t.prior)
		}
	}
	if err := w.comparison(dir); err != nil {
		return nil, man, nil, err
	}
	figs := map[string][]fitFigure{}
	if !o.NoPlots {
		if figs, err = fitPlots(dir, w); err != nil {
			return nil, man, nil, err
		}
	}
	tm.Outputs = []string{"subjects.csv", "comparison.csv", "predictions.csv", "index.html"}
	if !fo.NoCV {
		tm.Outputs = append(tm.Outputs, "cv_predictions.csv")
	}
	tm.Samples = 0
	if w.samples != nil {
		tm.Outputs = append(tm.Outputs, "samples.parquet", "intervals.csv")
		tm.Samples = fo.Samples
	}
	if err := writeJSON(dir, "manifest.json", tm); err != nil {
		return nil, man, nil, err
	}
	if err := fitHTML(dir, w, tm, spec, figs); err != nil {
		return nil, man, nil, err
	}
	return w, tm, warnings, nil
}

// reciprocityPlot draws the trustees' mean returned fraction by the share
// the trustor sent (nearest tenth), observed and predicted by every model
// under the fit's response model (nil if fewer than two shares occur).
func reciprocityPlot(dir string, w *fitWriter) (*fitFigure, error) {
	rc := w.recip
	var x, obs []float64
	var idx []int
	n := 0
	for b := range rc.count {
		if rc.count[b] > 0 {
			x = append(x, float64(b)/10)
			obs = append(obs, rc.obs[b]/float64(rc.count[b]))
			idx = append(idx, b)
			n += rc.count[b]
		}
	}
	if len(x) < 2 {
		return nil, nil
	}
	series := []report.Series{{Name: "observed", X: x, Y: obs}}
	for m, t := range w.totals {
		if _, own := w.o.Models[m].Response(); own {
			continue
		}
		y := make([]float64, len(idx))
		for i, b := range idx {
			y[i] = rc.pred[m][b] / float64(rc.count[b])
		}
		series = append(series, report.Series{Name: t.name, X: x, Y: y})
	}
	zero, one := 0.0, 1.0
	chart := report.LineChart{Title: "Returns by the size of the trust", XLabel: "share of the endowment the trustor sent", YLabel: "mean fraction of the amount received returned",
		Series: series, YMin: &zero, YMax: &one, Points: true}
	files, err := report.Save(dir, "reciprocity", chart, report.SaveOptions{})
	if err != nil {
		return nil, err
	}
	return &fitFigure{files: files,
		caption: fmt.Sprintf("The trustees' mean returned fraction by the share sent (nearest tenth; %d decisions), observed and predicted by the trustee model (reciprocity: the return grows with the trust when ret_recip > 0) and the baseline (a constant fraction per trustee), each at its own estimates.", n),
		alt:     "Line chart of the mean returned fraction by the share sent, observed and predicted."}, nil
}

// trusteeHTML writes the report page of a trustees' fit.
func trusteeHTML(dir string, w *fitWriter, man Manifest, spec dataset.Spec, figs map[string][]fitFigure) error {
	unit := "trustee"
	if man.Pool != "none" {
		unit = "pool of trustees (" + man.Pool + ")"
	}
	intro := fmt.Sprintf("The trustee model fitted %s to the returns in %s (%s): %d trustees, %d decisions (rows in which something was sent). One fit per %s; %d restarts.",
		estimatorPhrase(w.totals[0].prior), filepath.Base(man.Data.Path), spec.Name, man.Subjects, man.Trials, unit, man.Restarts)
	intro += "\n\nThe returned fraction of the amount received is sigmoid(logit(ret_base) + ret_recip x (s - 1/2)), with s the share of the endowment the trustor sent: ret_base is what a trustee returns when half is sent, ret_recip how much more it returns of a larger trust (reciprocity). The amount returned follows the response model " + man.Response + " over 0..the amount received (docs/fitting.md, \"The trustee side\"). A simulation can use these trustees: behaviour {kind: fitted, file: subjects.csv}."
	intro += "\n\nEstimated: " + strings.Join(freeList(w), ", ") + "."
	intro += w.notes()
	page := report.Page{
		Title: "trustlab fit: " + spec.Name + " (trustees)",
		Intro: intro,
		Sections: fitSections(w, figs,
			"Totals over fits. Lower AIC and BIC are better; the cross-validated log-likelihood scores held-out decisions (higher is better). Δ is the difference from the trustee model.",
			"Returns by the size of the trust", "Not drawn (--no-plots, or every trust was of the same size): see predictions.csv."),
		Manifest: man,
		Files:    w.files(),
	}
	if !man.NoCV {
		page.Files = append(page.Files, report.Link{Href: "cv_predictions.csv"})
	}
	return writePage(dir, page)
}
