package dataset

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/trustlab/trustlab/internal/bounded"
)

// Outcome is what the investor learned after a trial.
type Outcome int8

// Outcomes.
const (
	// NoOutcome: no feedback (nothing sent with feedback after_trust, or
	// the file has no outcome column).
	NoOutcome Outcome = iota
	// Honoured: the trustee reciprocated.
	Honoured
	// Betrayed: the trustee kept the money.
	Betrayed
)

// String returns "none", "honoured" or "betrayed".
func (o Outcome) String() string {
	switch o {
	case Honoured:
		return "honoured"
	case Betrayed:
		return "betrayed"
	case NoOutcome:
		return "none"
	}
	return "Outcome(" + strconv.Itoa(int(o)) + ")"
}

// Trial is one decision of one subject: the amount sent to a partner, and
// what came back.
type Trial struct {
	// Partner is the trustee (value of the partner column, or Game.Partner).
	Partner string
	// PartnerKind is the kind of partner (value of the partner_kind
	// column: friend, stranger, computer, human, bot...); "" without one.
	PartnerKind string
	// Trustee identifies the trustee of this row (the columns.trustee
	// values joined with "/"); "" without that column.
	Trustee string
	// Order is the position of the trial among the subject's trials
	// (missed trials excluded), 0-based, in file order. The file order is
	// validated (see Spec.OrderWithin), never re-sorted.
	Order int
	// Trial is the trial number as written in the file, or 1, 2, ... by
	// row within the subject (missed rows included) without a trial column.
	Trial int
	// Endowment is the amount the investor could send.
	Endowment float64
	// Multiplier multiplies the amount sent.
	Multiplier float64
	// Sent is the amount sent, in [0, Endowment].
	Sent float64
	// Returned is the amount returned, in [0, Multiplier*Sent]; NaN if
	// unknown (no returned column and no Game.ReturnOnHonour, or NA). It
	// is 0 whenever nothing was sent.
	Returned float64
	// Outcome is the binary feedback, NoOutcome without an outcome column.
	Outcome Outcome
	// Options are the amounts offered on a two-option trial, [low, high];
	// nil when the investor chose freely in [0, Endowment]. Sent is one of
	// them.
	Options []float64
	// Chosen is the index into Options of the amount sent, -1 if none.
	Chosen int
	// Line is the line of the row in the data file, for messages.
	Line int
}

// Subject is one person and all their trials, in file order.
type Subject struct {
	// ID is the value of the subject column, or the values of the subject
	// columns joined with "/".
	ID string
	// Group is the value of the group column ("" without one).
	Group string
	// Trials are the subject's trials, missed trials excluded; never empty
	// unless Errors is not (KeepGoing).
	Trials []Trial
	// Errors are the subject's bad rows, which Trials leave out; only a
	// Reader in KeepGoing mode returns a subject with errors.
	Errors []*Error
}

// Partners returns the subject's partners in order of first appearance.
func (s *Subject) Partners() []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range s.Trials {
		if !seen[t.Partner] {
			seen[t.Partner] = true
			out = append(out, t.Partner)
		}
	}
	return out
}

// With returns the subject's trials with partner, in order.
func (s *Subject) With(partner string) []Trial {
	var out []Trial
	for _, t := range s.Trials {
		if t.Partner == partner {
			out = append(out, t)
		}
	}
	return out
}

// Stats counts what a Reader has read so far.
type Stats struct {
	Rows          int // data rows read (header excluded), missed rows included
	Subjects      int // subjects returned by Next
	Trials        int // trials in the subjects returned (Rows minus Missed, once done)
	Missed        int // missed trials, skipped
	EmptySubjects int // subjects whose rows were all missed; not returned
	BadRows       int // rows with errors (KeepGoing mode), left out
}

// col is a resolved column: its index in the header (-1 if absent), its
// name, and the role it plays (for messages).
type col struct {
	idx   int
	name  string
	field string
}

func (c col) ok() bool { return c.idx >= 0 }

type missedCol struct {
	col
	values map[string]bool
}

type keyAt struct {
	key  []int
	line int
}

