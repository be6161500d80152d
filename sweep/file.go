package sweep

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/trustlab/trustlab/internal/bounded"
	"github.com/trustlab/trustlab/internal/yamlx"
	"github.com/trustlab/trustlab/scenario"
)

// Limits on the size of a sweep.
const (
	MaxReplications = 100_000    // replications per cell
	MaxAxisValues   = 100_000    // values of one axis (a range, a list)
	MaxRuns         = 10_000_000 // cells times replications
	MaxFileBytes    = 1 << 20    // a sweep file (Load)
)

// unwrapPathErr drops the operation and path of an *fs.PathError (the
// message names the file already).
func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// tooLarge describes the size of a file that is too large.
func tooLarge(tl *bounded.TooLargeError) string {
	if tl.Size >= 0 {
		return "file of " + bounded.Bytes(tl.Size)
	}
	return "file of more than " + bounded.Bytes(tl.Limit)
}

// Keep says which outputs of each run a sweep keeps. The end-of-run
// metrics are always recorded (summary.csv and the plots need them); Keep
// decides the per-run tables.
type Keep struct {
	Summary bool // runs.csv: the end-of-run metrics of every run
	Series  bool // steps.csv: the per-step metrics of every run
}

// Axis is one parameter of the scenario that a sweep varies.
type Axis struct {
	// Path addresses the parameter in the scenario YAML: mapping keys and
	// list items (by their name: or 0-based index) joined by dots.
	Path string
	// Name is the axis's column in the output tables (default: Path).
	Name string
	// Values are the values the axis takes, in order.
	Values []Value
	// Line and Column locate the axis in the sweep file (0 when unknown).
	Line, Column int
	// With lists parameters set together with this one (with:): value i
	// of the axis goes with value i of each, e.g. the other groups'
	// shares, which must still sum to 1. Their Name and With are unused.
	With []Axis
}

// paths returns the axis's path and those of its With parameters.
func (a *Axis) paths() []*Axis {
	out := []*Axis{a}
	for i := range a.With {
		out = append(out, &a.With[i])
	}
	return out
}

// Value is one value of an axis.
type Value struct {
	// JSON is the canonical JSON of the value: its identity for cell ids
	// and seeds (0.10 and 0.1 are the same value).
	JSON json.RawMessage
	// Label is the value as written in tables: a string or number as is,
	// a list or mapping as its canonical JSON.
	Label string
	// Number is the value when IsNumber.
	Number   float64
	IsNumber bool
	// Line and Column locate the value in the sweep file (0 when unknown).
	Line, Column int

	node *yaml.Node // the YAML substituted into the scenario
}

// Sweep is a parsed sweep file: a base scenario, the axes it varies, the
// number of replications and the outputs to keep. Parse checks its
// structure; Check checks every cell's scenario with the Runner.
type Sweep struct {
	// File is the sweep file's name, for messages.
	File string
	// Name titles the sweep in reports (default: the file's base name).
	Name string
	// Seed is the sweep seed from which every run's seed is derived.
	Seed uint64
	// Replications is the number of runs of every cell, each with its
	// own seed.
	Replications int
	// Keep selects the outputs kept.
	Keep Keep
	// Axes are the varied parameters; cells are their Cartesian product
	// in order (the last axis varies fastest).
	Axes []Axis
	// Scenario is the base scenario's file name as given in the sweep file
	// (relative to it), or "" for an inline base:.
	Scenario string

	base     *yaml.Node // the base scenario document (a mapping)
	baseSrc  []byte     // the base scenario file's bytes ("" when inline)
	baseName string     // file name for the base in messages
	baseDir  string     // directory for relative paths in the scenario
	baseLine int        // line of base: or scenario: in the sweep file
}

// Load reads and parses a sweep file, and the base scenario file it names.
func Load(path string) (*Sweep, error) {
	src, err := bounded.ReadFile(path, MaxFileBytes)
	var tl *bounded.TooLargeError
	if errors.As(err, &tl) {
		return nil, errorf(path, 0, 0, "", "%s: a sweep file is at most %s", tooLarge(tl), bounded.Bytes(MaxFileBytes))
	}
	if err != nil {
		return nil, errorf(path, 0, 0, "", "cannot read: %v", unwrapPathErr(err))
	}
	return Parse(path, src)
}

// Parse parses a sweep file. name is its path: a base scenario given with
// scenario: is read relative to its directory. Errors name the file, line,
// column and key.
func Parse(name string, src []byte) (*Sweep, error) {
	return ParseWith(name, src, ParseOptions{})
}

