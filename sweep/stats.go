package sweep

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Interval summarises a metric over the replications of a cell.
type Interval struct {
	N    int     // finite values (NaN and infinite values are left out)
	Mean float64 // their mean; NaN when N == 0
	SD   float64 // their sample standard deviation; NaN when N < 2
	Low  float64 // 95% confidence interval of the mean (Student's t); NaN when N < 2
	High float64
}

// MeanCI returns the mean of the finite values in xs and its 95%
// confidence interval, mean +- t(0.975, n-1) * sd / sqrt(n).
func MeanCI(xs []float64) Interval {
	var n int
	var sum float64
	for _, x := range xs {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			n++
			sum += x
		}
	}
	iv := Interval{N: n, Mean: math.NaN(), SD: math.NaN(), Low: math.NaN(), High: math.NaN()}
	if n == 0 {
		return iv
	}
	mean := sum / float64(n)
	iv.Mean = mean
	if n < 2 {
		return iv
	}
	var ss float64
	for _, x := range xs {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			ss += (x - mean) * (x - mean)
		}
	}
	iv.SD = math.Sqrt(ss / float64(n-1))
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(0.975)
	half := t * iv.SD / math.Sqrt(float64(n))
	iv.Low, iv.High = mean-half, mean+half
	return iv
}
