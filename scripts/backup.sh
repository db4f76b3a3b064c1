#!/usr/bin/env bash
# Backups of the project's PostgreSQL cluster (scripts/db.sh) with pgBackRest, and point-in-time restores (decision 0056).
#   scripts/backup.sh setup            install pgBackRest if missing; turn WAL archiving on in the cluster (ALTER SYSTEM:
#                                      archive_mode, archive_command, archive_timeout) and RESTART it when archive_mode was off;
#                                      create the stanza "cms" in the repository and check that WAL reaches it
#   scripts/backup.sh full             a full backup (setup first when needed)
#   scripts/backup.sh info             what the repository holds (backups, WAL range)
#   scripts/backup.sh restore T PORT   restore the latest backup and the WAL up to time T ("2026-12-04 16:50:00+00") into a NEW
#                                      cluster on 127.0.0.1:PORT (--type=time --target=T --target-action=promote), start it,
#                                      wait until it is promoted, print the runtime role's connection string of database cms
#                                      (CMS_BACKUP_DB to name another); the restored cluster does not archive (--archive-mode=off:
#                                      archive_mode=off is written into its configuration, however it is started)
#   scripts/backup.sh stop-restored PORT   stop that cluster;  scripts/backup.sh drop-restored PORT   stop it and delete it
#   scripts/backup.sh off              turn archiving off again (ALTER SYSTEM RESET …, restart): the cluster as db.sh made it
# The repository, the configuration and the restored clusters live beside the cluster's data (.data/pg-backup, git-ignored;
# or /var/tmp/cms-pg-<hash>-backup when the postgres user cannot reach the project folder). Everything runs as postgres.
# Environment: as scripts/db.sh (CMS_PG_PORT, CMS_PG_DIR); CMS_BACKUP_DIR to put the repository elsewhere.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${CMS_PG_PORT:-55432}"
STANZA=cms
DB_USER=cms
DB_PASSWORD=cms-local-dev

log() { printf '[backup] %s\n' "$*" >&2; }

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

install_pgbackrest() {
  if dpkg-query -W -f='${Status}' pgbackrest 2>/dev/null | grep -q "ok installed"; then return; fi
  log "installing pgBackRest from Debian's packages"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq -o DPkg::Lock::Timeout=600
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq -o DPkg::Lock::Timeout=600 pgbackrest >/dev/null
}

# The cluster's folder as scripts/db.sh computes it (its data in $dir/data, its socket in $dir/socket).
cluster_dir() {
  if [ -n "${CMS_PG_DIR:-}" ]; then echo "$CMS_PG_DIR"; return; fi
  mkdir -p "$ROOT/.data"
  if [ "$(id -u)" -ne 0 ] || runuser -u postgres -- test -x "$ROOT/.data" 2>/dev/null; then
    echo "$ROOT/.data/pg"
  else
    echo "/var/tmp/cms-pg-$(printf '%s' "$ROOT" | sha1sum | cut -c1-12)"
  fi
}

backup_dir() { echo "${CMS_BACKUP_DIR:-$(cluster_dir)-backup}"; }
conf() { echo "$(backup_dir)/pgbackrest.conf"; }

pgbr() { as_pg pgbackrest --config="$(conf)" --stanza="$STANZA" "$@"; }

psql_primary() {
  local dir
  dir=$(cluster_dir)
  as_pg "$(pg_bin)/psql" -h "$dir/socket" -p "$PORT" -U postgres -d postgres -qtA -v ON_ERROR_STOP=1 "$@"
}

