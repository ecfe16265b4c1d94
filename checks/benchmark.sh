#!/usr/bin/env bash
# The benchmark: fib_python vs fib_pyrs (loop and fast doubling), natively and inside every
# Pyodide runtime under Node, with gmpy2 (GMP) as the reference; writes out/benchmark/.
#   checks/benchmark.sh [fib-benchmark options]     the full sweep (a few minutes)
#   checks/benchmark.sh --smoke                     tiny n, one repetition, everything must agree
#                                                   (also runs the benchmark's unit tests)
#   checks/benchmark.sh --python PYTHON [...]      the native columns in another CPython (any
#                                                   version a host wheel is built for)
# It measures exactly the wheels in dist/ (make wheels): the fib_pyrs wheel built for the native
# interpreter and the fib_python wheel are unpacked into a cache directory keyed by their hashes,
# the emscripten ones are unpacked inside Pyodide. A missing wheel is an error, never a skip.
# The native interpreter is the host venv's, or PYTHON: the benchmark itself runs there
# (standard library only; gmpy2, the GMP column, and matplotlib, the plot, only where installed).
source "$(dirname "$0")/lib.sh"

smoke=0
python=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --python) python=${2:?--python needs an interpreter}; shift 2 ;;
    --python=*) python=${1#--python=}; shift ;;
    *) [ "$1" = --smoke ] && smoke=1; args+=("$1"); shift ;;
  esac
done
set -- ${args[@]+"${args[@]}"}
if [ -n "$python" ]; then
  PY=$(command -v "$python") || die "no interpreter $python"
  if ! "$PY" -c 'import matplotlib' 2>/dev/null; then
    log "$PY has no matplotlib: no plot"
    set -- "$@" --no-plot
  fi
else
  use_python
fi

# --- the wheels for the native interpreter, unpacked once per distinct pair -----------------
tag=$("$PY" -c 'import sys; print("cp%d%d" % sys.version_info[:2])')
shopt -s nullglob
host=("$DIST"/fib_pyrs-*-"$tag-$tag"-*linux*.whl)
pure=("$DIST"/fib_python-*-py3-none-any.whl)
shopt -u nullglob
[ ${#host[@]} = 1 ] || die "need exactly one fib_pyrs $tag Linux wheel in $DIST (found ${#host[@]}): run make wheels"
[ ${#pure[@]} = 1 ] || die "need exactly one fib_python wheel in $DIST (found ${#pure[@]}): run make wheels"
key=$(cat "${host[0]}" "${pure[0]}" | sha256sum | cut -c1-16)
site="$PRF_CACHE/benchmark-site/$key"
if [ ! -e "$site/.complete" ]; then
  rm -rf "$site"
  mkdir -p "$site"
  # A wheel is a zip archive; unpacking it is all an install of these two needs (no scripts,
  # no dependencies), the same way Pyodide's unpackArchive installs them.
  "$PY" -m zipfile -e "${host[0]}" "$site"
  "$PY" -m zipfile -e "${pure[0]}" "$site"
  touch "$site/.complete"
fi
export PYTHONPATH="$site:$ROOT/python/benchmark/src${PYTHONPATH:+:$PYTHONPATH}"

# --- the Pyodide runtimes (unless the native columns are all that is asked for) -------------
pyodide=()
case " $* " in
  *" --no-pyodide "*) ;;
  *)
    runtimes="$PRF_CACHE/benchmark-runtimes.$$.json"
    trap 'rm -f "$runtimes"' EXIT
    "$PY" "$ROOT/checks/pyodide_runtimes.py" json >"$runtimes"
    node=$(command -v node) || die "node not found: run checks/setup.sh node"
    pyodide=(--pyodide-runtimes "$runtimes" --node "$node")
    ;;
esac

# Outputs: out/benchmark (or out/benchmark-smoke) in the repository, or in the current directory
# when the repository is read-only (the flake runs from the store).
if [ -w "$ROOT" ] && [ "$PROVIDED" != 1 ]; then
  out_base="$ROOT/out"
else
  out_base="$PWD/out"
fi
out="$out_base/benchmark"
[ $smoke = 1 ] && out="$out_base/benchmark-smoke"

if [ $smoke = 1 ]; then
  stage "benchmark unit tests" "$PY" -m pytest -q -p no:cacheprovider "$ROOT/python/benchmark/tests"
fi
stage "benchmark$([ $smoke = 1 ] && echo ' (smoke)')" \
  "$PY" -m fib_benchmark \
  --dist "$DIST" \
  ${pyodide[@]+"${pyodide[@]}"} \
  --expected-rustc "$RUST_VERSION" \
  --out "$out" \
  "$@"
