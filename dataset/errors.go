package dataset

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
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
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Field != "" {
		fmt.Fprintf(&b, "field %q", e.Field)
		if e.Header != "" && e.Header != e.Field {
			fmt.Fprintf(&b, " (column %q)", e.Header)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

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
