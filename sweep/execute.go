package sweep

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"
)

// Options control Execute. The zero value runs the whole sweep with one
// worker per CPU.
type Options struct {
	// Workers is the number of runs executed at once; 0 means GOMAXPROCS.
	Workers int
	// Shard selects the runs to execute; the zero value is all of them.
	Shard Shard
	// Start, if set, is called once before any run with the number of
	// runs to execute and the number already done.
	Start func(todo, done int)
	// Progress, if set, is called after each finished run, from one
	// goroutine at a time.
	Progress func()
	// Preparing, if set, is called from Execute's goroutine while it checks
	// every cell (what "checking cells") and reads the cell files already
	// there (what "reading finished runs"), after each item.
	Preparing func(what string, done, total int)
	// MaxDisk bounds the predicted size of the cell files still to write,
	// in bytes: Execute refuses a sweep predicted to need more with a
	// *DiskError before it runs anything. 0 means the free space of the
	// file system that holds the output directory; a negative value means
	// no limit.
	MaxDisk int64
}

// DiskError is returned by Execute when the cell files still to write are
// predicted to need more space than Options.MaxDisk allows.
type DiskError struct {
	Dir       string
	Runs      int   // runs still to write
	Predicted int64 // predicted bytes on disk
	Max       int64 // the limit in bytes
	Free      bool  // the limit is the free space (MaxDisk 0)
}

func (e *DiskError) Error() string {
	limit := fmt.Sprintf("--max-disk = %s", formatBytes(e.Max))
	if e.Free {
		limit = fmt.Sprintf("the %s free there (--max-disk defaults to the free space)", formatBytes(e.Max))
	}
	return fmt.Sprintf("%s: the %d runs still to run would write about %s of cell files, more than %s; keep less (keep: [summary] drops the per-step series), sweep fewer cells, or raise --max-disk",
		e.Dir, e.Runs, formatBytes(e.Predicted), limit)
}

// formatBytes formats a byte count in decimal units: "4.1 GB".
func formatBytes(n int64) string {
	v, units := float64(n), []string{"bytes", "kB", "MB", "GB", "TB", "PB"}
	i := 0
	for v >= 1000 && i < len(units)-1 {
		v /= 1000
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%d bytes", n)
	}
	return fmt.Sprintf("%.3g %s", v, units[i])
}

// cellBytes predicts the disk use of one cell file: the identity lines and
// the summary (a few hundred bytes), then rows series rows of every
// series metric at about 8 bytes a value (measured: 7.4), rounded up to the 4 KiB blocks
// that file systems allocate.
func cellBytes(spec *Spec, rows int) int64 {
	const header, perValue, block = 512, 8, 4096
	n := int64(header)
	if spec.KeepSummary() {
		n += int64(len(SummaryMetrics)) * 32
	}
	if spec.KeepSeries() {
		n += int64(rows) * int64(2+len(seriesMetrics)) * perValue
	}
	return (n + block - 1) / block * block
}

// Stats reports what Execute did.
type Stats struct {
	Runs    int      // runs in the shard
	Skipped int      // valid cell files found and kept
	Ran     int      // runs executed
	Redone  []string // cell files found incomplete or damaged, re-run
}

// Paths of an output directory.
const (
	SpecFile = "sweep.json"
	CellsDir = "cells"
)

// Execute runs the runs of opt.Shard that have no valid cell file in
// dir/cells, opt.Workers at a time, and writes each result as a cell file
// as soon as it finishes (atomically). It first checks the whole sweep
// with the Runner and writes dir/sweep.json; a directory holding another
// sweep's results is refused and left untouched. Cell files cut short or
// damaged are re-run. When ctx is cancelled, finished cell files stay and
// running the same sweep again resumes.
func Execute(ctx context.Context, sw *Sweep, dir string, r Runner, opt Options) (Stats, error) {
	var st Stats
	rows, err := sw.check(ctx, r, func(done, total int) {
		if opt.Preparing != nil {
			opt.Preparing("checking cells", done, total)
		}
	})
	if err != nil {
		return st, err
	}
	spec, err := sw.Spec()
	if err != nil {
		return st, err
	}
	// Refuse a directory of another sweep before reading it, and create
	// nothing until the disk check below has passed.
	if err := checkDir(dir, spec); err != nil {
		return st, err
	}
	cells := filepath.Join(dir, CellsDir)
	var todo []Run
	var predicted int64
	for i := 0; i < spec.NumRuns(); i++ {
		if err := ctx.Err(); err != nil {
			return st, fmt.Errorf("interrupted while reading the finished runs (nothing was run): %w", err)
		}
		if opt.Preparing != nil {
			opt.Preparing("reading finished runs", i+1, spec.NumRuns())
		}
		if !opt.Shard.Has(i / spec.Replications) { // shards take whole cells
			continue
		}
		st.Runs++
		run := spec.Run(i)
		path := filepath.Join(cells, cellName(run))
		removeTemps(path)
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			todo = append(todo, run)
			if rows != nil {
				predicted += cellBytes(spec, rows[run.Cell.Index])
			}
			continue
		}
		if err != nil {
			return st, err
		}
		c, err := decodeCell(data)
		if err != nil {
			st.Redone = append(st.Redone, fmt.Sprintf("%s: %v", path, err))
			todo = append(todo, run)
			if rows != nil {
				predicted += cellBytes(spec, rows[run.Cell.Index])
			}
			continue
		}
		if err := c.matches(spec, run); err != nil {
			return st, &Error{File: path, Msg: err.Error()}
		}
		st.Skipped++
	}
	if max, free := opt.MaxDisk, opt.MaxDisk == 0; rows != nil && max >= 0 {
		if free {
			max = freeBytes(existingAncestor(cells))
		}
		if max >= 0 && predicted > max {
			return st, &DiskError{Dir: dir, Runs: len(todo), Predicted: predicted, Max: max, Free: free}
		}
	}
	if err := prepareDir(dir, spec); err != nil {
		return st, err
	}
	if opt.Start != nil {
		opt.Start(len(todo), st.Skipped)
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	var mu sync.Mutex
	for _, run := range todo {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if gctx.Err() != nil {
				return nil
			}
			if err := execOne(gctx, sw, spec, r, cells, run); err != nil {
				return err
			}
			mu.Lock()
			st.Ran++
			if opt.Progress != nil {
				opt.Progress()
			}
			mu.Unlock()
			return nil
		})
	}
	err = g.Wait()
	if err == nil {
		err = ctx.Err()
	}
	if err != nil && ctx.Err() != nil {
		return st, fmt.Errorf("interrupted with %d of %d runs of shard %s done (finished runs are kept: run the same command again to resume): %w",
			st.Skipped+st.Ran, st.Runs, opt.Shard, ctx.Err())
	}
	return st, err
}

