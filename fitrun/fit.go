package fitrun

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/trustlab/trustlab/dataset"
	"github.com/trustlab/trustlab/fit"
	"github.com/trustlab/trustlab/internal/outdir"
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

	// Trustees is the fit of the trustees' returns (role both: written
	// into the subfolder trustees/), or nil.
	Trustees *Result

	// Levels are the fits of the levels of a split fit (Options.Split),
	// in the order of the manifest; nil without a split.
	Levels []LevelResult

	w *fitWriter
}

// Comparison returns the model comparison table as formatted on the
// report page: a header and one row per model (nothing for a split fit,
// whose levels have one each).
func (r *Result) Comparison() (header []string, rows [][]string) {
	if r.w == nil {
		return nil, nil
	}
	return r.w.comparisonHeader(), r.w.comparisonRows()
}

// Run fits the models to the data set at dataPath, read through the data
// spec at specPath, and writes the outputs into dir (created if needed).
// Subjects are streamed: subjects.csv and predictions.csv grow as they are
// fitted, and keep what was written when a later subject has bad data
// ([DataError]) or ctx is cancelled (Run then returns ctx's error). Bad
// input is an [InputError] or a DataError.
func Run(ctx context.Context, dataPath, specPath, dir string, o Options) (*Result, error) {
	if err := o.Validate(); err != nil {
		return nil, &InputError{err}
	}
	if o.Split != "" {
		return runSplit(ctx, dataPath, specPath, dir, o)
	}
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
	fo.CVFraction, fo.NoCV, fo.TraitMode, fo.CVFolds, fo.LOSO = o.CVFraction, o.NoCV, o.TraitMode, o.CVFolds, o.LOSO
	fo.Replications = o.Replications
	if fo.Replications == 0 {
		fo.Replications = 20
	}
	if o.NoPPC || o.NoPlots {
		fo.Replications = 0
	}
	fo.Samples = o.Samples
	if fo.Samples == 0 {
		fo.Samples = 500
	}
	if o.NoSamples {
		fo.Samples = 0
	}
	if o.Samples < 0 || o.Samples > 100000 {
		return nil, invalidf("samples = %d: must be in [0, 100000] (0: 500)", o.Samples)
	}
	if o.Replications < 0 || o.Replications > 1000 {
		return nil, invalidf("replications = %d: must be in [0, 1000] (0: 20)", o.Replications)
	}
	if o.LOSO && fo.Prior != fit.PriorEmpirical && o.Pool == PoolNone {
		return nil, invalidf("leave-one-subject-out scores the population level: it needs empirical Bayes (--prior empirical) or pooled fits (--pool), not per-subject fits under the %v prior", fo.Prior)
	}
	if fo.CVFraction == 0 {
		fo.CVFraction = 0.8
	}
	if err := fo.Validate(); err != nil { // cross-validation, end game, fixed values, samples
		return nil, &InputError{err}
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
	role, err := resolveRole(o.Role, spec)
	if err != nil {
		return nil, err
	}
	if role == RoleTrustee && o.Questionnaire != "" {
		return nil, invalidf("a trait questionnaire informs the trustors' tau: it does not apply to a fit of the trustees (role trustee)")
	}
	trusteeOpts := fo // the trustees' fit shares the estimation settings
	if fo.Models == nil {
		graded := spec.Columns.OfferLow == "" && (spec.Game.Endowment == nil || *spec.Game.Endowment != 1 || spec.Columns.Endowment != "")
		fo.Models = fit.DefaultModels(fo.Response, graded)
		if spec.Columns.PartnerKind != "" {
			fo.Models = append(fo.Models, fit.PartnerPrior())
		}
	}
	man := Manifest{Command: "fit", Version: o.Version, Args: o.Args, Seed: seed, Restarts: fo.Restarts,
		Fixed: fo.Fixed.String(), Free: paramNames(fo.Free), Pool: o.Pool.String(), CVFraction: fo.CVFraction, NoCV: fo.NoCV,
		Workers: workers, GoVersion: runtime.Version(), Prior: fo.Prior.String(), Response: responseName(fo.Response), CVFolds: o.CVFolds, LOSO: o.LOSO}
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

	if role == RoleTrustee {
		return runTrusteesOnly(ctx, dir, dataPath, spec, trusteeOpts, o, man, workers)
	}

	// Read the data once before fitting: every bad row is reported at
	// once (not just the first), and the subjects are counted for progress.
	if o.Progress != nil {
		o.Progress(Progress{Stage: StageRead, Prior: fo.Prior})
	}
	sc, err := scanData(dataPath, spec, o.Pool == PoolNone)
	if err != nil {
		return nil, input(err)
	}
	if len(sc.errs) > 0 && !o.DropInvalid {
		return nil, &InputError{&BadRowsError{Errors: sc.errs, Rows: sc.badRows, Subjects: sc.badSubjects, Stray: sc.stray}}
	}
	pool := o.Pool
	if err := sc.checkDesign(fo, &o); err != nil {
		return nil, err
	}
	if pool != o.Pool { // pooled automatically: maximum likelihood, as for any pooled fit
		if o.Prior == nil {
			fo.Prior = fit.PriorNone
			man.Prior = fo.Prior.String()
		}
		man.Pool = o.Pool.String()
	}
	res := &Result{Prior: fo.Prior}
	res.Warnings = append(res.Warnings, sc.warnings...)

	out, err := outdir.Begin(dir, o.Force)
	if err != nil {
		return nil, &InputError{fmt.Errorf("--out %w", err)}
	}
	defer out.Abort()
	tmp := out.Path()

	report := func(Progress) {}
	total := -1
	if o.Progress != nil {
		report = o.Progress
		total = sc.subjects - len(sc.dropped)
		switch o.Pool {
		case PoolGroup:
			total = len(sc.groups)
		case PoolAll:
			total = 1
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
	rd.KeepGoing()
	w, err := newFitWriter(tmp, fo, false)
	if err != nil {
		return nil, err
	}
	defer w.close()
	w.noFeedback = !sc.feedback
	w.warnings = sc.warnings

	var onPool func(string, []*fit.Sequence) error
	if o.LOSO && o.Pool != PoolNone {
		w.pooledLOSO = make([]float64, len(fo.Models))
		onPool = func(id string, seqs []*fit.Sequence) error {
			ll, _, err := fit.LeaveOneOut(ctx, id, seqs, fo, workers)
			for k := range ll {
				w.pooledLOSO[k] += ll[k]
			}
			return err
		}
	}
	next := subjectSource(rd, spec, o.Pool, traits, w, o.DropInvalid, onPool)
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
		return nil, input(runErr)
	}
	if w.n == 0 {
		return nil, invalidf("%s: no subjects with trials to fit", filepath.Base(dataPath))
	}
	st := rd.Stats()
	man.Data = &FileInfo{Path: dataPath, SHA256: hex.EncodeToString(h.Sum(nil))}
	man.Subjects, man.Trials, man.Missed, man.EmptySubjects = st.Subjects-w.unconverted, w.trials, st.Missed, st.EmptySubjects
	man.Fits, man.Seconds = w.n, elapsed.Seconds()
	man.UnmatchedTraits = w.unmatched
	man.Dropped = w.dropped
	for _, t := range w.totals {
		if t.prior != nil {
			man.Populations = append(man.Populations, t.prior)
		}
	}
	if w.pooledLOSO != nil {
		for k, t := range w.totals {
			t.loso = w.pooledLOSO[k]
		}
	}
	report(Progress{Stage: StagePlots, Prior: fo.Prior, Done: w.n, Total: total})
	if err := w.comparison(tmp); err != nil {
		return nil, err
	}
	figs := map[string][]fitFigure{}
	if !o.NoPlots {
		if figs, err = fitPlots(tmp, w); err != nil {
			return nil, err
		}
	}
	man.Outputs = []string{"subjects.csv", "comparison.csv", "predictions.csv", "index.html"}
	if !fo.NoCV {
		man.Outputs = append(man.Outputs, "cv_predictions.csv")
	}
	if w.samples != nil {
		man.Outputs = append(man.Outputs, "samples.parquet", "intervals.csv")
		man.Samples = fo.Samples
	}
	if role == RoleBoth {
		sub := filepath.Join(tmp, "trustees")
		if err := os.Mkdir(sub, 0o755); err != nil {
			return nil, err
		}
		tw, tm, warns, err := trusteeFit(ctx, sub, dataPath, spec, trusteeOpts, o, man, workers, report)
		if err != nil {
			return nil, err
		}
		man.Outputs = append(man.Outputs, "trustees/index.html")
		res.Trustees = &Result{Manifest: tm, Prior: tw.o.Prior, Warnings: warns, w: tw}
		for _, warn := range warns {
			res.Warnings = append(res.Warnings, "trustees: "+warn)
		}
	}
	if role == RoleBoth {
		man.Role = RoleTrustor.String()
	}
	if err := writeJSON(tmp, "manifest.json", man); err != nil {
		return nil, err
	}
	if err := fitHTML(tmp, w, man, spec, figs); err != nil {
		return nil, err
	}
	if err := out.Commit(); err != nil {
		return nil, err
	}
	res.Manifest, res.w = man, w
	if n := w.totals[0].warnings; n > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d of %d full-model fits have warnings (see the warnings column of subjects.csv)", n, man.Fits))
	}
	if n := len(man.UnmatchedTraits); n > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d subjects without a questionnaire score: tau estimated freely for them", n))
	}
	return res, nil
}

