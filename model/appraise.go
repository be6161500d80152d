package model

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// Appraisal is the middle level of the pyramid for one situation: the
// expectation, the risk and their balance. For the investment game the three
// are per unit sent (E1, R1, B1).
type Appraisal struct {
	Lambda      float64 // risk weight lambda(tau)
	P           float64 // expected trustworthiness a/(a+b)
	PRisk       float64 // trustworthiness used in the risk term (p unless zeta > 0)
	Expectation float64 // E = p*g, or E1 = E[(m*rho - 1)+]
	Risk        float64 // R = (1-p_R)*l, or R1 = E[(1 - m*rho)+]
	Balance     float64 // B = E - lambda*R - u0, or B1 = E1 - lambda*R1

	// ControlBalance is B_c = p*g_c - lambda*(1-p_R)*l_c - c - u0; zero
	// without a control option.
	ControlBalance float64
}

// Appraise weighs expectation against risk. It does not validate its
// inputs; see [Model.Explain] for the checked entry point.
func (m Model) Appraise(tau float64, b Belief, s Situation) Appraisal {
	lambda := m.Lambda(tau)
	if s.Game == Investment {
		return m.appraiseInvestment(lambda, b, s.Multiplier)
	}
	p := b.P()
	pr := m.PRisk(b)
	a := Appraisal{
		Lambda:      lambda,
		P:           p,
		PRisk:       pr,
		Expectation: p * s.Gain,
		Risk:        (1 - pr) * s.Loss,
	}
	a.Balance = a.Expectation - lambda*a.Risk - s.Outside
	if c := s.Control; c != nil {
		a.ControlBalance = p*c.Gain - lambda*(1-pr)*c.Loss - c.Cost - s.Outside
	}
	return a
}

// BinaryBalance is B = p*g - lambda*(1-p)*l - u0, the binary balance without
// ambiguity aversion, for hot loops that precompute lambda.
func BinaryBalance(p, lambda, gain, loss, outside float64) float64 {
	return p*gain - lambda*(1-p)*loss - outside
}

// InvestmentTerms returns E1 = E[(m*rho-1)+] and R1 = E[(1-m*rho)+] per unit
// sent for rho ~ Beta(a, b), through the regularised incomplete beta
// function at the break-even fraction t = 1/m:
//
//	E1 = m*p*(1 - I_t(a+1, b)) - (1 - I_t(a, b))
//	R1 = I_t(a, b) - m*p*I_t(a+1, b)
func InvestmentTerms(b Belief, mult float64) (e1, r1 float64) {
	t := 1 / mult
	p := b.P()
	i0 := mathext.RegIncBeta(b.A, b.B, t)
	i1 := mathext.RegIncBeta(b.A+1, b.B, t)
	e1 = mult*p*(1-i1) - (1 - i0)
	r1 = i0 - mult*p*i1
	return e1, r1
}

func (m Model) appraiseInvestment(lambda float64, b Belief, mult float64) Appraisal {
	p := b.P()
	e1, r1 := InvestmentTerms(b, mult)
	pr := p
	if m.Zeta > 0 {
		// Ambiguity aversion: the risk term uses a belief with the same
		// evidence and the lowered mean p_R (kept positive so that the
		// beta function stays defined).
		pr = m.PRisk(b)
		n := b.N()
		q := max(pr, 1e-12)
		_, r1 = InvestmentTerms(Belief{A: q * n, B: (1 - q) * n}, mult)
	}
	return Appraisal{
		Lambda:      lambda,
		P:           p,
		PRisk:       pr,
		Expectation: e1,
		Risk:        r1,
		Balance:     e1 - lambda*r1,
	}
}

// Sigmoid is the logistic function 1/(1+exp(-x)), computed stably.
func Sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}
