package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/experiment"
	"github.com/trustlab/trustlab/sqlite"
)

// Many appends at once are committed (in groups), each exactly once; a key
// stored already is refused with ECONFLICT, whether it arrives in the same
// group or later; the events and seats read back as written.
func TestExperimentStoreAppends(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "trustlab.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	st := sqlite.NewExperimentStore(db)
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	rec := experiment.SessionRecord{ID: "s1", Design: []byte("x: 1"), Seed: 1<<63 + 5, RoomCode: "ABCDEF", CreatedAt: at,
		Seats: []experiment.SeatRecord{{Index: 0, Label: "p01", Arm: 0, Bot: -1, TokenHash: []byte{1, 2, 3}}, {Index: 1, Label: "b01", Arm: 0, Bot: 0}}}
	if err := st.CreateSession(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateSession(ctx, rec); trustlab.ErrorCode(err) != trustlab.ECONFLICT {
		t.Errorf("second create: %v", err)
	}
	const n = 200
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, dup := 0, 0
	for i := range 2 * n { // every key twice
		wg.Go(func() {
			_, err := st.Append(ctx, experiment.Event{Session: "s1", Kind: experiment.EvChoice, Seat: 0, Round: i%n + 1, Role: experiment.RoleTrustor,
				Amount: i % n, At: at, Key: fmt.Sprintf("choice/0/%d", i%n+1)})
			mu.Lock()
			defer mu.Unlock()
			switch trustlab.ErrorCode(err) {
			case "":
				ok++
			case trustlab.ECONFLICT:
				dup++
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if ok != n || dup != n {
		t.Errorf("%d stored, %d refused; want %d and %d", ok, dup, n, n)
	}
	db.Close()
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st = sqlite.NewExperimentStore(db)
	recs, err := st.Sessions(ctx)
	if err != nil || len(recs) != 1 || recs[0].Seed != rec.Seed || len(recs[0].Seats) != 2 || recs[0].Seats[0].Label != "p01" || len(recs[0].Seats[0].TokenHash) != 3 || recs[0].Seats[1].TokenHash != nil {
		t.Fatalf("sessions %+v %v", recs, err)
	}
	evs, err := st.Events(ctx, "s1")
	if err != nil || len(evs) != n {
		t.Fatalf("%d events, %v", len(evs), err)
	}
	for _, e := range evs {
		if e.Amount != e.Round-1 || e.Kind != experiment.EvChoice || !e.At.Equal(at) {
			t.Errorf("event %+v", e)
		}
	}
}