// subjectSource returns the job source for fit.Run: subjects one at a
// time, or pools of them.
func subjectSource(rd *dataset.Reader, spec dataset.Spec, pool Pool, traits map[string]fit.Trait, w *fitWriter, dropInvalid bool, onPool func(string, []*fit.Sequence) error) func() (fit.Job, bool, error) {
	read := func() (*fit.Sequence, *fit.Trait, bool, error) {
		var s *dataset.Subject
		var seq *fit.Sequence
		for {
			if !rd.Next() {
				return nil, nil, false, rd.Err()
			}
			s = rd.Subject()
			if len(s.Errors) > 0 {
				w.drop(s.ID, s.Errors) // --drop-invalid: left out, listed in the manifest and report
				continue
			}
			var err error
			seq, err = FromSubject(s, spec)
			if err == nil {
				err = seq.Validate()
			}
			if err == nil {
				break
			}
			if !dropInvalid {
				return nil, nil, false, err
			}
			w.dropped = append(w.dropped, DroppedSubject{ID: s.ID, Errors: []string{err.Error()}})
			w.unconverted++
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
			var seqs []*fit.Sequence
			for {
				seq, _, ok, err := read()
				if err != nil {
					return fit.Job{}, false, err
				}
				if !ok {
					break
				}
				seqs = append(seqs, seq)
			}
			var err error
			if pools, err = poolJobs(seqs, pool, "subjects", onPool); err != nil {
				return fit.Job{}, false, err
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
	traits, err := Traits(sc)
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

// BadRowsError lists the bad rows of a data set found before fitting:
// every one up to a limit, not just the first.
type BadRowsError struct {
	Errors   []error // the first ones, in file order (at most maxBadRows)
	Rows     int     // bad rows in all
	Subjects int     // subjects with bad rows
	Stray    int     // bad rows that belong to no subject
}

// maxBadRows is how many bad rows a BadRowsError lists.
const maxBadRows = 50

// Error lists the bad rows one per line and says how to go on.
func (e *BadRowsError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s in %s", plural(e.Rows, "bad row"), plural(e.Subjects, "subject"))
	if e.Stray > 0 {
		fmt.Fprintf(&b, " (and %d rows without a subject)", e.Stray)
	}
	b.WriteString(":")
	for _, err := range e.Errors {
		b.WriteString("\n  ")
		b.WriteString(err.Error())
	}
	if n := e.Rows - len(e.Errors); n > 0 {
		fmt.Fprintf(&b, "\n  ... and %d more", n)
	}
	b.WriteString("\nfix them, or give --drop-invalid to leave those subjects out (they are listed in manifest.json and the report); nothing was written")
	return b.String()
}

// scan is what a first reading of the data found.
type scan struct {
	subjects, badRows, badSubjects, stray int
	errs                                  []error
	dropped                               []string
	warnings                              []string
	maxChoices                            int  // most choices of one subject
	feedback                              bool // some choice was followed by an outcome or return
	groups                                map[string]bool
}

// scanData reads the data set once through the spec, collecting every bad
// row (and subjects that are malformed as a whole) instead of stopping at
// the first.
func scanData(path string, spec dataset.Spec, perSubject bool) (*scan, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rd, err := dataset.NewReader(f, filepath.Base(path), spec)
	if err != nil {
		return nil, err
	}
	rd.KeepGoing()
	sc := &scan{groups: map[string]bool{}}
	add := func(err error) {
		if len(sc.errs) < maxBadRows {
			sc.errs = append(sc.errs, err)
		}
	}
	for rd.Next() {
		s := rd.Subject()
		sc.subjects++
		if len(s.Errors) > 0 {
			sc.badSubjects++
			sc.dropped = append(sc.dropped, s.ID)
			for _, e := range s.Errors {
				add(e)
			}
			continue
		}
		seq, err := FromSubject(s, spec)
		if err == nil {
			err = seq.Validate()
		}
		if err != nil {
			sc.badRows++
			sc.badSubjects++
			sc.dropped = append(sc.dropped, s.ID)
			add(err)
			continue
		}
		sc.maxChoices = max(sc.maxChoices, len(seq.Trials))
		sc.groups[seq.Group] = true
		for _, t := range seq.Trials {
			sc.feedback = sc.feedback || t.Evidence
		}
	}
	if err := rd.Err(); err != nil {
		return nil, err
	}
	st := rd.Stats()
	sc.badRows += st.BadRows
	sc.stray = len(rd.Stray())
	for _, e := range rd.Stray() {
		add(e)
	}
	return sc, nil
}

// checkDesign refuses comparisons the data cannot support and warns about
// models the data cannot tell apart.
func (sc *scan) checkDesign(fo fit.Options, o *Options) error {
	if o.Pool == PoolNone && sc.maxChoices == 1 && o.AutoPool {
		o.Pool = PoolGroup
		sc.warnings = append(sc.warnings, "every subject made one choice: the subjects are pooled by group (one fit per value of the group column), as per-subject fits would not be identified")
	}
	if o.Pool == PoolNone && sc.maxChoices == 1 {
		return invalidf("every subject made one choice: per-subject fits (1 choice for several parameters) are not identified and their comparison table would mean nothing; pool the subjects with --pool group (one fit per value of the group column) or --pool all")
	}
	if !sc.feedback {
		sc.warnings = append(sc.warnings, "the data hold no feedback (no outcome or return is seen before a later choice): learning (w_plus, w_minus) and its asymmetry are not testable, and no_learning and no_asymmetry are marked \"not testable\" in the comparison")
	}
	return nil
}

// plural formats n things: "1 bad row", "2 bad rows".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// runTrusteesOnly is Run for role trustee: the trustees' fit alone, in dir.
func runTrusteesOnly(ctx context.Context, dir, dataPath string, spec dataset.Spec, fo fit.Options, o Options, man Manifest, workers int) (*Result, error) {
	out, err := outdir.Begin(dir, o.Force)
	if err != nil {
		return nil, &InputError{fmt.Errorf("--out %w", err)}
	}
	defer out.Abort()
	report := func(Progress) {}
	if o.Progress != nil {
		report = o.Progress
	}
	w, tm, warns, err := trusteeFit(ctx, out.Path(), dataPath, spec, fo, o, man, workers, report)
	if err != nil {
		return nil, err
	}
	if err := out.Commit(); err != nil {
		return nil, err
	}
	return &Result{Manifest: tm, Prior: w.o.Prior, Warnings: warns, w: w}, nil
}

// poolJobs joins seqs into one pooled job per value of the group column
// (PoolGroup) or one for all (PoolAll), in order of first appearance, ids
// "pool:KEY (N noun)"; onPool (or nil) is called with each pool of more
// than one member.
func poolJobs(seqs []*fit.Sequence, pool Pool, noun string, onPool func(string, []*fit.Sequence) error) ([]fit.Job, error) {
	byGroup := map[string][]*fit.Sequence{}
	var order []string
	for _, s := range seqs {
		key := "all"
		if pool == PoolGroup {
			key = s.Group
		}
		if _, seen := byGroup[key]; !seen {
			order = append(order, key)
		}
		byGroup[key] = append(byGroup[key], s)
	}
	var jobs []fit.Job
	for _, key := range order {
		group := key
		if pool == PoolAll {
			group = ""
		}
		id := fmt.Sprintf("pool:%s (%d %s)", key, len(byGroup[key]), noun)
		ps, err := fit.Pool(id, group, byGroup[key])
		if err != nil {
			return nil, err
		}
		if onPool != nil && len(byGroup[key]) > 1 {
			if err := onPool(id, byGroup[key]); err != nil {
				return nil, err
			}
		}
		jobs = append(jobs, fit.Job{Seq: ps})
	}
	return jobs, nil
}
