package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/trustlab/trustlab/internal/srcpos"
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

// paramFlags registers one flag per model parameter (model.ParamTable:
// --lambda0, ..., --w-plus, with the range and default in the help).
type paramFlags struct {
	values        []optFloat // one per model.ParamTable entry
	deterministic bool
}

func (p *paramFlags) register(fs *flag.FlagSet) {
	tab := model.ParamTable()
	p.values = make([]optFloat, len(tab))
	for i, pi := range tab {
		fs.Var(&p.values[i], strings.ReplaceAll(pi.Name, "_", "-"), fmt.Sprintf("%s, %s (default %g)", pi.Doc, pi.Range(), pi.Default))
	}
	fs.BoolVar(&p.deterministic, "deterministic", false, "deterministic choices (beta -> infinity): trust iff the balance is positive")
}

func (p *paramFlags) params() model.Params {
	out := model.Params{Deterministic: p.deterministic}
	for i, pi := range model.ParamTable() {
		*pi.In(&out) = p.values[i].ptr()
	}
	return out
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
	for _, e := range srcpos.Flatten(err) {
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
