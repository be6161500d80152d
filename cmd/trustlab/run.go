package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/trustlab/trustlab/internal/outdir"
	"github.com/trustlab/trustlab/scenario"
	"github.com/trustlab/trustlab/sim"
	"github.com/trustlab/trustlab/simrun"
)

const runSynopsis = `trustlab run SCENARIO.yaml [--out DIR] [--workers N] [--seed S] [--steps T] [--quiet] [--force]

Run an agent-based simulation of the pyramid model described by a scenario
file (see docs/simulation.md and examples/). Writes steps.csv, agents.csv,
plots (SVG and PNG), index.html and manifest.json into the output folder.
Results depend on the seed only, never on --workers. The outputs are
written into a temporary folder beside DIR that replaces DIR only at the
end, so a failed run leaves DIR as it was and --force leaves no stale
files. Ctrl-C stops cleanly: the outputs so far are written (into DIR, or
beside it if DIR holds a previous run) and the manifest says complete: false. A run that was killed leaves its partial
outputs beside DIR; the next run into DIR says so (--force starts over).

Examples:
  trustlab run examples/trust-trap.yaml
  trustlab run examples/ppb1.yaml --out runs/ppb1 --workers 2 --steps 20`

func cmdRun(e *env, args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var (
		out          string
		workers      int
		seed, steps  optFloat
		quiet, force bool
	)
	fs.StringVar(&out, "out", "", "output `DIR` (default: runs/<time>-<scenario name>)")
	fs.IntVar(&workers, "workers", 0, "worker goroutines, [1, 1024] (default: the number of CPUs); results do not depend on it")
	fs.Var(&seed, "seed", "random seed, a whole number in [0, 2^64-1] (default: the scenario's seed)")
	fs.Var(&steps, "steps", "number of steps, [1, 1e9] (default: the scenario's steps)")
	fs.BoolVar(&quiet, "quiet", false, "no progress bar")
	fs.BoolVar(&force, "force", false, "replace an output folder that already holds a run")
	forceSize := fs.Bool("force-size", false, "run even when the run is predicted to need more memory than this machine has")

	// Flags may come before or after the scenario file.
	var positional []string
	rest := args
	for {
		if err := parseFlags(fs, rest, e.stdout, runSynopsis); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	file, err := oneFile("run", "scenario file", positional, "run: missing the scenario file (trustlab run SCENARIO.yaml)")
	if err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["workers"] && (workers < 1 || workers > 1024) {
		return usageErrorf("--workers = %d: must be in [1, 1024]", workers)
	}

	sc, err := scenario.Load(file)
	if err != nil {
		return usageErrorf("%s", strings.ReplaceAll(err.Error(), "\n", "\n"))
	}
	if seed.set {
		if seed.v < 0 || seed.v != float64(uint64(seed.v)) || seed.v >= 1<<64 {
			return usageErrorf("--seed = %g: must be a whole number in [0, 18446744073709551615]", seed.v)
		}
		sc.Seed = uint64(seed.v)
	}
	if steps.set {
		if steps.v < 1 || steps.v > scenario.MaxSteps || steps.v != float64(int(steps.v)) {
			return usageErrorf("--steps = %g: must be a whole number in [1, %d]", steps.v, scenario.MaxSteps)
		}
		sc.Steps = int(steps.v)
	}
	if err := checkRunSize(sc, *forceSize); err != nil {
		return err
	}
	s, err := sim.New(sc, sim.Options{Workers: workers})
	if err != nil {
		return usageErrorf("%v", err)
	}

	if out == "" {
		out = filepath.Join("runs", time.Now().Format("20060102-150405")+"-"+safeName(sc.Name))
	}
	d, err := beginOut(out, force)
	if err != nil {
		return err
	}
	defer d.Abort() // a failed run leaves the previous folder as it was

	var bar *progressbar.ProgressBar
	progress := func(done, total int) {}
	if !quiet && isTerminal(e.stderr) {
		bar = progressbar.NewOptions(sc.Steps,
			progressbar.OptionSetWriter(e.stderr),
			progressbar.OptionSetDescription(sc.Name),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionShowElapsedTimeOnFinish(),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
		progress = func(done, total int) { bar.Set(done) }
	}
	man, err := simrun.Run(e.ctx, s, d.Path(), simrun.Options{Version: version, Progress: progress})
	if bar != nil {
		bar.Exit()
	}
	if err != nil {
		if errors.Is(err, simrun.ErrInterrupted) {
			// Ctrl-C: the outputs so far are consistent (the manifest says
			// complete: false). They become --out, unless that would
			// replace a previous run (--force): that one is kept.
			if d.Replaces() {
				d.Keep()
				return fmt.Errorf("%v; the previous run in %s is kept; outputs so far are in %s (manifest.json says complete: false)", err, out, d.Path())
			}
			if cerr := d.Commit(); cerr != nil {
				return fmt.Errorf("%v; %w", err, cerr)
			}
			return fmt.Errorf("%v; outputs so far are in %s (manifest.json says complete: false)", err, out)
		}
		if wroteSteps(d.Path()) {
			// Never lose steps already written (a run of hours that fails
			// while drawing its plots): they stay beside --out.
			d.Keep()
			return fmt.Errorf("run: %w (%s is unchanged; the outputs written so far are in %s)", err, out, d.Path())
		}
		return fmt.Errorf("run: %w (%s is unchanged)", err, out)
	}
	if err := d.Commit(); err != nil {
		return fmt.Errorf("run: %w", err)
	}
	fmt.Fprintf(e.stdout, "%s: %d agents x %d steps in %.3g s (%.3g interactions/s, %s kernel, %d workers)\n",
		sc.Name, man.Agents, man.StepsDone, man.LoopSeconds, man.InteractionsPerSecond, man.Kernel, man.Workers)
	fmt.Fprintf(e.stdout, "outputs in %s: %s\n", out, strings.Join(man.Files, ", "))
	return nil
}

// beginOut starts writing the run's output folder through outdir: the
// outputs go to a temporary sibling folder that replaces dir only when the
// run ends. It refuses a folder that holds files (a run unless force is
// set), and says so when an earlier run into dir was cut off (killed).
func beginOut(dir string, force bool) (*outdir.Dir, error) {
	d, err := outdir.Begin(dir, force)
	var ee *outdir.ExistsError
	var ce *outdir.CutOffError
	switch {
	case err == nil:
		return d, nil
	case errors.As(err, &ee) && ee.Output && !force:
		return nil, usageErrorf("--out = %q: already holds a run (%s); use --force to overwrite it", dir, outdir.Marker)
	case errors.As(err, &ee):
		return nil, usageErrorf("--out = %q: %s", dir, strings.TrimPrefix(ee.Error(), ee.Path+" "))
	case errors.As(err, &ce):
		return nil, usageErrorf("--out = %q: %s", dir, cutOffMessage(ce))
	}
	return nil, fmt.Errorf("--out = %q: %w", dir, err)
}

// wroteSteps reports whether steps.csv in dir holds at least one step
// (more than its header line).
func wroteSteps(dir string) bool {
	f, err := os.Open(filepath.Join(dir, simrun.StepsFile))
	if err != nil {
		return false
	}
	defer f.Close()
	b := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, b)
	return bytes.Count(b[:n], []byte("\n")) > 1
}

// cutOffMessage explains the leftovers of a run that was killed before it
// finished, with what its manifest says about how far it got.
func cutOffMessage(ce *outdir.CutOffError) string {
	var what []string
	for _, p := range ce.Partial {
		var m simrun.Manifest
		b, err := os.ReadFile(filepath.Join(p, simrun.ManifestFile))
		if err != nil || json.Unmarshal(b, &m) != nil {
			what = append(what, p+" (no readable manifest.json)")
			continue
		}
		what = append(what, fmt.Sprintf("%s (manifest.json: complete: false, %d of %d steps written)", p, m.StepsDone, m.Steps))
	}
	return fmt.Sprintf("an earlier run into this folder was cut off before it finished (killed, crashed or failed); a simulation cannot resume, so rerun with --force to start over (it removes the partial outputs), or look at them first: %s",
		strings.Join(what, "; "))
}

func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '-'
	}, s)
	if s == "" {
		return "run"
	}
	return s
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
