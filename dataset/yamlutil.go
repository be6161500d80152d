package dataset

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"

	"github.com/trustlab/trustlab/internal/bounded"
	"github.com/trustlab/trustlab/internal/srcpos"
	"github.com/trustlab/trustlab/internal/yamlx"
)

// yamlFile reads the one YAML document of a spec or key file (what: "a
// data spec file"), at most MaxSpecSize bytes, for the strict walker
// (package yamlx): its root mapping, the walker that collects the
// problems, and where every key was written.
func yamlFile(r io.Reader, name, what string) (*yaml.Node, *yamlx.Walker, yamlx.Positions, error) {
	data, err := bounded.ReadAll(r, name, MaxSpecSize)
	var big *bounded.TooLargeError
	if errors.As(err, &big) {
		return nil, nil, nil, &Error{File: name, Msg: fmt.Sprintf("larger than the %s allowed for %s", bounded.Bytes(MaxSpecSize), what)}
	}
	if err != nil {
		return nil, nil, nil, &Error{File: name, Msg: err.Error()}
	}
	root, err := yamlx.ParseMapping(data, name)
	if err != nil {
		return nil, nil, nil, fromWalker(err)
	}
	return root, &yamlx.Walker{File: name}, yamlx.Index(root), nil
}

// origin is where a spec or key file was read from: the file name for
// messages and where its keys were written (both zero when built in Go).
type origin struct {
	source string
	pos    yamlx.Positions
}

func (o *origin) setOrigin(name string, p yamlx.Positions) { o.source, o.pos = name, p }

// parseYAML reads a spec or key file from r: decode reads its keys with
// the walker, then the value is given its name and positions and
// validated.
func parseYAML[T any, P interface {
	*T
	setOrigin(string, yamlx.Positions)
	Validate() error
}](r io.Reader, name, what string, decode func(*yaml.Node, *yamlx.Walker) (T, error)) (T, error) {
	var zero T
	root, w, p, err := yamlFile(r, name, what)
	if err != nil {
		return zero, err
	}
	v, err := decode(root, w)
	if err != nil {
		return zero, err
	}
	P(&v).setOrigin(name, p)
	if err := P(&v).Validate(); err != nil {
		return zero, err
	}
	return v, nil
}

// loadFile reads the file at path with parse, named by its base name.
func loadFile[T any](path string, parse func(io.Reader, string) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, err
	}
	defer f.Close()
	return parse(f, filepath.Base(path))
}

// keyErrorf is an error about key of a spec or key file read from source,
// at the key's position; one built in Go is named "kind name" ("spec
// demo").
func keyErrorf(source, kind, name string, pos yamlx.Positions, key, format string, args ...any) *Error {
	file := source
	if file == "" {
		file = kind
		if name != "" {
			file += " " + name
		}
	}
	line, col := pos.At(key)
	return &Error{File: file, Line: line, Column: col, Field: key, Msg: fmt.Sprintf(format, args...)}
}

// fromWalker turns the walker's problems into *Error values (one, or
// several joined).
func fromWalker(err error) error {
	conv := func(e *srcpos.Error) *Error {
		return &Error{File: e.File, Line: e.Line, Column: e.Column, Field: e.Field, Msg: e.Msg}
	}
	switch e := err.(type) {
	case nil:
		return nil
	case *srcpos.Error:
		return conv(e)
	case srcpos.List:
		if len(e) == 1 {
			return conv(e[0])
		}
		out := make([]error, len(e))
		for i, x := range e {
			out[i] = conv(x)
		}
		return errors.Join(out...)
	}
	return err
}

// str reads a scalar at key as text (numbers as written); null is "".
func str(w *yamlx.Walker, f yamlx.Fields, key string, dst *string) {
	if n := f.Get(key); n != nil && !yamlx.IsNull(n) {
		w.StrNode(n, f.Sub(key), dst)
	}
}

// strList reads a list of scalars at key; null is an empty list.
func strList(w *yamlx.Walker, f yamlx.Fields, key string, dst *[]string) {
	n := f.Get(key)
	if n == nil || yamlx.IsNull(n) {
		return
	}
	if n.Kind != yaml.SequenceNode {
		w.Failf(n, f.Sub(key), "%s: must be a list of values", yamlx.Describe(n))
		return
	}
	out := make([]string, 0, len(n.Content))
	for i, e := range n.Content {
		e = yamlx.Deref(e)
		var v string
		if yamlx.IsNull(e) {
			out = append(out, "")
			continue
		}
		if !w.StrNode(e, fmt.Sprintf("%s.%d", f.Sub(key), i), &v) {
			return
		}
		out = append(out, v)
	}
	*dst = out
}

// columnList reads one column name or a list of them at key.
func columnList(w *yamlx.Walker, f yamlx.Fields, key string, dst *ColumnList) {
	n := f.Get(key)
	if n == nil || yamlx.IsNull(n) {
		return
	}
	switch n.Kind {
	case yaml.ScalarNode:
		*dst = ColumnList{n.Value}
	case yaml.SequenceNode:
		out := make(ColumnList, 0, len(n.Content))
		for _, e := range n.Content {
			e = yamlx.Deref(e)
			if e.Kind != yaml.ScalarNode {
				w.Failf(e, f.Sub(key), "expected a column name")
				return
			}
			out = append(out, e.Value)
		}
		*dst = out
	default:
		w.Failf(n, f.Sub(key), "expected a column name or a list of column names")
	}
}

// number reads a number at key into a new *float64; null leaves it nil.
func number(w *yamlx.Walker, f yamlx.Fields, key string, dst **float64) {
	n := f.Get(key)
	if n == nil || yamlx.IsNull(n) {
		return
	}
	if v, ok := w.Number(n, f.Sub(key), "a number"); ok {
		*dst = &v
	}
}
