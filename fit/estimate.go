package fit

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/trustlab/trustlab/internal/rng"
	"github.com/trustlab/trustlab/model"
)

// TraitMode says how a measured trait (a questionnaire score) enters the fit.
type TraitMode int

const (
	// TraitFix fixes tau at the measured score.
	TraitFix TraitMode = iota
	// TraitPrior keeps tau free but adds the penalty
	// (tau - score)^2 / (2*SD^2) to the negative log-likelihood: a normal
	// prior centred on the score whose SD is the scale's standard error of
	// measurement. Estimates are then maximum a posteriori; the reported
	// log-likelihood, AIC and BIC exclude the penalty.
	TraitPrior
)

// String returns "fix" or "prior".
func (m TraitMode) String() string {
	if m == TraitPrior {
		return "prior"
	}
	return "fix"
}

// ParseTraitMode parses "fix" (or "") and "prior".
func ParseTraitMode(s string) (TraitMode, error) {
	switch s {
	case "", "fix":
		return TraitFix, nil
	case "prior":
		return TraitPrior, nil
	}
	return 0, fmt.Errorf("%q: must be fix or prior", s)
}

// Trait is a measured trait: a questionnaire score rescaled to [0, 1] and
// its standard error of measurement.
type Trait struct {
	Tau float64
	SD  float64 // SD*sqrt(1 - alpha) over respondents; used by TraitPrior
}

// Options control estimation. The zero value fits every variant with the
// defaults below.
type Options struct {
	// Models are the variants to fit, the full model first; nil means all.
	Models []Variant
	// Fixed holds parameters fixed by the user (--fix), for every variant
	// except where a variant imposes its own value.
	Fixed Fixed
	// Free lists parameters to estimate that are fixed by default (lambda0,
	// kappa, n0; see DefaultFree).
	Free []Param
	// Restarts is the number of optimizer starts per fit (default 5): the
	// docs/model.md defaults, then points of a Halton sequence rotated by a
	// stream keyed by (Seed, subject ID).
	Restarts int
	// Seed keys the restart points.
	Seed uint64
	// Bounds are the estimation bounds (zero entries: DefaultBounds).
	Bounds Bounds
	// CVFraction is the fraction of each partner's trials, the earliest,
	// used to fit in cross-validation; the rest are scored (default 0.8).
	CVFraction float64
	// CVFolds > 1 replaces that split by blocked k-fold cross-validation
	// over trials: each partner's trials are cut into CVFolds contiguous
	// blocks, and each block is held out in turn ([2, 100]).
	CVFolds int
	// NoCV skips the cross-validation fits.
	NoCV bool
	// MaxEvals caps the likelihood evaluations of one optimizer run
	// (default 5000).
	MaxEvals int
	// TraitMode says how Sequence.Trait is used (fix or prior).
	TraitMode TraitMode
	// Prior says how the estimates are regularised: maximum likelihood
	// (the zero value), a fixed weakly informative prior, or empirical
	// Bayes over the subjects of a Run (see Prior).
	Prior Prior
	// Replications is the number of whole sequences simulated per subject
	// from the full model's estimates and from the baseline's for posterior
	// predictive checks (SubjectFit.Replicas; 0: none).
	Replications int
	// LOSO adds, under empirical Bayes, a leave-one-subject-out score of
	// the population level: each subject's Laplace log evidence under the
	// population prior estimated from the other subjects
	// (Estimate.LOSOLogEvidence), the predictive density of a new person's
	// choices.
	LOSO bool
	// OnIteration, if set, is called by Run before each EM iteration of
	// empirical Bayes after the first fits (for progress displays).
	OnIteration func(iteration int)
	// Response is the response model of every variant that has none of
	// its own (nil: DefaultResponse).
	Response *ResponseModel
	// Samples is the number of posterior draws per subject of the first
	// model (the full model) under its prior (SubjectFit.Samples; 0: none;
	// maximum likelihood has no posterior and gives none).
	Samples int
	// EndGame is the number of last trials with each partner in which the
	// variants with the end-game term (WithEndGame) lower the expected
	// return (default 2; the horizon is each partner's number of trials in
	// the data).
	EndGame int
}

// response is the response model of variant v under o.
func (o Options) response(v Variant) ResponseModel {
	if v.resp != nil {
		return *v.resp
	}
	if o.Response != nil {
		return *o.Response
	}
	return DefaultResponse
}

