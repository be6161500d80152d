package dataset

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/trustlab/trustlab/internal/yamlx"
)

// Key is a questionnaire scoring key: which CSV columns are the items of a
// trust scale, which are reverse-keyed, and the response range. It is
// usually written in YAML (see docs/data.md) and read with ParseKey or
// LoadKey.
type Key struct {
	// Scale names the scale in messages and outputs.
	Scale string `yaml:"scale"`
	// Description is free text for people (source, wording, citation).
	Description string `yaml:"description"`
	// Subject is the column identifying the respondent; without it
	// respondents are numbered 1, 2, ... by data row.
	Subject string `yaml:"subject"`
	// Items are the item columns, at least one.
	Items []string `yaml:"items"`
	// Reverse lists the reverse-keyed items (a subset of Items): a
	// response x is scored Min+Max-x.
	Reverse []string `yaml:"reverse"`
	// Min and Max are the lowest and highest possible responses.
	Min *float64 `yaml:"min"`
	Max *float64 `yaml:"max"`
	// Missing says what a respondent with a missing response gets:
	// "skip" (the default: the respondent is left out and listed in
	// Scores.Skipped) or "error".
	Missing string `yaml:"missing"`
	// NA lists the values meaning "no response"; nil means ["NA", ""].
	NA []string `yaml:"na"`
	// Delimiter is the CSV field separator, one character; "" means ",".
	Delimiter string `yaml:"delimiter"`

	origin
}

// Missing-response policies of Key.Missing.
const (
	MissingSkip  = "skip"
	MissingError = "error"
)

// Respondent is the score of one respondent.
type Respondent struct {
	// ID is the value of the subject column, or the 1-based data row.
	ID string
	// Line is the line of the respondent's row in the responses file.
	Line int
	// Mean is the mean item score, reverse-keyed items reversed, in
	// [Min, Max].
	Mean float64
	// Tau is Mean rescaled to [0, 1]: (Mean-Min)/(Max-Min), an estimate of
	// the trust trait tau.
	Tau float64
}

// Skipped is a respondent left out for missing responses.
type Skipped struct {
	ID      string   // respondent, as in Respondent.ID
	Line    int      // line of the respondent's row
	Missing []string // the items without a response
}

// Scores is the result of scoring a questionnaire.
type Scores struct {
	// Scale is Key.Scale.
	Scale string
	// Items is the number of items k.
	Items int
	// Respondents are the scored respondents, in file order.
	Respondents []Respondent
	// Skipped are the respondents left out for missing responses (a
	// counted warning), in file order.
	Skipped []Skipped
	// Alpha is Cronbach's alpha of the scale over Respondents, with
	// reverse-keyed items reversed and sample variances:
	// k/(k-1) * (1 - sum of item variances / variance of the total).
	// NaN with fewer than 2 items or 2 respondents, or when the total does
	// not vary.
	Alpha float64
}

// ParseKey reads a questionnaire key in YAML from r. Unknown keys are
// errors; name is the file name used in messages. The key is validated.
func ParseKey(r io.Reader, name string) (Key, error) {
	return parseYAML(r, name, "a questionnaire key file", decodeKey)
}

// decodeKey reads the keys of a questionnaire key with the strict walker.
func decodeKey(root *yaml.Node, w *yamlx.Walker) (Key, error) {
	var k Key
	f := w.Mapping(root, "", "scale", "description", "subject", "items", "reverse", "min", "max", "missing", "na", "delimiter")
	str(w, f, "scale", &k.Scale)
	str(w, f, "description", &k.Description)
	str(w, f, "subject", &k.Subject)
	strList(w, f, "items", &k.Items)
	strList(w, f, "reverse", &k.Reverse)
	number(w, f, "min", &k.Min)
	number(w, f, "max", &k.Max)
	str(w, f, "missing", &k.Missing)
	strList(w, f, "na", &k.NA)
	str(w, f, "delimiter", &k.Delimiter)
	return k, fromWalker(w.Err())
}

// LoadKey reads and validates the questionnaire key file at path.
func LoadKey(path string) (Key, error) {
	return loadFile(path, ParseKey)
}

