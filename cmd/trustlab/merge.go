package main

import "flag"

const mergeSynopsis = `trustlab merge DIR... [--out OUT] [--format csv|parquet] [--metrics LIST] [--no-plots]

Combine the outputs of the shards of one sweep (trustlab sweep --shard, or
a Slurm or Kubernetes array) into the tables runs.csv, steps.csv and
summary.csv, plots and index.html. The shards may have written into one
shared DIR or into several. merge checks that every run is present exactly
once, that every cell file is complete, and that all came from the same
sweep (the sweep hash in every file); otherwise it writes nothing. On a
finished sweep, merge DIR --metrics LIST redraws the plots of just those
metrics.

Examples:
  trustlab merge /shared/exploiters
  trustlab merge shard0 shard1 shard2 --out exploiters
  trustlab merge sweeps/exploiters --metrics trust_rate,mean_payoff`

func cmdMerge(e *env, args []string) error {
	fs := flag.NewFlagSet("merge", flag.ContinueOnError)
	var (
		out, format, metrics string
		noPlots              bool
	)
	fs.StringVar(&out, "out", "", "output `DIR` (default: DIR when one is given; required with several)")
	fs.StringVar(&format, "format", "csv", "table format: csv, or parquet for CSV and Parquet")
	fs.StringVar(&metrics, "metrics", "", "plot only these end-of-run metrics, comma-separated (default: all; the tables keep all)")
	fs.BoolVar(&noPlots, "no-plots", false, "write no plots and no index.html")
	dirs, err := parseInterspersed(fs, args, e.stdout, mergeSynopsis)
	if err != nil {
		return err
	}
	if len(dirs) == 0 {
		return usageErrorf("merge: missing the sweep output directories (trustlab merge DIR...)")
	}
	if out == "" {
		if len(dirs) > 1 {
			return usageErrorf("merge: --out OUT is required when merging %d directories", len(dirs))
		}
		out = dirs[0]
	}
	fo, err := finishOptions(format, metrics, noPlots)
	if err != nil {
		return err
	}
	return finish(e, dirs, out, fo)
}