// DefaultFree are the parameters estimated by default, if the subject's
// data inform them. lambda0, kappa, n0 and gamma are fixed at docs/model.md's
// defaults: lambda(tau) = lambda0*exp(kappa*(0.5 - tau)) is one number per
// subject, so lambda0, kappa and tau cannot be told apart by the risk
// weight alone; the belief mean is unchanged when n0, w_plus and w_minus
// are scaled together; and with 25 trials per partner forgetting (gamma)
// trades off against the evidence weights (with gamma free, gamma is
// recovered at r = 0.57 and the asymmetry's recovery drops from 0.84 to
// 0.71 under empirical Bayes; under maximum likelihood beta falls to 0.56
// and the asymmetry to 0.42). Options.Free frees them; see
// docs/fitting.md.
var DefaultFree = []Param{Tau, Beta, WPlus, WMinus, Phi}

// start values of the first restart (docs/model.md defaults; gamma below its
// bound 1 so that the optimizer can move it).
var startValues = func() Values {
	v := DefaultValues()
	v[Gamma] = 0.9
	v[Lapse], v[Hurdle], v[Round], v[EndGame] = 0.05, 0.2, 0.2, 0.3
	v[AlphaPlus], v[AlphaMinus], v[V0], v[RecipA], v[RecipB] = 0.3, 0.3, 0.5, 0.5, 0.5
	return v
}()

func (o Options) resolve() (Options, error) {
	if o.Models == nil {
		o.Models = Variants()
	}
	if o.Restarts <= 0 {
		o.Restarts = 5
	}
	if o.CVFraction == 0 {
		o.CVFraction = 0.8
	}
	if !(o.CVFraction > 0 && o.CVFraction < 1) {
		return o, fmt.Errorf("cross-validation fraction %g: must be in (0, 1)", o.CVFraction)
	}
	if o.Prior < PriorNone || o.Prior > PriorEmpirical {
		return o, fmt.Errorf("unknown prior %v", o.Prior)
	}
	if o.MaxEvals <= 0 {
		o.MaxEvals = 5000
	}
	if o.EndGame == 0 {
		o.EndGame = 2
	}
	if o.CVFolds == 1 || o.CVFolds < 0 || o.CVFolds > 100 {
		return o, fmt.Errorf("cross-validation folds = %d: must be in [2, 100] (or 0: the last-trials split)", o.CVFolds)
	}
	if o.Samples < 0 || o.Samples > 100000 {
		return o, fmt.Errorf("posterior samples %d: must be in [0, 100000]", o.Samples)
	}
	if o.EndGame < 0 || o.EndGame > 1000 {
		return o, fmt.Errorf("end game of %d rounds: must be in [1, 1000]", o.EndGame)
	}
	var err error
	if o.Bounds, err = o.Bounds.resolve(); err != nil {
		return o, err
	}
	for p, x := range o.Fixed {
		if err := CheckValue(p, x); err != nil {
			return o, fmt.Errorf("fixed %w", err)
		}
	}
	for _, p := range o.Free {
		if p < 0 || p >= Base {
			return o, fmt.Errorf("cannot free %v", p)
		}
	}
	return o, nil
}

// Validate checks the options as Run and FitSubject will (the one place
// where fit options are checked): ranges of the cross-validation, the
// end game, the bounds, fixed and freed parameters, posterior draws.
func (o Options) Validate() error {
	_, err := o.resolve()
	return err
}

