package httpapi

import (
	"encoding/json"
	"fmt"
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
		{"POST", "/api/v1/live", s.createLive},
		{"GET", "/api/v1/live", s.listLive},
		{"GET", "/api/v1/live/{id}", s.getLive},
		{"DELETE", "/api/v1/live/{id}", s.deleteLive},
		{"POST", "/api/v1/live/{id}/control", s.controlLive},
		{"GET", "/api/v1/live/{id}/graph", s.liveGraph},
		{"GET", "/api/v1/live/{id}/events", s.liveEvents},
		{"GET", "/api/v1/live/{id}/agents/{agent}", s.liveAgent},
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

func (s *Server) liveSession(r *http.Request) (*live.Session, error) {
	m, err := s.live()
	if err != nil {
		return nil, err
	}
	return m.Session(r.PathValue("id"))
}

// createLive starts a paused session of the scenario sent as the body
// (YAML) or as JSON {"scenario": "..."}.
func (s *Server) createLive(w http.ResponseWriter, r *http.Request) error {
	m, err := s.live()
	if err != nil {
		return err
	}
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

func (s *Server) listLive(w http.ResponseWriter, r *http.Request) error {
	m, err := s.live()
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"sessions": m.Sessions()})
	return nil
}

func (s *Server) getLive(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.liveSession(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ss.State())
	return nil
}

func (s *Server) deleteLive(w http.ResponseWriter, r *http.Request) error {
	m, err := s.live()
	if err != nil {
		return err
	}
	if err := m.Delete(r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) controlLive(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.liveSession(r)
	if err != nil {
		return err
	}
	var in LiveControlInput
	if err := decodeJSON(r, w, s.opts.MaxBody, &in); err != nil {
		return err
	}
	st, err := ss.Control(in.Action, in.Speed)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) liveGraph(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.liveSession(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ss.Graph())
	return nil
}

// liveAgent answers one agent's state and the pyramid of its decision
// about its partner ?partner=k (default 0, the first).
func (s *Server) liveAgent(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.liveSession(r)
	if err != nil {
		return err
	}
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
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// liveEvents streams the session's updates as server-sent events
// "update" (a live.Update: the state, the rows of the steps since the
// last event, the newest frame of the sampled agents), at most one every
// 50 ms, then "end" when the session ends.
func (s *Server) liveEvents(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.liveSession(r)
	if err != nil {
		return err
	}
	ch, stop := ss.Subscribe()
	defer stop()
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Time{})
	rc.SetReadDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	var cur live.Cursor
	send := func(event string) error {
		b, err := json.Marshal(ss.Next(&cur))
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b); err != nil {
			return err
		}
		return rc.Flush()
	}
	if send("update") != nil {
		return nil
	}
	last := time.Now()
	keep := time.NewTicker(15 * time.Second)
	defer keep.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-s.closing:
			return nil
		case _, ok := <-ch:
			if !ok {
				send("end")
				return nil
			}
			// Coalesce: the steps within 50 ms of the last event go in
			// the next one.
			if wait := liveMinInterval - time.Since(last); wait > 0 {
				select {
				case <-time.After(wait):
				case <-r.Context().Done():
					return nil
				}
			}
			if send("update") != nil {
				return nil
			}
			last = time.Now()
		case <-keep.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil || rc.Flush() != nil {
				return nil
			}
		}
	}
}
