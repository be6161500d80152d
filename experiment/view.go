package experiment

import (
	"math"
	"time"
)

// View is what a participant's page shows: only their own data.
type View struct {
	Label   string `json:"label"`
	Session string `json:"session"`
	// Status is questionnaire, waiting (for the others to be ready),
	// playing, replaced (a bot took over) or finished.
	Status        string     `json:"status"`
	Game          Game       `json:"game"`
	Arm           string     `json:"arm"`
	Feedback      string     `json:"feedback"`
	Questionnaire *QView     `json:"questionnaire,omitempty"`
	Round         int        `json:"round"`
	Rounds        int        `json:"rounds"`
	Turn          *Turn      `json:"turn,omitempty"`
	Role          string     `json:"role,omitempty"` // this round's role
	Waiting       string     `json:"waiting,omitempty"`
	History       []Played   `json:"history"`
	Earnings      float64    `json:"earnings"`
	Version       int64      `json:"version"`
	Deadline      *time.Time `json:"deadline,omitempty"`
}

// QView is the questionnaire to answer.
type QView struct {
	Min   int    `json:"min"`
	Max   int    `json:"max"`
	Items []Item `json:"items"`
}

// Turn is a choice the participant must make now.
type Turn struct {
	Round     int    `json:"round"`
	Role      string `json:"role"`
	Endowment int    `json:"endowment"`
	Received  int    `json:"received,omitempty"` // trustee: the multiplied amount sent
	Sent      int    `json:"sent"`               // trustee: what the trustor sent (0: a hypothetical answer)
	Max       int    `json:"max"`
	Options   []int  `json:"options,omitempty"` // binary game: the two allowed amounts
	// Hypothetical says the trustee answers what it would return had the
	// whole endowment been sent (full feedback after nothing was sent).
	Hypothetical bool `json:"hypothetical,omitempty"`
}

// Played is one finished (or half-finished) round of the participant.
type Played struct {
	Round       int     `json:"round"`
	Role        string  `json:"role"`
	Endowment   int     `json:"endowment"`
	Sent        *int    `json:"sent,omitempty"`
	Returned    *int    `json:"returned,omitempty"`
	WouldReturn *int    `json:"would_return,omitempty"` // full feedback: what the partner would have returned
	Payoff      float64 `json:"payoff"`
	Timeout     bool    `json:"timeout,omitempty"` // this participant's choice timed out
}

func iptr(v int) *int { return &v }

// payoffs of a finished pair: trustor and trustee.
func (s *session) payoffs(p *pair) (float64, float64) {
	if p.sent == nil {
		return 0, 0
	}
	m := s.d.Game.Multiplier
	x := float64(p.sent.Amount)
	ret := 0.0
	if p.ret != nil && p.sent.Amount > 0 {
		ret = float64(p.ret.Amount)
	}
	return float64(p.endowment) - x + ret, m*x - ret
}

