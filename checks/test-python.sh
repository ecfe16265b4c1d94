#!/usr/bin/env bash
# The pytest suite across the twins, against the wheels in dist/ (not the source tree), so the
# tests see exactly what users install.
source "$(dirname "$0")/lib.sh"
use_python
site=$(mktemp -d)
trap 'rm -rf "$site"' EXIT
"$PY" -m pip install -q --disable-pip-version-check --no-deps --target "$site" \
  "$DIST"/fib_pyrs-*linux*.whl "$DIST"/fib_python-*-py3-none-any.whl
cd "$ROOT/python"
PYTHONPATH="$site" "$PY" -m pytest -p no:cacheprovider "$@"
