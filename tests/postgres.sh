#!/usr/bin/env bash
# Start or stop a throw-away PostgreSQL on loopback for the store tests.
#   eval "$(bash tests/postgres.sh start)"   # exports WIJK_TEST_POSTGRES_URL
#   bash tests/postgres.sh stop
set -euo pipefail
DIR="${WIJK_TEST_PGDATA:-/tmp/wijk-test-pg}"
PORT="${WIJK_TEST_PGPORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -n "$BIN" ] || { echo "echo 'PostgreSQL ontbreekt: installeer het Debian-pakket postgresql' >&2"; exit 0; }
# PostgreSQL refuses to run as root: use the postgres user that the Debian package creates.
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "${1:-start}" in
  start)
    if [ ! -f "$DIR/PG_VERSION" ]; then
      mkdir -p "$DIR"
      if [ "$(id -u)" -eq 0 ]; then chown postgres "$DIR"; chmod o+x "$(dirname "$DIR")"; fi
      as_owner "$BIN/initdb" -D "$DIR" -A trust -U postgres >/dev/null
    fi
    if as_owner "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
      PORT="$(cat "$DIR/port")"  # already running: reuse it
    else
      as_owner "$BIN/pg_ctl" -D "$DIR" -w -l "$DIR/server.log" \
        -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
      echo "$PORT" | as_owner tee "$DIR/port" >/dev/null
    fi
    echo "export WIJK_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    as_owner "$BIN/pg_ctl" -D "$DIR" -m fast stop >/dev/null 2>&1 || true
    ;;
esac
