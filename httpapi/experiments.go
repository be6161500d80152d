package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/examples"
	"github.com/trustlab/trustlab/experiment"
)

// Experiments with people. Researcher routes live under
// /api/v1/experiments and need the token like every API route; participant
// routes live under /api/v1/play/{token}, are exempt from the token and are
// authorised by the participant's own unguessable link token alone, which
// reaches only that participant's seat.

// playPrefix is the path of the participant routes (see auth).
const playPrefix = "/api/v1/play/"

func (s *Server) experimentRoutes() []route {
	return []route{
		{"GET", "/api/v1/experiments/examples", s.experimentExamples},
		{"POST", "/api/v1/experiments/check", s.checkDesign},
		{"POST", "/api/v1/experiments/sessions", s.createExperimentSession},
		{"GET", "/api/v1/experiments/sessions", s.listExperimentSessions},
		{"GET", "/api/v1/experiments/sessions/{id}", s.getExperimentSession},
		{"GET", "/api/v1/experiments/sessions/{id}/events", s.monitorEvents},
		{"POST", "/api/v1/experiments/sessions/{id}/start", s.startExperimentSession},
		{"POST", "/api/v1/experiments/sessions/{id}/seats/{label}/replace", s.replaceSeat},
		{"POST", "/api/v1/experiments/sessions/{id}/seats/{label}/link", s.relinkSeat},
		{"POST", "/api/v1/experiments/sessions/{id}/fit", s.fitExperimentSession},
		{"GET", "/api/v1/experiments/sessions/{id}/export/{file}", s.exportExperimentSession},

		{"POST", "/api/v1/play/join", s.joinRoom},
		{"GET", "/api/v1/play/{token}", s.playView},
		{"GET", "/api/v1/play/{token}/events", s.playEvents},
		{"POST", "/api/v1/play/{token}/questionnaire", s.playAnswer},
		{"POST", "/api/v1/play/{token}/choice", s.playChoice},
	}
}

func (s *Server) experiments() (*experiment.Manager, error) {
	if s.opts.Experiments == nil {
		return nil, trustlab.Errorf(trustlab.EUNAVAILABLE, "this server runs no experiments")
	}
	return s.opts.Experiments, nil
}

// DesignInput is the body of POST /api/v1/experiments/check.
type DesignInput struct {
	Design string `json:"design"` // experiment.yaml
}

// CheckOutput answers a design check: the design as read, or its errors.
type CheckOutput struct {
	OK     bool               `json:"ok"`
	Errors []DesignError      `json:"errors,omitempty"`
	Design *experiment.Design `json:"design,omitempty"`
	Seats  int                `json:"seats,omitempty"`
}

// DesignError is one error of a design, at its line.
type DesignError struct {
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

func designErrors(err error) []DesignError {
	var out []DesignError
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		if e, ok := err.(*experiment.Error); ok {
			out = append(out, DesignError{Line: e.Line, Column: e.Column, Field: e.Field, Message: e.Error()})
			return
		}
		out = append(out, DesignError{Message: err.Error()})
	}
	walk(err)
	return out
}

func (s *Server) experimentExamples(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string][]examples.File{"designs": examples.Experiments()})
	return nil
}

func (s *Server) checkDesign(w http.ResponseWriter, r *http.Request) error {
	var in DesignInput
	if err := decodeJSON(r, w, s.opts.MaxBody, &in); err != nil {
		return err
	}
	d, err := experiment.Parse([]byte(in.Design), "experiment.yaml")
	if err != nil {
		writeJSON(w, http.StatusOK, CheckOutput{Errors: designErrors(err)})
		return nil
	}
	writeJSON(w, http.StatusOK, CheckOutput{OK: true, Design: d, Seats: d.Seats()})
	return nil
}

