package network

import (
	"slices"
	"strings"
	"testing"
)

func TestGraphForms(t *testing.T) {
	tests := []struct {
		name      string
		g         *Graph
		rows      [][]int
		edges     int64
		bytes     int64
		neighbors bool // Neighbors returns the rows
	}{
		{
			name:  "complete",
			g:     &Graph{N: 4, Complete: true},
			rows:  [][]int{{1, 2, 3}, {0, 2, 3}, {0, 1, 3}, {0, 1, 2}},
			edges: 12,
			bytes: 0,
		},
		{
			name:      "regular",
			g:         &Graph{N: 3, K: 2, Adj: []int32{1, 1, 2, 0, 0, 1}},
			rows:      [][]int{{1, 1}, {2, 0}, {0, 1}},
			edges:     6,
			bytes:     24,
			neighbors: true,
		},
		{
			name:      "csr with isolated node",
			g:         &Graph{N: 4, Off: []int64{0, 2, 2, 3, 4}, Adj: []int32{3, 2, 0, 0}},
			rows:      [][]int{{3, 2}, {}, {0}, {0}},
			edges:     4,
			bytes:     5*8 + 4*4,
			neighbors: true,
		},
		{
			name:      "empty",
			g:         &Graph{},
			rows:      [][]int{},
			neighbors: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := tt.g
			if err := g.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if g.N != len(tt.rows) {
				t.Fatalf("N = %d, want %d", g.N, len(tt.rows))
			}
			for i, want := range tt.rows {
				if d := g.Degree(i); d != len(want) {
					t.Errorf("Degree(%d) = %d, want %d", i, d, len(want))
				}
				got := make([]int, g.Degree(i))
				for s := range got {
					got[s] = g.Neighbor(i, s)
				}
				if !slices.Equal(got, want) {
					t.Errorf("row %d = %v, want %v", i, got, want)
				}
				if nb := g.Neighbors(i); tt.neighbors {
					if len(nb) != len(want) {
						t.Errorf("Neighbors(%d) = %v, want %v", i, nb, want)
					}
					for s := range nb {
						if int(nb[s]) != want[s] {
							t.Errorf("Neighbors(%d) = %v, want %v", i, nb, want)
						}
					}
				} else if nb != nil {
					t.Errorf("Neighbors(%d) = %v, want nil", i, nb)
				}
			}
			if e := g.Edges(); e != tt.edges {
				t.Errorf("Edges = %d, want %d", e, tt.edges)
			}
			if b := g.Bytes(); b != tt.bytes {
				t.Errorf("Bytes = %d, want %d", b, tt.bytes)
			}
		})
	}
}

func TestNeighborsCannotGrowIntoNextRow(t *testing.T) {
	for _, g := range []*Graph{
		{N: 3, K: 1, Adj: []int32{1, 2, 0}},
		{N: 3, Off: []int64{0, 1, 2, 3}, Adj: []int32{1, 2, 0}},
	} {
		_ = append(g.Neighbors(0), 0)
		if !slices.Equal(g.Adj, []int32{1, 2, 0}) {
			t.Errorf("append to Neighbors(0) wrote into row 1: Adj = %v", g.Adj)
		}
	}
}

func TestNeighborPanicsOutOfRange(t *testing.T) {
	tests := []struct {
		name string
		g    *Graph
		i, s int
	}{
		{"complete slot", &Graph{N: 3, Complete: true}, 0, 2},
		{"complete node", &Graph{N: 3, Complete: true}, 3, 0},
		{"regular slot", &Graph{N: 2, K: 1, Adj: []int32{1, 0}}, 0, 1},
		{"csr slot", &Graph{N: 2, Off: []int64{0, 1, 2}, Adj: []int32{1, 0}}, 0, 1},
		{"csr negative slot", &Graph{N: 2, Off: []int64{0, 1, 2}, Adj: []int32{1, 0}}, 1, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Neighbor(%d, %d) did not panic", tt.i, tt.s)
				}
			}()
			tt.g.Neighbor(tt.i, tt.s)
		})
	}
}

func TestValidateErrors(t *testing.T) {
	tests := []struct {
		name string
		g    *Graph
		want string
	}{
		{"negative N", &Graph{N: -1}, "network: graph: N = -1 must be in [0, 2147483647]"},
		{"complete with arrays", &Graph{N: 2, Complete: true, Adj: []int32{1, 0}}, "network: graph: complete graph must have Off, Adj nil and K = 0"},
		{"negative K", &Graph{N: 2, K: -1}, "network: graph: K = -1 must be >= 0"},
		{"regular with Off", &Graph{N: 2, K: 1, Off: []int64{0, 1, 2}, Adj: []int32{1, 0}}, "network: graph: regular graph (K = 1) must have Off nil"},
		{"regular short Adj", &Graph{N: 2, K: 1, Adj: []int32{1}}, "network: graph: regular graph has len(Adj) = 1, want N*K = 2"},
		{"regular self-loop", &Graph{N: 2, K: 1, Adj: []int32{1, 1}}, "network: graph: self-loop at node 1 (neighbour 0)"},
		{"regular id out of range", &Graph{N: 2, K: 1, Adj: []int32{2, 0}}, "network: graph: neighbour 0 of node 0 is 2, out of range [0, 1]"},
		{"csr short Off", &Graph{N: 2, Off: []int64{0, 1}, Adj: []int32{1}}, "network: graph: len(Off) = 2, want N+1 = 3"},
		{"csr Off[0]", &Graph{N: 2, Off: []int64{1, 1, 2}, Adj: []int32{1, 0}}, "network: graph: Off[0] = 1, want 0"},
		{"csr Off[N]", &Graph{N: 2, Off: []int64{0, 1, 3}, Adj: []int32{1, 0}}, "network: graph: Off[N] = 3, want len(Adj) = 2"},
		{"csr decreasing", &Graph{N: 3, Off: []int64{0, 2, 1, 2}, Adj: []int32{1, 2}}, "network: graph: Off[2] = 1 < Off[1] = 2"},
		{"csr negative id", &Graph{N: 2, Off: []int64{0, 1, 2}, Adj: []int32{1, -1}}, "network: graph: neighbour 0 of node 1 is -1, out of range [0, 1]"},
		{"csr self-loop", &Graph{N: 2, Off: []int64{0, 1, 2}, Adj: []int32{0, 1}}, "network: graph: self-loop at node 0 (neighbour 0)"},
		{"csr N>0 without Off", &Graph{N: 1}, "network: graph: len(Off) = 0, want N+1 = 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.g.Validate()
			if err == nil || err.Error() != tt.want {
				t.Errorf("Validate() = %v, want %q", err, tt.want)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "network: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}