func (k Key) keyError(key, format string, args ...any) *Error {
	return keyErrorf(k.source, "key", k.Scale, k.pos, key, format, args...)
}

// Validate checks the key on its own (without a responses file).
func (k Key) Validate() error {
	if len(k.Items) == 0 {
		return k.keyError("items", "required: the item columns of the scale")
	}
	items := map[string]int{}
	for i, it := range k.Items {
		if strings.TrimSpace(it) == "" {
			return k.keyError(fmt.Sprintf("items.%d", i), "empty column name")
		}
		if j, ok := items[it]; ok {
			return k.keyError(fmt.Sprintf("items.%d", i), "item %q is listed twice (also item %d)", it, j+1)
		}
		items[it] = i
	}
	rev := map[string]bool{}
	for i, it := range k.Reverse {
		if _, ok := items[it]; !ok {
			return k.keyError(fmt.Sprintf("reverse.%d", i), "%q is not one of the items (%s)", it, quoteList(k.Items))
		}
		if rev[it] {
			return k.keyError(fmt.Sprintf("reverse.%d", i), "item %q is listed twice", it)
		}
		rev[it] = true
	}
	if _, ok := items[k.Subject]; ok && k.Subject != "" {
		return k.keyError("subject", "column %q is also an item", k.Subject)
	}
	if k.Min == nil {
		return k.keyError("min", "required: the lowest possible response")
	}
	if k.Max == nil {
		return k.keyError("max", "required: the highest possible response")
	}
	if math.IsNaN(*k.Min) || math.IsInf(*k.Min, 0) {
		return k.keyError("min", "value %s is not a finite number", num(*k.Min))
	}
	if math.IsNaN(*k.Max) || math.IsInf(*k.Max, 0) || *k.Max <= *k.Min {
		return k.keyError("max", "value %s out of range (%s, inf): it must be above min", num(*k.Max), num(*k.Min))
	}
	if math.IsInf(*k.Max-*k.Min, 0) {
		return k.keyError("max", "range [%s, %s] too wide: max-min overflows", num(*k.Min), num(*k.Max))
	}
	switch k.Missing {
	case "", MissingSkip, MissingError:
	default:
		return k.keyError("missing", "value %q is not one of %s, %s", k.Missing, MissingSkip, MissingError)
	}
	if k.Delimiter != "" {
		r, size := utf8.DecodeRuneInString(k.Delimiter)
		if size != len(k.Delimiter) || r == utf8.RuneError || r == '"' || r == '\r' || r == '\n' {
			return k.keyError("delimiter", "value %q is not allowed: give one character other than a quote or a line break", k.Delimiter)
		}
	}
	return nil
}

