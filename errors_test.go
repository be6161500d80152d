package trustlab_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/internal/srcpos"
)

// FieldErrors carries the position of errors about input files as fields,
// so that clients never parse it out of the message.
func TestFieldErrorsPositions(t *testing.T) {
	list := srcpos.List{
		{File: "scenario.yaml", Line: 4, Column: 8, Field: "steps", Msg: "-1: must be a whole number in [1, 10]"},
		{File: "scenario.yaml", Line: 2, Msg: "YAML syntax: bad"},
	}
	err := trustlab.Invalid(errors.Join(list.Err(), trustlab.FieldErrorf("kind", "run, fit", "unknown")))
	got := trustlab.FieldErrors(err)
	want := []trustlab.FieldError{
		{Field: "steps", File: "scenario.yaml", Line: 4, Column: 8, Message: "scenario.yaml:4:8: steps: -1: must be a whole number in [1, 10]"},
		{File: "scenario.yaml", Line: 2, Message: "scenario.yaml:2: YAML syntax: bad"},
		{Field: "kind", Range: "run, fit", Message: "kind: unknown"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FieldErrors (-want +got):\n%s", diff)
	}
}
