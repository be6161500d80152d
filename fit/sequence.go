package fit

import (
	"fmt"
	"math"
)

// Response is the kind of choice a trial records.
type Response uint8

const (
	// Amount: a whole amount Sent of Endowment, scored with the
	// beta-binomial of model.Amount.
	Amount Response = iota
	// Binary: send (Sent = 1) or not (Sent = 0), P(send) = sigmoid(beta*B);
	// an Amount with an endowment of 1 is scored this way.
	Binary
	// TwoOption: one of two offered amounts, Low or High, scored with a
	// softmax over their utilities U(x) = (x/Endowment)*B1.
	TwoOption
)

// String returns "amount", "binary" or "two-option".
func (r Response) String() string {
	switch r {
	case Amount:
		return "amount"
	case Binary:
		return "binary"
	case TwoOption:
		return "two-option"
	}
	return fmt.Sprintf("Response(%d)", int(r))
}

// Belief says what the trustor's Beta belief is about and so how a trial is
// appraised (the middle level of the pyramid).
type Belief uint8

const (
	// OutcomeBelief: the belief is over the probability that the partner
	// reciprocates, and evidence is binary (r = 1 honoured, 0 betrayed).
	// Per unit sent, reciprocation gains g = m*h - 1 (h: the fraction of the
	// multiplied amount a reciprocating partner returns) and betrayal loses
	// 1, so B1 = p*g - lambda*(1-p), docs/model.md's binary balance per unit.
	OutcomeBelief Belief = iota
	// ReturnBelief: the belief is over the return fraction rho, evidence is
	// the observed fraction r = returned/(m*sent), and B1 = E1 - lambda*R1
	// (docs/model.md, "Middle: expectation against risk", model.InvestmentTerms).
	ReturnBelief
)

// String returns "outcome" or "return".
func (b Belief) String() string {
	if b == ReturnBelief {
		return "return"
	}
	return "outcome"
}

// Trial is one decision of a subject prepared for fitting: what was chosen,
// and what the subject learned afterwards.
type Trial struct {
	Partner  int      // index into Sequence.Partners
	Response Response // kind of choice
	// Endowment is the whole amount available (Amount, Binary: whole
	// units; TwoOption: the scale of the options).
	Endowment float64
	// Sent is the amount sent (Amount, Binary: a whole number).
	Sent float64
	// Low and High are the offered amounts of a TwoOption trial, and
	// TookHigh says which was chosen.
	Low, High float64
	TookHigh  bool
	// Multiplier multiplies the amount sent.
	Multiplier float64
	// Gain is g = m*h - 1 per unit sent for OutcomeBelief sequences.
	Gain float64
	// Evidence says whether the subject learned the partner's behaviour
	// after this trial; R is the outcome (1/0, or the return fraction) and
	// Confirmed whether it confirmed trust (the trustor did not lose).
	Evidence  bool
	R         float64
	Confirmed bool
	// Trusted is, on a trustee's trial (Sequence.Trustee), the fraction
	// of the trustor's endowment that was sent: the trustee received
	// Endowment = multiplier x sent and returned Sent of it.
	Trusted float64
	// Line is the line in the data file, for messages (0 if synthetic).
	Line int
}

// Sequence is one subject's decisions in the order they were made.
type Sequence struct {
	ID       string
	Group    string
	Partners []string // partner names; Trial.Partner indexes them
	Belief   Belief
	Trials   []Trial
	// PartnerKind gives each partner's kind as an index into Kinds (nil
	// without kinds); Kinds are the kinds' names, in alphabetical order,
	// at most 4. The partner_prior model gives each kind its own prior.
	PartnerKind []int
	Kinds       []string
	// AfterTrust says that feedback follows only a choice that sent
	// something (as the data spec's feedback: after_trust), for
	// simulations that replay the sequence (Replicate).
	AfterTrust bool
	// Trustee says that the subject is a trustee: each trial is a return
	// decision (Endowment: the amount received; Sent: the amount
	// returned; Trusted: the share the trustor sent), fitted by the
	// trustee models (TrusteeModels), not by the trustor's.
	Trustee bool
}

// Validate checks that every trial is well formed; errors name the line.
func (s *Sequence) Validate() error {
	if len(s.Trials) == 0 {
		return fmt.Errorf("subject %q: no trials", s.ID)
	}
	for i, t := range s.Trials {
		where := fmt.Sprintf("subject %q, trial %d", s.ID, i+1)
		if t.Line > 0 {
			where = fmt.Sprintf("subject %q, line %d", s.ID, t.Line)
		}
		switch {
		case t.Partner < 0 || t.Partner >= len(s.Partners):
			return fmt.Errorf("%s: partner index %d out of range [0, %d)", where, t.Partner, len(s.Partners))
		case !(t.Multiplier > 0) || math.IsInf(t.Multiplier, 0):
			return fmt.Errorf("%s: multiplier %g must be in (0, inf)", where, t.Multiplier)
		case !(t.Endowment > 0) || math.IsInf(t.Endowment, 0):
			return fmt.Errorf("%s: endowment %g must be in (0, inf)", where, t.Endowment)
		case t.Evidence && !(t.R >= 0 && t.R <= 1):
			return fmt.Errorf("%s: outcome %g must be in [0, 1]", where, t.R)
		case s.Trustee && !(t.Trusted > 0 && t.Trusted <= 1):
			return fmt.Errorf("%s: share sent by the trustor %g must be in (0, 1]", where, t.Trusted)
		case s.Trustee && t.Response == TwoOption:
			return fmt.Errorf("%s: a trustee's return is a graded amount, not a choice between two offers", where)
		case !s.Trustee && s.Belief == OutcomeBelief && (math.IsNaN(t.Gain) || math.IsInf(t.Gain, 0)):
			return fmt.Errorf("%s: gain per unit sent is %g (is the return on reciprocation known?)", where, t.Gain)
		}
		switch t.Response {
		case Amount, Binary:
			if t.Endowment != math.Trunc(t.Endowment) || t.Endowment > 1e6 {
				return fmt.Errorf("%s: endowment %g must be a whole number in [1, 1e6] for graded amounts", where, t.Endowment)
			}
			if t.Sent != math.Trunc(t.Sent) || t.Sent < 0 || t.Sent > t.Endowment {
				return fmt.Errorf("%s: amount sent %g must be a whole number in [0, %g] for graded amounts", where, t.Sent, t.Endowment)
			}
			if t.Response == Binary && t.Endowment != 1 {
				return fmt.Errorf("%s: a binary choice needs endowment 1, got %g", where, t.Endowment)
			}
		case TwoOption:
			if !(t.Low >= 0 && t.Low <= t.High && t.High <= t.Endowment) {
				return fmt.Errorf("%s: offers %g and %g must satisfy 0 <= low <= high <= endowment %g", where, t.Low, t.High, t.Endowment)
			}
		default:
			return fmt.Errorf("%s: unknown response kind %d", where, t.Response)
		}
	}
	return nil
}

// responses reports which response kinds occur.
func (s *Sequence) responses() (amounts, binary, options bool) {
	for _, t := range s.Trials {
		switch t.Response {
		case Amount:
			if t.Endowment == 1 {
				binary = true
			} else {
				amounts = true
			}
		case Binary:
			binary = true
		case TwoOption:
			options = true
		}
	}
	return
}
