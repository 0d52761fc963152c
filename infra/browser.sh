#!/usr/bin/env bash
# Chromium and CJK fonts for the browser tests (Playwright drives Debian's chromium; it cannot download
# its own browser here).
set -euo pipefail
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "browser: installing chromium and fonts-noto-cjk"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
