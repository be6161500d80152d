package dataset

import (
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/trustlab/trustlab/internal/yamlx"
)

// Spec is a data spec: it says which CSV column plays which role in a trust
// game and gives the constants of the game. It is usually written in YAML
// (see docs/data.md and examples/data/*.yaml) and read with ParseSpec or
// LoadSpec, but it may also be built in Go; NewReader validates it either way.
type Spec struct {
	// Name identifies the dataset in messages and outputs.
	Name string `yaml:"name"`
	// Description is free text for people (source, citation, caveats).
	Description string `yaml:"description"`
	// Delimiter is the CSV field separator, one character; "" means ",".
	Delimiter string `yaml:"delimiter"`
	// Columns maps roles to CSV column names.
	Columns Columns `yaml:"columns"`
	// Game holds the constants of the game.
	Game Game `yaml:"game"`
	// Labels lists the values of the label columns (outcome, choice).
	Labels Labels `yaml:"labels"`
	// Missed lists extra rules marking a row as a missed trial (skipped and
	// counted); a row is missed if any rule matches or if its choice is one
	// of Labels.Choice.Missed.
	Missed []MissedRule `yaml:"missed"`
	// NA lists the values that mean "not available" in number columns;
	// nil means ["NA", ""]. An unavailable returned amount becomes NaN; an
	// unavailable value in any other number column is an error.
	NA []string `yaml:"na"`
	// OrderWithin is where the order key must strictly increase: "subject"
	// (the default: over all rows of a subject) or "partner" (within each
	// subject and partner, e.g. trials numbered 1-25 per partner).
	OrderWithin string `yaml:"order_within"`

	origin // the file name for messages, where keys were written
}

// Columns names, for each role, the CSV column that holds it. Empty means
// the role is absent from the file.
type Columns struct {
	// Subject identifies the person making the decisions: one column, or
	// several whose values are joined with "/" (e.g. [treatment, pair_index]).
	Subject ColumnList `yaml:"subject"`
	// Partner identifies the trustee (person, computer, condition); without
	// it every trial has partner Game.Partner.
	Partner string `yaml:"partner"`
	// Trial is the trial number as written in the file; without it trials
	// are numbered 1, 2, ... within each subject (missed rows included).
	Trial string `yaml:"trial"`
	// Order is the key (integer columns, compared left to right) that must
	// strictly increase within OrderWithin; default [Trial] when Trial is set.
	Order ColumnList `yaml:"order"`
	// Endowment is the amount available to send, if it varies by row
	// (otherwise Game.Endowment).
	Endowment string `yaml:"endowment"`
	// Multiplier multiplies the amount sent, if it varies by row
	// (otherwise Game.Multiplier).
	Multiplier string `yaml:"multiplier"`
	// Sent is the amount sent (invested). It may be omitted when the
	// choice columns are given: the chosen offer is then the amount sent.
	Sent string `yaml:"sent"`
	// Returned is the amount the trustee returned.
	Returned string `yaml:"returned"`
	// Outcome is a binary outcome column: honoured or betrayed (see
	// Labels.Outcome).
	Outcome string `yaml:"outcome"`
	// OfferLow and OfferHigh are the two amounts offered on a two-option
	// trial; Choice says which one was taken (see Labels.Choice).
	OfferLow  string `yaml:"offer_low"`
	OfferHigh string `yaml:"offer_high"`
	Choice    string `yaml:"choice"`
	// Group is a column carried along per subject (treatment, condition);
	// it must not change within a subject.
	Group string `yaml:"group"`
	// PartnerKind is the column giving the kind of each partner (friend,
	// stranger, computer...), for fits in which each kind has its own
	// prior (fit's partner_prior model). It may be the partner column.
	PartnerKind string `yaml:"partner_kind"`
	// Trustee identifies the person who returned (the trustee of each
	// row): one column, or several joined with "/" like Subject. With it
	// and Returned, trustlab fits the trustees' returns too (fit's trustee
	// model, --role).
	Trustee ColumnList `yaml:"trustee"`
}

// Game holds the constants of the game.
type Game struct {
	// Endowment is the amount the investor may send on each trial (unless
	// Columns.Endowment is set).
	Endowment *float64 `yaml:"endowment"`
	// Multiplier multiplies the amount sent before the trustee decides
	// (unless Columns.Multiplier is set).
	Multiplier *float64 `yaml:"multiplier"`
	// ReturnOnHonour is the fraction of the multiplied amount returned
	// when the outcome is honoured and no returned amount is given (0.5:
	// the trustee shares evenly). Without it such amounts are unknown (NaN).
	ReturnOnHonour *float64 `yaml:"return_on_honour"`
	// Feedback says when the investor learns the outcome: "every_trial"
	// (an outcome on every trial, even when nothing was sent) or
	// "after_trust" (an outcome exactly when something was sent).
	Feedback string `yaml:"feedback"`
	// Partner names the partner when there is no partner column.
	Partner string `yaml:"partner"`
}

