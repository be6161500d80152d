package fit

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat"

	"github.com/trustlab/trustlab/internal/rng"
)

// Range is where recovery draws a parameter's true values: uniformly
// between Lo and Hi, on a log scale if Log.
type Range struct {
	Lo, Hi float64
	Log    bool
}

func (r Range) String() string {
	s := fmt.Sprintf("[%s, %s]", strconv.FormatFloat(r.Lo, 'g', -1, 64), strconv.FormatFloat(r.Hi, 'g', -1, 64))
	if r.Log {
		return "log-uniform " + s
	}
	return "uniform " + s
}

// DefaultRanges are the stated ranges of recovery: typical of people in
// repeated trust games (a trait around the middle, choices neither random
// nor deterministic, experiences weighing a half to twice the default).
func DefaultRanges() map[Param]Range {
	return map[Param]Range{
		Tau:     {0.2, 0.8, false},
		Lambda0: {0.5, 2, true},
		Kappa:   {0.5, 4, false},
		Beta:    {2, 10, true},
		WPlus:   {0.5, 2, true},
		WMinus:  {0.5, 2, true},
		Gamma:   {0.7, 1, false},
		N0:      {1, 4, true},
		Phi:     {3, 21, true},
		Lapse:   {0.01, 0.1, false},
		Hurdle:  {0.05, 0.4, false},
		Round:   {0.05, 0.4, false},
		EndGame: {0.1, 0.6, false},
		// the rival models
		AlphaPlus:  {0.1, 0.6, false},
		AlphaMinus: {0.1, 0.6, false},
		V0:         {0.3, 0.8, false},
		RecipA:     {0.1, 0.5, false},
		RecipB:     {0.2, 1, false},
		// partner priors: logit shifts of the prior mean
		KindShift1: {-1.5, 1.5, false},
		KindShift2: {-1.5, 1.5, false},
		KindShift3: {-1.5, 1.5, false},
		// the trustee model
		RetBase:  {0.15, 0.6, false},
		RetRecip: {-1, 3, false},
		Base:     {0.2, 0.8, false},
	}
}

// ParseRange parses name=lo:hi (a log scale for positive parameters other
// than tau and gamma) into dst.
func ParseRange(dst map[Param]Range, s string) error {
	name, val, ok := strings.Cut(s, "=")
	if !ok {
		return fmt.Errorf("%q: want name=lo:hi, e.g. beta=2:10", s)
	}
	p, err := ParseParam(name)
	if err != nil || p == Base {
		return fmt.Errorf("%q: unknown parameter %q: must be one of %s", s, strings.TrimSpace(name), strings.Join(paramNames[:Base], ", "))
	}
	los, his, ok := strings.Cut(val, ":")
	if !ok {
		return fmt.Errorf("%s = %q: want lo:hi", p, val)
	}
	lo, err1 := strconv.ParseFloat(strings.TrimSpace(los), 64)
	hi, err2 := strconv.ParseFloat(strings.TrimSpace(his), 64)
	if err1 != nil || err2 != nil {
		return fmt.Errorf("%s = %q: lo and hi must be numbers", p, val)
	}
	if !(lo <= hi) {
		return fmt.Errorf("%s = %q: need lo <= hi", p, val)
	}
	for _, x := range []float64{lo, hi} {
		if err := CheckValue(p, x); err != nil {
			return err
		}
	}
	r := Range{Lo: lo, Hi: hi, Log: p != Tau && p != Gamma}
	if r.Log && lo <= 0 {
		return fmt.Errorf("%s = %q: lo must be positive (drawn on a log scale)", p, val)
	}
	dst[p] = r
	return nil
}

func (r Range) draw(u float64) float64 {
	if r.Log {
		return math.Exp(math.Log(r.Lo) + u*(math.Log(r.Hi)-math.Log(r.Lo)))
	}
	return r.Lo + u*(r.Hi-r.Lo)
}

// RecoverOptions configure a parameter-recovery study. The zero value
// simulates 200 subjects in the mikus2023 design and fits the full model.
type RecoverOptions struct {
	Subjects int    // default 200
	Design   Design // default MikusDesign
	// Ranges override DefaultRanges for some parameters.
	Ranges map[Param]Range
	Seed   uint64
	// Model is the model simulated and fitted (the zero Variant: the full
	// model).
	Model Variant
	// Fit are the estimation options; Models is ignored (Model is
	// fitted) and cross-validation is skipped. Fit.Prior is the
	// estimator (zero: maximum likelihood; trustlab recover defaults to
	// PriorEmpirical, like trustlab fit). Parameters fixed there
	// (or not free by default) are simulated at their fixed value.
	Fit     Options
	Workers int
	// Progress, if set, is called after each subject is fitted.
	Progress func()
}

