package fitrun

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/trustlab/trustlab/fit"
)

// Manifest records what a fit or recovery did, for reproducing it; it is
// written to manifest.json.
type Manifest struct {
	Command         string             `json:"command"`
	Version         string             `json:"version"`
	GoVersion       string             `json:"go_version,omitempty"`
	Args            []string           `json:"args"`
	Data            *FileInfo          `json:"data,omitempty"`
	Spec            *FileInfo          `json:"spec,omitempty"`
	Questionnaire   *QuestionnaireInfo `json:"questionnaire,omitempty"`
	Models          []string           `json:"models,omitempty"`
	Seed            uint64             `json:"seed"`
	Restarts        int                `json:"restarts"`
	Fixed           string             `json:"fixed"`
	Free            []string           `json:"free"`
	Samples         int                `json:"samples,omitempty"` // posterior draws per subject (samples.parquet)
	Role            string             `json:"role,omitempty"`    // whose decisions: trustor, trustee (empty: trustor)
	Pool            string             `json:"pool,omitempty"`
	Split           string             `json:"split,omitempty"`  // the column split by (Options.Split)
	Levels          []SplitLevel       `json:"levels,omitempty"` // its levels, each fitted into its folder
	CVFraction      float64            `json:"cv_fraction,omitempty"`
	CVFolds         int                `json:"cv_folds,omitempty"`
	LOSO            bool               `json:"loso,omitempty"`
	NoCV            bool               `json:"no_cv,omitempty"`
	Workers         int                `json:"workers,omitempty"`
	Subjects        int                `json:"subjects"`
	Fits            int                `json:"fits,omitempty"`
	Trials          int                `json:"trials,omitempty"`
	Missed          int                `json:"missed_trials,omitempty"`
	EmptySubjects   int                `json:"subjects_all_missed,omitempty"`
	UnmatchedTraits []string           `json:"subjects_without_questionnaire,omitempty"`
	Dropped         []DroppedSubject   `json:"dropped_subjects,omitempty"`
	Design          string             `json:"design,omitempty"`
	Ranges          map[string]string  `json:"ranges,omitempty"`
	Prior           string             `json:"prior"`
	Response        string             `json:"response"`
	EndGame         int                `json:"end_game_rounds,omitempty"`
	Populations     []*fit.Population  `json:"population_priors,omitempty"`
	Seconds         float64            `json:"seconds"`
	Outputs         []string           `json:"outputs"`
}

// DroppedSubject is a subject left out by DropInvalid, with its bad rows.
type DroppedSubject struct {
	ID     string   `json:"subject"`
	Errors []string `json:"errors"`
}

// FileInfo names an input file and its SHA-256.
type FileInfo struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// QuestionnaireInfo describes the questionnaire that set tau.
type QuestionnaireInfo struct {
	Path        string `json:"path"`
	Key         string `json:"key"`
	Scale       string `json:"scale"`
	Items       int    `json:"items"`
	Respondents int    `json:"respondents"`
	Skipped     int    `json:"skipped"`
	Alpha       Float  `json:"cronbach_alpha"`
	SEM         Float  `json:"tau_standard_error"`
	TauFrom     string `json:"tau_from"`
}

// Float is a float64 that marshals NaN and infinities as null.
type Float float64

// MarshalJSON implements json.Marshaler.
func (x Float) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
		return []byte("null"), nil
	}
	return []byte(strconv.FormatFloat(float64(x), 'g', 10, 64)), nil
}

func hashFile(path string) (*FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	return &FileInfo{Path: path, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

func paramNames(ps []fit.Param) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

// writeJSON writes v indented to dir/name.
func writeJSON(dir, name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name), append(b, '\n'), 0o644)
}

// csvFile writes one CSV file; Close reports the first error.
type csvFile struct {
	f   *os.File
	w   *csv.Writer
	err error
}

func createCSV(dir, name string, header []string) (*csvFile, error) {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	c := &csvFile{f: f, w: csv.NewWriter(f)}
	c.write(header)
	return c, nil
}

func (c *csvFile) write(rec []string) {
	if c.err == nil {
		c.err = c.w.Write(rec)
	}
}

// flush writes buffered rows to the file so that finished subjects are on
// disk even if a later subject fails.
func (c *csvFile) flush() error {
	c.w.Flush()
	if c.err == nil {
		c.err = c.w.Error()
	}
	return c.err
}

func (c *csvFile) Close() error {
	err := c.flush()
	if cerr := c.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", c.f.Name(), err)
	}
	return nil
}

// num formats a number for CSV: NA for NaN, shortest round-trip otherwise.
func num(x float64) string {
	if math.IsNaN(x) {
		return "NA"
	}
	if math.IsInf(x, 0) {
		if x > 0 {
			return "Inf"
		}
		return "-Inf"
	}
	return strconv.FormatFloat(x, 'g', 10, 64)
}
