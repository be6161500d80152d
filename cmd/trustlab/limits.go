package main

import (
	"errors"
	"flag"
	"math"
	"strconv"
	"strings"

	"github.com/trustlab/trustlab/internal/sysinfo"
	"github.com/trustlab/trustlab/jobs"
	"github.com/trustlab/trustlab/scenario"
	"github.com/trustlab/trustlab/sim"
)

// limitFlags are serve's job limits; 0 means the default that fits the
// machine (jobs.DefaultLimits).
type limitFlags struct {
	agents, steps, queued int
	memory, disk          byteSize
}

// addLimitFlags registers --max-agents, --max-steps, --max-queued,
// --max-memory and --max-disk on fs.
func addLimitFlags(fs *flag.FlagSet) *limitFlags {
	var l limitFlags
	fs.IntVar(&l.agents, "max-agents", 0, "most agents in one run, [2, 2147483647] (default: as many as fit in --max-memory at 256 bytes each)")
	fs.IntVar(&l.steps, "max-steps", 0, "most steps in one run, [1, 1e9] (default: --max-memory / 1 KiB)")
	fs.IntVar(&l.queued, "max-queued", 0, "most runs and fits queued or running at once, [1, 100000] (default 32)")
	fs.Var(&l.memory, "max-memory", "most predicted memory of one run, e.g. 8G (default: half the machine's memory, shared by the --workers)")
	fs.Var(&l.disk, "max-disk", "most predicted outputs of the runs queued or running at once, e.g. 50G (default: half the data folder's free space)")
	return &l
}

// limits checks the flags and returns the limits they set.
func (l *limitFlags) limits() (jobs.Limits, error) {
	switch {
	case l.agents != 0 && (l.agents < 2 || l.agents > scenario.MaxSize):
		return jobs.Limits{}, usageErrorf("--max-agents = %d: must be in [2, %d]", l.agents, scenario.MaxSize)
	case l.steps != 0 && (l.steps < 1 || l.steps > scenario.MaxSteps):
		return jobs.Limits{}, usageErrorf("--max-steps = %d: must be in [1, %d]", l.steps, scenario.MaxSteps)
	case l.queued != 0 && (l.queued < 1 || l.queued > 100000):
		return jobs.Limits{}, usageErrorf("--max-queued = %d: must be in [1, 100000]", l.queued)
	}
	return jobs.Limits{MaxAgents: l.agents, MaxSteps: l.steps, MaxQueued: l.queued, MaxMemory: int64(l.memory), MaxDisk: int64(l.disk)}, nil
}

// byteSize is a flag holding a number of bytes, written as a whole number
// with an optional unit: K, M, G, T (powers of 1024; KiB, MiB, GiB, TiB
// and KB, MB, GB, TB mean the same).
type byteSize int64

func (b *byteSize) String() string {
	if b == nil || *b == 0 {
		return "0"
	}
	return sysinfo.FormatBytes(int64(*b))
}

func (b *byteSize) Set(s string) error {
	v, err := parseByteSize(s)
	if err != nil {
		return err
	}
	*b = byteSize(v)
	return nil
}

func parseByteSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "IB"), "B")
	mult := int64(1)
	if n := len(t); n > 0 {
		if i := strings.IndexByte("KMGTP", t[n-1]); i >= 0 {
			mult = 1 << (10 * (i + 1))
			t = t[:n-1]
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || math.IsNaN(v) || v < 1 || math.IsInf(v, 0) || v*float64(mult) >= math.MaxInt64 {
		return 0, errors.New("must be a size of at least 1 byte, such as 500M, 8G or 2T")
	}
	return int64(v * float64(mult)), nil
}

// checkRunSize refuses, unless force, a run predicted to need more memory
// than this machine has (sim.Predict).
func checkRunSize(sc *scenario.Scenario, force bool) error {
	return checkSize(sc, force, sysinfo.Memory())
}

// checkSize refuses, unless force, a run predicted to need more than mem
// bytes (0: unknown, no check).
func checkSize(sc *scenario.Scenario, force bool, mem int64) error {
	z := sim.Predict(sc)
	if force || mem <= 0 || z.MemoryBytes <= mem {
		return nil
	}
	return usageErrorf("run: %s: the run would need about %s of memory (%d agents, %d beliefs, %d steps), more than this machine's %s; "+
		"use fewer agents, partners or steps, or --force-size to run it anyway", sc.Name, sysinfo.FormatBytes(z.MemoryBytes), z.Agents, z.Edges, z.Steps, sysinfo.FormatBytes(mem))
}