// ParamRecovery compares true and estimated values of one parameter.
type ParamRecovery struct {
	Name  string
	Free  bool
	Range Range // where true values were drawn (free parameters)
	// Fixed is the value simulated and assumed when not free.
	Fixed float64
	// Pearson is the correlation of true and estimated values on the
	// drawing scale (log for log ranges); Spearman the rank correlation.
	Pearson, Spearman float64
	// Bias is the mean of estimate - truth; MedianBias the median; on the
	// parameter's natural scale.
	Bias, MedianBias float64
	// AtBound counts estimates at an estimation bound.
	AtBound int
	// Note says why a parameter is not estimated, or how to read it.
	Note        string
	True, Estim []float64
}

// Recovery is the result of Recover.
type Recovery struct {
	Subjects int
	Design   Design
	Params   []ParamRecovery // the free parameters, w_minus/w_plus, then the fixed ones
	Truth    []Values
	Fits     []SubjectFit
	// NotConverged counts fits that stopped at the evaluation limit.
	NotConverged int
}

// notIdentified says why a parameter is fixed by default.
var notIdentified = map[Param]string{
	Lambda0: "fixed at 1 by default: the risk weight lambda(tau) = lambda0*exp(kappa*(0.5-tau)) is one number per subject, and tau already moves it; lambda0 and tau trade off (free it with --free lambda0)",
	Kappa:   "fixed at 2 by default: like lambda0, kappa only rescales the one risk weight per subject that tau already sets (free it with --free kappa)",
	N0:      "fixed at 2 by default: scaling n0, w_plus and w_minus together leaves every belief mean, and so every choice probability, unchanged; n0 sets the scale of the evidence weights",
	Gamma:   "fixed at 1 (no forgetting) by default: with 25 trials per partner forgetting trades off against the evidence weights; freed, gamma itself is poorly recovered and the recovery of the asymmetry and the weights drops (docs/fitting.md, Section 5; free it with --free gamma)",
}

