package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/trustlab/trustlab/fit"
	"github.com/trustlab/trustlab/fitrun"
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
	response          string
	endGame           int
}

func (f *estimationFlags) register(fs *flag.FlagSet, prior string) {
	fs.StringVar(&f.prior, "prior", prior, "estimator: empirical (empirical Bayes: MAP under a normal population prior on each parameter, estimated from all subjects; Huys et al. 2011), weak (MAP under a fixed weakly informative prior) or none (maximum likelihood)")
	fs.Var(&f.fix, "fix", "fix parameters: `name=value[,name=value]` (repeatable), e.g. --fix gamma=1; names: "+strings.Join(paramList(), ", "))
	fs.Var(&f.free, "free", "also estimate a parameter fixed by default: lambda0, kappa, gamma or n0 (repeatable)")
	fs.IntVar(&f.restarts, "restarts", 5, "optimizer starts per fit, [1, 100]")
	fs.IntVar(&f.workers, "workers", runtime.GOMAXPROCS(0), "subjects fitted in parallel, [1, 256]; results do not depend on it")
	fs.Uint64Var(&f.seed, "seed", 1, "seed of the restart points (and of the simulation in recover)")
	fs.StringVar(&f.response, "response", fit.DefaultResponse.String(), "response model of graded amounts: bb (beta-binomial), or a +-joined list of lapse (uniform lapses), hurdle (all-or-nothing choices), round (round-number attraction)")
	fs.IntVar(&f.endGame, "end-game", 2, "rounds at the end of each partner's sequence in which models with an end game (full+end_game) lower the expected return, [1, 1000]")
}

func paramList() []string {
	var out []string
	for p := range fit.Base {
		out = append(out, p.String())
	}
	return out
}

// options turns the flags into fitrun.Estimation (Prior always set).
func (f *estimationFlags) options() (fitrun.Estimation, error) {
	o := fitrun.Estimation{Fixed: fit.Fixed{}, Restarts: f.restarts, Seed: new(f.seed), Workers: f.workers, EndGame: f.endGame}
	resp, err := fit.ParseResponseModel(f.response)
	if err != nil {
		return o, usageErrorf("--response: %v", err)
	}
	o.Response = &resp
	if f.endGame < 1 || f.endGame > 1000 {
		return o, usageErrorf("--end-game = %d: must be in [1, 1000]", f.endGame)
	}
	for _, s := range f.fix {
		if err := fit.ParseFix(o.Fixed, s); err != nil {
			if strings.TrimSpace(s) == "" {
				return o, usageErrorf("--fix: %v", err)
			}
			return o, usageErrorf("--fix %v", err)
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
	prior, err := fit.ParsePrior(f.prior)
	if err != nil {
		return o, usageErrorf("--prior = %v", err)
	}
	o.Prior = &prior
	if f.restarts < 1 || f.restarts > 100 {
		return o, usageErrorf("--restarts = %d: must be in [1, 100]", f.restarts)
	}
	if f.workers < 1 || f.workers > 256 {
		return o, usageErrorf("--workers = %d: must be in [1, 256]", f.workers)
	}
	return o, nil
}

// progress draws a progress bar on stderr from fitrun's reports when
// stderr is a terminal; otherwise it is off (logs and golden tests stay
// clean). Under empirical Bayes the description names the EM iterations
// that come before the final fits.
type progress struct {
	f    *os.File // nil: off
	what string
	bar  *progressbar.ProgressBar
}

func newProgress(stderr io.Writer, what string) *progress {
	f, ok := stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return &progress{what: what}
	}
	return &progress{f: f, what: what}
}

func (p *progress) on() bool { return p.f != nil }

// withProgress runs do with a progress bar for what on e's stderr (when
// it is a terminal), handed to do's options through hook, and finishes
// the bar when do returns, before anything is printed.
func withProgress[T any](e *env, what string, hook *func(fitrun.Progress), do func() (T, error)) (T, error) {
	bar := newProgress(e.stderr, what)
	if bar.on() {
		*hook = bar.report
	}
	defer bar.finish()
	return do()
}

func (p *progress) report(r fitrun.Progress) {
	switch r.Stage {
	case fitrun.StageStart:
		desc := p.what
		if r.Prior == fit.PriorEmpirical {
			desc = p.what + " (empirical Bayes: first fits)"
		}
		p.bar = progressbar.NewOptions(r.Total,
			progressbar.OptionSetWriter(p.f),
			progressbar.OptionSetDescription(desc),
			progressbar.OptionShowCount(),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionThrottle(100_000_000),
		)
	case fitrun.StageEM:
		p.bar.Describe(fmt.Sprintf("%s (empirical Bayes: EM iteration %d)", p.what, r.Iteration))
	case fitrun.StageSubject:
		if r.Done == 1 {
			p.bar.Describe(p.what)
		}
		_ = p.bar.Add(1)
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}

// oneFile is the one positional argument of the command cmd, a file of
// the kind what ("scenario file"); none is the usage error missing, more
// than one a usage error listing them.
func oneFile(cmd, what string, positional []string, missing string) (string, error) {
	switch len(positional) {
	case 1:
		return positional[0], nil
	case 0:
		return "", usageErrorf("%s", missing)
	}
	return "", usageErrorf("%s: one %s expected, got %d: %s", cmd, what, len(positional), strings.Join(positional, " "))
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
