package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/internal/testfs"
	"github.com/trustlab/trustlab/model"
)

// testServer is `trustlab serve` running in-process on 127.0.0.1:0 with a
// temporary data folder.
type testServer struct {
	url, data, token string
	stop             func() error
	logs             *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listenRE = regexp.MustCompile(`msg=listening addr=(\S+)`)

// startServer runs serve with extra flags and waits for its "listening"
// log line.
func startServer(t testing.TB, data string, flags ...string) *testServer {
	t.Helper()
	if data == "" {
		data = t.TempDir()
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", data}, flags...)
		err := run(ctx, args, strings.NewReader(""), io.Discard, io.MultiWriter(pw, logs))
		pw.Close()
		done <- err
	}()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		close(addr)
	}()
	var a string
	select {
	case a = <-addr:
	case <-time.After(20 * time.Second):
	}
	if a == "" {
		cancel()
		t.Fatalf("serve did not start: %v\n%s", <-done, logs)
	}
	s := &testServer{url: "http://" + a, data: data, logs: logs}
	for i, f := range flags {
		if f == "--token" {
			s.token = flags[i+1]
		}
	}
	var once sync.Once
	var stopErr error
	s.stop = func() error {
		once.Do(func() {
			cancel()
			stopErr = <-done
		})
		return stopErr
	}
	t.Cleanup(func() { s.stop() })
	return s
}

// runToEnd submits scenario as a run, which must be queued, and waits
// (at most 60 s) until it has finished.
func (s *testServer) runToEnd(t *testing.T, scenario string) trustlab.Job {
	t.Helper()
	var j trustlab.Job
	if st := s.call(t, "POST", "/api/v1/runs", fmt.Sprintf(`{"scenario":%q}`, scenario), &j); st != 202 || j.Status != trustlab.JobQueued {
		t.Fatalf("POST run: %d %+v", st, j)
	}
	for deadline := time.Now().Add(60 * time.Second); !j.Status.Finished() && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		s.call(t, "GET", "/api/v1/runs/"+j.ID, nil, &j)
	}
	return j
}

// call sends a JSON request and decodes the JSON answer into out (if not
// nil); it returns the status.
func (s *testServer) call(t testing.TB, method, path string, in, out any) int {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		if str, ok := in.(string); ok {
			b = []byte(str)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.url+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %d %q: %v", method, path, resp.StatusCode, b, err)
		}
	}
	return resp.StatusCode
}

