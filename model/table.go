package model

import "strings"

// ParamInfo describes one parameter of the model: its name in scenario
// files, JSON and flags, its docs/model.md default, its allowed range and its
// meaning. ParamTable lists them; every list of parameters in trustlab
// (validation, scenario keys, CLI flags, fit bounds) is derived from it.
type ParamInfo struct {
	Name    string  // "w_plus"
	Default float64 // docs/model.md's default (omega: trustlab's)
	// Lo and Hi bound the allowed values; LoOpen and HiOpen exclude the
	// bound itself (Hi = +Inf is always open).
	Lo, Hi         float64
	LoOpen, HiOpen bool
	Doc            string // "evidence weight of a confirmation"

	params func(*Params) **float64
	model  func(*Model) *float64
}

// Range is the allowed range in interval notation, powers of ten from 1e4
// written as such: "[0, 1000]", "(0, 1]", "[0, 1e4]", "[0, inf)".
func (pi ParamInfo) Range() string {
	s := interval(pi.Lo, pi.Hi, pi.LoOpen, pi.HiOpen)
	for _, e := range []struct{ long, short string }{{"100000]", "1e5]"}, {"10000]", "1e4]"}} {
		s = strings.Replace(s, e.long, e.short, 1)
	}
	return s
}

// Check returns a *RangeError if x is outside the allowed range.
func (pi ParamInfo) Check(x float64) error {
	return check(pi.Name, x, pi.Lo, pi.Hi, pi.LoOpen, pi.HiOpen)
}

// In returns the field of p that holds the parameter (nil: the default).
func (pi ParamInfo) In(p *Params) **float64 { return pi.params(p) }

// Of returns the field of m that holds the parameter.
func (pi ParamInfo) Of(m *Model) *float64 { return pi.model(m) }

var paramTable = [...]ParamInfo{
	{"lambda0", DefaultLambda0, 0, 1000, false, false, "base risk weight lambda0", func(p *Params) **float64 { return &p.Lambda0 }, func(m *Model) *float64 { return &m.Lambda0 }},
	{"kappa", DefaultKappa, 0, 50, false, false, "trait slope of the risk weight", func(p *Params) **float64 { return &p.Kappa }, func(m *Model) *float64 { return &m.Kappa }},
	{"beta", DefaultBeta, 0, 1e4, false, false, "inverse temperature of choices", func(p *Params) **float64 { return &p.Beta }, func(m *Model) *float64 { return &m.Beta }},
	{"zeta", DefaultZeta, 0, inf, false, true, "ambiguity aversion", func(p *Params) **float64 { return &p.Zeta }, func(m *Model) *float64 { return &m.Zeta }},
	{"phi", DefaultPhi, 0, inf, true, true, "precision of graded amounts", func(p *Params) **float64 { return &p.Phi }, func(m *Model) *float64 { return &m.Phi }},
	{"n0", DefaultN0, 0.001, 1e5, false, false, "prior strength for strangers", func(p *Params) **float64 { return &p.N0 }, func(m *Model) *float64 { return &m.N0 }},
	{"eta", DefaultEta, 0, 1, false, false, "trait learning rate", func(p *Params) **float64 { return &p.Eta }, func(m *Model) *float64 { return &m.Eta }},
	{"w_plus", DefaultWPlus, 0, inf, false, true, "evidence weight of a confirmation", func(p *Params) **float64 { return &p.WPlus }, func(m *Model) *float64 { return &m.WPlus }},
	{"w_minus", DefaultWMinus, 0, inf, false, true, "evidence weight of a betrayal", func(p *Params) **float64 { return &p.WMinus }, func(m *Model) *float64 { return &m.WMinus }},
	{"gamma", DefaultGamma, 0, 1, true, false, "retention of evidence", func(p *Params) **float64 { return &p.Gamma }, func(m *Model) *float64 { return &m.Gamma }},
	{"omega", DefaultOmega, 0, inf, false, true, "weight of social reports", func(p *Params) **float64 { return &p.Omega }, func(m *Model) *float64 { return &m.Omega }},
}

// ParamTable returns the model's parameters in docs/model.md's order (a copy).
func ParamTable() []ParamInfo { return append([]ParamInfo(nil), paramTable[:]...) }

// LookupParam returns the parameter named name ("w_plus").
func LookupParam(name string) (ParamInfo, bool) {
	for _, pi := range paramTable {
		if pi.Name == name {
			return pi, true
		}
	}
	return ParamInfo{}, false
}
