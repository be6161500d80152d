package yamlx

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/trustlab/trustlab/internal/bounded"
	"github.com/trustlab/trustlab/internal/srcpos"
)

// Parse reads the one YAML document of data. It returns the document's
// root node, or nil for a file without content. A syntax error is at its
// line ("YAML syntax: ..."); a second document is refused.
func Parse(data []byte, file string) (*yaml.Node, error) {
	data = bounded.TrimBOM(data) // as in every trustlab input file
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return nil, nil
		}
		return nil, syntaxError(err, file)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &srcpos.Error{File: file, Line: extra.Line, Column: extra.Column, Msg: "a second YAML document (after ---) is not allowed: a file holds one YAML document"}
	} else if err != io.EOF {
		return nil, syntaxError(err, file)
	}
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			return nil, nil
		}
		return doc.Content[0], nil
	}
	return &doc, nil
}

// syntaxError turns a YAML syntax error ("yaml: line 3: ...") into an
// *srcpos.Error at that line.
func syntaxError(err error, file string) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.Index(rest, ": "); i > 0 {
			if n, err := strconv.Atoi(rest[:i]); err == nil {
				line, msg = n, rest[i+2:]
			}
		}
	}
	return &srcpos.Error{File: file, Line: line, Msg: "YAML syntax: " + msg}
}

// Walker checks the nodes of one file and collects its problems.
type Walker struct {
	File string
	// Refuse lists keys refused wherever they appear, even under unknown
	// keys, with the reason ("files are not allowed here: ..."). A
	// refused key is not among a mapping's Fields (Has still reports it).
	Refuse map[string]string
	// Errs are the problems found, at most srcpos.MaxErrors.
	Errs srcpos.List
}

// Err returns the problems found as one error (a srcpos.List), or nil.
func (w *Walker) Err() error { return w.Errs.Err() }

// Count is the number of problems found so far.
func (w *Walker) Count() int { return len(w.Errs) }

// Failf records a problem at n (nil: no position) about the key path.
func (w *Walker) Failf(n *yaml.Node, path, format string, a ...any) {
	e := &srcpos.Error{File: w.File, Field: path, Msg: fmt.Sprintf(format, a...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	w.Errs.Add(e)
}

// Deref follows aliases to the node they name.
func Deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// Describe names a node for messages: a mapping, a list, null or the
// quoted scalar.
func Describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "null"
		}
		return strconv.Quote(n.Value)
	}
	return "a YAML node"
}

// IsNull reports whether n is the null scalar.
func IsNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// HasKey reports whether the mapping n has one of keys.
func HasKey(n *yaml.Node, keys ...string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if slices.Contains(keys, n.Content[i].Value) {
			return true
		}
	}
	return false
}

// Sub joins a key path and a key: "a.b" + "c" is "a.b.c".
func Sub(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// Fields is a checked mapping: its values (aliases followed) by key.
type Fields struct {
	Node    *yaml.Node
	Path    string
	values  map[string]*yaml.Node
	written map[string]*yaml.Node
}

// OK reports whether the node was a mapping.
func (f Fields) OK() bool { return f.values != nil }

// Get returns the value of key, or nil when it is not given (or refused).
func (f Fields) Get(key string) *yaml.Node { return f.values[key] }

// Map returns the values by key (nil when the node was not a mapping).
func (f Fields) Map() map[string]*yaml.Node { return maps.Clone(f.values) }

// Has reports whether key was written, refused or not.
func (f Fields) Has(key string) bool { return f.written[key] != nil }

// Sub returns the key path of key in f.
func (f Fields) Sub(key string) string { return Sub(f.Path, key) }

// Mapping checks that n is a mapping whose keys are among keys and returns
// its fields. Unknown and duplicate keys are errors naming the allowed
// keys; so are refused keys, anywhere below an unknown key too.
func (w *Walker) Mapping(n *yaml.Node, path string, keys ...string) Fields {
	n = Deref(n)
	f := Fields{Node: n, Path: path}
	if n.Kind != yaml.MappingNode {
		w.Failf(n, path, "%s: must be a mapping with keys %s", Describe(n), strings.Join(keys, ", "))
		return f
	}
	f.values, f.written = map[string]*yaml.Node{}, map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := Deref(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			w.Failf(k, path, "keys must be names")
			continue
		}
		kp := f.Sub(k.Value)
		if first, dup := f.written[k.Value]; dup {
			w.Failf(k, kp, "duplicate key (first on line %d)", first.Line)
			continue
		}
		f.written[k.Value] = k
		if why, refused := w.Refuse[k.Value]; refused {
			w.Failf(k, kp, "%s", why)
			continue
		}
		if !slices.Contains(keys, k.Value) {
			w.Failf(k, kp, "unknown key; allowed keys here: %s", strings.Join(keys, ", "))
			w.refuseBelow(v, kp, map[*yaml.Node]bool{})
			continue
		}
		f.values[k.Value] = Deref(v)
	}
	return f
}

