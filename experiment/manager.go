package experiment

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/internal/rng"
)

// Stopper stops a timer (time.Timer satisfies it).
type Stopper interface{ Stop() bool }

// Clock is the time source of a Manager: real time in the server,
// controlled in tests.
type Clock interface {
	Now() time.Time
	AfterFunc(d time.Duration, f func()) Stopper
}

// RealClock is the wall clock.
type RealClock struct{}

// Now is time.Now.
func (RealClock) Now() time.Time { return time.Now() }

// AfterFunc is time.AfterFunc.
func (RealClock) AfterFunc(d time.Duration, f func()) Stopper { return time.AfterFunc(d, f) }

// Options configure a Manager.
type Options struct {
	Store Store
	Clock Clock // default RealClock
	// Random fills session ids, tokens and seeds (default crypto/rand.Read).
	Random func([]byte)
	Logger *slog.Logger
	// NoLiveFits turns off the per-participant fits as rounds complete.
	NoLiveFits bool
}

// Manager runs every session of the server.
type Manager struct {
	store  Store
	clock  Clock
	random func([]byte)
	log    *slog.Logger
	noFits bool

	mu       sync.RWMutex
	sessions map[string]*session
	tokens   map[[32]byte]seatRef
	codes    map[string]*session

	fitq   chan fitReq
	fitsMu sync.Mutex
	queued map[fitKey]bool
	stop   chan struct{}
	wg     sync.WaitGroup
}

type seatRef struct {
	s *session
	i int
}

// NewManager returns a manager; call Recover before serving.
func NewManager(o Options) *Manager {
	if o.Clock == nil {
		o.Clock = RealClock{}
	}
	if o.Random == nil {
		o.Random = func(b []byte) { rand.Read(b) }
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	m := &Manager{store: o.Store, clock: o.Clock, random: o.Random, log: o.Logger, noFits: o.NoLiveFits,
		sessions: map[string]*session{}, tokens: map[[32]byte]seatRef{}, codes: map[string]*session{},
		fitq: make(chan fitReq, 4096), queued: map[fitKey]bool{}, stop: make(chan struct{})}
	if !m.noFits {
		m.wg.Add(1)
		go m.fitLoop()
	}
	return m
}

// Close stops the timers and the live fits.
func (m *Manager) Close() {
	select {
	case <-m.stop:
		return
	default:
	}
	close(m.stop)
	m.mu.RLock()
	all := make([]*session, 0, len(m.sessions))
	for _, s := range m.sessions {
		all = append(all, s)
	}
	m.mu.RUnlock() // s.mu is taken before m.mu elsewhere (indexToken)
	for _, s := range all {
		s.mu.Lock()
		for _, t := range s.timers {
			t.Stop()
		}
		for _, st := range s.seats {
			if st.dropTimer != nil {
				st.dropTimer.Stop()
			}
		}
		s.live = false
		s.mu.Unlock()
	}
	m.wg.Wait()
}

func (m *Manager) indexToken(s *session, st *seat) {
	var h [32]byte
	copy(h[:], st.TokenHash)
	m.mu.Lock()
	m.tokens[h] = seatRef{s, st.Index}
	m.mu.Unlock()
}

// unindexToken forgets the seat's current link token.
func (m *Manager) unindexToken(st *seat) {
	if len(st.TokenHash) != 32 {
		return
	}
	var h [32]byte
	copy(h[:], st.TokenHash)
	m.mu.Lock()
	delete(m.tokens, h)
	m.mu.Unlock()
}

func (m *Manager) newSession(rec SessionRecord, d *Design) *session {
	s := &session{m: m, rec: rec, d: d, pending: map[string]*pendingOp{}, timers: map[string]Stopper{},
		subs: map[int]map[chan struct{}]struct{}{}, fitted: map[int]*FitResult{}}
	for _, sr := range rec.Seats {
		st := &seat{SeatRecord: sr}
		if sr.Bot >= 0 {
			st.bot = &d.Bots[sr.Bot]
		}
		s.seats = append(s.seats, st)
	}
	return s
}

// Recover loads every stored session and replays its events, then arms
// the timers of the rounds in progress.
func (m *Manager) Recover(ctx context.Context) error {
	recs, err := m.store.Sessions(ctx)
	if err != nil {
		return err
	}
	for _, rec := range recs {
		d, err := Parse(rec.Design, "experiment.yaml")
		if err != nil {
			return fmt.Errorf("session %s: stored design: %w", rec.ID, err)
		}
		evs, err := m.store.Events(ctx, rec.ID)
		if err != nil {
			return err
		}
		s := m.newSession(rec, d)
		m.register(s)
		s.mu.Lock()
		s.advance(rec.CreatedAt)
		for _, ev := range evs {
			s.apply(ev)
		}
		s.resume()
		s.mu.Unlock()
		if !m.noFits {
			for _, st := range s.seats {
				if st.human() {
					m.queueFitSeat(s, st.Index)
				}
			}
		}
	}
	return nil
}

func (m *Manager) register(s *session) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sessions[s.rec.ID] = s
	if s.rec.RoomCode != "" {
		m.codes[s.rec.RoomCode] = s
	}
	for _, st := range s.seats {
		if len(st.TokenHash) == 32 {
			var h [32]byte
			copy(h[:], st.TokenHash)
			m.tokens[h] = seatRef{s, st.Index}
		}
	}
}

