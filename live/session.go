package live

import (
	"math"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/model"
	"github.com/trustlab/trustlab/scenario"
	"github.com/trustlab/trustlab/sim"
)

// Session statuses.
const (
	Paused  = "paused"  // waiting for play or step
	Playing = "playing" // stepping at its speed
	Done    = "done"    // the scenario's last step is done
	Stopped = "stopped" // stopped (by the viewer, the idle timeout or the server's shutdown)
)

// Last acts of a sampled agent in the step of a Frame (Frame.Act).
const (
	ActNone     = 0 // no step yet, or no partner to meet
	ActDeclined = 1 // declined (distrust)
	ActHonoured = 2 // trusted, and the partner honoured it
	ActBetrayed = 3 // trusted, and the partner betrayed it
	ActControl  = 4 // engaged under the control option
)

// MaxSpeed is the largest speed in steps per second (0 means as fast as
// the engine goes).
const MaxSpeed = 1000

// frameEvery is the shortest time between two frames of the sampled
// agents while the session plays fast: about 15 a second.
const frameEvery = time.Second / 15

// historySteps is how many steps' rows a session keeps for viewers that
// connect late.
const historySteps = 5000

// State is where a session is: the body of the control and status
// endpoints and part of every Update.
type State struct {
	ID       string  `json:"id"`
	Name     string  `json:"name"`    // the scenario's name
	Status   string  `json:"status"`  // paused, playing, done or stopped
	Step     int     `json:"step"`    // steps done
	Steps    int     `json:"steps"`   // the scenario's steps: the session ends there
	Speed    float64 `json:"speed"`   // steps per second; 0: as fast as the engine goes
	Agents   int     `json:"agents"`  // population size
	Sampled  int     `json:"sampled"` // agents drawn (the Graph's)
	Kernel   string  `json:"kernel"`  // the engine's kernel (fast or general)
	Workers  int     `json:"workers"` // the engine's worker goroutines
	Rate     float64 `json:"interactions_per_second"`
	StepTime float64 `json:"step_seconds"` // the engine's mean time per step, the frames' sampling excluded (over the last second of play)
}

// Row is one line of steps.csv: the step, the group, and the numbers of
// sim.Row.Values (sim.RowHeader[2:]), NaN written null.
type Row struct {
	Step   int    `json:"step"`
	Group  string `json:"group"`
	Values []Num  `json:"values"`
}

// Num is a number written with 6 significant digits, NaN and infinities
// as null.
type Num float64

// MarshalJSON writes n with 6 significant digits, or null.
func (n Num) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'g', 6, 64), nil
}

// Frame is the sampled agents' colour values after a step, one byte per
// agent in the Graph's order (base64 in JSON). Trait and Belief map [0, 1]
// onto 0..254; Payoff maps [PayoffMin, PayoffMax] onto 0..254; 255 means
// no value (an agent without partners has no belief). Act is one of the
// Act constants: what the agent did in step Step.
type Frame struct {
	Step      int     `json:"step"`
	Trait     []byte  `json:"trait"`      // the current trait tau
	Belief    []byte  `json:"belief"`     // mean a/(a+b) over the agent's partners
	Act       []byte  `json:"act"`        // the last act
	Payoff    []byte  `json:"payoff"`     // cumulative payoff per step done
	PayoffMin float64 `json:"payoff_min"` // the sample's smallest payoff per step
	PayoffMax float64 `json:"payoff_max"` // and its largest
}

// Update is what a viewer gets after steps: the state, the rows of the
// steps it has not seen yet and, when there is a newer one, the frame of
// the sampled agents.
type Update struct {
	State  State    `json:"state"`
	Header []string `json:"header,omitempty"` // sim.RowHeader, in a viewer's first update
	Rows   []Row    `json:"rows,omitempty"`
	Agents *Frame   `json:"agents,omitempty"`
}

// Cursor is what one viewer has seen: the zero value has seen nothing.
type Cursor struct {
	started bool
	step    int // rows up to this step sent
	frame   int // the frame of this step sent (-1: none)
}

// Session is one live simulation. Its methods are safe for concurrent use.
type Session struct {
	id    string
	m     *Manager
	sc    *scenario.Scenario
	graph Graph
	index map[int]int32 // agent id -> index in graph
	cmds  chan command
	quit  chan struct{}
	done  chan struct{} // closed when the goroutine has ended
	once  sync.Once

	// owned by the goroutine
	s       *sim.Sim
	pre     []counts       // the sample's counters before the step (frames only)
	scratch sim.AgentState // an agent read for a frame (its partners' storage reused)
	buf     []sim.Row
	play    playClock

	mu       sync.Mutex
	state    State
	rows     []Row // rows of the last historySteps steps
	frame    *Frame
	subs     map[chan struct{}]struct{}
	lastUsed time.Time
}