// Labels lists the values allowed in the label columns. Values are compared
// exactly after trimming surrounding spaces.
type Labels struct {
	Outcome OutcomeLabels `yaml:"outcome"` // values of Columns.Outcome
	Choice  ChoiceLabels  `yaml:"choice"`  // values of Columns.Choice
}

// OutcomeLabels maps values of the outcome column to outcomes. When all
// three lists are empty the defaults are honoured: [reciprocate, recip,
// honoured, "1"], betrayed: [betray, defect, betrayed, "0"], none: [NA, ""].
type OutcomeLabels struct {
	Honoured []string `yaml:"honoured"` // the trustee reciprocated
	Betrayed []string `yaml:"betrayed"` // the trustee kept the money
	None     []string `yaml:"none"`     // no outcome shown
}

// ChoiceLabels maps values of the choice column to the option taken. When
// all three lists are empty the defaults are low: [low], high: [high],
// missed: [missed].
type ChoiceLabels struct {
	Low    []string `yaml:"low"`    // the lower offer was sent
	High   []string `yaml:"high"`   // the higher offer was sent
	Missed []string `yaml:"missed"` // no response: the row is skipped and counted
}

// MissedRule marks a row as a missed trial when column Column holds one of
// Values.
type MissedRule struct {
	Column string   `yaml:"column"` // a CSV column (any, not only a role)
	Values []string `yaml:"values"` // values marking the row as missed
}

// ColumnList is one column name or several. In YAML it is written either
// as a single name (subject: sub) or as a list (order: [run, trial]).
type ColumnList []string

// UnmarshalYAML accepts a single name or a list of names.
func (c *ColumnList) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			*c = nil
			return nil
		}
		*c = ColumnList{n.Value}
		return nil
	case yaml.SequenceNode:
		out := make(ColumnList, 0, len(n.Content))
		for _, e := range n.Content {
			if e.Kind != yaml.ScalarNode {
				return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: column %d: expected a column name", e.Line, e.Column)}}
			}
			out = append(out, e.Value)
		}
		*c = out
		return nil
	}
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: column %d: expected a column name or a list of column names", n.Line, n.Column)}}
}

// Feedback values of Game.Feedback.
const (
	FeedbackEveryTrial = "every_trial"
	FeedbackAfterTrust = "after_trust"
)

// OrderWithin values of Spec.OrderWithin.
const (
	OrderWithinSubject = "subject"
	OrderWithinPartner = "partner"
)

// Default label lists, used when a spec gives none.
var (
	defaultOutcomeLabels = OutcomeLabels{
		Honoured: []string{"reciprocate", "recip", "honoured", "1"},
		Betrayed: []string{"betray", "defect", "betrayed", "0"},
		None:     []string{"NA", ""},
	}
	defaultChoiceLabels = ChoiceLabels{Low: []string{"low"}, High: []string{"high"}, Missed: []string{"missed"}}
	defaultNA           = []string{"NA", ""}
)

// ParseSpec reads a data spec in YAML from r. Unknown keys are errors.
// name is the file name used in messages. The spec is validated: errors
// name the file, line and key.
func ParseSpec(r io.Reader, name string) (Spec, error) {
	return parseYAML(r, name, "a data spec file", decodeSpec)
}

