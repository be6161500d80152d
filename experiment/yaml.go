package experiment

import (
	"fmt"
	"math"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/trustlab/trustlab/internal/srcpos"
	"github.com/trustlab/trustlab/internal/yamlx"
	"github.com/trustlab/trustlab/model"
)

// Error is a problem with a design file: the file, the line and column of
// the key (0 when unknown), the key path and what is wrong with it. It is
// the positioned error of every input file (internal/srcpos), so the API
// sends its position as fields.
type Error = srcpos.Error

// decoder reads the keys of a design file with the strict walker
// (internal/yamlx): known keys, typed values; the ranges and the rules
// between keys are Design.validate's. A null value is an absent key, so
// that its default applies.
type decoder struct{ yamlx.Walker }

// field is a key of a mapping and where its value goes: a *string,
// *int, *float64, **float64, *bool, *Duration, *[]int or *[]float64; nil
// for a key read apart (a mapping or a list of them).
type field struct {
	key string
	dst any
}

// design reads the root mapping of a design file.
func (d *decoder) design(root *yaml.Node) Design {
	var out Design
	f := d.mapping(root, "", field{"name", &out.Name}, field{"description", &out.Description},
		field{"game", nil}, field{"roles", nil}, field{"participants", &out.Humans}, field{"bots", nil},
		field{"timing", nil}, field{"replacement", nil}, field{"questionnaire", nil}, field{"arms", nil})
	g, r, t, q := &out.Game, &out.Roles, &out.Timing, &out.Survey
	d.mappingAt(f, "game", field{"kind", &g.Kind}, field{"endowment", &g.Endowment}, field{"multiplier", &g.Multiplier},
		field{"return_on_honour", &g.ReturnOnHonour}, field{"rounds", &g.Rounds}, field{"show_up", &g.ShowUp})
	d.mappingAt(f, "roles", field{"matching", &r.Matching}, field{"switch_at", &r.SwitchAt})
	path, items := d.list(f, "bots", MaxSeats, "bots: at most %[2]d players in all")
	for i, n := range items {
		out.Bots = append(out.Bots, d.bot(n, fmt.Sprintf("%s.%d", path, i)))
	}
	d.mappingAt(f, "timing", field{"round_timeout", &t.RoundTimeout}, field{"default_send", &t.DefaultSend},
		field{"default_return", &t.DefaultReturn}, field{"dropout_after", &t.DropoutAfter},
		field{"replace_after_timeouts", &t.ReplaceAfterTimeouts})
	if n := get(f, "replacement"); n != nil {
		b := d.bot(n, f.Sub("replacement"))
		out.Replacement = &b
	}
	qf := d.mappingAt(f, "questionnaire", field{"scale", &q.Scale}, field{"min", &q.Min}, field{"max", &q.Max}, field{"items", nil})
	path, items = d.list(qf, "items", MaxItems, "items: at most %[2]d")
	for i, n := range items {
		var it Item
		d.mapping(n, fmt.Sprintf("%s.%d", path, i), field{"id", &it.ID}, field{"text", &it.Text}, field{"reverse", &it.Reverse})
		q.Items = append(q.Items, it)
	}
	path, items = d.list(f, "arms", MaxArms, "arms: at most %[2]d")
	for i, n := range items {
		var a Arm
		d.mapping(n, fmt.Sprintf("%s.%d", path, i), field{"name", &a.Name}, field{"feedback", &a.Feedback}, field{"stakes", &a.Stakes})
		out.Arms = append(out.Arms, a)
	}
	return out
}

// bot reads a bot (a list item or the replacement) at path.
func (d *decoder) bot(n *yaml.Node, path string) Bot {
	var b Bot
	t, p := &b.Trustee, &b.Trustor.Params
	f := d.mapping(n, path, field{"name", &b.Name}, field{"count", &b.Count}, field{"trustee", nil},
		field{"trustor", nil}, field{"delay", &b.Delay})
	d.mappingAt(f, "trustee", field{"kind", &t.Kind}, field{"w", &t.W}, field{"slope", &t.Slope},
		field{"honours", &t.Honours}, field{"returns", &t.Returns}, field{"honour", &t.Honour})
	tf := d.mappingAt(f, "trustor", field{"tau", &b.Trustor.Tau}, field{"params", nil})
	var params []field
	for _, pi := range model.ParamTable() {
		params = append(params, field{pi.Name, pi.In(p)})
	}
	d.mappingAt(tf, "params", append(params, field{"deterministic", &p.Deterministic})...)
	return b
}