// Reader reads a trust-game CSV file subject by subject, like
// bufio.Scanner: call Next until it returns false, use Subject after each
// true, then check Err. It holds one subject in memory at a time, so the
// rows of each subject must be contiguous in the file; a subject whose rows
// reappear after another subject's is an error.
type Reader struct {
	name string
	spec Spec
	cr   *csv.Reader

	subject                                               []col
	trustee                                               []col // columns.trustee (none: no trustee column)
	order                                                 []col
	partner, trial, endowment, multiplier, sent, returned col
	outcome, offerLow, offerHigh, choice, group           col
	partnerKind                                           col
	missed                                                []missedCol
	outcomes                                              map[string]Outcome
	choices                                               map[string]int // 0 low, 1 high, -1 missed
	outcomeList, choiceList                               string         // for messages
	na                                                    map[string]bool
	endowConst, multConst, honourFrac                     float64
	everyTrial, byPartner                                 bool
	partnerConst                                          string

	pending bool // r.rec is read but not yet used
	rec     []string
	eof     bool
	cur     *Subject
	out     *Subject
	err     error
	done    map[string]int // finished subjects: last line

	// state of the current subject
	curLast   int
	nRows     int
	lastKey   keyAt
	partnerAt map[string]keyAt
	groupLine int

	stats Stats

	keepGoing bool
	stray     []*Error // bad rows outside any subject (KeepGoing)
}

// KeepGoing makes the reader continue past bad rows instead of stopping
// at the first: each bad row is left out and recorded in the Errors of
// its subject, which Next returns like any other (even without a good
// trial). Errors that stop the whole file (a header or CSV syntax the
// reader cannot get past) still end it with Err.
func (r *Reader) KeepGoing() { r.keepGoing = true }

// Stray returns the bad rows that belong to no subject (an empty subject
// value) met so far in KeepGoing mode.
func (r *Reader) Stray() []*Error { return r.stray }

// NewReader reads the header of the CSV data in r and checks that every
// column named by spec is present. name is the file name used in messages.
func NewReader(r io.Reader, name string, spec Spec) (*Reader, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	cr, header, err := openCSV(r, name, spec.Delimiter)
	if err != nil {
		return nil, err
	}
	rd := &Reader{name: name, spec: spec, cr: cr, done: map[string]int{}}
	resolve := func(key, field, column string) (col, error) {
		if column == "" {
			return col{idx: -1}, nil
		}
		idx := -1
		for i, h := range header {
			if h == column {
				if idx >= 0 {
					return col{}, spec.specError(key, "column %q appears twice in the header of %s (columns %d and %d)", column, name, idx+1, i+1)
				}
				idx = i
			}
		}
		if idx < 0 {
			return col{}, spec.specError(key, "column %q is not in the header of %s; the header has: %s", column, name, quoteList(header))
		}
		return col{idx: idx, name: column, field: field}, nil
	}
	c := spec.Columns
	single := []struct {
		dst           *col
		field, column string
	}{
		{&rd.partner, "partner", c.Partner},
		{&rd.trial, "trial", c.Trial},
		{&rd.endowment, "endowment", c.Endowment},
		{&rd.multiplier, "multiplier", c.Multiplier},
		{&rd.sent, "sent", c.Sent},
		{&rd.returned, "returned", c.Returned},
		{&rd.outcome, "outcome", c.Outcome},
		{&rd.offerLow, "offer_low", c.OfferLow},
		{&rd.offerHigh, "offer_high", c.OfferHigh},
		{&rd.choice, "choice", c.Choice},
		{&rd.group, "group", c.Group},
		{&rd.partnerKind, "partner_kind", c.PartnerKind},
	}
	for _, s := range single {
		if *s.dst, err = resolve("columns."+s.field, s.field, s.column); err != nil {
			return nil, err
		}
	}
	// A list of columns (subject, trustee): each at its item's key, one
	// column at the role's key.
	resolveList := func(field string, names ColumnList) ([]col, error) {
		var out []col
		for i, n := range names {
			key := "columns." + field
			if len(names) > 1 {
				key = fmt.Sprintf("columns.%s.%d", field, i)
			}
			cl, err := resolve(key, field, n)
			if err != nil {
				return nil, err
			}
			out = append(out, cl)
		}
		return out, nil
	}
	if rd.subject, err = resolveList("subject", c.Subject); err != nil {
		return nil, err
	}
	if rd.trustee, err = resolveList("trustee", c.Trustee); err != nil {
		return nil, err
	}
	orderKey := "columns.order"
	if len(c.Order) == 0 {
		orderKey = "columns.trial"
	}
	for i, n := range spec.orderColumns() {
		key := orderKey
		if len(c.Order) > 1 {
			key = fmt.Sprintf("columns.order.%d", i)
		}
		field := "order"
		if n == c.Trial {
			field = "trial"
		}
		cl, err := resolve(key, field, n)
		if err != nil {
			return nil, err
		}
		rd.order = append(rd.order, cl)
	}
	for i, m := range spec.Missed {
		cl, err := resolve(fmt.Sprintf("missed.%d.column", i), "missed", strings.TrimSpace(m.Column))
		if err != nil {
			return nil, err
		}
		mc := missedCol{col: cl, values: map[string]bool{}}
		for _, v := range m.Values {
			mc.values[strings.TrimSpace(v)] = true
		}
		rd.missed = append(rd.missed, mc)
	}
	ol := spec.outcomeLabels()
	rd.outcomes = map[string]Outcome{}
	for _, l := range []struct {
		vals []string
		o    Outcome
	}{{ol.Honoured, Honoured}, {ol.Betrayed, Betrayed}, {ol.None, NoOutcome}} {
		for _, v := range l.vals {
			rd.outcomes[strings.TrimSpace(v)] = l.o
		}
	}
	rd.outcomeList = labelList([]string{"honoured", "betrayed", "none"}, ol.Honoured, ol.Betrayed, ol.None)
	cl := spec.choiceLabels()
	rd.choices = map[string]int{}
	for _, l := range []struct {
		vals []string
		i    int
	}{{cl.Low, 0}, {cl.High, 1}, {cl.Missed, -1}} {
		for _, v := range l.vals {
			rd.choices[strings.TrimSpace(v)] = l.i
		}
	}
	rd.choiceList = labelList([]string{"low", "high", "missed"}, cl.Low, cl.High, cl.Missed)
	rd.na = map[string]bool{}
	for _, v := range spec.naValues() {
		rd.na[strings.TrimSpace(v)] = true
	}
	if g := spec.Game.Endowment; g != nil {
		rd.endowConst = *g
	}
	if g := spec.Game.Multiplier; g != nil {
		rd.multConst = *g
	}
	rd.honourFrac = math.NaN()
	if g := spec.Game.ReturnOnHonour; g != nil {
		rd.honourFrac = *g
	}
	rd.everyTrial = spec.Game.Feedback == FeedbackEveryTrial
	rd.byPartner = spec.OrderWithin == OrderWithinPartner
	rd.partnerConst = spec.Game.Partner
	return rd, nil
}

