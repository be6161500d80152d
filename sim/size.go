package sim

import (
	"math"
	"os"
	"unsafe"

	"github.com/trustlab/trustlab/model"
	"github.com/trustlab/trustlab/scenario"
)

// Size is what a run of a scenario is predicted to need, from the
// resolved scenario alone (nothing is allocated): the numbers a server
// checks against its limits before it accepts a run, and trustlab run
// against the machine's memory.
type Size struct {
	Agents int   // population.size
	Steps  int   // steps
	Rows   int64 // rows of steps.csv: steps x (groups, plus "all" when there are several)
	Edges  int64 // possible partners over all agents: one belief (slot) each; expected value for random networks

	// StateBytes is the memory of the population's arrays and the
	// network, as [Sim.StateBytes] reports it after [New] (exact for
	// complete and k-out networks, the expected value for the others).
	StateBytes int64
	// MemoryBytes is the predicted peak memory of the run: the state,
	// the network's construction, the rows kept for the plots, the
	// counts written with agents.csv and the Go runtime.
	MemoryBytes int64
	// DiskBytes is the predicted size of the outputs: steps.csv,
	// agents.csv, plots and the report.
	DiskBytes int64
}

// Bytes per unit of output, from runs of the examples with a margin:
// steps.csv rows are about 107 bytes for a group named "all", agents.csv
// lines about 69 bytes, the plots grow by about 130 bytes a step.
const (
	stepsRowBytes  = 128 // + the group's name
	plotStepBytes  = 160
	agentLineBytes = 96
	fixedDiskBytes = 1 << 20 // report, manifest, the plots' fixed part
	runtimeBytes   = 64 << 20
)

