package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/trustlab/trustlab/scenario"
	"github.com/trustlab/trustlab/sweep"
)

const sweepSynopsis = `trustlab sweep SWEEP.yaml --out DIR [--workers N] [--shard I/N | --shards N] [--format csv|parquet] [--metrics LIST] [--max-disk SIZE] [--no-plots] [--quiet]

Run a parameter sweep: a base scenario, axes of values for any of its
parameters, and replications (see docs/sweeps.md and examples/sweeps/).
Every run's seed derives from the sweep seed and the cell's values, so
results never depend on --workers or on sharding. Each run is written to
DIR/cells as soon as it finishes; running the same command again skips
finished runs and re-runs incomplete ones. Without sharding, the tables
(runs.csv, steps.csv, summary.csv), plots and index.html are written to
DIR at the end. Before running anything it checks every cell (showing
progress on big sweeps; Ctrl-C stops it) and predicts the disk space of
the cell files: a sweep that would need more than --max-disk (by default
the free space) is refused.

On a cluster, each task runs one shard: --shard I/N, or the scheduler's
variables (Slurm job arrays: SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT;
Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX with --shards N or
TRUSTLAB_SHARDS). Then 'trustlab merge DIR' writes the tables
(docs/deploy.md).

Examples:
  trustlab sweep examples/sweeps/exploiters.yaml --out sweeps/exploiters
  trustlab sweep examples/sweeps/exploiters.yaml --out /shared/exploiters --shard 2/8`

