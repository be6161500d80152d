package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/internal/sysinfo"
	"github.com/trustlab/trustlab/jobs"
)

// A run over a limit is refused before anything is stored, with ELIMIT
// (422) naming the limit and the flag that raises it (issue 13).
func TestLimitsRefuseLargeRuns(t *testing.T) {
	m, store := setupLimits(t, t.TempDir(), countRunner{}, jobs.Limits{MaxAgents: 1000, MaxSteps: 100, MaxMemory: 50_000, MaxDisk: 5_000})
	for _, tc := range []struct {
		scenario, field, want string
	}{
		{"steps: 5\nagents: 1001\n", "population.size", "1001 agents: over this server's limit of 1000 agents per run (serve --max-agents raises it)"},
		{"steps: 101\n", "steps", "101 steps: over this server's limit of 100 steps per run (serve --max-steps raises it)"},
		{"steps: 5\nagents: 600\n", "scenario", "about 58.6 KiB of memory (600 agents, 0 beliefs, 5 steps): over this server's limit of 48.8 KiB per run (serve --max-memory raises it"},
		{"steps: 51\n", "scenario", "about 5.0 KiB of outputs; with the 0 B predicted for the 0 jobs queued or running, that is over this server's limit of 4.9 KiB (serve --max-disk raises it"},
	} {
		_, err := m.Submit(context.Background(), trustlab.JobInput{Kind: trustlab.KindRun, Scenario: []byte(tc.scenario)})
		var e *trustlab.Error
		if trustlab.ErrorCode(err) != trustlab.ELIMIT || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v (code %q), want limit with %q", tc.scenario, err, trustlab.ErrorCode(err), tc.want)
		} else if e = err.(*trustlab.Error); e.Field != tc.field {
			t.Errorf("%q: field %q, want %q", tc.scenario, e.Field, tc.field)
		}
	}
	if list, _ := store.Jobs(context.Background(), trustlab.KindRun); len(list) != 0 {
		t.Errorf("refused runs were stored: %+v", list)
	}
	if _, err := m.Submit(context.Background(), trustlab.JobInput{Kind: trustlab.KindRun, Scenario: []byte("steps: 50\nagents: 400\n")}); err != nil {
		t.Errorf("a run at the limits: %v", err)
	}
}

// At most MaxQueued jobs are queued or running; the disk limit counts the
// predicted outputs of every job in flight; a deleted or finished job
// frees its place.
func TestQueueAndDiskLimits(t *testing.T) {
	ctx := context.Background()
	started := make(chan string, 100)
	m, _ := setupLimits(t, t.TempDir(), countRunner{started: started}, jobs.Limits{MaxQueued: 4, MaxDisk: 2_000})
	block := []byte("steps: 5\nblock: true\n") // 500 bytes of outputs, runs until deleted
	var ids []string
	accepted, queueFull := 0, 0
	for range 50 {
		j, err := m.Submit(ctx, trustlab.JobInput{Kind: trustlab.KindRun, Scenario: block})
		switch {
		case err == nil:
			accepted++
			ids = append(ids, j.ID)
		case trustlab.ErrorCode(err) == trustlab.ELIMIT && strings.Contains(err.Error(), "4 jobs are queued or running, this server's limit (serve --max-queued raises it)"):
			queueFull++
		default:
			t.Fatalf("submission %d: %v", accepted+queueFull, err)
		}
	}
	if accepted != 4 || queueFull != 46 {
		t.Errorf("50 submissions: %d accepted, %d refused as the queue was full; want 4 and 46", accepted, queueFull)
	}
	<-started
	// Disk: three jobs of 500 bytes in flight leave 500 of 2000.
	if err := m.Delete(ctx, trustlab.KindRun, ids[3]); err != nil {
		t.Fatal(err)
	}
	_, err := m.Submit(ctx, trustlab.JobInput{Kind: trustlab.KindRun, Scenario: []byte("steps: 6\n")})
	if trustlab.ErrorCode(err) != trustlab.ELIMIT || !strings.Contains(err.Error(), "with the 1.5 KiB predicted for the 3 jobs queued or running") || !strings.Contains(err.Error(), "--max-disk") {
		t.Errorf("600 bytes with 1500 of 2000 in flight: %v, want the disk limit", err)
	}
	j, err := m.Submit(ctx, trustlab.JobInput{Kind: trustlab.KindRun, Scenario: []byte("steps: 5\n")})
	if err != nil {
		t.Fatalf("500 bytes with 1500 of 2000 in flight: %v", err)
	}
	for _, id := range ids[:3] {
		if err := m.Delete(ctx, trustlab.KindRun, id); err != nil {
			t.Fatal(err)
		}
	}
	wait(t, m, j.ID, trustlab.JobDone)
	for range 4 {
		if _, err := m.Submit(ctx, trustlab.JobInput{Kind: trustlab.KindRun, Scenario: []byte("steps: 5\n")}); err != nil && !strings.Contains(err.Error(), "--max-queued") {
			t.Fatalf("after the queue emptied: %v", err)
		}
	}
}

// The default limits fit the machine: half its memory, agents at 256
// bytes each, half the data folder's free space.
func TestDefaultLimits(t *testing.T) {
	dir := t.TempDir()
	for _, workers := range []int{1, 4} {
		l := jobs.DefaultLimits(dir, workers)
		mem := sysinfo.Memory()
		if mem > 0 && l.MaxMemory != mem/2/int64(workers) {
			t.Errorf("workers %d: MaxMemory %d, want half of %d per worker", workers, l.MaxMemory, mem)
		}
		if int64(l.MaxAgents) != min(l.MaxMemory/256, 1<<31-1) || l.MaxSteps < 1000 || l.MaxQueued != 32 || l.MaxDisk <= 0 {
			t.Errorf("workers %d: %+v", workers, l)
		}
		if free := sysinfo.FreeDisk(dir); free > 0 && l.MaxDisk != free/2 {
			// free space moves under other writers: within 1%
			if d := float64(l.MaxDisk) - float64(free/2); d > 0.01*float64(free) || d < -0.01*float64(free) {
				t.Errorf("MaxDisk %d, free %d", l.MaxDisk, free)
			}
		}
	}
	m := jobs.New(jobs.Options{Dir: dir, Limits: jobs.Limits{MaxSteps: 7}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if l := m.Limits(); l.MaxSteps != 7 || l.MaxAgents != jobs.DefaultLimits(dir, 1).MaxAgents {
		t.Errorf("a set limit and the defaults for the rest: %+v", l)
	}
}

// A run stored before the limits were lowered is failed at the next start
// instead of started (it could exhaust the machine at every start).
func TestStartFailsRunsOverTheLimits(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m, started := setupStarted(t, dir, 1)
	j := startRun(t, m, started, "steps: 5\nagents: 5000\nblock: true\n")
	m.Stop(ctx)
	m2, _ := setupLimits(t, dir, countRunner{}, jobs.Limits{MaxAgents: 1000})
	got, err := m2.Job(ctx, trustlab.KindRun, j.ID)
	if err != nil || got.Status != trustlab.JobFailed || !strings.Contains(got.Error, "not started: population.size: 5000 agents: over this server's limit of 1000 agents per run (serve --max-agents raises it)") {
		t.Errorf("after a restart with lower limits: %+v, %v", got, err)
	}
}
