package sim

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/trustlab/trustlab/scenario"
)

// fittedScenario writes a trustee fit's subjects.csv (two trustees of the
// trustee model, and a baseline row that must be ignored) and returns a
// scenario whose trustees are all fitted, on it.
func fittedScenario(t *testing.T, rows, extra string) *scenario.Scenario {
	t.Helper()
	dir := t.TempDir()
	csv := "subject,group,model,ret_base,ret_recip,phi,lapse,hurdle,round\n" + rows + "b1,,baseline,0.9,NA,5,NA,NA,NA\n"
	if err := os.WriteFile(filepath.Join(dir, "subjects.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	src := `
seed: 3
steps: 30
population:
  size: 3000
  trait: {dist: uniform, min: 0.4, max: 0.9}
  behaviour: {kind: fitted, file: subjects.csv}
network: {kind: k-out, k: 6}
situation: {game: investment, endowment: 10, multiplier: 3}
outputs: {plots: false}
` + extra
	sc, err := scenario.Parse([]byte(src), "fitted.yaml", dir)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// Fitted trustees return what their model says: with no reciprocity and
// the plain beta-binomial (no lapse, hurdle or round amounts) every
// return fraction has mean ret_base whatever is sent, so the population's
// mean return fraction over steps 5-30 is the mean ret_base of the two
// trustees (0.3 and 0.5, assigned at random: 0.4) within 0.015 (the
// standard error of that mean is about 0.002). With strong reciprocity
// (ret_recip 4 around 0.3) the return fraction rises with the share sent,
// which trust lets grow: the return ends above the same trustees without
// it.
func TestFittedTrustees(t *testing.T) {
	flat := fittedScenario(t, "t1,,trustee,0.3,0,8,NA,NA,NA\nt2,,trustee,0.5,0,8,NA,NA,NA\n", "")
	rows, s := runRows(t, flat, Options{Workers: 2})
	if len(s.prof) != 3000 {
		t.Fatalf("profiles for %d agents", len(s.prof))
	}
	mean := meanLast(rows, 25, func(r Row) float64 { return r.ReturnFraction })
	if d := mean - 0.4; d > 0.015 || d < -0.015 {
		t.Errorf("mean return fraction %.4f, want 0.4 +- 0.015", mean)
	}
	recip := fittedScenario(t, "t1,,trustee,0.3,4,8,NA,NA,NA\n", "")
	rr, _ := runRows(t, recip, Options{Workers: 2})
	base := fittedScenario(t, "t1,,trustee,0.3,0,8,NA,NA,NA\n", "")
	rb, _ := runRows(t, base, Options{Workers: 2})
	last := func(rows []Row) float64 { return meanLast(rows, 10, func(r Row) float64 { return r.ReturnFraction }) }
	if !(last(rr) > last(rb)+0.05) {
		t.Errorf("return with reciprocity %.3f, without %.3f: reciprocity should raise it", last(rr), last(rb))
	}
}

// A run with fitted trustees (and their full response model) is the same
// for 1 and 3 workers, rows and agents alike (the files written:
// TestFittedTrusteesFilesIdentical).
func TestFittedTrusteesWorkersIdentical(t *testing.T) {
	sc := fittedScenario(t, "t1,,trustee,0.35,1.2,6,0.05,0.2,0.2\nt2,,trustee,0.2,-0.5,4,0.02,0.1,0.3\n", "feedback: {regime: full}\n")
	a, _ := runRows(t, sc, Options{Workers: 1})
	b, _ := runRows(t, sc, Options{Workers: 3})
	if !reflect.DeepEqual(a, b) {
		t.Error("rows differ between 1 and 3 workers")
	}
	if !strings.Contains(sc.Population.Groups[0].Behaviour.File, "subjects.csv") {
		t.Errorf("behaviour file %q", sc.Population.Groups[0].Behaviour.File)
	}
}
