package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/trustlab/trustlab/internal/bounded"
	"github.com/trustlab/trustlab/internal/srcpos"
	"github.com/trustlab/trustlab/model"
)

// Error is one problem in a scenario file: where it is, which field
// (a path such as population.groups[1].share) and what is wrong, with the
// value and the allowed range (`-5: must be in [2, 100]`). It is the
// positioned error of every trustlab input file ([srcpos.Error]).
type Error = srcpos.Error

// maxErrors bounds the number of problems one parse reports.
const maxErrors = 20

// Limits on scenario values.
const (
	MaxSize   = math.MaxInt32 // agents
	MaxSteps  = 1_000_000_000
	MaxGroups = 255
	// MaxFileBytes is the largest scenario file Load reads.
	MaxFileBytes = 4 << 20
)

// Load reads and resolves the scenario file at path. Relative paths in it
// (edge lists, CSV files) are resolved against the file's directory.
func Load(path string) (*Scenario, error) {
	data, err := bounded.ReadFile(path, MaxFileBytes)
	var tl *bounded.TooLargeError
	if errors.As(err, &tl) {
		return nil, &Error{File: path, Msg: fmt.Sprintf("%s: a scenario file is at most %s (a population is described by distributions, or by a CSV file given with dist: csv)", sizeOf(tl), bounded.Bytes(MaxFileBytes))}
	}
	if err != nil {
		return nil, &Error{File: path, Msg: fmt.Sprintf("cannot read: %v", unwrapPath(err))}
	}
	return Parse(data, path, filepath.Dir(path))
}

// sizeOf describes the size of a file that is too large.
func sizeOf(tl *bounded.TooLargeError) string {
	if tl.Size >= 0 {
		return "file of " + bounded.Bytes(tl.Size)
	}
	return "more than " + bounded.Bytes(tl.Limit)
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Parse resolves a scenario from YAML data. name labels errors; dir
// resolves relative file paths in it.
func Parse(data []byte, name, dir string) (*Scenario, error) {
	p := &parser{file: name, dir: dir}
	data = bounded.TrimBOM(data) // as in every trustlab input file
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, p.yamlError(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &Error{File: name, Line: extra.Line, Column: extra.Column, Msg: "a scenario file holds one YAML document"}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	s := p.scenario(root)
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	s.File = name
	return s, nil
}

// yamlError turns a YAML syntax error ("yaml: line 3: ...") into an *Error.
func (p *parser) yamlError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.Index(rest, ": "); i > 0 {
			if n, err := strconv.Atoi(rest[:i]); err == nil {
				line, msg = n, rest[i+2:]
			}
		}
	}
	if line > 0 {
		return &Error{File: p.file, Line: line, Column: 1, Msg: "YAML syntax: " + msg}
	}
	return &Error{File: p.file, Msg: "YAML syntax: " + msg}
}

type parser struct {
	file, dir string
	fitted    []nodeAt // behaviours of kind fitted, checked against the game
	errs      []error
}

