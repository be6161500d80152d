-- Trust experiments with people (package experiment): sessions, their
-- seats, and the append-only log of what happened in them. A session's
-- state is replayed from its events. Participants are known by a seat
-- label (p01, ...) and the SHA-256 of their link token; no names.

CREATE TABLE experiment_sessions (
	id         TEXT PRIMARY KEY,
	design     TEXT NOT NULL,            -- the experiment.yaml as given
	seed       INTEGER NOT NULL,         -- the session's random seed (as a signed 64-bit value)
	room_code  TEXT NOT NULL DEFAULT '', -- '' without one
	created_at TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX experiment_sessions_room ON experiment_sessions(room_code) WHERE room_code != '';

CREATE TABLE experiment_seats (
	session_id TEXT NOT NULL REFERENCES experiment_sessions(id),
	seat       INTEGER NOT NULL,
	label      TEXT NOT NULL,
	arm        INTEGER NOT NULL,
	bot        INTEGER NOT NULL,   -- index into the design's bots, -1 for a person
	token_hash BLOB,               -- SHA-256 of the link token (people with links)
	PRIMARY KEY (session_id, seat)
) STRICT;

-- Every event, choices with the time they were recorded. The key is the
-- idempotency key: one choice per seat and round (a seat has one role in
-- a round), one join, one answer, one replacement per seat.
CREATE TABLE experiment_events (
	seq        INTEGER PRIMARY KEY AUTOINCREMENT,
	session_id TEXT NOT NULL REFERENCES experiment_sessions(id),
	kind       TEXT NOT NULL,
	seat       INTEGER NOT NULL,
	round      INTEGER NOT NULL,
	role       TEXT NOT NULL,
	amount     INTEGER NOT NULL,
	timeout    INTEGER NOT NULL,
	bot        INTEGER NOT NULL,
	data       BLOB,
	at         TEXT NOT NULL,
	key        TEXT NOT NULL,
	UNIQUE (session_id, key)
) STRICT;

CREATE INDEX experiment_events_session ON experiment_events(session_id, seq);
