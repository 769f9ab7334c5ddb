#!/usr/bin/env bash
# Start (or reuse) a throwaway PostgreSQL cluster on localhost for the store tests.
#
# Prints shell assignments on stdout, so a caller can do:
#     eval "$(bash scripts/start_test_postgres.sh)"
# which sets ATLAS_TEST_PG_URL (a SQLAlchemy URL) and ATLAS_TEST_PG_DIR.
# Everything else (progress, errors) goes to stderr.
#
# Uses Debian's binaries (/usr/lib/postgresql/*/bin). Works as root: the server
# runs as the `postgres` user. Idempotent: a second run finds the running
# cluster and prints the same URL. Stop it with:
#     bash scripts/start_test_postgres.sh --stop
#
# Env: ATLAS_TEST_PG_DIR (default /tmp/atlas-test-pg), ATLAS_TEST_PG_PORT
# (default: 5433, or the next free port).
set -euo pipefail

DIR="${ATLAS_TEST_PG_DIR:-/tmp/atlas-test-pg}"
DB=atlas_test
USER_NAME=atlas
log() { echo "start_test_postgres: $*" >&2; }

BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [[ -z "$BIN" || ! -x "$BIN/initdb" ]]; then
    log "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin; install them with: apt-get install -y postgresql"
    exit 1
fi

# Run a command as the cluster owner (postgres when we are root, else ourselves).
if [[ "$(id -u)" == 0 ]]; then
    OWNER=postgres
    as_owner() { su -s /bin/sh postgres -c "$(printf '%q ' "$@")"; }
else
    OWNER="$(id -un)"
    as_owner() { "$@"; }
fi

if [[ "${1:-}" == "--stop" ]]; then
    if [[ -f "$DIR/data/postmaster.pid" ]]; then
        as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >&2 || true
    fi
    exit 0
fi

port_free() { ! (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

mkdir -p "$DIR"
chmod 755 "$DIR"
[[ "$OWNER" == postgres ]] && chown postgres:postgres "$DIR"

if [[ ! -f "$DIR/data/PG_VERSION" ]]; then
    log "initdb in $DIR/data"
    as_owner "$BIN/initdb" -D "$DIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >&2 \
        || as_owner "$BIN/initdb" -D "$DIR/data" -A trust -U postgres -E UTF8 --no-locale >&2
fi

running=0
if as_owner "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
    running=1
    PORT="$(cat "$DIR/port")"
else
    PORT="${ATLAS_TEST_PG_PORT:-5433}"
    while ! port_free "$PORT"; do PORT=$((PORT + 1)); done
    echo "$PORT" >"$DIR/port"
    log "starting on 127.0.0.1:$PORT"
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
        -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100" start >&2
fi

psql_() { as_owner "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
if [[ "$(psql_ -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname='$USER_NAME'")" != 1 ]]; then
    psql_ -d postgres -c "CREATE ROLE $USER_NAME LOGIN" >&2
fi
if [[ "$(psql_ -d postgres -c "SELECT 1 FROM pg_database WHERE datname='$DB'")" != 1 ]]; then
    psql_ -d postgres -c "CREATE DATABASE $DB OWNER $USER_NAME" >&2
fi
[[ $running == 1 ]] && log "already running on 127.0.0.1:$PORT"

echo "export ATLAS_TEST_PG_URL='postgresql+psycopg://$USER_NAME@127.0.0.1:$PORT/$DB'"
echo "export ATLAS_TEST_PG_DIR='$DIR'"
