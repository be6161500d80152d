package jobrun_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/jobrun"
)

// mikusSpec is the data spec of the shipped Mikus 2023 data set, the one
// fitData's data sets follow.
func mikusSpec(t *testing.T) []byte {
	t.Helper()
	spec, err := os.ReadFile("../examples/data/mikus2023.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// fitData writes n invented subjects in the mikus2023 format (two
// partners, 25 trials each) into a job folder and returns the data path.
func fitData(t *testing.T, n int) string {
	t.Helper()
	var sb strings.Builder
	sb.WriteString("subject,trustee,trial,investment,backtransfer,treatment\n")
	for s := 1; s <= n; s++ {
		for _, p := range []string{"bad", "good"} {
			for i := 1; i <= 25; i++ {
				back := "betray"
				if (p == "good") == (i%4 != 0) {
					back = "reciprocate"
				}
				fmt.Fprintf(&sb, "s%d,%s,%d,%d,%s,control\n", s, p, i, (s+i)%11, back)
			}
		}
	}
	path := filepath.Join(t.TempDir(), "data.csv")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// fitSubjects fits the models to n subjects of fitData, as a job does
// (jobrun.Fit at its defaults, with ctx and progress), and returns the
// manifest and the output folder; it skips the test in -short mode.
func fitSubjects(t *testing.T, ctx context.Context, n int, progress trustlab.ProgressFunc) ([]byte, string) {
	t.Helper()
	if testing.Short() {
		t.Skipf("fits every model to %d subjects", n)
	}
	spec := mikusSpec(t)
	data := fitData(t, n)
	out := filepath.Join(filepath.Dir(data), "out")
	man, err := jobrun.Fit{Version: "test"}.Fit(ctx, data, spec, out, progress)
	if err != nil {
		t.Fatal(err)
	}
	return man, out
}

// The fitter reports 0 of the subjects at the start, then every subject,
// and returns the manifest.
func TestFitReportsEverySubject(t *testing.T) {
	var got [][2]int
	man, out := fitSubjects(t, context.Background(), 3, func(d, n int) { got = append(got, [2]int{d, n}) })
	if want := [][2]int{{0, 3}, {1, 3}, {2, 3}, {3, 3}}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("progress %v, want %v", got, want)
	}
	var m struct {
		Command string `json:"command"`
		Version string `json:"version"`
		Fits    int    `json:"fits"`
		Prior   string `json:"prior"`
	}
	if err := json.Unmarshal(man, &m); err != nil || m.Command != "fit" || m.Version != "test" || m.Fits != 3 || m.Prior != "empirical" {
		t.Errorf("manifest %s: %v", man, err)
	}
	if _, err := os.Stat(filepath.Join(out, "comparison.csv")); err != nil {
		t.Error(err)
	}
}

func TestFitCancelled(t *testing.T) {
	spec := mikusSpec(t)
	data := fitData(t, 3)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := jobrun.Fit{}.Fit(ctx, data, spec, filepath.Join(filepath.Dir(data), "out"), func(int, int) {})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Fit: %v, want context.Canceled", err)
	}
}

func TestFitCheck(t *testing.T) {
	spec := mikusSpec(t)
	data := fitData(t, 1)
	if err := (jobrun.Fit{}).Check(data, spec); err != nil {
		t.Errorf("Check: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(bad, []byte("who,what\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		data string
		spec []byte
	}{"spec": {data, []byte("nonsense: [")}, "data": {bad, spec}} {
		if err := (jobrun.Fit{}).Check(tc.data, tc.spec); trustlab.ErrorCode(err) != trustlab.EINVALID {
			t.Errorf("%s: Check: %v (code %q), want invalid", name, err, trustlab.ErrorCode(err))
		}
	}
}

// A questionnaire that jobs saved beside the data (questionnaire.csv and
// questionnaire_key.yaml, as "Fit this session" submits them) fixes the
// subjects' tau: the manifest records it, and subjects.csv holds each
// subject's score as its tau.
func TestFitUsesTheJobsQuestionnaire(t *testing.T) {
	if testing.Short() {
		t.Skip("fits 3 subjects")
	}
	spec := mikusSpec(t)
	data := fitData(t, 3)
	dir := filepath.Dir(data)
	key, err := os.ReadFile("../examples/data/general_trust_key.yaml")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "questionnaire_key.yaml"), key, 0o644)
	os.WriteFile(filepath.Join(dir, "questionnaire.csv"), []byte("id,gt1,gt2,gt3,gt4,gt5\ns1,5,5,1,5,5\ns2,1,1,5,1,1\ns3,3,3,3,3,3\n"), 0o644)
	out := filepath.Join(dir, "out")
	man, err := jobrun.Fit{Version: "test"}.Fit(context.Background(), data, spec, out, func(int, int) {})
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Questionnaire *struct {
			Respondents int `json:"respondents"`
		} `json:"questionnaire"`
	}
	if err := json.Unmarshal(man, &m); err != nil || m.Questionnaire == nil || m.Questionnaire.Respondents != 3 {
		t.Fatalf("manifest questionnaire: %s (%v)", man, err)
	}
	subj, _ := os.ReadFile(filepath.Join(out, "subjects.csv"))
	if !strings.Contains(string(subj), "s1,control,full,") {
		t.Errorf("subjects.csv:\n%.400s", subj)
	}
}

