#!/usr/bin/env bash
# Runs the benchmarks on the project's own PostgreSQL cluster (databases cms_bench and cms_pgbench, emptied each run).
#   bench/run.sh card-feed [cards]      default 1,000,000 cards, beside PostgreSQL's COPY of the same rows
#   bench/run.sh migration [cards]      default 1,000,000 cards of a region moving onto Cms (state, activation, consents, readers,
#                                       past operations), beside PostgreSQL's COPY of the same rows (decision 0039)
#   bench/run.sh activations [seconds]  create+confirm over HTTP with 32 clients, beside pgbench with 32 clients
#   bench/run.sh forms [seconds]        printed forms rendered per second
#   bench/run.sh soak [minutes]         default 30 minutes at half the measured maximum rate of activations: errors, latency,
#                                       the API's resident memory (flat within 10%)
#   bench/run.sh reports [operations]   10,000,000 operations: an operator's monthly report and an auditor's yearly statistics,
#                                       a card's history, a person's access report, the auditor's listing (a day, a counter's month),
#                                       through the API and as SQL straight on the cluster, and the trail's write cost beside a small
#                                       trail's (cms_bench_small); seeded in chunks, indexes rebuilt after (issue 29 item 4: 100,000,000
#                                       where the disk holds it). CMS_BENCH_REUSE=1 measures an earlier seed again; CMS_BENCH_DB another
#                                       database (e.g. cms_bench_10m beside cms_bench)
#   bench/run.sh trail-partitions [operations]  the trail (default 10,000,000 entries, seeded as for reports when missing) beside a
#                                       monthly-partitioned copy with the same rows: its reads and writes on both (decision 0063); use
#                                       CMS_BENCH_DB to run it on its own database (e.g. cms_bench_partitions)
#   bench/run.sh upgrade [REV]          a rolling upgrade (decision 0058): the build of REV (N) migrates and serves, this tree's
#                                       migration step runs while N serves, this tree's API (N+1) serves beside N, then alone; the
#                                       main counter flows in every phase. REV defaults to the commit before the newest migration
#                                       after the baseline was added (HEAD~1 when there is none). REV is built in a git worktree.
#   bench/run.sh topology [activations] default 1,000 activations through HAProxy (scripts/topology.sh, 2 instances, database
#                                       cms_bench_topology, ports 56460-56472) while the lease's holder is SIGKILLed and restarted
#                                       twice: every confirm answered once, every message delivered, the trail intact (decision 0054)
#   bench/run.sh failover [seconds]     PostgreSQL failover under load (decision 0055): scripts/ha.sh's primary and synchronous
#                                       standby (database cms_failover), one API on the multi-host string, the primary's postmaster
#                                       killed after [seconds] (default 20): recovery time, 503s meanwhile, work lost (must be 0)
#   bench/run.sh restore-drill          pgBackRest backup, 500 activations (the last 100 with SMTP down), time T, 100 more;
#                                       restore to T into a new cluster (scripts/backup.sh) and Cms on it: the 500 there and the
#                                       100 not, the codes open, the held messages sent, the checkpoints after T the expected
#                                       gap; RPO and RTO (decision 0056). Turns WAL archiving on in the cluster (a restart).
#                                       CMS_DRILL_API_PORT (5098) and CMS_DRILL_RESTORE_PORT (55532) choose its ports.
#   bench/run.sh cold-start [starts]    the API's start to /health/ready on a migrated database (issue 29), default 7 starts
#                                       after one that migrates; the median, the CPU time and the resident memory once ready
#                                       (goal ≤ 3 s). The API is published as the Docker image does (ReadyToRun); the counted
#                                       starts do not migrate, as production's instances. CMS_COLD_START_DLL=<Cms.Api.dll>
#                                       measures another build (e.g. src/Cms.Api/bin/Release/net10.0/Cms.Api.dll, no ReadyToRun)
#   bench/run.sh identification [seconds]  POST /api/v1/cards/identify (manual, each with its trail entry) over HTTP with 32 clients on
#                                       distinct cards, after the 90 s warm-up (CMS_BENCH_WARMUP), beside pgbench with 32 clients (goal ≥ 1.0×)
#   bench/run.sh cards-at-scale [cards] the registry at a nation's scale (issue 29, item 4), default 10,000,000 cards in database cms_scale,
#                                       kept between runs (loaded through the card-feed importer a million at a time when it does not hold
#                                       them, or with CMS_BENCH_RESEED=1); then a further feed (500,000 new cards + 100,000 updates) beside
#                                       COPY of the same rows (goal ≥ 0.5×), and identifications on random cards of the whole registry beside
#                                       a hot set of the first 200,000 (goal: p95 ≤ 1.25× the hot set's), beside pgbench; CMS_SCALE_SECONDS (30) is each
#                                       window, CMS_SCALE_FEED=0 skips the further feed
#   bench/run.sh messages [seconds]     activations whose code messages go through the outbox to an SMTP server on loopback
#                                       (CMS_BENCH_SMTP_PORT): accepted per second (goal ≥ 300/s), confirm → acceptance p99 (≤ 1 s),
#                                       every message arrived; then a backlog drained with no client (the outbox's own rate)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/deps.sh run
if [ "${1:-}" = failover ]; then
  CMS_BENCH_CONNECTION="$(bash scripts/ha.sh owner-url cms_failover)"
  CMS_BENCH_RUNTIME_CONNECTION="$(bash scripts/ha.sh url cms_failover)"
  export CMS_BENCH_CONNECTION CMS_BENCH_RUNTIME_CONNECTION
  export CMS_HA_SCRIPT="$ROOT/scripts/ha.sh"
  export CMS_API_DLL="$ROOT/src/Cms.Api/bin/Release/net10.0/Cms.Api.dll"
  dotnet build src/Cms.Api -c Release -nologo -v quiet -clp:ErrorsOnly
  dotnet build bench/Cms.Bench -c Release -nologo -v quiet -clp:ErrorsOnly
  exec dotnet bench/Cms.Bench/bin/Release/net10.0/Cms.Bench.dll "$@"
