package live

import (
	"math"
	"slices"

	"github.com/trustlab/trustlab/internal/rng"
	"github.com/trustlab/trustlab/sim"
)

// keySample keys the random stream of the sample's roots (rng.Stream(seed,
// keySample)): far from the engine's keys, so that it draws nothing the
// engine draws.
const keySample uint64 = 0x11fe5a3b1e

// maxEdgesPerAgent bounds the drawn edges of one sampled agent (the first
// of its partners in the sample), so that a dense network stays drawable.
const maxEdgesPerAgent = 12

// layoutIterations is the number of relaxation passes of the layout.
const layoutIterations = 40

// Graph is what a viewer draws once: the sampled agents, their positions
// and the edges among them. Index k of IDs, X, Y and Group is the k-th
// sampled agent; Edges holds pairs of such indices.
type Graph struct {
	N       int      `json:"n"`       // agents in the population
	Sample  string   `json:"sample"`  // "all" (every agent drawn) or "snowball" (breadth-first from random roots)
	IDs     []int    `json:"ids"`     // the sampled agents' ids, in drawing order
	X       []uint16 `json:"x"`       // positions in [0, 65535]
	Y       []uint16 `json:"y"`       //
	Group   []uint8  `json:"group"`   // index into Groups
	Groups  []string `json:"groups"`  // the population's group names
	Edges   []int32  `json:"edges"`   // pairs (k, l) of sample indices, each pair once, k < l
	Partial bool     `json:"partial"` // some agents have more partners in the sample than are drawn (at most 12 each)
}

// sampleAgents returns at most max agent ids of s, deterministic in the
// scenario's seed, with each one's breadth-first layer: every agent when
// there are at most max, otherwise a snowball sample, breadth-first along
// the out-edges from a random root (another root when a component is
// exhausted), so that the drawn agents show the network's structure
// around them.
func sampleAgents(s *sim.Sim, max int, seed uint64) (ids []int, layer []int32) {
	n := s.N()
	target := min(n, max)
	seen := make(map[int]struct{}, target)
	r := rng.Stream(seed, keySample)
	var buf []int
	next := 0 // the next root when every agent is sampled: in id order
	for len(ids) < target {
		root := -1
		if n <= max {
			for ; next < n; next++ {
				if _, ok := seen[next]; !ok {
					root = next
					break
				}
			}
		} else {
			for range 64 {
				c := r.IntN(n)
				if _, ok := seen[c]; !ok {
					root = c
					break
				}
			}
		}
		if root < 0 {
			break // 64 misses: the sample is nearly everything reachable
		}
		seen[root] = struct{}{}
		ids = append(ids, root)
		layer = append(layer, 0)
		for q := len(ids) - 1; q < len(ids) && len(ids) < target; q++ {
			buf = s.Partners(ids[q], buf[:0])
			for _, p := range buf {
				if _, ok := seen[p]; ok {
					continue
				}
				seen[p] = struct{}{}
				ids = append(ids, p)
				layer = append(layer, layer[q]+1)
				if len(ids) == target {
					break
				}
			}
		}
	}
	return ids, layer
}

