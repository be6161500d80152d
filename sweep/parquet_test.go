package sweep

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/trustlab/trustlab/internal/testfs"
)

// TestParquetMatchesCSV reads every Parquet table back and compares it,
// value by value, with the CSV table.
func TestParquetMatchesCSV(t *testing.T) {
	_, dir := toySweep(t)
	col, err := Collect([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	files, err := col.WriteTables(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 6 {
		t.Fatalf("files %q, want 3 CSV and 3 Parquet", files)
	}
	for _, name := range []string{"runs", "steps", "summary"} {
		t.Run(name, func(t *testing.T) {
			recs := testfs.ReadCSV(t, filepath.Join(dir, name+".csv"))
			pf, err := os.Open(filepath.Join(dir, name+".parquet"))
			if err != nil {
				t.Fatal(err)
			}
			defer pf.Close()
			st, _ := pf.Stat()
			f, err := parquet.OpenFile(pf, st.Size())
			if err != nil {
				t.Fatal(err)
			}
			fields := f.Schema().Fields()
			if len(fields) != len(recs[0]) {
				t.Fatalf("%d Parquet columns, %d CSV columns", len(fields), len(recs[0]))
			}
			for i, fl := range fields {
				if fl.Name() != recs[0][i] {
					t.Errorf("column %d: Parquet %q, CSV %q", i, fl.Name(), recs[0][i])
				}
			}
			if int(f.NumRows()) != len(recs)-1 {
				t.Fatalf("%d Parquet rows, %d CSV rows", f.NumRows(), len(recs)-1)
			}
			r := parquet.NewReader(f)
			rows := make([]parquet.Row, f.NumRows())
			n, err := r.ReadRows(rows)
			if n != len(rows) {
				t.Fatalf("read %d rows: %v", n, err)
			}
			for i, row := range rows {
				for j, v := range row {
					var got string
					switch v.Kind() {
					case parquet.Int64:
						if fields[j].Name() == "seed" { // the only uint64 column
							got = strconv.FormatUint(v.Uint64(), 10)
						} else {
							got = strconv.FormatInt(v.Int64(), 10)
						}
					case parquet.Double:
						got = formatValue(v.Double())
					case parquet.ByteArray:
						got = string(v.ByteArray())
					}
					if want := recs[i+1][j]; got != want {
						t.Fatalf("row %d column %s: Parquet %s, CSV %s", i, recs[0][j], got, want)
					}
				}
			}
		})
	}
}
