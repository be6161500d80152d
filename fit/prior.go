package fit

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"

	"gonum.org/v1/gonum/mat"
)

// Prior says how per-subject estimates are regularised.
type Prior int

const (
	// PriorNone is maximum likelihood: no prior (the zero value).
	PriorNone Prior = iota
	// PriorWeak is maximum a posteriori under a fixed, weakly informative
	// prior: every free parameter's unbounded scale z (the logit of its
	// position between its estimation bounds, on a log scale for the
	// positive parameters) is N(0, WeakSD^2), centred at the middle of the
	// bounds. It keeps estimates off the bounds without pulling them to a
	// value the data do not support.
	PriorWeak
	// PriorEmpirical is empirical Bayes (the EM for maximum a posteriori
	// of Huys et al. 2011, PLoS Comput Biol 7(4): e1002028): starting from
	// PriorWeak, it alternates per-subject MAP fits under a normal
	// population prior on each free parameter's unbounded scale with
	// re-estimating the prior's mean and variance from the subjects'
	// estimates and their posterior variances (the inverse Hessian), until
	// the prior changes by less than 0.01 (at most 50 iterations). Each
	// variant has its own prior. It needs the subjects together: use Run
	// (or Recover), not FitSubject.
	PriorEmpirical
)

// WeakSD is the standard deviation of PriorWeak on the unbounded scale:
// the middle 95% of the prior spans positions 0.02 to 0.98 of each
// parameter's range.
const WeakSD = 2

// Empirical Bayes tunables.
const (
	ebMaxIter     = 50
	ebTol         = 0.01 // largest change of a prior mean or SD (unbounded scale) at convergence
	ebMinSubjects = 5    // fewer subjects with a parameter free: the weak prior stays
	ebMinVar      = 1e-4 // floor of the population variance
)

var priorNames = [...]string{"none", "weak", "empirical"}

// String returns "none", "weak" or "empirical".
func (p Prior) String() string {
	if p >= 0 && int(p) < len(priorNames) {
		return priorNames[p]
	}
	return fmt.Sprintf("Prior(%d)", int(p))
}

// MarshalText encodes p by name, for JSON outputs.
func (p Prior) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// ParsePrior parses "none" (or "ml"), "weak" and "empirical" (or "eb").
func ParsePrior(s string) (Prior, error) {
	switch s {
	case "none", "ml":
		return PriorNone, nil
	case "weak":
		return PriorWeak, nil
	case "empirical", "eb":
		return PriorEmpirical, nil
	}
	return 0, fmt.Errorf("%q: must be none (maximum likelihood), weak or empirical", s)
}

// Population is the prior of one variant's fits: a normal distribution
// per free parameter on its unbounded scale (see PriorWeak).
type Population struct {
	Model  string  `json:"model"`
	Kind   Prior   `json:"prior"`
	Params []Param `json:"params"`
	// Mean and SD on the unbounded scale.
	Mean []float64 `json:"mean_unbounded"`
	SD   []float64 `json:"sd_unbounded"`
	// Center, Lo and Hi are Mean and Mean -/+ SD mapped to the
	// parameter's scale: the population's median and a central 68% range.
	Center []float64 `json:"median"`
	Lo     []float64 `json:"lo68"`
	Hi     []float64 `json:"hi68"`
	// Subjects is the number of subjects the prior was estimated from,
	// Iterations the EM iterations, Converged whether the prior settled
	// (PriorEmpirical only).
	Subjects   int  `json:"subjects,omitempty"`
	Iterations int  `json:"iterations,omitempty"`
	Converged  bool `json:"converged"`
}

// popPrior is the prior as the objective uses it.
type popPrior struct {
	on       [NumParams]bool
	mean, sd [NumParams]float64
	report   *Population
}

// penalty is the negative log prior density (up to a constant) of the
// free parameters at z; skipTau leaves tau to a measured-trait prior.
func (pp *popPrior) penalty(free []Param, z []float64, skipTau bool) float64 {
	s := 0.0
	for i, q := range free {
		if !pp.on[q] || (skipTau && q == Tau) {
			continue
		}
		d := (z[i] - pp.mean[q]) / pp.sd[q]
		s += 0.5 * d * d
	}
	return s
}

// fixedPrior is the prior of o.Prior before any population estimate: nil
// for maximum likelihood, the weak prior otherwise.
func fixedPrior(o Options, model string) *popPrior {
	if o.Prior == PriorNone {
		return nil
	}
	return weakPrior(o, model)
}

