package model

import "errors"

// Defaults from MODEL.md. Omega is trustlab's choice: MODEL.md names the
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

// Params are the model parameters of MODEL.md. A nil field means the
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

// Default returns the model with every MODEL.md default.
func Default() Model {
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
	set := func(dst *float64, src *float64) {
		if src != nil {
			*dst = *src
		}
	}
	set(&m.Lambda0, p.Lambda0)
	set(&m.Kappa, p.Kappa)
	set(&m.Beta, p.Beta)
	set(&m.Zeta, p.Zeta)
	set(&m.Phi, p.Phi)
	set(&m.N0, p.N0)
	set(&m.Eta, p.Eta)
	set(&m.WPlus, p.WPlus)
	set(&m.WMinus, p.WMinus)
	set(&m.Gamma, p.Gamma)
	set(&m.Omega, p.Omega)
	m.Deterministic = p.Deterministic
	return m, m.Validate()
}

// Merge returns p with every field that o sets taken from o: o overrides p.
func (p Params) Merge(o Params) Params {
	pick := func(a, b *float64) *float64 {
		if b != nil {
			return b
		}
		return a
	}
	return Params{
		Lambda0: pick(p.Lambda0, o.Lambda0), Kappa: pick(p.Kappa, o.Kappa), Beta: pick(p.Beta, o.Beta),
		Zeta: pick(p.Zeta, o.Zeta), Phi: pick(p.Phi, o.Phi), N0: pick(p.N0, o.N0), Eta: pick(p.Eta, o.Eta),
		WPlus: pick(p.WPlus, o.WPlus), WMinus: pick(p.WMinus, o.WMinus), Gamma: pick(p.Gamma, o.Gamma),
		Omega:         pick(p.Omega, o.Omega),
		Deterministic: p.Deterministic || o.Deterministic,
	}
}

// Params returns m as fully explicit Params (every field set), for echoing
// resolved parameters in outputs.
func (m Model) Params() Params {
	f := func(v float64) *float64 { return &v }
	return Params{
		Lambda0: f(m.Lambda0), Kappa: f(m.Kappa), Beta: f(m.Beta), Zeta: f(m.Zeta), Phi: f(m.Phi),
		N0: f(m.N0), Eta: f(m.Eta), WPlus: f(m.WPlus), WMinus: f(m.WMinus), Gamma: f(m.Gamma),
		Omega: f(m.Omega), Deterministic: m.Deterministic,
	}
}

// Validate reports every parameter outside its allowed range.
func (m Model) Validate() error {
	return errors.Join(
		check("lambda0", m.Lambda0, 0, 1000, false, false),
		check("kappa", m.Kappa, 0, 50, false, false),
		check("beta", m.Beta, 0, 1e4, false, false),
		nonNegative("zeta", m.Zeta),
		positive("phi", m.Phi),
		check("n0", m.N0, 0.001, 1e5, false, false),
		unit("eta", m.Eta),
		nonNegative("w_plus", m.WPlus),
		nonNegative("w_minus", m.WMinus),
		check("gamma", m.Gamma, 0, 1, true, false),
		nonNegative("omega", m.Omega),
	)
}
