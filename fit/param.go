package fit

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/trustlab/trustlab/model"
)

// Param names one fitted quantity: a parameter of the pyramid model, or the
// constant choice tendency of the baseline.
type Param int

// The parameters, in the order of outputs.
const (
	Tau        Param = iota // trust trait tau
	Lambda0                 // base risk weight lambda0
	Kappa                   // trait slope of the risk weight
	Beta                    // inverse temperature
	WPlus                   // evidence weight of a confirmation
	WMinus                  // evidence weight of a betrayal
	Gamma                   // retention of evidence
	N0                      // prior strength
	Phi                     // precision of graded amounts
	Lapse                   // response model: probability of a uniformly random choice
	Hurdle                  // response model: probability of an all-or-nothing choice
	Round                   // response model: attraction of round amounts
	EndGame                 // horizon: fall of the expected return in the last rounds
	AlphaPlus               // Rescorla-Wagner: learning rate (of positive prediction errors in rw2)
	AlphaMinus              // Rescorla-Wagner rw2: learning rate of negative prediction errors
	V0                      // Rescorla-Wagner: initial expected return
	RecipA                  // reciprocity heuristic: intended fraction after a return of 0
	RecipB                  // reciprocity heuristic: change of the intended fraction per unit of return fraction
	KindShift1              // partner priors: logit shift of the prior mean for the 2nd kind of partner
	KindShift2              // ... for the 3rd kind
	KindShift3              // ... for the 4th kind
	RetBase                 // trustee model: fraction returned when the trustor sends half the endowment
	RetRecip                // trustee model: logit change of the returned fraction per unit of the share sent (reciprocity)
	Base                    // baseline only: constant intended fraction / P(high) / P(send)
	NumParams
)

var paramNames = [NumParams]string{"tau", "lambda0", "kappa", "beta", "w_plus", "w_minus", "gamma", "n0", "phi", "lapse", "hurdle", "round", "end_game", "alpha_plus", "alpha_minus", "v0", "recip_a", "recip_b", "kind_shift_1", "kind_shift_2", "kind_shift_3", "ret_base", "ret_recip", "base"}

// String returns the name used in flags, files and messages ("w_plus").
func (p Param) String() string {
	if p >= 0 && p < NumParams {
		return paramNames[p]
	}
	return "Param(" + strconv.Itoa(int(p)) + ")"
}

// MarshalText encodes p by name, for JSON outputs.
func (p Param) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// ParseParam parses a parameter name; "w-plus" is accepted for "w_plus".
func ParseParam(s string) (Param, error) {
	n := strings.ReplaceAll(strings.TrimSpace(s), "-", "_")
	for i, name := range paramNames {
		if n == name {
			return Param(i), nil
		}
	}
	return 0, fmt.Errorf("unknown parameter %q: must be one of %s", s, strings.Join(paramNames[:Base], ", "))
}

// Values holds one value per Param, indexed by Param.
type Values [NumParams]float64

// Model returns the model the values describe: lambda0, kappa, beta,
// w_plus, w_minus, gamma, n0 and phi from v, every other parameter at its
// docs/model.md default (zeta = 0, eta = 0). The response-model parameters
// (lapse, hurdle, round) and the horizon's end_game are not part of the
// pyramid model: they shape how an intended fraction becomes an observed
// amount (see ResponseModel).
func (v Values) Model() model.Model {
	m := model.Default()
	m.Lambda0, m.Kappa, m.Beta = v[Lambda0], v[Kappa], v[Beta]
	m.WPlus, m.WMinus, m.Gamma = v[WPlus], v[WMinus], v[Gamma]
	m.N0, m.Phi = v[N0], v[Phi]
	return m
}

// DefaultValues are docs/model.md's defaults (tau = 0.5, an average trait),
// base = 0.5, and no lapse, hurdle, round-number attraction or end game.
func DefaultValues() Values {
	d := model.Default()
	var v Values
	v[Tau] = 0.5
	v[Lambda0], v[Kappa], v[Beta] = d.Lambda0, d.Kappa, d.Beta
	v[WPlus], v[WMinus], v[Gamma] = d.WPlus, d.WMinus, d.Gamma
	v[N0], v[Phi], v[Base] = d.N0, d.Phi, 0.5
	v[RetBase] = 0.5
	return v
}

// Scale is how a bounded parameter is mapped to the unbounded scale the
// optimizer works on.
type Scale int

