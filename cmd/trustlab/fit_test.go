package main

import (
	"bytes"
	"context"
	"encoding/csv"
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
		{name: "fit-pool-empirical", args: []string{"fit", testData, "--spec", testSpec, "--pool", "all", "--prior", "empirical"}},
		{name: "recover-bad-partners", args: []string{"recover", "--partners", "good:25"}},
		{name: "recover-bad-range", args: []string{"recover", "--range", "beta=0:10"}},
	})
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// End to end: one invented subject in the mikus2023 format, every model, all outputs.
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
	subj := readCSV(t, filepath.Join(out, "subjects.csv"))
	if len(subj) != 1+6 {
		t.Fatalf("subjects.csv has %d rows, want header + 6 models", len(subj))
	}
	cmp := readCSV(t, filepath.Join(out, "comparison.csv"))
	if len(cmp) != 7 || cmp[1][0] != "full" || cmp[6][0] != "baseline" {
		t.Errorf("comparison.csv: %v", cmp)
	}
	pred := readCSV(t, filepath.Join(out, "predictions.csv"))
	if len(pred) != 1+50 {
		t.Errorf("predictions.csv has %d rows, want header + 50 trials", len(pred))
	}
	if !strings.Contains(stdout.String(), "fitted 1 subjects (1 subjects, 50 trials, 0 missed trials skipped)") {
		t.Errorf("stdout:\n%s", stdout.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr is not a terminal, so no progress bar; got %q", stderr.String())
	}
}

// recover with the default estimator (empirical Bayes): outputs, the
// population prior in the manifest, and the same results for any --workers.
func TestRecoverEmpiricalWorkers(t *testing.T) {
	var got []string
	for _, w := range []string{"1", "2"} {
		out := t.TempDir()
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{"recover", "--subjects", "12", "--restarts", "2", "--out", out, "--no-plots", "--workers", w}, nil, &stdout, &stderr)
		if err != nil {
			t.Fatalf("recover: %v\n%s", err, stderr.String())
		}
		if !strings.Contains(stdout.String(), "estimator: empirical Bayes (--prior empirical;") {
			t.Errorf("stdout does not name the estimator:\n%s", stdout.String())
		}
		man, err := os.ReadFile(filepath.Join(out, "manifest.json"))
		if err != nil || !strings.Contains(string(man), `"prior": "empirical"`) || !strings.Contains(string(man), `"population_priors"`) {
			t.Errorf("manifest.json lacks the estimator or the population prior: %v\n%s", err, man)
		}
		b, err := os.ReadFile(filepath.Join(out, "subjects.csv"))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(b))
	}
	if got[0] != got[1] {
		t.Errorf("subjects.csv differs between --workers 1 and 2:\n%s\n%s", got[0], got[1])
	}
}

// Results do not depend on --workers.
func TestFitWorkersIdentical(t *testing.T) {
	var got []string
	for _, w := range []string{"1", "2"} {
		out := t.TempDir()
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{"fit", testData, "--spec", testSpec, "--out", out, "--no-plots", "--no-cv", "--models", "no_learning", "--workers", w}, nil, &stdout, &stderr)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(out, "subjects.csv"))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(b))
	}
	if got[0] != got[1] {
		t.Errorf("subjects.csv differs between --workers 1 and 2:\n%s\n%s", got[0], got[1])
	}
}

// A questionnaire score fixes tau (the score rescaled to [0, 1]).
func TestFitQuestionnaireFixesTau(t *testing.T) {
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"fit", testData, "--spec", testSpec, "--out", out, "--no-plots", "--no-cv", "--restarts", "1",
		"--models", "no_trait", "--questionnaire", "testdata/fit/invented_answers.csv", "--key", "../../examples/data/general_trust_key.yaml"}, nil, &stdout, &stderr)
	if err != nil {
		t.Fatalf("fit: %v", err)
	}
	rows := readCSV(t, filepath.Join(out, "subjects.csv"))
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	// s1 answers 4,4,2(reversed: 4),3,4 on 1-5: mean 3.8, tau (3.8-1)/4 = 0.7.
	if full := rows[1]; full[col["model"]] != "full" || full[col["tau"]] != "0.7" || full[col["tau_se"]] != "NA" || full[col["k"]] != "4" {
		t.Errorf("full model: tau %s (se %s), k %s; want tau fixed at 0.7 with k 4", full[col["tau"]], full[col["tau_se"]], full[col["k"]])
	}
	if nt := rows[2]; nt[col["tau"]] != "0.5" {
		t.Errorf("no_trait: tau %s, want 0.5", nt[col["tau"]])
	}
	man, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil || !strings.Contains(string(man), `"cronbach_alpha"`) {
		t.Errorf("manifest.json lacks the questionnaire: %v\n%s", err, man)
	}
}