// decodeSpec reads the keys of a data spec with the strict walker.
func decodeSpec(root *yaml.Node, w *yamlx.Walker) (Spec, error) {
	var s Spec
	f := w.Mapping(root, "", "name", "description", "delimiter", "columns", "game", "labels", "missed", "na", "order_within")
	str(w, f, "name", &s.Name)
	str(w, f, "description", &s.Description)
	str(w, f, "delimiter", &s.Delimiter)
	str(w, f, "order_within", &s.OrderWithin)
	strList(w, f, "na", &s.NA)
	if n := f.Get("columns"); n != nil && !yamlx.IsNull(n) {
		c := &s.Columns
		cf := w.Mapping(n, "columns", "subject", "partner", "trial", "order", "endowment", "multiplier", "sent", "returned",
			"outcome", "offer_low", "offer_high", "choice", "group", "partner_kind", "trustee")
		columnList(w, cf, "subject", &c.Subject)
		columnList(w, cf, "order", &c.Order)
		columnList(w, cf, "trustee", &c.Trustee)
		for key, dst := range map[string]*string{"partner": &c.Partner, "trial": &c.Trial, "endowment": &c.Endowment,
			"multiplier": &c.Multiplier, "sent": &c.Sent, "returned": &c.Returned, "outcome": &c.Outcome,
			"offer_low": &c.OfferLow, "offer_high": &c.OfferHigh, "choice": &c.Choice, "group": &c.Group, "partner_kind": &c.PartnerKind} {
			str(w, cf, key, dst)
		}
	}
	if n := f.Get("game"); n != nil && !yamlx.IsNull(n) {
		gf := w.Mapping(n, "game", "endowment", "multiplier", "return_on_honour", "feedback", "partner")
		number(w, gf, "endowment", &s.Game.Endowment)
		number(w, gf, "multiplier", &s.Game.Multiplier)
		number(w, gf, "return_on_honour", &s.Game.ReturnOnHonour)
		str(w, gf, "feedback", &s.Game.Feedback)
		str(w, gf, "partner", &s.Game.Partner)
	}
	if n := f.Get("labels"); n != nil && !yamlx.IsNull(n) {
		lf := w.Mapping(n, "labels", "outcome", "choice")
		if o := lf.Get("outcome"); o != nil && !yamlx.IsNull(o) {
			of := w.Mapping(o, lf.Sub("outcome"), "honoured", "betrayed", "none")
			strList(w, of, "honoured", &s.Labels.Outcome.Honoured)
			strList(w, of, "betrayed", &s.Labels.Outcome.Betrayed)
			strList(w, of, "none", &s.Labels.Outcome.None)
		}
		if c := lf.Get("choice"); c != nil && !yamlx.IsNull(c) {
			cf := w.Mapping(c, lf.Sub("choice"), "low", "high", "missed")
			strList(w, cf, "low", &s.Labels.Choice.Low)
			strList(w, cf, "high", &s.Labels.Choice.High)
			strList(w, cf, "missed", &s.Labels.Choice.Missed)
		}
	}
	if n := f.Get("missed"); n != nil && !yamlx.IsNull(n) {
		if n.Kind != yaml.SequenceNode {
			w.Failf(n, "missed", "%s: must be a list of rules {column, values}", yamlx.Describe(n))
		} else {
			for i, it := range n.Content {
				mf := w.Mapping(it, fmt.Sprintf("missed.%d", i), "column", "values")
				var r MissedRule
				str(w, mf, "column", &r.Column)
				strList(w, mf, "values", &r.Values)
				s.Missed = append(s.Missed, r)
			}
		}
	}
	return s, fromWalker(w.Err())
}

// LoadSpec reads and validates the data spec file at path.
func LoadSpec(path string) (Spec, error) {
	return loadFile(path, ParseSpec)
}

// Source returns the file name the spec was read from ("" if built in Go).
func (s Spec) Source() string { return s.source }

// specError returns an error about spec key key.
func (s Spec) specError(key, format string, args ...any) *Error {
	return keyErrorf(s.source, "spec", s.Name, s.pos, key, format, args...)
}

