// Package stranger predicts what a trustor sends to a stranger in the
// investment game under a parameter set and a distribution of the trait,
// and compares the prediction with observed amounts (Berg, Dickhaut &
// McCabe 1995). It backs the "Calibrated defaults" section of
// docs/model.md: its test regenerates the figure docs/figures/
// stranger-berg1995.svg/png and the table of summaries with -update.
//
// The predictions are exact sums over the trait's quadrature nodes of the
// beta-binomial masses of [model.Model.Stranger]; nothing is simulated.
package stranger

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/trustlab/trustlab/model"
	"github.com/trustlab/trustlab/report"
)

// Trait is a distribution of the trait over trustors as quadrature nodes:
// trait values and weights summing to 1.
type Trait struct {
	Name   string
	Tau    []float64
	Weight []float64
}

// Fixed is a single trait value.
func Fixed(tau float64) Trait {
	return Trait{Name: fmt.Sprintf("trait %g", tau), Tau: []float64{tau}, Weight: []float64{1}}
}

// Uniform is tau ~ U(lo, hi) by the midpoint rule on n nodes.
func Uniform(lo, hi float64, n int) Trait {
	t := Trait{Name: fmt.Sprintf("trait ~ U(%g, %g)", lo, hi)}
	for i := range n {
		t.Tau = append(t.Tau, lo+(hi-lo)*(float64(i)+0.5)/float64(n))
		t.Weight = append(t.Weight, 1/float64(n))
	}
	return t
}

// LogitNormal is logit(tau) ~ N(logit(median), sd^2), on n nodes evenly
// spaced over plus and minus 6 standard deviations (normalised weights).
func LogitNormal(median, sd float64, n int) Trait {
	t := Trait{Name: fmt.Sprintf("logit(trait) ~ N(logit(%g), %g^2)", median, sd)}
	mu := math.Log(median / (1 - median))
	sum := 0.0
	for i := range n {
		z := -6 + 12*float64(i)/float64(n-1)
		t.Tau = append(t.Tau, 1/(1+math.Exp(-(mu+sd*z))))
		w := math.Exp(-z * z / 2)
		t.Weight = append(t.Weight, w)
		sum += w
	}
	for i := range t.Weight {
		t.Weight[i] /= sum
	}
	return t
}

// Predict is the distribution of the amount sent (0..e) to a stranger in
// the investment game s by trustors whose trait follows t.
func Predict(m model.Model, t Trait, s model.Situation) ([]float64, error) {
	if len(t.Tau) == 0 || len(t.Tau) != len(t.Weight) {
		return nil, fmt.Errorf("stranger: trait %q: %d values and %d weights", t.Name, len(t.Tau), len(t.Weight))
	}
	var pmf []float64
	for i, tau := range t.Tau {
		d, err := m.Stranger(tau, s)
		if err != nil {
			return nil, fmt.Errorf("stranger: trait %q: %w", t.Name, err)
		}
		if pmf == nil {
			pmf = make([]float64, d.N+1)
		}
		for k := range pmf {
			pmf[k] += t.Weight[i] * d.Prob(k)
		}
	}
	return pmf, nil
}

// PredictGraded is the distribution of graded amounts 0..e sent to a
// stranger in a repeated game with binary outcomes, as the fits read
// mikus2023 (docs/fitting.md section 1): the belief is over the probability
// that the partner reciprocates, the balance per unit sent is docs/model.md's
// binary balance p*gain - lambda*(1-p)*loss (gain m*h - 1 for a return of
// the share h of the multiplied amount, loss 1), and the amount is
// BetaBinomial(e, f*phi, (1-f)*phi) with f = sigmoid(beta*B).
func PredictGraded(m model.Model, t Trait, gain, loss float64, e int) ([]float64, error) {
	if len(t.Tau) == 0 || len(t.Tau) != len(t.Weight) {
		return nil, fmt.Errorf("stranger: trait %q: %d values and %d weights", t.Name, len(t.Tau), len(t.Weight))
	}
	s := model.Situation{Gain: gain, Loss: loss}
	if err := errors.Join(m.Validate(), s.Validate()); err != nil {
		return nil, fmt.Errorf("stranger: %w", err)
	}
	if e < 1 {
		return nil, fmt.Errorf("stranger: endowment %d: must be at least 1", e)
	}
	pmf := make([]float64, e+1)
	for i, tau := range t.Tau {
		if err := model.ValidateTrait(tau); err != nil {
			return nil, fmt.Errorf("stranger: trait %q: %w", t.Name, err)
		}
		b := m.Prior(tau)
		d := m.Amount(m.Fraction(m.Appraise(tau, b, s).Balance), e)
		for k := range pmf {
			pmf[k] += t.Weight[i] * d.Prob(k)
		}
	}
	return pmf, nil
}