// buildGraph samples s and lays the sample out; index maps the sampled
// agents' ids to their index in the graph.
func buildGraph(s *sim.Sim, max int) (g Graph, index map[int]int32) {
	sc := s.Scenario()
	ids, layer := sampleAgents(s, max, sc.Seed)
	g = Graph{N: s.N(), Sample: "all", IDs: ids}
	if len(ids) < s.N() {
		g.Sample = "snowball"
	}
	for _, gr := range sc.Population.Groups {
		g.Groups = append(g.Groups, gr.Name)
	}
	index = make(map[int]int32, len(ids))
	for k, id := range ids {
		index[id] = int32(k)
	}
	gi := make(map[string]uint8, len(g.Groups))
	for k, name := range g.Groups {
		gi[name] = uint8(k)
	}
	g.Group = make([]uint8, len(ids))
	var keys []uint64
	var buf []int
	for k, id := range ids {
		g.Group[k] = gi[s.Agent(id).Group]
		buf = s.Partners(id, buf[:0])
		drawn := 0
		for _, p := range buf {
			l, ok := index[p]
			if !ok || l == int32(k) {
				continue
			}
			if drawn == maxEdgesPerAgent {
				g.Partial = true
				break
			}
			drawn++
			a, b := uint64(k), uint64(l)
			if a > b {
				a, b = b, a
			}
			keys = append(keys, a<<32|b)
		}
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	g.Edges = make([]int32, 0, 2*len(keys))
	for _, key := range keys {
		g.Edges = append(g.Edges, int32(key>>32), int32(key&0xffffffff))
	}
	x, y := layout(layer, g.Edges)
	g.X, g.Y = quantise(x, y)
	return g, index
}

// layout places the sampled agents: breadth-first layers on rings around
// the centre (radius growing with the square root of the agents within,
// so that the density is even; each layer in breadth-first order, which
// keeps an agent's children near it), then a few passes of a
// spring-electrical relaxation (springs along the edges, repulsion among
// agents in neighbouring cells of a grid), linear in the agents and edges.
// It draws no random numbers: the same sample gets the same picture.
func layout(layer []int32, edges []int32) (x, y []float64) {
	n := len(layer)
	x, y = make([]float64, n), make([]float64, n)
	if n == 0 {
		return x, y
	}
	// Rings. A new root restarts the layers: its component goes on the
	// same rings, its agents at the angles after the previous ones'.
	var count []int
	for _, l := range layer {
		for int(l) >= len(count) {
			count = append(count, 0)
		}
		count[l]++
	}
	cum := make([]float64, len(count)+1)
	for l, c := range count {
		cum[l+1] = cum[l] + float64(c)
	}
	pos := make([]int, len(count))
	for k, l := range layer {
		rad := math.Sqrt((cum[l] + 0.5*float64(count[l])) / float64(n))
		ang := 2 * math.Pi * (float64(pos[l]) + 0.5) / float64(count[l])
		pos[l]++
		x[k], y[k] = rad*math.Cos(ang), rad*math.Sin(ang)
	}
	// Relaxation.
	d := 1.6 / math.Sqrt(float64(n)) // the ideal distance in the unit disc
	cells := max(1, int(2/d))
	cell := func(v float64) int { return min(cells-1, max(0, int((v+1)/2*float64(cells)))) }
	head := make([]int32, cells*cells)
	next := make([]int32, n)
	dx, dy := make([]float64, n), make([]float64, n)
	step := d
	for range layoutIterations {
		clear(dx)
		clear(dy)
		for i := range head {
			head[i] = -1
		}
		for k := range n {
			c := cell(y[k])*cells + cell(x[k])
			next[k] = head[c]
			head[c] = int32(k)
		}
		for k := range n {
			cx, cy := cell(x[k]), cell(y[k])
			for gy := max(0, cy-1); gy <= min(cells-1, cy+1); gy++ {
				for gx := max(0, cx-1); gx <= min(cells-1, cx+1); gx++ {
					for l := head[gy*cells+gx]; l >= 0; l = next[l] {
						if int(l) == k {
							continue
						}
						ex, ey := x[k]-x[l], y[k]-y[l]
						q := ex*ex + ey*ey
						if q > 4*d*d {
							continue
						}
						if q < 1e-12 {
							ex, ey, q = 1e-6*float64(k-int(l)), 1e-6, 1e-12
						}
						f := d * d / q
						dx[k] += ex * f
						dy[k] += ey * f
					}
				}
			}
		}
		for e := 0; e+1 < len(edges); e += 2 {
			a, b := edges[e], edges[e+1]
			ex, ey := x[b]-x[a], y[b]-y[a]
			dist := math.Hypot(ex, ey)
			f := dist / d
			dx[a] += ex * f
			dy[a] += ey * f
			dx[b] -= ex * f
			dy[b] -= ey * f
		}
		for k := range n {
			// A weak pull to the centre keeps components together.
			dx[k] -= 0.5 * x[k] / d
			dy[k] -= 0.5 * y[k] / d
			m := math.Hypot(dx[k], dy[k])
			if m > step {
				dx[k] *= step / m
				dy[k] *= step / m
			}
			x[k] += dx[k]
			y[k] += dy[k]
		}
		step *= 0.93
	}
	return x, y
}

// quantise maps the positions onto [0, 65535] with one scale for both
// axes (so that the picture keeps its proportions), centred, with a
// margin of 2% (a single point goes to the middle).
func quantise(x, y []float64) (qx, qy []uint16) {
	qx, qy = make([]uint16, len(x)), make([]uint16, len(y))
	if len(x) == 0 {
		return qx, qy
	}
	x0, x1, y0, y1 := slices.Min(x), slices.Max(x), slices.Min(y), slices.Max(y)
	span := max(x1-x0, y1-y0)
	if !(span > 0) {
		for k := range qx {
			qx[k], qy[k] = 32768, 32768
		}
		return qx, qy
	}
	ox, oy := (span-(x1-x0))/2, (span-(y1-y0))/2
	for k := range x {
		qx[k] = uint16(math.Round(65535 * (0.02 + 0.96*(x[k]-x0+ox)/span)))
		qy[k] = uint16(math.Round(65535 * (0.02 + 0.96*(y[k]-y0+oy)/span)))
	}
	return qx, qy
}