const (
	// Linear: x = lo + (hi-lo)*sigmoid(z), a logit between the bounds
	// (tau, gamma, base).
	Linear Scale = iota
	// Logarithmic: log x = log lo + (log hi - log lo)*sigmoid(z), a log
	// scale between the bounds (the positive parameters).
	Logarithmic
)

// Interval bounds one parameter during estimation. The zero Interval means
// the default for that parameter.
type Interval struct {
	Lo, Hi float64
	Scale  Scale
}

// Bounds are the estimation bounds of every parameter, like benchstat's
// Thresholds: a zero entry means the default of DefaultBounds.
type Bounds [NumParams]Interval

// DefaultBounds are wide enough for the data sets trustlab ships and keep
// the optimizer away from degenerate corners. Beta is bounded by 100 (with
// |B1| <= 1.5 that is a deterministic chooser already) and the evidence
// weights by [0.1, 10] (a tenth to five times the default prior strength
// per experience): below, tiny weights with a huge beta mimic ordinary
// learning, a ridge on which estimates wander off (see docs/fitting.md).
func DefaultBounds() Bounds {
	return Bounds{
		Tau:        {0.001, 0.999, Linear},
		Lambda0:    {0.01, 100, Logarithmic},
		Kappa:      {0, 20, Linear},
		Beta:       {0.1, 100, Logarithmic},
		WPlus:      {0.1, 10, Logarithmic},
		WMinus:     {0.1, 10, Logarithmic},
		Gamma:      {0.01, 1, Linear},
		N0:         {0.01, 1000, Logarithmic},
		Phi:        {0.1, 1000, Logarithmic},
		Lapse:      {1e-4, 0.5, Linear},
		Hurdle:     {1e-4, 0.999, Linear},
		Round:      {1e-4, 0.999, Linear},
		EndGame:    {1e-4, 0.999, Linear},
		AlphaPlus:  {1e-3, 0.999, Linear},
		AlphaMinus: {1e-3, 0.999, Linear},
		V0:         {1e-3, 0.999, Linear},
		RecipA:     {1e-4, 1 - 1e-4, Linear},
		RecipB:     {-3, 3, Linear},
		KindShift1: {-6, 6, Linear},
		KindShift2: {-6, 6, Linear},
		KindShift3: {-6, 6, Linear},
		RetBase:    {1e-4, 1 - 1e-4, Linear},
		RetRecip:   {-10, 10, Linear},
		Base:       {1e-4, 1 - 1e-4, Linear},
	}
}

// resolve fills zero entries with defaults and checks the rest.
func (b Bounds) resolve() (Bounds, error) {
	d := DefaultBounds()
	for p := range NumParams {
		iv := b[p]
		if iv == (Interval{}) {
			b[p] = d[p]
			continue
		}
		if !(iv.Lo < iv.Hi) || math.IsInf(iv.Lo, 0) || math.IsInf(iv.Hi, 0) || (iv.Scale == Logarithmic && iv.Lo <= 0) {
			return b, fmt.Errorf("bounds of %v = [%g, %g]: need finite lo < hi (lo > 0 on a log scale)", p, iv.Lo, iv.Hi)
		}
	}
	return b, nil
}

// toNatural maps an unbounded z to the parameter's scale.
func (iv Interval) toNatural(z float64) float64 {
	u := model.Sigmoid(z)
	if iv.Scale == Logarithmic {
		return math.Exp(math.Log(iv.Lo) + (math.Log(iv.Hi)-math.Log(iv.Lo))*u)
	}
	return iv.Lo + (iv.Hi-iv.Lo)*u
}

// natural is toNatural with the interval's logarithms computed once.
type natural struct {
	log      bool
	lo, span float64 // Lo and Hi - Lo, or their logarithms' (log scale)
}

func (iv Interval) natural() natural {
	if iv.Scale == Logarithmic {
		return natural{log: true, lo: math.Log(iv.Lo), span: math.Log(iv.Hi) - math.Log(iv.Lo)}
	}
	return natural{lo: iv.Lo, span: iv.Hi - iv.Lo}
}

// at is iv.toNatural(z), to the bit.
func (n natural) at(z float64) float64 {
	u := model.Sigmoid(z)
	if n.log {
		return math.Exp(n.lo + n.span*u)
	}
	return n.lo + n.span*u
}

