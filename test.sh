#!/usr/bin/env bash
# Installs what the tests need (when missing), starts PostgreSQL, runs every test, and ends with
# the line "N passed, N failed, N skipped" read from the TRX results.
set -euo pipefail
cd "$(dirname "$0")"

log() { printf '==> %s\n' "$*"; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# ---- system packages (Debian) ----
need=()
command -v pg_ctlcluster >/dev/null 2>&1 && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v rsvg-convert >/dev/null 2>&1 || need+=(librsvg2-bin)
[ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
[ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need+=(fonts-noto-color-emoji)
[ -f /usr/share/zoneinfo/Europe/Berlin ] || need+=(tzdata)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)
# nginx in front of the host: the reverse-proxy test runs its own from a temp folder
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need+=(nginx)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # Installed for the tests only: the package's own service (port 80) is not left running.
  if [[ " ${need[*]} " == *" nginx "* ]] && command -v systemctl >/dev/null 2>&1; then
    as_root systemctl disable --now nginx >/dev/null 2>&1 || true
  fi
fi

# ---- PostgreSQL on 127.0.0.1:5432, user postgres / postgres ----
PGVER=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h 2>/dev/null | grep -q "^$PGVER main"; then
  log "creating PostgreSQL $PGVER cluster"
  as_root pg_createcluster "$PGVER" main >/dev/null
fi
as_root pg_ctlcluster "$PGVER" main start >/dev/null 2>&1 || true   # exit 2 = already running
pg_isready -h 127.0.0.1 -p 5432 -t 30 >/dev/null
as_root su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
export ACADEMY_TEST_POSTGRES="Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database=postgres"

# ---- build and test ----
results=TestResults
rm -rf "$results"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log "building"
dotnet build Academy.sln -c Release -nologo -v quiet
log "testing"
set +e
dotnet test Academy.sln -c Release --no-build -nologo \
  --logger "trx;LogFilePrefix=results" --logger "console;verbosity=minimal" \
  --results-directory "$results"
status=$?
set -e

# ---- the closing line, from the TRX counters ----
passed=0; failed=0; skipped=0; found=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  found=1
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { local v; v=$(echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || true); echo "${v:-0}"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted)))
done
if [ "$found" -eq 0 ]; then
  echo "no TRX results were written (the build or the test host failed)"
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then exit 1; fi
