#!/usr/bin/env bash
# Runs the whole suite (unit, architecture, integration against the real PostgreSQL, the reader SDK through a real
# pcscd with an emulated card) and ends with the
# line "N passed, N failed" computed from the test results.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/deps.sh test
bash scripts/pcscd.sh start
# The owner role sets up, resets and tampers; the API under test connects as the runtime role (decision 0029).
CMS_TEST_CONNECTION="$(bash scripts/db.sh owner-url cms_test)"
CMS_TEST_RUNTIME_CONNECTION="$(bash scripts/db.sh url cms_test)"
# The web UI's role (decision 0057): its data-protection keys only.
CMS_TEST_WEB_CONNECTION="$(bash scripts/db.sh web-url cms_test)"
export CMS_TEST_CONNECTION CMS_TEST_RUNTIME_CONNECTION CMS_TEST_WEB_CONNECTION
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

RESULTS="$ROOT/TestResults"
rm -rf "$RESULTS"
status=0
dotnet test Cms.sln -c Release --logger "trx;LogFilePrefix=cms" --logger "console;verbosity=minimal" --results-directory "$RESULTS" "$@" || status=$?

passed=0; failed=0; files=0
for trx in "$RESULTS"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0}))
done
echo
echo "$passed passed, $failed failed"
projects=$(ls tests/*/*.csproj | wc -l)
if [ "$files" -lt "$projects" ]; then
  echo "only $files result files for $projects test projects" >&2
  status=1
fi
if [ "$files" -eq 0 ] || [ "$passed" -eq 0 ]; then
  echo "no test results were found" >&2
  exit 1
fi
[ "$failed" -eq 0 ] || status=1
exit "$status"
