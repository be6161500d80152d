package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/model"
)

// LedgerService implements [trustlab.LedgerService]. Experiences are only
// ever inserted; beliefs, belief steps and the parties' current traits are
// derived from them with [trustlab.Apply], inside the transaction that
// changed the log: for one experience appended in time order; for an
// experience older than the party's latest, from it on (the experiences
// after it in time are applied again, from the state stored before it);
// through [trustlab.Replay] for a changed party and a rebuild.
type LedgerService struct {
	db *DB

	// decideStmt is the hot query of Decide, prepared once per reader
	// connection.
	decideOnce sync.Once
	decideStmt *sql.Stmt
	decideErr  error

	// replayed counts the experiences applied by RecordExperience: one
	// for an experience in time order, the tail from the first affected
	// experience on for a back-dated one.
	replayed atomic.Int64
}

// NewLedgerService returns the ledger stored in db.
func NewLedgerService(db *DB) *LedgerService { return &LedgerService{db: db} }

const decideQuery = `SELECT p.id, p.trait, p.params, p.current_trait, p.experiences, p.created_at, p.updated_at, p.last_time,
		b.prior_a, b.prior_b, b.a, b.b, b.experiences, b.last_stake
		FROM parties p LEFT JOIN beliefs b ON b.from_id = p.id AND b.to_id = ? WHERE p.id = ?`

var _ trustlab.LedgerService = (*LedgerService)(nil)

// querier is a *sql.DB or *sql.Tx.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

const partyCols = `id, trait, params, current_trait, experiences, created_at, updated_at, last_time`

// partyRow is a stored party with its derived state.
type partyRow struct {
	trustlab.Party
	model    model.Model
	lastTime sql.NullString
}

func scanParty(sc interface{ Scan(...any) error }) (partyRow, error) {
	var p partyRow
	var params, created, updated string
	if err := sc.Scan(&p.ID, &p.Trait, &params, &p.CurrentTrait, &p.Experiences, &created, &updated, &p.lastTime); err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(params), &p.Params); err != nil {
		return p, fmt.Errorf("party %q: params: %w", p.ID, err)
	}
	m, err := p.Params.Model()
	if err != nil {
		return p, fmt.Errorf("party %q: params: %w", p.ID, err)
	}
	p.model = m
	var err1, err2 error
	p.CreatedAt, err1 = parseTime(created)
	p.UpdatedAt, err2 = parseTime(updated)
	return p, errors.Join(err1, err2)
}

