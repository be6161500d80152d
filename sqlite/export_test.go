package sqlite

import "context"

// DamageCacheForTest corrupts the derived tables so that a test can check
// that a rebuild restores them from the log.
func DamageCacheForTest(ctx context.Context, db *DB) error {
	_, err := db.w.ExecContext(ctx, `UPDATE beliefs SET a = a + 1; UPDATE belief_steps SET b = b * 2; UPDATE parties SET current_trait = 0.5`)
	return err
}
