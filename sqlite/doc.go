// Package sqlite is trustlab's embedded store: one SQLite database file
// (modernc.org/sqlite, no cgo) in write-ahead-log mode, with its schema in
// embedded migrations applied in order at open and recorded in the
// schema_migrations table.
//
// It implements the relationships ledger ([trustlab.LedgerService]) and the
// job store ([trustlab.JobStore]). Writes go through one connection, reads
// through a pool, so readers never wait for writers.
package sqlite
