package simrun

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/trustlab/trustlab/report"
	"github.com/trustlab/trustlab/sim"
)

// maxScatter bounds the agents drawn in the trait-payoff scatter plot (an
// evenly spaced subsample of larger populations).
const maxScatter = 4000

// writeReport draws the plots (SVG and PNG) and index.html and returns the
// files written.
func writeReport(dir string, s *sim.Sim, rows []sim.Row, man *Manifest) ([]string, error) {
	var files []string
	save := func(name string, c report.Chart) ([]string, error) {
		f, err := report.Save(dir, name, c, report.SaveOptions{})
		files = append(files, f...)
		return f, err
	}
	sc := s.Scenario()
	groups := sc.Population.Groups
	main := "all"
	if len(groups) == 1 {
		main = groups[0].Name
	}
	pop := sim.RowsOf(rows, main)
	col := func(rs []sim.Row, f func(sim.Row) float64) (x, y []float64) {
		for _, r := range rs {
			x = append(x, float64(r.Step))
			y = append(y, f(r))
		}
		return x, y
	}
	series := func(name string, rs []sim.Row, f func(sim.Row) float64) report.Series {
		x, y := col(rs, f)
		return report.Series{Name: name, X: x, Y: y}
	}
	zero, one := 0.0, 1.0
	rates := report.LineChart{
		Title: "Behaviour over time", XLabel: "step", YLabel: "share of agents", YMin: &zero, YMax: &one,
		Series: []report.Series{
			series("trust", pop, func(r sim.Row) float64 { return r.TrustRate }),
			series("distrust", pop, func(r sim.Row) float64 { return r.DistrustRate }),
			series("honoured (of engaged)", pop, func(r sim.Row) float64 { return r.HonourRate }),
		},
	}
	if sc.Situation.Control != nil {
		rates.Series = append(rates.Series, series("control", pop, func(r sim.Row) float64 { return r.ControlRate }))
	}
	if sc.Situation.Loss == 0 && sc.Situation.Game == 0 {
		rates.Series = append(rates.Series, series("certainty", pop, func(r sim.Row) float64 { return r.CertaintyRate }))
	}
	fRates, err := save("rates", rates)
	if err != nil {
		return files, err
	}
	calib := report.LineChart{
		Title: "Beliefs against the truth", XLabel: "step", YLabel: "p, |p − w| or p − w",
		Series: []report.Series{
			series("calibration error: mean |p - w|", pop, func(r sim.Row) float64 { return r.CalibrationError }),
			series("cynicism: mean (p - w)", pop, func(r sim.Row) float64 { return r.Cynicism }),
			series("mean belief p", pop, func(r sim.Row) float64 { return r.MeanBelief }),
		},
	}
	fCalib, err := save("calibration", calib)
	if err != nil {
		return files, err
	}
	sections := []report.Section{
		{Heading: "Behaviour", Text: "Shares of the agents that trusted or declined each step, and the share of engagements that were honoured.",
			Figures: []report.Figure{report.NewFigure(fRates, "Trust, distrust and honour rates per step ("+main+").", "Line chart of the rates per step")}},
		{Heading: "Calibration", Text: "How far beliefs are from the partners' true trustworthiness w. Negative cynicism means agents underestimate their partners (the trust trap).",
			Figures: []report.Figure{report.NewFigure(fCalib, "Calibration error and cynicism per step ("+main+").", "Line chart of calibration error and cynicism per step")}},
	}
	if len(groups) > 1 {
		var ss []report.Series
		for _, g := range groups {
			ss = append(ss, series(g.Name, sim.RowsOf(rows, g.Name), func(r sim.Row) float64 { return r.MeanPayoff }))
		}
		f, err := save("payoff-by-group", report.LineChart{Title: "Mean payoff per step by group", XLabel: "step", YLabel: "mean payoff", Series: ss})
		if err != nil {
			return files, err
		}
		sections = append(sections, report.Section{Heading: "Groups",
			Figures: []report.Figure{report.NewFigure(f, "Mean payoff per agent and step, by group.", "Line chart of mean payoff per group")}})
	}
	// Trait against final payoff, by group, on a subsample.
	stride := max(1, s.N()/maxScatter)
	pts := make([]report.Series, len(groups))
	index := make(map[string]int, len(groups))
	for gi, g := range groups {
		pts[gi].Name = g.Name
		index[g.Name] = gi
	}
	s.Agents(func(a sim.AgentRow) {
		if a.ID%stride == 0 {
			gi := index[a.Group]
			pts[gi].X = append(pts[gi].X, a.TraitStart)
			pts[gi].Y = append(pts[gi].Y, a.Payoff)
		}
	})
	var nonEmpty []report.Series
	for _, p := range pts {
		if len(p.X) > 0 {
			nonEmpty = append(nonEmpty, p)
		}
	}
	fTrait, err := save("trait-payoff", report.ScatterChart{Title: "Trait against payoff", XLabel: "trait at the start", YLabel: "cumulative payoff", Groups: nonEmpty})
	if err != nil {
		return files, err
	}
	note := ""
	if stride > 1 {
		note = fmt.Sprintf(" (every %dth agent)", stride)
	}
	sections = append(sections, report.Section{Heading: "Trait and payoff",
		Figures: []report.Figure{report.NewFigure(fTrait, "Each agent's trait at the start against its cumulative payoff"+note+".", "Scatter plot of trait against payoff")}})

	status := "complete"
	if !man.Complete {
		status = fmt.Sprintf("incomplete (%d of %d steps)", man.StepsDone, man.Steps)
	}
	page := report.Page{
		Title: "trustlab run: " + sc.Name,
		Intro: fmt.Sprintf("%s\n\n%d agents, %d steps, seed %d; run %s. Interactions per second: %.3g (%s kernel, %d workers).",
			sc.Description, s.N(), man.StepsDone, sc.Seed, status, man.InteractionsPerSecond, man.Kernel, man.Workers),
		Sections: sections,
		Manifest: man,
		Files:    []report.Link{{Href: StepsFile, Text: "steps.csv (metrics per step)"}, {Href: ManifestFile, Text: "manifest.json"}},
	}
	if sc.Outputs.Agents {
		page.Files = append(page.Files, report.Link{Href: AgentsFile, Text: "agents.csv (one row per agent)"})
	}
	f, err := os.Create(filepath.Join(dir, IndexFile))
	if err != nil {
		return files, err
	}
	if err := report.WriteHTML(f, page); err != nil {
		f.Close()
		return files, err
	}
	if err := f.Close(); err != nil {
		return files, err
	}
	return append(files, IndexFile), nil
}
