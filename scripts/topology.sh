#!/usr/bin/env bash
# A region as it runs in production, on this machine: N API instances and the operators' web UI behind HAProxy (decision 0054).
#   scripts/topology.sh start       installs HAProxy and PostgreSQL if missing, starts the project's PostgreSQL (scripts/db.sh),
#                                   builds once (Release, unless CMS_TOPOLOGY_BUILD=false), migrates once as the owner
#                                   (cms migrate), then starts the instances api-1 … api-N, the web UI and HAProxy; waits until
#                                   the balancer answers /health/ready
#   scripts/topology.sh stop        stops HAProxy, the web UI and every instance (SIGTERM, then SIGKILL after 10 s);
#                                   PostgreSQL is left running (scripts/db.sh stop)
#   scripts/topology.sh status      each process, whether it is ready, and which instance holds the singletons' lease
#   scripts/topology.sh kill N      SIGKILL of instance api-N (a crash: no shutdown, no flush)
#   scripts/topology.sh restart N   starts instance api-N again (after kill) and waits until it is ready
#   scripts/topology.sh holder      prints the name of the instance that holds the lease (api-N), or nothing
#   scripts/topology.sh url         prints the balancer's API URL and web UI URL, one a line
# Ports: the API through HAProxy on CMS_TOPOLOGY_PORT (default 56400), the web UI through HAProxy on +1, HAProxy's statistics
# page on +2, the web UI itself on +5, instance N on +10+N. Environment: CMS_INSTANCES (default 2), CMS_TOPOLOGY_PORT,
# CMS_TOPOLOGY_DB (database, default cms), CMS_TOPOLOGY_DIR (pid files, logs, keys; default .data/topology), CMS_TOPOLOGY_WEB
# (default true), CMS_TOPOLOGY_BUILD (default true), CMS_PG_PORT (scripts/db.sh), and any ASP.NET setting (e.g. Smtp__Host),
# which every instance gets. All instances share the key files (token signing, code key ring, checkpoint signing), made by
# api-1 on its first start, so that a token issued by one instance is good on every other.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

INSTANCES="${CMS_INSTANCES:-2}"
BASE="${CMS_TOPOLOGY_PORT:-56400}"
DB="${CMS_TOPOLOGY_DB:-cms}"
DIR="${CMS_TOPOLOGY_DIR:-$ROOT/.data/topology}"
WEB="${CMS_TOPOLOGY_WEB:-true}"
API_PORT=$BASE
WEB_FRONT_PORT=$((BASE + 1))
STATS_PORT=$((BASE + 2))
WEB_PORT=$((BASE + 5))
API_DLL="$ROOT/src/Cms.Api/bin/Release/net10.0/Cms.Api.dll"
WEB_DLL="$ROOT/src/Cms.Web/bin/Release/net10.0/Cms.Web.dll"
CLI_DLL="$ROOT/src/Cms.Cli/bin/Release/net10.0/cms.dll"

log() { printf '[topology] %s\n' "$*" >&2; }
instance_port() { echo $((BASE + 10 + $1)); }