// Estimate is the fit of one variant to one subject.
type Estimate struct {
	Model string
	// Values holds every parameter: estimates for free ones, fixed values
	// otherwise.
	Values Values
	// SE are the standard errors of the free parameters from the numerical
	// Hessian (delta method from the unbounded scale); NaN for fixed
	// parameters or when the Hessian is not positive definite. Under a
	// prior the Hessian includes it: SE are then posterior SDs (Laplace).
	SE Values
	// Free marks the estimated parameters (w_minus also when tied to a
	// free w_plus).
	Free [NumParams]bool
	// Used marks the parameters the variant and the data use; the others
	// are reported as NA.
	Used [NumParams]bool
	K    int // number of estimated parameters
	N    int // choices scored
	// LogLik is the maximised log-likelihood (under a prior: the
	// log-likelihood at the MAP estimate, which is lower); AIC = 2K -
	// 2LogLik, BIC = K log N - 2LogLik.
	LogLik, AIC, BIC float64
	// CVLogLik is the log-likelihood of the held-out trials (the last of
	// each partner, or every fold in turn under k-fold) under the
	// parameters fitted to the others; CVN is their number. NaN and 0
	// without held-out trials or with NoCV. CV lists the held-out trials.
	CVLogLik float64
	CVN      int
	CV       []CVPoint
	// Evals counts likelihood evaluations; AtBest the restarts that ended
	// within 0.01 of the best log-likelihood.
	Evals, AtBest int
	Converged     bool
	Warnings      []string
	// LogEvidence is the Laplace approximation of the log marginal
	// likelihood of the subject's choices under the prior (Prior),
	// log p(D) = LogLik + log prior(z) + (K/2) log 2pi - (1/2) log det H
	// on the unbounded scale; NaN under maximum likelihood, with a
	// measured-trait prior, or when the Hessian is not positive definite.
	LogEvidence float64
	// LOSOLogEvidence is the Laplace log evidence of the subject's choices
	// under the population prior estimated without this subject (Options.LOSO
	// under empirical Bayes); NaN otherwise.
	LOSOLogEvidence float64
	// Prior is the population prior of a fit under PriorWeak or
	// PriorEmpirical (shared by every subject's fit of this variant); nil
	// under maximum likelihood.
	Prior *Population
	// Expected is the predicted choice on every trial under the estimate,
	// aligned with SubjectFit.Choices (see Prediction.Expected).
	Expected []float64
}

// CVPoint is one held-out trial of cross-validation: its prediction
// under the parameters fitted without its fold.
type CVPoint struct {
	Trial    int     // index into SubjectFit.Choices
	Fold     int     // the fold held out (1 under the last-trials split)
	Expected float64 // predicted choice (see Prediction.Expected)
	LogProb  float64 // log-probability of the observed choice
}

// Choice is one observed choice, for comparing with predictions.
type Choice struct {
	Partner  string   // partner name
	Index    int      // 1-based position among the trials with this partner
	Response Response // kind of choice
	// Trusted is, for a trustee, the share the trustor sent (Trial.Trusted).
	Trusted float64
	// Observed is the choice as a fraction: sent/endowment, or 1 if the
	// high offer (or sending, in binary choices) was chosen and 0 if not.
	Observed float64
}

// SubjectFit is the fit of every variant to one subject.
type SubjectFit struct {
	ID, Group string
	Trials    int
	Estimates []Estimate // in the order of Options.Models
	Warnings  []string   // about the subject as a whole
	Choices   []Choice   // the observed choices, in order
	// Samples are draws from the first model's posterior (Options.Samples;
	// nil without a prior or when none were asked for).
	Samples *Samples
	// Replicas are Options.Replications simulated sequences per model of
	// Options.Models (nil for models other than the full model and the
	// baseline): Replicas[k][r][i] is trial i of replication r (Replicate).
	Replicas [][][]float64
}

// problem is one optimization: a variant on a subject.
type problem struct {
	c        *compiled
	baseline bool
	rule     rule
	tieW     bool
	tieA     bool // Rescorla-Wagner with one learning rate
	free     []Param
	iv       []Interval
	fixed    Values
	used     [NumParams]bool
	mask     uint8
	prior    *Trait // tau penalty (TraitPrior)
	pop      *popPrior
	loose    bool // looser convergence (EM iterations of empirical Bayes)
	beliefs  []model.Belief
	evals    int
	nat      []natural // iv with their logarithms precomputed
}

func (p *problem) values(z []float64) Values {
	v := p.fixed
	if len(p.nat) != len(p.iv) {
		p.nat = make([]natural, len(p.iv))
		for i, iv := range p.iv {
			p.nat[i] = iv.natural()
		}
	}
	for i, q := range p.free {
		v[q] = p.nat[i].at(z[i])
	}
	if p.tieW {
		v[WMinus] = v[WPlus]
	}
	if p.tieA {
		v[AlphaMinus] = v[AlphaPlus]
	}
	return v
}

