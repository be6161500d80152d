// Package network builds the interaction networks of trustlab: random
// graph generators and an edge-list reader, all producing a compact Graph
// (int32 neighbour ids, int64 row offsets) fit for populations of 10^7
// agents.
//
// Generators are named after their algorithm, in the style of gonum's
// graph/graphs/gen, and take their randomness as a *rand.Rand
// (math/rand/v2): the same generator state gives the same graph.
//
//   - Complete(n): every node linked to every other; implicit, no arrays.
//   - KOut(n, k, r): k out-neighbours per node, uniform over the other
//     nodes, duplicates allowed (benchmark PPB-1); regular form, 4k bytes
//     per node.
//   - ErdosRenyi(n, p, r): undirected G(n, p) by geometric skipping,
//     O(n + edges).
//   - WattsStrogatz(n, k, beta, r): ring lattice of degree k, each edge
//     rewired with probability beta; undirected.
//   - BarabasiAlbert(n, m, r): preferential attachment, m edges per new
//     node; undirected.
//   - ReadEdgeList / WriteEdgeList: text edge lists ("from to" per line).
//
// # Forms and degrees
//
// A Graph is directed; undirected generators store both directions of
// every edge, with each row sorted. A Graph is in one of three forms, CSR,
// regular (K > 0, Off nil) or complete (see Graph); Degree, Neighbor and
// Neighbors work for all of them. A node can have out-degree 0 in
// ErdosRenyi graphs and edge lists: Degree returns 0 and the node has no
// partner (the engine skips it). No graph has self-loops; KOut graphs and
// edge lists may have repeated edges, the other generators never do.
//
// # Errors
//
// Bad parameters never panic: they return an error that names the
// generator, the parameter, its value and the allowed range, such as
//
//	network: k-out: k = 10 must be in [1, n-1] = [1, 9]
//
// Requests for more than MaxEdges stored edges are refused the same way.
// Edge-list problems are *ParseError values located as name:line:column.
//
// # Refinements of the original design
//
//   - Graph has a K field: KOut graphs are regular, so Off is left nil and
//     K holds the common degree, saving 8 bytes per node (40 -> 32 bytes
//     per node at k = 8).
//   - Graph.Neighbors(i) returns the row of i as a sub-slice of Adj, for
//     loops that want the whole row.
//   - ReadEdgeList takes an EdgeListOptions (zero value: directed) as its
//     fourth argument, and infers at most MaxInferredNodes nodes when n is 0.
package network