func execOne(ctx context.Context, sw *Sweep, spec *Spec, r Runner, cells string, run Run) error {
	sc, err := sw.CellScenario(run.Cell)
	if err != nil {
		return err
	}
	res, err := r.Run(ctx, sc, run.Seed)
	if err == nil {
		err = res.validate(sw.Keep)
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("cell %d (%s) replication %d, seed %d: %w", run.Cell.Index, sw.describe(run.Cell), run.Replication, run.Seed, err)
	}
	return writeAtomic(filepath.Join(cells, cellName(run)), encodeCell(spec.Hash, run, res, sw.Keep), false)
}

// prepareDir creates dir and dir/cells and writes dir/sweep.json, or
// checks that an existing one describes the same sweep.
func prepareDir(dir string, spec *Spec) error {
	if err := os.MkdirAll(filepath.Join(dir, CellsDir), 0o755); err != nil {
		return err
	}
	path := filepath.Join(dir, SpecFile)
	if err := checkDir(dir, spec); err != nil {
		return err
	}
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	b, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(path, append(b, '\n'), true)
}

// checkDir refuses a directory whose sweep.json describes another sweep
// (or cannot be read); an absent directory or sweep.json is fine.
func checkDir(dir string, spec *Spec) error {
	path := filepath.Join(dir, SpecFile)
	old, err := readSpec(path)
	switch {
	case err == nil:
		if old.Hash != spec.Hash {
			return &Error{File: path, Msg: fmt.Sprintf("this directory holds the results of another sweep (hash %s; this sweep's is %s): use another --out directory, or remove it to start over", short(old.Hash), short(spec.Hash))}
		}
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return nil
	}
	return err
}

// existingAncestor is path or its nearest ancestor that exists.
func existingAncestor(path string) string {
	for {
		if _, err := os.Stat(path); err == nil {
			return path
		}
		up := filepath.Dir(path)
		if up == path {
			return path
		}
		path = up
	}
}

// readSpec reads and verifies a sweep.json.
func readSpec(path string) (*Spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s Spec
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, &Error{File: path, Msg: fmt.Sprintf("not a sweep description: %v", err)}
	}
	if err := s.Verify(); err != nil {
		return nil, &Error{File: path, Msg: err.Error()}
	}
	return &s, nil
}

// removeTemps removes temporary files left by an interrupted write of
// path (path.*.tmp).
func removeTemps(path string) {
	matches, _ := filepath.Glob(globEscape(path) + ".*.tmp")
	for _, m := range matches {
		os.Remove(m)
	}
}

func globEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "*", `\*`, "?", `\?`, "[", `\[`).Replace(s)
}

// matches checks that a valid cell file belongs to run of spec.
func (c *cellFile) matches(spec *Spec, run Run) error {
	switch {
	case c.hash != spec.Hash:
		return fmt.Errorf("written by another sweep (hash %s; this sweep's is %s)", short(c.hash), short(spec.Hash))
	case c.id != run.Cell.ID || c.key != run.Cell.Key || c.rep != run.Replication:
		return fmt.Errorf("holds cell %s replication %d, but its name says cell %s replication %d", c.id, c.rep, run.Cell.ID, run.Replication)
	case c.cell != run.Cell.Index || c.seed != run.Seed:
		return fmt.Errorf("cell index %d or seed %d differ from the sweep's (%d, %d)", c.cell, c.seed, run.Cell.Index, run.Seed)
	case !c.hasSum || c.hasSer != spec.KeepSeries():
		return fmt.Errorf("keeps other outputs than the sweep")
	}
	return nil
}
