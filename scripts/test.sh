#!/usr/bin/env bash
# Runs every test of trustlab: vet, all Go tests, the race detector on the
# packages that run work concurrently, and (once present) the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== go vet"
go vet ./...

echo "== go test (all packages)"
go test ./...

echo "== go test -race (concurrent packages)"
go test -race -short . ./internal/... ./sim/... ./sweep/... ./fit/... ./fitrun/... ./engine/... ./jobs/... ./sqlite/... ./httpapi/... ./cmd/trustlab/

if [ -x web/e2e/run.sh ]; then
  echo "== browser tests"
  web/e2e/run.sh
fi
