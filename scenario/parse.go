package scenario

import (
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
	"github.com/trustlab/trustlab/internal/yamlx"
	"github.com/trustlab/trustlab/model"
)

// Error is one problem in a scenario file: where it is, which field
// (a path such as population.groups[1].share) and what is wrong, with the
// value and the allowed range (`-5: must be in [2, 100]`). It is the
// positioned error of every trustlab input file ([srcpos.Error]).
type Error = srcpos.Error

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

// ParseOptions are options of [ParseWith]; the zero value is [Parse]'s.
type ParseOptions struct {
	// NoFiles refuses every file: key (edge lists, CSV columns, fitted
	// trustees) with a positioned error, and reads no file: for scenarios
	// sent to a server, which must not make it read its own files.
	NoFiles bool
}

// NoFilesMessage is the error of a file: key under ParseOptions.NoFiles.
const NoFilesMessage = "files are not allowed here: scenarios sent to the server cannot name files (edge lists, CSV columns); use a generated network and distributions, or run it with trustlab run"

// Parse resolves a scenario from YAML data. name labels errors; dir
// resolves relative file paths in it.
func Parse(data []byte, name, dir string) (*Scenario, error) {
	return ParseWith(data, name, dir, ParseOptions{})
}

// ParseWith is [Parse] with options. Its errors are a srcpos.List of at
// most srcpos.MaxErrors problems, or one *Error for the file as a whole.
func ParseWith(data []byte, name, dir string, opts ParseOptions) (*Scenario, error) {
	p := &parser{Walker: yamlx.Walker{File: name}, dir: dir}
	if opts.NoFiles {
		p.Refuse = map[string]string{"file": NoFilesMessage}
	}
	root, err := yamlx.Parse(data, name)
	if err != nil {
		return nil, err
	}
	if root == nil {
		return nil, &Error{File: name, Msg: "empty scenario: at least population.size is needed"}
	}
	s := p.scenario(root)
	if err := p.Err(); err != nil {
		return nil, err
	}
	s.File = name
	return s, nil
}

type parser struct {
	yamlx.Walker
	dir    string
	fitted []nodeAt // behaviours of kind fitted, checked against the game
}

var topKeys = []string{"name", "description", "seed", "steps", "population", "network", "partner",
	"situation", "params", "feedback", "interventions", "betrayal_wave", "outputs"}