func (p *problem) objective(z []float64) float64 {
	p.evals++
	v := p.values(z)
	nll := -p.c.loglik(&v, p.rule, p.mask, p.beliefs)
	if p.prior != nil && !p.baseline && slices.Contains(p.free, Tau) {
		d := (v[Tau] - p.prior.Tau) / p.prior.SD
		nll += 0.5 * d * d
	}
	if p.pop != nil {
		nll += p.pop.penalty(p.free, z, p.prior != nil)
	}
	if math.IsNaN(nll) {
		return math.Inf(1)
	}
	return nll
}

// applies reports which parameters the subject's data inform.
func applies(c *compiled) (used [NumParams]bool) {
	used[Tau], used[Lambda0], used[Kappa], used[Beta], used[N0] = true, true, true, true, true
	// Evidence informs a later choice only if the same partner is met again.
	pending := make([]uint8, c.partners) // bit 1: confirmation seen, bit 2: betrayal seen
	for i := range c.trials {
		t := &c.trials[i]
		if pending[t.partner] != 0 {
			used[Gamma] = true
			used[WPlus] = used[WPlus] || pending[t.partner]&1 != 0
			used[WMinus] = used[WMinus] || pending[t.partner]&2 != 0
		}
		if t.evidence {
			if t.confirmed {
				pending[t.partner] |= 1
			} else {
				pending[t.partner] |= 2
			}
		}
		if t.kind == Amount {
			used[Phi] = true
			used[Hurdle] = true
			if t.round != nil {
				used[Round] = true
			}
		}
		if t.last {
			used[EndGame] = true
		}
	}
	used[Lapse] = len(c.trials) > 0
	// The trustee model's reciprocity needs trusts of different sizes.
	used[RetBase] = c.seq.Trustee
	for i := range c.trials {
		if c.trials[i].trusted != c.trials[0].trusted {
			used[RetRecip] = c.seq.Trustee
			break
		}
	}
	return used
}

// newProblem sets up variant v on compiled subject c.
func newProblem(c *compiled, v Variant, o Options, trait *Trait) (*problem, []string) {
	var notes []string
	p := &problem{c: c, baseline: v.rule == ruleBaseline, rule: v.rule, tieW: v.tieW, tieA: v.tieA, mask: partAll, beliefs: make([]model.Belief, c.partners)}
	data := applies(c)
	p.fixed = DefaultValues()
	isFixed := [NumParams]bool{}
	for q, x := range o.Fixed {
		p.fixed[q], isFixed[q] = x, true
	}
	if trait != nil && v.rule == rulePyramid {
		switch o.TraitMode {
		case TraitFix:
			p.fixed[Tau], isFixed[Tau] = trait.Tau, true
		case TraitPrior:
			p.prior = trait
		}
	}
	for q, x := range v.force {
		p.fixed[q], isFixed[q] = x, true
	}
	resp := o.response(v)
	respUsed := func(q Param) bool { return data[q] && slices.Contains(resp.params(), q) }
	if v.rule != rulePyramid {
		// The baseline and the rival models: their own parameters, the
		// precision of amounts and the response model.
		var own []Param
		switch v.rule {
		case ruleBaseline:
			own = []Param{Base}
		case ruleRW:
			own = []Param{V0, Beta}
			if data[Gamma] { // some feedback informs a later choice
				own = append(own, AlphaPlus)
				if !v.tieA {
					own = append(own, AlphaMinus)
				}
			}
		case ruleRecip:
			own = []Param{RecipA}
			if data[Gamma] {
				own = append(own, RecipB)
			}
		case ruleTrustee:
			own = []Param{RetBase}
			if data[RetRecip] {
				own = append(own, RetRecip)
			}
		}
		if v.tieA && !isFixed[AlphaPlus] {
			p.used[AlphaMinus] = data[Gamma]
		}
		if data[Phi] {
			own = append(own, Phi)
		}
		for _, q := range own {
			p.used[q] = true
			if !isFixed[q] {
				p.free = append(p.free, q)
			}
		}
		for _, q := range resp.params() {
			if respUsed(q) {
				p.used[q] = true
				if !isFixed[q] {
					p.free = append(p.free, q)
				}
			}
		}
	} else {
		p.used = data
		for _, q := range []Param{Lapse, Hurdle, Round} {
			p.used[q] = respUsed(q) || (isFixed[q] && data[q])
		}
		p.used[EndGame] = v.endGame && data[EndGame]
		if _, ok := v.force[WPlus]; ok { // no learning: nothing to forget either
			p.used[WPlus], p.used[WMinus], p.used[Gamma] = false, false, false
		}
		if v.tieW && data[WPlus] != data[WMinus] {
			p.used[WPlus], p.used[WMinus] = true, true
		}
		candidates := append(append(slices.Clone(DefaultFree), o.Free...), resp.params()...)
		if v.endGame {
			candidates = append(candidates, EndGame)
		}
		if v.kinds {
			for j := 1; j < len(c.seq.Kinds) && j <= 3; j++ {
				q := KindShift1 + Param(j-1)
				candidates = append(candidates, q)
				p.used[q] = true
			}
		}
		for q := range NumParams {
			if !slices.Contains(candidates, q) || isFixed[q] || !p.used[q] {
				continue
			}
			if v.tieW && q == WMinus {
				continue
			}
			p.free = append(p.free, q)
		}
		if v.tieW && isFixed[WPlus] {
			p.fixed[WMinus] = p.fixed[WPlus]
		}
	}
	for _, q := range p.free {
		p.iv = append(p.iv, o.Bounds[q])
	}
	return p, notes
}

