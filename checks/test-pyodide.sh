#!/usr/bin/env bash
# The pytest suite inside one Pyodide runtime under Node: checks/test-pyodide.sh VERSION.
# Installs fib_python and the runtime's fib_pyrs wheel from dist/ (through the runtime's own
# micropip where the lock provides one), then runs python/tests plus the agreement test against
# digests the native wheel computed on this machine.
source "$(dirname "$0")/lib.sh"
version=${1:?usage: test-pyodide.sh PYODIDE_VERSION [PYTEST_ARGS...]}
shift
use_python
rt() { python3 "$ROOT/checks/pyodide_runtimes.py" get "$version" "$1"; }
pyver=$(rt python_short)
deps=${PRF_PYODIDE_WHEELS:-$PRF_CACHE/pyodide-wheels}/py$pyver
[ -d "$deps" ] || die "no Pyodide test dependencies in $deps (run checks/setup.sh pyodide-deps)"

wheel=$(ls "$DIST"/fib_pyrs-*-"$(rt py_tag)"-"$(rt py_tag)"-"$(rt wheel_platform)".whl 2>/dev/null) ||
  die "no fib_pyrs wheel for Pyodide $version in $DIST (run checks/wheel-emscripten.sh $version)"
"$PY" "$ROOT/checks/wheel_tags.py" pyodide "$version" "$wheel"

micropip=()
if ls "$deps"/micropip-*.whl >/dev/null 2>&1; then
  have=$(basename "$deps"/micropip-*.whl | cut -d- -f2)
  [ "$have" = "$(rt micropip)" ] ||
    die "python/pyodide-requirements.lock has micropip $have, Pyodide $version's lock names $(rt micropip)"
  micropip=(--micropip)
else
  log "Pyodide $version: no micropip for Python $pyver in the lock; wheels are unpacked directly"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The host wheel pip picks for this interpreter, as in test-python.sh.
"$PY" -m pip install -q --disable-pip-version-check --no-deps --no-index --only-binary :all: \
  --find-links "$DIST" --target "$work/site" fib_pyrs
PYTHONPATH="$work/site" "$PY" "$ROOT/checks/native_digests.py" >"$work/digests.json"

node "$ROOT/checks/pyodide_pytest.mjs" --runtime "$(rt dir)" --deps "$deps" \
  --tests "$ROOT/python/tests" "${micropip[@]}" \
  --file "$work/digests.json=/tmp/native-digests.json" \
  --env FIB_NATIVE_DIGESTS=/tmp/native-digests.json --env FIB_HYPOTHESIS_PROFILE=pyodide \
  -- "$DIST"/fib_python-*-py3-none-any.whl "$wheel" \
  -- /tests --ignore=/tests/host "$@"
