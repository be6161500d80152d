package srcpos

import (
	"errors"
	"fmt"
	"testing"
)

func TestError(t *testing.T) {
	for _, tt := range []struct {
		e    Error
		want string
	}{
		{Error{File: "s.yaml", Line: 3, Column: 7, Field: "steps", Msg: "-1: must be in [1, 10]"}, "s.yaml:3:7: steps: -1: must be in [1, 10]"},
		{Error{File: "s.yaml", Line: 3, Field: "steps", Msg: "bad"}, "s.yaml:3: steps: bad"},
		{Error{File: "s.yaml", Column: 7, Msg: "bad"}, "s.yaml: bad"},
		{Error{File: "s.yaml", Msg: "cannot read"}, "s.yaml: cannot read"},
		{Error{Line: 2, Column: 1, Msg: "bad"}, ":2:1: bad"},
		{Error{Field: "cell a=1", Msg: "bad"}, "cell a=1: bad"},
		{Error{Msg: "bad"}, "bad"},
	} {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.e, got, tt.want)
		}
		if got := Text(&tt.e); got != tt.e.Text() {
			t.Errorf("%+v: Text %q, method %q", tt.e, got, tt.e.Text())
		}
	}
}

func TestList(t *testing.T) {
	var l List
	if l.Err() != nil {
		t.Fatal("empty list is an error")
	}
	for i := range MaxErrors + 5 {
		l.Add(Errorf(Pos{File: "f", Line: i + 1, Column: 1}, "k", "n%d", i))
	}
	if len(l) != MaxErrors || !l.Full() {
		t.Errorf("%d errors kept, want %d", len(l), MaxErrors)
	}
	err := fmt.Errorf("wrapped: %w", l.Err())
	p, ok := As(err)
	if !ok || p.Pos() != (Pos{File: "f", Line: 1, Column: 1}) || p.FieldPath() != "k" {
		t.Errorf("As: %v %v", p, ok)
	}
	if got, want := l[:2].Error(), "f:1:1: k: n0\nf:2:1: k: n1"; got != want {
		t.Errorf("List.Error %q, want %q", got, want)
	}
	if _, ok := As(errors.New("f:1:1: plain")); ok {
		t.Error("a plain error is Positioned")
	}
}

func TestFlatten(t *testing.T) {
	a, b, c := errors.New("a"), errors.New("b"), errors.New("c")
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, "[]"},
		{"one", a, "[a]"},
		{"joined", errors.Join(a, errors.Join(b, c)), "[a b c]"},
		{"list", errors.Join(List{{Msg: "x"}, {Msg: "y"}}, c), "[x y c]"},
	} {
		if got := fmt.Sprint(Flatten(tc.err)); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}
