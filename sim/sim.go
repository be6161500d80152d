package sim

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/trustlab/trustlab/internal/rng"
	"github.com/trustlab/trustlab/model"
	"github.com/trustlab/trustlab/network"
	"github.com/trustlab/trustlab/scenario"
)

// ShardSize is the number of consecutive agents in a shard, the unit of
// parallel work and of random streams. It does not depend on the number
// of workers.
const ShardSize = 4096

// Keys of the random streams (the first key after the seed).
const (
	keyNetwork uint64 = iota + 1
	keyGroups
	keyInit
	keyStep
)

// Options tunes the engine. The zero value uses GOMAXPROCS workers and
// the fast kernel where it applies.
type Options struct {
	// Workers is the number of goroutines stepping shards; 0 means
	// runtime.GOMAXPROCS(0). Results do not depend on it.
	Workers int
	// General forces the general path even where the fast kernel applies.
	General bool
}

// slot is what an agent keeps about one out-neighbour: its belief
// Beta(A, B) and how often it trusted that neighbour.
type slot struct {
	A, B   float32
	Trusts uint32
}

// fastSlot is the slot of the fast kernel: the belief and trust count of
// slot, plus W, a copy of the neighbour's (static) trustworthiness, so that
// the kernel streams through memory instead of reading w[j] at a random
// place for every encounter. 16 bytes, four to a cache line.
type fastSlot struct {
	A, B   float32
	Trusts uint32
	W      float32
}

// agent is an agent's state as agentState assembles it (the general
// kernel keeps it as struct-of-arrays, agentArrays).
type agent struct {
	Trait    float32 // current trait tau
	Payoff   float64 // cumulative payoff as trustor
	Given    uint32  // trusts given
	Controls uint32  // engagements under control
	Betrayed uint32  // betrayals experienced (engaged and not confirmed)
	Group    uint8
}

// agentArrays is the general kernel's per-agent state, one array per
// field: 25 bytes per agent with a control option (controls), 21 without.
type agentArrays struct {
	trait    []float32 // current trait tau
	payoff   []float64 // cumulative payoff as trustor
	given    []uint32  // trusts given
	controls []uint32  // engagements under control (nil without a control option)
	betrayed []uint32  // betrayals experienced (engaged and not confirmed)
	grp      []uint8   // group index
}

func (a *agentArrays) bytes() int64 {
	return int64(4*cap(a.trait) + 8*cap(a.payoff) + 4*(cap(a.given)+cap(a.controls)+cap(a.betrayed)) + cap(a.grp))
}

// paddedKstate is a kstate alone on two cache lines (128 bytes, as
// adjacent lines are fetched in pairs).
type paddedKstate struct {
	kstate
	_ [128 - unsafe.Sizeof(kstate{})]byte
}

// group is a resolved group with what the hot loop needs.
type group struct {
	scenario.Group
	size int
}

// Sim is a population ready to step. Build it with New; it is not safe
// for concurrent use.
type Sim struct {
	sc      *scenario.Scenario
	n       int
	g       *network.Graph
	groups  []group
	workers int
	fast    bool
	shards  int

	ag      agentArrays // general kernel
	fagents []fastAgent // fast kernel (then ag is empty)
	learned bool        // traits are learned (eta > 0): the start traits are redrawn (traitStart)
	t0h     int         // traitStart's shard in t0 (-1: none)
	t0      []float32
	lam     []float64  // investment game: lambda(trait), kept with the trait
	rank    []int32    // agents' ranks in their groups, for CSV columns (nil without)
	w       []float32  // base trustworthiness
	prof    []uint32   // fitted trustees: the profile each agent of a fitted group took (nil without fitted groups)
	slots   []slot     // general path
	fslots  []fastSlot // fast kernel (then slots is nil)
	ftrait  []float64  // fast kernel: sum of the (constant) traits per shard
	stake   []float32  // graduated stakes, per slot (nil if stakeI holds them)
	stakeI  []uint8    // graduated stakes, per slot, as indexes into kern.lvV (nil if stake holds them)
	wc      []uint64   // with 8-bit counts: each trustee's w bits and, above them, its counts (scatterCounts)
	hugePad int64      // bytes of padding that align the arrays read at random to huge pages (makeHuge)

	// The per-trustee counts of the previous step and the agents'
	// records they are built from (see fApproached): for reciprocal
	// trustees and social reports.
	recip  bool
	social bool
	cnt    []uint32
	recJ   []int32 // the partner met in the step, -1 if none
	recF   []uint8 // recTrusted, recEngaged, recConfirmed
	maxIn  int     // largest in-degree (with counts)

	kern         kern // the general kernel's resolved features
	step         int  // steps done
	interactions int64
	acc          []acc // [shard*len(groups)+g]
	kst          []*kstate
}