func (p *parser) fail(n *yaml.Node, path, format string, a ...any) {
	if len(p.errs) >= maxErrors {
		return
	}
	e := &Error{File: p.file, Field: path, Msg: fmt.Sprintf(format, a...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	p.errs = append(p.errs, e)
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func describe(n *yaml.Node) string {
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

// fields is a checked mapping: its values by key.
type fields struct {
	node   *yaml.Node
	path   string
	values map[string]*yaml.Node
}

func (f fields) get(key string) *yaml.Node {
	if f.values == nil {
		return nil
	}
	return f.values[key]
}

func (f fields) sub(key string) string {
	if f.path == "" {
		return key
	}
	return f.path + "." + key
}

// mapping checks that n is a mapping whose keys are among keys and returns
// its fields. Unknown and duplicate keys are errors naming the allowed keys.
func (p *parser) mapping(n *yaml.Node, path string, keys ...string) fields {
	n = deref(n)
	f := fields{node: n, path: path}
	if n.Kind != yaml.MappingNode {
		p.fail(n, path, "%s: must be a mapping with keys %s", describe(n), strings.Join(keys, ", "))
		return f
	}
	f.values = map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.fail(k, path, "keys must be names")
			continue
		}
		if !contains(keys, k.Value) {
			p.fail(k, f.sub(k.Value), "unknown key; allowed keys here: %s", strings.Join(keys, ", "))
			continue
		}
		if _, dup := f.values[k.Value]; dup {
			p.fail(k, f.sub(k.Value), "duplicate key")
			continue
		}
		f.values[k.Value] = deref(v)
	}
	return f
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// number parses a scalar number (int or float tag); want describes the
// allowed values, e.g. "a number in [0, 1]".
func (p *parser) number(n *yaml.Node, path, want string) (float64, bool) {
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") {
		p.fail(n, path, "%s: must be %s", describe(n), want)
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
	if err != nil {
		// YAML 1.1 spellings such as .inf and .nan.
		switch strings.ToLower(n.Value) {
		case ".inf", "+.inf":
			v = math.Inf(1)
		case "-.inf":
			v = math.Inf(-1)
		case ".nan":
			v = math.NaN()
		default:
			p.fail(n, path, "%s: must be %s", describe(n), want)
			return 0, false
		}
	}
	return v, true
}

// float reads a number in [lo, hi] (open ends where loOpen/hiOpen) into
// *dst; a missing key leaves *dst unchanged.
func (p *parser) float(f fields, key string, dst *float64, lo, hi float64, loOpen, hiOpen bool) bool {
	n := f.get(key)
	if n == nil {
		return false
	}
	path := f.sub(key)
	rng := interval(lo, hi, loOpen, hiOpen)
	v, ok := p.number(n, path, "a number in "+rng)
	if !ok {
		return false
	}
	if !inRange(v, lo, hi, loOpen, hiOpen) {
		p.fail(n, path, "%s: must be in %s", n.Value, rng)
		return false
	}
	*dst = v
	return true
}

func inRange(v, lo, hi float64, loOpen, hiOpen bool) bool {
	if math.IsNaN(v) {
		return false
	}
	if v < lo || (loOpen && v == lo) || v > hi || (hiOpen && v == hi) {
		return false
	}
	return !math.IsInf(v, 0) || (!hiOpen && math.IsInf(hi, 1) && v == hi)
}

func interval(lo, hi float64, loOpen, hiOpen bool) string {
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

// integer reads a whole number in [lo, hi] into *dst.
func (p *parser) integer(f fields, key string, dst *int, lo, hi int, note string) bool {
	n := f.get(key)
	if n == nil {
		return false
	}
	path := f.sub(key)
	rng := fmt.Sprintf("[%d, %d]%s", lo, hi, note)
	v, ok := p.number(n, path, "a whole number in "+rng)
	if !ok {
		return false
	}
	if v != math.Trunc(v) || v < float64(lo) || v > float64(hi) {
		p.fail(n, path, "%s: must be a whole number in %s", n.Value, rng)
		return false
	}
	*dst = int(v)
	return true
}

// str reads a string among allowed (any string if allowed is empty).
func (p *parser) str(f fields, key string, dst *string, allowed ...string) bool {
	n := f.get(key)
	if n == nil {
		return false
	}
	return p.strNode(n, f.sub(key), dst, allowed...)
}

func (p *parser) strNode(n *yaml.Node, path string, dst *string, allowed ...string) bool {
	if n.Kind != yaml.ScalarNode || isNull(n) {
		if len(allowed) > 0 {
			p.fail(n, path, "%s: must be one of %s", describe(n), strings.Join(allowed, ", "))
		} else {
			p.fail(n, path, "%s: must be a string", describe(n))
		}
		return false
	}
	if len(allowed) > 0 && !contains(allowed, n.Value) {
		p.fail(n, path, "%q: must be one of %s", n.Value, strings.Join(allowed, ", "))
		return false
	}
	*dst = n.Value
	return true
}

func (p *parser) boolean(f fields, key string, dst *bool) bool {
	n := f.get(key)
	if n == nil {
		return false
	}
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		p.fail(n, f.sub(key), "%s: must be true or false", describe(n))
		return false
	}
	*dst = n.Value == "true" || n.Value == "True" || n.Value == "TRUE"
	return true
}

var topKeys = []string{"name", "description", "seed", "steps", "population", "network", "partner",
	"situation", "params", "feedback", "interventions", "betrayal_wave", "outputs"}

func (p *parser) scenario(root *yaml.Node) *Scenario {
	s := &Scenario{Seed: 1, Steps: 100, Outputs: Outputs{Agents: true, Plots: true}}
	if isNull(root) || (root.Kind == yaml.DocumentNode && len(root.Content) == 0) {
		p.fail(root, "", "empty scenario: at least population.size is needed")
		return s
	}
	f := p.mapping(root, "", topKeys...)
	if f.values == nil {
		return s
	}
	s.Name = strings.TrimSuffix(filepath.Base(p.file), filepath.Ext(p.file))
	p.str(f, "name", &s.Name)
	p.str(f, "description", &s.Description)
	if n := f.get("seed"); n != nil {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!int" {
			v, err := strconv.ParseUint(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
			if err != nil {
				p.fail(n, "seed", "%s: must be a whole number in [0, 18446744073709551615]", n.Value)
			}
			s.Seed = v
		} else {
			p.fail(n, "seed", "%s: must be a whole number in [0, 18446744073709551615]", describe(n))
		}
	}
	p.integer(f, "steps", &s.Steps, 1, MaxSteps, "")

	// Scenario-wide params first: groups merge over them.
	var base model.Params
	if n := f.get("params"); n != nil {
		base = p.params(n, "params")
	}
	s.Feedback = model.FeedbackOwn
	if n := f.get("feedback"); n != nil {
		p.feedback(n, "feedback", s, &base)
	}
	if m, err := base.Model(); err == nil {
		s.Params = m.Params()
	}
	if n := f.get("interventions"); n != nil {
		p.interventions(n, "interventions", s)
	}

	popNode := f.get("population")
	if popNode == nil {
		p.fail(root, "population", "missing: a scenario needs population.size")
		return s
	}
	p.population(popNode, s, base)

	s.Network = Network{Kind: NetKOut, K: 8}
	if n := f.get("network"); n != nil {
		p.network(n, "network", s)
	} else if s.Population.Size >= 2 && s.Population.Size <= 8 {
		s.Network.K = s.Population.Size - 1
	}
	s.Partner = Partner{Choice: ChooseUniform}
	if n := f.get("partner"); n != nil {
		p.partner(n, "partner", s)
	}
	s.Situation = Situation{Situation: model.Situation{Game: model.Binary, Gain: 1, Loss: 1}}
	if n := f.get("situation"); n != nil {
		p.situation(n, "situation", s)
	}
	for _, fb := range p.fitted {
		if s.Situation.Game != model.Investment {
			p.fail(fb.node, fb.path, "kind fitted: fitted trustees return amounts: it needs situation.game: investment")
		}
	}
	if n := f.get("betrayal_wave"); n != nil {
		wf := p.mapping(n, "betrayal_wave", "start", "steps")
		w := &Wave{Start: 1, Steps: 1}
		if wf.values != nil && (wf.get("start") == nil || wf.get("steps") == nil) {
			p.fail(n, "betrayal_wave", "needs start (first step, 1-based) and steps (length)")
		}
		p.integer(wf, "start", &w.Start, 1, max(s.Steps, 1), " (1 to steps)")
		p.integer(wf, "steps", &w.Steps, 1, MaxSteps, "")
		s.BetrayalWave = w
	}
	if n := f.get("outputs"); n != nil {
		o := p.mapping(n, "outputs", "agents", "plots")
		p.boolean(o, "agents", &s.Outputs.Agents)
		p.boolean(o, "plots", &s.Outputs.Plots)
	}
	return s
}

// paramKeys are the keys of a params mapping: the model's parameters
// (model.ParamTable), then deterministic.
var paramKeys = func() []string {
	var out []string
	for _, pi := range model.ParamTable() {
		out = append(out, pi.Name)
	}
	return append(out, "deterministic")
}()

// params reads model parameters; each is checked by the model's own ranges.
// Besides a mapping of parameters it accepts a preset's name (params:
// calibrated) and a mapping with a preset and overrides (params: {preset:
// calibrated, beta: 3}): the preset's values, then the keys given.
func (p *parser) params(n *yaml.Node, path string) model.Params {
	n = deref(n)
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
		pre, _ := p.preset(n, path)
		return pre
	}
	f := p.mapping(n, path, append(slices.Clip(paramKeys), "preset")...)
	var out model.Params
	if f.values == nil {
		return out
	}
	var pre model.Params
	if pn := f.get("preset"); pn != nil {
		pre, _ = p.preset(pn, f.sub("preset"))
	}
	for _, pi := range model.ParamTable() {
		v := f.get(pi.Name)
		if v == nil {
			continue
		}
		x, ok := p.number(v, f.sub(pi.Name), "a number (see docs/simulation.md for its range)")
		if !ok {
			continue
		}
		*pi.In(&out) = &x
	}
	p.boolean(f, "deterministic", &out.Deterministic)
	// Range checks by the model, each error pointing at its key.
	_, err := pre.Merge(out).Model()
	for _, e := range unjoin(err) {
		var re *model.RangeError
		if errors.As(e, &re) {
			if v := f.get(re.Field); v != nil {
				p.fail(v, f.sub(re.Field), "%s: must be in %s", v.Value, re.Range)
				continue
			}
		}
		p.fail(n, path, "%v", e)
	}
	return pre.Merge(out)
}

// preset looks up a parameter preset by name (model.Preset); an unknown
// name is an error naming the allowed ones.
func (p *parser) preset(n *yaml.Node, path string) (model.Params, bool) {
	names := model.PresetNames()
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		p.fail(n, path, "%s: must be a preset (%s) or a mapping of parameters", describe(n), strings.Join(names, ", "))
		return model.Params{}, false
	}
	pre, ok := model.Preset(n.Value)
	if !ok {
		p.fail(n, path, "%q: unknown preset; allowed: %s (or a mapping of parameters %s)", n.Value, strings.Join(names, ", "), strings.Join(paramKeys, ", "))
	}
	return pre, ok
}

func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, unjoin(e)...)
		}
		return out
	}
	return []error{err}
}

