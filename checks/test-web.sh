#!/usr/bin/env bash
# The web app's Python side: ruff, mypy --strict and pytest for the FastAPI backend (routes,
# content types, methods, caching, the manifest, a path traversal battery against the app and a
# real uvicorn) and for the webworker package (validation, timing, comparison by value).
# Nothing is installed: PYTHONPATH makes fib_web, webworker and fib_python importable.
source "$(dirname "$0")/lib.sh"
use_python
cd "$ROOT" || exit
export PYTHONPATH="$ROOT/web/backend:$ROOT/web/worker/src:$ROOT/python/fib-python/src${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONDONTWRITEBYTECODE=1

stage "ruff (web)" "$PY" -m ruff check --no-cache web/backend web/worker
stage "ruff format (web)" "$PY" -m ruff format --no-cache --check web/backend web/worker
stage "mypy --strict (web)" "$PY" -m mypy --strict --cache-dir "$PRF_CACHE/mypy-web" \
  web/backend web/worker
stage "pytest web/backend" "$PY" -m pytest -q -rfE web/backend
stage "pytest web/worker" "$PY" -m pytest -q -rfE web/worker
