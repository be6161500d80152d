package httpapi

import (
	"context"
	"encoding/json"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/trustlab/trustlab"
)

// Cross-site requests (issue 13): a loopback Host without a token, an
// Origin of the server's own, and each endpoint's media type.
func TestCrossSite(t *testing.T) {
	open := newTest(t, Options{Jobs: &fakeJobs{}})
	withToken := newTest(t, Options{Token: "s3cret"})
	const exp = `{"from":"alice","to":"bob","outcome":"honoured","stake":1,"key":"k1"}`
	for _, tc := range []struct {
		name         string
		token        bool
		method, path string
		body         string
		hdr          []string
		status       int
		code         string
	}{
		{"loopback address", false, "POST", "/api/v1/experiences", exp, nil, 201, ""},
		{"localhost with port", false, "POST", "/api/v1/decide", `{}`, []string{"Host", "localhost:8080"}, 200, ""},
		{"IPv6 loopback", false, "GET", "/api/v1/health", "", []string{"Host", "[::1]:8080"}, 200, ""},
		{"a name under .localhost", false, "GET", "/api/v1/health", "", []string{"Host", "lab.localhost:8080"}, 200, ""},
		{"rebound name reads", false, "GET", "/api/v1/parties", "", []string{"Host", "evil.example:8080"}, 403, "forbidden"},
		{"rebound name writes", false, "POST", "/api/v1/experiences", exp, []string{"Host", "evil.example"}, 403, "forbidden"},
		{"rebound name, UI", false, "GET", "/", "", []string{"Host", "evil.example"}, 403, "forbidden"},
		{"another address", false, "GET", "/api/v1/health", "", []string{"Host", "192.168.1.5:8080"}, 403, "forbidden"},
		{"any host with a token", true, "GET", "/api/v1/health", "", []string{"Host", "lab.example.org", "Authorization", "Bearer s3cret"}, 200, ""},
		{"same origin", false, "POST", "/api/v1/decide", `{}`, []string{"Origin", "http://127.0.0.1:8080"}, 200, ""},
		{"other origin", false, "POST", "/api/v1/experiences", exp, []string{"Origin", "https://evil.example"}, 403, "forbidden"},
		{"other port", false, "POST", "/api/v1/decide", `{}`, []string{"Origin", "http://127.0.0.1:9999"}, 403, "forbidden"},
		{"null origin", false, "POST", "/api/v1/decide", `{}`, []string{"Origin", "null"}, 403, "forbidden"},
		{"other origin GET", false, "GET", "/api/v1/parties", "", []string{"Origin", "https://evil.example"}, 403, "forbidden"},
		{"cross-site fetch metadata", false, "POST", "/api/v1/decide", `{}`, []string{"Sec-Fetch-Site", "cross-site"}, 403, "forbidden"},
		{"text/plain experience", false, "POST", "/api/v1/experiences", exp, []string{"Content-Type", "text/plain"}, 415, "unsupported_media_type"},
		{"form experience", false, "POST", "/api/v1/experiences", exp, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "unsupported_media_type"},
		{"no content type", false, "POST", "/api/v1/decide", `{}`, []string{"Content-Type", ""}, 415, "unsupported_media_type"},
		{"JSON with charset", false, "PUT", "/api/v1/parties/alice", `{}`, []string{"Content-Type", "application/json; charset=utf-8"}, 201, ""},
		{"text/plain party", false, "PUT", "/api/v1/parties/alice", `{}`, []string{"Content-Type", "text/plain"}, 415, "unsupported_media_type"},
		{"text/plain run", false, "POST", "/api/v1/runs", "steps: 5", []string{"Content-Type", "text/plain"}, 415, "unsupported_media_type"},
		{"form run", false, "POST", "/api/v1/runs", "steps: 5", []string{"Content-Type", "multipart/form-data; boundary=x"}, 415, "unsupported_media_type"},
		{"YAML run", false, "POST", "/api/v1/runs", "steps: 5", []string{"Content-Type", "application/yaml"}, 202, ""},
		{"JSON run", false, "POST", "/api/v1/runs", `{"scenario":"steps: 5"}`, nil, 202, ""},
		{"text/plain fit", false, "POST", "/api/v1/fits", "x", []string{"Content-Type", "text/plain"}, 415, "unsupported_media_type"},
		{"session without a body", true, "POST", "/api/v1/session", "", []string{"Authorization", "Bearer s3cret"}, 201, ""},
		{"session in text/plain", true, "POST", "/api/v1/session", `{}`, []string{"Authorization", "Bearer s3cret", "Content-Type", "text/plain"}, 415, "unsupported_media_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := open
			if tc.token {
				h = withToken
			}
			status, b, hdr := do(t, h, tc.method, tc.path, tc.body, tc.hdr...)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %s", status, tc.status, b)
			}
			if tc.code != "" {
				if e := errorBody(t, b); e.Code != tc.code {
					t.Errorf("code %q, want %q", e.Code, tc.code)
				}
			}
			if strings.HasPrefix(tc.path, "/api/") && hdr.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("X-Content-Type-Options %q, want nosniff", hdr.Get("X-Content-Type-Options"))
			}
		})
	}
}

