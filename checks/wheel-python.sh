#!/usr/bin/env bash
# Builds the pure-Python wheels into dist/: fib_python (serves CPython and every Pyodide) and
# webworker (the package the page's Web Worker runs inside Pyodide).
source "$(dirname "$0")/lib.sh"
use_python

rm -f "$DIST"/fib_python-*.whl "$DIST"/webworker-*.whl
for project in python/fib-python web/worker; do
  # hatchling takes file times from SOURCE_DATE_EPOCH, so the bytes are reproducible.
  "$PY" -m pip wheel -q --disable-pip-version-check --no-deps --no-build-isolation \
    --wheel-dir "$DIST" "$ROOT/$project" >&2
done
ls "$DIST"/fib_python-*-py3-none-any.whl "$DIST"/webworker-*-py3-none-any.whl
