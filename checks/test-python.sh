#!/usr/bin/env bash
# The pytest suite across the twins, against the wheels in dist/ (not the source tree), so the
# tests see exactly what users install.
#
#   checks/test-python.sh [--python PYTHON] [PYTEST_ARGS...]
#
# Without --python it runs in the host venv (its test tools come from requirements.lock). With
# --python it runs in a throwaway venv of that interpreter, its test tools installed from
# python/test-requirements.lock (hashed). Either way pip picks the fib_pyrs wheel from dist/ by
# its tags, as it would for a user, never builds one from source, and the run fails unless the
# wheel it picked is the one built for that very CPython version.
source "$(dirname "$0")/lib.sh"
python=""
if [ "${1:-}" = --python ]; then
  python=${2:?--python needs an interpreter}
  shift 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pip_quiet=(-q --disable-pip-version-check)

if [ -z "$python" ]; then
  use_python
  target=(--target "$work/site")
  export PYTHONPATH="$work/site"
else
  "$python" -m venv "$work/venv" ||
    die "$python cannot make a venv (on Debian: checks/setup.sh interpreter X.Y installs python3.X-venv)"
  PY="$work/venv/bin/python"
  "$PY" -m pip install "${pip_quiet[@]}" --require-hashes -r "$ROOT/python/test-requirements.lock"
  target=()
fi

"$PY" -m pip install "${pip_quiet[@]}" --no-deps --no-index --only-binary :all: \
  --find-links "$DIST" "${target[@]}" fib_pyrs fib_python
# The wheel pip chose, from the installed distribution's own WHEEL file.
"$PY" - <<'PY'
import sys, sysconfig
from importlib.metadata import distribution

tags = [l.split(":", 1)[1].strip() for l in distribution("fib-pyrs").read_text("WHEEL").splitlines()
        if l.startswith("Tag:")]
cp = f"cp{sys.version_info.major}{sys.version_info.minor}"
if not tags or not all(t.startswith(f"{cp}-{cp}-") for t in tags):
    sys.exit(f"pip installed a fib_pyrs wheel tagged {tags}, not the one built for {cp}")
platforms = ".".join(t.split("-", 2)[2] for t in tags)
print(f"CPython {sys.version.split()[0]} ({sys.executable}, {sysconfig.get_platform()}): "
      f"fib_pyrs wheel {cp}-{cp}-{platforms}")
PY

cd "$ROOT/python"
"$PY" -m pytest -p no:cacheprovider "$@"
