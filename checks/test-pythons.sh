#!/usr/bin/env bash
# Every host wheel in its own CPython: the native pytest suite (checks/test-python.sh --python)
# against the wheel pip picks for that interpreter, then F(10^4) timed there by the benchmark
# (checks/benchmark.sh --python), for the per-version cost of building the int.
#
#   checks/test-pythons.sh [local] [trixie] [sid]...      (default: local trixie sid)
#     local    the interpreters of the built versions on this machine: pyenv's builds and any
#              python3.X on PATH (pyenv's shims aside)
#     SUITE    a new minimal Debian root of that suite (checks/fresh-check.sh --scenario
#              pythons): every built version the suite packages, installed from Debian
#   checks/test-pythons.sh in-root SUITE X.Y              (inside such a root, for one version)
#
# Each run adds a line per interpreter to out/pythons/summary.tsv (a root's lines come back in
# out/pythons/SUITE/); the table at the end lists every version: where it was proven, or that
# it was not found. A version nothing tested is never counted as passing.
source "$(dirname "$0")/lib.sh"
C="$ROOT/checks"
OUT=${PRF_OUT:-$ROOT/out}/pythons
F4=10000 # the n whose cost per version the table shows

# prove PYTHON WHERE: the suite, then F(10^4), in that interpreter; one summary line.
prove() {
  local python=$1 where=$2 ver log rc=0 name
  ver=$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
  name="cpython-$ver-${where//[^A-Za-z0-9.]/-}"
  log="$OUT/$name.log"
  mkdir -p "$OUT"
  stage "pytest in CPython $ver ($where)" "$C/test-python.sh" --python "$python" -q 2>&1 | tee "$log" ||
    rc=$?
  local wheel passed
  wheel=$(sed -n "s/.*: fib_pyrs wheel //p" "$log" | head -n 1)
  passed=$(grep -E '^[0-9]+ passed' "$log" | tail -n 1 | sed 's/ in [0-9.]*s.*//')
  local rust="-" py="-"
  if [ $rc = 0 ]; then
    stage "F(10^4) in CPython $ver ($where)" "$C/benchmark.sh" --python "$python" --no-pyodide \
      --no-memory --no-plot --n "$F4" --impl rust-doubling,python-doubling --out "$OUT/$name" ||
      rc=$?
    if [ -f "$OUT/$name/results.json" ]; then
      read -r rust py < <("$python" - "$OUT/$name/results.json" "$F4" <<'PY'
import json, sys
cells = json.load(open(sys.argv[1]))["cells"]
def t(impl):
    c = [c for c in cells if c["impl"] == impl and c["n"] == int(sys.argv[2]) and c.get("status") == "ok"]
    return f"{c[0]['median_s'] * 1e6:.2f}us" if c else "-"
print(t("rust-doubling"), t("python-doubling"))
PY
      )
    fi
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$ver" "$where" "$python" "${wheel:--}" \
    "$([ $rc = 0 ] && echo ok || echo FAILED)" "${passed:--}" "$rust" "$py" >>"$OUT/summary.tsv"
  return $rc
}

# The interpreters of version X.Y on this machine (real executables, one per distinct binary).
local_interpreters() {
  local v=$1 p
  {
    for p in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$v".*/bin/python"$v"; do
      [ -x "$p" ] && echo "$p"
    done
    type -ap "python$v" | grep -v -e '/shims/' -e "^$PRF_CACHE/" || true
  } | while read -r p; do
    "$p" -c 'import sys' 2>/dev/null && printf '%s\t%s\n' "$(readlink -f "$p")" "$p"
  done | sort -u -k1,1 | cut -f2
}

summary() {
  local files
  files=$(find "$OUT" -name summary.tsv 2>/dev/null | sort)
  [ -n "$files" ] || return 0
  echo
  echo "the host wheels, each in its own CPython (F(10^4): median per call, Rust and Python doubling):"
  # shellcheck disable=SC2086
  awk -F'\t' 'BEGIN { printf "  %-8s %-24s %-7s %-11s %-11s %-11s %s\n", "CPython", "where", "result",
                        "tests", "fib_pyrs", "fib_python", "wheel (interpreter)" }
    { printf "  %-8s %-24s %-7s %-11s %-11s %-11s %s (%s)\n", $1, $2, $5, $6, $7, $8, $4, $3 }' $files
  for v in $versions; do
    # shellcheck disable=SC2086
    awk -F'\t' -v v="$v" '$5 == "ok" && index($1, v ".") == 1 { found = 1 } END { exit !found }' $files ||
      echo "  CPython $v: NOT PROVEN by this run (no interpreter found, or its tests failed)"
  done
}

mode=${1:-}
if [ "$mode" = in-root ]; then
  suite=${2:?in-root SUITE X.Y} v=${3:?in-root SUITE X.Y}
  for p in "python$v" "python$v-venv"; do
    policy=$(apt-cache policy "$p" 2>/dev/null) # whole, not piped into grep -q (SIGPIPE)
    if ! grep -q 'Candidate: [^(]' <<<"$policy"; then
      log "Debian $suite has no $p to install: CPython $v not tested here"
      exit 0
    fi
  done
  "$C/setup.sh" "python$v"
  prove "/usr/bin/python$v" "Debian $suite"
  exit
fi

use_python
versions=$("$PY" "$C/wheel_tags.py" pythons)
[ $# -gt 0 ] || set -- local trixie sid
rm -rf "$OUT"
mkdir -p "$OUT"
trap summary EXIT
rc=0
for where in "$@"; do
  case "$where" in
    local)
      for v in $versions; do
        found=$(local_interpreters "$v")
        [ -n "$found" ] || log "no CPython $v on this machine"
        for p in $found; do
          case "$p" in
            "${PYENV_ROOT:-$HOME/.pyenv}"/*) w="pyenv, this machine" ;;
            *) w="$(dirname "$p"), this machine" ;;
          esac
          prove "$p" "$w" || rc=1
        done
      done
      ;;
    bookworm | trixie | sid | forky)
      stage "Debian $where root" "$C/fresh-check.sh" --suite "$where" --scenario pythons || rc=1
      # Every suite packages one of the built versions: a root that proved none went wrong.
      grep -qP '\tok\t' "$OUT/$where/summary.tsv" 2>/dev/null || {
        warn "the Debian $where root proved no interpreter"
        rc=1
      }
      ;;
    *) die "unknown place $where (local, or a Debian suite)" ;;
  esac
done
exit $rc