// starts returns the restart points on the unbounded scale: the start
// values, then a Halton sequence (bases 2, 3, 5, ...) rotated by a stream
// keyed by (seed, subject ID) and squeezed into the middle 80% of each
// parameter's range.
func (p *problem) starts(id string, o Options) [][]float64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	r := rng.Stream(o.Seed, h.Sum64())
	shift := make([]float64, NumParams)
	for _, q := range shiftOrder {
		shift[q] = r.Float64()
	}
	out := make([][]float64, o.Restarts)
	for k := range out {
		z := make([]float64, len(p.free))
		for i, q := range p.free {
			if k == 0 {
				z[i] = p.iv[i].toUnbounded(startValues[q])
				continue
			}
			u := halton(k, primes[q]) + shift[q]
			u = 0.1 + 0.8*(u-math.Floor(u))
			z[i] = math.Log(u / (1 - u))
		}
		out[k] = z
	}
	return out
}

var primes = [NumParams]int{2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 83, 89, 79}

// shiftOrder is the order in which starts draws the rotations: the
// trustee model's parameters last, so that the other models' restart
// points stay those of earlier versions.
var shiftOrder = func() []Param {
	var out []Param
	for q := range NumParams {
		if q != RetBase && q != RetRecip {
			out = append(out, q)
		}
	}
	return append(out, RetBase, RetRecip)
}()

// halton is the k-th element of the van der Corput sequence in base b.
func halton(k, b int) float64 {
	f, x := 1.0, 0.0
	for ; k > 0; k /= b {
		f /= float64(b)
		x += f * float64(k%b)
	}
	return x
}

// run is the result of minimizing from one start.
type run struct {
	z         []float64
	f         float64
	converged bool
}

// minimize runs Nelder-Mead from each start, then polishes the best point
// with a second Nelder-Mead from a small simplex. It returns the best point
// and how many runs ended within 0.01 of it.
func (p *problem) minimize(starts [][]float64, maxEvals int) (best run, atBest int) {
	if len(p.free) == 0 {
		return run{z: nil, f: p.objective(nil), converged: true}, len(starts)
	}
	runs := make([]run, 0, len(starts))
	for _, z0 := range starts {
		runs = append(runs, p.nelderMead(z0, 0.8, maxEvals))
	}
	best = runs[0]
	for _, r := range runs[1:] {
		if r.f < best.f {
			best = r
		}
	}
	for _, r := range runs {
		if r.f <= best.f+0.01 {
			atBest++
		}
	}
	polished := p.nelderMead(best.z, 0.05, maxEvals)
	if polished.f <= best.f {
		polished.converged = polished.converged || best.converged && polished.f > best.f-1e-6
		best = polished
	}
	return best, atBest
}

func (p *problem) nelderMead(z0 []float64, size float64, maxEvals int) run {
	fc := nmConverge{Absolute: 1e-7, Relative: 1e-10, Iterations: 25 * len(z0)}
	if p.loose {
		fc = nmConverge{Absolute: 1e-4, Iterations: 10 * len(z0)}
	}
	z, f, conv := minimizeNM(p.objective, z0, size, fc, maxEvals)
	return run{z: z, f: f, converged: conv}
}