// Predict predicts the size of a run of sc, a resolved scenario.
func Predict(sc *scenario.Scenario) Size {
	n := int64(sc.Population.Size)
	groups := int64(len(sc.Population.Groups))
	rowsPerStep := groups
	if groups > 1 {
		rowsPerStep++
	}
	z := Size{Agents: sc.Population.Size, Steps: sc.Steps, Rows: rowsPerStep * int64(sc.Steps)}

	// The network: its arrays and the beliefs, one slot per edge.
	var graph, build float64 // bytes of the Graph; extra bytes while it is built
	e := 0.0
	nf := float64(n)
	net := sc.Network
	regular := false
	switch net.Kind {
	case scenario.NetComplete:
		e = nf * (nf - 1)
	case scenario.NetKOut:
		e = nf * float64(net.K)
		graph = 4 * e
		regular = true
	case scenario.NetWattsStrogatz:
		e = nf * float64(net.K) // undirected: k/2 lattice edges each way
		graph = 8*(nf+1) + 4*e
		build = 4*e/2 + 4*nf // the lattice targets and degrees
	case scenario.NetErdosRenyi:
		e = net.P * nf * (nf - 1)
		graph = 8*(nf+1) + 4*e
		build = 4 * e // the drawn ends
	case scenario.NetBarabasiAlbert:
		m := float64(net.M)
		e = 2*m*(nf-m) + m*(m-1)
		graph = 8*(nf+1) + 4*e
		build = 4 * e
	case scenario.NetEdgeList:
		// At most one edge per 4 bytes of the file ("1 2\n"), both ways
		// when undirected.
		if st, err := os.Stat(net.File); err == nil {
			e = float64(st.Size()) / 4
			if net.Undirected {
				e *= 2
			}
		}
		graph = 8*(nf+1) + 4*e
		build = 8 * e
	}
	z.Edges = int64(e)

	var perAgent, perSlot float64
	if fastScenario(sc, regular) {
		perAgent = float64(unsafe.Sizeof(fastAgent{})) + 4 // + w
		perSlot = float64(unsafe.Sizeof(fastSlot{}))
	} else {
		// agentArrays (trait, payoff, given, betrayed, group; controls
		// with a control option) and w (the start traits are redrawn
		// when they are learned, not kept).
		perAgent = 4 + 8 + 4 + 4 + 1 + 4
		if sc.Situation.Control != nil {
			perAgent += 4
		}
		if sc.Situation.Game == model.Investment {
			perAgent += 8 // lambda(trait)
		}
		for _, g := range sc.Population.Groups {
			if g.Behaviour.Kind == scenario.Fitted {
				perAgent += 4 // the fitted trustee's profile
				break
			}
		}
		// The ranks in the groups that the start traits' redraws need when
		// traits are learned and a CSV column may be assigned in order.
		learned, csv := false, false
		for _, g := range sc.Population.Groups {
			learned = learned || g.Model.Eta > 0
			csv = csv || g.Trait.Kind == scenario.DistCSV || g.Trustworthiness.Kind == scenario.DistCSV
		}
		if learned && csv {
			perAgent += 4
		}
		perSlot = float64(unsafe.Sizeof(slot{}))
	}
	if gs := sc.Interventions.GraduatedStakes; gs != nil {
		perSlot += 4 // a float32, or a level's index where the levels are few
		if _, ok := stakeLevels(stakeFactors(gs)); ok && !fastScenario(sc, regular) {
			perSlot -= 3
		}
	}
	counted := sc.Feedback == model.FeedbackSocial
	for _, g := range sc.Population.Groups {
		counted = counted || g.Behaviour.Kind == scenario.Reciprocal
	}
	if counted && !fastScenario(sc, regular) {
		// The per-trustee counts (8-bit fields for the in-degrees of sparse
		// k-out, Erdos-Renyi and Watts-Strogatz networks; complete networks,
		// Barabasi-Albert hubs and edge lists are predicted at 16) and the
		// agent's record of its step.
		cw := 2.0
		if mean := e / nf; net.Kind != scenario.NetComplete && net.Kind != scenario.NetBarabasiAlbert && net.Kind != scenario.NetEdgeList &&
			mean+6*math.Sqrt(mean)+10 <= 0xff {
			cw = 1 // the largest of n roughly Poisson in-degrees
		}
		perAgent += 4*cw + 4 + 1
		if cw == 1 {
			perAgent += 8 // the counts beside a copy of w (Sim.wc)
		}
	}
	state := graph + nf*perAgent + e*perSlot
	if sc.Situation.Game == model.Investment && !fastScenario(sc, regular) {
		ms := make([]model.Model, len(sc.Population.Groups))
		for g, gr := range sc.Population.Groups {
			ms[g] = gr.Model
		}
		state += float64(r1Bytes(sc.Situation.Multiplier, ms))
	}
	z.StateBytes = sat(state)

	// Rows are kept for the plots; append doubles the slice as it grows.
	rows := float64(z.Rows) * float64(unsafe.Sizeof(Row{})) * 2
	z.MemoryBytes = sat(state + build + rows + 8*nf + runtimeBytes)

	name := 0
	for _, g := range sc.Population.Groups {
		name += len(g.Name)
	}
	if groups > 1 {
		name += len("all")
	}
	steps := float64(sc.Steps)
	z.DiskBytes = sat(fixedDiskBytes + steps*(float64(rowsPerStep*stepsRowBytes+int64(name))+plotStepBytes) + nf*agentLineBytes)
	return z
}

// fastScenario reports whether the fast kernel runs sc; regular is
// whether its network gives every agent one out-degree (the regular form).
// New decides with it, so the prediction follows the same path.
func fastScenario(sc *scenario.Scenario, regular bool) bool {
	iv := sc.Interventions
	if sc.Situation.Game != model.Binary || sc.Situation.Control != nil || sc.Partner.Choice != scenario.ChooseUniform ||
		sc.Feedback != model.FeedbackOwn || iv.GraduatedStakes != nil || iv.FullFeedback > 0 || iv.SafeStart > 0 || sc.BetrayalWave != nil ||
		len(sc.Population.Groups) != 1 || !regular {
		return false
	}
	g := sc.Population.Groups[0]
	m := g.Model
	return g.Behaviour.Kind == scenario.Probabilistic && m.Eta == 0 && m.Zeta == 0 && !m.Deterministic
}

// sat converts to int64, saturating.
func sat(v float64) int64 {
	if v >= math.MaxInt64 || math.IsNaN(v) {
		return math.MaxInt64
	}
	return int64(v)
}
