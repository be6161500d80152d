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
	out := filepath.Join(t.TempDir(), "out")
	runGolden(t, []cliCase{
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
	})
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("bad input wrote %s (stat: %v)", out, err)
	}
}

// A tiny run: steps.csv and agents.csv are deterministic and golden; a
// second run into the same folder needs --force.
func TestRunTiny(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tiny")
	args := []string{"run", "testdata/run/tiny.yaml", "--out", dir, "--quiet", "--workers", "2"}
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), args, nil, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
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
	err := run(context.Background(), args, nil, &stdout, &stderr)
	if err == nil || exitCode(err, &stderr) != 2 || !strings.Contains(err.Error(), "already holds a run") {
		t.Errorf("second run without --force: %v", err)
	}
	if err := run(context.Background(), append(args, "--force"), nil, &stdout, &stderr); err != nil {
		t.Errorf("--force: %v", err)
	}
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
