package fit_test

import (
	"fmt"

	"github.com/trustlab/trustlab/fit"
	"github.com/trustlab/trustlab/internal/rng"
)

// The log-likelihood of three graded investments of 10 with two partners:
// a betrayal by the first partner lowers the next investment's probability
// of being high.
func ExampleLogLik() {
	trial := func(partner int, sent float64, honoured bool) fit.Trial {
		r := 0.0
		if honoured {
			r = 1
		}
		return fit.Trial{Partner: partner, Response: fit.Amount, Endowment: 10, Sent: sent, Multiplier: 3,
			Gain: 0.5, Evidence: true, R: r, Confirmed: honoured}
	}
	s := &fit.Sequence{ID: "1", Partners: []string{"bad", "good"}, Belief: fit.OutcomeBelief,
		Trials: []fit.Trial{trial(0, 4, false), trial(0, 2, true), trial(1, 10, true)}}
	v := fit.DefaultValues()
	v[fit.Tau], v[fit.Gamma] = 0.4, 0.9
	fmt.Printf("log-likelihood %.6f\n", fit.LogLik(s, v))
	// Output: log-likelihood -20.640985
}

// Simulate a subject of the mikus2023 design and fit the full model under
// the default response model (lapses, all-or-nothing choices and the
// attraction of half the endowment: 8 free parameters).
func ExampleFitSubject() {
	v := fit.DefaultValues()
	v[fit.Tau], v[fit.Beta], v[fit.WPlus], v[fit.WMinus], v[fit.Phi] = 0.6, 6, 1, 2, 10
	s, err := fit.Simulate(rng.Stream(1, 7), "sim", fit.Design{}, v)
	if err != nil {
		fmt.Println(err)
		return
	}
	sf, err := fit.FitSubject(s, nil, fit.Options{Models: fit.Variants()[:1], NoCV: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	e := sf.Estimates[0]
	fmt.Printf("%d choices, %d free parameters, converged %v\n", e.N, e.K, e.Converged)
	fmt.Printf("tau %.2f (true 0.6), w_minus/w_plus %.1f (true 2)\n", e.Values[fit.Tau], e.Values[fit.WMinus]/e.Values[fit.WPlus])
	// Output:
	// 50 choices, 8 free parameters, converged true
	// tau 0.62 (true 0.6), w_minus/w_plus 1.9 (true 2)
}

// The response model: a sudden investment of 0 of 10 by a trusting
// stranger (tau 0.8: intended fraction 0.95) is nearly impossible under the
// plain beta-binomial, and far less surprising with lapses (3%) and
// all-or-nothing choices (30%).
func ExampleResponseModel() {
	trial := fit.Trial{Response: fit.Amount, Endowment: 10, Sent: 0, Multiplier: 3, Gain: 0.5}
	s := &fit.Sequence{ID: "1", Partners: []string{"p"}, Trials: []fit.Trial{trial}}
	v := fit.DefaultValues()
	v[fit.Tau], v[fit.Beta], v[fit.Phi] = 0.8, 10, 10
	for _, r := range []string{"bb", "lapse", "hurdle", "lapse+hurdle"} {
		rm, _ := fit.ParseResponseModel(r)
		w := v
		if rm.Lapse {
			w[fit.Lapse] = 0.03
		}
		if rm.Hurdle {
			w[fit.Hurdle] = 0.3
		}
		fmt.Printf("%-12s log P(0 of 10) = %.2f\n", rm, fit.LogLik(s, w))
	}
	// Output:
	// bb           log P(0 of 10) = -13.08
	// lapse        log P(0 of 10) = -5.90
	// hurdle       log P(0 of 10) = -4.16
	// lapse+hurdle log P(0 of 10) = -4.02
}