// CreateInput opens a session.
type CreateInput struct {
	Design   []byte  // experiment.yaml
	Seed     *uint64 // nil: a random seed (recorded)
	RoomCode bool    // participants join with a room code instead of one link each
}

// Created is an opened session: one link token per participant (shown
// once: only their hashes are stored), or the room code.
type Created struct {
	ID       string   `json:"id"`
	Seed     uint64   `json:"seed"`
	RoomCode string   `json:"room_code,omitempty"`
	Links    []Link   `json:"links,omitempty"`
	Labels   []string `json:"labels"`
}

// Link is one participant's link.
type Link struct {
	Label string `json:"label"`
	Token string `json:"token"`
	Path  string `json:"path"` // /play/<token>
}

func (m *Manager) token() (string, [32]byte) {
	var raw [32]byte
	m.random(raw[:])
	t := base64.RawURLEncoding.EncodeToString(raw[:])
	return t, sha256.Sum256([]byte(t))
}

const codeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// Create opens a session for the design.
func (m *Manager) Create(ctx context.Context, in CreateInput) (Created, error) {
	d, err := Parse(in.Design, "experiment.yaml")
	if err != nil {
		return Created{}, trustlab.Invalid(&trustlab.Error{Code: trustlab.EINVALID, Field: "design", Message: err.Error()})
	}
	var idb [9]byte
	m.random(idb[:])
	rec := SessionRecord{ID: hex.EncodeToString(idb[:]), Design: in.Design, CreatedAt: m.clock.Now().UTC()}
	if in.Seed != nil {
		rec.Seed = *in.Seed
	} else {
		var sb [8]byte
		m.random(sb[:])
		for _, b := range sb {
			rec.Seed = rec.Seed<<8 | uint64(b)
		}
		rec.Seed &= 1<<53 - 1 // exact as a JSON number in a browser
	}
	out := Created{ID: rec.ID, Seed: rec.Seed}
	if in.RoomCode {
		var cb [6]byte
		m.random(cb[:])
		code := make([]byte, 6)
		for i, b := range cb {
			code[i] = codeAlphabet[int(b)%len(codeAlphabet)]
		}
		rec.RoomCode = string(code)
		out.RoomCode = rec.RoomCode
	}
	// Seats: people first, then bots; arms assigned at random in equal
	// numbers.
	n := d.Seats()
	arms := make([]int, n)
	per := n / len(d.Arms)
	for i := range arms {
		arms[i] = i / per
	}
	rng.Stream(rec.Seed, keyArms).Shuffle(n, func(i, j int) { arms[i], arms[j] = arms[j], arms[i] })
	bot := 0
	for i := range n {
		sr := SeatRecord{Index: i, Arm: arms[i], Bot: -1}
		if i < d.Humans {
			sr.Label = fmt.Sprintf("p%02d", i+1)
			if !in.RoomCode {
				t, h := m.token()
				sr.TokenHash = h[:]
				out.Links = append(out.Links, Link{Label: sr.Label, Token: t, Path: "/play/" + t})
			}
		} else {
			k := i - d.Humans
			for b := range d.Bots {
				if k < d.Bots[b].Count {
					sr.Bot = b
					break
				}
				k -= d.Bots[b].Count
			}
			bot++
			sr.Label = fmt.Sprintf("b%02d", bot)
		}
		out.Labels = append(out.Labels, sr.Label)
		rec.Seats = append(rec.Seats, sr)
	}
	if err := m.store.CreateSession(ctx, rec); err != nil {
		return Created{}, err
	}
	s := m.newSession(rec, d)
	s.live = true
	m.register(s)
	s.mu.Lock()
	s.advance(rec.CreatedAt) // a session of bots only starts at once
	s.mu.Unlock()
	return out, nil
}

