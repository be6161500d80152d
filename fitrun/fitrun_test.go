package fitrun_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/trustlab/trustlab/fit"
	"github.com/trustlab/trustlab/fitrun"
)

const (
	testSpec = "../examples/data/mikus2023.yaml"
	testData = "testdata/invented_one.csv" // an invented subject in the mikus2023 format
)

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

// manySubjects writes a data set of n subjects (s1, s2, ...), each with
// the trials of the invented subject, and returns its path.
func manySubjects(t *testing.T, n int) string {
	t.Helper()
	b, err := os.ReadFile(testData)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	var sb strings.Builder
	sb.WriteString(lines[0] + "\n")
	for i := 1; i <= n; i++ {
		for _, l := range lines[1:] {
			sb.WriteString(fmt.Sprintf("s%d,", i) + strings.TrimPrefix(l, "s1,") + "\n")
		}
	}
	path := filepath.Join(t.TempDir(), "many.csv")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// fast are options that fit quickly: maximum likelihood, one model
// besides the full one, one restart, no cross-validation, no plots.
func fast() fitrun.Options {
	models, _ := fit.ParseModels("baseline")
	return fitrun.Options{Estimation: fitrun.Estimation{Prior: new(fit.PriorNone), Restarts: 1}, Models: models, NoCV: true, NoPlots: true}
}

// End to end: one invented subject in the mikus2023 format, every model,
// all outputs, the manifest with the CLI's defaults.
func TestRunEndToEnd(t *testing.T) {
	out := t.TempDir()
	res, err := fitrun.Run(context.Background(), testData, testSpec, out, fitrun.Options{Estimation: fitrun.Estimation{Restarts: 2}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"subjects.csv", "comparison.csv", "predictions.csv", "manifest.json", "index.html", "choices_good.svg", "choices_bad.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing output: %v", err)
		}
	}
	// 6 variants and the full model under 3 other response models.
	if subj := readCSV(t, filepath.Join(out, "subjects.csv")); len(subj) != 1+9 {
		t.Fatalf("subjects.csv has %d rows, want header + 9 models", len(subj))
	}
	cmp := readCSV(t, filepath.Join(out, "comparison.csv"))
	if len(cmp) != 10 || cmp[1][0] != "full" || cmp[6][0] != "baseline" || cmp[7][0] != "full[bb]" {
		t.Errorf("comparison.csv: %v", cmp)
	}
	if pred := readCSV(t, filepath.Join(out, "predictions.csv")); len(pred) != 1+50 {
		t.Errorf("predictions.csv has %d rows, want header + 50 trials", len(pred))
	}
	header, rows := res.Comparison()
	if len(rows) != 9 || len(header) != len(rows[0]) || header[len(header)-1] != "ΔiBIC" {
		t.Errorf("comparison table: %v %v", header, rows)
	}
	m := res.Manifest
	if m.Prior != "empirical" || res.Prior != fit.PriorEmpirical || m.Seed != 1 || m.Restarts != 2 || m.CVFraction != 0.8 || m.Pool != "none" ||
		m.Subjects != 1 || m.Trials != 50 || m.Fits != 1 || len(m.Models) != 9 || m.Workers < 1 || m.Response != "lapse+hurdle" {
		t.Errorf("manifest: %+v", m)
	}
	// One subject is too few for empirical Bayes: every fit says so.
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "1 of 1 full-model fits have warnings") {
		t.Errorf("warnings: %q", res.Warnings)
	}
}

