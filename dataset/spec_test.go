package dataset

import (
	"strings"
	"testing"
)

func TestShippedSpecs(t *testing.T) {
	tests := []struct {
		name       string
		subject    []string
		feedback   string
		multiplier float64
	}{
		{"mikus2023", []string{"subject"}, FeedbackEveryTrial, 3},
		{"srndna", []string{"sub"}, FeedbackAfterTrust, 3},
		{"berg1995", []string{"treatment", "pair_index"}, FeedbackAfterTrust, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := exampleSpec(t, tc.name)
			if s.Name != tc.name || s.Source() != tc.name+".yaml" {
				t.Errorf("name %q source %q", s.Name, s.Source())
			}
			if strings.Join(s.Columns.Subject, ",") != strings.Join(tc.subject, ",") {
				t.Errorf("subject %v, want %v", s.Columns.Subject, tc.subject)
			}
			if s.Game.Feedback != tc.feedback || *s.Game.Multiplier != tc.multiplier {
				t.Errorf("feedback %q multiplier %g", s.Game.Feedback, *s.Game.Multiplier)
			}
		})
	}
}

func TestSpecInGo(t *testing.T) {
	s := Spec{
		Name:    "go",
		Columns: Columns{Subject: ColumnList{"id"}, Sent: "x"},
		Game:    Game{Endowment: new(5.0), Multiplier: new(2.0), Feedback: FeedbackAfterTrust},
	}
	subs, _, err := ReadAll(strings.NewReader("id,x\na,5\n"), "t.csv", s)
	if err != nil || len(subs) != 1 || subs[0].Trials[0].Sent != 5 {
		t.Fatalf("%v %v", subs, err)
	}
	s.Game.Multiplier = nil
	_, _, err = ReadAll(strings.NewReader("id,x\na,5\n"), "t.csv", s)
	if want := `spec go: field "game.multiplier": required: a constant here or a column in columns.multiplier`; err == nil || err.Error() != want {
		t.Errorf("error\n got %v\nwant %s", err, want)
	}
}

