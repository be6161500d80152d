package httpapi

import (
	"net/http"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/examples"
)

// labRoutes are the endpoints of the web laboratory: the pyramid explorer's
// curves, the experience lab's encounter sequences, and the shipped example
// scenarios and data specs for the simulation and fit pages.
func (s *Server) labRoutes() []route {
	return []route{
		{"POST", "/api/v1/decide/curve", s.decideCurve},
		{"POST", "/api/v1/encounters", s.encounters},
		{"GET", "/api/v1/examples", s.examples},
	}
}

func (s *Server) decideCurve(w http.ResponseWriter, r *http.Request) error {
	return withBody(s, w, r, trustlab.Curve)
}

func (s *Server) encounters(w http.ResponseWriter, r *http.Request) error {
	return withBody(s, w, r, trustlab.Encounters)
}

// examplesList is the body of GET /api/v1/examples.
type examplesList struct {
	Scenarios []examples.File `json:"scenarios"`
	Specs     []examples.File `json:"specs"`
	Sweeps    []examples.File `json:"sweeps"`
}

func (s *Server) examples(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, examplesList{Scenarios: examples.Scenarios(), Specs: examples.Specs(), Sweeps: examples.Sweeps()})
	return nil
}
