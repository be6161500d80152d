package dataset_test

import (
	"fmt"
	"strings"

	"github.com/trustlab/trustlab/dataset"
)

// A spec maps the columns of a repeated trust game to roles; the Reader
// then delivers one subject at a time.
func ExampleNewReader() {
	spec, err := dataset.ParseSpec(strings.NewReader(`
name: demo
columns:
  subject: subject
  partner: trustee
  trial: trial
  sent: investment
  outcome: backtransfer
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
`), "demo.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	csv := `subject,trustee,trial,investment,backtransfer
1,good,1,4,reciprocate
1,good,2,6,betray
2,bad,1,0,betray
`
	r, err := dataset.NewReader(strings.NewReader(csv), "demo.csv", spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	for r.Next() {
		s := r.Subject()
		for _, t := range s.Trials {
			fmt.Printf("subject %s, %s trial %d: sent %g of %g, %s, returned %g\n",
				s.ID, t.Partner, t.Trial, t.Sent, t.Endowment, t.Outcome, t.Returned)
		}
	}
	if err := r.Err(); err != nil {
		fmt.Println(err)
	}
	fmt.Printf("%+v\n", r.Stats())
	// Output:
	// subject 1, good trial 1: sent 4 of 10, honoured, returned 6
	// subject 1, good trial 2: sent 6 of 10, betrayed, returned 0
	// subject 2, bad trial 1: sent 0 of 10, betrayed, returned 0
	// {Rows:3 Subjects:2 Trials:3 Missed:0 EmptySubjects:0 BadRows:0}
}

// Impossible rows stop the reader with the file, line, column, field and
// the allowed range.
func ExampleReader_Err() {
	spec, _ := dataset.ParseSpec(strings.NewReader(`
columns: {subject: id, sent: sent}
game: {endowment: 10, multiplier: 3, feedback: after_trust}
`), "spec.yaml")
	_, _, err := dataset.ReadAll(strings.NewReader("id,sent\na,5\nb,12\n"), "data.csv", spec)
	fmt.Println(err)
	// Output:
	// data.csv:3:3: field "sent": value 12 out of range [0, 10] (endowment)
}

// A questionnaire key names the items and the response range; scores are
// item means (reverse-keyed items reversed) rescaled to [0, 1].
func ExampleScoreQuestionnaire() {
	key, err := dataset.ParseKey(strings.NewReader(`
scale: trust
subject: id
items: [q1, q2, q3]
reverse: [q3]
min: 1
max: 5
`), "trust.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	responses := "id,q1,q2,q3\nann,5,4,1\nbob,4,4,2\ncat,2,3,4\ndan,1,2,5\neve,3,,3\n"
	s, err := dataset.ScoreQuestionnaire(key, strings.NewReader(responses), "trust.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range s.Respondents {
		fmt.Printf("%s: mean %.3f, tau %.3f\n", r.ID, r.Mean, r.Tau)
	}
	for _, sk := range s.Skipped {
		fmt.Printf("skipped %s (line %d): no response to %v\n", sk.ID, sk.Line, sk.Missing)
	}
	fmt.Printf("alpha %.4f\n", s.Alpha)
	// Output:
	// ann: mean 4.667, tau 0.917
	// bob: mean 4.000, tau 0.750
	// cat: mean 2.333, tau 0.333
	// dan: mean 1.333, tau 0.083
	// skipped eve (line 6): no response to [q2]
	// alpha 0.9562
}
