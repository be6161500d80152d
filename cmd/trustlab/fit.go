package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/trustlab/trustlab/dataset"
	"github.com/trustlab/trustlab/fit"
	"github.com/trustlab/trustlab/fitrun"
)

const fitSynopsis = `trustlab fit DATA.csv --spec SPEC.yaml [flags]

Fit the pyramid model to people's trust decisions, one subject at a time:
each subject's choices are replayed through the model (beliefs per partner
start at the trait prior and learn from the feedback the subject saw). The
parameters are estimated by empirical Bayes (the default, --prior
empirical): maximum a posteriori under a normal population prior per
parameter whose mean and spread are estimated from all subjects (EM, Huys
et al. 2011); it recovers parameters far better than maximum likelihood
(--prior none; pooled fits use it). The full model is compared with nested
variants and a baseline that ignores the situation (AIC, BIC,
cross-validation and, under a prior, the integrated BIC).

Estimated by default: tau, beta, w_plus, w_minus and phi (graded amounts
only); fixed at MODEL.md's defaults: lambda0 = 1, kappa = 2, n0 = 2,
gamma = 1 (see docs/fitting.md for why; --free estimates them, --fix fixes
others). Models: full, no_asymmetry, no_risk, no_trait, no_learning,
baseline.

--role trustee fits the trustees' returns instead (the spec's
columns.trustee names who returned): the trustee model, in which the
returned fraction is sigmoid(logit(ret_base) + ret_recip x (share sent -
1/2)), against a constant fraction per trustee (baseline). With both roles
in the spec, both are fitted (the trustees into --out/trustees).

Outputs in --out: subjects.csv (one row per subject and model: estimates,
standard errors, log-likelihood, AIC, BIC, cross-validated log-likelihood,
warnings), comparison.csv (totals per model), predictions.csv, plots,
index.html and manifest.json; under a prior, samples.parquet (posterior
draws, long format) and intervals.csv (their 95% intervals per subject and
parameter, beside the Laplace ones).

Examples:
  trustlab fit trials.csv --spec examples/data/mikus2023.yaml --out mikus
  trustlab fit trials.csv --spec srndna.yaml --models no_learning,baseline --fix gamma=1
  trustlab fit pairs.csv --spec berg1995.yaml --pool group
  trustlab fit trials.csv --spec examples/data/mikus2023.yaml --split treatment --out by-treatment
  trustlab fit trials.csv --spec s.yaml --questionnaire answers.csv --key key.yaml --tau-from prior`

