package sweep

import (
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
)

// Kind is the type of a table column.
type Kind int

// Column kinds.
const (
	Int    Kind = iota // int64: cell, replication, step
	Uint               // uint64: seed
	Float              // float64: metrics, numeric axes
	String             // text: non-numeric axes, metric names
)

// Column is a column of an output table.
type Column struct {
	Name string
	Kind Kind
}

// Table is an output table whose rows are produced on demand, so that
// large tables stream from the cell files to the output.
type Table struct {
	Name    string // file name without extension: runs, steps, summary
	Columns []Column
	// Rows calls emit with each row in order; values are int64, uint64,
	// float64 or string, following Columns.
	Rows func(emit func(row []any) error) error
}

// axisColumns are the columns of the axes: numbers when every value of
// the axis is a number, text otherwise.
func (s *Spec) axisColumns() []Column {
	cols := make([]Column, len(s.Axes))
	for k, a := range s.Axes {
		kind := Float
		for v := range a.Values {
			if _, ok := s.Number(k, v); !ok {
				kind = String
			}
		}
		cols[k] = Column{Name: a.Name, Kind: kind}
	}
	return cols
}

// axisValues appends the cell's axis values to row.
func (s *Spec) axisValues(row []any, c Cell, cols []Column) []any {
	for k, v := range c.Values {
		if cols[k].Kind == Float {
			f, _ := s.Number(k, v)
			row = append(row, f)
		} else {
			row = append(row, s.Label(k, v))
		}
	}
	return row
}

// Tables returns the tidy output tables of a collection:
//
//   - runs: one row per run: cell, replication, seed, the axes, and the
//     end-of-run summary metrics (when summaries are kept);
//   - steps: one row per run, step and group: cell, replication, seed,
//     the axes, step, group and the series metrics (when series are kept);
//   - summary: one row per cell and metric: cell, the axes, metric, and
//     n, mean, sd, ci_low, ci_high over the replications (always).
func (col *Collection) Tables() ([]Table, error) {
	s := col.Spec
	axes := s.axisColumns()
	ids := []Column{{"cell", Int}, {"replication", Int}, {"seed", Uint}}
	for _, a := range axes {
		for _, r := range reserved {
			if a.Name == r {
				return nil, fmt.Errorf("axis column %q is reserved", a.Name)
			}
		}
	}
	var out []Table
	if s.KeepSummary() {
		cols := append(append(append([]Column{}, ids...), axes...), floatCols(col.Metrics)...)
		if err := uniqueColumns("runs", cols); err != nil {
			return nil, err
		}
		out = append(out, Table{Name: "runs", Columns: cols, Rows: func(emit func([]any) error) error {
			for i := range col.Files {
				r := s.Run(i)
				row := []any{int64(r.Cell.Index), int64(r.Replication), r.Seed}
				row = s.axisValues(row, r.Cell, axes)
				for _, v := range col.Final[i] {
					row = append(row, v)
				}
				if err := emit(row); err != nil {
					return err
				}
			}
			return nil
		}})
	}
	if s.KeepSeries() {
		cols := append(append(append([]Column{}, ids...), axes...), Column{"step", Int}, Column{"group", String})
		cols = append(cols, floatCols(col.Series)...)
		if err := uniqueColumns("steps", cols); err != nil {
			return nil, err
		}
		out = append(out, Table{Name: "steps", Columns: cols, Rows: func(emit func([]any) error) error {
			for i := range col.Files {
				r := s.Run(i)
				ser, err := col.series(i)
				if err != nil {
					return err
				}
				for _, st := range ser.Rows {
					row := []any{int64(r.Cell.Index), int64(r.Replication), r.Seed}
					row = s.axisValues(row, r.Cell, axes)
					row = append(row, int64(st.Step), st.Group)
					for _, v := range st.Values {
						row = append(row, v)
					}
					if err := emit(row); err != nil {
						return err
					}
				}
			}
			return nil
		}})
	}
	cols := append(append([]Column{{"cell", Int}}, axes...), Column{"metric", String},
		Column{"n", Int}, Column{"mean", Float}, Column{"sd", Float}, Column{"ci_low", Float}, Column{"ci_high", Float})
	out = append(out, Table{Name: "summary", Columns: cols, Rows: func(emit func([]any) error) error {
		for _, sr := range col.Summary() {
			row := []any{int64(sr.Cell.Index)}
			row = s.axisValues(row, sr.Cell, axes)
			iv := sr.Interval
			row = append(row, sr.Metric, int64(iv.N), iv.Mean, iv.SD, iv.Low, iv.High)
			if err := emit(row); err != nil {
				return err
			}
		}
		return nil
	}})
	return out, nil
}

func floatCols(names []string) []Column {
	out := make([]Column, len(names))
	for i, n := range names {
		out[i] = Column{n, Float}
	}
	return out
}

func uniqueColumns(table string, cols []Column) error {
	seen := map[string]bool{}
	for _, c := range cols {
		if seen[c.Name] {
			return fmt.Errorf("table %s: column %q appears twice (an axis named like a metric of the simulation?): rename the axis with name:", table, c.Name)
		}
		seen[c.Name] = true
	}
	return nil
}

// SummaryRow is a metric summarised over the replications of a cell.
type SummaryRow struct {
	Cell   Cell
	Metric string
	Interval
}

// Summary summarises every end-of-run metric over the replications of
// every cell, ordered by cell and then by metric (in the Runner's order).
func (col *Collection) Summary() []SummaryRow {
	s := col.Spec
	var out []SummaryRow
	vals := make([]float64, s.Replications)
	for ci := 0; ci < s.NumCells(); ci++ {
		c := s.Cell(ci)
		for m, name := range col.Metrics {
			for r := range s.Replications {
				vals[r] = col.Final[ci*s.Replications+r][m]
			}
			out = append(out, SummaryRow{Cell: c, Metric: name, Interval: MeanCI(vals)})
		}
	}
	return out
}

// WriteCSV writes a table as CSV with a header line.
func WriteCSV(w io.Writer, t Table) error {
	cw := csv.NewWriter(w)
	rec := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		rec[i] = c.Name
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	err := t.Rows(func(row []any) error {
		for i, v := range row {
			switch x := v.(type) {
			case int64:
				rec[i] = strconv.FormatInt(x, 10)
			case uint64:
				rec[i] = strconv.FormatUint(x, 10)
			case float64:
				rec[i] = formatValue(x)
			case string:
				rec[i] = x
			default:
				return fmt.Errorf("table %s: value of type %T", t.Name, v)
			}
		}
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// WriteTables writes the tables of a collection into dir as NAME.csv
// (and NAME.parquet when parquet is set), each atomically, and returns
// the files written.
func (col *Collection) WriteTables(dir string, parquet bool) ([]string, error) {
	tables, err := col.Tables()
	if err != nil {
		return nil, err
	}
	var files []string
	for _, t := range tables {
		path := filepath.Join(dir, t.Name+".csv")
		if err := writeFileAtomic(path, true, func(w io.Writer) error { return WriteCSV(w, t) }); err != nil {
			return files, err
		}
		files = append(files, path)
		if parquet {
			path := filepath.Join(dir, t.Name+".parquet")
			if err := writeFileAtomic(path, true, func(w io.Writer) error { return WriteParquet(w, t) }); err != nil {
				return files, err
			}
			files = append(files, path)
		}
	}
	return files, nil
}
