#!/usr/bin/env bash
# Start (or stop) a throwaway PostgreSQL 15 cluster on loopback for the test suite.
# Usage: scripts/pg-test-cluster.sh start|stop   — prints the DATABASE_URL on start.
set -euo pipefail
BIN=/usr/lib/postgresql/15/bin
# One cluster per checkout, so two checkouts on one machine never stop each other's database.
TAG=$(cd "$(dirname "$0")/.." && pwd | cksum | cut -d' ' -f1)
DIR=${PGTEST_DIR:-/tmp/resettle-pgtest-$TAG}
PORT=${PGTEST_PORT:-$((54000 + TAG % 900))}
run() {  # PostgreSQL refuses to run as root: use its own system account then
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}
case "${1:-start}" in
  start)
    if [ ! -f "$DIR/PG_VERSION" ]; then
      rm -rf "$DIR"; mkdir -p "$DIR"
      [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$DIR"
      run "$BIN/initdb -D $DIR -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null"
    fi
    if ! run "$BIN/pg_ctl -D $DIR status" >/dev/null 2>&1; then
      run "$BIN/pg_ctl -D $DIR -l $DIR/log -w -o \"-h 127.0.0.1 -p $PORT -k /tmp -F\" start" >/dev/null
    fi
    echo "postgres://postgres@127.0.0.1:$PORT/resettle"
    ;;
  stop)
    run "$BIN/pg_ctl -D $DIR -m fast stop" >/dev/null 2>&1 || true
    ;;
esac