// ParseOptions are options of [ParseWith]; the zero value is [Parse]'s.
type ParseOptions struct {
	// NoFiles refuses the key scenario: (a base scenario file) and every
	// file: key of the base and of the axes' values, each with a
	// positioned error, and reads no file: for sweeps sent to a server,
	// which must not make it read its own files. Give the Runner the same
	// rule (CellRunner.NoFiles).
	NoFiles bool
}

// NoFilesMessage is the error of a scenario: key under ParseOptions.NoFiles.
const NoFilesMessage = "files are not allowed here: a sweep sent to the server gives its base scenario inline (base:), or run it with trustlab sweep"

// ParseWith is [Parse] with options.
func ParseWith(name string, src []byte, o ParseOptions) (*Sweep, error) {
	p := &parser{Walker: yamlx.Walker{File: name}}
	if o.NoFiles {
		p.Refuse = map[string]string{"scenario": NoFilesMessage, "file": scenario.NoFilesMessage}
	}
	root, err := yamlx.Parse(src, name)
	if err != nil {
		return nil, err
	}
	if root == nil {
		return nil, errorf(name, 1, 0, "", "empty sweep file: expected keys %s", allowedTop)
	}
	sw := &Sweep{File: name, Seed: 1, Replications: 1, Keep: Keep{Summary: true}}
	keys := p.Mapping(root, "", strings.Split(allowedTop, ", ")...)
	if !keys.OK() {
		return nil, p.Err()
	}
	sw.Name = strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	p.Str(keys, "name", &sw.Name)
	p.Uint64(keys, "seed", &sw.Seed)
	p.Int(keys, "replications", &sw.Replications, 1, MaxReplications, "")
	if n := keys.Get("keep"); n != nil {
		k, err := p.keep(n)
		p.add(err)
		sw.Keep = k
	}
	p.add(p.base(sw, keys.Map(), root))
	if n := keys.Get("axes"); n != nil {
		sw.Axes = p.axes(n)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if err := p.checkAxes(sw); err != nil {
		return nil, err
	}
	return sw, nil
}

const allowedTop = "name, scenario, base, seed, replications, keep, axes"

// parser reads a sweep file with the strict walker: problems with keys
// and values are collected (at most srcpos.MaxErrors); an axis stops at its
// first problem.
type parser struct{ yamlx.Walker }

// add records err, an *Error, unless nil.
func (p *parser) add(err error) {
	if e, ok := err.(*Error); ok && e != nil {
		p.Errs.Add(e)
	}
}

func (p *parser) at(n *yaml.Node, path, format string, a ...any) *Error {
	return errorf(p.File, n.Line, n.Column, path, format, a...)
}

// show formats a node for messages.
func show(n *yaml.Node) string {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!str" {
			return strconv.Quote(n.Value)
		}
		return n.Value
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}

// mapping checks that n is a mapping whose keys are all allowed and
// unique, and returns them; a problem stops the axis it is in.
func (p *parser) mapping(n *yaml.Node, path string, allowed []string) (map[string]*yaml.Node, error) {
	before := p.Count()
	f := p.Mapping(n, path, allowed...)
	return f.Map(), p.since(before)
}

// since returns the first problem recorded after the count before, taking
// it back (the caller returns it), or nil.
func (p *parser) since(before int) error {
	if p.Count() == before {
		return nil
	}
	e := p.Errs[before]
	p.Errs = p.Errs[:before]
	return e
}

func (p *parser) str(n *yaml.Node, path string) (string, error) {
	before := p.Count()
	var s string
	p.StrNode(n, path, &s)
	return s, p.since(before)
}

func (p *parser) keep(n *yaml.Node) (Keep, error) {
	const allowed = "summary, series"
	var k Keep
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
		if len(items) == 0 {
			return k, p.at(n, "keep", "must name at least one of %s", allowed)
		}
	}
	for _, it := range items {
		if it.Kind != yaml.ScalarNode {
			return k, p.at(it, "keep", "%s: must be summary, series or a list of them", yamlx.Describe(it))
		}
		switch it.Value {
		case "summary":
			k.Summary = true
		case "series":
			k.Series = true
		default:
			return k, p.at(it, "keep", "unknown output %q (allowed: %s)", it.Value, allowed)
		}
	}
	return k, nil
}