var errNoParticipant = trustlab.Errorf(trustlab.ENOTFOUND, "no participant with this link: check the link you were given")

// participant finds the seat of a link token.
func (m *Manager) participant(token string) (*session, int, error) {
	if len(token) != 43 {
		return nil, 0, errNoParticipant
	}
	h := sha256.Sum256([]byte(token))
	m.mu.RLock()
	ref, ok := m.tokens[h]
	m.mu.RUnlock()
	if !ok {
		return nil, 0, errNoParticipant
	}
	return ref.s, ref.i, nil
}

func (m *Manager) session(id string) (*session, error) {
	m.mu.RLock()
	s, ok := m.sessions[id]
	m.mu.RUnlock()
	if !ok {
		return nil, trustlab.Errorf(trustlab.ENOTFOUND, "no session %q", id)
	}
	return s, nil
}

// Join takes the next free seat of the session with a room code and
// returns its token (the participant's link is /play/<token>).
func (m *Manager) Join(ctx context.Context, code string) (Link, error) {
	m.mu.RLock()
	s := m.codes[code]
	m.mu.RUnlock()
	if s == nil {
		return Link{}, trustlab.Errorf(trustlab.ENOTFOUND, "no session with the room code %q", code)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.seats {
		if !st.human() || st.joined || st.replaced || len(st.TokenHash) > 0 {
			continue
		}
		if s.round > 0 {
			break
		}
		t, h := m.token()
		ev := Event{Session: s.rec.ID, Kind: EvJoin, Seat: st.Index, Data: h[:], At: m.clock.Now(), Key: fmt.Sprintf("join/%d", st.Index)}
		if _, err := m.store.Append(ctx, ev); err != nil {
			return Link{}, err
		}
		s.apply(ev)
		m.watchDropout(s, st)
		return Link{Label: st.Label, Token: t, Path: "/play/" + t}, nil
	}
	return Link{}, trustlab.Errorf(trustlab.ECONFLICT, "the session with room code %s is full or has begun", code)
}

// open records that a participant opened their link (the first time).
func (m *Manager) open(ctx context.Context, s *session, st *seat) error {
	if st.joined {
		return nil
	}
	ev := Event{Session: s.rec.ID, Kind: EvJoin, Seat: st.Index, At: m.clock.Now(), Key: fmt.Sprintf("join/%d", st.Index)}
	if _, err := m.store.Append(ctx, ev); err != nil && trustlab.ErrorCode(err) != trustlab.ECONFLICT {
		return err
	}
	s.apply(ev)
	m.watchDropout(s, st)
	return nil
}

// View returns the participant's page state, recording the first visit.
func (m *Manager) View(ctx context.Context, token string) (View, error) {
	s, i, err := m.participant(token)
	if err != nil {
		return View{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := m.open(ctx, s, s.seats[i]); err != nil {
		return View{}, err
	}
	return s.view(i), nil
}

// Answer records the questionnaire answers (once; the same answers again
// are accepted, other answers are ECONFLICT).
func (m *Manager) Answer(ctx context.Context, token string, answers []int) (View, error) {
	s, i, err := m.participant(token)
	if err != nil {
		return View{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.seats[i]
	q := s.d.Survey
	if len(q.Items) == 0 {
		return View{}, trustlab.Errorf(trustlab.ECONFLICT, "this experiment has no questionnaire")
	}
	if len(answers) != len(q.Items) {
		return View{}, trustlab.Invalid(trustlab.FieldErrorf("answers", fmt.Sprintf("%d values", len(q.Items)), "%d answers: want one per item (%d)", len(answers), len(q.Items)))
	}
	for k, a := range answers {
		if a < q.Min || a > q.Max {
			return View{}, trustlab.Invalid(trustlab.FieldErrorf(fmt.Sprintf("answers[%d]", k), fmt.Sprintf("[%d, %d]", q.Min, q.Max), "answers[%d] = %d: must be in [%d, %d]", k, a, q.Min, q.Max))
		}
	}
	if st.answers != nil {
		if slices.Equal(st.answers, answers) {
			return s.view(i), nil
		}
		return View{}, trustlab.Errorf(trustlab.ECONFLICT, "the questionnaire is already answered")
	}
	if err := m.open(ctx, s, st); err != nil {
		return View{}, err
	}
	data, _ := json.Marshal(answers)
	ev := Event{Session: s.rec.ID, Kind: EvAnswers, Seat: i, Data: data, At: m.clock.Now(), Key: fmt.Sprintf("answers/%d", i)}
	if _, err := m.store.Append(ctx, ev); err != nil {
		return View{}, err
	}
	s.apply(ev)
	return s.view(i), nil
}

// Choose records a participant's choice in a round: the amount sent as
// trustor or returned as trustee, whichever is their turn.
func (m *Manager) Choose(ctx context.Context, token string, round, amount int) (Ack, error) {
	s, i, err := m.participant(token)
	if err != nil {
		return Ack{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.choose(ctx, i, round, amount, false, false)
}

// autoMove makes seat i's choice in round r as role if it is still due
// then: a bot's choice (bot), or the default choice of a participant who
// let the round time out.
func (m *Manager) autoMove(s *session, i, r int, role string, bot bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.live {
		return
	}
	p, cur := s.turn(i)
	if cur != role || s.round != r || (bot && !s.seats[i].botIn(r)) {
		return
	}
	what, amount := "timeout choice", 0
	if bot {
		what, amount = "bot choice", s.botAmount(i, r, role, p)
	} else {
		amount = s.defaultAmount(p, role)
	}
	if _, err := s.choose(context.Background(), i, r, amount, !bot, bot); err != nil && trustlab.ErrorCode(err) != trustlab.ECONFLICT {
		m.log.Error(what, "session", s.rec.ID, "seat", i, "round", r, "err", err)
	}
}

// replaceSeat gives a participant's seat to the replacement bot.
func (m *Manager) replaceSeat(s *session, i int, why string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.replace(context.Background(), i, why)
}

func (s *session) replace(ctx context.Context, i int, why string) error {
	st := s.seats[i]
	if !st.human() || st.replaced {
		return trustlab.Errorf(trustlab.ECONFLICT, "%s is not a participant still playing", st.Label)
	}
	if s.round > s.d.Game.Rounds {
		return trustlab.Errorf(trustlab.ECONFLICT, "the session is over")
	}
	// The bot plays the seat from the first round in which the person has
	// not chosen yet: a choice the person made stays theirs.
	r := max(1, s.round)
	if s.round >= 1 && s.round <= len(s.pairs) {
		if p := s.bySeat[s.round-1][i]; p != nil && ((p.trustor == i && p.sent != nil) || (p.trustee == i && p.ret != nil)) {
			r++
		}
	}
	ev := Event{Session: s.rec.ID, Kind: EvReplace, Seat: i, Round: r, Data: []byte(why), At: s.m.clock.Now(), Key: fmt.Sprintf("replace/%d", i)}
	if _, err := s.m.store.Append(ctx, ev); err != nil {
		return err
	}
	s.apply(ev)
	s.m.log.Info("participant replaced by a bot", "session", s.rec.ID, "seat", st.Label, "round", r, "reason", why)
	return nil
}

// watchDropout starts the dropout clock of a participant without an open
// page. Called with s.mu held.
func (m *Manager) watchDropout(s *session, st *seat) {
	if !s.live || !st.human() || st.replaced || !st.joined || st.conns > 0 || s.round > s.d.Game.Rounds {
		return
	}
	if st.dropTimer != nil {
		st.dropTimer.Stop()
	}
	i := st.Index
	st.dropTimer = m.clock.AfterFunc(s.d.Timing.DropoutAfter.D(), func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if !s.live || st.conns > 0 || st.replaced || s.round > s.d.Game.Rounds {
			return
		}
		if err := s.replace(context.Background(), i, "dropout"); err != nil {
			m.log.Error("replacing a participant", "session", s.rec.ID, "seat", st.Label, "err", err)
		}
	})
}

// MaxStreams is the number of event streams one participant may hold open.
const MaxStreams = 8

// Subscribe returns a channel that receives a value whenever the
// participant's view changes, and a function that ends the subscription.
// While a participant has no subscription, their dropout clock runs.
func (m *Manager) Subscribe(token string) (<-chan struct{}, func(), error) {
	s, i, err := m.participant(token)
	if err != nil {
		return nil, nil, err
	}
	ch := make(chan struct{}, 1)
	s.mu.Lock()
	st := s.seats[i]
	if st.conns >= MaxStreams {
		s.mu.Unlock()
		return nil, nil, trustlab.Errorf(trustlab.ELIMIT, "%d pages of this participant are open: close one (at most %d)", st.conns, MaxStreams)
	}
	if s.subs[i] == nil {
		s.subs[i] = map[chan struct{}]struct{}{}
	}
	s.subs[i][ch] = struct{}{}
	st.conns++
	if st.dropTimer != nil {
		st.dropTimer.Stop()
		st.dropTimer = nil
	}
	s.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			s.mu.Lock()
			delete(s.subs[i], ch)
			st.conns--
			m.watchDropout(s, st)
			s.mu.Unlock()
		})
	}, nil
}

// SubscribeMonitor is Subscribe for the researcher's monitor of a session.
func (m *Manager) SubscribeMonitor(id string) (<-chan struct{}, func(), error) {
	s, err := m.session(id)
	if err != nil {
		return nil, nil, err
	}
	ch := make(chan struct{}, 1)
	s.mu.Lock()
	if s.subs[-1] == nil {
		s.subs[-1] = map[chan struct{}]struct{}{}
	}
	s.subs[-1][ch] = struct{}{}
	s.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			s.mu.Lock()
			delete(s.subs[-1], ch)
			s.mu.Unlock()
		})
	}, nil
}

