package bounded

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		size    int
		limit   int64
		tooLong bool
	}{
		{"empty", 0, 10, false},
		{"at the cap", 10, 10, false},
		{"one over", 11, 10, true},
		{"far over", 1 << 20, 10, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name)
			os.WriteFile(path, []byte(strings.Repeat("x", tt.size)), 0o644)
			b, err := ReadFile(path, tt.limit)
			var tl *TooLargeError
			if tt.tooLong {
				if !errors.As(err, &tl) || tl.Size != int64(tt.size) || !strings.Contains(err.Error(), path) {
					t.Fatalf("got %v, want a TooLargeError naming %s and its size", err, path)
				}
				return
			}
			if err != nil || len(b) != tt.size {
				t.Fatalf("got %d bytes, %v", len(b), err)
			}
		})
	}
	if _, err := ReadFile(filepath.Join(dir, "missing"), 10); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestReadAll(t *testing.T) {
	tests := []struct {
		in      string
		limit   int64
		tooLong bool
	}{
		{"", 0, false},
		{"abc", 3, false},
		{"abcd", 3, true},
	}
	for _, tt := range tests {
		b, err := ReadAll(strings.NewReader(tt.in), "standard input", tt.limit)
		var tl *TooLargeError
		if tt.tooLong != errors.As(err, &tl) {
			t.Errorf("ReadAll(%q, %d) error = %v", tt.in, tt.limit, err)
		}
		if !tt.tooLong && string(b) != tt.in {
			t.Errorf("ReadAll(%q) = %q", tt.in, b)
		}
		if tt.tooLong && err.Error() != "standard input: larger than the 3 bytes allowed" {
			t.Errorf("message %q", err)
		}
	}
}

func TestBytes(t *testing.T) {
	for _, tt := range []struct {
		n    int64
		want string
	}{{0, "0 bytes"}, {1023, "1023 bytes"}, {1024, "1 KiB"}, {4 << 20, "4 MiB"}, {3 << 29, "1.5 GiB"}} {
		if got := Bytes(tt.n); got != tt.want {
			t.Errorf("Bytes(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestTrimBOM(t *testing.T) {
	if got := string(TrimBOM([]byte("\xef\xbb\xbfa: 1"))); got != "a: 1" {
		t.Errorf("TrimBOM = %q", got)
	}
	if got := string(TrimBOM([]byte("a: 1"))); got != "a: 1" {
		t.Errorf("TrimBOM = %q", got)
	}
}

func TestLines(t *testing.T) {
	tests := []struct {
		in       string
		max      int
		wantLine int // 0: no error
	}{
		{"", 3, 0},
		{"abc\nabc\n", 3, 0},
		{"abc\nabc", 3, 0},
		{"abcd\n", 3, 1},
		{"ab\nabc\nabcd", 3, 3},
		{strings.Repeat("x", 1<<16), 1 << 10, 1},
	}
	for _, tt := range tests {
		b, err := io.ReadAll(Lines(iotest.OneByteReader(strings.NewReader(tt.in)), tt.max))
		b2, err2 := io.ReadAll(Lines(strings.NewReader(tt.in), tt.max))
		for _, e := range []error{err, err2} {
			var ll *LineTooLongError
			switch {
			case tt.wantLine == 0 && e != nil:
				t.Errorf("Lines(%.20q, %d): %v", tt.in, tt.max, e)
			case tt.wantLine > 0 && (!errors.As(e, &ll) || ll.Line != tt.wantLine):
				t.Errorf("Lines(%.20q, %d): error %v, want line %d too long", tt.in, tt.max, e, tt.wantLine)
			}
		}
		if tt.wantLine == 0 && (string(b) != tt.in || string(b2) != tt.in) {
			t.Errorf("Lines(%.20q) passed %q", tt.in, b)
		}
	}
}

// FuzzLines: a Lines reader passes its input through unchanged when no
// line is longer than the cap, and fails otherwise, at the first long line.
func FuzzLines(f *testing.F) {
	f.Add("ab\ncd\n", 2)
	f.Add("abc", 2)
	f.Add("\n\n\nabcdef", 3)
	f.Fuzz(func(t *testing.T, in string, max int) {
		if max < 0 || max > 1<<10 {
			return
		}
		got, err := io.ReadAll(Lines(strings.NewReader(in), max))
		want := 0
		for i, line := range strings.Split(in, "\n") {
			if len(line) > max {
				want = i + 1
				break
			}
		}
		var ll *LineTooLongError
		switch {
		case want == 0 && (err != nil || string(got) != in):
			t.Fatalf("Lines(%q, %d) = %q, %v", in, max, got, err)
		case want > 0 && (!errors.As(err, &ll) || ll.Line != want):
			t.Fatalf("Lines(%q, %d): error %v, want line %d", in, max, err, want)
		}
	})
}
