package sweep

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// A cell file holds the result of one run (a cell and a replication). It
// is text: comment lines with the run's identity, a summary table, a series
// table, and a last line with the SHA-256 of everything before it, so a
// file cut short or damaged is detected:
//
//	# trustlab-sweep/1 cell
//	# sweep 3f5c...            (the Spec hash)
//	# cell 4 9a1b2c3d4e5f6a7b {"feedback.regime":"own","population.groups.exploiter.share":0.2}
//	# replication 1
//	# seed 6262133911307018297
//	# summary
//	metric,value
//	trust_rate,0.53
//	# series
//	step,group,trust_rate,welfare
//	1,all,0.5,0.1
//	# end sha256 8d2e...
//
// The summary is always there; the series only when the sweep keeps it.
//
// Numbers are written in their shortest round-trip form (NaN, +Inf and
// -Inf as such), so reading a file back gives the exact values.

// cellFile is the content of a cell file.
type cellFile struct {
	hash    string
	cell    int
	id, key string
	rep     int
	seed    uint64
	result  Result
	hasSum  bool
	hasSer  bool
}

// cellName is the file name of a run's cell file in the cells directory.
func cellName(r Run) string { return fmt.Sprintf("%s-r%d.cell", r.Cell.ID, r.Replication) }

// encodeCell writes a run's result as a cell file.
func encodeCell(hash string, r Run, res Result, keep Keep) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s cell\n# sweep %s\n# cell %d %s %s\n# replication %d\n# seed %d\n",
		Format, hash, r.Cell.Index, r.Cell.ID, r.Cell.Key, r.Replication, r.Seed)
	b.WriteString("# summary\nmetric,value\n")
	for _, m := range res.Summary {
		fmt.Fprintf(&b, "%s,%s\n", m.Name, formatValue(m.Value))
	}
	if keep.Series {
		b.WriteString("# series\nstep,group,")
		b.WriteString(strings.Join(res.Series.Metrics, ","))
		b.WriteByte('\n')
		for _, row := range res.Series.Rows {
			b.WriteString(strconv.Itoa(row.Step))
			b.WriteByte(',')
			b.WriteString(row.Group)
			for _, v := range row.Values {
				b.WriteByte(',')
				b.WriteString(formatValue(v))
			}
			b.WriteByte('\n')
		}
	}
	sum := sha256.Sum256(b.Bytes())
	fmt.Fprintf(&b, "# end sha256 %s\n", hex.EncodeToString(sum[:]))
	return b.Bytes()
}

// formatValue writes a float in its shortest round-trip form (NaN, +Inf
// and -Inf as strconv spells them).
func formatValue(v float64) string {
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// errIncomplete marks a cell file that is cut short or damaged: it is
// re-run, never trusted.
var errIncomplete = errors.New("incomplete or damaged")

// decodeCell parses and verifies a cell file.
func decodeCell(data []byte) (*cellFile, error) {
	body, last, ok := cutLastLine(data)
	if !ok {
		return nil, fmt.Errorf("%w: no end line (the file was cut short)", errIncomplete)
	}
	want, found := strings.CutPrefix(last, "# end sha256 ")
	if !found {
		return nil, fmt.Errorf("%w: no end line (the file was cut short)", errIncomplete)
	}
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) != want {
		return nil, fmt.Errorf("%w: checksum mismatch", errIncomplete)
	}
	c := &cellFile{}
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 1<<16), 1<<30)
	line := 0
	section := ""
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: line %d: %s", errIncomplete, line, fmt.Sprintf(format, a...))
	}
	header := 0
	for sc.Scan() {
		line++
		t := sc.Text()
		if rest, ok := strings.CutPrefix(t, "# "); ok {
			f := strings.Fields(rest)
			if len(f) == 0 {
				return nil, bad("empty comment")
			}
			var err error
			switch f[0] {
			case Format:
				header++
			case "sweep":
				if len(f) != 2 {
					return nil, bad("sweep line")
				}
				c.hash = f[1]
				header++
			case "cell":
				parts := strings.SplitN(rest, " ", 4)
				if len(parts) != 4 {
					return nil, bad("cell line")
				}
				c.cell, err = strconv.Atoi(parts[1])
				c.id, c.key = parts[2], parts[3]
				header++
			case "replication":
				if len(f) != 2 {
					return nil, bad("replication line")
				}
				c.rep, err = strconv.Atoi(f[1])
				header++
			case "seed":
				if len(f) != 2 {
					return nil, bad("seed line")
				}
				c.seed, err = strconv.ParseUint(f[1], 10, 64)
				header++
			case "summary", "series":
				section = f[0]
				if !sc.Scan() {
					return nil, bad("%s section without a header", section)
				}
				line++
				cols := strings.Split(sc.Text(), ",")
				if section == "summary" {
					c.hasSum = true
					if sc.Text() != "metric,value" {
						return nil, bad("summary header %q, want metric,value", sc.Text())
					}
				} else {
					c.hasSer = true
					if len(cols) < 3 || cols[0] != "step" || cols[1] != "group" {
						return nil, bad("series header %q, want step,group,metrics...", sc.Text())
					}
					c.result.Series.Metrics = cols[2:]
				}
			default:
				return nil, bad("unknown line %q", t)
			}
			if err != nil {
				return nil, bad("%v", err)
			}
			continue
		}
		switch section {
		case "summary":
			name, val, ok := strings.Cut(t, ",")
			v, err := strconv.ParseFloat(val, 64)
			if !ok || err != nil {
				return nil, bad("summary row %q", t)
			}
			c.result.Summary = append(c.result.Summary, Metric{Name: name, Value: v})
		case "series":
			f := strings.Split(t, ",")
			if len(f) != len(c.result.Series.Metrics)+2 {
				return nil, bad("series row with %d values for %d columns", len(f), len(c.result.Series.Metrics)+2)
			}
			step, err := strconv.Atoi(f[0])
			if err != nil {
				return nil, bad("step %q", f[0])
			}
			row := Step{Step: step, Group: f[1], Values: make([]float64, len(f)-2)}
			for i, s := range f[2:] {
				v, err := strconv.ParseFloat(s, 64)
				if err != nil {
					return nil, bad("series value %q", s)
				}
				row.Values[i] = v
			}
			c.result.Series.Rows = append(c.result.Series.Rows, row)
		default:
			return nil, bad("data before a section")
		}
	}
	if header != 5 {
		return nil, fmt.Errorf("%w: header has %d of 5 lines", errIncomplete, header)
	}
	return c, nil
}

// cutLastLine splits off the last newline-terminated line.
func cutLastLine(data []byte) (body []byte, last string, ok bool) {
	if len(data) == 0 || data[len(data)-1] != '\n' {
		return nil, "", false
	}
	i := bytes.LastIndexByte(data[:len(data)-1], '\n')
	return data[:i+1], string(data[i+1 : len(data)-1]), true
}

// writeAtomic writes data to path through a temporary file in the same
// directory (name.*.tmp), then renamed, so that path holds either its old
// content or all of data, never a part. With sync, the data reach the disk
// before the rename; cell files skip that (a crash of the machine may
// leave one empty or partial, which its checksum reveals and a restart
// re-runs).
func writeAtomic(path string, data []byte, sync bool) error {
	return writeFileAtomic(path, sync, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeFileAtomic is writeAtomic for content produced by write.
func writeFileAtomic(path string, sync bool, write func(w io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	bw := bufio.NewWriterSize(f, 1<<16)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil && sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
