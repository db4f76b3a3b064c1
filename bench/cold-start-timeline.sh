#!/usr/bin/env bash
# One start of the API on the benchmark's migrated database (run `bench/run.sh cold-start` first), with a timeline of its phases
# (issue 29, the profile behind bench/README.md's "Cold start"): the API's own logs with millisecond timestamps (EF Core's
# commands, Hangfire, the host's lifetime, the requests) merged with strace's view of the same process (which files it opens:
# assemblies and settings; its connections to PostgreSQL; Kestrel's bind; the first accepted request), each line in ms from exec.
#   bench/cold-start-timeline.sh [API.dll]   default: the API bench/run.sh cold-start published (or the Release build)
# Environment: CMS_PG_PORT, CMS_BENCH_API_PORT (default 5097), CMS_TIMELINE_OUT (default $TMPDIR/cms-cold-start-timeline),
# CMS_BENCH_API_<Setting> as for the benchmarks (e.g. CMS_BENCH_API_DOTNET_TieredPGO=0).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
command -v strace >/dev/null || apt-get install -y -q strace >/dev/null
dll="${1:-}"
if [ -z "$dll" ]; then
  dll="$ROOT/src/Cms.Api/bin/Release/net10.0/Cms.Api.dll"
  [ -f "$ROOT/bench/Cms.Bench/bin/cold-start-api/Cms.Api.dll" ] && dll="$ROOT/bench/Cms.Bench/bin/cold-start-api/Cms.Api.dll"
fi
out="${CMS_TIMELINE_OUT:-${TMPDIR:-/tmp}/cms-cold-start-timeline}"
mkdir -p "$out/pickup"
port="${CMS_BENCH_API_PORT:-5097}"
connection="$(bash scripts/db.sh owner-url cms_bench)"

export ASPNETCORE_ENVIRONMENT=Production MALLOC_ARENA_MAX=2 Database__MigrateOnStartup=false
export ConnectionStrings__Cms="$connection" CodeEncryption__ActiveKeyId=bench CodeEncryption__Keys__bench="$(head -c 32 /dev/urandom | base64)"
export Jwt__SigningKey="$(head -c 32 /dev/urandom | base64)" Bootstrap__AdminCodiceFiscale=SCRMNS80A01D612M Bootstrap__AdminPassword=Bench-Admin-Pwd-1
export Delivery__PickupFolder="$out/pickup"
export Logging__Console__FormatterName=simple Logging__Console__FormatterOptions__TimestampFormat='HH:mm:ss.ffffff ' \
  Logging__Console__FormatterOptions__SingleLine=true Logging__LogLevel__Default=Information
# Names with dots cannot be exported by bash: env passes them.
levels=(Logging__LogLevel__Microsoft.EntityFrameworkCore=Information Logging__LogLevel__Microsoft.AspNetCore=Information)
while IFS='=' read -r name value; do export "${name#CMS_BENCH_API_}=$value"; done < <(env | grep '^CMS_BENCH_API_' || true)

cd "$(dirname "$dll")"
start=$(date +%H:%M:%S.%6N)
env "${levels[@]}" strace -f --seccomp-bpf -tt -e trace=execve,openat,connect,bind,accept4 -o "$out/strace.log" \
  dotnet "$dll" --urls "http://127.0.0.1:$port" >"$out/api.log" 2>&1 &
api=$!
until curl -fsS -o /dev/null "http://127.0.0.1:$port/health/ready" 2>/dev/null; do sleep 0.02; done
ready=$(date +%H:%M:%S.%6N)
curl -fsS -o /dev/null "http://127.0.0.1:$port/health/ready"
# strace does not pass SIGTERM on: stop the API itself (strace's child), then strace ends with it.
kill -TERM "$(pgrep -P "$api")"; wait "$api" || true

# Merge: the time of day of each line → ms since exec.
python3 - "$start" "$ready" "$out/strace.log" "$out/api.log" <<'PY'
import re, sys
def ms(t):
    h, m, s = t.split(":"); return (int(h) * 3600 + int(m) * 60 + float(s)) * 1000
start, ready = ms(sys.argv[1]), ms(sys.argv[2])
events = []
seen = set()
for line in open(sys.argv[3]):
    m = re.match(r"(\d+)\s+(\d\d:\d\d:\d\d\.\d+) (.*)", line)
    if not m: continue
    call = m.group(3)
    if call.startswith("openat"):
        f = re.search(r'"([^"]+)"', call)
        if not f or "ENOENT" in call: continue
        name = f.group(1)
        if not (name.endswith(".dll") or name.endswith(".json") or name.endswith(".so")) or name in seen: continue
        seen.add(name); call = "open " + name.split("/")[-1]
    elif call.startswith("connect"):
        if "sin_port=htons(" not in call: continue
        call = "connect port " + re.search(r"sin_port=htons\((\d+)\)", call).group(1)
    elif call.startswith("accept4") and "= -1" in call: continue
    events.append((ms(m.group(2)) - start, "strace", call[:110]))
for line in open(sys.argv[4]):
    m = re.match(r"(\d\d:\d\d:\d\d\.\d+) (.*)", line)
    if m: events.append((ms(m.group(1)) - start, "log", m.group(2)[:160]))
events.append((ready - start, "bench", "first 200 of /health/ready seen by curl"))
for t, who, what in sorted(events):
    print(f"{t:8.0f} ms  {who:6}  {what}")
PY