func (p *parser) feedback(n *yaml.Node, path string, s *Scenario, base *model.Params) {
	regimes := []string{"own", "full", "social"}
	var regime string
	if n.Kind == yaml.MappingNode {
		f := p.mapping(n, path, "regime", "weight")
		if f.get("regime") == nil {
			p.fail(n, path+".regime", "missing: one of own, full, social")
			return
		}
		p.str(f, "regime", &regime, regimes...)
		var w float64
		if p.float(f, "weight", &w, 0, math.Inf(1), false, true) {
			if base.Omega != nil {
				p.fail(f.get("weight"), path+".weight", "%s: params.omega is also set: give the social weight in one place", f.get("weight").Value)
			}
			base.Omega = &w
		}
	} else if !p.strNode(n, path, &regime, regimes...) {
		return
	}
	fb, err := model.ParseFeedback(regime)
	if err == nil {
		s.Feedback = fb
	}
}

func (p *parser) interventions(n *yaml.Node, path string, s *Scenario) {
	f := p.mapping(n, path, "graduated_stakes", "full_feedback", "safe_start", "reappraisal")
	iv := &s.Interventions
	if g := f.get("graduated_stakes"); g != nil {
		gs := &Graduated{Start: 0.1, Grow: 2, Shrink: 0.5}
		if !isNull(g) {
			gf := p.mapping(g, f.sub("graduated_stakes"), "start", "grow", "shrink")
			p.float(gf, "start", &gs.Start, 0, 1, true, false)
			p.float(gf, "grow", &gs.Grow, 1, 1e6, false, false)
			p.float(gf, "shrink", &gs.Shrink, 0, 1, true, false)
		}
		iv.GraduatedStakes = gs
	}
	p.integer(f, "full_feedback", &iv.FullFeedback, 0, MaxSteps, " (steps)")
	p.integer(f, "safe_start", &iv.SafeStart, 0, MaxSteps, " (steps)")
	if r := f.get("reappraisal"); r != nil {
		rp := &Reappraisal{WMinus: 1}
		if !isNull(r) {
			rf := p.mapping(r, f.sub("reappraisal"), "w_minus")
			p.float(rf, "w_minus", &rp.WMinus, 0, math.Inf(1), false, true)
		}
		iv.Reappraisal = rp
	}
}

