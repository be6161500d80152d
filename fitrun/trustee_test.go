package fitrun_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/trustlab/trustlab/dataset"
	"github.com/trustlab/trustlab/fit"
	"github.com/trustlab/trustlab/fitrun"
	"github.com/trustlab/trustlab/internal/testfs"
)

// bothRoles writes a repeated investment game with both roles recorded:
// 12 trustors, each with a fixed trustee over 10 rounds, sending amounts
// that cycle through 1..10; the trustees return a larger share of a
// larger trust (returned share 0.1 + 0.5 x share sent, rounded down), so
// the trustee model must find ret_recip > 0. It returns the data and spec
// paths; withTrustee false leaves columns.trustee out of the spec.
func bothRoles(t *testing.T, withTrustee bool) (data, spec string) {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("trustor,trustee,round,sent,returned\n")
	for i := range 12 {
		for r := range 10 {
			sent := 1 + (i+3*r)%10
			got := 3 * sent
			ret := math.Floor(float64(got) * (0.1 + 0.5*float64(sent)/10 + 0.02*float64(i%3)))
			fmt.Fprintf(&b, "a%02d,b%02d,%d,%d,%s\n", i+1, i+1, r+1, sent, strconv.FormatFloat(ret, 'f', -1, 64))
		}
	}
	data = filepath.Join(dir, "game.csv")
	if err := os.WriteFile(data, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	sp := "name: both\ncolumns:\n  subject: trustor\n  partner: trustee\n  trial: round\n  sent: sent\n  returned: returned\n"
	if withTrustee {
		sp += "  trustee: trustee\n"
	}
	sp += "game:\n  endowment: 10\n  multiplier: 3\n  feedback: after_trust\n"
	spec = filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(spec, []byte(sp), 0o644); err != nil {
		t.Fatal(err)
	}
	return data, spec
}

// A data set with both roles is fitted for both by default: the
// trustors in OUT, the trustees in OUT/trustees, each with every file, and
// the trustees' reciprocity is found.
func TestRunBothRoles(t *testing.T) {
	data, spec := bothRoles(t, true)
	res, out := runReported(t, data, spec)
	if res.Trustees == nil {
		t.Fatal("no trustee fit")
	}
	for _, f := range []string{"subjects.csv", "index.html", "trustees/subjects.csv", "trustees/comparison.csv", "trustees/predictions.csv", "trustees/manifest.json", "trustees/index.html", "trustees/reciprocity.svg"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing output: %v", err)
		}
	}
	if !slices.Contains(res.Manifest.Outputs, "trustees/index.html") || res.Manifest.Role != "trustor" {
		t.Errorf("trustors' manifest: role %q, outputs %v", res.Manifest.Role, res.Manifest.Outputs)
	}
	tm := res.Trustees.Manifest
	if tm.Role != "trustee" || tm.Subjects != 12 || tm.Trials != 120 || tm.Fits != 12 || tm.Models[0] != "trustee" || tm.Models[1] != "baseline" {
		t.Errorf("trustees' manifest: %+v", tm)
	}
	subj := testfs.ReadCSV(t, filepath.Join(out, "trustees", "subjects.csv"))
	col := map[string]int{}
	for i, h := range subj[0] {
		col[h] = i
	}
	if _, ok := col["tau"]; ok {
		t.Error("the trustees' subjects.csv has a tau column")
	}
	pos := 0
	for _, r := range subj[1:] {
		if r[col["model"]] == "trustee" {
			if x, _ := strconv.ParseFloat(r[col["ret_recip"]], 64); x > 0.5 {
				pos++
			}
		}
	}
	if pos < 10 {
		t.Errorf("ret_recip > 0.5 for %d of 12 trustees, want at least 10 (returns grow with the trust)", pos)
	}
	page, _ := os.ReadFile(filepath.Join(out, "index.html"))
	if !strings.Contains(string(page), `href="trustees/index.html"`) {
		t.Error("the trustors' report does not link the trustees' fit")
	}
	tpage, _ := os.ReadFile(filepath.Join(out, "trustees", "index.html"))
	if !strings.Contains(string(tpage), "trustee model") || !strings.Contains(string(tpage), "reciprocity.svg") {
		t.Error("the trustees' report lacks its model or its reciprocity plot")
	}
}

