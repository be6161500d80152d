package sweep

import (
	"os"
	"path/filepath"
)

// FinishOptions control Finish. The zero value writes CSV tables, plots
// and index.html.
type FinishOptions struct {
	Parquet bool // also write the tables as Parquet
	NoPlots bool // skip the plots and index.html
	Report  ReportOptions
}

// Finish collects the cell files of dirs (the shards of one sweep, or
// one directory holding them all), then writes into out the tables, the
// plots and index.html, and a copy of sweep.json when out is not one of
// dirs. Nothing is written unless the collection is complete and
// consistent. It returns the collection and the files written, relative
// to out.
func Finish(dirs []string, out string, opt FinishOptions) (*Collection, []string, error) {
	col, err := Collect(dirs)
	if err != nil {
		return nil, nil, err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, nil, err
	}
	if _, err := os.Stat(filepath.Join(out, SpecFile)); err != nil {
		if err := prepareDir(out, col.Spec); err != nil {
			return nil, nil, err
		}
		os.Remove(filepath.Join(out, CellsDir)) // only if empty: out holds no cells
	} else if err := prepareDir(out, col.Spec); err != nil {
		return nil, nil, err // out holds another sweep
	}
	paths, err := col.WriteTables(out, opt.Parquet)
	var files []string
	for _, p := range paths {
		files = append(files, filepath.Base(p))
	}
	if err != nil {
		return col, files, err
	}
	if opt.NoPlots {
		return col, files, nil
	}
	ro := opt.Report
	ro.Files = append(append([]string{}, files...), SpecFile)
	more, err := col.WriteReport(out, ro)
	return col, append(files, more...), err
}