// SessionCreateInput is the body of POST /api/v1/experiments/sessions.
type SessionCreateInput struct {
	Design   string  `json:"design"`              // experiment.yaml
	Seed     *uint64 `json:"seed,omitempty"`      // default: random (recorded)
	RoomCode bool    `json:"room_code,omitempty"` // one room code instead of one link per participant
}

func (s *Server) createExperimentSession(w http.ResponseWriter, r *http.Request) error {
	m, err := s.experiments()
	if err != nil {
		return err
	}
	var in SessionCreateInput
	if err := decodeJSON(r, w, s.opts.MaxBody, &in); err != nil {
		return err
	}
	c, err := m.Create(r.Context(), experiment.CreateInput{Design: []byte(in.Design), Seed: in.Seed, RoomCode: in.RoomCode})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/experiments/sessions/"+c.ID)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) listExperimentSessions(w http.ResponseWriter, r *http.Request) error {
	m, err := s.experiments()
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"sessions": m.Sessions()})
	return nil
}

func (s *Server) getExperimentSession(w http.ResponseWriter, r *http.Request) error {
	m, err := s.experiments()
	if err != nil {
		return err
	}
	mo, err := m.Monitor(r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, mo)
	return nil
}

func (s *Server) startExperimentSession(w http.ResponseWriter, r *http.Request) error {
	m, err := s.experiments()
	if err != nil {
		return err
	}
	mo, err := m.Start(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, mo)
	return nil
}

