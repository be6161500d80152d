package model

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// BetaBinomial is the distribution of the number of successes in N trials
// whose success probability is drawn from Beta(Alpha, Beta). trustlab uses
// it for graded amounts sent out of an endowment N.
type BetaBinomial struct {
	N           int     // trials (the endowment), >= 0
	Alpha, Beta float64 // shape parameters, > 0
}

// LogProb is the log probability of k, -Inf outside 0..N:
// log C(N,k) + log B(k+Alpha, N-k+Beta) - log B(Alpha, Beta).
func (d BetaBinomial) LogProb(k int) float64 {
	if k < 0 || k > d.N {
		return math.Inf(-1)
	}
	return LogChoose(d.N, k) + LogBeta(float64(k)+d.Alpha, float64(d.N-k)+d.Beta) - LogBeta(d.Alpha, d.Beta)
}

// Prob is the probability of k.
func (d BetaBinomial) Prob(k int) float64 { return math.Exp(d.LogProb(k)) }

// Mean is N*Alpha/(Alpha+Beta).
func (d BetaBinomial) Mean() float64 { return float64(d.N) * d.Alpha / (d.Alpha + d.Beta) }

// Variance is N*a*b*(a+b+N) / ((a+b)^2 * (a+b+1)).
func (d BetaBinomial) Variance() float64 {
	a, b, n := d.Alpha, d.Beta, float64(d.N)
	s := a + b
	return n * a * b * (s + n) / (s * s * (s + 1))
}

// Rand draws a sample: a success probability from Beta(Alpha, Beta), then N
// Bernoulli trials.
func (d BetaBinomial) Rand(r *rand.Rand) int {
	q := distuv.Beta{Alpha: d.Alpha, Beta: d.Beta, Src: r}.Rand()
	if d.N > 64 {
		return int(distuv.Binomial{N: float64(d.N), P: q, Src: r}.Rand())
	}
	k := 0
	for range d.N {
		if r.Float64() < q {
			k++
		}
	}
	return k
}

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// LogBeta is log B(a, b), the log of the beta function.
func LogBeta(a, b float64) float64 { return lgamma(a) + lgamma(b) - lgamma(a+b) }

// LogChoose is log C(n, k), the log of the binomial coefficient
// (0 <= k <= n).
func LogChoose(n, k int) float64 {
	return lgamma(float64(n+1)) - lgamma(float64(k+1)) - lgamma(float64(n-k+1))
}