// New builds the population of a scenario: the network, the groups, the
// traits, trustworthiness and prior beliefs. Errors are problems of the
// input (an unreadable or malformed edge list, for instance).
func New(sc *scenario.Scenario, opt Options) (*Sim, error) {
	n := sc.Population.Size
	if n < 2 || len(sc.Population.Groups) == 0 || len(sc.Population.Groups) > scenario.MaxGroups {
		return nil, fmt.Errorf("sim: scenario not resolved: population.size = %d, %d groups", n, len(sc.Population.Groups))
	}
	s := &Sim{sc: sc, n: n, workers: opt.Workers}
	if s.workers <= 0 {
		s.workers = runtime.GOMAXPROCS(0)
	}
	s.shards = (n + ShardSize - 1) / ShardSize
	if s.workers > s.shards {
		s.workers = s.shards
	}
	g, err := buildNetwork(sc)
	if err != nil {
		return nil, err
	}
	s.g = g
	for _, gr := range sc.Population.Groups {
		s.groups = append(s.groups, group{Group: gr})
		switch gr.Behaviour.Kind {
		case scenario.Reciprocal:
			s.recip = true
		}
	}
	s.social = sc.Feedback == model.FeedbackSocial
	if s.social && sc.Situation.Game != model.Binary {
		return nil, errors.New(sc.File + ": feedback: social reports apply to binary situations only")
	}
	s.fast = !opt.General && s.fastApplies()
	if !s.fast && (s.recip || s.social) {
		s.maxIn = maxInDegree(g, n)
	}
	s.init()
	s.kern = s.newKern()
	s.acc = make([]acc, s.shards*len(s.groups))
	// Each worker's generator on its own cache lines: neighbouring
	// allocations would put them on one line, which every draw writes.
	ks := make([]paddedKstate, s.workers)
	for w := range ks {
		k := &ks[w].kstate
		k.r = rand.New(&k.src)
		s.kst = append(s.kst, k)
	}
	return s, nil
}

// maxInDegree is the largest in-degree of g.
func maxInDegree(g *network.Graph, n int) int {
	if g.Complete {
		return n - 1
	}
	in := make([]int32, n)
	mx := int32(0)
	for _, j := range g.Adj {
		in[j]++
		mx = max(mx, in[j])
	}
	return int(mx)
}

func buildNetwork(sc *scenario.Scenario) (*network.Graph, error) {
	n := sc.Population.Size
	net := sc.Network
	r := rng.Stream(sc.Seed, keyNetwork)
	var (
		g   *network.Graph
		err error
	)
	switch net.Kind {
	case scenario.NetComplete:
		g, err = network.Complete(n)
	case scenario.NetKOut:
		g, err = network.KOut(n, net.K, r)
	case scenario.NetErdosRenyi:
		g, err = network.ErdosRenyi(n, net.P, r)
	case scenario.NetWattsStrogatz:
		g, err = network.WattsStrogatz(n, net.K, net.Rewire, r)
	case scenario.NetBarabasiAlbert:
		g, err = network.BarabasiAlbert(n, net.M, r)
	case scenario.NetEdgeList:
		f, ferr := os.Open(net.File)
		if ferr != nil {
			return nil, fmt.Errorf("%s: network.file: cannot read: %w", sc.File, ferr)
		}
		defer f.Close()
		g, err = network.ReadEdgeList(f, net.File, n, network.EdgeListOptions{Undirected: net.Undirected})
	default:
		return nil, fmt.Errorf("sim: unknown network kind %q", net.Kind)
	}
	if err != nil {
		var pe *network.ParseError
		if errors.As(err, &pe) {
			return nil, err
		}
		return nil, fmt.Errorf("%s: network: %w", sc.File, err)
	}
	if g.Edges() == 0 {
		// No agent would ever meet a partner: every rate would be 0/0.
		switch net.Kind {
		case scenario.NetEdgeList:
			return nil, fmt.Errorf("%s: network.file = %q: the edge list has no edges (it is empty or holds only comments or a header); agents need at least one edge to meet", sc.File, net.File)
		case scenario.NetErdosRenyi:
			return nil, fmt.Errorf("%s: network.p = %g: the erdos-renyi network drew no edges for %d agents, so no agent ever meets a partner; raise network.p (about n(n-1)p/2 edges are drawn)", sc.File, net.P, n)
		default:
			return nil, fmt.Errorf("%s: network: the %s network has no edges, so no agent ever meets a partner", sc.File, net.Kind)
		}
	}
	return g, nil
}

