package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/jobs"
	"github.com/trustlab/trustlab/sqlite"
)

// countSweeper is a test double of a sweep engine: the sweep file is
// "steps: N" (countRunner's format), run as N runs of one step each;
// it writes plots/n.svg.
type countSweeper struct{ countRunner }

func (s countSweeper) Run(ctx context.Context, src []byte, out string, progress trustlab.ProgressFunc) ([]byte, error) {
	n, err := parse(src)
	if err != nil {
		return nil, err
	}
	for i := range n {
		progress(i+1, n)
	}
	if err := os.MkdirAll(filepath.Join(out, "plots"), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(out, "plots", "n.svg"), []byte("<svg/>"), 0o644); err != nil {
		return nil, err
	}
	return []byte(`{"runs":` + string(src[len("steps: "):len(src)-1]) + `}`), nil
}

// Sweeps are jobs of their own kind: checked at Submit (bad input and
// limits refused before anything is stored), run from DIR/sweeps/ID, their
// outputs opened by name; without a Sweeper they are unavailable.
func TestSweepJobs(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openDB(t, dir)
	m := jobs.New(jobs.Options{Store: sqlite.NewJobStore(db), Runner: countRunner{}, Sweeper: countSweeper{}, Dir: dir,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Limits: jobs.Limits{MaxSteps: 100}})
	if err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Stop(ctx)
	if _, err := m.Submit(ctx, trustlab.JobInput{Kind: trustlab.KindSweep, Sweep: []byte("steps: x\n")}); trustlab.ErrorCode(err) != trustlab.EINVALID {
		t.Errorf("a bad sweep: %v, want invalid", err)
	}
	if _, err := m.Submit(ctx, trustlab.JobInput{Kind: trustlab.KindSweep, Sweep: []byte("steps: 500\n")}); trustlab.ErrorCode(err) != trustlab.ELIMIT {
		t.Errorf("a sweep over the steps limit: %v, want limit", err)
	}
	j, err := m.Submit(ctx, trustlab.JobInput{Kind: trustlab.KindSweep, Sweep: []byte("steps: 7\n")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "sweeps", j.ID, "sweep.yaml")); err != nil {
		t.Errorf("the sweep file is not in its job's folder: %v", err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for j.Status != trustlab.JobDone {
		if j.Status.Finished() || time.Now().After(deadline) {
			t.Fatalf("sweep %s: %s (%s)", j.ID, j.Status, j.Error)
		}
		time.Sleep(5 * time.Millisecond)
		if j, err = m.Job(ctx, trustlab.KindSweep, j.ID); err != nil {
			t.Fatal(err)
		}
	}
	if string(j.Manifest) != `{"runs":7}` || j.Progress != (trustlab.Progress{Done: 7, Total: 7}) {
		t.Errorf("done sweep %+v", j)
	}
	f, err := m.Open(ctx, trustlab.KindSweep, j.ID, "plots/n.svg")
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := m.Job(ctx, trustlab.KindRun, j.ID); trustlab.ErrorCode(err) != trustlab.ENOTFOUND {
		t.Errorf("a sweep is not a run: %v", err)
	}
	if list, err := m.Jobs(ctx, trustlab.KindSweep); err != nil || len(list) != 1 {
		t.Errorf("sweeps %v, %v", list, err)
	}
	if err := m.Delete(ctx, trustlab.KindSweep, j.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "sweeps", j.ID)); !os.IsNotExist(err) {
		t.Errorf("the deleted sweep's folder: %v", err)
	}

	none := jobs.New(jobs.Options{Store: sqlite.NewJobStore(db), Runner: countRunner{}, Dir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if _, err := none.Submit(ctx, trustlab.JobInput{Kind: trustlab.KindSweep, Sweep: []byte("steps: 1\n")}); trustlab.ErrorCode(err) != trustlab.EUNAVAILABLE {
		t.Errorf("without a Sweeper: %v, want unavailable", err)
	}
}
