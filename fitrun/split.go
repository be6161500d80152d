package fitrun

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/trustlab/trustlab/dataset"
	"github.com/trustlab/trustlab/fit"
	"github.com/trustlab/trustlab/internal/outdir"
	"github.com/trustlab/trustlab/report"
)

// SplitLevel is one level of a split fit ([Options.Split]) in the
// manifest: its value, its folder under levels/, and what was fitted.
type SplitLevel struct {
	Level    string  `json:"level"`
	Folder   string  `json:"folder"` // relative to the output folder: levels/NAME
	Rows     int     `json:"rows"`
	Subjects int     `json:"subjects"`
	Trials   int     `json:"trials"`
	Fits     int     `json:"fits"`
	Seconds  float64 `json:"seconds"`
	// Population is the population prior that empirical Bayes estimated
	// for the level's first model (its median and central 68% range per
	// parameter): how the levels differ; nil under another estimator.
	Population *fit.Population `json:"population,omitempty"`
}

// LevelResult is the fit of one level of a split fit.
type LevelResult struct {
	Level string
	*Result
}

// runSplit is Run with o.Split: the rows of the data set are split by the
// value of that column (levels in sorted order), each level is fitted by
// Run on its own into levels/FOLDER, and the levels' comparison.csv and
// subjects.csv are joined at the top with a first column "level", beside
// levels.csv, manifest.json and index.html. Every level is fitted with the
// same options and seed, so the outputs depend on the seed only.
func runSplit(ctx context.Context, dataPath, specPath, dir string, o Options) (*Result, error) {
	spec, err := dataset.LoadSpec(specPath)
	if err != nil {
		return nil, input(err)
	}
	if _, err := resolveRole(o.Role, spec); err != nil {
		return nil, err
	}
	// Every bad row is reported against the file as given (its lines)
	// before the split, whose files number lines of their own.
	sc, err := scanData(dataPath, spec, true)
	if err != nil {
		return nil, input(err)
	}
	if len(sc.errs) > 0 && !o.DropInvalid {
		return nil, &InputError{&BadRowsError{Errors: sc.errs, Rows: sc.badRows, Subjects: sc.badSubjects, Stray: sc.stray}}
	}
	scratch, err := os.MkdirTemp("", "trustlab-split-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(scratch)
	levels, files, rows, err := splitCSV(dataPath, spec.Delimiter, o.Split, scratch)
	if err != nil {
		return nil, err
	}

	out, err := outdir.Begin(dir, o.Force)
	if err != nil {
		return nil, &InputError{fmt.Errorf("--out %w", err)}
	}
	defer out.Abort()
	tmp := out.Path()
	if err := os.Mkdir(filepath.Join(tmp, "levels"), 0o755); err != nil {
		return nil, err
	}
	res := &Result{}
	var man Manifest
	folders := levelFolders(levels)
	start := time.Now()
	for i, lv := range levels {
		inner := o
		inner.Split, inner.Force = "", false
		if o.Progress != nil {
			inner.Progress = func(p Progress) {
				p.Level, p.Levels, p.LevelIndex = lv, len(levels), i+1
				o.Progress(p)
			}
		}
		sub := filepath.Join(tmp, "levels", folders[i])
		t0 := time.Now()
		r, err := Run(ctx, files[i], specPath, sub, inner)
		if err != nil {
			var ie *InputError
			if errors.As(err, &ie) {
				return nil, &InputError{fmt.Errorf("%s = %q: %w", o.Split, lv, ie.Err)}
			}
			return nil, err
		}
		// The level's manifest names the file it was given, a scratch copy:
		// name the data set and the level instead.
		r.Manifest.Data = &FileInfo{Path: fmt.Sprintf("%s (rows with %s = %q)", dataPath, o.Split, lv), SHA256: r.Manifest.Data.SHA256}
		if err := writeJSON(sub, "manifest.json", r.Manifest); err != nil {
			return nil, err
		}
		if i == 0 {
			man = r.Manifest
			res.Prior = r.Prior
			man.Subjects, man.Trials, man.Missed, man.Fits, man.EmptySubjects = 0, 0, 0, 0, 0
			man.Dropped, man.UnmatchedTraits, man.Populations = nil, nil, nil
		}
		man.Subjects += r.Manifest.Subjects
		man.Trials += r.Manifest.Trials
		man.Missed += r.Manifest.Missed
		man.Fits += r.Manifest.Fits
		man.Dropped = append(man.Dropped, r.Manifest.Dropped...)
		sl := SplitLevel{Level: lv, Folder: "levels/" + folders[i], Rows: rows[i],
			Subjects: r.Manifest.Subjects, Trials: r.Manifest.Trials, Fits: r.Manifest.Fits, Seconds: time.Since(t0).Seconds()}
		if r.Prior == fit.PriorEmpirical && len(r.Manifest.Models) > 0 {
			for _, p := range r.Manifest.Populations {
				if p.Model == r.Manifest.Models[0] {
					sl.Population = p
					break
				}
			}
		}
		man.Levels = append(man.Levels, sl)
		for _, w := range r.Warnings {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s = %s: %s", o.Split, lv, w))
		}
		res.Levels = append(res.Levels, LevelResult{Level: lv, Result: r})
	}
	man.Split = o.Split
	man.Args = o.Args
	man.Seconds = time.Since(start).Seconds()
	if man.Data, err = hashFile(dataPath); err != nil {
		return nil, err
	}
	man.Outputs = []string{"levels.csv", "comparison.csv", "subjects.csv", "index.html"}
	for _, lv := range man.Levels {
		man.Outputs = append(man.Outputs, lv.Folder+"/index.html")
	}
	if err := writeLevels(tmp, man.Levels); err != nil {
		return nil, err
	}
	var tables []report.Table
	for _, name := range []string{"comparison.csv", "subjects.csv"} {
		t, err := joinLevels(tmp, name, man.Levels)
		if err != nil {
			return nil, err
		}
		if name == "comparison.csv" {
			t.Caption = "The model comparison of each level (comparison.csv of each level's folder)"
			tables = append(tables, t)
		}
	}
	if err := writeJSON(tmp, "manifest.json", man); err != nil {
		return nil, err
	}
	if err := splitHTML(tmp, man, tables); err != nil {
		return nil, err
	}
	if err := out.Commit(); err != nil {
		return nil, err
	}
	res.Manifest = man
	return res, nil
}

// splitCSV writes the rows of the CSV file at path into one file per value
// of column (trimmed), each with the header, under scratch/N/ with the
// file's own name; it returns the levels in sorted order, their files and
// their numbers of rows.
func splitCSV(path, delimiter, column, scratch string) (levels, files []string, rows []int, err error) {
	f, cr, header, err := openHeader(path, delimiter)
	if err != nil {
		return nil, nil, nil, err
	}
	defer f.Close()
	idx := slices.Index(header, column)
	if idx < 0 {
		return nil, nil, nil, notAColumn(path, column, header)
	}
	type sink struct {
		f    *os.File
		w    *csv.Writer
		rows int
	}
	sinks := map[string]*sink{}
	defer func() {
		for _, s := range sinks {
			s.f.Close()
		}
	}()
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, nil, &InputError{fmt.Errorf("%s: %w", filepath.Base(path), err)}
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		lv := ""
		if idx < len(rec) {
			lv = strings.TrimSpace(rec[idx])
		}
		s := sinks[lv]
		if s == nil {
			if len(sinks) == MaxSplitLevels {
				return nil, nil, nil, &InputError{optErr("split", column, fmt.Sprintf("at most %d levels", MaxSplitLevels),
					"more than %d different values (line %d of %s): a split column holds a few levels, such as treatments", MaxSplitLevels, line, filepath.Base(path))}
			}
			d := filepath.Join(scratch, fmt.Sprint(len(sinks)))
			if err := os.Mkdir(d, 0o755); err != nil {
				return nil, nil, nil, err
			}
			fh, err := os.Create(filepath.Join(d, filepath.Base(path)))
			if err != nil {
				return nil, nil, nil, err
			}
			s = &sink{f: fh, w: csv.NewWriter(fh)}
			s.w.Comma = cr.Comma
			sinks[lv] = s
			if err := s.w.Write(header); err != nil {
				return nil, nil, nil, err
			}
		}
		if err := s.w.Write(rec); err != nil {
			return nil, nil, nil, err
		}
		s.rows++
	}
	if len(sinks) == 0 {
		return nil, nil, nil, &InputError{fmt.Errorf("%s: no rows to split by %s", filepath.Base(path), column)}
	}
	for lv, s := range sinks {
		s.w.Flush()
		if err := s.w.Error(); err != nil {
			return nil, nil, nil, err
		}
		levels = append(levels, lv)
	}
	slices.Sort(levels)
	for _, lv := range levels {
		files = append(files, sinks[lv].f.Name())
		rows = append(rows, sinks[lv].rows)
	}
	return levels, files, rows, nil
}

