package srcpos

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Pos is a place in an input file. Line and Column count from 1; 0 means
// unknown (Column counts bytes).
type Pos struct {
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
}

// String formats p as file:line:column, leaving out a zero line (and the
// column with it) and a zero column.
func (p Pos) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(p.Line))
		if p.Column > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(p.Column))
		}
	}
	return b.String()
}

// Format writes a positioned message: "pos: field: msg", where an empty
// position or field is left out with its separator.
func Format(p Pos, field, msg string) string {
	var b strings.Builder
	if s := p.String(); s != "" {
		b.WriteString(s)
		b.WriteString(": ")
	}
	if field != "" {
		b.WriteString(field)
		b.WriteString(": ")
	}
	b.WriteString(msg)
	return b.String()
}

// Error is one problem at one place of an input file: which field (a key
// path such as population.groups[1].share, possibly empty) and what is
// wrong, with the value and what is allowed.
type Error struct {
	File   string
	Line   int // 0 when the problem has no position
	Column int
	Field  string
	Msg    string
}

// Errorf returns an *Error at p.
func Errorf(p Pos, field, format string, a ...any) *Error {
	return &Error{File: p.File, Line: p.Line, Column: p.Column, Field: field, Msg: fmt.Sprintf(format, a...)}
}

// Error formats e as file:line:column: field: msg.
func (e *Error) Error() string { return Format(e.Pos(), e.Field, e.Msg) }

// Pos returns where e is.
func (e *Error) Pos() Pos { return Pos{File: e.File, Line: e.Line, Column: e.Column} }

// FieldPath returns the field e is about ("" for none).
func (e *Error) FieldPath() string { return e.Field }

// Text returns the message without its position: "field: msg".
func (e *Error) Text() string { return Format(Pos{}, e.Field, e.Msg) }

// Positioned is an error that knows its place in an input file and the
// field it is about. *Error implements it, and so do the readers' own
// error types that carry more detail (dataset.Error's CSV column).
type Positioned interface {
	error
	Pos() Pos
	FieldPath() string
}

// As returns the first Positioned error in err's tree (errors.As).
func As(err error) (Positioned, bool) {
	var p Positioned
	if errors.As(err, &p) {
		return p, true
	}
	return nil, false
}

// Text returns the message of a Positioned error without its position:
// its Error() with the leading "pos: " removed.
func Text(p Positioned) string {
	msg := p.Error()
	if s := p.Pos().String(); s != "" {
		msg = strings.TrimPrefix(msg, s+": ")
	}
	return msg
}

// Flatten returns the errors joined in err, recursively (errors.Join, a
// List), in order; err alone when it joins none; nil for nil.
func Flatten(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, Flatten(e)...)
		}
		return out
	}
	return []error{err}
}

// MaxErrors bounds the problems one read of a file reports.
const MaxErrors = 20

// List is the problems of one input file, in order. It prints as their
// messages one a line (as errors.Join does) and unwraps to them.
type List []*Error

func (l List) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap returns the errors of l.
func (l List) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// Err returns l as an error: nil when empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Full reports whether l holds MaxErrors problems (more are dropped).
func (l List) Full() bool { return len(l) >= MaxErrors }

// Add appends e unless l is full.
func (l *List) Add(e *Error) {
	if !l.Full() {
		*l = append(*l, e)
	}
}
