package fit

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/trustlab/trustlab/model"
)

// PartnerDesign is one partner of a simulated design.
type PartnerDesign struct {
	Name string
	// Trials is the number of trials with this partner.
	Trials int
	// Reciprocation is the share of trials on which the partner
	// reciprocates; the exact count round(Reciprocation*Trials) is shuffled
	// per subject (a pseudo-random schedule, as in mikus2023).
	Reciprocation float64
}

// Design is the task simulated subjects face. The zero value is the
// mikus2023 design: two partners x 25 trials reciprocating on 72% and 28%
// of trials, graded amounts of 10, multiplier 3, a reciprocating partner
// returning half the multiplied amount, feedback on every trial.
type Design struct {
	Partners     []PartnerDesign
	Endowment    int     // default 10
	Multiplier   float64 // default 3
	HonourReturn float64 // fraction of the multiplied amount returned when reciprocating, default 0.5
	// AfterTrust gives feedback only when something was sent (the
	// default is feedback on every trial).
	AfterTrust bool
	// Interleaved alternates partners trial by trial instead of meeting
	// them in blocks.
	Interleaved bool
}

// MikusDesign is the default design (see Design).
func MikusDesign() Design {
	return Design{
		Partners:   []PartnerDesign{{"good", 25, 0.72}, {"bad", 25, 0.28}},
		Endowment:  10,
		Multiplier: 3, HonourReturn: 0.5,
	}
}

func (d Design) resolve() (Design, error) {
	def := MikusDesign()
	if d.Partners == nil {
		d.Partners = def.Partners
	}
	if d.Endowment == 0 {
		d.Endowment = def.Endowment
	}
	if d.Multiplier == 0 {
		d.Multiplier = def.Multiplier
	}
	if d.HonourReturn == 0 {
		d.HonourReturn = def.HonourReturn
	}
	for _, p := range d.Partners {
		if p.Trials < 1 || p.Trials > 1e5 || !(p.Reciprocation >= 0 && p.Reciprocation <= 1) {
			return d, fmt.Errorf("design: partner %q: trials %d must be in [1, 100000] and reciprocation %g in [0, 1]", p.Name, p.Trials, p.Reciprocation)
		}
	}
	if len(d.Partners) == 0 || d.Endowment < 1 || d.Endowment > 1e6 || !(d.Multiplier > 1) || !(d.HonourReturn > 0 && d.HonourReturn <= 1) {
		return d, fmt.Errorf("design: need at least one partner, endowment in [1, 1e6], multiplier > 1, honour return in (0, 1]")
	}
	return d, nil
}

// Simulate draws one subject's choices in design d under values v (tau,
// the model parameters and the response model's lapse, hurdle and round):
// the model's own generative process, with every random draw from r.
func Simulate(r *rand.Rand, id string, d Design, v Values) (*Sequence, error) {
	d, err := d.resolve()
	if err != nil {
		return nil, err
	}
	m := v.Model()
	if err := m.Validate(); err != nil {
		return nil, err
	}
	s := &Sequence{ID: id, Belief: OutcomeBelief}
	type slot struct{ partner, trial int }
	var order []slot
	schedules := make([][]bool, len(d.Partners))
	for i, p := range d.Partners {
		s.Partners = append(s.Partners, p.Name)
		n := int(math.Round(p.Reciprocation * float64(p.Trials)))
		sch := make([]bool, p.Trials)
		for j := range n {
			sch[j] = true
		}
		r.Shuffle(len(sch), func(a, b int) { sch[a], sch[b] = sch[b], sch[a] })
		schedules[i] = sch
	}
	if d.Interleaved {
		for t := 0; ; t++ {
			added := false
			for i, p := range d.Partners {
				if t < p.Trials {
					order = append(order, slot{i, t})
					added = true
				}
			}
			if !added {
				break
			}
		}
	} else {
		for i, p := range d.Partners {
			for t := range p.Trials {
				order = append(order, slot{i, t})
			}
		}
	}
	gain := d.Multiplier*d.HonourReturn - 1
	rv := v.resp()
	rounds := roundAmounts(d.Endowment)
	lambda := m.Lambda(v[Tau])
	prior := m.Prior(v[Tau])
	beliefs := make([]model.Belief, len(d.Partners))
	for i := range beliefs {
		beliefs[i] = prior
	}
	for _, sl := range order {
		b := beliefs[sl.partner]
		bal := model.BinaryBalance(b.P(), lambda, gain, 1, 0)
		f := m.Fraction(bal)
		sent := drawAmount(r, m.Amount(f, d.Endowment), f, rv, rounds)
		honoured := schedules[sl.partner][sl.trial]
		t := Trial{Partner: sl.partner, Response: Amount, Endowment: float64(d.Endowment), Sent: float64(sent),
			Multiplier: d.Multiplier, Gain: gain, Evidence: !d.AfterTrust || sent > 0, Confirmed: honoured}
		if honoured {
			t.R = 1
		}
		if d.Endowment == 1 {
			t.Response = Binary
		}
		s.Trials = append(s.Trials, t)
		beliefs[sl.partner] = m.Update(b, prior, t.R, t.Confirmed, t.Evidence)
	}
	return s, nil
}

