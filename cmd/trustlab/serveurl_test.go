package main

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The listening line names the web UI's URL (the page a newcomer opens)
// before the API's, and that URL serves the UI, not a 404.
func TestServePrintsUIURL(t *testing.T) {
	s := startServer(t, "")
	defer s.stop()
	re := regexp.MustCompile(`msg=listening addr=\S+ url=(\S+) api=(\S+)`)
	var m []string
	// The line reaches s.logs just after startServer saw it on its pipe.
	for start := time.Now(); m == nil && time.Since(start) < 10*time.Second; time.Sleep(10 * time.Millisecond) {
		m = re.FindStringSubmatch(s.logs.String())
	}
	if m == nil {
		t.Fatalf("no listening line with url= then api=:\n%s", s.logs)
	}
	if m[1] != s.url+"/" || m[2] != s.url+"/api/v1/" {
		t.Errorf("url=%s api=%s, want %s/ and %s/api/v1/", m[1], m[2], s.url, s.url)
	}
	resp, err := http.Get(m[1])
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(strings.ToLower(string(b)), "<html") {
		t.Errorf("GET %s: %d %.80q, want the UI's page", m[1], resp.StatusCode, b)
	}
}
