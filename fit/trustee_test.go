package fit

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustlab/trustlab/dataset"
)

// The trustee model against its definition: three returns of 5 of 12,
// 14 of 30 and 0 of 3 after the trustor sent 4, 10 and 1 of 10
// (multiplier 3), ret_base 0.3, ret_recip 1.5, a plain beta-binomial
// with phi 6. Reference: the sum of log BB(k; n, f phi, (1-f) phi) with
// f = sigmoid(logit(0.3) + 1.5 (s - 1/2)), computed with Python's
// math.lgamma (intended fractions 0.2694730258, 0.4756947065,
// 0.1904177763).
func TestTrusteeLogLikReference(t *testing.T) {
	tr := func(sent, received, returned float64) Trial {
		return Trial{Response: Amount, Endowment: received, Sent: returned, Multiplier: 1, Trusted: sent / 10}
	}
	s := &Sequence{ID: "t1", Partners: []string{"investor"}, Belief: ReturnBelief, Trustee: true,
		Trials: []Trial{tr(4, 12, 5), tr(10, 30, 14), tr(1, 3, 0)}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	v := DefaultValues()
	v[RetBase], v[RetRecip], v[Phi] = 0.3, 1.5, 6
	c := compile(s, 1)
	if got, want := c.loglik(&v, ruleTrustee, partAll, nil), -5.7468095401307036; math.Abs(got-want) > 1e-10 {
		t.Errorf("log-likelihood %.15g, want %.15g", got, want)
	}
	for i, want := range []float64{0.269473025848299, 0.47569470647369777, 0.19041777631437717} {
		if got := trusteeFraction(&v, s.Trials[i].Trusted); math.Abs(got-want) > 1e-14 {
			t.Errorf("trial %d: intended fraction %.15g, want %.15g", i+1, got, want)
		}
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
	subjects, _, err := dataset.ReadFile(filepath.Join("..", "..", "shared", "data", "berg1995", "pairs.csv"), spec)
	if err != nil {
		t.Fatal(err)
	}
	seqs, err := FromTrustees(subjects, spec)
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
	o := Options{Models: []Variant{variants[0]}}
	if err := check(seqs[0], nil, o); err == nil || !strings.Contains(err.Error(), "is a trustee") {
		t.Errorf("full model on a trustee: %v", err)
	}
	if err := check(seqs[0], nil, Options{Models: TrusteeModels(nil)}); err != nil {
		t.Errorf("trustee models on a trustee: %v", err)
	}
	if _, err := ParseModelsFor("rw", true); err == nil {
		t.Error("rw accepted for trustees")
	}
	if _, err := ParseModelsFor("trustee", false); err == nil {
		t.Error("trustee accepted for trustors")
	}
	if ms, err := ParseModelsFor("baseline,trustee[bb]", true); err != nil || len(ms) != 3 || ms[0].Name != "trustee" {
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
			_, err = FromTrustees(subjects, spec)
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.csv, err, tc.want)
		}
	}
}

// Recovery of the trustee model: 200 simulated trustees, each meeting
// the two trustors of the mikus2023 design 25 times (amounts sent drawn
// uniformly from 1..10), fitted by empirical Bayes under the default
// response model. Measured (seed 1): ret_base 0.95, ret_recip 0.87,
// phi 0.68, lapse 0.21, hurdle 0.71, round 0.66.
func TestRecoverTrustee(t *testing.T) {
	n := 200
	if testing.Short() {
		n = 40
	}
	rec, err := Recover(context.Background(), RecoverOptions{Subjects: n, Seed: 1, Model: trusteeVariant(), Fit: Options{Prior: PriorEmpirical}})
	if err != nil {
		t.Fatal(err)
	}
	min := map[string]float64{"ret_base": 0.8, "ret_recip": 0.7}
	for _, p := range rec.Params {
		t.Logf("%-10s r %.3f", p.Name, p.Pearson)
		if m, ok := min[p.Name]; ok && !(p.Pearson >= m) {
			t.Errorf("%s: r = %.3f, want >= %.2f", p.Name, p.Pearson, m)
		}
		delete(min, p.Name)
	}
	if len(min) > 0 {
		t.Errorf("not compared: %v", min)
	}
}