// The fit's options (options.json beside the data, as jobs saves
// JobInput.FitOptions) are checked by Check: each bad one is an EINVALID
// field error naming the option and its range; good ones reach the fit
// (its manifest and the command line that reproduces it).
func TestFitOptions(t *testing.T) {
	spec := mikusSpec(t)
	for _, tc := range []struct {
		options string
		fields  []string // field=range
	}{
		{`{}`, nil},
		{`{"cv_fraction":1.5,"samples":-1}`, []string{"cv_fraction=(0, 1)", "samples=[0, 100000]"}},
		{`{"split":"arm"}`, []string{"split=a column of data.csv"}},
		{`{"role":"trustee"}`, []string{"role=auto, trustor"}},
		{`{"models":"full,nope"}`, []string{"models=full, no_asymmetry, no_risk, no_trait, no_learning, baseline, partner_prior, rw, rw2, reciprocity, trustee"}},
		{`{"modles":"all"}`, []string{"modles="}},
	} {
		data := fitData(t, 1)
		if err := os.WriteFile(filepath.Join(filepath.Dir(data), "options.json"), []byte(tc.options), 0o644); err != nil {
			t.Fatal(err)
		}
		err := (jobrun.Fit{}).Check(data, spec)
		var got []string
		for _, f := range trustlab.FieldErrors(err) {
			got = append(got, f.Field+"="+f.Range)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.fields) || (err != nil && trustlab.ErrorCode(err) != trustlab.EINVALID) {
			t.Errorf("%s: fields %q (%v), want %q", tc.options, got, err, tc.fields)
		}
	}
	// Good options reach the fit.
	data := fitData(t, 2)
	opts := `{"models":"baseline","prior":"none","restarts":1,"no_cv":true,"samples":0,"replications":0,"split":"treatment","seed":7}`
	if err := os.WriteFile(filepath.Join(filepath.Dir(data), "options.json"), []byte(opts), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(filepath.Dir(data), "out")
	var phases []string
	ctx := trustlab.WithPhase(context.Background(), func(p string) { phases = append(phases, p) })
	b, err := jobrun.Fit{}.Fit(ctx, data, spec, out, func(int, int) {})
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Args   []string `json:"args"`
		Models []string `json:"models"`
		Prior  string   `json:"prior"`
		Seed   uint64   `json:"seed"`
		Split  string   `json:"split"`
		Levels []struct {
			Level string `json:"level"`
		} `json:"levels"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Prior != "none" || m.Seed != 7 || fmt.Sprint(m.Models) != "[full baseline]" || m.Split != "treatment" || len(m.Levels) != 1 || m.Levels[0].Level != "control" ||
		!strings.Contains(strings.Join(m.Args, " "), "--models baseline --prior none --split treatment --replications 0 --samples 0 --restarts 1 --seed 7 --no-cv") {
		t.Errorf("manifest %s", b)
	}
	if len(phases) == 0 || !strings.HasPrefix(phases[len(phases)-1], "level 1 of 1 (control): ") {
		t.Errorf("phases %q", phases)
	}
}
