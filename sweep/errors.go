package sweep

import (
	"fmt"
	"strings"
)

// Error is a problem with a sweep file, a scenario value it sets, a shard
// specification or an output directory. It prints as
//
//	sweep.yaml:12:7: axis "population.groups.exploiter.share": no item named "exploitr" in population.groups (items: cooperator, exploiter)
//
// Line and Column are 1-based and omitted when 0 (unknown).
type Error struct {
	File   string // the file at fault: a sweep file, a cell file, sweep.json
	Line   int    // 1-based line, 0 if unknown
	Column int    // 1-based column, 0 if unknown
	Path   string // the sweep key or scenario path at fault ("replications", "axes[1]" or an axis path); may be empty
	Msg    string // what is wrong, with the allowed values or range
}

// Error formats the error as file:line:col: path: msg.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	if e.File != "" || e.Line > 0 {
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

func errorf(file string, line, col int, path, format string, a ...any) *Error {
	return &Error{File: file, Line: line, Column: col, Path: path, Msg: fmt.Sprintf(format, a...)}
}
