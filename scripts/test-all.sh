#!/usr/bin/env bash
# The whole test suite: lint, type-check, then every test twice — on the real PostgreSQL (a throwaway
# database per test file, created and dropped by the tests) and on the embedded PGlite default.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_OPTIONS="${NODE_OPTIONS:-} --experimental-vm-modules --no-warnings=ExperimentalWarning"
npm run --silent lint
npm run --silent typecheck
echo "== tests on PostgreSQL (${TEST_ADMIN_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres})"
ZZ_TEST_DB=postgres npx jest --ci "$@"
echo "== tests on embedded PGlite"
ZZ_TEST_DB=pglite npx jest --ci "$@"
