package fit

import (
	"math"
	"sort"
)

// nmConverge is gonum's optimize.FunctionConverge: the run has converged
// when the best value has not improved by more than Relative*|f| +
// Absolute for Iterations major iterations.
type nmConverge struct {
	Absolute, Relative float64
	Iterations         int
}

// nmSorter sorts the simplex by value, as gonum's nmVertexSorter does
// (with sort.Sort, so that ties are broken identically).
type nmSorter struct {
	vertices [][]float64
	values   []float64
}

func (n nmSorter) Len() int           { return len(n.values) }
func (n nmSorter) Less(i, j int) bool { return n.values[i] < n.values[j] }
func (n nmSorter) Swap(i, j int) {
	n.values[i], n.values[j] = n.values[j], n.values[i]
	n.vertices[i], n.vertices[j] = n.vertices[j], n.vertices[i]
}

// minimizeNM minimizes f from x0 with the Nelder-Mead simplex method and
// returns the best point of the last major iteration, its value and
// whether the run converged. It repeats, step for step and bit for bit,
// what gonum's optimize.Minimize does with NelderMead{SimplexSize: size},
// the converger fc and FuncEvaluations: maxEvals (the ANMS parameters of
// Gao and Han for the dimension, the initial simplex x0 + size e_i, the
// same evaluation count and stopping rule; TestMinimizeNMMatchesGonum),
// without gonum's goroutine and channel hand-offs on every evaluation,
// which cost about 15% of a fit.
func minimizeNM(f func([]float64) float64, x0 []float64, size float64, fc nmConverge, maxEvals int) (best []float64, fbest float64, converged bool) {
	dim := len(x0)
	evals := 0
	// eval evaluates x and reports whether the evaluation limit is reached.
	eval := func(x []float64) (float64, bool) {
		v := f(x)
		evals++
		return v, maxEvals > 0 && evals >= maxEvals
	}
	best = make([]float64, dim) // gonum's optLoc: zeros and +Inf until the first major iteration
	fbest = math.Inf(1)
	first, cbest, citer := true, 0.0, 0
	// major records a major iteration at (x, fx) and reports convergence.
	major := func(x []float64, fx float64) bool {
		copy(best, x)
		fbest = fx
		if first {
			cbest, first = fx, false
			return false
		}
		if fc.Iterations == 0 {
			return false
		}
		maxAbs := math.Max(math.Abs(fx), math.Abs(cbest))
		if fx < cbest && cbest-fx > fc.Relative*maxAbs+fc.Absolute {
			cbest, citer = fx, 0
			return false
		}
		citer++
		return citer >= fc.Iterations
	}

	f0, stop := eval(x0)
	if stop {
		return best, fbest, false
	}
	if math.IsInf(f0, 1) || math.IsNaN(f0) {
		return best, fbest, false // gonum: Failure at the starting location
	}
	if major(x0, f0) {
		return best, fbest, true
	}
	reflection, expansion, contraction, shrink := 1.0, 1+2/float64(dim), 0.75-1/(2*float64(dim)), 1-1/float64(dim)
	if dim == 1 {
		expansion, contraction, shrink = 2, 0.5, 0.5
	}
	vertices := make([][]float64, dim+1)
	for i := range vertices {
		vertices[i] = make([]float64, dim)
	}
	values := make([]float64, dim+1)
	centroid := make([]float64, dim)
	x := make([]float64, dim)
	reflected := make([]float64, dim)
	copy(vertices[dim], x0)
	values[dim] = f0
	for i := range dim {
		copy(x, x0)
		x[i] += size
		fx, stop := eval(x)
		values[i] = fx
		copy(vertices[i], x)
		if stop {
			return best, fbest, false
		}
	}
	setCentroid := func() {
		for j := range centroid {
			centroid[j] = 0
		}
		for i := range dim {
			for j, v := range vertices[i] {
				centroid[j] += v
			}
		}
		for j := range centroid {
			centroid[j] /= float64(dim)
		}
	}
	replaceWorst := func(p []float64, fp float64) {
		copy(vertices[dim], p)
		values[dim] = fp
		for i := dim - 1; i >= 0; i-- {
			if values[i] < fp {
				break
			}
			vertices[i], vertices[i+1] = vertices[i+1], vertices[i]
			values[i], values[i+1] = values[i+1], values[i]
		}
		a := -1 / float64(dim)
		for j := range centroid {
			centroid[j] += a * vertices[dim][j]
		}
		a = 1 / float64(dim)
		for j := range centroid {
			centroid[j] += a * p[j]
		}
	}
	// point sets x = centroid + scale (centroid - worst).
	point := func(scale float64) {
		for j := range x {
			x[j] = centroid[j] - vertices[dim][j]
		}
		for j := range x {
			x[j] *= scale
		}
		for j := range x {
			x[j] += centroid[j]
		}
	}
	sort.Sort(nmSorter{vertices, values})
	setCentroid()
	for {
		if major(vertices[0], values[0]) {
			return best, fbest, true
		}
		point(reflection)
		copy(reflected, x)
		fr, stop := eval(x)
		if stop {
			return best, fbest, false
		}
		switch {
		case fr >= values[0] && fr < values[dim-1]:
			replaceWorst(x, fr)
			continue
		case fr < values[0]:
			point(reflection * expansion)
			fe, stop := eval(x)
			if stop {
				return best, fbest, false
			}
			if fe < fr {
				replaceWorst(x, fe)
			} else {
				replaceWorst(reflected, fr)
			}
			continue
		}
		var fcx float64
		if fr < values[dim] {
			point(reflection * contraction)
			if fcx, stop = eval(x); stop {
				return best, fbest, false
			}
			if fcx <= fr {
				replaceWorst(x, fcx)
				continue
			}
		} else {
			point(-contraction)
			if fcx, stop = eval(x); stop {
				return best, fbest, false
			}
			if fcx < values[dim] {
				replaceWorst(x, fcx)
				continue
			}
		}
		// Shrink towards the best vertex.
		for i := 1; i <= dim; i++ {
			for j := range x {
				x[j] = vertices[i][j] - vertices[0][j]
			}
			for j := range x {
				x[j] *= shrink
			}
			for j := range x {
				x[j] += vertices[0][j]
			}
			fs, stop := eval(x)
			copy(vertices[i], x)
			values[i] = fs
			if stop {
				return best, fbest, false
			}
		}
		sort.Sort(nmSorter{vertices, values})
		setCentroid()
	}
}