func (s *Server) replaceSeat(w http.ResponseWriter, r *http.Request) error {
	m, err := s.experiments()
	if err != nil {
		return err
	}
	mo, err := m.Replace(r.Context(), r.PathValue("id"), r.PathValue("label"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, mo)
	return nil
}

// relinkSeat issues a new link for a participant (the old one stops
// working); the link is in the answer only.
func (s *Server) relinkSeat(w http.ResponseWriter, r *http.Request) error {
	m, err := s.experiments()
	if err != nil {
		return err
	}
	l, err := m.Relink(r.Context(), r.PathValue("id"), r.PathValue("label"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

// fitExperimentSession submits the session's trials.csv and spec.yaml as
// a fit job (the fits page shows it) and records it on the session.
func (s *Server) fitExperimentSession(w http.ResponseWriter, r *http.Request) error {
	m, err := s.experiments()
	if err != nil {
		return err
	}
	js, err := s.jobs()
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	var data, spec bytes.Buffer
	if _, err := m.Export(id, "trials.csv", &data); err != nil {
		return err
	}
	if _, err := m.Export(id, "spec.yaml", &spec); err != nil {
		return err
	}
	if bytes.Count(data.Bytes(), []byte("\n")) < 2 {
		return trustlab.Errorf(trustlab.ECONFLICT, "session %s has no finished decision of a participant to fit yet", id)
	}
	in := trustlab.JobInput{Kind: trustlab.KindFit, Data: &data, Spec: spec.Bytes()}
	// With a trait questionnaire, its scores fix each participant's tau.
	var q, key bytes.Buffer
	if _, err := m.Export(id, "questionnaire.csv", &q); err == nil {
		if _, err := m.Export(id, "questionnaire_key.yaml", &key); err == nil && bytes.Count(q.Bytes(), []byte("\n")) >= 2 {
			in.Questionnaire, in.Key = q.Bytes(), key.Bytes()
		}
	}
	j, err := js.Submit(r.Context(), in)
	if err != nil {
		return err
	}
	if err := m.AddFit(r.Context(), id, j.ID); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/fits/"+j.ID)
	writeJSON(w, http.StatusAccepted, j)
	return nil
}

func (s *Server) exportExperimentSession(w http.ResponseWriter, r *http.Request) error {
	m, err := s.experiments()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	ct, err := m.Export(r.PathValue("id"), r.PathValue("file"), &buf)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s"`, r.PathValue("id"), r.PathValue("file")))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
	return nil
}

// JoinInput is the body of POST /api/v1/play/join.
type JoinInput struct {
	Code string `json:"code"` // the room code
}

func (s *Server) joinRoom(w http.ResponseWriter, r *http.Request) error {
	m, err := s.experiments()
	if err != nil {
		return err
	}
	var in JoinInput
	if err := decodeJSON(r, w, s.opts.MaxBody, &in); err != nil {
		return err
	}
	code := strings.ToUpper(strings.TrimSpace(in.Code))
	if len(code) != 6 {
		return trustlab.Invalid(trustlab.FieldErrorf("code", "6 letters and digits", "code %q: a room code has 6 letters and digits", in.Code))
	}
	c := client(r)
	if err := s.joins.check(c); err != nil {
		return err
	}
	l, err := m.Join(r.Context(), code)
	if trustlab.ErrorCode(err) == trustlab.ENOTFOUND {
		s.joins.failed(c)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, l)
	return nil
}

func (s *Server) playView(w http.ResponseWriter, r *http.Request) error {
	m, err := s.experiments()
	if err != nil {
		return err
	}
	v, err := m.View(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, v)
	return nil
}

// AnswersInput is the body of POST /api/v1/play/{token}/questionnaire.
type AnswersInput struct {
	Answers []int `json:"answers"` // one whole number per item, in the design's order, in [min, max]
}

func (s *Server) playAnswer(w http.ResponseWriter, r *http.Request) error {
	m, err := s.experiments()
	if err != nil {
		return err
	}
	var in AnswersInput
	if err := decodeJSON(r, w, s.opts.MaxBody, &in); err != nil {
		return err
	}
	v, err := m.Answer(r.Context(), r.PathValue("token"), in.Answers)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// ChoiceInput is the body of POST /api/v1/play/{token}/choice: the amount
// sent (as trustor) or returned (as trustee) in a round. Sending it again
// records nothing new.
type ChoiceInput struct {
	Round  int `json:"round"`
	Amount int `json:"amount"`
}

func (s *Server) playChoice(w http.ResponseWriter, r *http.Request) error {
	m, err := s.experiments()
	if err != nil {
		return err
	}
	var in ChoiceInput
	if err := decodeJSON(r, w, s.opts.MaxBody, &in); err != nil {
		return err
	}
	a, err := m.Choose(r.Context(), r.PathValue("token"), in.Round, in.Amount)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

// sse streams snapshot() as server-sent events "state" whenever changed
// fires, and a comment every 15 s to keep proxies from closing the stream.
func (s *Server) sse(w http.ResponseWriter, r *http.Request, changed <-chan struct{}, snapshot func() (any, error)) error {
	rc := http.NewResponseController(w)
	// A stream outlives the server's read and write timeouts.
	rc.SetWriteDeadline(time.Time{})
	rc.SetReadDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	send := func() error {
		v, err := snapshot()
		if err != nil {
			return err
		}
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "event: state\ndata: %s\n\n", b); err != nil {
			return err
		}
		return rc.Flush()
	}
	if err := send(); err != nil {
		return nil
	}
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-s.closing:
			return nil
		case <-changed:
			if err := send(); err != nil {
				return nil
			}
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return nil
			}
			if rc.Flush() != nil {
				return nil
			}
		}
	}
}

func (s *Server) playEvents(w http.ResponseWriter, r *http.Request) error {
	m, err := s.experiments()
	if err != nil {
		return err
	}
	tok := r.PathValue("token")
	if _, err := m.View(r.Context(), tok); err != nil {
		return err
	}
	ch, stop, err := m.Subscribe(tok)
	if err != nil {
		return err
	}
	defer stop()
	return s.sse(w, r, ch, func() (any, error) { return m.View(r.Context(), tok) })
}

func (s *Server) monitorEvents(w http.ResponseWriter, r *http.Request) error {
	m, err := s.experiments()
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	ch, stop, err := m.SubscribeMonitor(id)
	if err != nil {
		return err
	}
	defer stop()
	return s.sse(w, r, ch, func() (any, error) { return m.Monitor(id) })
}
