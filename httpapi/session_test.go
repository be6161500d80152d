package httpapi

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// sessionCookie extracts the session cookie set by an answer.
func sessionCookie(t testing.TB, hdr http.Header) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: hdr}).Cookies() {
		if c.Name == SessionCookie {
			return c
		}
	}
	t.Fatalf("no %s cookie in %v", SessionCookie, hdr["Set-Cookie"])
	return nil
}

func TestSession(t *testing.T) {
	ui := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "shell") })
	s := New(Options{Ledger: fakeLedger{}, Token: "s3cret", UI: ui, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s.sessions.now = func() time.Time { return now }
	h := s.Handler()

	// The shell needs no token; the API does.
	if st, b, _ := do(t, h, "GET", "/runs/abc", ""); st != 200 || string(b) != "shell" {
		t.Errorf("shell without a token: %d %q", st, b)
	}
	if st, _, _ := do(t, h, "GET", "/api/v1/runs", ""); st != 401 {
		t.Errorf("API without a token: %d, want 401", st)
	}

	// A cookie is not minted without the token, nor with a wrong one.
	if st, _, hdr := do(t, h, "POST", "/api/v1/session", "", "Authorization", "Bearer nope"); st != 401 || hdr.Get("Set-Cookie") != "" {
		t.Errorf("session with a wrong token: %d, Set-Cookie %q", st, hdr.Get("Set-Cookie"))
	}
	if st, _, _ := do(t, h, "POST", "/api/v1/session", `{"max_age_seconds":10}`, "Authorization", "Bearer s3cret"); st != 400 {
		t.Errorf("max_age_seconds 10: %d, want 400", st)
	}
	st, b, hdr := do(t, h, "POST", "/api/v1/session", `{"max_age_seconds":3600}`, "Authorization", "Bearer s3cret")
	if st != 201 {
		t.Fatalf("POST session: %d %s", st, b)
	}
	c := sessionCookie(t, hdr)
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/api/" || c.Secure || c.MaxAge != 3600 {
		t.Errorf("cookie attributes: %+v", c)
	}
	if strings.Contains(c.Value, "s3cret") || len(c.Value) != 43 {
		t.Errorf("cookie value %q: want a random id, not the token", c.Value)
	}
	var sess Session
	if err := json.Unmarshal(b, &sess); err != nil || sess.Via != "cookie" || sess.ExpiresAt == nil || !sess.ExpiresAt.Equal(now.Add(time.Hour)) {
		t.Errorf("session answer %s: %+v %v", b, sess, err)
	}
	cookie := SessionCookie + "=" + c.Value

	for _, tc := range []struct {
		name, method, path, body string
		hdr                      []string
		status                   int
	}{
		{"GET with the cookie", "GET", "/api/v1/health", "", []string{"Cookie", cookie}, 200},
		{"GET session", "GET", "/api/v1/session", "", []string{"Cookie", cookie}, 200},
		{"POST with cookie and header", "POST", "/api/v1/decide", `{"trait":0.5}`, []string{"Cookie", cookie, CSRFHeader, "1"}, 200},
		{"POST with cookie, no header", "POST", "/api/v1/decide", `{"trait":0.5}`, []string{"Cookie", cookie}, 403},
		{"POST with cookie, header 0", "POST", "/api/v1/decide", `{"trait":0.5}`, []string{"Cookie", cookie, CSRFHeader, "0"}, 403},
		{"POST from another origin", "POST", "/api/v1/decide", `{"trait":0.5}`, []string{"Cookie", cookie, CSRFHeader, "1", "Origin", "https://evil.example"}, 403},
		{"POST from this origin", "POST", "/api/v1/decide", `{"trait":0.5}`, []string{"Cookie", cookie, CSRFHeader, "1", "Origin", "http://127.0.0.1:8080"}, 200},
		{"cookie cannot mint a session", "POST", "/api/v1/session", "", []string{"Cookie", cookie, CSRFHeader, "1"}, 401},
		{"forged cookie", "GET", "/api/v1/health", "", []string{"Cookie", SessionCookie + "=" + strings.Repeat("A", 43)}, 401},
		{"the token as cookie", "GET", "/api/v1/health", "", []string{"Cookie", SessionCookie + "=s3cret"}, 401},
		{"wrong header beats a good cookie", "GET", "/api/v1/health", "", []string{"Cookie", cookie, "Authorization", "Bearer nope"}, 401},
		{"bearer needs no CSRF header", "POST", "/api/v1/decide", `{"trait":0.5}`, []string{"Authorization", "Bearer s3cret"}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, b, _ := do(t, h, tc.method, tc.path, tc.body, tc.hdr...)
			if st != tc.status {
				t.Fatalf("status %d, want %d: %s", st, tc.status, b)
			}
			if st == 403 {
				if e := errorBody(t, b); e.Code != "forbidden" {
					t.Errorf("403 code %q", e.Code)
				}
			}
		})
	}

	// Expiry.
	now = now.Add(time.Hour)
	if st, _, hdr := do(t, h, "GET", "/api/v1/health", "", "Cookie", cookie); st != 401 || sessionCookie(t, hdr).MaxAge >= 0 {
		t.Errorf("expired cookie: %d, Set-Cookie %q (want 401 and the cookie cleared)", st, hdr.Get("Set-Cookie"))
	}

	// Sign out: the session ends on the server, not only in the browser.
	_, _, hdr = do(t, h, "POST", "/api/v1/session", "", "Authorization", "Bearer s3cret")
	cookie = SessionCookie + "=" + sessionCookie(t, hdr).Value
	if st, _, _ := do(t, h, "DELETE", "/api/v1/session", "", "Cookie", cookie); st != 403 {
		t.Errorf("DELETE session without the CSRF header: %d, want 403", st)
	}
	if st, _, hdr := do(t, h, "DELETE", "/api/v1/session", "", "Cookie", cookie, CSRFHeader, "1"); st != 204 || sessionCookie(t, hdr).MaxAge >= 0 {
		t.Errorf("DELETE session: %d", st)
	}
	if st, _, _ := do(t, h, "GET", "/api/v1/health", "", "Cookie", cookie); st != 401 {
		t.Errorf("cookie after sign-out: %d, want 401", st)
	}
}