// refuseBelow reports the refused keys anywhere in n, a value the walk
// does not enter.
func (w *Walker) refuseBelow(n *yaml.Node, path string, seen map[*yaml.Node]bool) {
	n = Deref(n)
	if len(w.Refuse) == 0 || n == nil || seen[n] {
		return
	}
	seen[n] = true
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			kp := Sub(path, k.Value)
			if why, refused := w.Refuse[k.Value]; refused {
				w.Failf(k, kp, "%s", why)
			}
			w.refuseBelow(n.Content[i+1], kp, seen)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			w.refuseBelow(c, fmt.Sprintf("%s[%d]", path, i), seen)
		}
	}
}

// Number parses a scalar number (int or float tag, YAML 1.1 spellings of
// infinity and NaN); want describes the allowed values ("a number in [0, 1]").
func (w *Walker) Number(n *yaml.Node, path, want string) (float64, bool) {
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") {
		w.Failf(n, path, "%s: must be %s", Describe(n), want)
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
	if err != nil {
		switch strings.ToLower(n.Value) {
		case ".inf", "+.inf":
			v = math.Inf(1)
		case "-.inf":
			v = math.Inf(-1)
		case ".nan":
			v = math.NaN()
		default:
			w.Failf(n, path, "%s: must be %s", Describe(n), want)
			return 0, false
		}
	}
	return v, true
}

// Float reads the number at key, in [lo, hi] (open ends where loOpen,
// hiOpen), into *dst; a missing key leaves *dst unchanged.
func (w *Walker) Float(f Fields, key string, dst *float64, lo, hi float64, loOpen, hiOpen bool) bool {
	n := f.Get(key)
	if n == nil {
		return false
	}
	path := f.Sub(key)
	rng := Interval(lo, hi, loOpen, hiOpen)
	v, ok := w.Number(n, path, "a number in "+rng)
	if !ok {
		return false
	}
	if !InRange(v, lo, hi, loOpen, hiOpen) {
		w.Failf(n, path, "%s: must be in %s", n.Value, rng)
		return false
	}
	*dst = v
	return true
}

// InRange reports whether v lies in the interval (NaN never does, an
// infinity only as a closed infinite end).
func InRange(v, lo, hi float64, loOpen, hiOpen bool) bool {
	if math.IsNaN(v) {
		return false
	}
	if v < lo || (loOpen && v == lo) || v > hi || (hiOpen && v == hi) {
		return false
	}
	return !math.IsInf(v, 0) || (!hiOpen && math.IsInf(hi, 1) && v == hi)
}

