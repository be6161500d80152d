package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/trustlab/trustlab"
)

func (s *Server) decide(w http.ResponseWriter, r *http.Request) error {
	return withBody(s, w, r, trustlab.Decide)
}

func (s *Server) listParties(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.opts.Ledger.Parties(r.Context())
	return reply(w, http.StatusOK, map[string]any{"parties": ps}, err)
}

func (s *Server) putParty(w http.ResponseWriter, r *http.Request) error {
	return upsert(s, w, r, func(in trustlab.PartyInput) (trustlab.Party, bool, error) {
		return s.opts.Ledger.PutParty(r.Context(), r.PathValue("id"), in)
	})
}

func (s *Server) getParty(w http.ResponseWriter, r *http.Request) error {
	p, err := s.opts.Ledger.Party(r.Context(), r.PathValue("id"))
	return reply(w, http.StatusOK, p, err)
}

func (s *Server) recordExperience(w http.ResponseWriter, r *http.Request) error {
	return upsert(s, w, r, func(in trustlab.ExperienceInput) (trustlab.Experience, bool, error) {
		return s.opts.Ledger.RecordExperience(r.Context(), in)
	})
}

func (s *Server) belief(w http.ResponseWriter, r *http.Request) error {
	h, err := s.opts.Ledger.Belief(r.Context(), r.PathValue("from"), r.PathValue("to"))
	return reply(w, http.StatusOK, h, err)
}

func (s *Server) ledgerDecide(w http.ResponseWriter, r *http.Request) error {
	return withBody(s, w, r, func(in trustlab.LedgerDecideInput) (trustlab.LedgerDecision, error) {
		return s.opts.Ledger.Decide(r.Context(), r.PathValue("from"), in)
	})
}

func (s *Server) jobs() (trustlab.JobService, error) {
	if s.opts.Jobs == nil {
		return nil, trustlab.Errorf(trustlab.EINTERNAL, "httpapi: no job service configured")
	}
	return s.opts.Jobs, nil
}

// submitRun accepts a scenario as the raw body (YAML) or as JSON
// {"scenario": "<YAML text>"}.
func (s *Server) submitRun(js trustlab.JobService, w http.ResponseWriter, r *http.Request) error {
	scenario, err := s.scenarioBody(w, r)
	if err != nil {
		return err
	}
	return submit(js, w, r, trustlab.JobInput{Kind: trustlab.KindRun, Scenario: scenario})
}

// submitFit accepts multipart/form-data with a file "data" (CSV), a
// file or field "spec" (YAML) and, optionally, a field "options" (the
// fit's options as a JSON object, whose fields the fitter checks) and
// files "questionnaire" (CSV) and "key" (YAML).
func (s *Server) submitFit(js trustlab.JobService, w http.ResponseWriter, r *http.Request) error {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		return trustlab.Invalid(trustlab.FieldErrorf("body", "", "Content-Type %q: send multipart/form-data with a file \"data\" (CSV) and \"spec\" (YAML), e.g. curl -F data=@trust.csv -F spec=@spec.yaml", mt))
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxUpload)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return trustlab.Errorf(trustlab.ETOOLARGE, "body: larger than the upload limit of %d bytes", mbe.Limit)
		}
		return trustlab.Errorf(trustlab.EINVALID, "body: %v", err)
	}
	defer r.MultipartForm.RemoveAll()
	spec, err := formBytes(r, "spec", s.opts.MaxBody)
	if err != nil {
		return err
	}
	f, _, err := r.FormFile("data")
	if err != nil {
		return trustlab.Invalid(trustlab.FieldErrorf("data", "", "required: the data set as a CSV file part (curl -F data=@trust.csv)"))
	}
	defer f.Close()
	opts, err := fitOptions(r, s.opts.MaxBody)
	if err != nil {
		return err
	}
	in := trustlab.JobInput{Kind: trustlab.KindFit, Data: f, Spec: spec, FitOptions: opts}
	// An optional trait questionnaire (CSV) and its scoring key (YAML), as
	// --questionnaire and --key: both or neither (jobs checks).
	for _, p := range []struct {
		name string
		dst  *[]byte
	}{{"questionnaire", &in.Questionnaire}, {"key", &in.Key}} {
		if mf := r.MultipartForm; len(mf.File[p.name]) > 0 || len(mf.Value[p.name]) > 0 {
			if *p.dst, err = formBytes(r, p.name, s.opts.MaxUpload); err != nil {
				return err
			}
		}
	}
	return submit(js, w, r, in)
}

