package fit

import (
	"math"
	"testing"

	"github.com/trustlab/trustlab/model"
)

func vals(tau, lambda0, kappa, beta, wPlus, wMinus, gamma, n0, phi float64) Values {
	var v Values
	v[Tau], v[Lambda0], v[Kappa], v[Beta] = tau, lambda0, kappa, beta
	v[WPlus], v[WMinus], v[Gamma], v[N0], v[Phi] = wPlus, wMinus, gamma, n0, phi
	v[Base] = 0.5
	return v
}

// The reference values were computed independently with mpmath at 40
// digits (log-gamma, regularised incomplete beta), replaying the same
// sequences by hand: see the comments for the intermediate values.
func TestLogLikReference(t *testing.T) {
	amount := func(partner int, k float64, honoured bool) Trial {
		r := 0.0
		if honoured {
			r = 1
		}
		return Trial{Partner: partner, Response: Amount, Endowment: 10, Sent: k, Multiplier: 3, Gain: 0.5,
			Evidence: true, R: r, Confirmed: honoured}
	}
	option := func(low, high float64, took, evidence, honoured bool) Trial {
		r := 0.0
		if honoured {
			r = 1
		}
		return Trial{Response: TwoOption, Endowment: 8, Low: low, High: high, TookHigh: took, Multiplier: 3, Gain: 0.5,
			Evidence: evidence, R: r, Confirmed: honoured}
	}
	ret := func(k, returned float64) Trial {
		r := returned / (3 * k)
		return Trial{Response: Amount, Endowment: 10, Sent: k, Multiplier: 3, Evidence: true, R: r, Confirmed: 3*r >= 1}
	}
	tests := []struct {
		name string
		seq  Sequence
		v    Values
		want float64
		per  []float64
	}{
		{
			// p: 0.4, 0.2105263157894737 (after a betrayal with gamma 0.9), 0.4 (new partner);
			// B1: -0.5328416548961019, -0.8590021774948709, -0.5328416548961019.
			name: "outcome belief, graded amounts, two partners",
			seq: Sequence{ID: "a", Partners: []string{"bad", "good"}, Belief: OutcomeBelief,
				Trials: []Trial{amount(0, 4, false), amount(0, 2, true), amount(1, 10, true)}},
			v:    vals(0.4, 1, 2, 5, 1, 2, 0.9, 2, 10),
			want: -20.64098508335929428,
			per:  []float64{-4.0784650376810093, -3.9904797305050237, -12.572040315173261},
		},
		{
			// p: 0.7, 0.76, 0.76 (the second trial brings no evidence);
			// B1: 0.048355979283962315, 0.13868478342716985 twice.
			name: "outcome belief, two offered amounts of 8",
			seq: Sequence{ID: "b", Partners: []string{"friend"}, Belief: OutcomeBelief,
				Trials: []Trial{option(0, 4, true, true, true), option(2, 8, false, false, false), option(0, 8, true, true, false)}},
			v:    vals(0.7, 1.5, 2, 8, 0.5, 3, 1, 2, 10),
			want: -2.0794458441061596178,
			per:  []float64{-0.60110455138827568, -1.193364665997749, -0.28497662672013491},
		},
		{
			// p: 0.3, 0.325 (a return of 6 of 15 confirms: 3*0.4 >= 1);
			// B1 via the incomplete beta: -0.26978237863998813, -0.1600066095124177.
			name: "return belief, graded amounts",
			seq: Sequence{ID: "c", Partners: []string{"x"}, Belief: ReturnBelief,
				Trials: []Trial{ret(5, 6), ret(3, 1)}},
			v:    vals(0.3, 1, 2, 4, 1, 2, 1, 3, 6),
			want: -4.3787639363155393845,
			per:  []float64{-2.5427582837933834, -1.836005652522156},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.seq.Validate(); err != nil {
				t.Fatal(err)
			}
			got := LogLik(&tc.seq, tc.v)
			if math.Abs(got-tc.want) > 1e-11 {
				t.Errorf("LogLik = %.17g, want %.17g (diff %.3g)", got, tc.want, got-tc.want)
			}
			// Each trial on its own: score only trial i by masking the others.
			c := compile(&tc.seq, 1)
			beliefs := make([]model.Belief, c.partners)
			for i := range c.trials {
				for j := range c.trials {
					c.trials[j].part = partTrain
				}
				c.trials[i].part = partTest
				lp := c.loglik(&tc.v, rulePyramid, partTest, beliefs)
				if math.Abs(lp-tc.per[i]) > 1e-12 {
					t.Errorf("trial %d: log prob %.17g, want %.17g", i+1, lp, tc.per[i])
				}
			}
		})
	}
}