// counts are a sampled agent's counters.
type counts struct{ given, controls, betrayals uint64 }

// playClock measures the engine while it plays.
type playClock struct {
	since       time.Time
	inter0      int64
	engine      time.Duration
	steps       int
	next        time.Time // when the next step is due at a set speed
	lastFrame   time.Time
	lastIdleChk time.Time
}

// command is a request to the session's goroutine.
type command struct {
	action  string // play, pause, step, speed, agent
	speed   *float64
	agent   int
	partner int
	reply   chan reply
}

type reply struct {
	state State
	agent AgentView
	err   error
}

// ID returns the session's id.
func (ss *Session) ID() string { return ss.id }

// Graph returns the sample, its layout and its edges (computed once).
func (ss *Session) Graph() Graph { ss.touch(); return ss.graph }

// State returns the session's state.
func (ss *Session) State() State {
	ss.touch()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.state
}

func (ss *Session) touch() {
	ss.mu.Lock()
	ss.lastUsed = ss.m.now()
	ss.mu.Unlock()
}

// Control acts on the session: "play" (at speed, when given), "pause",
// "step" (pauses, then does exactly one step), "speed" (sets the speed,
// playing or not) or "stop" (ends the session). Speed is in steps per
// second, in [0.1, MaxSpeed], or 0 for as fast as the engine goes.
func (ss *Session) Control(action string, speed *float64) (State, error) {
	ss.touch()
	switch action {
	case "play", "pause", "step", "speed":
	case "stop":
		ss.m.remove(ss)
		ss.stop()
		return ss.State(), nil
	default:
		return State{}, trustlab.FieldErrorf("action", "play, pause, step, speed or stop", "%q: must be play, pause, step, speed or stop", action)
	}
	if speed != nil {
		v := *speed
		if math.IsNaN(v) || (v != 0 && (v < 0.1 || v > MaxSpeed)) {
			return State{}, trustlab.FieldErrorf("speed", "0 (as fast as possible) or [0.1, 1000]", "%g: must be 0 (as fast as possible) or in [0.1, %d] steps per second", v, MaxSpeed)
		}
	} else if action == "speed" {
		return State{}, trustlab.FieldErrorf("speed", "0 (as fast as possible) or [0.1, 1000]", "required with action speed")
	}
	r, err := ss.ask(command{action: action, speed: speed})
	return r.state, err
}

// AgentView is one agent's state with its beliefs and, for one of its
// partners, the model's explained decision: its pyramid.
type AgentView struct {
	ID              int       `json:"id"`
	Step            int       `json:"step"`   // steps done when it was read
	Sample          int       `json:"sample"` // its index in the Graph, -1 if not drawn
	Group           string    `json:"group"`
	Behaviour       string    `json:"behaviour"`
	Trait           float64   `json:"trait"`
	Trustworthiness float64   `json:"trustworthiness"`
	Payoff          float64   `json:"payoff"`      // cumulative
	MeanPayoff      float64   `json:"mean_payoff"` // per step done (0 before the first)
	TrustsGiven     uint64    `json:"trusts_given"`
	Controls        uint64    `json:"controls"`
	Betrayals       uint64    `json:"betrayals"`
	Belief          *float64  `json:"belief"`         // mean a/(a+b) over the partners (null without partners)
	PartnersTotal   int       `json:"partners_total"` // out-neighbours; Partners lists the first 200
	Partners        []Partner `json:"partners"`
	// Partner is the index in Partners of the partner Decision is about.
	Partner  int                    `json:"partner"`
	Decision *trustlab.DecideOutput `json:"decision"` // the pyramid of a decision about Partners[Partner] (null without partners)
}

// Partner is what an agent holds about one partner, and what the model
// makes of it in the scenario's situation.
type Partner struct {
	ID          int     `json:"id"`
	A           float64 `json:"a"`
	B           float64 `json:"b"`
	P           float64 `json:"p"` // a/(a+b)
	Trusts      uint64  `json:"trusts"`
	Balance     float64 `json:"balance"`
	Probability float64 `json:"probability"` // P(trust); in the investment game the fraction sent
	Kind        string  `json:"kind"`
}

// maxListed is the number of partners an AgentView lists.
const maxListed = 200

