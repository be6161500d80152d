package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/trustlab/trustlab"
)

// A running job's progress says what its engine reported last (the fits
// page shows it); the phase is not stored, and a finished job has none.
func TestRunningJobHasItsPhase(t *testing.T) {
	ctx := context.Background()
	m, store := setup(t, t.TempDir(), countRunner{})
	j := submitRun(t, m, "steps: 3\nblock: true\n")
	wait(t, m, j.ID, trustlab.JobRunning)
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := m.Job(ctx, trustlab.KindRun, j.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Progress.Phase == "step 1 of 3" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("phase %q, want %q", got.Progress.Phase, "step 1 of 3")
		}
		time.Sleep(5 * time.Millisecond)
	}
	list, err := m.Jobs(ctx, trustlab.KindRun)
	if err != nil || len(list) != 1 || list[0].Progress.Phase != "step 1 of 3" {
		t.Errorf("the list shows %+v (%v), want the phase", list, err)
	}
	if s, err := store.Job(ctx, j.ID); err != nil || s.Progress.Phase != "" {
		t.Errorf("the store keeps %+v (%v), want no phase", s.Progress, err)
	}
	m.Stop(ctx) // cancels the blocked run
}
