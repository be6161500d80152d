package sweep

import (
	"fmt"

	"github.com/trustlab/trustlab/internal/srcpos"
)

// Error is a problem with a sweep file, a scenario value it sets, a shard
// specification or an output directory: the positioned error of every
// trustlab input file ([srcpos.Error]). It prints as
//
//	sweep.yaml:12:7: axis "population.groups.exploiter.share": no item named "exploitr" in population.groups (items: cooperator, exploiter)
//
// Line and Column are 1-based and omitted when 0 (unknown); Field is the
// sweep key or scenario path at fault ("replications", "axes[1]" or an
// axis path) and may be empty.
type Error = srcpos.Error

func errorf(file string, line, col int, path, format string, a ...any) *Error {
	return &Error{File: file, Line: line, Column: col, Field: path, Msg: fmt.Sprintf(format, a...)}
}