func getParty(ctx context.Context, q querier, id string) (partyRow, error) {
	p, err := scanParty(q.QueryRowContext(ctx, `SELECT `+partyCols+` FROM parties WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, &trustlab.Error{Code: trustlab.ENOTFOUND, Field: "id", Message: fmt.Sprintf("no party %q (create it with PUT /api/v1/parties/%s)", id, id)}
	}
	return p, internal("read party", err)
}

// PutParty creates or replaces a party. A changed trait or changed
// parameters re-derive the party's beliefs from its experiences.
func (s *LedgerService) PutParty(ctx context.Context, id string, in trustlab.PartyInput) (trustlab.Party, bool, error) {
	tau, _, err := in.Validate(id)
	if err != nil {
		return trustlab.Party{}, false, err
	}
	params, err := json.Marshal(in.Params)
	if err != nil {
		return trustlab.Party{}, false, internal("encode params", err)
	}
	tx, err := s.db.w.BeginTx(ctx, nil)
	if err != nil {
		return trustlab.Party{}, false, internal("begin", err)
	}
	defer tx.Rollback()
	now := fmtTime(s.db.Now())
	old, err := getParty(ctx, tx, id)
	created := trustlab.ErrorCode(err) == trustlab.ENOTFOUND
	switch {
	case created:
		_, err = tx.ExecContext(ctx, `INSERT INTO parties (id, trait, params, current_trait, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			id, tau, string(params), tau, now, now)
	case err != nil:
		return trustlab.Party{}, false, err
	default:
		oldParams, _ := json.Marshal(old.Params)
		if old.Trait == tau && string(oldParams) == string(params) {
			return old.Party, false, nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE parties SET trait = ?, params = ?, updated_at = ? WHERE id = ?`, tau, string(params), now, id)
		if err == nil {
			_, err = replayParty(ctx, tx, id)
		}
	}
	if err != nil {
		return trustlab.Party{}, false, internal("write party", err)
	}
	p, err := getParty(ctx, tx, id)
	if err != nil {
		return trustlab.Party{}, false, err
	}
	if err := tx.Commit(); err != nil {
		return trustlab.Party{}, false, internal("commit", err)
	}
	return p.Party, created, nil
}

// Party returns one party.
func (s *LedgerService) Party(ctx context.Context, id string) (trustlab.Party, error) {
	p, err := getParty(ctx, s.db.r, id)
	return p.Party, err
}

// Parties lists every party by id.
func (s *LedgerService) Parties(ctx context.Context) ([]trustlab.Party, error) {
	rows, err := s.db.r.QueryContext(ctx, `SELECT `+partyCols+` FROM parties ORDER BY id`)
	if err != nil {
		return nil, internal("list parties", err)
	}
	out, err := collect(rows, func(rows *sql.Rows) (trustlab.Party, error) {
		p, err := scanParty(rows)
		return p.Party, err
	})
	return out, internal("list parties", err)
}

const expCols = `seq, key, from_id, to_id, outcome, stake, time, recorded_at`

// scanExperienceRow is scanExperience of a row with no extra columns.
func scanExperienceRow(rows *sql.Rows) (trustlab.Experience, error) { return scanExperience(rows) }

func scanExperience(sc interface{ Scan(...any) error }, extra ...any) (trustlab.Experience, error) {
	var e trustlab.Experience
	var t, rec string
	if err := sc.Scan(append([]any{&e.Seq, &e.Key, &e.From, &e.To, &e.Outcome, &e.Stake, &t, &rec}, extra...)...); err != nil {
		return e, err
	}
	e.Confirmed = trustlab.Outcome(e.Outcome).Confirmed()
	var err1, err2 error
	e.Time, err1 = parseTime(t)
	e.RecordedAt, err2 = parseTime(rec)
	return e, errors.Join(err1, err2)
}

// RecordExperience appends one experience and updates the derived beliefs
// in the same transaction.
func (s *LedgerService) RecordExperience(ctx context.Context, in trustlab.ExperienceInput) (trustlab.Experience, bool, error) {
	if err := in.Validate(); err != nil {
		return trustlab.Experience{}, false, err
	}
	fp := in.Fingerprint()
	now := s.db.Now()
	if err := in.CheckTime(now); err != nil {
		return trustlab.Experience{}, false, err
	}
	t := now
	if in.Time != nil {
		t = *in.Time
	}
	tx, err := s.db.w.BeginTx(ctx, nil)
	if err != nil {
		return trustlab.Experience{}, false, internal("begin", err)
	}
	defer tx.Rollback()

	var oldFP string
	old, err := scanExperience(tx.QueryRowContext(ctx, `SELECT `+expCols+`, fingerprint FROM experiences WHERE key = ?`, in.Key), &oldFP)
	switch {
	case err == nil && oldFP == fp:
		return old, false, nil
	case err == nil:
		return trustlab.Experience{}, false, &trustlab.Error{Code: trustlab.ECONFLICT, Field: "key",
			Message: fmt.Sprintf("%q was already used for another experience (seq %d: %s -> %s, outcome %g, stake %g, time %s); use a new key for a new experience",
				in.Key, old.Seq, old.From, old.To, old.Outcome, old.Stake, old.Time.Format("2006-01-02T15:04:05.999999999Z07:00"))}
	case !errors.Is(err, sql.ErrNoRows):
		return trustlab.Experience{}, false, internal("read experience", err)
	}

	p, err := getParty(ctx, tx, in.From)
	if err != nil {
		if trustlab.ErrorCode(err) == trustlab.ENOTFOUND {
			err = &trustlab.Error{Code: trustlab.ENOTFOUND, Field: "from", Message: fmt.Sprintf("no party %q (create it with PUT /api/v1/parties/%s before recording its experiences)", in.From, in.From)}
		}
		return trustlab.Experience{}, false, err
	}
	ts := fmtTime(t)
	res, err := tx.ExecContext(ctx, `INSERT INTO experiences (key, from_id, to_id, outcome, stake, time, recorded_at, fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		in.Key, in.From, in.To, float64(*in.Outcome), *in.Stake, ts, fmtTime(now), fp)
	if err != nil {
		return trustlab.Experience{}, false, internal("insert experience", err)
	}
	seq, err := res.LastInsertId()
	if err != nil {
		return trustlab.Experience{}, false, internal("insert experience", err)
	}
	e, err := scanExperience(tx.QueryRowContext(ctx, `SELECT `+expCols+` FROM experiences WHERE seq = ?`, seq))
	if err != nil {
		return trustlab.Experience{}, false, internal("read experience", err)
	}
	if !p.lastTime.Valid || ts >= p.lastTime.String {
		err = appendExperience(ctx, tx, p, e)
		s.replayed.Add(1)
	} else {
		var n int
		n, err = replayFrom(ctx, tx, p, e)
		s.replayed.Add(int64(n))
	}
	if err != nil {
		return trustlab.Experience{}, false, internal("derive beliefs", err)
	}
	if err := tx.Commit(); err != nil {
		return trustlab.Experience{}, false, internal("commit", err)
	}
	return e, true, nil
}

// appendExperience derives the state after an experience that is the
// party's latest in time order.
func appendExperience(ctx context.Context, tx *sql.Tx, p partyRow, e trustlab.Experience) error {
	pair, err := getPair(ctx, tx, p.ID, e.To)
	if err != nil {
		return err
	}
	trait, np := trustlab.Apply(p.model, p.CurrentTrait, pair, e)
	if err := putPair(ctx, tx, p.ID, e.To, np); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO belief_steps (seq, a, b, trait) VALUES (?, ?, ?, ?)`, e.Seq, np.Belief.A, np.Belief.B, trait); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE parties SET current_trait = ?, last_time = ?, experiences = experiences + 1 WHERE id = ?`, trait, fmtTime(e.Time), p.ID)
	return err
}

// replayFrom derives the state after e, an experience older in time than
// the party's latest: only e and the experiences after it in (time, seq)
// order are replayed. The trait before e is the one stored with the belief
// step of the experience just before it (the base trait if none); each
// pair met in the replayed tail starts from the belief step of its last
// experience before e, its prior and count from the stored pair. It
// returns how many experiences it applied.
func replayFrom(ctx context.Context, tx *sql.Tx, p partyRow, e trustlab.Experience) (int, error) {
	ts := fmtTime(e.Time)
	rows, err := tx.QueryContext(ctx, `SELECT `+expCols+` FROM experiences WHERE from_id = ? AND (time, seq) >= (?, ?) ORDER BY time, seq`, p.ID, ts, e.Seq)
	if err != nil {
		return 0, err
	}
	tail, err := collect(rows, scanExperienceRow)
	if err != nil {
		return 0, err
	}
	// Before e: time earlier, or the same time and recorded earlier (row
	// values, so that SQLite seeks in the (from_id, time, seq) indexes).
	const before = `e.from_id = ? AND (e.time, e.seq) < (?, ?)`
	trait := p.Trait
	err = tx.QueryRowContext(ctx, `SELECT s.trait FROM experiences e JOIN belief_steps s ON s.seq = e.seq WHERE `+before+
		` ORDER BY e.time DESC, e.seq DESC LIMIT 1`, p.ID, ts, e.Seq).Scan(&trait)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	// The pairs met in the tail, as they stood before e: the stored
	// pair counts every experience but e; those of the tail are taken off.
	inTail := map[string]int{}
	for _, x := range tail {
		if x.Seq != e.Seq {
			inTail[x.To]++
		}
	}
	pairs := map[string]*trustlab.Pair{}
	for _, x := range tail {
		if _, done := pairs[x.To]; done {
			continue
		}
		cur, err := getPair(ctx, tx, p.ID, x.To)
		if err != nil {
			return 0, err
		}
		if cur == nil || cur.Experiences-inTail[x.To] <= 0 {
			pairs[x.To] = nil // met first in the tail: starts at the prior then
			continue
		}
		q := *cur
		q.Experiences -= inTail[x.To]
		err = tx.QueryRowContext(ctx, `SELECT s.a, s.b, e.stake FROM experiences e JOIN belief_steps s ON s.seq = e.seq WHERE `+before+
			` AND e.to_id = ? ORDER BY e.time DESC, e.seq DESC LIMIT 1`, p.ID, ts, e.Seq, x.To).Scan(&q.Belief.A, &q.Belief.B, &q.LastStake)
		if err != nil {
			return 0, fmt.Errorf("the state of %s > %s before seq %d: %w", p.ID, x.To, e.Seq, err)
		}
		pairs[x.To] = &q
	}
	for _, x := range tail {
		t, q := trustlab.Apply(p.model, trait, pairs[x.To], x)
		trait = t
		pairs[x.To] = &q
		if _, err := tx.ExecContext(ctx, `INSERT INTO belief_steps (seq, a, b, trait) VALUES (?, ?, ?, ?)
			ON CONFLICT (seq) DO UPDATE SET a = excluded.a, b = excluded.b, trait = excluded.trait`, x.Seq, q.Belief.A, q.Belief.B, trait); err != nil {
			return 0, err
		}
	}
	for to, q := range pairs {
		if err := putPair(ctx, tx, p.ID, to, *q); err != nil {
			return 0, err
		}
	}
	_, err = tx.ExecContext(ctx, `UPDATE parties SET current_trait = ?, experiences = experiences + 1 WHERE id = ?`, trait, p.ID)
	return len(tail), err
}

func getPair(ctx context.Context, q querier, from, to string) (*trustlab.Pair, error) {
	var p trustlab.Pair
	err := q.QueryRowContext(ctx, `SELECT prior_a, prior_b, a, b, experiences, last_stake FROM beliefs WHERE from_id = ? AND to_id = ?`, from, to).
		Scan(&p.Prior.A, &p.Prior.B, &p.Belief.A, &p.Belief.B, &p.Experiences, &p.LastStake)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}

func putPair(ctx context.Context, tx *sql.Tx, from, to string, p trustlab.Pair) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO beliefs (from_id, to_id, prior_a, prior_b, a, b, experiences, last_stake) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (from_id, to_id) DO UPDATE SET prior_a = excluded.prior_a, prior_b = excluded.prior_b, a = excluded.a, b = excluded.b,
		experiences = excluded.experiences, last_stake = excluded.last_stake`,
		from, to, p.Prior.A, p.Prior.B, p.Belief.A, p.Belief.B, p.Experiences, p.LastStake)
	return err
}

// replayParty re-derives everything about one party from the log and
// reports how many derived values (pair beliefs, the current trait)
// differed from what was cached.
func replayParty(ctx context.Context, tx *sql.Tx, id string) (rebuildCount, error) {
	var c rebuildCount
	p, err := getParty(ctx, tx, id)
	if err != nil {
		return c, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+expCols+` FROM experiences WHERE from_id = ? ORDER BY time, seq`, id)
	if err != nil {
		return c, err
	}
	exps, err := collect(rows, scanExperienceRow)
	if err != nil {
		return c, err
	}
	st := trustlab.Replay(p.model, p.Trait, exps)

	old := map[string]trustlab.Pair{}
	rows, err = tx.QueryContext(ctx, `SELECT to_id, prior_a, prior_b, a, b, experiences, last_stake FROM beliefs WHERE from_id = ?`, id)
	if err != nil {
		return c, err
	}
	for rows.Next() {
		var to string
		var q trustlab.Pair
		if err := rows.Scan(&to, &q.Prior.A, &q.Prior.B, &q.Belief.A, &q.Belief.B, &q.Experiences, &q.LastStake); err != nil {
			rows.Close()
			return c, err
		}
		old[to] = q
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, err
	}
	c.experiences = len(exps)
	c.beliefs = len(st.Pairs)
	for to, q := range st.Pairs {
		if o, ok := old[to]; !ok || o != *q {
			c.changed++
		}
	}
	for to := range old {
		if _, ok := st.Pairs[to]; !ok {
			c.changed++
		}
	}
	if st.Trait != p.CurrentTrait {
		c.changed++
	}

	if _, err := tx.ExecContext(ctx, `DELETE FROM beliefs WHERE from_id = ?`, id); err != nil {
		return c, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM belief_steps WHERE seq IN (SELECT seq FROM experiences WHERE from_id = ?)`, id); err != nil {
		return c, err
	}
	for to, q := range st.Pairs {
		if err := putPair(ctx, tx, id, to, *q); err != nil {
			return c, err
		}
	}
	for _, s := range st.Steps {
		if _, err := tx.ExecContext(ctx, `INSERT INTO belief_steps (seq, a, b, trait) VALUES (?, ?, ?, ?)`, s.Seq, s.Belief.A, s.Belief.B, s.Trait); err != nil {
			return c, err
		}
	}
	last := sql.NullString{}
	if n := len(exps); n > 0 {
		last = sql.NullString{String: fmtTime(exps[n-1].Time), Valid: true}
	}
	_, err = tx.ExecContext(ctx, `UPDATE parties SET current_trait = ?, last_time = ?, experiences = ? WHERE id = ?`, st.Trait, last, len(exps), id)
	return c, err
}

