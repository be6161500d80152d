package fitrun

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/trustlab/trustlab/fit"
)

// OptionError is one option of a fit outside its allowed values. Field is
// the option's name in [Settings] (its JSON key: cv_fraction, models...;
// the CLI flag is the same with dashes), Value what was given, Range the
// allowed values and Msg the problem ("must be in (0, 1)").
type OptionError struct {
	Field string
	Value string
	Range string
	Msg   string
}

// Error returns "field = value: msg" (or "field: msg" without a value).
func (e *OptionError) Error() string {
	if e.Value == "" {
		return e.Field + ": " + e.Msg
	}
	return e.Field + " = " + e.Value + ": " + e.Msg
}

// Flag returns the CLI flag of the option, "--cv-fraction".
func (e *OptionError) Flag() string { return "--" + strings.ReplaceAll(e.Field, "_", "-") }

func optErr(field, value, rng, format string, a ...any) *OptionError {
	return &OptionError{Field: field, Value: value, Range: rng, Msg: fmt.Sprintf(format, a...)}
}

// MaxSplitLevels is the most levels a split column may have ([Options.Split]).
const MaxSplitLevels = 50

// Validate checks the ranges and combinations of the options (the one
// place where a fit's options are checked; [Run] calls it, and so do the
// CLI and the web laboratory before a fit starts). Every problem is an
// *OptionError; several are joined.
func (o Options) Validate() error {
	var errs []error
	add := func(e *OptionError) { errs = append(errs, e) }
	if o.Restarts != 0 && (o.Restarts < 1 || o.Restarts > 100) {
		add(optErr("restarts", strconv.Itoa(o.Restarts), "[1, 100]", "must be in [1, 100]"))
	}
	if o.Workers != 0 && (o.Workers < 1 || o.Workers > 256) {
		add(optErr("workers", strconv.Itoa(o.Workers), "[1, 256]", "must be in [1, 256]"))
	}
	if o.EndGame != 0 && (o.EndGame < 1 || o.EndGame > 1000) {
		add(optErr("end_game", strconv.Itoa(o.EndGame), "[1, 1000]", "must be in [1, 1000]"))
	}
	if o.CVFraction != 0 && !(o.CVFraction > 0 && o.CVFraction < 1) {
		add(optErr("cv_fraction", strconv.FormatFloat(o.CVFraction, 'g', -1, 64), "(0, 1)", "must be in (0, 1)"))
	}
	if o.CVFolds != 0 && (o.CVFolds < 2 || o.CVFolds > 100) {
		add(optErr("cv_folds", strconv.Itoa(o.CVFolds), "[2, 100]", "must be in [2, 100] (or 0: the last-trials split)"))
	}
	if o.Replications < 0 || o.Replications > 1000 {
		add(optErr("replications", strconv.Itoa(o.Replications), "[0, 1000]", "must be in [0, 1000] (0: none)"))
	}
	if o.Samples < 0 || o.Samples > 100000 {
		add(optErr("samples", strconv.Itoa(o.Samples), "[0, 100000]", "must be in [0, 100000] (0: none)"))
	}
	if o.Pool < PoolNone || o.Pool > PoolAll {
		add(optErr("pool", o.Pool.String(), "none, group, all", "must be none, group or all"))
	}
	if o.Role < RoleAuto || o.Role > RoleBoth {
		add(optErr("role", o.Role.String(), "auto, trustor, trustee, both", "must be auto, trustor, trustee or both"))
	}
	if o.Pool != PoolNone && o.Prior != nil && *o.Prior == fit.PriorEmpirical {
		add(optErr("prior", "empirical", "none, weak", "cannot be combined with pool %s (a population prior needs many separate fits; use prior none or weak)", o.Pool))
	}
	if o.LOSO && o.Pool == PoolNone && o.Prior != nil && *o.Prior != fit.PriorEmpirical {
		add(optErr("loso", "true", "", "leave-one-subject-out scores the population level: it needs empirical Bayes (prior empirical) or pooled fits, not per-subject fits under the %v prior", *o.Prior))
	}
	if (o.Questionnaire == "") != (o.Key == "") {
		add(optErr("questionnaire", "", "both or neither", "a questionnaire needs its scoring key and a key its questionnaire: give both or neither"))
	}
	if o.Questionnaire != "" {
		if _, ok := o.Fixed[fit.Tau]; ok {
			add(optErr("fix", "tau", "", "tau cannot be fixed with a questionnaire, which sets tau per subject"))
		}
		if o.Pool != PoolNone {
			add(optErr("pool", o.Pool.String(), "none", "pooled fits cannot be combined with a questionnaire (tau is set per subject)"))
		}
	}
	if o.Split != "" && strings.TrimSpace(o.Split) != o.Split {
		add(optErr("split", strconv.Quote(o.Split), "a column of the data", "a column name without surrounding spaces"))
	}
	for _, p := range o.Free {
		if _, fixed := o.Fixed[p]; fixed {
			add(optErr("free", p.String(), "", "also fixed (fix %v)", p))
		}
		switch p {
		case fit.Lambda0, fit.Kappa, fit.Gamma, fit.N0:
		default:
			add(optErr("free", p.String(), "lambda0, kappa, gamma, n0", "already estimated by default (free applies to lambda0, kappa, gamma, n0)"))
		}
	}
	for p, x := range o.Fixed {
		if err := fit.CheckValue(p, x); err != nil {
			add(optErr("fix", "", "", "%v", err)) // "gamma = 2: must be in (0, 1]"
		}
	}
	slices.SortStableFunc(errs, func(a, b error) int { return strings.Compare(a.(*OptionError).Field, b.(*OptionError).Field) })
	return errors.Join(errs...)
}

