#!/usr/bin/env bash
# Runs the benchmarks on the project's own PostgreSQL cluster (database cms_bench, emptied each run).
#   bench/run.sh card-feed [cards]      default 1,000,000 cards
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CMS_BENCH_CONNECTION="$(bash scripts/db.sh url cms_bench)"
export CMS_BENCH_CONNECTION
dotnet build bench/Cms.Bench -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet bench/Cms.Bench/bin/Release/net10.0/Cms.Bench.dll "${@:-card-feed}"