// labelList formats label classes for messages, omitting empty classes:
// "honoured: recip; betrayed: defect".
func labelList(names []string, lists ...[]string) string {
	var parts []string
	for i, l := range lists {
		if len(l) > 0 {
			parts = append(parts, names[i]+": "+quoteList(l))
		}
	}
	return strings.Join(parts, "; ")
}

// ReadAll reads every subject of the CSV data in r.
func ReadAll(r io.Reader, name string, spec Spec) ([]*Subject, Stats, error) {
	rd, err := NewReader(r, name, spec)
	if err != nil {
		return nil, Stats{}, err
	}
	var out []*Subject
	for rd.Next() {
		out = append(out, rd.Subject())
	}
	return out, rd.Stats(), rd.Err()
}

// ReadFile reads every subject of the CSV file at path.
func ReadFile(path string, spec Spec) ([]*Subject, Stats, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, Stats{}, err
	}
	defer f.Close()
	return ReadAll(f, filepath.Base(path), spec)
}

// Next advances to the next subject, which is then available through
// Subject. It returns false at the end of the data or at the first error;
// Err tells which. A subject whose rows were all missed is skipped (and
// counted in Stats.EmptySubjects).
func (r *Reader) Next() bool {
	if r.err != nil {
		return false
	}
	r.out = nil
	for {
		if !r.pending {
			if r.eof {
				return false
			}
			rec, err := r.cr.Read()
			if err == io.EOF {
				r.eof = true
				return r.cur != nil && r.finish()
			}
			if err != nil {
				var pe *csv.ParseError
				if r.keepGoing && errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
					r.stats.Rows++
					r.bad(csvError(err, r.name).(*Error))
					continue
				}
				r.err = csvError(err, r.name)
				return false
			}
			r.rec, r.pending = rec, true
			r.stats.Rows++
		}
		id, err := r.subjectID()
		if err != nil {
			var de *Error
			if r.keepGoing && errors.As(err, &de) {
				r.pending = false
				r.stats.BadRows++
				r.stray = append(r.stray, de)
				continue
			}
			r.err = err
			return false
		}
		if r.cur != nil && id != r.cur.ID {
			if r.finish() {
				return true
			}
			continue
		}
		if r.cur == nil {
			var again *Error
			if last, ok := r.done[id]; ok {
				again = r.errAt(r.subject[0], "subject %q reappears after other subjects (its rows ended on line %d); the rows of one subject must be contiguous: sort the file by subject", id, last)
				if !r.keepGoing {
					r.err = again
					return false
				}
			}
			r.cur = &Subject{ID: id}
			r.nRows, r.lastKey, r.partnerAt, r.groupLine = 0, keyAt{}, map[string]keyAt{}, 0
			if again != nil {
				r.bad(again)
			}
		}
		r.pending = false
		if err := r.row(); err != nil {
			var de *Error
			if r.keepGoing && errors.As(err, &de) {
				r.bad(de)
				continue
			}
			r.err = err
			return false
		}
	}
}

