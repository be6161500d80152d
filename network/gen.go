package network

import (
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"slices"
)

// checkN reports whether n is in [lo, MaxNodes].
func checkN(gen string, n, lo int) error {
	if n < lo || n > MaxNodes {
		return fmt.Errorf("network: %s: n = %d must be in [%d, %d]", gen, n, lo, MaxNodes)
	}
	return nil
}

// checkDegree reports whether the degree parameter name (k, m) is in
// [lo, n-1].
func checkDegree(gen, name string, k, lo, n int) error {
	if k < lo || k > n-1 {
		return fmt.Errorf("network: %s: %s = %d must be in [%d, n-1] = [%d, %d]", gen, name, k, lo, lo, n-1)
	}
	return nil
}

// checkEdges refuses graphs with more than MaxEdges stored edges.
func checkEdges(gen, what string, e float64) error {
	if e > float64(MaxEdges) {
		return fmt.Errorf("network: %s: %s = %.0f stored edges exceeds the limit %d", gen, what, e, MaxEdges)
	}
	return nil
}

// checkProb reports whether p is in [0, 1] (NaN is not).
func checkProb(gen, name string, p float64) error {
	if !(p >= 0 && p <= 1) {
		return fmt.Errorf("network: %s: %s = %v must be in [0, 1]", gen, name, p)
	}
	return nil
}

// Complete returns the complete directed graph on n nodes, n in
// [2, MaxNodes]: every node links to every other. It is implicit and holds
// no arrays.
func Complete(n int) (*Graph, error) {
	if err := checkN("complete", n, 2); err != nil {
		return nil, err
	}
	return &Graph{N: n, Complete: true}, nil
}

// KOut returns the random K-out graph of benchmark PPB-1: each of the n
// nodes gets k out-neighbours drawn independently and uniformly from the
// other n-1 nodes (duplicates allowed, never itself). n must be in
// [2, MaxNodes] and k in [1, n-1]. The result is in the regular form
// (K == k, Off nil): 4*k bytes per node. Draws are made node by node, slot
// by slot, so the graph depends only on the state of r.
func KOut(n, k int, r *rand.Rand) (*Graph, error) {
	const gen = "k-out"
	if err := checkN(gen, n, 2); err != nil {
		return nil, err
	}
	if err := checkDegree(gen, "k", k, 1, n); err != nil {
		return nil, err
	}
	if err := checkEdges(gen, "n*k", float64(n)*float64(k)); err != nil {
		return nil, err
	}
	adj := make([]int32, n*k)
	m := n - 1
	for i := range n {
		row := adj[i*k : (i+1)*k : (i+1)*k]
		for s := range row {
			j := r.IntN(m)
			if j >= i {
				j++
			}
			row[s] = int32(j)
		}
	}
	return &Graph{N: n, Adj: adj, K: k}, nil
}

// ErdosRenyi returns the undirected Erdős–Rényi graph G(n, p): each of the
// n(n-1)/2 node pairs is an edge independently with probability p. It is
// stored with both directions of every edge, each row sorted. n must be in
// [1, MaxNodes], p in [0, 1]. Nodes without edges have degree 0.
//
// It uses the geometric skipping of Batagelj and Brandes (2005), so its
// cost is O(n + edges), not O(n^2).
func ErdosRenyi(n int, p float64, r *rand.Rand) (*Graph, error) {
	const gen = "erdos-renyi"
	if err := checkN(gen, n, 1); err != nil {
		return nil, err
	}
	if err := checkProb(gen, "p", p); err != nil {
		return nil, err
	}
	pairs := float64(n) * float64(n-1) / 2
	if err := checkEdges(gen, "expected n*(n-1)*p", 2*pairs*p); err != nil {
		return nil, err
	}
	var ends []int32 // endpoints, two per edge
	switch {
	case p == 0:
	case p == 1:
		ends = make([]int32, 0, int(2*pairs))
		for v := 1; v < n; v++ {
			for w := range v {
				ends = append(ends, int32(v), int32(w))
			}
		}
	default:
		mean := pairs * p
		ends = make([]int32, 0, 2*int(mean+6*math.Sqrt(mean)+16))
		lp := math.Log1p(-p)
		// Pairs (v, w), w < v, in the order (1,0), (2,0), (2,1), (3,0)...
		// Each skip is geometric: the number of non-edges before the next edge.
		v, w := 1, -1
		for v < n {
			skip := math.Floor(math.Log1p(-r.Float64()) / lp)
			if skip >= pairs { // beyond the last pair; also guards the int conversion
				break
			}
			w += 1 + int(skip)
			for w >= v && v < n {
				w -= v
				v++
			}
			if v < n {
				if int64(len(ends)) >= MaxEdges { // two ends per edge = two stored directions
					return nil, fmt.Errorf("network: %s: more than %d stored edges drawn", gen, MaxEdges)
				}
				ends = append(ends, int32(v), int32(w))
			}
		}
	}
	return undirected(n, pairSeq(ends)), nil
}

