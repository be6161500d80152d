package sim

import "math"

// acc holds one shard's sums for one group in one step.
type acc struct {
	agents, acting                      int64
	trust, control, certainty, distrust int64
	engaged, honoured                   int64
	payoff, welfare, controlCost, loss  float64
	belief, calib, cynic, trait         float64
	sent, returned                      float64
	sentN, returnedN                    int64

	// hist counts a binary situation's acts by 2*act + confirmed during a
	// shard's step (binBlock); foldHist adds them to the counts above.
	hist [6]int64

	// A cache line's worth of padding, so that no line holds sums of two
	// neighbouring accs, which two workers update at once (neighbouring
	// shards run at the same time), wherever the slice starts.
	_ [64]byte
}

// addBelief adds an acting agent's belief mean p about its partner,
// whose honour probability is hp, to the belief metrics.
func (a *acc) addBelief(p, hp float32) {
	dp := float64(p) - float64(hp)
	a.belief += float64(p)
	a.calib += math.Abs(dp)
	a.cynic += dp
}

func (a *acc) add(b *acc) {
	a.agents += b.agents
	a.acting += b.acting
	a.trust += b.trust
	a.control += b.control
	a.certainty += b.certainty
	a.distrust += b.distrust
	a.engaged += b.engaged
	a.honoured += b.honoured
	a.payoff += b.payoff
	a.welfare += b.welfare
	a.controlCost += b.controlCost
	a.loss += b.loss
	a.belief += b.belief
	a.calib += b.calib
	a.cynic += b.cynic
	a.trait += b.trait
	a.sent += b.sent
	a.returned += b.returned
	a.sentN += b.sentN
	a.returnedN += b.returnedN
}

// Row is one line of steps.csv (columns [RowHeader]): the metrics of one group (or of all
// agents, group "all") after one step. Rates are shares of the agents
// that had a partner this step; NaN means undefined (written NA).
type Row struct {
	Step   int    // 1-based step
	Group  string // group name, "all" for the whole population
	Agents int64  // agents in the group

	TrustRate     float64 // engaged without safeguards while a loss was possible
	ControlRate   float64 // engaged under the control option
	CertaintyRate float64 // engaged where nothing could be lost
	DistrustRate  float64 // declined
	HonourRate    float64 // honoured / engaged (trust or control)

	MeanPayoff  float64 // the step's payoffs / agents
	Welfare     float64 // total surplus of the step's encounters
	ControlCost float64 // total cost of controls paid
	Loss        float64 // total damage of betrayals suffered

	MeanBelief       float64 // mean p about the partner met
	CalibrationError float64 // mean |p - partner's true trustworthiness|
	Cynicism         float64 // mean (p - true trustworthiness); negative: underestimation
	MeanTrait        float64 // mean trait at the end of the step

	SentFraction   float64 // investment game: mean amount sent / endowment
	ReturnFraction float64 // investment game: mean fraction returned (of engaged)
}

// RowHeader names a Row's columns in the order of steps.csv: step, group,
// then the columns of [Row.Values]. It is the one list of that order.
var RowHeader = []string{"step", "group", "agents", "trust_rate", "control_rate", "certainty_rate", "distrust_rate",
	"honour_rate", "mean_payoff", "welfare", "control_cost", "loss", "mean_belief", "calibration_error",
	"cynicism", "mean_trait", "sent_fraction", "return_fraction"}

// Values returns the row's numbers in the order of RowHeader[2:]: the
// agents, then the 15 metrics.
func (r Row) Values() []float64 {
	return []float64{float64(r.Agents), r.TrustRate, r.ControlRate, r.CertaintyRate, r.DistrustRate, r.HonourRate,
		r.MeanPayoff, r.Welfare, r.ControlCost, r.Loss, r.MeanBelief, r.CalibrationError, r.Cynicism,
		r.MeanTrait, r.SentFraction, r.ReturnFraction}
}

// RowsOf returns the rows of one group, in order.
func RowsOf(rows []Row, group string) []Row {
	var out []Row
	for _, r := range rows {
		if r.Group == group {
			out = append(out, r)
		}
	}
	return out
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}

func (a *acc) row(step int, name string, investment bool) Row {
	act := float64(a.acting)
	r := Row{
		Step: step, Group: name, Agents: a.agents,
		TrustRate:        ratio(float64(a.trust), act),
		ControlRate:      ratio(float64(a.control), act),
		CertaintyRate:    ratio(float64(a.certainty), act),
		DistrustRate:     ratio(float64(a.distrust), act),
		HonourRate:       ratio(float64(a.honoured), float64(a.engaged)),
		MeanPayoff:       ratio(a.payoff, float64(a.agents)),
		Welfare:          a.welfare,
		ControlCost:      a.controlCost,
		Loss:             a.loss,
		MeanBelief:       ratio(a.belief, act),
		CalibrationError: ratio(a.calib, act),
		Cynicism:         ratio(a.cynic, act),
		MeanTrait:        ratio(a.trait, float64(a.agents)),
		SentFraction:     math.NaN(),
		ReturnFraction:   math.NaN(),
	}
	if investment {
		r.SentFraction = ratio(a.sent, float64(a.sentN))
		r.ReturnFraction = ratio(a.returned, float64(a.returnedN))
	}
	return r
}

// reduce sums the shards' accumulators in shard order and returns the
// rows: one per group, then "all" when there is more than one group.
func (s *Sim) reduce() []Row {
	G := len(s.groups)
	tot := make([]acc, G+1)
	for h := range s.shards {
		for gi := range G {
			tot[gi].add(&s.acc[h*G+gi])
		}
	}
	inv := s.sc.Situation.Game != 0
	var rows []Row
	for gi := range G {
		rows = append(rows, tot[gi].row(s.step, s.groups[gi].Name, inv))
		if G > 1 {
			tot[G].add(&tot[gi])
		}
	}
	if G > 1 {
		rows = append(rows, tot[G].row(s.step, "all", inv))
	}
	return rows
}
