package fit

import (
	"fmt"
	"slices"
	"strings"
)

// Variant is one model to fit: the pyramid model or a nested simplification
// of it, or the baseline that ignores the situation.
type Variant struct {
	// Name is used in flags and outputs ("no_asymmetry").
	Name string
	// Description says in words what the variant assumes.
	Description string

	rule    rule           // pyramid, baseline or a rival model
	tieW    bool           // w_minus = w_plus
	tieA    bool           // Rescorla-Wagner: alpha_minus = alpha_plus
	force   Fixed          // values the variant imposes, overriding --fix
	resp    *ResponseModel // response model of this variant (nil: Options.Response)
	endGame bool           // with the end-game term (horizon)
	kinds   bool           // each kind of partner has its own prior mean
}

// WithResponse returns v with its own response model r, named
// "v[r]" ("full[bb]"), for comparing response models.
func WithResponse(v Variant, r ResponseModel) Variant {
	v.resp = &r
	v.Name = v.Name + "[" + r.String() + "]"
	v.Description = v.Description + "; response model " + r.String() + " instead of the fit's"
	return v
}

// WithEndGame returns v with the end-game term of a known horizon, named
// "v+end_game": in the last Options.EndGame trials with each partner the
// expected return falls by the fraction end_game (a fitted parameter).
func WithEndGame(v Variant) Variant {
	v.endGame = true
	v.Name = v.Name + "+end_game"
	v.Description = v.Description + "; the expected return falls in the last rounds (end game)"
	return v
}

// Response is the variant's own response model, if it has one.
func (v Variant) Response() (ResponseModel, bool) {
	if v.resp == nil {
		return ResponseModel{}, false
	}
	return *v.resp, true
}

// EndGame reports whether the variant has the end-game term.
func (v Variant) EndGame() bool { return v.endGame }

// Baseline reports whether the variant is the constant-choice baseline.
func (v Variant) Baseline() bool { return v.rule == ruleBaseline }

// Pyramid reports whether the variant is the pyramid model or one of its
// nested variants (not the baseline or a rival model).
func (v Variant) Pyramid() bool { return v.rule == rulePyramid }

var variants = []Variant{
	{Name: "full", Description: "the pyramid model: trait, risk weight, asymmetric learning with forgetting"},
	{Name: "no_asymmetry", Description: "betrayal and confirmation weigh the same: w_minus = w_plus", tieW: true},
	{Name: "no_risk", Description: "no risk weighting: lambda = 1 (lambda0 = 1, kappa = 0); the trait sets only the prior", force: Fixed{Lambda0: 1, Kappa: 0}},
	{Name: "no_trait", Description: "no trait: tau = 0.5 (prior Beta(n0/2, n0/2), lambda = lambda0)", force: Fixed{Tau: 0.5}},
	{Name: "no_learning", Description: "no learning: beliefs stay at the trait prior (w_plus = w_minus = 0)", force: Fixed{WPlus: 0, WMinus: 0, Gamma: 1}},
	{Name: "baseline", Description: "ignores the situation: the same choice distribution on every trial (intended fraction or P(high) = base)", rule: ruleBaseline},
	{Name: "partner_prior", Description: "the full model with a prior mean of its own for each kind of partner (kind_shift_1..3: logit shifts from the first kind, alphabetically), where the data spec names a partner_kind column", kinds: true},
	{Name: "rw", Description: "rival: Rescorla-Wagner learning of the expected return with one learning rate, V <- V + alpha (r - V) from V0; intended fraction sigmoid(beta x the risk-neutral expected gain per unit sent)", rule: ruleRW, tieA: true},
	{Name: "rw2", Description: "rival: Rescorla-Wagner with separate learning rates for positive and negative prediction errors (alpha_plus, alpha_minus)", rule: ruleRW},
	{Name: "reciprocity", Description: "rival: the reciprocity heuristic (tit for tat): intended fraction recip_a + recip_b x the last return fraction seen from the partner", rule: ruleRecip},
	{Name: "trustee", Description: "trustees: the returned fraction sigmoid(logit(ret_base) + ret_recip x (share sent - 1/2)): a baseline per trustee plus reciprocity to the size of the trust", rule: ruleTrustee},
}

// Variants returns every model trustlab fits, the full model first.
func Variants() []Variant {
	var out []Variant
	for _, v := range variants {
		// partner_prior needs kinds of partner in the data (PartnerPrior);
		// the trustee model fits trustees (TrusteeModels).
		if !v.kinds && v.rule != ruleTrustee {
			out = append(out, v)
		}
	}
	return out
}

// TrusteeModels are the models fitted to trustees' returns (sequences
// with Sequence.Trustee): the trustee model under the response model r
// (nil: DefaultResponse), the baseline (a constant returned fraction per
// trustee: no reciprocity), and the trustee model under each other
// response model (bb, lapse, hurdle, lapse+hurdle, lapse+hurdle+round).
func TrusteeModels(r *ResponseModel) []Variant {
	def := DefaultResponse
	if r != nil {
		def = *r
	}
	tr := trusteeVariant()
	out := []Variant{tr, variants[slices.IndexFunc(variants, func(v Variant) bool { return v.rule == ruleBaseline })]}
	for _, alt := range []ResponseModel{{}, {Lapse: true}, {Hurdle: true}, {Lapse: true, Hurdle: true}, {Lapse: true, Hurdle: true, Round: true}} {
		if alt != def {
			out = append(out, WithResponse(tr, alt))
		}
	}
	return out
}

