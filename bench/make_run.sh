#!/usr/bin/env bash
# Benchmark: how long `make run` takes on a fresh clone (first run: venv, install,
# database, migrations, 21 sites) and again (second run), until
# http://kennedy.localhost:PORT/ answers 200. Stops the platform after each run.
# Usage: bench/make_run.sh [PORT]   (default 8055, so it does not clash with a dev server)
set -euo pipefail
port="${1:-8055}"
src="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
# The clone sits beside the project, so ../shared (the demo's H5P packages) is found
# as in CI.
app="$(dirname "$src")/.bench-make-run-$$"
trap 'rm -rf "$work" "$app"' EXIT
git clone --quiet "$src" "$app"
cd "$app"

run_once() {
  local label="$1" started pid
  started=$(date +%s.%N)
  LMS_PORT="$port" setsid make run >"$work/$label.log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null -H "Host: kennedy.localhost:$port" "http://127.0.0.1:$port/"; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "$label: make run ended early"; tail -20 "$work/$label.log"; exit 1; fi
    sleep 0.5
  done
  echo "$label: $(echo "$(date +%s.%N) - $started" | bc) s until kennedy.localhost answered 200"
  kill -INT -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

run_once first
run_once second
grep -h "sitios listos" "$work"/first.log "$work"/second.log
