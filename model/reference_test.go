package model

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// readReference parses testdata/reference.txt, written by
// testdata/reference.py independently of this package: each section's rows
// of numbers, keyed by the section's first word.
func readReference(t *testing.T) map[string][][]float64 {
	t.Helper()
	f, err := os.Open("testdata/reference.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][][]float64{}
	sec := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "# ") {
			sec = strings.TrimSuffix(strings.Fields(line)[1], ":")
			continue
		}
		var row []float64
		for _, w := range strings.Fields(line) {
			v, err := strconv.ParseFloat(w, 64)
			if err != nil {
				t.Fatalf("reference.txt: %q: %v", line, err)
			}
			row = append(row, v)
		}
		out[sec] = append(out[sec], row)
	}
	return out
}

func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*max(1, math.Abs(want))
}

func TestReferenceBinary(t *testing.T) {
	rows := readReference(t)["binary"]
	if len(rows) < 12 {
		t.Fatalf("only %d binary reference rows", len(rows))
	}
	for _, r := range rows {
		tau, a, b, g, l, u0 := r[0], r[1], r[2], r[3], r[4], r[5]
		m, err := Params{Lambda0: &r[6], Kappa: &r[7], Beta: &r[8], Zeta: &r[9]}.Model()
		if err != nil {
			t.Fatal(err)
		}
		s := Situation{Gain: g, Loss: l, Outside: u0}
		x, err := m.Explain(tau, Belief{a, b}, s)
		if err != nil {
			t.Fatal(err)
		}
		got := []float64{x.Lambda, x.P, x.Expectation, x.Risk, x.Balance, *x.Probability}
		names := []string{"lambda", "p", "E", "R", "B", "P(trust)"}
		for i, want := range r[10:] {
			if !near(got[i], want, 1e-12) {
				t.Errorf("tau=%v belief=(%v,%v) g=%v l=%v u0=%v lambda0=%v kappa=%v beta=%v zeta=%v: %s = %.17g, want %.17g",
					tau, a, b, g, l, u0, r[6], r[7], r[8], r[9], names[i], got[i], want)
			}
		}
	}
}

func TestReferenceInvestment(t *testing.T) {
	rows := readReference(t)["investment"]
	if len(rows) < 12 {
		t.Fatalf("only %d investment reference rows", len(rows))
	}
	for _, r := range rows {
		tau, a, b, mult := r[0], r[1], r[2], r[3]
		m, err := Params{Lambda0: &r[4], Kappa: &r[5]}.Model()
		if err != nil {
			t.Fatal(err)
		}
		ap := m.Appraise(tau, Belief{a, b}, Situation{Game: Investment, Endowment: 10, Multiplier: mult})
		got := []float64{ap.Expectation, ap.Risk, ap.Balance}
		for i, name := range []string{"E1", "R1", "B1"} {
			if !near(got[i], r[6+i], 1e-12) {
				t.Errorf("tau=%v belief=(%v,%v) m=%v: %s = %.17g, want %.17g", tau, a, b, mult, name, got[i], r[6+i])
			}
		}
	}
}

func TestReferenceBetaBinomial(t *testing.T) {
	for _, r := range readReference(t)["betabinomial"] {
		d := BetaBinomial{N: int(r[0]), Alpha: r[1], Beta: r[2]}
		if got := d.Prob(int(r[3])); !near(got, r[4], 1e-12) {
			t.Errorf("%+v: P(%v) = %.17g, want %.17g", d, r[3], got, r[4])
		}
	}
}