func TestServeLedgerEndToEnd(t *testing.T) {
	s := startServer(t, "")
	var p trustlab.Party
	if st := s.call(t, "PUT", "/api/v1/parties/alice", `{"trait":0.3,"params":{"eta":0.01}}`, &p); st != 201 || p.Trait != 0.3 {
		t.Fatalf("PUT party: %d %+v", st, p)
	}
	if st := s.call(t, "PUT", "/api/v1/parties/alice", `{"trait":0.3,"params":{"eta":0.01}}`, &p); st != 200 {
		t.Fatalf("PUT the same party again: %d, want 200", st)
	}
	// Three experiences, the second sent twice (a retry) and the third
	// recorded out of time order.
	exps := []string{
		`{"from":"alice","to":"bob","outcome":"honoured","stake":10,"time":"2025-03-01T10:00:00Z","key":"e1"}`,
		`{"from":"alice","to":"bob","outcome":"betrayed","stake":20,"time":"2025-03-03T10:00:00Z","key":"e2"}`,
		`{"from":"alice","to":"bob","outcome":0.8,"stake":5,"time":"2025-03-02T10:00:00Z","key":"e3"}`,
	}
	want := []int{201, 201, 201}
	for i, e := range exps {
		var got trustlab.Experience
		if st := s.call(t, "POST", "/api/v1/experiences", e, &got); st != want[i] {
			t.Fatalf("experience %d: %d", i, st)
		}
	}
	var again trustlab.Experience
	if st := s.call(t, "POST", "/api/v1/experiences", exps[1], &again); st != 200 || again.Seq != 2 {
		t.Errorf("retry: %d seq %d, want 200 and the original (seq 2)", st, again.Seq)
	}
	var e struct{ Error struct{ Code string } }
	if st := s.call(t, "POST", "/api/v1/experiences", strings.Replace(exps[1], `"stake":20`, `"stake":21`, 1), &e); st != 409 || e.Error.Code != "conflict" {
		t.Errorf("same key, other stake: %d %+v, want 409 conflict", st, e)
	}
	if st := s.call(t, "POST", "/api/v1/experiences", `{"from":"nobody","to":"bob","outcome":1,"stake":1,"key":"x"}`, &e); st != 404 {
		t.Errorf("unknown from: %d, want 404", st)
	}

	var h trustlab.BeliefHistory
	if st := s.call(t, "GET", "/api/v1/parties/alice/beliefs/bob", nil, &h); st != 200 {
		t.Fatalf("belief: %d", st)
	}
	// Replay by hand in time order e1, e3, e2 with trait learning.
	m, _ := model.Params{Eta: new(0.01)}.Model()
	tau, prior := 0.3, m.Prior(0.3)
	b := prior
	for _, r := range []float64{1, 0.8, 0} {
		b = m.Update(b, prior, r, r >= 0.5, true)
		tau = m.LearnTrait(tau, r >= 0.5)
	}
	if h.Belief != b || h.Trait != tau || h.Experiences != 3 || len(h.History) != 3 {
		t.Errorf("belief %+v trait %v (%d experiences, %d steps); want %+v trait %v, 3, 3", h.Belief, h.Trait, h.Experiences, len(h.History), b, tau)
	}
	if keys := []string{h.History[0].Key, h.History[1].Key, h.History[2].Key}; fmt.Sprint(keys) != "[e1 e3 e2]" {
		t.Errorf("history in order %v, want [e1 e3 e2] (time order)", keys)
	}

	// Decide from the ledger: no amounts, so gain = loss = the last stake
	// (20, of e2, the latest in time).
	// (model.Kind marshals as text only, so decode the kind as a string.)
	var d struct {
		Experiences int
		Belief      model.Belief
		Explanation struct {
			Balance, Probability float64
			Kind                 string
		}
	}
	if st := s.call(t, "POST", "/api/v1/parties/alice/decide", `{"to":"bob"}`, &d); st != 200 {
		t.Fatalf("ledger decide: %d", st)
	}
	x, _ := m.Explain(tau, b, model.Situation{Gain: 20, Loss: 20})
	if d.Belief != b || d.Explanation.Balance != x.Balance || d.Explanation.Probability != *x.Probability || d.Explanation.Kind != x.Kind.String() {
		t.Errorf("ledger decide: %+v, want balance %v P %v", d, x.Balance, *x.Probability)
	}
	// A stranger: the trait prior.
	if st := s.call(t, "POST", "/api/v1/parties/alice/decide", `{"to":"carol","stake":1}`, &d); st != 200 || d.Experiences != 0 || d.Belief != m.Prior(tau) {
		t.Errorf("stranger: %d %+v, want the prior %+v", st, d, m.Prior(tau))
	}

	// The plain decide endpoint gives the same numbers as trustlab decide --json.
	var out map[string]any
	if st := s.call(t, "POST", "/api/v1/decide", `{"trait":0.3,"belief":{"a":3,"b":1},"situation":{"gain":1,"loss":2}}`, &out); st != 200 {
		t.Fatalf("decide: %d", st)
	}
	var cli bytes.Buffer
	if err := run(context.Background(), []string{"decide", "--json", "--trait", "0.3", "--belief", "3,1", "--gain", "1", "--loss", "2"}, nil, &cli, io.Discard); err != nil {
		t.Fatal(err)
	}
	var want2 map[string]any
	json.Unmarshal(cli.Bytes(), &want2)
	if fmt.Sprint(out) != fmt.Sprint(want2) {
		t.Errorf("POST /decide %v\ntrustlab decide --json %v", out, want2)
	}

	// Stop, rebuild from the log, restart: the same numbers.
	if err := s.stop(); err != nil {
		t.Fatalf("graceful stop: %v\n%s", err, s.logs)
	}
	var rb bytes.Buffer
	if err := run(context.Background(), []string{"ledger", "rebuild", "--data", s.data}, nil, &rb, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rb.String(), "1 beliefs of 1 parties from 3 experiences; 0 cached values differed") {
		t.Errorf("rebuild said %q", rb.String())
	}
	s2 := startServer(t, s.data)
	var h2 trustlab.BeliefHistory
	s2.call(t, "GET", "/api/v1/parties/alice/beliefs/bob", nil, &h2)
	if h2.Belief != h.Belief || h2.Trait != h.Trait {
		t.Errorf("after rebuild and restart: %+v trait %v, before %+v trait %v", h2.Belief, h2.Trait, h.Belief, h.Trait)
	}
}