// base reads the base scenario: a file (scenario:) or inline (base:).
func (p *parser) base(sw *Sweep, keys map[string]*yaml.Node, root *yaml.Node) error {
	file, inline := keys["scenario"], keys["base"]
	switch {
	case file != nil && inline != nil:
		return p.at(inline, "base", "give either scenario: (a file) or base: (inline), not both")
	case file == nil && inline == nil:
		return p.at(root, "scenario", "missing: give the base scenario as scenario: FILE or inline as base:")
	case inline != nil:
		if inline.Kind != yaml.MappingNode {
			return p.at(inline, "base", "%s: must be a mapping (a scenario)", yamlx.Describe(inline))
		}
		sw.base = &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{clone(inline)}, Line: inline.Line, Column: inline.Column}
		sw.baseName, sw.baseDir, sw.baseLine = p.File, filepath.Dir(p.File), inline.Line
		return nil
	}
	rel, err := p.str(file, "scenario")
	if err != nil {
		return err
	}
	path := rel
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(p.File), rel)
	}
	src, err := bounded.ReadFile(path, scenario.MaxFileBytes)
	var tl *bounded.TooLargeError
	if errors.As(err, &tl) {
		return p.at(file, "scenario", "the base scenario %s is a %s: a scenario file is at most %s", rel, tooLarge(tl), bounded.Bytes(scenario.MaxFileBytes))
	}
	if err != nil {
		return p.at(file, "scenario", "cannot read the base scenario: %v", err)
	}
	src = bounded.TrimBOM(src)
	top, err := yamlx.Parse(src, path)
	if err != nil {
		return err
	}
	if top == nil || top.Kind != yaml.MappingNode {
		return errorf(path, 1, 0, "", "a scenario must be a mapping")
	}
	doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{top}, Line: 1, Column: 1}
	sw.Scenario, sw.base, sw.baseSrc = rel, doc, src
	sw.baseName, sw.baseDir, sw.baseLine = path, filepath.Dir(path), file.Line
	return nil
}

// axes reads axes: as a list of {path, name, values|range} or as a
// mapping from path to a list of values, a range or {name, values|range}.
func (p *parser) axes(n *yaml.Node) []Axis {
	var out []Axis
	switch n.Kind {
	case yaml.SequenceNode:
		for i, it := range n.Content {
			where := fmt.Sprintf("axes[%d]", i)
			keys, err := p.mapping(it, where, []string{"path", "name", "values", "range", "with"})
			if err != nil {
				p.add(err)
				continue
			}
			pn := keys["path"]
			if pn == nil {
				p.add(p.at(it, where, "missing path: (the scenario parameter to vary, e.g. population.groups.exploiter.share)"))
				continue
			}
			path, err := p.str(pn, where+".path")
			if err != nil {
				p.add(err)
				continue
			}
			a, err := p.axis(path, pn, keys)
			if err != nil {
				p.add(err)
				continue
			}
			out = append(out, a)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if v.Kind == yaml.AliasNode && v.Alias != nil {
				v = v.Alias
			}
			var keys map[string]*yaml.Node
			switch {
			case v.Kind == yaml.SequenceNode:
				keys = map[string]*yaml.Node{"values": v}
			case v.Kind == yaml.MappingNode && yamlx.HasKey(v, "from", "to", "step"):
				keys = map[string]*yaml.Node{"range": v}
			case v.Kind == yaml.MappingNode:
				var err error
				if keys, err = p.mapping(v, k.Value, []string{"name", "values", "range", "with"}); err != nil {
					p.add(err)
					continue
				}
			default:
				p.add(p.at(v, k.Value, "%s: must be a list of values, a range {from, to, step} or {name, values|range, with}", yamlx.Describe(v)))
				continue
			}
			a, err := p.axis(k.Value, k, keys)
			if err != nil {
				p.add(err)
				continue
			}
			out = append(out, a)
		}
	default:
		p.add(p.at(n, "axes", "%s: must be a list of axes ({path, values|range}) or a mapping from path to values", yamlx.Describe(n)))
		return nil
	}
	if len(out) == 0 && p.Count() == 0 {
		p.add(p.at(n, "axes", "no axis given (omit axes: to run replications of the base scenario alone)"))
	}
	return out
}

var pathSyntax = regexp.MustCompile(`^[^.\s]+(\.[^.\s]+)*$`)

