#!/usr/bin/env bash
# Runs Cms on http://127.0.0.1:5080 (the API) and http://127.0.0.1:5081 (the operators' web UI) with a private
# PostgreSQL, the bootstrap administrator and demo data.
#   scripts/run.sh              first run: installs PostgreSQL if missing, creates everything; later runs reuse it
#   scripts/run.sh --no-demo    no demo data
# Environment overrides: Bootstrap__AdminCodiceFiscale, Bootstrap__AdminPassword, CMS_URL, CMS_WEB_URL, any ASP.NET setting.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DEMO=true
for arg in "$@"; do
  case "$arg" in
    --no-demo) DEMO=false ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

DATA="$ROOT/.data"
mkdir -p "$DATA/keys"
chmod 700 "$DATA/keys"

bash scripts/deps.sh run
# Two roles (decision 0029): the owner migrates (cms migrate, below); the API connects as the runtime role, which owns nothing.
ConnectionStrings__Cms="$(bash scripts/db.sh url cms)"
OWNER_CONNECTION="$(bash scripts/db.sh owner-url cms)"
# The web UI's own role: its data-protection keys in web.data_protection_keys, nothing else (decision 0057).
WEB_KEYS_CONNECTION="$(bash scripts/db.sh web-url cms)"
export ConnectionStrings__Cms
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
# Development keys live in the git-ignored data folder and are generated on first run.
export CodeEncryption__KeyRingFile="$DATA/keys/codes-keyring.json"
export CodeEncryption__GenerateIfMissing=true
export Jwt__SigningKeyFile="$DATA/keys/jwt-signing.key"
export Jwt__GenerateIfMissing=true
# The trail's checkpoints (decision 0028): signed with a development key, written to a folder outside the database.
export Audit__CheckpointSigningKeyFile="$DATA/keys/audit-checkpoint-signing.pem"
export Audit__CheckpointGenerateIfMissing=true
export Audit__CheckpointFolder="${Audit__CheckpointFolder:-$DATA/audit-checkpoints}"
export DemoData__Enabled="$DEMO"
# Without Smtp__Host, code messages are written to the pickup folder (.eml files, sms/*.txt).
export Delivery__PickupFolder="${Delivery__PickupFolder:-$DATA/pickup}"

export Bootstrap__AdminCodiceFiscale="${Bootstrap__AdminCodiceFiscale:-SCRMNS80A01D612M}"
if [ -z "${Bootstrap__AdminPassword:-}" ]; then
  if [ ! -f "$DATA/admin-password" ]; then
    (umask 077; printf 'Adm-%s!' "$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 14)" >"$DATA/admin-password")
  fi
  export Bootstrap__AdminPassword="$(cat "$DATA/admin-password")"
fi

URL="${CMS_URL:-http://127.0.0.1:5080}"
WEB_URL="${CMS_WEB_URL:-http://127.0.0.1:5081}"
cat <<TXT

  Cms is starting on $URL  (Swagger UI: $URL/swagger)
  Operators' web UI:  $WEB_URL
  Reader bridge (this machine as a desk; needs pcscd and a reader): http://127.0.0.1:5090
  Code messages: ${Smtp__Host:+SMTP $Smtp__Host}${Smtp__Host:-pickup folder $Delivery__PickupFolder}

  Security administrator (bootstrap, created on an empty database only):
    codice fiscale  $Bootstrap__AdminCodiceFiscale
    password        $Bootstrap__AdminPassword
TXT
if [ "$DEMO" = true ]; then
  cat <<'TXT'
  Demo operators (password for all: Demo-Cms-2026!):
    BNCMRA75C12D612R  Mario Bianchi     operatore ASL, sportello 090-201-AS001
    VRDLCU82L44D612C  Lucia Verdi       operatrice ospedale, 090-201-OS001
    NREPLA69S23D612E  Paolo Neri        operatore comune, 090-201-CM001
    GLLNNA90A70D612N  Anna Galli        operatrice ufficio regionale, 090-000-RT001
    FRNGRG85E17D612P  Giorgio Farini    farmacista, 090-201-FA001
    CNTLNE78P48D612M  Elena Conti       auditor
    SRRFNC72T01D612R  Franco Serra      ente emettitore (card feed)
    LMBSRA87H61D612L  Sara Lombardi     amministratrice della sicurezza
TXT
fi
echo

dotnet build src/Cms.Api -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet build src/Cms.Web -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet build src/Cms.ReaderCli -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet build src/Cms.Cli -c Release -nologo -v quiet -clp:ErrorsOnly
# Migrations, Hangfire's schema and the runtime and web roles' grants, as the owner; the API itself never migrates.
ConnectionStrings__CmsMigrations="$OWNER_CONNECTION" Database__RuntimeRole=cms Database__WebRole=cms_web \
  dotnet run --project src/Cms.Cli -c Release --no-build --no-launch-profile -- migrate
# The web UI beside the API (it only calls the API); stopped with it. Its data-protection keys are in the database, as with
# several instances, encrypted with a development key file generated on first run (decision 0057).
Web__ApiUrl="$URL" ConnectionStrings__CmsWebKeys="$WEB_KEYS_CONNECTION" \
  Web__KeysEncryptionKeyFile="$DATA/keys/web-keys-encryption.key" Web__KeysEncryptionGenerateIfMissing=true \
  dotnet run --project src/Cms.Web -c Release --no-build --no-launch-profile -- --urls "$WEB_URL" &
WEB_PID=$!
# This machine as a counter's desk: the web UI's reader page reads the card through the bridge (see docs/reader-sdk.md).
dotnet run --project src/Cms.ReaderCli -c Release --no-build --no-launch-profile -- bridge --web "$WEB_URL" --port 5090 &
BRIDGE_PID=$!
trap 'kill $WEB_PID $BRIDGE_PID 2>/dev/null || true' EXIT INT TERM
# The web UI runs on this host: the API believes the client address it passes on from loopback only (decision 0031).
export Hardening__WebUiAddresses__0="${Hardening__WebUiAddresses__0:-127.0.0.1}"
# Two glibc arenas keep the API's native memory small and flat (decision 0021).
MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" dotnet run --project src/Cms.Api -c Release --no-build --no-launch-profile -- --urls "$URL"
