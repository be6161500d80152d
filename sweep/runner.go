package sweep

import (
	"context"
	"fmt"
	"strings"
)

// Scenario is one scenario document handed to the Runner: the base
// scenario with a cell's values substituted.
type Scenario struct {
	// Name is the document's name in the Runner's error messages.
	Name string
	// Dir is the directory against which relative file names in the
	// scenario (an edge list, say) resolve: the base scenario's.
	Dir string
	// YAML is the scenario document.
	YAML []byte
}

// Runner is the simulation as a sweep sees it: it checks a cell's scenario and runs it.
type Runner interface {
	// Check parses and validates a scenario without running it. Its
	// errors should be srcpos.Positioned (file Name, line, column), joined
	// when there are several, so that a sweep can map them back to the
	// sweep file.
	Check(s Scenario) error
	// Run runs a scenario with the given seed (which replaces the
	// scenario's own) and returns its outputs. It must depend on the
	// scenario and the seed only.
	Run(ctx context.Context, s Scenario, seed uint64) (Result, error)
}

// RowCounter is implemented by a Runner that can tell, while it checks a
// scenario, how many series rows (steps x groups) one run of it reports.
// Execute uses it to predict the disk space of the cell files.
type RowCounter interface {
	// CheckRows checks s like Check and returns the number of series rows
	// of one run.
	CheckRows(s Scenario) (int, error)
}

// Result is the output of one run that a sweep keeps.
type Result struct {
	// Summary holds the end-of-run metrics, in the Runner's order. Every
	// run of a sweep must report the same metrics.
	Summary []Metric
	// Series holds the per-step metrics.
	Series Series
}

// Metric is one named end-of-run value.
type Metric struct {
	Name  string
	Value float64
}

// Series is a per-step table: one row per step and group.
type Series struct {
	// Metrics names the values of each row.
	Metrics []string
	Rows    []Step
}

// Step is a row of a Series: the metrics of one group (or of the whole
// population, as the Runner names it) after one step.
type Step struct {
	Step   int
	Group  string
	Values []float64
}

// validate checks the shape of a result against what the sweep keeps.
func (r *Result) validate(keep Keep) error {
	if len(r.Summary) == 0 {
		return fmt.Errorf("simulation result: no summary metrics")
	}
	seen := map[string]bool{}
	for _, m := range r.Summary {
		if !goodName(m.Name) || seen[m.Name] {
			return fmt.Errorf("simulation result: summary metric name %q is empty, repeated or has a comma, quote, # or line break", m.Name)
		}
		seen[m.Name] = true
	}
	if !keep.Series {
		return nil
	}
	if len(r.Series.Metrics) == 0 || len(r.Series.Rows) == 0 {
		return fmt.Errorf("simulation result: empty series")
	}
	cols := map[string]bool{"step": true, "group": true}
	for _, c := range r.Series.Metrics {
		if !goodName(c) || cols[c] {
			return fmt.Errorf("simulation result: series metric %q is empty, repeated, step, group or has a comma, quote, # or line break", c)
		}
		cols[c] = true
	}
	for i, row := range r.Series.Rows {
		if len(row.Values) != len(r.Series.Metrics) {
			return fmt.Errorf("simulation result: series row %d has %d values for %d metrics", i, len(row.Values), len(r.Series.Metrics))
		}
		if !goodName(row.Group) {
			return fmt.Errorf("simulation result: series row %d: group name %q is empty or has a comma, quote, # or line break", i, row.Group)
		}
	}
	return nil
}

// goodName reports whether a metric or column name can go into cell files
// and CSV headers unquoted.
func goodName(s string) bool {
	return s != "" && strings.TrimSpace(s) == s && !strings.ContainsAny(s, ",\"\n\r#")
}
