package simrun

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/trustlab/trustlab/sim"
)

// Files written into a run's output folder.
const (
	StepsFile    = "steps.csv"
	AgentsFile   = "agents.csv"
	ManifestFile = "manifest.json"
	IndexFile    = "index.html"
)

// AgentsHeader is the header of agents.csv.
var AgentsHeader = []string{"id", "group", "behaviour", "trait_start", "trait_end", "trustworthiness", "payoff",
	"trusts_given", "trusts_received", "controls", "betrayals"}

// Options tunes Run.
type Options struct {
	Version  string                // trustlab version for the manifest
	Progress func(done, total int) // called after every step, from Run's goroutine
}

// Manifest describes a run: what ran, how long it took and whether it
// finished. It is written to manifest.json.
type Manifest struct {
	Trustlab     string          `json:"trustlab"`
	ScenarioFile string          `json:"scenario_file"`
	ScenarioHash string          `json:"scenario_hash"`
	Scenario     json.RawMessage `json:"scenario"`
	Seed         uint64          `json:"seed"`
	Workers      int             `json:"workers"`
	Shards       int             `json:"shards"`
	ShardSize    int             `json:"shard_size"`
	Kernel       string          `json:"kernel"`
	Agents       int             `json:"agents"`
	Steps        int             `json:"steps"`
	StepsDone    int             `json:"steps_done"`
	Complete     bool            `json:"complete"`

	Start                 time.Time `json:"start"`
	End                   time.Time `json:"end"`
	LoopSeconds           float64   `json:"loop_seconds"`
	Interactions          int64     `json:"interactions"`
	InteractionsPerSecond float64   `json:"interactions_per_second"`
	PeakRSSBytes          int64     `json:"peak_rss_bytes"`
	StateBytes            int64     `json:"state_bytes"`
	StateBytesPerAgent    float64   `json:"state_bytes_per_agent"`
	PeakRSSBytesPerAgent  float64   `json:"peak_rss_bytes_per_agent"`

	Final sim.Final `json:"final"`
	Files []string  `json:"files"`
}

// ErrInterrupted is returned by Run when its context was cancelled: the
// outputs so far are written and the manifest says complete: false.
var ErrInterrupted = errors.New("run interrupted")

// Run steps s to the end of its scenario (or until ctx is cancelled) and
// writes steps.csv, agents.csv, the plots, index.html and manifest.json
// into dir, which must exist. It returns the manifest. While it runs, the
// manifest (complete: false) is rewritten every second with steps_done, the
// steps already flushed to steps.csv, so a killed run says how far it got.
func Run(ctx context.Context, s *sim.Sim, dir string, opt Options) (*Manifest, error) {
	sc := s.Scenario()
	man := &Manifest{
		Trustlab: opt.Version, ScenarioFile: sc.File, ScenarioHash: sc.Hash(), Scenario: sc.Canonical(),
		Seed: sc.Seed, Workers: s.Workers(), Shards: s.Shards(), ShardSize: sim.ShardSize, Kernel: s.Kernel(),
		Agents: s.N(), Steps: sc.Steps, Start: time.Now().UTC(),
	}
	if err := writeManifest(dir, man); err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(dir, StepsFile))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<16)
	bw.WriteString(strings.Join(sim.RowHeader, ",") + "\n")
	man.Files = append(man.Files, StepsFile)

	var rows []sim.Row
	var loop time.Duration
	interrupted := false
	lastSave := time.Now()
	for s.Steps() < sc.Steps {
		if ctx.Err() != nil {
			interrupted = true
			break
		}
		t0 := time.Now()
		r := s.Step()
		loop += time.Since(t0)
		rows = append(rows, r...)
		var buf []byte
		for _, row := range r {
			buf = appendRow(buf[:0], row)
			bw.Write(buf)
		}
		if opt.Progress != nil {
			opt.Progress(s.Steps(), sc.Steps)
		}
		if time.Since(lastSave) >= checkpointEvery {
			// If the process is killed, the manifest says how far it got:
			// steps.csv holds at least StepsDone steps.
			if err := bw.Flush(); err != nil {
				return nil, err
			}
			man.StepsDone = s.Steps()
			if err := writeManifest(dir, man); err != nil {
				return nil, err
			}
			lastSave = time.Now()
		}
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	man.StepsDone = s.Steps()
	man.LoopSeconds = loop.Seconds()
	man.Interactions = s.Interactions()
	if loop > 0 {
		man.InteractionsPerSecond = float64(s.Interactions()) / loop.Seconds()
	}
	man.Final = s.Final()
	if sc.Outputs.Agents {
		if err := writeAgents(s, filepath.Join(dir, AgentsFile)); err != nil {
			return nil, err
		}
		man.Files = append(man.Files, AgentsFile)
	}
	man.StateBytes = s.StateBytes()
	man.StateBytesPerAgent = float64(man.StateBytes) / float64(s.N())
	man.PeakRSSBytes = PeakRSS()
	man.PeakRSSBytesPerAgent = float64(man.PeakRSSBytes) / float64(s.N())
	man.Complete = !interrupted
	man.End = time.Now().UTC()
	if sc.Outputs.Plots && len(rows) > 0 {
		files, err := writeReport(dir, s, rows, man)
		if err != nil {
			return nil, err
		}
		man.Files = append(man.Files, files...)
	}
	man.Files = append(man.Files, ManifestFile)
	if err := writeManifest(dir, man); err != nil {
		return nil, err
	}
	if interrupted {
		return man, fmt.Errorf("%w after %d of %d steps", ErrInterrupted, s.Steps(), sc.Steps)
	}
	return man, nil
}

