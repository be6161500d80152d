package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trustlab/trustlab/simrun"
)

// TestRunKilled kills `trustlab run` with SIGKILL once its manifest says
// some steps are done, and checks what it leaves: --out untouched (absent
// here), a temporary folder whose manifest says complete: false with a
// steps_done that steps.csv holds, and a next run that says the earlier
// one was cut off and how far it got; --force then starts over.
func TestRunKilled(t *testing.T) {
	bin := buildBinary(t, "builds the binary and kills a run: not with -short")
	parent := t.TempDir()
	scen := filepath.Join(parent, "slow.yaml")
	if err := os.WriteFile(scen, []byte(strings.Replace(slowScenario, "steps: 2000", "steps: 1000000", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(parent, "killed")
	cmd := exec.Command(bin, "run", scen, "--out", out, "--quiet", "--workers", "1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	// Wait (a guard of a minute, not an assertion) for a checkpoint with steps done.
	var partial string
	var man simrun.Manifest
	for start := time.Now(); man.StepsDone == 0; time.Sleep(50 * time.Millisecond) {
		if time.Since(start) > time.Minute {
			t.Fatal("no checkpoint with steps done within a minute")
		}
		m, _ := filepath.Glob(filepath.Join(parent, ".killed.partial-*", "manifest.json"))
		if len(m) == 1 {
			partial = filepath.Dir(m[0])
			if b, err := os.ReadFile(m[0]); err == nil {
				json.Unmarshal(b, &man)
			}
		}
	}
	cmd.Process.Kill()
	cmd.Wait()

	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a killed run created --out (stat: %v)", err)
	}
	b, err := os.ReadFile(filepath.Join(partial, "manifest.json"))
	if err != nil || json.Unmarshal(b, &man) != nil {
		t.Fatalf("partial manifest: %v\n%s", err, b)
	}
	steps, _ := os.ReadFile(filepath.Join(partial, "steps.csv"))
	rows := bytes.Count(steps, []byte("\n")) - 1                     // complete rows after the header
	if man.Complete || man.StepsDone < 1 || rows < man.StepsDone*3 { // 3 rows a step: a, b, all
		t.Errorf("partial outputs: complete %v, steps_done %d, %d complete rows in steps.csv", man.Complete, man.StepsDone, rows)
	}

	var stdout, stderr bytes.Buffer
	err = run(t.Context(), []string{"run", scen, "--out", out, "--quiet"}, nil, &stdout, &stderr)
	if err == nil || exitCode(err, &stderr) != 2 || !strings.Contains(err.Error(), "cut off before it finished") ||
		!strings.Contains(err.Error(), "of 1000000 steps written") || !strings.Contains(err.Error(), partial) {
		t.Errorf("run after the kill: %v", err)
	}
	small := filepath.Join(parent, "small.yaml")
	os.WriteFile(small, []byte(strings.Replace(slowScenario, "steps: 2000", "steps: 2", 1)), 0o644)
	if err := run(t.Context(), []string{"run", small, "--out", out, "--quiet", "--force"}, nil, &stdout, &stderr); err != nil {
		t.Fatalf("--force after the kill: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(parent, ".killed.*")); len(left) > 0 {
		t.Errorf("left after --force: %v", left)
	}
}