var distKinds = []string{DistFixed, DistUniform, DistBeta, DistNormal, DistCSV}

// dist reads a distribution over [0, 1]: a number (fixed) or a mapping
// with key dist.
func (p *parser) dist(n *yaml.Node, path string) (Dist, bool) {
	nerr := len(p.errs)
	if n.Kind == yaml.ScalarNode && (n.Tag == "!!int" || n.Tag == "!!float") {
		d := Dist{Kind: DistFixed}
		v, ok := p.number(n, path, "a number in [0, 1]")
		if ok && !inRange(v, 0, 1, false, false) {
			p.fail(n, path, "%s: must be in [0, 1] (or a mapping with key dist: %s)", n.Value, strings.Join(distKinds, ", "))
			ok = false
		}
		d.Value = v
		return d, ok
	}
	if n.Kind != yaml.MappingNode {
		p.fail(n, path, "%s: must be a number in [0, 1] or a mapping with key dist: %s", describe(n), strings.Join(distKinds, ", "))
		return Dist{}, false
	}
	var kind string
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "dist" {
			p.strNode(deref(n.Content[i+1]), path+".dist", &kind, distKinds...)
		}
	}
	if kind == "" {
		if len(p.errs) == nerr {
			p.fail(n, path+".dist", "missing: one of %s", strings.Join(distKinds, ", "))
		}
		return Dist{}, false
	}
	d := Dist{Kind: kind}
	switch kind {
	case DistFixed:
		f := p.mapping(n, path, "dist", "value")
		if !p.float(f, "value", &d.Value, 0, 1, false, false) && f.get("value") == nil {
			p.fail(n, path+".value", "missing: a number in [0, 1]")
		}
	case DistUniform:
		d.Min, d.Max = 0, 1
		f := p.mapping(n, path, "dist", "min", "max")
		p.float(f, "min", &d.Min, 0, 1, false, false)
		p.float(f, "max", &d.Max, 0, 1, false, false)
		if d.Min > d.Max {
			p.fail(f.get("max"), path+".max", "%g: must be >= min = %g", d.Max, d.Min)
		}
	case DistBeta:
		f := p.mapping(n, path, "dist", "a", "b")
		for _, k := range []string{"a", "b"} {
			if f.get(k) == nil {
				p.fail(n, path+"."+k, "missing: a number in (0, 1e6]")
			}
		}
		p.float(f, "a", &d.A, 0, 1e6, true, false)
		p.float(f, "b", &d.B, 0, 1e6, true, false)
	case DistNormal:
		d.Min, d.Max, d.Mean, d.SD = 0, 1, 0.5, 0.1
		f := p.mapping(n, path, "dist", "mean", "sd", "min", "max")
		p.float(f, "mean", &d.Mean, 0, 1, false, false)
		p.float(f, "sd", &d.SD, 0, 10, false, false)
		p.float(f, "min", &d.Min, 0, 1, false, false)
		p.float(f, "max", &d.Max, 0, 1, false, false)
		if d.Min > d.Max {
			p.fail(f.get("max"), path+".max", "%g: must be >= min = %g", d.Max, d.Min)
		}
	case DistCSV:
		f := p.mapping(n, path, "dist", "file", "column")
		if !p.str(f, "file", &d.File) {
			if f.get("file") == nil {
				p.fail(n, path+".file", "missing: the path of a CSV file")
			}
		}
		if !p.str(f, "column", &d.Column) {
			if f.get("column") == nil {
				p.fail(n, path+".column", "missing: the name of a column in the CSV header")
			}
		}
		if d.File != "" && d.Column != "" {
			p.readCSV(&d, f.get("file"), path+".file")
		}
	}
	return d, len(p.errs) == nerr
}