func cmdFit(e *env, args []string) error {
	fs := flag.NewFlagSet("fit", flag.ContinueOnError)
	var (
		est                         estimationFlags
		specPath, models, out, pool string
		qPath, keyPath, tauFrom     string
		cvFraction                  float64
		cvFolds, replications       int
		samples                     int
		noCV, noPlots, force, drop  bool
		loso                        bool
		role, split                 string
	)
	est.register(fs, "empirical")
	fs.StringVar(&specPath, "spec", "", "data spec `SPEC.yaml` mapping CSV columns to roles (required; see examples/data)")
	fs.StringVar(&models, "models", "all", "models to fit: all, or a comma-separated list of "+strings.Join(fit.VariantNames(), ", ")+" (full is always fitted)")
	fs.StringVar(&out, "out", "fit-out", "output `directory`")
	fs.StringVar(&role, "role", "auto", "whose decisions to fit: trustor (amounts sent), trustee (amounts returned: the trustee model, needs columns.trustee in the spec), both (the trustees into OUT/trustees), or auto (both when the spec names columns.trustee, else trustor)")
	fs.StringVar(&split, "split", "", "fit each level of this data `COLUMN` (e.g. treatment) on its own: one fit per value, into OUT/levels/LEVEL, with comparison.csv and subjects.csv of all levels joined under a first column level (at most 50 levels)")
	fs.StringVar(&pool, "pool", "none", "fit one parameter set per pool: none (per subject), group (per value of the group column) or all")
	fs.StringVar(&qPath, "questionnaire", "", "questionnaire responses `CSV` (one row per subject) whose trust-scale score fixes or informs tau; needs --key")
	fs.StringVar(&keyPath, "key", "", "questionnaire scoring key `YAML`: items, reverse-keyed items, response range")
	fs.StringVar(&tauFrom, "tau-from", "fix", "how the questionnaire score enters: fix (tau = score) or prior (normal penalty around the score, SD = standard error of measurement)")
	fs.Float64Var(&cvFraction, "cv-fraction", 0.8, "cross-validation: fraction of each partner's trials (the earliest) to fit; the rest are scored, (0, 1)")
	fs.IntVar(&cvFolds, "cv-folds", 0, "cross-validation: blocked k-fold over each partner's trials with this many folds, [2, 100], instead of the last-trials split (0)")
	fs.BoolVar(&noCV, "no-cv", false, "skip the cross-validation fits")
	fs.IntVar(&replications, "replications", 20, "posterior predictive checks: whole sequences simulated per subject from the full model and the baseline for the report's plots, [0, 1000] (0: none)")
	fs.IntVar(&samples, "samples", 500, "posterior draws per subject of the first model under its prior (samples.parquet, intervals.csv, and intervals in the report), [0, 100000] (0: none; maximum likelihood has no posterior)")
	fs.BoolVar(&loso, "loso", false, "empirical Bayes: also score each subject under the population prior estimated without it (leave-one-subject-out log evidence, the population level's prediction of a new person)")
	fs.BoolVar(&noPlots, "no-plots", false, "write CSV and JSON only")
	fs.BoolVar(&force, "force", false, "replace an earlier fit in --out (outputs are written to a temporary folder and renamed into place at the end: a failed fit leaves --out as it was)")
	fs.BoolVar(&drop, "drop-invalid", false, "leave out the subjects with bad rows (listed in manifest.json and index.html) instead of refusing the data set")
	pos, err := parseInterspersed(fs, args, e.stdout, fitSynopsis)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		if len(pos) == 0 {
			return usageErrorf("fit: give one data file: trustlab fit DATA.csv --spec SPEC.yaml")
		}
		return usageErrorf("fit: unexpected argument %q: give one data file", pos[1])
	}
	dataPath := pos[0]
	if specPath == "" {
		return usageErrorf("--spec: required: the data spec mapping the columns of %s to roles (see examples/data/*.yaml)", filepath.Base(dataPath))
	}
	eo, err := est.options()
	if err != nil {
		return err
	}
	o := fitrun.Options{Estimation: eo, Questionnaire: qPath, Key: keyPath, NoPlots: noPlots, Force: force, DropInvalid: drop, Version: version, Args: args, Split: split}
	if o.Role, err = fitrun.ParseRole(role); err != nil {
		return usageErrorf("--%v", err)
	}
	if o.Role == fitrun.RoleTrustee {
		o.TrusteeModels, err = fit.ParseModelsFor(models, true)
	} else {
		o.Models, err = fit.ParseModels(models)
	}
	if err != nil {
		return usageErrorf("--models: %v", err)
	}
	if !(cvFraction > 0 && cvFraction < 1) {
		return usageErrorf("--cv-fraction = %g: must be in (0, 1)", cvFraction)
	}
	o.CVFraction, o.NoCV, o.CVFolds, o.LOSO = cvFraction, noCV, cvFolds, loso
	o.Replications, o.NoPPC = replications, replications == 0
	o.Samples, o.NoSamples = samples, samples == 0
	if o.TraitMode, err = fit.ParseTraitMode(tauFrom); err != nil {
		return usageErrorf("--tau-from = %v", err)
	}
	if o.Pool, err = fitrun.ParsePool(pool); err != nil {
		return usageErrorf("--pool = %q: must be none, group or all", pool)
	}
	explicit := false
	fs.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "prior" })
	if !explicit {
		o.Prior = nil // the default: empirical Bayes, or maximum likelihood for pooled fits
	} else if o.Pool != fitrun.PoolNone && *o.Prior == fit.PriorEmpirical {
		return usageErrorf("--prior empirical: cannot be combined with --pool %s (a population prior needs many separate fits; use --prior none or weak)", pool)
	}
	if (qPath == "") != (keyPath == "") {
		return usageErrorf("--questionnaire and --key go together: give both or neither")
	}
	if _, ok := o.Fixed[fit.Tau]; ok && qPath != "" {
		return usageErrorf("--fix tau: cannot be combined with --questionnaire, which sets tau per subject")
	}
	if o.Pool != fitrun.PoolNone && qPath != "" {
		return usageErrorf("--pool %s: cannot be combined with --questionnaire (tau is set per subject)", pool)
	}
	// The ranges and combinations of the options are checked in one place,
	// fitrun.Options.Validate (as for the web laboratory's fits), before
	// any file is read; its errors name the flag.
	if err := o.Validate(); err != nil {
		return inputError(err)
	}
	res, err := withProgress(e, "fit", &o.Progress, func() (*fitrun.Result, error) {
		return fitrun.Run(e.ctx, dataPath, specPath, out, o)
	})
	if err != nil {
		return inputError(unreadableInput(err, input{"the data file", dataPath}, input{"--spec", specPath},
			input{"--questionnaire", qPath}, input{"--key", keyPath}))
	}
	if len(res.Levels) > 0 {
		fmt.Fprintf(e.stdout, "split by %s: %d levels, each fitted on its own (%s/levels/LEVEL)\n", split, len(res.Levels), out)
		for i, lv := range res.Levels {
			fmt.Fprintf(e.stdout, "\n%s = %s (%s/%s): ", split, lv.Level, out, res.Manifest.Levels[i].Folder)
			printComparison(e.stdout, lv.Result)
			if t := lv.Trustees; t != nil {
				fmt.Fprintf(e.stdout, "\ntrustees (%s/%s/trustees): ", out, res.Manifest.Levels[i].Folder)
				printComparison(e.stdout, t)
			}
		}
		return nil
	}
	printComparison(e.stdout, res)
	if t := res.Trustees; t != nil {
		fmt.Fprintf(e.stdout, "\ntrustees (%s/trustees): ", out)
		printComparison(e.stdout, t)
	}
	return nil
}

