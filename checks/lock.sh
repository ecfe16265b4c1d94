#!/usr/bin/env bash
# Re-resolves the Python locks from their .in files, with hashes (maintainers run this; the
# other scripts only install from the locks):
#   python/requirements.lock       the host venv (CPython 3.11, x86_64 Linux)
#   python/test-requirements.lock  the native test suite's dependencies in every CPython the host
#                                  wheels are built for (3.10 and later): one universal lock
#   python/pyodide-pyX.Y.lock      the pure wheels the Pyodide test run installs, one per
#                                  runtime Python (pip cannot evaluate markers for a foreign Python)
source "$(dirname "$0")/lib.sh"
UV_VERSION=0.13.9
tool="$PRF_CACHE/uv-$UV_VERSION"
if [ ! -x "$tool/bin/uv" ]; then
  python3 -m venv "$tool"
  "$tool/bin/pip" install -q --disable-pip-version-check "uv==$UV_VERSION"
fi
uv() { "$tool/bin/uv" pip compile --quiet --generate-hashes --no-header "$@"; }
cd "$ROOT/python"
uv --python-version 3.11 --python-platform x86_64-manylinux_2_28 requirements.in -o requirements.lock
uv --universal --python-version 3.10 test-requirements.in -o test-requirements.lock
for v in $(pyodide_runtimes); do
  full=$(python3 "$ROOT/checks/pyodide_runtimes.py" get "$v" python)
  uv --python-version "$full" --python-platform linux pyodide-requirements.in \
    -o "pyodide-py${full%.*}.lock"
done
git -C "$ROOT" status --short python/
