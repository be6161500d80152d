package sim

import (
	"testing"
)

const lowTrait = `
seed: 5
steps: 60
population: {size: 3000, trait: 0.15, trustworthiness: 0.9}
network: {kind: k-out, k: 4}
outputs: {plots: false}
`

func last(rows []Row) Row { return rows[len(rows)-1] }

// Each intervention changes what it should, against the same scenario
// without it.
func TestInterventions(t *testing.T) {
	base, _ := runRows(t, parse(t, lowTrait), Options{General: true})
	b := last(base)

	// Full feedback for the first 20 steps: beliefs learn the truth even
	// without trusting, so the low-trait agents' cynicism shrinks.
	ff, _ := runRows(t, parse(t, lowTrait+"interventions: {full_feedback: 20}\n"), Options{})
	t.Logf("full_feedback 20: cynicism %.4f vs %.4f without", last(ff).Cynicism, b.Cynicism)
	if !(last(ff).Cynicism > b.Cynicism+0.2) {
		t.Errorf("full_feedback: cynicism %.4f not above %.4f + 0.2", last(ff).Cynicism, b.Cynicism)
	}

	// Graduated stakes: small stakes make trying cheap, so agents trust more.
	gs, _ := runRows(t, parse(t, lowTrait+"interventions: {graduated_stakes: {start: 0.1}}\n"), Options{})
	t.Logf("graduated stakes: trust rate %.4f vs %.4f without", last(gs).TrustRate, b.TrustRate)
	if !(last(gs).TrustRate > b.TrustRate+0.2) {
		t.Errorf("graduated stakes: trust rate %.4f not above %.4f + 0.2", last(gs).TrustRate, b.TrustRate)
	}

	// Safe start: during the first steps only trustworthy partners are met
	// (w >= 0.5), so no betrayal by an always-betraying group happens then.
	mix := `
seed: 5
steps: 10
population:
  size: 3000
  trait: 0.9
  groups:
    - {name: good, share: 0.5, behaviour: honour}
    - {name: bad, share: 0.5, behaviour: betray}
network: {kind: k-out, k: 4}
outputs: {plots: false}
`
	ss, _ := runRows(t, parse(t, mix+"interventions: {safe_start: 5}\n"), Options{})
	for _, r := range RowsOf(ss, "all") {
		if r.Step <= 5 && r.HonourRate != 1 {
			t.Errorf("safe start: step %d honour rate %.4f, want 1", r.Step, r.HonourRate)
		}
		if r.Step == 6 && r.HonourRate > 0.9 {
			t.Errorf("safe start over: step 6 honour rate %.4f, want betrayals again", r.HonourRate)
		}
	}

	// Reappraisal (w_minus 0.5 instead of 2): betrayals weigh less, so
	// beliefs about mixed partners end higher.
	mixed := "seed: 5\nsteps: 60\npopulation: {size: 3000, trait: 0.7, trustworthiness: 0.6}\nnetwork: {kind: k-out, k: 4}\noutputs: {plots: false}\n"
	r0, _ := runRows(t, parse(t, mixed), Options{})
	r1, _ := runRows(t, parse(t, mixed+"interventions: {reappraisal: {w_minus: 0.5}}\n"), Options{})
	t.Logf("reappraisal: mean belief %.4f vs %.4f without", last(r1).MeanBelief, last(r0).MeanBelief)
	if !(last(r1).MeanBelief > last(r0).MeanBelief+0.05) {
		t.Errorf("reappraisal: mean belief %.4f not above %.4f + 0.05", last(r1).MeanBelief, last(r0).MeanBelief)
	}
}

// Trustee behaviours and the social regime.
func TestBehaviours(t *testing.T) {
	// A con artist honours the first n trusts of each trustor, then betrays.
	con := "seed: 2\nsteps: 40\npopulation: {size: 2000, trait: 0.95, behaviour: {kind: con-artist, honours: 2}}\nnetwork: {kind: k-out, k: 1}\nparams: {beta: 1000}\noutputs: {plots: false}\n"
	rows, s := runRows(t, parse(t, con), Options{})
	var honoured, betrayed uint64
	s.Agents(func(a AgentRow) {
		if a.TrustsGiven >= 2 {
			honoured += 2
			betrayed += a.TrustsGiven - 2
		} else {
			honoured += a.TrustsGiven
		}
		if a.Betrayals != a.TrustsGiven-min(a.TrustsGiven, 2) {
			t.Fatalf("agent %d: %d trusts, %d betrayals; want the first 2 honoured", a.ID, a.TrustsGiven, a.Betrayals)
		}
	})
	t.Logf("con artists: honoured %d, betrayed %d; trust rate %.4f -> %.4f", honoured, betrayed, rows[0].TrustRate, last(rows).TrustRate)

	// Reciprocal trustees honour more when more trusted: a trusting
	// population meets more honour than a distrusting one.
	rec := func(trait string) float64 {
		src := "seed: 2\nsteps: 30\npopulation: {size: 3000, trait: " + trait + ", trustworthiness: 0.5, behaviour: {kind: reciprocal, slope: 0.8}}\nparams: {beta: 2}\noutputs: {plots: false}\n"
		rows, _ := runRows(t, parse(t, src), Options{})
		return meanLast(rows, 10, func(r Row) float64 { return r.HonourRate })
	}
	hi, lo := rec("0.95"), rec("0.05")
	t.Logf("reciprocal: honour rate %.4f among trusting agents, %.4f among distrusting", hi, lo)
	if !(hi > lo+0.1) {
		t.Errorf("reciprocal: honour rate %.4f (trusting) not above %.4f (distrusting) + 0.1", hi, lo)
	}

	// Social reports carry others' experience: low-trait agents hear about
	// reliable partners from the trusting ones and grow less cynical.
	soc := `
seed: 4
steps: 80
population:
  size: 3000
  trustworthiness: 0.9
  groups:
    - {name: low, share: 0.5, trait: 0.1}
    - {name: high, share: 0.5, trait: 0.9}
network: {kind: k-out, k: 4}
outputs: {plots: false}
`
	own, _ := runRows(t, parse(t, soc), Options{})
	social, _ := runRows(t, parse(t, soc+"feedback: {regime: social, weight: 0.5}\n"), Options{})
	o, sc := last(RowsOf(own, "low")).Cynicism, last(RowsOf(social, "low")).Cynicism
	t.Logf("social reports: low-trait cynicism %.4f with, %.4f without", sc, o)
	if !(sc > o+0.1) {
		t.Errorf("social: low-trait cynicism %.4f not above %.4f + 0.1", sc, o)
	}
}
