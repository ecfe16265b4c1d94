#!/usr/bin/env bash
# A short load test (not part of `make check`): wrk against the page and a wheel on a real
# uvicorn bound to loopback, for a bounded time; prints requests/s and errors per URL.
#   LOAD_SECONDS (default 10) per URL, LOAD_CONNECTIONS (default 32), LOAD_THREADS (default 2)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/webapp.sh"
use_python
[ "$PROVIDED" = 1 ] || apt_need wrk
command -v wrk >/dev/null || die "no wrk"
seconds=${LOAD_SECONDS:-10}
connections=${LOAD_CONNECTIONS:-32}
threads=${LOAD_THREADS:-2}
case $seconds$connections$threads in *[!0-9]*) die "LOAD_* must be whole numbers" ;; esac
if [ "$seconds" -lt 1 ] || [ "$seconds" -gt 300 ]; then die "LOAD_SECONDS must be between 1 and 300"; fi

work=$(mktemp -d)
trap 'stop_web_server; rm -rf "$work"' EXIT
start_web_server "$work/uvicorn.log"

wheel=$("$PY" - "$WEB_URL" <<'PY'
import json, sys, urllib.request
manifest = json.load(urllib.request.urlopen(sys.argv[1] + "/api/manifest"))
wheels = [w["url"] for r in manifest["runtimes"] for w in r["wheels"] if w["name"] == "fib_pyrs"]
wheels = wheels or [w["url"] for r in manifest["runtimes"] for w in r["wheels"]]
print(wheels[0] if wheels else "")
PY
)
[ -n "$wheel" ] || die "no wheel in the manifest: run make wheels"

summary=()
errors=0
for path in / "$wheel"; do
  url="$WEB_URL$path"
  log "wrk -t$threads -c$connections -d${seconds}s $url"
  timeout $((seconds + 30)) wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency "$url" |
    tee "$work/wrk.txt" >&2
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.txt")
  total=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$work/wrk.txt")
  # "Socket errors: connect 0, read 0, write 0, timeout 0" (only printed when there are some)
  socket=$(awk '/Socket errors:/ {for (i = 3; i <= NF; i++) s += $i} END {print s + 0}' "$work/wrk.txt")
  [ "${non2xx:-0}" = 0 ] && [ "$socket" = 0 ] && [ -n "$rps" ] || errors=1
  summary+=("$(printf '%-72s %10s req/s %9s requests %6s non-2xx %6s socket errors' \
    "$path" "${rps:-?}" "${total:-?}" "${non2xx:-0}" "$socket")")
done
log "load test summary ($seconds s per URL, $connections connections, $threads threads, loopback)"
printf '%s\n' "${summary[@]}"
[ "$errors" = 0 ] || die "errors under load (see above)"
