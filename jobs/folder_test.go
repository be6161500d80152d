package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/internal/testfs"
	"github.com/trustlab/trustlab/jobs"
	"github.com/trustlab/trustlab/sqlite"
)

// A delete that cannot remove the job's folder fails (the server answers
// 500, not 204) and keeps the job whole: done, running or queued (issue 13).
func TestFailedDeleteKeepsTheJob(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m, started := setupStarted(t, dir, 10)
	done := submitRun(t, m, "steps: 3\n")
	wait(t, m, done.ID, trustlab.JobDone)
	<-started // the done job's
	running := startRun(t, m, started, "steps: 3\nblock: true\n")
	queued := submitRun(t, m, "steps: 2\n")
	undo := testfs.Undeletable(t, filepath.Join(dir, "runs"))
	for _, id := range []string{done.ID, running.ID, queued.ID} {
		err := m.Delete(ctx, trustlab.KindRun, id)
		if err == nil || trustlab.ErrorCode(err) != trustlab.EINTERNAL || !strings.Contains(err.Error(), "cannot remove its folder (the job is kept)") {
			t.Errorf("Delete %s on an undeletable folder: %v (code %q), want an internal error", id, err, trustlab.ErrorCode(err))
		}
	}
	if j, err := m.Job(ctx, trustlab.KindRun, done.ID); err != nil || j.Status != trustlab.JobDone {
		t.Errorf("the done job after a failed delete: %+v, %v", j, err)
	}
	if f, err := m.Open(ctx, trustlab.KindRun, done.ID, "steps.csv"); err != nil {
		t.Errorf("its outputs after a failed delete: %v", err)
	} else {
		f.Close()
	}
	if j, err := m.Job(ctx, trustlab.KindRun, running.ID); err != nil || j.Status != trustlab.JobRunning {
		t.Errorf("the running job after a failed delete: %+v, %v; want it still running", j, err)
	}
	// Once the folder can be removed: the running job is deleted, and
	// the queued one, still queued, runs.
	undo()
	if err := m.Delete(ctx, trustlab.KindRun, running.ID); err != nil {
		t.Fatal(err)
	}
	wait(t, m, queued.ID, trustlab.JobDone)
}

// Start refuses a data folder it cannot write, saying so (issue 13).
func TestStartRefusesAReadOnlyDataFolder(t *testing.T) {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "trustlab.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dir := filepath.Join(t.TempDir(), "data")
	os.Mkdir(dir, 0o755)
	testfs.ReadOnly(t, dir, func() {
		os.Mkdir(filepath.Join(dir, "runs"), 0o755)
		os.Mkdir(filepath.Join(dir, "fits"), 0o755)
	})
	m := jobs.New(jobs.Options{Store: sqlite.NewJobStore(db), Runner: countRunner{}, Dir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	err = m.Start(context.Background())
	if err == nil || !strings.Contains(err.Error(), "the data folder "+dir+" is not writable (") {
		t.Errorf("Start on a read-only folder: %v", err)
	}
	if err == nil {
		m.Stop(context.Background())
	}
}