// hessian is the central-difference Hessian of the objective at z with
// step h on the unbounded scale.
func (p *problem) hessian(z []float64, h float64) *mat.SymDense {
	d := len(z)
	H := mat.NewSymDense(d, nil)
	x := slices.Clone(z)
	f0 := p.objective(x)
	at := func(i int, di float64, j int, dj float64) float64 {
		x[i] += di
		x[j] += dj
		f := p.objective(x)
		x[i] -= di
		x[j] -= dj
		return f
	}
	for i := range d {
		fp := at(i, h, i, 0)
		fm := at(i, -h, i, 0)
		H.SetSym(i, i, (fp-2*f0+fm)/(h*h))
		for j := i + 1; j < d; j++ {
			v := (at(i, h, j, h) - at(i, h, j, -h) - at(i, -h, j, h) + at(i, -h, j, -h)) / (4 * h * h)
			H.SetSym(i, j, v)
		}
	}
	return H
}

// FitSubject fits every variant of o.Models to s. Sequence validation
// errors are returned; problems of the fit itself are warnings.
func FitSubject(s *Sequence, trait *Trait, o Options) (SubjectFit, error) {
	o, err := o.resolve()
	if err != nil {
		return SubjectFit{}, err
	}
	if o.Prior == PriorEmpirical {
		return SubjectFit{}, errors.New("empirical Bayes estimates its prior from many subjects: fit them together with Run")
	}
	if err := check(s, trait, o); err != nil {
		return SubjectFit{}, err
	}
	return fitCompiled(compileWith(s, o.CVFraction, o.EndGame, o.CVFolds), s, trait, o, nil, nil), nil
}

// check validates a subject and its measured trait.
func check(s *Sequence, trait *Trait, o Options) error {
	if err := s.Validate(); err != nil {
		return err
	}
	for _, v := range o.Models {
		if !v.Fits(s) {
			if s.Trustee {
				return fmt.Errorf("subject %q is a trustee: model %s fits trustors' choices (trustees take %s)", s.ID, v.Name, modelNames(TrusteeModels(nil)[:2]))
			}
			return fmt.Errorf("subject %q is a trustor: model %s fits trustees' returns", s.ID, v.Name)
		}
	}
	if trait != nil {
		if err := CheckValue(Tau, trait.Tau); err != nil {
			return fmt.Errorf("subject %q: measured trait: %w", s.ID, err)
		}
		if o.TraitMode == TraitPrior && !(trait.SD > 0) {
			return fmt.Errorf("subject %q: measured trait: standard error %g must be positive when the measured trait is a prior (TraitPrior)", s.ID, trait.SD)
		}
	}
	return nil
}

func modelNames(vs []Variant) string {
	names := make([]string, len(vs))
	for i, v := range vs {
		names[i] = v.Name
	}
	return strings.Join(names, ", ")
}

