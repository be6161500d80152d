package network

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/trustlab/trustlab/internal/srcpos"
)

// MaxInferredNodes bounds the node count ReadEdgeList infers from the ids
// when it is not given (n == 0), so that one stray large id cannot demand
// gigabytes of offsets. Pass n explicitly for larger graphs.
const MaxInferredNodes = 1 << 27

// maxLine is the longest line ReadEdgeList accepts, comments included.
const maxLine = 1 << 20

// utf8BOM is the UTF-8 byte order mark.
var utf8BOM = []byte("\xef\xbb\xbf")

// EdgeListOptions tunes ReadEdgeList. The zero value reads a directed list.
type EdgeListOptions struct {
	// Undirected stores every line "u v" as both u -> v and v -> u.
	Undirected bool
}

// ParseError is the error ReadEdgeList returns for bad input. It prints as
// name:line:column: problem (name:line: problem when no column applies,
// name: problem when no line does). Line and Column count from 1; Column
// counts bytes.
type ParseError struct {
	Name   string // the name passed to ReadEdgeList, typically a file name
	Line   int    // 0 when the problem is the whole input
	Column int    // 0 when the problem is the whole line
	Err    error  // the problem
}

func (e *ParseError) Error() string { return srcpos.Format(e.Pos(), "", e.Err.Error()) }

// Pos returns where the problem is ([srcpos.Positioned]).
func (e *ParseError) Pos() srcpos.Pos {
	return srcpos.Pos{File: e.Name, Line: e.Line, Column: e.Column}
}

// FieldPath is "": an edge list has no fields.
func (e *ParseError) FieldPath() string { return "" }

// Unwrap returns the underlying problem.
func (e *ParseError) Unwrap() error { return e.Err }

// ReadEdgeList reads a graph from a text edge list, streaming it line by
// line. name labels the errors (typically the file name).
//
// A UTF-8 byte order mark at the start is ignored. Each line holds one
// edge "from to": two decimal node ids separated by
// whitespace or by a comma. '#' starts a comment that runs to the end of
// the line; blank lines are skipped. The first non-comment line may be a
// header, "from,to" or "source,target" (any case, comma or whitespace).
// Edges are directed as given unless opts.Undirected is set; duplicate
// lines give duplicate edges (multi-edges are kept, as in KOut), and each
// row keeps the order of the file. Self-loops are an error.
//
// n is the number of nodes, in [0, MaxNodes]: ids must be in [0, n-1].
// With n == 0 it is inferred as the largest id + 1 (at most
// MaxInferredNodes; an input without edges is then an error). Nodes that
// appear in no "from" position have out-degree 0.
//
// Errors for bad input are *ParseError values such as
// "edges.csv:12:4: node id 15 out of range [0, 9]".
func ReadEdgeList(rd io.Reader, name string, n int, opts EdgeListOptions) (*Graph, error) {
	if n < 0 || n > MaxNodes {
		return nil, fmt.Errorf("network: edge list: n = %d must be in [0, %d] (0 infers it)", n, MaxNodes)
	}
	if name == "" {
		name = "<edge list>"
	}
	limit := int64(n) // ids must be < limit
	if n == 0 {
		limit = MaxInferredNodes
	}
	perLine := int64(1)
	if opts.Undirected {
		perLine = 2
	}
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	var (
		ends    []int32 // from, to of every stored edge
		maxID   = int64(-1)
		line    int
		data    bool // a data (or header) line was seen
		scratch [3]field
	)
	fail := func(col int, format string, args ...any) error {
		return &ParseError{Name: name, Line: line, Column: col, Err: fmt.Errorf(format, args...)}
	}
	for sc.Scan() {
		line++
		text := sc.Bytes()
		if line == 1 {
			// A UTF-8 byte order mark (spreadsheet exports) is dropped, as
			// in scenario, sweep and data files.
			text = bytes.TrimPrefix(text, utf8BOM)
		}
		if i := bytes.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		fs, nf, col := splitFields(text, scratch[:0])
		if col > 0 {
			return nil, fail(col, "empty field")
		}
		if nf == 0 {
			continue
		}
		first := !data
		data = true
		if nf != 2 {
			c := 0
			if nf > 2 {
				c = fs[2].col
			}
			return nil, fail(c, "want 2 fields (from, to), got %d", nf)
		}
		if first && isHeader(fs[0].text, fs[1].text) {
			continue
		}
		var ids [2]int64
		for f := range 2 {
			tok := fs[f].text
			id, err := strconv.ParseInt(string(tok), 10, 64)
			if err != nil {
				if errors.Is(err, strconv.ErrRange) {
					return nil, fail(fs[f].col, "node id %s out of range [0, %d]", tok, limit-1)
				}
				hint := ""
				if first && !numeric(fs[0].text) && !numeric(fs[1].text) {
					hint = `; the only headers allowed are "from,to" and "source,target"`
				}
				return nil, fail(fs[f].col, "malformed node id %q: want a decimal integer%s", tok, hint)
			}
			if id < 0 || id >= limit {
				if n == 0 {
					return nil, fail(fs[f].col, "node id %d out of range [0, %d] (n inferred from the ids; give n for a larger graph)", id, limit-1)
				}
				return nil, fail(fs[f].col, "node id %d out of range [0, %d]", id, limit-1)
			}
			ids[f] = id
		}
		if ids[0] == ids[1] {
			return nil, fail(fs[0].col, "self-loop %d -> %d not allowed", ids[0], ids[1])
		}
		if int64(len(ends)/2)+perLine > MaxEdges {
			return nil, fail(0, "more than %d edges", MaxEdges)
		}
		maxID = max(maxID, ids[0], ids[1])
		ends = append(ends, int32(ids[0]), int32(ids[1]))
		if opts.Undirected {
			ends = append(ends, int32(ids[1]), int32(ids[0]))
		}
	}
	if err := sc.Err(); err != nil {
		line++
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fail(0, "line longer than %d bytes", maxLine)
		}
		return nil, fail(0, "read: %w", err)
	}
	if n == 0 {
		if maxID < 0 {
			return nil, &ParseError{Name: name, Err: errors.New("no edges, so n cannot be inferred (give n)")}
		}
		n = int(maxID + 1)
	}
	return directed(n, ends), nil
}

