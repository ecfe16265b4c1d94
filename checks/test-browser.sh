#!/usr/bin/env bash
# The page in a real headless Chromium (Debian's, driven by npm playwright-core; no browser is
# ever downloaded) against a real uvicorn on a free loopback port, for every Pyodide runtime:
# web/tests-browser/page.test.mjs under `node --test`. Screenshots, and the cold-start, warm-reload
# and first-run times of each runtime (timings.json, also printed): ${PRF_OUT:-out}/browser/.
# Needs the wheels in dist/ (make wheels) and web/node_modules (checks/setup.sh node).
#
# checks/test-browser.sh --startup [ROUNDS] measures the start-up instead (not a test):
# web/tests-browser/startup.mjs, cold start and warm reload of every runtime in ROUNDS rounds
# (default 3), wall clock and CPU time per Chromium thread, medians; ${PRF_OUT:-out}/browser/startup.json.
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
[ "${1:-}" = --startup ] || rm -f "$OUT"/*.png "$OUT"/timings.json

trap stop_web_server EXIT
start_web_server "$OUT/uvicorn.log"
"$PY" -m fib_web --manifest >&2

if [ "${1:-}" = --startup ]; then
  log "uptime: $(uptime)"
  stage "start-up measurement" env FIB_WEB_URL="$WEB_URL" CHROMIUM="$CHROMIUM" \
    FIB_WEB_NODE_MODULES="$WEB_NODE_MODULES" FIB_STARTUP_OUT="$OUT/startup.json" \
    node "$ROOT/web/tests-browser/startup.mjs" "${2:-3}"
  log "uptime: $(uptime)"
  exit 0
fi

log "$("$CHROMIUM" --version 2>/dev/null || echo chromium), playwright-core $(node -p "require('$WEB_NODE_MODULES/playwright-core/package.json').version")"
stage "browser test" env FIB_WEB_URL="$WEB_URL" CHROMIUM="$CHROMIUM" FIB_BROWSER_OUT="$OUT" \
  FIB_WEB_NODE_MODULES="$WEB_NODE_MODULES" \
  node --test --test-reporter=spec "$ROOT/web/tests-browser/page.test.mjs"
log "screenshots in $OUT: $(cd "$OUT" && printf '%s ' ./*.png); times in $OUT/timings.json"
