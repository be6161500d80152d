package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/trustlab/trustlab"
)

// JobStore implements [trustlab.JobStore].
type JobStore struct{ db *DB }

// NewJobStore returns the job store in db.
func NewJobStore(db *DB) *JobStore { return &JobStore{db: db} }

var _ trustlab.JobStore = (*JobStore)(nil)

const jobCols = `id, kind, status, progress_done, progress_total, error, attempts, created_at, started_at, finished_at, manifest`

func scanJob(sc interface{ Scan(...any) error }) (trustlab.Job, error) {
	var j trustlab.Job
	var created string
	var started, finished, manifest sql.NullString
	if err := sc.Scan(&j.ID, &j.Kind, &j.Status, &j.Progress.Done, &j.Progress.Total, &j.Error, &j.Attempts, &created, &started, &finished, &manifest); err != nil {
		return j, err
	}
	var err1, err2, err3 error
	j.CreatedAt, err1 = parseTime(created)
	j.StartedAt, err2 = timePtr(started)
	j.FinishedAt, err3 = timePtr(finished)
	if manifest.Valid {
		j.Manifest = []byte(manifest.String)
	}
	return j, errors.Join(err1, err2, err3)
}

func nullBytes(b []byte) sql.NullString {
	if b == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: string(b), Valid: true}
}

// CreateJob stores a new job.
func (s *JobStore) CreateJob(ctx context.Context, j trustlab.Job) error {
	_, err := s.db.w.ExecContext(ctx, `INSERT INTO jobs (`+jobCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		j.ID, j.Kind, j.Status, j.Progress.Done, j.Progress.Total, j.Error, j.Attempts, fmtTime(j.CreatedAt),
		nullTime(j.StartedAt), nullTime(j.FinishedAt), nullBytes(j.Manifest))
	return internal("create job", err)
}

// UpdateJob writes every mutable field of a job.
func (s *JobStore) UpdateJob(ctx context.Context, j trustlab.Job) error {
	res, err := s.db.w.ExecContext(ctx, `UPDATE jobs SET status = ?, progress_done = ?, progress_total = ?, error = ?, attempts = ?,
		started_at = ?, finished_at = ?, manifest = ? WHERE id = ?`,
		j.Status, j.Progress.Done, j.Progress.Total, j.Error, j.Attempts, nullTime(j.StartedAt), nullTime(j.FinishedAt), nullBytes(j.Manifest), j.ID)
	if err != nil {
		return internal("update job", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound(j.Kind, j.ID)
	}
	return nil
}

func notFound(kind trustlab.JobKind, id string) error {
	return &trustlab.Error{Code: trustlab.ENOTFOUND, Field: "id", Message: fmt.Sprintf("no %s %q", kind, id)}
}

// Job returns one job.
func (s *JobStore) Job(ctx context.Context, id string) (trustlab.Job, error) {
	j, err := scanJob(s.db.r.QueryRowContext(ctx, `SELECT `+jobCols+` FROM jobs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return j, notFound("job", id)
	}
	return j, internal("read job", err)
}

func (s *JobStore) list(ctx context.Context, q string, args ...any) ([]trustlab.Job, error) {
	rows, err := s.db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, internal("list jobs", err)
	}
	out, err := collect(rows, func(rows *sql.Rows) (trustlab.Job, error) { return scanJob(rows) })
	return out, internal("list jobs", err)
}

// Jobs lists the jobs of a kind, newest first.
func (s *JobStore) Jobs(ctx context.Context, kind trustlab.JobKind) ([]trustlab.Job, error) {
	return s.list(ctx, `SELECT `+jobCols+` FROM jobs WHERE kind = ? ORDER BY created_at DESC, id DESC`, kind)
}

// UnfinishedJobs lists the queued and running jobs, oldest first.
func (s *JobStore) UnfinishedJobs(ctx context.Context) ([]trustlab.Job, error) {
	return s.list(ctx, `SELECT `+jobCols+` FROM jobs WHERE status IN ('queued', 'running') ORDER BY created_at, id`)
}

// DeleteJob deletes a job's record.
func (s *JobStore) DeleteJob(ctx context.Context, id string) error {
	res, err := s.db.w.ExecContext(ctx, `DELETE FROM jobs WHERE id = ?`, id)
	if err != nil {
		return internal("delete job", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("job", id)
	}
	return nil
}