// Agent returns agent i's state (0 <= i < N) and the pyramid of its
// decision about its partner'th partner, read between steps.
func (ss *Session) Agent(i, partner int) (AgentView, error) {
	ss.touch()
	n := ss.graph.N
	if i < 0 || i >= n {
		return AgentView{}, trustlab.FieldErrorf("agent", "[0, "+strconv.Itoa(n-1)+"]", "%d: must be an agent id in [0, %d]", i, n-1)
	}
	if partner < 0 || partner >= maxListed {
		return AgentView{}, trustlab.FieldErrorf("partner", "[0, 199]", "%d: must be the index of a listed partner, in [0, %d]", partner, maxListed-1)
	}
	r, err := ss.ask(command{action: "agent", agent: i, partner: partner})
	return r.agent, err
}

func ptr[T any](v T) *T { return &v }

// ask sends c to the goroutine and waits for its answer.
func (ss *Session) ask(c command) (reply, error) {
	c.reply = make(chan reply, 1)
	select {
	case ss.cmds <- c:
	case <-ss.done:
		return reply{}, ss.gone()
	}
	select {
	case r := <-c.reply:
		return r, r.err
	case <-ss.done:
		return reply{}, ss.gone()
	}
}

func (ss *Session) gone() error {
	return trustlab.Errorf(trustlab.ENOTFOUND, "live session %s: stopped", ss.id)
}

// Subscribe returns a channel that receives a value after each change
// (coalesced: at most one waits) and is closed when the session ends, and
// the function that ends the subscription.
func (ss *Session) Subscribe() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	ss.mu.Lock()
	ss.lastUsed = ss.m.now()
	if ss.subs == nil {
		close(ch)
	} else {
		ss.subs[ch] = struct{}{}
	}
	ss.mu.Unlock()
	return ch, func() {
		ss.mu.Lock()
		if ss.subs != nil {
			if _, ok := ss.subs[ch]; ok {
				delete(ss.subs, ch)
			}
		}
		ss.lastUsed = ss.m.now()
		ss.mu.Unlock()
	}
}

// Next returns what the viewer at cursor c has not seen yet and moves c:
// the state, the rows since, and the newest frame if it has not had it.
func (ss *Session) Next(c *Cursor) Update {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	u := Update{State: ss.state}
	if !c.started {
		c.started, c.frame = true, -1
		u.Header = sim.RowHeader
	}
	// ss.rows holds steps in order; skip those seen.
	lo := sort.Search(len(ss.rows), func(k int) bool { return ss.rows[k].Step > c.step })
	if lo < len(ss.rows) {
		u.Rows = append([]Row(nil), ss.rows[lo:]...)
		c.step = ss.rows[len(ss.rows)-1].Step
	}
	if ss.frame != nil && ss.frame.Step != c.frame {
		u.Agents = ss.frame
		c.frame = ss.frame.Step
	}
	return u
}

