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

var (
	designKeys    = []string{"name", "description", "game", "roles", "participants", "bots", "timing", "replacement", "questionnaire", "arms"}
	gameKeys      = []string{"kind", "endowment", "multiplier", "return_on_honour", "rounds", "show_up"}
	botKeys       = []string{"name", "count", "trustee", "trustor", "delay"}
	behaviourKeys = []string{"kind", "w", "slope", "honours", "returns", "honour"}
	timingKeys    = []string{"round_timeout", "default_send", "default_return", "dropout_after", "replace_after_timeouts"}
	paramKeys     = func() []string {
		var out []string
		for _, pi := range model.ParamTable() {
			out = append(out, pi.Name)
		}
		return append(out, "deterministic")
	}()
)

// design reads the root mapping of a design file.
func (d *decoder) design(root *yaml.Node) Design {
	var out Design
	f := d.Mapping(root, "", designKeys...)
	d.str(f, "name", &out.Name)
	d.str(f, "description", &out.Description)
	if g := d.mapping(f, "game", gameKeys...); g.OK() {
		x := &out.Game
		d.str(g, "kind", &x.Kind)
		d.int(g, "endowment", &x.Endowment)
		d.float(g, "multiplier", &x.Multiplier)
		d.float(g, "return_on_honour", &x.ReturnOnHonour)
		d.int(g, "rounds", &x.Rounds)
		d.str(g, "show_up", &x.ShowUp)
	}
	if r := d.mapping(f, "roles", "matching", "switch_at"); r.OK() {
		d.str(r, "matching", &out.Roles.Matching)
		d.int(r, "switch_at", &out.Roles.SwitchAt)
	}
	d.int(f, "participants", &out.Humans)
	path, items := d.list(f, "bots", MaxSeats, "bots: at most %[2]d players in all")
	for i, n := range items {
		out.Bots = append(out.Bots, d.bot(n, fmt.Sprintf("%s.%d", path, i)))
	}
	if t := d.mapping(f, "timing", timingKeys...); t.OK() {
		x := &out.Timing
		d.duration(t, "round_timeout", &x.RoundTimeout)
		d.int(t, "default_send", &x.DefaultSend)
		d.float(t, "default_return", &x.DefaultReturn)
		d.duration(t, "dropout_after", &x.DropoutAfter)
		d.int(t, "replace_after_timeouts", &x.ReplaceAfterTimeouts)
	}
	if n := get(f, "replacement"); n != nil {
		b := d.bot(n, f.Sub("replacement"))
		out.Replacement = &b
	}
	if q := d.mapping(f, "questionnaire", "scale", "min", "max", "items"); q.OK() {
		x := &out.Survey
		d.str(q, "scale", &x.Scale)
		d.int(q, "min", &x.Min)
		d.int(q, "max", &x.Max)
		path, items := d.list(q, "items", MaxItems, "items: at most %[2]d")
		for i, n := range items {
			var it Item
			if m := d.Mapping(n, fmt.Sprintf("%s.%d", path, i), "id", "text", "reverse"); m.OK() {
				d.str(m, "id", &it.ID)
				d.str(m, "text", &it.Text)
				if get(m, "reverse") != nil {
					d.Bool(m, "reverse", &it.Reverse)
				}
			}
			x.Items = append(x.Items, it)
		}
	}
	path, items = d.list(f, "arms", MaxArms, "arms: at most %[2]d")
	for i, n := range items {
		var a Arm
		if m := d.Mapping(n, fmt.Sprintf("%s.%d", path, i), "name", "feedback", "stakes"); m.OK() {
			d.str(m, "name", &a.Name)
			d.str(m, "feedback", &a.Feedback)
			sp, stakes := d.list(m, "stakes", MaxRounds, "values: at most %[2]d (one endowment per round)")
			for j, s := range stakes {
				var v int
				d.wholeNode(s, fmt.Sprintf("%s.%d", sp, j), &v)
				a.Stakes = append(a.Stakes, v)
			}
		}
		out.Arms = append(out.Arms, a)
	}
	return out
}

// bot reads a bot (a list item or the replacement) at path.
func (d *decoder) bot(n *yaml.Node, path string) Bot {
	var b Bot
	f := d.Mapping(n, path, botKeys...)
	if !f.OK() {
		return b
	}
	d.str(f, "name", &b.Name)
	d.int(f, "count", &b.Count)
	d.duration(f, "delay", &b.Delay)
	if t := d.mapping(f, "trustee", behaviourKeys...); t.OK() {
		x := &b.Trustee
		d.str(t, "kind", &x.Kind)
		d.floatPtr(t, "w", &x.W)
		d.float(t, "slope", &x.Slope)
		d.int(t, "honours", &x.Honours)
		rp, returns := d.list(t, "returns", MaxRounds, "values: at most %[2]d")
		for j, r := range returns {
			var v float64
			d.numberNode(r, fmt.Sprintf("%s.%d", rp, j), &v)
			x.Returns = append(x.Returns, v)
		}
		d.floatPtr(t, "honour", &x.Honour)
	}
	if t := d.mapping(f, "trustor", "tau", "params"); t.OK() {
		d.floatPtr(t, "tau", &b.Trustor.Tau)
		if p := d.mapping(t, "params", paramKeys...); p.OK() {
			for _, pi := range model.ParamTable() {
				d.floatPtr(p, pi.Name, pi.In(&b.Trustor.Params))
			}
			if get(p, "deterministic") != nil {
				d.Bool(p, "deterministic", &b.Trustor.Params.Deterministic)
			}
		}
	}
	return b
}

// get returns the value at key, nil when it is absent or null.
func get(f yamlx.Fields, key string) *yaml.Node {
	n := f.Get(key)
	if n == nil || yamlx.IsNull(n) {
		return nil
	}
	return n
}

// mapping reads the mapping at key (not OK when absent or null).
func (d *decoder) mapping(f yamlx.Fields, key string, keys ...string) yamlx.Fields {
	n := get(f, key)
	if n == nil {
		return yamlx.Fields{}
	}
	return d.Mapping(n, f.Sub(key), keys...)
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

func (d *decoder) str(f yamlx.Fields, key string, dst *string) {
	if n := get(f, key); n != nil {
		d.StrNode(n, f.Sub(key), dst)
	}
}

func (d *decoder) float(f yamlx.Fields, key string, dst *float64) {
	if n := get(f, key); n != nil {
		d.numberNode(n, f.Sub(key), dst)
	}
}

func (d *decoder) floatPtr(f yamlx.Fields, key string, dst **float64) {
	var v float64
	if n := get(f, key); n != nil && d.numberNode(n, f.Sub(key), &v) {
		*dst = &v
	}
}

func (d *decoder) numberNode(n *yaml.Node, path string, dst *float64) bool {
	v, ok := d.Number(n, path, "a number")
	if ok {
		*dst = v
	}
	return ok
}

func (d *decoder) int(f yamlx.Fields, key string, dst *int) {
	if n := get(f, key); n != nil {
		d.wholeNode(n, f.Sub(key), dst)
	}
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

func (d *decoder) duration(f yamlx.Fields, key string, dst *Duration) {
	n := get(f, key)
	if n == nil {
		return
	}
	v, err := time.ParseDuration(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		d.Failf(n, f.Sub(key), "%s: must be a duration such as 500ms, 30s or 2m", yamlx.Describe(n))
		return
	}
	*dst = Duration(v)
}