// The inner loop inlines model.BetaBinomial.LogProb, model.Fraction and
// model.Update; the results must equal the model's functions.
func TestInlinedEqualsModel(t *testing.T) {
	for _, n := range []int{1, 2, 8, 10, 64, 65, 200} {
		for _, f := range []float64{1e-6, 0.01, 0.3, 0.5, 0.93, 1 - 1e-6} {
			for _, phi := range []float64{0.1, 2, 10, 300} {
				for k := 0; k <= n; k += max(1, n/7) {
					d := model.Default()
					d.Phi = phi
					want := d.Amount(f, n).LogProb(k)
					got := model.LogChoose(n, k) + logBetaRatio(k, n, f*phi, (1-f)*phi)
					if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
						t.Errorf("n=%d k=%d f=%g phi=%g: inlined %.15g, model %.15g", n, k, f, phi, got, want)
					}
				}
			}
		}
	}
	// The compiled loop against a replay written with the model's own
	// exported functions.
	seq := Sequence{ID: "m", Partners: []string{"a", "b"}, Belief: OutcomeBelief}
	for i := range 30 {
		seq.Trials = append(seq.Trials, Trial{Partner: i % 2, Response: Amount, Endowment: 10, Sent: float64((i * 7) % 11),
			Multiplier: 3, Gain: 0.5, Evidence: i%3 != 0, R: float64(i % 2), Confirmed: i%2 == 1})
	}
	v := vals(0.35, 1.2, 2, 6, 0.7, 1.8, 0.95, 2, 8)
	m := v.Model()
	prior := m.Prior(v[Tau])
	beliefs := []model.Belief{prior, prior}
	want := 0.0
	for _, tr := range seq.Trials {
		b := beliefs[tr.Partner]
		bal := model.BinaryBalance(b.P(), m.Lambda(v[Tau]), tr.Gain, 1, 0)
		want += m.Amount(m.Fraction(bal), int(tr.Endowment)).LogProb(int(tr.Sent))
		beliefs[tr.Partner] = m.Update(b, prior, tr.R, tr.Confirmed, tr.Evidence)
	}
	if got := LogLik(&seq, v); math.Abs(got-want) > 1e-10 {
		t.Errorf("LogLik = %.15g, replay with model functions = %.15g", got, want)
	}
}

func TestBaselineLogLik(t *testing.T) {
	seq := Sequence{ID: "b", Partners: []string{"p"}, Trials: []Trial{
		{Response: Amount, Endowment: 10, Sent: 3, Multiplier: 3, Gain: 0.5},
		{Response: TwoOption, Endowment: 8, Low: 0, High: 4, TookHigh: true, Multiplier: 3, Gain: 0.5},
		{Response: Binary, Endowment: 1, Sent: 0, Multiplier: 3, Gain: 0.5},
	}}
	v := DefaultValues()
	v[Base], v[Phi] = 0.3, 5
	d := model.Default()
	d.Phi = 5
	want := d.Amount(0.3, 10).LogProb(3) + math.Log(0.3) + math.Log(0.7)
	if got := BaselineLogLik(&seq, v); math.Abs(got-want) > 1e-12 {
		t.Errorf("BaselineLogLik = %.15g, want %.15g", got, want)
	}
}

// mikusLike is a synthetic subject shaped like mikus2023: two partners x
// 25 trials of graded amounts with feedback every trial.
func mikusLike() *Sequence {
	s := &Sequence{ID: "bench", Partners: []string{"bad", "good"}, Belief: OutcomeBelief}
	for p := range 2 {
		for i := range 25 {
			honoured := (i*7+p*3)%25 < 7+11*p
			r := 0.0
			if honoured {
				r = 1
			}
			s.Trials = append(s.Trials, Trial{Partner: p, Response: Amount, Endowment: 10, Sent: float64((i*3 + p*5) % 11),
				Multiplier: 3, Gain: 0.5, Evidence: true, R: r, Confirmed: honoured})
		}
	}
	return s
}