// bad records a bad row of the current subject (KeepGoing); a field-count
// error before any subject starts is stray.
func (r *Reader) bad(e *Error) {
	r.stats.BadRows++
	if r.cur == nil {
		r.stray = append(r.stray, e)
		return
	}
	r.cur.Errors = append(r.cur.Errors, e)
}

// finish closes the current subject; it reports whether it is returned.
func (r *Reader) finish() bool {
	s := r.cur
	r.cur = nil
	r.done[s.ID] = r.curLast
	if len(s.Errors) > 0 {
		r.out = s
		return true
	}
	if len(s.Trials) == 0 {
		r.stats.EmptySubjects++
		return false
	}
	r.stats.Subjects++
	r.stats.Trials += len(s.Trials)
	r.out = s
	return true
}

// Subject returns the subject read by the last call to Next that returned
// true. The Subject is not reused: callers may keep it.
func (r *Reader) Subject() *Subject { return r.out }

// Err returns the first error met, nil at a clean end of the data. Errors
// about the data are *Error values naming file, line, column and field.
func (r *Reader) Err() error { return r.err }

// Stats returns the counts so far; complete once Next has returned false.
func (r *Reader) Stats() Stats { return r.stats }

// MaxLine is the longest line a data or questionnaire file may have
// (1 MiB): a longer one is refused with its line number before it is
// buffered, so a file without line endings cannot exhaust memory.
const MaxLine = 1 << 20

// MaxSpecSize is the largest data spec or questionnaire key (1 MiB).
const MaxSpecSize = 1 << 20

// csvError converts encoding/csv errors into *Error.
func csvError(err error, name string) error {
	var long *bounded.LineTooLongError
	if errors.As(err, &long) {
		return &Error{File: name, Line: long.Line, Msg: fmt.Sprintf("line longer than %s: is this a CSV file with one row per line?", bounded.Bytes(int64(long.Limit)))}
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			msg = "wrong number of fields: every row must have as many fields as the header"
		}
		return &Error{File: name, Line: pe.Line, Column: pe.Column, Msg: msg}
	}
	return &Error{File: name, Msg: err.Error()}
}

func (r *Reader) value(c col) string { return strings.TrimSpace(r.rec[c.idx]) }

// errAt returns an error about column c of the current row.
func (r *Reader) errAt(c col, format string, args ...any) *Error {
	line, column := r.cr.FieldPos(c.idx)
	return &Error{File: r.name, Line: line, Column: column, Field: c.field, Header: c.name, Msg: fmt.Sprintf(format, args...)}
}

func (r *Reader) line() int {
	line, _ := r.cr.FieldPos(0)
	return line
}

func (r *Reader) subjectID() (string, error) { return r.joinedID(r.subject, "subject") }

// joinedID is the value of the columns cols joined with "/"; what names
// the role in the error on an empty value.
func (r *Reader) joinedID(cols []col, what string) (string, error) {
	if len(cols) == 1 {
		v := r.value(cols[0])
		if v == "" {
			return "", r.errAt(cols[0], "empty %s", what)
		}
		return v, nil
	}
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = r.value(c)
		if parts[i] == "" {
			return "", r.errAt(c, "empty %s", what)
		}
	}
	return strings.Join(parts, "/"), nil
}

// number reads a number column; na reports an NA value (x is then NaN).
func (r *Reader) number(c col) (x float64, na bool, err error) {
	v := r.value(c)
	if r.na[v] {
		return math.NaN(), true, nil
	}
	x, perr := strconv.ParseFloat(v, 64)
	if perr != nil {
		return 0, false, r.errAt(c, "value %q is not a number", v)
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, false, r.errAt(c, "value %q is not a finite number", v)
	}
	return x, false, nil
}

