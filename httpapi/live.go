package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/live"
)

// liveRoutes are the endpoints of the live population view: a simulation
// stepped under the viewer's control, its sampled agents drawn, its rows
// and colours streamed as server-sent events.
func (s *Server) liveRoutes() []route {
	return []route{
		{"POST", "/api/v1/live", on(s.live, s.createLive)},
		{"GET", "/api/v1/live", on(s.live, listLive)},
		{"GET", "/api/v1/live/{id}", s.onSession(getLive)},
		{"DELETE", "/api/v1/live/{id}", on(s.live, deleteLive)},
		{"POST", "/api/v1/live/{id}/control", s.onSession(s.controlLive)},
		{"GET", "/api/v1/live/{id}/graph", s.onSession(liveGraph)},
		{"GET", "/api/v1/live/{id}/events", s.onSession(s.liveEvents)},
		{"GET", "/api/v1/live/{id}/agents/{agent}", s.onSession(liveAgent)},
	}
}

// LiveControlInput is the body of POST /api/v1/live/{id}/control.
type LiveControlInput struct {
	Action string   `json:"action"`          // play, pause, step, speed or stop
	Speed  *float64 `json:"speed,omitempty"` // steps per second, [0.1, 1000], or 0 for as fast as possible
}

// liveMinInterval is the shortest time between two events of a stream:
// the steps in between are sent together.
const liveMinInterval = 50 * time.Millisecond

func (s *Server) live() (*live.Manager, error) {
	if s.opts.Live == nil {
		return nil, trustlab.Errorf(trustlab.EUNAVAILABLE, "live sessions: not offered by this server")
	}
	return s.opts.Live, nil
}

// onSession returns the endpoint h on the live session {id}.
func (s *Server) onSession(h func(ss *live.Session, w http.ResponseWriter, r *http.Request) error) handler {
	return on(s.live, func(m *live.Manager, w http.ResponseWriter, r *http.Request) error {
		ss, err := m.Session(r.PathValue("id"))
		if err != nil {
			return err
		}
		return h(ss, w, r)
	})
}

// createLive starts a paused session of the scenario sent as the body
// (YAML) or as JSON {"scenario": "..."}.
func (s *Server) createLive(m *live.Manager, w http.ResponseWriter, r *http.Request) error {
	sc, err := s.scenarioBody(w, r)
	if err != nil {
		return err
	}
	ss, err := m.Create(sc)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/live/"+ss.ID())
	writeJSON(w, http.StatusCreated, ss.State())
	return nil
}

func listLive(m *live.Manager, w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]any{"sessions": m.Sessions()})
	return nil
}

func getLive(ss *live.Session, w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, ss.State())
	return nil
}

func deleteLive(m *live.Manager, w http.ResponseWriter, r *http.Request) error {
	if err := m.Delete(r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) controlLive(ss *live.Session, w http.ResponseWriter, r *http.Request) error {
	return withBody(s, w, r, func(in LiveControlInput) (live.State, error) {
		return ss.Control(in.Action, in.Speed)
	})
}

func liveGraph(ss *live.Session, w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, ss.Graph())
	return nil
}

// liveAgent answers one agent's state and the pyramid of its decision
// about its partner ?partner=k (default 0, the first).
func liveAgent(ss *live.Session, w http.ResponseWriter, r *http.Request) error {
	i, err := strconv.Atoi(r.PathValue("agent"))
	if err != nil {
		return trustlab.Invalid(trustlab.FieldErrorf("agent", "an agent id", "%q: not an agent id (an integer)", r.PathValue("agent")))
	}
	k := 0
	if q := r.URL.Query().Get("partner"); q != "" {
		if k, err = strconv.Atoi(q); err != nil {
			return trustlab.Invalid(trustlab.FieldErrorf("partner", "[0, 199]", "%q: not a partner index (an integer)", q))
		}
	}
	v, err := ss.Agent(i, k)
	return reply(w, http.StatusOK, v, err)
}

// liveEvents streams the session's updates as server-sent events
// "update" (a live.Update: the state, the rows of the steps since the
// last event, the newest frame of the sampled agents), at most one every
// 50 ms, then "end" when the session ends.
func (s *Server) liveEvents(ss *live.Session, w http.ResponseWriter, r *http.Request) error {
	ch, stop := ss.Subscribe()
	defer stop()
	rc := startEvents(w)
	var cur live.Cursor
	send := func(event string) error { return sendEvent(w, rc, event, ss.Next(&cur)) }
	if send("update") != nil {
		return nil
	}
	last := time.Now()
	s.pump(w, r, rc, ch, func(ok bool) bool {
		if !ok {
			send("end")
			return false
		}
		// Coalesce: the steps within 50 ms of the last event go in the
		// next one.
		if wait := liveMinInterval - time.Since(last); wait > 0 {
			select {
			case <-time.After(wait):
			case <-r.Context().Done():
				return false
			}
		}
		if send("update") != nil {
			return false
		}
		last = time.Now()
		return true
	})
	return nil
}
