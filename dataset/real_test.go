package dataset

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// sharedData returns the directory shared/data holding the real datasets,
// found by walking up from the working directory (the repository sits
// beside shared/, e.g. /work/main with /work/shared/data). The test is
// skipped only when no such directory exists.
func sharedData(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "data")
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("shared/data not found above the working directory")
		}
		dir = parent
	}
}

// exampleSpec loads a shipped spec from examples/data.
func exampleSpec(t testing.TB, name string) Spec {
	t.Helper()
	s, err := LoadSpec(filepath.Join("..", "examples", "data", name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func readReal(t testing.TB, spec, file string) ([]*Subject, Stats) {
	t.Helper()
	subs, st, err := ReadFile(filepath.Join(sharedData(t), file), exampleSpec(t, spec))
	if err != nil {
		t.Fatal(err)
	}
	return subs, st
}

func TestRealDatasets(t *testing.T) {
	tests := []struct {
		spec, file string
		want       Stats
		partners   map[string]int // trials per partner, summed over subjects
		groups     map[string]int // subjects per group
		outcomes   [3]int         // trials with NoOutcome, Honoured, Betrayed
	}{
		{
			spec: "mikus2023", file: "mikus2023/trials.csv",
			want:     Stats{Rows: 3750, Subjects: 75, Trials: 3750},
			partners: map[string]int{"good": 1875, "bad": 1875},
			groups:   map[string]int{"control": 37, "sulpiride": 38},
			outcomes: [3]int{0, 1875, 1875},
		},
		{
			spec: "srndna", file: "srndna/trials.csv",
			want:     Stats{Rows: 15264, Subjects: 97, Trials: 14635, Missed: 629},
			partners: map[string]int{"friend": 4904, "stranger": 4862, "computer": 4869},
			groups:   map[string]int{"": 97},
			outcomes: [3]int{2545, 6030, 6060},
		},
		{
			spec: "berg1995", file: "berg1995/pairs.csv",
			want:     Stats{Rows: 60, Subjects: 60, Trials: 60},
			partners: map[string]int{"responder": 60},
			groups:   map[string]int{"no_history": 32, "social_history": 28},
			outcomes: [3]int{60, 0, 0},
		},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			subs, st := readReal(t, tc.spec, tc.file)
			if st != tc.want {
				t.Errorf("stats = %+v, want %+v", st, tc.want)
			}
			if len(subs) != tc.want.Subjects {
				t.Errorf("%d subjects, want %d", len(subs), tc.want.Subjects)
			}
			partners, groups := map[string]int{}, map[string]int{}
			var outcomes [3]int
			for _, s := range subs {
				groups[s.Group]++
				for i, tr := range s.Trials {
					partners[tr.Partner]++
					outcomes[tr.Outcome]++
					if tr.Order != i {
						t.Fatalf("subject %s trial %d: Order %d", s.ID, i, tr.Order)
					}
					if tr.Sent < 0 || tr.Sent > tr.Endowment {
						t.Fatalf("subject %s line %d: sent %g", s.ID, tr.Line, tr.Sent)
					}
					if !math.IsNaN(tr.Returned) && (tr.Returned < 0 || tr.Returned > tr.Multiplier*tr.Sent) {
						t.Fatalf("subject %s line %d: returned %g", s.ID, tr.Line, tr.Returned)
					}
				}
			}
			if !mapsEqual(partners, tc.partners) {
				t.Errorf("trials per partner = %v, want %v", partners, tc.partners)
			}
			if outcomes != tc.outcomes {
				t.Errorf("outcomes (none, honoured, betrayed) = %v, want %v", outcomes, tc.outcomes)
			}
			if !mapsEqual(groups, tc.groups) {
				t.Errorf("subjects per group = %v, want %v", groups, tc.groups)
			}
		})
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// sameTrial compares trials, NaN equal to NaN.
func sameTrial(a, b Trial) bool {
	if len(a.Options) != len(b.Options) {
		return false
	}
	for i := range a.Options {
		if a.Options[i] != b.Options[i] {
			return false
		}
	}
	ra, rb := a.Returned, b.Returned
	if math.IsNaN(ra) && math.IsNaN(rb) {
		ra, rb = 0, 0
	}
	a.Options, b.Options, a.Returned, b.Returned = nil, nil, ra, rb
	return a.Partner == b.Partner && a.Order == b.Order && a.Trial == b.Trial &&
		a.Endowment == b.Endowment && a.Multiplier == b.Multiplier && a.Sent == b.Sent &&
		a.Returned == b.Returned && a.Outcome == b.Outcome && a.Chosen == b.Chosen && a.Line == b.Line
}

// TestRealRows checks exact values of a few rows against the CSV text.
func TestRealRows(t *testing.T) {
	find := func(subs []*Subject, id string) *Subject {
		for _, s := range subs {
			if s.ID == id {
				return s
			}
		}
		t.Fatalf("subject %q not found", id)
		return nil
	}
	t.Run("mikus2023", func(t *testing.T) {
		subs, _ := readReal(t, "mikus2023", "mikus2023/trials.csv")
		s := subs[0]
		if s.ID != "1" || s.Group != "sulpiride" || len(s.Trials) != 50 {
			t.Fatalf("first subject %q group %q with %d trials", s.ID, s.Group, len(s.Trials))
		}
		// line 2: 1,bad,1,10,betray,sulpiride
		// line 5: 1,bad,4,0,reciprocate,sulpiride (feedback although nothing was sent)
		want := []Trial{
			{Partner: "bad", Order: 0, Trial: 1, Endowment: 10, Multiplier: 3, Sent: 10, Returned: 0, Outcome: Betrayed, Chosen: -1, Line: 2},
			{Partner: "bad", Order: 3, Trial: 4, Endowment: 10, Multiplier: 3, Sent: 0, Returned: 0, Outcome: Honoured, Chosen: -1, Line: 5},
		}
		for _, w := range want {
			if got := s.Trials[w.Order]; !sameTrial(got, w) {
				t.Errorf("trial %d = %+v, want %+v", w.Order, got, w)
			}
		}
		if p := s.Partners(); len(p) != 2 || p[0] != "bad" || p[1] != "good" {
			t.Errorf("partners %v", p)
		}
		good := s.With("good")
		if len(good) != 25 || good[0].Trial != 1 || good[0].Order != 25 {
			t.Errorf("good trials: %d, first %+v", len(good), good[0])
		}
		honoured := 0
		for _, tr := range good {
			if tr.Outcome == Honoured {
				honoured++
			}
		}
		if honoured != 18 {
			t.Errorf("good trustee honoured %d of 25, want 18", honoured)
		}
	})
	t.Run("srndna", func(t *testing.T) {
		subs, _ := readReal(t, "srndna", "srndna/trials.csv")
		s := subs[0]
		if s.ID != "104" {
			t.Fatalf("first subject %q", s.ID)
		}
		// line 2: 104,1,1,computer,...,0,4,low,0,NA
		// line 3: 104,1,2,stranger,...,2,8,high,8,recip
		// line 5: 104,1,4,computer,...,0,2,high,2,defect
		want := []Trial{
			{Partner: "computer", Order: 0, Trial: 1, Endowment: 8, Multiplier: 3, Sent: 0, Returned: 0, Outcome: NoOutcome, Options: []float64{0, 4}, Chosen: 0, Line: 2},
			{Partner: "stranger", Order: 1, Trial: 2, Endowment: 8, Multiplier: 3, Sent: 8, Returned: 12, Outcome: Honoured, Options: []float64{2, 8}, Chosen: 1, Line: 3},
			{Partner: "computer", Order: 3, Trial: 4, Endowment: 8, Multiplier: 3, Sent: 2, Returned: 0, Outcome: Betrayed, Options: []float64{0, 2}, Chosen: 1, Line: 5},
		}
		for _, w := range want {
			if got := s.Trials[w.Order]; !sameTrial(got, w) {
				t.Errorf("trial %d = %+v, want %+v", w.Order, got, w)
			}
		}
	})
	t.Run("berg1995", func(t *testing.T) {
		subs, _ := readReal(t, "berg1995", "berg1995/pairs.csv")
		// line 6: no_history,5,7/13/92,3,9,1,0.1111,-2
		// line 38: social_history,5,7/27/92,0,0,0,,0
		for _, c := range []struct {
			id   string
			want Trial
		}{
			{"no_history/5", Trial{Partner: "responder", Trial: 1, Endowment: 10, Multiplier: 3, Sent: 3, Returned: 1, Chosen: -1, Line: 6}},
			{"social_history/5", Trial{Partner: "responder", Trial: 1, Endowment: 10, Multiplier: 3, Sent: 0, Returned: 0, Chosen: -1, Line: 38}},
		} {
			s := find(subs, c.id)
			if len(s.Trials) != 1 || !sameTrial(s.Trials[0], c.want) {
				t.Errorf("%s: %+v, want %+v", c.id, s.Trials, c.want)
			}
		}
		var sent, ret [2]float64
		var n [2]int
		for _, s := range subs {
			g := 0
			if s.Group == "social_history" {
				g = 1
			}
			sent[g] += s.Trials[0].Sent
			ret[g] += s.Trials[0].Returned
			n[g]++
		}
		// The README: no-history sent 5.16 / returned 4.66, social-history sent 5.36 / returned 6.46.
		for g, w := range [2][2]float64{{5.16, 4.66}, {5.36, 6.46}} {
			if ms, mr := sent[g]/float64(n[g]), ret[g]/float64(n[g]); math.Abs(ms-w[0]) > 0.005 || math.Abs(mr-w[1]) > 0.005 {
				t.Errorf("group %d: mean sent %.3f returned %.3f, want %.2f %.2f", g, ms, mr, w[0], w[1])
			}
		}
	})
}

func BenchmarkReadMikus(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(sharedData(b), "mikus2023", "trials.csv"))
	if err != nil {
		b.Fatal(err)
	}
	spec := exampleSpec(b, "mikus2023")
	rows := 0
	for b.Loop() {
		_, st, err := ReadAll(bytes.NewReader(data), "trials.csv", spec)
		if err != nil {
			b.Fatal(err)
		}
		rows += st.Rows
	}
	b.SetBytes(int64(len(data)))
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