// checkpointEvery is how often Run flushes steps.csv and rewrites the
// manifest with the steps done so far.
const checkpointEvery = time.Second

// writeManifest writes manifest.json through a temporary file and a
// rename, so a kill never leaves half a manifest.
func writeManifest(dir string, m *Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	tmp := filepath.Join(dir, ManifestFile+".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, ManifestFile))
}

// appendFloat writes v with 8 significant digits, NA for NaN.
func appendFloat(b []byte, v float64) []byte {
	if math.IsNaN(v) {
		return append(b, "NA"...)
	}
	return strconv.AppendFloat(b, v, 'g', 8, 64)
}

// appendRow writes r as a line of steps.csv: the columns of
// sim.RowHeader, step, group and agents as integers.
func appendRow(b []byte, r sim.Row) []byte {
	b = strconv.AppendInt(b, int64(r.Step), 10)
	b = append(b, ',')
	b = append(b, r.Group...)
	b = append(b, ',')
	b = strconv.AppendInt(b, r.Agents, 10)
	for _, v := range r.Values()[1:] {
		b = append(b, ',')
		b = appendFloat(b, v)
	}
	return append(b, '\n')
}

// writeAgents writes agents.csv: one line per agent, in id order.
func writeAgents(s *sim.Sim, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	bw.WriteString(strings.Join(AgentsHeader, ",") + "\n")
	var b []byte
	s.Agents(func(r sim.AgentRow) {
		b = strconv.AppendInt(b[:0], int64(r.ID), 10)
		b = append(b, ',')
		b = append(b, r.Group...)
		b = append(b, ',')
		b = append(b, r.Behaviour...)
		for _, v := range []float64{r.TraitStart, r.TraitEnd, r.Trustworthiness, r.Payoff} {
			b = append(b, ',')
			b = appendFloat(b, v)
		}
		for _, v := range []uint64{r.TrustsGiven, r.TrustsReceived, r.Controls, r.Betrayals} {
			b = append(b, ',')
			b = strconv.AppendUint(b, v, 10)
		}
		b = append(b, '\n')
		bw.Write(b)
	})
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// PeakRSS is the process's peak resident set size (VmHWM) in bytes, 0
// where /proc is not available.
func PeakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(v)
			if len(f) >= 1 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}
