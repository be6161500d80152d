package outdir

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func write(t *testing.T, dir, name, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	n, err := readNames(dir)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestBegin(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, final string) // prepares final (absent if nil)
		force   bool
		wantErr any // nil, *ExistsError or *CutOffError
	}{
		{name: "absent", setup: nil},
		{name: "absent, nested parents", setup: func(t *testing.T, final string) {}},
		{name: "empty folder", setup: func(t *testing.T, final string) { os.Mkdir(final, 0o755) }},
		{name: "previous output", setup: func(t *testing.T, final string) {
			os.Mkdir(final, 0o755)
			write(t, final, Marker, "{}")
		}, wantErr: &ExistsError{}},
		{name: "previous output, force", force: true, setup: func(t *testing.T, final string) {
			os.Mkdir(final, 0o755)
			write(t, final, Marker, "{}")
			write(t, final, "stale.png", "x")
		}},
		{name: "other files", setup: func(t *testing.T, final string) {
			os.Mkdir(final, 0o755)
			write(t, final, "notes.txt", "mine")
		}, wantErr: &ExistsError{}},
		{name: "other files, force refused", force: true, setup: func(t *testing.T, final string) {
			os.Mkdir(final, 0o755)
			write(t, final, "notes.txt", "mine")
		}, wantErr: &ExistsError{}},
		{name: "a file", force: true, setup: func(t *testing.T, final string) {
			os.WriteFile(final, []byte("x"), 0o644)
		}, wantErr: &ExistsError{}},
		{name: "cut off", setup: func(t *testing.T, final string) {
			os.Mkdir(filepath.Join(filepath.Dir(final), ".out.partial-123"), 0o755)
		}, wantErr: &CutOffError{}},
		{name: "cut off, force", force: true, setup: func(t *testing.T, final string) {
			os.Mkdir(filepath.Join(filepath.Dir(final), ".out.partial-123"), 0o755)
			os.Mkdir(filepath.Join(filepath.Dir(final), ".out.old-123"), 0o755)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			final := filepath.Join(t.TempDir(), "out")
			if tt.name == "absent, nested parents" {
				final = filepath.Join(t.TempDir(), "a", "b", "out")
			}
			if tt.setup != nil {
				tt.setup(t, final)
			}
			before, _ := os.ReadFile(filepath.Join(final, "notes.txt"))
			d, err := Begin(final, tt.force)
			switch want := tt.wantErr.(type) {
			case nil:
				if err != nil {
					t.Fatalf("Begin: %v", err)
				}
			case *ExistsError:
				var e *ExistsError
				if !errors.As(err, &e) {
					t.Fatalf("Begin: got %v, want an ExistsError", err)
				}
				if after, _ := os.ReadFile(filepath.Join(final, "notes.txt")); string(after) != string(before) {
					t.Fatalf("refused Begin changed the folder")
				}
				return
			case *CutOffError:
				var e *CutOffError
				if !errors.As(err, &e) || len(e.Partial) != 1 {
					t.Fatalf("Begin: got %v, want a CutOffError with one partial folder", err)
				}
				_ = want
				return
			}
			write(t, d.Path(), "a.csv", "new")
			if err := d.Commit(); err != nil {
				t.Fatalf("Commit: %v", err)
			}
			if got := names(t, final); !slices.Equal(got, []string{"a.csv"}) {
				t.Errorf("after Commit %s holds %v, want [a.csv]", final, got)
			}
			if got := names(t, filepath.Dir(final)); !slices.Equal(got, []string{"out"}) {
				t.Errorf("after Commit the parent holds %v, want [out]", got)
			}
			if err := d.Abort(); err != nil {
				t.Errorf("Abort after Commit: %v", err)
			}
			if _, err := os.Stat(filepath.Join(final, "a.csv")); err != nil {
				t.Errorf("Abort after Commit removed the outputs: %v", err)
			}
		})
	}
}

// TestAbortKeepsPrevious: a failed write (Abort) leaves the previous output
// exactly as it was and no temporary folder behind.
func TestAbortKeepsPrevious(t *testing.T) {
	parent := t.TempDir()
	final := filepath.Join(parent, "out")
	os.Mkdir(final, 0o755)
	write(t, final, Marker, "old")
	d, err := Begin(final, true)
	if err != nil {
		t.Fatal(err)
	}
	write(t, d.Path(), Marker, "new, half written")
	if err := d.Abort(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(final, Marker)); string(b) != "old" {
		t.Errorf("after Abort manifest = %q, want the old one", b)
	}
	if got := names(t, parent); !slices.Equal(got, []string{"out"}) {
		t.Errorf("after Abort the parent holds %v, want [out]", got)
	}
}

// TestCutOff: a writer that dies before Commit leaves its temporary folder;
// the next Begin says so, and Leftovers lists it.
func TestCutOff(t *testing.T) {
	final := filepath.Join(t.TempDir(), "out")
	d, err := Begin(final, false)
	if err != nil {
		t.Fatal(err)
	}
	write(t, d.Path(), "steps.csv", "1,2\n3,")
	// The process "dies": no Commit, no Abort.
	_, err = Begin(final, false)
	var cut *CutOffError
	if !errors.As(err, &cut) || len(cut.Partial) != 1 || cut.Partial[0] != d.Path() {
		t.Fatalf("second Begin: got %v, want a CutOffError naming %s", err, d.Path())
	}
	left, err := Leftovers(final)
	if err != nil || len(left) != 1 {
		t.Fatalf("Leftovers = %v, %v", left, err)
	}
	d2, err := Begin(final, true)
	if err != nil {
		t.Fatalf("Begin with force: %v", err)
	}
	defer d2.Abort()
	if left, _ := Leftovers(final); len(left) != 1 || left[0] != d2.Path() {
		t.Errorf("after Begin with force, leftovers %v, want only the new temporary folder", left)
	}
}

func TestBadNames(t *testing.T) {
	for _, name := range []string{"", ".", "/", ".."} {
		if _, err := Begin(name, true); err == nil {
			t.Errorf("Begin(%q) succeeded", name)
		}
	}
}

func TestGlobEscape(t *testing.T) {
	parent := t.TempDir()
	final := filepath.Join(parent, "a[1]*")
	d, err := Begin(final, false)
	if err != nil {
		t.Fatal(err)
	}
	if left, _ := Leftovers(final); len(left) != 1 || left[0] != d.Path() {
		t.Errorf("Leftovers(%q) = %v, want [%s]", final, left, d.Path())
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
}

// TestKeep: Keep leaves the temporary folder and the previous output; the
// next Begin reports the kept folder as cut off.
func TestKeep(t *testing.T) {
	final := filepath.Join(t.TempDir(), "out")
	os.Mkdir(final, 0o755)
	write(t, final, Marker, "old")
	d, err := Begin(final, true)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Replaces() {
		t.Error("Replaces = false with a previous output")
	}
	d.Keep()
	if err := d.Abort(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(d.Path()); err != nil {
		t.Errorf("Keep then Abort removed the temporary folder: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(final, Marker)); string(b) != "old" {
		t.Errorf("previous output changed: %q", b)
	}
	var cut *CutOffError
	if _, err := Begin(final, false); !errors.As(err, &cut) {
		t.Errorf("Begin after Keep: %v, want a CutOffError", err)
	}
}