// levelFolders names the folders of the levels: the level with every
// character but letters, digits, '.', '-' and '_' replaced by '_' ("empty"
// for an empty level), with a number appended where two names clash.
func levelFolders(levels []string) []string {
	seen := map[string]bool{}
	out := make([]string, len(levels))
	for i, lv := range levels {
		var b strings.Builder
		for _, r := range lv {
			if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
				b.WriteRune(r)
			} else {
				b.WriteByte('_')
			}
		}
		name := b.String()
		if name == "" || strings.Trim(name, ".") == "" {
			name = "empty"
		}
		base := name
		for k := 2; seen[name]; k++ {
			name = fmt.Sprintf("%s-%d", base, k)
		}
		seen[name] = true
		out[i] = name
	}
	return out
}

func writeLevels(dir string, levels []SplitLevel) error {
	c, err := createCSV(dir, "levels.csv", []string{"level", "folder", "rows", "subjects", "trials", "fits"})
	if err != nil {
		return err
	}
	for _, lv := range levels {
		c.write([]string{lv.Level, lv.Folder, fmt.Sprint(lv.Rows), fmt.Sprint(lv.Subjects), fmt.Sprint(lv.Trials), fmt.Sprint(lv.Fits)})
	}
	return c.Close()
}

// joinLevels writes dir/name: the rows of each level's name, under the
// first level's header with a first column "level" (a column a level
// lacks is NA), and returns it as a table.
func joinLevels(dir, name string, levels []SplitLevel) (report.Table, error) {
	var t report.Table
	for _, lv := range levels {
		f, err := os.Open(filepath.Join(dir, filepath.FromSlash(lv.Folder), name))
		if err != nil {
			return t, err
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			return t, fmt.Errorf("%s/%s: %w", lv.Folder, name, err)
		}
		if len(recs) == 0 {
			continue
		}
		if t.Header == nil {
			t.Header = append([]string{"level"}, recs[0]...)
		}
		pos := make([]int, len(t.Header)-1)
		for j, col := range t.Header[1:] {
			pos[j] = slices.Index(recs[0], col)
		}
		for _, r := range recs[1:] {
			row := []string{lv.Level}
			for _, k := range pos {
				if k >= 0 && k < len(r) {
					row = append(row, r[k])
				} else {
					row = append(row, "NA")
				}
			}
			t.Rows = append(t.Rows, row)
		}
	}
	c, err := createCSV(dir, name, t.Header)
	if err != nil {
		return t, err
	}
	for _, r := range t.Rows {
		c.write(r)
	}
	return t, c.Close()
}