// ScoreQuestionnaire scores the responses in r (CSV, one row per
// respondent, a header naming the columns) with key. name is the file name
// used in messages. A respondent with a missing response is skipped and
// listed in Scores.Skipped, or is an error if key.Missing is "error". A
// response outside [Min, Max] or not a number is an error naming file,
// line, column and the allowed range.
func ScoreQuestionnaire(key Key, r io.Reader, name string) (*Scores, error) {
	if err := key.Validate(); err != nil {
		return nil, err
	}
	lo, hi := *key.Min, *key.Max
	cr, header, err := openCSV(r, name, key.Delimiter)
	if err != nil {
		return nil, err
	}
	find := func(key Key, field, column string) (int, error) {
		idx := -1
		for i, h := range header {
			if h == column {
				if idx >= 0 {
					return 0, key.keyError(field, "column %q appears twice in the header of %s (columns %d and %d)", column, name, idx+1, i+1)
				}
				idx = i
			}
		}
		if idx < 0 {
			return 0, key.keyError(field, "column %q is not in the header of %s; the header has: %s", column, name, quoteList(header))
		}
		return idx, nil
	}
	subj := -1
	if key.Subject != "" {
		if subj, err = find(key, "subject", key.Subject); err != nil {
			return nil, err
		}
	}
	idx := make([]int, len(key.Items))
	rev := make([]bool, len(key.Items))
	for i, it := range key.Items {
		if idx[i], err = find(key, fmt.Sprintf("items.%d", i), it); err != nil {
			return nil, err
		}
		for _, r := range key.Reverse {
			rev[i] = rev[i] || r == it
		}
	}
	na := map[string]bool{}
	naVals := key.NA
	if naVals == nil {
		naVals = defaultNA
	}
	for _, v := range naVals {
		na[strings.TrimSpace(v)] = true
	}
	out := &Scores{Scale: key.Scale, Items: len(key.Items), Alpha: math.NaN()}
	var rows [][]float64 // reversed item scores of the scored respondents
	seen := map[string]int{}
	errAt := func(i int, column, format string, args ...any) error {
		line, col := cr.FieldPos(i)
		return &Error{File: name, Line: line, Column: col, Field: column, Msg: fmt.Sprintf(format, args...)}
	}
	for n := 1; ; n++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(err, name)
		}
		line, _ := cr.FieldPos(0)
		id := strconv.Itoa(n)
		if subj >= 0 {
			id = strings.TrimSpace(rec[subj])
			if id == "" {
				return nil, errAt(subj, key.Subject, "empty respondent id")
			}
			if prev, ok := seen[id]; ok {
				return nil, errAt(subj, key.Subject, "respondent %q appears twice (first on line %d)", id, prev)
			}
			seen[id] = line
		}
		scores := make([]float64, len(idx))
		var missing []string
		for i, c := range idx {
			v := strings.TrimSpace(rec[c])
			if na[v] {
				if key.Missing == MissingError {
					return nil, errAt(c, key.Items[i], "missing response %q (the key says missing: error)", v)
				}
				missing = append(missing, key.Items[i])
				continue
			}
			x, perr := strconv.ParseFloat(v, 64)
			if perr != nil || math.IsNaN(x) {
				return nil, errAt(c, key.Items[i], "value %q is not a number", v)
			}
			if x < lo || x > hi {
				return nil, errAt(c, key.Items[i], "value %s out of range [%s, %s] (min and max of the key)", num(x), num(lo), num(hi))
			}
			if rev[i] {
				x = lo + hi - x
			}
			scores[i] = x
		}
		if missing != nil {
			out.Skipped = append(out.Skipped, Skipped{ID: id, Line: line, Missing: missing})
			continue
		}
		// tau is the mean of the rescaled scores, which stay in [0, 1]
		// and cannot overflow; Mean is mapped back from it.
		tau := 0.0
		for _, x := range scores {
			tau += (x - lo) / (hi - lo)
		}
		tau = math.Min(1, tau/float64(len(scores)))
		out.Respondents = append(out.Respondents, Respondent{ID: id, Line: line, Mean: math.Min(hi, lo+tau*(hi-lo)), Tau: tau})
		rows = append(rows, scores)
	}
	out.Alpha = CronbachAlpha(rows)
	return out, nil
}

// CronbachAlpha returns Cronbach's alpha of a respondents × items matrix
// (each row one respondent's item scores, reverse-keyed items already
// reversed): k/(k-1) * (1 - sum of item variances / variance of the row
// totals), with sample variances (n-1). It is NaN with fewer than 2 items
// or 2 rows, with rows of unequal length, or when the totals do not vary.
func CronbachAlpha(rows [][]float64) float64 {
	n := len(rows)
	if n < 2 {
		return math.NaN()
	}
	k := len(rows[0])
	if k < 2 {
		return math.NaN()
	}
	for _, r := range rows {
		if len(r) != k {
			return math.NaN()
		}
	}
	variance := func(get func(int) float64) float64 {
		mean := 0.0
		for j := range n {
			mean += get(j)
		}
		mean /= float64(n)
		ss := 0.0
		for j := range n {
			d := get(j) - mean
			ss += d * d
		}
		return ss / float64(n-1)
	}
	sumVar := 0.0
	for i := range k {
		sumVar += variance(func(j int) float64 { return rows[j][i] })
	}
	totVar := variance(func(j int) float64 {
		t := 0.0
		for _, x := range rows[j] {
			t += x
		}
		return t
	})
	if totVar == 0 {
		return math.NaN()
	}
	return float64(k) / float64(k-1) * (1 - sumVar/totVar)
}
