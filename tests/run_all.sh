#!/usr/bin/env bash
# Install the test tools and run every check: lint, format, unit, AppTest and browser tests.
# Needs Python 3.11; Debian's chromium (browser tests), postgresql (store tests), poppler-utils
# and Pango (the buurtprofiel PDF) are installed here when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium chromium-driver)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || packages+=(postgresql)
command -v pdftotext >/dev/null 2>&1 || packages+=(poppler-utils)  # checks the buurtprofiel PDF
# WeasyPrint (the buurtprofiel PDF) needs Pango.
ls /usr/lib/*/libpangoft2-1.0.so.0 >/dev/null 2>&1 || packages+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "Installeer eerst deze Debian-pakketten: ${packages[*]}" >&2; exit 1
  fi
  echo "Installing Debian packages: ${packages[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
python -m pip install -q -r requirements-dev.txt

python -m ruff check .
python -m ruff format --check .

# A throw-away PostgreSQL on loopback, so the store tests run against it as well as SQLite.
export WIJK_TEST_PGDATA="$(mktemp -d)/pg"
eval "$(bash tests/postgres.sh start)"
trap 'bash tests/postgres.sh stop; rm -rf "$(dirname "$WIJK_TEST_PGDATA")"' EXIT
python -m pytest "$@"