func TestServeToken(t *testing.T) {
	s := startServer(t, "", "--token", "s3cret")
	if st := s.call(t, "GET", "/api/v1/health", nil, nil); st != 200 {
		t.Errorf("with the token: %d", st)
	}
	s.token = ""
	if st := s.call(t, "GET", "/api/v1/health", nil, nil); st != 401 {
		t.Errorf("without the token: %d, want 401", st)
	}
}

func TestServeRefusesOpenAddressWithoutToken(t *testing.T) {
	t.Setenv("TRUSTLAB_TOKEN", "")
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"serve", "--addr", "0.0.0.0:0", "--data", t.TempDir()}, nil, io.Discard, &stderr)
	if code := exitCode(err, &stderr); code != 2 || !strings.Contains(stderr.String(), "TRUSTLAB_TOKEN") {
		t.Errorf("exit %d, stderr %q; want 2 and a message naming the token", code, stderr.String())
	}
}

func TestServeConcurrentRequests(t *testing.T) {
	s := startServer(t, "")
	s.call(t, "PUT", "/api/v1/parties/a", `{}`, nil)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 25 {
				body := fmt.Sprintf(`{"from":"a","to":"p%d","outcome":%d,"stake":1,"key":"k%d-%d"}`, (w%4)%3, i%2, w%4, i)
				if st := s.call(t, "POST", "/api/v1/experiences", body, nil); st != 201 && st != 200 {
					t.Errorf("experience: %d", st)
				}
				if st := s.call(t, "POST", "/api/v1/parties/a/decide", `{"to":"p0","stake":1}`, nil); st != 200 {
					t.Errorf("decide: %d", st)
				}
			}
		})
	}
	wg.Wait()
	var p trustlab.Party
	s.call(t, "GET", "/api/v1/parties/a", nil, &p)
	if p.Experiences != 100 { // keys k0..k3 x 25: workers w and w+4 share keys
		t.Errorf("%d experiences, want 100", p.Experiences)
	}
	var rb bytes.Buffer
	s.stop()
	if err := run(context.Background(), []string{"ledger", "rebuild", "--data", filepath.Clean(s.data)}, nil, &rb, io.Discard); err != nil || !strings.Contains(rb.String(), "0 cached values differed") {
		t.Errorf("rebuild after concurrent writes: %q %v", rb.String(), err)
	}
}

var httpClient = &http.Client{Timeout: 30 * time.Second}

func TestServeRunsEndToEnd(t *testing.T) {
	s := startServer(t, "")
	scenario := strings.Replace(tinyScenario, "plots: false", "plots: true", 1)
	j := s.runToEnd(t, scenario)
	if j.Status != trustlab.JobDone || j.Progress != (trustlab.Progress{Done: 5, Total: 5}) || len(j.Manifest) == 0 {
		t.Fatalf("run: %+v", j)
	}
	for _, f := range []string{"steps.csv", "agents.csv", "manifest.json", "index.html", "plots/rates.svg", "plots/rates.png", "rates.svg"} {
		b, err := get(s.url + "/api/v1/runs/" + j.ID + "/" + f)
		if err != nil || len(b) == 0 {
			t.Errorf("%s: %v (%d bytes)", f, err, len(b))
		}
	}
	var list struct{ Runs []trustlab.Job }
	if s.call(t, "GET", "/api/v1/runs", nil, &list); len(list.Runs) != 1 || list.Runs[0].ID != j.ID {
		t.Errorf("list: %+v", list)
	}
	var e struct {
		Error struct {
			Code, Message string
		}
	}
	for _, tc := range []struct {
		method, path, body string
		status             int
	}{
		{"GET", "/api/v1/runs/" + j.ID + "/plots/steps.csv", "", 400},
		{"GET", "/api/v1/runs/" + j.ID + "/nothing.csv", "", 404},
		{"GET", "/api/v1/runs/nope", "", 404},
		{"GET", "/api/v1/fits/" + j.ID, "", 404},
		{"POST", "/api/v1/runs", `{"scenario":"steps: -1\n"}`, 400},
		{"POST", "/api/v1/runs", `{"scenario":""}`, 400},
	} {
		if st := s.call(t, tc.method, tc.path, tc.body, &e); st != tc.status {
			t.Errorf("%s %s: %d %+v, want %d", tc.method, tc.path, st, e, tc.status)
		}
	}
	if st := s.call(t, "DELETE", "/api/v1/runs/"+j.ID, nil, nil); st != 204 {
		t.Errorf("DELETE: %d", st)
	}
	if st := s.call(t, "GET", "/api/v1/runs/"+j.ID, nil, nil); st != 404 {
		t.Errorf("GET after DELETE: %d", st)
	}
}

