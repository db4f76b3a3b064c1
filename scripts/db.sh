#!/usr/bin/env bash
# A private PostgreSQL cluster for Cms, in a git-ignored folder, on its own port.
#   scripts/db.sh start      install PostgreSQL if missing, create the cluster if missing, start it
#   scripts/db.sh stop       stop it
#   scripts/db.sh url DB        print the runtime role's connection string of database DB (created if missing): what the API
#                               and its workers use; it reads and writes rows, owns nothing, and cannot touch the trail's history
#   scripts/db.sh owner-url DB  print the owner role's connection string of DB: migrations (cms migrate), tests' set-up
#   scripts/db.sh web-url DB    print the web UI's role's connection string of DB (ConnectionStrings__CmsWebKeys): it reads and adds
#                               the UI's data-protection keys in web.data_protection_keys and nothing else (decision 0057)
# Two roles (decision 0029): cms_owner owns the databases and every object in them; cms is the runtime role, granted its rights
# by the migration step (Database__RuntimeRole=cms). A third, cms_web, is the web UI's, granted by the same step (Database__WebRole=cms_web).
# Environment: CMS_PG_PORT (default 55432), CMS_PG_DIR (default .data/pg, or /var/tmp/cms-pg-<hash>
# when the postgres user cannot reach the project folder).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${CMS_PG_PORT:-55432}"
DB_USER=cms
DB_PASSWORD=cms-local-dev
OWNER_USER=cms_owner
OWNER_PASSWORD=cms-local-dev-owner
WEB_USER=cms_web
WEB_PASSWORD=cms-local-dev-web

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
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$OWNER_USER') THEN
    CREATE ROLE $OWNER_USER LOGIN PASSWORD '$OWNER_PASSWORD' CREATEDB;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$WEB_USER') THEN
    CREATE ROLE $WEB_USER LOGIN PASSWORD '$WEB_PASSWORD';
  END IF;
END \$\$;
SET client_min_messages = warning;
-- A cluster made before the two roles: the runtime role owned everything and could create databases.
ALTER ROLE $DB_USER NOCREATEDB;
DO \$\$ BEGIN
  IF pg_has_role('$DB_USER', 'pg_checkpoint', 'MEMBER') THEN REVOKE pg_checkpoint FROM $DB_USER; END IF;
END \$\$;
GRANT pg_checkpoint TO $OWNER_USER;
SQL
}

ensure_db() {
  local bin dir name="$1"
  bin=$(pg_bin)
  dir=$(cluster_dir)
  if ! as_pg "$bin/psql" -h "$dir/socket" -p "$PORT" -U postgres -d postgres -qtA \
      -c "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
    as_pg "$bin/psql" -h "$dir/socket" -p "$PORT" -U postgres -d postgres -q -c "CREATE DATABASE \"$name\" OWNER $OWNER_USER" >/dev/null
  fi
  # A database made before the two roles belongs to the runtime role: everything in it moves to the owner.
  if as_pg "$bin/psql" -h "$dir/socket" -p "$PORT" -U postgres -d postgres -qtA \
      -c "SELECT 1 FROM pg_database WHERE datname = '$name' AND pg_get_userbyid(datdba) = '$DB_USER'" | grep -q 1; then
    log "moving database $name to the owner role $OWNER_USER"
    as_pg "$bin/psql" -h "$dir/socket" -p "$PORT" -U postgres -d "$name" -q -v ON_ERROR_STOP=1 \
      -c "REASSIGN OWNED BY $DB_USER TO $OWNER_USER" -c "ALTER DATABASE \"$name\" OWNER TO $OWNER_USER" >/dev/null
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
  owner-url)
    start
    ensure_db "${2:-cms}"
    echo "Host=127.0.0.1;Port=$PORT;Database=${2:-cms};Username=$OWNER_USER;Password=$OWNER_PASSWORD"
    ;;
  web-url)
    start
    ensure_db "${2:-cms}"
    echo "Host=127.0.0.1;Port=$PORT;Database=${2:-cms};Username=$WEB_USER;Password=$WEB_PASSWORD"
    ;;
  psql)
    start
    shift
    exec env PGPASSWORD="$DB_PASSWORD" psql -h 127.0.0.1 -p "$PORT" -U "$DB_USER" "$@"
    ;;
  *) echo "usage: $0 start|stop|url [DB]|owner-url [DB]|web-url [DB]|psql [args]" >&2; exit 2 ;;
esac
