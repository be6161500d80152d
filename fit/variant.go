package fit

import (
	"fmt"
	"strings"
)

// Variant is one model to fit: the pyramid model or a nested simplification
// of it, or the baseline that ignores the situation.
type Variant struct {
	// Name is used in flags and outputs ("no_asymmetry").
	Name string
	// Description says in words what the variant assumes.
	Description string

	baseline bool  // constant choice distribution
	tieW     bool  // w_minus = w_plus
	force    Fixed // values the variant imposes, overriding --fix
}

var variants = []Variant{
	{Name: "full", Description: "the pyramid model: trait, risk weight, asymmetric learning with forgetting"},
	{Name: "no_asymmetry", Description: "betrayal and confirmation weigh the same: w_minus = w_plus", tieW: true},
	{Name: "no_risk", Description: "no risk weighting: lambda = 1 (lambda0 = 1, kappa = 0); the trait sets only the prior", force: Fixed{Lambda0: 1, Kappa: 0}},
	{Name: "no_trait", Description: "no trait: tau = 0.5 (prior Beta(n0/2, n0/2), lambda = lambda0)", force: Fixed{Tau: 0.5}},
	{Name: "no_learning", Description: "no learning: beliefs stay at the trait prior (w_plus = w_minus = 0)", force: Fixed{WPlus: 0, WMinus: 0, Gamma: 1}},
	{Name: "baseline", Description: "ignores the situation: the same choice distribution on every trial (intended fraction or P(high) = base)", baseline: true},
}

// Variants returns every model trustlab fits, the full model first.
func Variants() []Variant { return append([]Variant(nil), variants...) }

// VariantNames returns the names of Variants, in order.
func VariantNames() []string {
	out := make([]string, len(variants))
	for i, v := range variants {
		out[i] = v.Name
	}
	return out
}

// ParseModels parses a comma-separated list of variant names; "all" (or
// "") means every variant. The full model is always fitted first, because
// the comparison is made against it.
func ParseModels(s string) ([]Variant, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "all" {
		return Variants(), nil
	}
	seen := map[string]bool{"full": true}
	out := []Variant{variants[0]}
	for name := range strings.SplitSeq(s, ",") {
		name = strings.ReplaceAll(strings.TrimSpace(name), "-", "_")
		found := false
		for _, v := range variants {
			if v.Name == name {
				found = true
				if !seen[name] {
					seen[name] = true
					out = append(out, v)
				}
			}
		}
		if !found {
			return nil, fmt.Errorf("--models: unknown model %q: must be all or a list of %s", name, strings.Join(VariantNames(), ", "))
		}
	}
	return out, nil
}
