package dataset

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// Specs for the unit tests, modelled on the three shipped specs.
const (
	repeatedSpec = `
name: repeated
columns:
  subject: subject
  partner: trustee
  trial: trial
  sent: investment
  outcome: backtransfer
  group: treatment
game:
  endowment: 10
  multiplier: 3
  return_on_honour: 0.5
  feedback: every_trial
labels:
  outcome:
    honoured: [reciprocate]
    betrayed: [betray]
order_within: partner
`
	choiceSpec = `
name: choice
columns:
  subject: sub
  partner: partner
  trial: trial
  order: [run, trial]
  sent: amount_sent
  outcome: outcome
  offer_low: offer_low
  offer_high: offer_high
  choice: choice
game:
  endowment: 8
  multiplier: 3
  return_on_honour: 0.5
  feedback: after_trust
labels:
  outcome:
    honoured: [recip]
    betrayed: [defect]
    none: [NA]
`
	oneShotSpec = `
name: oneshot
columns:
  subject: [treatment, pair]
  sent: sent
  returned: returned
  group: treatment
game:
  endowment: 10
  multiplier: 3
  feedback: after_trust
`
)

func mustSpec(t testing.TB, text string) Spec {
	t.Helper()
	s, err := ParseSpec(strings.NewReader(text), "spec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// checkError checks that err, not nil, is an *Error that reads want.
func checkError(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if err.Error() != want {
		t.Errorf("error\n got %s\nwant %s", err, want)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Errorf("error %T is not *Error", err)
	}
}

func TestReaderValues(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name, spec, csv string
		want            []Subject
		stats           Stats
	}{
		{
			name: "repeated, two partners, feedback on zero investment",
			spec: repeatedSpec,
			csv: "subject,trustee,trial,investment,backtransfer,treatment\n" +
				"7,good,1,4,reciprocate,control\n" +
				"7,good,2,0,betray,control\n" +
				"7,bad,1,10,betray,control\n" +
				"8,bad,1,2.5,reciprocate,drug\n",
			want: []Subject{
				{ID: "7", Group: "control", Trials: []Trial{
					{Partner: "good", Order: 0, Trial: 1, Endowment: 10, Multiplier: 3, Sent: 4, Returned: 6, Outcome: Honoured, Chosen: -1, Line: 2},
					{Partner: "good", Order: 1, Trial: 2, Endowment: 10, Multiplier: 3, Sent: 0, Returned: 0, Outcome: Betrayed, Chosen: -1, Line: 3},
					{Partner: "bad", Order: 2, Trial: 1, Endowment: 10, Multiplier: 3, Sent: 10, Returned: 0, Outcome: Betrayed, Chosen: -1, Line: 4},
				}},
				{ID: "8", Group: "drug", Trials: []Trial{
					{Partner: "bad", Order: 0, Trial: 1, Endowment: 10, Multiplier: 3, Sent: 2.5, Returned: 3.75, Outcome: Honoured, Chosen: -1, Line: 5},
				}},
			},
			stats: Stats{Rows: 4, Subjects: 2, Trials: 4},
		},
		{
			name: "two options, missed trials, an all-missed subject",
			spec: choiceSpec,
			csv: "sub,run,trial,partner,offer_low,offer_high,choice,amount_sent,outcome\n" +
				"1,1,1,friend,0,8,high,8,recip\n" +
				"1,1,2,NA,2,4,missed,NA,NA\n" +
				"1,2,1,computer,2,4,low,2,defect\n" +
				"2,1,1,NA,0,8,missed,NA,NA\n" +
				"3,1,1,stranger,0,4,low,0,NA\n",
			want: []Subject{
				{ID: "1", Trials: []Trial{
					{Partner: "friend", Order: 0, Trial: 1, Endowment: 8, Multiplier: 3, Sent: 8, Returned: 12, Outcome: Honoured, Options: []float64{0, 8}, Chosen: 1, Line: 2},
					{Partner: "computer", Order: 1, Trial: 1, Endowment: 8, Multiplier: 3, Sent: 2, Returned: 0, Outcome: Betrayed, Options: []float64{2, 4}, Chosen: 0, Line: 4},
				}},
				{ID: "3", Trials: []Trial{
					{Partner: "stranger", Order: 0, Trial: 1, Endowment: 8, Multiplier: 3, Sent: 0, Returned: 0, Outcome: NoOutcome, Options: []float64{0, 4}, Chosen: 0, Line: 6},
				}},
			},
			stats: Stats{Rows: 5, Subjects: 2, Trials: 3, Missed: 2, EmptySubjects: 1},
		},
		{
			name: "one shot, composite subject, returned amounts, NA returned",
			spec: oneShotSpec,
			csv: "treatment,pair,sent,returned\n" +
				"a,1,5,15\n" +
				"b,1,0,NA\n" +
				"b,2,3,NA\n",
			want: []Subject{
				{ID: "a/1", Group: "a", Trials: []Trial{{Trial: 1, Endowment: 10, Multiplier: 3, Sent: 5, Returned: 15, Chosen: -1, Line: 2}}},
				{ID: "b/1", Group: "b", Trials: []Trial{{Trial: 1, Endowment: 10, Multiplier: 3, Sent: 0, Returned: 0, Chosen: -1, Line: 3}}},
				{ID: "b/2", Group: "b", Trials: []Trial{{Trial: 1, Endowment: 10, Multiplier: 3, Sent: 3, Returned: nan, Chosen: -1, Line: 4}}},
			},
			stats: Stats{Rows: 3, Subjects: 3, Trials: 3},
		},
		{
			name: "header only, byte order mark, semicolons, spaces",
			spec: oneShotSpec + "delimiter: \";\"\n",
			csv:  "\ufefftreatment; pair ;sent;returned\n a ; 1 ; 2 ; 6 \n",
			want: []Subject{
				{ID: "a/1", Group: "a", Trials: []Trial{{Trial: 1, Endowment: 10, Multiplier: 3, Sent: 2, Returned: 6, Chosen: -1, Line: 2}}},
			},
			stats: Stats{Rows: 1, Subjects: 1, Trials: 1},
		},
		{
			name:  "no rows",
			spec:  oneShotSpec,
			csv:   "treatment,pair,sent,returned\n",
			stats: Stats{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			subs, st, err := ReadAll(strings.NewReader(tc.csv), "t.csv", mustSpec(t, tc.spec))
			if err != nil {
				t.Fatal(err)
			}
			if st != tc.stats {
				t.Errorf("stats %+v, want %+v", st, tc.stats)
			}
			if len(subs) != len(tc.want) {
				t.Fatalf("%d subjects, want %d", len(subs), len(tc.want))
			}
			for i, w := range tc.want {
				g := subs[i]
				if g.ID != w.ID || g.Group != w.Group || len(g.Trials) != len(w.Trials) {
					t.Fatalf("subject %d: %q %q %d trials, want %q %q %d", i, g.ID, g.Group, len(g.Trials), w.ID, w.Group, len(w.Trials))
				}
				for j := range w.Trials {
					if !sameTrial(g.Trials[j], w.Trials[j]) {
						t.Errorf("subject %s trial %d:\n got %+v\nwant %+v", w.ID, j, g.Trials[j], w.Trials[j])
					}
				}
			}
		})
	}
}

// TestReaderErrors holds the exact messages for impossible rows and files.
func TestReaderErrors(t *testing.T) {
	const repHeader = "subject,trustee,trial,investment,backtransfer,treatment\n"
	const choiceHeader = "sub,run,trial,partner,offer_low,offer_high,choice,amount_sent,outcome\n"
	tests := []struct {
		name, spec, csv, want string
	}{
		{"sent above endowment", repeatedSpec, repHeader + "1,good,1,4,betray,c\n1,good,2,12,betray,c\n",
			`t.csv:3:10: field "sent" (column "investment"): value 12 out of range [0, 10] (endowment)`},
		{"negative sent", repeatedSpec, repHeader + "1,good,1,-1,betray,c\n",
			`t.csv:2:10: field "sent" (column "investment"): value -1 out of range [0, 10] (endowment)`},
		{"sent not a number", repeatedSpec, repHeader + "1,good,1,ten,betray,c\n",
			`t.csv:2:10: field "sent" (column "investment"): value "ten" is not a number`},
		{"sent infinite", repeatedSpec, repHeader + "1,good,1,Inf,betray,c\n",
			`t.csv:2:10: field "sent" (column "investment"): value "Inf" is not a finite number`},
		{"sent NA on a kept trial", repeatedSpec, repHeader + "1,good,1,NA,betray,c\n",
			`t.csv:2:10: field "sent" (column "investment"): missing value "NA" on a trial that is not marked missed (mark missed trials with labels.choice.missed or a missed rule)`},
		{"unknown outcome label", repeatedSpec, repHeader + "1,good,1,4,maybe,c\n",
			`t.csv:2:12: field "outcome" (column "backtransfer"): value "maybe" is not an outcome label (honoured: reciprocate; betrayed: betray)`},
		{"trial out of order within partner", repeatedSpec, repHeader + "1,good,1,4,betray,c\n1,bad,1,4,betray,c\n1,good,3,4,betray,c\n1,good,2,4,betray,c\n",
			`t.csv:5:8: field "trial": value 2 is out of order: it must be greater than 3 on line 4 (subject "1", partner "good")`},
		{"trial repeated", repeatedSpec, repHeader + "1,good,1,4,betray,c\n1,good,1,4,betray,c\n",
			`t.csv:3:8: field "trial": value 1 is out of order: it must be greater than 1 on line 2 (subject "1", partner "good")`},
		{"trial not a whole number", repeatedSpec, repHeader + "1,good,1.5,4,betray,c\n",
			`t.csv:2:8: field "trial": value "1.5" is not a whole number`},
		{"subject reappears", repeatedSpec, repHeader + "1,good,1,4,betray,c\n2,good,1,4,betray,c\n1,good,2,4,betray,c\n",
			`t.csv:4:1: field "subject": subject "1" reappears after other subjects (its rows ended on line 2); the rows of one subject must be contiguous: sort the file by subject`},
		{"empty subject", repeatedSpec, repHeader + " ,good,1,4,betray,c\n",
			`t.csv:2:1: field "subject": empty subject`},
		{"group changes", repeatedSpec, repHeader + "1,good,1,4,betray,c\n1,good,2,4,betray,d\n",
			`t.csv:3:19: field "group" (column "treatment"): value "d" differs from "c" on line 2: the group must not change within subject "1"`},
		{"wrong field count", repeatedSpec, repHeader + "1,good,1,4,betray\n",
			`t.csv:2:1: wrong number of fields: every row must have as many fields as the header`},
		{"bare quote", repeatedSpec, repHeader + "1,go\"od,1,4,betray,c\n",
			`t.csv:2:5: bare " in non-quoted-field`},
		{"column missing from header", repeatedSpec, "subject,trustee,trial,invest,backtransfer,treatment\n",
			`spec.yaml:7:3: field "columns.sent": column "investment" is not in the header of t.csv; the header has: subject, trustee, trial, invest, backtransfer, treatment`},
		{"column twice in header", repeatedSpec, "subject,trustee,trial,investment,backtransfer,treatment,trial\n",
			`spec.yaml:6:3: field "columns.trial": column "trial" appears twice in the header of t.csv (columns 3 and 7)`},
		{"empty file", repeatedSpec, "",
			`t.csv:1: empty file: expected a header line naming the columns`},
		{"chosen amount is not the chosen offer", choiceSpec, choiceHeader + "1,1,1,friend,0,8,high,4,recip\n",
			`t.csv:2:23: field "sent" (column "amount_sent"): value 4 is not the chosen offer: choice "high" means 8 (offers 0 and 8)`},
		{"unknown choice label", choiceSpec, choiceHeader + "1,1,1,friend,0,8,both,8,recip\n",
			`t.csv:2:18: field "choice": value "both" is not a choice label (low: low; high: high; missed: missed)`},
		{"offer above endowment", choiceSpec, choiceHeader + "1,1,1,friend,0,9,high,9,recip\n",
			`t.csv:2:16: field "offer_high": value 9 out of range [0, 8] (endowment)`},
		{"offers reversed", choiceSpec, choiceHeader + "1,1,1,friend,8,0,high,0,NA\n",
			`t.csv:2:14: field "offer_low": value 8 is above offer_high 0`},
		{"outcome after nothing sent", choiceSpec, choiceHeader + "1,1,1,friend,0,8,low,0,recip\n",
			`t.csv:2:24: field "outcome": value "recip" gives an outcome, but nothing was sent and feedback is after_trust (use every_trial if outcomes were shown after zero investments)`},
		{"no outcome after trust", choiceSpec, choiceHeader + "1,1,1,friend,0,8,high,8,NA\n",
			`t.csv:2:25: field "outcome": value "NA" means no outcome, but 8 was sent and feedback is after_trust`},
		{"run and trial out of order", choiceSpec, choiceHeader + "1,2,5,friend,0,8,low,0,NA\n1,2,6,friend,0,8,low,0,NA\n1,1,7,friend,0,8,low,0,NA\n",
			`t.csv:4:3: field "order" (column "run"): value 1 is out of order: (run, trial) = (1, 7) must come after (2, 6) on line 3 (subject "1")`},
		{"missed rows are order-checked", choiceSpec, choiceHeader + "1,1,2,friend,0,8,low,0,NA\n1,1,1,NA,0,8,missed,NA,NA\n",
			`t.csv:3:5: field "trial": value 1 is out of order: (run, trial) = (1, 1) must come after (1, 2) on line 2 (subject "1")`},
		{"returned above multiplier times sent", oneShotSpec, "treatment,pair,sent,returned\na,1,5,16\n",
			`t.csv:2:7: field "returned": value 16 out of range [0, 15] (multiplier 3 × sent 5)`},
		{"returned after nothing sent", oneShotSpec, "treatment,pair,sent,returned\na,1,0,1\n",
			`t.csv:2:7: field "returned": value 1 out of range [0, 0] (multiplier 3 × sent 0)`},
		{"composite subject with an empty part", oneShotSpec, "treatment,pair,sent,returned\na,,5,1\n",
			`t.csv:2:3: field "subject" (column "pair"): empty subject`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			subs, _, err := ReadAll(strings.NewReader(tc.csv), "t.csv", mustSpec(t, tc.spec))
			if err == nil {
				t.Fatalf("no error; read %d subjects", len(subs))
			}
			checkError(t, err, tc.want)
		})
	}
}

