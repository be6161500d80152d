package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/trustlab/trustlab/fit"
	"github.com/trustlab/trustlab/fitrun"
)

const recoverSynopsis = `trustlab recover [flags]

Parameter recovery: simulate subjects with parameters drawn from stated
ranges in a stated design, fit the full model to each with the estimator
of trustlab fit (--prior, empirical Bayes by default), and report per
parameter the correlation and bias between true and estimated values.

The default design is like mikus2023: two partners x 25 trials that
reciprocate on 72% and 28% of trials (shuffled per subject), graded amounts
of 10, multiplier 3, a reciprocating partner returns half, feedback on every
trial. Parameters fixed by default (lambda0, kappa, n0, gamma) are simulated
at their fixed values and reported with the reason they are fixed.

Outputs in --out: recovery.csv (one row per parameter), subjects.csv (true
and estimated values per subject), scatter plots, index.html, manifest.json.

Examples:
  trustlab recover
  trustlab recover --subjects 500 --range beta=1:20 --out rec
  trustlab recover --partners a:40:0.8,b:40:0.5,c:40:0.2 --free gamma`

func cmdRecover(e *env, args []string) error {
	fs := flag.NewFlagSet("recover", flag.ContinueOnError)
	var (
		est                  estimationFlags
		subjects             int
		partners, out        string
		ranges               listFlag
		endowment            int
		multiplier, honour   float64
		feedback             string
		interleaved, noPlots bool
		modelName            string
		confusion            string
	)
	est.register(fs, "empirical")
	fs.IntVar(&subjects, "subjects", 200, "synthetic subjects, [2, 100000]")
	fs.StringVar(&partners, "partners", "good:25:0.72,bad:25:0.28", "design: partners as `name:trials:reciprocation,...`")
	fs.IntVar(&endowment, "endowment", 10, "design: whole units the subject may send, [1, 1e6] (1: binary choices)")
	fs.Float64Var(&multiplier, "multiplier", 3, "design: multiplier of the amount sent, (1, inf)")
	fs.Float64Var(&honour, "honour-return", 0.5, "design: fraction of the multiplied amount a reciprocating partner returns, (0, 1]")
	fs.StringVar(&feedback, "feedback", "every_trial", "design: every_trial or after_trust (outcome only when something was sent)")
	fs.BoolVar(&interleaved, "interleaved", false, "design: alternate partners trial by trial instead of blocks")
	fs.Var(&ranges, "range", "draw a parameter from `name=lo:hi` (repeatable; log-uniform except tau and gamma)")
	fs.StringVar(&out, "out", "recover-out", "output `directory`")
	fs.BoolVar(&noPlots, "no-plots", false, "write CSV and JSON only")
	fs.StringVar(&modelName, "model", "full", "the model simulated and fitted: full, a variant, a rival (rw, rw2, reciprocity), or trustee (the trustees' returns, with each design partner a trustor sending 1..endowment at random)")
	fs.StringVar(&confusion, "confusion", "", "model recovery instead: simulate --subjects from each of these `models` (all: full,rw,rw2,reciprocity,baseline), fit them all by maximum likelihood and count the winner by BIC (confusion.csv)")
	if err := parseFlags(fs, args, e.stdout, recoverSynopsis); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("recover: unexpected argument %q", fs.Arg(0))
	}
	eo, err := est.options()
	if err != nil {
		return err
	}
	if subjects < 2 || subjects > 100000 {
		return usageErrorf("--subjects = %d: must be in [2, 100000]", subjects)
	}
	design, err := parseDesign(partners, endowment, multiplier, honour, feedback, interleaved)
	if err != nil {
		return err
	}
	ro := fitrun.RecoverOptions{Estimation: eo, Subjects: subjects, Design: design, Ranges: map[fit.Param]fit.Range{},
		NoPlots: noPlots, Version: version, Args: args}
	for _, r := range ranges {
		if err := fit.ParseRange(ro.Ranges, r); err != nil {
			return usageErrorf("--range %v", err)
		}
	}
	if confusion != "" {
		co := fitrun.ConfusionOptions{Estimation: eo, Subjects: subjects, Design: design, Ranges: ro.Ranges, Version: version, Args: args}
		if confusion != "all" {
			ms, err := fit.ParseModels(confusion)
			if err != nil {
				return usageErrorf("--confusion: %v", err)
			}
			co.Models = ms
		}
		conf, err := withProgress(e, "recover", &co.Progress, func() (*fit.Confusion, error) {
			return fitrun.ModelRecovery(e.ctx, out, co)
		})
		if err != nil {
			return inputError(err)
		}
		printConfusion(e.stdout, conf)
		return nil
	}
	switch modelName {
	case "full":
	case "trustee": // trustees' returns: trustors sending 1..endowment at random
		ms, _ := fit.ParseModelsFor("trustee", true)
		ro.Model = ms[0]
	default:
		ms, err := fit.ParseModels(modelName)
		if err != nil || len(ms) != 2 {
			return usageErrorf("--model %q: must be one model: full, a variant, a rival (rw, rw2, reciprocity) or trustee", modelName)
		}
		ro.Model = ms[1]
	}
	rec, err := withProgress(e, "recover", &ro.Progress, func() (*fitrun.Recovery, error) {
		return fitrun.Recover(e.ctx, out, ro)
	})
	if err != nil {
		return inputError(err)
	}
	printRecovery(e.stdout, rec)
	fmt.Fprintf(e.stdout, "\n%d subjects fitted in %.1f s; outputs in %s\n", subjects, rec.Manifest.Seconds, out)
	return nil
}