func TestSessionSecureOverTLS(t *testing.T) {
	h := newTest(t, Options{Token: "t"})
	r := httptest.NewRequest("POST", "https://example.com/api/v1/session", nil)
	r.Header.Set("Authorization", "Bearer t")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if c := sessionCookie(t, w.Header()); w.Code != 201 || !c.Secure {
		t.Errorf("over TLS: %d, cookie %+v; want Secure", w.Code, c)
	}
}

func TestSessionEmptyChunkedBody(t *testing.T) {
	h := newTest(t, Options{Token: "t"})
	r := httptest.NewRequest("POST", "/api/v1/session", strings.NewReader(" \n"))
	r.ContentLength = -1 // as with Transfer-Encoding: chunked
	r.Header.Set("Authorization", "Bearer t")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 201 {
		t.Errorf("an empty chunked body: %d %s, want 201", w.Code, w.Body)
	}
}

func TestSessionWithoutToken(t *testing.T) {
	h := newTest(t, Options{})
	st, b, hdr := do(t, h, "POST", "/api/v1/session", "")
	if st != 200 || hdr.Get("Set-Cookie") != "" || !strings.Contains(string(b), `"via":"none"`) {
		t.Errorf("POST session without a server token: %d %s %q", st, b, hdr.Get("Set-Cookie"))
	}
}

func TestSessionTableEvicts(t *testing.T) {
	st := newSessions()
	var first string
	for i := range maxSessions + 5 {
		id, _ := st.create(time.Hour + time.Duration(i)*time.Second)
		if i == 0 {
			first = id
		}
	}
	if len(st.m) != maxSessions {
		t.Errorf("%d sessions kept, want at most %d", len(st.m), maxSessions)
	}
	if _, ok := st.lookup(first); ok {
		t.Error("the session ending first was not evicted")
	}
}

func FuzzSessionBody(f *testing.F) {
	for _, s := range []string{`{}`, `{"max_age_seconds":3600}`, `{"max_age_seconds":-1}`, `{"max_age_seconds":1e30}`, `null`, `[]`, `{"x":1}`} {
		f.Add(s)
	}
	h := newTest(f, Options{Token: "t"})
	f.Fuzz(func(t *testing.T, body string) {
		status, b, hdr := do(t, h, "POST", "/api/v1/session", body, "Authorization", "Bearer t")
		switch status {
		case 201:
			if !json.Valid(b) || hdr.Get("Set-Cookie") == "" {
				t.Fatalf("201 with %q, Set-Cookie %q", b, hdr.Get("Set-Cookie"))
			}
		case 400, 413:
			errorBody(t, b)
			if hdr.Get("Set-Cookie") != "" {
				t.Fatalf("body %q: a cookie with an error", body)
			}
		default:
			t.Fatalf("body %q: status %d: %s", body, status, b)
		}
	})
}
