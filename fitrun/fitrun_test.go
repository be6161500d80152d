package fitrun_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/trustlab/trustlab/fit"
	"github.com/trustlab/trustlab/fitrun"
	"github.com/trustlab/trustlab/internal/testfs"
)

const (
	testSpec = "../examples/data/mikus2023.yaml"
	testData = "testdata/invented_one.csv" // an invented subject in the mikus2023 format
)

// readFile returns the text of the file name in dir.
func readFile(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// manySubjects writes a data set of n subjects (s1, s2, ...), each with
// the trials of the invented subject, and returns its path.
func manySubjects(t *testing.T, n int) string {
	return rewriteData(t, "many.csv", func(sb *strings.Builder, trials []string) {
		for i := 1; i <= n; i++ {
			for _, l := range trials {
				sb.WriteString(fmt.Sprintf("s%d,", i) + strings.TrimPrefix(l, "s1,") + "\n")
			}
		}
	})
}

// rewriteData writes a data set with testData's header and the rows that
// rows makes of its trial lines into a temporary file name, and returns
// its path.
func rewriteData(t *testing.T, name string, rows func(sb *strings.Builder, trials []string)) string {
	t.Helper()
	b, err := os.ReadFile(testData)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	var sb strings.Builder
	sb.WriteString(lines[0] + "\n")
	rows(&sb, lines[1:])
	path := filepath.Join(t.TempDir(), name)
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

// runReported fits data (spec) with the fast options but with the plots and
// the report (no posterior predictive checks) into a new temporary folder,
// and returns the result and the folder.
func runReported(t *testing.T, data, spec string) (*fitrun.Result, string) {
	t.Helper()
	out := t.TempDir()
	o := fast()
	o.NoPlots = false
	o.NoPPC = true
	res, err := fitrun.Run(context.Background(), data, spec, out, o)
	if err != nil {
		t.Fatal(err)
	}
	return res, out
}

// End to end: one invented subject in the mikus2023 format, every model,
// all outputs, the manifest with the CLI's defaults.
func TestRunEndToEnd(t *testing.T) {
	out := t.TempDir()
	res, err := fitrun.Run(context.Background(), testData, testSpec, out, fitrun.Options{Estimation: fitrun.Estimation{Restarts: 2}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"subjects.csv", "comparison.csv", "predictions.csv", "cv_predictions.csv", "manifest.json", "index.html", "choices_good.svg", "choices_bad.png", "ppc_good.svg", "ppc_amounts.png", "comparison.svg"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing output: %v", err)
		}
	}
	// 6 variants, 3 rival models and the full model under 4 other response models.
	if subj := testfs.ReadCSV(t, filepath.Join(out, "subjects.csv")); len(subj) != 1+13 {
		t.Fatalf("subjects.csv has %d rows, want header + 13 models", len(subj))
	}
	cmp := testfs.ReadCSV(t, filepath.Join(out, "comparison.csv"))
	if len(cmp) != 14 || cmp[1][0] != "full" || cmp[6][0] != "baseline" || cmp[10][0] != "full[bb]" {
		t.Errorf("comparison.csv: %v", cmp)
	}
	if pred := testfs.ReadCSV(t, filepath.Join(out, "predictions.csv")); len(pred) != 1+50 {
		t.Errorf("predictions.csv has %d rows, want header + 50 trials", len(pred))
	}
	header, rows := res.Comparison()
	if len(rows) != 13 || len(header) != len(rows[0]) || header[len(header)-1] != "ΔiBIC" {
		t.Errorf("comparison table: %v %v", header, rows)
	}
	m := res.Manifest
	if m.Prior != "empirical" || res.Prior != fit.PriorEmpirical || m.Seed != 1 || m.Restarts != 2 || m.CVFraction != 0.8 || m.Pool != "none" ||
		m.Subjects != 1 || m.Trials != 50 || m.Fits != 1 || len(m.Models) != 13 || m.Workers < 1 || m.Response != "lapse+hurdle+round" {
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

// spoil writes a copy of the data set at path with the given lines
// (1-based, header = 1) replaced, and returns its path.
func spoil(t *testing.T, path string, lines map[int]string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ls := strings.Split(strings.TrimSpace(string(b)), "\n")
	for n, l := range lines {
		ls[n-1] = l
	}
	out := filepath.Join(t.TempDir(), "spoilt.csv")
	if err := os.WriteFile(out, []byte(strings.Join(ls, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// Bad rows: every one is reported at once (with file, line and field),
// nothing is written, and an earlier output stays as it was; with
// DropInvalid the bad subjects are left out and listed.
func TestRunBadRows(t *testing.T) {
	// 4 subjects of 50 rows: lines 2-51 are s1, 52-101 s2, 102-151 s3, 152-201 s4.
	data := spoil(t, manySubjects(t, 4), map[int]string{
		3:   "s1,bad,2,12,reciprocate,control", // investment out of range
		60:  "s2,bad,9,4,shrug,control",        // unknown outcome
		61:  "s2,bad,10,4",                     // too few fields
		160: "s4,bad,9,x,reciprocate,control",  // not a number
	})
	out := filepath.Join(t.TempDir(), "fit")
	if _, err := fitrun.Run(context.Background(), testData, testSpec, out, fast()); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(out, "subjects.csv"))
	o := fast()
	o.Force = true
	_, err := fitrun.Run(context.Background(), data, testSpec, out, o)
	var ie *fitrun.InputError
	var br *fitrun.BadRowsError
	if !errors.As(err, &ie) || !errors.As(err, &br) {
		t.Fatalf("got %v, want an InputError listing the bad rows", err)
	}
	for _, want := range []string{"4 bad rows in 3 subjects", "spoilt.csv:3:", `"sent"`, "spoilt.csv:60:", "spoilt.csv:61:", "wrong number of fields", "spoilt.csv:160:", "--drop-invalid"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if after, _ := os.ReadFile(filepath.Join(out, "subjects.csv")); string(after) != string(before) {
		t.Errorf("the earlier fit in --out changed after a refused data set")
	}

	o.DropInvalid = true
	res, err := fitrun.Run(context.Background(), data, testSpec, out, o)
	if err != nil {
		t.Fatal(err)
	}
	var dropped []string
	for _, d := range res.Manifest.Dropped {
		dropped = append(dropped, d.ID)
	}
	if !slices.Equal(dropped, []string{"s1", "s2", "s4"}) || res.Manifest.Fits != 1 || res.Manifest.Subjects != 1 {
		t.Errorf("dropped %v, fits %d, subjects %d; want s1, s2, s4 dropped and 1 subject fitted", dropped, res.Manifest.Fits, res.Manifest.Subjects)
	}
	if page, _ := os.ReadFile(filepath.Join(out, "index.html")); !strings.Contains(string(page), "s4") {
		t.Errorf("index.html does not list the dropped subjects")
	}
}

// An output folder is never overwritten without Force, and a failed fit
// leaves it as it was.
func TestRunOutputFolder(t *testing.T) {
	out := filepath.Join(t.TempDir(), "fit")
	if _, err := fitrun.Run(context.Background(), testData, testSpec, out, fast()); err != nil {
		t.Fatal(err)
	}
	_, err := fitrun.Run(context.Background(), testData, testSpec, out, fast())
	var ie *fitrun.InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "--out") {
		t.Errorf("second fit into %s without Force: %v, want an InputError about --out", out, err)
	}
	o := fast()
	o.Force = true
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := fitrun.Run(ctx, testData, testSpec, out, o); err == nil {
		t.Fatal("cancelled fit succeeded")
	}
	if rows := testfs.ReadCSV(t, filepath.Join(out, "subjects.csv")); len(rows) != 3 {
		t.Errorf("after a cancelled fit with Force, subjects.csv has %d rows, want the earlier 3", len(rows))
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		t.Errorf("temporary folders left beside --out: %v", entries)
	}
	if _, err := fitrun.Run(context.Background(), testData, testSpec, out, o); err != nil {
		t.Errorf("fit with Force: %v", err)
	}
}

// One-shot data: per-subject comparisons are refused (suggesting pools);
// data without feedback are fitted with a "not testable" warning.
func TestRunDesignChecks(t *testing.T) {
	oneShot := filepath.Join(t.TempDir(), "one.csv")
	os.WriteFile(oneShot, []byte("subject,trustee,trial,investment,backtransfer,treatment\ns1,bad,1,5,betray,control\ns2,bad,1,7,reciprocate,control\n"), 0o644)
	_, err := fitrun.Run(context.Background(), oneShot, testSpec, t.TempDir(), fast())
	if err == nil || !strings.Contains(err.Error(), "--pool") {
		t.Errorf("one-shot per-subject fit: %v, want a refusal suggesting --pool", err)
	}
	o := fast()
	o.Prior, o.Pool = nil, fitrun.PoolAll
	if _, err := fitrun.Run(context.Background(), oneShot, testSpec, t.TempDir(), o); err != nil {
		t.Errorf("one-shot pooled fit: %v", err)
	}
	spec := filepath.Join(t.TempDir(), "nofeedback.yaml")
	os.WriteFile(spec, []byte("name: nofeedback\ncolumns: {subject: subject, partner: trustee, trial: trial, sent: investment}\ngame: {endowment: 10, multiplier: 3, feedback: after_trust}\norder_within: partner\n"), 0o644)
	res, err := fitrun.Run(context.Background(), testData, spec, t.TempDir(), fast())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.Contains(w, "not testable") }) {
		t.Errorf("no feedback: warnings %v lack \"not testable\"", res.Warnings)
	}
	_, rows := res.Comparison()
	for _, r := range rows {
		if r[0] == "no_learning" && !slices.Contains(r, "not testable") {
			t.Errorf("comparison row %v does not say not testable", r)
		}
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
		got = append(got, readFile(t, out, "subjects.csv"))
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
	rows := testfs.ReadCSV(t, filepath.Join(out, "subjects.csv"))
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	// s1 answers 4,4,2(reversed: 4),3,4 on 1-5: mean 3.8, tau (3.8-1)/4 = 0.7.
	if full := rows[1]; full[col["model"]] != "full" || full[col["tau"]] != "0.7" || full[col["tau_se"]] != "NA" || full[col["k"]] != "7" {
		t.Errorf("full model: tau %s (se %s), k %s; want tau fixed at 0.7 with k 7 (beta, w_plus, w_minus, phi, lapse, hurdle, round)", full[col["tau"]], full[col["tau_se"]], full[col["k"]])
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
			// The data are read first; the tables and plots are written last.
			if len(got) < 2 || got[0].Stage != fitrun.StageRead || got[len(got)-1].Stage != fitrun.StagePlots || got[len(got)-1].Done != n {
				t.Fatalf("reports %+v, want reading the data first and the plots last", got)
			}
			got = got[1 : len(got)-1]
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
// and --out stays as it was (empty here): no partial outputs, which would
// be easy to mistake for a result, and no temporary folder beside it.
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
		if entries, _ := os.ReadDir(out); len(entries) != 0 {
			t.Errorf("--out of a cancelled fit holds %v", entries)
		}
		if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 1 {
			t.Errorf("beside --out of a cancelled fit: %v", entries)
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
		got = append(got, readFile(t, out, "subjects.csv"))
	}
	if got[0] != got[1] {
		t.Errorf("subjects.csv differs between 1 and 2 workers:\n%s\n%s", got[0], got[1])
	}
}

// Cross-validation predictions: under the last-trials split the last 20%
// of each partner's trials are held out once; under k-fold every trial is
// held out exactly once, in its fold.
func TestRunCVPredictions(t *testing.T) {
	for _, tc := range []struct {
		folds, perModel int
	}{{0, 10}, {5, 50}} {
		t.Run(fmt.Sprint(tc.folds), func(t *testing.T) {
			out := t.TempDir()
			o := fast()
			o.NoCV, o.CVFolds = false, tc.folds
			if _, err := fitrun.Run(context.Background(), testData, testSpec, out, o); err != nil {
				t.Fatal(err)
			}
			rows := testfs.ReadCSV(t, filepath.Join(out, "cv_predictions.csv"))
			if got := strings.Join(rows[0], ","); got != "subject,model,fold,partner,trial,response,observed,expected,logprob" {
				t.Fatalf("header %s", got)
			}
			seen := map[string]int{}
			folds := map[string]bool{}
			sum := map[string]float64{}
			for _, r := range rows[1:] {
				seen[r[1]+"/"+r[3]+"/"+r[4]]++
				folds[r[2]] = true
				var lp float64
				fmt.Sscan(r[8], &lp)
				sum[r[1]] += lp
			}
			if len(rows)-1 != 2*tc.perModel {
				t.Errorf("%d rows, want %d per model x 2 models", len(rows)-1, tc.perModel)
			}
			for k, n := range seen {
				if n != 1 {
					t.Errorf("%s held out %d times", k, n)
				}
			}
			if want := max(1, tc.folds); len(folds) != want {
				t.Errorf("folds %v, want %d", folds, want)
			}
			for _, r := range testfs.ReadCSV(t, filepath.Join(out, "subjects.csv"))[1:] {
				var cv float64
				fmt.Sscan(r[8], &cv)
				if math.Abs(cv-sum[r[2]]) > 1e-6*math.Abs(cv) || r[9] != fmt.Sprint(tc.perModel) {
					t.Errorf("%s: cv_loglik %s (n %s), held-out log-probabilities sum to %g over %d", r[2], r[8], r[9], sum[r[2]], tc.perModel)
				}
			}
		})
	}
}

// BenchmarkFitMikus2023 is `trustlab fit` on the shared mikus2023 data
// with the defaults: every model of the default comparison (variants,
// rivals, other response models), empirical Bayes, 5 restarts,
// cross-validation, standard errors, posterior predictive replications
// and plots (go test ./fitrun -run XXX -bench FitMikus -benchtime 1x).
func BenchmarkFitMikus2023(b *testing.B) {
	data := "../../shared/data/mikus2023/trials.csv"
	if _, err := os.Stat(data); err != nil {
		b.Skipf("no shared data: %v", err)
	}
	for b.Loop() {
		o := fitrun.Options{Force: true}
		if _, err := fitrun.Run(context.Background(), data, testSpec, filepath.Join(b.TempDir(), "fit"), o); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/fit")
}

// A spec naming the kinds of partner adds partner_prior to the default
// comparison, with one prior shift per kind after the first.
func TestRunPartnerKinds(t *testing.T) {
	b, err := os.ReadFile(testSpec)
	if err != nil {
		t.Fatal(err)
	}
	spec := filepath.Join(t.TempDir(), "kinds.yaml")
	os.WriteFile(spec, []byte(strings.Replace(string(b), "  partner: trustee", "  partner: trustee\n  partner_kind: trustee", 1)), 0o644)
	out := t.TempDir()
	o := fast()
	o.Models = nil
	res, err := fitrun.Run(context.Background(), testData, spec, out, o)
	if err != nil {
		t.Fatal(err)
	}
	if m := res.Manifest.Models; m[len(m)-1] != "partner_prior" {
		t.Fatalf("models %v, want partner_prior last", m)
	}
	rows := testfs.ReadCSV(t, filepath.Join(out, "subjects.csv"))
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, r := range rows[1:] {
		used := r[col["kind_shift_1"]] != "NA"
		if used != (r[col["model"]] == "partner_prior") || r[col["kind_shift_2"]] != "NA" {
			t.Errorf("%s: kind_shift_1 %s, kind_shift_2 %s", r[col["model"]], r[col["kind_shift_1"]], r[col["kind_shift_2"]])
		}
	}
}