// Summary describes a distribution of amounts 0..e.
type Summary struct {
	Mean, SD, Median float64
	P0, PAll         float64 // P(0) and P(e)
}

// Summarize computes the summary of a probability mass function over
// 0..len(pmf)-1. The median is the midpoint of the lower median (the
// smallest k with P(X <= k) >= 1/2) and the upper one (the smallest k with
// P(X <= k) > 1/2), as for a sample of even size; cumulative sums within
// 1e-12 of 1/2 count as 1/2.
func Summarize(pmf []float64) Summary {
	var s Summary
	if len(pmf) == 0 {
		nan := math.NaN()
		return Summary{nan, nan, nan, nan, nan}
	}
	for k, p := range pmf {
		s.Mean += float64(k) * p
	}
	cum := 0.0
	lo, hi := -1, -1
	for k, p := range pmf {
		s.SD += (float64(k) - s.Mean) * (float64(k) - s.Mean) * p
		cum += p
		if lo < 0 && cum >= 0.5-1e-12 {
			lo = k
		}
		if hi < 0 && cum > 0.5+1e-12 {
			hi = k
		}
	}
	if hi < 0 {
		hi = lo
	}
	s.Median = float64(lo+hi) / 2
	s.SD = math.Sqrt(s.SD)
	s.P0, s.PAll = pmf[0], pmf[len(pmf)-1]
	return s
}

// Observed is the empirical distribution of amounts in 0..e. An amount
// outside that range is an error.
func Observed(amounts []int, e int) ([]float64, error) {
	if len(amounts) == 0 {
		return nil, errors.New("stranger: no amounts")
	}
	pmf := make([]float64, e+1)
	for i, a := range amounts {
		if a < 0 || a > e {
			return nil, fmt.Errorf("stranger: amount %d (#%d) outside [0, %d]", a, i+1, e)
		}
		pmf[a] += 1 / float64(len(amounts))
	}
	return pmf, nil
}

// ReadAmounts reads the whole-number column col of a CSV file with a
// header row, e.g. amount_sent of shared/data/berg1995/pairs.csv. name
// labels errors (file:line).
func ReadAmounts(r io.Reader, name, col string) ([]int, error) {
	cr := csv.NewReader(r)
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s:1: %w", name, err)
	}
	j := slices.Index(head, col)
	if j < 0 {
		return nil, fmt.Errorf("%s:1: no column %q", name, col)
	}
	var out []int
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		v, err := strconv.Atoi(rec[j])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %s = %q: must be a whole number", name, line, col, rec[j])
		}
		out = append(out, v)
	}
}

// FractionCurve is the intended fraction f = sigmoid(beta*B1) of a
// stranger-trustor over n+1 trait values evenly spaced in [0, 1], in the
// investment game s.
func FractionCurve(m model.Model, s model.Situation, n int) (tau, f []float64, err error) {
	for i := 0; i <= n; i++ {
		t := float64(i) / float64(n)
		if _, err := m.Stranger(t, s); err != nil {
			return nil, nil, fmt.Errorf("stranger: %w", err)
		}
		tau = append(tau, t)
		f = append(f, m.Fraction(m.Appraise(t, m.Prior(t), s).Balance))
	}
	return tau, f, nil
}

// Case is one named distribution of amounts for the comparison.
type Case struct {
	Name string
	PMF  []float64
}

// Chart draws the cases as grouped bars: the share of trustors sending
// each amount.
func Chart(title string, cases []Case) report.BarChart {
	bc := report.BarChart{Title: title, XLabel: "amount sent", YLabel: "share of trustors"}
	if len(cases) == 0 {
		return bc
	}
	for k := range cases[0].PMF {
		bc.Categories = append(bc.Categories, strconv.Itoa(k))
	}
	for _, c := range cases {
		bc.Groups = append(bc.Groups, report.Bars{Name: c.Name, Values: c.PMF})
	}
	return bc
}
