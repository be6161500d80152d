package network

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
)

// reportGraph reports the memory the graph holds per node and the build
// time per node.
func reportGraph(b *testing.B, g *Graph) {
	b.ReportMetric(float64(g.Bytes())/float64(g.N), "bytes/node")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(g.N), "ns/node")
}

// BenchmarkKOut builds the PPB-1 network (k = 8).
func BenchmarkKOut(b *testing.B) {
	for _, n := range []int{1_000_000, 10_000_000} {
		b.Run(fmt.Sprintf("n=%d/k=8", n), func(b *testing.B) {
			if n > 1_000_000 && testing.Short() {
				b.Skip("large n in -short mode")
			}
			b.ReportAllocs()
			r := rand.New(rand.NewPCG(1, 2))
			var g *Graph
			for b.Loop() {
				var err error
				if g, err = KOut(n, 8, r); err != nil {
					b.Fatal(err)
				}
			}
			reportGraph(b, g)
		})
	}
}

func BenchmarkGenerators(b *testing.B) {
	const n = 1_000_000
	gens := []struct {
		name string
		gen  func(r *rand.Rand) (*Graph, error)
	}{
		{"ErdosRenyi/n=1e6/mean-degree=8", func(r *rand.Rand) (*Graph, error) { return ErdosRenyi(n, 8.0/(n-1), r) }},
		{"WattsStrogatz/n=1e6/k=8/beta=0.1", func(r *rand.Rand) (*Graph, error) { return WattsStrogatz(n, 8, 0.1, r) }},
		{"BarabasiAlbert/n=1e6/m=4", func(r *rand.Rand) (*Graph, error) { return BarabasiAlbert(n, 4, r) }},
	}
	for _, tt := range gens {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			r := rand.New(rand.NewPCG(1, 2))
			var g *Graph
			for b.Loop() {
				var err error
				if g, err = tt.gen(r); err != nil {
					b.Fatal(err)
				}
			}
			reportGraph(b, g)
		})
	}
}

func BenchmarkReadEdgeList(b *testing.B) {
	const n = 100_000
	g, err := KOut(n, 8, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteEdgeList(&buf, g); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadEdgeList(bytes.NewReader(data), "bench", n, EdgeListOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