// mapping reads the mapping n at path, whose keys are those of fs, each
// value with a destination into it.
func (d *decoder) mapping(n *yaml.Node, path string, fs ...field) yamlx.Fields {
	keys := make([]string, len(fs))
	for i, fd := range fs {
		keys[i] = fd.key
	}
	f := d.Mapping(n, path, keys...)
	for _, fd := range fs {
		if fd.dst != nil {
			d.value(f, fd.key, fd.dst)
		}
	}
	return f
}

// mappingAt is mapping for the value at key (not OK when absent or null).
func (d *decoder) mappingAt(f yamlx.Fields, key string, fs ...field) yamlx.Fields {
	n := get(f, key)
	if n == nil {
		return yamlx.Fields{}
	}
	return d.mapping(n, f.Sub(key), fs...)
}

// value reads the value at key, if given, into dst.
func (d *decoder) value(f yamlx.Fields, key string, dst any) {
	n, path := get(f, key), f.Sub(key)
	if n == nil {
		return
	}
	switch dst := dst.(type) {
	case *string:
		d.StrNode(n, path, dst)
	case *int:
		d.wholeNode(n, path, dst)
	case *float64:
		d.numberNode(n, path, dst)
	case **float64:
		var v float64
		if d.numberNode(n, path, &v) {
			*dst = &v
		}
	case *bool:
		d.Bool(f, key, dst)
	case *Duration:
		v, err := time.ParseDuration(n.Value)
		if n.Kind != yaml.ScalarNode || err != nil {
			d.Failf(n, path, "%s: must be a duration such as 500ms, 30s or 2m", yamlx.Describe(n))
			return
		}
		*dst = Duration(v)
	case *[]int:
		_, items := d.list(f, key, MaxRounds, "values: at most %[2]d")
		for i, c := range items {
			var v int
			d.wholeNode(c, fmt.Sprintf("%s.%d", path, i), &v)
			*dst = append(*dst, v)
		}
	case *[]float64:
		_, items := d.list(f, key, MaxRounds, "values: at most %[2]d")
		for i, c := range items {
			var v float64
			d.numberNode(c, fmt.Sprintf("%s.%d", path, i), &v)
			*dst = append(*dst, v)
		}
	default:
		panic(fmt.Sprintf("experiment: no reader for %T", dst))
	}
}

// get returns the value at key, nil when it is absent or null.
func get(f yamlx.Fields, key string) *yaml.Node {
	n := f.Get(key)
	if n == nil || yamlx.IsNull(n) {
		return nil
	}
	return n
}

// list returns the key path of the list at key and its items, aliases
// followed (a null item is refused as any other wrong value). A list longer than most is refused with
// tooMany (its arguments: the length and most) and none of its items is
// read.
func (d *decoder) list(f yamlx.Fields, key string, most int, tooMany string) (string, []*yaml.Node) {
	path, n := f.Sub(key), get(f, key)
	if n == nil {
		return path, nil
	}
	if n.Kind != yaml.SequenceNode {
		d.Failf(n, path, "%s: must be a list", yamlx.Describe(n))
		return path, nil
	}
	if len(n.Content) > most {
		d.Failf(n, path, "%d "+tooMany, len(n.Content), most)
		return path, nil
	}
	items := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		items[i] = yamlx.Deref(c)
	}
	return path, items
}

func (d *decoder) numberNode(n *yaml.Node, path string, dst *float64) bool {
	v, ok := d.Number(n, path, "a number")
	if ok {
		*dst = v
	}
	return ok
}

// maxWhole bounds the whole numbers read (the ranges are validate's).
const maxWhole = 1e15

func (d *decoder) wholeNode(n *yaml.Node, path string, dst *int) {
	v, ok := d.Number(n, path, "a whole number")
	switch {
	case !ok:
	case v != math.Trunc(v):
		d.Failf(n, path, "%s: must be a whole number", n.Value)
	case math.Abs(v) > maxWhole:
		d.Failf(n, path, "%s: must be a whole number of at most 15 digits", n.Value)
	default:
		*dst = int(v)
	}
}