func (s *session) view(i int) View {
	st := s.seats[i]
	d := s.d
	v := View{Label: st.Label, Session: s.rec.ID, Game: d.Game, Arm: d.Arms[st.Arm].Name, Feedback: d.Arms[st.Arm].Feedback,
		Round: min(s.round, d.Game.Rounds), Rounds: d.Game.Rounds, History: []Played{}, Version: s.version}
	for r := 1; r <= len(s.pairs); r++ {
		p := s.bySeat[r-1][i]
		if p == nil || p.sent == nil {
			continue
		}
		pl := Played{Round: r, Endowment: p.endowment}
		trustor, trustee := s.payoffs(p)
		if p.trustor == i {
			pl.Role, pl.Payoff, pl.Timeout = RoleTrustor, trustor, p.sent.Timeout
			pl.Sent = iptr(p.sent.Amount)
			if p.sent.Amount > 0 && p.ret != nil {
				pl.Returned = iptr(p.ret.Amount)
			} else if p.sent.Amount == 0 {
				pl.Returned = iptr(0)
				if p.ret != nil {
					pl.WouldReturn = iptr(p.ret.Amount)
				}
			}
		} else {
			pl.Role, pl.Payoff = RoleTrustee, trustee
			pl.Sent = iptr(p.sent.Amount)
			if p.ret == nil && !p.needsReturn(s.full(st.Arm)) {
				pl.Returned = iptr(0) // nothing sent, nothing to return
			}
			if p.ret != nil {
				pl.Timeout = p.ret.Timeout
				if p.sent.Amount > 0 {
					pl.Returned = iptr(p.ret.Amount)
				} else {
					pl.WouldReturn = iptr(p.ret.Amount)
				}
			}
		}
		if !p.done(s.full(st.Arm)) {
			pl.Payoff = 0
		}
		v.Earnings += pl.Payoff
		v.History = append(v.History, pl)
	}
	switch {
	case st.replaced:
		v.Status = "replaced"
	case s.round > d.Game.Rounds:
		v.Status = "finished"
	case len(d.Survey.Items) > 0 && st.answers == nil && s.round == 0:
		v.Status = "questionnaire"
		v.Questionnaire = &QView{Min: d.Survey.Min, Max: d.Survey.Max, Items: d.Survey.Items}
	case s.round == 0:
		v.Status = "waiting"
		v.Waiting = "Waiting for the other participants to be ready…"
	default:
		v.Status = "playing"
		p, role := s.turn(i)
		if p != nil {
			v.Role = RoleTrustor
			if p.trustee == i {
				v.Role = RoleTrustee
			}
		}
		switch {
		case role == RoleTrustor:
			v.Turn = &Turn{Round: s.round, Role: role, Endowment: p.endowment, Max: p.endowment}
			if d.Game.Kind == Binary {
				v.Turn.Options = []int{0, p.endowment}
			}
			dl := p.sendAt.Add(d.Timing.RoundTimeout.D())
			v.Deadline = &dl
		case role == RoleTrustee:
			hi := s.maxReturn(p)
			t := &Turn{Round: s.round, Role: role, Endowment: p.endowment, Sent: p.sent.Amount, Max: hi, Hypothetical: p.sent.Amount == 0}
			t.Received = int(math.Round(d.Game.Multiplier * float64(p.base())))
			if d.Game.Kind == Binary {
				t.Options = []int{0, hi}
			}
			v.Turn = t
			dl := p.retAt.Add(d.Timing.RoundTimeout.D())
			v.Deadline = &dl
		case p != nil && p.trustor == i:
			v.Waiting = "Waiting for your partner to decide…"
		case p != nil:
			v.Waiting = "Waiting for your partner to send…"
		}
		if v.Turn == nil && p != nil && p.done(s.full(st.Arm)) {
			v.Waiting = "Waiting for the other pairs to finish the round…"
		}
	}
	return v
}

// Monitor is the researcher's view of a session.
type Monitor struct {
	Summary
	Counts Counts       `json:"counts"`
	Seats  []SeatView   `json:"seats"`
	Rounds []RoundStats `json:"rounds"`
	Fits   []string     `json:"fits"`
	Arms   []string     `json:"arms"`
}

// Summary is one line of the list of sessions.
type Summary struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	RoomCode  string    `json:"room_code,omitempty"`
	Seed      uint64    `json:"seed"`
	Status    string    `json:"status"` // lobby, running, finished
	Round     int       `json:"round"`
	Rounds    int       `json:"rounds"`
	People    int       `json:"participants"`
	Bots      int       `json:"bots"`
	Version   int64     `json:"version"`
}

// Counts say where the participants are.
type Counts struct {
	Invited       int `json:"invited"`
	Joined        int `json:"joined"`
	Questionnaire int `json:"questionnaire"` // answered
	Playing       int `json:"playing"`
	Replaced      int `json:"replaced"`
	Bots          int `json:"bots"`
	Choices       int `json:"choices"`
	Timeouts      int `json:"timeouts"`
	Connected     int `json:"connected"`
}

// SeatView is one seat on the monitor.
type SeatView struct {
	Label     string     `json:"label"`
	Kind      string     `json:"kind"` // person or bot
	Arm       string     `json:"arm"`
	Status    string     `json:"status"`
	Connected bool       `json:"connected"`
	Role      string     `json:"role,omitempty"`
	Turn      bool       `json:"turn"` // must choose now
	Replaced  string     `json:"replaced,omitempty"`
	TauQ      *float64   `json:"tau_questionnaire,omitempty"`
	Fit       *FitResult `json:"fit,omitempty"`
	Earnings  float64    `json:"earnings"`
}

