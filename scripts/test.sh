#!/usr/bin/env bash
# Runs every test of trustlab: vet, all Go tests, the race detector on the
# packages that run work concurrently, and (once present) the browser tests.
# About 5 minutes on 2 cores with a warm build cache.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== go vet"
go vet ./...

echo "== go test (all packages)"
go test ./...

# The race detector runs the concurrent packages' own tests. It leaves out
# what runs no goroutines of its own but is slow under -race: the CLI's
# end-to-end tests (except the server under concurrent requests, below)
# and the tests that draw plots or fit many subjects one after another.
echo "== go test -race (concurrent packages)"
go test -race -short \
  -skip '^(TestFinishWritesReport|TestRunReport|TestRecoverSmall|TestNestedVariantsFitWorse|TestRunBothRoles)$' \
  . ./internal/... ./sim/... ./simrun/... ./sweep/... ./fit/... ./fitrun/... ./jobrun/... ./jobs/... ./sqlite/... ./httpapi/... ./experiment/... ./live/...
go test -race -short -run '^(TestServeConcurrentRequests|TestServeLedgerEndToEnd)$' ./cmd/trustlab/

if [ -x web/e2e/run.sh ]; then
  echo "== browser tests"
  web/e2e/run.sh
fi
