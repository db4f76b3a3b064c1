#!/usr/bin/env bash
# The PC/SC daemon for the reader SDK's tests: pcscd with vsmartcard's virtual reader (vpcd), whose first slot waits for
# an emulated card on TCP 35963 (Debian's /etc/reader.conf.d/vpcd).
#   scripts/pcscd.sh start    install pcscd and vsmartcard-vpcd if missing (scripts/deps.sh test), start pcscd if it is not
#                             running, and wait until the virtual reader is listening
#   scripts/pcscd.sh stop     stop the pcscd this script started
# pcscd needs root for its socket in /run/pcscd; the script uses sudo when not root. Log: .data/pcscd.log.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOG="$ROOT/.data/pcscd.log"
PIDFILE="$ROOT/.data/pcscd.pid"
log() { printf '[pcscd] %s\n' "$*" >&2; }
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"

# Listening on 35963 (0x8C7B), read from the kernel's table so that no connection is made (one would insert a card).
listening() { grep -qiE '^ *[0-9]+: [0-9A-F]+:8C7B [0-9A-F]+:0000 0A' /proc/net/tcp /proc/net/tcp6 2>/dev/null; }

case "${1:-start}" in
  start)
    bash "$ROOT/scripts/deps.sh" test
    mkdir -p "$ROOT/.data"
    if pgrep -x pcscd >/dev/null && ! [ -f /etc/reader.conf.d/vpcd ]; then
      log "a pcscd is running without the virtual reader (/etc/reader.conf.d/vpcd); stop it first"; exit 1
    fi
    # Ready when the daemon's socket is there and vpcd listens for the emulated card. A pcscd that is still stopping
    # (just killed) is waited out and a new one started.
    started=0
    for _ in $(seq 1 75); do
      if pgrep -x pcscd >/dev/null && [ -S /run/pcscd/pcscd.comm ] && listening; then log "ready"; exit 0; fi
      if ! pgrep -x pcscd >/dev/null && [ "$started" -eq 0 ]; then
        log "starting pcscd (log $LOG)"
        $sudo setsid pcscd --foreground --info >"$LOG" 2>&1 < /dev/null &
        echo $! > "$PIDFILE"
        started=1
      fi
      sleep 0.2
    done
    log "pcscd did not become ready"
    [ -f "$LOG" ] && tail -20 "$LOG" >&2
    exit 1
    ;;
  stop)
    if [ -f "$PIDFILE" ]; then
      $sudo pkill -x pcscd 2>/dev/null || true
      rm -f "$PIDFILE"
      log "stopped"
    fi
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
