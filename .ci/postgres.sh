#!/usr/bin/env bash
# Install (Debian package) and start a throw-away PostgreSQL server for the test suite.
#   .ci/postgres.sh start   -> prints the DATABASE_URL to use
#   .ci/postgres.sh stop
# Listens on 127.0.0.1:${BANHAO_PG_PORT:-54329}; data in ${BANHAO_PG_DATA:-/tmp/banhao-pg}.
set -euo pipefail
PORT="${BANHAO_PG_PORT:-54329}"
DATA="${BANHAO_PG_DATA:-/tmp/banhao-pg}"

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

as_postgres() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
  start)
    BIN="$(pg_bin)"
    if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
      echo "installing PostgreSQL (Debian package)…" >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >&2
      apt-get install -y -qq postgresql >&2
      BIN="$(pg_bin)"
    fi
    if [ "$(id -u)" = "0" ] && ! id postgres >/dev/null 2>&1; then
      useradd --system --home-dir /var/lib/postgresql postgres
    fi
    if [ -f "$DATA/postmaster.pid" ]; then
      as_postgres "$BIN/pg_ctl" -D "$DATA" -m fast stop >/dev/null 2>&1 || true
    fi
    rm -rf "$DATA"
    mkdir -p "$DATA"
    [ "$(id -u)" = "0" ] && chown postgres "$DATA"
    as_postgres "$BIN/initdb" -D "$DATA" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
    as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
      -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      start >/dev/null
    "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -q -v ON_ERROR_STOP=1 \
      -c "CREATE ROLE banhao LOGIN PASSWORD 'banhao' CREATEDB" \
      -c "CREATE DATABASE banhao OWNER banhao" >/dev/null
    echo "postgres://banhao:banhao@127.0.0.1:$PORT/banhao"
    ;;
  stop)
    BIN="$(pg_bin)"
    as_postgres "$BIN/pg_ctl" -D "$DATA" -m fast stop >/dev/null 2>&1 || true
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
