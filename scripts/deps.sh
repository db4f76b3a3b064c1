#!/usr/bin/env bash
# Installs the Debian packages Cms needs on this machine when they are missing:
#   scripts/deps.sh run     fonts for the printed forms (fonts-dejavu-core)
#   scripts/deps.sh test    the same, plus qpdf (every generated PDF is checked with qpdf --check), pcscd and
#                           vsmartcard-vpcd (the reader SDK's end-to-end test with an emulated card, scripts/pcscd.sh),
#                           chromium (the web UI's browser tests, driven by Playwright), haproxy and curl (the topology test
#                           through scripts/topology.sh, which would install HAProxy itself) and,
#                           when the machine has no npm, Node.js and npm (the contract's linters, scripts/contract.sh lint)
# PostgreSQL itself is installed by scripts/db.sh.
set -euo pipefail
want=(fonts-dejavu-core)
[ "${1:-run}" = test ] && want+=(qpdf pcscd libpcsclite1 vsmartcard-vpcd chromium haproxy curl)
[ "${1:-run}" = test ] && ! command -v npm >/dev/null 2>&1 && want+=(nodejs npm)
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "[deps] installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq -o DPkg::Lock::Timeout=600
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
