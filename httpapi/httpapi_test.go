package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/experiment"
	"github.com/trustlab/trustlab/fitrun"
)

// fakeLedger validates its inputs like a store and answers from memory;
// it lets these tests exercise decoding, validation and error mapping
// without a database (the end-to-end tests in cmd/trustlab use the real
// store).
type fakeLedger struct{ trustlab.LedgerService }

func (fakeLedger) PutParty(ctx context.Context, id string, in trustlab.PartyInput) (trustlab.Party, bool, error) {
	tau, _, err := in.Validate(id)
	return trustlab.Party{ID: id, Trait: tau, Params: in.Params}, true, err
}

func (fakeLedger) RecordExperience(ctx context.Context, in trustlab.ExperienceInput) (trustlab.Experience, bool, error) {
	if err := in.Validate(); err != nil {
		return trustlab.Experience{}, false, err
	}
	if in.Key == "used" {
		return trustlab.Experience{}, false, &trustlab.Error{Code: trustlab.ECONFLICT, Field: "key", Message: "used"}
	}
	return trustlab.Experience{From: in.From, To: in.To, Key: in.Key}, true, nil
}

func (fakeLedger) Decide(ctx context.Context, from string, in trustlab.LedgerDecideInput) (trustlab.LedgerDecision, error) {
	return trustlab.LedgerDecide(trustlab.Party{ID: from, Trait: 0.5, CurrentTrait: 0.5}, nil, in)
}

func (fakeLedger) Party(ctx context.Context, id string) (trustlab.Party, error) {
	return trustlab.Party{}, &trustlab.Error{Code: trustlab.ENOTFOUND, Field: "id", Message: "no party " + id}
}

func newTest(t testing.TB, o Options) http.Handler {
	t.Helper()
	if o.Ledger == nil {
		o.Ledger = fakeLedger{}
	}
	o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	return New(o).Handler()
}

func do(t testing.TB, h http.Handler, method, path, body string, hdr ...string) (int, []byte, http.Header) {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Host = "127.0.0.1:8080" // httptest's example.com is not loopback
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == "Host" {
			r.Host = hdr[i+1]
			continue
		}
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code, w.Body.Bytes(), w.Header()
}

func errorBody(t testing.TB, b []byte) ErrorDetail {
	t.Helper()
	var e ErrorBody
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil || e.Error.Code == "" {
		t.Fatalf("error body %q: %v", b, err)
	}
	return e.Error
}

func TestStatusCode(t *testing.T) {
	for code, want := range map[string]int{
		"": 200, trustlab.EINVALID: 400, trustlab.EUNAUTHORIZED: 401, trustlab.ENOTFOUND: 404,
		trustlab.ECONFLICT: 409, trustlab.ETOOLARGE: 413, trustlab.EUNAVAILABLE: 501, trustlab.EINTERNAL: 500, "other": 500,
		trustlab.ELIMIT: 422, trustlab.EMEDIATYPE: 415, codeForbidden: 403,
	} {
		if got := StatusCode(code); got != want {
			t.Errorf("StatusCode(%q) = %d, want %d", code, got, want)
		}
	}
}

