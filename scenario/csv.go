package scenario

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/trustlab/trustlab/internal/bounded"
	"github.com/trustlab/trustlab/internal/yamlx"
)

// maxCSVRows bounds a CSV distribution column.
const maxCSVRows = 50_000_000

// maxCSVLine bounds a line of a CSV distribution file.
const maxCSVLine = 1 << 20

// csvFile is a CSV file a scenario names, streamed (no line longer than
// maxCSVLine) and hashed as it is read.
type csvFile struct {
	*csv.Reader
	name string // resolved against the scenario's folder
	f    *os.File
	h    hash.Hash
}

// openCSV opens file and reads its header line. A problem is reported at
// node (path) and gives a nil file.
func (p *parser) openCSV(file string, node *yaml.Node, path string) (*csvFile, []string) {
	name := p.resolve(file)
	f, err := os.Open(name)
	if err != nil {
		p.Failf(node, path, "%q: cannot read: %v", file, unwrapPath(err))
		return nil, nil
	}
	c := &csvFile{name: name, f: f, h: sha256.New()}
	c.Reader = csv.NewReader(bounded.Lines(io.TeeReader(f, c.h), maxCSVLine))
	header, err := c.Read()
	if err != nil {
		f.Close()
		p.csvError(name, err, node, path)
		return nil, nil
	}
	return c, header
}

// Close closes the file.
func (c *csvFile) Close() error { return c.f.Close() }

// sum reads the rest of the file and returns the SHA-256 of all of it.
func (c *csvFile) sum() (string, error) {
	if _, err := io.Copy(c.h, c.f); err != nil {
		return "", err
	}
	return hex.EncodeToString(c.h.Sum(nil)), nil
}

// readCSV reads d.Column of d.File into d.Values. Problems in the CSV file
// are reported at their own file:line:column; a missing file or column at
// the scenario's node.
func (p *parser) readCSV(d *Dist, node *yaml.Node, path string) {
	c, header := p.openCSV(d.File, node, path)
	if c == nil {
		return
	}
	defer c.Close()
	d.File = c.name
	c.ReuseRecord = true
	col := -1
	for i, hname := range header {
		if strings.TrimSpace(strings.TrimPrefix(hname, "\ufeff")) == d.Column {
			col = i
		}
	}
	if col < 0 {
		p.Failf(node, path, "%q has no column %q (columns: %s)", d.File, d.Column, strings.Join(header, ", "))
		return
	}
	ok := p.records(c, node, path, func(rec []string) bool {
		v, ok := p.number(c, strings.TrimSpace(rec[col]), rec[col], col, d.Column, 0, 1)
		if !ok {
			return false
		}
		if !p.room(len(d.Values), maxCSVRows, "rows", d.File, node, path) {
			return false
		}
		d.Values = append(d.Values, v)
		return true
	})
	if !ok {
		return
	}
	if len(d.Values) == 0 {
		p.Failf(node, path, "%q: column %q has no values", d.File, d.Column)
		return
	}
	if d.SHA256, ok = p.checksum(c, d.File, node, path); ok {
		d.Rows = len(d.Values)
	}
}

// records calls each with every record of c after its header line, until
// each returns false. A problem reading the file is reported at its own
// line (csvError). records returns whether it read the file to its end.
func (p *parser) records(c *csvFile, node *yaml.Node, path string, each func(rec []string) bool) bool {
	for {
		rec, err := c.Read()
		if err == io.EOF {
			return true
		}
		if err != nil {
			p.csvError(c.name, err, node, path)
			return false
		}
		if !each(rec) {
			return false
		}
	}
}

// number parses s, field i of the record c read last (in the column
// named field), as a number in [lo, hi]. Otherwise it reports shown (the
// field as the message quotes it) at the field's own line and column and
// returns false.
func (p *parser) number(c *csvFile, s, shown string, i int, field string, lo, hi float64) (float64, bool) {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || !yamlx.InRange(x, lo, hi, false, false) {
		line, column := c.FieldPos(i)
		p.Errs.Add(&Error{File: c.name, Line: line, Column: column, Field: field,
			Msg: fmt.Sprintf("%q: must be a number in [%g, %g]", shown, lo, hi)})
		return 0, false
	}
	return x, true
}