func (p *parser) scenario(root *yaml.Node) *Scenario {
	s := &Scenario{Seed: 1, Steps: 100, Outputs: Outputs{Agents: true, Plots: true}}
	if yamlx.IsNull(root) || (root.Kind == yaml.DocumentNode && len(root.Content) == 0) {
		p.Failf(root, "", "empty scenario: at least population.size is needed")
		return s
	}
	f := p.Mapping(root, "", topKeys...)
	if !f.OK() {
		return s
	}
	s.Name = strings.TrimSuffix(filepath.Base(p.File), filepath.Ext(p.File))
	p.Str(f, "name", &s.Name)
	p.Str(f, "description", &s.Description)
	if n := f.Get("seed"); n != nil {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!int" {
			v, err := strconv.ParseUint(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
			if err != nil {
				p.Failf(n, "seed", "%s: must be a whole number in [0, 18446744073709551615]", n.Value)
			}
			s.Seed = v
		} else {
			p.Failf(n, "seed", "%s: must be a whole number in [0, 18446744073709551615]", yamlx.Describe(n))
		}
	}
	p.Int(f, "steps", &s.Steps, 1, MaxSteps, "")

	// Scenario-wide params first: groups merge over them.
	var base model.Params
	if n := f.Get("params"); n != nil {
		base = p.params(n, "params")
	}
	s.Feedback = model.FeedbackOwn
	if n := f.Get("feedback"); n != nil {
		p.feedback(n, "feedback", s, &base)
	}
	if m, err := base.Model(); err == nil {
		s.Params = m.Params()
	}
	if n := f.Get("interventions"); n != nil {
		p.interventions(n, "interventions", s)
	}

	popNode := f.Get("population")
	if popNode == nil {
		p.Failf(root, "population", "missing: a scenario needs population.size")
		return s
	}
	p.population(popNode, s, base)

	s.Network = Network{Kind: NetKOut, K: 8}
	if n := f.Get("network"); n != nil {
		p.network(n, "network", s)
	} else if s.Population.Size >= 2 && s.Population.Size <= 8 {
		s.Network.K = s.Population.Size - 1
	}
	s.Partner = Partner{Choice: ChooseUniform}
	if n := f.Get("partner"); n != nil {
		p.partner(n, "partner", s)
	}
	s.Situation = Situation{Situation: model.Situation{Game: model.Binary, Gain: 1, Loss: 1}}
	if n := f.Get("situation"); n != nil {
		p.situation(n, "situation", s)
	}
	for _, fb := range p.fitted {
		if s.Situation.Game != model.Investment {
			p.Failf(fb.node, fb.path, "kind fitted: fitted trustees return amounts: it needs situation.game: investment")
		}
	}
	if n := f.Get("betrayal_wave"); n != nil {
		wf := p.Mapping(n, "betrayal_wave", "start", "steps")
		w := &Wave{Start: 1, Steps: 1}
		if wf.OK() && (wf.Get("start") == nil || wf.Get("steps") == nil) {
			p.Failf(n, "betrayal_wave", "needs start (first step, 1-based) and steps (length)")
		}
		p.Int(wf, "start", &w.Start, 1, max(s.Steps, 1), " (1 to steps)")
		p.Int(wf, "steps", &w.Steps, 1, MaxSteps, "")
		s.BetrayalWave = w
	}
	if n := f.Get("outputs"); n != nil {
		o := p.Mapping(n, "outputs", "agents", "plots")
		p.Bool(o, "agents", &s.Outputs.Agents)
		p.Bool(o, "plots", &s.Outputs.Plots)
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
	n = yamlx.Deref(n)
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
		pre, _ := p.preset(n, path)
		return pre
	}
	f := p.Mapping(n, path, append(slices.Clip(paramKeys), "preset")...)
	var out model.Params
	if !f.OK() {
		return out
	}
	var pre model.Params
	if pn := f.Get("preset"); pn != nil {
		pre, _ = p.preset(pn, f.Sub("preset"))
	}
	for _, pi := range model.ParamTable() {
		v := f.Get(pi.Name)
		if v == nil {
			continue
		}
		x, ok := p.Number(v, f.Sub(pi.Name), "a number (see docs/simulation.md for its range)")
		if !ok {
			continue
		}
		*pi.In(&out) = &x
	}
	p.Bool(f, "deterministic", &out.Deterministic)
	// Range checks by the model, each error pointing at its key.
	_, err := pre.Merge(out).Model()
	for _, e := range srcpos.Flatten(err) {
		var re *model.RangeError
		if errors.As(e, &re) {
			if v := f.Get(re.Field); v != nil {
				p.Failf(v, f.Sub(re.Field), "%s: must be in %s", v.Value, re.Range)
				continue
			}
		}
		p.Failf(n, path, "%v", e)
	}
	return pre.Merge(out)
}

// preset looks up a parameter preset by name (model.Preset); an unknown
// name is an error naming the allowed ones.
func (p *parser) preset(n *yaml.Node, path string) (model.Params, bool) {
	names := model.PresetNames()
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		p.Failf(n, path, "%s: must be a preset (%s) or a mapping of parameters", yamlx.Describe(n), strings.Join(names, ", "))
		return model.Params{}, false
	}
	pre, ok := model.Preset(n.Value)
	if !ok {
		p.Failf(n, path, "%q: unknown preset; allowed: %s (or a mapping of parameters %s)", n.Value, strings.Join(names, ", "), strings.Join(paramKeys, ", "))
	}
	return pre, ok
}

func (p *parser) feedback(n *yaml.Node, path string, s *Scenario, base *model.Params) {
	regimes := []string{"own", "full", "social"}
	var regime string
	if n.Kind == yaml.MappingNode {
		f := p.Mapping(n, path, "regime", "weight")
		if f.Get("regime") == nil {
			p.Failf(n, path+".regime", "missing: one of own, full, social")
			return
		}
		p.Str(f, "regime", &regime, regimes...)
		var w float64
		if p.Float(f, "weight", &w, 0, math.Inf(1), false, true) {
			if base.Omega != nil {
				p.Failf(f.Get("weight"), path+".weight", "%s: params.omega is also set: give the social weight in one place", f.Get("weight").Value)
			}
			base.Omega = &w
		}
	} else if !p.StrNode(n, path, &regime, regimes...) {
		return
	}
	fb, err := model.ParseFeedback(regime)
	if err == nil {
		s.Feedback = fb
	}
}