// required reads a number column that must be available.
func (r *Reader) required(c col) (float64, error) {
	x, na, err := r.number(c)
	if err != nil {
		return 0, err
	}
	if na {
		return 0, r.errAt(c, "missing value %q on a trial that is not marked missed (mark missed trials with labels.choice.missed or a missed rule)", r.value(c))
	}
	return x, nil
}

// positive reads the number column c, which must be above 0, or gives
// constant when the data has no such column.
func (r *Reader) positive(c col, constant float64) (float64, error) {
	if !c.ok() {
		return constant, nil
	}
	v, err := r.required(c)
	if err != nil {
		return 0, err
	}
	if v <= 0 {
		return 0, r.errAt(c, "value %s out of range (0, inf)", num(v))
	}
	return v, nil
}

// amount reads the number column c, an amount in [0, endowment].
func (r *Reader) amount(c col, endowment float64) (float64, error) {
	v, err := r.required(c)
	if err != nil {
		return 0, err
	}
	if !inRange(v, 0, endowment) {
		return 0, r.errAt(c, "value %s out of range [0, %s] (endowment)", num(v), num(endowment))
	}
	return v, nil
}

// integer reads a whole-number column.
func (r *Reader) integer(c col) (int, error) {
	v := r.value(c)
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || x != math.Trunc(x) || math.Abs(x) > 1<<53 {
		return 0, r.errAt(c, "value %q is not a whole number", v)
	}
	return int(x), nil
}

// inRange checks lo <= x <= hi (with a relative tolerance of 1e-9 at hi).
func inRange(x, lo, hi float64) bool {
	return x >= lo && x <= hi+1e-9*math.Max(1, math.Abs(hi))
}

// isMissed reports whether the current row is a missed trial.
func (r *Reader) isMissed() bool {
	if r.choice.ok() {
		if i, ok := r.choices[r.value(r.choice)]; ok && i < 0 {
			return true
		}
	}
	for _, m := range r.missed {
		if m.values[r.value(m.col)] {
			return true
		}
	}
	return false
}

// checkOrder checks that the order key of the current row comes after the
// previous key in its scope, and records it.
func (r *Reader) checkOrder(partner string, scoped bool) error {
	if len(r.order) == 0 {
		return nil
	}
	key := make([]int, len(r.order))
	for i, c := range r.order {
		k, err := r.integer(c)
		if err != nil {
			return err
		}
		key[i] = k
	}
	prev := r.lastKey
	if scoped {
		prev = r.partnerAt[partner]
	}
	if prev.key != nil {
		blame := len(key) - 1
		after := false
		for i := range key {
			if key[i] != prev.key[i] {
				blame, after = i, key[i] > prev.key[i]
				break
			}
		}
		if !after {
			scope := fmt.Sprintf("subject %q", r.cur.ID)
			if scoped {
				scope = fmt.Sprintf("subject %q, partner %q", r.cur.ID, partner)
			}
			if len(key) == 1 {
				return r.errAt(r.order[blame], "value %d is out of order: it must be greater than %d on line %d (%s)", key[0], prev.key[0], prev.line, scope)
			}
			names := make([]string, len(r.order))
			for i, c := range r.order {
				names[i] = c.name
			}
			return r.errAt(r.order[blame], "value %d is out of order: (%s) = %s must come after %s on line %d (%s)",
				key[blame], strings.Join(names, ", "), intTuple(key), intTuple(prev.key), prev.line, scope)
		}
	}
	k := keyAt{key: key, line: r.line()}
	if scoped {
		r.partnerAt[partner] = k
	} else {
		r.lastKey = k
	}
	return nil
}

func intTuple(k []int) string {
	s := make([]string, len(k))
	for i, v := range k {
		s[i] = strconv.Itoa(v)
	}
	return "(" + strings.Join(s, ", ") + ")"
}

