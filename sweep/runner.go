package sweep

import (
	"context"
	"fmt"
	"math"
	"strings"
)

// Scenario is one scenario document handed to the engine: the base
// scenario with a cell's values substituted.
type Scenario struct {
	// Name is the document's name in the engine's error messages.
	Name string
	// Dir is the directory against which relative file names in the
	// scenario (an edge list, say) resolve: the base scenario's.
	Dir string
	// YAML is the scenario document.
	YAML []byte
}

// Runner is the simulation engine as a sweep sees it.
type Runner interface {
	// Check parses and validates a scenario without running it. Its
	// errors should start with "Name:line:column: " so that a sweep can
	// map them back to the sweep file.
	Check(s Scenario) error
	// Run runs a scenario with the given seed (which replaces the
	// scenario's own) and returns its outputs. It must depend on the
	// scenario and the seed only.
	Run(ctx context.Context, s Scenario, seed uint64) (Result, error)
}

// Result is the output of one run that a sweep keeps.
type Result struct {
	// Summary holds the end-of-run metrics, in the engine's order.
	Summary []Metric
	// Series holds the per-step metrics.
	Series Series
}

// Metric is one named end-of-run value.
type Metric struct {
	Name  string
	Value float64
}

// Series is a per-step table: Columns[0] is "step", one row per step.
type Series struct {
	Columns []string
	Rows    [][]float64
}

// validate checks the shape of a result against what the sweep keeps.
func (r *Result) validate(keep Keep) error {
	seen := map[string]bool{}
	for _, m := range r.Summary {
		if !goodName(m.Name) || seen[m.Name] {
			return fmt.Errorf("engine result: summary metric name %q is empty, repeated or has a comma, quote, # or line break", m.Name)
		}
		seen[m.Name] = true
	}
	if keep.Summary && len(r.Summary) == 0 {
		return fmt.Errorf("engine result: no summary metrics")
	}
	if keep.Series {
		if len(r.Series.Columns) < 2 || r.Series.Columns[0] != "step" {
			return fmt.Errorf("engine result: series columns %q: want step and at least one metric", r.Series.Columns)
		}
		cols := map[string]bool{}
		for _, c := range r.Series.Columns {
			if !goodName(c) || cols[c] {
				return fmt.Errorf("engine result: series column %q is empty, repeated or has a comma, quote, # or line break", c)
			}
			cols[c] = true
		}
		for i, row := range r.Series.Rows {
			if len(row) != len(r.Series.Columns) {
				return fmt.Errorf("engine result: series row %d has %d values for %d columns", i, len(row), len(r.Series.Columns))
			}
			if s := row[0]; s != math.Trunc(s) || math.IsInf(s, 0) {
				return fmt.Errorf("engine result: series row %d: step %v is not a whole number", i, s)
			}
		}
		if len(r.Series.Rows) == 0 {
			return fmt.Errorf("engine result: empty series")
		}
	}
	return nil
}

// goodName reports whether a metric or column name can go into cell files
// and CSV headers unquoted.
func goodName(s string) bool {
	return s != "" && strings.TrimSpace(s) == s && !strings.ContainsAny(s, ",\"\n\r#")
}
