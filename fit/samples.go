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
	// The scale: H^-1 = V diag(1/lambda) V^T, eigenvalues floored so that a
	// flat direction gets a wide (not an infinite) proposal.
	var eig mat.EigenSym
	var L *mat.Dense
	if eig.Factorize(p.hessian(z0, 1e-3), true) {
		var vecs mat.Dense
		eig.VectorsTo(&vecs)
		vals := eig.Values(nil)
		L = mat.NewDense(d, d, nil)
		for j, l := range vals {
			s := 1 / math.Sqrt(max(l, 0.04)) // at most 5 units of z
			for i := range d {
				L.Set(i, j, vecs.At(i, j)*s)
			}
		}
	} else {
		L = mat.NewDense(d, d, nil)
		for i := range d {
			L.Set(i, i, 1)
		}
	}
	const nu = 5.0
	chi := distuv.ChiSquared{K: nu, Src: r}
	m := n * proposalsPerDraw
	zs := make([][]float64, m)
	logw := make([]float64, m)
	y := make([]float64, d)
	for k := range m {
		s := math.Sqrt(nu / chi.Rand())
		delta := 0.0
		for i := range y {
			y[i] = r.NormFloat64()
			delta += y[i] * y[i]
		}
		z := slices.Clone(z0)
		for i := range d {
			for j := range d {
				z[i] += L.At(i, j) * y[j] * s
			}
		}
		// log q up to a constant: the t density in the standardised
		// coordinates u = y s, |u|^2 = delta s^2.
		logq := -(nu + float64(d)) / 2 * math.Log1p(delta*s*s/nu)
		zs[k], logw[k] = z, -p.objective(z)-logq
	}
	top := math.Inf(-1)
	for _, lw := range logw {
		top = max(top, lw)
	}
	if math.IsInf(top, -1) {
		return nil
	}
	w := make([]float64, m)
	sum, sum2 := 0.0, 0.0
	for k, lw := range logw {
		w[k] = math.Exp(lw - top)
		sum += w[k]
		sum2 += w[k] * w[k]
	}
	out := &Samples{Model: v.Name, Params: slices.Clone(p.free), Proposals: m, ESS: sum * sum / sum2}
	// Systematic resampling.
	u := r.Float64() / float64(n)
	acc, k := w[0]/sum, 0
	for i := range n {
		t := u + float64(i)/float64(n)
		for acc < t && k < m-1 {
			k++
			acc += w[k] / sum
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
