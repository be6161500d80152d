package sim

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/trustlab/trustlab/model"
	"github.com/trustlab/trustlab/scenario"
)

// The examples/ library, each asserting its property of docs/model.md, "Properties the tests show"
// at the examples' own (small) sizes.

func loadExample(t *testing.T, name string) *scenario.Scenario {
	t.Helper()
	sc, err := scenario.Load(filepath.Join("..", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// meanLast averages f over the last n rows.
func meanLast(rows []Row, n int, f func(Row) float64) float64 {
	s := 0.0
	for _, r := range rows[len(rows)-n:] {
		s += f(r)
	}
	return s / float64(n)
}

// Property 5: under own feedback low-trait agents facing trustworthy
// partners end with beliefs below the truth; under full feedback the bias
// shrinks to near zero.
func TestExampleTrustTrap(t *testing.T) {
	cyn := func(r Row) float64 { return r.Cynicism }
	sc := loadExample(t, "trust-trap.yaml")
	own, _ := runRows(t, sc, Options{})
	sc = loadExample(t, "trust-trap.yaml")
	sc.Feedback = model.FeedbackFull
	full, _ := runRows(t, sc, Options{})
	o, f := meanLast(own, 10, cyn), meanLast(full, 10, cyn)
	t.Logf("cynicism (mean p - w) over the last 10 steps: own feedback %.4f, full feedback %.4f", o, f)
	if !(o < -0.5 && math.Abs(f) < 0.1 && math.Abs(f) < 0.2*math.Abs(o)) {
		t.Errorf("trust trap not shown: cynicism own %.4f (want < -0.5), full %.4f (want |.| < 0.1 and < 0.2 x |own|)", o, f)
	}
}

// Property 6: graduated stakes reach calibrated trust with a smaller
// cumulative loss than all-or-nothing trusting (stakes fixed at 1).
func TestExampleLearningTrust(t *testing.T) {
	const target = 0.2 // calibration error counted as calibrated
	reach := func(rows []Row) (step int, loss float64) {
		for _, r := range rows {
			loss += r.Loss / float64(r.Agents)
			if r.CalibrationError < target {
				return r.Step, loss
			}
		}
		return -1, loss
	}
	sc := loadExample(t, "learning-trust.yaml")
	grad, _ := runRows(t, sc, Options{})
	sc = loadExample(t, "learning-trust.yaml")
	sc.Interventions.GraduatedStakes = nil
	aon, _ := runRows(t, sc, Options{})
	ga, aa := RowsOf(grad, "all"), RowsOf(aon, "all")
	gs, gl := reach(ga)
	as, al := reach(aa)
	ce := func(r Row) float64 { return r.CalibrationError }
	t.Logf("graduated stakes: calibration error < %.2f at step %d with cumulative loss %.3f per agent; final calibration error %.4f",
		target, gs, gl, meanLast(ga, 10, ce))
	t.Logf("all-or-nothing: calibration error < %.2f at step %d (-1: never) with cumulative loss %.3f per agent; final calibration error %.4f",
		target, as, al, meanLast(aa, 10, ce))
	if gs < 0 {
		t.Fatalf("graduated stakes never reached calibration error < %.2f (final %.4f)", target, meanLast(ga, 10, ce))
	}
	if as >= 0 && al <= gl {
		t.Errorf("all-or-nothing reached calibration at step %d with loss %.3f <= graduated %.3f", as, al, gl)
	}
}

// Property 7: among mostly trustworthy agents trusting agents reach higher
// welfare at lower control cost than controlling agents; when exploiters
// dominate, control pays.
func TestExampleSocialLubricant(t *testing.T) {
	for _, tc := range []struct {
		exploiters   float64
		trustingWins bool
	}{{0.1, true}, {0.4, false}, {0.7, false}} {
		sc := loadExample(t, "social-lubricant.yaml")
		g := sc.Population.Groups
		g[0].Share, g[1].Share, g[2].Share = (1-tc.exploiters)/2, (1-tc.exploiters)/2, tc.exploiters
		rows, _ := runRows(t, sc, Options{})
		pay := func(r Row) float64 { return r.MeanPayoff }
		cost := func(r Row) float64 { return r.ControlCost / float64(r.Agents) }
		tr, ct := RowsOf(rows, "trusting"), RowsOf(rows, "controlling")
		n := len(tr)
		tp, cp := meanLast(tr, n, pay), meanLast(ct, n, pay)
		tcst, ccst := meanLast(tr, n, cost), meanLast(ct, n, cost)
		t.Logf("exploiters %.0f%%: mean payoff per step trusting %.4f vs controlling %.4f; control cost per agent-step %.4f vs %.4f",
			100*tc.exploiters, tp, cp, tcst, ccst)
		if tc.trustingWins && !(tp > cp && tcst < ccst) {
			t.Errorf("exploiters %.0f%%: trusting payoff %.4f, cost %.4f; controlling payoff %.4f, cost %.4f: want trusting higher payoff at lower cost",
				100*tc.exploiters, tp, tcst, cp, ccst)
		}
		if tc.exploiters >= 0.7 && !(cp > tp) {
			t.Errorf("exploiters %.0f%%: controlling payoff %.4f <= trusting %.4f: control should pay", 100*tc.exploiters, cp, tp)
		}
	}
}

// Property 3 at population level: after a wave of betrayals, trust takes
// more steps to rebuild than it took to lose.
func TestExampleAsymmetry(t *testing.T) {
	sc := loadExample(t, "asymmetry.yaml")
	rows, _ := runRows(t, sc, Options{})
	w := sc.BetrayalWave
	tr := func(i int) float64 { return rows[i].TrustRate } // rows[i] is step i+1
	before := 0.0
	for i := w.Start - 11; i < w.Start-1; i++ {
		before += tr(i) / 10
	}
	trough := w.Start - 1
	for i := w.Start - 1; i < w.Start-1+w.Steps+30; i++ {
		if tr(i) < tr(trough) {
			trough = i
		}
	}
	drop := before - tr(trough)
	lose := trough - (w.Start - 1) + 1
	rebuild := -1
	for i := trough + 1; i < len(rows); i++ {
		if tr(i) >= before-0.1*drop {
			rebuild = i - trough
			break
		}
	}
	t.Logf("trust rate %.4f before the wave, %.4f at the trough (step %d): lost in %d steps, rebuilt to within 10%% of the drop in %d steps",
		before, tr(trough), trough+1, lose, rebuild)
	if drop < 0.02 {
		t.Fatalf("the wave hardly lowered trust: %.4f -> %.4f", before, tr(trough))
	}
	if rebuild >= 0 && rebuild <= lose {
		t.Errorf("trust rebuilt in %d steps, not more than the %d it took to lose it", rebuild, lose)
	}
}

// The investment game, as the example and at PPB-2's scale (a smaller
// size): senders send a substantial share of the endowment and trustees
// return about their trustworthiness (mean 0.37).
func TestExampleInvestmentGame(t *testing.T) {
	for _, c := range []struct {
		file        string
		size, steps int // 0: the file's
	}{
		{"investment-game.yaml", 0, 20},
		{"ppb2.yaml", 20000, 0},
	} {
		t.Run(c.file, func(t *testing.T) {
			sc := loadExample(t, c.file)
			if c.size > 0 {
				sc.Population.Size = c.size
			}
			if c.steps > 0 {
				sc.Steps = c.steps
			}
			rows, s := runRows(t, sc, Options{})
			sent := meanLast(rows, 10, func(r Row) float64 { return r.SentFraction })
			ret := meanLast(rows, 10, func(r Row) float64 { return r.ReturnFraction })
			t.Logf("N = %d, T = %d (%s kernel): sent %.4f at step 1, %.4f in the last 10 steps; returned %.4f (trustees' mean w 0.37)",
				s.N(), sc.Steps, s.Kernel(), rows[0].SentFraction, sent, ret)
			if !(sent > 0.2 && sent < 0.9) || math.Abs(ret-0.37) > 0.05 {
				t.Errorf("sent %.4f (want in (0.2, 0.9)), returned %.4f (want 0.37 +- 0.05)", sent, ret)
			}
		})
	}
}

// PPB-1 at a small size: the fast kernel runs it and the numbers are
// plausible (trust falls from about one half as cynical beliefs form).
func TestExamplePPB1(t *testing.T) {
	sc := loadExample(t, "ppb1.yaml")
	sc.Population.Size = 20000
	rows, s := runRows(t, sc, Options{})
	fin := s.Final()
	t.Logf("PPB-1 at N = 20000, T = %d (%s kernel): trust rate %.4f -> %.4f, honour rate %.4f, mean payoff %.4f, mean |belief error| %.4f",
		sc.Steps, s.Kernel(), rows[0].TrustRate, rows[len(rows)-1].TrustRate, rows[len(rows)-1].HonourRate, rows[len(rows)-1].MeanPayoff, fin.MeanAbsBeliefError)
	if s.Kernel() != "fast" {
		t.Errorf("PPB-1 ran on the %s kernel", s.Kernel())
	}
	if math.Abs(rows[0].TrustRate-0.485) > 0.02 || fin.MeanAbsBeliefError < 0.1 || fin.MeanAbsBeliefError > 0.4 {
		t.Errorf("implausible PPB-1: first trust rate %.4f, belief error %.4f", rows[0].TrustRate, fin.MeanAbsBeliefError)
	}
}

// PPB-3 (every binary feature at once) at a small size: con-artists are
// honoured at first and then betray, the reciprocal group's honour rate
// follows its trust, traits move.
func TestExamplePPB3(t *testing.T) {
	sc := loadExample(t, "ppb3.yaml")
	sc.Population.Size = 20000
	rows, s := runRows(t, sc, Options{})
	last := rows[len(rows)-4:] // honest, reciprocal, con-artists, all
	t.Logf("PPB-3 at N = 20000, T = %d (%s kernel): last step trust %.4f, control %.4f, honour %.4f, mean trait %.4f (start %.4f)",
		sc.Steps, s.Kernel(), last[3].TrustRate, last[3].ControlRate, last[3].HonourRate, last[3].MeanTrait, rows[3].MeanTrait)
	if len(s.groups) != 3 || last[3].Group != "all" {
		t.Fatalf("rows %+v", last)
	}
	if !(last[3].TrustRate > 0.05 && last[3].ControlRate > 0.05) || last[3].MeanTrait == rows[3].MeanTrait {
		t.Errorf("implausible PPB-3: %+v", last[3])
	}
}
