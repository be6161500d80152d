package fitrun

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/trustlab/trustlab/dataset"
	"github.com/trustlab/trustlab/fit"
)

// FromSubject prepares a subject read by the dataset package for fitting.
//
//   - Offered amounts (fit.Trial.Options) become fit.TwoOption trials; other
//     trials are graded amounts (fit.Binary with an endowment of 1) and need
//     whole endowments and amounts.
//   - With an outcome column the belief is over the probability of
//     reciprocation (fit.OutcomeBelief): honoured gives r = 1 and confirms
//     trust, betrayed gives r = 0, and a trial without an outcome brings no
//     evidence. The gain per unit sent is g = m*h - 1 with h the fraction a
//     reciprocating partner returns: the spec's game.return_on_honour, or
//     else the returned amounts of honoured trials.
//   - Without one the belief is over the return fraction (fit.ReturnBelief):
//     r = returned/(m*sent) whenever something was sent and the returned
//     amount is known, confirming trust when m*r >= 1.
func FromSubject(s *dataset.Subject, spec dataset.Spec) (*fit.Sequence, error) {
	seq := &fit.Sequence{ID: s.ID, Group: s.Group, Partners: s.Partners(), AfterTrust: spec.Game.Feedback == dataset.FeedbackAfterTrust}
	index := make(map[string]int, len(seq.Partners))
	for i, p := range seq.Partners {
		index[p] = i
	}
	outcomes := false
	for _, t := range s.Trials {
		if t.Outcome != dataset.NoOutcome {
			outcomes = true
			break
		}
	}
	if spec.Columns.Outcome != "" || outcomes {
		seq.Belief = fit.OutcomeBelief
	} else {
		seq.Belief = fit.ReturnBelief
	}
	h := math.NaN()
	if seq.Belief == fit.OutcomeBelief {
		if spec.Game.ReturnOnHonour != nil {
			h = *spec.Game.ReturnOnHonour
		} else {
			sum, n := 0.0, 0
			for _, t := range s.Trials {
				if t.Outcome == dataset.Honoured && t.Sent > 0 && !math.IsNaN(t.Returned) {
					sum += t.Returned / (t.Multiplier * t.Sent)
					n++
				}
			}
			if n == 0 {
				return nil, fmt.Errorf("subject %q: the return on reciprocation is unknown: set game.return_on_honour in the data spec (the fraction of the multiplied amount a reciprocating partner returns) or give a returned column", s.ID)
			}
			h = sum / float64(n)
		}
	}
	if spec.Columns.PartnerKind != "" {
		kindOf := map[string]string{}
		kinds := map[string]bool{}
		for _, t := range s.Trials {
			if k, ok := kindOf[t.Partner]; ok && k != t.PartnerKind {
				return nil, fmt.Errorf("line %d: subject %q: partner %q is of kind %q here and %q before: a partner's kind must not change", t.Line, s.ID, t.Partner, t.PartnerKind, k)
			}
			kindOf[t.Partner] = t.PartnerKind
			kinds[t.PartnerKind] = true
		}
		for k := range kinds {
			seq.Kinds = append(seq.Kinds, k)
		}
		slices.Sort(seq.Kinds)
		if len(seq.Kinds) > 4 {
			return nil, fmt.Errorf("subject %q: %d kinds of partner (%s): partner priors take at most 4", s.ID, len(seq.Kinds), strings.Join(seq.Kinds, ", "))
		}
		for _, p := range seq.Partners {
			seq.PartnerKind = append(seq.PartnerKind, slices.Index(seq.Kinds, kindOf[p]))
		}
	}
	for _, t := range s.Trials {
		ft := fit.Trial{Partner: index[t.Partner], Endowment: t.Endowment, Sent: t.Sent, Multiplier: t.Multiplier, Line: t.Line}
		switch {
		case len(t.Options) == 2:
			ft.Response = fit.TwoOption
			ft.Low, ft.High, ft.TookHigh = t.Options[0], t.Options[1], t.Chosen == 1
		case t.Endowment == 1:
			ft.Response = fit.Binary
		default:
			ft.Response = fit.Amount
		}
		if ft.Response != fit.TwoOption && (t.Endowment != math.Trunc(t.Endowment) || t.Sent != math.Trunc(t.Sent)) {
			return nil, fmt.Errorf("line %d: subject %q: sent %g of %g: graded amounts must be whole units (the likelihood is a beta-binomial over 0..endowment)", t.Line, s.ID, t.Sent, t.Endowment)
		}
		switch seq.Belief {
		case fit.OutcomeBelief:
			ft.Gain = t.Multiplier*h - 1
			ft.Evidence = t.Outcome != dataset.NoOutcome
			ft.Confirmed = t.Outcome == dataset.Honoured
			if ft.Confirmed {
				ft.R = 1
			}
		case fit.ReturnBelief:
			if t.Sent > 0 && !math.IsNaN(t.Returned) {
				ft.Evidence = true
				ft.R = min(max(t.Returned/(t.Multiplier*t.Sent), 0), 1)
				ft.Confirmed = t.Multiplier*ft.R >= 1
			}
		}
		seq.Trials = append(seq.Trials, ft)
	}
	if err := seq.Validate(); err != nil {
		return nil, err
	}
	return seq, nil
}