var behaviourKinds = []string{Probabilistic, Honour, Betray, Reciprocal, ConArtist, Fitted}

func (p *parser) behaviour(n *yaml.Node, path string) (Behaviour, bool) {
	nerr := len(p.errs)
	var b Behaviour
	if n.Kind == yaml.ScalarNode {
		if !p.strNode(n, path, &b.Kind, behaviourKinds...) {
			return b, false
		}
	} else {
		f := p.mapping(n, path, "kind", "slope", "honours", "file", "model")
		if f.values == nil {
			return b, false
		}
		if f.get("kind") == nil {
			p.fail(n, path+".kind", "missing: one of %s", strings.Join(behaviourKinds, ", "))
			return b, false
		}
		if !p.str(f, "kind", &b.Kind, behaviourKinds...) {
			return b, false
		}
		if f.get("slope") != nil && b.Kind != Reciprocal {
			p.fail(f.get("slope"), path+".slope", "applies to kind reciprocal only")
		}
		if f.get("honours") != nil && b.Kind != ConArtist {
			p.fail(f.get("honours"), path+".honours", "applies to kind con-artist only")
		}
		for _, k := range []string{"file", "model"} {
			if f.get(k) != nil && b.Kind != Fitted {
				p.fail(f.get(k), path+"."+k, "applies to kind fitted only")
			}
		}
		b.Slope, b.Honours = 0.5, 3
		p.float(f, "slope", &b.Slope, 0, 2, false, false)
		p.integer(f, "honours", &b.Honours, 0, 1<<30, "")
		if b.Kind == Fitted {
			b.Model = "trustee"
			p.str(f, "model", &b.Model)
			if !p.str(f, "file", &b.File) {
				if f.get("file") == nil {
					p.fail(n, path+".file", "missing: the subjects.csv of a trustee fit (trustlab fit --role trustee, or OUT/trustees/subjects.csv)")
				}
			} else {
				p.readTrustees(&b, f.get("file"), path+".file")
			}
		}
	}
	if b.Kind == Fitted {
		p.fitted = append(p.fitted, nodeAt{n, path})
	}
	if b.Kind == Fitted && n.Kind == yaml.ScalarNode {
		p.fail(n, path, "kind fitted needs a file: behaviour: {kind: fitted, file: trustees/subjects.csv}")
	}
	switch b.Kind {
	case Reciprocal:
		if b.Slope == 0 && n.Kind == yaml.ScalarNode {
			b.Slope = 0.5
		}
	case ConArtist:
		if n.Kind == yaml.ScalarNode {
			b.Honours = 3
		}
	case Fitted:
		b.Slope, b.Honours = 0, 0
	default:
		b.Slope, b.Honours = 0, 0
	}
	return b, len(p.errs) == nerr
}