// Interval writes an interval for messages: [0, 1], (0, 1e6], [0, inf).
func Interval(lo, hi float64, loOpen, hiOpen bool) string {
	l, r := "[", "]"
	if loOpen {
		l = "("
	}
	if hiOpen || math.IsInf(hi, 1) {
		r = ")"
	}
	f := func(v float64) string {
		switch {
		case math.IsInf(v, 1):
			return "inf"
		case math.IsInf(v, -1):
			return "-inf"
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	if math.IsInf(lo, -1) {
		l = "("
	}
	return l + f(lo) + ", " + f(hi) + r
}

// Int reads the whole number at key, in [lo, hi], into *dst; note follows
// the range in messages (" (1 to steps)").
func (w *Walker) Int(f Fields, key string, dst *int, lo, hi int, note string) bool {
	n := f.Get(key)
	if n == nil {
		return false
	}
	v, ok := w.IntNode(n, f.Sub(key), lo, hi, note)
	if ok {
		*dst = v
	}
	return ok
}

// IntNode reads a whole number in [lo, hi].
func (w *Walker) IntNode(n *yaml.Node, path string, lo, hi int, note string) (int, bool) {
	rng := fmt.Sprintf("[%d, %d]%s", lo, hi, note)
	v, ok := w.Number(n, path, "a whole number in "+rng)
	if !ok {
		return 0, false
	}
	if v != math.Trunc(v) || v < float64(lo) || v > float64(hi) {
		w.Failf(n, path, "%s: must be a whole number in %s", n.Value, rng)
		return 0, false
	}
	return int(v), true
}

// Uint64 reads a whole number in [0, 2^64-1] at key (a seed) into *dst.
func (w *Walker) Uint64(f Fields, key string, dst *uint64) bool {
	n := f.Get(key)
	if n == nil {
		return false
	}
	const want = "a whole number in [0, 18446744073709551615]"
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		w.Failf(n, f.Sub(key), "%s: must be %s", Describe(n), want)
		return false
	}
	v, err := strconv.ParseUint(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
	if err != nil {
		w.Failf(n, f.Sub(key), "%s: must be %s", n.Value, want)
		return false
	}
	*dst = v
	return true
}

// Str reads the string at key, one of allowed (any string if allowed is
// empty), into *dst.
func (w *Walker) Str(f Fields, key string, dst *string, allowed ...string) bool {
	n := f.Get(key)
	if n == nil {
		return false
	}
	return w.StrNode(n, f.Sub(key), dst, allowed...)
}

// StrNode reads a string scalar, one of allowed (any if empty).
func (w *Walker) StrNode(n *yaml.Node, path string, dst *string, allowed ...string) bool {
	if n.Kind != yaml.ScalarNode || IsNull(n) {
		if len(allowed) > 0 {
			w.Failf(n, path, "%s: must be one of %s", Describe(n), strings.Join(allowed, ", "))
		} else {
			w.Failf(n, path, "%s: must be a string", Describe(n))
		}
		return false
	}
	if len(allowed) > 0 && !slices.Contains(allowed, n.Value) {
		w.Failf(n, path, "%q: must be one of %s", n.Value, strings.Join(allowed, ", "))
		return false
	}
	*dst = n.Value
	return true
}

// Bool reads true or false at key into *dst.
func (w *Walker) Bool(f Fields, key string, dst *bool) bool {
	n := f.Get(key)
	if n == nil {
		return false
	}
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		w.Failf(n, f.Sub(key), "%s: must be true or false", Describe(n))
		return false
	}
	*dst = n.Value == "true" || n.Value == "True" || n.Value == "TRUE"
	return true
}

// ParseMapping is [Parse] for a file whose document must be a mapping of
// keys: an empty file and any other document are errors of the file.
func ParseMapping(data []byte, file string) (*yaml.Node, error) {
	root, err := Parse(data, file)
	if err != nil {
		return nil, err
	}
	if root == nil {
		return nil, &srcpos.Error{File: file, Msg: "empty file: expected a YAML mapping of keys"}
	}
	if root.Kind != yaml.MappingNode {
		return nil, &srcpos.Error{File: file, Line: root.Line, Column: root.Column, Msg: "expected a YAML mapping of keys (key: value lines)"}
	}
	return root, nil
}

// Positions is where the keys of a document were written, by key path
// with list items numbered from 0 ("game.endowment", "bots.0.delay"), for
// the checks a reader makes after the walk, over the values it decoded.
type Positions map[string]srcpos.Pos

// Index returns the positions of every key below n (a list item is at its
// first line). Aliases are not followed.
func Index(n *yaml.Node) Positions {
	p := Positions{}
	p.collect(n, "")
	return p
}

func (p Positions) collect(n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			p.collect(c, path)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			kp := Sub(path, k.Value)
			p[kp] = srcpos.Pos{Line: k.Line, Column: k.Column}
			p.collect(n.Content[i+1], kp)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			ip := path + "." + strconv.Itoa(i)
			p[ip] = srcpos.Pos{Line: c.Line, Column: c.Column}
			p.collect(c, ip)
		}
	}
}

// At returns the line and column of the key path, or of its nearest
// written parent when the key itself was not written (0, 0: none).
func (p Positions) At(path string) (line, col int) {
	for path != "" {
		if q, ok := p[path]; ok {
			return q.Line, q.Column
		}
		i := strings.LastIndexByte(path, '.')
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return 0, 0
}
