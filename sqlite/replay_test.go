package sqlite_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/model"
	"github.com/trustlab/trustlab/sqlite"
)

// history records n experiences of ann with bob and cat, a minute apart
// from t0 (ann learns: eta > 0, so the trait carries through the replay).
func history(t testing.TB, l *sqlite.LedgerService, n int) {
	t.Helper()
	ctx := context.Background()
	if _, _, err := l.PutParty(ctx, "ann", trustlab.PartyInput{Trait: ptr(0.4), Params: model.Params{Eta: ptr(0.02), Gamma: ptr(0.97)}}); err != nil {
		t.Fatal(err)
	}
	ins := make([]trustlab.ExperienceInput, n)
	for i := range n {
		ins[i] = exp("ann", []string{"bob", "cat"}[i%3%2], float64(i%4%3)/2, float64(i%7), t0.Add(time.Duration(i)*time.Minute), fmt.Sprint("h", i))
	}
	if err := l.BulkRecordForTest(ctx, ins); err != nil {
		t.Fatal(err)
	}
}

// A back-dated experience replays only itself and the experiences after
// it in time, not the party's whole history (issue 13), and the result is
// what a full rebuild gives.
func TestBackDatedWriteReplaysOnlyTheTail(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		at     time.Time // the back-dated experience's time
		to     string
		replay int64
	}{
		{"before the last 10", t0.Add(989*time.Minute + time.Second), "bob", 11},
		{"a new partner before the last 3", t0.Add(996*time.Minute + time.Second), "dan", 4},
		{"a tie with the 500th (it sorts after it)", t0.Add(499 * time.Minute), "cat", 501},
		{"before everything", t0.Add(-time.Hour), "cat", 1001},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := open(t)
			l := sqlite.NewLedgerService(db)
			history(t, l, 1000)
			before := l.ReplayedForTest()
			if _, _, err := l.RecordExperience(ctx, exp("ann", tc.to, 0, 3, tc.at, "late")); err != nil {
				t.Fatal(err)
			}
			if got := l.ReplayedForTest() - before; got != tc.replay {
				t.Errorf("replayed %d experiences, want %d", got, tc.replay)
			}
			cached := map[string]trustlab.BeliefHistory{}
			for _, to := range []string{"bob", "cat", "dan"} {
				h, err := l.Belief(ctx, "ann", to)
				if err != nil {
					t.Fatal(err)
				}
				cached[to] = h
			}
			p1, _ := l.Party(ctx, "ann")
			st, err := l.Rebuild(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if st.Changed != 0 || st.Experiences != 1001 {
				t.Errorf("rebuild after the back-dated write: %+v, want 1001 experiences and 0 changed", st)
			}
			p2, _ := l.Party(ctx, "ann")
			if p1.CurrentTrait != p2.CurrentTrait || p1.Experiences != 1001 || p2.Experiences != 1001 {
				t.Errorf("trait %v, rebuilt %v; experiences %d, %d", p1.CurrentTrait, p2.CurrentTrait, p1.Experiences, p2.Experiences)
			}
			for to, h := range cached {
				r, _ := l.Belief(ctx, "ann", to)
				if diff := cmp.Diff(h, r); diff != "" {
					t.Errorf("ann > %s after the back-dated write differs from the rebuild:\n%s", to, diff)
				}
			}
		})
	}
}

// An experience more than 5 minutes ahead of the server's clock is
// refused; within 5 minutes (clock skew) it is taken (issue 13).
func TestFutureExperienceRefused(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	l := sqlite.NewLedgerService(db)
	if _, _, err := l.PutParty(ctx, "ann", trustlab.PartyInput{}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		at time.Time
		ok bool
	}{
		{now.Add(4*time.Minute + 59*time.Second), true},
		{now.Add(5 * time.Minute), true},
		{now.Add(5*time.Minute + time.Nanosecond), false},
		{time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), false},
		{now.Add(-24 * 365 * time.Hour), true},
	} {
		_, _, err := l.RecordExperience(ctx, exp("ann", "bob", 1, 1, tc.at, tc.at.String()))
		if tc.ok != (err == nil) {
			t.Errorf("time %v: %v", tc.at, err)
		}
		if err != nil && (trustlab.ErrorCode(err) != trustlab.EINVALID || !strings.Contains(err.Error(), "time: ") || !strings.Contains(err.Error(), "more than 5 minutes ahead of the server's clock (2026-05-01T12:00:00Z)")) {
			t.Errorf("time %v: %v (code %s)", tc.at, err, trustlab.ErrorCode(err))
		}
	}
}

// The cost of a back-dated write to a party with 10^5 experiences: one a
// few places from the end replays only those; one before everything still
// replays all of them. BenchmarkFullReplay is what every back-dated write
// cost before (the whole history replayed). Figures: docs/api.md.
func BenchmarkBackDatedWrite(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	l := sqlite.NewLedgerService(open(b))
	history(b, l, n)
	for _, bc := range []struct {
		name string
		at   func(i int) time.Time
	}{
		{"tail=10", func(i int) time.Time { return t0.Add((n-11)*time.Minute + time.Duration(i+1)*time.Microsecond) }},
		{"tail=1000", func(i int) time.Time { return t0.Add((n-1001)*time.Minute + time.Duration(i+1)*time.Microsecond) }},
		{"tail=all", func(i int) time.Time { return t0.Add(-time.Duration(i+1) * time.Microsecond) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			i := 0
			start := l.ReplayedForTest()
			for b.Loop() {
				if _, _, err := l.RecordExperience(ctx, exp("ann", "bob", 1, 1, bc.at(i), fmt.Sprint(bc.name, i))); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(l.ReplayedForTest()-start)/float64(i), "replayed/op")
		})
	}
}

// BenchmarkFullReplay replays a party's 10^5 experiences (a rebuild of the
// party): the cost of every back-dated write before issue 13.
func BenchmarkFullReplay(b *testing.B) {
	ctx := context.Background()
	l := sqlite.NewLedgerService(open(b))
	history(b, l, 100_000)
	for b.Loop() {
		if _, err := l.Rebuild(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInOrderWrite is a write in time order to the same party, for
// comparison.
func BenchmarkInOrderWrite(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	l := sqlite.NewLedgerService(open(b))
	history(b, l, n)
	i := 0
	for b.Loop() {
		if _, _, err := l.RecordExperience(ctx, exp("ann", "bob", 1, 1, t0.Add(time.Duration(n+i)*time.Minute), fmt.Sprint("in", i))); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
