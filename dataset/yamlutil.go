package dataset

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// pos is the place of a key in a YAML file.
type pos struct{ line, col, valueLine, valueCol int }

// positions maps dotted key paths ("columns.sent", "missed.0.column") to
// where the key was written, so that checks made after decoding can name a
// line and column.
type positions map[string]pos

// at returns line and column of a key path, or of its nearest written
// parent when the key itself is absent, or zeros when none is known.
func (p positions) at(path string) (int, int) {
	for path != "" {
		if q, ok := p[path]; ok {
			return q.line, q.col
		}
		i := strings.LastIndexByte(path, '.')
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return 0, 0
}

// pathAtValue returns the key path whose value starts at line:col.
func (p positions) pathAtValue(line, col int) string {
	for k, q := range p {
		if q.valueLine == line && q.valueCol == col {
			return k
		}
	}
	return ""
}

// pathAtLine returns the deepest key path whose value starts on line.
func (p positions) pathAtLine(line int) string {
	best := ""
	for k, q := range p {
		if q.valueLine == line || q.line == line {
			if len(k) > len(best) || (len(k) == len(best) && k < best) {
				best = k
			}
		}
	}
	return best
}

func collectPositions(n *yaml.Node, prefix string, out positions) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			collectPositions(c, prefix, out)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			path := k.Value
			if prefix != "" {
				path = prefix + "." + k.Value
			}
			out[path] = pos{line: k.Line, col: k.Column, valueLine: v.Line, valueCol: v.Column}
			collectPositions(v, path, out)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			path := prefix + "." + strconv.Itoa(i)
			out[path] = pos{line: c.Line, col: c.Column, valueLine: c.Line, valueCol: c.Column}
			collectPositions(c, path, out)
		}
	}
}

var (
	reLine     = regexp.MustCompile(`^(?:yaml: )?line (\d+): (?:column (\d+): )?(.*)$`)
	reNotFound = regexp.MustCompile(`^field (.*) not found in type (\S+)$`)
	reCannot   = regexp.MustCompile("^cannot unmarshal !!(\\w+) `(.*)` into (\\S+)$")
)

// decodeStrict decodes one YAML document from data into out, refusing
// unknown keys, and rewrites the YAML library's messages into *Error values
// naming file, line and key. It never panics.
func decodeStrict(data []byte, name string, out any) (p positions, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, &Error{File: name, Msg: fmt.Sprintf("cannot read YAML: %v", r)}
		}
	}()
	p = positions{}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(err, name, p, out)
	}
	collectPositions(&root, "", p)
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, &Error{File: name, Msg: "empty file: expected a YAML mapping of keys"}
	}
	if root.Content[0].Kind != yaml.MappingNode {
		n := root.Content[0]
		return nil, &Error{File: name, Line: n.Line, Column: n.Column, Msg: "expected a YAML mapping of keys (key: value lines)"}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(out); err != nil {
		return nil, yamlError(err, name, p, out)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		if err != nil {
			return nil, yamlError(err, name, p, out)
		}
		return nil, &Error{File: name, Line: extra.Line, Column: extra.Column, Msg: "a second YAML document (after ---) is not allowed"}
	}
	return p, nil
}

// yamlError converts the YAML library's errors into *Error values.
func yamlError(err error, name string, p positions, out any) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		errs := make([]error, 0, len(te.Errors))
		for _, m := range te.Errors {
			errs = append(errs, yamlMessage(m, name, p, out))
		}
		if len(errs) == 1 {
			return errs[0]
		}
		return errors.Join(errs...)
	}
	return yamlMessage(err.Error(), name, p, out)
}

func yamlMessage(m, name string, p positions, out any) *Error {
	e := &Error{File: name, Msg: strings.TrimPrefix(m, "yaml: ")}
	if s := reLine.FindStringSubmatch(m); s != nil {
		e.Line, _ = strconv.Atoi(s[1])
		e.Msg = s[3]
		f := ""
		if s[2] != "" {
			col, _ := strconv.Atoi(s[2])
			f = p.pathAtValue(e.Line, col)
		}
		if f == "" {
			f = p.pathAtLine(e.Line)
		}
		if f != "" {
			e.Field = f
			e.Line, e.Column = p.at(f)
		}
	}
	if s := reNotFound.FindStringSubmatch(e.Msg); s != nil {
		e.Msg = "unknown key"
		if keys := keysOfType(reflect.TypeOf(out), s[2]); len(keys) > 0 {
			e.Msg += "; known keys here: " + strings.Join(keys, ", ")
		}
		e.Field, e.Column = s[1], 0
		for k, q := range p {
			if q.line == e.Line && (k == s[1] || strings.HasSuffix(k, "."+s[1])) {
				e.Field, e.Column = k, q.col
			}
		}
	}
	if s := reCannot.FindStringSubmatch(e.Msg); s != nil {
		want := s[3]
		switch {
		case strings.HasPrefix(want, "float"), strings.HasPrefix(want, "*float"):
			want = "a number"
		case strings.HasPrefix(want, "[]"):
			want = "a list"
		case want == "string" || want == "*string":
			want = "a single value"
		default:
			want = "a " + strings.TrimPrefix(want, "dataset.")
		}
		e.Msg = fmt.Sprintf("value %q is not %s", s[2], want)
	}
	return e
}

// keysOfType finds the struct type named typeName reachable from t and
// returns its YAML keys, sorted.
func keysOfType(t reflect.Type, typeName string) []string {
	seen := map[reflect.Type]bool{}
	var find func(reflect.Type) []string
	find = func(t reflect.Type) []string {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return nil
		}
		seen[t] = true
		if t.String() == typeName {
			var keys []string
			for i := range t.NumField() {
				f := t.Field(i)
				tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
				if f.IsExported() && tag != "-" && tag != "" {
					keys = append(keys, tag)
				}
			}
			sort.Strings(keys)
			return keys
		}
		for i := range t.NumField() {
			if k := find(t.Field(i).Type); k != nil {
				return k
			}
		}
		return nil
	}
	return find(t)
}
