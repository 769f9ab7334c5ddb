#!/usr/bin/env bash
# Installs the Debian packages the atlas uses for real: the PDF fonts (DejaVu for
# Latin text, SIL Lateef for Urdu/Sindhi), and for the tests chromium (browser
# tests) and postgresql (store tests). Quick when they are already there.
#   bash scripts/system_packages.sh          # everything (make test)
#   bash scripts/system_packages.sh fonts    # only the fonts the app needs (make run)
set -euo pipefail
need=()
# grep reads all of fc-list's output: `grep -q` would stop at the match, fc-list would die of SIGPIPE
# and pipefail would report the font missing (then every `make run` ran apt-get again).
fc-list 2>/dev/null | grep -i dejavu >/dev/null || need+=(fonts-dejavu-core)
[ -f /usr/share/fonts/opentype/lateef/Lateef-Regular.ttf ] || need+=(fonts-sil-lateef)
if [ "${1:-all}" != "fonts" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${need[*]}. Install them with: sudo apt-get install -y ${need[*]}" >&2
  echo "(Tests that need them are skipped until then.)" >&2
  exit 0
fi
echo "Installing Debian packages: ${need[*]}"
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
