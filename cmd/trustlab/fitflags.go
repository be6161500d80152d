package main

import (
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/trustlab/trustlab/fit"
)

// listFlag collects a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, " ") }
func (l *listFlag) Set(s string) error {
	*l = append(*l, s)
	return nil
}

// estimationFlags are the flags fit and recover share.
type estimationFlags struct {
	fix, free         listFlag
	restarts, workers int
	seed              uint64
	prior             string
}

func (f *estimationFlags) register(fs *flag.FlagSet, prior string) {
	fs.StringVar(&f.prior, "prior", prior, "estimator: empirical (empirical Bayes: MAP under a normal population prior on each parameter, estimated from all subjects; Huys et al. 2011), weak (MAP under a fixed weakly informative prior) or none (maximum likelihood)")
	fs.Var(&f.fix, "fix", "fix parameters: `name=value[,name=value]` (repeatable), e.g. --fix gamma=1; names: "+strings.Join(paramList(), ", "))
	fs.Var(&f.free, "free", "also estimate a parameter fixed by default: lambda0, kappa, gamma or n0 (repeatable)")
	fs.IntVar(&f.restarts, "restarts", 5, "optimizer starts per fit, [1, 100]")
	fs.IntVar(&f.workers, "workers", runtime.GOMAXPROCS(0), "subjects fitted in parallel, [1, 256]; results do not depend on it")
	fs.Uint64Var(&f.seed, "seed", 1, "seed of the restart points (and of the simulation in recover)")
}

func paramList() []string {
	var out []string
	for p := range fit.Base {
		out = append(out, p.String())
	}
	return out
}

// options turns the flags into fit.Options.
func (f *estimationFlags) options() (fit.Options, error) {
	o := fit.Options{Fixed: fit.Fixed{}, Restarts: f.restarts, Seed: f.seed}
	for _, s := range f.fix {
		if err := fit.ParseFix(o.Fixed, s); err != nil {
			return o, usageErrorf("%v", err)
		}
	}
	for _, s := range f.free {
		for name := range strings.SplitSeq(s, ",") {
			p, err := fit.ParseParam(name)
			if err != nil {
				return o, usageErrorf("--free %q: %v", name, err)
			}
			switch p {
			case fit.Lambda0, fit.Kappa, fit.Gamma, fit.N0:
			default:
				if p == fit.Base {
					return o, usageErrorf("--free %q: unknown parameter", name)
				}
				return o, usageErrorf("--free %v: already estimated by default (--free applies to lambda0, kappa, gamma, n0)", p)
			}
			if _, fixed := o.Fixed[p]; fixed {
				return o, usageErrorf("--free %v: also fixed with --fix", p)
			}
			o.Free = append(o.Free, p)
		}
	}
	var err error
	if o.Prior, err = fit.ParsePrior(f.prior); err != nil {
		return o, usageErrorf("%v", err)
	}
	if f.restarts < 1 || f.restarts > 100 {
		return o, usageErrorf("--restarts = %d: must be in [1, 100]", f.restarts)
	}
	if f.workers < 1 || f.workers > 256 {
		return o, usageErrorf("--workers = %d: must be in [1, 256]", f.workers)
	}
	return o, nil
}

// newProgress returns a progress bar on stderr when it is a terminal, and
// a no-op otherwise (logs and golden tests stay clean). Under empirical
// Bayes it sets o.OnIteration to show the EM iterations that come before
// the final fits.
func newProgress(stderr io.Writer, total int, what string, o *fit.Options) (add func(), finish func()) {
	f, ok := stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return func() {}, func() {}
	}
	desc := what
	if o.Prior == fit.PriorEmpirical {
		desc = what + " (empirical Bayes: first fits)"
	}
	bar := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(f),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(100_000_000),
	)
	if o.Prior == fit.PriorEmpirical {
		o.OnIteration = func(it int) { bar.Describe(fmt.Sprintf("%s (empirical Bayes: EM iteration %d)", what, it)) }
	}
	return func() {
		if bar.State().CurrentNum == 0 {
			bar.Describe(what)
		}
		_ = bar.Add(1)
	}, func() { _ = bar.Finish() }
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

// writeJSON writes v indented to dir/name.
func writeJSON(dir, name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name), append(b, '\n'), 0o644)
}

// jsonNum is a float that marshals NaN as null.
type jsonNum float64

func (x jsonNum) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
		return []byte("null"), nil
	}
	return []byte(strconv.FormatFloat(float64(x), 'g', 10, 64)), nil
}

// parseInterspersed is parseFlags for commands with positional arguments:
// flags may come before and after them (fit DATA.csv --spec S.yaml).
func parseInterspersed(fs *flag.FlagSet, args []string, stdout io.Writer, synopsis string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args, stdout, synopsis); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