func weakPrior(o Options, model string) *popPrior {
	pp := &popPrior{}
	for q := range NumParams {
		pp.on[q], pp.sd[q] = true, WeakSD
	}
	pp.report = pp.population(o, model, PriorWeak, nil)
	return pp
}

// population describes pp for the outputs, for the parameters in free.
func (pp *popPrior) population(o Options, model string, kind Prior, free []Param) *Population {
	pop := &Population{Model: model, Kind: kind}
	if free == nil {
		free = slices.Clone(DefaultFree)
	}
	for _, q := range free {
		iv := o.Bounds[q]
		pop.Params = append(pop.Params, q)
		pop.Mean = append(pop.Mean, pp.mean[q])
		pop.SD = append(pop.SD, pp.sd[q])
		pop.Center = append(pop.Center, iv.toNatural(pp.mean[q]))
		pop.Lo = append(pop.Lo, iv.toNatural(pp.mean[q]-pp.sd[q]))
		pop.Hi = append(pop.Hi, iv.toNatural(pp.mean[q]+pp.sd[q]))
	}
	return pop
}

// minimizeFrom runs Nelder-Mead from a warm start, then polishes.
func (p *problem) minimizeFrom(z0 []float64, maxEvals int) run {
	if len(p.free) == 0 {
		return run{f: p.objective(nil), converged: true}
	}
	best := p.nelderMead(z0, 0.3, maxEvals)
	polished := p.nelderMead(best.z, 0.05, maxEvals)
	if polished.f <= best.f {
		polished.converged = polished.converged || best.converged && polished.f > best.f-1e-6
		best = polished
	}
	return best
}

// posteriorVar is the diagonal of the inverse Hessian of the objective at
// z (the posterior variances on the unbounded scale under the Laplace
// approximation); where it is unavailable, the prior variances.
func (p *problem) posteriorVar(z []float64) []float64 {
	out := make([]float64, len(z))
	for i, q := range p.free {
		out[i] = p.pop.sd[q] * p.pop.sd[q]
	}
	if len(z) == 0 {
		return out
	}
	var ch mat.Cholesky
	if !ch.Factorize(p.hessian(z, 1e-3)) {
		return out
	}
	var inv mat.SymDense
	if ch.InverseTo(&inv) != nil {
		return out
	}
	for i := range z {
		if v := inv.At(i, i); v > 0 && !math.IsInf(v, 0) {
			out[i] = v
		}
	}
	return out
}

// mapState is one subject's MAP fit of one variant during EM.
type mapState struct {
	z, post []float64
	free    []Param
}

func mapFit(c *compiled, j Job, v Variant, o Options, pop *popPrior, warm []float64) mapState {
	p, _ := newProblem(c, v, o, j.Trait)
	p.pop = pop
	var best run
	if warm == nil {
		best, _ = p.minimize(p.starts(j.Seq.ID, o), o.MaxEvals)
	} else {
		// An EM step moves the prior a little: one looser Nelder-Mead run
		// from the last estimate (the final fits polish).
		p.loose = true
		best = p.nelderMead(warm, 0.3, o.MaxEvals)
		p.loose = false
	}
	return mapState{z: best.z, post: p.posteriorVar(best.z), free: p.free}
}

// updatePrior is the M step: per parameter, the mean of the subjects'
// estimates and the mean of their squared deviations plus posterior
// variances. Parameters free for fewer than ebMinSubjects keep old's.
func updatePrior(old *popPrior, states []mapState) *popPrior {
	np := *old
	var sum, sum2 [NumParams]float64
	var n [NumParams]int
	for _, s := range states {
		for i, q := range s.free {
			sum[q] += s.z[i]
			sum2[q] += s.z[i]*s.z[i] + s.post[i]
			n[q]++
		}
	}
	for q := range NumParams {
		if n[q] < ebMinSubjects {
			continue
		}
		m := sum[q] / float64(n[q])
		np.mean[q] = m
		np.sd[q] = math.Sqrt(max(sum2[q]/float64(n[q])-m*m, ebMinVar))
	}
	return &np
}

// change is the largest change of a mean or SD between two priors.
func (pp *popPrior) change(old *popPrior) float64 {
	d := 0.0
	for q := range NumParams {
		d = max(d, math.Abs(pp.mean[q]-old.mean[q]), math.Abs(pp.sd[q]-old.sd[q]))
	}
	return d
}

