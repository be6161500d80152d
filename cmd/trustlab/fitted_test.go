package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFitTrusteesThenSimulate is the trustee side end to end: fit
// berg1995 (both roles: its spec names the trustees) and run a scenario
// whose trustees are the fitted ones, read from OUT/trustees/subjects.csv.
// The berg1995 data are read by path from the shared data folder; the
// test is skipped where they are absent.
func TestFitTrusteesThenSimulate(t *testing.T) {
	const data = "../../../shared/data/berg1995/pairs.csv"
	if _, err := os.Stat(data); err != nil {
		t.Skipf("no shared data: %v", err)
	}
	dir := t.TempDir()
	fitOut := filepath.Join(dir, "berg")
	var out, errb bytes.Buffer
	args := []string{"fit", data, "--spec", "../../examples/data/berg1995.yaml", "--pool", "group", "--no-plots", "--out", fitOut}
	if err := run(context.Background(), args, nil, &out, &errb); err != nil {
		t.Fatalf("fit: %v\n%s", err, errb.String())
	}
	if !strings.Contains(out.String(), "trustees (") || !strings.Contains(out.String(), "trustee[bb]") {
		t.Errorf("fit output lacks the trustees' comparison:\n%s", out.String())
	}
	sc := `name: berg-investors
seed: 1
steps: 10
params: calibrated
population:
  size: 400
  groups:
    - {name: investors, share: 0.5}
    - {name: berg, share: 0.5, behaviour: {kind: fitted, file: berg/trustees/subjects.csv}}
situation: {game: investment, endowment: 10, multiplier: 3}
outputs: {plots: false}
`
	if err := os.WriteFile(filepath.Join(dir, "s.yaml"), []byte(sc), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	errb.Reset()
	runOut := filepath.Join(dir, "run")
	if err := run(context.Background(), []string{"run", filepath.Join(dir, "s.yaml"), "--out", runOut, "--quiet"}, nil, &out, &errb); err != nil {
		t.Fatalf("run: %v\n%s", err, errb.String())
	}
	steps, err := os.ReadFile(filepath.Join(runOut, "steps.csv"))
	if err != nil || !strings.Contains(string(steps), "\n10,berg,") {
		t.Errorf("steps.csv: %v\n%.300s", err, steps)
	}
	man, _ := os.ReadFile(filepath.Join(runOut, "manifest.json"))
	if !strings.Contains(string(man), `"kind": "fitted"`) || !strings.Contains(string(man), "subjects.csv") {
		t.Errorf("the manifest does not record the fitted behaviour and its file:\n%.2000s", man)
	}
}
