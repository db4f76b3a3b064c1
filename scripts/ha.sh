#!/usr/bin/env bash
# PostgreSQL with failover for Cms (issue 27, decision 0055): a single-node etcd and two Patroni members (PostgreSQL 15),
# a primary and a synchronous standby, in the project's git-ignored .data/ha/ (or /var/tmp/cms-ha-<hash> when the postgres
# user cannot reach the project folder), every process run as the postgres user.
#   scripts/ha.sh start          install what is missing (patroni, etcd-server, etcd-client, postgresql 15), start etcd and both
#                                members, wait until there is a primary and a streaming synchronous standby, create the two
#                                roles of scripts/db.sh (cms_owner, cms) with the same passwords
#   scripts/ha.sh stop           stop both members and etcd (data kept; `stop --wipe` also deletes it)
#   scripts/ha.sh status         patronictl list: who leads, who is the synchronous standby, their lag
#   scripts/ha.sh kill-primary   SIGKILL the primary's postmaster (Patroni then promotes the standby); prints the killed member
#   scripts/ha.sh rejoin         start again the Patroni member whose process is gone (after kill-primary it rejoins as a standby,
#                                rewound with pg_rewind when needed)
#   scripts/ha.sh switchover     a planned switchover: the synchronous standby becomes the primary, the primary its standby
#   scripts/ha.sh url [DB]       the runtime role's multi-host connection string of DB (created if missing), targeting the primary
#   scripts/ha.sh owner-url [DB] the owner role's, for migrations
#   scripts/ha.sh primary-port   the port of the current primary
# Environment: CMS_HA_PORT_BASE (default 56500): etcd client BASE, etcd peer BASE+1, Patroni REST BASE+10 and BASE+11,
# PostgreSQL BASE+20 and BASE+21. CMS_HA_DIR overrides the data folder. CMS_HA_STRICT=false turns synchronous_mode_strict off
# (see docs/production.md, "PostgreSQL failover (Patroni)").
# Fast failover (Patroni's dynamic configuration): ttl 10 s, loop_wait 1 s, retry_timeout 4 s, primary_start_timeout 0 (a
# crashed primary is failed over at once, not restarted in place); synchronous_mode and
# synchronous_mode_strict: a commit returns only once the standby has it, and with the standby gone commits wait rather than
# go on alone (no confirmed work can be lost by a failover).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE="${CMS_HA_PORT_BASE:-56500}"
ETCD_PORT=$BASE
ETCD_PEER=$((BASE + 1))
REST=($((BASE + 10)) $((BASE + 11)))
PG=($((BASE + 20)) $((BASE + 21)))
MEMBERS=(pg1 pg2)
SCOPE=cms-ha
# synchronous_mode_strict (CMS_HA_STRICT, default true): with the standby gone, commits wait for it rather than go on alone.
STRICT="${CMS_HA_STRICT:-true}"
# The two roles and their passwords are scripts/db.sh's own (one place to change them).
eval "$(grep -E '^(DB_USER|DB_PASSWORD|OWNER_USER|OWNER_PASSWORD)=' "$ROOT/scripts/db.sh")"
REPL_USER=replicator
REPL_PASSWORD=cms-local-dev-replication
SUPER_PASSWORD=cms-local-dev-superuser

log() { printf '[ha] %s\n' "$*" >&2; }

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

install() {
  local missing=()
  for p in patroni etcd-server etcd-client postgresql-15 postgresql-contrib curl; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  log "installing ${missing[*]} from Debian's packages"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq -o DPkg::Lock::Timeout=600
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
  # Debian's own etcd service (2379) and cluster (5432) may start beside ours; ours use their own ports.
}

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ha_dir() {
  if [ -n "${CMS_HA_DIR:-}" ]; then echo "$CMS_HA_DIR"; return; fi
  mkdir -p "$ROOT/.data"
  if [ "$(id -u)" -ne 0 ] || runuser -u postgres -- test -x "$ROOT/.data" 2>/dev/null; then
    echo "$ROOT/.data/ha"
  else
    echo "/var/tmp/cms-ha-$(printf '%s' "$ROOT" | sha1sum | cut -c1-12)"
  fi
}

DIR="$(ha_dir)"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