// notify wakes the subscribers; ss.mu is held.
func (ss *Session) notify() {
	for ch := range ss.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// stop ends the goroutine (once) and waits for it.
func (ss *Session) stop() {
	ss.once.Do(func() { close(ss.quit) })
	<-ss.done
}

// run is the session's goroutine: it owns ss.s.
func (ss *Session) run() {
	defer func() {
		ss.mu.Lock()
		ss.state.Status = Stopped
		ss.state.Rate, ss.state.StepTime = 0, 0
		for ch := range ss.subs {
			close(ch)
		}
		ss.subs = nil
		ss.mu.Unlock()
		ss.s = nil // the population's memory goes with the session
		close(ss.done)
	}()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	idle := time.NewTicker(time.Second)
	defer idle.Stop()
	for {
		ss.mu.Lock()
		st := ss.state
		ss.mu.Unlock()
		if st.Status == Playing {
			now := time.Now()
			if st.Speed == 0 || !now.Before(ss.play.next) {
				select {
				case c := <-ss.cmds:
					ss.handle(c)
					continue
				case <-ss.quit:
					return
				default:
				}
				ss.advance(st.Speed == 0 || st.Speed > 15)
				if st.Speed > 0 {
					ss.play.next = ss.play.next.Add(time.Duration(float64(time.Second) / st.Speed))
					if ss.play.next.Before(now.Add(-time.Second)) {
						ss.play.next = now // fell behind: do not catch up in a burst
					}
				}
				if now.Sub(ss.play.lastIdleChk) > time.Second {
					ss.play.lastIdleChk = now
					if ss.m.expired(ss) {
						return
					}
				}
				continue
			}
			timer.Reset(time.Until(ss.play.next))
		} else {
			timer.Reset(time.Hour)
		}
		select {
		case c := <-ss.cmds:
			ss.handle(c)
		case <-timer.C:
		case <-idle.C:
			if ss.m.expired(ss) {
				return
			}
		case <-ss.quit:
			return
		}
	}
}

// handle answers a command between steps.
func (ss *Session) handle(c command) {
	var r reply
	ss.mu.Lock()
	st := &ss.state
	finished := st.Status == Done
	// The speed given with play, pause, step or speed is taken first.
	if c.speed != nil {
		st.Speed = *c.speed
	}
	switch c.action {
	case "play":
		if finished {
			r.err = trustlab.Errorf(trustlab.ECONFLICT, "live session %s: done: all %d steps of the scenario are done (start a new session to run it again)", ss.id, st.Steps)
			break
		}
		if st.Status != Playing {
			st.Status = Playing
			ss.startClock()
		}
	case "pause":
		if !finished {
			st.Status = Paused
			st.Rate, st.StepTime = 0, 0
		}
	case "speed":
		if st.Status == Playing {
			ss.startClock()
		}
	case "step":
		if finished {
			r.err = trustlab.Errorf(trustlab.ECONFLICT, "live session %s: done: all %d steps of the scenario are done", ss.id, st.Steps)
			break
		}
		st.Status = Paused
		st.Rate, st.StepTime = 0, 0
		ss.mu.Unlock()
		ss.advance(false)
		ss.mu.Lock()
	case "agent":
		ss.mu.Unlock()
		r.agent = ss.agentView(c.agent, c.partner)
		ss.mu.Lock()
	}
	ss.notify()
	r.state = ss.state
	ss.mu.Unlock()
	c.reply <- r
}

// startClock restarts the play measurements; ss.mu is held.
func (ss *Session) startClock() {
	now := time.Now()
	ss.play = playClock{since: now, inter0: ss.s.Interactions(), next: now, lastFrame: ss.play.lastFrame, lastIdleChk: now}
}

// advance does one step, records its rows and, unless throttled (a frame
// was made less than frameEvery ago), a frame of the sample.
func (ss *Session) advance(throttle bool) {
	frame := !throttle || time.Since(ss.play.lastFrame) >= frameEvery
	if frame {
		ss.readCounts(ss.pre)
	}
	t0 := time.Now()
	rows := ss.s.Step()
	el := time.Since(t0)
	var f *Frame
	if frame {
		f = ss.makeFrame()
		ss.play.lastFrame = time.Now()
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	st := &ss.state
	st.Step = ss.s.Steps()
	for _, r := range rows {
		vs := r.Values()
		row := Row{Step: r.Step, Group: r.Group, Values: make([]Num, len(vs))}
		for k, v := range vs {
			row.Values[k] = Num(v)
		}
		ss.rows = append(ss.rows, row)
	}
	if drop := len(ss.rows) - historySteps*len(rows); drop > len(ss.rows)/4 {
		ss.rows = append(ss.rows[:0], ss.rows[drop:]...)
	}
	if f != nil {
		ss.frame = f
	}
	if st.Status == Playing {
		ss.play.engine += el
		ss.play.steps++
		if wall := time.Since(ss.play.since); wall >= time.Second {
			st.Rate = float64(ss.s.Interactions()-ss.play.inter0) / wall.Seconds()
			st.StepTime = ss.play.engine.Seconds() / float64(ss.play.steps)
			ss.play.since, ss.play.inter0, ss.play.engine, ss.play.steps = time.Now(), ss.s.Interactions(), 0, 0
		}
	}
	if st.Step >= st.Steps {
		st.Status = Done
		st.Rate, st.StepTime = 0, 0
		if ss.frame == nil || ss.frame.Step != st.Step {
			// The last step always has its frame.
			ss.mu.Unlock()
			ss.readCounts(ss.pre) // no act for this frame: the counts did not move since
			g := ss.makeFrame()
			ss.mu.Lock()
			clear(g.Act)
			ss.frame = g
		}
	}
	ss.notify()
}

// readCounts reads the sample's counters into dst.
func (ss *Session) readCounts(dst []counts) {
	for k, id := range ss.graph.IDs {
		ss.s.AgentInto(id, &ss.scratch)
		a := &ss.scratch
		dst[k] = counts{a.TrustsGiven, a.Controls, a.Betrayals}
	}
}

// makeFrame reads the sample after a step; ss.pre holds the counters
// before it.
func (ss *Session) makeFrame() *Frame {
	n := len(ss.graph.IDs)
	f := &Frame{Step: ss.s.Steps(), Trait: make([]byte, n), Belief: make([]byte, n), Act: make([]byte, n), Payoff: make([]byte, n)}
	pay := make([]float64, n)
	steps := float64(max(1, ss.s.Steps()))
	lo, hi := math.Inf(1), math.Inf(-1)
	for k, id := range ss.graph.IDs {
		ss.s.AgentInto(id, &ss.scratch)
		a := &ss.scratch
		f.Trait[k] = unit(a.Trait)
		f.Belief[k] = 255
		if len(a.Partners) > 0 {
			sum := 0.0
			for _, b := range a.Partners {
				sum += b.A / (b.A + b.B)
			}
			f.Belief[k] = unit(sum / float64(len(a.Partners)))
		}
		p := ss.pre[k]
		switch {
		case len(a.Partners) == 0 || ss.s.Steps() == 0:
			f.Act[k] = ActNone
		case a.Controls > p.controls:
			f.Act[k] = ActControl
		case a.TrustsGiven > p.given && a.Betrayals > p.betrayals:
			f.Act[k] = ActBetrayed
		case a.TrustsGiven > p.given:
			f.Act[k] = ActHonoured
		default:
			f.Act[k] = ActDeclined
		}
		pay[k] = a.Payoff / steps
		lo, hi = min(lo, pay[k]), max(hi, pay[k])
	}
	if n == 0 {
		lo, hi = 0, 0
	}
	f.PayoffMin, f.PayoffMax = lo, hi
	for k, v := range pay {
		if hi > lo {
			f.Payoff[k] = unit((v - lo) / (hi - lo))
		} else {
			f.Payoff[k] = 127
		}
	}
	return f
}

// unit quantises v in [0, 1] to 0..254.
func unit(v float64) byte {
	if !(v > 0) {
		return 0
	}
	if v >= 1 {
		return 254
	}
	return byte(math.Round(v * 254))
}

// agentView reads agent i between steps.
func (ss *Session) agentView(i, partner int) AgentView {
	a := ss.s.Agent(i)
	v := AgentView{
		ID: i, Step: ss.s.Steps(), Sample: -1, Group: a.Group, Behaviour: a.Behaviour,
		Trait: a.Trait, Trustworthiness: a.Trustworthiness, Payoff: a.Payoff,
		TrustsGiven: a.TrustsGiven, Controls: a.Controls, Betrayals: a.Betrayals,
		PartnersTotal: len(a.Partners),
	}
	if k, ok := ss.index[i]; ok {
		v.Sample = int(k)
	}
	if v.Step > 0 {
		v.MeanPayoff = a.Payoff / float64(v.Step)
	}
	var gr *scenario.Group
	for k := range ss.sc.Population.Groups {
		if ss.sc.Population.Groups[k].Name == a.Group {
			gr = &ss.sc.Population.Groups[k]
		}
	}
	sum := 0.0
	for _, b := range a.Partners {
		sum += b.A / (b.A + b.B)
	}
	if len(a.Partners) > 0 {
		v.Belief = ptr(sum / float64(len(a.Partners)))
	}
	v.Partners = []Partner{}
	for _, b := range a.Partners[:min(len(a.Partners), maxListed)] {
		p := Partner{ID: b.Partner, A: b.A, B: b.B, P: b.A / (b.A + b.B), Trusts: b.Trusts}
		if d, err := ss.decide(gr, a.Trait, b); err == nil {
			p.Balance, p.Kind = d.Balance, d.Kind.String()
			switch {
			case d.Probability != nil:
				p.Probability = *d.Probability
			case d.Fraction != nil:
				p.Probability = *d.Fraction
			}
		}
		v.Partners = append(v.Partners, p)
	}
	if len(v.Partners) > 0 {
		v.Partner = min(partner, len(v.Partners)-1)
		if d, err := ss.decide(gr, a.Trait, a.Partners[v.Partner]); err == nil {
			v.Decision = &d
		}
	}
	return v
}

// decide explains the agent's decision about one partner with its group's
// model in the scenario's situation, as POST /api/v1/decide would.
func (ss *Session) decide(gr *scenario.Group, trait float64, b sim.Belief) (trustlab.DecideOutput, error) {
	if gr == nil {
		return trustlab.DecideOutput{}, trustlab.Errorf(trustlab.EINTERNAL, "no group")
	}
	tau := min(1, max(0, trait))
	return trustlab.Decide(trustlab.DecideInput{
		Trait:     &tau,
		Belief:    &model.Belief{A: b.A, B: b.B},
		Situation: ss.sc.Situation.Situation,
		Params:    gr.Model.Params(),
	})
}
