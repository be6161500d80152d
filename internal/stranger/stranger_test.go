package stranger

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/trustlab/trustlab/model"
	"github.com/trustlab/trustlab/report"
)

var update = flag.Bool("update", false, "rewrite testdata/berg1995.txt and the figures docs/figures/stranger-*.svg/png")

// bergPath is shared/data/berg1995/pairs.csv beside the project root.
const bergPath = "../../../shared/data/berg1995/pairs.csv"

// checkGolden compares got with the golden file, which -update rewrites.
func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test ./internal/stranger -run %s -update writes it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("summaries differ from %s (-update rewrites it)\n--- got\n%s--- want\n%s", golden, got, want)
	}
}

// bergAmounts reads the amounts the 60 investors of Berg 1995 sent; the
// test is skipped where the data set is absent.
func bergAmounts(t *testing.T) []int {
	t.Helper()
	f, err := os.Open(bergPath)
	if err != nil {
		t.Skipf("Berg 1995 data absent: %v", err)
	}
	defer f.Close()
	amounts, err := ReadAmounts(f, bergPath, "amount_sent")
	if err != nil {
		t.Fatal(err)
	}
	return amounts
}

// berg is the design of Berg, Dickhaut & McCabe (1995).
var berg = model.Situation{Game: model.Investment, Endowment: 10, Multiplier: 3}

// mikusTraitSD is the spread of the trait in the empirical-Bayes population
// prior of the full model fitted to mikus2023 (sd of logit tau, 0.516).
const mikusTraitSD = 0.516

// cases are the predictions of docs/model.md, "Calibrated defaults".
func cases(t *testing.T) []Case {
	t.Helper()
	cal, err := model.Calibrated().Model()
	if err != nil {
		t.Fatal(err)
	}
	def := model.Default()
	var out []Case
	for _, c := range []struct {
		name  string
		m     model.Model
		trait Trait
	}{
		{"(a) MODEL.md defaults, trait 0.5", def, Fixed(0.5)},
		{"(b) MODEL.md defaults, trait ~ U(0, 1)", def, Uniform(0, 1, 1000)},
		{"(c) calibrated, trait 0.369", cal, Fixed(model.CalibratedTrait)},
		{"(d) calibrated, trait spread as in mikus2023", cal, LogitNormal(model.CalibratedTrait, mikusTraitSD, 241)},
	} {
		pmf, err := Predict(c.m, c.trait, berg)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, Case{c.name, pmf})
	}
	return out
}