install_haproxy() {
  dpkg-query -W -f='${Status}' haproxy 2>/dev/null | grep -q "install ok installed" && return
  log "installing HAProxy from Debian's packages"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq -o DPkg::Lock::Timeout=600
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq -o DPkg::Lock::Timeout=600 haproxy >/dev/null
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

ready() { curl -fsS -m 2 -o /dev/null "$1" 2>/dev/null; }

wait_ready() { # url seconds what
  local until=$((SECONDS + $2))
  while [ $SECONDS -lt $until ]; do
    ready "$1" && return 0
    sleep 0.2
  done
  log "$3 did not become ready in $2 s (see $DIR/*.log)"
  return 1
}

# The settings every instance shares, written once by start and read again by restart.
write_env() {
  local runtime owner
  runtime="$(bash scripts/db.sh url "$DB")"
  owner="$(bash scripts/db.sh owner-url "$DB")"
  mkdir -p "$DIR/keys" "$DIR/audit-checkpoints" "$DIR/pickup"
  chmod 700 "$DIR/keys"
  local password="${Bootstrap__AdminPassword:-}"
  if [ -z "$password" ]; then
    [ -f "$DIR/admin-password" ] || (umask 077; printf 'Adm-%s!' "$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 14)" >"$DIR/admin-password")
    password="$(cat "$DIR/admin-password")"
  fi
  (umask 077; cat >"$DIR/env" <<ENV
export ConnectionStrings__Cms='$runtime'
export CMS_TOPOLOGY_OWNER_CONNECTION='$owner'
export ASPNETCORE_ENVIRONMENT='${ASPNETCORE_ENVIRONMENT:-Development}'
export CodeEncryption__KeyRingFile='$DIR/keys/codes-keyring.json'
export CodeEncryption__GenerateIfMissing=true
export Jwt__SigningKeyFile='$DIR/keys/jwt-signing.key'
export Jwt__GenerateIfMissing=true
export Audit__CheckpointSigningKeyFile='$DIR/keys/audit-checkpoint-signing.pem'
export Audit__CheckpointGenerateIfMissing=true
export Audit__CheckpointFolder='${Audit__CheckpointFolder:-$DIR/audit-checkpoints}'
export Delivery__PickupFolder='${Delivery__PickupFolder:-$DIR/pickup}'
export Bootstrap__AdminCodiceFiscale='${Bootstrap__AdminCodiceFiscale:-SCRMNS80A01D612M}'
export Bootstrap__AdminPassword='$password'
export Hardening__WebUiAddresses__0='${Hardening__WebUiAddresses__0:-127.0.0.1}'
export Coordination__LeaseName='${Coordination__LeaseName:-$DB}'
export MALLOC_ARENA_MAX='${MALLOC_ARENA_MAX:-2}'
ENV
  )
}

start_instance() { # N demo
  local n=$1 port
  port=$(instance_port "$n")
  if alive "$DIR/api-$n.pid"; then log "api-$n already running"; return; fi
  # shellcheck disable=SC1091
  (
    . "$DIR/env"
    unset CMS_TOPOLOGY_OWNER_CONNECTION
    export Coordination__InstanceName="api-$n" DemoData__Enabled="$2" Database__MigrateOnStartup=false
    # From its own folder, as the Docker image runs it (no configuration watcher over the repository's .data).
    cd "$(dirname "$API_DLL")"
    exec dotnet "$API_DLL" --urls "http://127.0.0.1:$port" </dev/null >>"$DIR/api-$n.log" 2>&1
  ) &
  echo $! >"$DIR/api-$n.pid"
}

write_haproxy_config() {
  {
    cat <<CFG
# Written by scripts/topology.sh: roundrobin over the API instances, each checked on /health/ready every 500 ms.
global
    maxconn 4096
    stats socket $DIR/haproxy.sock mode 600 level admin

defaults
    mode http
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    timeout http-request 30s
    # A connection refused (an instance just killed, not yet marked down) is tried again on another instance; so is a GET
    # whose connection closed with no answer (an idle connection to an instance killed meanwhile). A write cut that way is
    # not replayed by the balancer: it may have been done, and its client sends it again with its Idempotency-Key.
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response

frontend api
    bind 127.0.0.1:$API_PORT
    default_backend api

backend api
    balance roundrobin
    http-request disable-l7-retry if !METH_GET !METH_HEAD
    option httpchk GET /health/ready
    http-check expect status 200
    # Down after two failed checks 500 ms apart, or at once on a refused connection; up again after one good check.
    default-server inter 500ms fastinter 250ms downinter 500ms fall 2 rise 1 observe layer4 error-limit 1 on-error mark-down
CFG
    for n in $(seq 1 "$INSTANCES"); do
      echo "    server api-$n 127.0.0.1:$(instance_port "$n") check"
    done
    cat <<CFG

frontend web
    bind 127.0.0.1:$WEB_FRONT_PORT
    default_backend web

backend web
    option httpchk GET /health/live
    http-check expect status 200
    default-server inter 1s fall 2 rise 1
    server web-1 127.0.0.1:$WEB_PORT check

frontend stats
    bind 127.0.0.1:$STATS_PORT
    stats enable
    stats uri /
    stats refresh 2s
CFG
  } >"$DIR/haproxy.cfg"
}

start() {
  install_haproxy
  mkdir -p "$DIR"
  bash scripts/deps.sh run
  write_env
  if [ "${CMS_TOPOLOGY_BUILD:-true}" = true ] || [ ! -f "$API_DLL" ] || [ ! -f "$CLI_DLL" ] || { [ "$WEB" = true ] && [ ! -f "$WEB_DLL" ]; }; then
    log "building (Release)"
    dotnet build src/Cms.Api -c Release -nologo -v quiet -clp:ErrorsOnly
    dotnet build src/Cms.Cli -c Release -nologo -v quiet -clp:ErrorsOnly
    [ "$WEB" = true ] && dotnet build src/Cms.Web -c Release -nologo -v quiet -clp:ErrorsOnly
  fi
  # shellcheck disable=SC1091
  . "$DIR/env"
  # Migrations, Hangfire's schema and the runtime role's grants, once, as the owner; the instances never migrate.
  log "migrating $DB"
  ConnectionStrings__CmsMigrations="$CMS_TOPOLOGY_OWNER_CONNECTION" Database__RuntimeRole=cms Database__WebRole=cms_web \
    dotnet "$CLI_DLL" migrate </dev/null >>"$DIR/migrate.log" 2>&1 || { tail -20 "$DIR/migrate.log" >&2; exit 1; }
  # api-1 first and alone: it makes the shared key files (on a first run) and the bootstrap administrator and demo data
  # (DemoData__Enabled, default true as scripts/run.sh); the others then start together.
  log "starting api-1 on 127.0.0.1:$(instance_port 1)"
  start_instance 1 "${DemoData__Enabled:-true}"
  wait_ready "http://127.0.0.1:$(instance_port 1)/health/ready" 90 api-1
  for n in $(seq 2 "$INSTANCES"); do
    log "starting api-$n on 127.0.0.1:$(instance_port "$n")"
    start_instance "$n" false
  done
  if [ "$WEB" = true ] && ! alive "$DIR/web.pid"; then
    (
      # The web UI's data-protection keys in the database under its own role, sealed with a key file (decision 0057):
      # every web UI instance given the same two settings shares them.
      export Web__ApiUrl="http://127.0.0.1:$API_PORT" ConnectionStrings__CmsWebKeys="$(bash scripts/db.sh web-url "$DB")" \
        Web__KeysEncryptionKeyFile="$DIR/keys/web-keys-encryption.key" Web__KeysEncryptionGenerateIfMissing=true
      export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
      cd "$(dirname "$WEB_DLL")"
      exec dotnet "$WEB_DLL" --urls "http://127.0.0.1:$WEB_PORT" </dev/null >>"$DIR/web.log" 2>&1
    ) &
    echo $! >"$DIR/web.pid"
  fi
  write_haproxy_config
  if alive "$DIR/haproxy.pid"; then
    kill -TERM "$(cat "$DIR/haproxy.pid")" 2>/dev/null || true
    sleep 0.2
  fi
  haproxy -c -q -f "$DIR/haproxy.cfg"
  haproxy -D -f "$DIR/haproxy.cfg" -p "$DIR/haproxy.pid" >>"$DIR/haproxy.log" 2>&1
  for n in $(seq 2 "$INSTANCES"); do
    wait_ready "http://127.0.0.1:$(instance_port "$n")/health/ready" 90 "api-$n"
  done
  wait_ready "http://127.0.0.1:$API_PORT/health/ready" 30 "the balancer"
  [ "$WEB" = true ] && wait_ready "http://127.0.0.1:$WEB_PORT/health/live" 60 "the web UI"
  log "up: API http://127.0.0.1:$API_PORT, web UI http://127.0.0.1:$WEB_FRONT_PORT, HAProxy statistics http://127.0.0.1:$STATS_PORT"
  log "bootstrap administrator ${Bootstrap__AdminCodiceFiscale}, password in $DIR/admin-password (or Bootstrap__AdminPassword)"
}

stop_pid() { # pidfile
  alive "$1" || { rm -f "$1"; return 0; }
  local pid
  pid=$(cat "$1")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$1"
}

stop() {
  [ -d "$DIR" ] || return 0
  stop_pid "$DIR/haproxy.pid"
  stop_pid "$DIR/web.pid" &
  for f in "$DIR"/api-*.pid; do [ -e "$f" ] && stop_pid "$f" & done
  wait
}

holder() {
  curl -fsS -m 3 "http://127.0.0.1:$API_PORT/health/lease" 2>/dev/null | sed -n 's/.*"holder":"\([^"]*\)".*/\1/p'
}

status() {
  for n in $(seq 1 "$INSTANCES"); do
    local state=stopped
    alive "$DIR/api-$n.pid" && state="running (pid $(cat "$DIR/api-$n.pid"))"
    ready "http://127.0.0.1:$(instance_port "$n")/health/ready" && state="$state, ready"
    echo "api-$n  127.0.0.1:$(instance_port "$n")  $state"
  done
  if [ "$WEB" = true ]; then
    echo "web    127.0.0.1:$WEB_PORT  $(alive "$DIR/web.pid" && echo running || echo stopped)"
  fi
  echo "haproxy  API 127.0.0.1:$API_PORT, web 127.0.0.1:$WEB_FRONT_PORT  $(alive "$DIR/haproxy.pid" && echo running || echo stopped)"
  echo "lease holder: $(holder)"
}

instance_arg() {
  [[ "${1:-}" =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le "$INSTANCES" ] || { echo "instance: 1..$INSTANCES" >&2; exit 2; }
}

case "${1:-status}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  kill)
    instance_arg "${2:-}"
    if alive "$DIR/api-$2.pid"; then kill -KILL "$(cat "$DIR/api-$2.pid")"; log "api-$2 killed (SIGKILL)"; fi
    rm -f "$DIR/api-$2.pid"
    ;;
  restart)
    instance_arg "${2:-}"
    [ -f "$DIR/env" ] || { echo "not started: scripts/topology.sh start" >&2; exit 1; }
    start_instance "$2" false
    wait_ready "http://127.0.0.1:$(instance_port "$2")/health/ready" 240 "api-$2"
    log "api-$2 ready"
    ;;
  holder) holder ;;
  url)
    echo "http://127.0.0.1:$API_PORT"
    echo "http://127.0.0.1:$WEB_FRONT_PORT"
    ;;
  *) echo "usage: $0 start|stop|status|kill N|restart N|holder|url" >&2; exit 2 ;;
esac