// RoundStats are the means of one round.
type RoundStats struct {
	Round        int     `json:"round"`
	Pairs        int     `json:"pairs"`
	Sent         int     `json:"sent_n"`
	MeanSent     float64 `json:"mean_sent"`     // as a fraction of the endowment
	MeanReturned float64 `json:"mean_returned"` // as a fraction of the multiplied amount, over pairs that sent something
	Returned     int     `json:"returned_n"`
}

func (s *session) summary() Summary {
	status := "lobby"
	switch {
	case s.round > s.d.Game.Rounds:
		status = "finished"
	case s.round > 0:
		status = "running"
	}
	return Summary{ID: s.rec.ID, Name: s.d.Name, CreatedAt: s.rec.CreatedAt, RoomCode: s.rec.RoomCode, Seed: s.rec.Seed, Status: status,
		Round: min(s.round, s.d.Game.Rounds), Rounds: s.d.Game.Rounds, People: s.d.Humans, Bots: len(s.seats) - s.d.Humans, Version: s.version}
}

// tauQ is the questionnaire score of a seat rescaled to [0, 1].
func (s *session) tauQ(st *seat) *float64 {
	q := s.d.Survey
	if st.answers == nil || len(q.Items) == 0 {
		return nil
	}
	sum := 0.0
	for k, a := range st.answers {
		if q.Items[k].Reverse {
			a = q.Min + q.Max - a
		}
		sum += float64(a)
	}
	mean := sum / float64(len(st.answers))
	t := (mean - float64(q.Min)) / float64(q.Max-q.Min)
	return &t
}

func (s *session) monitor() Monitor {
	mo := Monitor{Summary: s.summary(), Seats: []SeatView{}, Rounds: []RoundStats{}, Fits: append([]string{}, s.fits...)}
	for _, a := range s.d.Arms {
		mo.Arms = append(mo.Arms, a.Name)
	}
	for _, st := range s.seats {
		sv := SeatView{Label: st.Label, Kind: "person", Arm: s.d.Arms[st.Arm].Name, Connected: st.conns > 0}
		if !st.human() {
			sv.Kind = "bot"
			mo.Counts.Bots++
		} else {
			mo.Counts.Invited++
			if st.joined {
				mo.Counts.Joined++
			}
			if st.answers != nil {
				mo.Counts.Questionnaire++
			}
			if st.conns > 0 {
				mo.Counts.Connected++
			}
			sv.TauQ = s.tauQ(st)
			sv.Fit = s.fitted[st.Index]
		}
		v := s.view(st.Index)
		sv.Status, sv.Role, sv.Turn, sv.Earnings = v.Status, v.Role, v.Turn != nil, v.Earnings
		if !st.human() {
			sv.Status = "bot"
			if s.round > s.d.Game.Rounds {
				sv.Status = "finished"
			}
			_, role := s.turn(st.Index)
			sv.Turn = role != ""
		}
		if !st.joined && st.human() && !st.replaced {
			sv.Status = "invited"
		}
		if st.replaced {
			sv.Replaced = st.replWhy
			mo.Counts.Replaced++
		} else if st.human() && v.Status == "playing" {
			mo.Counts.Playing++
		}
		mo.Seats = append(mo.Seats, sv)
	}
	for r, ps := range s.pairs {
		rs := RoundStats{Round: r + 1, Pairs: len(ps)}
		for _, p := range ps {
			if p.sent == nil {
				continue
			}
			mo.Counts.Choices++
			if p.sent.Timeout {
				mo.Counts.Timeouts++
			}
			rs.Sent++
			rs.MeanSent += float64(p.sent.Amount) / float64(p.endowment)
			if p.ret != nil {
				mo.Counts.Choices++
				if p.ret.Timeout {
					mo.Counts.Timeouts++
				}
				if p.sent.Amount > 0 {
					rs.Returned++
					rs.MeanReturned += float64(p.ret.Amount) / (s.d.Game.Multiplier * float64(p.sent.Amount))
				}
			}
		}
		if rs.Sent > 0 {
			rs.MeanSent /= float64(rs.Sent)
		}
		if rs.Returned > 0 {
			rs.MeanReturned /= float64(rs.Returned)
		}
		mo.Rounds = append(mo.Rounds, rs)
	}
	return mo
}
