package sim

import (
	"math"
	"sync"

	"github.com/trustlab/trustlab/model"
)

// r1Table tabulates the investment game's risk per unit sent, R1 =
// E[(1 - m rho)+] for rho ~ Beta(a, b) (docs/model.md), for one
// multiplier m, on a grid over the belief's mean p = a/(a+b) in [0, 1]
// and s = (a+b)^(1/8) over [nLo, nHi], and evaluates it by
// tensor-product cubic Lagrange interpolation (4 x 4 nodes). E1 follows
// exactly from the identity E1 = R1 + m p - 1, so one table serves both
// terms, and both have the table's error.
//
// R1 is analytic in (p, s) over the whole rectangle, including its edges
// p = 0 (R1 = 1) and p = 1 (R1 = 0). Near the break-even p = 1/m it bends
// over a width of about sqrt(p(1-p)/n) in p, so the nodes in p grow with
// sqrt(nHi) (r1Nodes). In n, R1 changes about evenly in log(n); the
// eighth root, three square roots, is almost as even (log(n) would
// need 30% fewer nodes) and costs a third of a logarithm. Beliefs
// outside the rectangle (a+b outside [nLo, nHi]: a prior weaker than
// r1NMin, more evidence than r1NMax) are not in the table: r1 returns
// ok = false and the kernel computes the terms by the continued fraction
// (investTerms).
//
// Error bound: at most 2e-9 on R1 and E1 against the model package's
// (gonum's RegIncBeta) over the reachable beliefs, float32 a and b,
// multipliers 1.5 to 10 (TestR1Table); the intended fraction f =
// sigmoid(beta (E1 - lambda R1)) then moves by at most beta/4 |1-lambda|
// 2e-9, below 1e-7 for beta <= 50 and lambda <= e.
type r1Table struct {
	np, ns      int     // nodes per axis: p_i = i*hp, s_j = sLo + j*hs, n_j = s_j^8
	sp, sLo, ss float64 // 1/hp, sLo, 1/hs
	nLo, nHi    float64 // the range of a+b the table covers
	v           []float64
}

// The range of a+b a table may cover: below r1NMin the grid in log(n)
// would grow for little use (weak priors are rare), above r1NMax the
// nodes in p would (they grow with sqrt(n)).
const (
	r1NMin = 0.25
	r1NMax = 400
)

// r1Nodes is the grid for the multiplier m and a+b in [nLo, nHi]: in p,
// 36 sqrt(nHi/(t(1-t))) nodes, t = 1/m (the bend near p = t is about
// sqrt(t(1-t)/n) wide), odd so that p = 1/2 is a node; in n, 56 per
// unit of log(n) (evenly spaced in s), plus a node beyond each end and
// the stencil's margin.
func r1Nodes(m, nLo, nHi float64) (np, ns int) {
	t := 1 / m
	np = int(math.Ceil(36*math.Sqrt(max(nHi, 4)/(t*(1-t)))))/2*2 + 1
	ns = int(math.Ceil(56*math.Log(nHi/nLo))) + 4
	return np, ns
}

// newR1Table builds the table for the multiplier m (> 1) over a+b in
// [nLo, nHi] (r1NMin <= nLo < nHi <= r1NMax), each node's value from
// investTerms, its rows on up to workers goroutines.
func newR1Table(m, nLo, nHi float64, workers int) *r1Table {
	np, ns := r1Nodes(m, nLo, nHi)
	t := &r1Table{np: np, ns: ns, nLo: nLo, nHi: nHi}
	// One node beyond each end of the range in s, so that the
	// stencils at its ends are centred.
	hs := (math.Sqrt(math.Sqrt(math.Sqrt(nHi))) - math.Sqrt(math.Sqrt(math.Sqrt(nLo)))) / float64(ns-3)
	sLo := math.Sqrt(math.Sqrt(math.Sqrt(nLo))) - hs
	hp := 1 / float64(np-1)
	t.sp, t.sLo, t.ss = 1/hp, sLo, 1/hs
	t.v = make([]float64, np*ns)
	lnT, ln1mT := math.Log(1/m), math.Log1p(-1/m)
	var wg sync.WaitGroup
	for w := range max(1, workers) {
		wg.Go(func() {
			for j := w; j < ns; j += max(1, workers) {
				y := sLo + float64(j)*hs
				y2 := y * y
				y4 := y2 * y2
				n := y4 * y4
				row := t.v[j*np : (j+1)*np]
				row[0], row[np-1] = 1, 0 // rho = 0 and rho = 1 surely
				for i := 1; i < np-1; i++ {
					p := float64(i) * hp
					_, row[i] = investTerms(p*n, (1-p)*n, m, lnT, ln1mT)
				}
			}
		})
	}
	wg.Wait()
	return t
}

