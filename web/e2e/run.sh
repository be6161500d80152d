#!/bin/sh
# Browser tests of the web laboratory: installs the pinned npm packages
# from the lock file and runs the tests against a freshly built trustlab.
# Needs Node 20+ and Chromium at /usr/bin/chromium (or $CHROMIUM); with
# CI=true a missing browser fails the tests instead of skipping them.
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
exec npm test