// fileJobs serves the files of a folder as a done job's outputs.
type fileJobs struct {
	trustlab.JobService
	dir string
}

func (f fileJobs) Open(ctx context.Context, kind trustlab.JobKind, id, name string) (fs.File, error) {
	return os.Open(filepath.Join(f.dir, filepath.FromSlash(name)))
}

// Job files are served with nosniff and a sandboxing CSP (issue 13).
func TestJobFileHeaders(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"index.html": "<script>fetch('/api/v1/parties')</script>", "steps.csv": "step\n1\n",
		"trust.svg": `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`, "notes.txt": "<html>",
	} {
		os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644)
	}
	h := newTest(t, Options{Jobs: fileJobs{dir: dir}})
	for _, tc := range []struct{ path, ctype string }{
		{"/api/v1/runs/r1/index.html", "text/html; charset=utf-8"},
		{"/api/v1/runs/r1/plots/trust.svg", "image/svg+xml"},
		{"/api/v1/runs/r1/steps.csv", "text/csv; charset=utf-8"},
		{"/api/v1/fits/f1/notes.txt", "text/plain; charset=utf-8"},
	} {
		status, b, hdr := do(t, h, "GET", tc.path, "")
		if status != 200 {
			t.Errorf("%s: %d %s", tc.path, status, b)
			continue
		}
		if got := hdr.Get("Content-Type"); got != tc.ctype {
			t.Errorf("%s: Content-Type %q, want %q", tc.path, got, tc.ctype)
		}
		if got := hdr.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q, want nosniff", tc.path, got)
		}
		if got := hdr.Get("Content-Security-Policy"); got != "sandbox" {
			t.Errorf("%s: Content-Security-Policy %q, want sandbox", tc.path, got)
		}
	}
}