// Recover simulates subjects with parameters drawn from the ranges, fits
// the full model to each, and compares true and estimated values. Subject
// i draws its parameters from stream (Seed, 0, i) and its choices from
// (Seed, 1, i), so results do not depend on the number of workers.
func Recover(ctx context.Context, o RecoverOptions) (*Recovery, error) {
	if o.Subjects <= 0 {
		o.Subjects = 200
	}
	design, ranges, err := o.setup()
	if err != nil {
		return nil, err
	}
	fo := o.Fit
	mod := o.Model
	if mod.Name == "" {
		mod = variants[0]
	}
	fo.Models = []Variant{mod}
	fo.NoCV = true
	if fo, err = fo.resolve(); err != nil {
		return nil, err
	}
	free := map[Param]bool{}
	resp := fo.response(fo.Models[0])
	var freeList []Param
	if mod.rule == rulePyramid && !mod.kinds {
		freeList = append(append(slices.Clone(DefaultFree), fo.Free...), resp.params()...)
	} else {
		// The model's own free parameters, as it is fitted to this design.
		probe, err := SimulateModel(rng.Stream(o.Seed, 9), "probe", design, mod, DefaultValues())
		if err != nil {
			return nil, err
		}
		p, _ := newProblem(compile(probe, 1), mod, fo, nil)
		freeList = p.free
	}
	for _, p := range freeList {
		if p == Round && roundAmounts(design.Endowment) == nil {
			continue // every amount is round: nothing to recover
		}
		if _, fixed := fo.Fixed[p]; !fixed {
			free[p] = true
		}
	}
	truth := make([]Values, o.Subjects)
	i := 0
	next := func() (Job, bool, error) {
		if i == o.Subjects {
			return Job{}, false, nil
		}
		v := drawTruth(rng.Stream(o.Seed, 0, uint64(i)), fo.Fixed, free, ranges, mod)
		truth[i] = v
		s, err := SimulateModel(rng.Stream(o.Seed, 1, uint64(i)), fmt.Sprintf("sim%03d", i+1), design, mod, v)
		if err != nil {
			return Job{}, false, err
		}
		i++
		return Job{Seq: s}, true, nil
	}
	rec := &Recovery{Subjects: o.Subjects, Design: design, Truth: truth}
	err = Run(ctx, next, fo, o.Workers, func(sf SubjectFit) error {
		rec.Fits = append(rec.Fits, sf)
		if !sf.Estimates[0].Converged {
			rec.NotConverged++
		}
		if o.Progress != nil {
			o.Progress()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	order := []Param{Tau, Beta, WPlus, WMinus, Phi}
	for _, p := range resp.params() {
		if free[p] {
			order = append(order, p)
		}
	}
	for _, p := range []Param{KindShift1, KindShift2, KindShift3} {
		if free[p] {
			order = append(order, p)
		}
	}
	order = append(order, Gamma, Lambda0, Kappa, N0)
	if mod.rule != rulePyramid {
		order = order[:0]
		for p := range Base + 1 {
			if free[p] {
				order = append(order, p)
			}
		}
	}
	for _, p := range order {
		pr := ParamRecovery{Name: p.String(), Free: free[p], Range: ranges[p]}
		if !pr.Free {
			pr.Fixed = truth[0][p]
			pr.Note = notIdentified[p]
			if _, ok := fo.Fixed[p]; ok {
				pr.Note = "fixed with --fix"
			}
			pr.Pearson, pr.Spearman, pr.Bias, pr.MedianBias = math.NaN(), math.NaN(), math.NaN(), math.NaN()
			rec.Params = append(rec.Params, pr)
			continue
		}
		bounds := fo.Bounds[p]
		for k, sf := range rec.Fits {
			est := sf.Estimates[0].Values[p]
			pr.True = append(pr.True, truth[k][p])
			pr.Estim = append(pr.Estim, est)
			if u := bounds.unit(est); u < 1e-3 || u > 1-1e-3 {
				pr.AtBound++
			}
		}
		pr.compare(pr.Range.Log)
		if p == WPlus || p == WMinus {
			pr.Note = "the scale of the evidence weights is weakly identified (it sets how fast beliefs leave the prior); their ratio is what choices reveal"
		}
		rec.Params = append(rec.Params, pr)
		if p == WMinus && free[WPlus] {
			ratio := ParamRecovery{Name: "w_minus/w_plus", Free: true, Range: Range{Lo: ranges[WMinus].Lo / ranges[WPlus].Hi, Hi: ranges[WMinus].Hi / ranges[WPlus].Lo, Log: true},
				Note: "asymmetry of learning: how much more a betrayal weighs than a confirmation (drawn as the ratio of two log-uniform weights)"}
			for k, sf := range rec.Fits {
				e := sf.Estimates[0].Values
				ratio.True = append(ratio.True, truth[k][WMinus]/truth[k][WPlus])
				ratio.Estim = append(ratio.Estim, e[WMinus]/e[WPlus])
			}
			ratio.compare(true)
			rec.Params = append(rec.Params, ratio)
		}
	}
	return rec, nil
}

// compare fills the correlations and biases from True and Estim.
func (pr *ParamRecovery) compare(logScale bool) {
	n := len(pr.True)
	a, b := make([]float64, n), make([]float64, n)
	d := make([]float64, n)
	sum := 0.0
	for i := range n {
		a[i], b[i] = pr.True[i], pr.Estim[i]
		if logScale {
			a[i], b[i] = math.Log(a[i]), math.Log(b[i])
		}
		d[i] = pr.Estim[i] - pr.True[i]
		sum += d[i]
	}
	pr.Pearson = stat.Correlation(a, b, nil)
	pr.Spearman = spearman(a, b)
	pr.Bias = sum / float64(n)
	slices.Sort(d)
	pr.MedianBias = median(d)
}

func median(sorted []float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

// spearman is the Pearson correlation of the ranks (ties averaged).
func spearman(a, b []float64) float64 {
	return stat.Correlation(ranks(a), ranks(b), nil)
}

func ranks(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		switch {
		case x[i] < x[j]:
			return -1
		case x[i] > x[j]:
			return 1
		}
		return 0
	})
	r := make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && x[idx[j+1]] == x[idx[i]] {
			j++
		}
		avg := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = avg
		}
		i = j + 1
	}
	return r
}

// ModelRecoveryOptions configure ModelRecovery. The zero value compares
// the full model, rw, rw2, reciprocity and the baseline on 100 subjects
// each of the mikus2023 design, by BIC under maximum likelihood.
type ModelRecoveryOptions struct {
	// Models simulate and compete (nil: full, rw, rw2, reciprocity,
	// baseline).
	Models   []Variant
	Subjects int    // per generating model, default 100
	Design   Design // default MikusDesign
	Ranges   map[Param]Range
	Seed     uint64
	// Fit are the estimation options (Models and Prior are ignored: every
	// model is fitted by maximum likelihood and the best per subject is
	// the one with the lowest BIC).
	Fit      Options
	Workers  int
	Progress func()
}

// Confusion is the result of ModelRecovery: Counts[g][f] is how many
// subjects simulated from model g were best fitted (lowest BIC) by model f.
type Confusion struct {
	Models   []string
	Subjects int
	Counts   [][]int
}