func (p *parser) interventions(n *yaml.Node, path string, s *Scenario) {
	f := p.Mapping(n, path, "graduated_stakes", "full_feedback", "safe_start", "reappraisal")
	iv := &s.Interventions
	if g := f.Get("graduated_stakes"); g != nil {
		gs := &Graduated{Start: 0.1, Grow: 2, Shrink: 0.5}
		if !yamlx.IsNull(g) {
			gf := p.Mapping(g, f.Sub("graduated_stakes"), "start", "grow", "shrink")
			p.Float(gf, "start", &gs.Start, 0, 1, true, false)
			p.Float(gf, "grow", &gs.Grow, 1, 1e6, false, false)
			p.Float(gf, "shrink", &gs.Shrink, 0, 1, true, false)
		}
		iv.GraduatedStakes = gs
	}
	p.Int(f, "full_feedback", &iv.FullFeedback, 0, MaxSteps, " (steps)")
	p.Int(f, "safe_start", &iv.SafeStart, 0, MaxSteps, " (steps)")
	if r := f.Get("reappraisal"); r != nil {
		rp := &Reappraisal{WMinus: 1}
		if !yamlx.IsNull(r) {
			rf := p.Mapping(r, f.Sub("reappraisal"), "w_minus")
			p.Float(rf, "w_minus", &rp.WMinus, 0, math.Inf(1), false, true)
		}
		iv.Reappraisal = rp
	}
}

var distKinds = []string{DistFixed, DistUniform, DistBeta, DistNormal, DistCSV}

// dist reads a distribution over [0, 1]: a number (fixed) or a mapping
// with key dist.
func (p *parser) dist(n *yaml.Node, path string) (Dist, bool) {
	nerr := p.Count()
	if n.Kind == yaml.ScalarNode && (n.Tag == "!!int" || n.Tag == "!!float") {
		d := Dist{Kind: DistFixed}
		v, ok := p.Number(n, path, "a number in [0, 1]")
		if ok && !yamlx.InRange(v, 0, 1, false, false) {
			p.Failf(n, path, "%s: must be in [0, 1] (or a mapping with key dist: %s)", n.Value, strings.Join(distKinds, ", "))
			ok = false
		}
		d.Value = v
		return d, ok
	}
	if n.Kind != yaml.MappingNode {
		p.Failf(n, path, "%s: must be a number in [0, 1] or a mapping with key dist: %s", yamlx.Describe(n), strings.Join(distKinds, ", "))
		return Dist{}, false
	}
	var kind string
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "dist" {
			p.StrNode(yamlx.Deref(n.Content[i+1]), path+".dist", &kind, distKinds...)
		}
	}
	if kind == "" {
		if p.Count() == nerr {
			p.Failf(n, path+".dist", "missing: one of %s", strings.Join(distKinds, ", "))
		}
		return Dist{}, false
	}
	d := Dist{Kind: kind}
	switch kind {
	case DistFixed:
		f := p.Mapping(n, path, "dist", "value")
		if !p.Float(f, "value", &d.Value, 0, 1, false, false) && f.Get("value") == nil {
			p.Failf(n, path+".value", "missing: a number in [0, 1]")
		}
	case DistUniform:
		d.Min, d.Max = 0, 1
		p.bounds(p.Mapping(n, path, "dist", "min", "max"), &d)
	case DistBeta:
		f := p.Mapping(n, path, "dist", "a", "b")
		for _, k := range []string{"a", "b"} {
			if f.Get(k) == nil {
				p.Failf(n, path+"."+k, "missing: a number in (0, 1e6]")
			}
		}
		p.Float(f, "a", &d.A, 0, 1e6, true, false)
		p.Float(f, "b", &d.B, 0, 1e6, true, false)
	case DistNormal:
		d.Min, d.Max, d.Mean, d.SD = 0, 1, 0.5, 0.1
		f := p.Mapping(n, path, "dist", "mean", "sd", "min", "max")
		p.Float(f, "mean", &d.Mean, 0, 1, false, false)
		p.Float(f, "sd", &d.SD, 0, 10, false, false)
		p.bounds(f, &d)
	case DistCSV:
		f := p.Mapping(n, path, "dist", "file", "column")
		if !p.Str(f, "file", &d.File) {
			if !f.Has("file") {
				p.Failf(n, path+".file", "missing: the path of a CSV file")
			}
		}
		if !p.Str(f, "column", &d.Column) {
			if f.Get("column") == nil {
				p.Failf(n, path+".column", "missing: the name of a column in the CSV header")
			}
		}
		if d.File != "" && d.Column != "" {
			p.readCSV(&d, f.Get("file"), path+".file")
		}
	}
	return d, p.Count() == nerr
}

