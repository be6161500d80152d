package network

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadEdgeList(t *testing.T) {
	tests := []struct {
		name  string
		input string
		n     int
		opts  EdgeListOptions
		want  [][]int32 // rows
	}{
		{"spaces", "0 1\n1 2\n2 0\n", 0, EdgeListOptions{}, [][]int32{{1}, {2}, {0}}},
		{"commas and header", "from,to\n0,1\n0,2\n", 0, EdgeListOptions{}, [][]int32{{1, 2}, {}, {}}},
		{"source target header any case", "Source\tTARGET\n1\t0\n", 0, EdgeListOptions{}, [][]int32{{}, {0}}},
		{"comments, blanks, CRLF, tabs", "# a graph\r\n\r\n  0 ,\t1  # first\r\n\t\n2\t1\r\n", 0, EdgeListOptions{}, [][]int32{{1}, {}, {1}}},
		{"file order kept, duplicates kept", "0 3\n0 1\n0 3\n", 0, EdgeListOptions{}, [][]int32{{3, 1, 3}, {}, {}, {}}},
		{"explicit n adds isolated nodes", "0 1\n", 4, EdgeListOptions{}, [][]int32{{1}, {}, {}, {}}},
		{"no edges with n", "# nothing\n", 2, EdgeListOptions{}, [][]int32{{}, {}}},
		{"header only with n", "from,to\n", 1, EdgeListOptions{}, [][]int32{{}}},
		{"undirected", "0 1\n2 0\n", 0, EdgeListOptions{Undirected: true}, [][]int32{{1, 2}, {0}, {0}}},
		{"no final newline", "0 1\n1 0", 0, EdgeListOptions{}, [][]int32{{1}, {0}}},
		{"plus sign", "+0 1\n", 0, EdgeListOptions{}, [][]int32{{1}, {}}},
		{"byte order mark before a header", "\xef\xbb\xbffrom,to\n0,1\n", 0, EdgeListOptions{}, [][]int32{{1}, {}}},
		{"byte order mark before an edge", "\xef\xbb\xbf1 0\n", 0, EdgeListOptions{}, [][]int32{{}, {0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := ReadEdgeList(strings.NewReader(tt.input), "edges.csv", tt.n, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if err := g.Validate(); err != nil {
				t.Fatal(err)
			}
			if g.N != len(tt.want) {
				t.Fatalf("N = %d, want %d", g.N, len(tt.want))
			}
			for i, want := range tt.want {
				if got := g.Neighbors(i); !slices.Equal(got, want) {
					t.Errorf("row %d = %v, want %v", i, got, want)
				}
			}
		})
	}
}

func TestReadEdgeListErrors(t *testing.T) {
	tests := []struct {
		name  string
		input string
		n     int
		want  string
	}{
		{"id out of range", "0 1\n\n# c\n3 9\n", 5, "edges.csv:4:3: node id 9 out of range [0, 4]"},
		{"id out of range golden", strings.Repeat("0 1\n", 11) + "0  15\n", 10, "edges.csv:12:4: node id 15 out of range [0, 9]"},
		{"negative id", "0,-1\n", 5, "edges.csv:1:3: node id -1 out of range [0, 4]"},
		{"id overflows int64", "0 99999999999999999999\n", 5, "edges.csv:1:3: node id 99999999999999999999 out of range [0, 4]"},
		{"inferred id too large", "0 1\n0 134217728\n", 0, "edges.csv:2:3: node id 134217728 out of range [0, 134217727] (n inferred from the ids; give n for a larger graph)"},
		{"malformed number", "0 1\n1 x2\n", 0, `edges.csv:2:3: malformed node id "x2": want a decimal integer`},
		{"float", "0 1.0\n", 0, `edges.csv:1:3: malformed node id "1.0": want a decimal integer`},
		{"unknown header", "src,dst\n0,1\n", 0, `edges.csv:1:1: malformed node id "src": want a decimal integer; the only headers allowed are "from,to" and "source,target"`},
		{"header with one number", "from,1\n", 0, `edges.csv:1:1: malformed node id "from": want a decimal integer`},
		{"header not first", "0,1\nfrom,to\n", 0, `edges.csv:2:1: malformed node id "from": want a decimal integer`},
		{"one field", "0 1\n7\n", 0, "edges.csv:2: want 2 fields (from, to), got 1"},
		{"three fields", "0,1,0.5\n", 0, "edges.csv:1:5: want 2 fields (from, to), got 3"},
		{"empty field", "0,,1\n", 0, "edges.csv:1:3: empty field"},
		{"leading comma", " ,1\n", 0, "edges.csv:1:2: empty field"},
		{"trailing comma", "0,1,\n", 0, "edges.csv:1:5: empty field"},
		{"self-loop", "0 1\n 4 4\n", 0, "edges.csv:2:2: self-loop 4 -> 4 not allowed"},
		{"no edges, n inferred", "# empty\nfrom,to\n", 0, "edges.csv: no edges, so n cannot be inferred (give n)"},
		{"line too long", "0 1\n#" + strings.Repeat("x", 1<<20) + "\n", 0, "edges.csv:2: line longer than 1048576 bytes"},
		{"bad n", "0 1\n", -1, "network: edge list: n = -1 must be in [0, 2147483647] (0 infers it)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := ReadEdgeList(strings.NewReader(tt.input), "edges.csv", tt.n, EdgeListOptions{})
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v\nwant    %s", err, tt.want)
			}
			if g != nil {
				t.Errorf("graph = %+v, want nil", g)
			}
		})
	}
}

