#!/usr/bin/env bash
# Every test, on SQLite and then on PostgreSQL. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
echo "== tests on SQLite =="
env -u DATABASE_URL $PY -m pytest -p no:cacheprovider "$@"
echo "== tests on PostgreSQL 15 =="
url=$(scripts/pg-test-cluster.sh start)
trap 'scripts/pg-test-cluster.sh stop' EXIT
DATABASE_URL="$url" $PY -m pytest -p no:cacheprovider "$@"
