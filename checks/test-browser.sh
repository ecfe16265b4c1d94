#!/usr/bin/env bash
# The page in a real headless Chromium (Debian's, driven by npm playwright-core; no browser is
# ever downloaded) against a real uvicorn on a free loopback port, for every Pyodide runtime:
# web/tests-browser/page.test.mjs under `node --test`, after the stored layout of the page's memory
# snapshots under Node alone (web/tests-browser/snapshot-format.test.mjs). Screenshots, and the cold-start, warm-reload
# and first-run times of each runtime (timings.json, also printed): ${PRF_OUT:-out}/browser/.
# Needs the wheels in dist/ (make wheels) and web/node_modules (checks/setup.sh node).
#
# checks/test-browser.sh --startup [ROUNDS] measures the start-up instead (not a test):
# web/tests-browser/startup.mjs, cold start and warm reload of every runtime in ROUNDS rounds
# (default 3), wall clock and CPU time per Chromium thread, medians; ${PRF_OUT:-out}/browser/startup.json.
# checks/test-browser.sh --first-runs [PAGES] [--loop-first] measures the first runs instead (not a
# test): web/tests-browser/first-runs.mjs, PAGES fresh pages per runtime (default 20), the first
# call of each implementation in each; ${PRF_OUT:-out}/browser/first-runs.json.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/webapp.sh"
use_python
[ "$PROVIDED" = 1 ] || apt_need chromium fonts-liberation
CHROMIUM=${CHROMIUM:-$(command -v chromium || true)}
[ -x "$CHROMIUM" ] || die "no chromium on PATH"
command -v node >/dev/null || die "no node: run checks/setup.sh node"
[ -d "$WEB_NODE_MODULES/playwright-core" ] || die "no playwright-core in $WEB_NODE_MODULES: run checks/setup.sh node"

OUT=${PRF_OUT:-$ROOT/out}/browser
mkdir -p "$OUT"
case "${1:-}" in --startup | --first-runs) ;; *) rm -f "$OUT"/*.png "$OUT"/timings.json ;; esac

trap stop_web_server EXIT
start_web_server "$OUT/uvicorn.log"
"$PY" -m fib_web --manifest >&2

# measure STAGE SCRIPT OUT_VARIABLE OUT_FILE [ARGS...]: one of the measurements (not tests).
measure() {
  local label=$1 script=$2 variable=$3 file=$4
  shift 4
  log "uptime: $(uptime)"
  stage "$label" env FIB_WEB_URL="$WEB_URL" CHROMIUM="$CHROMIUM" FIB_WEB_NODE_MODULES="$WEB_NODE_MODULES" \
    "$variable=$OUT/$file" node "$ROOT/web/tests-browser/$script" "$@"
  log "uptime: $(uptime)"
}
case "${1:-}" in
  --startup) measure "start-up measurement" startup.mjs FIB_STARTUP_OUT startup.json "${2:-3}"; exit ;;
  --first-runs) measure "first-run measurement" first-runs.mjs FIB_FIRST_RUNS_OUT first-runs.json "${@:2}"; exit ;;
esac

stage "snapshot format (Node)" node --test --test-reporter=spec "$ROOT/web/tests-browser/snapshot-format.test.mjs"
log "$("$CHROMIUM" --version 2>/dev/null || echo chromium), playwright-core $(node -p "require('$WEB_NODE_MODULES/playwright-core/package.json').version")"
stage "browser test" env FIB_WEB_URL="$WEB_URL" CHROMIUM="$CHROMIUM" FIB_BROWSER_OUT="$OUT" \
  FIB_WEB_NODE_MODULES="$WEB_NODE_MODULES" \
  node --test --test-reporter=spec "$ROOT/web/tests-browser/page.test.mjs"
log "screenshots in $OUT: $(cd "$OUT" && printf '%s ' ./*.png); times in $OUT/timings.json"
