package dataset

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trustlab/trustlab/internal/srcpos"
)

// Error is a problem with one value of an input file: a data row, a data
// spec or a questionnaire key. It prints as
//
//	file:line:column: field "sent" (column "investment"): value 12 out of range [0, 10] (endowment)
//
// Line and Column are 1-based; Column counts bytes, as encoding/csv does.
// Either is omitted from the message when it is 0 (unknown).
type Error struct {
	File   string // file name as given to the reader or parser
	Line   int    // 1-based line, 0 if unknown
	Column int    // 1-based byte column, 0 if unknown
	Field  string // role of the value ("sent", "trial") or spec key ("columns.sent"); may be empty
	Header string // CSV column holding the value, if it differs from Field; may be empty
	Msg    string // what is wrong, with the allowed values or range
}

// Error formats the error as file:line:column: field "f" (column "c"): msg.
func (e *Error) Error() string {
	label := ""
	if e.Field != "" {
		label = fmt.Sprintf("field %q", e.Field)
		if e.Header != "" && e.Header != e.Field {
			label += fmt.Sprintf(" (column %q)", e.Header)
		}
	}
	return srcpos.Format(e.Pos(), label, e.Msg)
}

// Pos returns where the problem is ([srcpos.Positioned]).
func (e *Error) Pos() srcpos.Pos { return srcpos.Pos{File: e.File, Line: e.Line, Column: e.Column} }

// FieldPath returns the role or spec key at fault ("" for none).
func (e *Error) FieldPath() string { return e.Field }

// num formats a number for messages: integers without a decimal point.
func num(x float64) string {
	return fmt.Sprintf("%g", x)
}

// quoteList formats labels for messages: a, b, "" (empty labels quoted).
func quoteList(vals []string) string {
	out := make([]string, len(vals))
	for i, v := range vals {
		if v == "" || strings.TrimSpace(v) != v || strings.ContainsAny(v, ",;") || !printable(v) {
			out[i] = fmt.Sprintf("%q", v)
		} else {
			out[i] = v
		}
	}
	return strings.Join(out, ", ")
}

// printable reports whether s is valid UTF-8 made of printable characters
// (otherwise messages quote it, so that raw bytes are never echoed).
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}
