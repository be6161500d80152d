package sweep

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
)

// Format identifies the version of sweep.json and of cell files.
const Format = "trustlab-sweep/1"

// Spec is the resolved, self-contained description of a sweep: what
// sweep.json holds in every output directory. Merge needs only the Spec,
// not the sweep file or the scenario. Its Hash identifies the sweep: every
// cell file carries it, and shards of different sweeps are never merged.
type Spec struct {
	Format       string          `json:"format"`
	Name         string          `json:"name"`
	Scenario     string          `json:"scenario,omitempty"` // base scenario file as named in the sweep file
	Seed         uint64          `json:"seed"`
	Replications int             `json:"replications"`
	Keep         []string        `json:"keep"`
	Base         json.RawMessage `json:"base"` // canonical JSON of the base scenario
	Axes         []SpecAxis      `json:"axes"`
	Hash         string          `json:"hash"`
}

// SpecAxis is an axis in a Spec: its path, column name and the canonical
// JSON of each value.
type SpecAxis struct {
	Path   string            `json:"path"`
	Name   string            `json:"name"`
	Values []json.RawMessage `json:"values"`
	With   []SpecLink        `json:"with,omitempty"`
}

// SpecLink is a parameter set together with an axis (with:).
type SpecLink struct {
	Path   string            `json:"path"`
	Values []json.RawMessage `json:"values"`
}

// Spec resolves the sweep into its Spec.
func (sw *Sweep) Spec() (*Spec, error) {
	base, err := canonical(sw.base.Content[0])
	if err != nil {
		return nil, errorf(sw.baseName, 0, 0, "", "%v", err)
	}
	s := &Spec{Format: Format, Name: sw.Name, Scenario: sw.Scenario, Seed: sw.Seed, Replications: sw.Replications, Base: base}
	if sw.Keep.Summary {
		s.Keep = append(s.Keep, "summary")
	}
	if sw.Keep.Series {
		s.Keep = append(s.Keep, "series")
	}
	for _, a := range sw.Axes {
		sa := SpecAxis{Path: a.Path, Name: a.Name}
		for _, v := range a.Values {
			sa.Values = append(sa.Values, v.JSON)
		}
		for _, l := range a.With {
			sl := SpecLink{Path: l.Path}
			for _, v := range l.Values {
				sl.Values = append(sl.Values, v.JSON)
			}
			sa.With = append(sa.With, sl)
		}
		s.Axes = append(s.Axes, sa)
	}
	s.Hash = s.computeHash()
	return s, nil
}

