package sweep

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const sweep2x3 = `name: toy
scenario: base.yaml
seed: 11
replications: 3
keep: [summary, series]
axes:
  population.groups.exploiter.share: [0.1, 0.3, 0.5]
  population.groups.cooperator.share: [0.9, 0.7, 0.5]
  feedback.regime: [own, full]
`

// A sweep whose cells must satisfy a cross-axis rule (shares sum to 1)
// would fail Check; the test sweeps use independent axes.
const sweepToy = `name: toy
scenario: base.yaml
seed: 11
replications: 3
keep: [summary, series]
axes:
  population.groups.exploiter.share: [0.1, 0.3]
  feedback.regime: [own, full, social]
  steps: [5, 8]
`

const baseNoShares = `steps: 20
agents: 50
population:
  groups:
    - name: cooperator
      trait: 0.6
    - name: exploiter
      share: 0.2
      trait: 0.3
feedback:
  regime: own
`

// tables runs Collect on dirs and writes the tables into out, returning
// their contents by file name.
func tables(t *testing.T, out string, dirs ...string) map[string]string {
	t.Helper()
	col, err := Collect(dirs)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	files, err := col.WriteTables(out, false)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got[filepath.Base(f)] = string(b)
	}
	return got
}

func execute(t *testing.T, sw *Sweep, dir string, r Runner, opt Options) Stats {
	t.Helper()
	st, err := Execute(context.Background(), sw, dir, r, opt)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// toySweep executes sweepToy over baseNoShares with the toy runner into a
// new temporary folder and returns the sweep and the folder.
func toySweep(t *testing.T) (*Sweep, string) {
	t.Helper()
	sw := mustLoad(t, baseNoShares, sweepToy)
	dir := t.TempDir()
	execute(t, sw, dir, &toyRunner{}, Options{})
	return sw, dir
}

func TestShardedEqualsUnsharded(t *testing.T) {
	sw := mustLoad(t, baseNoShares, sweepToy)
	root := t.TempDir()
	whole := filepath.Join(root, "whole")
	st := execute(t, sw, whole, &toyRunner{}, Options{Workers: 1})
	if st.Runs != 36 || st.Ran != 36 || st.Skipped != 0 {
		t.Fatalf("stats %+v, want 36 runs run", st)
	}
	want := tables(t, whole, whole)
	if len(want) != 3 || strings.Count(want["runs.csv"], "\n") != 37 || strings.Count(want["steps.csv"], "\n") != 1+18*(5+8) {
		t.Fatalf("tables: %d files, runs.csv %d lines, steps.csv %d lines", len(want), strings.Count(want["runs.csv"], "\n"), strings.Count(want["steps.csv"], "\n"))
	}
	for _, n := range []int{2, 3} {
		// Shards into separate directories, merged.
		var dirs []string
		for i := range n {
			d := filepath.Join(root, "sep", string(rune('0'+n)), string(rune('0'+i)))
			st := execute(t, sw, d, &toyRunner{}, Options{Workers: 2, Shard: Shard{i, n}})
			if st.Runs != 36/n {
				t.Errorf("shard %d/%d has %d runs, want %d", i, n, st.Runs, 36/n)
			}
			dirs = append(dirs, d)
		}
		got := tables(t, filepath.Join(root, "merged", string(rune('0'+n))), dirs...)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%d shards in separate directories: tables differ (-whole +merged):\n%s", n, diff)
		}
		// Shards into one shared directory.
		shared := filepath.Join(root, "shared", string(rune('0'+n)))
		for i := range n {
			execute(t, sw, shared, &toyRunner{}, Options{Workers: 2, Shard: Shard{i, n}})
		}
		if diff := cmp.Diff(want, tables(t, shared, shared)); diff != "" {
			t.Errorf("%d shards in one directory: tables differ (-whole +merged):\n%s", n, diff)
		}
	}
}

func TestAddingValueKeepsOtherCells(t *testing.T) {
	root := t.TempDir()
	a := mustLoad(t, baseNoShares, sweepToy)
	b := mustLoad(t, baseNoShares, strings.Replace(sweepToy, "[0.1, 0.3]", "[0.1, 0.2, 0.3]", 1))
	execute(t, a, filepath.Join(root, "a"), &toyRunner{}, Options{})
	execute(t, b, filepath.Join(root, "b"), &toyRunner{}, Options{})
	files, _ := filepath.Glob(filepath.Join(root, "a", CellsDir, "*.cell"))
	if len(files) != 36 {
		t.Fatalf("%d cell files, want 36", len(files))
	}
	for _, f := range files {
		ra := readCell(t, f)
		rb := readCell(t, filepath.Join(root, "b", CellsDir, filepath.Base(f)))
		if ra.seed != rb.seed || !cmp.Equal(ra.result, rb.result) {
			t.Errorf("%s: results changed when a value was added to an axis", filepath.Base(f))
		}
	}
}