// fitCompiled fits every variant; pops (one per variant, or nil) are
// empirical priors and warm their starting points (or nil: restarts);
// loso (or nil) are the priors estimated without this subject.
func fitCompiled(c *compiled, s *Sequence, trait *Trait, o Options, pops []*popPrior, warm [][]float64, loso ...*popPrior) SubjectFit {
	sf := SubjectFit{ID: s.ID, Group: s.Group, Trials: len(s.Trials)}
	seen := make([]int, len(s.Partners))
	for i, t := range s.Trials {
		seen[t.Partner]++
		sf.Choices = append(sf.Choices, Choice{Partner: s.Partners[t.Partner], Index: seen[t.Partner], Response: c.trials[i].kind, Trusted: t.Trusted})
	}
	for k, v := range o.Models {
		pop, start := fixedPrior(o, v.Name), []float64(nil)
		if pops != nil {
			pop, start = pops[k], warm[k]
		}
		e := estimate(c, s.ID, v, trait, o, pop, start, nil)
		if pop != nil {
			e.Prior = pop.report
		}
		if loso != nil {
			e.LOSOLogEvidence = losoEvidence(c, v, trait, o, loso[k], start)
		}
		sf.Estimates = append(sf.Estimates, e)
	}
	if pops == nil && o.Prior == PriorNone {
		// Every constrained variant is nested in the full model under the
		// same response model: if one reaches a higher maximum, the full
		// model's optimizer missed it, so search again from there.
		full := o.Models[0]
		var extra []Values
		best := sf.Estimates[0].LogLik
		for k, v := range o.Models[1:] {
			e := sf.Estimates[k+1]
			if v.rule != rulePyramid || v.kinds || v.endGame != full.endGame || o.response(v) != o.response(full) || e.LogLik <= best+1e-6 {
				continue
			}
			extra = append(extra, e.Values)
		}
		if extra != nil {
			if e := estimate(c, s.ID, full, trait, o, nil, nil, extra); e.LogLik > sf.Estimates[0].LogLik {
				sf.Estimates[0] = e
			}
		}
	}
	if o.Samples > 0 {
		pop := fixedPrior(o, o.Models[0].Name)
		if pops != nil {
			pop = pops[0]
		}
		h := fnv.New64a()
		h.Write([]byte(s.ID))
		sf.Samples = posteriorSamples(rng.Stream(o.Seed, h.Sum64(), 3), c, o.Models[0], trait, o, pop, sf.Estimates[0], o.Samples)
	}
	if o.Replications > 0 {
		sf.Replicas = make([][][]float64, len(o.Models))
		h := fnv.New64a()
		h.Write([]byte(s.ID))
		for k, v := range o.Models {
			if k != 0 && (v.rule != ruleBaseline || v.resp != nil) {
				continue
			}
			for r := range o.Replications {
				sf.Replicas[k] = append(sf.Replicas[k], Replicate(rng.Stream(o.Seed, h.Sum64(), 2, uint64(k), uint64(r)), s, v, sf.Estimates[k].Values, o.EndGame))
			}
		}
	}
	for k, v := range o.Models {
		e := &sf.Estimates[k]
		pred := c.predict(&e.Values, v.rule)
		e.Expected = make([]float64, len(pred))
		for i, p := range pred {
			e.Expected[i] = p.Expected
			sf.Choices[i].Observed = p.Observed
		}
	}
	if full := sf.Estimates[0]; full.K >= full.N {
		sf.Warnings = append(sf.Warnings, fmt.Sprintf("%d choices for %d free parameters: the estimates are not identified (pool subjects, or fix parameters)", full.N, full.K))
	}
	return sf
}

// estimate fits variant v to c: from warm (EM) or from the restarts plus
// the points extra.
func estimate(c *compiled, id string, v Variant, trait *Trait, o Options, pop *popPrior, warm []float64, extra []Values) Estimate {
	p, notes := newProblem(c, v, o, trait)
	p.pop = pop
	e := Estimate{Model: v.Name, K: len(p.free), N: len(c.trials), Warnings: notes, CVLogLik: math.NaN(), LOSOLogEvidence: math.NaN()}
	for _, q := range p.free {
		e.Free[q] = true
	}
	if p.tieW && e.Free[WPlus] {
		e.Free[WMinus] = true
	}
	if p.tieA && e.Free[AlphaPlus] {
		e.Free[AlphaMinus] = true
	}
	e.Used = p.used
	var best run
	var atBest int
	if warm != nil {
		best, atBest = p.minimizeFrom(warm, o.MaxEvals), 1
	} else {
		st := p.starts(id, o)
		for _, x := range extra {
			z := make([]float64, len(p.free))
			for i, q := range p.free {
				z[i] = p.iv[i].toUnbounded(x[q])
			}
			st = append(st, z)
		}
		best, atBest = p.minimize(st, o.MaxEvals)
	}
	e.Values = p.values(best.z)
	e.LogLik = p.c.loglik(&e.Values, p.rule, partAll, p.beliefs)
	e.AIC = 2*float64(e.K) - 2*e.LogLik
	e.BIC = float64(e.K)*math.Log(float64(e.N)) - 2*e.LogLik
	e.Converged, e.AtBest = best.converged, atBest
	if !best.converged {
		e.Warnings = append(e.Warnings, "not converged: the optimizer stopped at its evaluation limit")
	}
	for i := range e.SE {
		e.SE[i] = math.NaN()
	}
	atBound := false
	for i, q := range p.free {
		u := model.Sigmoid(best.z[i])
		if u < 1e-3 || u > 1-1e-3 {
			atBound = true
			side, b := "lower", p.iv[i].Lo
			if u > 0.5 {
				side, b = "upper", p.iv[i].Hi
			}
			e.Warnings = append(e.Warnings, fmt.Sprintf("%v at its %s bound %s", q, side, strconv.FormatFloat(b, 'g', -1, 64)))
		}
	}
	e.LogEvidence = math.NaN()
	if p.pop != nil && p.prior == nil && len(p.free) == 0 {
		e.LogEvidence = e.LogLik
	}
	if len(p.free) > 0 {
		se, logDet, err := standardErrors(p, best.z)
		if err == nil && p.pop != nil && p.prior == nil {
			// Laplace: log p(D) = LL + log prior(z) + (k/2) log 2pi - (1/2) log det H.
			e.LogEvidence = e.LogLik - p.pop.penalty(p.free, best.z, false) - 0.5*logDet
			for _, q := range p.free {
				if p.pop.on[q] {
					e.LogEvidence -= math.Log(p.pop.sd[q])
				}
			}
		}
		if err != nil {
			if !atBound {
				e.Warnings = append(e.Warnings, err.Error())
			}
		} else {
			for i, q := range p.free {
				e.SE[q] = se[i]
			}
			if p.tieW && e.Free[WPlus] {
				e.SE[WMinus] = e.SE[WPlus]
			}
			if p.tieA && e.Free[AlphaPlus] {
				e.SE[AlphaMinus] = e.SE[AlphaPlus]
			}
		}
	}
	if !o.NoCV {
		// Per fold: fit the other trials from the full-data optimum and
		// the default start, then score the held-out trials (beliefs are
		// replayed through every trial: the subject saw all the feedback).
		for _, f := range c.testFolds() {
			c.setFold(f)
			if c.nTest == 0 || c.nTrain == 0 {
				continue
			}
			p.mask = partTrain
			st := p.starts(id, o)[:1]
			if best.z != nil {
				st = append(st, best.z)
			}
			cv, _ := p.minimize(st, o.MaxEvals)
			cvv := p.values(cv.z)
			if e.CVN == 0 {
				e.CVLogLik = 0
			}
			for i, pr := range c.predict(&cvv, p.rule) {
				if c.trials[i].part == partTest {
					e.CVLogLik += pr.LogProb
					e.CVN++
					e.CV = append(e.CV, CVPoint{Trial: i, Fold: f, Expected: pr.Expected, LogProb: pr.LogProb})
				}
			}
			p.mask = partAll
		}
	}
	e.Evals = p.evals
	return e
}