func TestErrors(t *testing.T) {
	h := newTest(t, Options{MaxBody: 1 << 10})
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		code, field, rng         string
	}{
		{"range", "POST", "/api/v1/decide", `{"trait": 2}`, 400, "invalid", "trait", "[0, 1]"},
		{"nested range", "POST", "/api/v1/decide", `{"situation": {"loss": -1}}`, 400, "invalid", "situation.loss", "[0, inf)"},
		{"param range", "POST", "/api/v1/decide", `{"params": {"gamma": 0}}`, 400, "invalid", "params.gamma", "(0, 1]"},
		{"unknown field", "POST", "/api/v1/decide", `{"trust": 1}`, 400, "invalid", "trust", ""},
		{"wrong type", "POST", "/api/v1/decide", `{"trait": "high"}`, 400, "invalid", "trait", ""},
		{"malformed", "POST", "/api/v1/decide", `{"trait": `, 400, "invalid", "", ""},
		{"empty", "POST", "/api/v1/decide", ``, 400, "invalid", "", ""},
		{"two objects", "POST", "/api/v1/decide", `{} {}`, 400, "invalid", "", ""},
		{"too large", "POST", "/api/v1/decide", `{"trait": 0.5` + strings.Repeat(" ", 2<<10) + `}`, 413, "too_large", "", ""},
		{"bad outcome", "POST", "/api/v1/experiences", `{"from":"a","to":"b","outcome":"maybe","stake":1,"key":"k"}`, 400, "invalid", "outcome", "[0, 1]"},
		{"outcome range", "POST", "/api/v1/experiences", `{"from":"a","to":"b","outcome":2,"stake":1,"key":"k"}`, 400, "invalid", "outcome", "[0, 1]"},
		{"missing key", "POST", "/api/v1/experiences", `{"from":"a","to":"b","outcome":"honoured","stake":1}`, 400, "invalid", "key", "1-200 bytes"},
		{"conflict", "POST", "/api/v1/experiences", `{"from":"a","to":"b","outcome":"honoured","stake":1,"key":"used"}`, 409, "conflict", "", ""},
		{"bad party id", "PUT", "/api/v1/parties/a%20b", `{}`, 400, "invalid", "id", "1-128 of A-Z a-z 0-9 . _ - : @"},
		{"not found", "GET", "/api/v1/parties/zed", ``, 404, "not_found", "", ""},
		{"no endpoint", "GET", "/api/v1/nothing", ``, 404, "not_found", "", ""},
		{"ledger decide without amounts", "POST", "/api/v1/parties/a/decide", `{"to":"b"}`, 400, "invalid", "situation", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body, _ := do(t, h, tc.method, tc.path, tc.body)
			if status != tc.status {
				t.Fatalf("status %d, want %d; body %s", status, tc.status, body)
			}
			e := errorBody(t, body)
			if e.Code != tc.code {
				t.Errorf("code %q, want %q", e.Code, tc.code)
			}
			if tc.field != "" {
				if len(e.Fields) == 0 || e.Fields[0].Field != tc.field || e.Fields[0].Range != tc.rng {
					t.Errorf("fields %+v, want the first %q with range %q", e.Fields, tc.field, tc.rng)
				}
			}
		})
	}
}

func TestDecideMatchesTheLibrary(t *testing.T) {
	h := newTest(t, Options{})
	in := `{"trait":0.3,"belief":{"a":3,"b":1},"situation":{"gain":1,"loss":2}}`
	status, body, _ := do(t, h, "POST", "/api/v1/decide", in)
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	var req trustlab.DecideInput
	json.Unmarshal([]byte(in), &req)
	out, err := trustlab.Decide(req)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(out)
	if got := bytes.TrimSpace(body); !bytes.Equal(got, want) {
		t.Errorf("body\n%s\nwant (trustlab.Decide)\n%s", got, want)
	}
}

func TestAuth(t *testing.T) {
	h := newTest(t, Options{Token: "s3cret"})
	body := `{"trait":0.5}`
	for _, tc := range []struct {
		name, header string
		status       int
	}{
		{"missing", "", 401},
		{"wrong", "Bearer nope", 401},
		{"not bearer", "Basic s3cret", 401},
		{"right", "Bearer s3cret", 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, b, hdr := do(t, h, "POST", "/api/v1/decide", body, "Authorization", tc.header)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %s", status, tc.status, b)
			}
			if status == 401 {
				if e := errorBody(t, b); e.Code != "unauthorized" || hdr.Get("WWW-Authenticate") == "" {
					t.Errorf("401 body %+v, WWW-Authenticate %q", e, hdr.Get("WWW-Authenticate"))
				}
			}
		})
	}
	// Every route is guarded, documents included.
	if status, _, _ := do(t, h, "GET", "/api/v1/openapi.json", ""); status != 401 {
		t.Errorf("openapi.json without a token: %d, want 401", status)
	}
}