// splitHTML writes the index page of a split fit: the levels, their
// comparison tables and links to each level's report.
func splitHTML(dir string, man Manifest, tables []report.Table) error {
	lt := report.Table{Caption: "The levels (levels.csv)", Header: []string{"level", "rows", "subjects", "trials", "fits"}}
	var files []report.Link
	for _, lv := range man.Levels {
		lt.Rows = append(lt.Rows, []string{lv.Level, fmt.Sprint(lv.Rows), fmt.Sprint(lv.Subjects), fmt.Sprint(lv.Trials), fmt.Sprint(lv.Fits)})
		files = append(files, report.Link{Href: lv.Folder + "/index.html", Text: fmt.Sprintf("%s = %s: the level's report", man.Split, lv.Level)})
	}
	files = append(files, report.Link{Href: "levels.csv"}, report.Link{Href: "comparison.csv"}, report.Link{Href: "subjects.csv"}, report.Link{Href: "manifest.json"})
	p := report.Page{
		Title:    fmt.Sprintf("Fit split by %s", man.Split),
		Intro:    fmt.Sprintf("The rows of the data set were split by the value of the column %s and each of the %d levels was fitted on its own, with the same options and seed. Each level's report, tables and plots are in its folder.", man.Split, len(man.Levels)),
		Sections: []report.Section{{Heading: "Levels", Tables: append([]report.Table{lt}, tables...)}},
		Manifest: man,
		Files:    files,
	}
	return writePage(dir, p)
}

// Check checks o against a data set and its spec without fitting: the
// options themselves ([Options.Validate]), the role against the spec's
// columns, and the split column against the data's header. Problems are
// *OptionError values (wrapped in an InputError).
func Check(dataPath string, spec dataset.Spec, o Options) error {
	if err := o.Validate(); err != nil {
		return &InputError{err}
	}
	if _, err := resolveRole(o.Role, spec); err != nil {
		return err
	}
	if o.Split == "" {
		return nil
	}
	f, _, header, err := openHeader(dataPath, spec.Delimiter)
	if err != nil {
		return err
	}
	f.Close()
	if !slices.Contains(header, o.Split) {
		return notAColumn(dataPath, o.Split, header)
	}
	return nil
}

// openHeader opens the CSV file at path and reads its header (a byte
// order mark dropped, names trimmed as package dataset does); the reader
// is positioned at the first row.
func openHeader(path, delimiter string) (*os.File, *csv.Reader, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, nil, err
	}
	cr := csv.NewReader(bufio.NewReader(f))
	if delimiter != "" {
		cr.Comma = []rune(delimiter)[0]
	}
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		f.Close()
		return nil, nil, nil, &InputError{fmt.Errorf("%s: cannot read the header: %w", filepath.Base(path), err)}
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	for i := range header { // as the dataset reader names them
		header[i] = strings.TrimSpace(header[i])
	}
	return f, cr, header, nil
}

// notAColumn is the error of a split column the data lack.
func notAColumn(path, column string, header []string) error {
	return &InputError{optErr("split", column, "a column of "+filepath.Base(path),
		"not a column of %s; the header has: %s", filepath.Base(path), strings.Join(header, ", "))}
}
