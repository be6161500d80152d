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
		{"POST", "/api/v1/experiments/sessions", on(s.experiments, s.createExperimentSession)},
		{"GET", "/api/v1/experiments/sessions", on(s.experiments, listExperimentSessions)},
		{"GET", "/api/v1/experiments/sessions/{id}", on(s.experiments, getExperimentSession)},
		{"GET", "/api/v1/experiments/sessions/{id}/events", on(s.experiments, s.monitorEvents)},
		{"POST", "/api/v1/experiments/sessions/{id}/start", on(s.experiments, startExperimentSession)},
		{"POST", "/api/v1/experiments/sessions/{id}/seats/{label}/replace", on(s.experiments, replaceSeat)},
		{"POST", "/api/v1/experiments/sessions/{id}/seats/{label}/link", on(s.experiments, relinkSeat)},
		{"POST", "/api/v1/experiments/sessions/{id}/fit", on(s.experiments, s.fitExperimentSession)},
		{"GET", "/api/v1/experiments/sessions/{id}/export/{file}", on(s.experiments, exportExperimentSession)},

		{"POST", "/api/v1/play/join", on(s.experiments, s.joinRoom)},
		{"GET", "/api/v1/play/{token}", on(s.experiments, playView)},
		{"GET", "/api/v1/play/{token}/events", on(s.experiments, s.playEvents)},
		{"POST", "/api/v1/play/{token}/questionnaire", on(s.experiments, s.playAnswer)},
		{"POST", "/api/v1/play/{token}/choice", on(s.experiments, s.playChoice)},
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

func (s *Server) createExperimentSession(m *experiment.Manager, w http.ResponseWriter, r *http.Request) error {
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

func listExperimentSessions(m *experiment.Manager, w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]any{"sessions": m.Sessions()})
	return nil
}

func getExperimentSession(m *experiment.Manager, w http.ResponseWriter, r *http.Request) error {
	mo, err := m.Monitor(r.PathValue("id"))
	return reply(w, http.StatusOK, mo, err)
}

func startExperimentSession(m *experiment.Manager, w http.ResponseWriter, r *http.Request) error {
	mo, err := m.Start(r.Context(), r.PathValue("id"))
	return reply(w, http.StatusOK, mo, err)
}

func replaceSeat(m *experiment.Manager, w http.ResponseWriter, r *http.Request) error {
	mo, err := m.Replace(r.Context(), r.PathValue("id"), r.PathValue("label"))
	return reply(w, http.StatusOK, mo, err)
}

// relinkSeat issues a new link for a participant (the old one stops
// working); the link is in the answer only.
func relinkSeat(m *experiment.Manager, w http.ResponseWriter, r *http.Request) error {
	l, err := m.Relink(r.Context(), r.PathValue("id"), r.PathValue("label"))
	return reply(w, http.StatusOK, l, err)
}

// fitExperimentSession submits the session's trials.csv and spec.yaml as
// a fit job (the fits page shows it) and records it on the session.
func (s *Server) fitExperimentSession(m *experiment.Manager, w http.ResponseWriter, r *http.Request) error {
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

func exportExperimentSession(m *experiment.Manager, w http.ResponseWriter, r *http.Request) error {
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

func (s *Server) joinRoom(m *experiment.Manager, w http.ResponseWriter, r *http.Request) error {
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

func playView(m *experiment.Manager, w http.ResponseWriter, r *http.Request) error {
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

func (s *Server) playAnswer(m *experiment.Manager, w http.ResponseWriter, r *http.Request) error {
	return withBody(s, w, r, func(in AnswersInput) (experiment.View, error) {
		return m.Answer(r.Context(), r.PathValue("token"), in.Answers)
	})
}

// ChoiceInput is the body of POST /api/v1/play/{token}/choice: the amount
// sent (as trustor) or returned (as trustee) in a round. Sending it again
// records nothing new.
type ChoiceInput struct {
	Round  int `json:"round"`
	Amount int `json:"amount"`
}

func (s *Server) playChoice(m *experiment.Manager, w http.ResponseWriter, r *http.Request) error {
	return withBody(s, w, r, func(in ChoiceInput) (experiment.Ack, error) {
		return m.Choose(r.Context(), r.PathValue("token"), in.Round, in.Amount)
	})
}

// sse streams snapshot() as server-sent events "state" whenever changed
// fires, and a comment every 15 s to keep proxies from closing the stream.
func (s *Server) sse(w http.ResponseWriter, r *http.Request, changed <-chan struct{}, snapshot func() (any, error)) error {
	rc := startEvents(w)
	send := func() error {
		v, err := snapshot()
		if err != nil {
			return err
		}
		return sendEvent(w, rc, "state", v)
	}
	if err := send(); err != nil {
		return nil
	}
	s.pump(w, r, rc, changed, func(bool) bool { return send() == nil })
	return nil
}

// pump keeps an event stream open until the request ends, the server
// shuts down or changed returns false: it calls changed for each value
// received from ch (ok false once ch is closed), and writes a comment
// every 15 s to keep proxies from closing the stream.
func (s *Server) pump(w http.ResponseWriter, r *http.Request, rc *http.ResponseController, ch <-chan struct{}, changed func(ok bool) bool) {
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.closing:
			return
		case _, ok := <-ch:
			if !changed(ok) {
				return
			}
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil || rc.Flush() != nil {
				return
			}
		}
	}
}

// startEvents answers 200 with the headers of a stream of server-sent
// events, and returns the controller that flushes its events.
func startEvents(w http.ResponseWriter) *http.ResponseController {
	rc := http.NewResponseController(w)
	// A stream outlives the server's read and write timeouts.
	rc.SetWriteDeadline(time.Time{})
	rc.SetReadDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	return rc
}

// sendEvent sends v as JSON in the server-sent event of type event.
func sendEvent(w http.ResponseWriter, rc *http.ResponseController, event string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b); err != nil {
		return err
	}
	return rc.Flush()
}

func (s *Server) playEvents(m *experiment.Manager, w http.ResponseWriter, r *http.Request) error {
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

func (s *Server) monitorEvents(m *experiment.Manager, w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	ch, stop, err := m.SubscribeMonitor(id)
	if err != nil {
		return err
	}
	defer stop()
	return s.sse(w, r, ch, func() (any, error) { return m.Monitor(id) })
}
