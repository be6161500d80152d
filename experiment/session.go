package experiment

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/internal/rng"
	"github.com/trustlab/trustlab/model"
)

// Random stream keys (with the session seed).
const (
	keyArms uint64 = iota + 1
	keyMatch
	keyBot
)

// seat is one player's place: a person until replaced, or a bot.
type seat struct {
	SeatRecord
	bot       *Bot // the bot playing the seat (nil while a person plays)
	replaced  bool
	replRound int // first round played by the replacement
	replAt    time.Time
	replWhy   string
	joined    bool
	joinedAt  time.Time
	answers   []int
	answerAt  time.Time
	timeouts  int // consecutive timeouts
	conns     int // open event streams
	relinks   int // links issued after the first (EvRelink)
	dropTimer Stopper
}

func (s *seat) human() bool { return s.Bot < 0 }

// player is the label of whoever plays the seat in round r.
func (s *seat) player(r int) string {
	if s.replaced && r >= s.replRound {
		return s.Label + "-bot"
	}
	return s.Label
}

func (s *seat) botIn(r int) bool { return !s.human() || (s.replaced && r >= s.replRound) }

// ready says whether the seat can start playing.
func (s *seat) ready(d *Design) bool {
	return !s.human() || s.replaced || (s.joined && (len(d.Survey.Items) == 0 || s.answers != nil))
}

// move is a recorded choice.
type move struct {
	Amount  int
	Timeout bool
	Bot     bool
	At      time.Time
}

// pair is a trustor and a trustee in one round.
type pair struct {
	trustor, trustee int
	endowment        int
	sent, ret        *move
	sendAt, retAt    time.Time // when each turn began
}

// needsReturn says whether the trustee answers: something was sent, or
// (full feedback) what it would have returned.
func (p *pair) needsReturn(full bool) bool { return p.sent != nil && (p.sent.Amount > 0 || full) }

func (p *pair) done(full bool) bool {
	return p.sent != nil && (!p.needsReturn(full) || p.ret != nil)
}

// pendingOp is a choice being stored.
type pendingOp struct {
	done chan struct{}
	err  error
}

// session is one running session; mu guards everything in it.
type session struct {
	mu     sync.Mutex
	m      *Manager
	rec    SessionRecord
	d      *Design
	seats  []*seat
	round  int // 0 lobby, 1..Rounds playing, Rounds+1 finished
	forced bool
	pairs  [][]*pair // by round-1
	bySeat []map[int]*pair
	fits   []string
	doneAt time.Time

	pending    map[string]*pendingOp
	timers     map[string]Stopper
	subs       map[int]map[chan struct{}]struct{} // by seat; -1: monitors
	version    int64
	live       bool // false while replaying stored events
	fitted     map[int]*FitResult
	lastChoice time.Time // when the last choice was recorded (live fits wait for a lull)
}

func (s *session) full(arm int) bool { return s.d.Arms[arm].Feedback == FeedbackFull }

// matchRound pairs the seats for round r within each arm.
func (s *session) matchRound(r int) []*pair {
	var out []*pair
	for a := range s.d.Arms {
		var idx []int
		for _, st := range s.seats {
			if st.Arm == a {
				idx = append(idx, st.Index)
			}
		}
		half := len(idx) / 2
		var trustors, trustees []int
		if s.d.Roles.Matching == Fixed {
			for i := 0; i+1 < len(idx); i += 2 {
				trustors, trustees = append(trustors, idx[i]), append(trustees, idx[i+1])
			}
		} else {
			trustors, trustees = idx[:half:half], append([]int(nil), idx[half:]...)
			rr := rng.Stream(s.rec.Seed, keyMatch, uint64(a), uint64(r))
			rr.Shuffle(len(trustees), func(i, j int) { trustees[i], trustees[j] = trustees[j], trustees[i] })
		}
		if s.d.Roles.SwitchAt > 0 && r >= s.d.Roles.SwitchAt {
			trustors, trustees = trustees, trustors
		}
		for i := range trustors {
			out = append(out, &pair{trustor: trustors[i], trustee: trustees[i], endowment: s.d.Endowment(a, r)})
		}
	}
	return out
}

