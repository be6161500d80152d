package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/trustlab/trustlab/model"
)

// optFloat is a float flag that remembers whether it was set.
type optFloat struct {
	v   float64
	set bool
}

func (f *optFloat) String() string {
	if f == nil || !f.set {
		return ""
	}
	return strconv.FormatFloat(f.v, 'g', -1, 64)
}

func (f *optFloat) Set(s string) error {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return fmt.Errorf("not a number")
	}
	f.v, f.set = v, true
	return nil
}

// ptr returns the value as a pointer, nil when the flag was not set.
func (f *optFloat) ptr() *float64 {
	if !f.set {
		return nil
	}
	v := f.v
	return &v
}

// paramFlags registers one flag per model parameter.
type paramFlags struct {
	lambda0, kappa, beta, zeta, phi, n0, eta, wPlus, wMinus, gamma, omega optFloat
	deterministic                                                         bool
}

func (p *paramFlags) register(fs *flag.FlagSet) {
	fs.Var(&p.lambda0, "lambda0", "base risk weight lambda0, [0, 1000] (default 1)")
	fs.Var(&p.kappa, "kappa", "trait slope of the risk weight, [0, 50] (default 2)")
	fs.Var(&p.beta, "beta", "inverse temperature of choices, [0, 1e4] (default 5)")
	fs.Var(&p.zeta, "zeta", "ambiguity aversion, [0, inf) (default 0)")
	fs.Var(&p.phi, "phi", "precision of graded amounts, (0, inf) (default 10)")
	fs.Var(&p.n0, "n0", "prior strength for strangers, [0.001, 1e5] (default 2)")
	fs.Var(&p.eta, "eta", "trait learning rate, [0, 1] (default 0)")
	fs.Var(&p.wPlus, "w-plus", "evidence weight of a confirmation, [0, inf) (default 1)")
	fs.Var(&p.wMinus, "w-minus", "evidence weight of a betrayal, [0, inf) (default 2)")
	fs.Var(&p.gamma, "gamma", "retention of evidence, (0, 1] (default 1)")
	fs.Var(&p.omega, "omega", "weight of social reports, [0, inf) (default 0.5)")
	fs.BoolVar(&p.deterministic, "deterministic", false, "deterministic choices (beta -> infinity): trust iff the balance is positive")
}

func (p *paramFlags) params() model.Params {
	return model.Params{
		Lambda0: p.lambda0.ptr(), Kappa: p.kappa.ptr(), Beta: p.beta.ptr(), Zeta: p.zeta.ptr(),
		Phi: p.phi.ptr(), N0: p.n0.ptr(), Eta: p.eta.ptr(), WPlus: p.wPlus.ptr(), WMinus: p.wMinus.ptr(),
		Gamma: p.gamma.ptr(), Omega: p.omega.ptr(), Deterministic: p.deterministic,
	}
}

// parseFlags parses args with fs. -h prints the usage to stdout and returns
// errHelp; a bad flag returns a usageError naming it.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer, synopsis string) error {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(stdout, "Usage: %s\n\nFlags:\n", synopsis)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return errHelp
	}
	if err != nil {
		return usageErrorf("%s", flagError(err.Error()))
	}
	return nil
}

// flagError rewrites the flag package's messages in the project's style:
// `invalid value "x" for flag -trait: not a number` becomes
// `--trait = "x": not a number`.
func flagError(msg string) string {
	if rest, ok := strings.CutPrefix(msg, "invalid value "); ok {
		if i := strings.Index(rest, " for flag -"); i > 0 {
			val := rest[:i]
			name, reason, _ := strings.Cut(rest[i+len(" for flag -"):], ": ")
			return fmt.Sprintf("--%s = %s: %s", name, val, reason)
		}
	}
	if rest, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return fmt.Sprintf("unknown flag --%s", rest)
	}
	return msg
}

// flagName maps a JSON field path of a validation error to the flag that
// sets it: situation.control.cost -> --control-cost, params.w_plus ->
// --w-plus, belief.a -> --belief.
func flagName(field string) string {
	f := strings.TrimPrefix(strings.TrimPrefix(field, "situation."), "params.")
	if v, ok := strings.CutPrefix(f, "belief."); ok {
		return "--belief " + v // the a or b of --belief A,B
	}
	return "--" + strings.NewReplacer("_", "-", ".", "-").Replace(f)
}

// asFlagErrors rewrites every *model.RangeError in err to name its flag and
// returns them joined as one usage error.
func asFlagErrors(err error) error {
	var msgs []string
	for _, e := range unjoin(err) {
		var re *model.RangeError
		if errors.As(e, &re) {
			c := *re
			c.Field = flagName(c.Field)
			msgs = append(msgs, c.Error())
			continue
		}
		msgs = append(msgs, e.Error())
	}
	return usageErrorf("%s", strings.Join(msgs, "; "))
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, unjoin(e)...)
		}
		return out
	}
	return []error{err}
}
