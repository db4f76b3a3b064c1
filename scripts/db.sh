#!/usr/bin/env bash
# A private PostgreSQL cluster for Cms, in a git-ignored folder, on its own port.
#   scripts/db.sh start      install PostgreSQL if missing, create the cluster if missing, start it
#   scripts/db.sh stop       stop it
#   scripts/db.sh url DB        print the runtime role's connection string of database DB (created if missing): what the API
#                               and its workers use; it reads and writes rows, owns nothing, and cannot touch the trail's history
#   scripts/db.sh owner-url DB  print the owner role's connection string of DB: migrations (cms migrate), tests' set-up
#   scripts/db.sh web-url DB    print the web UI's role's connection string of DB (ConnectionStrings__CmsWebKeys): it reads and adds
#                               the UI's data-protection keys in web.data_protection_keys and nothing else (decision 0057)
#   scripts/db.sh replica start   a hot standby of this cluster for auditors' reads (decision 0056): pg_basebackup -R from the
#                                 primary through the replication role cms_replicator and the slot cms_replica, on its own port,
#                                 its data beside the primary's cluster; started if it exists already
#   scripts/db.sh replica stop    stop it (the slot keeps the primary's WAL for it meanwhile: drop it when done)
#   scripts/db.sh replica drop    stop it, drop the slot, delete its data
#   scripts/db.sh replica url DB  print the runtime role's read-only connection string of DB on the replica
#   scripts/db.sh replica lag     print how far behind it is: seconds of replay, whether it replayed all it received, and its
#                                 WAL receiver ("none": cut off from the primary, however small the lag looks)
# Two roles (decision 0029): cms_owner owns the databases and every object in them; cms is the runtime role, granted its rights
# by the migration step (Database__RuntimeRole=cms). A third, cms_web, is the web UI's, granted by the same step (Database__WebRole=cms_web).
# Environment: CMS_PG_PORT (default 55432), CMS_PG_DIR (default .data/pg, or /var/tmp/cms-pg-<hash>
# when the postgres user cannot reach the project folder), CMS_PG_REPLICA_PORT (default CMS_PG_PORT + 1).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${CMS_PG_PORT:-55432}"
DB_USER=cms
DB_PASSWORD=cms-local-dev
OWNER_USER=cms_owner
OWNER_PASSWORD=cms-local-dev-owner
WEB_USER=cms_web
WEB_PASSWORD=cms-local-dev-web
REPLICA_PORT="${CMS_PG_REPLICA_PORT:-$((PORT + 1))}"
REPLICATION_USER=cms_replicator
REPLICATION_PASSWORD=cms-local-dev-replication
REPLICATION_SLOT=cms_replica

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

# --- The replica (decision 0056) ---------------------------------------------------------------------------------------

primary_sql() {
  local bin dir
  bin=$(pg_bin)
  dir=$(cluster_dir)
  as_pg "$bin/psql" -h "$dir/socket" -p "$PORT" -U postgres -d postgres -qtA -v ON_ERROR_STOP=1 -c "$1"
}