func TestListenRefusesOpenAddressWithoutToken(t *testing.T) {
	for _, tc := range []struct {
		addr, token string
		ok          bool
	}{
		{"127.0.0.1:0", "", true},
		{"[::1]:0", "", true},
		{"localhost:0", "", true},
		{"0.0.0.0:0", "", false},
		{":0", "", false},
		{"0.0.0.0:0", "t", true},
	} {
		s := New(Options{Ledger: fakeLedger{}, Token: tc.token, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		addr, err := s.Listen(tc.addr)
		if (err == nil) != tc.ok {
			t.Errorf("Listen(%q) with token %q: err %v, want ok = %v", tc.addr, tc.token, err, tc.ok)
		}
		if err == nil {
			s.ln.Close()
			_ = addr
		} else if !tc.ok && !strings.Contains(err.Error(), "token") {
			t.Errorf("Listen(%q): %v; the message should say a token is needed", tc.addr, err)
		}
	}
}

func TestUIHook(t *testing.T) {
	ui := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ui:"+r.URL.Path) })
	h := newTest(t, Options{UI: ui})
	if _, b, _ := do(t, h, "GET", "/runs/x", ""); string(b) != "ui:/runs/x" {
		t.Errorf("UI got %q", b)
	}
	if status, _, _ := do(t, h, "GET", "/api/v1/nothing", ""); status != 404 {
		t.Errorf("unknown API path under a UI: %d, want 404", status)
	}
}

// TestOpenAPI checks that the document describes exactly the routes the
// server registers, with their path parameters.
func TestOpenAPI(t *testing.T) {
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct {
			Parameters []struct{ Name, In string } `json:"parameters"`
			Responses  map[string]any              `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi = %q, want 3.x", doc.OpenAPI)
	}
	s := New(Options{Ledger: fakeLedger{}})
	wild := regexp.MustCompile(`\{([a-z]+)\}`)
	seen := map[string]bool{}
	for _, rt := range s.routes() {
		key := strings.ToLower(rt.method) + " " + rt.pattern
		seen[key] = true
		op, ok := doc.Paths[rt.pattern][strings.ToLower(rt.method)]
		if !ok {
			t.Errorf("route %s %s is not in openapi.json", rt.method, rt.pattern)
			continue
		}
		var want, got []string
		for _, m := range wild.FindAllStringSubmatch(rt.pattern, -1) {
			want = append(want, m[1])
		}
		for _, p := range op.Parameters {
			if p.In == "path" {
				got = append(got, p.Name)
			}
		}
		sort.Strings(want)
		sort.Strings(got)
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%s %s: documented path parameters %v, want %v", rt.method, rt.pattern, got, want)
		}
		if len(op.Responses) == 0 {
			t.Errorf("%s %s: no responses documented", rt.method, rt.pattern)
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if !seen[method+" "+path] {
				t.Errorf("openapi.json documents %s %s, which the server does not serve", strings.ToUpper(method), path)
			}
		}
	}
}

// TestOpenAPISchemas checks that each documented schema has exactly the
// JSON fields of the Go type it describes.
func TestOpenAPISchemas(t *testing.T) {
	checkSchemas(t, map[string]any{
		"DecideInput": trustlab.DecideInput{}, "DecideOutput": trustlab.DecideOutput{},
		"Params": trustlab.DecideInput{}.Params, "Situation": trustlab.DecideInput{}.Situation,
		"Explanation": trustlab.LedgerDecision{}.Explanation, "Belief": trustlab.LedgerDecision{}.Belief,
		"PartyInput": trustlab.PartyInput{}, "Party": trustlab.Party{},
		"ExperienceInput": trustlab.ExperienceInput{}, "Experience": trustlab.Experience{},
		"BeliefStep": trustlab.BeliefStep{}, "BeliefHistory": trustlab.BeliefHistory{},
		"LedgerDecideInput": trustlab.LedgerDecideInput{}, "LedgerDecision": trustlab.LedgerDecision{},
		"Job": trustlab.Job{}, "Progress": trustlab.Progress{},
		"ErrorDetail": ErrorDetail{}, "FieldError": trustlab.FieldError{},
		"Session": Session{}, "SessionInput": SessionInput{},
		"DesignInput": DesignInput{}, "SessionCreateInput": SessionCreateInput{}, "JoinInput": JoinInput{},
		"AnswersInput": AnswersInput{}, "ChoiceInput": ChoiceInput{}, "Ack": experiment.Ack{},
		"FitOptions": fitrun.Settings{}, "SweepInput": SweepInput{},
	})
}

// checkSchemas checks that each named schema of openapi.json has exactly
// the JSON fields of its Go value.
func checkSchemas(t *testing.T, types map[string]any) {
	t.Helper()
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]any `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	for name, v := range types {
		s, ok := doc.Components.Schemas[name]
		if !ok {
			t.Errorf("schema %s missing", name)
			continue
		}
		var got []string
		for p := range s.Properties {
			got = append(got, p)
		}
		sort.Strings(got)
		want := jsonFields(reflect.TypeOf(v))
		sort.Strings(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("schema %s has properties %v; the Go type has %v", name, got, want)
		}
	}
}

// jsonFields lists the JSON names of a struct's fields, embedded ones
// flattened.
func jsonFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	return out
}

// fakeJobs records the submitted input.
type fakeJobs struct {
	trustlab.JobService
	data, spec, options string
	opened              string // the last file asked for by Open
}

func (f *fakeJobs) Open(ctx context.Context, kind trustlab.JobKind, id, name string) (fs.File, error) {
	f.opened = name
	return nil, &trustlab.Error{Code: trustlab.ENOTFOUND, Field: "name", Message: "no output " + name}
}

func (f *fakeJobs) Submit(ctx context.Context, in trustlab.JobInput) (trustlab.Job, error) {
	var b []byte
	if in.Data != nil {
		b, _ = io.ReadAll(in.Data)
	}
	f.data, f.spec, f.options = string(b), string(in.Spec), string(in.FitOptions)
	return trustlab.Job{ID: "j1", Kind: in.Kind, Status: trustlab.JobQueued}, nil
}

func TestFitUpload(t *testing.T) {
	fj := &fakeJobs{}
	h := newTest(t, Options{Jobs: fj, MaxUpload: 4 << 10})
	form := func(data string) (string, *bytes.Buffer) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		w, _ := mw.CreateFormFile("data", "trust.csv")
		io.WriteString(w, data)
		mw.WriteField("spec", "format: long\n")
		mw.Close()
		return mw.FormDataContentType(), &b
	}
	ct, body := form("subject,sent\n1,5\n")
	r := httptest.NewRequest("POST", "/api/v1/fits", body)
	r.Host = "localhost"
	r.Header.Set("Content-Type", ct)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 202 || fj.data != "subject,sent\n1,5\n" || fj.spec != "format: long\n" || w.Header().Get("Location") != "/api/v1/fits/j1" {
		t.Errorf("upload: %d %s; data %q spec %q", w.Code, w.Body, fj.data, fj.spec)
	}
	ct, body = form(strings.Repeat("x", 8<<10))
	r = httptest.NewRequest("POST", "/api/v1/fits", body)
	r.Host = "localhost"
	r.Header.Set("Content-Type", ct)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 413 {
		t.Errorf("upload over the limit: %d, want 413", w.Code)
	}
	if status, _, _ := do(t, h, "POST", "/api/v1/fits", `{}`); status != 415 {
		t.Errorf("JSON instead of multipart: %d, want 415", status)
	}
}

// fitForm is a fit submission: data, spec and, unless options is "-",
// the field "options".
func fitForm(options string) (string, *bytes.Buffer) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	w, _ := mw.CreateFormFile("data", "trust.csv")
	io.WriteString(w, "subject,sent\n1,5\n")
	mw.WriteField("spec", "format: long\n")
	if options != "-" {
		mw.WriteField("options", options)
	}
	mw.Close()
	return mw.FormDataContentType(), &b
}