// nodeAt is a node and its field path, for checks made later.
type nodeAt struct {
	node *yaml.Node
	path string
}

// groupSpec is the unresolved content of a group (or of the population's
// defaults).
type groupSpec struct {
	trait, trust     *Dist
	behaviour        *Behaviour
	trustNode, bNode *yaml.Node
}

func (p *parser) groupFields(f fields, g *groupSpec) {
	if n := f.get("trait"); n != nil {
		if d, ok := p.dist(n, f.sub("trait")); ok {
			g.trait = &d
		}
	}
	if n := f.get("trustworthiness"); n != nil {
		g.trustNode = n
		if d, ok := p.dist(n, f.sub("trustworthiness")); ok {
			g.trust = &d
		}
	}
	if n := f.get("behaviour"); n != nil {
		g.bNode = n
		if b, ok := p.behaviour(n, f.sub("behaviour")); ok {
			g.behaviour = &b
		}
	}
	if g.trustNode != nil && g.behaviour != nil {
		switch g.behaviour.Kind {
		case Honour, Betray, ConArtist, Fitted:
			p.fail(g.trustNode, f.sub("trustworthiness"), "does not apply to behaviour %s (its trustworthiness is fixed by the behaviour)", g.behaviour.Kind)
		}
	}
}

func (p *parser) population(n *yaml.Node, s *Scenario, base model.Params) {
	f := p.mapping(n, "population", "size", "trait", "trustworthiness", "behaviour", "groups")
	if f.values == nil {
		return
	}
	if f.get("size") == nil {
		p.fail(n, "population.size", "missing: a whole number in [2, %d]", MaxSize)
	}
	p.integer(f, "size", &s.Population.Size, 2, MaxSize, "")
	def := groupSpec{
		trait:     &Dist{Kind: DistUniform, Min: 0.05, Max: 0.95},
		trust:     &Dist{Kind: DistUniform, Min: 0, Max: 1},
		behaviour: &Behaviour{Kind: Probabilistic},
	}
	var top groupSpec
	p.groupFields(f, &top)
	if top.trait != nil {
		def.trait = top.trait
	}
	if top.trust != nil {
		def.trust = top.trust
	}
	if top.behaviour != nil {
		def.behaviour = top.behaviour
	}
	gn := f.get("groups")
	if gn == nil {
		p.addGroup(s, "all", 1, def, groupSpec{}, base, nil, "population")
		return
	}
	if gn.Kind != yaml.SequenceNode || len(gn.Content) == 0 {
		p.fail(gn, "population.groups", "%s: must be a non-empty list of groups (name, share, ...)", describe(gn))
		return
	}
	if len(gn.Content) > MaxGroups {
		p.fail(gn, "population.groups", "%d groups: at most %d", len(gn.Content), MaxGroups)
		return
	}
	sum := 0.0
	names := map[string]bool{}
	for i, item := range gn.Content {
		path := fmt.Sprintf("population.groups[%d]", i)
		gf := p.mapping(item, path, "name", "share", "trait", "trustworthiness", "behaviour", "params")
		if gf.values == nil {
			continue
		}
		name := fmt.Sprintf("group%d", i+1)
		if p.str(gf, "name", &name) {
			if name == "" || name == "all" || strings.ContainsAny(name, ",\"\n\r") {
				p.fail(gf.get("name"), gf.sub("name"), "%q: must be a non-empty name other than \"all\", without commas or quotes", name)
			}
		}
		if names[name] {
			p.fail(gf.get("name"), gf.sub("name"), "%q: group names must be unique", name)
		}
		names[name] = true
		share := 0.0
		if gf.get("share") == nil {
			p.fail(item, gf.sub("share"), "missing: a number in (0, 1]; shares sum to 1")
		}
		if p.float(gf, "share", &share, 0, 1, true, false) {
			sum += share
		}
		var own groupSpec
		p.groupFields(gf, &own)
		var gp *model.Params
		if pn := gf.get("params"); pn != nil {
			x := p.params(pn, gf.sub("params"))
			gp = &x
		}
		p.addGroup(s, name, share, def, own, base, gp, path)
	}
	if len(p.errs) == 0 && math.Abs(sum-1) > 1e-9 {
		shares := make([]string, len(s.Population.Groups))
		for i, g := range s.Population.Groups {
			shares[i] = strconv.FormatFloat(g.Share, 'g', -1, 64)
		}
		p.fail(gn, "population.groups", "shares %s sum to %s: must sum to 1", strings.Join(shares, " + "), strconv.FormatFloat(sum, 'g', 10, 64))
	}
}