// apply changes the state by one stored event and returns the seats to
// notify (nil: everyone).
func (s *session) apply(ev Event) {
	st := func() *seat {
		if ev.Seat >= 0 && ev.Seat < len(s.seats) {
			return s.seats[ev.Seat]
		}
		return nil
	}()
	notify := map[int]bool{}
	all := false
	if st == nil && ev.Kind != EvStart && ev.Kind != EvFit {
		s.m.log.Error("experiment: a stored event names no seat; skipped", "session", s.rec.ID, "seq", ev.Seq, "kind", ev.Kind, "seat", ev.Seat)
		return
	}
	switch ev.Kind {
	case EvJoin:
		st.joined, st.joinedAt = true, ev.At
		if len(ev.Data) == 32 {
			st.TokenHash = ev.Data
			s.m.indexToken(s, st)
		}
		notify[st.Index] = true
	case EvRelink:
		if len(ev.Data) == 32 {
			s.m.unindexToken(st)
			st.TokenHash = ev.Data
			st.relinks++
			s.m.indexToken(s, st)
		}
		notify[st.Index] = true
	case EvAnswers:
		var a []int
		json.Unmarshal(ev.Data, &a)
		st.answers, st.answerAt = a, ev.At
		notify[st.Index] = true
	case EvStart:
		s.forced = true
		all = true
	case EvReplace:
		st.replaced, st.replRound, st.replAt, st.replWhy = true, max(1, ev.Round), ev.At, string(ev.Data)
		st.bot = s.d.Replacement
		if st.dropTimer != nil {
			st.dropTimer.Stop()
		}
		notify[st.Index] = true
		if s.live {
			s.scheduleSeat(st)
		}
	case EvChoice:
		if ev.Round < 1 || ev.Round > len(s.bySeat) || s.bySeat[ev.Round-1][ev.Seat] == nil || st == nil {
			s.m.log.Error("experiment: a stored choice does not fit the session; skipped", "session", s.rec.ID, "seq", ev.Seq, "seat", ev.Seat, "round", ev.Round)
			return
		}
		p := s.bySeat[ev.Round-1][ev.Seat]
		mv := &move{Amount: ev.Amount, Timeout: ev.Timeout, Bot: ev.Bot, At: ev.At}
		if ev.Role == RoleTrustor {
			p.sent = mv
			if p.needsReturn(s.full(st.Arm)) {
				p.retAt = ev.At
				if s.live {
					s.schedule(p, RoleTrustee)
				}
			}
		} else {
			p.ret = mv
		}
		s.stopTimer(fmt.Sprintf("%d/%d/%s", ev.Seat, ev.Round, ev.Role))
		if st.human() && !st.botIn(ev.Round) {
			if ev.Timeout {
				st.timeouts++
			} else {
				st.timeouts = 0
			}
		}
		notify[p.trustor], notify[p.trustee] = true, true
	case EvFit:
		s.fits = append(s.fits, string(ev.Data))
	}
	if s.advance(ev.At) {
		all = true
	}
	s.version++
	if s.live {
		if all {
			s.notifyAll()
		} else {
			for i := range notify {
				s.notify(i)
			}
			s.notify(-1)
		}
		if ev.Kind == EvChoice {
			s.lastChoice = s.m.clock.Now()
			s.m.queueFit(s, ev)
			if st.human() && !st.botIn(ev.Round) && ev.Timeout && s.d.Timing.ReplaceAfterTimeouts > 0 && st.timeouts >= s.d.Timing.ReplaceAfterTimeouts && !st.replaced {
				go s.m.replaceSeat(s, st.Index, "timeouts")
			}
		}
	}
}

// advance starts rounds whose time has come; it reports whether a round
// began or the session ended.
func (s *session) advance(now time.Time) bool {
	changed := false
	for {
		switch {
		case s.round == 0:
			ready := true
			for _, st := range s.seats {
				if !st.ready(s.d) {
					ready = false
				}
			}
			if !ready && !s.forced {
				return changed
			}
		case s.round > s.d.Game.Rounds:
			return changed
		default:
			for _, p := range s.pairs[s.round-1] {
				if !p.done(s.full(s.seats[p.trustor].Arm)) {
					return changed
				}
			}
		}
		changed = true
		s.round++
		if s.round > s.d.Game.Rounds {
			s.doneAt = now
			return true
		}
		ps := s.matchRound(s.round)
		m := make(map[int]*pair, 2*len(ps))
		for _, p := range ps {
			p.sendAt = now
			m[p.trustor], m[p.trustee] = p, p
		}
		s.pairs = append(s.pairs, ps)
		s.bySeat = append(s.bySeat, m)
		if s.live {
			for _, p := range ps {
				s.schedule(p, RoleTrustor)
			}
		}
	}
}

