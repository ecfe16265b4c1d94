#!/usr/bin/env bash
# Serves the web app: the page, the wheels in dist/ and the pinned Pyodide runtimes, with
# uvicorn and the app factory. Usage: checks/webapp.sh [extra uvicorn options, e.g. --reload]
#   FIB_WEB_HOST (default 127.0.0.1) and FIB_WEB_PORT (default 8000) choose where it listens.
#
# The backend is not installed anywhere: PYTHONPATH=$ROOT/web/backend makes `fib_web` importable,
# and FIB_WEB_DIST / FIB_WEB_NODE_MODULES / FIB_WEB_STATIC point the app at what it serves
# (PRF_DIST and PRF_NODE_MODULES under Nix). The page needs the wheels (make wheels) and the
# runtimes (checks/setup.sh node); the manifest says which are missing.
#
# Sourced (by test-browser.sh and load.sh) it only defines web_env, start_web_server and
# stop_web_server.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# web_env: the environment the app reads (see web/backend/fib_web/settings.py).
web_env() {
  export PYTHONPATH="$ROOT/web/backend${PYTHONPATH:+:$PYTHONPATH}"
  export FIB_WEB_STATIC=${FIB_WEB_STATIC:-$ROOT/web/static}
  export FIB_WEB_DIST=${FIB_WEB_DIST:-$DIST}
  export FIB_WEB_NODE_MODULES=${FIB_WEB_NODE_MODULES:-$WEB_NODE_MODULES}
  export PYTHONDONTWRITEBYTECODE=1
}

# web_ready URL PID: waits (up to 60 s) until URL answers 200, or the process PID is gone.
web_ready() {
  "$PY" - "$1" "$2" <<'PY'
import os, sys, time, urllib.request
url, pid = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit(1)
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            if reply.status == 200:
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.2)
sys.exit(1)
PY
}

# start_web_server LOG: uvicorn on a free loopback port, in the background; sets WEB_PID and
# WEB_URL. The caller stops it with stop_web_server (put that in an EXIT trap).
start_web_server() {
  local log=$1 attempt port
  web_env
  for attempt in 1 2 3; do
    port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    "$PY" -m uvicorn --factory fib_web.app:create_app --host 127.0.0.1 --port "$port" \
      --no-server-header --log-level warning >"$log" 2>&1 &
    WEB_PID=$!
    WEB_URL="http://127.0.0.1:$port"
    if web_ready "$WEB_URL/api/manifest" "$WEB_PID"; then
      log "uvicorn (pid $WEB_PID) serves $WEB_URL"
      return 0
    fi
    stop_web_server
    warn "uvicorn did not start on port $port (attempt $attempt)"
  done
  cat "$log" >&2
  die "could not start uvicorn"
}

stop_web_server() {
  if [ -n "${WEB_PID:-}" ]; then
    kill "$WEB_PID" 2>/dev/null || true
    wait "$WEB_PID" 2>/dev/null || true
    WEB_PID=""
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  use_python
  web_env
  host=${FIB_WEB_HOST:-127.0.0.1}
  port=${FIB_WEB_PORT:-8000}
  compgen -G "$FIB_WEB_NODE_MODULES/pyodide-*/pyodide.mjs" >/dev/null ||
    die "no Pyodide runtime in $FIB_WEB_NODE_MODULES: run checks/setup.sh node"
  "$PY" -m fib_web --manifest >&2 || die "the app cannot start (see above)"
  log "serving http://$host:$port/ (Ctrl-C stops)"
  exec "$PY" -m uvicorn --factory fib_web.app:create_app --host "$host" --port "$port" \
    --no-server-header "$@"
fi
