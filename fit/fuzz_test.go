package fit

import (
	"strings"
	"testing"
)

func TestParseFix(t *testing.T) {
	tests := []struct {
		in   string
		want Fixed
		err  string
	}{
		{in: "gamma=1", want: Fixed{Gamma: 1}},
		{in: "gamma=1, w-plus = 0.5,phi=10", want: Fixed{Gamma: 1, WPlus: 0.5, Phi: 10}},
		{in: "tau=0", want: Fixed{Tau: 0}},
		{in: "gamma=0", err: "gamma = 0: must be in (0, 1]"},
		{in: "tau=1.5", err: "tau = 1.5: must be in [0, 1]"},
		{in: "beta=NaN", err: "beta = NaN: must be in [0, 1e4]"},
		{in: "phi=x", err: `phi = "x": not a number`},
		{in: "gamma", err: `"gamma": want name=value`},
		{in: "base=0.5", err: `unknown parameter "base"`},
		{in: "", err: "empty: give name=value"},
	}
	for _, tc := range tests {
		got := Fixed{}
		err := ParseFix(got, tc.in)
		if err != nil && strings.Contains(err.Error(), "--") {
			t.Errorf("ParseFix(%q) error %q names a flag: the CLI does", tc.in, err)
		}
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseFix(%q) error = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got.String() != tc.want.String() {
			t.Errorf("ParseFix(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

// FuzzParseFix: any input either parses into valid model values that
// round-trip through Fixed.String, or gives an error; never a panic.
func FuzzParseFix(f *testing.F) {
	for _, s := range []string{"gamma=1", "tau=0.3,beta=5", "w_minus=2,w-plus=1", "x", "=", ",", "phi=1e400", "n0=-0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fixed{}
		if err := ParseFix(got, s); err != nil {
			return
		}
		for p, x := range got {
			if err := CheckValue(p, x); err != nil {
				t.Fatalf("ParseFix(%q) accepted %v = %g: %v", s, p, x, err)
			}
		}
		again := Fixed{}
		if err := ParseFix(again, got.String()); err != nil || again.String() != got.String() {
			t.Fatalf("round trip of %q: %q -> %v, %v", s, got.String(), again, err)
		}
	})
}

// FuzzParseRange: never a panic; accepted ranges are ordered and valid.
func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"beta=2:10", "tau=0.2:0.8", "gamma=0:1", "x=1:2", "phi=:", "w_plus=0.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := map[Param]Range{}
		if err := ParseRange(got, s); err != nil {
			return
		}
		for p, r := range got {
			if !(r.Lo <= r.Hi) || CheckValue(p, r.Lo) != nil || CheckValue(p, r.Hi) != nil || (r.Log && r.Lo <= 0) {
				t.Fatalf("ParseRange(%q) accepted %v %v", s, p, r)
			}
		}
	})
}