// TestReaderStreams checks that subjects before a bad row are delivered and
// that Next stays false after an error.
func TestReaderStreams(t *testing.T) {
	csv := "subject,trustee,trial,investment,backtransfer,treatment\n" +
		"1,good,1,4,betray,c\n2,good,1,4,betray,c\n2,good,2,40,betray,c\n3,good,1,4,betray,c\n"
	r, err := NewReader(strings.NewReader(csv), "t.csv", mustSpec(t, repeatedSpec))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for r.Next() {
		ids = append(ids, r.Subject().ID)
	}
	if len(ids) != 1 || ids[0] != "1" {
		t.Errorf("subjects %v, want [1]", ids)
	}
	if r.Err() == nil || !strings.HasPrefix(r.Err().Error(), "t.csv:4:") {
		t.Errorf("err = %v", r.Err())
	}
	if r.Next() {
		t.Error("Next true after an error")
	}
	if st := r.Stats(); st.Subjects != 1 || st.Rows != 3 {
		t.Errorf("stats %+v", st)
	}
}

func TestOutcomeString(t *testing.T) {
	for o, want := range map[Outcome]string{NoOutcome: "none", Honoured: "honoured", Betrayed: "betrayed", Outcome(9): "Outcome(9)"} {
		if o.String() != want {
			t.Errorf("%d: %q, want %q", o, o.String(), want)
		}
	}
}

