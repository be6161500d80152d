package live

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/examples"
	"github.com/trustlab/trustlab/model"
	"github.com/trustlab/trustlab/sim"
)

const small = `name: live-test
seed: 3
steps: 30
population:
  size: 600
  trait: {dist: uniform, min: 0.05, max: 0.95}
  trustworthiness: {dist: uniform, min: 0.2, max: 1}
network: {kind: k-out, k: 6}
situation: {game: binary, gain: 1, loss: 1}
feedback: own
`

const groups = `name: live-groups
seed: 5
steps: 12
population:
  size: 900
  groups:
    - {name: careful, share: 0.5, trait: {dist: uniform, min: 0.05, max: 0.3}, trustworthiness: 0.9}
    - {name: keen, share: 0.5, trait: {dist: uniform, min: 0.7, max: 0.95}, trustworthiness: 0.4}
network: {kind: watts-strogatz, k: 4, rewire: 0.1}
situation: {game: binary, gain: 1, loss: 1, control: {cost: 0.2, gain: 1, loss: 0}}
feedback: own
`

func newManager(t *testing.T, o Options) *Manager {
	t.Helper()
	m := NewManager(o)
	t.Cleanup(m.Close)
	return m
}

func create(t *testing.T, m *Manager, text string) *Session {
	t.Helper()
	ss, err := m.Create([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return ss
}

func step(t *testing.T, ss *Session, n int) State {
	t.Helper()
	var st State
	for range n {
		var err error
		if st, err = ss.Control("step", nil); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// TestRowsAsSim checks that a session's rows are those of stepping the
// engine directly: the same scenario gives the same numbers, whatever
// the workers.
func TestRowsAsSim(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		steps      int
	}{{"one group", small, 10}, {"groups and control", groups, 12}} {
		t.Run(tc.name, func(t *testing.T) {
			m := newManager(t, Options{Workers: 1})
			ss := create(t, m, tc.text)
			st := step(t, ss, tc.steps)
			if st.Step != tc.steps {
				t.Fatalf("step = %d, want %d", st.Step, tc.steps)
			}
			var c Cursor
			u := ss.Next(&c)
			if !reflect.DeepEqual(u.Header, sim.RowHeader) {
				t.Errorf("header %v", u.Header)
			}
			sc, err := Parse([]byte(tc.text))
			if err != nil {
				t.Fatal(err)
			}
			s, err := sim.New(sc, sim.Options{Workers: 3})
			if err != nil {
				t.Fatal(err)
			}
			var want []Row
			for range tc.steps {
				for _, r := range s.Step() {
					vs := r.Values()
					row := Row{Step: r.Step, Group: r.Group}
					for _, v := range vs {
						row.Values = append(row.Values, Num(v))
					}
					want = append(want, row)
				}
			}
			if len(u.Rows) != len(want) {
				t.Fatalf("%d rows, want %d", len(u.Rows), len(want))
			}
			for k := range want {
				a, _ := json.Marshal(u.Rows[k])
				b, _ := json.Marshal(want[k])
				if string(a) != string(b) {
					t.Fatalf("row %d:\n got %s\nwant %s", k, a, b)
				}
			}
			if u2 := ss.Next(&c); len(u2.Rows) != 0 || u2.Agents != nil || u2.Header != nil {
				t.Errorf("a second Next without steps: %d rows, frame %v", len(u2.Rows), u2.Agents != nil)
			}
		})
	}
}

// TestSample checks the sample: every agent up to MaxDrawn, otherwise a
// snowball sample of MaxDrawn distinct agents, the same for the same
// seed, with edges among sampled agents only, each pair once.
func TestSample(t *testing.T) {
	for _, tc := range []struct {
		name    string
		drawn   int
		want    int
		sample  string
		connect bool // every non-root is a partner of an earlier agent
	}{
		{"all", 10000, 600, "all", false},
		{"snowball", 150, 150, "snowball", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g1 := create(t, newManager(t, Options{MaxDrawn: tc.drawn}), small).Graph()
			g2 := create(t, newManager(t, Options{MaxDrawn: tc.drawn}), small).Graph()
			if !reflect.DeepEqual(g1, g2) {
				t.Fatal("two sessions of one scenario sample or lay out differently")
			}
			if len(g1.IDs) != tc.want || g1.Sample != tc.sample || g1.N != 600 {
				t.Fatalf("%d agents drawn (%s) of %d, want %d (%s)", len(g1.IDs), g1.Sample, g1.N, tc.want, tc.sample)
			}
			if len(g1.X) != tc.want || len(g1.Y) != tc.want || len(g1.Group) != tc.want {
				t.Fatalf("positions %d, %d, groups %d", len(g1.X), len(g1.Y), len(g1.Group))
			}
			seen := map[int]bool{}
			for _, id := range g1.IDs {
				if id < 0 || id >= 600 || seen[id] {
					t.Fatalf("id %d out of range or repeated", id)
				}
				seen[id] = true
			}
			pairs := map[[2]int32]bool{}
			for e := 0; e < len(g1.Edges); e += 2 {
				a, b := g1.Edges[e], g1.Edges[e+1]
				if a < 0 || b >= int32(tc.want) || a >= b || pairs[[2]int32{a, b}] {
					t.Fatalf("edge (%d, %d) invalid or repeated", a, b)
				}
				pairs[[2]int32{a, b}] = true
			}
			if len(g1.Edges) == 0 {
				t.Fatal("no edges drawn")
			}
			// The positions spread: not all in one spot.
			spreadX := map[uint16]bool{}
			for _, x := range g1.X {
				spreadX[x/4096] = true
			}
			if len(spreadX) < 8 {
				t.Errorf("positions fill %d of 16 columns", len(spreadX))
			}
			if tc.connect {
				// A snowball of a k-out network from one root stays in its
				// component: each agent after the root is an edge's end.
				linked := map[int32]bool{0: true}
				for e := 0; e < len(g1.Edges); e += 2 {
					linked[g1.Edges[e]], linked[g1.Edges[e+1]] = true, true
				}
				if len(linked) != tc.want {
					t.Errorf("%d of %d sampled agents have a drawn edge", len(linked), tc.want)
				}
			}
		})
	}
	// Another seed samples other agents.
	a := create(t, newManager(t, Options{MaxDrawn: 50}), small).Graph()
	b := create(t, newManager(t, Options{MaxDrawn: 50}), strings.Replace(small, "seed: 3", "seed: 4", 1)).Graph()
	if reflect.DeepEqual(a.IDs, b.IDs) {
		t.Error("seeds 3 and 4 sample the same agents")
	}
}

// TestFrameActs checks the last acts of a frame against the step's rows:
// with every agent drawn, the trusted (honoured or betrayed) and the
// controlled agents are the rows' rates times the acting agents, exactly.
func TestFrameActs(t *testing.T) {
	m := newManager(t, Options{})
	ss := create(t, m, groups)
	var c Cursor
	ss.Next(&c)
	for range 5 {
		step(t, ss, 1)
		u := ss.Next(&c)
		if u.Agents == nil || u.Agents.Step != u.State.Step {
			t.Fatalf("step %d: no frame of this step", u.State.Step)
		}
		f := u.Agents
		var trusted, betrayed, control, declined int
		for _, a := range f.Act {
			switch a {
			case ActHonoured:
				trusted++
			case ActBetrayed:
				trusted++
				betrayed++
			case ActControl:
				control++
			case ActDeclined:
				declined++
			default:
				t.Fatalf("act %d after a step", a)
			}
		}
		all := u.Rows[len(u.Rows)-1]
		if all.Group != "all" {
			t.Fatalf("last row's group %q", all.Group)
		}
		col := func(name string) float64 {
			for k, h := range sim.RowHeader[2:] {
				if h == name {
					return float64(all.Values[k])
				}
			}
			t.Fatalf("no column %s", name)
			return 0
		}
		n := col("agents")
		if got, want := float64(trusted), (col("trust_rate")+col("certainty_rate"))*n; math.Abs(got-want) > 1e-6 {
			t.Errorf("step %d: %d trusted in the frame, the rows say %g", u.State.Step, trusted, want)
		}
		if got, want := float64(control), col("control_rate")*n; math.Abs(got-want) > 1e-6 {
			t.Errorf("step %d: %d controlled, the rows say %g", u.State.Step, control, want)
		}
		if got, want := float64(declined), col("distrust_rate")*n; math.Abs(got-want) > 1e-6 {
			t.Errorf("step %d: %d declined, the rows say %g", u.State.Step, declined, want)
		}
		// The trait bytes are the agents' traits quantised.
		for _, k := range []int{0, 17, 899} {
			v, err := ss.Agent(ss.Graph().IDs[k], 0)
			if err != nil {
				t.Fatal(err)
			}
			if f.Trait[k] != unit(v.Trait) || f.Belief[k] != unit(*v.Belief) {
				t.Errorf("agent %d: trait byte %d belief byte %d, want %d %d", v.ID, f.Trait[k], f.Belief[k], unit(v.Trait), unit(*v.Belief))
			}
		}
	}
}

// TestAgentPyramid checks an agent's view: its beliefs and the decision
// about a partner are what the decide endpoint's function gives.
func TestAgentPyramid(t *testing.T) {
	m := newManager(t, Options{})
	ss := create(t, m, groups)
	step(t, ss, 4)
	v, err := ss.Agent(123, 1)
	if err != nil {
		t.Fatal(err)
	}
	if v.ID != 123 || v.Step != 4 || v.Sample < 0 || v.PartnersTotal != 4 || len(v.Partners) != 4 || v.Partner != 1 {
		t.Fatalf("view %+v", v)
	}
	sc, _ := Parse([]byte(groups))
	var params model.Params
	for _, g := range sc.Population.Groups {
		if g.Name == v.Group {
			params = g.Model.Params()
		}
	}
	p := v.Partners[1]
	want, err := trustlab.Decide(trustlab.DecideInput{Trait: &v.Trait, Belief: &model.Belief{A: p.A, B: p.B}, Situation: sc.Situation.Situation, Params: params})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(v.Decision)
	b, _ := json.Marshal(want)
	if string(a) != string(b) {
		t.Errorf("decision\n got %s\nwant %s", a, b)
	}
	if p.Balance != want.Balance || p.P != p.A/(p.A+p.B) || p.Kind != want.Kind.String() {
		t.Errorf("partner %+v, want balance %g kind %s", p, want.Balance, want.Kind)
	}
	mean := 0.0
	for _, q := range v.Partners {
		mean += q.P / 4
	}
	if math.Abs(*v.Belief-mean) > 1e-12 {
		t.Errorf("belief %g, want %g", *v.Belief, mean)
	}
	// A partner index past the list: the last one.
	if v, err := ss.Agent(123, 9); err != nil || v.Partner != 3 {
		t.Errorf("partner 9: %d, %v", v.Partner, err)
	}
}

// TestErrors checks that bad requests name their field and range, and
// what is refused at the end and over the limits.
func TestErrors(t *testing.T) {
	m := newManager(t, Options{MaxSessions: 2, MaxAgents: 1000})
	ss := create(t, m, small)
	neg, big, tiny, nan := -1.0, 5000.0, 0.01, math.NaN()
	for _, tc := range []struct {
		name   string
		do     func() error
		code   string
		substr string
	}{
		{"unknown action", func() error { _, err := ss.Control("rewind", nil); return err }, trustlab.EINVALID, "action: \"rewind\": must be play, pause, step, speed or stop"},
		{"negative speed", func() error { _, err := ss.Control("play", &neg); return err }, trustlab.EINVALID, "speed: -1: must be 0"},
		{"speed too high", func() error { _, err := ss.Control("speed", &big); return err }, trustlab.EINVALID, "[0.1, 1000]"},
		{"speed too low", func() error { _, err := ss.Control("speed", &tiny); return err }, trustlab.EINVALID, "speed: 0.01"},
		{"speed NaN", func() error { _, err := ss.Control("speed", &nan); return err }, trustlab.EINVALID, "speed: NaN"},
		{"speed missing", func() error { _, err := ss.Control("speed", nil); return err }, trustlab.EINVALID, "speed: required"},
		{"agent -1", func() error { _, err := ss.Agent(-1, 0); return err }, trustlab.EINVALID, "agent: -1: must be an agent id in [0, 599]"},
		{"agent N", func() error { _, err := ss.Agent(600, 0); return err }, trustlab.EINVALID, "[0, 599]"},
		{"partner -1", func() error { _, err := ss.Agent(1, -1); return err }, trustlab.EINVALID, "partner: -1"},
		{"bad scenario", func() error { _, err := m.Create([]byte("steps: -1\n")); return err }, trustlab.EINVALID, "steps"},
		{"file key", func() error {
			_, err := m.Create([]byte(strings.Replace(small, "network: {kind: k-out, k: 6}", "network: {kind: edge-list, file: /etc/passwd}", 1)))
			return err
		}, trustlab.EINVALID, "file"},
		{"too many agents", func() error {
			_, err := m.Create([]byte(strings.Replace(small, "size: 600", "size: 1001", 1)))
			return err
		}, trustlab.ELIMIT, "population.size: 1001 agents: over this server's limit of 1000"},
		{"unknown session", func() error { _, err := m.Session("nope"); return err }, trustlab.ENOTFOUND, "no live session"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.do()
			if trustlab.ErrorCode(err) != tc.code || err == nil || !strings.Contains(err.Error(), tc.substr) {
				t.Errorf("error %v (code %s), want %s containing %q", err, trustlab.ErrorCode(err), tc.code, tc.substr)
			}
		})
	}
	// The limit of sessions, then a free slot after a stop.
	second := create(t, m, small)
	if _, err := m.Create([]byte(small)); trustlab.ErrorCode(err) != trustlab.ELIMIT {
		t.Errorf("a third session: %v, want limit", err)
	}
	if _, err := second.Control("stop", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := second.Control("step", nil); trustlab.ErrorCode(err) != trustlab.ENOTFOUND {
		t.Errorf("step after stop: %v, want not found", err)
	}
	create(t, m, small)
	// The end of the scenario.
	st := step(t, ss, 30)
	if st.Status != Done || st.Step != 30 {
		t.Fatalf("after 30 steps: %+v", st)
	}
	for _, a := range []string{"step", "play"} {
		if _, err := ss.Control(a, nil); trustlab.ErrorCode(err) != trustlab.ECONFLICT || !strings.Contains(err.Error(), "all 30 steps") {
			t.Errorf("%s at the end: %v", a, err)
		}
	}
}

// TestPlayPause checks that play steps on its own, at its speed, and that
// pause stops it.
func TestPlayPause(t *testing.T) {
	m := newManager(t, Options{})
	text := strings.Replace(small, "steps: 30", "steps: 100000", 1)
	ss := create(t, m, text)
	ch, stop := ss.Subscribe()
	defer stop()
	speed := 20.0
	if _, err := ss.Control("play", &speed); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(10 * time.Second)
	for ss.State().Step < 3 {
		select {
		case <-ch:
		case <-deadline:
			t.Fatal("no 3 steps in 10 s at 20 steps/s")
		}
	}
	st, err := ss.Control("pause", nil)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond)
	if got := ss.State(); got.Step != st.Step || got.Status != Paused {
		t.Errorf("paused at %d, then %d (%s)", st.Step, got.Step, got.Status)
	}
	// At 20 steps/s, 3 steps take at least 100 ms: the speed holds.
	fast := 0.0
	if _, err := ss.Control("play", &fast); err != nil {
		t.Fatal(err)
	}
	for ss.State().Step < st.Step+50 {
		select {
		case <-ch:
		case <-deadline:
			t.Fatal("no 50 steps in 10 s as fast as possible")
		}
	}
	st, _ = ss.Control("pause", nil)
	st2 := step(t, ss, 1)
	if st2.Step != st.Step+1 || st2.Status != Paused {
		t.Errorf("step after pause at %d: %d (%s)", st.Step, st2.Step, st2.Status)
	}
}

// TestIdle checks that a session nobody watches or asks about stops after
// the idle timeout, and that a viewer keeps it.
func TestIdle(t *testing.T) {
	var mu sync.Mutex
	now := time.Unix(1000, 0)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	m := newManager(t, Options{IdleTimeout: time.Minute, Now: clock})
	watched := create(t, m, small)
	_, stop := watched.Subscribe()
	idle := create(t, m, small)
	advance(2 * time.Minute)
	end := time.Now().Add(10 * time.Second)
	for {
		_, err := m.Session(idle.ID())
		if trustlab.ErrorCode(err) == trustlab.ENOTFOUND {
			break
		}
		if time.Now().After(end) {
			t.Fatal("an idle session still open after 10 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := m.Session(watched.ID()); err != nil {
		t.Errorf("the watched session: %v", err)
	}
	stop()
	_ = idle
}

// TestLayout checks the radial tree on a small tree: a root with two
// children, each with one child (parents before children).
func TestLayout(t *testing.T) {
	layer := []int32{0, 1, 1, 2, 2}
	parent := []int32{-1, 0, 0, 1, 2}
	x, y := layout(layer, parent)
	r0, r1, r2 := math.Sqrt(1.0/5), math.Sqrt(3.0/5), 1.0
	golden := 0.6180339887498949
	in := func(a, b, f float64) float64 { return a + (b-a)*(0.08+0.84*f) }
	want := [][2]float64{
		{0, 0},                                // the one root at the centre
		{0, in(r0, r1, 0)},                    // wedge [0, 1/2): a quarter turn
		{0, -in(r0, r1, golden)},              // wedge [1/2, 1): three quarters
		{0, in(r1, r2, 0)},                    // in its parent's wedge
		{0, -in(r1, r2, math.Mod(golden, 1))}, // and the other's
	}
	for k, w := range want {
		if math.Abs(x[k]-w[0]) > 1e-12 || math.Abs(y[k]-w[1]) > 1e-12 {
			t.Errorf("agent %d at (%g, %g), want (%g, %g)", k, x[k], y[k], w[0], w[1])
		}
	}
	qx, qy := quantise(x, y)
	// One scale for both axes: x (all 0) in the middle, y in order, the
	// extremes at the 2% margins.
	if qx[0] != 32768 || !(qy[4] < qy[2] && qy[2] < qy[0] && qy[0] < qy[1] && qy[1] < qy[3]) || qy[4] != 1311 || qy[3] != 64224 {
		t.Errorf("quantised x %v, y %v", qx, qy)
	}
}

// TestExamples starts a session of every example of up to 10^4 agents,
// steps it twice and reads an agent's pyramid: every game, feedback and
// intervention of the examples gives a decision.
func TestExamples(t *testing.T) {
	m := newManager(t, Options{MaxSessions: 1})
	for _, f := range examples.Scenarios() {
		sc, err := Parse([]byte(f.Text))
		if err != nil {
			t.Errorf("%s: %v", f.Name, err)
			continue
		}
		if sc.Population.Size > DefaultMaxDrawn {
			continue
		}
		t.Run(f.Name, func(t *testing.T) {
			ss, err := m.CreateFrom(sc)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Delete(ss.ID())
			step(t, ss, 2)
			v, err := ss.Agent(ss.Graph().IDs[5], 0)
			if err != nil {
				t.Fatal(err)
			}
			if v.Decision == nil || v.Step != 2 || len(v.Partners) == 0 || v.Decision.Situation.Game != sc.Situation.Game {
				t.Errorf("agent %d: %+v", v.ID, v)
			}
			var c Cursor
			if u := ss.Next(&c); u.Agents == nil || u.Agents.Step != 2 || len(u.Rows) == 0 {
				t.Errorf("no frame or rows after 2 steps")
			}
		})
	}
}
