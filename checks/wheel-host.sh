#!/usr/bin/env bash
# Builds the host (manylinux) wheel of fib_pyrs in release mode into dist/ and checks that its
# platform tag is the lowest manylinux policy the extension's symbols allow (auditwheel).
source "$(dirname "$0")/lib.sh"
use_rust
use_python

rm -f "$DIST"/fib_pyrs-*linux*.whl
(cd "$ROOT/rust/fib-pyrs" &&
  "$PY" -m maturin build --release --locked --interpreter "$PY" --compatibility pypi \
    --auditwheel check --out "$DIST" >&2)
wheel=$(ls "$DIST"/fib_pyrs-*linux*.whl)
"$PY" "$ROOT/checks/wheel_tags.py" host "$wheel"
