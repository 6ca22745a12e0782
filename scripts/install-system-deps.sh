#!/usr/bin/env bash
# Debian packages the tests need: PostgreSQL 15 (the suite runs on it as well as SQLite),
# Chromium (browser tests), and Pango and fonts for the decision letters. Installs only what
# is missing, so a second run costs nothing.
set -euo pipefail
need=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
# Decision letters: WeasyPrint lays text out with Pango (HarfBuzz shaping for Perso-Arabic
# script), in Noto Naskh Arabic from fonts-noto-core; the letter tests read PDFs with poppler.
dpkg -s libpangoft2-1.0-0 >/dev/null 2>&1 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
[ -f /usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf ] || need+=(fonts-noto-core)
[ -x /usr/bin/pdftoppm ] || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
