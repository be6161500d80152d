package httpapi

import (
	"net/http"

	"github.com/trustlab/trustlab"
)

// The shapes most endpoints share. Every one of them ends in an error or
// nil: New answers an error with writeError, whose status StatusCode
// gives, so that no handler picks an error's status itself.

// handler is an endpoint of the route table.
type handler = func(w http.ResponseWriter, r *http.Request) error

// on returns the endpoint h on the service that get returns: get's error
// (this server has no such service) is the answer when there is one.
func on[Svc any](get func() (Svc, error), h func(svc Svc, w http.ResponseWriter, r *http.Request) error) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		svc, err := get()
		if err != nil {
			return err
		}
		return h(svc, w, r)
	}
}

// reply ends a handler: err when there is one, else v as JSON with status.
func reply(w http.ResponseWriter, status int, v any, err error) error {
	if err != nil {
		return err
	}
	writeJSON(w, status, v)
	return nil
}

// withBody decodes the request's JSON body into an In (decodeJSON) and
// answers do's result with 200 (reply).
func withBody[In, Out any](s *Server, w http.ResponseWriter, r *http.Request, do func(in In) (Out, error)) error {
	var in In
	if err := decodeJSON(r, w, s.opts.MaxBody, &in); err != nil {
		return err
	}
	out, err := do(in)
	return reply(w, http.StatusOK, out, err)
}

// upsert decodes the request's JSON body into an In and answers what do
// stored with 201 when do created it, with 200 when it was there already.
func upsert[In, Out any](s *Server, w http.ResponseWriter, r *http.Request, do func(in In) (v Out, created bool, err error)) error {
	var in In
	if err := decodeJSON(r, w, s.opts.MaxBody, &in); err != nil {
		return err
	}
	v, created, err := do(in)
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return reply(w, status, v, err)
}

// submit submits in as a job and answers 202 with the job, its Location
// the job's own path (/api/v1/runs/ID, /api/v1/fits/ID, /api/v1/sweeps/ID).
func submit(js trustlab.JobService, w http.ResponseWriter, r *http.Request, in trustlab.JobInput) error {
	j, err := js.Submit(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/"+string(in.Kind)+"s/"+j.ID)
	writeJSON(w, http.StatusAccepted, j)
	return nil
}