func trusteeVariant() Variant {
	return variants[slices.IndexFunc(variants, func(v Variant) bool { return v.rule == ruleTrustee })]
}

// Trustee reports whether the variant is a model of trustees' returns.
func (v Variant) Trustee() bool { return v.rule == ruleTrustee }

// Fits reports whether the variant applies to s: the trustee model to
// trustees, the baseline to anyone, every other model to trustors.
func (v Variant) Fits(s *Sequence) bool {
	return v.rule == ruleBaseline || (v.rule == ruleTrustee) == s.Trustee
}

// DefaultModels are the models trustlab fit compares by default: every
// variant under the response model r (nil: DefaultResponse), then the full
// model under each other response model (bb, lapse, hurdle, lapse+hurdle,
// lapse+hurdle+round for graded amounts; bb or lapse for binary and
// two-option choices, where only the lapse applies), so that the response
// model is compared like the variants.
func DefaultModels(r *ResponseModel, graded bool) []Variant {
	def := DefaultResponse
	if r != nil {
		def = *r
	}
	alts := []ResponseModel{{}, {Lapse: true}, {Hurdle: true}, {Lapse: true, Hurdle: true}, {Lapse: true, Hurdle: true, Round: true}}
	if !graded {
		def = ResponseModel{Lapse: def.Lapse}
		alts = alts[:2]
	}
	out := Variants()
	for _, alt := range alts {
		if alt != def {
			out = append(out, WithResponse(variants[0], alt))
		}
	}
	return out
}

// PartnerPrior is the partner_prior variant, which DefaultModels leaves
// out: it applies only to data whose spec names the kinds of partner.
func PartnerPrior() Variant {
	for _, v := range variants {
		if v.kinds {
			return v
		}
	}
	panic("fit: no partner_prior variant")
}

// VariantNames returns the names of Variants, in order.
func VariantNames() []string {
	out := make([]string, len(variants))
	for i, v := range variants {
		out[i] = v.Name
	}
	return out
}

// ParseModels parses a comma-separated list of models; "all" (or "")
// returns nil, which means DefaultModels. A model is a variant name, optionally with its own
// response model in brackets and the end-game term: "full[bb]",
// "baseline[lapse]", "full+end_game", "no_trait[hurdle]+end_game". The
// full model (with the fit's response model) is always fitted first,
// because the comparison is made against it.
func ParseModels(s string) ([]Variant, error) { return ParseModelsFor(s, false) }

// ParseModelsFor is ParseModels for trustors (trustee false) or for
// trustees: their models are trustee and baseline (with response models,
// "trustee[bb]"), and the trustee model comes first.
func ParseModelsFor(s string, trustee bool) ([]Variant, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "all" {
		return nil, nil
	}
	first := variants[0]
	if trustee {
		first = trusteeVariant()
	}
	seen := map[string]bool{first.Name: true}
	out := []Variant{first}
	for name := range strings.SplitSeq(s, ",") {
		v, err := parseModel(strings.TrimSpace(name))
		if err != nil {
			return nil, err
		}
		if trustee && v.rule != ruleTrustee && v.rule != ruleBaseline {
			return nil, fmt.Errorf("%q models trustors' choices: trustees' returns are fitted by trustee and baseline", strings.TrimSpace(name))
		}
		if !trustee && v.rule == ruleTrustee {
			return nil, fmt.Errorf("%q models trustees' returns: give it with --role trustee (or both)", strings.TrimSpace(name))
		}
		if !seen[v.Name] {
			seen[v.Name] = true
			out = append(out, v)
		}
	}
	return out, nil
}

func parseModel(name string) (Variant, error) {
	base, endGame := strings.CutSuffix(name, "+end_game")
	if !endGame {
		base, endGame = strings.CutSuffix(name, "+end-game")
	}
	base, bracket, hasResp := strings.Cut(base, "[")
	base = strings.ReplaceAll(strings.TrimSpace(base), "-", "_")
	if base == "trait_only" { // the baseline: a fixed intended fraction per subject
		base = "baseline"
	}
	var out Variant
	found := false
	for _, v := range variants {
		if v.Name == base {
			out, found = v, true
		}
	}
	if !found {
		return Variant{}, fmt.Errorf("unknown model %q: must be all or a list of %s (optionally with a response model, full[bb], and an end game, full+end_game)", name, strings.Join(VariantNames(), ", "))
	}
	if hasResp {
		rs, ok := strings.CutSuffix(bracket, "]")
		if !ok {
			return Variant{}, fmt.Errorf("%q: missing ] after the response model", name)
		}
		r, err := ParseResponseModel(rs)
		if err != nil {
			return Variant{}, fmt.Errorf("%q: %w", name, err)
		}
		out = WithResponse(out, r)
	}
	if endGame {
		if out.rule == ruleBaseline || out.rule == ruleTrustee {
			return Variant{}, fmt.Errorf("%q: the %s model has no end game", name, out.Name)
		}
		out = WithEndGame(out)
	}
	return out, nil
}
