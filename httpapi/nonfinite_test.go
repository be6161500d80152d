package httpapi

import (
	"strings"
	"testing"

	"github.com/trustlab/trustlab"
)

// Inputs in range whose results overflow float64 are the caller's input:
// 400 with a message naming the inputs, never a 500 from the JSON encoder.
func TestDecideOverflowIsBadRequest(t *testing.T) {
	h := newTest(t, Options{})
	code, body, _ := do(t, h, "POST", "/api/v1/decide", `{"trait":0,"situation":{"gain":1e308,"loss":1e308}}`)
	if code != 400 {
		t.Fatalf("status %d, want 400: %s", code, body)
	}
	e := errorBody(t, body)
	if e.Code != trustlab.EINVALID || !strings.Contains(e.Message, "is not a finite number for gain = 1e+308, loss = 1e+308") {
		t.Errorf("error %+v", e)
	}
}
