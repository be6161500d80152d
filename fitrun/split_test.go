package fitrun_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustlab/trustlab/fit"
	"github.com/trustlab/trustlab/fitrun"
	"github.com/trustlab/trustlab/internal/testfs"
)

// twoTreatments writes n subjects per treatment (control: c1.., sulpiride:
// p1..), each with the invented subject's trials, and returns its path.
func twoTreatments(t *testing.T, n int) string {
	return rewriteData(t, "two.csv", func(sb *strings.Builder, trials []string) {
		for _, tr := range []struct{ prefix, name string }{{"p", "sulpiride"}, {"c", "control"}} {
			for i := 1; i <= n; i++ {
				for _, l := range trials {
					l = strings.TrimSuffix(strings.TrimPrefix(l, "s1,"), ",control")
					sb.WriteString(fmt.Sprintf("%s%d,%s,%s\n", tr.prefix, i, l, tr.name))
				}
			}
		}
	})
}

// A split fit fits each level of the column on its own into
// levels/LEVEL (sorted), joins the comparisons and subjects under a first
// column "level", and each level's fit is the fit of its rows alone.
func TestRunSplit(t *testing.T) {
	data := twoTreatments(t, 2)
	out := t.TempDir()
	o := fast()
	o.Split = "treatment"
	var levels []string
	o.Progress = func(p fitrun.Progress) {
		if p.Stage == fitrun.StageStart {
			levels = append(levels, fmt.Sprintf("%d/%d %s", p.LevelIndex, p.Levels, p.Level))
		}
	}
	res, err := fitrun.Run(context.Background(), data, testSpec, out, o)
	if err != nil {
		t.Fatal(err)
	}
	if want := "1/2 control,2/2 sulpiride"; strings.Join(levels, ",") != want {
		t.Errorf("progress levels %q, want %q", levels, want)
	}
	m := res.Manifest
	if m.Split != "treatment" || len(m.Levels) != 2 || m.Levels[0].Level != "control" || m.Levels[1].Folder != "levels/sulpiride" ||
		m.Subjects != 4 || m.Fits != 4 || m.Trials != 200 || m.Levels[0].Rows != 100 || m.Levels[0].Subjects != 2 {
		t.Errorf("manifest: %+v", m)
	}
	for _, f := range []string{"levels.csv", "comparison.csv", "subjects.csv", "index.html", "manifest.json",
		"levels/control/subjects.csv", "levels/sulpiride/comparison.csv", "levels/sulpiride/index.html"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing output: %v", err)
		}
	}
	cmp := testfs.ReadCSV(t, filepath.Join(out, "comparison.csv"))
	if len(cmp) != 5 || cmp[0][0] != "level" || cmp[0][1] != "model" || cmp[1][0] != "control" || cmp[1][1] != "full" || cmp[4][0] != "sulpiride" || cmp[4][1] != "baseline" {
		t.Errorf("comparison.csv: %v", cmp)
	}
	subj := testfs.ReadCSV(t, filepath.Join(out, "subjects.csv"))
	if len(subj) != 1+8 || subj[1][0] != "control" || subj[1][1] != "c1" || subj[8][0] != "sulpiride" {
		t.Errorf("subjects.csv: %v", subj)
	}
	// The level's fit is the fit of its rows alone: the same estimates.
	alone := filepath.Join(t.TempDir(), "control.csv")
	b, _ := os.ReadFile(data)
	var keep []string
	for i, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if i == 0 || strings.HasSuffix(l, ",control") {
			keep = append(keep, l)
		}
	}
	if err := os.WriteFile(alone, []byte(strings.Join(keep, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	o.Split, o.Progress = "", nil
	ref := t.TempDir()
	if _, err := fitrun.Run(context.Background(), alone, testSpec, ref, o); err != nil {
		t.Fatal(err)
	}
	got, want := testfs.ReadCSV(t, filepath.Join(out, "levels", "control", "subjects.csv")), testfs.ReadCSV(t, filepath.Join(ref, "subjects.csv"))
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("level control:\n%v\nalone:\n%v", got, want)
	}
	var lm fitrun.Manifest
	mb, _ := os.ReadFile(filepath.Join(out, "levels", "control", "manifest.json"))
	if err := json.Unmarshal(mb, &lm); err != nil || !strings.Contains(lm.Data.Path, `treatment = "control"`) {
		t.Errorf("level manifest data %+v (%v)", lm.Data, err)
	}
}

// Under empirical Bayes each level has its own population prior, in the
// manifest beside the level; under another estimator none.
func TestRunSplitPopulations(t *testing.T) {
	data := twoTreatments(t, 3)
	o := fast()
	o.Split, o.Prior = "treatment", new(fit.PriorEmpirical)
	res, err := fitrun.Run(context.Background(), data, testSpec, t.TempDir(), o)
	if err != nil {
		t.Fatal(err)
	}
	for _, lv := range res.Manifest.Levels {
		p := lv.Population
		if p == nil || p.Model != "full" || len(p.Params) == 0 || len(p.Center) != len(p.Params) || p.Subjects != 3 {
			t.Errorf("level %s: population %+v", lv.Level, p)
		}
	}
	if lm := res.Levels[0].Manifest; len(lm.Populations) == 0 || lm.Populations[0].Center[0] != res.Manifest.Levels[0].Population.Center[0] {
		t.Errorf("the level's population is not its fit's")
	}
	o.Prior = new(fit.PriorWeak)
	res, err = fitrun.Run(context.Background(), data, testSpec, t.TempDir(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Manifest.Levels[0].Population != nil {
		t.Errorf("under the weak prior: a population %+v", res.Manifest.Levels[0].Population)
	}
}

// A split column that is not in the data is an OptionError naming split
// and the header.
func TestRunSplitBadColumn(t *testing.T) {
	o := fast()
	o.Split = "arm"
	_, err := fitrun.Run(context.Background(), testData, testSpec, t.TempDir(), o)
	var oe *fitrun.OptionError
	if !errors.As(err, &oe) || oe.Field != "split" || !strings.Contains(oe.Msg, "the header has: subject, trustee") {
		t.Errorf("err %v, want an OptionError about split", err)
	}
}