// lagrange4 returns the weights of the cubic through the nodes 0, 1, 2, 3
// at x.
func lagrange4(x float64) (l0, l1, l2, l3 float64) {
	const sixth = 1.0 / 6
	x0, x1, x2, x3 := x, x-1, x-2, x-3
	x01, x23 := x0*x1, x2*x3
	return -x1 * x23 * sixth, x0 * x23 * 0.5, -x01 * x3 * 0.5, x01 * x2 * sixth
}

// r1 is R1 for the belief Beta(a, b); ok is false when a+b is outside the
// table.
func (t *r1Table) r1(a, b float64) (r1 float64, ok bool) {
	o, x, y, ok := t.at(a, b)
	if !ok {
		return 0, false
	}
	return t.eval(o, x, y), true
}

// at locates the belief Beta(a, b) in the table: the stencil's first node
// o and the position (x, y) in it, in node spacings; ok is false when
// a+b is outside the table. The stencil is the cell's left neighbour,
// kept inside the grid at the edges.
func (t *r1Table) at(a, b float64) (o int, x, y float64, ok bool) {
	n := a + b
	if t == nil || !(n >= t.nLo && n <= t.nHi) {
		return 0, 0, 0, false
	}
	x = a / n * t.sp
	y = (math.Sqrt(math.Sqrt(math.Sqrt(n))) - t.sLo) * t.ss
	i := min(max(int(x)-1, 0), t.np-4)
	j := min(max(int(y)-1, 0), t.ns-4)
	return j*t.np + i, x - float64(i), y - float64(j), true
}

// touch reads the first node of each of the stencil's four rows, so that
// a pass over many beliefs has their (random) reads in flight at once
// before eval needs them; the sum is returned only to keep the reads.
func (t *r1Table) touch(o int) float64 {
	return t.v[o] + t.v[o+t.np] + t.v[o+2*t.np] + t.v[o+3*t.np]
}

// eval interpolates R1 over the stencil at o, position (x, y) (at).
func (t *r1Table) eval(o int, x, y float64) float64 {
	px0, px1, px2, px3 := lagrange4(x)
	sy0, sy1, sy2, sy3 := lagrange4(y)
	row := func(o int) float64 {
		v := (*[4]float64)(t.v[o : o+4])
		return px0*v[0] + px1*v[1] + px2*v[2] + px3*v[3]
	}
	return sy0*row(o) + sy1*row(o+t.np) + sy2*row(o+2*t.np) + sy3*row(o+3*t.np)
}

// r1Range is the range of a+b that beliefs reach in the investment game
// without social reports, clipped to [r1NMin, r1NMax]: a slot starts at
// its prior strength n0 and moves by n' = gamma (n + w) + (1-gamma) n0,
// w in {0, w_plus, w_minus}, so it stays in [n0, n0 + gamma w/(1-gamma)]
// (float32 rounding allowed for by a margin). ok is false if that range
// is empty after clipping.
func r1Range(models []model.Model) (nLo, nHi float64, ok bool) {
	nLo, nHi = math.Inf(1), 0
	for _, m := range models {
		n0 := m.N0
		top := math.Inf(1)
		if m.Gamma < 1 {
			top = n0 + m.Gamma*max(m.WPlus, m.WMinus)/(1-m.Gamma)
		}
		nLo, nHi = min(nLo, n0), max(nHi, top)
	}
	nLo, nHi = max(r1NMin, nLo*(1-1e-4)), min(r1NMax, nHi*(1+1e-4))
	return nLo, nHi, nLo < nHi
}

// r1Bytes is the size of the R1 table of an investment game with the
// multiplier m and the groups' models (0: none), as newKern builds it.
func r1Bytes(m float64, models []model.Model) int64 {
	nLo, nHi, ok := r1Range(models)
	if !ok {
		return 0
	}
	np, ns := r1Nodes(m, nLo, nHi)
	return 8 * int64(np) * int64(ns)
}