// Strict JSON (issue 13): duplicate keys, keys in another case, invalid
// UTF-8 (raw or as unpaired surrogate escapes) and null where a value is
// required are refused with 400 naming the field.
func TestStrictJSON(t *testing.T) {
	h := newTest(t, Options{})
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		field, msg               string
	}{
		{"duplicate key", "POST", "/api/v1/decide", `{"trait":0.3,"trait":0.9}`, 400, "trait", "duplicate key"},
		{"nested duplicate", "POST", "/api/v1/decide", `{"situation":{"gain":1,"loss":2,"gain":3}}`, 400, "situation.gain", "duplicate key"},
		{"duplicate in params", "PUT", "/api/v1/parties/alice", `{"params":{"eta":0.1,"eta":0.2}}`, 400, "params.eta", "duplicate key"},
		{"duplicate key, experience", "POST", "/api/v1/experiences", `{"from":"alice","to":"bob","to":"carol","outcome":1,"stake":1,"key":"k"}`, 400, "to", "duplicate key"},
		{"duplicate by an escape", "POST", "/api/v1/decide", `{"trait":0.3,"\u0074rait":0.9}`, 400, "trait", "duplicate key"},
		{"long s folds to s", "POST", "/api/v1/parties/alice/decide", `{"to":"bob","ſtake":1}`, 400, "ſtake", `did you mean "stake"`},
		{"Kelvin sign folds to k", "POST", "/api/v1/experiences", `{"from":"alice","to":"bob","outcome":1,"stake":1,"\u212aey":"k"}`, 400, "\u212aey", `did you mean "key"`},
		{"deep nesting", "POST", "/api/v1/decide", `{"situation":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`, 400, "", ""},
		{"upper case key", "PUT", "/api/v1/parties/alice", `{"TRAIT":0.3}`, 400, "TRAIT", `did you mean "trait"`},
		{"mixed case key", "POST", "/api/v1/decide", `{"Situation":{"gain":1}}`, 400, "Situation", `did you mean "situation"`},
		{"nested case", "POST", "/api/v1/decide", `{"situation":{"Gain":1}}`, 400, "situation.Gain", `did you mean "gain"`},
		{"case in an embedded struct", "POST", "/api/v1/parties/alice/decide", `{"to":"bob","situation":{"LOSS":1}}`, 400, "situation.LOSS", `did you mean "loss"`},
		{"null body", "POST", "/api/v1/decide", `null`, 400, "body", "null: must be an object"},
		{"null party", "PUT", "/api/v1/parties/alice", ` null `, 400, "body", "null"},
		{"null situation", "POST", "/api/v1/decide", `{"situation":null}`, 400, "situation", "null: must be an object"},
		{"null string", "POST", "/api/v1/experiences", `{"from":null,"to":"bob","outcome":1,"stake":1,"key":"k"}`, 400, "from", "null: must be a string"},
		{"null array", "POST", "/api/v1/decide/curve", `{"traits":null}`, 400, "traits", "null: must be an array"},
		{"invalid UTF-8 key", "POST", "/api/v1/experiences", "{\"from\":\"alice\",\"to\":\"bob\",\"outcome\":1,\"stake\":1,\"key\":\"k\xff\"}", 400, "", "invalid UTF-8 at byte 57"},
		{"lone high surrogate", "POST", "/api/v1/experiences", `{"from":"alice","to":"bob","outcome":1,"stake":1,"key":"k\ud800"}`, 400, "", "unpaired UTF-16 surrogate"},
		{"lone low surrogate", "POST", "/api/v1/experiences", `{"from":"alice","to":"bob","outcome":1,"stake":1,"key":"\udc00x"}`, 400, "", "unpaired UTF-16 surrogate"},
		{"invalid UTF-8 scenario", "POST", "/api/v1/runs", "name: \xfe\n", 400, "scenario", "not valid UTF-8"},
		{"a surrogate pair is fine", "POST", "/api/v1/experiences", `{"from":"alice","to":"bob","outcome":1,"stake":1,"key":"k\ud83d\ude00"}`, 201, "", ""},
		{"escaped backslash before u", "POST", "/api/v1/experiences", `{"from":"alice","to":"bob","outcome":1,"stake":1,"key":"k\\ud800"}`, 201, "", ""},
		{"null for an optional value", "POST", "/api/v1/decide", `{"trait":null,"belief":null,"params":{"kappa":null}}`, 200, "", ""},
		{"null outcome among outcomes", "POST", "/api/v1/encounters", `{"outcomes":["honoured",null]}`, 200, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hdr := []string{}
			if tc.path == "/api/v1/runs" {
				hdr = []string{"Content-Type", "application/yaml"}
			}
			status, b, _ := do(t, newTestJobs(t, h, tc.path), tc.method, tc.path, tc.body, hdr...)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %s", status, tc.status, b)
			}
			if tc.status < 400 {
				return
			}
			e := errorBody(t, b)
			if !strings.Contains(e.Message, tc.msg) {
				t.Errorf("message %q lacks %q", e.Message, tc.msg)
			}
			if tc.field != "" && (len(e.Fields) == 0 || e.Fields[0].Field != tc.field) {
				t.Errorf("fields %+v, want %q first", e.Fields, tc.field)
			}
		})
	}
}

// newTestJobs gives run submissions a job service.
func newTestJobs(t *testing.T, h http.Handler, path string) http.Handler {
	if path == "/api/v1/runs" {
		return newTest(t, Options{Jobs: &fakeJobs{}})
	}
	return h
}

