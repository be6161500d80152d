package network

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x7275737421)) }

func TestGeneratorParameterErrors(t *testing.T) {
	r := newRand(1)
	tests := []struct {
		name string
		gen  func() (*Graph, error)
		want string
	}{
		{"complete n", func() (*Graph, error) { return Complete(1) }, "network: complete: n = 1 must be in [2, 2147483647]"},
		{"complete n huge", func() (*Graph, error) { return Complete(1 << 31) }, "network: complete: n = 2147483648 must be in [2, 2147483647]"},
		{"k-out n", func() (*Graph, error) { return KOut(1, 1, r) }, "network: k-out: n = 1 must be in [2, 2147483647]"},
		{"k-out k big", func() (*Graph, error) { return KOut(10, 10, r) }, "network: k-out: k = 10 must be in [1, n-1] = [1, 9]"},
		{"k-out k zero", func() (*Graph, error) { return KOut(10, 0, r) }, "network: k-out: k = 0 must be in [1, n-1] = [1, 9]"},
		{"k-out k negative", func() (*Graph, error) { return KOut(10, -3, r) }, "network: k-out: k = -3 must be in [1, n-1] = [1, 9]"},
		{"k-out too many edges", func() (*Graph, error) { return KOut(1<<30, 8, r) }, "network: k-out: n*k = 8589934592 stored edges exceeds the limit 4294967296"},
		{"erdos-renyi n", func() (*Graph, error) { return ErdosRenyi(0, 0.5, r) }, "network: erdos-renyi: n = 0 must be in [1, 2147483647]"},
		{"erdos-renyi p big", func() (*Graph, error) { return ErdosRenyi(10, 1.5, r) }, "network: erdos-renyi: p = 1.5 must be in [0, 1]"},
		{"erdos-renyi p negative", func() (*Graph, error) { return ErdosRenyi(10, -0.1, r) }, "network: erdos-renyi: p = -0.1 must be in [0, 1]"},
		{"erdos-renyi p NaN", func() (*Graph, error) { return ErdosRenyi(10, math.NaN(), r) }, "network: erdos-renyi: p = NaN must be in [0, 1]"},
		{"erdos-renyi too many edges", func() (*Graph, error) { return ErdosRenyi(1<<20, 0.01, r) }, "network: erdos-renyi: expected n*(n-1)*p = 10995105792 stored edges exceeds the limit 4294967296"},
		{"watts-strogatz n", func() (*Graph, error) { return WattsStrogatz(2, 2, 0.1, r) }, "network: watts-strogatz: n = 2 must be in [3, 2147483647]"},
		{"watts-strogatz k big", func() (*Graph, error) { return WattsStrogatz(10, 10, 0.1, r) }, "network: watts-strogatz: k = 10 must be in [2, n-1] = [2, 9]"},
		{"watts-strogatz k zero", func() (*Graph, error) { return WattsStrogatz(10, 0, 0.1, r) }, "network: watts-strogatz: k = 0 must be in [2, n-1] = [2, 9]"},
		{"watts-strogatz k odd", func() (*Graph, error) { return WattsStrogatz(10, 3, 0.1, r) }, "network: watts-strogatz: k = 3 must be even"},
		{"watts-strogatz beta", func() (*Graph, error) { return WattsStrogatz(10, 4, 2, r) }, "network: watts-strogatz: beta = 2 must be in [0, 1]"},
		{"watts-strogatz beta NaN", func() (*Graph, error) { return WattsStrogatz(10, 4, math.NaN(), r) }, "network: watts-strogatz: beta = NaN must be in [0, 1]"},
		{"barabasi-albert n", func() (*Graph, error) { return BarabasiAlbert(1, 1, r) }, "network: barabasi-albert: n = 1 must be in [2, 2147483647]"},
		{"barabasi-albert m big", func() (*Graph, error) { return BarabasiAlbert(10, 10, r) }, "network: barabasi-albert: m = 10 must be in [1, n-1] = [1, 9]"},
		{"barabasi-albert m zero", func() (*Graph, error) { return BarabasiAlbert(10, 0, r) }, "network: barabasi-albert: m = 0 must be in [1, n-1] = [1, 9]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := tt.gen()
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
			if g != nil {
				t.Errorf("graph = %v, want nil", g)
			}
		})
	}
}