func (p *parser) addGroup(s *Scenario, name string, share float64, def, own groupSpec, base model.Params, gp *model.Params, path string) {
	g := Group{Name: name, Share: share}
	pick := func(a, b *Dist) Dist {
		if b != nil {
			return *b
		}
		if a != nil {
			return *a
		}
		return Dist{}
	}
	g.Trait = pick(def.trait, own.trait)
	g.Trustworthiness = pick(def.trust, own.trust)
	g.Behaviour = *def.behaviour
	if own.behaviour != nil {
		g.Behaviour = *own.behaviour
	}
	switch g.Behaviour.Kind {
	case Honour:
		g.Trustworthiness = Dist{Kind: DistFixed, Value: 1}
	case Betray, ConArtist:
		g.Trustworthiness = Dist{Kind: DistFixed, Value: 0}
	case Fitted:
		// Each agent takes a fitted trustee at random (sim); its
		// trustworthiness, the expected return fraction at half sent, is
		// that trustee's ret_base.
		d := Dist{Kind: DistCSV, File: g.Behaviour.File, Column: "ret_base", SHA256: g.Behaviour.SHA256}
		for _, t := range g.Behaviour.Trustees {
			d.Values = append(d.Values, t.RetBase)
		}
		d.Rows = len(d.Values)
		g.Trustworthiness = d
	}
	params := base
	if gp != nil {
		params = base.Merge(*gp)
	}
	if s.Interventions.Reappraisal != nil {
		params.WMinus = &s.Interventions.Reappraisal.WMinus
	}
	m, err := params.Model()
	if err == nil {
		g.Model = m
		g.Params = m.Params()
	}
	s.Population.Groups = append(s.Population.Groups, g)
}

var networkKinds = []string{NetComplete, NetKOut, NetErdosRenyi, NetWattsStrogatz, NetBarabasiAlbert, NetEdgeList}

func (p *parser) network(n *yaml.Node, path string, s *Scenario) {
	var kind string
	if n.Kind == yaml.ScalarNode {
		if !p.strNode(n, path, &kind, networkKinds...) {
			return
		}
		n = &yaml.Node{Kind: yaml.MappingNode, Line: n.Line, Column: n.Column}
	} else {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "kind" {
				p.strNode(deref(n.Content[i+1]), path+".kind", &kind, networkKinds...)
			}
		}
		if kind == "" {
			if n.Kind == yaml.MappingNode && !hasKey(n, "kind") {
				p.fail(n, path+".kind", "missing: one of %s", strings.Join(networkKinds, ", "))
			} else if n.Kind != yaml.MappingNode {
				p.fail(n, path, "%s: must be one of %s or a mapping with key kind", describe(n), strings.Join(networkKinds, ", "))
			}
			return
		}
	}
	N := s.Population.Size
	// hi is the largest degree population.size allows; when the size is
	// itself invalid (already reported) no degree is blamed for it.
	hi := N - 1
	if N < 2 {
		hi = MaxSize - 1
	}
	net := Network{Kind: kind}
	switch kind {
	case NetComplete:
		p.mapping(n, path, "kind")
		if N > MaxComplete {
			p.fail(n, path, "complete network with population.size = %d: at most %d agents (beliefs are kept per pair); use k-out or another sparse network", N, MaxComplete)
		}
	case NetKOut:
		net.K = min(8, max(N-1, 1))
		f := p.mapping(n, path, "kind", "k")
		p.integer(f, "k", &net.K, 1, hi, " (1 to population.size - 1)")
	case NetErdosRenyi:
		f := p.mapping(n, path, "kind", "p")
		if f.get("p") == nil && f.values != nil {
			p.fail(n, path+".p", "missing: the edge probability in [0, 1]")
		}
		p.float(f, "p", &net.P, 0, 1, false, false)
		if float64(N)*float64(N-1)*net.P > 4e9 {
			p.fail(f.get("p"), path+".p", "%g: expected %.3g stored edges, more than 4e9", net.P, float64(N)*float64(N-1)*net.P)
		}
	case NetWattsStrogatz:
		net.K = 4
		net.Rewire = 0.1
		f := p.mapping(n, path, "kind", "k", "rewire")
		if N == 2 {
			p.fail(n, path, "watts-strogatz needs population.size >= 3")
		}
		if p.integer(f, "k", &net.K, 2, max(hi, 2), " (even, 2 to population.size - 1)") && net.K%2 != 0 {
			p.fail(f.get("k"), path+".k", "%d: must be even in [2, %d]", net.K, max(hi, 2))
		}
		p.float(f, "rewire", &net.Rewire, 0, 1, false, false)
	case NetBarabasiAlbert:
		net.M = min(4, max(N-1, 1))
		f := p.mapping(n, path, "kind", "m")
		p.integer(f, "m", &net.M, 1, hi, " (1 to population.size - 1)")
	case NetEdgeList:
		f := p.mapping(n, path, "kind", "file", "undirected")
		if f.get("file") == nil && f.values != nil {
			p.fail(n, path+".file", "missing: the path of an edge-list file (lines \"from to\")")
		}
		if p.str(f, "file", &net.File) {
			net.File = p.resolve(net.File)
			if st, err := os.Stat(net.File); err != nil {
				p.fail(f.get("file"), path+".file", "%q: cannot read: %v", f.get("file").Value, unwrapPath(err))
			} else if st.IsDir() {
				p.fail(f.get("file"), path+".file", "%q: is a directory, not an edge-list file", f.get("file").Value)
			}
		}
		p.boolean(f, "undirected", &net.Undirected)
	}
	s.Network = net
}

