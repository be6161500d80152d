package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunBadInput(t *testing.T) {
	runBadInput(t, func(out string) []cliCase {
		return []cliCase{
			{name: "run-help", args: []string{"run", "-h"}},
			{name: "run-no-file", args: []string{"run"}},
			{name: "run-bad-k", args: []string{"run", "testdata/run/bad-k.yaml", "--out", out}},
			{name: "run-bad-shares", args: []string{"run", "testdata/run/bad-shares.yaml", "--out", out}},
			{name: "run-bad-steps", args: []string{"run", "testdata/run/bad-steps.yaml", "--out", out}},
			{name: "run-bad-key", args: []string{"run", "testdata/run/bad-key.yaml", "--out", out}},
			{name: "run-bad-edges", args: []string{"run", "testdata/run/bad-edges.yaml", "--out", out}},
			{name: "run-missing-file", args: []string{"run", "testdata/run/nope.yaml", "--out", out}},
			{name: "run-bad-steps-flag", args: []string{"run", "testdata/run/tiny.yaml", "--steps", "-5", "--out", out}},
			{name: "run-bad-workers", args: []string{"run", "testdata/run/tiny.yaml", "--workers", "0", "--out", out}},
			{name: "run-empty-edges", args: []string{"run", "testdata/run/empty-edges.yaml", "--out", out}},
			{name: "run-comment-edges", args: []string{"run", "testdata/run/comment-edges.yaml", "--out", out}},
			{name: "run-header-edges", args: []string{"run", "testdata/run/header-edges.yaml", "--out", out}},
			{name: "run-erdos-renyi-p0", args: []string{"run", "testdata/run/er-p0.yaml", "--out", out}},
			{name: "run-negative-size", args: []string{"run", "testdata/run/negative-size.yaml", "--out", out}},
		}
	})
}

// A tiny run: steps.csv and agents.csv are deterministic and golden; a
// second run into the same folder needs --force.
func TestRunTiny(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tiny")
	args, stdout, stderr := runTiny(t, dir, "--workers", "2")
	for _, name := range []string{"steps.csv", "agents.csv"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		checkGolden(t, "run-tiny-"+name, b)
	}
	man, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if !bytes.Contains(man, []byte(`"complete": true`)) || !bytes.Contains(man, []byte(`"scenario_hash"`)) {
		t.Errorf("manifest: %s", man)
	}
	err := run(context.Background(), args, nil, stdout, stderr)
	if err == nil || exitCode(err, stderr) != 2 || !strings.Contains(err.Error(), "already holds a run") {
		t.Errorf("second run without --force: %v", err)
	}
	if err := run(context.Background(), append(args, "--force"), nil, stdout, stderr); err != nil {
		t.Errorf("--force: %v", err)
	}
}

// runTiny runs testdata/run/tiny.yaml into dir quietly, with the extra
// flags, and fails the test unless it succeeds. It returns the arguments,
// for the runs after it, and the output buffers.
func runTiny(t *testing.T, dir string, extra ...string) (args []string, stdout, stderr *bytes.Buffer) {
	t.Helper()
	args = append([]string{"run", "testdata/run/tiny.yaml", "--out", dir, "--quiet"}, extra...)
	stdout, stderr = new(bytes.Buffer), new(bytes.Buffer)
	if err := run(context.Background(), args, nil, stdout, stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	return args, stdout, stderr
}

// Ctrl-C: a cancelled context stops the run; outputs are written and the
// manifest says complete: false.
func TestRunInterrupted(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "int")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	err := run(ctx, []string{"run", "testdata/run/tiny.yaml", "--out", dir, "--quiet"}, nil, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "interrupted after 0 of 5 steps") {
		t.Fatalf("err = %v", err)
	}
	man, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if !bytes.Contains(man, []byte(`"complete": false`)) {
		t.Errorf("manifest: %s", man)
	}
	if _, err := os.Stat(filepath.Join(dir, "steps.csv")); err != nil {
		t.Error(err)
	}
}

