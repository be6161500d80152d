package jobrun

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/internal/srcpos"
	"github.com/trustlab/trustlab/scenario"
	"github.com/trustlab/trustlab/sim"
	"github.com/trustlab/trustlab/sweep"
)

// SweepName is the name sweep files are given in messages.
const SweepName = "sweep.yaml"

// MaxSweepRuns is the most runs (cells x replications) of one sweep on a
// server; bigger sweeps run with `trustlab sweep` (on a cluster, sharded).
const MaxSweepRuns = 10000

// Sweep runs parameter sweeps with the workflow of
// `trustlab sweep SWEEP.yaml --out DIR` (package sweep, its CellRunner):
// it implements [trustlab.Sweeper]. Sweeps sent to a server give their
// base scenario inline and name no files (sweep.ParseOptions.NoFiles).
type Sweep struct {
	Version string // trustlab version for the report
	Workers int    // runs at once; 0: every CPU
}

var _ trustlab.Sweeper = Sweep{}

// SweepManifest is what a sweep job returns (the job's manifest): the
// sweep as resolved, its size and its files.
type SweepManifest struct {
	Name         string      `json:"name"`
	Seed         uint64      `json:"seed"`
	Replications int         `json:"replications"`
	Cells        int         `json:"cells"`
	Runs         int         `json:"runs"`
	Axes         []SweepAxis `json:"axes"`
	Keep         []string    `json:"keep"`
	Metrics      []string    `json:"metrics"`
	Hash         string      `json:"hash"`
	Seconds      float64     `json:"seconds"`
	Files        []string    `json:"files"`
	Version      string      `json:"trustlab"`
}

// SweepAxis is an axis of a SweepManifest: its column name, path and the
// labels of its values.
type SweepAxis struct {
	Name   string   `json:"name"`
	Path   string   `json:"path"`
	Values []string `json:"values"`
}

func (e Sweep) parse(b []byte) (*sweep.Sweep, *sweep.Spec, error) {
	sw, err := sweep.ParseWith(SweepName, b, sweep.ParseOptions{NoFiles: true})
	if err == nil {
		var spec *sweep.Spec
		if spec, err = sw.Spec(); err == nil {
			return sw, spec, nil
		}
	}
	if _, ok := srcpos.As(err); ok {
		return nil, nil, trustlab.Invalid(err)
	}
	return nil, nil, trustlab.Invalid(&trustlab.Error{Code: trustlab.EINVALID, Field: "sweep", Message: err.Error()})
}

// Check parses the sweep file, checks every cell's scenario (errors point
// at the sweep file's lines) and predicts its size: the largest run's
// agents, steps and memory (times the runs at once), and the disk of all
// runs' outputs.
func (e Sweep) Check(b []byte) (trustlab.JobSize, error) {
	sw, spec, err := e.parse(b)
	if err != nil {
		return trustlab.JobSize{}, err
	}
	if n := spec.NumRuns(); n > MaxSweepRuns {
		return trustlab.JobSize{}, &trustlab.Error{Code: trustlab.ELIMIT, Field: "axes", Range: fmt.Sprintf("[1, %d] runs", MaxSweepRuns),
			Message: fmt.Sprintf("%d cells x %d replications = %d runs: over this server's limit of %d runs per sweep (run it with trustlab sweep, sharded on a cluster: docs/deploy.md)", spec.NumCells(), spec.Replications, n, MaxSweepRuns)}
	}
	if err := sw.Check(sweep.CellRunner{NoFiles: true}); err != nil {
		if _, ok := srcpos.As(err); ok {
			return trustlab.JobSize{}, trustlab.Invalid(err)
		}
		return trustlab.JobSize{}, trustlab.Invalid(&trustlab.Error{Code: trustlab.EINVALID, Field: "sweep", Message: err.Error()})
	}
	var z trustlab.JobSize
	for i := range spec.NumCells() {
		s, err := sw.CellScenario(spec.Cell(i))
		if err != nil {
			return z, trustlab.Invalid(err)
		}
		sc, err := scenario.ParseWith(s.YAML, s.Name, "", scenario.ParseOptions{NoFiles: true})
		if err != nil {
			return z, trustlab.Invalid(err)
		}
		p := sim.Predict(sc)
		z.Agents, z.Steps, z.Edges = max(z.Agents, p.Agents), max(z.Steps, p.Steps), max(z.Edges, p.Edges)
		z.MemoryBytes = max(z.MemoryBytes, p.MemoryBytes)
		// A cell file: the summary, and with keep: series every step's
		// rows of 16 numbers; the tables hold as much again.
		rows := int64(1)
		if spec.KeepSeries() {
			rows += int64(p.Steps) * int64(len(sc.Population.Groups)+1)
		}
		z.DiskBytes += 2 * int64(spec.Replications) * (rows*16*20 + 1024)
	}
	z.MemoryBytes *= int64(e.workers())
	return z, nil
}

func (e Sweep) workers() int {
	if e.Workers > 0 {
		return e.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// Run runs the sweep into out (cells/, sweep.json, runs.csv, summary.csv,
// steps.csv with keep: series, plots/ and index.html) and returns its
// SweepManifest as JSON. Progress counts runs; its phases say what the
// sweep does (checking cells, run i of n, writing the tables and plots).
func (e Sweep) Run(ctx context.Context, b []byte, out string, progress trustlab.ProgressFunc) ([]byte, error) {
	sw, spec, err := e.parse(b)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	total, done := spec.NumRuns(), 0
	opt := sweep.Options{
		Workers: e.workers(),
		MaxDisk: -1, // the job's predicted outputs were admitted against the server's limits
		Preparing: func(what string, d, n int) {
			trustlab.ReportPhase(ctx, fmt.Sprintf("%s: %d of %d", what, d, n))
		},
		Start: func(todo, already int) {
			done = already
			progress(done, total)
			trustlab.ReportPhase(ctx, fmt.Sprintf("running %d runs (%d cells x %d replications)", todo, spec.NumCells(), spec.Replications))
		},
		Progress: func() {
			done++
			progress(done, total)
			trustlab.ReportPhase(ctx, fmt.Sprintf("run %d of %d done", done, total))
		},
	}
	if _, err := sweep.Execute(ctx, sw, out, sweep.CellRunner{NoFiles: true}, opt); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	trustlab.ReportPhase(ctx, "writing the tables, plots and report")
	col, files, err := sweep.Finish([]string{out}, out, sweep.FinishOptions{Report: sweep.ReportOptions{Version: e.Version}})
	if err != nil {
		return nil, err
	}
	man := SweepManifest{Name: spec.Name, Seed: spec.Seed, Replications: spec.Replications, Cells: spec.NumCells(), Runs: spec.NumRuns(),
		Keep: spec.Keep, Metrics: col.Metrics, Hash: spec.Hash, Seconds: time.Since(start).Seconds(), Files: append(files, sweep.SpecFile), Version: e.Version}
	for k, a := range spec.Axes {
		ax := SweepAxis{Name: a.Name, Path: a.Path}
		for v := range a.Values {
			ax.Values = append(ax.Values, spec.Label(k, v))
		}
		man.Axes = append(man.Axes, ax)
	}
	man.Files = append(man.Files, "manifest.json")
	b, err = json.MarshalIndent(man, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(out, "manifest.json"), append(b, '\n'), 0o644); err != nil {
		return nil, err
	}
	return json.Marshal(man)
}
