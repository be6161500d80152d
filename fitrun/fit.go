package fitrun

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/trustlab/trustlab/dataset"
	"github.com/trustlab/trustlab/fit"
)

// Result is what [Run] did, besides the files it wrote.
type Result struct {
	// Manifest is what manifest.json holds.
	Manifest Manifest
	// Prior is the estimator that was used.
	Prior fit.Prior
	// Warnings are notes about the results for the user (fits with
	// warnings, subjects without a questionnaire score).
	Warnings []string

	w *fitWriter
}

// Comparison returns the model comparison table as formatted on the
// report page: a header and one row per model.
func (r *Result) Comparison() (header []string, rows [][]string) {
	return r.w.comparisonHeader(), r.w.comparisonRows()
}

// Run fits the models to the data set at dataPath, read through the data
// spec at specPath, and writes the outputs into dir (created if needed).
// Subjects are streamed: subjects.csv and predictions.csv grow as they are
// fitted, and keep what was written when a later subject has bad data
// ([DataError]) or ctx is cancelled (Run then returns ctx's error). Bad
// input is an [InputError] or a DataError.
func Run(ctx context.Context, dataPath, specPath, dir string, o Options) (*Result, error) {
	if o.Pool < PoolNone || o.Pool > PoolAll {
		return nil, invalidf("unknown pool %v", o.Pool)
	}
	def := fit.PriorEmpirical
	if o.Pool != PoolNone {
		def = fit.PriorNone // pooled fits: maximum likelihood by default
	}
	fo, seed, workers, err := o.Estimation.resolve(def)
	if err != nil {
		return nil, err
	}
	if o.Pool != PoolNone && fo.Prior == fit.PriorEmpirical {
		return nil, invalidf("empirical Bayes cannot be combined with pooled fits (pool %v): a population prior needs many separate fits", o.Pool)
	}
	fo.Models = o.Models
	fo.CVFraction, fo.NoCV, fo.TraitMode = o.CVFraction, o.NoCV, o.TraitMode
	if fo.CVFraction == 0 {
		fo.CVFraction = 0.8
	}
	if !(fo.CVFraction > 0 && fo.CVFraction < 1) {
		return nil, invalidf("cross-validation fraction %g: must be in (0, 1)", o.CVFraction)
	}
	if (o.Questionnaire == "") != (o.Key == "") {
		return nil, invalidf("a questionnaire needs its scoring key and a key its questionnaire: give both or neither")
	}
	if o.Questionnaire != "" {
		if _, ok := fo.Fixed[fit.Tau]; ok {
			return nil, invalidf("tau cannot be fixed with a questionnaire, which sets tau per subject")
		}
		if o.Pool != PoolNone {
			return nil, invalidf("pooled fits (pool %v) cannot be combined with a questionnaire (tau is set per subject)", o.Pool)
		}
	}

	spec, err := dataset.LoadSpec(specPath)
	if err != nil {
		return nil, input(err)
	}
	if fo.Models == nil {
		graded := spec.Columns.OfferLow == "" && (spec.Game.Endowment == nil || *spec.Game.Endowment != 1 || spec.Columns.Endowment != "")
		fo.Models = fit.DefaultModels(fo.Response, graded)
	}
	man := Manifest{Command: "fit", Version: o.Version, Args: o.Args, Seed: seed, Restarts: fo.Restarts,
		Fixed: fo.Fixed.String(), Free: paramNames(fo.Free), Pool: o.Pool.String(), CVFraction: fo.CVFraction, NoCV: fo.NoCV,
		Workers: workers, GoVersion: runtime.Version(), Prior: fo.Prior.String(), Response: responseName(fo.Response)}
	for _, v := range fo.Models {
		man.Models = append(man.Models, v.Name)
	}
	if man.Spec, err = hashFile(specPath); err != nil {
		return nil, err
	}
	var traits map[string]fit.Trait
	if o.Questionnaire != "" {
		var q QuestionnaireInfo
		traits, q, err = loadTraits(o.Questionnaire, o.Key)
		if err != nil {
			return nil, err
		}
		q.TauFrom = fo.TraitMode.String()
		man.Questionnaire = &q
	}

	report := func(Progress) {}
	total := -1
	if o.Progress != nil {
		report = o.Progress
		if o.Pool == PoolNone {
			total = countSubjects(dataPath, spec)
		}
		if fo.Prior == fit.PriorEmpirical {
			fo.OnIteration = func(it int) { report(Progress{Stage: StageEM, Prior: fo.Prior, Iteration: it, Total: total}) }
		}
	}
	f, err := os.Open(dataPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	rd, err := dataset.NewReader(io.TeeReader(f, h), filepath.Base(dataPath), spec)
	if err != nil {
		return nil, input(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	w, err := newFitWriter(dir, fo)
	if err != nil {
		return nil, err
	}
	defer w.close()

	next := subjectSource(rd, spec, o.Pool, traits, w)
	report(Progress{Stage: StageStart, Prior: fo.Prior, Total: total})
	start := time.Now()
	runErr := fit.Run(ctx, next, fo, workers, func(sf fit.SubjectFit) error {
		if err := w.subject(sf); err != nil {
			return err
		}
		report(Progress{Stage: StageSubject, Prior: fo.Prior, Done: w.n, Total: total, Subject: sf.ID})
		return nil
	})
	elapsed := time.Since(start)
	if err := w.close(); err != nil && runErr == nil {
		runErr = err
	}
	if runErr != nil {
		var de *dataset.Error
		if errors.As(runErr, &de) {
			return nil, &DataError{Err: runErr, Written: w.n}
		}
		return nil, runErr
	}
	if w.n == 0 {
		return nil, invalidf("%s: no subjects with trials to fit", filepath.Base(dataPath))
	}
	st := rd.Stats()
	man.Data = &FileInfo{Path: dataPath, SHA256: hex.EncodeToString(h.Sum(nil))}
	man.Subjects, man.Trials, man.Missed, man.EmptySubjects = st.Subjects, st.Trials, st.Missed, st.EmptySubjects
	man.Fits, man.Seconds = w.n, elapsed.Seconds()
	man.UnmatchedTraits = w.unmatched
	for _, t := range w.totals {
		if t.prior != nil {
			man.Populations = append(man.Populations, t.prior)
		}
	}
	if err := w.comparison(dir); err != nil {
		return nil, err
	}
	figs := map[string][]fitFigure{}
	if !o.NoPlots {
		if figs, err = fitPlots(dir, w); err != nil {
			return nil, err
		}
	}
	man.Outputs = []string{"subjects.csv", "comparison.csv", "predictions.csv", "index.html"}
	if err := writeJSON(dir, "manifest.json", man); err != nil {
		return nil, err
	}
	if err := fitHTML(dir, w, man, spec, figs); err != nil {
		return nil, err
	}
	res := &Result{Manifest: man, Prior: fo.Prior, w: w}
	if n := w.totals[0].warnings; n > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d of %d full-model fits have warnings (see the warnings column of subjects.csv)", n, man.Fits))
	}
	if n := len(man.UnmatchedTraits); n > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d subjects without a questionnaire score: tau estimated freely for them", n))
	}
	return res, nil
}

// countSubjects reads the data once to size progress reports; any error
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
func subjectSource(rd *dataset.Reader, spec dataset.Spec, pool Pool, traits map[string]fit.Trait, w *fitWriter) func() (fit.Job, bool, error) {
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
	if pool == PoolNone {
		return func() (fit.Job, bool, error) {
			seq, tr, ok, err := read()
			return fit.Job{Seq: seq, Trait: tr}, ok, err
		}
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
				if pool == PoolGroup {
					key = seq.Group
				}
				if _, seen := byGroup[key]; !seen {
					order = append(order, key)
				}
				byGroup[key] = append(byGroup[key], seq)
			}
			for _, key := range order {
				group := key
				if pool == PoolAll {
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
	}
}

func loadTraits(qPath, keyPath string) (map[string]fit.Trait, QuestionnaireInfo, error) {
	var info QuestionnaireInfo
	key, err := dataset.LoadKey(keyPath)
	if err != nil {
		return nil, info, input(err)
	}
	qf, err := os.Open(qPath)
	if err != nil {
		return nil, info, err
	}
	defer qf.Close()
	sc, err := dataset.ScoreQuestionnaire(key, qf, filepath.Base(qPath))
	if err != nil {
		return nil, info, input(err)
	}
	traits, err := fit.Traits(sc)
	if err != nil {
		return nil, info, invalidf("%s: %v", filepath.Base(qPath), err)
	}
	info = QuestionnaireInfo{Path: qPath, Key: keyPath, Scale: sc.Scale, Items: sc.Items, Respondents: len(sc.Respondents),
		Skipped: len(sc.Skipped), Alpha: Float(sc.Alpha)}
	for _, t := range traits {
		info.SEM = Float(t.SD)
		break
	}
	return traits, info, nil
}

// responseName names the response model r (nil: the default).
func responseName(r *fit.ResponseModel) string {
	if r == nil {
		return fit.DefaultResponse.String()
	}
	return r.String()
}