// ModelRecovery simulates subjects from each model (parameters drawn from
// the ranges, as Recover does), fits every model to each, and counts
// which model wins by BIC: a model that its own data do not pick out is
// not identifiable in the design. Subject i of generating model g draws
// from streams keyed by (Seed, 10+g, i), so results do not depend on the
// number of workers.
func ModelRecovery(ctx context.Context, o ModelRecoveryOptions) (*Confusion, error) {
	if o.Models == nil {
		ms, err := ParseModels("rw,rw2,reciprocity,baseline")
		if err != nil {
			return nil, err
		}
		o.Models = ms
	}
	if o.Subjects <= 0 {
		o.Subjects = 100
	}
	conf := &Confusion{Subjects: o.Subjects}
	for _, m := range o.Models {
		conf.Models = append(conf.Models, m.Name)
	}
	fo := o.Fit
	fo.Models, fo.Prior, fo.NoCV = o.Models, PriorNone, true
	for g, gen := range o.Models {
		ro := RecoverOptions{Subjects: o.Subjects, Design: o.Design, Ranges: o.Ranges, Seed: o.Seed, Model: gen,
			Fit: Options{Prior: PriorNone, Response: o.Fit.Response, Fixed: o.Fit.Fixed, Restarts: 1, MaxEvals: 1}}
		// The truths and sequences of Recover, without its fits: simulate
		// through the same streams.
		seqs, err := recoverySubjects(ro, uint64(10+g))
		if err != nil {
			return nil, err
		}
		counts := make([]int, len(o.Models))
		i := 0
		next := func() (Job, bool, error) {
			if i == len(seqs) {
				return Job{}, false, nil
			}
			i++
			return Job{Seq: seqs[i-1]}, true, nil
		}
		err = Run(ctx, next, fo, o.Workers, func(sf SubjectFit) error {
			best := 0
			for k, e := range sf.Estimates {
				if e.BIC < sf.Estimates[best].BIC {
					best = k
				}
			}
			counts[best]++
			if o.Progress != nil {
				o.Progress()
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		conf.Counts = append(conf.Counts, counts)
	}
	return conf, nil
}

// recoverySubjects simulates the subjects of a recovery of o.Model, with
// truths drawn as Recover draws them, from streams keyed by (o.Seed, key, i).
func recoverySubjects(o RecoverOptions, key uint64) ([]*Sequence, error) {
	design, ranges, err := o.setup()
	if err != nil {
		return nil, err
	}
	fo, err := o.Fit.resolve()
	if err != nil {
		return nil, err
	}
	mod := o.Model
	probe, err := SimulateModel(rng.Stream(o.Seed, key, 1<<32), "probe", design, mod, DefaultValues())
	if err != nil {
		return nil, err
	}
	p, _ := newProblem(compile(probe, 1), mod, fo, nil)
	free := map[Param]bool{}
	for _, q := range p.free {
		free[q] = true
	}
	var out []*Sequence
	for i := range o.Subjects {
		r := rng.Stream(o.Seed, key, uint64(i))
		v := drawTruth(r, fo.Fixed, free, ranges, mod)
		s, err := SimulateModel(r, fmt.Sprintf("%s%03d", mod.Name, i+1), design, mod, v)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// drawTruth draws a simulated subject's true values of model mod from r:
// one uniform per parameter, free or not, so that the ranges stay aligned
// whatever is free; fixed values as given, and the model's own
// constraints (tied weights or rates, imposed values).
func drawTruth(r *rand.Rand, fixed Fixed, free map[Param]bool, ranges map[Param]Range, mod Variant) Values {
	v := DefaultValues()
	for p, x := range fixed {
		v[p] = x
	}
	for p := range Base + 1 {
		if (p == RetBase || p == RetRecip) && mod.rule != ruleTrustee {
			continue // drawn only for trustees, so that the trustors' draws stay as they were
		}
		u := r.Float64()
		if free[p] {
			v[p] = ranges[p].draw(u)
		}
	}
	if mod.tieA {
		v[AlphaMinus] = v[AlphaPlus]
	}
	if mod.tieW {
		v[WMinus] = v[WPlus]
	}
	for p, x := range mod.force {
		v[p] = x
	}
	return v
}

// setup resolves the design and the ranges of true values (DefaultRanges
// overridden by o.Ranges).
func (o RecoverOptions) setup() (Design, map[Param]Range, error) {
	design, err := o.Design.resolve()
	if err != nil {
		return design, nil, err
	}
	ranges := DefaultRanges()
	for p, r := range o.Ranges {
		ranges[p] = r
	}
	return design, ranges, nil
}
