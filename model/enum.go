package model

import (
	"fmt"
	"strings"
)

// The names of the enumerations' values, in the order of their values.
var (
	actNames      = []string{"abstain", "trust", "control"}
	kindNames     = []string{"distrust", "trust", "control", "certainty"}
	gameNames     = []string{"binary", "investment"}
	feedbackNames = []string{"own", "full", "social"}
)

// enumString names v, a value of an enumeration whose values 0, 1, ...
// are named names; a value outside them is typ(v), "Game(7)".
func enumString[T ~int](v T, typ string, names []string) string {
	if v >= 0 && int(v) < len(names) {
		return names[v]
	}
	return fmt.Sprintf("%s(%d)", typ, int(v))
}

// parseEnum parses one of names (names[i] is value i); "" is the first
// value where emptyIsFirst. key names the setting in the error.
func parseEnum[T ~int](key, s string, emptyIsFirst bool, names []string) (T, error) {
	if s == "" && emptyIsFirst {
		return 0, nil
	}
	for i, n := range names {
		if s == n {
			return T(i), nil
		}
	}
	return 0, fmt.Errorf("%s = %q: must be one of %s", key, s, strings.Join(names, ", "))
}
