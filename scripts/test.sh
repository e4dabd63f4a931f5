#!/usr/bin/env bash
# Run the whole test suite against SQLite and a throwaway PostgreSQL server.
# Installs what it needs: the Python test dependencies (in .venv), and Debian's chromium, chromium-driver and
# postgresql when missing. Usage: scripts/test.sh [extra pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/pip install -q --upgrade pip >/dev/null
.venv/bin/pip install -q -e ".[test]"

# --- throwaway PostgreSQL on loopback
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PG_DIR=$(mktemp -d /tmp/buurtdashboard-pg.XXXXXX)
PG_PORT=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then chown postgres "$PG_DIR"; RUN_AS=(runuser -u postgres --); fi
cleanup() { "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" stop -m immediate >/dev/null 2>&1 || true; rm -rf "$PG_DIR"; }
trap cleanup EXIT
"${RUN_AS[@]}" "$PG_BIN/initdb" --no-sync -A trust -U postgres -D "$PG_DIR/data" >/dev/null
"${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c fsync=off -c unix_socket_directories=$PG_DIR" start >/dev/null
PG_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/postgres"

run_pytest() {
  set +e
  "$@"
  local rc=$?
  set -e
  # 5 = no tests collected: not a failure of the suite itself
  if [ $rc -ne 0 ] && [ $rc -ne 5 ]; then exit $rc; fi
}

echo "== pytest on SQLite (with browser tests)"
run_pytest .venv/bin/python -m pytest --headless "$@"
echo "== pytest on PostgreSQL ($PG_URL)"
TEST_DATABASE_URL="$PG_URL" run_pytest .venv/bin/python -m pytest --headless "$@"
echo "== all tests passed on SQLite and PostgreSQL"