write_conf() {
  local b dir
  b=$(backup_dir)
  dir=$(cluster_dir)
  mkdir -p "$b/repo" "$b/log" "$b/lock" "$b/spool"
  cat >"$b/pgbackrest.conf" <<CONF
# Written by scripts/backup.sh: the repository of the project's cluster (decision 0056).
[global]
repo1-path=$b/repo
repo1-retention-full=2
log-path=$b/log
lock-path=$b/lock
spool-path=$b/spool
log-level-console=warn
log-level-file=info
start-fast=y
compress-type=lz4
process-max=1

[$STANZA]
pg1-path=$dir/data
pg1-port=$PORT
pg1-socket-path=$dir/socket
pg1-user=postgres
CONF
  [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$b"
  chmod 700 "$b"
}

setup() {
  install_pgbackrest
  bash "$ROOT/scripts/db.sh" start
  write_conf
  local command="pgbackrest --config=$(conf) --stanza=$STANZA archive-push %p"
  local mode current
  mode=$(psql_primary -c "SHOW archive_mode")
  current=$(psql_primary -c "SHOW archive_command")
  # In postgresql.auto.conf (ALTER SYSTEM), where `scripts/backup.sh off` takes them out again.
  psql_primary -c "ALTER SYSTEM SET archive_mode = 'on'" -c "ALTER SYSTEM SET archive_command = '$command'" \
    -c "ALTER SYSTEM SET archive_timeout = '60s'" -c "ALTER SYSTEM SET wal_level = 'replica'" >/dev/null
  if [ "$mode" != "on" ]; then
    log "archive_mode was $mode: RESTARTING the cluster on port $PORT to turn WAL archiving on"
    bash "$ROOT/scripts/db.sh" stop
    bash "$ROOT/scripts/db.sh" start
  elif [ "$current" != "$command" ]; then
    psql_primary -c "SELECT pg_reload_conf()" >/dev/null
  fi
  pgbr stanza-create >/dev/null
  pgbr check >/dev/null
  log "WAL archiving on, stanza $STANZA in $(backup_dir)/repo"
}

ready() {
  [ -f "$(conf)" ] && [ "$(psql_primary -c "SHOW archive_mode" 2>/dev/null)" = "on" ]
}

full() {
  bash "$ROOT/scripts/db.sh" start
  ready || setup
  log "full backup of the cluster on port $PORT"
  pgbr backup --type=full
  pgbr info | grep -E "full backup|timestamp start/stop" | tail -2 >&2
}

restore() {
  local target="${1:?usage: backup.sh restore <target-time> <new-port>}" port="${2:?usage: backup.sh restore <target-time> <new-port>}"
  [[ "$port" =~ ^[0-9]+$ ]] || { log "the port must be a number"; exit 2; }
  [ "$port" != "$PORT" ] || { log "the restore goes to a NEW cluster: give a port other than the cluster's ($PORT)"; exit 2; }
  local bin b dir sock
  bin=$(pg_bin)
  b=$(backup_dir)
  dir="$b/restored-$port"
  sock="$dir/socket"
  [ -f "$(conf)" ] || { log "no repository: run scripts/backup.sh setup and full first"; exit 1; }
  if as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    log "a restored cluster already runs on port $port: scripts/backup.sh drop-restored $port first"; exit 1
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then log "port $port is taken"; exit 1; fi
  # The WAL written up to now reaches the repository first (check switches to a new segment and waits for it to be archived).
  if as_pg "$bin/pg_ctl" -D "$(cluster_dir)/data" status >/dev/null 2>&1; then pgbr check >/dev/null || log "check failed: restoring from what is archived"; fi
  rm -rf "$dir"
  mkdir -p "$dir/data" "$sock"
  [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$dir"
  chmod 700 "$dir/data"
  log "restoring to $target into $dir (port $port)"
  pgbr restore --pg1-path="$dir/data" --archive-mode=off --type=time --target="$target" --target-action=promote --target-timeline=current >/dev/null
  # The copy must not archive into the original's stanza, nor take its port or socket.
  if ! as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 300 \
    -o "-p $port -k $sock -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=256MB -c archive_mode=off" start >/dev/null; then
    tail -20 "$dir/postgres.log" >&2 || true
    exit 1
  fi
  local i
  for i in $(seq 1 600); do
    [ "$(as_pg "$bin/psql" -h "$sock" -p "$port" -U postgres -d postgres -qtA -c "SELECT pg_is_in_recovery()" 2>/dev/null)" = "f" ] && break
    sleep 0.1
  done
  [ "$i" -lt 600 ] || { log "the restored cluster did not leave recovery"; tail -20 "$dir/postgres.log" >&2; exit 1; }
  log "restored cluster promoted on 127.0.0.1:$port; recovery stopped at: $(grep -h "recovery stopping\|last completed transaction" "$dir/postgres.log" | tail -1 | sed 's/.*LOG: *//')"
  echo "Host=127.0.0.1;Port=$port;Database=${CMS_BACKUP_DB:-cms};Username=$DB_USER;Password=$DB_PASSWORD"
}

stop_restored() {
  local port="${1:?usage: backup.sh stop-restored <port>}" dir
  dir="$(backup_dir)/restored-$port"
  [ -f "$dir/data/PG_VERSION" ] && as_pg "$(pg_bin)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

off() {
  bash "$ROOT/scripts/db.sh" start
  psql_primary -c "ALTER SYSTEM RESET archive_mode" -c "ALTER SYSTEM RESET archive_command" -c "ALTER SYSTEM RESET archive_timeout" \
    -c "ALTER SYSTEM RESET wal_level" >/dev/null
  if [ "$(psql_primary -c "SHOW archive_mode")" = "on" ]; then
    log "RESTARTING the cluster on port $PORT to turn WAL archiving off"
    bash "$ROOT/scripts/db.sh" stop
    bash "$ROOT/scripts/db.sh" start
  fi
  log "WAL archiving off (the repository in $(backup_dir) is kept)"
}

case "${1:-}" in
  setup) setup ;;
  full) full ;;
  info) pgbr info ;;
  restore) shift; restore "$@" ;;
  stop-restored) stop_restored "${2:-}" ;;
  drop-restored) stop_restored "${2:-}"; rm -rf "$(backup_dir)/restored-${2:?}" ;;
  off) off ;;
  *) echo "usage: $0 setup|full|info|restore <target-time> <new-port>|stop-restored <port>|drop-restored <port>|off" >&2; exit 2 ;;
esac
