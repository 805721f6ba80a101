#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (no browser downloads are possible or wanted). Install it
# when it is missing; a no-op otherwise.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then exit 0; fi
echo "Chromium not found at $CHROMIUM: installing Debian's chromium package…"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium fonts-noto-core fonts-noto-cjk >/dev/null
[ -x "$CHROMIUM" ] || { echo "Chromium could not be installed at $CHROMIUM" >&2; exit 1; }