// Validate checks the spec on its own (without a data file): required
// roles, column-or-constant choices, ranges of constants, labels.
func (s Spec) Validate() error {
	c := s.Columns
	if len(c.Subject) == 0 {
		return s.specError("columns.subject", "required: the column(s) identifying the subject")
	}
	for i, n := range c.Subject {
		if strings.TrimSpace(n) == "" {
			return s.specError(fmt.Sprintf("columns.subject.%d", i), "empty column name")
		}
	}
	for i, n := range c.Order {
		if strings.TrimSpace(n) == "" {
			return s.specError(fmt.Sprintf("columns.order.%d", i), "empty column name")
		}
	}
	for i, n := range c.Trustee {
		if strings.TrimSpace(n) == "" {
			return s.specError(fmt.Sprintf("columns.trustee.%d", i), "empty column name")
		}
	}
	if len(c.Trustee) > 0 && c.Returned == "" {
		return s.specError("columns.trustee", "needs columns.returned: a trustee's decisions are the amounts returned")
	}
	if s.Delimiter != "" {
		r, size := utf8.DecodeRuneInString(s.Delimiter)
		if size != len(s.Delimiter) || r == utf8.RuneError || r == '"' || r == '\r' || r == '\n' {
			return s.specError("delimiter", "value %q is not allowed: give one character other than a quote or a line break, e.g. \",\" or \";\" or \"\\t\"", s.Delimiter)
		}
	}
	if err := s.checkConstant("endowment", c.Endowment, s.Game.Endowment); err != nil {
		return err
	}
	if err := s.checkConstant("multiplier", c.Multiplier, s.Game.Multiplier); err != nil {
		return err
	}
	if f := s.Game.ReturnOnHonour; f != nil {
		if math.IsNaN(*f) || *f < 0 || *f > 1 {
			return s.specError("game.return_on_honour", "value %s out of range [0, 1] (fraction of the multiplied amount)", num(*f))
		}
		if c.Outcome == "" {
			return s.specError("game.return_on_honour", "needs columns.outcome: it applies to rows whose outcome is honoured")
		}
	}
	switch s.Game.Feedback {
	case FeedbackEveryTrial, FeedbackAfterTrust:
	case "":
		return s.specError("game.feedback", "required: %s (an outcome on every trial, even when nothing is sent) or %s (an outcome only when something is sent)", FeedbackEveryTrial, FeedbackAfterTrust)
	default:
		return s.specError("game.feedback", "value %q is not one of %s, %s", s.Game.Feedback, FeedbackEveryTrial, FeedbackAfterTrust)
	}
	switch s.OrderWithin {
	case "", OrderWithinSubject, OrderWithinPartner:
	default:
		return s.specError("order_within", "value %q is not one of %s, %s", s.OrderWithin, OrderWithinSubject, OrderWithinPartner)
	}
	if c.Partner != "" && s.Game.Partner != "" {
		return s.specError("game.partner", "give either columns.partner or game.partner, not both")
	}
	nOpt := 0
	for _, v := range []string{c.OfferLow, c.OfferHigh, c.Choice} {
		if v != "" {
			nOpt++
		}
	}
	if nOpt != 0 && nOpt != 3 {
		return s.specError("columns", "offer_low, offer_high and choice go together: give all three or none")
	}
	if c.Sent == "" && nOpt == 0 {
		return s.specError("columns.sent", "required: the amount sent (or give offer_low, offer_high and choice)")
	}
	ol, cl := s.Labels.Outcome, s.Labels.Choice
	if err := s.checkLabels("outcome", c.Outcome, []string{"honoured", "betrayed", "none"}, ol.Honoured, ol.Betrayed, ol.None); err != nil {
		return err
	}
	if err := s.checkLabels("choice", c.Choice, []string{"low", "high", "missed"}, cl.Low, cl.High, cl.Missed); err != nil {
		return err
	}
	for i, m := range s.Missed {
		key := fmt.Sprintf("missed.%d", i)
		if strings.TrimSpace(m.Column) == "" {
			return s.specError(key, "column: required (the column holding the values that mark a missed trial)")
		}
		if len(m.Values) == 0 {
			return s.specError(key, "values: required (the values of column %q that mark a missed trial)", m.Column)
		}
	}
	return nil
}

// checkConstant checks a role given by column or constant (exactly one).
func (s Spec) checkConstant(role, column string, value *float64) error {
	switch {
	case column != "" && value != nil:
		return s.specError("game."+role, "give either columns.%s or game.%s, not both", role, role)
	case column == "" && value == nil:
		return s.specError("game."+role, "required: a constant here or a column in columns.%s", role)
	case value != nil && (math.IsNaN(*value) || math.IsInf(*value, 0) || *value <= 0):
		return s.specError("game."+role, "value %s out of range (0, inf)", num(*value))
	case value != nil && role == "endowment" && *value > 1e6:
		return s.specError("game."+role, "value %s out of range (0, 1e6]", num(*value))
	}
	return nil
}

// checkLabels checks the label lists of labels.ROLE (classes names): given,
// they need the column columns.ROLE, and no label may be in two classes.
func (s Spec) checkLabels(role, column string, names []string, lists ...[]string) error {
	n := 0
	for _, l := range lists {
		n += len(l)
	}
	if n == 0 {
		return nil
	}
	key := "labels." + role
	if column == "" {
		return s.specError(key, "given but columns.%s is not set", role)
	}
	seen := map[string]string{}
	for i, l := range lists {
		for _, v := range l {
			v = strings.TrimSpace(v)
			if prev, ok := seen[v]; ok && prev != names[i] {
				return s.specError(key+"."+names[i], "label %q is also listed under %s", v, prev)
			}
			seen[v] = names[i]
		}
	}
	return nil
}

// outcomeLabels returns the outcome labels with defaults applied.
func (s Spec) outcomeLabels() OutcomeLabels {
	l := s.Labels.Outcome
	if len(l.Honoured)+len(l.Betrayed)+len(l.None) == 0 {
		return defaultOutcomeLabels
	}
	return l
}

// choiceLabels returns the choice labels with defaults applied.
func (s Spec) choiceLabels() ChoiceLabels {
	l := s.Labels.Choice
	if len(l.Low)+len(l.High)+len(l.Missed) == 0 {
		return defaultChoiceLabels
	}
	return l
}

// naValues returns the NA values with the default applied.
func (s Spec) naValues() []string {
	if s.NA == nil {
		return defaultNA
	}
	return s.NA
}

// orderColumns returns the order key columns with the default applied.
func (s Spec) orderColumns() []string {
	if len(s.Columns.Order) > 0 {
		return s.Columns.Order
	}
	if s.Columns.Trial != "" {
		return []string{s.Columns.Trial}
	}
	return nil
}
