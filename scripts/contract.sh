#!/usr/bin/env bash
# The HTTP contract (contracts/cms-v1.openapi.json).
#   scripts/contract.sh update   rebuild the API (the OpenAPI document is generated at build time into
#                                src/Cms.Api/obj/openapi) and copy the document to contracts/
#   scripts/contract.sh lint     Spectral with the AgID ModI ruleset (0 errors) and Redocly (recommended, 0 problems)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
contract="contracts/cms-v1.openapi.json"

tools() {
  if [ ! -x contracts/tools/node_modules/.bin/spectral ] || [ ! -x contracts/tools/node_modules/.bin/redocly ]; then
    (cd contracts/tools && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}

case "${1:-}" in
  update)
    dotnet build src/Cms.Api -nologo -v q >/dev/null
    cp src/Cms.Api/obj/openapi/cms-v1.json "$contract"
    echo "contract updated: $contract"
    ;;
  lint)
    tools
    echo "== Spectral, AgID ModI ruleset (contracts/rules/italian-guidelines-full.yml): errors fail"
    contracts/tools/node_modules/.bin/spectral lint -r contracts/rules/italian-guidelines-full.yml "$contract" \
      --fail-severity=error --display-only-failures
    echo "== Redocly (contracts/redocly.yaml)"
    (cd contracts && NO_UPDATE_NOTIFIER=1 REDOCLY_SUPPRESS_UPDATE_NOTICE=true REDOCLY_TELEMETRY=off \
      tools/node_modules/.bin/redocly lint cms-v1.openapi.json --config redocly.yaml --max-problems 50)
    ;;
  *)
    echo "usage: scripts/contract.sh update|lint" >&2
    exit 2
    ;;
esac
