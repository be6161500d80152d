package jobrun_test

import (
	"context"
	"strings"
	"testing"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/fit"
	"github.com/trustlab/trustlab/fitrun"
	"github.com/trustlab/trustlab/jobrun"
)

// Each stage of a fit has its phase (EM iterations do not occur in the
// small fit below: its prior converges at the first update).
func TestFitPhase(t *testing.T) {
	for _, tc := range []struct {
		p    fitrun.Progress
		want string
	}{
		{fitrun.Progress{Stage: fitrun.StageRead}, "reading the data"},
		{fitrun.Progress{Stage: fitrun.StageStart, Prior: fit.PriorEmpirical, Total: 75}, "reading the data and fitting every subject under a weak prior"},
		{fitrun.Progress{Stage: fitrun.StageStart, Prior: fit.PriorNone, Total: 75}, "fitting subject 1 of 75 (with cross-validation)"},
		{fitrun.Progress{Stage: fitrun.StageEM, Prior: fit.PriorEmpirical, Iteration: 3, Total: 75}, "EM iteration 3 (estimating the population prior)"},
		{fitrun.Progress{Stage: fitrun.StageSubject, Done: 9, Total: 75}, "fitting subject 10 of 75 (with cross-validation)"},
		{fitrun.Progress{Stage: fitrun.StageSubject, Done: 75, Total: 75}, "fitted subject 75 of 75"},
		{fitrun.Progress{Stage: fitrun.StagePlots, Done: 75, Total: 75}, "writing the tables, plots and report"},
	} {
		if got := jobrun.FitPhase(tc.p); got != tc.want {
			t.Errorf("FitPhase(%+v) = %q, want %q", tc.p, got, tc.want)
		}
	}
}

// A fit tells what it is doing (the web page shows it beside "0 of n",
// which alone looks stalled during empirical Bayes): reading the data, each
// EM iteration, each subject's final fits, then the plots.
func TestFitReportsItsPhases(t *testing.T) {
	var phases []string
	ctx := trustlab.WithPhase(context.Background(), func(p string) {
		if len(phases) == 0 || phases[len(phases)-1] != p {
			phases = append(phases, p)
		}
	})
	fitSubjects(t, ctx, 4, func(int, int) {})
	all := strings.Join(phases, "\n")
	for _, want := range []string{
		"reading the data",
		"reading the data and fitting every subject under a weak prior",
		"fitting subject 4 of 4 (with cross-validation)",
		"fitted subject 4 of 4",
		"writing the tables, plots and report",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no phase %q among\n%s", want, all)
		}
	}
	if phases[0] != "reading the data" || phases[len(phases)-1] != "writing the tables, plots and report" {
		t.Errorf("phases out of order:\n%s", all)
	}
}
