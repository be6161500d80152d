package model

import "errors"

// Defaults from docs/model.md. Omega is trustlab's choice: docs/model.md names the
// social weight but gives no default.
const (
	DefaultLambda0 = 1.0  // base risk weight lambda0
	DefaultKappa   = 2.0  // trait slope of the risk weight
	DefaultBeta    = 5.0  // inverse temperature of choices
	DefaultZeta    = 0.0  // ambiguity aversion
	DefaultPhi     = 10.0 // precision of graded amounts
	DefaultN0      = 2.0  // prior strength for strangers
	DefaultEta     = 0.0  // trait learning rate (0: fixed trait)
	DefaultWPlus   = 1.0  // evidence weight of a confirmation
	DefaultWMinus  = 2.0  // evidence weight of a betrayal
	DefaultGamma   = 1.0  // retention (1: no forgetting)
	DefaultOmega   = 0.5  // weight of a social report relative to own evidence
)

// Params are the model parameters of docs/model.md. A nil field means the
// default, so Params{} is the default model; new(0.0) sets an explicit zero.
// The struct tags are the names used in scenario files, JSON and flags.
type Params struct {
	Lambda0 *float64 `json:"lambda0,omitempty" yaml:"lambda0,omitempty"` // base risk weight, [0, 1000], default 1
	Kappa   *float64 `json:"kappa,omitempty" yaml:"kappa,omitempty"`     // trait slope of lambda, [0, 50], default 2
	Beta    *float64 `json:"beta,omitempty" yaml:"beta,omitempty"`       // inverse temperature, [0, 1e4], default 5
	Zeta    *float64 `json:"zeta,omitempty" yaml:"zeta,omitempty"`       // ambiguity aversion, [0, inf), default 0
	Phi     *float64 `json:"phi,omitempty" yaml:"phi,omitempty"`         // amount precision, (0, inf), default 10
	N0      *float64 `json:"n0,omitempty" yaml:"n0,omitempty"`           // prior strength, [0.001, 1e5], default 2
	Eta     *float64 `json:"eta,omitempty" yaml:"eta,omitempty"`         // trait learning rate, [0, 1], default 0
	WPlus   *float64 `json:"w_plus,omitempty" yaml:"w_plus,omitempty"`   // confirmation weight, [0, inf), default 1
	WMinus  *float64 `json:"w_minus,omitempty" yaml:"w_minus,omitempty"` // betrayal weight, [0, inf), default 2
	Gamma   *float64 `json:"gamma,omitempty" yaml:"gamma,omitempty"`     // retention, (0, 1], default 1
	Omega   *float64 `json:"omega,omitempty" yaml:"omega,omitempty"`     // social report weight, [0, inf), default 0.5

	// Deterministic takes beta to infinity: trust iff the balance is positive.
	Deterministic bool `json:"deterministic,omitempty" yaml:"deterministic,omitempty"`
}

// Model is a resolved, validated parameter set: plain numbers for hot paths.
// Obtain one from [Params.Model] or [Default]; a Model built by hand is not
// validated.
type Model struct {
	Lambda0, Kappa, Beta, Zeta, Phi, N0, Eta, WPlus, WMinus, Gamma, Omega float64
	Deterministic                                                         bool
}

// Default returns the model with every docs/model.md default.
func Default() Model {
	// Written out (not a loop over ParamTable, whose defaults are these
	// constants): fits call it on every likelihood evaluation.
	return Model{
		Lambda0: DefaultLambda0, Kappa: DefaultKappa, Beta: DefaultBeta, Zeta: DefaultZeta,
		Phi: DefaultPhi, N0: DefaultN0, Eta: DefaultEta, WPlus: DefaultWPlus,
		WMinus: DefaultWMinus, Gamma: DefaultGamma, Omega: DefaultOmega,
	}
}

// Model resolves defaults and validates every parameter. The error joins a
// *RangeError for each invalid value.
func (p Params) Model() (Model, error) {
	m := Default()
	for _, pi := range paramTable {
		if v := *pi.In(&p); v != nil {
			*pi.Of(&m) = *v
		}
	}
	m.Deterministic = p.Deterministic
	return m, m.Validate()
}

// Merge returns p with every field that o sets taken from o: o overrides p.
func (p Params) Merge(o Params) Params {
	out := p
	for _, pi := range paramTable {
		if v := *pi.In(&o); v != nil {
			*pi.In(&out) = v
		}
	}
	out.Deterministic = p.Deterministic || o.Deterministic
	return out
}

// Params returns m as fully explicit Params (every field set), for echoing
// resolved parameters in outputs.
func (m Model) Params() Params {
	var p Params
	for _, pi := range paramTable {
		v := *pi.Of(&m)
		*pi.In(&p) = &v
	}
	p.Deterministic = m.Deterministic
	return p
}

// Validate reports every parameter outside its allowed range.
func (m Model) Validate() error {
	errs := make([]error, 0, len(paramTable))
	for _, pi := range paramTable {
		errs = append(errs, pi.Check(*pi.Of(&m)))
	}
	return errors.Join(errs...)
}