func postForm(h http.Handler, ct string, body io.Reader) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", "/api/v1/fits", body)
	r.Host = "localhost"
	r.Header.Set("Content-Type", ct)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// The fit's options travel as one JSON object in the field "options" to
// the job service (which checks its fields); anything but an object is
// refused here, naming the field.
func TestFitOptionsField(t *testing.T) {
	for _, tc := range []struct {
		options string
		status  int
		passed  string
	}{
		{"-", 202, ""},
		{`{"models":"baseline","cv_fraction":0.7}`, 202, `{"models":"baseline","cv_fraction":0.7}`},
		{"  {}\n", 202, "{}"},
		{`[1, 2]`, 400, ""},
		{`{"models":`, 400, ""},
		{`"weak"`, 400, ""},
		{"{\"split\":\"\xff\"}", 400, ""},
	} {
		fj := &fakeJobs{}
		h := newTest(t, Options{Jobs: fj})
		ct, body := fitForm(tc.options)
		w := postForm(h, ct, body)
		if w.Code != tc.status || fj.options != tc.passed {
			t.Errorf("options %q: %d %s, passed %q; want %d, %q", tc.options, w.Code, w.Body, fj.options, tc.status, tc.passed)
		}
		if tc.status == 400 {
			if e := errorBody(t, w.Body.Bytes()); len(e.Fields) != 1 || e.Fields[0].Field != "options" || e.Fields[0].Range != "a JSON object" {
				t.Errorf("options %q: %+v, want a field error about options", tc.options, e)
			}
		}
	}
}

// The files of a split fit's levels are served from levels/LEVEL/NAME,
// and those of the trustees' fit from trustees/NAME; anything else than
// one folder and one file name is refused.
func TestFitLevelFiles(t *testing.T) {
	for _, tc := range []struct {
		path, opened string
		status       int
	}{
		{"/api/v1/fits/j1/levels/control/comparison.csv", "levels/control/comparison.csv", 404},
		{"/api/v1/fits/j1/levels/control/choices_good.svg", "levels/control/choices_good.svg", 404},
		{"/api/v1/fits/j1/levels/../index.html", "", 0},
		{"/api/v1/fits/j1/levels/%2e%2e/comparison.csv", "", 400},
		{"/api/v1/fits/j1/levels/a%2Fb/comparison.csv", "", 400},
		{"/api/v1/fits/j1/levels/control/..", "", 0},
		{"/api/v1/fits/j1/trustees/index.html", "trustees/index.html", 404},
		{"/api/v1/fits/j1/trustees/%2e%2e", "", 400},
	} {
		fj := &fakeJobs{}
		h := newTest(t, Options{Jobs: fj})
		status, b, _ := do(t, h, "GET", tc.path, "")
		if fj.opened != tc.opened || (tc.status != 0 && status != tc.status) {
			t.Errorf("%s: status %d (%s), opened %q; want %d, %q", tc.path, status, b, fj.opened, tc.status, tc.opened)
		}
	}
}

