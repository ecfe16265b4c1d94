#!/usr/bin/env bash
# The benchmark: fib_python vs fib_pyrs (loop and fast doubling), natively and inside every
# Pyodide runtime under Node, with gmpy2 (GMP) as the reference; writes out/benchmark/.
#   checks/benchmark.sh [fib-benchmark options]     the full sweep (a few minutes)
#   checks/benchmark.sh --smoke                     tiny n, one repetition, everything must agree
#                                                   (also runs the benchmark's unit tests)
# It measures exactly the wheels in dist/ (make wheels): the host fib_pyrs and fib_python wheels
# are unpacked into a cache directory keyed by their hashes, the emscripten ones are unpacked
# inside Pyodide. A missing wheel is an error, never a skip.
source "$(dirname "$0")/lib.sh"
use_python

smoke=0
for arg in "$@"; do
  [ "$arg" = --smoke ] && smoke=1
done

# --- the host wheels, unpacked once per distinct pair of wheels -----------------------------
shopt -s nullglob
host=("$DIST"/fib_pyrs-*-manylinux*.whl)
pure=("$DIST"/fib_python-*-py3-none-any.whl)
shopt -u nullglob
[ ${#host[@]} = 1 ] || die "need exactly one fib_pyrs manylinux wheel in $DIST (found ${#host[@]}): run make wheels"
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

# --- the Pyodide runtimes --------------------------------------------------------------------
runtimes="$PRF_CACHE/benchmark-runtimes.$$.json"
trap 'rm -f "$runtimes"' EXIT
"$PY" "$ROOT/checks/pyodide_runtimes.py" json >"$runtimes"
node=$(command -v node) || die "node not found: run checks/setup.sh node"

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
  --pyodide-runtimes "$runtimes" \
  --node "$node" \
  --expected-rustc "$RUST_VERSION" \
  --out "$out" \
  "$@"