func cmdSweep(e *env, args []string) error {
	fs := flag.NewFlagSet("sweep", flag.ContinueOnError)
	var (
		out, shardFlag, format, metrics string
		workers, shards                 int
		noPlots, quiet                  bool
	)
	fs.StringVar(&out, "out", "", "output `DIR` (required); run the same command again to resume")
	fs.IntVar(&workers, "workers", 0, "runs at once, [1, 1024] (default: the number of CPUs); results do not depend on it")
	fs.StringVar(&shardFlag, "shard", "", "run only shard `I/N`: the cells whose index is I modulo N, with all their replications (default: from the scheduler's environment, or the whole sweep)")
	fs.IntVar(&shards, "shards", 0, "number of shards `N` for a Kubernetes Indexed Job (JOB_COMPLETION_INDEX gives I)")
	fs.StringVar(&format, "format", "csv", "table format: csv, or parquet for CSV and Parquet")
	fs.StringVar(&metrics, "metrics", "", "plot only these end-of-run metrics, comma-separated (default: all; the tables keep all)")
	var maxDisk string
	fs.StringVar(&maxDisk, "max-disk", "", "refuse a sweep whose cell files are predicted to need more than `SIZE` (e.g. 500MB, 20GiB; none for no limit; default: the free space)")
	fs.BoolVar(&noPlots, "no-plots", false, "write no plots and no index.html")
	fs.BoolVar(&quiet, "quiet", false, "no progress bar or progress lines")
	positional, err := parseInterspersed(fs, args, e.stdout, sweepSynopsis)
	if err != nil {
		return err
	}
	file, err := oneFile("sweep", "sweep file", positional, "sweep: missing the sweep file (trustlab sweep SWEEP.yaml --out DIR)")
	if err != nil {
		return err
	}
	if out == "" {
		return usageErrorf("sweep: --out DIR is required (the directory that holds the runs; give the same one to resume)")
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["workers"] && (workers < 1 || workers > 1024) {
		return usageErrorf("--workers = %d: must be in [1, 1024]", workers)
	}
	fo, err := finishOptions(format, metrics, noPlots)
	if err != nil {
		return err
	}
	maxDiskBytes, err := parseSize(maxDisk)
	if err != nil {
		return usageErrorf("--max-disk = %q: %v", maxDisk, err)
	}
	if set["shards"] && (shards < 1 || shards > sweep.MaxShards) {
		return usageErrorf("--shards = %d: must be in [1, %d]", shards, sweep.MaxShards)
	}
	var shard sweep.Shard
	source := ""
	if shardFlag != "" {
		if set["shards"] {
			return usageErrorf("--shards: give either --shard I/N or --shards N (with JOB_COMPLETION_INDEX), not both")
		}
		if shard, err = sweep.ParseShard(shardFlag); err != nil {
			return usageErrorf("--shard = %v", err)
		}
		source = "--shard"
	} else {
		if shard, source, err = sweep.ShardFromEnv(os.Getenv, shards); err != nil {
			return usageErrorf("%v", err)
		}
		if set["shards"] && source == "" {
			return usageErrorf("--shards = %d: %s is not set; to run one shard by hand, give --shard I/N", shards, sweep.EnvK8sIndex)
		}
	}

	sw, err := sweep.Load(file)
	if err != nil {
		return sweepInputError(err)
	}
	spec, err := sw.Spec()
	if err != nil {
		return sweepInputError(err)
	}
	where := ""
	if !shard.Whole() {
		where = fmt.Sprintf(", shard %s (%s)", shard, source)
	}
	header := func() {
		fmt.Fprintf(e.stderr, "sweep %s: %d cells x %d replications = %d runs%s\n", spec.Name, spec.NumCells(), spec.Replications, spec.NumRuns(), where)
	}
	var bar *progressbar.ProgressBar
	var opt sweep.Options
	opt.Workers, opt.Shard, opt.MaxDisk = workers, shard, maxDiskBytes
	if !quiet {
		opt.Preparing = preparingProgress(e.stderr)
	}
	if !quiet && isTerminal(e.stderr) {
		opt.Start = func(todo, done int) {
			header()
			if done > 0 {
				fmt.Fprintf(e.stderr, "resuming: %d runs already done\n", done)
			}
			bar = progressbar.NewOptions(todo,
				progressbar.OptionSetWriter(e.stderr),
				progressbar.OptionSetDescription("runs"),
				progressbar.OptionShowCount(),
				progressbar.OptionSetPredictTime(true),
				progressbar.OptionShowElapsedTimeOnFinish(),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionClearOnFinish(),
			)
		}
		opt.Progress = func() { bar.Add(1) }
	} else if !quiet {
		// Logs of cluster jobs: a line at every tenth of the shard.
		var todo, ran int
		start := time.Now()
		opt.Start = func(t, done int) {
			todo = t
			header()
			fmt.Fprintf(e.stderr, "%d runs already done, %d to run\n", done, todo)
		}
		opt.Progress = func() {
			ran++
			if ran == todo || ran*10/todo != (ran-1)*10/todo {
				el := time.Since(start)
				eta := time.Duration(float64(el) / float64(ran) * float64(todo-ran))
				fmt.Fprintf(e.stderr, "%d/%d runs (%.0f%%), elapsed %s, remaining ~%s\n", ran, todo, 100*float64(ran)/float64(todo), el.Round(time.Second), eta.Round(time.Second))
			}
		}
	}
	t0 := time.Now()
	st, err := sweep.Execute(e.ctx, sw, out, sweep.CellRunner{}, opt)
	if bar != nil {
		bar.Exit()
	}
	for _, r := range st.Redone {
		fmt.Fprintf(e.stderr, "re-ran %s\n", r)
	}
	if err != nil {
		return sweepInputError(err)
	}
	fmt.Fprintf(e.stdout, "%d runs%s: %d done before, %d run now", st.Runs, where, st.Skipped, st.Ran)
	if st.Ran > 0 {
		fmt.Fprintf(e.stdout, " in %.3g s", time.Since(t0).Seconds())
	}
	fmt.Fprintln(e.stdout)
	if !shard.Whole() {
		fmt.Fprintf(e.stdout, "cell files in %s/%s; when every shard is done: trustlab merge %s\n", out, sweep.CellsDir, out)
		return nil
	}
	return finish(e, []string{out}, out, fo)
}

// finish writes the tables, plots and index.html of a complete sweep.
func finish(e *env, dirs []string, out string, opt sweep.FinishOptions) error {
	opt.Report.Version = version
	_, files, err := sweep.Finish(dirs, out, opt)
	if err != nil {
		return sweepInputError(err)
	}
	var shown []string
	plots := 0
	for _, f := range files {
		if strings.HasPrefix(f, sweep.PlotsDir+"/") {
			plots++
			continue
		}
		shown = append(shown, f)
	}
	if plots > 0 {
		shown = append(shown, fmt.Sprintf("%d plots in %s/", plots, sweep.PlotsDir))
	}
	fmt.Fprintf(e.stdout, "outputs in %s: %s\n", out, strings.Join(shown, ", "))
	return nil
}

// sweepInputError turns problems of the user's files (*sweep.Error, a
// base scenario's *scenario.Error) and a sweep too big for the disk
// (*sweep.DiskError) into usage errors (exit status 2).
func sweepInputError(err error) error {
	var se *sweep.Error
	var ce *scenario.Error
	var de *sweep.DiskError
	if errors.As(err, &se) || errors.As(err, &ce) || errors.As(err, &de) {
		return usageErrorf("%v", err)
	}
	return err
}

// preparingProgress reports the checking of cells and the reading of
// finished runs, which take a while on sweeps of millions of cells: a line
// every two seconds once a phase has run for two seconds, so small sweeps
// print nothing.
func preparingProgress(w io.Writer) func(what string, done, total int) {
	var phase string
	var start, last time.Time
	return func(what string, done, total int) {
		now := time.Now()
		if what != phase {
			phase, start, last = what, now, now
		}
		if now.Sub(last) < 2*time.Second && (done < total || now.Sub(start) < 2*time.Second) {
			return
		}
		last = now
		fmt.Fprintf(w, "%s: %d of %d (%.0f%%), elapsed %s\n", what, done, total, 100*float64(done)/float64(total), now.Sub(start).Round(time.Second))
	}
}

// parseSize parses a --max-disk size: a number with an optional unit
// (B, kB, MB, GB, TB in powers of 1000; KiB, MiB, GiB, TiB in powers of
// 1024), or "none" for no limit (-1). "" is the default, 0: the free space.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	switch strings.ToLower(t) {
	case "":
		return 0, nil
	case "none":
		return -1, nil
	}
	units := []struct {
		suffix string
		mult   float64
	}{{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
		{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12}, {"k", 1e3}, {"m", 1e6}, {"g", 1e9}, {"t", 1e12}, {"b", 1}}
	num, mult := strings.ToLower(t), 1.0
	for _, u := range units {
		if strings.HasSuffix(num, u.suffix) {
			num, mult = strings.TrimSpace(strings.TrimSuffix(num, u.suffix)), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || !(v > 0) || v*mult > 1<<62 {
		return 0, errors.New("must be a size above 0 such as 500MB or 20GiB, or none")
	}
	return int64(v * mult), nil
}

// parseMetrics parses --metrics: a comma-separated list of end-of-run
// metrics, nil when empty.
func parseMetrics(list string) ([]string, error) {
	if list == "" {
		return nil, nil
	}
	var ms []string
	for _, m := range strings.Split(list, ",") {
		m = strings.TrimSpace(m)
		if !slices.Contains(sweep.SummaryMetrics, m) {
			return nil, usageErrorf("--metrics: %q is not an end-of-run metric; one or more of: %s", m, strings.Join(sweep.SummaryMetrics, ", "))
		}
		if !slices.Contains(ms, m) {
			ms = append(ms, m)
		}
	}
	return ms, nil
}

// finishOptions are the options of a sweep's tables and report from
// --format, --metrics and --no-plots (of trustlab sweep and merge).
func finishOptions(format, metrics string, noPlots bool) (sweep.FinishOptions, error) {
	parquet, err := parseFormat(format)
	if err != nil {
		return sweep.FinishOptions{}, err
	}
	plotMetrics, err := parseMetrics(metrics)
	if err != nil {
		return sweep.FinishOptions{}, err
	}
	return sweep.FinishOptions{Parquet: parquet, NoPlots: noPlots, Report: sweep.ReportOptions{Metrics: plotMetrics}}, nil
}

func parseFormat(f string) (parquet bool, err error) {
	switch f {
	case "csv":
		return false, nil
	case "parquet":
		return true, nil
	}
	return false, usageErrorf("--format = %q: must be csv or parquet (parquet writes CSV and Parquet)", f)
}
