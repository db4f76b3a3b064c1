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
#                                       through the API and as SQL straight on the cluster
#   bench/run.sh restore-drill          pgBackRest backup, 500 activations (the last 100 with SMTP down), time T, 100 more;
#                                       restore to T into a new cluster (scripts/backup.sh) and Cms on it: the 500 there and the
#                                       100 not, the codes open, the held messages sent, the checkpoints after T the expected
#                                       gap; RPO and RTO (decision 0056). Turns WAL archiving on in the cluster (a restart).
#                                       CMS_DRILL_API_PORT (5098) and CMS_DRILL_RESTORE_PORT (55532) choose its ports.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/deps.sh run
CMS_BENCH_CONNECTION="$(bash scripts/db.sh owner-url cms_bench)"
CMS_PGBENCH_CONNECTION="$(bash scripts/db.sh owner-url cms_pgbench)"
export CMS_BENCH_CONNECTION CMS_PGBENCH_CONNECTION
export CMS_ROOT="$ROOT"
export CMS_API_DLL="$ROOT/src/Cms.Api/bin/Release/net10.0/Cms.Api.dll"
command -v pgbench >/dev/null || export PATH="$PATH:$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
dotnet build src/Cms.Api -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet build bench/Cms.Bench -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet bench/Cms.Bench/bin/Release/net10.0/Cms.Bench.dll "${@:-card-feed}"