// deg is the out-degree of agent i.
func (s *Sim) deg(i int) int {
	switch {
	case s.g.Complete:
		return s.n - 1
	case s.g.K > 0:
		return s.g.K
	}
	return int(s.g.Off[i+1] - s.g.Off[i])
}

// base is the index of agent i's first slot.
func (s *Sim) base(i int) int {
	switch {
	case s.g.Complete:
		return i * (s.n - 1)
	case s.g.K > 0:
		return i * s.g.K
	}
	return int(s.g.Off[i])
}

// nbr is the partner in slot k of agent i.
func (s *Sim) nbr(i, k int) int {
	switch {
	case s.g.Complete:
		if k < i {
			return k
		}
		return k + 1
	case s.g.K > 0:
		return int(s.g.Adj[i*s.g.K+k])
	}
	return int(s.g.Adj[s.g.Off[i]+int64(k)])
}

func (s *Sim) numSlots() int {
	switch {
	case s.g.Complete:
		return s.n * (s.n - 1)
	case s.g.K > 0:
		return s.n * s.g.K
	}
	return len(s.g.Adj)
}

// parallel runs f(worker, shard) for every shard on s.workers goroutines.
func (s *Sim) parallel(f func(w, shard int)) {
	if s.workers == 1 {
		for h := range s.shards {
			f(0, h)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range s.workers {
		wg.Go(func() {
			for {
				h := int(next.Add(1) - 1)
				if h >= s.shards {
					return
				}
				f(w, h)
			}
		})
	}
	wg.Wait()
}

func (s *Sim) shardRange(h int) (lo, hi int) {
	lo = h * ShardSize
	return lo, min(lo+ShardSize, s.n)
}

// init assigns groups, draws traits and trustworthiness and sets every
// belief to its trait prior.
func (s *Sim) init() {
	n := s.n
	sc := s.sc
	s.w = makeHuge[float32](n, &s.hugePad)
	for _, g := range s.groups {
		if g.Behaviour.Kind == scenario.Fitted && s.prof == nil {
			s.prof = make([]uint32, n)
		}
	}
	if s.fast {
		// Traits do not change on the fast kernel: fagents' Trait is both
		// the start and the end trait.
		s.fagents = make([]fastAgent, n)
		s.fslots = make([]fastSlot, s.numSlots())
	} else {
		s.ag = agentArrays{
			trait: make([]float32, n), payoff: make([]float64, n),
			given: make([]uint32, n), betrayed: make([]uint32, n),
		}
		s.ag.grp = makeHuge[uint8](n, &s.hugePad)
		if sc.Situation.Control != nil {
			s.ag.controls = make([]uint32, n)
		}
		s.slots = make([]slot, s.numSlots())
		if sc.Situation.Game == model.Investment {
			s.lam = make([]float64, n)
		}
	}

	// Groups: counts by cumulative rounding of the shares, then a random
	// permutation so that groups do not follow the network's layout.
	if len(s.groups) > 1 {
		cum := 0.0
		start := 0
		for gi := range s.groups {
			cum += s.groups[gi].Share
			end := int(cum*float64(n) + 0.5)
			if gi == len(s.groups)-1 {
				end = n
			}
			end = max(start, min(end, n))
			for i := start; i < end; i++ {
				s.ag.grp[i] = uint8(gi)
			}
			s.groups[gi].size = end - start
			start = end
		}
		r := rng.Stream(sc.Seed, keyGroups)
		for i := n - 1; i > 0; i-- {
			j := r.IntN(i + 1)
			s.ag.grp[i], s.ag.grp[j] = s.ag.grp[j], s.ag.grp[i]
		}
	} else {
		s.groups[0].size = n
	}

	s.t0h = -1
	for _, g := range s.groups {
		s.learned = s.learned || (!s.fast && g.Model.Eta > 0)
	}
	s.rankCSV()
	s.parallel(func(w, h int) {
		s.drawShard(h, func(i int, tau float32, wv float64) {
			g := &s.groups[s.groupOf(i)]
			if s.fast {
				s.fagents[i] = newFastAgent(g.Model, s.sc.Situation, tau)
			} else {
				s.ag.trait[i] = tau
				if s.lam != nil {
					s.lam[i] = g.Model.Lambda(float64(tau))
				}
			}
			s.w[i] = float32(wv)
			prior := g.Model.Prior(float64(tau))
			a, b := float32(prior.A), float32(prior.B)
			base, d := s.base(i), s.deg(i)
			for k := range d {
				if s.fast {
					s.fslots[base+k] = fastSlot{A: a, B: b}
				} else {
					s.slots[base+k] = slot{A: a, B: b}
				}
			}
		})
	})
	if !s.learned {
		s.rank = nil // only traitStart's redraws need it
	}
	if s.fast {
		// Every w is drawn: copy the neighbours' into the slots.
		s.ftrait = make([]float64, s.shards)
		s.parallel(func(_, h int) {
			lo, hi := s.shardRange(h)
			for i := lo; i < hi; i++ {
				s.ftrait[h] += float64(s.fagents[i].Trait)
				base, d := s.base(i), s.deg(i)
				for k := range d {
					s.fslots[base+k].W = s.w[s.nbr(i, k)]
				}
			}
		})
	}
	if gs := sc.Interventions.GraduatedStakes; gs != nil {
		// A slot's stake as an index into the few levels that graduated
		// stakes reach, where they are few (stakeLevels), else as a
		// float32. Both start at start.
		if _, ok := stakeLevels(stakeFactors(gs)); ok && !s.fast {
			s.stakeI = make([]uint8, len(s.slots))
		} else {
			s.stake = make([]float32, len(s.slots))
			st := float32(gs.Start)
			for i := range s.stake {
				s.stake[i] = st
			}
		}
	}
	if !s.fast && (s.recip || s.social) {
		fw := countWidth(s.maxIn)
		s.cnt = makeHuge[uint32](int(fw/8)*n, &s.hugePad)
		if fw == 8 {
			// Each trustee's w beside its counts (scatterCounts).
			s.wc = makeHuge[uint64](n, &s.hugePad)
			for j, w := range s.w {
				s.wc[j] = uint64(math.Float32bits(w))
			}
		}
		s.recJ = make([]int32, n)
		s.recF = make([]uint8, n)
		for i := range s.recJ {
			s.recJ[i] = -1
		}
	}
}

// drawShard draws the traits and trustworthiness of shard h's agents from
// the shard's init stream, in id order, and calls f with each. CSV columns
// with one value per agent of the group are assigned in order of agent id
// (their rank in the group); others are resampled.
func (s *Sim) drawShard(h int, f func(i int, tau float32, w float64)) {
	r := rng.Stream(s.sc.Seed, keyInit, uint64(h))
	lo, hi := s.shardRange(h)
	for i := lo; i < hi; i++ {
		g := &s.groups[s.groupOf(i)]
		tau := float32(s.drawDist(g.Trait, g.size, i, r))
		var wv float64
		if g.Behaviour.Kind == scenario.Fitted {
			// The trustee profile, drawn as drawDist draws the CSV column
			// of its ret_base (so the draws are those of any CSV column).
			d := g.Trustworthiness
			idx := 0
			if d.Rows == g.size {
				idx = int(s.rank[i])
			} else {
				idx = r.IntN(len(d.Values))
			}
			s.prof[i] = uint32(idx)
			wv = d.Values[idx]
		} else {
			wv = s.drawDist(g.Trustworthiness, g.size, i, r)
		}
		f(i, tau, wv)
	}
}

func (s *Sim) drawDist(d scenario.Dist, size int, i int, r *rand.Rand) float64 {
	if d.Kind == scenario.DistCSV && d.Rows == size {
		return d.Values[s.rank[i]]
	}
	return d.Sample(r)
}

// rankCSV sets s.rank, the agents' ranks in their groups, when a group
// assigns a CSV column one value per agent.
func (s *Sim) rankCSV() {
	for _, g := range s.groups {
		if (g.Trait.Kind == scenario.DistCSV && g.Trait.Rows == g.size) ||
			(g.Trustworthiness.Kind == scenario.DistCSV && g.Trustworthiness.Rows == g.size) {
			s.rank = make([]int32, s.n)
			cnt := make([]int32, len(s.groups))
			for i := range s.n {
				gi := s.groupOf(i)
				s.rank[i] = cnt[gi]
				cnt[gi]++
			}
			return
		}
	}
}

// fastApplies reports whether the PPB-1 kernel can run this scenario.
func (s *Sim) fastApplies() bool {
	return fastScenario(s.sc, s.g.K != 0)
}

// traitStart is agent i's trait at the start of the run.
func (s *Sim) traitStart(i int) float32 {
	if s.fast {
		return s.fagents[i].Trait
	}
	if !s.learned {
		return s.ag.trait[i]
	}
	// The start traits are not kept: the shard's initial draws are
	// repeated (one shard at a time; callers go in id order).
	if h := i / ShardSize; h != s.t0h {
		lo, hi := s.shardRange(h)
		s.t0 = s.t0[:0]
		s.drawShard(h, func(j int, tau float32, _ float64) { s.t0 = append(s.t0, tau) })
		if len(s.t0) != hi-lo {
			panic("sim: start traits redrawn for a wrong shard size")
		}
		s.t0h = h
	}
	return s.t0[i%ShardSize]
}

// groupOf is agent i's group index.
func (s *Sim) groupOf(i int) uint8 {
	if s.fast {
		return 0 // the fast kernel runs one group
	}
	return s.ag.grp[i]
}

// agentState is agent i's state as the general path keeps it; on the
// fast kernel it is assembled from the fastAgent, the payoff from the
// counts.
func (s *Sim) agentState(i int) agent {
	if !s.fast {
		a := agent{Trait: s.ag.trait[i], Payoff: s.ag.payoff[i], Given: s.ag.given[i], Betrayed: s.ag.betrayed[i], Group: s.ag.grp[i]}
		if s.ag.controls != nil {
			a.Controls = s.ag.controls[i]
		}
		return a
	}
	fa := &s.fagents[i]
	sit := s.sc.Situation
	honoured, betrayed, declined := float64(fa.Given-fa.Betrayed), float64(fa.Betrayed), float64(s.step-int(fa.Given))
	return agent{
		Trait: fa.Trait, Given: fa.Given, Betrayed: fa.Betrayed,
		Payoff: float64(float32(sit.Gain))*honoured - float64(float32(sit.Loss))*betrayed + float64(float32(sit.Outside))*declined,
	}
}

// slotTrusts is how often the owner of slot index k trusted its neighbour.
func (s *Sim) slotTrusts(k int) uint32 {
	if s.fast {
		return s.fslots[k].Trusts
	}
	return s.slots[k].Trusts
}

// Kernel names the stepping path: "fast" (PPB-1 kernel) or "general".
func (s *Sim) Kernel() string {
	if s.fast {
		return "fast"
	}
	return "general"
}

// N is the number of agents.
func (s *Sim) N() int { return s.n }

// Steps is the number of steps done.
func (s *Sim) Steps() int { return s.step }

// Interactions is the number of encounters so far.
func (s *Sim) Interactions() int64 { return s.interactions }

// Workers is the number of workers in use (at most the number of shards).
func (s *Sim) Workers() int { return s.workers }

// Shards is the number of shards.
func (s *Sim) Shards() int { return s.shards }

// Scenario returns the scenario being run.
func (s *Sim) Scenario() *scenario.Scenario { return s.sc }

// StateBytes is the memory held by the population's arrays and the
// network: the engine's footprint apart from the Go runtime.
func (s *Sim) StateBytes() int64 {
	b := s.g.Bytes()
	b += s.ag.bytes() + int64(unsafe.Sizeof(fastAgent{}))*int64(cap(s.fagents))
	b += 4*int64(cap(s.w)+cap(s.stake)+cap(s.rank)+cap(s.prof)) + 8*int64(cap(s.lam))
	b += int64(unsafe.Sizeof(slot{}))*int64(cap(s.slots)) + int64(unsafe.Sizeof(fastSlot{}))*int64(cap(s.fslots))
	b += 4*int64(cap(s.cnt)) + 8*int64(cap(s.wc)) + 4*int64(cap(s.recJ)) + int64(cap(s.recF)) + int64(cap(s.stakeI))
	if t := s.kern.r1t; t != nil {
		b += 8 * int64(cap(t.v))
	}
	return b + s.hugePad
}
