package model

// Feedback is the regime that decides when evidence arrives.
type Feedback int

const (
	// FeedbackOwn (default): evidence only after the trustor trusted, so a
	// cynical belief is never tested (the trust trap).
	FeedbackOwn Feedback = iota
	// FeedbackFull: the trustor also learns what the partner would have
	// done when it abstained.
	FeedbackFull
	// FeedbackSocial: own evidence plus others' reports about a partner,
	// weighted by omega (see [Model.Hear]).
	FeedbackSocial
)

// String returns "own", "full" or "social".
func (f Feedback) String() string { return enumString(f, "Feedback", feedbackNames) }

// ParseFeedback parses "own" (or ""), "full" and "social".
func ParseFeedback(s string) (Feedback, error) {
	return parseEnum[Feedback]("feedback", s, true, feedbackNames)
}

// MarshalText implements encoding.TextMarshaler.
func (f Feedback) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (f *Feedback) UnmarshalText(b []byte) error {
	v, err := ParseFeedback(string(b))
	*f = v
	return err
}

// Evidence reports whether the trustor observes the partner's behaviour
// after an encounter in which it engaged (trusted or controlled) or not.
func (f Feedback) Evidence(engaged bool) bool {
	return engaged || f == FeedbackFull
}

// Weight is the evidence weight of an outcome: w_plus for a confirmation,
// w_minus for a betrayal.
func (m Model) Weight(confirmed bool) float64 {
	if confirmed {
		return m.WPlus
	}
	return m.WMinus
}

// Update applies one encounter to a belief (docs/model.md, "Experience: built, tested, confirmed, betrayed"):
//
//	a <- gamma*(a + w*r)     + (1-gamma)*a0
//	b <- gamma*(b + w*(1-r)) + (1-gamma)*b0
//
// with w = w_plus if confirmed, w_minus if not, and w = 0 when no evidence
// arrived. prior is the trait prior (a0, b0); r is the outcome in [0, 1].
func (m Model) Update(b, prior Belief, r float64, confirmed, evidence bool) Belief {
	w := 0.0
	if evidence {
		w = m.Weight(confirmed)
	}
	return Belief{
		A: m.Gamma*(b.A+w*r) + (1-m.Gamma)*prior.A,
		B: m.Gamma*(b.B+w*(1-r)) + (1-m.Gamma)*prior.B,
	}
}

// Hear adds another's report of outcome r about a partner, with weight
// omega*w (w as in Update). A report is not an encounter: it does not decay
// the belief.
func (m Model) Hear(b Belief, r float64, confirmed bool) Belief {
	w := m.Omega * m.Weight(confirmed)
	return Belief{A: b.A + w*r, B: b.B + w*(1-r)}
}
