package fit

import (
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Samples are draws from one subject's posterior of one model under its
// prior (empirical Bayes or the weak prior), by sampling importance
// resampling: proposals from a multivariate Student t (5 degrees of
// freedom) centred at the MAP with the inverse Hessian of the negative log
// posterior as its scale (the Laplace approximation, with heavier tails),
// weighted by posterior / proposal on the unbounded scale of the
// optimizer, then resampled. They go beyond the Laplace standard errors:
// intervals are skewed where a parameter is near a bound, and wide where
// the data say little.
type Samples struct {
	Model  string
	Params []Param // the free parameters
	// Draws[i][j] is draw i of Params[j], on the parameter's scale.
	Draws [][]float64
	// Proposals is the number of proposals weighted; ESS is the effective
	// sample size of their weights, (sum w)^2 / sum w^2: well below
	// len(Draws) the Laplace proposal missed the posterior's shape, and
	// the draws repeat few proposals.
	Proposals int
	ESS       float64
}

// Quantile returns the q-quantile of the draws of parameter j.
func (s *Samples) Quantile(j int, q float64) float64 {
	xs := make([]float64, len(s.Draws))
	for i, d := range s.Draws {
		xs[i] = d[j]
	}
	slices.Sort(xs)
	if len(xs) == 0 {
		return math.NaN()
	}
	pos := q * float64(len(xs)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(xs)-1)
	return xs[lo] + (pos-float64(lo))*(xs[hi]-xs[lo])
}

// proposalsPerDraw is how many proposals are weighted per resampled draw.
const proposalsPerDraw = 8

// posteriorSamples draws n samples of variant v's posterior for compiled
// subject c under the prior pop (nil: none, and no samples) around the
// estimate e; every random number comes from r.
func posteriorSamples(r *rand.Rand, c *compiled, v Variant, trait *Trait, o Options, pop *popPrior, e Estimate, n int) *Samples {
	if pop == nil || n <= 0 {
		return nil
	}
	p, _ := newProblem(c, v, o, trait)
	p.pop = pop
	d := len(p.free)
	if d == 0 {
		return nil
	}
	z0 := make([]float64, d)
	for i, q := range p.free {
		z0[i] = p.iv[i].toUnbounded(e.Values[q])
	}
	// Stage 1: the Laplace scale H^-1 = V diag(1/lambda) V^T, eigenvalues
	// floored so that a flat direction gets a wide (not an infinite)
	// proposal. Stage 2: the moments of stage 1's weighted proposals
	// (adaptive importance sampling). The union is weighted against the
	// mixture of both (deterministic-mixture weights).
	cov := mat.NewSymDense(d, nil)
	var eig mat.EigenSym
	if eig.Factorize(p.hessian(z0, 1e-3), true) {
		var vecs mat.Dense
		eig.VectorsTo(&vecs)
		vals := eig.Values(nil)
		for i := range d {
			for j := i; j < d; j++ {
				c := 0.0
				for k, l := range vals {
					c += vecs.At(i, k) * vecs.At(j, k) / max(l, 0.04) // at most 5 units of z
				}
				cov.SetSym(i, j, c)
			}
		}
	} else {
		for i := range d {
			cov.SetSym(i, i, 1)
		}
	}
	q1, ok := newTProposal(z0, cov)
	if !ok {
		return nil
	}
	m := n * proposalsPerDraw
	half := m / 2
	zs := make([][]float64, 0, m)
	for range half {
		zs = append(zs, q1.draw(r))
	}
	logp := make([]float64, 0, m)
	for _, z := range zs {
		logp = append(logp, -p.objective(z))
	}
	props := []*tProposal{q1}
	if w, _ := normWeights(logp, func(z []float64) float64 { return q1.logDensity(z) }, zs); w != nil {
		mu := make([]float64, d)
		for k, z := range zs {
			for i := range d {
				mu[i] += w[k] * z[i]
			}
		}
		c2 := mat.NewSymDense(d, nil)
		for i := range d {
			for j := i; j < d; j++ {
				c := 0.0
				for k, z := range zs {
					c += w[k] * (z[i] - mu[i]) * (z[j] - mu[j])
				}
				c2.SetSym(i, j, c+0.1*cov.At(i, j)) // a tenth of the Laplace scale: never degenerate
			}
		}
		if q2, ok := newTProposal(mu, c2); ok {
			props = append(props, q2)
		}
	}
	for len(zs) < m {
		z := props[len(props)-1].draw(r)
		zs = append(zs, z)
		logp = append(logp, -p.objective(z))
	}
	mix := func(z []float64) float64 {
		if len(props) == 1 {
			return props[0].logDensity(z)
		}
		a, b := props[0].logDensity(z), props[1].logDensity(z)
		top := max(a, b)
		return top + math.Log(0.5*math.Exp(a-top)+0.5*math.Exp(b-top))
	}
	w, ess := normWeights(logp, mix, zs)
	if w == nil {
		return nil
	}
	out := &Samples{Model: v.Name, Params: slices.Clone(p.free), Proposals: m, ESS: ess}
	// Systematic resampling.
	u := r.Float64() / float64(n)
	acc, k := w[0], 0
	for i := range n {
		t := u + float64(i)/float64(n)
		for acc < t && k < m-1 {
			k++
			acc += w[k]
		}
		vals := p.values(zs[k])
		draw := make([]float64, d)
		for j, q := range p.free {
			draw[j] = vals[q]
		}
		out.Draws = append(out.Draws, draw)
	}
	return out
}

// normWeights returns the normalised importance weights of the points zs
// with log target logp and log proposal density logq, and their effective
// sample size; nil if no point has a finite weight.
func normWeights(logp []float64, logq func([]float64) float64, zs [][]float64) ([]float64, float64) {
	lw := make([]float64, len(zs))
	top := math.Inf(-1)
	for k, z := range zs {
		lw[k] = logp[k] - logq(z)
		if math.IsNaN(lw[k]) {
			lw[k] = math.Inf(-1)
		}
		top = max(top, lw[k])
	}
	if math.IsInf(top, 0) {
		return nil, 0
	}
	sum, sum2 := 0.0, 0.0
	for k := range lw {
		lw[k] = math.Exp(lw[k] - top)
		sum += lw[k]
	}
	for k := range lw {
		lw[k] /= sum
		sum2 += lw[k] * lw[k]
	}
	return lw, 1 / sum2
}

// tProposal is a multivariate Student t with tNu degrees of freedom.
type tProposal struct {
	mu     []float64
	chol   mat.Cholesky
	l      mat.TriDense
	logdet float64
}

const tNu = 5.0

func newTProposal(mu []float64, cov *mat.SymDense) (*tProposal, bool) {
	q := &tProposal{mu: mu}
	if !q.chol.Factorize(cov) {
		return nil, false
	}
	q.chol.LTo(&q.l)
	q.logdet = q.chol.LogDet()
	return q, true
}

func (q *tProposal) draw(r *rand.Rand) []float64 {
	d := len(q.mu)
	s := math.Sqrt(tNu / distuv.ChiSquared{K: tNu, Src: r}.Rand())
	y := make([]float64, d)
	for i := range y {
		y[i] = r.NormFloat64() * s
	}
	z := slices.Clone(q.mu)
	for i := range d {
		for j := 0; j <= i; j++ {
			z[i] += q.l.At(i, j) * y[j]
		}
	}
	return z
}

// logDensity is the log density at z up to a constant common to all
// tProposals of the same dimension.
func (q *tProposal) logDensity(z []float64) float64 {
	d := len(q.mu)
	x := mat.NewVecDense(d, nil)
	for i := range d {
		x.SetVec(i, z[i]-q.mu[i])
	}
	var sol mat.VecDense
	if err := q.chol.SolveVecTo(&sol, x); err != nil {
		return math.Inf(-1)
	}
	delta := mat.Dot(x, &sol)
	return -0.5*q.logdet - (tNu+float64(d))/2*math.Log1p(delta/tNu)
}
