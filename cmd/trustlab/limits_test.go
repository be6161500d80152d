package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/trustlab/trustlab/scenario"
)

// trustlab run refuses a run predicted to need more memory than the
// machine has, naming --force-size (issue 13).
func TestRunRefusesARunLargerThanTheMachine(t *testing.T) {
	stdout, stderr, err := cliErr(t, context.Background(), "run", "testdata/run/huge.yaml", "--out", t.TempDir(), "--quiet")
	if code := exitCode(err, io.Discard); code != 2 || stdout != "" ||
		!strings.Contains(stderr, "huge: the run would need about ") || !strings.Contains(stderr, "(2147483647 agents, 2147483647 beliefs, 1000 steps), more than this machine's ") ||
		!strings.Contains(stderr, "--force-size to run it anyway") {
		t.Errorf("exit %d (%v)\nstdout %q\nstderr %q", code, err, stdout, stderr)
	}
}

func TestCheckSize(t *testing.T) {
	sc, err := scenario.Parse([]byte("name: s\nsteps: 10\npopulation: {size: 100000}\nnetwork: {kind: k-out, k: 10}\n"), "s.yaml", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		force bool
		mem   int64
		ok    bool
	}{
		{false, 64 << 30, true}, {false, 1 << 20, false}, {true, 1 << 20, true}, {false, 0, true},
	} {
		err := checkSize(sc, tc.force, tc.mem)
		if (err == nil) != tc.ok || (err != nil && !strings.Contains(err.Error(), "more than this machine's 1.0 MiB")) {
			t.Errorf("force %v, memory %d: %v", tc.force, tc.mem, err)
		}
	}
}

func TestParseByteSize(t *testing.T) {
	for in, want := range map[string]int64{"1": 1, "500M": 500 << 20, "8G": 8 << 30, "8GiB": 8 << 30, "8gb": 8 << 30, "1.5K": 1536, "2T": 2 << 40, " 3 MB ": 3 << 20} {
		if got, err := parseByteSize(in); err != nil || got != want {
			t.Errorf("parseByteSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1G", "lots", "1X", "1e30T", "NaN"} {
		if _, err := parseByteSize(in); err == nil {
			t.Errorf("parseByteSize(%q) accepted", in)
		}
	}
}

// serve checks its limit flags.
func TestServeLimitFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--max-agents", "1"}, "--max-agents = 1: must be in [2, 2147483647]"},
		{[]string{"--max-steps", "-3"}, "--max-steps = -3: must be in [1, 1000000000]"},
		{[]string{"--max-queued", "1000000"}, "--max-queued = 1000000: must be in [1, 100000]"},
		{[]string{"--max-disk", "lots"}, `--max-disk = "lots": must be a size of at least 1 byte`},
	} {
		_, stderr, err := cliErr(t, context.Background(), append([]string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0"}, tc.args...)...)
		if exitCode(err, io.Discard) != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("serve %q: %v\n%s", tc.args, err, stderr)
		}
	}
}

// cliErr runs trustlab and returns its stdout, its stderr followed by the
// error's message, and the error.
func cliErr(t *testing.T, ctx context.Context, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(ctx, args, nil, &stdout, &stderr)
	if err != nil {
		stderr.WriteString(err.Error())
	}
	return stdout.String(), stderr.String(), err
}

func FuzzParseByteSize(f *testing.F) {
	for _, s := range []string{"1", "500M", "8GiB", "1.5K", "0", "-1G", "1e30T", "NaN", "Inf", "2tb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if v, err := parseByteSize(s); err == nil && v < 1 {
			t.Fatalf("parseByteSize(%q) = %d", s, v)
		}
	})
}
