package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/internal/testfs"
	"github.com/trustlab/trustlab/sqlite"
)

// send makes one request with a raw body and headers ("Host" sets the
// Host header) and returns the status and body.
func (s *testServer) send(t *testing.T, method, path, body string, hdr ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == "Host" {
			req.Host = hdr[i+1]
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The attacks of issue 13 against a real server on loopback without a
// token: each is refused with the status and a message that says what to
// do.
func TestServeRefusesTheAttacksOfIssue13(t *testing.T) {
	s := startServer(t, "", "--max-queued", "2", "--max-memory", "1G")
	const yaml = "application/yaml"
	if st := s.call(t, "PUT", "/api/v1/parties/alice", `{"trait":0.4}`, nil); st != 201 {
		t.Fatalf("PUT party: %d", st)
	}
	long := "name: long\nsteps: 1000000\npopulation: {size: 200}\nnetwork: {kind: k-out, k: 2}\noutputs: {plots: false}\n"
	for _, tc := range []struct {
		name, method, path, body string
		hdr                      []string
		status                   int
		want                     string
	}{
		{"2^31-1 agents", "POST", "/api/v1/runs", "steps: 1000\npopulation: {size: 2147483647}\nnetwork: {kind: k-out, k: 1}\n",
			[]string{"Content-Type", yaml}, 422, "population.size: 2147483647 agents: over this server's limit of"},
		{"1e9 steps", "POST", "/api/v1/runs", "steps: 1000000000\npopulation: {size: 100}\nnetwork: {kind: k-out, k: 1}\n",
			[]string{"Content-Type", yaml}, 422, "(serve --max-steps raises it)"},
		{"a complete network of 10^4", "POST", "/api/v1/runs", "steps: 10\npopulation: {size: 10000}\nnetwork: {kind: complete}\n",
			[]string{"Content-Type", yaml}, 422, "(10000 agents, 99990000 beliefs, 10 steps): over this server's limit of 1.0 GiB per run (serve --max-memory raises it"},
		{"a long run", "POST", "/api/v1/runs", long, []string{"Content-Type", yaml}, 202, ""},
		{"another", "POST", "/api/v1/runs", long, []string{"Content-Type", yaml}, 202, ""},
		{"the queue is full", "POST", "/api/v1/runs", long, []string{"Content-Type", yaml}, 422, "2 jobs are queued or running, this server's limit (serve --max-queued raises it)"},
		{"text/plain experience", "POST", "/api/v1/experiences", `{"from":"alice","to":"bob","outcome":0,"stake":1,"key":"forged"}`,
			[]string{"Content-Type", "text/plain"}, 415, "this endpoint takes application/json"},
		{"form run", "POST", "/api/v1/runs", "steps=5", []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "application/yaml"},
		{"rebound Host", "GET", "/api/v1/parties", "", []string{"Host", "attacker.example:8080"}, 403, `Host \"attacker.example:8080\" is not a loopback name or address`},
		{"foreign Origin", "POST", "/api/v1/experiences", `{"from":"alice","to":"bob","outcome":0,"stake":1,"key":"forged"}`,
			[]string{"Content-Type", "application/json", "Origin", "https://attacker.example"}, 403, "cross-site requests are refused"},
		{"far future", "POST", "/api/v1/experiences", `{"from":"alice","to":"bob","outcome":1,"stake":1,"time":"9999-12-31T23:59:59Z","key":"future"}`,
			[]string{"Content-Type", "application/json"}, 400, "more than 5 minutes ahead of the server's clock"},
		{"duplicate keys", "POST", "/api/v1/experiences", `{"from":"alice","to":"bob","outcome":1,"outcome":0,"stake":1,"key":"dup"}`,
			[]string{"Content-Type", "application/json"}, 400, "duplicate key"},
		{"case-variant key", "PUT", "/api/v1/parties/alice", `{"TRAIT":0.9}`, []string{"Content-Type", "application/json"}, 400, `did you mean \"trait\"`},
		{"null body", "PUT", "/api/v1/parties/alice", `null`, []string{"Content-Type", "application/json"}, 400, "null: must be an object"},
		{"invalid UTF-8 key", "POST", "/api/v1/experiences", "{\"from\":\"alice\",\"to\":\"bob\",\"outcome\":1,\"stake\":1,\"key\":\"k\xff\"}",
			[]string{"Content-Type", "application/json"}, 400, "invalid UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, b := s.send(t, tc.method, tc.path, tc.body, tc.hdr...)
			if st != tc.status || !strings.Contains(b, tc.want) {
				t.Errorf("%d %s, want %d with %q", st, b, tc.status, tc.want)
			}
		})
	}
	// Nothing forged was recorded; the runs in flight are deleted.
	var p trustlab.Party
	if s.call(t, "GET", "/api/v1/parties/alice", nil, &p); p.Experiences != 0 || p.Trait != 0.4 {
		t.Errorf("alice after the attacks: %+v", p)
	}
	var list struct{ Runs []trustlab.Job }
	s.call(t, "GET", "/api/v1/runs", nil, &list)
	for _, j := range list.Runs {
		if st := s.call(t, "DELETE", "/api/v1/runs/"+j.ID, nil, nil); st != 204 {
			t.Errorf("DELETE %s: %d", j.ID, st)
		}
	}
	if len(list.Runs) != 2 {
		t.Errorf("%d runs stored, want 2: %s", len(list.Runs), fmt.Sprint(list.Runs))
	}
}

// serve refuses to start on a data folder it cannot write, saying so
// (issue 13: it used to start and answer every write with an opaque 500).
func TestServeRefusesAReadOnlyDataFolder(t *testing.T) {
	data := filepath.Join(t.TempDir(), "lab")
	os.Mkdir(data, 0o755)
	testfs.ReadOnly(t, data, func() {
		db, err := sqlite.Open(context.Background(), filepath.Join(data, "trustlab.db"))
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		os.Mkdir(filepath.Join(data, "runs"), 0o755)
		os.Mkdir(filepath.Join(data, "fits"), 0o755)
	})
	_, stderr, err := cliErr(t, context.Background(), "serve", "--addr", "127.0.0.1:0", "--data", data)
	if err == nil || !strings.Contains(stderr, data+": the database's folder is not writable (") || strings.Contains(stderr, "listening") {
		t.Errorf("serve on a read-only folder: %v\n%s", err, stderr)
	}
}

// A DELETE that cannot remove the run's folder answers 500 and keeps the
// run (issue 13: it answered 204 and left the folder).
func TestServeFailedDeleteIsNot204(t *testing.T) {
	s := startServer(t, "")
	j := s.runToEnd(t, tinyScenario)
	testfs.Undeletable(t, filepath.Join(s.data, "runs"))
	if st, b := s.send(t, "DELETE", "/api/v1/runs/"+j.ID, ""); st != 500 {
		t.Errorf("DELETE on an undeletable folder: %d %s, want 500", st, b)
	}
	if st := s.call(t, "GET", "/api/v1/runs/"+j.ID+"/steps.csv", nil, nil); st != 200 {
		t.Errorf("the run's outputs after the failed delete: %d", st)
	}
	if !strings.Contains(s.logs.String(), "cannot remove its folder") {
		t.Errorf("the server log does not say why:\n%s", s.logs)
	}
}
