package fit

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/optimize"
)

// minimizeNM against gonum's optimize.Minimize with NelderMead, its
// reference: the same point, value and status, bit for bit, on
// Rosenbrock functions of 1 to 8 dimensions, on a pyramid-model
// likelihood, from random starts, with simplex sizes and evaluation
// limits that stop runs in every phase (initial simplex, reflection,
// expansion, contraction, shrink) and converge others.
func TestMinimizeNMMatchesGonum(t *testing.T) {
	rosen := func(x []float64) float64 {
		s := 0.0
		for i := range len(x) - 1 {
			s += 100*math.Pow(x[i+1]-x[i]*x[i], 2) + math.Pow(1-x[i], 2)
		}
		if len(x) == 1 {
			s = math.Pow(x[0]-2, 2) + math.Abs(x[0])
		}
		return s
	}
	tr := func(partner int, k float64, honoured bool) Trial { return amountTrial(partner, 10, k, honoured) }
	seq := &Sequence{ID: "a", Partners: []string{"bad", "good"}, Belief: OutcomeBelief,
		Trials: []Trial{tr(0, 4, false), tr(0, 2, true), tr(1, 10, true), tr(1, 7, true), tr(0, 0, false), tr(1, 9, false)}}
	o, _ := Options{}.resolve()
	p, _ := newProblem(compile(seq, 1), variants[0], o, nil)
	funcs := []struct {
		name string
		f    func([]float64) float64
		dims []int
	}{
		{"rosenbrock", rosen, []int{1, 2, 3, 5, 8}},
		{"pyramid", p.objective, []int{len(p.free)}},
	}
	r := rand.New(rand.NewPCG(1, 2))
	n := 0
	for _, fn := range funcs {
		for _, d := range fn.dims {
			for range 12 {
				x0 := make([]float64, d)
				for i := range x0 {
					x0[i] = 3 * r.NormFloat64()
				}
				size := []float64{0.05, 0.3, 0.8}[r.IntN(3)]
				limit := []int{0, 1, 2, d + 1, 7, 40, 300, 5000}[r.IntN(8)]
				fc := nmConverge{Absolute: 1e-7, Relative: 1e-10, Iterations: 25 * d}
				if r.IntN(2) == 0 {
					fc = nmConverge{Absolute: 1e-4, Iterations: 10 * d}
				}
				settings := &optimize.Settings{Converger: &optimize.FunctionConverge{Absolute: fc.Absolute, Relative: fc.Relative, Iterations: fc.Iterations}, FuncEvaluations: limit}
				res, err := optimize.Minimize(optimize.Problem{Func: fn.f}, slices.Clone(x0), settings, &optimize.NelderMead{SimplexSize: size})
				x, fx, conv := minimizeNM(fn.f, x0, size, fc, limit)
				wantConv := err == nil && res.Status == optimize.FunctionConvergence
				if !slices.Equal(x, res.X) || !(fx == res.F || math.IsInf(fx, 1) && math.IsInf(res.F, 1)) || conv != wantConv {
					t.Errorf("%s d=%d size %g limit %d: got %v %v %v, gonum %v %v %v (%v)", fn.name, d, size, limit, x, fx, conv, res.X, res.F, wantConv, res.Status)
				}
				n++
			}
		}
	}
	t.Logf("%d runs compared", n)
}