// Settings are the options of a fit as text and numbers: the request body
// of a fit in the web laboratory (JSON), one field per flag of
// `trustlab fit`. The zero value means the defaults; [Settings.Options]
// parses and checks them.
type Settings struct {
	// Models: "all" (or empty) or a comma-separated list (--models).
	Models string `json:"models,omitempty"`
	// Role: auto (empty), trustor, trustee or both (--role).
	Role string `json:"role,omitempty"`
	// Fix fixes parameters: name -> value (--fix name=value).
	Fix map[string]float64 `json:"fix,omitempty"`
	// Free lists parameters fixed by default to estimate (--free).
	Free []string `json:"free,omitempty"`
	// Prior: empirical, weak or none; empty: empirical, or none for
	// pooled fits (--prior).
	Prior string `json:"prior,omitempty"`
	// Pool: none, group or all; empty: none, pooled by group when every
	// subject made one choice (--pool).
	Pool string `json:"pool,omitempty"`
	// Split names a column of the data: one fit per value (--split).
	Split string `json:"split,omitempty"`
	// Response is the response model: bb, or lapse, hurdle, round joined
	// by + (--response).
	Response string `json:"response,omitempty"`
	// TauFrom: fix or prior, how a questionnaire score enters (--tau-from).
	TauFrom string `json:"tau_from,omitempty"`
	// CVFraction, (0, 1); nil: 0.8 (--cv-fraction).
	CVFraction *float64 `json:"cv_fraction,omitempty"`
	// CVFolds: 0 (the last-trials split) or [2, 100] (--cv-folds).
	CVFolds int `json:"cv_folds,omitempty"`
	// NoCV skips cross-validation (--no-cv).
	NoCV bool `json:"no_cv,omitempty"`
	// Replications, [0, 1000] (0: none); nil: 20 (--replications).
	Replications *int `json:"replications,omitempty"`
	// Samples, [0, 100000] (0: none); nil: 500 (--samples).
	Samples *int `json:"samples,omitempty"`
	// Restarts, [1, 100]; 0: 5 (--restarts).
	Restarts int `json:"restarts,omitempty"`
	// Seed of the restart points; nil: 1 (--seed).
	Seed *uint64 `json:"seed,omitempty"`
	// EndGame, [1, 1000]; 0: 2 (--end-game).
	EndGame int `json:"end_game,omitempty"`
	// LOSO adds the leave-one-subject-out score (--loso).
	LOSO bool `json:"loso,omitempty"`
	// DropInvalid leaves out subjects with bad rows (--drop-invalid).
	DropInvalid bool `json:"drop_invalid,omitempty"`
}

// ParseSettings reads Settings from JSON strictly: one object, no unknown
// fields; the error names the field.
func ParseSettings(b []byte) (Settings, error) {
	var s Settings
	if len(bytes.TrimSpace(b)) == 0 {
		return s, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return s, optErr(te.Field, te.Value, "", "must be %s", jsonKind(te.Type.String()))
		}
		if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return s, optErr(strings.Trim(f, `"`), "", "", "unknown option")
		}
		return s, optErr("options", "", "", "not a JSON object of fit options: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return s, optErr("options", "", "", "one JSON object expected, found more data after it")
	}
	return s, nil
}

func jsonKind(t string) string {
	switch {
	case strings.Contains(t, "float"):
		return "a number"
	case strings.Contains(t, "uint"):
		return "a whole number >= 0"
	case strings.Contains(t, "int"):
		return "a whole number"
	case strings.Contains(t, "bool"):
		return "true or false"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map"):
		return "an object of name: value"
	}
	return "a string"
}