// computeHash hashes everything that determines the sweep's results and
// tables; the name and the base scenario's file name are left out (the
// base's content is in).
func (s *Spec) computeHash() string {
	c := *s
	c.Hash, c.Name, c.Scenario = "", "", ""
	if len(c.Axes) == 0 {
		c.Axes = nil
	}
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // only canonical JSON goes in
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Verify checks a Spec read back from sweep.json: known format, its hash
// matching its content, well-formed axes.
func (s *Spec) Verify() error {
	if s.Format != Format {
		return fmt.Errorf("format %q, want %q (written by another version of trustlab)", s.Format, Format)
	}
	if h := s.computeHash(); h != s.Hash {
		return fmt.Errorf("hash %s does not match its content (%s): the file was edited or damaged", short(s.Hash), short(h))
	}
	if s.Replications < 1 || s.Replications > MaxReplications {
		return fmt.Errorf("replications %d out of range [1, %d]", s.Replications, MaxReplications)
	}
	runs := s.Replications
	for _, a := range s.Axes {
		if len(a.Values) == 0 {
			return fmt.Errorf("axis %s has no values", a.Path)
		}
		for _, l := range a.With {
			if len(l.Values) != len(a.Values) {
				return fmt.Errorf("axis %s: %s has %d values for %d", a.Path, l.Path, len(l.Values), len(a.Values))
			}
		}
		if runs > MaxRuns/len(a.Values) {
			return fmt.Errorf("more than %d runs", MaxRuns)
		}
		runs *= len(a.Values)
	}
	return nil
}

// KeepSummary and KeepSeries report the kept outputs.
func (s *Spec) KeepSummary() bool { return s.keeps("summary") }

// KeepSeries reports whether per-step series are kept.
func (s *Spec) KeepSeries() bool { return s.keeps("series") }

func (s *Spec) keeps(k string) bool {
	for _, x := range s.Keep {
		if x == k {
			return true
		}
	}
	return false
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// Cell is one combination of axis values.
type Cell struct {
	// Index is the cell's position in the Cartesian product of the axes
	// (the last axis varies fastest). It changes when axes change; the
	// ID and the seeds do not.
	Index int
	// ID is the first 16 hex digits of the SHA-256 of Key.
	ID string
	// Key is the canonical JSON object {path: value} of the cell's axis
	// values (and of the parameters set with them), paths sorted: the
	// cell's identity.
	Key string
	// Values holds, per axis, the index of the cell's value.
	Values []int
}

// NumCells is the number of cells: the product of the axis lengths.
func (s *Spec) NumCells() int {
	n := 1
	for _, a := range s.Axes {
		n *= len(a.Values)
	}
	return n
}

// NumRuns is the number of runs: cells times replications.
func (s *Spec) NumRuns() int { return s.NumCells() * s.Replications }

// Cell returns cell i (0 <= i < NumCells()).
func (s *Spec) Cell(i int) Cell {
	c := Cell{Index: i, Values: make([]int, len(s.Axes))}
	rest := i
	for k := len(s.Axes) - 1; k >= 0; k-- {
		n := len(s.Axes[k].Values)
		c.Values[k] = rest % n
		rest /= n
	}
	type kv struct {
		path  string
		value json.RawMessage
	}
	var kvs []kv
	for k, a := range s.Axes {
		kvs = append(kvs, kv{a.Path, a.Values[c.Values[k]]})
		for _, l := range a.With {
			kvs = append(kvs, kv{l.Path, l.Values[c.Values[k]]})
		}
	}
	sort.Slice(kvs, func(i, j int) bool { return kvs[i].path < kvs[j].path })
	var b bytes.Buffer
	b.WriteByte('{')
	for j, e := range kvs {
		if j > 0 {
			b.WriteByte(',')
		}
		p, _ := json.Marshal(e.path)
		b.Write(p)
		b.WriteByte(':')
		b.Write(e.value)
	}
	b.WriteByte('}')
	c.Key = b.String()
	sum := sha256.Sum256(b.Bytes())
	c.ID = hex.EncodeToString(sum[:8])
	return c
}

// Run is one replication of one cell.
type Run struct {
	// Index numbers runs cell-major: Cell*Replications + Replication.
	// Shard I/N runs the runs of the cells with Cell.Index % N == I.
	Index       int
	Cell        Cell
	Replication int // 0-based
	// Seed is the run's seed: RunSeed(sweep seed, cell key, replication).
	Seed uint64
}

// Run returns run i (0 <= i < NumRuns()).
func (s *Spec) Run(i int) Run {
	c := s.Cell(i / s.Replications)
	rep := i % s.Replications
	return Run{Index: i, Cell: c, Replication: rep, Seed: RunSeed(s.Seed, c.Key, rep)}
}

// RunSeed derives a run's seed from the sweep seed, the canonical JSON of
// the cell's axis values and the replication: the first 8 bytes (big
// endian) of SHA-256("trustlab/sweep/seed" 0 seed 0 key 0 replication),
// numbers in decimal. It depends on the values, not on the cell's
// position, so adding a value to an axis changes no other cell's seed.
func RunSeed(seed uint64, cellKey string, replication int) uint64 {
	h := sha256.New()
	h.Write([]byte("trustlab/sweep/seed\x00"))
	h.Write(strconv.AppendUint(nil, seed, 10))
	h.Write([]byte{0})
	h.Write([]byte(cellKey))
	h.Write([]byte{0})
	h.Write(strconv.AppendInt(nil, int64(replication), 10))
	return binary.BigEndian.Uint64(h.Sum(nil)[:8])
}

// Label returns the table label of value v of axis a.
func (s *Spec) Label(a, v int) string { return labelOf(s.Axes[a].Values[v]) }

// Number returns value v of axis a as a number, if it is one.
func (s *Spec) Number(a, v int) (float64, bool) {
	var f float64
	j := s.Axes[a].Values[v]
	if len(j) == 0 || j[0] == '"' || j[0] == '[' || j[0] == '{' {
		return 0, false
	}
	if err := json.Unmarshal(j, &f); err != nil {
		return 0, false
	}
	return f, true
}
