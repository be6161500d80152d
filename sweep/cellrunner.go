package sweep

import (
	"context"
	"math"

	"github.com/trustlab/trustlab/scenario"
	"github.com/trustlab/trustlab/sim"
)

// CellRunner is the Runner that trustlab sweep uses: it parses each cell's
// scenario with package scenario and runs it with package sim.
//
// Per step it reports every column of a run's steps.csv (sim.RowHeader) (one row per
// group, and "all" when there are several). At the end of a run it reports
// the population's (group "all", or the only group's) rates, beliefs and
// trait at the last step, the totals of welfare, control cost and loss over
// all steps, and the simulation's final measures (sim.Final): the
// cumulative payoff per agent and the mean absolute error of beliefs.
type CellRunner struct {
	// Workers is the number of goroutines of each run; 0 means 1, since a
	// sweep already runs several runs at once. Results do not depend on it.
	Workers int
	// NoFiles refuses file: keys in the cells' scenarios
	// (scenario.ParseOptions.NoFiles): for a server.
	NoFiles bool
}

func (e CellRunner) parse(s Scenario) (*scenario.Scenario, error) {
	return scenario.ParseWith(s.YAML, s.Name, s.Dir, scenario.ParseOptions{NoFiles: e.NoFiles})
}

// SummaryMetrics names the end-of-run metrics of CellRunner, in order.
var SummaryMetrics = []string{
	"trust_rate", "control_rate", "certainty_rate", "distrust_rate", "honour_rate",
	"mean_belief", "calibration_error", "cynicism", "mean_trait", "sent_fraction", "return_fraction",
	"total_welfare", "total_control_cost", "total_loss",
	"mean_payoff", "mean_abs_belief_error",
}

// seriesMetrics names the per-step metrics of CellRunner: steps.csv's
// columns after step and group, those of sim.Row.Values.
var seriesMetrics = sim.RowHeader[2:]

// Check parses and validates a scenario.
func (e CellRunner) Check(s Scenario) error {
	_, err := e.parse(s)
	return err
}

// CheckRows checks a scenario like Check and returns the number of series
// rows of one run: one per step and group, plus "all" with several groups.
func (e CellRunner) CheckRows(s Scenario) (int, error) {
	sc, err := e.parse(s)
	if err != nil {
		return 0, err
	}
	groups := len(sc.Population.Groups)
	if groups > 1 {
		groups++
	}
	return sc.Steps * groups, nil
}

// Run runs a scenario with the given seed.
func (e CellRunner) Run(ctx context.Context, s Scenario, seed uint64) (Result, error) {
	sc, err := e.parse(s)
	if err != nil {
		return Result{}, err
	}
	sc.Seed = seed
	workers := e.Workers
	if workers <= 0 {
		workers = 1
	}
	m, err := sim.New(sc, sim.Options{Workers: workers})
	if err != nil {
		return Result{}, err
	}
	res := Result{Series: Series{Metrics: seriesMetrics}}
	var last sim.Row
	var welfare, cost, loss float64
	for m.Steps() < sc.Steps {
		if err := ctx.Err(); err != nil {
			return Result{}, err
		}
		rows := m.Step()
		for _, r := range rows {
			res.Series.Rows = append(res.Series.Rows, Step{Step: r.Step, Group: r.Group, Values: r.Values()})
		}
		// The population's row comes last: "all", or the only group.
		last = rows[len(rows)-1]
		welfare += last.Welfare
		cost += last.ControlCost
		loss += last.Loss
	}
	f := m.Final()
	vals := []float64{
		last.TrustRate, last.ControlRate, last.CertaintyRate, last.DistrustRate, last.HonourRate,
		last.MeanBelief, last.CalibrationError, last.Cynicism, last.MeanTrait, last.SentFraction, last.ReturnFraction,
		welfare, cost, loss, f.MeanPayoff, f.MeanAbsBeliefError,
	}
	for i, name := range SummaryMetrics {
		res.Summary = append(res.Summary, Metric{Name: name, Value: vals[i]})
	}
	return res, nil
}

// allNaN reports whether a metric has no finite value in any run.
func (col *Collection) allNaN(m string) bool {
	mi := col.metricIndex(m)
	for _, v := range col.Final {
		if !math.IsNaN(v[mi]) && !math.IsInf(v[mi], 0) {
			return false
		}
	}
	return true
}
