// Package engine adapts the simulation engine (packages scenario and sim)
// and the fitting workflow (package fitrun) to the job interfaces of
// package trustlab, so that the server's job machinery runs real
// simulations and fits without knowing them: [Sim] implements
// [trustlab.Runner] and [Fit] implements [trustlab.Fitter], both reporting
// real progress (steps, fitted subjects) and stopping when their context
// is cancelled.
package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/scenario"
	"github.com/trustlab/trustlab/sim"
)

// Sim runs simulations: it implements [trustlab.Runner].
type Sim struct {
	Version string // trustlab version for the manifest
	Workers int    // worker goroutines per run; 0: every CPU

	// AllowFiles lets scenarios name files (edge lists, CSV columns). A
	// server leaves it false: a client must not make it read its files.
	AllowFiles bool
}

var _ trustlab.Runner = Sim{}

// ScenarioName is the name scenarios are given in messages.
const ScenarioName = "scenario.yaml"

// Check parses and validates a scenario (errors name the line and field)
// and predicts the run's size ([sim.Predict]).
func (e Sim) Check(b []byte) (trustlab.JobSize, error) {
	sc, err := e.parse(b)
	if err != nil {
		return trustlab.JobSize{}, err
	}
	z := sim.Predict(sc)
	return trustlab.JobSize{Agents: z.Agents, Steps: z.Steps, Edges: z.Edges, MemoryBytes: z.MemoryBytes, DiskBytes: z.DiskBytes}, nil
}

func (e Sim) parse(b []byte) (*scenario.Scenario, error) {
	if !e.AllowFiles {
		if err := noFiles(b); err != nil {
			return nil, err
		}
	}
	sc, err := scenario.Parse(b, ScenarioName, "")
	if err != nil {
		return nil, trustlab.Invalid(err)
	}
	return sc, nil
}

// noFiles rejects a scenario that names a file anywhere.
func noFiles(b []byte) error {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(b)).Decode(&doc); err != nil {
		return nil // the parser reports it with its line
	}
	var walk func(n *yaml.Node) error
	walk = func(n *yaml.Node) error {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == "file" {
					k := n.Content[i]
					return &trustlab.Error{Code: trustlab.EINVALID, Field: "scenario",
						Message: fmt.Sprintf("%s:%d:%d: file: scenarios sent to the server cannot name files (edge lists, CSV columns); use a generated network and distributions, or run it with trustlab run", ScenarioName, k.Line, k.Column)}
				}
			}
		}
		for _, c := range n.Content {
			if err := walk(c); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(&doc)
}

// Run simulates the scenario, writing its outputs into out, and returns
// the manifest as JSON.
func (e Sim) Run(ctx context.Context, b []byte, out string, progress trustlab.ProgressFunc) ([]byte, error) {
	sc, err := e.parse(b)
	if err != nil {
		return nil, err
	}
	s, err := sim.New(sc, sim.Options{Workers: e.Workers})
	if err != nil {
		return nil, err
	}
	man, err := sim.Run(ctx, s, out, sim.RunOptions{Version: e.Version, Progress: progress})
	if err != nil {
		return nil, err
	}
	return json.Marshal(man)
}
