#!/usr/bin/env bash
# The whole test suite: unit tests, AppTest pages, headless-Chromium tests, and the
# store tests on SQLite and on a throwaway local PostgreSQL when one can be started.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${ATLAS_TEST_PG_URL:-}" ]; then
  if settings=$(bash scripts/start_test_postgres.sh); then
    eval "$settings"  # exports ATLAS_TEST_PG_URL
  else
    echo "Could not start a local PostgreSQL: the PostgreSQL store tests will be skipped (or fail when ATLAS_REQUIRE_POSTGRES=1)." >&2
  fi
fi
# Lint and format check first (ruff.toml): a style failure fails the suite, as in CI.
.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/python -m pytest "$@"