func parseDesign(partners string, endowment int, multiplier, honour float64, feedback string, interleaved bool) (fit.Design, error) {
	d := fit.Design{Endowment: endowment, Multiplier: multiplier, HonourReturn: honour, Interleaved: interleaved}
	for part := range strings.SplitSeq(partners, ",") {
		f := strings.Split(strings.TrimSpace(part), ":")
		if len(f) != 3 {
			return d, usageErrorf("--partners %q: want name:trials:reciprocation, e.g. good:25:0.72", part)
		}
		n, err1 := strconv.Atoi(f[1])
		q, err2 := strconv.ParseFloat(f[2], 64)
		if err1 != nil || err2 != nil || n < 1 || n > 100000 || !(q >= 0 && q <= 1) {
			return d, usageErrorf("--partners %q: trials must be a whole number in [1, 100000] and reciprocation in [0, 1]", part)
		}
		d.Partners = append(d.Partners, fit.PartnerDesign{Name: f[0], Trials: n, Reciprocation: q})
	}
	switch feedback {
	case "every_trial":
	case "after_trust":
		d.AfterTrust = true
	default:
		return d, usageErrorf("--feedback = %q: must be every_trial or after_trust", feedback)
	}
	if endowment < 1 || endowment > 1e6 {
		return d, usageErrorf("--endowment = %d: must be in [1, 1e6]", endowment)
	}
	if !(multiplier > 1) {
		return d, usageErrorf("--multiplier = %g: must be in (1, inf)", multiplier)
	}
	if !(honour > 0 && honour <= 1) {
		return d, usageErrorf("--honour-return = %g: must be in (0, 1]", honour)
	}
	return d, nil
}

func printRecovery(w io.Writer, rec *fitrun.Recovery) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "parameter\tdrawn from\tr\tSpearman\tbias\tat bound\t\n")
	for _, p := range rec.Params {
		if !p.Free {
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%.3f\t%.3f\t%+.3f\t%d\t\n", p.Name, p.Range, p.Pearson, p.Spearman, p.Bias, p.AtBound)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nr: Pearson correlation of true and estimated values on the drawing scale (log for log-uniform ranges).\n")
	fmt.Fprintf(w, "estimator: %s\n", fitrun.EstimatorText(rec.Fits[0].Estimates[0].Prior))
	for _, p := range rec.Params {
		if !p.Free {
			fmt.Fprintf(w, "%s %s\n", p.Name, p.Note)
		}
	}
	for _, warn := range rec.Warnings {
		fmt.Fprintln(w, warn)
	}
}

// printConfusion prints the model-recovery matrix: rows simulated, columns
// the model with the lowest BIC, as shares of the subjects.
func printConfusion(w io.Writer, c *fit.Confusion) {
	fmt.Fprintf(w, "model recovery: %d subjects simulated from each model (rows), share best fitted by each model (columns, lowest BIC)\n\n", c.Subjects)
	fmt.Fprintf(w, "%14s", "simulated")
	for _, m := range c.Models {
		fmt.Fprintf(w, " %12s", m)
	}
	fmt.Fprintln(w)
	for g, row := range c.Counts {
		fmt.Fprintf(w, "%14s", c.Models[g])
		for _, n := range row {
			fmt.Fprintf(w, " %12.2f", float64(n)/float64(c.Subjects))
		}
		fmt.Fprintln(w)
	}
}
