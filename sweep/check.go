package sweep

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/trustlab/trustlab/internal/srcpos"
)

// docName is the name under which generated scenario documents are handed
// to Runner.Check, so that positions in its errors can be found and mapped
// back to the base scenario or the sweep file.
const docName = "trustlab-sweep-cell.yaml"

// doc is a generated scenario: the base with values substituted, and
// where each substituted subtree came from.
type doc struct {
	root   *yaml.Node            // a document node
	origin map[*yaml.Node]origin // substituted values and created keys
}

// origin marks a node that a sweep put into a scenario.
type origin struct {
	axis    int  // index of the axis
	link    int  // 0: the axis's path; j > 0: its With[j-1]
	value   int  // index of the value
	created bool // a key (or mapping) the base lacked
}

// target returns the axis (or With parameter) an origin points at.
func (sw *Sweep) target(o *origin) *Axis { return sw.Axes[o.axis].paths()[o.link] }

// build substitutes the given values (one index per axis, -1 to skip an
// axis) into a copy of the base.
func (sw *Sweep) build(vals []int) (*doc, error) {
	d := &doc{root: clone(sw.base), origin: map[*yaml.Node]origin{}}
	for k, i := range vals {
		if i < 0 {
			continue
		}
		for j, a := range sw.Axes[k].paths() {
			n := clone(a.Values[i].node)
			d.origin[n] = origin{axis: k, link: j, value: i}
			created, err := set(d.root.Content[0], splitPath(a.Path), n)
			if err != nil {
				return nil, errorf(sw.File, a.Line, a.Column, a.Path, "%v", err)
			}
			for _, c := range created {
				if c != n {
					c.Line, c.Column = a.Line, a.Column
					d.origin[c] = origin{axis: k, link: j, value: i, created: true}
				}
			}
		}
	}
	return d, nil
}

func (d *doc) bytes() []byte {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(d.root); err != nil {
		panic(fmt.Sprintf("sweep: encoding a scenario tree: %v", err)) // the tree came from a parse
	}
	enc.Close()
	return b.Bytes()
}

// place is where a position of a generated document came from.
type place struct {
	file      string
	line, col int
	from      *origin // nil: the base scenario
}

// where maps a line and column of the generated document b back to where
// that value was written: the base scenario, or the sweep file for an
// inline base and for substituted values.
func (d *doc) where(sw *Sweep, b []byte, line, col int) (place, bool) {
	var gen yaml.Node
	if yaml.Unmarshal(b, &gen) != nil {
		return place{}, false
	}
	var best place
	found := false
	var walk func(g, o *yaml.Node, from *origin)
	walk = func(g, o *yaml.Node, from *origin) {
		if f, ok := d.origin[o]; ok {
			from = &f
		}
		// With a column, the deepest node starting there; without, the
		// first node on the line.
		if g.Kind != yaml.DocumentNode && g.Line == line && (col == 0 && !found || col != 0 && g.Column == col) {
			file := sw.baseName
			if from != nil {
				file = sw.File
			}
			best, found = place{file: file, line: o.Line, col: o.Column, from: from}, true
		}
		for i := range g.Content {
			if i < len(o.Content) {
				walk(g.Content[i], o.Content[i], from)
			}
		}
	}
	walk(&gen, d.root, nil)
	return best, found
}