func readCell(t *testing.T, path string) *cellFile {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := decodeCell(b)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return c
}

func TestRestartAfterInterrupt(t *testing.T) {
	sw := mustLoad(t, baseNoShares, sweepToy)
	root := t.TempDir()
	want := filepath.Join(root, "want")
	execute(t, sw, want, &toyRunner{}, Options{Workers: 2})

	// Interrupt after 10 runs (as Ctrl-C or a killed job would), leaving a
	// temporary file of a write in progress.
	dir := filepath.Join(root, "restarted")
	ctx, cancel := context.WithCancel(context.Background())
	eng := &toyRunner{afterRun: func(n int64) {
		if n == 10 {
			cancel()
		}
	}}
	st, err := Execute(ctx, sw, dir, eng, Options{Workers: 2})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "run the same command again to resume") {
		t.Fatalf("interrupted Execute: %v", err)
	}
	done, _ := filepath.Glob(filepath.Join(dir, CellsDir, "*.cell"))
	if len(done) < 8 || len(done) > 12 || st.Ran != len(done) {
		t.Fatalf("%d cell files after the interrupt (stats %+v), want about 10", len(done), st)
	}
	spec := mustSpec(t, sw)
	tmp := filepath.Join(dir, CellsDir, cellName(spec.Run(35))+".123.tmp")
	if err := os.WriteFile(tmp, []byte("# trustlab-sweep/1 cell\n# sweep"), 0o644); err != nil {
		t.Fatal(err)
	}

	eng2 := &toyRunner{}
	st = execute(t, sw, dir, eng2, Options{Workers: 2})
	if st.Skipped != len(done) || st.Ran != 36-len(done) || int(eng2.calls.Load()) != st.Ran {
		t.Errorf("restart: stats %+v with %d runner runs, want %d skipped and %d run", st, eng2.calls.Load(), len(done), 36-len(done))
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("temporary file left behind: %v", err)
	}
	if diff := cmp.Diff(tables(t, want, want), tables(t, dir, dir)); diff != "" {
		t.Errorf("restarted sweep differs from an uninterrupted one:\n%s", diff)
	}
	// A third run has nothing to do.
	eng3 := &toyRunner{}
	if st := execute(t, sw, dir, eng3, Options{}); st.Ran != 0 || st.Skipped != 36 || eng3.calls.Load() != 0 {
		t.Errorf("complete sweep re-run: %+v", st)
	}
}

func TestDamagedCellRerun(t *testing.T) {
	sw, dir := toySweep(t)
	want := tables(t, dir, dir)
	spec := mustSpec(t, sw)
	cut := filepath.Join(dir, CellsDir, cellName(spec.Run(7)))
	flip := filepath.Join(dir, CellsDir, cellName(spec.Run(20)))
	b, _ := os.ReadFile(cut)
	os.WriteFile(cut, b[:len(b)/2], 0o644)
	b, _ = os.ReadFile(flip)
	os.WriteFile(flip, bytes.Replace(b, []byte("0."), []byte("1."), 1), 0o644)

	// Merging now fails, naming the file.
	if _, err := Collect([]string{dir}); err == nil || !strings.Contains(err.Error(), cut) || !strings.Contains(err.Error(), "cut short") {
		t.Errorf("Collect with a cut file: %v", err)
	}
	eng := &toyRunner{}
	st := execute(t, sw, dir, eng, Options{})
	if st.Ran != 2 || len(st.Redone) != 2 || !strings.Contains(st.Redone[0], "no end line") || !strings.Contains(st.Redone[1], "checksum mismatch") {
		t.Errorf("stats %+v, want the two damaged files re-run", st)
	}
	if diff := cmp.Diff(want, tables(t, dir, dir)); diff != "" {
		t.Errorf("tables after re-running damaged cells differ:\n%s", diff)
	}
}

func TestOtherSweepRefused(t *testing.T) {
	_, dir := toySweep(t)
	before := snapshot(t, dir)
	b := mustLoad(t, baseNoShares, strings.Replace(sweepToy, "seed: 11", "seed: 12", 1))
	_, err := Execute(context.Background(), b, dir, &toyRunner{}, Options{})
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, SpecFile)+": this directory holds the results of another sweep") {
		t.Fatalf("Execute of another sweep into the directory: %v", err)
	}
	if diff := cmp.Diff(before, snapshot(t, dir)); diff != "" {
		t.Errorf("files changed:\n%s", diff)
	}
}

// snapshot returns every file under dir with its content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(p)
			out[p] = string(b)
		}
		return err
	})
	return out
}