write_member_config() {
  local i=$1 name=${MEMBERS[$1]} bin
  bin=$(pg_bin)
  cat >"$DIR/$name.yml" <<YAML
scope: $SCOPE
namespace: /cms/
name: $name
log:
  level: INFO
restapi:
  listen: 127.0.0.1:${REST[$i]}
  connect_address: 127.0.0.1:${REST[$i]}
etcd3:
  hosts: 127.0.0.1:$ETCD_PORT
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 1
    retry_timeout: 4
    # A crashed primary is not restarted in place (the default waits up to 300 s for that): the synchronous standby
    # is promoted at once, and the old primary rejoins as its standby.
    primary_start_timeout: 0
    maximum_lag_on_failover: 1048576
    synchronous_mode: true
    synchronous_mode_strict: $STRICT
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        wal_level: replica
        hot_standby: 'on'
        wal_log_hints: 'on'
        max_wal_senders: 10
        max_replication_slots: 10
        max_connections: 200
        shared_buffers: 128MB
        password_encryption: scram-sha-256
  initdb:
    - encoding: UTF8
    - locale: C.UTF-8
    - auth-local: trust
    - auth-host: scram-sha-256
postgresql:
  listen: 127.0.0.1:${PG[$i]}
  connect_address: 127.0.0.1:${PG[$i]}
  data_dir: $DIR/$name/data
  bin_dir: $bin
  pgpass: $DIR/$name/pgpass
  use_unix_socket: true
  authentication:
    superuser:
      username: postgres
      password: $SUPER_PASSWORD
    replication:
      username: $REPL_USER
      password: $REPL_PASSWORD
    rewind:
      username: postgres
      password: $SUPER_PASSWORD
  parameters:
    unix_socket_directories: $DIR/$name/socket
  pg_hba:
    - local all all trust
    - host replication $REPL_USER 127.0.0.1/32 scram-sha-256
    - host all all 127.0.0.1/32 scram-sha-256
tags:
  nofailover: false
  noloadbalance: false
  clonefrom: false
  nosync: false
YAML
}

start_etcd() {
  if pid_alive "$DIR/etcd.pid"; then return; fi
  if port_open "$ETCD_PORT"; then log "port $ETCD_PORT is taken by another server: set CMS_HA_PORT_BASE"; exit 1; fi
  log "starting etcd on 127.0.0.1:$ETCD_PORT"
  # v3 API (Patroni's etcd3 section); --enable-v2 as well, for tools that still speak v2.
  as_pg bash -c "nohup etcd --name cms-ha-etcd --data-dir '$DIR/etcd' \
    --listen-client-urls http://127.0.0.1:$ETCD_PORT --advertise-client-urls http://127.0.0.1:$ETCD_PORT \
    --listen-peer-urls http://127.0.0.1:$ETCD_PEER --initial-advertise-peer-urls http://127.0.0.1:$ETCD_PEER \
    --initial-cluster cms-ha-etcd=http://127.0.0.1:$ETCD_PEER --enable-v2=true \
    >>'$DIR/etcd.log' 2>&1 & echo \$! >'$DIR/etcd.pid'"
  for _ in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$ETCD_PORT/health" 2>/dev/null | grep -q true; then return; fi
    sleep 0.1
  done
  tail -20 "$DIR/etcd.log" >&2; exit 1
}

start_member() {
  local i=$1 name=${MEMBERS[$1]}
  if pid_alive "$DIR/$name.pid"; then return; fi
  mkdir -p "$DIR/$name/socket"
  chown -R postgres:postgres "$DIR/$name" 2>/dev/null || true
  write_member_config "$i"
  chown postgres:postgres "$DIR/$name.yml" 2>/dev/null || true
  log "starting Patroni member $name (PostgreSQL on 127.0.0.1:${PG[$i]}, REST on ${REST[$i]})"
  as_pg bash -c "nohup patroni '$DIR/$name.yml' >>'$DIR/$name.log' 2>&1 & echo \$! >'$DIR/$name.pid'"
}

patronictl_() { as_pg patronictl -c "$DIR/${MEMBERS[0]}.yml" "$@"; }

# The member answering 200 on /primary (or nothing).
primary_index() {
  for i in 0 1; do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${REST[$i]}/primary" 2>/dev/null)" = 200 ]; then echo "$i"; return; fi
  done
  return 1
}

wait_ready() {
  local i deadline=$((SECONDS + ${1:-120}))
  while [ $SECONDS -lt $deadline ]; do
    if i=$(primary_index); then
      # A synchronous standby streaming: /sync answers 200 on it.
      local other=$((1 - i))
      if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${REST[$other]}/sync" 2>/dev/null)" = 200 ]; then return 0; fi
    fi
    sleep 0.5
  done
  log "no primary with a synchronous standby after ${1:-120} s"; tail -20 "$DIR"/pg*.log >&2; return 1
}

