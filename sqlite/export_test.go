package sqlite

import (
	"context"

	"github.com/trustlab/trustlab"
)

// DamageCacheForTest corrupts the derived tables so that a test can check
// that a rebuild restores them from the log.
func DamageCacheForTest(ctx context.Context, db *DB) error {
	_, err := db.w.ExecContext(ctx, `UPDATE beliefs SET a = a + 1; UPDATE belief_steps SET b = b * 2; UPDATE parties SET current_trait = 0.5`)
	return err
}

// ReplayedForTest returns how many experiences RecordExperience has
// applied so far (one per write in time order; the replayed tail of a
// back-dated one).
func (s *LedgerService) ReplayedForTest() int64 { return s.replayed.Load() }

// BulkRecordForTest records experiences of one known party, in time order,
// in one transaction (a benchmark's setup: one transaction per experience
// would spend minutes on fsync for 10^5 of them). Each goes through the
// same derivation as RecordExperience's in-order path.
func (s *LedgerService) BulkRecordForTest(ctx context.Context, ins []trustlab.ExperienceInput) error {
	tx, err := s.db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, in := range ins {
		p, err := getParty(ctx, tx, in.From)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO experiences (key, from_id, to_id, outcome, stake, time, recorded_at, fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			in.Key, in.From, in.To, float64(*in.Outcome), *in.Stake, fmtTime(*in.Time), fmtTime(s.db.Now()), in.Fingerprint())
		if err != nil {
			return err
		}
		seq, _ := res.LastInsertId()
		e, err := scanExperience(tx.QueryRowContext(ctx, `SELECT `+expCols+` FROM experiences WHERE seq = ?`, seq))
		if err != nil {
			return err
		}
		if err := appendExperience(ctx, tx, p, e); err != nil {
			return err
		}
	}
	return tx.Commit()
}