// check hands the document to the Runner. An error is rewritten to point
// where the fault was written: a value of an axis, an axis path that the
// scenario format does not accept, or the base scenario (for a cell that
// is invalid as a whole, such as shares not summing to 1).
func (d *doc) check(sw *Sweep, r Runner, cell string, rows *int) error {
	b := d.bytes()
	sc := Scenario{Name: docName, Dir: sw.baseDir, YAML: b}
	var err error
	if rc, ok := r.(RowCounter); ok && rows != nil {
		*rows, err = rc.CheckRows(sc)
	} else {
		err = r.Check(sc)
	}
	if err == nil {
		return nil
	}
	// Of several problems (joined errors), report the first: positions of
	// the others would point into the generated document.
	first, n := firstOf(err)
	msg := first.Error()
	if n > 1 {
		msg += fmt.Sprintf(" (and %d more problems)", n-1)
	}
	var at *place
	if pe, ok := srcpos.As(first); ok && pe.Pos().File == docName {
		pos := pe.Pos()
		if p, ok := d.where(sw, b, pos.Line, pos.Column); ok {
			at = &p
		}
		msg = srcpos.Text(pe)
		if n > 1 {
			msg += fmt.Sprintf(" (and %d more problems)", n-1)
		}
	}
	switch {
	case at != nil && at.from != nil && at.from.created:
		a := sw.target(at.from)
		segs := splitPath(a.Path)
		_, found, _ := lookup(sw.base.Content[0], segs)
		missing := pathOf(segs[:found+1])
		msg = strings.TrimPrefix(msg, missing+": ")
		what := "not in the base scenario"
		if found+1 < len(segs) {
			what = missing + " is not in the base scenario"
		}
		return errorf(sw.File, a.Line, a.Column, a.Path, "%s %s, and the scenario format does not accept it: %s", what, sw.baseName, msg)
	case at != nil && at.from != nil:
		a := sw.target(at.from)
		return errorf(sw.File, at.line, at.col, a.Path, "value %s: %s", quoteLabel(a.Values[at.from.value]), msg)
	case cell == "" && at != nil:
		return errorf(at.file, at.line, at.col, "", "%s", msg)
	case cell == "":
		return errorf(sw.File, sw.baseLine, 0, "base", "%s", msg)
	case at != nil:
		return errorf(sw.File, sw.Axes[0].Line, sw.Axes[0].Column, "cell "+cell, "%s (at %s:%d:%d)", msg, at.file, at.line, at.col)
	}
	return errorf(sw.File, sw.Axes[0].Line, sw.Axes[0].Column, "cell "+cell, "%s", msg)
}

// firstOf returns the first of the problems joined in err and how many
// there are.
func firstOf(err error) (error, int) {
	errs := []error{err}
	for {
		j, ok := errs[0].(interface{ Unwrap() []error })
		if !ok {
			return errs[0], len(errs)
		}
		inner := j.Unwrap()
		if len(inner) == 0 {
			return errs[0], len(errs)
		}
		errs = append(inner, errs[1:]...)
	}
}

// Check checks the sweep against the Runner before anything runs: the
// base scenario, then every cell. Errors point at the sweep file's line of
// the faulty value, or of the axis whose path the scenario format does
// not accept, or name the cell that is invalid as a whole.
func (sw *Sweep) Check(r Runner) error {
	_, err := sw.check(context.Background(), r, nil)
	return err
}

// check is Check with cancellation and progress (progress(done, total)
// after every cell, if set). When r is a RowCounter it also returns each
// cell's number of series rows per run, else nil.
func (sw *Sweep) check(ctx context.Context, r Runner, progress func(done, total int)) ([]int, error) {
	rc, _ := r.(RowCounter)
	if sw.baseSrc != nil {
		if err := r.Check(Scenario{Name: sw.baseName, Dir: sw.baseDir, YAML: sw.baseSrc}); err != nil {
			return nil, err
		}
	} else {
		d, _ := sw.build(nil)
		if err := d.check(sw, r, "", nil); err != nil {
			return nil, err
		}
	}
	spec, err := sw.Spec()
	if err != nil {
		return nil, err
	}
	n := spec.NumCells()
	var rows []int
	if rc != nil {
		rows = make([]int, n)
	}
	for i := 0; i < n; i++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("interrupted while checking cell %d of %d (nothing was run): %w", i+1, n, err)
		}
		c := spec.Cell(i)
		d, err := sw.build(c.Values)
		if err != nil {
			return nil, err
		}
		var dst *int
		if rows != nil {
			dst = &rows[i]
		}
		if err := d.check(sw, r, sw.describe(c), dst); err != nil {
			return nil, err
		}
		if progress != nil {
			progress(i+1, n)
		}
	}
	return rows, nil
}

func quoteLabel(v Value) string {
	if len(v.JSON) > 0 && v.JSON[0] == '"' {
		return string(v.JSON)
	}
	return v.Label
}

// describe formats a cell's values for messages: name=value, ...
func (sw *Sweep) describe(c Cell) string {
	parts := make([]string, len(sw.Axes))
	for k, i := range c.Values {
		parts[k] = sw.Axes[k].Name + "=" + sw.Axes[k].Values[i].Label
	}
	return strings.Join(parts, ", ")
}

// CellScenario returns the scenario document of cell c.
func (sw *Sweep) CellScenario(c Cell) (Scenario, error) {
	d, err := sw.build(c.Values)
	if err != nil {
		return Scenario{}, err
	}
	return Scenario{Name: fmt.Sprintf("%s (cell %d: %s)", sw.baseName, c.Index, sw.describe(c)), Dir: sw.baseDir, YAML: d.bytes()}, nil
}