psql_primary() {
  local i bin
  i=$(primary_index)
  bin=$(pg_bin)
  as_pg "$bin/psql" -h "$DIR/${MEMBERS[$i]}/socket" -p "${PG[$i]}" -U postgres -d postgres -qtA -v ON_ERROR_STOP=1 "$@"
}

create_roles() {
  psql_primary <<SQL >/dev/null
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$OWNER_USER') THEN
    CREATE ROLE $OWNER_USER LOGIN PASSWORD '$OWNER_PASSWORD' CREATEDB;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD';
  END IF;
END \$\$;
SET client_min_messages = warning;
GRANT pg_checkpoint TO $OWNER_USER;
SQL
}

ensure_db() {
  local name="$1"
  if ! psql_primary -c "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
    psql_primary -c "CREATE DATABASE \"$name\" OWNER $OWNER_USER" >/dev/null
  fi
}

start() {
  install
  mkdir -p "$DIR"
  chown postgres:postgres "$DIR" 2>/dev/null || true
  chmod 700 "$DIR"
  start_etcd
  start_member 0
  # The first member bootstraps the cluster; the second then clones it (pg_basebackup) and becomes its synchronous standby.
  local deadline=$((SECONDS + 60))
  until primary_index >/dev/null; do
    [ $SECONDS -lt $deadline ] || { tail -30 "$DIR/pg1.log" >&2; exit 1; }
    sleep 0.3
  done
  start_member 1
  wait_ready 120
  # The dynamic configuration lives in etcd: an existing cluster takes the current choice too.
  patronictl_ edit-config --set "synchronous_mode_strict=$STRICT" --force >/dev/null
  create_roles
  log "primary ${MEMBERS[$(primary_index)]}; synchronous standby streaming"
}

stop() {
  for name in "${MEMBERS[@]}"; do
    if pid_alive "$DIR/$name.pid"; then
      local pid; pid=$(cat "$DIR/$name.pid")
      # Patroni stops its PostgreSQL (fast shutdown) on SIGTERM.
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$DIR/$name.pid"
  done
  # A postmaster left behind (Patroni killed by hand): stop it too.
  local bin; bin=$(pg_bin) || true
  for name in "${MEMBERS[@]}"; do
    [ -n "$bin" ] && [ -f "$DIR/$name/data/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$DIR/$name/data" -m immediate -w stop >/dev/null 2>&1 || true
  done
  if pid_alive "$DIR/etcd.pid"; then
    local pid; pid=$(cat "$DIR/etcd.pid")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$DIR/etcd.pid"
  if [ "${1:-}" = "--wipe" ]; then rm -rf "$DIR"; fi
}

kill_primary() {
  local i pid
  i=$(primary_index) || { log "no primary"; exit 1; }
  pid=$(head -1 "$DIR/${MEMBERS[$i]}/data/postmaster.pid")
  log "SIGKILL to the postmaster of ${MEMBERS[$i]} (pid $pid, port ${PG[$i]})"
  kill -KILL "$pid"
  echo "${MEMBERS[$i]}"
}

url() {
  local user=$1 password=$2 db=$3
  start >/dev/null
  ensure_db "$db"
  echo "Host=127.0.0.1:${PG[0]},127.0.0.1:${PG[1]};Database=$db;Username=$user;Password=$password;Target Session Attributes=primary"
}

case "${1:-status}" in
  start) start ;;
  stop) shift; stop "${1:-}" ;;
  status) patronictl_ list ;;
  kill-primary) kill_primary ;;
  rejoin) for i in 0 1; do start_member "$i"; done; wait_ready 120 ;;
  switchover)
    i=$(primary_index)
    patronictl_ switchover --leader "${MEMBERS[$i]}" --candidate "${MEMBERS[$((1 - i))]}" --force
    wait_ready 120
    ;;
  url) url "$DB_USER" "$DB_PASSWORD" "${2:-cms}" ;;
  owner-url) url "$OWNER_USER" "$OWNER_PASSWORD" "${2:-cms}" ;;
  primary-port) echo "${PG[$(primary_index)]}" ;;
  *) echo "usage: $0 start|stop [--wipe]|status|kill-primary|rejoin|switchover|url [DB]|owner-url [DB]|primary-port" >&2; exit 2 ;;
esac
