package httpapi

import (
	"encoding/json"
	"testing"
)

// The options of a fit (the multipart field "options") never make the
// upload fail with anything but a client error.
func FuzzFitOptions(f *testing.F) {
	for _, s := range []string{`{"models":"all"}`, `{}`, `[]`, `{"fix":{"gamma":1}}`, "\xff", ``, `{"a":`} {
		f.Add(s)
	}
	h := newTest(f, Options{Jobs: &fakeJobs{}})
	f.Fuzz(func(t *testing.T, options string) {
		ct, body := fitForm(options)
		w := postForm(h, ct, body)
		switch w.Code {
		case 202:
			if !json.Valid(w.Body.Bytes()) {
				t.Fatalf("status 202 with invalid JSON %q", w.Body)
			}
		case 400, 413:
			errorBody(t, w.Body.Bytes())
		default:
			t.Fatalf("options %q: status %d: %s", options, w.Code, w.Body)
		}
	})
}

// fuzzBody checks that no body makes an endpoint fail with anything but a
// client error and a well-formed JSON answer.
func fuzzBody(f *testing.F, method, path string, seeds ...string) {
	for _, s := range seeds {
		f.Add(s)
	}
	h := newTest(f, Options{Jobs: &fakeJobs{}})
	f.Fuzz(func(t *testing.T, body string) {
		status, b, _ := do(t, h, method, path, body)
		fuzzAnswer(t, body, status, b)
	})
}

// fuzzAnswer fails t unless the answer to body is a success (200, 201,
// 202) in well-formed JSON or a client error with an error body.
func fuzzAnswer(t *testing.T, body string, status int, b []byte) {
	t.Helper()
	switch status {
	case 200, 201, 202:
		if !json.Valid(b) {
			t.Fatalf("status %d with invalid JSON %q", status, b)
		}
	case 400, 404, 409, 413:
		errorBody(t, b)
	default:
		t.Fatalf("body %q: status %d: %s", body, status, b)
	}
}

func FuzzDecideBody(f *testing.F) {
	fuzzBody(f, "POST", "/api/v1/decide",
		`{"trait":0.3,"belief":{"a":3,"b":1},"situation":{"gain":1,"loss":2}}`,
		`{"p":0.4,"n":5,"situation":{"game":"investment","endowment":10,"multiplier":3}}`,
		`{"situation":{"gain":1,"loss":1,"control":{"cost":0.1,"gain":1,"loss":0}},"params":{"zeta":1}}`,
		`{"trait":1e400}`, `[]`, `null`, `{"params":{"beta":-1}}`)
}

func FuzzPartyBody(f *testing.F) {
	fuzzBody(f, "PUT", "/api/v1/parties/alice",
		`{"trait":0.3,"params":{"eta":0.01,"gamma":0.98}}`, `{}`, `{"trait":-1}`, `{"params":{"n0":0}}`)
}

func FuzzExperienceBody(f *testing.F) {
	fuzzBody(f, "POST", "/api/v1/experiences",
		`{"from":"alice","to":"bob","outcome":"honoured","stake":10,"time":"2025-03-01T12:00:00Z","key":"k1"}`,
		`{"from":"alice","to":"bob","outcome":0.4,"stake":0,"key":"k2"}`,
		`{"from":"alice","to":"alice","outcome":"betrayed","stake":1,"key":"k"}`,
		`{"from":"","to":"b","outcome":null,"stake":1e13,"time":"yesterday","key":""}`)
}

func FuzzLedgerDecideBody(f *testing.F) {
	fuzzBody(f, "POST", "/api/v1/parties/alice/decide",
		`{"to":"bob","stake":10}`, `{"to":"bob","situation":{"gain":1,"loss":3}}`, `{"to":"bob"}`, `{"to":"bob","stake":-1}`)
}

func FuzzRunBody(f *testing.F) {
	fuzzBody(f, "POST", "/api/v1/runs", `{"scenario":"steps: 5"}`, `{"scenario":""}`, `{"scenario":"\ud800"}`, `{"Scenario":"x"}`)
}

func FuzzSweepBody(f *testing.F) {
	fuzzBody(f, "POST", "/api/v1/sweeps", `{"sweep":"base: {steps: 5}"}`, `{"sweep":""}`, `{"sweep":"\ud800"}`, `{"Sweep":"x"}`, `[]`)
}
