package sim

import (
	"math"
	"testing"
)

// The calibrated investment game (examples/investment-calibrated.yaml):
// at step 1 every trustor meets strangers, and the mean fraction sent is
// the calibrated stranger's, 0.540 (docs/model.md, "Calibrated defaults").
// Tolerance 0.03: about 4 standard errors of the mean of 2000 agents' first
// amounts (sd 0.34 of the endowment each).
func TestExampleInvestmentCalibrated(t *testing.T) {
	sc := loadExample(t, "investment-calibrated.yaml")
	sc.Steps = 20
	rows, _ := runRows(t, sc, Options{})
	first := rows[0]
	sent := meanLast(rows, 10, func(r Row) float64 { return r.SentFraction })
	ret := meanLast(rows, 10, func(r Row) float64 { return r.ReturnFraction })
	t.Logf("mean fraction sent: step 1 %.4f (calibrated stranger 0.540), last 10 steps %.4f; returned %.4f",
		first.SentFraction, sent, ret)
	if math.Abs(first.SentFraction-0.540) > 0.03 {
		t.Errorf("step 1: mean fraction sent %.4f, want 0.540 +- 0.03", first.SentFraction)
	}
	if math.Abs(ret-0.37) > 0.05 {
		t.Errorf("returned %.4f, want 0.37 +- 0.05", ret)
	}
}