// unit maps x into [0, 1] between the bounds (on the interval's scale).
func (iv Interval) unit(x float64) float64 {
	var u float64
	if iv.Scale == Logarithmic {
		u = (math.Log(x) - math.Log(iv.Lo)) / (math.Log(iv.Hi) - math.Log(iv.Lo))
	} else {
		u = (x - iv.Lo) / (iv.Hi - iv.Lo)
	}
	return min(max(u, 0), 1)
}

// toUnbounded maps x to z, clamping x strictly inside the bounds.
func (iv Interval) toUnbounded(x float64) float64 {
	u := min(max(iv.unit(x), 1e-9), 1-1e-9)
	return math.Log(u / (1 - u))
}

// deriv is dx/dz at z, for the delta method.
func (iv Interval) deriv(z float64) float64 {
	u := model.Sigmoid(z)
	du := u * (1 - u)
	if iv.Scale == Logarithmic {
		return iv.toNatural(z) * (math.Log(iv.Hi) - math.Log(iv.Lo)) * du
	}
	return (iv.Hi - iv.Lo) * du
}

// Fixed assigns values to parameters held constant during estimation.
type Fixed map[Param]float64

// ParseFix parses a --fix value: one or more name=value pairs separated by
// commas ("gamma=1,phi=10"), and merges them into dst (later values win).
// Values are checked against the model's ranges (tau in [0, 1], gamma in
// (0, 1], ...); base cannot be fixed.
func ParseFix(dst Fixed, s string) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("empty: give name=value, e.g. gamma=1")
	}
	for part := range strings.SplitSeq(s, ",") {
		name, val, ok := strings.Cut(part, "=")
		if !ok {
			return fmt.Errorf("%q: want name=value, e.g. gamma=1", strings.TrimSpace(part))
		}
		p, err := ParseParam(name)
		if err != nil || p == Base {
			return fmt.Errorf("%q: unknown parameter %q: must be one of %s", strings.TrimSpace(part), strings.TrimSpace(name), strings.Join(paramNames[:Base], ", "))
		}
		x, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil {
			return fmt.Errorf("%s = %q: not a number", p, strings.TrimSpace(val))
		}
		if err := CheckValue(p, x); err != nil {
			return err
		}
		dst[p] = x
	}
	return nil
}

// CheckValue checks that x is an allowed value of p: a parameter of the
// pyramid model within its range of model.ParamTable, the others (tau,
// the response model, the rivals') within theirs.
func CheckValue(p Param, x float64) error {
	if pi, ok := model.LookupParam(p.String()); ok {
		if pi.Check(x) != nil {
			return fmt.Errorf("%v = %s: must be in %s", p, strconv.FormatFloat(x, 'g', -1, 64), pi.Range())
		}
		return nil
	}
	lo, hi, loOpen, rng := 0.0, math.Inf(1), false, ""
	switch p {
	case Tau:
		hi, rng = 1, "[0, 1]"
	case Lapse:
		hi, rng = 0.999, "[0, 0.999]"
	case Hurdle, Round, EndGame, AlphaPlus, AlphaMinus, V0, RecipA:
		hi, rng = 1, "[0, 1]"
	case RecipB:
		lo, hi, rng = -3, 3, "[-3, 3]"
	case KindShift1, KindShift2, KindShift3:
		lo, hi, rng = -6, 6, "[-6, 6]"
	case RetBase:
		hi, rng = 1, "[0, 1]"
	case RetRecip:
		lo, hi, rng = -10, 10, "[-10, 10]"
	case Base:
		loOpen, hi, rng = true, 1, "(0, 1)"
	default:
		return fmt.Errorf("unknown parameter %v", p)
	}
	ok := !math.IsNaN(x) && !math.IsInf(x, 0) && x <= hi && (x > lo || (!loOpen && x == lo))
	if p == Base && x == 1 {
		ok = false
	}
	if !ok {
		return fmt.Errorf("%v = %s: must be in %s", p, strconv.FormatFloat(x, 'g', -1, 64), rng)
	}
	return nil
}

// String formats the fixed values as name=value pairs in Param order.
func (f Fixed) String() string {
	keys := make([]Param, 0, len(f))
	for p := range f {
		keys = append(keys, p)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, p := range keys {
		parts[i] = p.String() + "=" + strconv.FormatFloat(f[p], 'g', -1, 64)
	}
	return strings.Join(parts, ",")
}