// turn is the role seat i must play now in the current round, or "".
func (s *session) turn(i int) (*pair, string) {
	if s.round < 1 || s.round > s.d.Game.Rounds {
		return nil, ""
	}
	p := s.bySeat[s.round-1][i]
	if p == nil {
		return nil, ""
	}
	switch {
	case p.trustor == i && p.sent == nil:
		return p, RoleTrustor
	case p.trustee == i && p.sent != nil && p.ret == nil && p.needsReturn(s.full(s.seats[i].Arm)):
		return p, RoleTrustee
	}
	return p, ""
}

// schedule arms the timeout of a turn, and the bot's answer when a bot
// plays it. Called with mu held, when live.
func (s *session) schedule(p *pair, role string) {
	i := p.trustor
	start := p.sendAt
	if role == RoleTrustee {
		i, start = p.trustee, p.retAt
	}
	st := s.seats[i]
	r := s.round
	key := fmt.Sprintf("%d/%d/%s", i, r, role)
	if st.botIn(r) {
		b := st.bot
		wait := b.Delay.D() - s.m.clock.Now().Sub(start)
		s.timers[key] = s.m.clock.AfterFunc(max(0, wait), func() { s.m.autoMove(s, i, r, role, true) })
		return
	}
	wait := s.d.Timing.RoundTimeout.D() - s.m.clock.Now().Sub(start)
	s.timers[key] = s.m.clock.AfterFunc(max(0, wait), func() { s.m.autoMove(s, i, r, role, false) })
}

// scheduleSeat re-arms a seat's pending turn (after a replacement).
func (s *session) scheduleSeat(st *seat) {
	if p, role := s.turn(st.Index); role != "" {
		s.stopTimer(fmt.Sprintf("%d/%d/%s", st.Index, s.round, role))
		s.schedule(p, role)
	}
}

func (s *session) stopTimer(key string) {
	if t, ok := s.timers[key]; ok {
		t.Stop()
		delete(s.timers, key)
	}
}

// resume arms every timer after the stored events were replayed.
func (s *session) resume() {
	s.live = true
	if s.round >= 1 && s.round <= s.d.Game.Rounds {
		for _, p := range s.pairs[s.round-1] {
			if p.sent == nil {
				s.schedule(p, RoleTrustor)
			} else if p.needsReturn(s.full(s.seats[p.trustor].Arm)) && p.ret == nil {
				s.schedule(p, RoleTrustee)
			}
		}
	}
	for _, st := range s.seats {
		s.m.watchDropout(s, st)
	}
}