// Traits turns questionnaire scores into measured traits by respondent ID:
// tau is the score rescaled to [0, 1] and SD its standard error of
// measurement, sd(tau over respondents)*sqrt(1 - alpha).
func Traits(sc *dataset.Scores) (map[string]fit.Trait, error) {
	n := len(sc.Respondents)
	if n == 0 {
		return nil, fmt.Errorf("questionnaire %s: no scored respondents", sc.Scale)
	}
	mean := 0.0
	for _, r := range sc.Respondents {
		mean += r.Tau / float64(n)
	}
	ss := 0.0
	for _, r := range sc.Respondents {
		ss += (r.Tau - mean) * (r.Tau - mean)
	}
	sd := math.NaN()
	if n > 1 {
		sd = math.Sqrt(ss / float64(n-1))
	}
	sem := sd * math.Sqrt(1-sc.Alpha)
	out := make(map[string]fit.Trait, n)
	for _, r := range sc.Respondents {
		id := strings.TrimSpace(r.ID)
		if _, dup := out[id]; dup {
			return nil, fmt.Errorf("questionnaire %s: respondent %q on line %d appears twice", sc.Scale, id, r.Line)
		}
		out[id] = fit.Trait{Tau: r.Tau, SD: sem}
	}
	return out, nil
}

// FromTrustees gathers the trustees' return decisions from the trustors'
// trials (the spec's columns.trustee names each row's trustee): one
// fit.Sequence per trustee, in order of first appearance, its trials in file
// order. A trial in which something was sent and the returned amount is
// known is one decision: the trustee received multiplier x sent (a whole
// amount) and returned a whole amount of it; Trusted is the share of the
// endowment sent, and the trustor is the partner. Trials in which nothing
// was sent hold no decision. A trustee's group is the trustors' group,
// which must be the same on all its rows.
func FromTrustees(subjects []*dataset.Subject, spec dataset.Spec) ([]*fit.Sequence, error) {
	if len(spec.Columns.Trustee) == 0 {
		return nil, fmt.Errorf("the data spec names no trustee column (columns.trustee): the trustees' returns cannot be fitted")
	}
	type row struct {
		t     *dataset.Trial
		group string
		from  string
	}
	rows := map[string][]row{}
	var order []string
	for _, s := range subjects {
		for i := range s.Trials {
			t := &s.Trials[i]
			if !(t.Sent > 0) || math.IsNaN(t.Returned) {
				continue
			}
			if _, ok := rows[t.Trustee]; !ok {
				order = append(order, t.Trustee)
			}
			rows[t.Trustee] = append(rows[t.Trustee], row{t, s.Group, s.ID})
		}
	}
	out := make([]*fit.Sequence, 0, len(order))
	for _, id := range order {
		rs := rows[id]
		slices.SortStableFunc(rs, func(a, b row) int { return a.t.Line - b.t.Line })
		seq := &fit.Sequence{ID: id, Group: rs[0].group, Belief: fit.ReturnBelief, Trustee: true}
		index := map[string]int{}
		for _, r := range rs {
			t := r.t
			if r.group != seq.Group {
				return nil, fmt.Errorf("line %d: trustee %q: group %q differs from %q on line %d: the group must not change within a trustee", t.Line, id, r.group, seq.Group, rs[0].t.Line)
			}
			got := t.Multiplier * t.Sent
			n := math.Round(got)
			if math.Abs(got-n) > 1e-9*max(1, got) {
				return nil, fmt.Errorf("line %d: trustee %q received %g (multiplier %g x sent %g): the returned amount is scored over 0..received, which must be a whole number", t.Line, id, got, t.Multiplier, t.Sent)
			}
			if t.Returned != math.Trunc(t.Returned) || t.Returned < 0 || t.Returned > n {
				return nil, fmt.Errorf("line %d: trustee %q returned %g of %g received: must be a whole number in [0, %g]", t.Line, id, t.Returned, n, n)
			}
			p, ok := index[r.from]
			if !ok {
				p = len(seq.Partners)
				index[r.from] = p
				seq.Partners = append(seq.Partners, r.from)
			}
			resp := fit.Amount
			if n == 1 {
				resp = fit.Binary
			}
			seq.Trials = append(seq.Trials, fit.Trial{Partner: p, Response: resp, Endowment: n, Sent: t.Returned, Multiplier: 1,
				Trusted: t.Sent / t.Endowment, Line: t.Line})
		}
		if err := seq.Validate(); err != nil {
			return nil, err
		}
		out = append(out, seq)
	}
	return out, nil
}