// KeepGoing: every bad row is recorded with its subject, the good rows
// are kept, and reading goes on to the end.
func TestReaderKeepGoing(t *testing.T) {
	csv := "subject,trustee,trial,investment,backtransfer,treatment\n" +
		"1,good,1,4,betray,c\n" +
		"1,good,2,40,betray,c\n" + // line 3: out of range
		"2,good,1,4,betray,c\n" +
		"2,good,2,4\n" + // line 5: too few fields
		",good,1,4,betray,c\n" + // line 6: no subject
		"3,good,1,4,shrug,c\n" + // line 7: unknown outcome
		"3,good,2,4,betray,c\n" +
		"4,good,1,4,betray,c\n" +
		"1,good,3,4,betray,c\n" // line 10: subject 1 reappears
	r, err := NewReader(strings.NewReader(csv), "t.csv", mustSpec(t, repeatedSpec))
	if err != nil {
		t.Fatal(err)
	}
	r.KeepGoing()
	type got struct {
		id     string
		trials int
		lines  []string
	}
	var subjects []got
	for r.Next() {
		s := r.Subject()
		g := got{id: s.ID, trials: len(s.Trials)}
		for _, e := range s.Errors {
			g.lines = append(g.lines, strings.SplitN(e.Error(), ":", 3)[1])
		}
		subjects = append(subjects, g)
	}
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	want := []got{{"1", 1, []string{"3"}}, {"2", 1, []string{"5"}}, {"3", 1, []string{"7"}}, {"4", 1, nil}, {"1", 1, []string{"10"}}}
	if len(subjects) != len(want) {
		t.Fatalf("subjects %+v, want %+v", subjects, want)
	}
	for i := range want {
		if subjects[i].id != want[i].id || subjects[i].trials != want[i].trials || strings.Join(subjects[i].lines, ",") != strings.Join(want[i].lines, ",") {
			t.Errorf("subject %d: %+v, want %+v", i, subjects[i], want[i])
		}
	}
	if st := r.Stats(); st.BadRows != 5 || len(r.Stray()) != 1 || !strings.HasPrefix(r.Stray()[0].Error(), "t.csv:6:") {
		t.Errorf("stats %+v, stray %v", st, r.Stray())
	}
}