// BenchmarkLogLik is one likelihood evaluation of a mikus2023-sized
// subject (50 graded amounts): the optimizer's inner loop. It must not
// allocate.
func BenchmarkLogLik(b *testing.B) {
	c := compile(mikusLike(), 0.8)
	v := vals(0.4, 1, 2, 5, 1, 2, 0.95, 2, 10)
	beliefs := make([]model.Belief, c.partners)
	var sink float64
	b.ReportAllocs()
	for b.Loop() {
		sink += c.loglik(&v, rulePyramid, partAll, beliefs)
	}
	b.ReportMetric(float64(len(c.trials)), "trials/op")
	_ = sink
}

func TestLogLikDoesNotAllocate(t *testing.T) {
	c := compile(mikusLike(), 0.8)
	v := vals(0.4, 1, 2, 5, 1, 2, 0.95, 2, 10)
	beliefs := make([]model.Belief, c.partners)
	if n := testing.AllocsPerRun(100, func() { c.loglik(&v, rulePyramid, partAll, beliefs) }); n != 0 {
		t.Errorf("loglik allocates %v times per call, want 0", n)
	}
}

// BenchmarkFitSubject is one mikus2023-sized subject with every model, 5
// restarts, cross-validation refits and standard errors: 1/75 of
// `trustlab fit` on mikus2023.
func BenchmarkFitSubject(b *testing.B) {
	s := mikusLike()
	evals := 0
	for b.Loop() {
		sf, err := FitSubject(s, nil, Options{})
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range sf.Estimates {
			evals += e.Evals
		}
	}
	b.ReportMetric(float64(evals)/float64(b.N), "evals/op")
}

// BenchmarkLogLikResponse is BenchmarkLogLik under each response model.
func BenchmarkLogLikResponse(b *testing.B) {
	c := compile(mikusLike(), 0.8)
	beliefs := make([]model.Belief, c.partners)
	for _, r := range []string{"bb", "lapse", "hurdle", "lapse+hurdle"} {
		b.Run(r, func(b *testing.B) {
			v := vals(0.4, 1, 2, 5, 1, 2, 0.95, 2, 10)
			rm, _ := ParseResponseModel(r)
			if rm.Lapse {
				v[Lapse] = 0.03
			}
			if rm.Hurdle {
				v[Hurdle] = 0.3
			}
			var sink float64
			b.ReportAllocs()
			for b.Loop() {
				sink += c.loglik(&v, rulePyramid, partAll, beliefs)
			}
			_ = sink
		})
	}
}

