package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// cliCase is one invocation of the CLI checked against golden files
// testdata/golden/NAME.stdout and NAME.stderr (the exit status is the last
// line of the .stderr file).
type cliCase struct {
	name  string
	args  []string
	stdin string
}

// runGolden runs each case in-process and compares stdout, stderr and the
// exit status with the golden files; with -update it rewrites them.
func runGolden(t *testing.T, cases []cliCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tc.args, strings.NewReader(tc.stdin), &stdout, &stderr)
			code := exitCode(err, &stderr)
			fmt.Fprintf(&stderr, "[exit %d]\n", code)
			checkGolden(t, tc.name+".stdout", stdout.Bytes())
			checkGolden(t, tc.name+".stderr", stderr.Bytes())
		})
	}
}

// runBadInput runs the golden cases of bad input that cases gives for an
// output folder out not made yet (runGolden), then checks that none of
// them made it.
func runBadInput(t *testing.T, cases func(out string) []cliCase) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	runGolden(t, cases(out))
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("bad input wrote %s (stat: %v)", out, err)
	}
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/trustlab -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./cmd/trustlab -update rewrites it)\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestCLIBasics(t *testing.T) {
	runGolden(t, []cliCase{
		{name: "no-args"},
		{name: "help", args: []string{"help"}},
		{name: "version", args: []string{"version"}},
		{name: "unknown-command", args: []string{"frobnicate"}},
	})
}
