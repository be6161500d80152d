package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/trustlab/trustlab"
)

// slowScenario takes a few seconds: long enough to be killed during it.
const slowScenario = `name: crash
seed: 11
steps: 2000
population:
  size: 4000
  groups:
    - {name: a, share: 0.7, trait: 0.6}
    - {name: b, share: 0.3, trait: 0.3, behaviour: betray}
network: {kind: k-out, k: 8}
outputs: {plots: false}
`

// startBinary starts the built binary's serve and returns its base URL.
func startBinary(t *testing.T, bin, data string) (*exec.Cmd, string) {
	cmd, url, _ := startBinaryLogs(t, bin, data)
	return cmd, url
}

// startBinaryLogs is startBinary that also returns the server's log.
func startBinaryLogs(t *testing.T, bin, data string) (*exec.Cmd, string, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", data)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := make(chan string, 1)
	logs := &syncBuffer{}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			fmt.Fprintln(logs, sc.Text())
			if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	select {
	case a := <-addr:
		return cmd, "http://" + a, logs
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not say where it listens")
	}
	return nil, "", nil
}

// TestCrashDuringRun builds the binary, starts a long run and records
// experiences, kills the process with SIGKILL during both, restarts it on
// the same data folder and checks that the run is started again and
// finishes, and that every acknowledged experience is there.
func TestCrashDuringRun(t *testing.T) {
	bin := buildBinary(t, "builds the binary and runs a simulation")
	data := t.TempDir()
	cmd, url := startBinary(t, bin, data)
	s := &testServer{url: url}

	var j trustlab.Job
	if st := s.call(t, "POST", "/api/v1/runs", fmt.Sprintf(`{"scenario":%q}`, slowScenario), &j); st != 202 {
		t.Fatalf("POST run: %d", st)
	}
	if st := s.call(t, "PUT", "/api/v1/parties/alice", `{}`, nil); st != 201 {
		t.Fatalf("PUT party: %d", st)
	}
	// Record experiences until the process dies; remember the acknowledged.
	var mu sync.Mutex
	var acked []string
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			key := fmt.Sprint("k", i)
			st, err := post(url+"/api/v1/experiences", fmt.Sprintf(`{"from":"alice","to":"bob","outcome":%d,"stake":1,"key":%q}`, i%2, key))
			if err != nil {
				return // killed
			}
			if st == 201 {
				mu.Lock()
				acked = append(acked, key)
				mu.Unlock()
			}
		}
	}()
	// Kill it once the run has made progress and experiences are being
	// recorded.
	deadline := time.Now().Add(60 * time.Second)
	for {
		s.call(t, "GET", "/api/v1/runs/"+j.ID, nil, &j)
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if j.Status == trustlab.JobRunning && j.Progress.Done > 0 && n >= 20 {
			break
		}
		if j.Status.Finished() || time.Now().After(deadline) {
			t.Fatalf("the run is %s (progress %+v) before it could be killed: make slowScenario slower", j.Status, j.Progress)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	close(stop)
	<-done
	killedAt := j.Progress
	t.Logf("killed at step %d of %d with %d experiences acknowledged", killedAt.Done, killedAt.Total, len(acked))

	_, url = startBinary(t, bin, data)
	s = &testServer{url: url}
	deadline = time.Now().Add(120 * time.Second)
	for {
		if st := s.call(t, "GET", "/api/v1/runs/"+j.ID, nil, &j); st != 200 {
			t.Fatalf("the run is gone after the restart: %d", st)
		}
		if j.Status.Finished() || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if j.Status != trustlab.JobDone || j.Attempts != 2 {
		t.Fatalf("after the restart the run is %s after %d attempts (%s), want done after 2", j.Status, j.Attempts, j.Error)
	}
	steps, err := get(url + "/api/v1/runs/" + j.ID + "/steps.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(j.Manifest), `"complete":true`) || len(steps) == 0 {
		t.Errorf("manifest %s, steps.csv %d bytes", j.Manifest, len(steps))
	}

	var p trustlab.Party
	s.call(t, "GET", "/api/v1/parties/alice", nil, &p)
	if p.Experiences < len(acked) {
		t.Errorf("%d experiences after the crash, but %d were acknowledged", p.Experiences, len(acked))
	}
	for _, k := range acked {
		i := strings.TrimPrefix(k, "k")
		var e trustlab.Experience
		if st := s.call(t, "POST", "/api/v1/experiences", fmt.Sprintf(`{"from":"alice","to":"bob","outcome":%s,"stake":1,"key":%q}`, parity(i), k), &e); st != 200 {
			t.Errorf("acknowledged experience %s: a retry answered %d, want 200 (already recorded)", k, st)
			break
		}
	}
	// The cache survived the crash intact: a rebuild changes nothing.
	cmd2 := exec.Command(bin, "ledger", "rebuild", "--data", data)
	out, err := cmd2.CombinedOutput()
	if err != nil || !strings.Contains(string(out), " 0 cached values differed") {
		t.Errorf("ledger rebuild after the crash: %v: %s", err, out)
	}
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// buildBinary builds trustlab once per test process. With -short it skips
// the test instead, saying why (what the test does with the binary).
func buildBinary(t *testing.T, why string) string {
	t.Helper()
	if testing.Short() {
		t.Skip(why)
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "trustlab-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "trustlab")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// TestGracefulShutdownDuringRun sends SIGTERM during a run: the process
// exits with status 0, and the run starts again at the next start without
// counting an attempt.
func TestGracefulShutdownDuringRun(t *testing.T) {
	bin := buildBinary(t, "builds the binary and runs a simulation")
	data := t.TempDir()
	cmd, url, logs := startBinaryLogs(t, bin, data)
	s := &testServer{url: url}
	var j trustlab.Job
	if st := s.call(t, "POST", "/api/v1/runs", fmt.Sprintf(`{"scenario":%q}`, slowScenario), &j); st != 202 {
		t.Fatalf("POST run: %d", st)
	}
	for deadline := time.Now().Add(60 * time.Second); j.Status != trustlab.JobRunning; time.Sleep(10 * time.Millisecond) {
		s.call(t, "GET", "/api/v1/runs/"+j.ID, nil, &j)
		if j.Status.Finished() || time.Now().After(deadline) {
			t.Fatalf("run %s before SIGTERM", j.Status)
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after SIGTERM: %v, want exit status 0", err)
	}
	time.Sleep(50 * time.Millisecond) // the last log lines
	if !strings.Contains(logs.String(), "job stopped by the shutdown") {
		t.Fatalf("SIGTERM did not stop the run (it finished first?): make slowScenario slower\n%s", logs)
	}
	_, url = startBinary(t, bin, data)
	s = &testServer{url: url}
	for deadline := time.Now().Add(120 * time.Second); !j.Status.Finished() && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		s.call(t, "GET", "/api/v1/runs/"+j.ID, nil, &j)
	}
	if j.Status != trustlab.JobDone || j.Attempts != 1 {
		t.Errorf("after a graceful restart: %s with %d attempts (%s), want done with 1", j.Status, j.Attempts, j.Error)
	}
}

func parity(i string) string {
	if strings.IndexByte("13579", i[len(i)-1]) >= 0 {
		return "1"
	}
	return "0"
}

func post(url, body string) (int, error) {
	resp, err := httpClient.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

func get(url string) ([]byte, error) {
	resp, err := httpClient.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return io.ReadAll(resp.Body)
}