// tinyScenario is the runs' plumbing scenario of the tests.
const tinyScenario = testfs.TinyScenario

// TestServeFitEndToEnd uploads the Berg et al. (1995) data set (read by
// path from the shared data folder; skipped where it is absent) with its
// spec and fetches the fit's tables.
func TestServeFitEndToEnd(t *testing.T) {
	const data = "/work/shared/data/berg1995/pairs.csv"
	csv, err := os.ReadFile(data)
	if err != nil {
		t.Skipf("no shared data: %v", err)
	}
	spec, err := os.ReadFile(filepath.Join("..", "..", "examples", "data", "berg1995.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	s := startServer(t, "")
	upload := func(csv, spec []byte) (int, trustlab.Job) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		w, _ := mw.CreateFormFile("data", "pairs.csv")
		w.Write(csv)
		w, _ = mw.CreateFormFile("spec", "spec.yaml")
		w.Write(spec)
		mw.Close()
		resp, err := httpClient.Post(s.url+"/api/v1/fits", mw.FormDataContentType(), &b)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var j trustlab.Job
		json.NewDecoder(resp.Body).Decode(&j)
		return resp.StatusCode, j
	}
	if st, _ := upload([]byte("x,y\n1,2\n"), spec); st != 400 {
		t.Errorf("data without the spec's columns: %d, want 400", st)
	}
	st, j := upload(csv, spec)
	if st != 202 {
		t.Fatalf("POST fit: %d", st)
	}
	for deadline := time.Now().Add(120 * time.Second); !j.Status.Finished() && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		s.call(t, "GET", "/api/v1/fits/"+j.ID, nil, &j)
	}
	if j.Status != trustlab.JobDone || len(j.Manifest) == 0 || j.Progress.Done != j.Progress.Total || j.Progress.Total == 0 {
		t.Fatalf("fit: %+v", j)
	}
	for _, f := range []string{"subjects.csv", "comparison.csv", "manifest.json", "index.html"} {
		if b, err := get(s.url + "/api/v1/fits/" + j.ID + "/" + f); err != nil || len(b) == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// POST /api/v1/runs/check validates a scenario as a submitted run would
// (its errors at their lines, the server's limits) and creates no run.
func TestServeRunCheck(t *testing.T) {
	s := startServer(t, "", "--max-agents", "1000")
	var ok struct {
		OK   bool
		Size trustlab.JobSize
	}
	if st := s.call(t, "POST", "/api/v1/runs/check", fmt.Sprintf(`{"scenario":%q}`, tinyScenario), &ok); st != 200 || !ok.OK || ok.Size.Agents != 50 || ok.Size.Steps != 5 {
		t.Errorf("valid scenario: %d %+v", st, ok)
	}
	var e struct {
		Error struct {
			Code, Message string
			Fields        []struct {
				Line  int
				Field string
			}
		}
	}
	bad := strings.Replace(tinyScenario, "trait: 0.8", "trait: 1.7", 1)
	if st := s.call(t, "POST", "/api/v1/runs/check", fmt.Sprintf(`{"scenario":%q}`, bad), &e); st != 400 || len(e.Error.Fields) == 0 || e.Error.Fields[0].Line != 6 || e.Error.Fields[0].Field != "population.groups[0].trait" {
		t.Errorf("bad scenario: %d %+v", st, e)
	}
	big := strings.Replace(tinyScenario, "size: 50", "size: 5000", 1)
	if st := s.call(t, "POST", "/api/v1/runs/check", fmt.Sprintf(`{"scenario":%q}`, big), &e); st != 422 || !strings.Contains(e.Error.Message, "max-agents") {
		t.Errorf("over the limit: %d %+v", st, e)
	}
	var list struct{ Runs []trustlab.Job }
	if s.call(t, "GET", "/api/v1/runs", nil, &list); len(list.Runs) != 0 {
		t.Errorf("a check created runs: %+v", list)
	}
}
