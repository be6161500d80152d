package model

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func mustModel(t testing.TB, p Params) Model {
	t.Helper()
	m, err := p.Model()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestDefaults(t *testing.T) {
	m := mustModel(t, Params{})
	want := Model{Lambda0: 1, Kappa: 2, Beta: 5, Zeta: 0, Phi: 10, N0: 2, Eta: 0, WPlus: 1, WMinus: 2, Gamma: 1, Omega: 0.5}
	if m != want {
		t.Fatalf("Params{}.Model() = %+v, want %+v", m, want)
	}
	// lambda ranges from about 2.7 at tau=0 to 0.37 at tau=1 (docs/model.md, "Middle: expectation against risk").
	if got := m.Lambda(0); !near(got, math.E, 1e-15) {
		t.Errorf("lambda(0) = %v, want e", got)
	}
	if got := m.Lambda(1); !near(got, 1/math.E, 1e-15) {
		t.Errorf("lambda(1) = %v, want 1/e", got)
	}
	// Explicit zeros are kept, not replaced by defaults.
	z := mustModel(t, Params{Kappa: new(0.0), Beta: new(0.0), WPlus: new(0.0)})
	if z.Kappa != 0 || z.Beta != 0 || z.WPlus != 0 {
		t.Errorf("explicit zeros lost: %+v", z)
	}
	if back := mustModel(t, m.Params()); back != m {
		t.Errorf("Model.Params round trip: %+v != %+v", back, m)
	}
}

func TestParamsValidation(t *testing.T) {
	nan, pinf := math.NaN(), math.Inf(1)
	tests := []struct {
		name string
		p    Params
		want string // substring of the error
	}{
		{"negative lambda0", Params{Lambda0: new(-1.0)}, "lambda0 = -1: must be in [0, 1000]"},
		{"NaN kappa", Params{Kappa: &nan}, "kappa = NaN: must be in [0, 50]"},
		{"negative beta", Params{Beta: new(-0.5)}, "beta = -0.5: must be in [0, 10000]"},
		{"infinite beta", Params{Beta: &pinf}, "beta = +Inf: must be in [0, 10000]"},
		{"zero phi", Params{Phi: new(0.0)}, "phi = 0: must be in (0, inf)"},
		{"zero n0", Params{N0: new(0.0)}, "n0 = 0: must be in [0.001, 100000]"},
		{"eta above 1", Params{Eta: new(1.5)}, "eta = 1.5: must be in [0, 1]"},
		{"zero gamma", Params{Gamma: new(0.0)}, "gamma = 0: must be in (0, 1]"},
		{"gamma above 1", Params{Gamma: new(1.01)}, "gamma = 1.01: must be in (0, 1]"},
		{"negative w_minus", Params{WMinus: new(-2.0)}, "w_minus = -2: must be in [0, inf)"},
		{"negative omega", Params{Omega: new(-1.0)}, "omega = -1: must be in [0, inf)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.p.Model()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want %q", err, tt.want)
			}
			var re *RangeError
			if !errors.As(err, &re) {
				t.Fatalf("error %v is not a *RangeError", err)
			}
		})
	}
}

