package jobrun

import (
	"context"
	"encoding/json"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/scenario"
	"github.com/trustlab/trustlab/sim"
	"github.com/trustlab/trustlab/simrun"
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
	// A server refuses file: keys (a client must not make it read its
	// files): each is a positioned error of the parse.
	sc, err := scenario.ParseWith(b, ScenarioName, "", scenario.ParseOptions{NoFiles: !e.AllowFiles})
	if err != nil {
		return nil, trustlab.Invalid(err)
	}
	return sc, nil
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
	man, err := simrun.Run(ctx, s, out, simrun.Options{Version: e.Version, Progress: progress})
	if err != nil {
		return nil, err
	}
	return json.Marshal(man)
}