func (s *session) notify(i int) {
	for ch := range s.subs[i] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

func (s *session) notifyAll() {
	for i := range s.subs {
		s.notify(i)
	}
}

// validAmount checks an amount for a turn; the error names the range.
func (s *session) validAmount(p *pair, role string, amount int) error {
	g := s.d.Game
	if role == RoleTrustor {
		if g.Kind == Binary {
			if amount != 0 && amount != p.endowment {
				return trustlab.Invalid(trustlab.FieldErrorf("amount", fmt.Sprintf("0 or %d", p.endowment), "amount = %d: in the binary game send 0 (keep) or %d (trust)", amount, p.endowment))
			}
			return nil
		}
		if amount < 0 || amount > p.endowment {
			return trustlab.Invalid(trustlab.FieldErrorf("amount", fmt.Sprintf("[0, %d]", p.endowment), "amount = %d: must be a whole number in [0, %d] (the endowment)", amount, p.endowment))
		}
		return nil
	}
	hi := s.maxReturn(p)
	if g.Kind == Binary {
		if amount != 0 && amount != hi {
			return trustlab.Invalid(trustlab.FieldErrorf("amount", fmt.Sprintf("0 or %d", hi), "amount = %d: return 0 (keep all) or %d (honour)", amount, hi))
		}
		return nil
	}
	if amount < 0 || amount > hi {
		return trustlab.Invalid(trustlab.FieldErrorf("amount", fmt.Sprintf("[0, %d]", hi), "amount = %d: must be a whole number in [0, %d] (what you received)", amount, hi))
	}
	return nil
}

// base is the amount a trustee's answer is about: what was sent, or the
// endowment for a hypothetical answer (full feedback after nothing sent).
func (p *pair) base() int {
	if p.sent != nil && p.sent.Amount > 0 {
		return p.sent.Amount
	}
	return p.endowment
}

// maxReturn is the most a trustee can return (binary: the honour amount).
func (s *session) maxReturn(p *pair) int {
	g := s.d.Game
	if g.Kind == Binary {
		return int(math.Round(g.ReturnOnHonour * g.Multiplier * float64(p.base())))
	}
	return int(math.Floor(g.Multiplier*float64(p.base()) + 1e-9))
}

// defaultAmount is the choice recorded when a turn times out.
func (s *session) defaultAmount(p *pair, role string) int {
	t := s.d.Timing
	if role == RoleTrustor {
		if s.d.Game.Kind == Binary {
			if t.DefaultSend > 0 {
				return p.endowment
			}
			return 0
		}
		return min(t.DefaultSend, p.endowment)
	}
	hi := s.maxReturn(p)
	if s.d.Game.Kind == Binary {
		if t.DefaultReturn >= 0.5 {
			return hi
		}
		return 0
	}
	return int(math.Round(t.DefaultReturn * float64(hi)))
}

// botAmount is a bot's choice in a turn: its trustee behaviour, or the
// pyramid model as trustor, with a stream keyed by (seed, seat, round).
func (s *session) botAmount(i, r int, role string, p *pair) int {
	st := s.seats[i]
	b := st.bot
	rr := rng.Stream(s.rec.Seed, keyBot, uint64(i), uint64(r), map[string]uint64{RoleTrustor: 1, RoleTrustee: 2}[role])
	g := s.d.Game
	if role == RoleTrustee {
		hi := s.maxReturn(p)
		honour := func(h float64) int {
			if rr.Float64() >= h {
				return 0
			}
			if g.Kind == Binary {
				return hi
			}
			f := 0.5
			if b.Trustee.Honour != nil {
				f = *b.Trustee.Honour
			}
			return int(math.Round(f * float64(hi)))
		}
		t := b.Trustee
		switch t.Kind {
		case Reciprocal:
			q := float64(p.base()) / float64(p.endowment)
			if p.sent.Amount == 0 {
				q = 0
			}
			return honour(min(1, max(0, *t.W+t.Slope*(q-0.5))))
		case ConArtist:
			n := 0
			for k := 0; k < r-1; k++ {
				if q := s.bySeat[k][i]; q != nil && q.trustee == i && q.trustor == p.trustor && q.sent != nil && q.sent.Amount > 0 {
					n++
				}
			}
			if n < t.Honours {
				return honour(1)
			}
			return 0
		case Schedule:
			f := t.Returns[(r-1)%len(t.Returns)]
			if g.Kind == Binary {
				if f >= 0.5 {
					return hi
				}
				return 0
			}
			return int(math.Round(f * float64(hi)))
		}
		return honour(*t.W)
	}
	// Trustor: the pyramid model with the belief built from this seat's
	// history with the partner.
	m, err := b.Trustor.Params.Model()
	if err != nil {
		m = model.Default()
	}
	tau := 0.5
	if b.Trustor.Tau != nil {
		tau = *b.Trustor.Tau
	}
	prior := m.Prior(tau)
	bel := prior
	for k := 0; k < r-1; k++ {
		q := s.bySeat[k][i]
		if q == nil || q.trustor != i || q.trustee != p.trustee || q.sent == nil {
			continue
		}
		out, evidence := s.outcome(q)
		sit := s.situation(q.endowment)
		bel = m.Update(bel, prior, out, sit.Confirmed(out), evidence)
	}
	sit := s.situation(p.endowment)
	ap := m.Appraise(tau, bel, sit)
	if g.Kind == Binary {
		if rr.Float64() < m.Choose(ap.Balance) {
			return p.endowment
		}
		return 0
	}
	return m.Amount(m.Fraction(ap.Balance), p.endowment).Rand(rr)
}

// situation is the model's situation for one round.
func (s *session) situation(endowment int) model.Situation {
	g := s.d.Game
	if g.Kind == Binary {
		e := float64(endowment)
		return model.Situation{Game: model.Binary, Gain: e * (g.Multiplier*g.ReturnOnHonour - 1), Loss: e}
	}
	return model.Situation{Game: model.Investment, Endowment: float64(endowment), Multiplier: g.Multiplier}
}

// outcome is what the trustor of a finished pair learned: r in [0, 1]
// (binary: 1 honoured, 0 betrayed; investment: returned/(m*sent)) and
// whether anything was learned.
func (s *session) outcome(p *pair) (float64, bool) {
	if p.ret == nil {
		return 0, false
	}
	g := s.d.Game
	if g.Kind == Binary {
		if p.ret.Amount > 0 {
			return 1, true
		}
		return 0, true
	}
	return float64(p.ret.Amount) / (g.Multiplier * float64(p.base())), true
}

// choose records a choice: validated, stored durably, then applied.
// Repeating a recorded choice returns it again (dup true); another amount
// for a recorded turn is ECONFLICT.
func (s *session) choose(ctx context.Context, i, round, amount int, timeout, bot bool) (Ack, error) {
	for {
		if round < 1 || round > s.d.Game.Rounds {
			return Ack{}, trustlab.Invalid(trustlab.FieldErrorf("round", fmt.Sprintf("[1, %d]", s.d.Game.Rounds), "round = %d: must be in [1, %d]", round, s.d.Game.Rounds))
		}
		if round <= len(s.pairs) {
			p := s.bySeat[round-1][i]
			var mv *move
			role := RoleTrustor
			if p != nil && p.trustee == i {
				mv, role = p.ret, RoleTrustee
			} else if p != nil {
				mv = p.sent
			}
			if mv != nil {
				if mv.Amount == amount && !timeout && !bot {
					return Ack{Round: round, Role: role, Amount: mv.Amount, At: mv.At, Duplicate: true, Timeout: mv.Timeout}, nil
				}
				why := fmt.Sprintf("round %d: %d is already recorded as your choice", round, mv.Amount)
				if mv.Timeout {
					why = fmt.Sprintf("round %d timed out: the default %d was recorded", round, mv.Amount)
				}
				return Ack{}, trustlab.Errorf(trustlab.ECONFLICT, "%s", why)
			}
		}
		key := fmt.Sprintf("choice/%d/%d", i, round)
		if op, ok := s.pending[key]; ok {
			s.mu.Unlock()
			select {
			case <-op.done:
			case <-ctx.Done():
				s.mu.Lock()
				return Ack{}, ctx.Err()
			}
			s.mu.Lock()
			continue
		}
		if round != s.round {
			if round > s.round {
				return Ack{}, trustlab.Errorf(trustlab.ECONFLICT, "round %d has not begun (the session is at round %d)", round, max(0, s.round))
			}
			return Ack{}, trustlab.Errorf(trustlab.ECONFLICT, "round %d is over", round)
		}
		p, role := s.turn(i)
		if role == "" {
			return Ack{}, trustlab.Errorf(trustlab.ECONFLICT, "round %d: it is not your turn (waiting for your partner)", round)
		}
		if !bot && s.seats[i].botIn(round) {
			return Ack{}, trustlab.Errorf(trustlab.ECONFLICT, "your seat was given to a bot in round %d", s.seats[i].replRound)
		}
		if err := s.validAmount(p, role, amount); err != nil {
			return Ack{}, err
		}
		ev := Event{Session: s.rec.ID, Kind: EvChoice, Seat: i, Round: round, Role: role, Amount: amount, Timeout: timeout, Bot: bot,
			At: s.m.clock.Now(), Key: key}
		op := &pendingOp{done: make(chan struct{})}
		s.pending[key] = op
		s.mu.Unlock()
		seq, err := s.m.store.Append(ctx, ev)
		s.mu.Lock()
		delete(s.pending, key)
		op.err = err
		close(op.done)
		if err != nil {
			return Ack{}, err
		}
		ev.Seq = seq
		s.apply(ev)
		return Ack{Round: round, Role: role, Amount: amount, At: ev.At, Timeout: timeout}, nil
	}
}

// Ack acknowledges a recorded choice.
type Ack struct {
	Round     int       `json:"round"`
	Role      string    `json:"role"`
	Amount    int       `json:"amount"`
	At        time.Time `json:"at"`
	Timeout   bool      `json:"timeout,omitempty"`
	Duplicate bool      `json:"duplicate,omitempty"` // the choice was already recorded: nothing new was stored
}