type rebuildCount struct{ experiences, beliefs, changed int }

// Belief returns what from believes about to, with the belief after each
// of their experiences.
func (s *LedgerService) Belief(ctx context.Context, from, to string) (trustlab.BeliefHistory, error) {
	if err := errors.Join(trustlab.ValidateID("from", from), trustlab.ValidateID("to", to)); err != nil {
		return trustlab.BeliefHistory{}, trustlab.Invalid(err)
	}
	tx, err := s.db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return trustlab.BeliefHistory{}, internal("begin", err)
	}
	defer tx.Rollback()
	p, err := getParty(ctx, tx, from)
	if err != nil {
		return trustlab.BeliefHistory{}, err
	}
	pair, err := getPair(ctx, tx, from, to)
	if err != nil {
		return trustlab.BeliefHistory{}, internal("read belief", err)
	}
	h := trustlab.BeliefHistory{From: from, To: to, Trait: p.CurrentTrait, History: []trustlab.BeliefStep{}}
	if pair == nil {
		h.Prior = p.model.Prior(p.CurrentTrait)
		h.Belief = h.Prior
	} else {
		h.Prior, h.Belief, h.Experiences = pair.Prior, pair.Belief, pair.Experiences
	}
	h.P, h.N, h.SD = h.Belief.P(), h.Belief.N(), h.Belief.SD()
	rows, err := tx.QueryContext(ctx, `SELECT e.seq, e.key, e.from_id, e.to_id, e.outcome, e.stake, e.time, e.recorded_at, s.a, s.b, s.trait
		FROM experiences e JOIN belief_steps s ON s.seq = e.seq WHERE e.from_id = ? AND e.to_id = ? ORDER BY e.time, e.seq`, from, to)
	if err != nil {
		return trustlab.BeliefHistory{}, internal("read history", err)
	}
	defer rows.Close()
	for rows.Next() {
		var b model.Belief
		var trait float64
		e, err := scanExperience(rows, &b.A, &b.B, &trait)
		if err != nil {
			return trustlab.BeliefHistory{}, internal("read history", err)
		}
		h.History = append(h.History, trustlab.Step(e, b, trait))
	}
	return h, internal("read history", rows.Err())
}