// Pooled fits default to maximum likelihood; empirical Bayes with pools is
// bad input.
func TestRunPoolPrior(t *testing.T) {
	o := fast()
	o.Prior, o.Pool = nil, fitrun.PoolAll
	res, err := fitrun.Run(context.Background(), testData, testSpec, t.TempDir(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Prior != fit.PriorNone || res.Manifest.Pool != "all" {
		t.Errorf("pooled fit: prior %v, pool %q", res.Prior, res.Manifest.Pool)
	}
	o.Prior = new(fit.PriorEmpirical)
	_, err = fitrun.Run(context.Background(), testData, testSpec, t.TempDir(), o)
	var ie *fitrun.InputError
	if !errors.As(err, &ie) {
		t.Errorf("empirical Bayes with pools: %v, want an InputError", err)
	}
}

// Bad input in the data: a DataError naming file, line and field; the
// subjects before it stay in subjects.csv.
func TestRunBadData(t *testing.T) {
	out := t.TempDir()
	_, err := fitrun.Run(context.Background(), "../cmd/trustlab/testdata/fit/bad_amount.csv", testSpec, out, fast())
	var de *fitrun.DataError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "bad_amount.csv:3:9") || de.Written != 0 {
		t.Fatalf("got %v, want a DataError at bad_amount.csv:3:9 after 0 subjects", err)
	}
	if rows := readCSV(t, filepath.Join(out, "subjects.csv")); len(rows) != 1 {
		t.Errorf("subjects.csv: %v", rows)
	}
}

// Results do not depend on the number of workers.
func TestRunWorkersIdentical(t *testing.T) {
	data := manySubjects(t, 3)
	var got []string
	for _, w := range []int{1, 2} {
		out := t.TempDir()
		o := fast()
		o.Workers = w
		if _, err := fitrun.Run(context.Background(), data, testSpec, out, o); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(out, "subjects.csv"))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(b))
	}
	if got[0] != got[1] {
		t.Errorf("subjects.csv differs between 1 and 2 workers:\n%s\n%s", got[0], got[1])
	}
}

// A questionnaire score fixes tau (the score rescaled to [0, 1]).
func TestRunQuestionnaireFixesTau(t *testing.T) {
	out := t.TempDir()
	models, _ := fit.ParseModels("no_trait")
	o := fitrun.Options{Estimation: fitrun.Estimation{Restarts: 1}, Models: models, NoCV: true, NoPlots: true,
		Questionnaire: "testdata/invented_answers.csv", Key: "../examples/data/general_trust_key.yaml"}
	res, err := fitrun.Run(context.Background(), testData, testSpec, out, o)
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, filepath.Join(out, "subjects.csv"))
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	// s1 answers 4,4,2(reversed: 4),3,4 on 1-5: mean 3.8, tau (3.8-1)/4 = 0.7.
	if full := rows[1]; full[col["model"]] != "full" || full[col["tau"]] != "0.7" || full[col["tau_se"]] != "NA" || full[col["k"]] != "6" {
		t.Errorf("full model: tau %s (se %s), k %s; want tau fixed at 0.7 with k 6 (beta, w_plus, w_minus, phi, lapse, hurdle)", full[col["tau"]], full[col["tau_se"]], full[col["k"]])
	}
	if nt := rows[2]; nt[col["tau"]] != "0.5" {
		t.Errorf("no_trait: tau %s, want 0.5", nt[col["tau"]])
	}
	if q := res.Manifest.Questionnaire; q == nil || q.TauFrom != "fix" || q.Items != 5 {
		t.Errorf("manifest questionnaire: %+v", q)
	}
}

// The progress callback reports the start with the number of subjects and
// then every subject, in order, under maximum likelihood and under
// empirical Bayes (which also reports its EM iterations first).
func TestProgressReportsEverySubject(t *testing.T) {
	const n = 6
	data := manySubjects(t, n)
	for _, prior := range []fit.Prior{fit.PriorNone, fit.PriorEmpirical} {
		t.Run(prior.String(), func(t *testing.T) {
			o := fast()
			o.Prior, o.Workers = new(prior), 2
			var got []fitrun.Progress
			o.Progress = func(p fitrun.Progress) { got = append(got, p) }
			if _, err := fitrun.Run(context.Background(), data, testSpec, t.TempDir(), o); err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 || got[0].Stage != fitrun.StageStart || got[0].Total != n || got[0].Prior != prior {
				t.Fatalf("first report %+v, want the start with %d subjects", got, n)
			}
			var subjects []string
			em := 0
			for _, p := range got[1:] {
				switch p.Stage {
				case fitrun.StageSubject:
					subjects = append(subjects, p.Subject)
					if p.Done != len(subjects) || p.Total != n {
						t.Errorf("report %+v after %d subjects", p, len(subjects))
					}
				case fitrun.StageEM:
					if len(subjects) > 0 {
						t.Errorf("EM iteration %d reported after the final fits began", p.Iteration)
					}
					em++
				default:
					t.Errorf("unexpected report %+v", p)
				}
			}
			want := []string{"s1", "s2", "s3", "s4", "s5", "s6"}
			if !slices.Equal(subjects, want) {
				t.Errorf("subjects reported %v, want %v", subjects, want)
			}
			if (prior == fit.PriorEmpirical) != (em > 0) {
				t.Errorf("%d EM iterations reported under %v", em, prior)
			}
		})
	}
}

