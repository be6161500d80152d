package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/trustlab/trustlab"
)

// TestServeTokenSession checks the web UI's way in to a server with a
// token: the shell is served without it, the API is not, and a session
// cookie obtained with the token opens plots, CSV files and (with the CSRF
// header) state-changing requests.
func TestServeTokenSession(t *testing.T) {
	s := startServer(t, "", "--token", "s3cret")
	plain := &http.Client{Timeout: 30 * time.Second}
	send := func(c *http.Client, method, path, body string, hdr ...string) (int, string, http.Header) {
		t.Helper()
		req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}

	// The shell (index.html for every page, and its assets) needs no token.
	st, index, _ := send(plain, "GET", "/runs/abc", "")
	if st != 200 || !strings.Contains(index, "<!doctype html>") {
		t.Fatalf("shell without a token: %d", st)
	}
	css := regexp.MustCompile(`href="(/assets/[^"]+\.css)"`).FindStringSubmatch(index)
	if css == nil {
		t.Fatalf("no stylesheet in index.html")
	}
	if st, _, _ := send(plain, "GET", css[1], ""); st != 200 {
		t.Errorf("asset %s without a token: %d", css[1], st)
	}
	// The API needs it.
	for _, p := range []string{"/api/v1/runs", "/api/v1/openapi.json", "/api/v1/nothing"} {
		if st, _, _ := send(plain, "GET", p, ""); st != 401 {
			t.Errorf("GET %s without a token: %d, want 401", p, st)
		}
	}
	if st, _, _ := send(plain, "GET", "/api/v1/runs", "", "Authorization", "Bearer s3cret"); st != 200 {
		t.Errorf("GET /api/v1/runs with the token: %d", st)
	}

	// A run with charts, submitted with the token.
	scenario := strings.Replace(tinyScenario, "plots: false", "plots: true", 1)
	j := s.runToEnd(t, scenario)
	if j.Status != trustlab.JobDone {
		t.Fatalf("run: %+v", j)
	}

	// A browser-like client signs in and then sends no Authorization header.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	if st, _, _ := send(browser, "POST", "/api/v1/session", "", "Authorization", "Bearer wrong"); st != 401 {
		t.Errorf("session with a wrong token: %d, want 401", st)
	}
	st, body, hdr := send(browser, "POST", "/api/v1/session", "", "Authorization", "Bearer s3cret")
	if st != 201 {
		t.Fatalf("POST /api/v1/session: %d %s", st, body)
	}
	setCookie := hdr.Get("Set-Cookie")
	for _, want := range []string{"trustlab_session=", "Path=/api/", "HttpOnly", "SameSite=Strict"} {
		if !strings.Contains(setCookie, want) {
			t.Errorf("Set-Cookie %q lacks %q", setCookie, want)
		}
	}
	if strings.Contains(setCookie, "s3cret") {
		t.Errorf("Set-Cookie %q carries the token", setCookie)
	}
	cookie := strings.SplitN(setCookie, ";", 2)[0]

	for _, f := range []string{"plots/rates.svg", "rates.png", "steps.csv"} {
		st, b, hdr := send(browser, "GET", "/api/v1/runs/"+j.ID+"/"+f, "")
		if st != 200 || len(b) == 0 {
			t.Errorf("GET %s with the session cookie: %d (%d bytes)", f, st, len(b))
		}
		if f == "plots/rates.svg" && !strings.HasPrefix(hdr.Get("Content-Type"), "image/svg+xml") {
			t.Errorf("%s: Content-Type %q", f, hdr.Get("Content-Type"))
		}
	}
	decide := `{"trait":0.5,"situation":{"gain":1,"loss":1}}`
	if st, b, _ := send(browser, "POST", "/api/v1/decide", decide, "X-Trustlab", "1"); st != 200 {
		t.Errorf("POST with the cookie and X-Trustlab: %d %s", st, b)
	}
	if st, b, _ := send(browser, "POST", "/api/v1/decide", decide); st != 403 || !strings.Contains(b, `"forbidden"`) {
		t.Errorf("POST with the cookie, without X-Trustlab: %d %s, want 403", st, b)
	}
	if st, _, _ := send(browser, "DELETE", "/api/v1/runs/"+j.ID, ""); st != 403 {
		t.Errorf("DELETE with the cookie, without X-Trustlab: %d, want 403", st)
	}
	if st, _, _ := send(plain, "GET", "/api/v1/runs", "", "Cookie", "trustlab_session=forged"+strings.Repeat("x", 37)); st != 401 {
		t.Errorf("forged cookie: %d, want 401", st)
	}

	// Signing out ends the session on the server: the old cookie is refused.
	if st, _, _ := send(browser, "DELETE", "/api/v1/session", "", "X-Trustlab", "1"); st != 204 {
		t.Errorf("DELETE /api/v1/session: %d", st)
	}
	if st, _, _ := send(plain, "GET", "/api/v1/runs/"+j.ID+"/steps.csv", "", "Cookie", cookie); st != 401 {
		t.Errorf("cookie after sign-out: %d, want 401", st)
	}
	if st, _, _ := send(browser, "GET", "/api/v1/runs", ""); st != 401 {
		t.Errorf("browser after sign-out: %d, want 401", st)
	}
}
