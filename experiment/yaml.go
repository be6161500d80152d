package experiment

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/trustlab/trustlab/internal/srcpos"
)

// Error is a problem with a design file: the file, the line and column of
// the key (0 when unknown), the key path and what is wrong with it. It is
// the positioned error of every input file (internal/srcpos), so the API
// sends its position as fields.
type Error = srcpos.Error

// pos is where a key (and its value) was written.
type pos struct{ line, col, vline, vcol int }

// positions maps dotted key paths ("game.endowment", "bots.0.delay") to
// where they were written.
type positions map[string]pos

// at is the line and column of a key path, or of its nearest written
// parent.
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

func (p positions) pathAtLine(line int) string {
	best := ""
	for k, q := range p {
		if (q.vline == line || q.line == line) && (len(k) > len(best) || (len(k) == len(best) && k < best)) {
			best = k
		}
	}
	return best
}

func collect(n *yaml.Node, prefix string, out positions) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			collect(c, prefix, out)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			path := k.Value
			if prefix != "" {
				path = prefix + "." + k.Value
			}
			out[path] = pos{k.Line, k.Column, v.Line, v.Column}
			collect(v, path, out)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			path := prefix + "." + strconv.Itoa(i)
			out[path] = pos{c.Line, c.Column, c.Line, c.Column}
			collect(c, path, out)
		}
	}
}

var (
	reLine     = regexp.MustCompile(`^(?:yaml: )?line (\d+): (?:column (\d+): )?(.*)$`)
	reNotFound = regexp.MustCompile(`^field (.*) not found in type (\S+)$`)
	reCannot   = regexp.MustCompile("^cannot unmarshal !!(\\w+) `(.*)` into (\\S+)$")
)

// decodeStrict decodes one YAML document into out, refusing unknown keys;
// errors name file, line, column and key. It never panics.
func decodeStrict(data []byte, name string, out any) (p positions, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, &Error{File: name, Msg: fmt.Sprintf("cannot read YAML: %v", r)}
		}
	}()
	p = positions{}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(err, name, p)
	}
	collect(&root, "", p)
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, &Error{File: name, Msg: "empty file: expected a YAML mapping of keys"}
	}
	if n := root.Content[0]; n.Kind != yaml.MappingNode {
		return nil, &Error{File: name, Line: n.Line, Column: n.Column, Msg: "expected a YAML mapping of keys (key: value lines)"}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(out); err != nil {
		return nil, yamlError(err, name, p)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		if err != nil {
			return nil, yamlError(err, name, p)
		}
		return nil, &Error{File: name, Line: extra.Line, Column: extra.Column, Msg: "a second YAML document (after ---) is not allowed"}
	}
	return p, nil
}

func yamlError(err error, name string, p positions) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		errs := make([]error, 0, len(te.Errors))
		for _, m := range te.Errors {
			errs = append(errs, yamlMessage(m, name, p))
		}
		return errors.Join(errs...)
	}
	return yamlMessage(err.Error(), name, p)
}

func yamlMessage(m, name string, p positions) *Error {
	e := &Error{File: name, Msg: strings.TrimPrefix(m, "yaml: ")}
	if s := reLine.FindStringSubmatch(m); s != nil {
		e.Line, _ = strconv.Atoi(s[1])
		e.Msg = s[3]
		if f := p.pathAtLine(e.Line); f != "" {
			e.Field = f
			e.Line, e.Column = p.at(f)
		}
	}
	if s := reNotFound.FindStringSubmatch(e.Msg); s != nil {
		e.Msg = "unknown key"
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
		case strings.Contains(want, "float"):
			want = "a number"
		case strings.Contains(want, "int"):
			want = "a whole number"
		case strings.HasPrefix(want, "[]"):
			want = "a list"
		case strings.Contains(want, "string"), strings.Contains(want, "Duration"):
			want = "a single value"
		case strings.Contains(want, "bool"):
			want = "true or false"
		default:
			want = "a mapping of keys"
		}
		e.Msg = fmt.Sprintf("value %q is not %s", s[2], want)
	}
	return e
}
