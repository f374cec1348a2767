#!/usr/bin/env bash
# Debian packages the tests and the demo need. Installs only what is missing; needs root (CI is).
set -euo pipefail
need=()
command -v exiftool >/dev/null 2>&1 || need+=(libimage-exiftool-perl)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng)
command -v strace >/dev/null 2>&1 || need+=(strace)  # tests/test_network_isolation.py: native connects
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)  # --engine spark (pyspark needs a JRE)
# issue 11, the review desk: API tests run against a real PostgreSQL; browser tests drive chromium
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages: ${need[*]} (run as root or install them: apt-get install ${need[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