replica_start() {
  start
  local bin dir rdir
  bin=$(pg_bin)
  dir=$(cluster_dir)
  rdir="$dir/replica"
  primary_sql "DO \$\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$REPLICATION_USER') THEN
        CREATE ROLE $REPLICATION_USER LOGIN REPLICATION PASSWORD '$REPLICATION_PASSWORD';
      END IF;
    END \$\$" >/dev/null
  primary_sql "SELECT pg_create_physical_replication_slot('$REPLICATION_SLOT')
    WHERE NOT EXISTS (SELECT FROM pg_replication_slots WHERE slot_name = '$REPLICATION_SLOT')" >/dev/null
  if [ ! -f "$rdir/data/PG_VERSION" ]; then
    log "copying the primary into $rdir (pg_basebackup -R, slot $REPLICATION_SLOT)"
    rm -rf "$rdir"
    mkdir -p "$rdir/socket"
    [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$rdir"
    # The replication role's password in a passfile of the postgres user, named by primary_conninfo: not on a command line.
    local pass="$rdir/pgpass"
    printf '127.0.0.1:%s:replication:%s:%s\n' "$PORT" "$REPLICATION_USER" "$REPLICATION_PASSWORD" >"$pass"
    chmod 600 "$pass"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$pass"
    as_pg env PGPASSFILE="$pass" "$bin/pg_basebackup" -h 127.0.0.1 -p "$PORT" -U "$REPLICATION_USER" -D "$rdir/data" \
      -X stream -S "$REPLICATION_SLOT" -R -c fast >/dev/null
    # pg_basebackup -R writes primary_conninfo, with the passfile it was given (PGPASSFILE).
    chmod 700 "$rdir/data"
  fi
  if as_pg "$bin/pg_ctl" -D "$rdir/data" status >/dev/null 2>&1; then
    log "replica already running on port $REPLICA_PORT"
    return
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$REPLICA_PORT") 2>/dev/null; then
    log "port $REPLICA_PORT is taken by another server: stop it, or set CMS_PG_REPLICA_PORT"
    exit 1
  fi
  log "starting the replica on 127.0.0.1:$REPLICA_PORT"
  if ! as_pg "$bin/pg_ctl" -D "$rdir/data" -l "$rdir/postgres.log" -w -t 60 \
    -o "-p $REPLICA_PORT -k $rdir/socket -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=128MB -c hot_standby=on -c hot_standby_feedback=on" \
    start >/dev/null; then
    tail -20 "$rdir/postgres.log" >&2 || true
    exit 1
  fi
}

replica_stop() {
  local bin rdir
  bin=$(pg_bin) || return 0
  rdir="$(cluster_dir)/replica"
  [ -f "$rdir/data/PG_VERSION" ] && as_pg "$bin/pg_ctl" -D "$rdir/data" -m fast -w stop >/dev/null 2>&1 || true
}

replica_drop() {
  replica_stop
  local bin dir
  bin=$(pg_bin) || return 0
  dir=$(cluster_dir)
  if as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    primary_sql "SELECT pg_drop_replication_slot('$REPLICATION_SLOT') FROM pg_replication_slots WHERE slot_name = '$REPLICATION_SLOT'" >/dev/null
  elif [ -d "$dir/replica" ]; then
    log "the primary is stopped: its slot $REPLICATION_SLOT stays (drop it with: scripts/db.sh replica drop, primary running)"
  fi
  rm -rf "$dir/replica"
}

replica_lag() {
  local bin rdir
  bin=$(pg_bin)
  rdir="$(cluster_dir)/replica"
  as_pg "$bin/psql" -h "$rdir/socket" -p "$REPLICA_PORT" -U postgres -d postgres -qtA -F ' ' -v ON_ERROR_STOP=1 -c \
    "SELECT 'lag_seconds=' || coalesce(round(extract(epoch FROM now() - pg_last_xact_replay_timestamp())::numeric, 3)::text, 'none'),
            'replayed_all_received=' || coalesce((pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn())::text, 'false'),
            'receiver=' || coalesce((SELECT status FROM pg_stat_wal_receiver), 'none'),
            'replay_paused=' || (pg_get_wal_replay_pause_state() <> 'not paused')::text"
}

replica() {
  case "${1:-start}" in
    start) replica_start ;;
    stop) replica_stop ;;
    drop) replica_drop ;;
    url)
      start
      ensure_db "${2:-cms}"
      replica_start
      echo "Host=127.0.0.1;Port=$REPLICA_PORT;Database=${2:-cms};Username=$DB_USER;Password=$DB_PASSWORD"
      ;;
    lag) replica_lag ;;
    *) echo "usage: $0 replica start|stop|drop|url [DB]|lag" >&2; exit 2 ;;
  esac
}

case "${1:-start}" in
  start) start ;;
  replica) shift; replica "$@" ;;
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
  *) echo "usage: $0 start|stop|url [DB]|owner-url [DB]|web-url [DB]|psql [args]|replica start|stop|drop|url [DB]|lag" >&2; exit 2 ;;
esac
