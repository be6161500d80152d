package outdir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Marker is the file whose presence shows that a folder is a trustlab
// output (runs and fits both write it). Begin with force replaces only an
// empty folder or one that holds Marker, so a mistyped --out (say, the home
// folder) is never wiped.
const Marker = "manifest.json"

// partialInfix and oldInfix name the temporary siblings: ".NAME.partial-*"
// while the new folder is written, ".NAME.old-*" for a moment during Commit.
const (
	partialInfix = ".partial-"
	oldInfix     = ".old-"
)

// ExistsError is returned by Begin when the output folder already holds
// files and force is not set, or when it cannot be replaced even with force.
type ExistsError struct {
	Path   string // the output folder
	Reason string // what is there, e.g. "already holds an output (manifest.json)"
	Force  bool   // whether force was set
	Output bool   // whether the folder holds Marker (a previous output)
}

func (e *ExistsError) Error() string {
	switch {
	case e.Output:
		return fmt.Sprintf("%s %s; use --force to replace it", e.Path, e.Reason)
	case e.Reason == notFolder:
		return fmt.Sprintf("%s %s; choose a folder", e.Path, e.Reason)
	}
	return fmt.Sprintf("%s %s and no %s, so it is not a trustlab output and --force will not replace it; choose another folder or empty it", e.Path, e.Reason, Marker)
}

// notFolder is the Reason of an ExistsError for a path that is a file.
const notFolder = "exists and is not a folder"

// CutOffError is returned by Begin when an earlier attempt to write the
// output folder was cut off (the process was killed before Commit) and
// force is not set. Partial lists the temporary folders it left.
type CutOffError struct {
	Path    string   // the output folder
	Partial []string // the leftover temporary folders, oldest name first
}

func (e *CutOffError) Error() string {
	return fmt.Sprintf("an earlier attempt to write %s was cut off before it finished; its partial outputs are in %s (look at them, delete them, or use --force to start over)",
		e.Path, strings.Join(e.Partial, ", "))
}

// Dir is an output folder being written. Write into Path, then Commit or
// Abort. The zero value is not usable; call Begin.
type Dir struct {
	final string
	tmp   string
	done  bool
}

// Begin starts writing the output folder final. It creates the parent
// folders and a temporary sibling folder to write into. Without force it
// refuses a final that exists and is not empty (*ExistsError), and reports
// the leftovers of an attempt that was cut off (*CutOffError). With force
// it removes those leftovers and Commit replaces final, provided final is
// empty or holds Marker. A final that exists and is not a folder is always
// refused.
func Begin(final string, force bool) (*Dir, error) {
	if final == "" {
		return nil, errors.New("outdir: empty folder name")
	}
	final = filepath.Clean(final)
	base := filepath.Base(final)
	if base == "." || base == ".." || base == string(filepath.Separator) {
		return nil, fmt.Errorf("%s: name a folder to create, not %q", final, base)
	}
	left, err := Leftovers(final)
	if err != nil {
		return nil, err
	}
	if len(left) > 0 && !force {
		return nil, &CutOffError{Path: final, Partial: left}
	}
	st, err := os.Stat(final)
	switch {
	case err == nil && !st.IsDir():
		return nil, &ExistsError{Path: final, Reason: notFolder, Force: force}
	case err == nil:
		names, err := readNames(final)
		if err != nil {
			return nil, err
		}
		if len(names) > 0 {
			marked := false
			for _, n := range names {
				marked = marked || n == Marker
			}
			reason := fmt.Sprintf("already holds %d files (%s)", len(names), summary(names))
			if len(names) == 1 {
				reason = fmt.Sprintf("already holds a file (%s)", names[0])
			}
			if marked {
				reason = "already holds an output (" + Marker + ")"
			}
			if !force || !marked {
				return nil, &ExistsError{Path: final, Reason: reason, Force: force, Output: marked}
			}
		}
	case errors.Is(err, os.ErrNotExist):
	default:
		return nil, err
	}
	parent := filepath.Dir(final)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	for _, l := range left { // force: start over
		if err := os.RemoveAll(l); err != nil {
			return nil, err
		}
	}
	tmp, err := os.MkdirTemp(parent, "."+base+partialInfix+"*")
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	return &Dir{final: final, tmp: tmp}, nil
}

// Leftovers lists the temporary folders that unfinished writes of final
// left beside it (".NAME.partial-*" and ".NAME.old-*"), sorted by name.
func Leftovers(final string) ([]string, error) {
	final = filepath.Clean(final)
	parent, base := filepath.Dir(final), filepath.Base(final)
	var out []string
	for _, infix := range []string{partialInfix, oldInfix} {
		m, err := filepath.Glob(filepath.Join(parent, globEscape("."+base+infix)+"*"))
		if err != nil {
			return nil, err
		}
		out = append(out, m...)
	}
	return out, nil
}

// Path is the temporary folder to write the outputs into.
func (d *Dir) Path() string { return d.tmp }

// Final is the output folder that Commit fills.
func (d *Dir) Final() string { return d.final }

// Commit renames the temporary folder into place, replacing the previous
// output folder (if any) only now. After Commit, Path's files are in Final.
func (d *Dir) Commit() error {
	if d.done {
		return errors.New("outdir: Commit after Commit or Abort")
	}
	var old string
	if _, err := os.Lstat(d.final); err == nil {
		base := filepath.Base(d.final)
		suffix := strings.TrimPrefix(filepath.Base(d.tmp), "."+base+partialInfix)
		old = filepath.Join(filepath.Dir(d.tmp), "."+base+oldInfix+suffix)
		if err := os.Rename(d.final, old); err != nil {
			return fmt.Errorf("replacing %s: %w", d.final, err)
		}
	}
	if err := os.Rename(d.tmp, d.final); err != nil {
		if old != "" {
			os.Rename(old, d.final) // put the previous folder back
		}
		return fmt.Errorf("moving the outputs into %s: %w (they are in %s)", d.final, err, d.tmp)
	}
	d.done = true
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("removing the previous %s (now %s): %w", d.final, old, err)
		}
	}
	return nil
}

// Replaces reports whether Commit would replace an existing output folder
// (one given with force, or an empty folder).
func (d *Dir) Replaces() bool {
	_, err := os.Lstat(d.final)
	return err == nil
}

// Keep leaves the temporary folder where it is, not committed, for the
// user to look at (for example the partial outputs of an interrupted run
// that should not replace a previous one); the next Begin into Final
// reports it as cut off. Abort and Commit do nothing after Keep.
func (d *Dir) Keep() {
	d.done = true
}

// Abort removes the temporary folder and leaves the output folder as it
// was. It does nothing after Commit, so `defer d.Abort()` is safe.
func (d *Dir) Abort() error {
	if d == nil || d.done {
		return nil
	}
	d.done = true
	return os.RemoveAll(d.tmp)
}

func readNames(dir string) ([]string, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	slices.Sort(names)
	return names, err
}

// summary names up to three of names.
func summary(names []string) string {
	if len(names) > 3 {
		return strings.Join(names[:3], ", ") + ", ..."
	}
	return strings.Join(names, ", ")
}

// globEscape escapes the glob metacharacters of s.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
