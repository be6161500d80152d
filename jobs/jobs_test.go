package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/jobs"
	"github.com/trustlab/trustlab/sqlite"
)

// countRunner is a test double of a simulation engine: the scenario is
// "steps: N" (and optionally "block: true" to wait for cancellation at the
// first step); it writes one line of steps.csv per step.
type countRunner struct{ started chan string }

// Check predicts 100 bytes of memory per agent ("agents: N" on any line,
// default 10) and 100 bytes of output per step.
func (countRunner) Check(scenario []byte) (trustlab.JobSize, error) {
	n, err := parse(scenario)
	agents := 10
	for _, line := range strings.Split(string(scenario), "\n") {
		if v, ok := strings.CutPrefix(line, "agents: "); ok {
			agents, _ = strconv.Atoi(v)
		}
	}
	return trustlab.JobSize{Agents: agents, Steps: n, MemoryBytes: 100 * int64(agents), DiskBytes: 100 * int64(n)}, err
}

func parse(scenario []byte) (int, error) {
	s, ok := strings.CutPrefix(strings.SplitN(string(scenario), "\n", 2)[0], "steps: ")
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if !ok || err != nil || n < 1 {
		return 0, fmt.Errorf("scenario.yaml:1: steps: must be a whole number >= 1")
	}
	return n, nil
}

