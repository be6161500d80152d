package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSweepBadInput(t *testing.T) {
	runBadInput(t, func(out string) []cliCase {
		return []cliCase{
			{name: "sweep-help", args: []string{"sweep", "-h"}},
			{name: "merge-help", args: []string{"merge", "-h"}},
			{name: "sweep-no-file", args: []string{"sweep", "--out", out}},
			{name: "sweep-no-out", args: []string{"sweep", "testdata/sweep/tiny.yaml"}},
			{name: "sweep-bad-path", args: []string{"sweep", "testdata/sweep/bad-path.yaml", "--out", out}},
			{name: "sweep-bad-item", args: []string{"sweep", "testdata/sweep/bad-item.yaml", "--out", out}},
			{name: "sweep-empty-axis", args: []string{"sweep", "testdata/sweep/empty-axis.yaml", "--out", out}},
			{name: "sweep-bad-type", args: []string{"sweep", "testdata/sweep/bad-type.yaml", "--out", out}},
			{name: "sweep-bad-shares", args: []string{"sweep", "testdata/sweep/bad-shares.yaml", "--out", out}},
			{name: "sweep-bad-base-file", args: []string{"sweep", "testdata/sweep/base-file.yaml", "--out", out}},
			{name: "sweep-bad-shard", args: []string{"sweep", "testdata/sweep/tiny.yaml", "--out", out, "--shard", "3/3"}},
			{name: "sweep-bad-format", args: []string{"sweep", "testdata/sweep/tiny.yaml", "--out", out, "--format", "xlsx"}},
			{name: "sweep-bad-metrics", args: []string{"sweep", "testdata/sweep/tiny.yaml", "--out", out, "--metrics", "trust_rate,welfare"}},
			{name: "merge-bad-metrics", args: []string{"merge", out, "--metrics", "trust"}},
			{name: "sweep-shards-without-index", args: []string{"sweep", "testdata/sweep/tiny.yaml", "--out", out, "--shards", "3"}},
			{name: "merge-no-dir", args: []string{"merge"}},
			{name: "merge-not-a-sweep", args: []string{"merge", "testdata/sweep"}},
			{name: "merge-two-no-out", args: []string{"merge", "a", "b"}},
			{name: "sweep-bad-max-disk", args: []string{"sweep", "testdata/sweep/tiny.yaml", "--out", out, "--max-disk", "-3GB"}},
		}
	})
}

