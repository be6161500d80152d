-- The relationships ledger: parties, the append-only log of experiences,
-- and the beliefs derived from it (a cache that `trustlab ledger rebuild`
-- recomputes from the log). Times are UTC in a fixed-width RFC 3339 form
-- with nanoseconds, so they sort as text.

CREATE TABLE parties (
	id            TEXT PRIMARY KEY,
	trait         REAL NOT NULL,           -- base trait as last set
	params        TEXT NOT NULL,           -- model.Params as given, JSON
	current_trait REAL NOT NULL,           -- derived: after learning from every experience
	last_time     TEXT,                    -- derived: time of the latest experience
	experiences   INTEGER NOT NULL DEFAULT 0, -- derived
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL
) STRICT;

CREATE TABLE experiences (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	key         TEXT NOT NULL UNIQUE,
	from_id     TEXT NOT NULL REFERENCES parties(id),
	to_id       TEXT NOT NULL,
	outcome     REAL NOT NULL,
	stake       REAL NOT NULL,
	time        TEXT NOT NULL,
	recorded_at TEXT NOT NULL,
	fingerprint TEXT NOT NULL
) STRICT;

CREATE INDEX experiences_from_time ON experiences(from_id, time, seq);
CREATE INDEX experiences_pair_time ON experiences(from_id, to_id, time, seq);

-- Derived: what from believes about to after all their experiences.
CREATE TABLE beliefs (
	from_id     TEXT NOT NULL,
	to_id       TEXT NOT NULL,
	prior_a     REAL NOT NULL,
	prior_b     REAL NOT NULL,
	a           REAL NOT NULL,
	b           REAL NOT NULL,
	experiences INTEGER NOT NULL,
	last_stake  REAL NOT NULL,
	PRIMARY KEY (from_id, to_id)
) STRICT, WITHOUT ROWID;

-- Derived: the belief and trait after each experience (the history).
CREATE TABLE belief_steps (
	seq   INTEGER PRIMARY KEY REFERENCES experiences(seq),
	a     REAL NOT NULL,
	b     REAL NOT NULL,
	trait REAL NOT NULL
) STRICT;

-- Simulation runs and fits.
CREATE TABLE jobs (
	id             TEXT PRIMARY KEY,
	kind           TEXT NOT NULL,
	status         TEXT NOT NULL,
	progress_done  INTEGER NOT NULL DEFAULT 0,
	progress_total INTEGER NOT NULL DEFAULT 0,
	error          TEXT NOT NULL DEFAULT '',
	attempts       INTEGER NOT NULL DEFAULT 0,
	created_at     TEXT NOT NULL,
	started_at     TEXT,
	finished_at    TEXT,
	manifest       TEXT
) STRICT;

CREATE INDEX jobs_kind_created ON jobs(kind, created_at);
CREATE INDEX jobs_status ON jobs(status);