// losoEvidence is the Laplace log evidence of c's choices under variant v
// and prior pop (estimated without this subject), from the MAP reached
// from warm; NaN when the Hessian is not positive definite.
func losoEvidence(c *compiled, v Variant, trait *Trait, o Options, pop *popPrior, warm []float64) float64 {
	p, _ := newProblem(c, v, o, trait)
	if p.prior != nil {
		return math.NaN() // a measured-trait prior: no evidence, as for the fit itself
	}
	p.pop = pop
	if len(p.free) == 0 {
		return p.c.loglik(&p.fixed, p.rule, partAll, p.beliefs)
	}
	best := p.minimizeFrom(warm, o.MaxEvals)
	x := p.values(best.z)
	ll := c.loglik(&x, p.rule, partAll, p.beliefs)
	_, logDet, err := standardErrors(p, best.z)
	if err != nil {
		return math.NaN()
	}
	le := ll - pop.penalty(p.free, best.z, false) - 0.5*logDet
	for _, q := range p.free {
		if pop.on[q] {
			le -= math.Log(pop.sd[q])
		}
	}
	return le
}

var errNotPD = errors.New("Hessian not positive definite: standard errors unavailable (flat or ridge-shaped likelihood)")

// standardErrors inverts the Hessian on the unbounded scale and maps the
// diagonal to the parameters' scales with the delta method.
// It also returns the log-determinant of the Hessian.
func standardErrors(p *problem, z []float64) ([]float64, float64, error) {
	H := p.hessian(z, 1e-3)
	var ch mat.Cholesky
	if ok := ch.Factorize(H); !ok {
		return nil, 0, errNotPD
	}
	var inv mat.SymDense
	if err := ch.InverseTo(&inv); err != nil {
		return nil, 0, errNotPD
	}
	se := make([]float64, len(z))
	for i := range z {
		vz := inv.At(i, i)
		if !(vz > 0) || math.IsInf(vz, 0) {
			return nil, 0, errNotPD
		}
		se[i] = math.Abs(p.iv[i].deriv(z[i])) * math.Sqrt(vz)
	}
	return se, ch.LogDet(), nil
}