func TestComplete(t *testing.T) {
	g, err := Complete(5)
	if err != nil {
		t.Fatal(err)
	}
	if !g.Complete || g.N != 5 || g.Bytes() != 0 || g.Edges() != 20 {
		t.Fatalf("Complete(5) = %+v", g)
	}
}

func TestKOutStructure(t *testing.T) {
	tests := []struct{ n, k int }{
		{2, 1}, {3, 2}, {10, 9}, {1000, 8}, {100000, 8},
	}
	for _, tt := range tests {
		g, err := KOut(tt.n, tt.k, newRand(uint64(tt.n)))
		if err != nil {
			t.Fatal(err)
		}
		if err := g.Validate(); err != nil { // includes: no self-loops, ids in range
			t.Errorf("KOut(%d, %d): %v", tt.n, tt.k, err)
		}
		if g.N != tt.n || g.K != tt.k || g.Off != nil || g.Complete {
			t.Errorf("KOut(%d, %d): N=%d K=%d Off!=nil:%v Complete=%v", tt.n, tt.k, g.N, g.K, g.Off != nil, g.Complete)
		}
		if got, want := g.Bytes(), int64(4*tt.n*tt.k); got != want {
			t.Errorf("KOut(%d, %d): Bytes = %d, want %d", tt.n, tt.k, got, want)
		}
		for i := range g.N {
			if g.Degree(i) != tt.k {
				t.Fatalf("KOut(%d, %d): Degree(%d) = %d", tt.n, tt.k, i, g.Degree(i))
			}
		}
	}
	// n = 2: the only choice for each node is the other one.
	g, _ := KOut(2, 1, newRand(3))
	if !slices.Equal(g.Adj, []int32{1, 0}) {
		t.Errorf("KOut(2, 1).Adj = %v, want [1 0]", g.Adj)
	}
}