// cli runs the CLI in-process and fails the test on an error.
func cli(t *testing.T, ctx context.Context, args ...string) (string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if err := run(ctx, args, nil, &stdout, &stderr); err != nil {
		t.Fatalf("trustlab %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), stderr.String()
}

// readTables returns the three tables of a sweep output directory.
func readTables(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, n := range []string{"runs.csv", "steps.csv", "summary.csv"} {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		out[n] = string(b)
	}
	return out
}

// The tiny sweep on the real runner (sweep.CellRunner): golden summary; three shards (by
// flag, by Slurm variables, by Kubernetes variables) merged equal the
// unsharded sweep byte for byte, with 1 or 2 workers.
func TestSweepShardsMerge(t *testing.T) {
	root := t.TempDir()
	ctx := context.Background()
	whole := filepath.Join(root, "whole")
	stdout, _ := cli(t, ctx, "sweep", "testdata/sweep/tiny.yaml", "--out", whole, "--workers", "1", "--quiet")
	if !strings.HasPrefix(stdout, "8 runs: 0 done before, 8 run now in ") || !strings.Contains(stdout, "outputs in "+whole+": runs.csv, steps.csv, summary.csv, index.html, ") {
		t.Errorf("stdout:\n%s", stdout)
	}
	want := readTables(t, whole)
	checkGolden(t, "sweep-tiny-summary.csv", []byte(want["summary.csv"]))
	checkGolden(t, "sweep-tiny-runs.csv", []byte(want["runs.csv"]))

	shardArgs := func(i int, dir string) []string {
		return []string{"sweep", "testdata/sweep/tiny.yaml", "--out", dir, "--workers", "2", "--quiet"}
	}
	t.Run("flag, separate directories", func(t *testing.T) {
		var dirs []string
		for i := range 3 {
			d := filepath.Join(root, "flag", string(rune('a'+i)))
			stdout, _ := cli(t, ctx, append(shardArgs(i, d), "--shard", string(rune('0'+i))+"/3")...)
			if !strings.Contains(stdout, "shard "+string(rune('0'+i))+"/3 (--shard)") || !strings.Contains(stdout, "trustlab merge "+d) {
				t.Errorf("shard stdout:\n%s", stdout)
			}
			dirs = append(dirs, d)
		}
		out := filepath.Join(root, "flag", "merged")
		cli(t, ctx, append(append([]string{"merge"}, dirs...), "--out", out, "--format", "parquet")...)
		if diff := cmp.Diff(want, readTables(t, out)); diff != "" {
			t.Errorf("merged shards differ from the whole sweep:\n%s", diff)
		}
		if _, err := os.Stat(filepath.Join(out, "summary.parquet")); err != nil {
			t.Error(err)
		}
	})
	t.Run("merge redraws the plots of chosen metrics", func(t *testing.T) {
		plots := func() []string {
			f, err := filepath.Glob(filepath.Join(whole, "plots", "*.svg"))
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		all := len(plots())
		stdout, _ := cli(t, ctx, "merge", whole, "--metrics", "trust_rate, mean_payoff")
		got := plots()
		// Per metric: one plot per axis (2) and one heat map.
		if len(got) != 2*3 || all <= len(got) {
			t.Errorf("%d plots after merge --metrics (from %d): %v\n%s", len(got), all, got, stdout)
		}
		for _, f := range got {
			if b := filepath.Base(f); !strings.HasPrefix(b, "trust_rate") && !strings.HasPrefix(b, "mean_payoff") {
				t.Errorf("plot %s is of another metric", b)
			}
		}
		if diff := cmp.Diff(want, readTables(t, whole)); diff != "" {
			t.Errorf("merge --metrics changed the tables:\n%s", diff)
		}
	})
	t.Run("slurm, shared directory", func(t *testing.T) {
		d := filepath.Join(root, "slurm")
		t.Setenv("SLURM_ARRAY_TASK_COUNT", "3")
		t.Setenv("SLURM_ARRAY_TASK_MIN", "1")
		for i := 1; i <= 3; i++ {
			t.Setenv("SLURM_ARRAY_TASK_ID", string(rune('0'+i)))
			stdout, _ := cli(t, ctx, shardArgs(i, d)...)
			if !strings.Contains(stdout, "shard "+string(rune('0'+i-1))+"/3 (SLURM_ARRAY_TASK_ID=") {
				t.Errorf("shard stdout:\n%s", stdout)
			}
		}
		cli(t, ctx, "merge", d)
		if diff := cmp.Diff(want, readTables(t, d)); diff != "" {
			t.Errorf("merged shards differ from the whole sweep:\n%s", diff)
		}
	})
	t.Run("kubernetes, shared directory", func(t *testing.T) {
		d := filepath.Join(root, "k8s")
		t.Setenv("TRUSTLAB_SHARDS", "3")
		for i := range 3 {
			t.Setenv("JOB_COMPLETION_INDEX", string(rune('0'+i)))
			stdout, _ := cli(t, ctx, shardArgs(i, d)...)
			if !strings.Contains(stdout, "shard "+string(rune('0'+i))+"/3 (JOB_COMPLETION_INDEX=") {
				t.Errorf("shard stdout:\n%s", stdout)
			}
		}
		cli(t, ctx, "merge", d)
		if diff := cmp.Diff(want, readTables(t, d)); diff != "" {
			t.Errorf("merged shards differ from the whole sweep:\n%s", diff)
		}
	})
}

// A sweep stopped midway (as by Ctrl-C or a killed job) and restarted
// completes with the same tables; a cell file cut in half is re-run.
func TestSweepInterruptAndDamage(t *testing.T) {
	root := t.TempDir()
	want := filepath.Join(root, "want")
	cli(t, context.Background(), "sweep", "testdata/sweep/tiny.yaml", "--out", want, "--quiet", "--no-plots")

	dir := filepath.Join(root, "dir")
	ctx, cancel := context.WithCancel(context.Background())
	go func() { // cancel once the first run is written
		for {
			if m, _ := filepath.Glob(filepath.Join(dir, "cells", "*.cell")); len(m) > 0 {
				cancel()
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	var stdout, stderr bytes.Buffer
	err := run(ctx, []string{"sweep", "testdata/sweep/tiny.yaml", "--out", dir, "--workers", "1", "--quiet"}, nil, &stdout, &stderr)
	cancel()
	done, _ := filepath.Glob(filepath.Join(dir, "cells", "*.cell"))
	if err == nil {
		t.Logf("the sweep finished before the interrupt (%d cell files)", len(done))
	} else if code := exitCode(err, &stderr); code != 1 || !strings.Contains(err.Error(), "run the same command again to resume") {
		t.Fatalf("interrupted sweep: exit %d, %v", code, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "runs.csv")); err == nil && len(done) < 8 {
		t.Errorf("tables written by an interrupted sweep")
	}
	stdout2, _ := cli(t, context.Background(), "sweep", "testdata/sweep/tiny.yaml", "--out", dir, "--quiet", "--no-plots")
	if !strings.HasPrefix(stdout2, "8 runs: ") || !strings.Contains(stdout2, " done before, ") {
		t.Errorf("restart stdout:\n%s", stdout2)
	}
	if diff := cmp.Diff(readTables(t, want), readTables(t, dir)); diff != "" {
		t.Errorf("restarted sweep differs:\n%s", diff)
	}

	// Cut a cell file in half: detected and re-run.
	cells, _ := filepath.Glob(filepath.Join(dir, "cells", "*.cell"))
	b, _ := os.ReadFile(cells[3])
	os.WriteFile(cells[3], b[:len(b)/2], 0o644)
	stdout3, stderr3 := cli(t, context.Background(), "sweep", "testdata/sweep/tiny.yaml", "--out", dir, "--no-plots")
	if !strings.Contains(stderr3, "re-ran "+cells[3]+": incomplete or damaged: no end line (the file was cut short)") || !strings.HasPrefix(stdout3, "8 runs: 7 done before, 1 run now") {
		t.Errorf("damaged cell: stdout %q stderr %q", stdout3, stderr3)
	}
	if diff := cmp.Diff(readTables(t, want), readTables(t, dir)); diff != "" {
		t.Errorf("sweep after re-running a damaged cell differs:\n%s", diff)
	}
}

// Shards of different sweeps are refused, and nothing is written.
func TestMergeDifferentSweeps(t *testing.T) {
	root := t.TempDir()
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	cli(t, context.Background(), "sweep", "testdata/sweep/tiny.yaml", "--out", a, "--shard", "0/2", "--quiet")
	cli(t, context.Background(), "sweep", "testdata/sweep/tiny-seed8.yaml", "--out", b, "--shard", "1/2", "--quiet")
	out := filepath.Join(root, "out")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"merge", a, b, "--out", out}, nil, &stdout, &stderr)
	if code := exitCode(err, &stderr); code != 2 || !strings.Contains(err.Error(), filepath.Join(b, "sweep.json")+": sweep hash ") || !strings.Contains(err.Error(), "these are outputs of different sweeps and cannot be merged") {
		t.Errorf("merge of different sweeps: exit %d, %v", code, err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("merge wrote %s", out)
	}
	// Another sweep into a's directory is refused too.
	err = run(context.Background(), []string{"sweep", "testdata/sweep/tiny-seed8.yaml", "--out", a, "--quiet"}, nil, &stdout, &stderr)
	if code := exitCode(err, &stderr); code != 2 || !strings.Contains(err.Error(), "this directory holds the results of another sweep") {
		t.Errorf("sweep into another sweep's directory: exit %d, %v", code, err)
	}
}

// A sweep predicted to need more disk than --max-disk is refused before
// anything runs (exit 2); --max-disk none lifts the limit.
func TestSweepMaxDisk(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"sweep", "testdata/sweep/tiny.yaml", "--out", out, "--quiet", "--max-disk", "1kB"}, nil, &stdout, &stderr)
	if err == nil || exitCode(err, &stderr) != 2 || !strings.Contains(err.Error(), "more than --max-disk = 1 kB") {
		t.Fatalf("sweep over --max-disk: %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused sweep created %s (stat: %v)", out, err)
	}
	cli(t, context.Background(), "sweep", "testdata/sweep/tiny.yaml", "--out", out, "--quiet", "--no-plots", "--max-disk", "none")
}

func TestParseSize(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		bad  bool
	}{
		{in: "", want: 0}, {in: "none", want: -1}, {in: "500", want: 500}, {in: "1kB", want: 1000},
		{in: "2.5 GB", want: 2_500_000_000}, {in: "20GiB", want: 20 << 30}, {in: "3m", want: 3_000_000},
		{in: "0", bad: true}, {in: "-1GB", bad: true}, {in: "NaN", bad: true}, {in: "inf", bad: true}, {in: "lots", bad: true},
	} {
		got, err := parseSize(tt.in)
		if (err != nil) != tt.bad || got != tt.want {
			t.Errorf("parseSize(%q) = %d, %v", tt.in, got, err)
		}
	}
}
