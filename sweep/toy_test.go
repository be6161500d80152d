package sweep

// This file holds toyRunner, a TEST DOUBLE for the Runner (the simulation): a
// small, strict scenario format and a cheap stochastic "simulation", so
// that the sweep machinery (expansion, seeds, cell files, restart,
// sharding, merge) can be tested fast and without package sim. Shipped
// code never uses it: the CLI runs CellRunner.

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/trustlab/trustlab/internal/rng"
	"github.com/trustlab/trustlab/internal/srcpos"
	"go.yaml.in/yaml/v3"
)

type toyGroup struct {
	name         string
	share, trait float64
}

type toyScenario struct {
	steps, agents int
	groups        []toyGroup
	regime        string
	omega         float64
}

// toyRunner is the test double. calls counts runs; failOn makes runs of
// a given seed fail; afterRun is called after each run.
type toyRunner struct {
	calls    atomic.Int64
	failOn   map[uint64]bool
	afterRun func(n int64)
}

type toyErr struct {
	name      string
	line, col int
	msg       string
}

func (e *toyErr) Error() string { return fmt.Sprintf("%s:%d:%d: %s", e.name, e.line, e.col, e.msg) }

// Pos and FieldPath make toyErr a srcpos.Positioned, as the real runner's
// scenario errors are: Check maps its position back to the sweep file.
func (e *toyErr) Pos() srcpos.Pos { return srcpos.Pos{File: e.name, Line: e.line, Column: e.col} }

func (e *toyErr) FieldPath() string { return "" }

func (t *toyRunner) parse(s Scenario) (*toyScenario, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(s.YAML, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", s.Name, err)
	}
	bad := func(n *yaml.Node, format string, a ...any) error {
		return &toyErr{s.Name, n.Line, n.Column, fmt.Sprintf(format, a...)}
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, &toyErr{s.Name, 1, 1, "a scenario is a mapping"}
	}
	sc := &toyScenario{steps: 20, agents: 200, regime: "own", omega: 0.5}
	num := func(n *yaml.Node, field string, lo, hi float64) (float64, error) {
		if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") {
			return 0, bad(n, "%s: must be a number in [%g, %g], got %q", field, lo, hi, n.Value)
		}
		v, _ := strconv.ParseFloat(n.Value, 64)
		if v < lo || v > hi {
			return 0, bad(n, "%s: %g out of range [%g, %g]", field, v, lo, hi)
		}
		return v, nil
	}
	integer := func(n *yaml.Node, field string, lo, hi int) (int, error) {
		if n.Tag != "!!int" {
			return 0, bad(n, "%s: must be a whole number in [%d, %d], got %q", field, lo, hi, n.Value)
		}
		v, _ := strconv.Atoi(n.Value)
		if v < lo || v > hi {
			return 0, bad(n, "%s: %d out of range [%d, %d]", field, v, lo, hi)
		}
		return v, nil
	}
	var walk func(n *yaml.Node, path string) error
	walk = func(n *yaml.Node, path string) error {
		allowed := map[string][]string{
			"":           {"steps", "agents", "population", "feedback"},
			"population": {"groups"},
			"feedback":   {"regime", "omega"},
			"group":      {"name", "share", "trait"},
		}[path]
		if n.Kind != yaml.MappingNode {
			return bad(n, "%s: must be a mapping", path)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			ok := false
			for _, a := range allowed {
				ok = ok || a == k.Value
			}
			if !ok {
				return bad(k, "unknown key %q (allowed: %s)", k.Value, strings.Join(allowed, ", "))
			}
			var err error
			switch path + "/" + k.Value {
			case "/steps":
				sc.steps, err = integer(v, "steps", 1, 1000)
			case "/agents":
				sc.agents, err = integer(v, "agents", 1, 100000)
			case "/population", "/feedback":
				err = walk(v, k.Value)
			case "population/groups":
				if v.Kind != yaml.SequenceNode {
					return bad(v, "groups: must be a list")
				}
				for _, it := range v.Content {
					sc.groups = append(sc.groups, toyGroup{trait: 0.5, share: -1})
					if err := walk(it, "group"); err != nil {
						return err
					}
				}
			case "group/name":
				sc.groups[len(sc.groups)-1].name = v.Value
			case "group/share":
				sc.groups[len(sc.groups)-1].share, err = num(v, "share", 0, 1)
			case "group/trait":
				sc.groups[len(sc.groups)-1].trait, err = num(v, "trait", 0, 1)
			case "feedback/regime":
				if v.Value != "own" && v.Value != "full" && v.Value != "social" {
					return bad(v, "regime: %q is not one of own, full, social", v.Value)
				}
				sc.regime = v.Value
			case "feedback/omega":
				sc.omega, err = num(v, "omega", 0, 10)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(doc.Content[0], ""); err != nil {
		return nil, err
	}
	// Groups without a share share the rest.
	total, unset := 0.0, 0
	for _, g := range sc.groups {
		if g.share < 0 {
			unset++
		} else {
			total += g.share
		}
	}
	if len(sc.groups) > 0 && (unset == 0 && math.Abs(total-1) > 1e-9 || total > 1+1e-9) {
		return nil, &toyErr{s.Name, 1, 1, fmt.Sprintf("population.groups: shares sum to %g, want 1", total)}
	}
	return sc, nil
}

func (t *toyRunner) Check(s Scenario) error {
	_, err := t.parse(s)
	return err
}

func (t *toyRunner) Run(ctx context.Context, s Scenario, seed uint64) (Result, error) {
	sc, err := t.parse(s)
	if err != nil {
		return Result{}, err
	}
	if t.failOn[seed] {
		return Result{}, fmt.Errorf("toy runner: failing on seed %d as asked", seed)
	}
	r := rng.Stream(seed)
	exploit := 0.0
	for _, g := range sc.groups {
		if g.name == "exploiter" {
			exploit = g.share
		}
	}
	learn := map[string]float64{"own": 0.02, "full": 0.08, "social": 0.05}[sc.regime]
	belief := 0.5
	res := Result{Series: Series{Metrics: []string{"trust_rate", "welfare"}}}
	welfare := 0.0
	for step := 1; step <= sc.steps; step++ {
		trusted, gain := 0, 0.0
		for range sc.agents {
			if r.Float64() < belief {
				trusted++
				if r.Float64() < exploit {
					gain -= 1
				} else {
					gain += 1
				}
			}
		}
		rate := float64(trusted) / float64(sc.agents)
		belief += learn * ((1 - 2*exploit) - belief)
		belief = math.Min(0.99, math.Max(0.01, belief))
		welfare += gain / float64(sc.agents)
		res.Series.Rows = append(res.Series.Rows, Step{Step: step, Group: "all", Values: []float64{rate, welfare}})
	}
	last := res.Series.Rows[len(res.Series.Rows)-1]
	res.Summary = []Metric{{"final_trust", last.Values[0]}, {"welfare", last.Values[1]}}
	n := t.calls.Add(1)
	if t.afterRun != nil {
		t.afterRun(n)
	}
	return res, ctx.Err()
}