// Role trustee fits the trustees alone into OUT; without columns.trustee
// it is refused, naming the key; trustor models are refused for them.
func TestRunTrusteeRole(t *testing.T) {
	data, spec := bothRoles(t, true)
	out := filepath.Join(t.TempDir(), "fit")
	o := fast()
	o.Role, o.Models = fitrun.RoleTrustee, nil
	res, err := fitrun.Run(context.Background(), data, spec, out, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Trustees != nil || res.Manifest.Role != "trustee" || res.Manifest.Subjects != 12 {
		t.Errorf("manifest %+v", res.Manifest)
	}
	if _, err := os.Stat(filepath.Join(out, "trustees")); !os.IsNotExist(err) {
		t.Errorf("role trustee wrote a trustees/ subfolder: %v", err)
	}
	header, rows := res.Comparison()
	if len(rows) != 6 || rows[0][0] != "trustee" || header[0] != "model" {
		t.Errorf("comparison %v", rows)
	}

	_, noTrustee := bothRoles(t, false)
	_, err = fitrun.Run(context.Background(), data, noTrustee, filepath.Join(t.TempDir(), "x"), o)
	var ie *fitrun.InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "columns.trustee") {
		t.Errorf("role trustee without columns.trustee: %v", err)
	}
	if _, err := fit.ParseModelsFor("full", true); err == nil {
		t.Error("full accepted for trustees")
	}
}

// berg1995 with its trustees named: every pair's responder is one
// trustee with one decision (the rows that sent nothing hold none), and
// trustor models refuse trustee sequences and the other way round.
func TestFromTrusteesBerg(t *testing.T) {
	spec, err := dataset.LoadSpec(filepath.Join("..", "examples", "data", "berg1995.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	spec.Columns.Trustee = dataset.ColumnList{"treatment", "pair_index"}
	path := filepath.Join("..", "..", "shared", "data", "berg1995", "pairs.csv")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("no shared data: %v", err)
	}
	subjects, _, err := dataset.ReadFile(path, spec)
	if err != nil {
		t.Fatal(err)
	}
	seqs, err := fitrun.FromTrustees(subjects, spec)
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	for _, s := range subjects {
		if s.Trials[0].Sent > 0 {
			sent++
		}
	}
	if len(seqs) != sent || sent == 0 {
		t.Fatalf("%d trustee sequences, want %d (pairs that sent something)", len(seqs), sent)
	}
	for _, s := range seqs {
		tr := s.Trials[0]
		if !s.Trustee || len(s.Trials) != 1 || math.Abs(tr.Endowment-3*tr.Trusted*10) > 1e-9 || tr.Sent > tr.Endowment {
			t.Fatalf("trustee %s: %+v", s.ID, s.Trials)
		}
	}
	full, _ := fit.ParseModels("full")
	if _, err := fit.FitSubject(seqs[0], nil, fit.Options{Models: full[:1], NoCV: true}); err == nil || !strings.Contains(err.Error(), "is a trustee") {
		t.Errorf("full model on a trustee: %v", err)
	}
	if _, err := fit.FitSubject(seqs[0], nil, fit.Options{Models: fit.TrusteeModels(nil)[:2], NoCV: true, Restarts: 1}); err != nil {
		t.Errorf("trustee models on a trustee: %v", err)
	}
	if _, err := fit.ParseModelsFor("rw", true); err == nil {
		t.Error("rw accepted for trustees")
	}
	if _, err := fit.ParseModelsFor("trustee", false); err == nil {
		t.Error("trustee accepted for trustors")
	}
	if ms, err := fit.ParseModelsFor("baseline,trustee[bb]", true); err != nil || len(ms) != 3 || ms[0].Name != "trustee" {
		t.Errorf("ParseModelsFor(trustee): %v %v", ms, err)
	}
}

// Errors name the line: a non-whole received amount, more returned than
// received.
func TestFromTrusteesErrors(t *testing.T) {
	spec := dataset.Spec{Columns: dataset.Columns{Subject: dataset.ColumnList{"s"}, Sent: "sent", Returned: "ret", Trustee: dataset.ColumnList{"t"}},
		Game: dataset.Game{Endowment: new(10.0), Multiplier: new(2.5), Feedback: "after_trust", Partner: "p"}}
	for _, tc := range []struct{ csv, want string }{
		{"s,t,sent,ret\na,x,3,2\n", "line 2: trustee \"x\" received 7.5"},
		{"s,t,sent,ret\na,x,4,2\na,x,2,2.5\n", "line 3: trustee \"x\" returned 2.5 of 5 received"},
	} {
		subjects, _, err := dataset.ReadAll(strings.NewReader(tc.csv), "d.csv", spec)
		if err == nil {
			_, err = fitrun.FromTrustees(subjects, spec)
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.csv, err, tc.want)
		}
	}
}