func hasKey(n *yaml.Node, key string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return true
		}
	}
	return false
}

func (p *parser) resolve(file string) string {
	if filepath.IsAbs(file) || p.dir == "" {
		return file
	}
	return filepath.Join(p.dir, file)
}

func (p *parser) partner(n *yaml.Node, path string, s *Scenario) {
	choices := []string{ChooseUniform, ChooseBelief}
	if n.Kind == yaml.ScalarNode {
		p.strNode(n, path, &s.Partner.Choice, choices...)
	} else {
		f := p.mapping(n, path, "choice", "beta")
		p.str(f, "choice", &s.Partner.Choice, choices...)
		if f.get("beta") != nil && s.Partner.Choice != ChooseBelief {
			p.fail(f.get("beta"), path+".beta", "applies to choice belief only")
		}
		s.Partner.Beta = 10
		p.float(f, "beta", &s.Partner.Beta, 0, 1e4, false, false)
	}
	if s.Partner.Choice == ChooseBelief && s.Partner.Beta == 0 && n.Kind == yaml.ScalarNode {
		s.Partner.Beta = 10
	}
	if s.Partner.Choice == ChooseUniform {
		s.Partner.Beta = 0
	}
}

func (p *parser) situation(n *yaml.Node, path string, s *Scenario) {
	f := p.mapping(n, path, "game", "gain", "loss", "outside", "control", "endowment", "multiplier", "return_precision")
	if f.values == nil {
		return
	}
	var game string
	p.str(f, "game", &game, "binary", "investment")
	sit := &s.Situation
	if game == "investment" {
		sit.Game = model.Investment
		sit.Gain, sit.Loss = 0, 0
		sit.Endowment, sit.Multiplier, s.Situation.ReturnPrecision = 10, 3, 10
		for _, k := range []string{"gain", "loss", "outside", "control"} {
			if v := f.get(k); v != nil {
				p.fail(v, f.sub(k), "applies to game binary only (the investment game is set by endowment, multiplier and return_precision)")
			}
		}
		var e int
		if p.integer(f, "endowment", &e, 1, 1_000_000, "") {
			sit.Endowment = float64(e)
		}
		p.float(f, "multiplier", &sit.Multiplier, 1, 1e6, true, false)
		p.float(f, "return_precision", &s.Situation.ReturnPrecision, 0, 1e6, true, false)
		return
	}
	for _, k := range []string{"endowment", "multiplier", "return_precision"} {
		if v := f.get(k); v != nil {
			p.fail(v, f.sub(k), "applies to game investment only")
		}
	}
	p.float(f, "gain", &sit.Gain, 0, 1e9, false, false)
	p.float(f, "loss", &sit.Loss, 0, 1e9, false, false)
	p.float(f, "outside", &sit.Outside, -1e9, 1e9, false, false)
	if c := f.get("control"); c != nil {
		cf := p.mapping(c, f.sub("control"), "cost", "gain", "loss")
		ctl := &model.Control{Gain: sit.Gain}
		if cf.get("cost") == nil && cf.values != nil {
			p.fail(c, f.sub("control")+".cost", "missing: the cost of the control option, a number in [0, 1e9]")
		}
		p.float(cf, "cost", &ctl.Cost, 0, 1e9, false, false)
		p.float(cf, "gain", &ctl.Gain, 0, 1e9, false, false)
		p.float(cf, "loss", &ctl.Loss, 0, 1e9, false, false)
		sit.Control = ctl
	}
}
