package dataset

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const handKey = `
scale: hand
subject: id
items: [a, b, c]
reverse: [c]
min: 1
max: 5
`

// TestScoreByHand checks means, tau and alpha against values worked out by
// hand.
//
// Responses (c reverse-keyed, scored 1+5-x):
//
//	id  a b c  -> a b c'  total  mean   tau = (mean-1)/4
//	p1  5 4 1     5 4 5   14     14/3   11/12
//	p2  4 4 2     4 4 4   12     4      3/4
//	p3  2 3 4     2 3 2    7     7/3    1/3
//	p4  1 2 5     1 2 1    4     4/3    1/12
//
// Sample variances (n-1 = 3): a: mean 3, squares 4+1+1+4 = 10, var 10/3;
// b: mean 13/4, squares 9/16+9/16+1/16+25/16 = 11/4, var 11/12; c' = a, var
// 10/3. Sum 91/12. Totals: mean 37/4, squares 361/16+121/16+81/16+441/16 =
// 251/4, var 251/12. alpha = 3/2 * (1 - 91/251) = 240/251 = 0.956175...
func TestScoreByHand(t *testing.T) {
	key, err := ParseKey(strings.NewReader(handKey), "key.yaml")
	if err != nil {
		t.Fatal(err)
	}
	csv := "id,a,b,c\np1,5,4,1\np2,4,4,2\np3,2,3,4\np4,1,2,5\n"
	s, err := ScoreQuestionnaire(key, strings.NewReader(csv), "r.csv")
	if err != nil {
		t.Fatal(err)
	}
	const tol = 1e-12
	if math.Abs(s.Alpha-240.0/251) > tol {
		t.Errorf("alpha = %.15g, want 240/251 = %.15g", s.Alpha, 240.0/251)
	}
	want := []Respondent{
		{ID: "p1", Line: 2, Mean: 14.0 / 3, Tau: 11.0 / 12},
		{ID: "p2", Line: 3, Mean: 4, Tau: 3.0 / 4},
		{ID: "p3", Line: 4, Mean: 7.0 / 3, Tau: 1.0 / 3},
		{ID: "p4", Line: 5, Mean: 4.0 / 3, Tau: 1.0 / 12},
	}
	if len(s.Respondents) != len(want) || s.Items != 3 || s.Scale != "hand" {
		t.Fatalf("%+v", s)
	}
	for i, w := range want {
		g := s.Respondents[i]
		if g.ID != w.ID || g.Line != w.Line || math.Abs(g.Mean-w.Mean) > tol || math.Abs(g.Tau-w.Tau) > tol {
			t.Errorf("respondent %d = %+v, want %+v", i, g, w)
		}
	}
}

// TestScoreExample scores the shipped invented example; alpha 639/662 was
// computed with exact fractions from examples/data/general_trust_responses.csv
// (11 complete respondents, r10 skipped).
func TestScoreExample(t *testing.T) {
	key, err := LoadKey(filepath.Join("..", "examples", "data", "general_trust_key.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join("..", "examples", "data", "general_trust_responses.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := ScoreQuestionnaire(key, f, "general_trust_responses.csv")
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(s.Alpha-639.0/662) > 1e-12 {
		t.Errorf("alpha %.15g, want 639/662", s.Alpha)
	}
	if len(s.Respondents) != 11 || len(s.Skipped) != 1 {
		t.Fatalf("%d scored, %d skipped", len(s.Respondents), len(s.Skipped))
	}
	if sk := s.Skipped[0]; sk.ID != "r10" || sk.Line != 11 || len(sk.Missing) != 1 || sk.Missing[0] != "gt4" {
		t.Errorf("skipped %+v", sk)
	}
	if r := s.Respondents[0]; r.ID != "r01" || math.Abs(r.Mean-3.8) > 1e-12 || math.Abs(r.Tau-0.7) > 1e-12 {
		t.Errorf("r01 %+v", r)
	}
}

func TestScoreValues(t *testing.T) {
	tests := []struct {
		name, key, csv string
		ids            []string
		taus           []float64
		skipped        int
		alphaNaN       bool
	}{
		{"no subject column: rows numbered", "items: [a, b]\nmin: 0\nmax: 10\n", "a,b\n0,10\n10,10\n", []string{"1", "2"}, []float64{0.5, 1}, 0, false},
		{"one respondent: alpha NaN", "items: [a, b]\nmin: 0\nmax: 10\n", "a,b\n5,5\n", []string{"1"}, []float64{0.5}, 0, true},
		{"one item: alpha NaN", "items: [a]\nmin: 1\nmax: 7\n", "a\n1\n7\n", []string{"1", "2"}, []float64{0, 1}, 0, true},
		{"no variance: alpha NaN", "items: [a, b]\nmin: 1\nmax: 5\n", "a,b\n3,3\n3,3\n", []string{"1", "2"}, []float64{0.5, 0.5}, 0, true},
		{"custom NA, semicolons", "items: [a, b]\nmin: 1\nmax: 5\nna: [\"-99\"]\ndelimiter: \";\"\n", "a;b\n1;-99\n5;5\n", []string{"2"}, []float64{1}, 1, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key, err := ParseKey(strings.NewReader(tc.key), "key.yaml")
			if err != nil {
				t.Fatal(err)
			}
			s, err := ScoreQuestionnaire(key, strings.NewReader(tc.csv), "r.csv")
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Respondents) != len(tc.ids) || len(s.Skipped) != tc.skipped || math.IsNaN(s.Alpha) != tc.alphaNaN {
				t.Fatalf("%+v", s)
			}
			for i, r := range s.Respondents {
				if r.ID != tc.ids[i] || math.Abs(r.Tau-tc.taus[i]) > 1e-12 {
					t.Errorf("respondent %d: %+v, want id %s tau %g", i, r, tc.ids[i], tc.taus[i])
				}
			}
		})
	}
}