// Each slot of node i is uniform over the n-1 other nodes.
func TestKOutUniform(t *testing.T) {
	const n, k, reps = 5, 4, 5000
	r := newRand(7)
	var count [n][n]int
	for range reps {
		g, err := KOut(n, k, r)
		if err != nil {
			t.Fatal(err)
		}
		for i := range n {
			for s := range k {
				count[i][g.Neighbor(i, s)]++
			}
		}
	}
	// Each off-diagonal cell is Binomial(reps*k, 1/(n-1)): mean 5000, sd 61.2.
	// Tolerance: 5 sd.
	trials := float64(reps * k)
	q := 1.0 / (n - 1)
	mean, sd := trials*q, math.Sqrt(trials*q*(1-q))
	for i := range n {
		for j := range n {
			if i == j {
				if count[i][j] != 0 {
					t.Errorf("self-loop drawn %d times at node %d", count[i][j], i)
				}
				continue
			}
			if math.Abs(float64(count[i][j])-mean) > 5*sd {
				t.Errorf("count[%d][%d] = %d, want %.0f ± %.0f", i, j, count[i][j], mean, 5*sd)
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	gens := []struct {
		name string
		gen  func(r *rand.Rand) (*Graph, error)
	}{
		{"k-out", func(r *rand.Rand) (*Graph, error) { return KOut(500, 8, r) }},
		{"erdos-renyi", func(r *rand.Rand) (*Graph, error) { return ErdosRenyi(500, 0.02, r) }},
		{"watts-strogatz", func(r *rand.Rand) (*Graph, error) { return WattsStrogatz(500, 6, 0.2, r) }},
		{"barabasi-albert", func(r *rand.Rand) (*Graph, error) { return BarabasiAlbert(500, 3, r) }},
	}
	for _, tt := range gens {
		t.Run(tt.name, func(t *testing.T) {
			a, err1 := tt.gen(newRand(42))
			b, err2 := tt.gen(newRand(42))
			c, err3 := tt.gen(newRand(43))
			if err1 != nil || err2 != nil || err3 != nil {
				t.Fatal(err1, err2, err3)
			}
			if !slices.Equal(a.Adj, b.Adj) || !slices.Equal(a.Off, b.Off) {
				t.Error("same seed, different graphs")
			}
			if slices.Equal(a.Adj, c.Adj) {
				t.Error("different seeds, same graph")
			}
		})
	}
}

// checkUndirected checks that g is valid, has sorted rows without
// repeats, and holds both directions of every edge.
func checkUndirected(t *testing.T, g *Graph) {
	t.Helper()
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	if g.K != 0 || g.Complete || g.Edges()%2 != 0 {
		t.Fatalf("form: K=%d Complete=%v Edges=%d", g.K, g.Complete, g.Edges())
	}
	for u := range g.N {
		row := g.Neighbors(u)
		for s := 1; s < len(row); s++ {
			if row[s-1] >= row[s] {
				t.Fatalf("row %d not strictly increasing: %v", u, row)
			}
		}
		for _, v := range row {
			if _, ok := slices.BinarySearch(g.Neighbors(int(v)), int32(u)); !ok {
				t.Fatalf("edge %d -> %d without %d -> %d", u, v, v, u)
			}
		}
	}
}

func TestErdosRenyiEdgeCount(t *testing.T) {
	tests := []struct {
		n int
		p float64
	}{
		{2000, 0.01}, {1000, 0.5}, {300, 0.99}, {20000, 0.0005}, {100000, 1e-5},
	}
	for _, tt := range tests {
		g, err := ErdosRenyi(tt.n, tt.p, newRand(uint64(tt.n)))
		if err != nil {
			t.Fatal(err)
		}
		checkUndirected(t, g)
		// Edges: Binomial(n(n-1)/2, p); edges inside the first half of the
		// nodes: Binomial(h(h-1)/2, p), which catches a skip that drifts
		// along the pair order. Tolerance: 5 sd.
		h := tt.n / 2
		var inner int64
		for u := range h {
			for _, v := range g.Neighbors(u) {
				if int(v) < h {
					inner++
				}
			}
		}
		for _, c := range []struct {
			what  string
			nodes int
			got   int64
		}{{"edges", tt.n, g.Edges() / 2}, {"edges in first half", h, inner / 2}} {
			pairs := float64(c.nodes) * float64(c.nodes-1) / 2
			mean, sd := pairs*tt.p, math.Sqrt(pairs*tt.p*(1-tt.p))
			if math.Abs(float64(c.got)-mean) > 5*sd {
				t.Errorf("ErdosRenyi(%d, %v): %s = %d, want %.0f ± %.0f", tt.n, tt.p, c.what, c.got, mean, 5*sd)
			}
		}
	}
}

func TestErdosRenyiExtremes(t *testing.T) {
	g, err := ErdosRenyi(7, 0, newRand(1))
	if err != nil {
		t.Fatal(err)
	}
	checkUndirected(t, g)
	if g.Edges() != 0 || g.Degree(3) != 0 {
		t.Errorf("p=0: Edges = %d, want 0", g.Edges())
	}
	g, err = ErdosRenyi(7, 1, newRand(1))
	if err != nil {
		t.Fatal(err)
	}
	checkUndirected(t, g)
	for i := range 7 {
		if g.Degree(i) != 6 {
			t.Errorf("p=1: Degree(%d) = %d, want 6", i, g.Degree(i))
		}
	}
	g, err = ErdosRenyi(1, 0.5, newRand(1))
	if err != nil || g.N != 1 || g.Edges() != 0 {
		t.Errorf("n=1: %+v, %v", g, err)
	}
	// A tiny p over few pairs: the skip overshoots every pair.
	g, err = ErdosRenyi(10, 1e-300, newRand(1))
	if err != nil || g.Edges() != 0 {
		t.Errorf("p=1e-300: Edges = %d, err %v", g.Edges(), err)
	}
}

func TestWattsStrogatzRingLattice(t *testing.T) {
	tests := []struct{ n, k int }{
		{3, 2}, {10, 2}, {10, 4}, {11, 8}, {11, 10}, {1000, 10},
	}
	for _, tt := range tests {
		g, err := WattsStrogatz(tt.n, tt.k, 0, newRand(1))
		if err != nil {
			t.Fatal(err)
		}
		checkUndirected(t, g)
		for i := range tt.n {
			var want []int32
			for j := 1; j <= tt.k/2; j++ {
				want = append(want, int32((i+j)%tt.n), int32((i-j+tt.n)%tt.n))
			}
			slices.Sort(want)
			if got := g.Neighbors(i); !slices.Equal(got, want) {
				t.Fatalf("WattsStrogatz(%d, %d, 0): row %d = %v, want %v", tt.n, tt.k, i, got, want)
			}
		}
	}
}

func TestWattsStrogatzRewired(t *testing.T) {
	tests := []struct {
		n, k int
		beta float64
	}{
		{1000, 10, 0.1}, {1000, 10, 0.5}, {1000, 10, 1}, {6, 4, 1}, {5, 4, 1}, {100000, 8, 0.05},
	}
	for _, tt := range tests {
		g, err := WattsStrogatz(tt.n, tt.k, tt.beta, newRand(uint64(tt.n)))
		if err != nil {
			t.Fatal(err)
		}
		checkUndirected(t, g)
		if got, want := g.Edges(), int64(tt.n*tt.k); got != want {
			t.Errorf("WattsStrogatz(%d, %d, %v): Edges = %d, want %d", tt.n, tt.k, tt.beta, got, want)
		}
		// Every node keeps the k/2 edges it owns (rewiring moves their far end).
		var rewired int
		for i := range tt.n {
			if g.Degree(i) < tt.k/2 {
				t.Errorf("WattsStrogatz(%d, %d, %v): Degree(%d) = %d < k/2", tt.n, tt.k, tt.beta, i, g.Degree(i))
			}
			for _, v := range g.Neighbors(i) {
				d := int(v) - i
				if d < 0 {
					d += tt.n
				}
				if min(d, tt.n-d) > tt.k/2 {
					rewired++
				}
			}
		}
		rewired /= 2
		if tt.n < 100 {
			continue
		}
		// Each of the nk/2 edges is rewired with probability beta (sd
		// sqrt(nk/2 beta(1-beta))); a rewired edge lands back on a lattice
		// position with probability at most k/(n-1). Tolerance: 5 sd plus
		// that bias.
		m := float64(tt.n * tt.k / 2)
		mean, sd := m*tt.beta, math.Sqrt(m*tt.beta*(1-tt.beta))
		bias := mean * float64(tt.k) / float64(tt.n-1)
		if float64(rewired) > mean+5*sd || float64(rewired) < mean-5*sd-bias {
			t.Errorf("WattsStrogatz(%d, %d, %v): %d long-range edges, want %.0f (-%.0f) ± %.0f", tt.n, tt.k, tt.beta, rewired, mean, bias, 5*sd)
		}
	}
}

func TestBarabasiAlbert(t *testing.T) {
	tests := []struct{ n, m int }{
		{2, 1}, {5, 4}, {6, 4}, {50, 1}, {1000, 5}, {100000, 3},
	}
	for _, tt := range tests {
		g, err := BarabasiAlbert(tt.n, tt.m, newRand(uint64(tt.n)))
		if err != nil {
			t.Fatal(err)
		}
		checkUndirected(t, g)
		if got, want := g.Edges(), int64(2*tt.m*(tt.n-tt.m)); got != want {
			t.Errorf("BarabasiAlbert(%d, %d): Edges = %d, want %d", tt.n, tt.m, got, want)
		}
		maxDeg := 0
		for i := range tt.n {
			d := g.Degree(i)
			maxDeg = max(maxDeg, d)
			if d < 1 || i > tt.m && d < tt.m {
				t.Errorf("BarabasiAlbert(%d, %d): Degree(%d) = %d", tt.n, tt.m, i, d)
			}
		}
		if tt.n < 1000 {
			continue
		}
		// Heavy tail: P(degree >= d) ~ m^2/d^2, so about 1% of nodes reach
		// 10m and the largest degree is of order m*sqrt(n), far above the
		// mean 2m. Thresholds: max degree >= 10 * mean, and at least 0.3%
		// of nodes at degree >= 10m.
		mean := float64(g.Edges()) / float64(tt.n)
		if float64(maxDeg) < 10*mean {
			t.Errorf("BarabasiAlbert(%d, %d): max degree %d, mean %.2f: no heavy tail", tt.n, tt.m, maxDeg, mean)
		}
		var tail int
		for i := range tt.n {
			if g.Degree(i) >= 10*tt.m {
				tail++
			}
		}
		if float64(tail) < 0.003*float64(tt.n) {
			t.Errorf("BarabasiAlbert(%d, %d): %d nodes with degree >= %d, want >= %.0f", tt.n, tt.m, tail, 10*tt.m, 0.003*float64(tt.n))
		}
		t.Logf("BarabasiAlbert(%d, %d): max degree %d, mean %.2f, %d nodes >= %d", tt.n, tt.m, maxDeg, mean, tail, 10*tt.m)
	}
}

func FuzzGenerators(f *testing.F) {
	f.Add(10, 3, 0.5, uint64(1))
	f.Add(2, 1, 0.0, uint64(2))
	f.Add(11, 10, 1.0, uint64(3))
	f.Add(-1, -1, -1.0, uint64(4))
	f.Fuzz(func(t *testing.T, n, k int, p float64, seed uint64) {
		if n > 300 || k > 300 {
			t.Skip() // keep each run small; size limits have their own tests
		}
		r := newRand(seed)
		gens := []struct {
			name string
			gen  func() (*Graph, error)
		}{
			{"complete", func() (*Graph, error) { return Complete(n) }},
			{"k-out", func() (*Graph, error) { return KOut(n, k, r) }},
			{"erdos-renyi", func() (*Graph, error) { return ErdosRenyi(n, p, r) }},
			{"watts-strogatz", func() (*Graph, error) { return WattsStrogatz(n, k, p, r) }},
			{"barabasi-albert", func() (*Graph, error) { return BarabasiAlbert(n, k, r) }},
		}
		for _, gg := range gens {
			g, err := gg.gen()
			switch {
			case err != nil && g != nil:
				t.Fatalf("%s: both graph and error %v", gg.name, err)
			case err != nil:
				if !strings.HasPrefix(err.Error(), "network: "+gg.name+": ") {
					t.Fatalf("%s: error %q does not name the generator", gg.name, err)
				}
			default:
				if err := g.Validate(); err != nil {
					t.Fatalf("%s: %v", gg.name, err)
				}
			}
		}
	})
}

// Dense lattices: almost every rewiring falls back from rejection to
// enumeration; the graph must stay simple with the same edge count.
func TestWattsStrogatzDense(t *testing.T) {
	for _, tt := range []struct{ n, k int }{{200, 196}, {201, 198}, {300, 290}} {
		g, err := WattsStrogatz(tt.n, tt.k, 1, newRand(9))
		if err != nil {
			t.Fatal(err)
		}
		checkUndirected(t, g)
		if got, want := g.Edges(), int64(tt.n*tt.k); got != want {
			t.Errorf("WattsStrogatz(%d, %d, 1): Edges = %d, want %d", tt.n, tt.k, got, want)
		}
	}
}
