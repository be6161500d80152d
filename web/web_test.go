package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

func get(t *testing.T, h http.Handler, method, path string, hdr ...string) *http.Response {
	t.Helper()
	r := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestIndexAndFallback(t *testing.T) {
	h := Handler()
	for _, path := range []string{"/", "/explorer", "/experience", "/runs", "/runs/r-123", "/fits/f1", "/no/such/page"} {
		res := get(t, h, "GET", path)
		b := body(t, res)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("GET %s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if !strings.Contains(b, "<title>trustlab") || strings.Contains(b, "{{ASSETS}}") {
			t.Errorf("GET %s: not the rendered index.html", path)
		}
		if cc := res.Header.Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("GET %s: Cache-Control %q, want no-cache", path, cc)
		}
		if !strings.Contains(res.Header.Get("Content-Security-Policy"), "script-src 'self'") {
			t.Errorf("GET %s: CSP %q", path, res.Header.Get("Content-Security-Policy"))
		}
	}
}

// TestAssets follows every asset the index links to, and every module
// those import, checking content types and caching.
func TestAssets(t *testing.T) {
	h := Handler()
	idx := body(t, get(t, h, "GET", "/"))
	ref := regexp.MustCompile(`(?:href|src)="(/assets/[0-9a-f]{12}/[^"]+)"`)
	links := ref.FindAllStringSubmatch(idx, -1)
	if len(links) < 3 {
		t.Fatalf("index links %d assets, want the icon, the CSS and the app module", len(links))
	}
	want := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}
	imp := regexp.MustCompile(`(?m)(?:^import .* from |import\()'(\./[a-z]+\.js)'`)
	seen := map[string]bool{}
	queue := []string{}
	for _, l := range links {
		queue = append(queue, l[1])
	}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if seen[p] {
			continue
		}
		seen[p] = true
		res := get(t, h, "GET", p)
		b := body(t, res)
		ext := p[strings.LastIndex(p, "."):]
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != want[ext] {
			t.Errorf("GET %s: %d %q, want 200 %q", p, res.StatusCode, res.Header.Get("Content-Type"), want[ext])
		}
		if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("GET %s: Cache-Control %q, want immutable", p, cc)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no nosniff", p)
		}
		if ext == ".js" {
			dir := p[:strings.LastIndex(p, "/")+1]
			for _, m := range imp.FindAllStringSubmatch(b, -1) {
				queue = append(queue, dir+m[1][2:])
			}
		}
	}
	for _, mod := range []string{"app.js", "explorer.js", "experience.js", "runs.js", "fits.js", "chart.js", "api.js"} {
		found := false
		for p := range seen {
			found = found || strings.HasSuffix(p, "/js/"+mod)
		}
		if !found {
			t.Errorf("module %s is not reachable from index.html", mod)
		}
	}
}

func TestCachingAndErrors(t *testing.T) {
	h := Handler()
	idx := body(t, get(t, h, "GET", "/"))
	css := regexp.MustCompile(`href="(/assets/[^"]+\.css)"`).FindStringSubmatch(idx)[1]
	res := get(t, h, "GET", css)
	etag := res.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if res := get(t, h, "GET", css, "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", res.StatusCode)
	}
	// An older page's version still gets the file, without long caching.
	old := regexp.MustCompile(`/assets/[0-9a-f]+/`).ReplaceAllString(css, "/assets/000000000000/")
	if res := get(t, h, "GET", old); res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("old version: %d %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	tests := []struct {
		method, path string
		status       int
	}{
		{"GET", "/assets/x/js/nothing.js", 404},
		{"GET", "/assets/x/index.html", 404},
		{"GET", "/favicon.ico", 404},
		{"GET", "/robots.txt", 404},
		{"POST", "/", 405},
		{"HEAD", "/explorer", 200},
	}
	for _, tt := range tests {
		if res := get(t, h, tt.method, tt.path); res.StatusCode != tt.status {
			t.Errorf("%s %s: %d, want %d", tt.method, tt.path, res.StatusCode, tt.status)
		}
	}
}

func TestVersionFollowsContent(t *testing.T) {
	a, err := newHandler(fstest.MapFS{"static/index.html": {Data: []byte("{{ASSETS}}")}, "static/a.js": {Data: []byte("1")}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := newHandler(fstest.MapFS{"static/index.html": {Data: []byte("{{ASSETS}}")}, "static/a.js": {Data: []byte("2")}})
	if err != nil {
		t.Fatal(err)
	}
	if a.version == b.version {
		t.Errorf("version %s did not change with an asset", a.version)
	}
	if string(a.index.body) != "/assets/"+a.version {
		t.Errorf("index rendered as %q", a.index.body)
	}
	if _, err := newHandler(fstest.MapFS{"static/a.js": {Data: []byte("1")}}); err == nil {
		t.Error("no index.html: want an error")
	}
}