fi
# CMS_BENCH_DB runs a benchmark on another database of the cluster (e.g. two trails of different sizes kept side by side).
CMS_BENCH_CONNECTION="$(bash scripts/db.sh owner-url "${CMS_BENCH_DB:-cms_bench}")"
CMS_PGBENCH_CONNECTION="$(bash scripts/db.sh owner-url cms_pgbench)"
export CMS_BENCH_CONNECTION CMS_PGBENCH_CONNECTION
export CMS_BENCH_ROOT="$ROOT"
if [ "${1:-}" = cards-at-scale ]; then
  CMS_SCALE_CONNECTION="$(bash scripts/db.sh owner-url cms_scale)"
  export CMS_SCALE_CONNECTION
fi
if [ "${1:-}" = topology ]; then
  CMS_BENCH_TOPOLOGY_CONNECTION="$(bash scripts/db.sh owner-url cms_bench_topology)"
  export CMS_BENCH_TOPOLOGY_CONNECTION
  dotnet build src/Cms.Cli -c Release -nologo -v quiet -clp:ErrorsOnly
fi
export CMS_ROOT="$ROOT"
export CMS_API_DLL="$ROOT/src/Cms.Api/bin/Release/net10.0/Cms.Api.dll"
command -v pgbench >/dev/null || export PATH="$PATH:$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
if [ "${1:-}" = upgrade ]; then
  rev="${2:-}"
  if [ -z "$rev" ]; then
    newest=$(ls src/Cms.Infrastructure/Persistence/Migrations/2*.cs | grep -v -e Designer -e _Baseline | sort | tail -1 || true)
    if [ -n "$newest" ]; then rev="$(git log --diff-filter=A --format=%H -1 -- "$newest")^"; else rev=HEAD~1; fi
  fi
  CMS_OLD_REV="$(git rev-parse --short "$rev")"
  CMS_NEW_REV="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo '+changes')"
  old="${TMPDIR:-/tmp}/cms-upgrade-$CMS_OLD_REV"
  if [ ! -d "$old" ]; then
    git worktree prune
    git worktree add --detach "$old" "$rev" >/dev/null
  fi
  echo "[bench] building N = $CMS_OLD_REV in $old" >&2
  dotnet build "$old/src/Cms.Api" -c Release -nologo -v quiet -clp:ErrorsOnly
  dotnet build "$old/src/Cms.Cli" -c Release -nologo -v quiet -clp:ErrorsOnly
  dotnet build src/Cms.Cli -c Release -nologo -v quiet -clp:ErrorsOnly
  CMS_BENCH_RUNTIME_CONNECTION="$(bash scripts/db.sh url cms_bench)"
  export CMS_OLD_REV CMS_NEW_REV CMS_BENCH_RUNTIME_CONNECTION
  export CMS_OLD_API_DLL="$old/src/Cms.Api/bin/Release/net10.0/Cms.Api.dll" CMS_OLD_CLI_DLL="$old/src/Cms.Cli/bin/Release/net10.0/cms.dll"
  export CMS_CLI_DLL="$ROOT/src/Cms.Cli/bin/Release/net10.0/cms.dll"
fi
if [ "${1:-}" = cold-start ] || [ "${CMS_BENCH_PUBLISHED:-}" = 1 ]; then
  # The API as production runs it: `dotnet publish -c Release`, as the Docker image does (ReadyToRun, decision 0062); the
  # cold start always, the other benchmarks with CMS_BENCH_PUBLISHED=1 (their figures are of the plain build otherwise).
  # CMS_COLD_START_DLL=<Cms.Api.dll> measures that build instead (e.g. a plain `dotnet build` output, to compare).
  if [ -z "${CMS_COLD_START_DLL:-}" ]; then
    dotnet publish src/Cms.Api -c Release -o bench/Cms.Bench/bin/cold-start-api -nologo -v quiet -clp:ErrorsOnly
    export CMS_API_DLL="$ROOT/bench/Cms.Bench/bin/cold-start-api/Cms.Api.dll"
  else
    export CMS_API_DLL="$CMS_COLD_START_DLL"
  fi
else
  dotnet build src/Cms.Api -c Release -nologo -v quiet -clp:ErrorsOnly
fi
dotnet build bench/Cms.Bench -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet bench/Cms.Bench/bin/Release/net10.0/Cms.Bench.dll "${@:-card-feed}"