// row parses the current row into a trial of the current subject.
func (r *Reader) row() error {
	line := r.line()
	r.curLast = line
	r.nRows++
	if r.isMissed() {
		r.stats.Missed++
		if !r.byPartner {
			return r.checkOrder("", false)
		}
		return nil
	}
	t := Trial{Line: line, Order: len(r.cur.Trials), Trial: r.nRows, Chosen: -1, Returned: math.NaN()}
	t.Partner = r.partnerConst
	if r.partner.ok() {
		t.Partner = r.value(r.partner)
	}
	if err := r.checkOrder(t.Partner, r.byPartner); err != nil {
		return err
	}
	if r.trial.ok() {
		n, err := r.integer(r.trial)
		if err != nil {
			return err
		}
		t.Trial = n
	}
	if len(r.trustee) > 0 {
		id, err := r.joinedID(r.trustee, "trustee")
		if err != nil {
			return err
		}
		t.Trustee = id
	}
	if r.partnerKind.ok() {
		t.PartnerKind = r.value(r.partnerKind)
		if t.PartnerKind == "" {
			return r.errAt(r.partnerKind, "empty partner kind")
		}
	}
	if r.group.ok() {
		g := r.value(r.group)
		if r.groupLine == 0 {
			r.cur.Group, r.groupLine = g, line
		} else if g != r.cur.Group {
			return r.errAt(r.group, "value %q differs from %q on line %d: the group must not change within subject %q", g, r.cur.Group, r.groupLine, r.cur.ID)
		}
	}
	var err error
	if t.Endowment, err = r.positive(r.endowment, r.endowConst); err != nil {
		return err
	}
	if t.Multiplier, err = r.positive(r.multiplier, r.multConst); err != nil {
		return err
	}
	if r.choice.ok() {
		lo, err := r.amount(r.offerLow, t.Endowment)
		if err != nil {
			return err
		}
		hi, err := r.amount(r.offerHigh, t.Endowment)
		if err != nil {
			return err
		}
		if lo > hi {
			return r.errAt(r.offerLow, "value %s is above offer_high %s", num(lo), num(hi))
		}
		v := r.value(r.choice)
		i, ok := r.choices[v]
		if !ok {
			return r.errAt(r.choice, "value %q is not a choice label (%s)", v, r.choiceList)
		}
		t.Options, t.Chosen = []float64{lo, hi}, i
		t.Sent = t.Options[i]
	}
	if r.sent.ok() {
		s, err := r.amount(r.sent, t.Endowment)
		if err != nil {
			return err
		}
		if t.Options != nil && math.Abs(s-t.Sent) > 1e-9*math.Max(1, t.Sent) {
			return r.errAt(r.sent, "value %s is not the chosen offer: choice %q means %s (offers %s and %s)",
				num(s), r.value(r.choice), num(t.Sent), num(t.Options[0]), num(t.Options[1]))
		}
		t.Sent = s
	}
	if r.outcome.ok() {
		v := r.value(r.outcome)
		o, ok := r.outcomes[v]
		if !ok {
			return r.errAt(r.outcome, "value %q is not an outcome label (%s)", v, r.outcomeList)
		}
		switch {
		case r.everyTrial && o == NoOutcome:
			return r.errAt(r.outcome, "value %q means no outcome, but feedback is every_trial", v)
		case !r.everyTrial && t.Sent > 0 && o == NoOutcome:
			return r.errAt(r.outcome, "value %q means no outcome, but %s was sent and feedback is after_trust", v, num(t.Sent))
		case !r.everyTrial && t.Sent == 0 && o != NoOutcome:
			return r.errAt(r.outcome, "value %q gives an outcome, but nothing was sent and feedback is after_trust (use every_trial if outcomes were shown after zero investments)", v)
		}
		t.Outcome = o
	}
	most := t.Multiplier * t.Sent
	switch {
	case r.returned.ok():
		x, na, err := r.number(r.returned)
		if err != nil {
			return err
		}
		if !na && !inRange(x, 0, most) {
			return r.errAt(r.returned, "value %s out of range [0, %s] (multiplier %s × sent %s)", num(x), num(most), num(t.Multiplier), num(t.Sent))
		}
		t.Returned = x
		if na && t.Sent == 0 {
			t.Returned = 0
		}
	case t.Sent == 0:
		t.Returned = 0
	case t.Outcome == Betrayed:
		t.Returned = 0
	case t.Outcome == Honoured:
		t.Returned = r.honourFrac * most
	}
	r.cur.Trials = append(r.cur.Trials, t)
	return nil
}

// openCSV starts a CSV reader on r with the given delimiter ("" for a
// comma) and reads its header, without a byte-order mark and with the
// column names trimmed.
func openCSV(r io.Reader, name, delimiter string) (*csv.Reader, []string, error) {
	cr := csv.NewReader(bounded.Lines(r, MaxLine))
	if delimiter != "" {
		cr.Comma = []rune(delimiter)[0]
	}
	header, err := cr.Read()
	if err == io.EOF {
		return nil, nil, &Error{File: name, Line: 1, Msg: "empty file: expected a header line naming the columns"}
	}
	if err != nil {
		return nil, nil, csvError(err, name)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	return cr, header, nil
}
