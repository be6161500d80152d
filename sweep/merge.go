package sweep

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Collection is the complete set of cell files of one sweep, gathered from
// one or more output directories (the shards): every run exactly once.
type Collection struct {
	Spec *Spec
	// Files holds the path of each run's cell file, by run index.
	Files []string
	// Metrics names the end-of-run summary metrics.
	Metrics []string
	// Final holds each run's end-of-run metrics, by run index.
	Final [][]float64
	// Series names the per-step metrics when series are kept.
	Series []string
}

// Collect gathers and verifies the cell files of a sweep from dirs. It
// checks that all dirs hold the same sweep (the hash in every sweep.json
// and cell file), that every cell file is complete and belongs to the
// sweep, and that every run is present exactly once. Temporary files of
// interrupted writes are ignored.
func Collect(dirs []string) (*Collection, error) {
	if len(dirs) == 0 {
		return nil, fmt.Errorf("no directory given")
	}
	var spec *Spec
	var first string
	for _, d := range dirs {
		path := filepath.Join(d, SpecFile)
		s, err := readSpec(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &Error{File: d, Msg: fmt.Sprintf("no %s: not the output directory of trustlab sweep", SpecFile)}
		}
		if err != nil {
			return nil, err
		}
		if spec == nil {
			spec, first = s, path
		} else if s.Hash != spec.Hash {
			return nil, &Error{File: path, Msg: fmt.Sprintf("sweep hash %s differs from %s (%s): these are outputs of different sweeps and cannot be merged", short(s.Hash), first, short(spec.Hash))}
		}
	}
	col := &Collection{Spec: spec, Files: make([]string, spec.NumRuns()), Final: make([][]float64, spec.NumRuns())}
	byID := make(map[string]int, spec.NumCells())
	for i := 0; i < spec.NumCells(); i++ {
		byID[spec.Cell(i).ID] = i
	}
	for _, d := range dirs {
		entries, err := os.ReadDir(filepath.Join(d, CellsDir))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || !strings.HasSuffix(name, ".cell") {
				continue // temporaries (.tmp) of interrupted writes, other files
			}
			path := filepath.Join(d, CellsDir, name)
			if err := col.add(path, byID); err != nil {
				return nil, err
			}
		}
	}
	var missing []string
	n := 0
	for i, f := range col.Files {
		if f == "" {
			n++
			if len(missing) < 5 {
				r := spec.Run(i)
				missing = append(missing, fmt.Sprintf("cell %d (%s) replication %d", r.Cell.Index, describeSpec(spec, r.Cell), r.Replication))
			}
		}
	}
	if n > 0 {
		more := ""
		if n > len(missing) {
			more = ", ..."
		}
		return nil, &Error{File: dirs[0], Msg: fmt.Sprintf("%d of %d runs missing: %s%s; run the missing shards (or trustlab sweep without --shard) into these directories first", n, spec.NumRuns(), strings.Join(missing, "; "), more)}
	}
	return col, nil
}

// add reads and checks one cell file.
func (col *Collection) add(path string, byID map[string]int) error {
	spec := col.Spec
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	c, err := decodeCell(data)
	if err != nil {
		return &Error{File: path, Msg: fmt.Sprintf("%v: run its shard again to redo it", err)}
	}
	if c.hash != spec.Hash {
		return &Error{File: path, Msg: fmt.Sprintf("written by another sweep (hash %s; the sweep being merged is %s)", short(c.hash), short(spec.Hash))}
	}
	ci, ok := byID[c.id]
	if !ok || c.rep < 0 || c.rep >= spec.Replications {
		return &Error{File: path, Msg: fmt.Sprintf("cell %s replication %d is not part of the sweep", c.id, c.rep)}
	}
	i := ci*spec.Replications + c.rep
	run := spec.Run(i)
	if filepath.Base(path) != cellName(run) {
		return &Error{File: path, Msg: fmt.Sprintf("holds cell %s replication %d, which belongs in %s", c.id, c.rep, cellName(run))}
	}
	if err := c.matches(spec, run); err != nil {
		return &Error{File: path, Msg: err.Error()}
	}
	if prev := col.Files[i]; prev != "" {
		return &Error{File: path, Msg: fmt.Sprintf("cell %d replication %d is also in %s: each run must be present exactly once (were the same shards run into two directories?)", ci, c.rep, prev)}
	}
	col.Files[i] = path

	names := make([]string, len(c.result.Summary))
	vals := make([]float64, len(c.result.Summary))
	for i, m := range c.result.Summary {
		names[i], vals[i] = m.Name, m.Value
	}
	if col.Metrics == nil {
		col.Metrics = names
		col.Series = c.result.Series.Metrics
	} else if !equalStrings(names, col.Metrics) {
		return &Error{File: path, Msg: fmt.Sprintf("metrics %s differ from the other cell files' (%s): were the shards run with different versions of trustlab?", strings.Join(names, ","), strings.Join(col.Metrics, ","))}
	} else if !equalStrings(c.result.Series.Metrics, col.Series) {
		return &Error{File: path, Msg: fmt.Sprintf("series metrics %s differ from the other cell files' (%s)", strings.Join(c.result.Series.Metrics, ","), strings.Join(col.Series, ","))}
	}
	col.Final[i] = vals
	return nil
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// describeSpec formats a cell's values: name=value, ...
func describeSpec(s *Spec, c Cell) string {
	parts := make([]string, len(s.Axes))
	for k, v := range c.Values {
		parts[k] = s.Axes[k].Name + "=" + s.Label(k, v)
	}
	return strings.Join(parts, ", ")
}

// series reads the series of run i back from its cell file.
func (col *Collection) series(i int) (Series, error) {
	data, err := os.ReadFile(col.Files[i])
	if err != nil {
		return Series{}, err
	}
	c, err := decodeCell(data)
	if err != nil {
		return Series{}, &Error{File: col.Files[i], Msg: err.Error()}
	}
	return c.result.Series, nil
}
