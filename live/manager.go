package live

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/scenario"
	"github.com/trustlab/trustlab/sim"
)

// Defaults of Options.
const (
	DefaultMaxSessions = 4
	DefaultMaxAgents   = 2_000_000
	DefaultMaxMemory   = 2 << 30
	DefaultIdleTimeout = 5 * time.Minute
	DefaultMaxDrawn    = 10_000
)

// ScenarioName is the name scenarios are given in messages.
const ScenarioName = "scenario.yaml"

// Options bound a Manager's sessions. The zero value of each field means
// its default.
type Options struct {
	MaxSessions int           // sessions open at once (default 4)
	MaxAgents   int           // agents of one session's population (default 2,000,000)
	MaxMemory   int64         // predicted memory of one session's population (sim.Predict; default 2 GiB)
	IdleTimeout time.Duration // a session nobody watches or asks about for this long is stopped (default 5 min)
	MaxDrawn    int           // agents sampled for drawing (default 10,000)
	// Workers is the number of the engine's goroutines per session
	// (default GOMAXPROCS - 1, at least 1: a core stays free for the
	// server and the viewer's browser).
	Workers int
	// Now is the clock of the idle timeout (default time.Now).
	Now func() time.Time
}

// Manager keeps the live sessions of a server.
type Manager struct {
	o        Options
	mu       sync.Mutex
	sessions map[string]*Session
	pending  int // sessions being created
	closed   bool
}