// Bounded input: a data file whose line never ends is refused at that
// line before it is buffered, and a spec or key larger than 1 MiB is
// refused before it is parsed.
func TestBoundedInput(t *testing.T) {
	long := "subject,trustee,trial,investment,backtransfer,treatment\n" + strings.Repeat("1", MaxLine+10)
	r, err := NewReader(strings.NewReader(long), "huge.csv", mustSpec(t, repeatedSpec))
	if err == nil {
		for r.Next() {
		}
		err = r.Err()
	}
	if err == nil || !strings.HasPrefix(err.Error(), "huge.csv:2: line longer than 1 MiB") {
		t.Errorf("a 1 MiB line: %v", err)
	}
	if _, err := NewReader(strings.NewReader(strings.Repeat("x", MaxLine+1)), "header.csv", mustSpec(t, repeatedSpec)); err == nil || !strings.HasPrefix(err.Error(), "header.csv:1: line longer") {
		t.Errorf("a 1 MiB header: %v", err)
	}
	big := "name: x\ndescription: " + strings.Repeat("y", MaxSpecSize) + "\n"
	if _, err := ParseSpec(strings.NewReader(big), "big.yaml"); err == nil || !strings.Contains(err.Error(), "big.yaml: larger than the 1 MiB allowed for a data spec file") {
		t.Errorf("a 1 MiB spec: %v", err)
	}
	if _, err := ParseKey(strings.NewReader(big), "key.yaml"); err == nil || !strings.Contains(err.Error(), "key.yaml: larger than") {
		t.Errorf("a 1 MiB key: %v", err)
	}
}