func (r countRunner) Run(ctx context.Context, scenario []byte, out string, progress trustlab.ProgressFunc) ([]byte, error) {
	n, err := parse(scenario)
	if err != nil {
		return nil, err
	}
	if r.started != nil {
		r.started <- out
	}
	f, err := os.Create(filepath.Join(out, "steps.csv"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fmt.Fprintln(f, "step")
	for i := range n {
		trustlab.ReportPhase(ctx, fmt.Sprintf("step %d of %d", i+1, n))
		if strings.Contains(string(scenario), "block: true") {
			<-ctx.Done()
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		fmt.Fprintln(f, i)
		progress(i+1, n)
	}
	return []byte(fmt.Sprintf(`{"steps":%d}`, n)), nil
}

func setup(t *testing.T, dir string, r countRunner) (*jobs.Manager, *sqlite.JobStore) {
	t.Helper()
	return setupLimits(t, dir, r, jobs.Limits{})
}

// setupStarted is setup with a countRunner that sends each run's start
// on started, a channel of capacity n.
func setupStarted(t *testing.T, dir string, n int) (*jobs.Manager, chan string) {
	t.Helper()
	started := make(chan string, n)
	m, _ := setup(t, dir, countRunner{started: started})
	return m, started
}

func setupLimits(t *testing.T, dir string, r countRunner, l jobs.Limits) (*jobs.Manager, *sqlite.JobStore) {
	t.Helper()
	store := sqlite.NewJobStore(openDB(t, dir))
	m := jobs.New(jobs.Options{Store: store, Runner: r, Dir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Limits: l})
	if err := m.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Stop(context.Background()) })
	return m, store
}

// submitRun submits a run of scenario to m.
func submitRun(t *testing.T, m *jobs.Manager, scenario string) trustlab.Job {
	t.Helper()
	j, err := m.Submit(context.Background(), trustlab.JobInput{Kind: trustlab.KindRun, Scenario: []byte(scenario)})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// startRun submits a run of scenario to m and waits until it starts
// (started: the channel of m's runner, setupStarted).
func startRun(t *testing.T, m *jobs.Manager, started <-chan string, scenario string) trustlab.Job {
	t.Helper()
	j := submitRun(t, m, scenario)
	<-started
	return j
}

// openDB opens the database of the jobs in dir, closed when the test ends.
func openDB(t *testing.T, dir string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "trustlab.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func wait(t *testing.T, m *jobs.Manager, id string, want trustlab.JobStatus) trustlab.Job {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		j, err := m.Job(context.Background(), trustlab.KindRun, id)
		if err != nil {
			t.Fatal(err)
		}
		if j.Status == want {
			return j
		}
		if j.Status.Finished() || time.Now().After(deadline) {
			t.Fatalf("job %s is %s (%s), want %s", id, j.Status, j.Error, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestRunToCompletion(t *testing.T) {
	ctx := context.Background()
	m, _ := setup(t, t.TempDir(), countRunner{})
	j := submitRun(t, m, "steps: 50\n")
	j = wait(t, m, j.ID, trustlab.JobDone)
	if string(j.Manifest) != `{"steps":50}` || j.Progress != (trustlab.Progress{Done: 50, Total: 50}) || j.Attempts != 1 {
		t.Errorf("done job %+v", j)
	}
	f, err := m.Open(ctx, trustlab.KindRun, j.ID, "steps.csv")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(f)
	f.Close()
	if lines := strings.Count(string(b), "\n"); lines != 51 {
		t.Errorf("steps.csv has %d lines, want 51", lines)
	}
	for _, name := range []string{"nothing.csv", "../scenario.yaml", "/etc/passwd"} {
		if _, err := m.Open(ctx, trustlab.KindRun, j.ID, name); trustlab.ErrorCode(err) != trustlab.ENOTFOUND {
			t.Errorf("Open(%q): %v, want not found", name, err)
		}
	}
	if _, err := m.Job(ctx, trustlab.KindFit, j.ID); trustlab.ErrorCode(err) != trustlab.ENOTFOUND {
		t.Errorf("a run asked for as a fit: %v, want not found", err)
	}
}

func TestInvalidScenario(t *testing.T) {
	m, _ := setup(t, t.TempDir(), countRunner{})
	_, err := m.Submit(context.Background(), trustlab.JobInput{Kind: trustlab.KindRun, Scenario: []byte("steps: lots\n")})
	if trustlab.ErrorCode(err) != trustlab.EINVALID || !strings.Contains(err.Error(), "scenario.yaml:1") {
		t.Errorf("err %v (%s), want invalid naming the line", err, trustlab.ErrorCode(err))
	}
}

func TestDeleteCancelsARunningJob(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m, started := setupStarted(t, dir, 1)
	j := startRun(t, m, started, "steps: 5\nblock: true\n")
	if _, err := m.Open(ctx, trustlab.KindRun, j.ID, "steps.csv"); trustlab.ErrorCode(err) != trustlab.ECONFLICT {
		t.Errorf("outputs of a running job: %v, want conflict", err)
	}
	if err := m.Delete(ctx, trustlab.KindRun, j.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Job(ctx, trustlab.KindRun, j.ID); trustlab.ErrorCode(err) != trustlab.ENOTFOUND {
		t.Errorf("after delete: %v, want not found", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "runs", j.ID)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the job's folder survived its deletion: %v", err)
	}
}

func TestRestartRecovery(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// A previous process left three jobs: one queued, one running (its
	// first attempt) and one running for the third time.
	db := openDB(t, dir)
	store := sqlite.NewJobStore(db)
	now := time.Now().UTC()
	for i, j := range []trustlab.Job{
		{ID: "queued", Status: trustlab.JobQueued},
		{ID: "running", Status: trustlab.JobRunning, Attempts: 1, StartedAt: &now, Progress: trustlab.Progress{Done: 3, Total: 10}},
		{ID: "doomed", Status: trustlab.JobRunning, Attempts: 3, StartedAt: &now},
	} {
		j.Kind, j.CreatedAt = trustlab.KindRun, now.Add(time.Duration(i)*time.Second)
		if err := store.CreateJob(ctx, j); err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Join(dir, "runs", j.ID), 0o755)
		os.WriteFile(filepath.Join(dir, "runs", j.ID, "scenario.yaml"), []byte("steps: 10\n"), 0o644)
	}
	os.MkdirAll(filepath.Join(dir, "runs", "orphan"), 0o755)
	db.Close()

	m, _ := setup(t, dir, countRunner{})
	if j := wait(t, m, "queued", trustlab.JobDone); j.Attempts != 1 {
		t.Errorf("queued job: %d attempts, want 1", j.Attempts)
	}
	if j := wait(t, m, "running", trustlab.JobDone); j.Attempts != 2 || j.Progress.Done != 10 {
		t.Errorf("interrupted job: %+v, want done on its second attempt", j)
	}
	if j := wait(t, m, "doomed", trustlab.JobFailed); !strings.Contains(j.Error, "interrupted by a restart 3 times") {
		t.Errorf("job interrupted 3 times: %q", j.Error)
	}
	if _, err := os.Stat(filepath.Join(dir, "runs", "orphan")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a folder without a job survived the start: %v", err)
	}
}

func TestStopLeavesJobsQueued(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	started := make(chan string, 1)
	db := openDB(t, dir)
	m := jobs.New(jobs.Options{Store: sqlite.NewJobStore(db), Runner: countRunner{started: started}, Dir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	j := submitRun(t, m, "steps: 5\nblock: true\n")
	<-started
	if err := m.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := m.Job(ctx, trustlab.KindRun, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != trustlab.JobQueued || got.Attempts != 0 {
		t.Errorf("after a graceful stop: %s with %d attempts, want queued with 0", got.Status, got.Attempts)
	}
}

// echoFitter is a test double of a fitting engine: it checks the data
// file's header and copies data and spec into its outputs.
type echoFitter struct{}

func (echoFitter) Check(dataPath string, spec []byte) error {
	b, err := os.ReadFile(dataPath)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(string(b), "subject,") {
		return fmt.Errorf("data.csv:1: the header must start with subject")
	}
	return nil
}

func (echoFitter) Fit(ctx context.Context, dataPath string, spec []byte, out string, progress trustlab.ProgressFunc) ([]byte, error) {
	b, err := os.ReadFile(dataPath)
	if err != nil {
		return nil, err
	}
	progress(1, 1)
	if err := os.WriteFile(filepath.Join(out, "subjects.csv"), append(b, spec...), 0o644); err != nil {
		return nil, err
	}
	return []byte(`{"fit":true}`), nil
}

func TestFit(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openDB(t, dir)
	m := jobs.New(jobs.Options{Store: sqlite.NewJobStore(db), Fitter: echoFitter{}, Dir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Stop(ctx)
	if _, err := m.Submit(ctx, trustlab.JobInput{Kind: trustlab.KindFit, Data: strings.NewReader("id,x\n"), Spec: []byte("s")}); trustlab.ErrorCode(err) != trustlab.EINVALID {
		t.Errorf("bad data: %v, want invalid", err)
	}
	if _, err := m.Submit(ctx, trustlab.JobInput{Kind: trustlab.KindRun, Scenario: []byte("steps: 1\n")}); trustlab.ErrorCode(err) != trustlab.EUNAVAILABLE {
		t.Errorf("a run without a runner: %v, want unavailable", err)
	}
	j, err := m.Submit(ctx, trustlab.JobInput{Kind: trustlab.KindFit, Data: strings.NewReader("subject,x\n1,2\n"), Spec: []byte("spec: yes\n")})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for !j.Status.Finished() && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
		j, _ = m.Job(ctx, trustlab.KindFit, j.ID)
	}
	if j.Status != trustlab.JobDone {
		t.Fatalf("fit %+v", j)
	}
	f, err := m.Open(ctx, trustlab.KindFit, j.ID, "subjects.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	if string(b) != "subject,x\n1,2\nspec: yes\n" {
		t.Errorf("subjects.csv %q", b)
	}
}