// --force replaces the whole folder: no file of the previous run (a plot
// the new run does not draw) is left.
func TestRunForceLeavesNoStaleFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tiny")
	args, stdout, stderr := runTiny(t, dir)
	stale := filepath.Join(dir, "payoff-by-group.png")
	os.WriteFile(stale, []byte("a plot of an earlier run"), 0o644)
	if err := run(context.Background(), append(args, "--force"), nil, stdout, stderr); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("--force left %s (stat: %v)", stale, err)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".tiny.*")); len(left) > 0 {
		t.Errorf("temporary folders left: %v", left)
	}
}

// A run killed with kill -9 leaves its partial outputs in a temporary
// folder beside --out; the next run says so, with how far it got, and
// --force starts over. (The kill itself is simulated: the folder a killed
// run leaves, with the manifest it checkpoints.)
func TestRunAfterKill(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "killed")
	partial := filepath.Join(parent, ".killed.partial-4242")
	os.Mkdir(partial, 0o755)
	os.WriteFile(filepath.Join(partial, "manifest.json"), []byte(`{"steps": 2000, "steps_done": 557, "complete": false}`), 0o644)
	os.WriteFile(filepath.Join(partial, "steps.csv"), []byte("step,group\n1,a\n2,"), 0o644)
	args := []string{"run", "testdata/run/tiny.yaml", "--out", dir, "--quiet"}
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, nil, &stdout, &stderr)
	if err == nil || exitCode(err, &stderr) != 2 {
		t.Fatalf("run after a kill: %v, want exit 2", err)
	}
	for _, want := range []string{"cut off before it finished", "557 of 2000 steps", partial, "--force"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("run after a kill: %q does not say %q", err, want)
		}
	}
	if err := run(context.Background(), append(args, "--force"), nil, &stdout, &stderr); err != nil {
		t.Fatalf("--force after a kill: %v", err)
	}
	if _, err := os.Stat(partial); !os.IsNotExist(err) {
		t.Errorf("--force left the partial folder (stat: %v)", err)
	}
}

// An output folder that holds other files is refused, and --force does not
// wipe a folder that is not a trustlab output (a mistyped --out).
func TestRunRefusesForeignFolder(t *testing.T) {
	dir := t.TempDir()
	mine := filepath.Join(dir, "thesis.tex")
	os.WriteFile(mine, []byte("years of work"), 0o644)
	for _, force := range []bool{false, true} {
		args := []string{"run", "testdata/run/tiny.yaml", "--out", dir, "--quiet"}
		if force {
			args = append(args, "--force")
		}
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), args, nil, &stdout, &stderr)
		if err == nil || exitCode(err, &stderr) != 2 {
			t.Errorf("force %v: %v, want exit 2", force, err)
		}
	}
	if b, err := os.ReadFile(mine); err != nil || string(b) != "years of work" {
		t.Errorf("the folder's file was touched: %q, %v", b, err)
	}
}

// Ctrl-C during a --force run keeps the previous complete run: the partial
// outputs stay beside it, and the next run says so.
func TestRunInterruptedKeepsPrevious(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "int")
	args, stdout, stderr := runTiny(t, dir)
	before, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := run(ctx, append(args, "--force"), nil, stdout, stderr)
	if err == nil || !strings.Contains(err.Error(), "the previous run in "+dir+" is kept") {
		t.Fatalf("interrupted --force run: %v", err)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "manifest.json")); !bytes.Equal(after, before) || !bytes.Contains(after, []byte(`"complete": true`)) {
		t.Errorf("the previous run changed:\n%s", after)
	}
	err = run(context.Background(), args, nil, stdout, stderr)
	if err == nil || !strings.Contains(err.Error(), "0 of 5 steps written") {
		t.Errorf("run after the interrupted one: %v", err)
	}
}
