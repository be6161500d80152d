package model

import (
	"fmt"
	"math"
	"strconv"
)

// RangeError reports a value outside its allowed range. Field names the
// parameter as users write it (for example "kappa" or "belief.a").
type RangeError struct {
	Field string
	Value float64
	Range string // the allowed range, for example "(0, 1]"
}

func (e *RangeError) Error() string {
	return fmt.Sprintf("%s = %s: must be in %s", e.Field, formatValue(e.Value), e.Range)
}

// formatValue writes v in its shortest round-trip form (NaN, +Inf and
// -Inf as strconv spells them).
func formatValue(v float64) string {
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// check returns a *RangeError unless lo <= v <= hi (with open ends where
// loOpen or hiOpen) and v is finite.
func check(field string, v, lo, hi float64, loOpen, hiOpen bool) error {
	ok := !math.IsNaN(v) && !math.IsInf(v, 0)
	if ok {
		if loOpen {
			ok = v > lo
		} else {
			ok = v >= lo
		}
	}
	if ok {
		if hiOpen {
			ok = v < hi
		} else {
			ok = v <= hi
		}
	}
	if ok {
		return nil
	}
	return &RangeError{Field: field, Value: v, Range: interval(lo, hi, loOpen, hiOpen)}
}

func interval(lo, hi float64, loOpen, hiOpen bool) string {
	l, r := "[", "]"
	if loOpen {
		l = "("
	}
	if hiOpen {
		r = ")"
	}
	hs := formatValue(hi)
	if math.IsInf(hi, 1) {
		hs, r = "inf", ")"
	}
	ls := formatValue(lo)
	if math.IsInf(lo, -1) {
		ls, l = "-inf", "("
	}
	return l + ls + ", " + hs + r
}

var inf = math.Inf(1)

// nonNegative checks v in [0, inf).
func nonNegative(field string, v float64) error { return check(field, v, 0, inf, false, true) }

// positive checks v in (0, inf).
func positive(field string, v float64) error { return check(field, v, 0, inf, true, true) }

// real checks that v is finite.
func real(field string, v float64) error { return check(field, v, math.Inf(-1), inf, true, true) }

// unit checks v in [0, 1].
func unit(field string, v float64) error { return check(field, v, 0, 1, false, false) }

// NonFiniteError reports a result that is not a finite number although
// every input is in its range: an overflow, for stakes so large that
// lambda x (1 - p) x loss or p x gain exceeds the float64 range. Inputs
// names the inputs that produced it, as users write them.
type NonFiniteError struct {
	Quantity string  // the result, e.g. "risk" or "balance"
	Value    float64 // +Inf, -Inf or NaN
	Inputs   string  // e.g. "gain = 1e+308, loss = 1e+308, trait = 0, p = 0.5"
}

func (e *NonFiniteError) Error() string {
	return fmt.Sprintf("%s = %s is not a finite number for %s: the stakes are too large for float64 arithmetic; gain, loss, outside and the control costs are in any unit, so scale them down",
		e.Quantity, formatValue(e.Value), e.Inputs)
}