// A sweep is sent as YAML or as JSON {"sweep": ...} and reaches the job
// service as a sweep job; its plots are served from plots/.
func TestSubmitSweep(t *testing.T) {
	for _, tc := range []struct {
		body, ct string
		status   int
	}{
		{"base: {steps: 5}\n", "application/yaml", 202},
		{`{"sweep":"base: {steps: 5}\n"}`, "application/json", 202},
		{`{"sweep":"  "}`, "application/json", 400},
		{`{"swep":"x"}`, "application/json", 400},
		{"\xff\xfe", "application/yaml", 400},
	} {
		fj := &sweepJobs{}
		h := newTest(t, Options{Jobs: fj})
		status, b, hdr := do(t, h, "POST", "/api/v1/sweeps", tc.body, "Content-Type", tc.ct)
		if status != tc.status {
			t.Errorf("%q: %d %s, want %d", tc.body, status, b, tc.status)
		}
		if status == 202 && (fj.in.Kind != trustlab.KindSweep || !strings.Contains(string(fj.in.Sweep), "steps: 5") || hdr.Get("Location") != "/api/v1/sweeps/s1") {
			t.Errorf("%q: submitted %+v, location %q", tc.body, fj.in, hdr.Get("Location"))
		}
	}
	fj := &fakeJobs{}
	h := newTest(t, Options{Jobs: fj})
	do(t, h, "GET", "/api/v1/sweeps/s1/plots/trust_rate.svg", "")
	if fj.opened != "plots/trust_rate.svg" {
		t.Errorf("a sweep's plot opened %q, want plots/trust_rate.svg", fj.opened)
	}
	do(t, h, "GET", "/api/v1/runs/r1/plots/trust.svg", "")
	if fj.opened != "trust.svg" {
		t.Errorf("a run's plot opened %q, want trust.svg (beside its report)", fj.opened)
	}
}

type sweepJobs struct {
	fakeJobs
	in trustlab.JobInput
}

func (f *sweepJobs) Submit(ctx context.Context, in trustlab.JobInput) (trustlab.Job, error) {
	f.in = in
	return trustlab.Job{ID: "s1", Kind: in.Kind, Status: trustlab.JobQueued}, nil
}

// POST /api/v1/sweeps/check answers a valid sweep with its size and a bad
// one with its field errors, creating nothing; a job service that cannot
// check sweeps answers 501.
func TestCheckSweep(t *testing.T) {
	h := newTest(t, Options{Jobs: &checkingSweeps{}})
	status, b, _ := do(t, h, "POST", "/api/v1/sweeps/check", `{"sweep":"base: {steps: 5}\n"}`)
	if status != 200 || !strings.Contains(string(b), `"ok":true`) || !strings.Contains(string(b), `"Steps":5`) {
		t.Errorf("a good sweep: %d %s", status, b)
	}
	status, b, _ = do(t, h, "POST", "/api/v1/sweeps/check", `{"sweep":"bad: 1\n"}`)
	if e := errorBody(t, b); status != 400 || len(e.Fields) != 1 || e.Fields[0].Field != "bad" {
		t.Errorf("a bad sweep: %d %s", status, b)
	}
	if status, _, _ := do(t, newTest(t, Options{Jobs: &fakeJobs{}}), "POST", "/api/v1/sweeps/check", `{"sweep":"x: 1"}`); status != 501 {
		t.Errorf("without a sweep checker: %d, want 501", status)
	}
}

type checkingSweeps struct{ fakeJobs }

func (checkingSweeps) CheckSweep(ctx context.Context, src []byte) (trustlab.JobSize, error) {
	if strings.HasPrefix(string(src), "bad") {
		return trustlab.JobSize{}, trustlab.Invalid(&trustlab.Error{Code: trustlab.EINVALID, Field: "bad", Message: "sweep.yaml:1:1: bad: unknown key"})
	}
	return trustlab.JobSize{Steps: 5}, nil
}