// parallel calls f(i) for i in [0, n) on workers goroutines.
func parallel(ctx context.Context, n, workers int, f func(i int)) error {
	idx := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range idx {
				f(i)
			}
		}()
	}
	var err error
feed:
	for i := range n {
		select {
		case idx <- i:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(idx)
	wg.Wait()
	return err
}

// runEmpirical is Run under PriorEmpirical: it reads every subject, runs
// the EM over the population priors, and emits the final fits in order.
// Each subject's fit in every iteration depends only on its data and the
// prior, and the prior on all fits in input order, so the results do not
// depend on the number of workers.
func runEmpirical(ctx context.Context, next func() (Job, bool, error), o Options, workers int, emit func(SubjectFit) error) error {
	var jobs []Job
	var stopErr error
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		j, ok, err := next()
		if err != nil {
			stopErr = err
			break
		}
		if !ok {
			break
		}
		if err := check(j.Seq, j.Trait, o); err != nil {
			stopErr = err
			break
		}
		jobs = append(jobs, j)
	}
	n, m := len(jobs), len(o.Models)
	cs := make([]*compiled, n)
	for i, j := range jobs {
		cs[i] = compileWith(j.Seq, o.CVFraction, o.EndGame, o.CVFolds)
	}
	pops := make([]*popPrior, m)
	for k, v := range o.Models {
		pops[k] = weakPrior(o, v.Name)
	}
	states := make([][]mapState, m) // [variant][subject]
	for k := range states {
		states[k] = make([]mapState, n)
	}
	if err := parallel(ctx, n, workers, func(i int) {
		for k, v := range o.Models {
			states[k][i] = mapFit(cs[i], jobs[i], v, o, pops[k], nil)
		}
	}); err != nil {
		return err
	}
	converged := make([]bool, m)
	iters := make([]int, m)
	for it := 1; it <= ebMaxIter; it++ {
		active := false
		for k := range m {
			if converged[k] {
				continue
			}
			np := updatePrior(pops[k], states[k])
			converged[k] = np.change(pops[k]) < ebTol
			pops[k], iters[k] = np, it
			active = active || !converged[k]
		}
		if !active || it == ebMaxIter {
			break
		}
		if o.OnIteration != nil {
			o.OnIteration(it)
		}
		if err := parallel(ctx, n, workers, func(i int) {
			for k, v := range o.Models {
				if !converged[k] {
					states[k][i] = mapFit(cs[i], jobs[i], v, o, pops[k], states[k][i].z)
				}
			}
		}); err != nil {
			return err
		}
	}
	for k, v := range o.Models {
		var free []Param
		for _, s := range states[k] {
			for _, q := range s.free {
				if !slices.Contains(free, q) {
					free = append(free, q)
				}
			}
		}
		slices.Sort(free)
		pop := pops[k].population(o, v.Name, PriorEmpirical, free)
		pop.Subjects, pop.Iterations, pop.Converged = n, iters[k], converged[k]
		if n < ebMinSubjects {
			pop.Kind = PriorWeak
		}
		pops[k].report = pop
	}
	i := 0
	source := func() (Job, bool, error) {
		if i == n {
			return Job{}, false, nil
		}
		i++
		return jobs[i-1], true, nil
	}
	err := runOrdered(ctx, source, workers, func(i int, j Job) (SubjectFit, error) {
		warm := make([][]float64, m)
		for k := range m {
			warm[k] = states[k][i].z
		}
		var loso []*popPrior
		if o.LOSO && n >= ebMinSubjects+1 {
			loso = make([]*popPrior, m)
			for k := range m {
				others := append(slices.Clone(states[k][:i]), states[k][i+1:]...)
				loso[k] = updatePrior(pops[k], others)
			}
		}
		sf := fitCompiled(cs[i], j.Seq, j.Trait, o, pops, warm, loso...)
		for k := range sf.Estimates {
			if pop := pops[k].report; pop.Kind == PriorEmpirical && !pop.Converged {
				e := &sf.Estimates[k]
				e.Warnings = append(e.Warnings, fmt.Sprintf("empirical prior not converged after %d EM iterations: probably a parameter of this model is not identified from these data", ebMaxIter))
			}
		}
		if n < ebMinSubjects {
			sf.Warnings = append(sf.Warnings, fmt.Sprintf("empirical Bayes needs at least %d subjects: fitted under the weak prior", ebMinSubjects))
		}
		return sf, nil
	}, emit)
	if err != nil {
		return err
	}
	return stopErr
}