// Decide explains the decision of from about a partner with the belief
// the ledger holds (the trait prior for a stranger).
func (s *LedgerService) Decide(ctx context.Context, from string, in trustlab.LedgerDecideInput) (trustlab.LedgerDecision, error) {
	if err := errors.Join(trustlab.ValidateID("from", from), trustlab.ValidateID("to", in.To)); err != nil {
		return trustlab.LedgerDecision{}, trustlab.Invalid(err)
	}
	var p partyRow
	var pa, pb, a, b, stake sql.NullFloat64
	var n sql.NullInt64
	s.decideOnce.Do(func() { s.decideStmt, s.decideErr = s.db.r.PrepareContext(context.Background(), decideQuery) })
	if s.decideErr != nil {
		return trustlab.LedgerDecision{}, internal("prepare", s.decideErr)
	}
	row := s.decideStmt.QueryRowContext(ctx, in.To, from)
	p, err := scanParty(scanFunc(func(dst ...any) error { return row.Scan(append(dst, &pa, &pb, &a, &b, &n, &stake)...) }))
	if errors.Is(err, sql.ErrNoRows) {
		return trustlab.LedgerDecision{}, &trustlab.Error{Code: trustlab.ENOTFOUND, Field: "from", Message: fmt.Sprintf("no party %q (create it with PUT /api/v1/parties/%s)", from, from)}
	}
	if err != nil {
		return trustlab.LedgerDecision{}, internal("read party", err)
	}
	var pair *trustlab.Pair
	if n.Valid {
		pair = &trustlab.Pair{Prior: model.Belief{A: pa.Float64, B: pb.Float64}, Belief: model.Belief{A: a.Float64, B: b.Float64},
			Experiences: int(n.Int64), LastStake: stake.Float64}
	}
	return trustlab.LedgerDecide(p.Party, pair, in)
}

type scanFunc func(dst ...any) error

func (f scanFunc) Scan(dst ...any) error { return f(dst...) }

// Rebuild re-derives every belief, belief step and current trait from the
// log in one transaction and reports how many cached values differed.
func (s *LedgerService) Rebuild(ctx context.Context) (trustlab.RebuildStats, error) {
	var st trustlab.RebuildStats
	tx, err := s.db.w.BeginTx(ctx, nil)
	if err != nil {
		return st, internal("begin", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT id FROM parties ORDER BY id`)
	if err != nil {
		return st, internal("list parties", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return st, internal("list parties", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		c, err := replayParty(ctx, tx, id)
		if err != nil {
			return st, internal("rebuild "+id, err)
		}
		st.Parties++
		st.Experiences += c.experiences
		st.Beliefs += c.beliefs
		st.Changed += c.changed
	}
	if err := tx.Commit(); err != nil {
		return st, internal("commit", err)
	}
	return st, nil
}
