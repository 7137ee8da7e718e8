#!/usr/bin/env bash
# A throw-away PostgreSQL + PostGIS server for the tests and benchmarks, on 127.0.0.1 only.
#   start_postgres.sh            install Debian's packages when missing, start a cluster in a temp folder on a
#                                free port, print its URL (line 1) and its folder (line 2)
#   start_postgres.sh --install  only install the packages (exit 1, with a message, when that is impossible)
#   start_postgres.sh --stop DIR stop the cluster started in DIR and remove DIR
# initdb refuses to run as root, so as root the cluster belongs to the `postgres` OS user the package creates.
set -euo pipefail
PGVER=${PGVER:-15}
BIN=/usr/lib/postgresql/$PGVER/bin
POSTGIS=/usr/share/postgresql/$PGVER/extension/postgis.control

as_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install_packages() {
  if [ -x "$BIN/postgres" ] && [ -f "$POSTGIS" ]; then return 0; fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "start_postgres: no apt-get here: install PostgreSQL $PGVER with PostGIS 3, or the PostgreSQL tests are skipped" >&2
    return 1
  fi
  local sudo=""
  if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      echo "start_postgres: not root and no password-less sudo: run 'sudo apt-get install postgresql-$PGVER postgresql-$PGVER-postgis-3', or the PostgreSQL tests are skipped" >&2
      return 1
    fi
  fi
  echo "start_postgres: installing Debian's postgresql-$PGVER and postgresql-$PGVER-postgis-3 (once)" >&2
  $sudo apt-get update -qq >&2 || true
  if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "postgresql-$PGVER" "postgresql-$PGVER-postgis-3" >&2; then
    echo "start_postgres: apt-get could not install postgresql-$PGVER-postgis-3: the PostgreSQL tests are skipped" >&2
    return 1
  fi
}

case "${1:-}" in
  --install)
    install_packages
    exit $?
    ;;
  --stop)
    dir=${2:?usage: start_postgres.sh --stop DIR}
    [ -f "$dir/data/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    exit 0
    ;;
esac

install_packages
base=${TMPDIR:-/tmp}
[ "$(id -u)" = "0" ] && base=/tmp  # the postgres user must be able to reach it (not so under /root)
dir=$(mktemp -d "$base/mapdash-pg.XXXXXX")
chmod 755 "$dir"
[ "$(id -u)" = "0" ] && chown postgres: "$dir"
port=$("${PYTHON:-python3}" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Trust on loopback: the cluster lives as long as one test run and listens on nothing else.
as_owner "$BIN/initdb" -D "$dir/data" -U mapdash --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
# Durability is not wanted from a throw-away cluster: without fsync the test databases are made in milliseconds.
opts="-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c fsync=off"
opts="$opts -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$opts" -w -t 60 start >/dev/null \
  || { cat "$dir/server.log" >&2; exit 1; }
echo "postgresql://mapdash@127.0.0.1:$port/postgres"
echo "$dir"
