package sweep

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// clone deep-copies a YAML tree. Aliases are expanded (and anchors
// dropped), so that setting a value under one alias does not change the
// others.
func clone(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return clone(n.Alias)
	}
	c := *n
	c.Anchor = ""
	c.Alias = nil
	if n.Content != nil {
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, k := range n.Content {
			c.Content[i] = clone(k)
		}
	}
	return &c
}

// splitPath splits a dotted scenario path into its segments.
func splitPath(p string) []string { return strings.Split(p, ".") }

// child finds segment seg under n: a key of a mapping, or an item of a
// sequence by its name: field or, failing that, by its 0-based index. It
// returns the index of the value in n.Content, or -1 and a reason.
func child(n *yaml.Node, seg string) (int, string) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == seg {
				return i + 1, ""
			}
		}
		return -1, ""
	case yaml.SequenceNode:
		var names []string
		for i, it := range n.Content {
			if it.Kind != yaml.MappingNode {
				continue
			}
			for j := 0; j+1 < len(it.Content); j += 2 {
				if it.Content[j].Value == "name" && it.Content[j+1].Kind == yaml.ScalarNode {
					if it.Content[j+1].Value == seg {
						return i, ""
					}
					names = append(names, it.Content[j+1].Value)
				}
			}
		}
		if k, err := strconv.Atoi(seg); err == nil && k >= 0 && k < len(n.Content) && strconv.Itoa(k) == seg {
			return k, ""
		}
		if len(names) > 0 {
			return -1, fmt.Sprintf("no item named %q (items: %s; or an index 0-%d)", seg, strings.Join(names, ", "), len(n.Content)-1)
		}
		if len(n.Content) == 0 {
			return -1, fmt.Sprintf("no item %q: the list is empty", seg)
		}
		return -1, fmt.Sprintf("no item %q (a list item is addressed by its name: or an index 0-%d)", seg, len(n.Content)-1)
	case yaml.ScalarNode:
		return -1, fmt.Sprintf("cannot address %q inside the value %q", seg, n.Value)
	}
	return -1, fmt.Sprintf("cannot address %q here", seg)
}

// lookup finds path in root (a mapping). It returns the node, or nil and
// the number of segments that exist (missing > 0 means a mapping lacks
// segment missing-1... the key segs[found]); reason is set when the path
// can never exist (a list item that is not there, a scalar addressed
// inside).
func lookup(root *yaml.Node, segs []string) (node *yaml.Node, found int, reason string) {
	n := root
	for i, s := range segs {
		k, why := child(n, s)
		if k < 0 {
			if why != "" {
				return nil, i, fmt.Sprintf("%s: %s", pathOf(segs[:i]), why)
			}
			return nil, i, ""
		}
		n = n.Content[k]
	}
	return n, len(segs), ""
}

func pathOf(segs []string) string {
	if len(segs) == 0 {
		return "the top level"
	}
	return strings.Join(segs, ".")
}

// set replaces the value at path in root with v, creating missing mapping
// keys (and, for missing intermediate keys, empty mappings). It returns
// the nodes it created so that errors can be traced back.
func set(root *yaml.Node, segs []string, v *yaml.Node) (created []*yaml.Node, err error) {
	n := root
	for i, s := range segs {
		last := i == len(segs)-1
		k, why := child(n, s)
		if k >= 0 {
			if last {
				n.Content[k] = v
				return created, nil
			}
			n = n.Content[k]
			continue
		}
		if why != "" || n.Kind != yaml.MappingNode {
			if why == "" {
				why = fmt.Sprintf("cannot add %q here", s)
			}
			return created, fmt.Errorf("%s: %s", pathOf(segs[:i]), why)
		}
		key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
		val := v
		if !last {
			val = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		}
		created = append(created, key, val)
		n.Content = append(n.Content, key, val)
		if last {
			return created, nil
		}
		n = val
	}
	return created, nil
}

// canonical returns the canonical JSON of a YAML value: mapping keys
// sorted, numbers in their shortest form (1.0 and 1 are both 1, 0.10 is
// 0.1), no spaces. It is the identity of an axis value for seeds and cell
// ids, so it must never change.
func canonical(n *yaml.Node) (json.RawMessage, error) {
	var v any
	if err := n.Decode(&v); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := writeCanonical(&b, v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func writeCanonical(b *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int:
		b.WriteString(strconv.Itoa(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case uint64:
		b.WriteString(strconv.FormatUint(x, 10))
	case float64:
		b.WriteString(formatNumber(x))
	case string:
		s, _ := json.Marshal(x)
		b.Write(s)
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeCanonical(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			s, _ := json.Marshal(k)
			b.Write(s)
			b.WriteByte(':')
			if err := writeCanonical(b, x[k]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = e
		}
		return writeCanonical(b, m)
	default:
		return fmt.Errorf("unsupported value of type %T", v)
	}
	return nil
}

// formatNumber formats a float in its shortest round-trip form; NaN and
// infinities, which JSON lacks, become the strings "NaN", "+Inf", "-Inf".
func formatNumber(x float64) string {
	switch {
	case math.IsNaN(x):
		return `"NaN"`
	case math.IsInf(x, 1):
		return `"+Inf"`
	case math.IsInf(x, -1):
		return `"-Inf"`
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}
