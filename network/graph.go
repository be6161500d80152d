package network

import (
	"fmt"
	"math"
)

// MaxNodes is the largest number of nodes a Graph can hold: node ids are
// int32, so they run from 0 to MaxNodes-1.
const MaxNodes = math.MaxInt32

// MaxEdges is the largest number of stored (directed) edges a generator or
// the edge-list reader will build: 2^32 int32 entries, 16 GiB of adjacency.
// Larger requests return an error instead of attempting the allocation.
const MaxEdges int64 = 1 << 32

// Graph is a directed graph over nodes 0..N-1 with its out-neighbours in
// compact form. It has one of three forms, told apart by its fields:
//
//   - CSR (the general form): K == 0, Complete == false; the out-neighbours
//     of i are Adj[Off[i]:Off[i+1]], len(Off) == N+1.
//   - Regular: K > 0 and Off == nil; every node has exactly K out-neighbours
//     and those of i are Adj[i*K:(i+1)*K]. KOut builds this form, which
//     saves the 8 bytes per node of Off.
//   - Complete: Complete == true, Off and Adj nil; every node links to
//     every other node and nothing is stored.
//
// Undirected graphs (ErdosRenyi, WattsStrogatz, BarabasiAlbert) are stored
// with both directions of every edge. No form has self-loops. A node may
// have out-degree 0 (ErdosRenyi, edge lists): Degree returns 0 and it has
// no partner to pick.
//
// Read a Graph through Degree, Neighbor and Neighbors, which work for every
// form; the fields are exported so the engine can index the arrays
// directly in hot loops once it knows the form.
type Graph struct {
	N        int     // number of nodes
	Off      []int64 // CSR row offsets, len N+1; nil for the regular and complete forms
	Adj      []int32 // out-neighbour ids; nil for the complete form
	K        int     // out-degree of every node in the regular form; 0 otherwise
	Complete bool    // implicit complete graph: no arrays
}

// Degree returns the out-degree of node i (0 <= i < N).
func (g *Graph) Degree(i int) int {
	switch {
	case g.Complete:
		return g.N - 1
	case g.K > 0:
		return g.K
	default:
		return int(g.Off[i+1] - g.Off[i])
	}
}

// Neighbor returns the s-th out-neighbour of node i (0 <= s < Degree(i)).
// For a complete graph it is s if s < i and s+1 otherwise. Like a slice
// index, it panics when i or s is out of range.
func (g *Graph) Neighbor(i, s int) int {
	switch {
	case g.Complete:
		if s < 0 || s >= g.N-1 || i < 0 || i >= g.N {
			panic(fmt.Sprintf("network: Neighbor(%d, %d) out of range for complete graph on %d nodes", i, s, g.N))
		}
		if s < i {
			return s
		}
		return s + 1
	case g.K > 0:
		if uint(s) >= uint(g.K) {
			panic(fmt.Sprintf("network: Neighbor(%d, %d): slot out of range [0, %d)", i, s, g.K))
		}
		return int(g.Adj[i*g.K+s])
	default:
		lo, hi := g.Off[i], g.Off[i+1]
		if s < 0 || int64(s) >= hi-lo {
			panic(fmt.Sprintf("network: Neighbor(%d, %d): slot out of range [0, %d)", i, s, hi-lo))
		}
		return int(g.Adj[lo+int64(s)])
	}
}

// Neighbors returns the out-neighbours of node i as a sub-slice of Adj
// (not a copy). It returns nil for a complete graph, whose neighbours are
// not stored: use Neighbor there.
func (g *Graph) Neighbors(i int) []int32 {
	switch {
	case g.Complete:
		return nil
	case g.K > 0:
		return g.Adj[i*g.K : (i+1)*g.K : (i+1)*g.K]
	default:
		return g.Adj[g.Off[i]:g.Off[i+1]:g.Off[i+1]]
	}
}

// Edges returns the number of stored directed edges (an undirected edge
// counts twice). For a complete graph it is N*(N-1).
func (g *Graph) Edges() int64 {
	switch {
	case g.Complete:
		return int64(g.N) * int64(g.N-1)
	case g.K > 0:
		return int64(g.N) * int64(g.K)
	default:
		return int64(len(g.Adj))
	}
}

// Bytes returns the memory held by the graph's arrays (their capacities):
// 8 bytes per Off entry and 4 per Adj entry. A complete graph holds none.
func (g *Graph) Bytes() int64 {
	return 8*int64(cap(g.Off)) + 4*int64(cap(g.Adj))
}

// Validate checks the structure of g: a consistent form, offsets that start
// at 0, never decrease and end at len(Adj), neighbour ids in [0, N), and no
// self-loops. Generators and ReadEdgeList return valid graphs; Validate is
// for graphs built by hand. The zero Graph (N == 0) is valid.
func (g *Graph) Validate() error {
	if g.N < 0 || g.N > MaxNodes {
		return fmt.Errorf("network: graph: N = %d must be in [0, %d]", g.N, MaxNodes)
	}
	switch {
	case g.Complete:
		if g.Off != nil || g.Adj != nil || g.K != 0 {
			return fmt.Errorf("network: graph: complete graph must have Off, Adj nil and K = 0")
		}
		return nil
	case g.K < 0:
		return fmt.Errorf("network: graph: K = %d must be >= 0", g.K)
	case g.K > 0:
		if g.Off != nil {
			return fmt.Errorf("network: graph: regular graph (K = %d) must have Off nil", g.K)
		}
		if want := int64(g.N) * int64(g.K); int64(len(g.Adj)) != want {
			return fmt.Errorf("network: graph: regular graph has len(Adj) = %d, want N*K = %d", len(g.Adj), want)
		}
		for i := range g.N {
			if err := g.checkRow(i, g.Adj[i*g.K:(i+1)*g.K]); err != nil {
				return err
			}
		}
		return nil
	}
	if g.N == 0 && g.Off == nil && g.Adj == nil {
		return nil
	}
	if len(g.Off) != g.N+1 {
		return fmt.Errorf("network: graph: len(Off) = %d, want N+1 = %d", len(g.Off), g.N+1)
	}
	if g.Off[0] != 0 {
		return fmt.Errorf("network: graph: Off[0] = %d, want 0", g.Off[0])
	}
	if g.Off[g.N] != int64(len(g.Adj)) {
		return fmt.Errorf("network: graph: Off[N] = %d, want len(Adj) = %d", g.Off[g.N], len(g.Adj))
	}
	for i := range g.N {
		if g.Off[i+1] < g.Off[i] {
			return fmt.Errorf("network: graph: Off[%d] = %d < Off[%d] = %d", i+1, g.Off[i+1], i, g.Off[i])
		}
	}
	for i := range g.N {
		if err := g.checkRow(i, g.Adj[g.Off[i]:g.Off[i+1]]); err != nil {
			return err
		}
	}
	return nil
}

func (g *Graph) checkRow(i int, row []int32) error {
	for s, j := range row {
		if j < 0 || int(j) >= g.N {
			return fmt.Errorf("network: graph: neighbour %d of node %d is %d, out of range [0, %d]", s, i, j, g.N-1)
		}
		if int(j) == i {
			return fmt.Errorf("network: graph: self-loop at node %d (neighbour %d)", i, s)
		}
	}
	return nil
}