// TestParseSpecErrors holds the exact messages for bad specs.
func TestParseSpecErrors(t *testing.T) {
	const base = "name: x\ncolumns:\n  subject: s\n  sent: a\ngame:\n  endowment: 10\n  multiplier: 3\n  feedback: after_trust\n"
	tests := []struct {
		name, yaml, want string
	}{
		{"empty", "", `spec.yaml: empty file: expected a YAML mapping of keys`},
		{"not a mapping", "- a\n- b\n", `spec.yaml:1:1: expected a YAML mapping of keys (key: value lines)`},
		{"syntax", "name: x\n  columns: [\n", `spec.yaml:2: YAML syntax: mapping values are not allowed in this context`},
		{"unknown top-level key", base + "feedbak: every_trial\n",
			`spec.yaml:9:1: field "feedbak": unknown key; allowed keys here: name, description, delimiter, columns, game, labels, missed, na, order_within`},
		{"unknown column role", strings.Replace(base, "  sent: a\n", "  sent: a\n  amount: b\n", 1),
			`spec.yaml:5:3: field "columns.amount": unknown key; allowed keys here: subject, partner, trial, order, endowment, multiplier, sent, returned, outcome, offer_low, offer_high, choice, group, partner_kind, trustee`},
		{"endowment not a number", strings.Replace(base, "endowment: 10", "endowment: ten", 1),
			`spec.yaml:6:14: field "game.endowment": "ten": must be a number`},
		{"subject missing", strings.Replace(base, "  subject: s\n", "", 1),
			`spec.yaml:2:1: field "columns.subject": required: the column(s) identifying the subject`},
		{"sent missing", strings.Replace(base, "  sent: a\n", "", 1),
			`spec.yaml:2:1: field "columns.sent": required: the amount sent (or give offer_low, offer_high and choice)`},
		{"feedback missing", strings.Replace(base, "  feedback: after_trust\n", "", 1),
			`spec.yaml:5:1: field "game.feedback": required: every_trial (an outcome on every trial, even when nothing is sent) or after_trust (an outcome only when something is sent)`},
		{"feedback unknown", strings.Replace(base, "after_trust", "always", 1),
			`spec.yaml:8:3: field "game.feedback": value "always" is not one of every_trial, after_trust`},
		{"endowment twice", strings.Replace(base, "  sent: a\n", "  sent: a\n  endowment: e\n", 1),
			`spec.yaml:7:3: field "game.endowment": give either columns.endowment or game.endowment, not both`},
		{"multiplier zero", strings.Replace(base, "multiplier: 3", "multiplier: 0", 1),
			`spec.yaml:7:3: field "game.multiplier": value 0 out of range (0, inf)`},
		{"return_on_honour too big", strings.Replace(base, "  sent: a\n", "  sent: a\n  outcome: o\n", 1) + "  return_on_honour: 2\n",
			`spec.yaml:10:3: field "game.return_on_honour": value 2 out of range [0, 1] (fraction of the multiplied amount)`},
		{"return_on_honour without outcome", base + "  return_on_honour: 0.5\n",
			`spec.yaml:9:3: field "game.return_on_honour": needs columns.outcome: it applies to rows whose outcome is honoured`},
		{"offers incomplete", strings.Replace(base, "  sent: a\n", "  sent: a\n  choice: c\n", 1),
			`spec.yaml:2:1: field "columns": offer_low, offer_high and choice go together: give all three or none`},
		{"outcome labels overlap", strings.Replace(base, "  sent: a\n", "  sent: a\n  outcome: o\n", 1) + "labels:\n  outcome:\n    honoured: [\"1\"]\n    betrayed: [1]\n",
			`spec.yaml:13:5: field "labels.outcome.betrayed": label "1" is also listed under honoured`},
		{"outcome labels without column", base + "labels:\n  outcome:\n    honoured: [yes]\n",
			`spec.yaml:10:3: field "labels.outcome": given but columns.outcome is not set`},
		{"order_within unknown", base + "order_within: session\n",
			`spec.yaml:9:1: field "order_within": value "session" is not one of subject, partner`},
		{"partner twice", strings.Replace(base, "  sent: a\n", "  sent: a\n  partner: p\n", 1) + "  partner: q\n",
			`spec.yaml:10:3: field "game.partner": give either columns.partner or game.partner, not both`},
		{"missed rule without values", base + "missed:\n  - column: a\n",
			`spec.yaml:10:5: field "missed.0": values: required (the values of column "a" that mark a missed trial)`},
		{"bad delimiter", base + "delimiter: \"ab\"\n",
			`spec.yaml:9:1: field "delimiter": value "ab" is not allowed: give one character other than a quote or a line break, e.g. "," or ";" or "\t"`},
		{"subject as a mapping", strings.Replace(base, "subject: s", "subject: {a: b}", 1),
			`spec.yaml:3:12: field "columns.subject": expected a column name or a list of column names`},
		{"two documents", base + "---\nname: y\n",
			`spec.yaml:9:1: a second YAML document (after ---) is not allowed: a file holds one YAML document`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSpec(strings.NewReader(tc.yaml), "spec.yaml")
			checkError(t, err, tc.want)
		})
	}
}

// An endowment too large for graded amounts is an error at its spec line,
// not at the first data row; header names with raw bytes are quoted.
func TestSpecEndowmentBoundAndQuoting(t *testing.T) {
	_, err := ParseSpec(strings.NewReader("name: x\ncolumns: {subject: s, sent: k}\ngame: {endowment: 1e300, multiplier: 3, feedback: every_trial}\n"), "s.yaml")
	if err == nil || !strings.Contains(err.Error(), "s.yaml:3:") || !strings.Contains(err.Error(), "out of range (0, 1e6]") {
		t.Errorf("endowment 1e300: %v", err)
	}
	if got := quoteList([]string{"ok", "\x00\xff"}); got != `ok, "\x00\xff"` {
		t.Errorf("quoteList = %s", got)
	}
}