// NewManager returns a Manager with the options' limits.
func NewManager(o Options) *Manager {
	if o.MaxSessions <= 0 {
		o.MaxSessions = DefaultMaxSessions
	}
	if o.MaxAgents <= 0 {
		o.MaxAgents = DefaultMaxAgents
	}
	if o.MaxMemory <= 0 {
		o.MaxMemory = DefaultMaxMemory
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.MaxDrawn <= 0 {
		o.MaxDrawn = DefaultMaxDrawn
	}
	if o.Workers <= 0 {
		o.Workers = max(1, runtime.GOMAXPROCS(0)-1)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Manager{o: o, sessions: map[string]*Session{}}
}

// Options returns the options in force (defaults filled in).
func (m *Manager) Options() Options { return m.o }

func (m *Manager) now() time.Time { return m.o.Now() }

// Parse reads a scenario as a server must: file: keys refused (a client
// must not make the server read its files).
func Parse(b []byte) (*scenario.Scenario, error) {
	sc, err := scenario.ParseWith(b, ScenarioName, "", scenario.ParseOptions{NoFiles: true})
	if err != nil {
		return nil, trustlab.Invalid(err)
	}
	return sc, nil
}

// Create parses a scenario (YAML), checks it against the limits, builds
// its population, samples and lays it out, and starts a paused session at
// step 0.
func (m *Manager) Create(b []byte) (*Session, error) {
	sc, err := Parse(b)
	if err != nil {
		return nil, err
	}
	return m.CreateFrom(sc)
}

// CreateFrom starts a session of a parsed scenario, as Create does.
func (m *Manager) CreateFrom(sc *scenario.Scenario) (*Session, error) {
	if err := m.check(sc); err != nil {
		return nil, err
	}
	m.mu.Lock()
	switch {
	case m.closed:
		m.mu.Unlock()
		return nil, trustlab.Errorf(trustlab.EUNAVAILABLE, "live sessions: the server is shutting down")
	case len(m.sessions)+m.pending >= m.o.MaxSessions:
		m.mu.Unlock()
		return nil, trustlab.Errorf(trustlab.ELIMIT, "live sessions: %d are open, this server's limit: stop one (DELETE /api/v1/live/{id}) or wait until one is idle for %v", m.o.MaxSessions, m.o.IdleTimeout)
	}
	m.pending++
	m.mu.Unlock()
	ss, err := m.build(sc)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pending--
	if err != nil {
		return nil, err
	}
	if m.closed {
		return nil, trustlab.Errorf(trustlab.EUNAVAILABLE, "live sessions: the server is shutting down")
	}
	m.sessions[ss.id] = ss
	go ss.run()
	return ss, nil
}

// check compares the scenario's predicted size with the limits.
func (m *Manager) check(sc *scenario.Scenario) error {
	z := sim.Predict(sc)
	switch {
	case z.Agents > m.o.MaxAgents:
		return &trustlab.Error{Code: trustlab.ELIMIT, Field: "population.size", Range: fmt.Sprintf("[2, %d]", m.o.MaxAgents),
			Message: fmt.Sprintf("%d agents: over this server's limit of %d agents per live session", z.Agents, m.o.MaxAgents)}
	case z.MemoryBytes > m.o.MaxMemory:
		return &trustlab.Error{Code: trustlab.ELIMIT, Field: "population",
			Message: fmt.Sprintf("the population needs about %d MiB: over this server's limit of %d MiB per live session (fewer agents or a sparser network)", z.MemoryBytes>>20, m.o.MaxMemory>>20)}
	}
	return nil
}

func (m *Manager) build(sc *scenario.Scenario) (*Session, error) {
	s, err := sim.New(sc, sim.Options{Workers: m.o.Workers})
	if err != nil {
		return nil, trustlab.Invalid(err)
	}
	g, index := buildGraph(s, m.o.MaxDrawn)
	var raw [16]byte
	rand.Read(raw[:])
	ss := &Session{
		id: base64.RawURLEncoding.EncodeToString(raw[:]), m: m, sc: sc, graph: g, index: index, s: s,
		cmds: make(chan command), quit: make(chan struct{}), done: make(chan struct{}),
		pre: make([]counts, len(g.IDs)), subs: map[chan struct{}]struct{}{}, lastUsed: m.now(),
	}
	ss.state = State{
		ID: ss.id, Name: sc.Name, Status: Paused, Steps: sc.Steps, Agents: s.N(), Sampled: len(g.IDs),
		Kernel: s.Kernel(), Workers: s.Workers(),
	}
	ss.frame = ss.makeFrame()
	return ss, nil
}

// Session returns the session with the id (ENOTFOUND if there is none).
func (m *Manager) Session(id string) (*Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ss, ok := m.sessions[id]
	if !ok {
		return nil, trustlab.Errorf(trustlab.ENOTFOUND, "no live session %q (stopped, timed out after %v without a viewer, or never started)", id, m.o.IdleTimeout)
	}
	return ss, nil
}

// Sessions returns the states of the open sessions.
func (m *Manager) Sessions() []State {
	m.mu.Lock()
	list := slices.Collect(maps.Values(m.sessions))
	m.mu.Unlock()
	out := make([]State, 0, len(list))
	for _, ss := range list {
		ss.mu.Lock()
		out = append(out, ss.state)
		ss.mu.Unlock()
	}
	return out
}

// Delete stops a session and forgets it.
func (m *Manager) Delete(id string) error {
	ss, err := m.Session(id)
	if err != nil {
		return err
	}
	m.remove(ss)
	ss.stop()
	return nil
}

// remove forgets a session.
func (m *Manager) remove(ss *Session) {
	m.mu.Lock()
	if m.sessions[ss.id] == ss {
		delete(m.sessions, ss.id)
	}
	m.mu.Unlock()
}

// expired reports whether ss has been idle too long (no subscriber and no
// request for IdleTimeout) and, if so, forgets it.
func (m *Manager) expired(ss *Session) bool {
	ss.mu.Lock()
	idle := len(ss.subs) == 0 && m.now().Sub(ss.lastUsed) >= m.o.IdleTimeout
	ss.mu.Unlock()
	if idle {
		m.remove(ss)
	}
	return idle
}

// Close stops every session; Create fails afterwards.
func (m *Manager) Close() {
	m.mu.Lock()
	m.closed = true
	list := make([]*Session, 0, len(m.sessions))
	for _, ss := range m.sessions {
		list = append(list, ss)
	}
	clear(m.sessions)
	m.mu.Unlock()
	for _, ss := range list {
		ss.stop()
	}
}