func (p *parser) axis(path string, at *yaml.Node, keys map[string]*yaml.Node) (Axis, error) {
	a := Axis{Path: path, Name: path, Line: at.Line, Column: at.Column}
	if n := keys["name"]; n != nil {
		name, err := p.str(n, path+".name")
		if err != nil {
			return a, err
		}
		if strings.TrimSpace(name) == "" || strings.ContainsAny(name, ",\"\n\r") {
			return a, p.at(n, path+".name", "%q: must be a non-empty column name without commas, quotes or line breaks", name)
		}
		a.Name = name
	}
	if err := p.axisValues(&a, at, keys["values"], keys["range"]); err != nil {
		return a, err
	}
	if w := keys["with"]; w != nil {
		if w.Kind != yaml.MappingNode || len(w.Content) == 0 {
			return a, p.at(w, path+".with", "%s: must be a mapping from scenario paths to lists of values (as many as the axis has)", yamlx.Describe(w))
		}
		for i := 0; i+1 < len(w.Content); i += 2 {
			k, v := w.Content[i], w.Content[i+1]
			l := Axis{Path: k.Value, Name: k.Value, Line: k.Line, Column: k.Column}
			var vals, rng *yaml.Node
			if v.Kind == yaml.MappingNode {
				rng = v
			} else {
				vals = v
			}
			if err := p.axisValues(&l, k, vals, rng); err != nil {
				return a, err
			}
			if len(l.Values) != len(a.Values) {
				return a, p.at(k, path+".with."+k.Value, "%d values, but the axis %s has %d: value i of each goes with value i of the axis", len(l.Values), path, len(a.Values))
			}
			a.With = append(a.With, l)
		}
	}
	return a, nil
}

// axisValues reads the values (a list) or the range of an axis.
func (p *parser) axisValues(a *Axis, at, vals, rng *yaml.Node) error {
	path := a.Path
	if !pathSyntax.MatchString(path) {
		return p.at(at, path, "not a scenario path: keys and list items joined by dots, e.g. population.groups.exploiter.share")
	}
	switch {
	case vals != nil && rng != nil:
		return p.at(rng, path, "give either values: or range:, not both")
	case vals == nil && rng == nil:
		return p.at(at, path, "missing values: (a list) or range: {from, to, step}")
	case vals != nil:
		if vals.Kind != yaml.SequenceNode {
			return p.at(vals, path+".values", "%s: must be a list", yamlx.Describe(vals))
		}
		if len(vals.Content) == 0 {
			return p.at(vals, path+".values", "empty: an axis needs at least one value")
		}
		if len(vals.Content) > MaxAxisValues {
			return p.at(vals, path+".values", "%d values: at most %d", len(vals.Content), MaxAxisValues)
		}
		for _, v := range vals.Content {
			val, err := newValue(clone(v))
			if err != nil {
				return p.at(v, path, "value %s: %v", show(v), err)
			}
			val.Line, val.Column = v.Line, v.Column
			a.Values = append(a.Values, val)
		}
	default:
		vs, err := p.rangeValues(rng, path)
		if err != nil {
			return err
		}
		a.Values = vs
	}
	return nil
}

// rangeValues expands {from, to, step} into decimal-clean values: each is
// rounded to the decimals of from and step, so 0.1 steps give 0.3, not
// 0.30000000000000004.
func (p *parser) rangeValues(n *yaml.Node, path string) ([]Value, error) {
	where := path + ".range"
	keys, err := p.mapping(n, where, []string{"from", "to", "step"})
	if err != nil {
		return nil, err
	}
	var x [3]float64
	ints := true
	for i, k := range []string{"from", "to", "step"} {
		v := keys[k]
		if v == nil {
			return nil, p.at(n, where, "missing %s: (a range is {from, to, step}, e.g. {from: 0, to: 0.5, step: 0.1})", k)
		}
		f, ok := number(v)
		if !ok {
			return nil, p.at(v, where+"."+k, "%s: must be a number", yamlx.Describe(v))
		}
		x[i] = f
		ints = ints && v.Tag == "!!int"
	}
	from, to, step := x[0], x[1], x[2]
	if step == 0 || (to-from)*step < 0 {
		return nil, p.at(keys["step"], where+".step", "%s: must be nonzero and lead from %s to %s", formatFloat(step), formatFloat(from), formatFloat(to))
	}
	steps := math.Floor((to-from)/step + 1e-9)
	if steps+1 > MaxAxisValues {
		return nil, p.at(n, where, "%.0f values: at most %d", steps+1, MaxAxisValues)
	}
	dec := max(decimals(from), decimals(step))
	var out []Value
	for i := 0; i <= int(steps); i++ {
		v := from + float64(i)*step
		node := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(v, 'f', dec, 64), Line: n.Line, Column: n.Column}
		if ints {
			node.Tag, node.Value = "!!int", strconv.FormatInt(int64(math.Round(v)), 10)
		}
		val, err := newValue(node)
		if err != nil {
			return nil, p.at(n, where, "%v", err)
		}
		val.Line, val.Column = n.Line, n.Column
		out = append(out, val)
	}
	return out, nil
}

