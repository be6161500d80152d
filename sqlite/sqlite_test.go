package sqlite_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/model"
	"github.com/trustlab/trustlab/sqlite"
)

// open returns a fresh database in a temporary folder.
func open(t testing.TB) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "trustlab.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMigrationsAppliedOnceInOrder(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "trustlab.db")
	for range 2 { // the second open finds them applied
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.Migrations(ctx)
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"0001_init", "0002_experiments"}; !cmp.Equal(got, want) {
			t.Fatalf("migrations = %v, want %v", got, want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func exp(from, to string, r, stake float64, t time.Time, key string) trustlab.ExperienceInput {
	o := trustlab.Outcome(r)
	return trustlab.ExperienceInput{From: from, To: to, Outcome: &o, Stake: &stake, Time: &t, Key: key}
}

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func TestRecordExperienceIdempotent(t *testing.T) {
	ctx := context.Background()
	l := sqlite.NewLedgerService(open(t))
	if _, created, err := l.PutParty(ctx, "alice", trustlab.PartyInput{Trait: ptr(0.3)}); err != nil || !created {
		t.Fatalf("PutParty: created %v, err %v", created, err)
	}
	in := exp("alice", "bob", 1, 10, t0, "k1")
	first, created, err := l.RecordExperience(ctx, in)
	if err != nil || !created {
		t.Fatalf("first: created %v, err %v", created, err)
	}
	again, created, err := l.RecordExperience(ctx, in)
	if err != nil || created {
		t.Fatalf("same key, same body: created %v, err %v; want the original and created = false", created, err)
	}
	if !cmp.Equal(first, again) {
		t.Errorf("same key returned %+v, want the original %+v", again, first)
	}
	other := exp("alice", "bob", 0, 10, t0, "k1")
	if _, _, err := l.RecordExperience(ctx, other); trustlab.ErrorCode(err) != trustlab.ECONFLICT {
		t.Errorf("same key, other body: err %v (code %q), want conflict", err, trustlab.ErrorCode(err))
	}
	h, err := l.Belief(ctx, "alice", "bob")
	if err != nil {
		t.Fatal(err)
	}
	if h.Experiences != 1 || len(h.History) != 1 {
		t.Errorf("after one key used three times: %d experiences, %d history steps; want 1, 1", h.Experiences, len(h.History))
	}
	// Without a time the server stamps one; a retry without a time matches.
	noTime := in
	noTime.Time, noTime.Key = nil, "k2"
	a, _, err := l.RecordExperience(ctx, noTime)
	if err != nil {
		t.Fatal(err)
	}
	b, created, err := l.RecordExperience(ctx, noTime)
	if err != nil || created || a.Seq != b.Seq {
		t.Errorf("retry without time: seq %d then %d, created %v, err %v", a.Seq, b.Seq, created, err)
	}
}

func TestLedgerErrors(t *testing.T) {
	ctx := context.Background()
	l := sqlite.NewLedgerService(open(t))
	for _, tc := range []struct {
		name  string
		err   func() error
		code  string
		field string
	}{
		{"unknown from", func() error { _, _, err := l.RecordExperience(ctx, exp("nobody", "bob", 1, 1, t0, "x")); return err }, trustlab.ENOTFOUND, "from"},
		{"bad outcome", func() error { _, _, err := l.RecordExperience(ctx, exp("a", "b", 1.5, 1, t0, "x")); return err }, trustlab.EINVALID, "outcome"},
		{"bad stake", func() error { _, _, err := l.RecordExperience(ctx, exp("a", "b", 1, -1, t0, "x")); return err }, trustlab.EINVALID, "stake"},
		{"no key", func() error { _, _, err := l.RecordExperience(ctx, exp("a", "b", 1, 1, t0, "")); return err }, trustlab.EINVALID, "key"},
		{"self", func() error { _, _, err := l.RecordExperience(ctx, exp("a", "a", 1, 1, t0, "x")); return err }, trustlab.EINVALID, "to"},
		{"bad trait", func() error { _, _, err := l.PutParty(ctx, "a", trustlab.PartyInput{Trait: ptr(2.0)}); return err }, trustlab.EINVALID, "trait"},
		{"bad param", func() error {
			_, _, err := l.PutParty(ctx, "a", trustlab.PartyInput{Params: model.Params{Gamma: ptr(0.0)}})
			return err
		}, trustlab.EINVALID, "params.gamma"},
		{"bad id", func() error { _, _, err := l.PutParty(ctx, "a/b", trustlab.PartyInput{}); return err }, trustlab.EINVALID, "id"},
		{"unknown party", func() error { _, err := l.Party(ctx, "nobody"); return err }, trustlab.ENOTFOUND, "id"},
		{"belief of unknown", func() error { _, err := l.Belief(ctx, "nobody", "bob"); return err }, trustlab.ENOTFOUND, "id"},
		{"decide unknown", func() error { _, err := l.Decide(ctx, "nobody", trustlab.LedgerDecideInput{To: "bob"}); return err }, trustlab.ENOTFOUND, "from"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.err()
			if got := trustlab.ErrorCode(err); got != tc.code {
				t.Fatalf("err %v: code %q, want %q", err, got, tc.code)
			}
			fe := trustlab.FieldErrors(err)
			if len(fe) == 0 || fe[0].Field != tc.field {
				t.Errorf("err %v: field errors %+v, want the first about %q", err, fe, tc.field)
			}
		})
	}
}

// snapshot is every derived value of the ledger.
type snapshot map[string]trustlab.BeliefHistory

func snap(t *testing.T, l *sqlite.LedgerService, pairs [][2]string) snapshot {
	t.Helper()
	s := snapshot{}
	for _, p := range pairs {
		h, err := l.Belief(context.Background(), p[0], p[1])
		if err != nil {
			t.Fatal(err)
		}
		s[p[0]+">"+p[1]] = h
	}
	return s
}

// randomLedger records n experiences among parties with learning traits
// and forgetting, in a shuffled time order (so many arrive out of order),
// and returns the pairs.
func randomLedger(t *testing.T, l *sqlite.LedgerService, r *rand.Rand, n int) [][2]string {
	ctx := context.Background()
	ids := []string{"ann", "ben", "cat", "dan"}
	for i, id := range ids {
		in := trustlab.PartyInput{Trait: ptr(0.2 + 0.2*float64(i)), Params: model.Params{Eta: ptr(0.05), Gamma: ptr(0.95)}}
		if _, _, err := l.PutParty(ctx, id, in); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[[2]string]bool{}
	var pairs [][2]string
	for i := range n {
		from, to := ids[r.IntN(len(ids))], ids[r.IntN(len(ids))]
		if from == to {
			to = "stranger"
		}
		k := [2]string{from, to}
		if !seen[k] {
			seen[k] = true
			pairs = append(pairs, k)
		}
		when := t0.Add(time.Duration(r.IntN(50)) * time.Hour) // ties on purpose
		outcome := float64(r.IntN(2))
		if r.IntN(4) == 0 {
			outcome = r.Float64()
		}
		if _, _, err := l.RecordExperience(ctx, exp(from, to, outcome, float64(r.IntN(100)), when, fmt.Sprint("key-", i))); err != nil {
			t.Fatal(err)
		}
	}
	return pairs
}

// cachedLedger opens a new database, records n experiences of
// randomLedger in it (drawn from the seeds seed, seed+1) and returns the
// database, its ledger, the pairs and their cached beliefs.
func cachedLedger(t *testing.T, seed uint64, n int) (*sqlite.DB, *sqlite.LedgerService, [][2]string, snapshot) {
	t.Helper()
	db := open(t)
	l := sqlite.NewLedgerService(db)
	pairs := randomLedger(t, l, rand.New(rand.NewPCG(seed, seed+1)), n)
	return db, l, pairs, snap(t, l, pairs)
}

func TestRebuildGivesIdenticalNumbers(t *testing.T) {
	ctx := context.Background()
	_, l, pairs, cached := cachedLedger(t, 1, 300)

	st, err := l.Rebuild(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Changed != 0 || st.Experiences != 300 || st.Parties != 4 {
		t.Errorf("rebuild: %+v, want 4 parties, 300 experiences, 0 changed", st)
	}
	if diff := cmp.Diff(cached, snap(t, l, pairs)); diff != "" {
		t.Errorf("rebuilt beliefs differ from the cached ones (-cached +rebuilt):\n%s", diff)
	}

	// The cache equals an independent in-memory replay of the log in
	// (time, insertion) order: exact float equality.
	for _, id := range []string{"ann", "ben", "cat", "dan"} {
		var exps []trustlab.Experience
		for _, p := range pairs {
			if p[0] == id {
				for _, s := range cached[p[0]+">"+p[1]].History {
					exps = append(exps, s.Experience)
				}
			}
		}
		sort.Slice(exps, func(i, j int) bool {
			if !exps[i].Time.Equal(exps[j].Time) {
				return exps[i].Time.Before(exps[j].Time)
			}
			return exps[i].Seq < exps[j].Seq
		})
		party, err := l.Party(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		m, _ := party.Params.Model()
		want := trustlab.Replay(m, party.Trait, exps)
		if want.Trait != party.CurrentTrait {
			t.Errorf("%s: cached trait %v, replay %v", id, party.CurrentTrait, want.Trait)
		}
		for to, q := range want.Pairs {
			h := cached[id+">"+to]
			if h.Belief != q.Belief || h.Prior != q.Prior || h.Experiences != q.Experiences {
				t.Errorf("%s>%s: cached %+v prior %+v (%d), replay %+v", id, to, h.Belief, h.Prior, h.Experiences, *q)
			}
		}
	}
}

func TestRebuildRepairsADamagedCache(t *testing.T) {
	ctx := context.Background()
	db, l, pairs, cached := cachedLedger(t, 3, 60)
	if err := sqlite.DamageCacheForTest(ctx, db); err != nil {
		t.Fatal(err)
	}
	st, err := l.Rebuild(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Changed == 0 {
		t.Errorf("rebuild after damaging the cache reported 0 changed values")
	}
	if diff := cmp.Diff(cached, snap(t, l, pairs)); diff != "" {
		t.Errorf("rebuilt beliefs differ from the original cache (-original +rebuilt):\n%s", diff)
	}
}

func TestOutOfOrderEqualsInOrder(t *testing.T) {
	ctx := context.Background()
	outcomes := []float64{1, 0, 1, 1, 0.7, 0, 1}
	record := func(order []int) trustlab.BeliefHistory {
		l := sqlite.NewLedgerService(open(t))
		if _, _, err := l.PutParty(ctx, "a", trustlab.PartyInput{Trait: ptr(0.4), Params: model.Params{Eta: ptr(0.1), Gamma: ptr(0.9)}}); err != nil {
			t.Fatal(err)
		}
		for _, i := range order {
			if _, _, err := l.RecordExperience(ctx, exp("a", "b", outcomes[i], 1, t0.Add(time.Duration(i)*time.Minute), fmt.Sprint(i))); err != nil {
				t.Fatal(err)
			}
		}
		h, err := l.Belief(ctx, "a", "b")
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	in := record([]int{0, 1, 2, 3, 4, 5, 6})
	out := record([]int{6, 2, 0, 5, 1, 4, 3})
	ignore := cmp.FilterPath(func(p cmp.Path) bool {
		s := p.String()
		return s == "History.Experience.Seq" || s == "History.Experience.RecordedAt"
	}, cmp.Ignore())
	if diff := cmp.Diff(in, out, ignore); diff != "" {
		t.Errorf("out-of-order recording differs from in-order (-in +out):\n%s", diff)
	}
	// Reference values: trait 0.4, n0 = 2 gives the prior (0.8, 1.2).
	if in.Prior != (model.Belief{A: 0.8, B: 1.2}) {
		t.Errorf("prior %+v, want {0.8 1.2}", in.Prior)
	}
	last := in.History[len(in.History)-1]
	if last.Belief != in.Belief {
		t.Errorf("last history step %+v differs from the belief %+v", last.Belief, in.Belief)
	}
}

func TestFirstStepReferenceValues(t *testing.T) {
	// Default parameters, trait 0.5: prior Beta(1, 1). A betrayal adds
	// w_minus = 2 to b: Beta(1, 3), p = 0.25. An honoured one then adds
	// w_plus = 1 to a: Beta(2, 3), p = 0.4.
	ctx := context.Background()
	l := sqlite.NewLedgerService(open(t))
	if _, _, err := l.PutParty(ctx, "a", trustlab.PartyInput{}); err != nil {
		t.Fatal(err)
	}
	for i, r := range []float64{0, 1} {
		if _, _, err := l.RecordExperience(ctx, exp("a", "b", r, 5, t0.Add(time.Duration(i)*time.Second), fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	h, err := l.Belief(ctx, "a", "b")
	if err != nil {
		t.Fatal(err)
	}
	got := []model.Belief{h.History[0].Belief, h.History[1].Belief}
	if want := []model.Belief{{A: 1, B: 3}, {A: 2, B: 3}}; !cmp.Equal(got, want) || h.P != 0.4 {
		t.Errorf("history %v, p %v; want %v, p 0.4", got, h.P, want)
	}
	d, err := l.Decide(ctx, "a", trustlab.LedgerDecideInput{To: "b"})
	if err != nil {
		t.Fatal(err)
	}
	// No situation: gain = loss = the last stake (5); lambda(0.5) = 1;
	// B = 0.4*5 - 1*0.6*5 = -1.
	if d.Situation.Gain != 5 || d.Situation.Loss != 5 || d.Explanation.Balance != 0.4*5-0.6*5 {
		t.Errorf("decide: situation %+v, balance %v; want gain = loss = 5, balance -1", d.Situation, d.Explanation.Balance)
	}
}

func TestChangingAPartyRederivesItsBeliefs(t *testing.T) {
	ctx := context.Background()
	l := sqlite.NewLedgerService(open(t))
	if _, _, err := l.PutParty(ctx, "a", trustlab.PartyInput{Trait: ptr(0.5)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := l.RecordExperience(ctx, exp("a", "b", 1, 1, t0, "1")); err != nil {
		t.Fatal(err)
	}
	if _, created, err := l.PutParty(ctx, "a", trustlab.PartyInput{Trait: ptr(0.9), Params: model.Params{N0: ptr(10.0)}}); err != nil || created {
		t.Fatalf("update: created %v, err %v", created, err)
	}
	h, err := l.Belief(ctx, "a", "b")
	if err != nil {
		t.Fatal(err)
	}
	// Prior (9, 1) plus one confirmation: (10, 1).
	prior := model.Model{N0: 10}.Prior(0.9)
	if want := (model.Belief{A: prior.A + 1, B: prior.B}); h.Belief != want {
		t.Errorf("belief after changing trait and n0: %+v, want %+v", h.Belief, want)
	}
}

func TestConcurrentLedger(t *testing.T) {
	ctx := context.Background()
	l := sqlite.NewLedgerService(open(t))
	if _, _, err := l.PutParty(ctx, "a", trustlab.PartyInput{}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 20 {
				// Every key is recorded by two workers: one experience each.
				key := fmt.Sprint("k", (w/2)*100+i)
				if _, _, err := l.RecordExperience(ctx, exp("a", fmt.Sprint("p", w/2), 1, 1, t0.Add(time.Duration(i)*time.Second), key)); err != nil {
					t.Error(err)
				}
				if _, err := l.Decide(ctx, "a", trustlab.LedgerDecideInput{To: "p0", Stake: ptr(1.0)}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	p, err := l.Party(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if p.Experiences != 80 {
		t.Errorf("%d experiences, want 80 (4 pairs of workers x 20 keys)", p.Experiences)
	}
}