// WattsStrogatz returns the undirected small-world graph of Watts and
// Strogatz (1998): a ring lattice where each node links to its k/2 nearest
// neighbours on each side, then each lattice edge (i, i+j), taken for
// j = 1..k/2 and i = 0..n-1 in that order, is rewired with probability
// beta to (i, w), w uniform among the nodes that are neither i nor already
// linked to i (skipped when i is linked to all). The graph stays simple
// (no self-loops, no multi-edges) and keeps n*k/2 edges, stored in both
// directions with each row sorted. k must be even and in [2, n-1], n in
// [3, MaxNodes], beta in [0, 1]. With beta = 0 it is exactly the ring
// lattice.
func WattsStrogatz(n, k int, beta float64, r *rand.Rand) (*Graph, error) {
	const gen = "watts-strogatz"
	if err := checkN(gen, n, 3); err != nil {
		return nil, err
	}
	if err := checkDegree(gen, "k", k, 2, n); err != nil {
		return nil, err
	}
	if k%2 != 0 {
		return nil, fmt.Errorf("network: %s: k = %d must be even", gen, k)
	}
	if err := checkProb(gen, "beta", beta); err != nil {
		return nil, err
	}
	if err := checkEdges(gen, "n*k", float64(n)*float64(k)); err != nil {
		return nil, err
	}
	h := k / 2
	// Lattice edge e = i*h + j-1 joins i and tgt[e], initially (i+j) mod n.
	tgt := make([]int32, n*h)
	for i := range n {
		for j := 1; j <= h; j++ {
			tgt[i*h+j-1] = int32((i + j) % n)
		}
	}
	if beta > 0 {
		deg := make([]int32, n)
		for i := range deg {
			deg[i] = int32(k)
		}
		added := newPairSet(int(beta*float64(n*h)) + 16) // rewired edges
		// hasEdge reports whether u and w (u != w) are linked now.
		hasEdge := func(u, w int) bool {
			d := w - u
			if d < 0 {
				d += n
			}
			owner, j := u, d
			if d > n-d {
				owner, j = w, n-d
			}
			if j <= h && int(tgt[owner*h+j-1]) == (owner+j)%n {
				return true // a lattice edge not rewired
			}
			return added.has(u, w)
		}
		for j := 1; j <= h; j++ {
			for u := range n {
				if r.Float64() >= beta || int(deg[u]) >= n-1 {
					continue
				}
				// Rejection sampling; when u is linked to most nodes, after
				// maxTries misses draw the c-th free node by enumeration.
				const maxTries = 64
				w := -1
				for range maxTries {
					x := r.IntN(n - 1)
					if x >= u {
						x++
					}
					if !hasEdge(u, x) {
						w = x
						break
					}
				}
				if w < 0 {
					c := r.IntN(n - 1 - int(deg[u]))
					for x := range n {
						if x != u && !hasEdge(u, x) {
							if c == 0 {
								w = x
								break
							}
							c--
						}
					}
				}
				e := u*h + j - 1
				deg[tgt[e]]--
				deg[w]++
				tgt[e] = int32(w)
				added.add(u, w)
			}
		}
	}
	return undirected(n, func(yield func(int32, int32) bool) {
		for e, w := range tgt {
			if !yield(int32(e/h), w) {
				return
			}
		}
	}), nil
}