// field is one token of a line and its 1-based byte column.
type field struct {
	text []byte
	col  int
}

// splitFields splits a line into fields separated by runs of whitespace or
// by one comma with optional whitespace around it. It keeps at most
// cap(fs) fields but counts them all. bad > 0 is the column of an empty
// field (",," or a leading or trailing comma).
func splitFields(line []byte, fs []field) (out []field, n, bad int) {
	i := skipSpace(line, 0)
	if i == len(line) {
		return fs, 0, 0
	}
	for {
		start := i
		for i < len(line) && line[i] != ',' && !isSpace(line[i]) {
			i++
		}
		if i == start {
			return fs, n, start + 1
		}
		if len(fs) < cap(fs) {
			fs = append(fs, field{line[start:i], start + 1})
		}
		n++
		i = skipSpace(line, i)
		if i == len(line) {
			return fs, n, 0
		}
		if line[i] == ',' {
			i = skipSpace(line, i+1)
			if i == len(line) {
				return fs, n, i + 1
			}
		}
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
}

func skipSpace(line []byte, i int) int {
	for i < len(line) && isSpace(line[i]) {
		i++
	}
	return i
}

// numeric reports whether a token starts like a number.
func numeric(tok []byte) bool {
	c := tok[0]
	return c >= '0' && c <= '9' || c == '-' || c == '+'
}

func isHeader(a, b []byte) bool {
	return bytes.EqualFold(a, []byte("from")) && bytes.EqualFold(b, []byte("to")) ||
		bytes.EqualFold(a, []byte("source")) && bytes.EqualFold(b, []byte("target"))
}

// directed builds the CSR graph of the edges ends[2e] -> ends[2e+1],
// keeping their order within each row.
func directed(n int, ends []int32) *Graph {
	off := make([]int64, n+1)
	for e := 0; e < len(ends); e += 2 {
		off[ends[e]+1]++
	}
	for i := range n {
		off[i+1] += off[i]
	}
	adj := make([]int32, len(ends)/2)
	for e := 0; e < len(ends); e += 2 {
		u := ends[e]
		adj[off[u]] = ends[e+1]
		off[u]++
	}
	copy(off[1:], off[:n])
	off[0] = 0
	return &Graph{N: n, Off: off, Adj: adj}
}

// WriteEdgeList writes g as an edge list that ReadEdgeList reads back: a
// comment line with the node and edge counts, the header "from,to", then
// one "from,to" line per stored directed edge, node by node. An undirected
// graph is written with both directions of each edge, so read it back as
// directed (the default) to get the same Graph. Isolated nodes at the end
// are not visible in the list: pass g.N as n when reading it back.
func WriteEdgeList(w io.Writer, g *Graph) error {
	if err := g.Validate(); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	fmt.Fprintf(bw, "# trustlab edge list: %d nodes, %d directed edges\nfrom,to\n", g.N, g.Edges())
	var buf []byte
	for i := range g.N {
		for s := range g.Degree(i) {
			buf = strconv.AppendInt(buf[:0], int64(i), 10)
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, int64(g.Neighbor(i, s)), 10)
			buf = append(buf, '\n')
			if _, err := bw.Write(buf); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}
