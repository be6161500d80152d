package scenario

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testdata/berg1995-trustees.csv is the trustees' subjects.csv of
// `trustlab fit pairs.csv --spec examples/data/berg1995.yaml --pool group`
// (two pools of trustees, six models each).

// A group of fitted trustees reads the rows of the trustee model: one
// fitted trustee per pool, with its estimates; its trustworthiness is the
// distribution of their ret_base.
func TestFittedBehaviour(t *testing.T) {
	src := "population:\n  size: 100\n  groups:\n    - {name: people, share: 0.5}\n    - {name: berg, share: 0.5, behaviour: {kind: fitted, file: testdata/berg1995-trustees.csv}}\nsituation: {game: investment}\n"
	s, err := Parse([]byte(src), "x.yaml", ".")
	if err != nil {
		t.Fatal(err)
	}
	g := s.Population.Groups[1]
	b := g.Behaviour
	if b.Kind != Fitted || b.Model != "trustee" || len(b.Trustees) != 2 || len(b.SHA256) != 64 || !strings.HasSuffix(b.File, "berg1995-trustees.csv") {
		t.Fatalf("behaviour %+v", b)
	}
	tr := b.Trustees[0]
	if !strings.HasPrefix(tr.ID, "pool:no_history") || !(tr.RetBase > 0.2 && tr.RetBase < 0.4) || !(tr.Phi > 0) || !(tr.Hurdle > 0) {
		t.Errorf("trustee %+v", tr)
	}
	if g.Trustworthiness.Kind != DistCSV || g.Trustworthiness.Rows != 2 || g.Trustworthiness.Values[1] != b.Trustees[1].RetBase {
		t.Errorf("trustworthiness %+v", g.Trustworthiness)
	}
	// Another model's rows.
	s, err = Parse([]byte(strings.Replace(src, "berg1995-trustees.csv}", "berg1995-trustees.csv, model: \"trustee[bb]\"}", 1)), "x.yaml", ".")
	if err != nil || s.Population.Groups[1].Behaviour.Trustees[0].Hurdle != 0 {
		t.Errorf("model trustee[bb]: %v", err)
	}
}

func TestFittedBehaviourErrors(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "bad.csv"), []byte("subject,model,ret_base,ret_recip,phi\nt1,trustee,0.3,0.5,4\nt2,trustee,1.3,0.5,4\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "good.csv"), []byte("subject,model,ret_base,ret_recip,phi\nt1,trustee,0.3,0.5,4\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "sim.csv"), []byte("id,score\n1,0.2\n"), 0o644)
	pop := func(b string) string {
		return "population:\n  size: 10\n  groups:\n    - {name: a, share: 1, behaviour: " + b + "}\nsituation: {game: investment}\n"
	}
	for _, tc := range []struct{ src, want string }{
		{pop("{kind: fitted}"), `x.yaml:4:38: population.groups[0].behaviour.file: missing: the subjects.csv of a trustee fit`},
		{pop("fitted"), "kind fitted needs a file"},
		{pop("{kind: fitted, file: bad.csv}"), `bad.csv:3:12: ret_base: "1.3": must be a number in [0, 1]`},
		{pop("{kind: fitted, file: sim.csv}"), `"sim.csv" has no column "subject": give the subjects.csv of a trustee fit`},
		{pop("{kind: fitted, file: bad.csv, model: full}"), `"bad.csv": no rows of model "full" (models: trustee)`},
		{pop("{kind: fitted, file: nope.csv}"), `"nope.csv": cannot read`},
		{pop("{kind: probabilistic, file: bad.csv}"), "file: applies to kind fitted only"},
		{strings.Replace(pop("{kind: fitted, file: good.csv}"), "situation: {game: investment}\n", "", 1), "fitted trustees return amounts: it needs situation.game: investment"},
		{strings.Replace(pop("{kind: fitted, file: good.csv}"), "share: 1,", "share: 1, trustworthiness: 0.5,", 1), "does not apply to behaviour fitted"},
	} {
		_, err := Parse([]byte(tc.src), "x.yaml", dir)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s\nerror %v\nwant %q", tc.src, err, tc.want)
		}
	}
}