func TestRunnerFailure(t *testing.T) {
	sw := mustLoad(t, baseNoShares, sweepToy)
	spec := mustSpec(t, sw)
	bad := spec.Run(5)
	dir := t.TempDir()
	_, err := Execute(context.Background(), sw, dir, &toyRunner{failOn: map[uint64]bool{bad.Seed: true}}, Options{Workers: 1})
	want := "cell 1 (population.groups.exploiter.share=0.1, feedback.regime=own, steps=8) replication 2, seed "
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("error %v, want it to start with %q", err, want)
	}
	done, _ := filepath.Glob(filepath.Join(dir, CellsDir, "*.cell"))
	if len(done) != 5 {
		t.Errorf("%d cell files kept, want the 5 finished before the failure", len(done))
	}
}

func TestMergeErrors(t *testing.T) {
	root := t.TempDir()
	a := mustLoad(t, baseNoShares, sweepToy)
	b := mustLoad(t, baseNoShares, strings.Replace(sweepToy, "seed: 11", "seed: 12", 1))
	dir := func(n string) string { return filepath.Join(root, n) }
	execute(t, a, dir("a0"), &toyRunner{}, Options{Shard: Shard{0, 2}})
	execute(t, a, dir("a1"), &toyRunner{}, Options{Shard: Shard{1, 2}})
	execute(t, a, dir("a1again"), &toyRunner{}, Options{Shard: Shard{1, 2}})
	execute(t, b, dir("b1"), &toyRunner{}, Options{Shard: Shard{1, 2}})
	os.MkdirAll(dir("empty"), 0o755)
	tests := []struct {
		name string
		dirs []string
		want string
	}{
		{"different sweeps", []string{dir("a0"), dir("b1")}, dir("b1") + "/sweep.json: sweep hash "},
		// Shard 0/2 ran the even cells with all their replications: cell 1 is missing whole.
		{"missing shard", []string{dir("a0")}, dir("a0") + ": 18 of 36 runs missing: cell 1 (population.groups.exploiter.share=0.1, feedback.regime=own, steps=8) replication 0; cell 1 (population.groups.exploiter.share=0.1, feedback.regime=own, steps=8) replication 1; cell 1 (population.groups.exploiter.share=0.1, feedback.regime=own, steps=8) replication 2; "},
		{"duplicate shard", []string{dir("a0"), dir("a1"), dir("a1again")}, "is also in " + dir("a1") + "/cells/"},
		{"not a sweep directory", []string{dir("empty")}, dir("empty") + ": no sweep.json: not the output directory of trustlab sweep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Collect(tt.dirs)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Collect: %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
	// A cell file of another sweep slipped into a directory.
	files, _ := filepath.Glob(filepath.Join(dir("b1"), CellsDir, "*.cell"))
	alien := filepath.Join(dir("a1"), CellsDir, "x-"+filepath.Base(files[0]))
	data, _ := os.ReadFile(files[0])
	os.WriteFile(alien, data, 0o644)
	if _, err := Collect([]string{dir("a0"), dir("a1")}); err == nil || !strings.Contains(err.Error(), alien+": written by another sweep") {
		t.Errorf("Collect with an alien cell file: %v", err)
	}
}

func TestCellFileRoundTrip(t *testing.T) {
	spec := mustSpec(t, mustLoad(t, baseNoShares, sweepToy))
	run := spec.Run(13)
	res := Result{
		Summary: []Metric{{"a", 0.1}, {"b", -3}, {"nan", nanValue()}},
		Series:  Series{Metrics: []string{"x"}, Rows: []Step{{0, "all", []float64{1.0 / 3}}, {1, "all", []float64{1e-300}}}},
	}
	data := encodeCell(spec.Hash, run, res, Keep{true, true})
	c, err := decodeCell(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.matches(spec, run); err != nil {
		t.Error(err)
	}
	if !cmp.Equal(c.result, res, cmp.Comparer(func(x, y float64) bool { return x == y || x != x && y != y })) {
		t.Errorf("round trip: got %+v, want %+v", c.result, res)
	}
	for n := 0; n < len(data); n++ {
		if _, err := decodeCell(data[:n]); err == nil {
			t.Fatalf("a file cut to %d of %d bytes was accepted", n, len(data))
		}
	}
}

func nanValue() float64 { var z float64; return z / z }

// rowsRunner is the toy runner with a prediction of its series rows.
type rowsRunner struct {
	toyRunner
	rows int
}

func (r *rowsRunner) CheckRows(s Scenario) (int, error) { return r.rows, r.Check(s) }

// TestMaxDisk: a sweep predicted to write more cell files than MaxDisk
// allows is refused before any run; a large enough limit, or none, runs it.
func TestMaxDisk(t *testing.T) {
	sw := mustLoad(t, baseNoShares, sweepToy) // 12 cells x 3 replications, summary and series
	spec := mustSpec(t, sw)
	per := cellBytes(spec, 1000)
	if per < 1000*int64(len(seriesMetrics))*8 || per%4096 != 0 {
		t.Fatalf("cellBytes(1000 rows) = %d: want whole blocks, at least 8 bytes a value", per)
	}
	tests := []struct {
		name    string
		max     int64
		refused bool
	}{
		{"limit below the prediction", 36*per - 1, true},
		{"limit at the prediction", 36 * per, false},
		{"no limit", -1, false},
		{"free space (a test machine has a few MB)", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			eng := &rowsRunner{rows: 1000}
			st, err := Execute(context.Background(), sw, dir, eng, Options{MaxDisk: tt.max})
			var de *DiskError
			if tt.refused {
				if !errors.As(err, &de) || de.Predicted != 36*per || de.Runs != 36 || eng.calls.Load() != 0 {
					t.Fatalf("got %v (stats %+v, %d runs), want a DiskError before any run", err, st, eng.calls.Load())
				}
				if !strings.Contains(err.Error(), "36 runs still to run would write about") {
					t.Errorf("message: %v", err)
				}
				if _, err := os.Stat(dir); !os.IsNotExist(err) {
					t.Errorf("a refused sweep created %s (stat: %v)", dir, err)
				}
				return
			}
			if err != nil || st.Ran != 36 {
				t.Fatalf("got %v, stats %+v", err, st)
			}
		})
	}
	// Finished runs do not count: after the sweep, any limit passes.
	dir := filepath.Join(t.TempDir(), "out")
	execute(t, sw, dir, &rowsRunner{rows: 1000}, Options{})
	if st := execute(t, sw, dir, &rowsRunner{rows: 1000}, Options{MaxDisk: 1}); st.Skipped != 36 {
		t.Errorf("resumed complete sweep: %+v", st)
	}
}

// TestPreparingProgressAndCancel: checking the cells and reading the
// finished runs report progress, and a cancelled context stops the
// checking before anything runs.
func TestPreparingProgressAndCancel(t *testing.T) {
	sw := mustLoad(t, baseNoShares, sweepToy)
	seen := map[string]int{}
	opt := Options{Preparing: func(what string, done, total int) {
		if done < 1 || done > total {
			t.Errorf("%s: %d of %d", what, done, total)
		}
		seen[what] = max(seen[what], done)
	}}
	execute(t, sw, filepath.Join(t.TempDir(), "out"), &toyRunner{}, opt)
	if seen["checking cells"] != 12 || seen["reading finished runs"] != 36 {
		t.Errorf("progress reached %v, want 12 cells and 36 runs", seen)
	}

	ctx, cancel := context.WithCancel(context.Background())
	eng := &toyRunner{}
	n := 0
	opt.Preparing = func(what string, done, total int) {
		if n++; n == 3 {
			cancel() // Ctrl-C while checking
		}
	}
	dir := filepath.Join(t.TempDir(), "out")
	_, err := Execute(ctx, sw, dir, eng, opt)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "interrupted while checking cell 4 of 12") || eng.calls.Load() != 0 {
		t.Errorf("cancelled while checking: %v (%d runs)", err, eng.calls.Load())
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("cancelled check created %s", dir)
	}
}

// A Runner's result of the wrong shape is refused with a message that
// says it is the simulation's result.
func TestResultShape(t *testing.T) {
	ok := Series{Metrics: []string{"trust"}, Rows: []Step{{Step: 1, Group: "all", Values: []float64{0.5}}}}
	sum := []Metric{{Name: "trust", Value: 0.5}}
	for _, tc := range []struct {
		name string
		r    Result
		want string
	}{
		{"ok", Result{Summary: sum, Series: ok}, ""},
		{"no summary", Result{Series: ok}, "simulation result: no summary metrics"},
		{"repeated", Result{Summary: append(sum, sum...), Series: ok}, `simulation result: summary metric name "trust" is empty, repeated or has a comma, quote, # or line break`},
		{"no series", Result{Summary: sum}, "simulation result: empty series"},
		{"step column", Result{Summary: sum, Series: Series{Metrics: []string{"step"}, Rows: ok.Rows}}, `simulation result: series metric "step" is empty, repeated, step, group or has a comma, quote, # or line break`},
		{"short row", Result{Summary: sum, Series: Series{Metrics: []string{"a", "b"}, Rows: ok.Rows}}, "simulation result: series row 0 has 1 values for 2 metrics"},
		{"group", Result{Summary: sum, Series: Series{Metrics: ok.Metrics, Rows: []Step{{Step: 1, Values: []float64{1}}}}}, `simulation result: series row 0: group name "" is empty or has a comma, quote, # or line break`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			if err := tc.r.validate(Keep{Summary: true, Series: true}); err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
		})
	}
}