// formBytes returns a multipart part given as a file or a plain field.
func formBytes(r *http.Request, name string, limit int64) ([]byte, error) {
	if f, _, err := r.FormFile(name); err == nil {
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, limit+1))
		if err != nil {
			return nil, trustlab.Errorf(trustlab.EINVALID, "%s: %v", name, err)
		}
		if int64(len(b)) > limit {
			return nil, trustlab.Errorf(trustlab.ETOOLARGE, "%s: larger than %d bytes", name, limit)
		}
		return b, nil
	}
	if v := r.FormValue(name); v != "" {
		return []byte(v), nil
	}
	if name != "spec" {
		return nil, trustlab.Invalid(trustlab.FieldErrorf(name, "", "empty"))
	}
	return nil, trustlab.Invalid(trustlab.FieldErrorf(name, "", "required: the data spec as a YAML file part (curl -F spec=@spec.yaml)"))
}

// fitOptions returns the optional part "options" of a fit submission: one
// JSON object (its fields are checked by the fitter), or nil.
func fitOptions(r *http.Request, limit int64) ([]byte, error) {
	if mf := r.MultipartForm; mf == nil || (len(mf.File["options"]) == 0 && len(mf.Value["options"]) == 0) {
		return nil, nil
	}
	b, err := formBytes(r, "options", limit)
	if err != nil {
		return nil, err
	}
	t := bytes.TrimSpace(b)
	if !utf8.Valid(t) || !json.Valid(t) || len(t) == 0 || t[0] != '{' {
		return nil, trustlab.Invalid(trustlab.FieldErrorf("options", "a JSON object", "not a JSON object: send the fit's options as {\"models\": \"all\", \"prior\": \"weak\", ...}"))
	}
	return t, nil
}

func isJSON(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "application/json"
}

func (s *Server) listJobs(kind trustlab.JobKind) handler {
	return on(s.jobs, func(js trustlab.JobService, w http.ResponseWriter, r *http.Request) error {
		list, err := js.Jobs(r.Context(), kind)
		return reply(w, http.StatusOK, map[string]any{string(kind) + "s": list}, err)
	})
}

func (s *Server) getJob(kind trustlab.JobKind) handler {
	return on(s.jobs, func(js trustlab.JobService, w http.ResponseWriter, r *http.Request) error {
		j, err := js.Job(r.Context(), kind, r.PathValue("id"))
		return reply(w, http.StatusOK, j, err)
	})
}

