package yamlx

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/trustlab/trustlab/internal/srcpos"
)

// walk parses src and reads it as {n: number in [0, 1], k: whole number
// in [1, 5], s: one of a, b, t: bool, m: {x: string}} with file: refused.
func walk(src string) (got map[string]any, err error) {
	root, err := Parse([]byte(src), "f.yaml")
	if err != nil || root == nil {
		return nil, err
	}
	w := &Walker{File: "f.yaml", Refuse: map[string]string{"file": "files are not allowed here"}}
	got = map[string]any{}
	f := w.Mapping(root, "", "n", "k", "s", "t", "m")
	var n float64
	var k int
	var s, x string
	var t bool
	if w.Float(f, "n", &n, 0, 1, false, false) {
		got["n"] = n
	}
	if w.Int(f, "k", &k, 1, 5, "") {
		got["k"] = k
	}
	if w.Str(f, "s", &s, "a", "b") {
		got["s"] = s
	}
	if w.Bool(f, "t", &t) {
		got["t"] = t
	}
	if m := f.Get("m"); m != nil {
		mf := w.Mapping(m, f.Sub("m"), "x")
		if w.Str(mf, "x", &x) {
			got["m.x"] = x
		}
	}
	return got, w.Err()
}

func TestWalker(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"ok", "n: 0.5\nk: 3\ns: a\nt: true\nm: {x: y}\n", ""},
		{"alias", "m: &m {x: y}\nn: 1\n", ""},
		{"number range", "n: 1.5\n", "f.yaml:1:4: n: 1.5: must be in [0, 1]"},
		{"not a number", "n: lots\n", `f.yaml:1:4: n: "lots": must be a number in [0, 1]`},
		{"nan", "n: .nan\n", "f.yaml:1:4: n: .nan: must be in [0, 1]"},
		{"whole", "k: 2.5\n", "f.yaml:1:4: k: 2.5: must be a whole number in [1, 5]"},
		{"choice", "s: c\n", `f.yaml:1:4: s: "c": must be one of a, b`},
		{"bool", "t: yes please\n", `f.yaml:1:4: t: "yes please": must be true or false`},
		{"unknown key", "q: 1\n", "f.yaml:1:1: q: unknown key; allowed keys here: n, k, s, t, m"},
		{"duplicate key", "n: 0\nn: 1\n", "f.yaml:2:1: n: duplicate key (first on line 1)"},
		{"nested", "m: {x: [1]}\n", "f.yaml:1:8: m.x: a list: must be a string"},
		{"not a mapping", "m: 3\n", `f.yaml:1:4: m: "3": must be a mapping with keys x`},
		{"refused", "m: {file: a}\n", "f.yaml:1:5: m.file: files are not allowed here"},
		{"refused below unknown", "q: {r: [{file: a}]}\n", "f.yaml:1:1: q: unknown key; allowed keys here: n, k, s, t, m\nf.yaml:1:10: q.r[0].file: files are not allowed here"},
		{"several", "n: 2\nk: 0\ns: c\n", "f.yaml:1:4: n: 2: must be in [0, 1]\nf.yaml:2:4: k: 0: must be a whole number in [1, 5]\nf.yaml:3:4: s: \"c\": must be one of a, b"},
		{"syntax", "n: [\n", "f.yaml:1: YAML syntax: did not find expected node content"},
		{"two documents", "n: 1\n---\nn: 2\n", "f.yaml:2:1: a second YAML document (after ---) is not allowed: a file holds one YAML document"},
		{"empty", "", ""},
		{"bom", "\xef\xbb\xbfn: 1\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := walk(tc.src)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("error\n  %s\nwant\n  %s", got, tc.want)
			}
			if err != nil {
				if _, ok := srcpos.As(err); !ok {
					t.Errorf("error %T is not positioned", err)
				}
			}
		})
	}
}

func TestErrorsCapped(t *testing.T) {
	src := strings.Repeat("q: 1\n", 50)
	_, err := walk(src)
	var l srcpos.List
	if !errors.As(err, &l) || len(l) != srcpos.MaxErrors {
		t.Errorf("%d errors, want %d", len(l), srcpos.MaxErrors)
	}
}

func TestParseMapping(t *testing.T) {
	for src, want := range map[string]string{
		"a: 1\n":      "",
		"":            "f.yaml: empty file: expected a YAML mapping of keys",
		"# nothing\n": "f.yaml: empty file: expected a YAML mapping of keys",
		"- a\n":       "f.yaml:1:1: expected a YAML mapping of keys (key: value lines)",
		"\n  hello\n": "f.yaml:2:3: expected a YAML mapping of keys (key: value lines)",
		"a: [\n":      "f.yaml:1: YAML syntax: did not find expected node content",
	} {
		root, err := ParseMapping([]byte(src), "f.yaml")
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != want || (err == nil) != (root != nil) {
			t.Errorf("%q: error\n  %s\nwant\n  %s", src, got, want)
		}
	}
}

// Positions name where each key was written; a key not written is at
// its nearest written parent.
func TestIndex(t *testing.T) {
	root, err := Parse([]byte("game:\n  rounds: 5\nbots:\n  - {count: 2}\n  - name: b\n"), "f.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p := Index(root)
	for path, want := range map[string]string{
		"game": "1:1", "game.rounds": "2:3", "game.kind": "1:1",
		"bots.0": "4:5", "bots.0.count": "4:6", "bots.1.name": "5:5", "bots.1.delay": "5:5",
		"timing.round_timeout": "0:0",
	} {
		if l, c := p.At(path); fmt.Sprintf("%d:%d", l, c) != want {
			t.Errorf("At(%q) = %d:%d, want %s", path, l, c, want)
		}
	}
}

func TestInterval(t *testing.T) {
	for _, tc := range []struct {
		lo, hi         float64
		loOpen, hiOpen bool
		want           string
	}{
		{0, 1, false, false, "[0, 1]"},
		{0, 1e6, true, false, "(0, 1e+06]"},
		{0, math.Inf(1), false, true, "[0, inf)"},
		{math.Inf(-1), 0, false, false, "(-inf, 0]"},
	} {
		if got := Interval(tc.lo, tc.hi, tc.loOpen, tc.hiOpen); got != tc.want {
			t.Errorf("Interval(%v, %v) = %s, want %s", tc.lo, tc.hi, got, tc.want)
		}
	}
}

// FuzzWalker: any input gives a value or positioned errors, never a panic,
// and never more than srcpos.MaxErrors of them.
func FuzzWalker(f *testing.F) {
	for _, s := range []string{"n: 0.5\nk: 3\ns: a\nt: true\nm: {x: y}\n", "m: &a {x: *a}\n", "q: {file: 1}\n", "n: [\n", "- 1\n", "a: &a [*a]\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		_, err := walk(string(src))
		if err == nil {
			return
		}
		if _, ok := srcpos.As(err); !ok {
			t.Fatalf("error %T is not positioned: %v", err, err)
		}
		var l srcpos.List
		if errors.As(err, &l) && len(l) > srcpos.MaxErrors {
			t.Fatalf("%d errors", len(l))
		}
	})
}
