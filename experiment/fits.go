package experiment

import (
	"math"
	"strings"
	"time"

	"github.com/trustlab/trustlab/dataset"
	"github.com/trustlab/trustlab/fit"
	"github.com/trustlab/trustlab/fitrun"
)

// FitResult is a participant's quick fit of the full pyramid model to
// their own choices so far (maximum a posteriori under the weak prior, no
// cross-validation): a display for the monitor, not the session's fit.
type FitResult struct {
	Trials int      `json:"trials"`
	Tau    *float64 `json:"tau"`
	WPlus  *float64 `json:"w_plus"`
	WMinus *float64 `json:"w_minus"`
	Error  string   `json:"error,omitempty"`
}

// fitQuiet is how long a session must be without a new choice before the
// live fits run.
const fitQuiet = 300 * time.Millisecond

type fitKey struct {
	s *session
	i int
}

type fitReq = fitKey

// queueFit asks for a fit of the trustor of a finished pair. Called with
// s.mu held.
func (m *Manager) queueFit(s *session, ev Event) {
	if m.noFits || ev.Round < 1 || ev.Round > len(s.pairs) {
		return
	}
	p := s.bySeat[ev.Round-1][ev.Seat]
	if p == nil || !p.done(s.full(s.seats[p.trustor].Arm)) || !s.seats[p.trustor].human() {
		return
	}
	m.queueFitSeat(s, p.trustor)
}

func (m *Manager) queueFitSeat(s *session, i int) {
	k := fitKey{s, i}
	m.fitsMu.Lock()
	defer m.fitsMu.Unlock()
	if m.queued[k] {
		return
	}
	select {
	case m.fitq <- k:
		m.queued[k] = true
	default: // full: the next round queues it again
	}
}

func (m *Manager) fitLoop() {
	defer m.wg.Done()
	for {
		select {
		case <-m.stop:
			return
		case k := <-m.fitq:
			// Fits wait for a lull: a burst of choices (everyone at the
			// start of a round) is answered first.
			for range 10 { // a session busy for longer (3 s) is fitted anyway
				k.s.mu.Lock()
				wait := fitQuiet - m.clock.Now().Sub(k.s.lastChoice)
				k.s.mu.Unlock()
				if wait <= 0 || wait > fitQuiet {
					break
				}
				select {
				case <-m.stop:
					return
				case <-time.After(wait):
				}
			}
			m.fitsMu.Lock()
			delete(m.queued, k)
			m.fitsMu.Unlock()
			m.fitOne(k.s, k.i)
		}
	}
}

func fptr(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// fitOne fits one participant off the request path and publishes the
// result on the monitor.
func (m *Manager) fitOne(s *session, i int) {
	s.mu.Lock()
	rows := s.trialRows(i)
	spec := s.spec()
	seed := s.rec.Seed
	if prev := s.fitted[i]; prev != nil && prev.Trials == len(rows) {
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	res := fitRows(rows, spec, seed)
	if res == nil {
		return
	}
	s.mu.Lock()
	s.fitted[i] = res
	s.version++
	s.notify(-1)
	s.mu.Unlock()
}

// fitRows fits the full model to one subject's rows (nil without a kept
// trial).
func fitRows(rows []TrialRow, spec string, seed uint64) *FitResult {
	var b strings.Builder
	b.WriteString(strings.Join(trialHeader, ",") + "\n")
	n := 0
	for _, r := range rows {
		b.WriteString(strings.Join(r.record(), ",") + "\n")
		if r.Timeout == 0 {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	res := &FitResult{Trials: len(rows)}
	sp, err := dataset.ParseSpec(strings.NewReader(spec), "spec.yaml")
	if err != nil {
		res.Error = err.Error()
		return res
	}
	subs, _, err := dataset.ReadAll(strings.NewReader(b.String()), "trials.csv", sp)
	if err != nil || len(subs) != 1 {
		if err != nil {
			res.Error = err.Error()
		}
		return res
	}
	seq, err := fitrun.FromSubject(subs[0], sp)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	sf, err := fit.FitSubject(seq, nil, fit.Options{Models: fit.Variants()[:1], NoCV: true, Restarts: 2, Seed: seed, Prior: fit.PriorWeak, MaxEvals: 2000})
	if err != nil || len(sf.Estimates) == 0 {
		if err != nil {
			res.Error = err.Error()
		}
		return res
	}
	e := sf.Estimates[0]
	res.Tau = fptr(e.Values[fit.Tau])
	if e.Used[fit.WPlus] {
		res.WPlus = fptr(e.Values[fit.WPlus])
	}
	if e.Used[fit.WMinus] {
		res.WMinus = fptr(e.Values[fit.WMinus])
	}
	return res
}
