package main

import (
	"bytes"
	"context"
	"github.com/trustlab/trustlab/internal/testfs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	testSpec = "../../examples/data/mikus2023.yaml"
	testData = "testdata/fit/invented_one.csv" // an invented subject in the mikus2023 format
)

func TestFitGolden(t *testing.T) {
	out := t.TempDir()
	runGolden(t, []cliCase{
		{name: "fit-help", args: []string{"fit", "-h"}},
		{name: "recover-help", args: []string{"recover", "-h"}},
		{name: "fit-no-data", args: []string{"fit", "--spec", testSpec}},
		{name: "fit-no-spec", args: []string{"fit", testData}},
		{name: "fit-bad-fix", args: []string{"fit", testData, "--spec", testSpec, "--fix", "gamma=2"}},
		{name: "fit-bad-fix-name", args: []string{"fit", testData, "--spec", testSpec, "--fix", "trust=1"}},
		{name: "fit-bad-free", args: []string{"fit", testData, "--spec", testSpec, "--free", "beta"}},
		{name: "fit-bad-model", args: []string{"fit", testData, "--spec", testSpec, "--models", "full,no_memory"}},
		{name: "fit-bad-pool", args: []string{"fit", testData, "--spec", testSpec, "--pool", "some"}},
		{name: "fit-key-without-questionnaire", args: []string{"fit", testData, "--spec", testSpec, "--key", "k.yaml"}},
		// Impossible rows fail with file:line:column from the dataset reader.
		{name: "fit-bad-amount", args: []string{"fit", "testdata/fit/bad_amount.csv", "--spec", testSpec, "--out", out, "--no-plots"}},
		{name: "fit-bad-outcome", args: []string{"fit", "testdata/fit/bad_outcome.csv", "--spec", testSpec, "--out", out, "--no-plots"}},
		{name: "fit-bad-prior", args: []string{"fit", testData, "--spec", testSpec, "--prior", "bayes"}},
		{name: "fit-bad-ranges", args: []string{"fit", testData, "--spec", testSpec, "--samples", "-1", "--cv-folds", "1", "--replications", "1001"}},
		{name: "fit-split-bad-column", args: []string{"fit", testData, "--spec", testSpec, "--split", "arm", "--out", out}},
		{name: "fit-pool-empirical", args: []string{"fit", testData, "--spec", testSpec, "--pool", "all", "--prior", "empirical"}},
		{name: "recover-bad-partners", args: []string{"recover", "--partners", "good:25"}},
		{name: "recover-bad-range", args: []string{"recover", "--range", "beta=0:10"}},
	})
}

// The CLI wires the workflow of package fitrun (tested there): outputs in
// --out, the summary on stdout, nothing on stderr when it is not a terminal.
func TestFitEndToEnd(t *testing.T) {
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"fit", testData, "--spec", testSpec, "--out", out, "--restarts", "2"}, nil, &stdout, &stderr)
	if err != nil {
		t.Fatalf("fit: %v\n%s", err, stderr.String())
	}
	for _, f := range []string{"subjects.csv", "comparison.csv", "predictions.csv", "manifest.json", "index.html", "choices_good.svg", "choices_bad.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing output: %v", err)
		}
	}
	subj := testfs.ReadCSV(t, filepath.Join(out, "subjects.csv"))
	if len(subj) != 1+13 { // 6 variants, 3 rivals, and full under 4 other response models
		t.Fatalf("subjects.csv has %d rows, want header + 13 models", len(subj))
	}
	for _, want := range []string{"fitted 1 subjects (1 subjects, 50 trials, 0 missed trials skipped)", "  no_asymmetry  ", "  full[bb]  ", "estimates are MAP under the empirical prior",
		"1 of 1 full-model fits have warnings"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr is not a terminal, so no progress bar; got %q", stderr.String())
	}
}

// recover prints the recovery table and names the estimator (the
// workflow itself is tested in package fitrun).
func TestRecoverPrints(t *testing.T) {
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"recover", "--subjects", "12", "--restarts", "2", "--out", out, "--no-plots"}, nil, &stdout, &stderr)
	if err != nil {
		t.Fatalf("recover: %v\n%s", err, stderr.String())
	}
	for _, want := range []string{"parameter  ", "estimator: empirical Bayes (--prior empirical;", "12 subjects fitted in "} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
		}
	}
	if _, err := os.Stat(filepath.Join(out, "recovery.csv")); err != nil {
		t.Error(err)
	}
}

// recover --model fits a rival model; --confusion prints and writes the
// model-recovery matrix (the studies themselves are tested in package fit).
func TestRecoverModelAndConfusion(t *testing.T) {
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"recover", "--model", "reciprocity", "--subjects", "8", "--restarts", "1", "--out", out, "--no-plots"}, nil, &stdout, &stderr); err != nil {
		t.Fatalf("recover --model: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "recip_b") || strings.Contains(stdout.String(), "w_plus") {
		t.Errorf("recover --model reciprocity printed:\n%s", stdout.String())
	}
	stdout.Reset()
	out = t.TempDir()
	if err := run(context.Background(), []string{"recover", "--confusion", "rw,baseline", "--subjects", "4", "--restarts", "1", "--out", out}, nil, &stdout, &stderr); err != nil {
		t.Fatalf("recover --confusion: %v\n%s", err, stderr.String())
	}
	rows := testfs.ReadCSV(t, filepath.Join(out, "confusion.csv"))
	if len(rows) != 4 || strings.Join(rows[0], ",") != "simulated,full,rw,baseline" {
		t.Errorf("confusion.csv: %v", rows)
	}
	if !strings.Contains(stdout.String(), "model recovery: 4 subjects") {
		t.Errorf("stdout: %s", stdout.String())
	}
	if err := run(context.Background(), []string{"recover", "--model", "nonsense", "--out", t.TempDir()}, nil, &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "--model") {
		t.Errorf("recover --model nonsense: %v", err)
	}
}

// --split fits each level into OUT/levels/LEVEL and prints each level's
// comparison under its name.
func TestFitSplit(t *testing.T) {
	out := filepath.Join(t.TempDir(), "split")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"fit", testData, "--spec", testSpec, "--out", out, "--split", "treatment", "--prior", "none", "--models", "baseline", "--restarts", "1", "--no-cv", "--no-plots"}, nil, &stdout, &stderr)
	if err != nil {
		t.Fatalf("fit --split: %v\n%s", err, stderr.String())
	}
	got := stdout.String()
	if !strings.HasPrefix(got, "split by treatment: 1 levels, each fitted on its own ("+out+"/levels/LEVEL)\n\ntreatment = control ("+out+"/levels/control): fitted 1 subjects") ||
		!strings.Contains(got, "baseline") {
		t.Errorf("stdout:\n%s", got)
	}
	if cmp := testfs.ReadCSV(t, filepath.Join(out, "comparison.csv")); len(cmp) != 3 || cmp[0][0] != "level" || cmp[1][0] != "control" {
		t.Errorf("comparison.csv: %v", cmp)
	}
}
