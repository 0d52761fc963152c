#!/usr/bin/env bash
# Noto Sans CJK for share posters (Pillow) and for Chinese text in screenshots.
set -euo pipefail
if fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || [ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ]; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "fonts: installing fonts-noto-cjk"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq fonts-noto-cjk >/dev/null
