// Package dataset imports trust-game data and scores trust questionnaires.
//
// # Trust-game data
//
// A data file is a CSV table with one row per decision and a header naming
// the columns. A data spec (type Spec, a strict YAML file; see docs/data.md
// and examples/data/*.yaml) maps columns to roles (subject, partner, trial,
// amount sent, amount returned or binary outcome, offered options, group)
// and gives the constants of the game (endowment, multiplier, when
// feedback is shown, the fraction returned on honour).
//
// A Reader, modelled on bufio.Scanner, turns the rows into one Subject at a
// time, each a sequence of Trial values in file order:
//
//	spec, err := dataset.LoadSpec("examples/data/mikus2023.yaml")
//	...
//	r, err := dataset.NewReader(f, "trials.csv", spec)
//	...
//	for r.Next() {
//		s := r.Subject() // s.ID, s.Group, s.Trials
//	}
//	if err := r.Err(); err != nil { ... }
//
// The rows of a subject must be contiguous. Missed trials (a choice label
// listed as missed, or a Spec.Missed rule) are skipped and counted in
// Stats. Impossible rows stop the reader with an *Error naming file, line,
// column, field and the allowed values: an amount sent outside
// [0, endowment], a returned amount outside [0, multiplier × sent], an
// unknown label, a value that is not a number, an order key (trial number,
// or run and trial) that does not increase, a sent amount that is not the
// chosen offer, an outcome contradicting the spec's feedback rule, a
// subject reappearing after another, a group changing within a subject.
//
// # Questionnaires
//
// ScoreQuestionnaire scores a trust scale from item responses (one CSV row
// per respondent) with a Key (strict YAML): each respondent's mean item
// score, reverse-keyed items reversed (x' = min+max-x), and its rescaling
// to [0, 1], an estimate of the trust trait tau; and the scale's Cronbach's
// alpha.
//
// No function of this package panics on any input: every problem is
// returned as an error.
package dataset