// Options parses the names in s and returns the Options they mean,
// checked by [Options.Validate]. Every problem is an *OptionError naming
// its field; several are joined.
func (s Settings) Options() (Options, error) {
	o := Options{Estimation: Estimation{Restarts: s.Restarts, Seed: s.Seed, EndGame: s.EndGame}, Split: s.Split,
		CVFolds: s.CVFolds, NoCV: s.NoCV, LOSO: s.LOSO, DropInvalid: s.DropInvalid}
	var errs []error
	var err error
	if o.Role, err = ParseRole(orDefault(s.Role, "auto")); err != nil {
		errs = append(errs, optErr("role", s.Role, "auto, trustor, trustee, both", "must be auto, trustor, trustee or both"))
	}
	if o.Role == RoleTrustee {
		o.TrusteeModels, err = fit.ParseModelsFor(s.Models, true)
	} else {
		o.Models, err = fit.ParseModels(s.Models)
	}
	if err != nil {
		errs = append(errs, optErr("models", "", strings.Join(fit.VariantNames(), ", "), "%v", err))
	}
	if s.Prior != "" {
		p, err := fit.ParsePrior(s.Prior)
		if err != nil {
			errs = append(errs, optErr("prior", s.Prior, "empirical, weak, none", "must be empirical, weak or none"))
		} else {
			o.Prior = &p
		}
	}
	if s.Pool != "" {
		if o.Pool, err = ParsePool(s.Pool); err != nil {
			errs = append(errs, optErr("pool", s.Pool, "none, group, all", "must be none, group or all"))
		}
	} else {
		o.AutoPool = true // one-shot data are pooled by group, with a warning
	}
	if s.Response != "" {
		r, err := fit.ParseResponseModel(s.Response)
		if err != nil {
			errs = append(errs, optErr("response", s.Response, "bb, or lapse, hurdle, round joined by +", "%v", err))
		} else {
			o.Response = &r
		}
	}
	if o.TraitMode, err = fit.ParseTraitMode(s.TauFrom); err != nil {
		errs = append(errs, optErr("tau_from", s.TauFrom, "fix, prior", "must be fix or prior"))
	}
	if len(s.Fix) > 0 {
		o.Fixed = fit.Fixed{}
		names := make([]string, 0, len(s.Fix))
		for n := range s.Fix {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			p, err := fit.ParseParam(n)
			if err != nil || p == fit.Base {
				errs = append(errs, optErr("fix", n, "a parameter name", "unknown parameter %q", n))
				continue
			}
			o.Fixed[p] = s.Fix[n] // its range: Validate
		}
	}
	for _, n := range s.Free {
		p, err := fit.ParseParam(strings.TrimSpace(n))
		if err != nil || p == fit.Base {
			errs = append(errs, optErr("free", n, "lambda0, kappa, gamma, n0", "unknown parameter"))
			continue
		}
		o.Free = append(o.Free, p)
	}
	if s.CVFraction != nil {
		o.CVFraction = *s.CVFraction
		if o.CVFraction == 0 {
			errs = append(errs, optErr("cv_fraction", "0", "(0, 1)", "must be in (0, 1)"))
		}
	}
	if s.Replications != nil {
		o.Replications, o.NoPPC = *s.Replications, *s.Replications == 0
	}
	if s.Samples != nil {
		o.Samples, o.NoSamples = *s.Samples, *s.Samples == 0
	}
	if s.Restarts < 0 {
		errs = append(errs, optErr("restarts", strconv.Itoa(s.Restarts), "[1, 100]", "must be in [1, 100]"))
	}
	if s.EndGame < 0 {
		errs = append(errs, optErr("end_game", strconv.Itoa(s.EndGame), "[1, 1000]", "must be in [1, 1000]"))
	}
	if len(errs) > 0 {
		return o, errors.Join(errs...)
	}
	return o, o.Validate()
}

// Args returns the flags of `trustlab fit` that s stands for (for the
// manifest: the command line that reproduces a fit of the web laboratory).
func (s Settings) Args() []string {
	var a []string
	str := func(flag, v string) {
		if v != "" {
			a = append(a, "--"+flag, v)
		}
	}
	str("models", s.Models)
	str("role", s.Role)
	names := make([]string, 0, len(s.Fix))
	for n := range s.Fix {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		a = append(a, "--fix", n+"="+strconv.FormatFloat(s.Fix[n], 'g', -1, 64))
	}
	for _, n := range s.Free {
		a = append(a, "--free", n)
	}
	str("prior", s.Prior)
	str("pool", s.Pool)
	str("split", s.Split)
	str("response", s.Response)
	str("tau-from", s.TauFrom)
	if s.CVFraction != nil {
		a = append(a, "--cv-fraction", strconv.FormatFloat(*s.CVFraction, 'g', -1, 64))
	}
	if s.CVFolds != 0 {
		a = append(a, "--cv-folds", strconv.Itoa(s.CVFolds))
	}
	if s.Replications != nil {
		a = append(a, "--replications", strconv.Itoa(*s.Replications))
	}
	if s.Samples != nil {
		a = append(a, "--samples", strconv.Itoa(*s.Samples))
	}
	if s.Restarts != 0 {
		a = append(a, "--restarts", strconv.Itoa(s.Restarts))
	}
	if s.Seed != nil {
		a = append(a, "--seed", strconv.FormatUint(*s.Seed, 10))
	}
	if s.EndGame != 0 {
		a = append(a, "--end-game", strconv.Itoa(s.EndGame))
	}
	for _, b := range []struct {
		on   bool
		flag string
	}{{s.NoCV, "--no-cv"}, {s.LOSO, "--loso"}, {s.DropInvalid, "--drop-invalid"}} {
		if b.on {
			a = append(a, b.flag)
		}
	}
	return a
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