// bounds reads a distribution's min and max, each in [0, 1], min <= max.
func (p *parser) bounds(f yamlx.Fields, d *Dist) {
	p.Float(f, "min", &d.Min, 0, 1, false, false)
	p.Float(f, "max", &d.Max, 0, 1, false, false)
	if d.Min > d.Max {
		p.Failf(f.Get("max"), f.Sub("max"), "%g: must be >= min = %g", d.Max, d.Min)
	}
}

var behaviourKinds = []string{Probabilistic, Honour, Betray, Reciprocal, ConArtist, Fitted}

func (p *parser) behaviour(n *yaml.Node, path string) (Behaviour, bool) {
	nerr := p.Count()
	var b Behaviour
	if n.Kind == yaml.ScalarNode {
		if !p.StrNode(n, path, &b.Kind, behaviourKinds...) {
			return b, false
		}
	} else {
		f := p.Mapping(n, path, "kind", "slope", "honours", "file", "model")
		if !f.OK() {
			return b, false
		}
		if f.Get("kind") == nil {
			p.Failf(n, path+".kind", "missing: one of %s", strings.Join(behaviourKinds, ", "))
			return b, false
		}
		if !p.Str(f, "kind", &b.Kind, behaviourKinds...) {
			return b, false
		}
		if f.Get("slope") != nil && b.Kind != Reciprocal {
			p.Failf(f.Get("slope"), path+".slope", "applies to kind reciprocal only")
		}
		if f.Get("honours") != nil && b.Kind != ConArtist {
			p.Failf(f.Get("honours"), path+".honours", "applies to kind con-artist only")
		}
		for _, k := range []string{"file", "model"} {
			if f.Get(k) != nil && b.Kind != Fitted {
				p.Failf(f.Get(k), path+"."+k, "applies to kind fitted only")
			}
		}
		b.Slope, b.Honours = 0.5, 3
		p.Float(f, "slope", &b.Slope, 0, 2, false, false)
		p.Int(f, "honours", &b.Honours, 0, 1<<30, "")
		if b.Kind == Fitted {
			b.Model = "trustee"
			p.Str(f, "model", &b.Model)
			if !p.Str(f, "file", &b.File) {
				if !f.Has("file") {
					p.Failf(n, path+".file", "missing: the subjects.csv of a trustee fit (trustlab fit --role trustee, or OUT/trustees/subjects.csv)")
				}
			} else {
				p.readTrustees(&b, f.Get("file"), path+".file")
			}
		}
	}
	if b.Kind == Fitted {
		p.fitted = append(p.fitted, nodeAt{n, path})
	}
	if b.Kind == Fitted && n.Kind == yaml.ScalarNode {
		p.Failf(n, path, "kind fitted needs a file: behaviour: {kind: fitted, file: trustees/subjects.csv}")
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
	return b, p.Count() == nerr
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

func (p *parser) groupFields(f yamlx.Fields, g *groupSpec) {
	if n := f.Get("trait"); n != nil {
		if d, ok := p.dist(n, f.Sub("trait")); ok {
			g.trait = &d
		}
	}
	if n := f.Get("trustworthiness"); n != nil {
		g.trustNode = n
		if d, ok := p.dist(n, f.Sub("trustworthiness")); ok {
			g.trust = &d
		}
	}
	if n := f.Get("behaviour"); n != nil {
		g.bNode = n
		if b, ok := p.behaviour(n, f.Sub("behaviour")); ok {
			g.behaviour = &b
		}
	}
	if g.trustNode != nil && g.behaviour != nil {
		switch g.behaviour.Kind {
		case Honour, Betray, ConArtist, Fitted:
			p.Failf(g.trustNode, f.Sub("trustworthiness"), "does not apply to behaviour %s (its trustworthiness is fixed by the behaviour)", g.behaviour.Kind)
		}
	}
}

func (p *parser) population(n *yaml.Node, s *Scenario, base model.Params) {
	f := p.Mapping(n, "population", "size", "trait", "trustworthiness", "behaviour", "groups")
	if !f.OK() {
		return
	}
	if f.Get("size") == nil {
		p.Failf(n, "population.size", "missing: a whole number in [2, %d]", MaxSize)
	}
	p.Int(f, "size", &s.Population.Size, 2, MaxSize, "")
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
	gn := f.Get("groups")
	if gn == nil {
		p.addGroup(s, "all", 1, def, groupSpec{}, base, nil, "population")
		return
	}
	if gn.Kind != yaml.SequenceNode || len(gn.Content) == 0 {
		p.Failf(gn, "population.groups", "%s: must be a non-empty list of groups (name, share, ...)", yamlx.Describe(gn))
		return
	}
	if len(gn.Content) > MaxGroups {
		p.Failf(gn, "population.groups", "%d groups: at most %d", len(gn.Content), MaxGroups)
		return
	}
	sum := 0.0
	names := map[string]bool{}
	for i, item := range gn.Content {
		path := fmt.Sprintf("population.groups[%d]", i)
		gf := p.Mapping(item, path, "name", "share", "trait", "trustworthiness", "behaviour", "params")
		if !gf.OK() {
			continue
		}
		name := fmt.Sprintf("group%d", i+1)
		if p.Str(gf, "name", &name) {
			if name == "" || name == "all" || strings.ContainsAny(name, ",\"\n\r") {
				p.Failf(gf.Get("name"), gf.Sub("name"), "%q: must be a non-empty name other than \"all\", without commas or quotes", name)
			}
		}
		if names[name] {
			p.Failf(gf.Get("name"), gf.Sub("name"), "%q: group names must be unique", name)
		}
		names[name] = true
		share := 0.0
		if gf.Get("share") == nil {
			p.Failf(item, gf.Sub("share"), "missing: a number in (0, 1]; shares sum to 1")
		}
		if p.Float(gf, "share", &share, 0, 1, true, false) {
			sum += share
		}
		var own groupSpec
		p.groupFields(gf, &own)
		var gp *model.Params
		if pn := gf.Get("params"); pn != nil {
			x := p.params(pn, gf.Sub("params"))
			gp = &x
		}
		p.addGroup(s, name, share, def, own, base, gp, path)
	}
	if p.Count() == 0 && math.Abs(sum-1) > 1e-9 {
		shares := make([]string, len(s.Population.Groups))
		for i, g := range s.Population.Groups {
			shares[i] = strconv.FormatFloat(g.Share, 'g', -1, 64)
		}
		p.Failf(gn, "population.groups", "shares %s sum to %s: must sum to 1", strings.Join(shares, " + "), strconv.FormatFloat(sum, 'g', 10, 64))
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
		if !p.StrNode(n, path, &kind, networkKinds...) {
			return
		}
		n = &yaml.Node{Kind: yaml.MappingNode, Line: n.Line, Column: n.Column}
	} else {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "kind" {
				p.StrNode(yamlx.Deref(n.Content[i+1]), path+".kind", &kind, networkKinds...)
			}
		}
		if kind == "" {
			if n.Kind == yaml.MappingNode && !yamlx.HasKey(n, "kind") {
				p.Failf(n, path+".kind", "missing: one of %s", strings.Join(networkKinds, ", "))
			} else if n.Kind != yaml.MappingNode {
				p.Failf(n, path, "%s: must be one of %s or a mapping with key kind", yamlx.Describe(n), strings.Join(networkKinds, ", "))
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
		p.Mapping(n, path, "kind")
		if N > MaxComplete {
			p.Failf(n, path, "complete network with population.size = %d: at most %d agents (beliefs are kept per pair); use k-out or another sparse network", N, MaxComplete)
		}
	case NetKOut:
		net.K = min(8, max(N-1, 1))
		f := p.Mapping(n, path, "kind", "k")
		p.Int(f, "k", &net.K, 1, hi, " (1 to population.size - 1)")
	case NetErdosRenyi:
		f := p.Mapping(n, path, "kind", "p")
		if f.Get("p") == nil && f.OK() {
			p.Failf(n, path+".p", "missing: the edge probability in [0, 1]")
		}
		p.Float(f, "p", &net.P, 0, 1, false, false)
		if float64(N)*float64(N-1)*net.P > 4e9 {
			p.Failf(f.Get("p"), path+".p", "%g: expected %.3g stored edges, more than 4e9", net.P, float64(N)*float64(N-1)*net.P)
		}
	case NetWattsStrogatz:
		net.K = 4
		net.Rewire = 0.1
		f := p.Mapping(n, path, "kind", "k", "rewire")
		if N == 2 {
			p.Failf(n, path, "watts-strogatz needs population.size >= 3")
		}
		if p.Int(f, "k", &net.K, 2, max(hi, 2), " (even, 2 to population.size - 1)") && net.K%2 != 0 {
			p.Failf(f.Get("k"), path+".k", "%d: must be even in [2, %d]", net.K, max(hi, 2))
		}
		p.Float(f, "rewire", &net.Rewire, 0, 1, false, false)
	case NetBarabasiAlbert:
		net.M = min(4, max(N-1, 1))
		f := p.Mapping(n, path, "kind", "m")
		p.Int(f, "m", &net.M, 1, hi, " (1 to population.size - 1)")
	case NetEdgeList:
		f := p.Mapping(n, path, "kind", "file", "undirected")
		if !f.Has("file") && f.OK() {
			p.Failf(n, path+".file", "missing: the path of an edge-list file (lines \"from to\")")
		}
		if p.Str(f, "file", &net.File) {
			net.File = p.resolve(net.File)
			if st, err := os.Stat(net.File); err != nil {
				p.Failf(f.Get("file"), path+".file", "%q: cannot read: %v", f.Get("file").Value, unwrapPath(err))
			} else if st.IsDir() {
				p.Failf(f.Get("file"), path+".file", "%q: is a directory, not an edge-list file", f.Get("file").Value)
			}
		}
		p.Bool(f, "undirected", &net.Undirected)
	}
	s.Network = net
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
		p.StrNode(n, path, &s.Partner.Choice, choices...)
	} else {
		f := p.Mapping(n, path, "choice", "beta")
		p.Str(f, "choice", &s.Partner.Choice, choices...)
		if f.Get("beta") != nil && s.Partner.Choice != ChooseBelief {
			p.Failf(f.Get("beta"), path+".beta", "applies to choice belief only")
		}
		s.Partner.Beta = 10
		p.Float(f, "beta", &s.Partner.Beta, 0, 1e4, false, false)
	}
	if s.Partner.Choice == ChooseBelief && s.Partner.Beta == 0 && n.Kind == yaml.ScalarNode {
		s.Partner.Beta = 10
	}
	if s.Partner.Choice == ChooseUniform {
		s.Partner.Beta = 0
	}
}

func (p *parser) situation(n *yaml.Node, path string, s *Scenario) {
	f := p.Mapping(n, path, "game", "gain", "loss", "outside", "control", "endowment", "multiplier", "return_precision")
	if !f.OK() {
		return
	}
	var game string
	p.Str(f, "game", &game, "binary", "investment")
	sit := &s.Situation
	if game == "investment" {
		sit.Game = model.Investment
		sit.Gain, sit.Loss = 0, 0
		sit.Endowment, sit.Multiplier, s.Situation.ReturnPrecision = 10, 3, 10
		for _, k := range []string{"gain", "loss", "outside", "control"} {
			if v := f.Get(k); v != nil {
				p.Failf(v, f.Sub(k), "applies to game binary only (the investment game is set by endowment, multiplier and return_precision)")
			}
		}
		var e int
		if p.Int(f, "endowment", &e, 1, 1_000_000, "") {
			sit.Endowment = float64(e)
		}
		p.Float(f, "multiplier", &sit.Multiplier, 1, 1e6, true, false)
		p.Float(f, "return_precision", &s.Situation.ReturnPrecision, 0, 1e6, true, false)
		return
	}
	for _, k := range []string{"endowment", "multiplier", "return_precision"} {
		if v := f.Get(k); v != nil {
			p.Failf(v, f.Sub(k), "applies to game investment only")
		}
	}
	p.Float(f, "gain", &sit.Gain, 0, 1e9, false, false)
	p.Float(f, "loss", &sit.Loss, 0, 1e9, false, false)
	p.Float(f, "outside", &sit.Outside, -1e9, 1e9, false, false)
	if c := f.Get("control"); c != nil {
		cf := p.Mapping(c, f.Sub("control"), "cost", "gain", "loss")
		ctl := &model.Control{Gain: sit.Gain}
		if cf.Get("cost") == nil && cf.OK() {
			p.Failf(c, f.Sub("control")+".cost", "missing: the cost of the control option, a number in [0, 1e9]")
		}
		p.Float(cf, "cost", &ctl.Cost, 0, 1e9, false, false)
		p.Float(cf, "gain", &ctl.Gain, 0, 1e9, false, false)
		p.Float(cf, "loss", &ctl.Loss, 0, 1e9, false, false)
		sit.Control = ctl
	}
}