// number reads a YAML int or float scalar.
func number(n *yaml.Node) (float64, bool) {
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") {
		return 0, false
	}
	var f float64
	if err := n.Decode(&f); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// decimals is the number of decimals needed to write x exactly as typed
// (0.1 -> 1, 0.25 -> 2, 3 -> 0), at most 15.
func decimals(x float64) int {
	for d := 0; d < 15; d++ {
		if v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', d, 64), 64); v == x {
			return d
		}
	}
	return 15
}

func formatFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// newValue makes an axis value of a YAML node.
func newValue(n *yaml.Node) (Value, error) {
	j, err := canonical(n)
	if err != nil {
		return Value{}, err
	}
	v := Value{JSON: j, node: n}
	v.Label = labelOf(j)
	if n.Kind == yaml.ScalarNode && (n.Tag == "!!int" || n.Tag == "!!float") {
		if f, ok := number(n); ok {
			v.Number, v.IsNumber = f, true
		}
	}
	return v, nil
}

// labelOf is the table label of a canonical JSON value: strings unquoted,
// anything else as JSON.
func labelOf(j json.RawMessage) string {
	var s string
	if len(j) > 0 && j[0] == '"' && json.Unmarshal(j, &s) == nil {
		return s
	}
	return string(j)
}

// reserved are the fixed columns of the output tables.
var reserved = []string{"cell", "replication", "seed", "step", "group", "metric", "n", "mean", "sd", "ci_low", "ci_high"}

func (p *parser) checkAxes(sw *Sweep) error {
	paths := map[string]int{}
	names := map[string]int{}
	runs := sw.Replications
	var all []*Axis
	for k := range sw.Axes {
		a := &sw.Axes[k]
		for _, l := range a.paths() {
			if line, dup := paths[l.Path]; dup {
				return errorf(p.File, l.Line, l.Column, l.Path, "path repeated (first on line %d)", line)
			}
			paths[l.Path] = l.Line
			all = append(all, l)
		}
		// Values repeat only if the whole tuple does.
		seen := map[string]int{}
		for i, v := range a.Values {
			key := string(v.JSON)
			for _, l := range a.With {
				key += "\x00" + string(l.Values[i].JSON)
			}
			if line, dup := seen[key]; dup {
				return errorf(p.File, v.Line, v.Column, a.Path, "value %s repeats the value on line %d", v.Label, line)
			}
			seen[key] = v.Line
		}
		if line, dup := names[a.Name]; dup {
			return errorf(p.File, a.Line, a.Column, a.Path, "column name %q is used by the axis on line %d: give one a different name:", a.Name, line)
		}
		names[a.Name] = a.Line
		for _, r := range reserved {
			if a.Name == r {
				return errorf(p.File, a.Line, a.Column, a.Path, "column name %q is reserved (%s): give the axis another name:", a.Name, strings.Join(reserved, ", "))
			}
		}
		if runs > MaxRuns/len(a.Values) {
			return errorf(p.File, a.Line, a.Column, a.Path, "the sweep has more than %d runs (cells times replications)", MaxRuns)
		}
		runs *= len(a.Values)
	}
	// Nested paths would overwrite each other.
	for _, a := range all {
		for _, b := range all {
			if a.Path != b.Path && strings.HasPrefix(b.Path, a.Path+".") {
				return errorf(p.File, b.Line, b.Column, b.Path, "lies inside %s (line %d): one would overwrite the other", a.Path, a.Line)
			}
		}
	}
	// Paths must be addressable in the base: a missing mapping key may be
	// an optional scenario key (Check asks the Runner), but a list item
	// that is not there or a scalar addressed inside never works.
	for _, a := range all {
		if _, _, why := lookup(sw.base.Content[0], splitPath(a.Path)); why != "" {
			return errorf(p.File, a.Line, a.Column, a.Path, "not in the base scenario %s: %s", sw.baseName, why)
		}
	}
	return nil
}