// drawAmount draws an amount under the response model rv (see
// ResponseModel): a lapse (uniform), else an all-or-nothing choice (all
// with probability f), else bb restricted to the round amounts with
// probability rv.round, else bb itself. Without lapse, hurdle or round
// it draws from bb alone, as the plain response does.
func drawAmount(r *rand.Rand, bb model.BetaBinomial, f float64, rv respValues, rounds *roundSet) int {
	if rv.lapse > 0 && r.Float64() < rv.lapse {
		return r.IntN(bb.N + 1)
	}
	if rv.hurdle > 0 && r.Float64() < rv.hurdle {
		if r.Float64() < f {
			return bb.N
		}
		return 0
	}
	if rv.round > 0 && rounds != nil && r.Float64() < rv.round {
		s, _ := rounds.mass(bb.N, bb.Alpha, bb.Beta)
		u := r.Float64() * s
		for i, j := range rounds.k {
			u -= math.Exp(rounds.lc[i] + logBetaRatio(int(j), bb.N, bb.Alpha, bb.Beta))
			if u <= 0 {
				return int(j)
			}
		}
		return int(rounds.k[len(rounds.k)-1])
	}
	return bb.Rand(r)
}

// SimulateModel draws one subject's choices in design d under any model:
// the pyramid model and its variants as Simulate does (identical draws),
// or the baseline and the rival models through the same replay as the
// likelihood. Feedback follows the design (after trust only, with
// d.AfterTrust).
func SimulateModel(r *rand.Rand, id string, d Design, variant Variant, v Values) (*Sequence, error) {
	if variant.rule == rulePyramid && !variant.kinds {
		return Simulate(r, id, d, v)
	}
	if variant.rule == ruleTrustee {
		return simulateTrustee(r, id, d, v)
	}
	// The skeleton: partners, order and outcomes as Simulate draws them,
	// with the pyramid's choices replaced below.
	s, err := Simulate(r, id, d, DefaultValues())
	if err != nil {
		return nil, err
	}
	s.AfterTrust = d.AfterTrust
	if variant.kinds {
		// partner_prior: each partner of the design is a kind of its own,
		// in alphabetical order (the first is the reference).
		s.Kinds = slices.Sorted(slices.Values(s.Partners))
		for _, p := range s.Partners {
			s.PartnerKind = append(s.PartnerKind, slices.Index(s.Kinds, p))
		}
	}
	for i := range s.Trials {
		s.Trials[i].Evidence = true // the schedule's outcome; replay hides it after sending nothing
	}
	out, evidence := replay(r, compile(s, 1), s, variant.rule, &v)
	for i := range s.Trials {
		s.Trials[i].Sent = math.Round(out[i] * s.Trials[i].Endowment)
		s.Trials[i].Evidence = evidence[i]
	}
	return s, nil
}

// simulateTrustee draws a trustee's returns in design d: each partner of
// the design is a trustor who sends, on each of its trials, an amount
// drawn uniformly from 1..Endowment; the trustee receives Multiplier x
// that (rounded to a whole amount) and returns an amount drawn from the
// trustee model under v (the response model included).
func simulateTrustee(r *rand.Rand, id string, d Design, v Values) (*Sequence, error) {
	d, err := d.resolve()
	if err != nil {
		return nil, err
	}
	s := &Sequence{ID: id, Belief: ReturnBelief, Trustee: true}
	for i, p := range d.Partners {
		s.Partners = append(s.Partners, p.Name)
		for range p.Trials {
			sent := 1 + r.IntN(d.Endowment)
			n := max(1, math.Round(d.Multiplier*float64(sent)))
			resp := Amount
			if n == 1 {
				resp = Binary
			}
			s.Trials = append(s.Trials, Trial{Partner: i, Response: resp, Endowment: n, Multiplier: 1, Trusted: float64(sent) / float64(d.Endowment)})
		}
	}
	out, _ := replay(r, compile(s, 1), s, ruleTrustee, &v)
	for i := range s.Trials {
		s.Trials[i].Sent = math.Round(out[i] * s.Trials[i].Endowment)
	}
	return s, nil
}