// BarabasiAlbert returns the undirected preferential-attachment graph of
// Barabási and Albert (1999). It starts from a star on m+1 nodes (node 0
// linked to 1..m); each further node links to m distinct existing nodes,
// each drawn with probability proportional to its degree. The graph has
// m*(n-m) edges, stored in both directions with each row sorted, and every
// node has degree >= 1 (>= m except the star's leaves). m must be in
// [1, n-1], n in [2, MaxNodes].
func BarabasiAlbert(n, m int, r *rand.Rand) (*Graph, error) {
	const gen = "barabasi-albert"
	if err := checkN(gen, n, 2); err != nil {
		return nil, err
	}
	if err := checkDegree(gen, "m", m, 1, n); err != nil {
		return nil, err
	}
	if err := checkEdges(gen, "2*m*(n-m)", 2*float64(m)*float64(n-m)); err != nil {
		return nil, err
	}
	// ends lists both endpoints of every edge so far: a node appears as
	// often as its degree, so a uniform draw from it is degree-weighted.
	ends := make([]int32, 0, 2*m*(n-m))
	for t := 1; t <= m; t++ {
		ends = append(ends, 0, int32(t))
	}
	mark := make([]int32, n) // mark[t] == src: t already chosen by src (src > m >= 1)
	for src := m + 1; src < n; src++ {
		pool := len(ends)
		for c := 0; c < m; {
			t := ends[r.IntN(pool)]
			if mark[t] == int32(src) {
				continue
			}
			mark[t] = int32(src)
			ends = append(ends, int32(src), t)
			c++
		}
	}
	return undirected(n, pairSeq(ends)), nil
}

// pairSeq yields the edges of a flat endpoint list (u0, v0, u1, v1, ...).
func pairSeq(ends []int32) iter.Seq2[int32, int32] {
	return func(yield func(int32, int32) bool) {
		for e := 0; e+1 < len(ends); e += 2 {
			if !yield(ends[e], ends[e+1]) {
				return
			}
		}
	}
}

// undirected builds the CSR graph holding both directions of every edge of
// edges (iterated twice), each row sorted.
func undirected(n int, edges iter.Seq2[int32, int32]) *Graph {
	off := make([]int64, n+1)
	for u, v := range edges {
		off[u+1]++
		off[v+1]++
	}
	for i := range n {
		off[i+1] += off[i]
	}
	adj := make([]int32, off[n])
	// off[u] serves as the next free slot of row u; afterwards it is the
	// end of row u, so shifting off by one restores the row starts.
	for u, v := range edges {
		adj[off[u]] = v
		off[u]++
		adj[off[v]] = u
		off[v]++
	}
	copy(off[1:], off[:n])
	off[0] = 0
	for i := range n {
		slices.Sort(adj[off[i]:off[i+1]])
	}
	return &Graph{N: n, Off: off, Adj: adj}
}

// pairSet is an open-addressing hash set of unordered node pairs.
type pairSet struct {
	slots []uint64 // 0 = empty; key = lo<<32 | hi with lo < hi, never 0
	count int
	shift uint
}

func newPairSet(hint int) *pairSet {
	size, shift := 16, uint(60)
	for size < 2*hint {
		size *= 2
		shift--
	}
	return &pairSet{slots: make([]uint64, size), shift: shift}
}

func pairKey(u, w int) uint64 {
	if u > w {
		u, w = w, u
	}
	return uint64(u)<<32 | uint64(w)
}

func (s *pairSet) slot(key uint64) int {
	return int((key * 0x9e3779b97f4a7c15) >> s.shift)
}

func (s *pairSet) has(u, w int) bool {
	key := pairKey(u, w)
	mask := len(s.slots) - 1
	for i := s.slot(key); ; i = (i + 1) & mask {
		switch s.slots[i] {
		case key:
			return true
		case 0:
			return false
		}
	}
}

func (s *pairSet) add(u, w int) {
	if 2*(s.count+1) > len(s.slots) {
		old := s.slots
		s.slots = make([]uint64, 2*len(old))
		s.shift--
		s.count = 0
		for _, key := range old {
			if key != 0 {
				s.insert(key)
			}
		}
	}
	s.insert(pairKey(u, w))
}

func (s *pairSet) insert(key uint64) {
	mask := len(s.slots) - 1
	for i := s.slot(key); ; i = (i + 1) & mask {
		switch s.slots[i] {
		case key:
			return
		case 0:
			s.slots[i] = key
			s.count++
			return
		}
	}
}
