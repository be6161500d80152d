package httpapi

import (
	"net/http"

	"github.com/trustlab/trustlab"
)

// labRoutes are the endpoints of the web laboratory: the pyramid explorer's
// curves and the experience lab's encounter sequences.
func (s *Server) labRoutes() []route {
	return []route{
		{"POST", "/api/v1/decide/curve", s.decideCurve},
		{"POST", "/api/v1/encounters", s.encounters},
	}
}

func (s *Server) decideCurve(w http.ResponseWriter, r *http.Request) error {
	var in trustlab.CurveInput
	if err := decodeJSON(r, w, s.opts.MaxBody, &in); err != nil {
		return err
	}
	out, err := trustlab.Curve(in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) encounters(w http.ResponseWriter, r *http.Request) error {
	var in trustlab.EncountersInput
	if err := decodeJSON(r, w, s.opts.MaxBody, &in); err != nil {
		return err
	}
	out, err := trustlab.Encounters(in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