// Each response-model option against values computed independently with
// mpmath (fit/testdata/response_reference.py: the mixture written out
// from its definition, beta-binomials from beta functions) for the
// sequence of TestLogLikReference's first case (B1 = -0.533, -0.859,
// -0.533), with graded amounts of 10 (where only the half, 5, is round)
// and of 20 (where 3 is not a round amount).
func TestResponseLogLikReference(t *testing.T) {
	seq := func(n float64, ks ...float64) *Sequence {
		tr := func(partner int, k float64, honoured bool) Trial { return amountTrial(partner, n, k, honoured) }
		return &Sequence{ID: "a", Partners: []string{"bad", "good"}, Belief: OutcomeBelief,
			Trials: []Trial{tr(0, ks[0], false), tr(0, ks[1], true), tr(1, ks[2], true)}}
	}
	base := vals(0.4, 1, 2, 5, 1, 2, 0.9, 2, 10)
	with := func(lapse, hurdle, round float64) Values {
		v := base
		v[Lapse], v[Hurdle], v[Round] = lapse, hurdle, round
		return v
	}
	tests := []struct {
		name string
		seq  *Sequence
		v    Values
		want float64
		per  []float64
	}{
		{"10/lapse", seq(10, 4, 2, 10), with(0.05, 0, 0), -13.085450359074553, []float64{-3.8809013205714753, -3.8116459635157414, -5.3929030749873368}},
		{"10/hurdle", seq(10, 4, 2, 10), with(0, 0.2, 0), -12.856000756362985, []float64{-4.301608588995219, -4.2136232818192334, -4.340768885548533}},
		// With 10, every amount is a multiple of a tenth: the half alone is round.
		{"10/round", seq(10, 4, 2, 10), with(0, 0, 0.3), -21.711009915175491, []float64{-4.4351399816197416, -4.347154674443756, -12.928715259111994}},
		{"10/lapse+hurdle+round", seq(10, 4, 2, 10), with(0.05, 0.2, 0.3), -12.622075708911412, nil},
		{"10/half: round", seq(10, 5, 2, 10), with(0, 0, 0.3), -18.464590458185564, []float64{-1.1887205246298143, -4.347154674443756, -12.928715259111994}},
		{"10/half: all", seq(10, 5, 2, 10), with(0.05, 0.2, 0.3), -9.764718547434949, []float64{-1.4437132006656168, -4.2417373771029445, -4.0792679696663877}},
		{"20/lapse", seq(20, 8, 3, 20), with(0.05, 0, 0), -14.983774188563919, nil},
		{"20/hurdle", seq(20, 8, 3, 20), with(0, 0.2, 0), -14.140242559528747, nil},
		{"20/round", seq(20, 8, 3, 20), with(0, 0, 0.3), -26.923565449678154, []float64{-4.9962367070627972, -4.5733019744645753, -17.354026768150781}},
		{"20/lapse+hurdle+round", seq(20, 8, 3, 20), with(0.05, 0.2, 0.3), -13.689035341060326, []float64{-4.8900429246680954, -4.582718978328044, -4.2162734380641862}},
		{"20/zero: hurdle", seq(20, 0, 3, 20), with(0, 0.2, 0), -9.3540337414490838, []float64{-0.57328284473191697, -4.4397705818400527, -4.3409803148771141}},
		{"20/zero: all", seq(20, 0, 3, 20), with(0.05, 0.2, 0.3), -9.3237609874803434, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := LogLik(tc.seq, tc.v); math.Abs(got-tc.want) > 1e-10 {
				t.Errorf("LogLik = %.15g, want %.15g", got, tc.want)
			}
			pred := Predict(tc.seq, tc.v, false)
			for i, want := range tc.per {
				if got := pred[i].LogProb; math.Abs(got-want) > 1e-10 {
					t.Errorf("trial %d: log P = %.15g, want %.15g", i+1, got, want)
				}
			}
		})
	}
	// The expected fraction under the whole mixture (mpmath: 0.082390753557530258).
	if got := Predict(seq(20, 8, 3, 20), with(0.05, 0.2, 0.3), false)[0].Expected; math.Abs(got-0.082390753557530258) > 1e-12 {
		t.Errorf("expected fraction %.15g, want 0.0823907535575303", got)
	}
}

// Lapses mix binary and two-option choices with a coin flip.
func TestResponseLapseBinary(t *testing.T) {
	s := &Sequence{ID: "b", Partners: []string{"p"}, Trials: []Trial{
		{Response: Binary, Endowment: 1, Sent: 1, Multiplier: 3, Gain: 0.5},
		{Response: TwoOption, Endowment: 8, Low: 2, High: 6, TookHigh: false, Multiplier: 3, Gain: 0.5},
	}}
	v := vals(0.5, 1, 2, 5, 1, 2, 1, 2, 10)
	// Stranger at tau 0.5: p = 0.5, B1 = 0.5*0.5 - 1*0.5 = -0.25.
	p1 := 1 / (1 + math.Exp(1.25))       // P(send)
	p2 := 1 / (1 + math.Exp(5*0.5*0.25)) // P(high), dx = 0.5
	for _, lapse := range []float64{0, 0.1} {
		v[Lapse] = lapse
		want := math.Log((1-lapse)*p1+lapse/2) + math.Log(1-((1-lapse)*p2+lapse/2))
		if got := LogLik(s, v); math.Abs(got-want) > 1e-12 {
			t.Errorf("lapse %g: LogLik = %.15g, want %.15g", lapse, got, want)
		}
	}
}