func TestReadEdgeListReadError(t *testing.T) {
	boom := errors.New("boom")
	rd := io.MultiReader(strings.NewReader("0 1\n1 2\n"), iotest.ErrReader(boom))
	_, err := ReadEdgeList(rd, "net.txt", 0, EdgeListOptions{})
	var pe *ParseError
	if !errors.As(err, &pe) || !errors.Is(err, boom) || err.Error() != "net.txt:3: read: boom" {
		t.Errorf("error = %v, want net.txt:3: read: boom wrapping boom", err)
	}
}

func TestEdgeListRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	kout, _ := KOut(200, 8, r)
	er, _ := ErdosRenyi(300, 0.01, r) // has isolated nodes
	ws, _ := WattsStrogatz(100, 4, 0.3, r)
	ba, _ := BarabasiAlbert(200, 2, r)
	complete, _ := Complete(6)
	for _, tt := range []struct {
		name string
		g    *Graph
	}{{"k-out", kout}, {"erdos-renyi", er}, {"watts-strogatz", ws}, {"barabasi-albert", ba}, {"complete", complete}} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteEdgeList(&buf, tt.g); err != nil {
				t.Fatal(err)
			}
			got, err := ReadEdgeList(&buf, tt.name, tt.g.N, EdgeListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got.N != tt.g.N || got.Edges() != tt.g.Edges() {
				t.Fatalf("N, Edges = %d, %d, want %d, %d", got.N, got.Edges(), tt.g.N, tt.g.Edges())
			}
			for i := range got.N {
				for s := range got.Degree(i) {
					if got.Neighbor(i, s) != tt.g.Neighbor(i, s) {
						t.Fatalf("row %d differs: %v", i, got.Neighbors(i))
					}
				}
			}
		})
	}
}

func TestWriteEdgeListFormat(t *testing.T) {
	g := &Graph{N: 3, Off: []int64{0, 2, 2, 3}, Adj: []int32{1, 2, 0}}
	var buf bytes.Buffer
	if err := WriteEdgeList(&buf, g); err != nil {
		t.Fatal(err)
	}
	const want = "# trustlab edge list: 3 nodes, 3 directed edges\nfrom,to\n0,1\n0,2\n2,0\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	bad := &Graph{N: 2, K: 1, Adj: []int32{0, 1}}
	if err := WriteEdgeList(&buf, bad); err == nil {
		t.Error("WriteEdgeList of an invalid graph: no error")
	}
}

func FuzzReadEdgeList(f *testing.F) {
	seeds := []string{
		"0 1\n1 2\n2 0\n",
		"from,to\n0,1\n# c\n\n3,2\n",
		"source target\r\n1 0\r\n",
		"0,,1\n", "0 0\n", "0 x\n", "1 2 3\n", "0 99999999999999999999\n", " , \n", "#\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s), uint16(0), false)
		f.Add([]byte(s), uint16(5), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, n uint16, undirected bool) {
		// Bound inferred sizes to keep the fuzzer fast: ids up to
		// MaxInferredNodes are legal and would allocate their offsets.
		if n == 0 && longestDigitRun(data) > 6 {
			t.Skip()
		}
		opts := EdgeListOptions{Undirected: undirected}
		g, err := ReadEdgeList(bytes.NewReader(data), "fuzz", int(n), opts)
		if err != nil {
			if g != nil {
				t.Fatalf("both graph and error %v", err)
			}
			var pe *ParseError
			if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), "fuzz") {
				t.Fatalf("error %q is not a located *ParseError", err)
			}
			return
		}
		if err := g.Validate(); err != nil {
			t.Fatalf("invalid graph: %v", err)
		}
		if n > 0 && g.N != int(n) {
			t.Fatalf("N = %d, want %d", g.N, n)
		}
		// What is read can be written and read back unchanged.
		var buf bytes.Buffer
		if err := WriteEdgeList(&buf, g); err != nil {
			t.Fatal(err)
		}
		h, err := ReadEdgeList(&buf, "again", g.N, EdgeListOptions{})
		if err != nil {
			t.Fatalf("reading back: %v", err)
		}
		if !slices.Equal(h.Off, g.Off) || !slices.Equal(h.Adj, g.Adj) {
			t.Fatal("round trip changed the graph")
		}
	})
}

func longestDigitRun(data []byte) int {
	best, run := 0, 0
	for _, c := range data {
		if c >= '0' && c <= '9' {
			run++
			best = max(best, run)
		} else {
			run = 0
		}
	}
	return best
}