// room reports at node (path) that file has more than limit of what (rows,
// trustees) when n have been read already, and says whether there is room
// for one more.
func (p *parser) room(n, limit int, what, file string, node *yaml.Node, path string) bool {
	if n >= limit {
		p.Failf(node, path, "%q: more than %d %s", file, limit, what)
		return false
	}
	return true
}

// checksum reads the rest of c and returns the SHA-256 of all of it; a
// problem is reported at node (path) and gives false.
func (p *parser) checksum(c *csvFile, file string, node *yaml.Node, path string) (string, bool) {
	sum, err := c.sum()
	if err != nil {
		p.Failf(node, path, "%q: %v", file, err)
		return "", false
	}
	return sum, true
}

func (p *parser) csvError(name string, err error, node *yaml.Node, path string) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		p.Errs.Add(&Error{File: name, Line: pe.Line, Column: pe.Column, Msg: pe.Err.Error()})
		return
	}
	var ll *bounded.LineTooLongError
	if errors.As(err, &ll) {
		p.Errs.Add(&Error{File: name, Line: ll.Line, Column: 1, Msg: fmt.Sprintf("line longer than %s", bounded.Bytes(int64(ll.Limit)))})
		return
	}
	if err == io.EOF {
		p.Failf(node, path, "%q: empty file (want a header line and values)", name)
		return
	}
	p.Failf(node, path, "%q: %v", name, err)
}

// maxTrustees bounds the fitted trustees read from a subjects.csv.
const maxTrustees = 1_000_000

// readTrustees reads the rows of model b.Model from the trustee fit's
// subjects.csv b.File into b.Trustees: ret_base and ret_recip are
// required, phi too, lapse, hurdle and round are 0 where NA. Problems in
// the file are reported at their own file:line:column.
func (p *parser) readTrustees(b *Behaviour, node *yaml.Node, path string) {
	c, header := p.openCSV(b.File, node, path)
	if c == nil {
		return
	}
	defer c.Close()
	name := c.name
	b.File = name
	col := map[string]int{}
	for i, hname := range header {
		col[strings.TrimSpace(strings.TrimPrefix(hname, "\ufeff"))] = i
	}
	for _, need := range []string{"subject", "model", "ret_base", "ret_recip", "phi"} {
		if _, ok := col[need]; !ok {
			p.Failf(node, path, "%q has no column %q: give the subjects.csv of a trustee fit (trustlab fit --role trustee, or OUT/trustees/subjects.csv of a fit with both roles)", filepath.Base(name), need)
			return
		}
	}
	models := map[string]bool{}
	ok := p.records(c, node, path, func(rec []string) bool {
		models[rec[col["model"]]] = true
		if rec[col["model"]] != b.Model {
			return true
		}
		t := FittedTrustee{ID: rec[col["subject"]]}
		fields := []struct {
			name     string
			dst      *float64
			lo, hi   float64
			optional bool
		}{
			{"ret_base", &t.RetBase, 0, 1, false}, {"ret_recip", &t.RetRecip, -10, 10, false}, {"phi", &t.Phi, 1e-9, 1e6, false},
			{"lapse", &t.Lapse, 0, 1, true}, {"hurdle", &t.Hurdle, 0, 1, true}, {"round", &t.Round, 0, 1, true},
		}
		for _, fd := range fields {
			i, ok := col[fd.name]
			if !ok {
				continue
			}
			v := strings.TrimSpace(rec[i])
			if v == "NA" && fd.optional {
				continue
			}
			x, ok := p.number(c, v, v, i, fd.name, fd.lo, fd.hi)
			if !ok {
				return false
			}
			*fd.dst = x
		}
		if !p.room(len(b.Trustees), maxTrustees, "trustees", b.File, node, path) {
			return false
		}
		b.Trustees = append(b.Trustees, t)
		return true
	})
	if !ok {
		return
	}
	if len(b.Trustees) == 0 {
		var have []string
		for m := range models {
			have = append(have, m)
		}
		slices.Sort(have)
		p.Failf(node, path, "%q: no rows of model %q (models: %s)", filepath.Base(name), b.Model, strings.Join(have, ", "))
		return
	}
	b.SHA256, _ = p.checksum(c, b.File, node, path)
}