// TestQuestionnaireErrors holds the exact messages for bad keys and responses.
func TestQuestionnaireErrors(t *testing.T) {
	tests := []struct {
		name, key, csv, want string
	}{
		{"response above max", handKey, "id,a,b,c\np1,5,7,1\n",
			`r.csv:2:6: field "b": value 7 out of range [1, 5] (min and max of the key)`},
		{"response not a number", handKey, "id,a,b,c\np1,5,x,1\n",
			`r.csv:2:6: field "b": value "x" is not a number`},
		{"missing is an error", handKey + "missing: error\n", "id,a,b,c\np1,5,,1\n",
			`r.csv:2:6: field "b": missing response "" (the key says missing: error)`},
		{"duplicate respondent", handKey, "id,a,b,c\np1,5,4,1\np1,5,4,1\n",
			`r.csv:3:1: field "id": respondent "p1" appears twice (first on line 2)`},
		{"empty respondent id", handKey, "id,a,b,c\n,5,4,1\n",
			`r.csv:2:1: field "id": empty respondent id`},
		{"item not in header", handKey, "id,a,b,d\n",
			`key.yaml:4:15: field "items.2": column "c" is not in the header of r.csv; the header has: id, a, b, d`},
		{"ragged row", handKey, "id,a,b,c\np1,5,4\n",
			`r.csv:2:1: wrong number of fields: every row must have as many fields as the header`},
		{"empty file", handKey, "", `r.csv:1: empty file: expected a header line naming the columns`},
		{"no items", "min: 1\nmax: 5\n", "", `key.yaml: field "items": required: the item columns of the scale`},
		{"reverse not an item", "items: [a, b]\nreverse: [c]\nmin: 1\nmax: 5\n", "",
			`key.yaml:2:11: field "reverse.0": "c" is not one of the items (a, b)`},
		{"item twice", "items: [a, a]\nmin: 1\nmax: 5\n", "", `key.yaml:1:12: field "items.1": item "a" is listed twice (also item 1)`},
		{"max not above min", "items: [a, b]\nmin: 5\nmax: 1\n", "", `key.yaml:3:1: field "max": value 1 out of range (5, inf): it must be above min`},
		{"min missing", "items: [a, b]\nmax: 5\n", "", `key.yaml: field "min": required: the lowest possible response`},
		{"unknown key", "items: [a, b]\nmin: 1\nmax: 5\nreversed: [a]\n", "",
			`key.yaml:4:1: field "reversed": unknown key; allowed keys here: scale, description, subject, items, reverse, min, max, missing, na, delimiter`},
		{"missing policy unknown", "items: [a, b]\nmin: 1\nmax: 5\nmissing: impute\n", "",
			`key.yaml:4:1: field "missing": value "impute" is not one of skip, error`},
		{"subject is an item", "items: [a, b]\nsubject: a\nmin: 1\nmax: 5\n", "", `key.yaml:2:1: field "subject": column "a" is also an item`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key, err := ParseKey(strings.NewReader(tc.key), "key.yaml")
			if err == nil {
				_, err = ScoreQuestionnaire(key, strings.NewReader(tc.csv), "r.csv")
			}
			checkError(t, err, tc.want)
		})
	}
}

func TestCronbachAlphaRagged(t *testing.T) {
	if a := CronbachAlpha([][]float64{{1, 2}, {3}}); !math.IsNaN(a) {
		t.Errorf("ragged rows: alpha %g, want NaN", a)
	}
}