// FuzzStrictJSON checks unmarshalStrict on any body, for the input type of
// every JSON endpoint: it never panics; what it accepts is valid UTF-8
// JSON without duplicate keys that encoding/json decodes to the same
// value.
func FuzzStrictJSON(f *testing.F) {
	for _, s := range []string{
		`{"trait":0.3,"belief":{"a":3,"b":1},"situation":{"gain":1,"loss":2}}`, `{"trait":0.3,"trait":0.4}`,
		`{"TRAIT":1}`, `null`, `{"situation":null}`, "{\"params\":{\"eta\":\"\xff\"}}", `{"p":"\ud800"}`,
		`{"params":{"kappa":null},"belief":null}`, `[]`, `{"situation":{"game":"investment","endowment":10,"multiplier":3}}`,
		`{"from":"a","to":"b","outcome":"honoured","stake":1,"time":"2025-03-01T12:00:00Z","key":"k\ud83d\ude00"}`,
		`{"to":"bob","stake":10}`, `{"traits":[0.2,0.8],"points":3}`, `{"outcomes":["honoured",null,0.5]}`,
		`{"max_age_seconds":3600}`, `{"scenario":"steps: 5"}`,
	} {
		f.Add(s)
	}
	types := []func() any{
		func() any { return new(trustlab.DecideInput) }, func() any { return new(trustlab.PartyInput) },
		func() any { return new(trustlab.ExperienceInput) }, func() any { return new(trustlab.LedgerDecideInput) },
		func() any { return new(trustlab.CurveInput) }, func() any { return new(trustlab.EncountersInput) },
		func() any { return new(SessionInput) }, func() any {
			return new(struct {
				Scenario string `json:"scenario"`
			})
		},
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, mk := range types {
			v := mk()
			if unmarshalStrict([]byte(body), v) != nil {
				continue
			}
			if !utf8.ValidString(body) {
				t.Fatalf("%T: accepted invalid UTF-8 %q", v, body)
			}
			loose := mk()
			if err := json.Unmarshal([]byte(body), loose); err != nil || !reflect.DeepEqual(v, loose) {
				t.Fatalf("%q: strict %+v, encoding/json %+v (%v)", body, v, loose, err)
			}
			if hasDuplicateKey(t, body) {
				t.Fatalf("%T: accepted duplicate keys: %q", v, body)
			}
		}
	})
}

// hasDuplicateKey reports whether any object in the JSON text repeats a key.
func hasDuplicateKey(t *testing.T, body string) bool {
	dec := json.NewDecoder(strings.NewReader(body))
	var walk func() bool
	walk = func() bool {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("accepted malformed JSON %q: %v", body, err)
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				k, _ := dec.Token()
				if seen[k.(string)] {
					return true
				}
				seen[k.(string)] = true
				if walk() {
					return true
				}
			}
			dec.Token()
		case json.Delim('['):
			for dec.More() {
				if walk() {
					return true
				}
			}
			dec.Token()
		}
		return false
	}
	return walk()
}

func TestLoopbackHostHeader(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST:8080": true, "localhost.": true, "127.0.0.1": true, "127.1.2.3:80": true,
		"[::1]:8080": true, "[::1]": true, "::1": true, "lab.localhost": true, "a.b.LOCALHOST:1": true,
		"": false, "127.0.0.1.nip.io": false, "localhost.attacker.example": false, "attacker.example": false,
		"10.0.0.1:8080": false, "0.0.0.0:8080": false, "[::]:8080": false, "[::ffff:10.0.0.1]": false,
		"localhostx": false, "xlocalhost": false,
	} {
		if got := loopbackHostHeader(host); got != want {
			t.Errorf("loopbackHostHeader(%q) = %v, want %v", host, got, want)
		}
	}
}

// FuzzLoopbackHostHeader: a Host accepted without a token names only
// localhost, a name under .localhost or a loopback address.
func FuzzLoopbackHostHeader(f *testing.F) {
	for _, s := range []string{"localhost:8080", "127.0.0.1", "[::1]:80", "evil.example", "lab.localhost", "127.0.0.1.evil", "[::ffff:127.0.0.1]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, host string) {
		if !loopbackHostHeader(host) {
			return
		}
		h := host
		if hh, _, err := net.SplitHostPort(host); err == nil {
			h = hh
		}
		h = strings.ToLower(strings.TrimSuffix(strings.Trim(strings.TrimSuffix(h, "."), "[]"), "."))
		if ip := net.ParseIP(h); ip != nil && !ip.IsLoopback() {
			t.Fatalf("%q accepted: %s is not loopback", host, ip)
		}
		if net.ParseIP(h) == nil && h != "localhost" && !strings.HasSuffix(h, ".localhost") {
			t.Fatalf("%q accepted", host)
		}
	})
}
