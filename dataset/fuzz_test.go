package dataset

import (
	"math"
	"strings"
	"testing"

	"github.com/trustlab/trustlab/internal/srcpos"
)

// FuzzReader reads arbitrary CSV text with each of the unit-test specs: it
// must never panic, and whatever it returns must satisfy the documented
// invariants.
func FuzzReader(f *testing.F) {
	specs := []Spec{mustSpec(f, repeatedSpec), mustSpec(f, choiceSpec), mustSpec(f, oneShotSpec)}
	f.Add(uint8(0), "subject,trustee,trial,investment,backtransfer,treatment\n1,good,1,4,reciprocate,c\n1,good,2,0,betray,c\n")
	f.Add(uint8(1), "sub,run,trial,partner,offer_low,offer_high,choice,amount_sent,outcome\n1,1,1,friend,0,8,high,8,recip\n1,1,2,NA,2,4,missed,NA,NA\n")
	f.Add(uint8(2), "treatment,pair,sent,returned\na,1,5,15\nb,1,0,NA\n")
	f.Add(uint8(2), "treatment,pair,sent,returned\na,1,\"5\n\",15\n")
	f.Add(uint8(0), "")
	f.Fuzz(func(t *testing.T, which uint8, data string) {
		spec := specs[int(which)%len(specs)]
		r, err := NewReader(strings.NewReader(data), "f.csv", spec)
		if err != nil {
			return
		}
		trials := 0
		for r.Next() {
			s := r.Subject()
			if s == nil || len(s.Trials) == 0 {
				t.Fatal("Next true without a subject with trials")
			}
			for i, tr := range s.Trials {
				trials++
				if tr.Order != i || tr.Sent < 0 || tr.Sent > tr.Endowment*(1+1e-9) {
					t.Fatalf("bad trial %+v", tr)
				}
				if !math.IsNaN(tr.Returned) && (tr.Returned < 0 || tr.Returned > tr.Multiplier*tr.Sent*(1+1e-9)+1e-9) {
					t.Fatalf("bad returned %+v", tr)
				}
				if tr.Options != nil && (tr.Chosen < 0 || tr.Chosen >= len(tr.Options) || tr.Options[tr.Chosen] != tr.Sent) {
					t.Fatalf("bad choice %+v", tr)
				}
			}
		}
		if st := r.Stats(); r.Err() == nil && st.Trials != trials {
			t.Fatalf("stats %+v, %d trials delivered", st, trials)
		}
	})
}

// FuzzParseSpec parses arbitrary YAML as a data spec; a spec that parses is
// then used to read a small CSV file. Neither may panic.
func FuzzParseSpec(f *testing.F) {
	f.Add(repeatedSpec)
	f.Add(choiceSpec)
	f.Add(oneShotSpec)
	f.Add("columns: {subject: [a, b], sent: c}\ngame: {endowment: 1, multiplier: 2, feedback: every_trial}\n")
	f.Add("a: &x [*x]\n")
	f.Add("columns:\n  subject: {a: b}\n")
	f.Fuzz(func(t *testing.T, text string) {
		s, err := ParseSpec(strings.NewReader(text), "f.yaml")
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			if _, ok := srcpos.As(err); !ok {
				t.Fatalf("error %T is not positioned: %v", err, err)
			}
			return
		}
		csv := "subject,trustee,trial,investment,backtransfer,treatment,a,b,c\n1,good,1,4,reciprocate,c,1,2,3\n"
		subs, _, _ := ReadAll(strings.NewReader(csv), "f.csv", s)
		_ = subs
	})
}

// FuzzQuestionnaire scores arbitrary responses with arbitrary keys; it must
// never panic and taus must lie in [0, 1].
func FuzzQuestionnaire(f *testing.F) {
	f.Add(handKey, "id,a,b,c\np1,5,4,1\np2,4,4,2\n")
	f.Add("items: [a, b]\nmin: 0\nmax: 10\nmissing: error\n", "a,b\n0,10\n,3\n")
	f.Add("items: [a, b]\nmin: -1e307\nmax: 1e307\n", "a,b\n1e307,1e307\n-1e307,1e307\n")
	f.Fuzz(func(t *testing.T, keyText, csv string) {
		key, err := ParseKey(strings.NewReader(keyText), "k.yaml")
		if err != nil {
			return
		}
		s, err := ScoreQuestionnaire(key, strings.NewReader(csv), "r.csv")
		if err != nil {
			return
		}
		for _, r := range s.Respondents {
			if !(r.Tau >= 0 && r.Tau <= 1) || r.Mean < *key.Min || r.Mean > *key.Max {
				t.Fatalf("tau %g out of [0, 1]: %+v", r.Tau, r)
			}
		}
	})
}
