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
// scenario's seed, with each one's breadth-first layer and parent (the
// index of the agent it was reached from, -1 for a root): every agent when
// there are at most max, otherwise a snowball sample, breadth-first along
// the out-edges from a random root (another root when a component is
// exhausted), so that the drawn agents show the network's structure
// around them.
func sampleAgents(s *sim.Sim, max int, seed uint64) (ids []int, layer, parent []int32) {
	n := s.N()
	target := min(n, max)
	seen := make(map[int]struct{}, target)
	r := rng.Stream(seed, keySample)
	var buf []int
	nextRoot := 0 // the next root when every agent is sampled: in id order
	for len(ids) < target {
		root := -1
		if n <= max {
			for ; nextRoot < n; nextRoot++ {
				if _, ok := seen[nextRoot]; !ok {
					root = nextRoot
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
		parent = append(parent, -1)
		// Layer by layer, each layer's agents in a random order, so that
		// the last layer, which the target may cut short, spreads evenly
		// over the layer before it.
		frontier := []int32{int32(len(ids) - 1)}
		for len(frontier) > 0 && len(ids) < target {
			r.Shuffle(len(frontier), func(a, b int) { frontier[a], frontier[b] = frontier[b], frontier[a] })
			var next []int32
			for _, q := range frontier {
				buf = s.Partners(ids[q], buf[:0])
				for _, p := range buf {
					if _, ok := seen[p]; ok {
						continue
					}
					seen[p] = struct{}{}
					ids = append(ids, p)
					layer = append(layer, layer[q]+1)
					parent = append(parent, q)
					next = append(next, int32(len(ids)-1))
					if len(ids) == target {
						break
					}
				}
				if len(ids) == target {
					break
				}
			}
			frontier = next
		}
	}
	return ids, layer, parent
}

// buildGraph samples s and lays the sample out; index maps the sampled
// agents' ids to their index in the graph.
func buildGraph(s *sim.Sim, max int) (g Graph, index map[int]int32) {
	sc := s.Scenario()
	ids, layer, parent := sampleAgents(s, max, sc.Seed)
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
	x, y := layout(layer, parent)
	g.X, g.Y = quantise(x, y)
	return g, index
}

// layout places the sampled agents as a radial tree of the breadth-first
// search that sampled them: each root and then each agent gets a wedge of
// the disc in proportion to the agents reached through it, and sits in
// its wedge in the annulus of its layer (annuli whose areas follow the
// layers' sizes, so that the density is even; neighbours in a layer are
// spread across the annulus's width). An agent's edges to its partners
// of the layer before and after are then short spokes, and the picture
// shows how the network fans out from the roots. It takes time linear in
// the agents and draws no random numbers: the same sample gets the same
// picture.
func layout(layer, parent []int32) (x, y []float64) {
	n := len(layer)
	x, y = make([]float64, n), make([]float64, n)
	if n == 0 {
		return x, y
	}
	// Subtree sizes (parents come before their children).
	size := make([]float64, n)
	for k := n - 1; k >= 0; k-- {
		size[k]++
		if p := parent[k]; p >= 0 {
			size[p] += size[k]
		}
	}
	// Wedges: [lo, lo+width) of [0, 1) turns; a node's children share its
	// wedge in order, in proportion to their sizes.
	lo, width := make([]float64, n), make([]float64, n)
	next := make([]float64, n) // the start of the next child's wedge
	rootNext := 0.0
	for k := range n {
		if p := parent[k]; p < 0 {
			lo[k], width[k] = rootNext, size[k]/float64(n)
			rootNext += width[k]
		} else {
			lo[k], width[k] = next[p], width[p]*size[k]/(size[p]-1)
			next[p] += width[k]
		}
		next[k] = lo[k]
	}
	// Annuli.
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
	const golden = 0.6180339887498949
	for k, l := range layer {
		r0, r1 := math.Sqrt(cum[l]/float64(n)), math.Sqrt(cum[l+1]/float64(n))
		f := math.Mod(float64(pos[l])*golden, 1)
		pos[l]++
		rad := r0 + (r1-r0)*(0.08+0.84*f)
		if l == 0 && count[0] == 1 {
			rad = 0
		}
		ang := 2 * math.Pi * (lo[k] + width[k]/2)
		x[k], y[k] = rad*math.Cos(ang), rad*math.Sin(ang)
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