func TestExplainValidation(t *testing.T) {
	m := Default()
	good := Situation{Gain: 1, Loss: 1}
	tests := []struct {
		name string
		tau  float64
		b    Belief
		s    Situation
		want string
	}{
		{"trait above 1", 1.2, Belief{1, 1}, good, "trait = 1.2: must be in [0, 1]"},
		{"trait NaN", math.NaN(), Belief{1, 1}, good, "trait = NaN"},
		{"a zero", 0.5, Belief{0, 1}, good, "belief.a = 0: must be in [1e-06, 1e+06]"},
		{"b negative", 0.5, Belief{1, -1}, good, "belief.b = -1: must be in [1e-06, 1e+06]"},
		{"negative gain", 0.5, Belief{1, 1}, Situation{Gain: -1, Loss: 1}, "gain = -1: must be in [0, inf)"},
		{"infinite loss", 0.5, Belief{1, 1}, Situation{Gain: 1, Loss: math.Inf(1)}, "loss = +Inf"},
		{"NaN outside", 0.5, Belief{1, 1}, Situation{Gain: 1, Loss: 1, Outside: math.NaN()}, "outside = NaN"},
		{"negative control cost", 0.5, Belief{1, 1}, Situation{Gain: 1, Loss: 1, Control: &Control{Cost: -1}}, "control.cost = -1"},
		{"multiplier 1", 0.5, Belief{1, 1}, Situation{Game: Investment, Endowment: 10, Multiplier: 1}, "multiplier = 1: must be in (1, 1e+06]"},
		{"endowment 0", 0.5, Belief{1, 1}, Situation{Game: Investment, Endowment: 0, Multiplier: 3}, "endowment = 0: must be in [1, 1e+06]"},
		{"fractional endowment", 0.5, Belief{1, 1}, Situation{Game: Investment, Endowment: 2.5, Multiplier: 3}, "endowment = 2.5: must be in whole numbers"},
		{"control in investment", 0.5, Belief{1, 1}, Situation{Game: Investment, Endowment: 10, Multiplier: 3, Control: &Control{}}, "binary situations only"},
		{"unknown game", 0.5, Belief{1, 1}, Situation{Game: 7}, "game = 7"},
		// Inputs in range whose results overflow float64.
		{"overflowing stakes", 0, Belief{1, 999}, Situation{Gain: 1e308, Loss: 1e308},
			"balance = -Inf is not a finite number for gain = 1e+308, loss = 1e+308, outside = 0, trait = 0, p = 0.001"},
		{"overflowing gain", 0.5, Belief{1, 1}, Situation{Gain: math.MaxFloat64, Loss: 0, Outside: -math.MaxFloat64}, "is not a finite number for gain = 1.7976931348623157e+308"},
		{"overflowing control", 0.5, Belief{1, 1}, Situation{Gain: 1, Loss: 1, Control: &Control{Cost: 1e308, Gain: 0, Loss: 1e308}, Outside: 1e308}, "not a finite number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := m.Explain(tt.tau, tt.b, tt.s)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestIssueExample is the acceptance example of the core issue.
func TestIssueExample(t *testing.T) {
	x, err := Default().Explain(0.3, Belief{3, 1}, Situation{Gain: 1, Loss: 2})
	if err != nil {
		t.Fatal(err)
	}
	lambda := math.Exp(0.4)
	balance := 0.75 - 0.5*lambda
	checks := []struct {
		name      string
		got, want float64
	}{
		{"p", x.P, 0.75}, {"expectation", x.Expectation, 0.75}, {"risk", x.Risk, 0.5},
		{"lambda", x.Lambda, lambda}, {"balance", x.Balance, balance},
		{"probability", *x.Probability, 1 / (1 + math.Exp(-5*balance))},
	}
	for _, c := range checks {
		if !near(c.got, c.want, 1e-15) {
			t.Errorf("%s = %.17g, want %.17g", c.name, c.got, c.want)
		}
	}
	if x.Kind != KindTrust {
		t.Errorf("kind = %v, want trust", x.Kind)
	}
}

// Property 1: P(trust) rises with tau, p and g; falls with l and lambda0.
func TestPropertyMonotone(t *testing.T) {
	type setting struct {
		tau, p, g, l, lambda0 float64
	}
	base := setting{tau: 0.5, p: 0.6, g: 1, l: 1.5, lambda0: 1}
	pt := func(s setting) float64 {
		m := mustModel(t, Params{Lambda0: &s.lambda0})
		b, err := BeliefFromPN(s.p, 4)
		if err != nil {
			t.Fatal(err)
		}
		return m.PTrust(s.tau, b, Situation{Gain: s.g, Loss: s.l})
	}
	tests := []struct {
		name   string
		vary   func(setting, float64) setting
		values []float64
		rising bool
	}{
		{"trait", func(s setting, v float64) setting { s.tau = v; return s }, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}, true},
		{"p", func(s setting, v float64) setting { s.p = v; return s }, []float64{0.05, 0.3, 0.5, 0.7, 0.95}, true},
		{"gain", func(s setting, v float64) setting { s.g = v; return s }, []float64{0, 0.5, 1, 2, 4}, true},
		{"loss", func(s setting, v float64) setting { s.l = v; return s }, []float64{0, 0.5, 1, 2, 4}, false},
		{"lambda0", func(s setting, v float64) setting { s.lambda0 = v; return s }, []float64{0, 0.5, 1, 2, 4}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []float64
			for _, v := range tt.values {
				got = append(got, pt(tt.vary(base, v)))
			}
			for i := 1; i < len(got); i++ {
				if tt.rising && !(got[i] > got[i-1]) || !tt.rising && !(got[i] < got[i-1]) {
					t.Fatalf("P(trust) over %s = %v: not strictly %s", tt.name,
						fmt.Sprintf("%.4f", got), map[bool]string{true: "rising", false: "falling"}[tt.rising])
				}
			}
		})
	}
}

// Property 2: with l = 0 an engagement is certainty, never trust.
func TestPropertyNoRiskNoTrust(t *testing.T) {
	m := Default()
	for _, tau := range []float64{0, 0.5, 1} {
		x, err := m.Explain(tau, Belief{9, 1}, Situation{Gain: 1, Loss: 0})
		if err != nil {
			t.Fatal(err)
		}
		if x.Kind != KindCertainty || x.Risk != 0 {
			t.Errorf("tau=%v, l=0: kind %v risk %v, want certainty with risk 0", tau, x.Kind, x.Risk)
		}
	}
	if k := Classify(Engage, Situation{Gain: 1}); k != KindCertainty {
		t.Errorf("Classify(Engage, l=0) = %v", k)
	}
	tests := []struct {
		act  Act
		s    Situation
		want Kind
	}{
		{Engage, Situation{Gain: 1, Loss: 1}, KindTrust},
		{Abstain, Situation{Gain: 1, Loss: 1}, KindDistrust},
		{Abstain, Situation{Gain: 1, Loss: 0}, KindDistrust},
		{Guard, Situation{Gain: 1, Loss: 1, Control: &Control{Cost: 0.1}}, KindControl},
		{Engage, Situation{Game: Investment, Endowment: 10, Multiplier: 3}, KindTrust},
	}
	for _, tt := range tests {
		if got := Classify(tt.act, tt.s); got != tt.want {
			t.Errorf("Classify(%v, %+v) = %v, want %v", tt.act, tt.s, got, tt.want)
		}
	}
}

// Property 3: one betrayal lowers p more than one confirmation raises it, and
// regaining the pre-betrayal p takes more confirmations than it took to lose it.
//
// The property concerns relationships where trust is at stake, p >= 1/2. From
// a cynical belief the arithmetic turns: from Beta(1, 3) a betrayal lowers p
// by 0.083 and a confirmation raises it by 0.15, because there is little
// expectation left to lose (with w_minus = 2 the crossover is
// p = (n+2)/(3n+4)).
func TestPropertyAsymmetry(t *testing.T) {
	m := Default()
	for _, start := range []Belief{{5, 5}, {2, 2}, {8, 2}, {3, 1}, {1, 1}, {0.5, 0.5}, {40, 10}} {
		prior := start
		up := m.Update(start, prior, 1, true, true).P() - start.P()
		down := start.P() - m.Update(start, prior, 0, false, true).P()
		if !(down > up) {
			t.Errorf("from %+v: betrayal lowers p by %.4f, confirmation raises it by %.4f", start, down, up)
		}
		b := m.Update(start, prior, 0, false, true)
		k := 0
		for b.P() < start.P() && k < 100 {
			b = m.Update(b, prior, 1, true, true)
			k++
		}
		if k <= 1 {
			t.Errorf("from %+v: %d confirmations regained p after 1 betrayal, want more than 1", start, k)
		}
		t.Logf("from %+v: down %.4f, up %.4f, %d confirmations to regain", start, down, up, k)
	}
}

// Property 4: E1 - R1 = m*p - 1 for any a, b, m (to 1e-9).
func TestPropertyInvestmentIdentity(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	worst := 0.0
	for range 2000 {
		b := Belief{A: math.Exp(r.Float64()*8 - 4), B: math.Exp(r.Float64()*8 - 4)}
		mult := 1 + math.Exp(r.Float64()*4-2)
		e1, r1 := InvestmentTerms(b, mult)
		d := math.Abs(e1 - r1 - (mult*b.P() - 1))
		worst = max(worst, d)
		if d > 1e-9 || e1 < -1e-12 || r1 < -1e-12 {
			t.Fatalf("a=%v b=%v m=%v: E1=%v R1=%v, E1-R1-(mp-1)=%g", b.A, b.B, mult, e1, r1, d)
		}
	}
	t.Logf("largest |E1-R1-(mp-1)| over 2000 random (a,b,m): %.3g", worst)
}

func TestUpdate(t *testing.T) {
	m := mustModel(t, Params{Gamma: new(0.9)})
	prior := Belief{1, 1}
	tests := []struct {
		name               string
		b                  Belief
		r                  float64
		confirmed, evident bool
		want               Belief
	}{
		// a = 0.9*(3+1*1) + 0.1*1 = 3.7; b = 0.9*(2+0) + 0.1 = 1.9
		{"confirmed", Belief{3, 2}, 1, true, true, Belief{3.7, 1.9}},
		// a = 0.9*3 + 0.1 = 2.8; b = 0.9*(2+2) + 0.1 = 3.7
		{"betrayed", Belief{3, 2}, 0, false, true, Belief{2.8, 3.7}},
		// no evidence: decay only
		{"no evidence", Belief{3, 2}, 1, true, false, Belief{2.8, 1.9}},
		// graded outcome r = 0.5, not confirmed (w = 2): a = 0.9*(3+2*0.5)+0.1 = 3.7; b = 0.9*(2+2*0.5)+0.1 = 2.8
		{"graded betrayal", Belief{3, 2}, 0.5, false, true, Belief{3.7, 2.8}},
	}
	for _, tt := range tests {
		got := m.Update(tt.b, prior, tt.r, tt.confirmed, tt.evident)
		if !near(got.A, tt.want.A, 1e-12) || !near(got.B, tt.want.B, 1e-12) {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
	// Hear: omega * w, no decay.
	if got := m.Hear(Belief{3, 2}, 0, false); !near(got.B, 3, 1e-15) || got.A != 3 {
		t.Errorf("Hear betrayal = %+v, want {3 3}", got)
	}
	// Forgetting drifts an unused belief back to the prior.
	b := Belief{20, 2}
	for range 500 {
		b = m.Update(b, prior, 0, false, false)
	}
	if !near(b.A, 1, 1e-9) || !near(b.B, 1, 1e-9) {
		t.Errorf("after 500 encounters without evidence: %+v, want the prior {1 1}", b)
	}
}

func TestFeedbackAndConfirmation(t *testing.T) {
	for _, tt := range []struct {
		f       Feedback
		engaged bool
		want    bool
	}{
		{FeedbackOwn, true, true}, {FeedbackOwn, false, false},
		{FeedbackFull, false, true}, {FeedbackSocial, false, false}, {FeedbackSocial, true, true},
	} {
		if got := tt.f.Evidence(tt.engaged); got != tt.want {
			t.Errorf("%v.Evidence(%v) = %v", tt.f, tt.engaged, got)
		}
	}
	inv := Situation{Game: Investment, Endowment: 10, Multiplier: 3}
	for _, tt := range []struct {
		r    float64
		want bool
	}{{0, false}, {0.3, false}, {1.0 / 3, true}, {0.5, true}} {
		if got := inv.Confirmed(tt.r); got != tt.want {
			t.Errorf("investment Confirmed(%v) = %v", tt.r, got)
		}
	}
	if (Situation{}).Confirmed(0) || !(Situation{}).Confirmed(1) {
		t.Error("binary confirmation wrong")
	}
	for _, s := range []string{"own", "full", "social"} {
		f, err := ParseFeedback(s)
		if err != nil || f.String() != s {
			t.Errorf("ParseFeedback(%q) = %v, %v", s, f, err)
		}
	}
	if _, err := ParseFeedback("gossip"); err == nil {
		t.Error("ParseFeedback(gossip) accepted")
	}
}

func TestTrait(t *testing.T) {
	m := mustModel(t, Params{Eta: new(0.005)})
	if got := m.LearnTrait(0.2, true); !near(got, 0.2+0.005*0.8, 1e-15) {
		t.Errorf("LearnTrait(0.2, confirmed) = %v", got)
	}
	if got := m.LearnTrait(0.2, false); !near(got, 0.2-0.005*0.2, 1e-15) {
		t.Errorf("LearnTrait(0.2, betrayed) = %v", got)
	}
	if got := Default().LearnTrait(0.2, true); got != 0.2 {
		t.Errorf("eta=0 changed the trait: %v", got)
	}
	for _, tt := range []struct{ tau, a, b float64 }{
		{0.3, 0.6, 1.4}, {0, 0.002, 1.998}, {1, 1.998, 0.002},
	} {
		p := Default().Prior(tt.tau)
		if !near(p.A, tt.a, 1e-12) || !near(p.B, tt.b, 1e-12) {
			t.Errorf("Prior(%v) = %+v, want {%v %v}", tt.tau, p, tt.a, tt.b)
		}
	}
}

func TestChoice(t *testing.T) {
	m := Default()
	// U = (0, 0.2, 0.1): softmax with beta = 5.
	p := m.Choice(Appraisal{Balance: 0.2, ControlBalance: 0.1})
	z := 1 + math.Exp(1) + math.Exp(0.5)
	want := Probabilities{1 / z, math.Exp(1) / z, math.Exp(0.5) / z}
	if !near(p.Abstain, want.Abstain, 1e-15) || !near(p.Trust, want.Trust, 1e-15) || !near(p.Control, want.Control, 1e-15) {
		t.Errorf("Choice = %+v, want %+v", p, want)
	}
	d := mustModel(t, Params{Deterministic: true})
	for _, tt := range []struct {
		a    Appraisal
		want Probabilities
	}{
		{Appraisal{Balance: 0.2, ControlBalance: 0.1}, Probabilities{0, 1, 0}},
		{Appraisal{Balance: -0.2, ControlBalance: 0.1}, Probabilities{0, 0, 1}},
		{Appraisal{Balance: 0, ControlBalance: 0}, Probabilities{1, 0, 0}},
	} {
		if got := d.Choice(tt.a); got != tt.want {
			t.Errorf("deterministic Choice(%+v) = %+v, want %+v", tt.a, got, tt.want)
		}
	}
	if d.Choose(0) != 0 || d.Choose(1e-9) != 1 {
		t.Error("deterministic Choose: trust iff B > 0")
	}
	// Large balances do not overflow.
	if got := m.Choice(Appraisal{Balance: 1e6, ControlBalance: -1e6}); got.Trust != 1 {
		t.Errorf("Choice with huge balance = %+v", got)
	}
	// Explain with a control option: kind of the most likely act.
	x, err := m.Explain(0.5, Belief{1, 9}, Situation{Gain: 1, Loss: 1, Control: &Control{Cost: 0.05, Gain: 0.9, Loss: 0}})
	if err != nil {
		t.Fatal(err)
	}
	if x.Kind != KindControl || x.Probabilities == nil || *x.Probability != x.Probabilities.Trust {
		t.Errorf("stranger with a cheap safeguard: %+v", x)
	}
}

// TestBetaBinomialSampling draws 200,000 amounts and compares the sample mean
// and variance with the formulas: tolerances are 5 standard errors.
func TestBetaBinomialSampling(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	const draws = 200000
	for _, d := range []BetaBinomial{{10, 3, 7}, {10, 0.5, 9.5}, {8, 9.99999, 0.00001}, {100, 2, 2}, {1, 1, 1}} {
		var sum, sum2 float64
		counts := make([]int, d.N+1)
		for range draws {
			k := d.Rand(r)
			if k < 0 || k > d.N {
				t.Fatalf("%+v drew %d", d, k)
			}
			counts[k]++
			sum += float64(k)
			sum2 += float64(k * k)
		}
		mean := sum / draws
		variance := sum2/draws - mean*mean
		seMean := math.Sqrt(d.Variance() / draws)
		if math.Abs(mean-d.Mean()) > 5*seMean+1e-9 {
			t.Errorf("%+v: sample mean %.4f, want %.4f ± %.4f", d, mean, d.Mean(), 5*seMean)
		}
		if rel := math.Abs(variance-d.Variance()) / max(d.Variance(), 1e-9); rel > 0.03 && d.Variance() > 1e-3 {
			t.Errorf("%+v: sample variance %.4f, want %.4f (within 3%%)", d, variance, d.Variance())
		}
		// The probability masses sum to 1.
		total := 0.0
		for k := 0; k <= d.N; k++ {
			total += d.Prob(k)
		}
		if !near(total, 1, 1e-9) {
			t.Errorf("%+v: masses sum to %v", d, total)
		}
		t.Logf("%+v: mean %.4f (model %.4f), variance %.4f (model %.4f)", d, mean, d.Mean(), variance, d.Variance())
	}
	if p := (BetaBinomial{N: 5, Alpha: 1, Beta: 1}).LogProb(6); !math.IsInf(p, -1) {
		t.Errorf("LogProb outside 0..N = %v", p)
	}
}

func TestInvestmentExplain(t *testing.T) {
	m := Default()
	s := Situation{Game: Investment, Endowment: 10, Multiplier: 3}
	x, err := m.Explain(0.5, Belief{2, 2}, s)
	if err != nil {
		t.Fatal(err)
	}
	if !near(x.Expectation-x.Risk, 3*0.5-1, 1e-12) {
		t.Errorf("E1-R1 = %v, want mp-1 = 0.5", x.Expectation-x.Risk)
	}
	f := Sigmoid(5 * x.Balance)
	if !near(*x.Fraction, f, 1e-15) || !near(*x.ExpectedAmount, 10*f, 1e-12) {
		t.Errorf("fraction %v amount %v, want %v and %v", *x.Fraction, *x.ExpectedAmount, f, 10*f)
	}
	if x.Kind != KindTrust || x.Probability != nil {
		t.Errorf("kind %v probability %v", x.Kind, x.Probability)
	}
	// Ambiguity aversion raises the risk of a stranger more than of a known partner.
	za := mustModel(t, Params{Zeta: new(1.0)})
	stranger := za.Appraise(0.5, Belief{1.5, 0.5}, s).Risk - m.Appraise(0.5, Belief{1.5, 0.5}, s).Risk
	known := za.Appraise(0.5, Belief{75, 25}, s).Risk - m.Appraise(0.5, Belief{75, 25}, s).Risk
	if !(stranger > known && known > 0) {
		t.Errorf("ambiguity: extra risk stranger %.4f, known %.4f", stranger, known)
	}
}

func TestKindText(t *testing.T) {
	for _, k := range []Kind{KindDistrust, KindTrust, KindControl, KindCertainty} {
		b, _ := k.MarshalText()
		var got Kind
		if err := got.UnmarshalText(b); err != nil || got != k {
			t.Errorf("round trip of %v: %v, %v", k, got, err)
		}
	}
	var k Kind
	if err := k.UnmarshalText([]byte("faith")); err == nil {
		t.Error("UnmarshalText(faith) accepted")
	}
}

// The parameter table agrees with the Params struct (its JSON names, in
// order), with Default and with the ranges Validate enforces.
func TestParamTable(t *testing.T) {
	tab := ParamTable()
	typ := reflect.TypeFor[Params]()
	if len(tab) != typ.NumField()-1 {
		t.Fatalf("%d parameters in the table, %d float fields in Params", len(tab), typ.NumField()-1)
	}
	d := Default()
	for i, pi := range tab {
		if tag, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ","); tag != pi.Name {
			t.Errorf("table entry %d is %q, Params field %d is %q", i, pi.Name, i, tag)
		}
		if got := *pi.Of(&d); got != pi.Default {
			t.Errorf("%s: Default() has %g, the table %g", pi.Name, got, pi.Default)
		}
		var p Params
		x := pi.Hi + 1
		if math.IsInf(pi.Hi, 1) {
			x = pi.Lo - 1
		}
		*pi.In(&p) = &x
		_, err := p.Model()
		var re *RangeError
		if !errors.As(err, &re) || re.Field != pi.Name || pi.Check(x) == nil || pi.Check(pi.Default) != nil {
			t.Errorf("%s = %g: error %v", pi.Name, x, err)
		}
	}
	if _, ok := LookupParam("w_minus"); !ok {
		t.Error("w_minus not found")
	}
	if r := tab[2].Range(); r != "[0, 1e4]" {
		t.Errorf("beta range %q", r)
	}
}

// The enumerations print and parse by name; a value out of range prints
// as its type and number, an unknown name is an error naming the allowed.
func TestEnumNames(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{Abstain.String(), "abstain"}, {Engage.String(), "trust"}, {Guard.String(), "control"}, {Act(3).String(), "Act(3)"},
		{KindCertainty.String(), "certainty"}, {Kind(-1).String(), "Kind(-1)"},
		{Investment.String(), "investment"}, {Game(2).String(), "Game(2)"},
		{FeedbackSocial.String(), "social"}, {Feedback(9).String(), "Feedback(9)"},
	} {
		if tc.got != tc.want {
			t.Errorf("%q, want %q", tc.got, tc.want)
		}
	}
	if g, err := ParseGame(""); g != Binary || err != nil {
		t.Errorf(`ParseGame("") = %v, %v`, g, err)
	}
	_, err := ParseGame("poker")
	var k Kind
	kerr := k.UnmarshalText([]byte(""))
	for _, tc := range []struct {
		err  error
		want string
	}{
		{err, `game = "poker": must be one of binary, investment`},
		{kerr, `kind = "": must be one of distrust, trust, control, certainty`},
	} {
		if tc.err == nil || tc.err.Error() != tc.want {
			t.Errorf("error %v, want %s", tc.err, tc.want)
		}
	}
}
