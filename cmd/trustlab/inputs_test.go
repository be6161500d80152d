package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// A missing input file is bad input in every subcommand: exit status 2 and
// a message naming the file.
func TestMissingFileExitStatus(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope")
	out := filepath.Join(dir, "out")
	tests := []struct {
		name string
		args []string
	}{
		{"run", []string{"run", missing + ".yaml", "--out", out}},
		{"sweep", []string{"sweep", missing + ".yaml", "--out", out}},
		{"merge", []string{"merge", missing}},
		{"fit, data", []string{"fit", missing + ".csv", "--spec", "../../examples/data/mikus2023.yaml", "--out", out}},
		{"fit, spec", []string{"fit", "testdata/fit/invented_one.csv", "--spec", missing + ".yaml", "--out", out}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, nil, &stdout, &stderr)
			if code := exitCode(err, &stderr); code != 2 || !strings.Contains(err.Error(), missing) {
				t.Errorf("trustlab %s: exit %d, %v; want exit 2 naming %s", strings.Join(tt.args, " "), code, err, missing)
			}
		})
	}
}
