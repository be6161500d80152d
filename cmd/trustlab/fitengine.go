package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/dataset"
)

// cliFitter runs fits for the server with exactly the workflow of
// `trustlab fit DATA.csv --spec SPEC.yaml --out DIR` (default estimation
// options), which lives in this package: it implements trustlab.Fitter.
// Progress is coarse (0 of the subjects, then all of them) because the
// workflow reports progress to a terminal only.
type cliFitter struct{}

var _ trustlab.Fitter = cliFitter{}

// Check parses the spec and reads the data's header against it.
func (cliFitter) Check(dataPath string, spec []byte) error {
	sp, err := dataset.ParseSpec(bytes.NewReader(spec), "spec.yaml")
	if err != nil {
		return trustlab.Invalid(&trustlab.Error{Code: trustlab.EINVALID, Field: "spec", Message: err.Error()})
	}
	f, err := os.Open(dataPath)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := dataset.NewReader(f, "data.csv", sp); err != nil {
		return trustlab.Invalid(&trustlab.Error{Code: trustlab.EINVALID, Field: "data", Message: err.Error()})
	}
	return nil
}

// Fit runs the fit into out and returns its manifest.
func (cliFitter) Fit(ctx context.Context, dataPath string, spec []byte, out string, progress trustlab.ProgressFunc) ([]byte, error) {
	sp, err := dataset.ParseSpec(bytes.NewReader(spec), "spec.yaml")
	if err != nil {
		return nil, err
	}
	specPath := filepath.Join(filepath.Dir(out), "spec.yaml")
	if _, err := os.Stat(specPath); err != nil {
		if err := os.WriteFile(specPath, spec, 0o644); err != nil {
			return nil, err
		}
	}
	total := countSubjects(dataPath, sp)
	progress(0, total)
	var stderr strings.Builder
	e := &env{ctx: ctx, stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr}
	if err := cmdFit(e, []string{dataPath, "--spec", specPath, "--out", out}); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%v %s", err, strings.TrimSpace(stderr.String()))
	}
	progress(total, total)
	man, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		return nil, err
	}
	if !json.Valid(man) {
		return nil, fmt.Errorf("fit: manifest.json is not JSON")
	}
	return man, nil
}
