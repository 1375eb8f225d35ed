#!/usr/bin/env bash
# The "beyond one heap" run (README, "Beyond one PostgreSQL"): PostgreSQL tests (by default the API, engine,
# audit and escalation suites; or the files given) with `events` hash-partitioned by stream_id in every test
# database (test/support/partitioned-events.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_OPTIONS="${NODE_OPTIONS:-} --experimental-vm-modules --no-warnings=ExperimentalWarning"
if [ $# -eq 0 ]; then set -- test/api test/engine test/audit test/escalation; fi
ZZ_EVENTS_PARTITIONED=1 ZZ_TEST_DB=postgres npx jest --ci "$@"
