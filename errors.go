package trustlab

import (
	"errors"
	"fmt"
	"math"

	"github.com/trustlab/trustlab/internal/srcpos"
	"github.com/trustlab/trustlab/model"
)

// Error codes: the kinds of failure the adapters map to their own terms
// (HTTP status codes, exit statuses) in one place each.
const (
	EINVALID      = "invalid"                // bad input: a field outside its range, a malformed body
	ENOTFOUND     = "not_found"              // no such party, run or fit
	ECONFLICT     = "conflict"               // the request contradicts the stored state (idempotency key reused with another body; a run that is not finished)
	EUNAUTHORIZED = "unauthorized"           // missing or wrong credentials
	ETOOLARGE     = "too_large"              // a request body over its limit
	EUNAVAILABLE  = "unavailable"            // this build or configuration lacks the engine for the request
	ELIMIT        = "limit"                  // well-formed, but over a limit of this server or machine (a run too large, a full queue); the message names the limit and how to raise it
	ETOOMANY      = "too_many"               // too many requests of one kind from one client (guessed room codes); try again later
	EMEDIATYPE    = "unsupported_media_type" // a body in a media type the endpoint does not take
	EINTERNAL     = "internal"               // anything else: a bug or an I/O failure
)

// Error is a domain error with a code, the field it is about (if any) and a
// message for the user. Range names the allowed range of Field.
type Error struct {
	Code    string
	Field   string
	Range   string
	Message string
}

func (e *Error) Error() string {
	if e.Field != "" && e.Message != "" {
		return e.Field + ": " + e.Message
	}
	if e.Message != "" {
		return e.Message
	}
	return e.Code
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, a ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, a...)}
}

// FieldErrorf returns an EINVALID *Error about one field.
func FieldErrorf(field, rng, format string, a ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Range: rng, Message: fmt.Sprintf(format, a...)}
}

// ErrorCode returns the code of err: the code of the first *Error in it, or
// EINVALID when it holds a *model.RangeError or *model.NonFiniteError,
// EINTERNAL otherwise and ""
// for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var ie *invalidError
	if errors.As(err, &ie) {
		return EINVALID
	}
	var re *model.RangeError
	if errors.As(err, &re) {
		return EINVALID
	}
	var nf *model.NonFiniteError
	if errors.As(err, &nf) {
		return EINVALID // inputs in range whose result overflows: still the caller's input
	}
	return EINTERNAL
}

// FieldError is one problem with one input field. File, Line and Column
// say where it is when it is about an input file (a scenario, a data
// spec): the editor marks that line.
type FieldError struct {
	Field   string   `json:"field,omitempty"`
	File    string   `json:"file,omitempty"`
	Line    int      `json:"line,omitempty"`
	Column  int      `json:"column,omitempty"`
	Value   *float64 `json:"value,omitempty"`
	Range   string   `json:"range,omitempty"`
	Message string   `json:"message"`
}

// FieldErrors lists every problem joined in err (model range errors,
// *Error values and plain errors), in order, for a response body.
func FieldErrors(err error) []FieldError {
	if err == nil {
		return nil
	}
	var out []FieldError
	for _, e := range srcpos.Flatten(err) {
		var re *model.RangeError
		var te *Error
		pe, positioned := srcpos.As(e)
		switch {
		case errors.As(e, &re):
			v := re.Value
			fe := FieldError{Field: re.Field, Range: re.Range, Message: re.Error()}
			if !isNonFinite(v) {
				fe.Value = &v
			}
			out = append(out, fe)
		case errors.As(e, &te):
			out = append(out, FieldError{Field: te.Field, Range: te.Range, Message: te.Error()})
		case positioned:
			p := pe.Pos()
			out = append(out, FieldError{Field: pe.FieldPath(), File: p.File, Line: p.Line, Column: p.Column, Message: e.Error()})
		default:
			out = append(out, FieldError{Message: e.Error()})
		}
	}
	return out
}

// Invalid marks err (for example the joined range errors of [Decide]) as
// bad input: [ErrorCode] reports EINVALID and [FieldErrors] still lists
// each joined problem.
func Invalid(err error) error {
	if err == nil {
		return nil
	}
	return &invalidError{err}
}

type invalidError struct{ err error }

func (e *invalidError) Error() string   { return e.err.Error() }
func (e *invalidError) Unwrap() []error { return srcpos.Flatten(e.err) }

func isNonFinite(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
