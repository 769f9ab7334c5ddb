#!/usr/bin/env bash
# The whole test suite: unit tests, AppTest pages, headless-Chromium tests, and the
# store tests on SQLite and on a throwaway local PostgreSQL when one can be started.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${ATLAS_TEST_PG_URL:-}" ] && [ -f scripts/start_test_postgres.sh ]; then
  if url=$(bash scripts/start_test_postgres.sh); then
    export ATLAS_TEST_PG_URL="$url"
  else
    echo "Could not start a local PostgreSQL; PostgreSQL store tests will be skipped." >&2
  fi
fi
exec .venv/bin/python -m pytest "$@"