func (s *Server) deleteJob(kind trustlab.JobKind) handler {
	return on(s.jobs, func(js trustlab.JobService, w http.ResponseWriter, r *http.Request) error {
		if err := js.Delete(r.Context(), kind, r.PathValue("id")); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// jobFile serves an output file of a done job: the file name, or with
// name "" the file named by the {name} path value, or with name "plots/"
// the plot (SVG or PNG) named by {name}, or with name "levels/" the file
// {name} of the level folder {level} of a split fit, or with name
// "trustees/" the file {name} of a fit's trustees (role both). Plots sit beside the report in
// the output folder, so that index.html's relative links work at
// /api/v1/runs/{id}/index.html.
func (s *Server) jobFile(kind trustlab.JobKind, name string) handler {
	return on(s.jobs, func(js trustlab.JobService, w http.ResponseWriter, r *http.Request) error {
		file := name
		if name == "" || name == "plots/" || name == "levels/" || name == "trustees/" {
			file = r.PathValue("name")
			if file == "" || file == "." || file == ".." || strings.ContainsAny(file, `/\`) {
				return trustlab.Invalid(trustlab.FieldErrorf("name", "", "%q: not a file name", file))
			}
			if name == "levels/" {
				level := r.PathValue("level")
				if level == "" || level == "." || level == ".." || strings.ContainsAny(level, `/\`) {
					return trustlab.Invalid(trustlab.FieldErrorf("level", "", "%q: not a level folder", level))
				}
				file = "levels/" + level + "/" + file
			}
			if name == "trustees/" {
				file = "trustees/" + file
			}
			if ext := path.Ext(file); name == "plots/" && ext != ".svg" && ext != ".png" {
				return trustlab.Invalid(trustlab.FieldErrorf("name", ".svg or .png", "%q: not a plot", file))
			}
		}
		if name == "plots/" && kind == trustlab.KindSweep {
			file = "plots/" + file // a sweep's report keeps its plots in plots/
		}
		f, err := js.Open(r.Context(), kind, r.PathValue("id"), file)
		if err != nil {
			return err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return err
		}
		rs, ok := f.(io.ReadSeeker)
		if !ok {
			return trustlab.Errorf(trustlab.EINTERNAL, "%s: not seekable", file)
		}
		ct := mime.TypeByExtension(path.Ext(file))
		switch path.Ext(file) {
		case ".csv":
			ct = "text/csv; charset=utf-8"
		case ".json":
			ct = "application/json"
		}
		if ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		// A job's files are its runner's or fitter's output, in part from the
		// client's input: never sniffed into another type, and HTML or
		// SVG opened directly runs in a sandbox (no scripts, an origin of
		// its own), so that it cannot act as the API's origin.
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Security-Policy", "sandbox")
		http.ServeContent(w, r, path.Base(file), modTime(st), rs)
		return nil
	})
}

func modTime(st fs.FileInfo) time.Time {
	if st == nil {
		return time.Time{}
	}
	return st.ModTime()
}

// sweepBody reads a sweep file sent as the raw body (YAML) or as JSON
// {"sweep": "<YAML text>"}.
func (s *Server) sweepBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return yamlBody(s, w, r, "sweep", "sweep file", func(in *SweepInput) string { return in.Sweep })
}

// scenarioBody reads a scenario sent as the body or as JSON {"scenario": ...}.
func (s *Server) scenarioBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	type scenarioInput struct {
		Scenario string `json:"scenario"`
	}
	return yamlBody(s, w, r, "scenario", "scenario", func(in *scenarioInput) string { return in.Scenario })
}

// yamlBody reads a YAML file sent as the raw body or, as JSON, in the one
// field of an In that text returns; field names the file in its errors
// ("scenario" or "sweep"), what says what it is ("scenario", "sweep file").
func yamlBody[In any](s *Server, w http.ResponseWriter, r *http.Request, field, what string, text func(*In) string) ([]byte, error) {
	var src []byte
	if isJSON(r) {
		var in In
		if err := decodeJSON(r, w, s.opts.MaxBody, &in); err != nil {
			return nil, err
		}
		src = []byte(text(&in))
	} else {
		var err error
		if src, err = io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxBody)); err != nil {
			return nil, jsonError(err)
		}
	}
	if !utf8.Valid(src) {
		return nil, trustlab.Invalid(trustlab.FieldErrorf(field, "", "not valid UTF-8: a %s is UTF-8 text", what))
	}
	if len(strings.TrimSpace(string(src))) == 0 {
		return nil, trustlab.Invalid(trustlab.FieldErrorf(field, "", "required: the %s file (YAML) as the body, or JSON {\"%s\": \"...\"}", field, field))
	}
	return src, nil
}

// sweepChecker is a job service that checks sweeps without a job
// (jobs.Manager).
type sweepChecker interface {
	CheckSweep(ctx context.Context, sweep []byte) (trustlab.JobSize, error)
}

// checkSweep validates a sweep file as a sweep submission would, and
// creates no sweep: the sweeps page checks as the user types.
func (s *Server) checkSweep(js trustlab.JobService, w http.ResponseWriter, r *http.Request) error {
	sc, ok := js.(sweepChecker)
	if !ok {
		return trustlab.Errorf(trustlab.EUNAVAILABLE, "this server cannot check sweeps")
	}
	src, err := s.sweepBody(w, r)
	if err != nil {
		return err
	}
	z, err := sc.CheckSweep(r.Context(), src)
	return reply(w, http.StatusOK, CheckRunOutput{OK: true, Size: z}, err)
}

// submitSweep accepts a sweep file (its base scenario inline) as the raw
// body (YAML) or as JSON {"sweep": "<YAML text>"}.
func (s *Server) submitSweep(js trustlab.JobService, w http.ResponseWriter, r *http.Request) error {
	src, err := s.sweepBody(w, r)
	if err != nil {
		return err
	}
	return submit(js, w, r, trustlab.JobInput{Kind: trustlab.KindSweep, Sweep: src})
}

// SweepInput is the JSON body of POST /api/v1/sweeps.
type SweepInput struct {
	Sweep string `json:"sweep"` // the sweep file (YAML), its base scenario inline (base:)
}

// CheckRunOutput answers POST /api/v1/runs/check for a valid scenario:
// what the run would need (its errors answer 400 like a submitted run's).
type CheckRunOutput struct {
	OK   bool             `json:"ok"`
	Size trustlab.JobSize `json:"size"`
}

// checkRun validates a scenario as a run submission would, and creates
// no run: the builder and the editor check as the user types.
func (s *Server) checkRun(js trustlab.JobService, w http.ResponseWriter, r *http.Request) error {
	scenario, err := s.scenarioBody(w, r)
	if err != nil {
		return err
	}
	z, err := js.CheckRun(r.Context(), scenario)
	return reply(w, http.StatusOK, CheckRunOutput{OK: true, Size: z}, err)
}