// Cancelling the context stops a fit: Run returns the context's error,
// and the subjects written before stay in subjects.csv.
func TestCancelStopsFit(t *testing.T) {
	const n = 12
	data := manySubjects(t, n)
	t.Run("between subjects", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		out := t.TempDir()
		o := fast()
		o.Workers = 1
		o.Progress = func(p fitrun.Progress) {
			if p.Stage == fitrun.StageSubject && p.Done == 2 {
				cancel()
			}
		}
		_, err := fitrun.Run(ctx, data, testSpec, out, o)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Run: %v, want context.Canceled", err)
		}
		// Two models per subject; at most the subjects already fitted
		// when the context was cancelled follow the first two.
		rows := readCSV(t, filepath.Join(out, "subjects.csv"))
		if written := (len(rows) - 1) / 2; written < 2 || written >= n/2 {
			t.Errorf("%d subjects written after cancelling at the second of %d", written, n)
		}
		if _, err := os.Stat(filepath.Join(out, "manifest.json")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("manifest.json of a cancelled fit: %v", err)
		}
	})
	t.Run("during EM", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		out := t.TempDir()
		o := fast()
		o.Prior = new(fit.PriorEmpirical)
		o.Progress = func(p fitrun.Progress) {
			if p.Stage == fitrun.StageEM {
				cancel()
			}
			if p.Stage == fitrun.StageSubject {
				t.Errorf("subject %s fitted after cancelling during the EM", p.Subject)
			}
		}
		if _, err := fitrun.Run(ctx, data, testSpec, out, o); !errors.Is(err, context.Canceled) {
			t.Fatalf("Run: %v, want context.Canceled", err)
		}
	})
}

// Recover with the default estimator (empirical Bayes): outputs, the
// population prior in the manifest, and the same results for any number
// of workers; progress reports every subject.
func TestRecoverEmpiricalWorkers(t *testing.T) {
	var got []string
	for _, w := range []int{1, 2} {
		out := t.TempDir()
		done := 0
		rec, err := fitrun.Recover(context.Background(), out, fitrun.RecoverOptions{Estimation: fitrun.Estimation{Restarts: 2, Workers: w}, Subjects: 12, NoPlots: true,
			Progress: func(p fitrun.Progress) {
				if p.Stage == fitrun.StageSubject {
					done++
				}
			}})
		if err != nil {
			t.Fatal(err)
		}
		if done != 12 {
			t.Errorf("progress reported %d of 12 subjects", done)
		}
		if !strings.HasPrefix(fitrun.EstimatorText(rec.Fits[0].Estimates[0].Prior), "empirical Bayes (--prior empirical;") {
			t.Errorf("estimator: %s", fitrun.EstimatorText(rec.Fits[0].Estimates[0].Prior))
		}
		man, err := os.ReadFile(filepath.Join(out, "manifest.json"))
		if err != nil {
			t.Fatal(err)
		}
		if m := rec.Manifest; m.Prior != "empirical" || len(m.Populations) != 1 || m.Subjects != 12 || m.Seed != 1 || !json.Valid(man) ||
			!strings.Contains(string(man), `"population_priors"`) {
			t.Errorf("manifest: %+v\n%s", m, man)
		}
		b, err := os.ReadFile(filepath.Join(out, "subjects.csv"))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(b))
	}
	if got[0] != got[1] {
		t.Errorf("subjects.csv differs between 1 and 2 workers:\n%s\n%s", got[0], got[1])
	}
}