func table(cs []Case) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-48s %6s %6s %6s %6s %6s\n", "amount sent of 10", "mean", "sd", "median", "P(0)", "P(10)")
	for _, c := range cs {
		s := Summarize(c.PMF)
		fmt.Fprintf(&b, "%-48s %6.2f %6.2f %6.1f %6.3f %6.3f\n", c.Name, s.Mean, s.SD, s.Median, s.P0, s.PAll)
	}
	fmt.Fprintf(&b, "\nshare sending each amount 0..10\n")
	for _, c := range cs {
		fmt.Fprintf(&b, "%-48s", c.Name)
		for _, p := range c.PMF {
			fmt.Fprintf(&b, " %.3f", p)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestBergFigure compares the predicted strangers with Berg's 60 investors
// (both treatments). It checks testdata/berg1995.txt and the SVG figure
// against a fresh computation; -update rewrites them and the PNG:
//
//	go test ./internal/stranger -run TestBergFigure -update
func TestBergFigure(t *testing.T) {
	amounts := bergAmounts(t)
	if len(amounts) != 60 {
		t.Fatalf("%d investors, want 60", len(amounts))
	}
	obs, err := Observed(amounts, 10)
	if err != nil {
		t.Fatal(err)
	}
	cs := append([]Case{{"Berg et al. 1995, observed (60 investors)", obs}}, cases(t)...)

	got := table(cs)
	golden := filepath.Join("testdata", "berg1995.txt")
	chart := Chart("Amount sent to a stranger: investment game, endowment 10, multiplier 3", cs)
	opt := report.SaveOptions{Width: 20 * 28.3464567, Height: 11 * 28.3464567}
	figDir := filepath.Join("..", "..", "docs", "figures")
	checkGolden(t, golden, got)
	if *update {
		if err := os.MkdirAll(figDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if _, err := report.Save(figDir, "stranger-berg1995", chart, opt); err != nil {
			t.Fatal(err)
		}
	}
	var svg bytes.Buffer
	if err := report.Render(&svg, "svg", chart, opt); err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile(filepath.Join(figDir, "stranger-berg1995.svg"))
	if err != nil || !bytes.Equal(old, svg.Bytes()) {
		t.Errorf("docs/figures/stranger-berg1995.svg is missing or out of date (%v): -update rewrites it", err)
	}
	t.Logf("\n%s", got)
}

// TestBergReference pins the observed summaries (Berg et al. 1995, both
// treatments: mean 5.25, sd 3.18, median 5, 5 of 60 send 0, 12 send all)
// and checks that the calibrated stranger (case c) is within 0.5 of Berg's
// mean and within 0.1 of its P(0) and P(10), while the default (a) is not.
func TestBergReference(t *testing.T) {
	amounts := bergAmounts(t)
	obs, err := Observed(amounts, 10)
	if err != nil {
		t.Fatal(err)
	}
	o := Summarize(obs)
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"mean", o.Mean, 5.25}, {"sd", o.SD, 3.176}, {"median", o.Median, 5},
		{"P(0)", o.P0, 5.0 / 60}, {"P(10)", o.PAll, 12.0 / 60},
	} {
		if math.Abs(c.got-c.want) > 1e-3 {
			t.Errorf("Berg %s = %.4f, want %.4f", c.name, c.got, c.want)
		}
	}
	cs := cases(t)
	close := func(s Summary) bool {
		return math.Abs(s.Mean-o.Mean) <= 0.5 && math.Abs(s.P0-o.P0) <= 0.1 && math.Abs(s.PAll-o.PAll) <= 0.1
	}
	if s := Summarize(cs[2].PMF); !close(s) {
		t.Errorf("calibrated stranger %+v: not within 0.5 of Berg's mean and 0.1 of its P(0), P(10) (%+v)", s, o)
	}
	if s := Summarize(cs[0].PMF); close(s) {
		t.Errorf("default stranger %+v is close to Berg (%+v): the docs say it is not", s, o)
	}
}

// TestFractionFigure draws the intended fraction over the trait under both
// parameter sets (docs/figures/stranger-fraction.svg/png, rewritten with
// -update) and pins the values the issue measured: 0.013 at trait 0.2 and
// 0.924 at 0.5 under docs/model.md's defaults.
func TestFractionFigure(t *testing.T) {
	cal, err := model.Calibrated().Model()
	if err != nil {
		t.Fatal(err)
	}
	lc := report.LineChart{Title: "Stranger: intended fraction (Berg design)",
		XLabel: "trait tau", YLabel: "intended fraction f = sigmoid(beta B1)", YMin: new(0.0), YMax: new(1.0)}
	for _, c := range []struct {
		name string
		m    model.Model
	}{{"MODEL.md defaults (beta 5)", model.Default()}, {"calibrated (beta 9.52)", cal}} {
		tau, f, err := FractionCurve(c.m, berg, 200)
		if err != nil {
			t.Fatal(err)
		}
		lc.Series = append(lc.Series, report.Series{Name: c.name, X: tau, Y: f})
	}
	def := lc.Series[0].Y
	for _, c := range []struct {
		i    int
		want float64
	}{{40, 0.0133}, {100, 0.9241}} {
		if math.Abs(def[c.i]-c.want) > 1e-4 {
			t.Errorf("default f(%.1f) = %.5f, want %.4f", float64(c.i)/200, def[c.i], c.want)
		}
	}
	figDir := filepath.Join("..", "..", "docs", "figures")
	if *update {
		if _, err := report.Save(figDir, "stranger-fraction", lc, report.SaveOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	var svg bytes.Buffer
	if err := report.Render(&svg, "svg", lc, report.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile(filepath.Join(figDir, "stranger-fraction.svg"))
	if err != nil || !bytes.Equal(old, svg.Bytes()) {
		t.Errorf("docs/figures/stranger-fraction.svg is missing or out of date (%v): -update rewrites it", err)
	}
}

func TestSummarize(t *testing.T) {
	for _, c := range []struct {
		name string
		pmf  []float64
		want Summary
	}{
		{"point", []float64{0, 1, 0}, Summary{Mean: 1, SD: 0, Median: 1, P0: 0, PAll: 0}},
		{"two ends", []float64{0.5, 0, 0.5}, Summary{Mean: 1, SD: 1, Median: 1, P0: 0.5, PAll: 0.5}},
		{"empty", nil, Summary{}},
		{"skewed", []float64{0.25, 0.25, 0.5}, Summary{Mean: 1.25, SD: math.Sqrt(0.6875), Median: 1.5, P0: 0.25, PAll: 0.5}},
	} {
		got := Summarize(c.pmf)
		if c.pmf == nil {
			if !math.IsNaN(got.Mean) || !math.IsNaN(got.Median) || !math.IsNaN(got.P0) {
				t.Errorf("empty: %+v, want NaNs", got)
			}
			continue
		}
		if math.Abs(got.Mean-c.want.Mean) > 1e-12 || math.Abs(got.SD-c.want.SD) > 1e-12 || got.Median != c.want.Median ||
			got.P0 != c.want.P0 || got.PAll != c.want.PAll {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestPredictSumsToOne(t *testing.T) {
	for _, tr := range []Trait{Fixed(0.2), Uniform(0, 1, 50), LogitNormal(0.4, 0.5, 61)} {
		pmf, err := Predict(model.Default(), tr, berg)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0.0
		for _, p := range pmf {
			sum += p
		}
		if math.Abs(sum-1) > 1e-12 || len(pmf) != 11 {
			t.Errorf("%s: %d masses summing to %.15f", tr.Name, len(pmf), sum)
		}
	}
	if _, err := Predict(model.Default(), Trait{Name: "empty"}, berg); err == nil {
		t.Error("empty trait: no error")
	}
	if _, err := Predict(model.Default(), Fixed(0.5), model.Situation{Gain: 1, Loss: 1}); err == nil {
		t.Error("binary situation: no error")
	}
	for _, c := range []struct {
		name       string
		tr         Trait
		gain, loss float64
		e          int
	}{
		{"empty trait", Trait{Name: "empty"}, 0.5, 1, 10},
		{"negative gain", Fixed(0.5), -1, 1, 10},
		{"endowment 0", Fixed(0.5), 0.5, 1, 0},
		{"trait 2", Fixed(2), 0.5, 1, 10},
	} {
		if _, err := PredictGraded(model.Default(), c.tr, c.gain, c.loss, c.e); err == nil {
			t.Errorf("PredictGraded, %s: no error", c.name)
		}
	}
	pmf, err := PredictGraded(model.Default(), Uniform(0, 1, 20), 0.5, 1, 10)
	if sum := func() (s float64) {
		for _, p := range pmf {
			s += p
		}
		return
	}(); err != nil || math.Abs(sum-1) > 1e-12 {
		t.Errorf("PredictGraded: masses sum to %.15f (%v)", sum, err)
	}
}

func TestReadAmountsErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"a,b\n1,2\n", `x.csv:1: no column "amount_sent"`},
		{"amount_sent\n3\nlots\n", `x.csv:3: amount_sent = "lots": must be a whole number`},
		{"", "x.csv:1: EOF"},
	} {
		_, err := ReadAmounts(strings.NewReader(c.src), "x.csv", "amount_sent")
		if err == nil || err.Error() != c.want {
			t.Errorf("%q: err = %v, want %s", c.src, err, c.want)
		}
	}
	if _, err := Observed([]int{3, 11}, 10); err == nil || !strings.Contains(err.Error(), "amount 11 (#2) outside [0, 10]") {
		t.Errorf("Observed out of range: %v", err)
	}
}

// mikusPath is shared/data/mikus2023/trials.csv beside the project root.
const mikusPath = "../../../shared/data/mikus2023/trials.csv"

// TestMikusFirstTrial is the in-sample check of docs/model.md: the first
// investment with each trustee (150 strangers, before any feedback) against
// the calibrated model with mikus2023's trait distribution (median 0.692,
// logit sd 0.516; binary belief, gain 0.5 and loss 1 per unit), pinned in
// testdata/mikus2023-first.txt (-update rewrites it).
func TestMikusFirstTrial(t *testing.T) {
	f, err := os.Open(mikusPath)
	if err != nil {
		t.Skipf("mikus2023 data absent: %v", err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var first []int
	for _, r := range rows[1:] {
		if r[2] == "1" {
			v, err := strconv.Atoi(r[3])
			if err != nil {
				t.Fatal(err)
			}
			first = append(first, v)
		}
	}
	obs, err := Observed(first, 10)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := model.Calibrated().Model()
	if err != nil {
		t.Fatal(err)
	}
	cs := []Case{{fmt.Sprintf("mikus2023 first trials, observed (%d)", len(first)), obs}}
	for _, c := range []struct {
		name  string
		trait Trait
	}{
		{"calibrated, trait 0.692", Fixed(model.CalibratedTraitBinary)},
		{"calibrated, trait spread as in mikus2023", LogitNormal(model.CalibratedTraitBinary, mikusTraitSD, 241)},
	} {
		pmf, err := PredictGraded(cal, c.trait, 0.5, 1, 10)
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, Case{c.name, pmf})
	}
	got := table(cs)
	golden := filepath.Join("testdata", "mikus2023-first.txt")
	checkGolden(t, golden, got)
	t.Logf("\n%s", got)
}

// TestEndowment100 pins the calibrated stranger with an endowment of 100
// (docs/model.md, "Where the calibrated model still fails"): the intended
// fraction is the same, the masses at 0 and at everything are smaller.
func TestEndowment100(t *testing.T) {
	cal, err := model.Calibrated().Model()
	if err != nil {
		t.Fatal(err)
	}
	s := model.Situation{Game: model.Investment, Endowment: 100, Multiplier: 3}
	pmf, err := Predict(cal, Fixed(model.CalibratedTrait), s)
	if err != nil {
		t.Fatal(err)
	}
	got := Summarize(pmf)
	want := Summary{Mean: 54.00, SD: 31.70, Median: 56, P0: 0.0158, PAll: 0.0314}
	if math.Abs(got.Mean-want.Mean) > 0.005 || math.Abs(got.SD-want.SD) > 0.005 || got.Median != want.Median ||
		math.Abs(got.P0-want.P0) > 5e-5 || math.Abs(got.PAll-want.PAll) > 5e-5 {
		t.Errorf("endowment 100: %+v, want %+v", got, want)
	}
	// The measurements of the default stranger at 100: mean 92, sd 8;
	// with tau ~ U(0, 1) mean 63 and 41% sending everything (here 0.421; the
	// issue does not say how it computed its 0.41, so P(100) gets 0.015).
	for _, c := range []struct {
		trait          Trait
		mean, sd, pAll float64
	}{
		{Fixed(0.5), 92, 8, math.NaN()},
		{Uniform(0, 1, 1000), 63, math.NaN(), 0.41},
	} {
		pmf, err := Predict(model.Default(), c.trait, s)
		if err != nil {
			t.Fatal(err)
		}
		got := Summarize(pmf)
		t.Logf("default, %s, endowment 100: %+v", c.trait.Name, got)
		if math.Abs(got.Mean-c.mean) > 0.5 || (!math.IsNaN(c.sd) && math.Abs(got.SD-c.sd) > 0.5) ||
			(!math.IsNaN(c.pAll) && math.Abs(got.PAll-c.pAll) > 0.015) {
			t.Errorf("default, %s, endowment 100: %+v, want mean %g, sd %g, P(100) %g (issue 16, rounded)", c.trait.Name, got, c.mean, c.sd, c.pAll)
		}
	}
}

// TestBergTraitSpread: how much trait heterogeneity Berg's 60 amounts allow
// under the calibrated beta and phi. For each spread (sd of logit tau) the
// median trait is chosen on a grid of step 0.0005 to maximise the
// log-likelihood; docs/model.md quotes the losses against no spread.
func TestBergTraitSpread(t *testing.T) {
	amounts := bergAmounts(t)
	cal, err := model.Calibrated().Model()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		sd, median, loglik float64
	}{
		{0, 0.3690, -143.141},
		{0.05, 0.3695, -143.317},
		{0.1, 0.3705, -144.655},
		{0.2, 0.3730, -151.170},
		{0.5, 0.3800, -173.961},
	} {
		best, bestMed := math.Inf(-1), 0.0
		for i := 0; i <= 300; i++ {
			med := 0.30 + 0.0005*float64(i)
			tr := Fixed(med)
			if c.sd > 0 {
				tr = LogitNormal(med, c.sd, 241)
			}
			pmf, err := Predict(cal, tr, berg)
			if err != nil {
				t.Fatal(err)
			}
			ll := 0.0
			for _, a := range amounts {
				ll += math.Log(pmf[a])
			}
			if ll > best {
				best, bestMed = ll, med
			}
		}
		if math.Abs(bestMed-c.median) > 1e-9 || math.Abs(best-c.loglik) > 5e-4 {
			t.Errorf("sd %g: best median %.4f, log-likelihood %.3f; want %.4f, %.3f", c.sd, bestMed, best, c.median, c.loglik)
		}
	}
}