// Start begins a session before every participant is ready: seats not
// yet joined go to bots.
func (m *Manager) Start(ctx context.Context, id string) (Monitor, error) {
	s, err := m.session(id)
	if err != nil {
		return Monitor{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.round > 0 {
		return Monitor{}, trustlab.Errorf(trustlab.ECONFLICT, "the session has begun")
	}
	for _, st := range s.seats {
		if st.human() && !st.replaced && !st.ready(s.d) {
			if err := s.replace(ctx, st.Index, "absent at start"); err != nil {
				return Monitor{}, err
			}
		}
	}
	ev := Event{Session: s.rec.ID, Kind: EvStart, Seat: -1, At: m.clock.Now(), Key: "start"}
	if _, err := m.store.Append(ctx, ev); err != nil && trustlab.ErrorCode(err) != trustlab.ECONFLICT {
		return Monitor{}, err
	}
	s.apply(ev)
	return s.monitor(), nil
}

// Replace gives a participant's seat to the replacement bot.
func (m *Manager) Replace(ctx context.Context, id, label string) (Monitor, error) {
	s, st, err := m.seatOf(id, label)
	if err != nil {
		return Monitor{}, err
	}
	defer s.mu.Unlock()
	if err := s.replace(ctx, st.Index, "researcher"); err != nil {
		return Monitor{}, err
	}
	return s.monitor(), nil
}

// seatOf returns the session id and its seat labelled label, with the
// session locked (the caller unlocks s.mu); an error leaves it unlocked.
func (m *Manager) seatOf(id, label string) (*session, *seat, error) {
	s, err := m.session(id)
	if err != nil {
		return nil, nil, err
	}
	s.mu.Lock()
	for _, st := range s.seats {
		if st.Label == label {
			return s, st, nil
		}
	}
	s.mu.Unlock()
	return nil, nil, trustlab.Errorf(trustlab.ENOTFOUND, "no seat %q in session %s", label, id)
}

// Relink issues a new link for a participant's seat (a lost or leaked
// link): the old link stops working at once, the new one resumes the
// seat where it is. It is recorded, so the new link survives a restart.
// Only the new token's hash is stored; the link is returned once.
func (m *Manager) Relink(ctx context.Context, id, label string) (Link, error) {
	s, st, err := m.seatOf(id, label)
	if err != nil {
		return Link{}, err
	}
	defer s.mu.Unlock()
	if !st.human() || st.replaced {
		return Link{}, trustlab.Errorf(trustlab.ECONFLICT, "seat %q of session %s is played by a bot: it has no link", label, id)
	}
	if s.rec.RoomCode != "" && len(st.TokenHash) == 0 {
		return Link{}, trustlab.Errorf(trustlab.ECONFLICT, "seat %q of session %s has not been taken with the room code yet", label, id)
	}
	t, h := m.token()
	ev := Event{Session: s.rec.ID, Kind: EvRelink, Seat: st.Index, Data: h[:], At: m.clock.Now(), Key: fmt.Sprintf("relink/%d/%d", st.Index, st.relinks+1)}
	if _, err := m.store.Append(ctx, ev); err != nil {
		return Link{}, err
	}
	s.apply(ev)
	return Link{Label: st.Label, Token: t, Path: "/play/" + t}, nil
}

// AddFit records a fit job of the session.
func (m *Manager) AddFit(ctx context.Context, id, job string) error {
	s, err := m.session(id)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ev := Event{Session: id, Kind: EvFit, Seat: -1, Data: []byte(job), At: m.clock.Now(), Key: "fit/" + job}
	if _, err := m.store.Append(ctx, ev); err != nil {
		return err
	}
	s.apply(ev)
	return nil
}

// Monitor returns the researcher's view of a session.
func (m *Manager) Monitor(id string) (Monitor, error) {
	s, err := m.session(id)
	if err != nil {
		return Monitor{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.monitor(), nil
}

// Sessions lists the sessions, newest first.
func (m *Manager) Sessions() []Summary {
	m.mu.RLock()
	ss := slices.Collect(maps.Values(m.sessions))
	m.mu.RUnlock()
	out := make([]Summary, 0, len(ss))
	for _, s := range ss {
		s.mu.Lock()
		out = append(out, s.summary())
		s.mu.Unlock()
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	return out
}
