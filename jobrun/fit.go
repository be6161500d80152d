package jobrun

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/dataset"
	"github.com/trustlab/trustlab/fitrun"
	"github.com/trustlab/trustlab/internal/srcpos"
)

// Fit fits the model to data sets with the workflow of
// `trustlab fit DATA.csv --spec SPEC.yaml --out DIR` at its defaults
// (package fitrun): it implements [trustlab.Fitter].
type Fit struct {
	Version string // trustlab version for the manifest
	Workers int    // subjects fitted in parallel; 0: every CPU
}

var _ trustlab.Fitter = Fit{}

// options reads the fit's options that jobs saved beside the data
// (options.json, from trustlab.JobInput.FitOptions; absent: the
// defaults) and checks them (fitrun.Settings); bad ones are EINVALID
// errors naming the option's field and range.
func options(dataPath string) (fitrun.Settings, fitrun.Options, error) {
	var b []byte
	if f, err := os.ReadFile(filepath.Join(filepath.Dir(dataPath), "options.json")); err == nil {
		b = f
	} else if !errors.Is(err, os.ErrNotExist) {
		return fitrun.Settings{}, fitrun.Options{}, err
	}
	s, err := fitrun.ParseSettings(b)
	if err != nil {
		return s, fitrun.Options{}, optionErrors(err)
	}
	o, perr := s.Options()
	// A trait questionnaire submitted with the job (jobs writes it beside
	// the data) fixes each subject's tau, as --questionnaire does.
	q, key := filepath.Join(filepath.Dir(dataPath), "questionnaire.csv"), filepath.Join(filepath.Dir(dataPath), "questionnaire_key.yaml")
	if _, err := os.Stat(q); err == nil {
		if _, err := os.Stat(key); err == nil {
			o.Questionnaire, o.Key = q, key
		}
	}
	if perr == nil {
		perr = o.Validate()
	}
	if perr != nil {
		return s, o, optionErrors(perr)
	}
	return s, o, nil
}

// optionErrors turns fitrun's option errors into field errors of the
// request (EINVALID: each names its field and range).
func optionErrors(err error) error {
	var list []error
	for _, e := range fitrun.Problems(err) {
		var oe *fitrun.OptionError
		if errors.As(e, &oe) {
			msg := oe.Msg
			if oe.Value != "" {
				msg = oe.Value + ": " + msg
			}
			list = append(list, &trustlab.Error{Code: trustlab.EINVALID, Field: oe.Field, Range: oe.Range, Message: msg})
			continue
		}
		list = append(list, e)
	}
	return trustlab.Invalid(errors.Join(list...))
}

// Check parses the spec and reads the data's header against it, and
// checks the fit's options (options.json beside the data) against both.
func (Fit) Check(dataPath string, spec []byte) error {
	sp, err := dataset.ParseSpec(bytes.NewReader(spec), "spec.yaml")
	if _, ok := srcpos.As(err); ok {
		return trustlab.Invalid(err) // its file, line and column go to the client as fields
	}
	if err != nil {
		return trustlab.Invalid(&trustlab.Error{Code: trustlab.EINVALID, Field: "spec", Message: err.Error()})
	}
	f, err := os.Open(dataPath)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := dataset.NewReader(f, "data.csv", sp); err != nil {
		if _, ok := srcpos.As(err); ok {
			return trustlab.Invalid(err)
		}
		return trustlab.Invalid(&trustlab.Error{Code: trustlab.EINVALID, Field: "data", Message: err.Error()})
	}
	_, o, err := options(dataPath)
	if err != nil {
		return err
	}
	if err := fitrun.Check(dataPath, sp, o); err != nil {
		var oe *fitrun.OptionError
		if errors.As(err, &oe) {
			return optionErrors(err)
		}
		return trustlab.Invalid(err)
	}
	return nil
}

// FitPhase says in a few words what a fit is doing when it reports p: the
// phase the web page shows beside "done of total" (trustlab.ReportPhase).
func FitPhase(p fitrun.Progress) string {
	if p.Levels > 0 {
		q := p
		q.Levels = 0
		return fmt.Sprintf("level %d of %d (%s): %s", p.LevelIndex, p.Levels, p.Level, FitPhase(q))
	}
	switch p.Stage {
	case fitrun.StageRead:
		return "reading the data"
	case fitrun.StageStart:
		if p.Prior.String() == "empirical" { // fit.PriorEmpirical (jobrun does not import fit)
			return "reading the data and fitting every subject under a weak prior"
		}
		return fmt.Sprintf("fitting subject 1 of %d (with cross-validation)", p.Total)
	case fitrun.StageEM:
		return fmt.Sprintf("EM iteration %d (estimating the population prior)", p.Iteration)
	case fitrun.StageSubject:
		if p.Done >= p.Total {
			return fmt.Sprintf("fitted subject %d of %d", p.Done, p.Total)
		}
		return fmt.Sprintf("fitting subject %d of %d (with cross-validation)", p.Done+1, p.Total)
	case fitrun.StagePlots:
		return "writing the tables, plots and report"
	}
	return ""
}

// Fit fits the data into out and returns the manifest as JSON. The spec
// is saved as spec.yaml beside out (the manifest names it). progress
// counts subjects whose final fits are written: 0 of all of them at the
// start (and while empirical Bayes estimates the population prior), then
// one more per subject.
func (e Fit) Fit(ctx context.Context, dataPath string, spec []byte, out string, progress trustlab.ProgressFunc) ([]byte, error) {
	specPath := filepath.Join(filepath.Dir(out), "spec.yaml")
	if _, err := os.Stat(specPath); err != nil {
		if err := os.WriteFile(specPath, spec, 0o644); err != nil {
			return nil, err
		}
	}
	settings, o, err := options(dataPath)
	if err != nil {
		return nil, err
	}
	o.Workers = e.Workers
	o.Force = true // the job owns its folder; a restarted job starts it again
	o.Version = e.Version
	o.Args = append([]string{dataPath, "--spec", specPath, "--out", out}, settings.Args()...)
	o.Progress = func(p fitrun.Progress) {
		trustlab.ReportPhase(ctx, FitPhase(p))
		switch p.Stage {
		case fitrun.StageStart:
			progress(0, p.Total)
		case fitrun.StageSubject:
			progress(p.Done, p.Total)
		}
	}
	if o.Questionnaire != "" {
		o.Args = append(o.Args, "--questionnaire", o.Questionnaire, "--key", o.Key)
	}
	res, err := fitrun.Run(ctx, dataPath, specPath, out, o)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var ie *fitrun.InputError
		if errors.As(err, &ie) {
			return nil, trustlab.Invalid(err)
		}
		return nil, err
	}
	return json.Marshal(res.Manifest)
}