// inputError turns errors about input (which name file, line and column)
// into usage errors: exit status 2. Options out of range are named by
// their flag (--split = arm: ...).
func inputError(err error) error {
	var ie *fitrun.InputError
	var de *dataset.Error
	var oe *fitrun.OptionError
	if errors.As(err, &oe) {
		var lines []string
		for _, e := range fitrun.Problems(err) {
			if errors.As(e, &oe) {
				e = fmt.Errorf("%s", strings.Replace(e.Error(), oe.Error(), optionText(oe), 1))
			}
			lines = append(lines, e.Error())
		}
		return usageErrorf("%s", strings.Join(lines, "\n"))
	}
	if errors.As(err, &ie) || errors.As(err, &de) {
		return usageErrorf("%v", err)
	}
	return err
}

func printComparison(wr io.Writer, res *fitrun.Result) {
	man := res.Manifest
	unit := "subjects"
	if man.Pool != "none" {
		unit = "pools"
	}
	if man.Role == fitrun.RoleTrustee.String() {
		unit = "trustees"
		if man.Pool != "none" {
			unit = "pools of trustees"
		}
	}
	fmt.Fprintf(wr, "fitted %d %s (%d subjects, %d trials, %d missed trials skipped) in %.1f s\n\n", man.Fits, unit, man.Subjects, man.Trials, man.Missed, man.Seconds)
	header, rows := res.Comparison()
	tw := tabwriter.NewWriter(wr, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, strings.Join(header, "\t")+"\t")
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t")+"\t")
	}
	tw.Flush()
	first := "the full model"
	if man.Role == fitrun.RoleTrustee.String() {
		first = "the trustee model"
	}
	fmt.Fprintf(wr, "\nk: free parameters summed over fits; Δ: difference from %s (lower AIC/BIC, higher CV log-likelihood is better);\nbest: fits for which the model has the best AIC / BIC / held-out log-likelihood.\n", first)
	if res.Prior != fit.PriorNone {
		fmt.Fprintf(wr, "estimates are MAP under the %s prior: log-likelihood, AIC and BIC are at the MAP; iBIC = -2 log evidence (Laplace) + prior parameters x ln(choices) compares models under their priors.\n", res.Prior)
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(wr, w)
	}
}

// optionText is an OptionError as the CLI says it: by its flag.
func optionText(oe *fitrun.OptionError) string {
	if oe.Value == "" {
		return oe.Flag() + ": " + oe.Msg
	}
	return oe.Flag() + " = " + oe.Value + ": " + oe.Msg
}
