#!/usr/bin/env bash
# A private PostgreSQL cluster for Cms, in a git-ignored folder, on its own port.
#   scripts/db.sh start      install PostgreSQL if missing, create the cluster if missing, start it
#   scripts/db.sh stop       stop it
#   scripts/db.sh url DB     print the connection string of database DB (created if missing)
# Environment: CMS_PG_PORT (default 55432), CMS_PG_DIR (default .data/pg, or /var/tmp/cms-pg-<hash>
# when the postgres user cannot reach the project folder).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${CMS_PG_PORT:-55432}"
DB_USER=cms
DB_PASSWORD=cms-local-dev

log() { printf '[db] %s\n' "$*" >&2; }

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

install_postgres() {
  if [ -n "$(pg_bin)" ]; then return; fi
  log "installing PostgreSQL from Debian's packages"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq -o DPkg::Lock::Timeout=600
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq -o DPkg::Lock::Timeout=600 postgresql postgresql-contrib >/dev/null
  # Debian starts a cluster of its own on 5432; ours runs beside it on $PORT.
}

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The postgres user must be able to walk into every parent of the data folder.
reachable_by_postgres() {
  [ "$(id -u)" -ne 0 ] && return 0
  runuser -u postgres -- test -x "$1" 2>/dev/null
}

cluster_dir() {
  if [ -n "${CMS_PG_DIR:-}" ]; then echo "$CMS_PG_DIR"; return; fi
  mkdir -p "$ROOT/.data"
  if reachable_by_postgres "$ROOT/.data"; then
    echo "$ROOT/.data/pg"
  else
    echo "/var/tmp/cms-pg-$(printf '%s' "$ROOT" | sha1sum | cut -c1-12)"
  fi
}

start() {
  install_postgres
  local bin dir sock
  bin=$(pg_bin)
  dir=$(cluster_dir)
  sock="$dir/socket"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    log "creating cluster in $dir"
    mkdir -p "$dir/data" "$sock"
    [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$dir"
    chmod 700 "$dir/data"
    local pwfile
    pwfile=$(mktemp)
    printf '%s\n' "$DB_PASSWORD" >"$pwfile"
    [ "$(id -u)" -eq 0 ] && chown postgres "$pwfile"
    as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
  fi
  if as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    log "cluster already running on port $PORT"
  else
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
      log "port $PORT is taken by another server (another checkout's cluster?): stop it, or set CMS_PG_PORT"
      exit 1
    fi
    log "starting cluster on 127.0.0.1:$PORT"
    if ! as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
      -o "-p $PORT -k $sock -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=256MB" start >/dev/null; then
      tail -20 "$dir/postgres.log" >&2 || true
      exit 1
    fi
  fi
  as_pg "$bin/psql" -h "$sock" -p "$PORT" -U postgres -d postgres -qtA -v ON_ERROR_STOP=1 <<SQL >/dev/null
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD' CREATEDB;
  END IF;
END \$\$;
SET client_min_messages = warning;
GRANT pg_checkpoint TO $DB_USER;
SQL
}

ensure_db() {
  local bin dir name="$1"
  bin=$(pg_bin)
  dir=$(cluster_dir)
  if ! as_pg "$bin/psql" -h "$dir/socket" -p "$PORT" -U postgres -d postgres -qtA \
      -c "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
    as_pg "$bin/psql" -h "$dir/socket" -p "$PORT" -U postgres -d postgres -q -c "CREATE DATABASE \"$name\" OWNER $DB_USER" >/dev/null
  fi
}

stop() {
  local bin dir
  bin=$(pg_bin) || exit 0
  dir=$(cluster_dir)
  [ -f "$dir/data/PG_VERSION" ] && as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  url)
    start
    ensure_db "${2:-cms}"
    echo "Host=127.0.0.1;Port=$PORT;Database=${2:-cms};Username=$DB_USER;Password=$DB_PASSWORD"
    ;;
  psql)
    start
    shift
    exec env PGPASSWORD="$DB_PASSWORD" psql -h 127.0.0.1 -p "$PORT" -U "$DB_USER" "$@"
    ;;
  *) echo "usage: $0 start|stop|url [DB]|psql [args]" >&2; exit 2 ;;
esac
