package sqlite

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/trustlab/trustlab"
	"github.com/trustlab/trustlab/experiment"
)

// ExperimentStore implements [experiment.Store]. Appends are committed in
// groups: events arriving while a commit is under way are written by the
// next transaction together, so that many participants choosing at once
// share one sync to disk. Append returns after its event is durable.
type ExperimentStore struct {
	db *DB

	mu      sync.Mutex
	queue   []*appendReq
	writing bool
}

type appendReq struct {
	ev   experiment.Event
	seq  int64
	err  error
	done chan struct{}
}

// NewExperimentStore returns the experiment store in db.
func NewExperimentStore(db *DB) *ExperimentStore { return &ExperimentStore{db: db} }

var _ experiment.Store = (*ExperimentStore)(nil)

// CreateSession stores a session and its seats.
func (s *ExperimentStore) CreateSession(ctx context.Context, rec experiment.SessionRecord) error {
	tx, err := s.db.w.BeginTx(ctx, nil)
	if err != nil {
		return internal("create session", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO experiment_sessions (id, design, seed, room_code, created_at) VALUES (?, ?, ?, ?, ?)`,
		rec.ID, string(rec.Design), int64(rec.Seed), rec.RoomCode, fmtTime(rec.CreatedAt)); err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return trustlab.Errorf(trustlab.ECONFLICT, "session %s or its room code exists", rec.ID)
		}
		return internal("create session", err)
	}
	for _, st := range rec.Seats {
		if _, err := tx.ExecContext(ctx, `INSERT INTO experiment_seats (session_id, seat, label, arm, bot, token_hash) VALUES (?, ?, ?, ?, ?, ?)`,
			rec.ID, st.Index, st.Label, st.Arm, st.Bot, st.TokenHash); err != nil {
			return internal("create seat", err)
		}
	}
	return internal("create session", tx.Commit())
}

// Append stores one event durably (group commit).
func (s *ExperimentStore) Append(ctx context.Context, ev experiment.Event) (int64, error) {
	req := &appendReq{ev: ev, done: make(chan struct{})}
	s.mu.Lock()
	s.queue = append(s.queue, req)
	if !s.writing {
		s.writing = true
		go s.writer()
	}
	s.mu.Unlock()
	<-req.done // not abandoned on ctx: the caller must learn whether it was stored
	return req.seq, req.err
}

// writer commits the queue in batches until it is empty.
func (s *ExperimentStore) writer() {
	for {
		s.mu.Lock()
		batch := s.queue
		s.queue = nil
		if len(batch) == 0 {
			s.writing = false
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		s.commit(batch)
		for _, r := range batch {
			close(r.done)
		}
	}
}

func (s *ExperimentStore) commit(batch []*appendReq) {
	ctx := context.Background()
	fail := func(err error) {
		for _, r := range batch {
			if r.err == nil {
				r.err = internal("append event", err)
			}
		}
	}
	tx, err := s.db.w.BeginTx(ctx, nil)
	if err != nil {
		fail(err)
		return
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO experiment_events (session_id, kind, seat, round, role, amount, timeout, bot, data, at, key)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, key) DO NOTHING`)
	if err != nil {
		fail(err)
		return
	}
	defer stmt.Close()
	ok := 0
	for _, r := range batch {
		e := r.ev
		res, err := stmt.ExecContext(ctx, e.Session, e.Kind, e.Seat, e.Round, e.Role, e.Amount, b2i(e.Timeout), b2i(e.Bot), e.Data, fmtTime(e.At), e.Key)
		if err != nil {
			fail(err)
			return
		}
		if n, _ := res.RowsAffected(); n == 0 {
			r.err = trustlab.Errorf(trustlab.ECONFLICT, "event %s of session %s is already stored", e.Key, e.Session)
			continue
		}
		r.seq, _ = res.LastInsertId()
		ok++
	}
	if err := tx.Commit(); err != nil {
		fail(err)
		for _, r := range batch {
			r.seq = 0
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Sessions lists every session with its seats, oldest first.
func (s *ExperimentStore) Sessions(ctx context.Context) ([]experiment.SessionRecord, error) {
	rows, err := s.db.r.QueryContext(ctx, `SELECT id, design, seed, room_code, created_at FROM experiment_sessions ORDER BY created_at, id`)
	if err != nil {
		return nil, internal("list sessions", err)
	}
	var out []experiment.SessionRecord
	for rows.Next() {
		var rec experiment.SessionRecord
		var design, created string
		var seed int64
		if err := rows.Scan(&rec.ID, &design, &seed, &rec.RoomCode, &created); err != nil {
			rows.Close()
			return nil, internal("list sessions", err)
		}
		rec.Design, rec.Seed = []byte(design), uint64(seed)
		if rec.CreatedAt, err = parseTime(created); err != nil {
			rows.Close()
			return nil, internal("list sessions", err)
		}
		out = append(out, rec)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal("list sessions", err)
	}
	for i := range out {
		seats, err := s.db.r.QueryContext(ctx, `SELECT seat, label, arm, bot, token_hash FROM experiment_seats WHERE session_id = ? ORDER BY seat`, out[i].ID)
		if err != nil {
			return nil, internal("list seats", err)
		}
		for seats.Next() {
			var st experiment.SeatRecord
			if err := seats.Scan(&st.Index, &st.Label, &st.Arm, &st.Bot, &st.TokenHash); err != nil {
				seats.Close()
				return nil, internal("list seats", err)
			}
			out[i].Seats = append(out[i].Seats, st)
		}
		seats.Close()
		if err := seats.Err(); err != nil {
			return nil, internal("list seats", err)
		}
		if len(out[i].Seats) == 0 {
			return nil, internal("list seats", fmt.Errorf("session %s has no seats", out[i].ID))
		}
	}
	return out, nil
}

// Events lists a session's events in order.
func (s *ExperimentStore) Events(ctx context.Context, session string) ([]experiment.Event, error) {
	rows, err := s.db.r.QueryContext(ctx, `SELECT seq, kind, seat, round, role, amount, timeout, bot, data, at, key
		FROM experiment_events WHERE session_id = ? ORDER BY seq`, session)
	if err != nil {
		return nil, internal("list events", err)
	}
	defer rows.Close()
	var out []experiment.Event
	for rows.Next() {
		e := experiment.Event{Session: session}
		var to, bot int
		var at string
		if err := rows.Scan(&e.Seq, &e.Kind, &e.Seat, &e.Round, &e.Role, &e.Amount, &to, &bot, &e.Data, &at, &e.Key); err != nil {
			return nil, internal("list events", err)
		}
		e.Timeout, e.Bot = to == 1, bot == 1
		if e.At, err = parseTime(at); err != nil {
			return nil, internal("list events", err)
		}
		out = append(out, e)
	}
	return out, internal("list events", rows.Err())
}
