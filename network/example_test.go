package network_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"

	"github.com/trustlab/trustlab/network"
)

func ExampleKOut() {
	r := rand.New(rand.NewPCG(1, 2))
	g, err := network.KOut(6, 3, r)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range g.N {
		fmt.Println(i, "->", g.Neighbors(i))
	}
	fmt.Println("bytes:", g.Bytes())

	_, err = network.KOut(10, 10, r)
	fmt.Println(err)
	// Output:
	// 0 -> [4 4 4]
	// 1 -> [4 2 0]
	// 2 -> [3 3 0]
	// 3 -> [0 4 2]
	// 4 -> [5 0 1]
	// 5 -> [3 3 2]
	// bytes: 72
	// network: k-out: k = 10 must be in [1, n-1] = [1, 9]
}

func ExampleComplete() {
	g, _ := network.Complete(4)
	for s := range g.Degree(2) {
		fmt.Print(g.Neighbor(2, s), " ")
	}
	fmt.Println("| edges:", g.Edges(), "bytes:", g.Bytes())
	// Output:
	// 0 1 3 | edges: 12 bytes: 0
}

func ExampleWattsStrogatz() {
	// beta = 0 is the ring lattice: each node linked to its 2 nearest
	// neighbours on each side.
	g, _ := network.WattsStrogatz(8, 4, 0, rand.New(rand.NewPCG(1, 2)))
	fmt.Println(g.Neighbors(0), g.Neighbors(5))
	// Output:
	// [1 2 6 7] [3 4 6 7]
}

func ExampleReadEdgeList() {
	const input = `# a small network
from,to
0,1
0,2
2,0
`
	g, err := network.ReadEdgeList(strings.NewReader(input), "edges.csv", 4, network.EdgeListOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range g.N {
		fmt.Println(i, "degree", g.Degree(i), g.Neighbors(i))
	}

	_, err = network.ReadEdgeList(strings.NewReader("0 1\n1 7\n"), "edges.csv", 4, network.EdgeListOptions{})
	fmt.Println(err)
	// Output:
	// 0 degree 2 [1 2]
	// 1 degree 0 []
	// 2 degree 1 [0]
	// 3 degree 0 []
	// edges.csv:2:3: node id 7 out of range [0, 3]
}

func ExampleWriteEdgeList() {
	g, _ := network.ReadEdgeList(strings.NewReader("0 1\n2 1\n"), "in", 0, network.EdgeListOptions{Undirected: true})
	if err := network.WriteEdgeList(os.Stdout, g); err != nil {
		fmt.Println(err)
	}
	// Output:
	// # trustlab edge list: 3 nodes, 4 directed edges
	// from,to
	// 0,1
	// 1,0
	// 1,2
	// 2,1
}
