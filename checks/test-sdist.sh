#!/usr/bin/env bash
# Proves that the sdist in dist/ builds from source with a plain `pip install` and works: a
# throwaway venv of the host's CPython, the project's Rust (Debian's rustc-web, use_rust) on
# PATH, pip's own build isolation fetching the build backend from PyPI (held at the lock's
# maturin version by a constraint), an empty target directory and no wheel cache; then the
# installed module's values are checked against a plain loop in Python.
source "$(dirname "$0")/lib.sh"
use_rust
use_python
shopt -s nullglob
sdists=("$DIST"/fib_pyrs-*.tar.gz)
[ ${#sdists[@]} = 1 ] || die "need exactly one fib_pyrs sdist in $DIST (found ${#sdists[@]}): run checks/sdist.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
grep -E '^maturin==' "$ROOT/python/requirements.lock" | cut -d' ' -f1 >"$work/constraints.txt"

"$PY" -m venv "$work/venv"
log "pip install ${sdists[0]##*/} (builds the extension from source)"
CARGO_TARGET_DIR="$work/target" PIP_CONSTRAINT="$work/constraints.txt" \
  "$work/venv/bin/python" -m pip install --disable-pip-version-check --no-cache-dir \
  "${sdists[0]}" >"$work/pip.log" 2>&1 || { tail -n 40 "$work/pip.log" >&2; die "pip install of the sdist failed"; }
grep -E 'Building wheel for fib-pyrs|Successfully installed' "$work/pip.log" >&2
grep -q 'Building wheel for fib-pyrs' "$work/pip.log" || die "pip did not build fib-pyrs from the sdist"

cd "$work" # nothing of the repository on sys.path
"$work/venv/bin/python" - "$work/venv" <<'PY'
import sys
from pathlib import Path

import fib_pyrs

venv = Path(sys.argv[1]).resolve()
checks: list[tuple[str, bool]] = [
    (f"fib_pyrs comes from the venv ({fib_pyrs.__file__})",
     Path(fib_pyrs.__file__).resolve().is_relative_to(venv)),
]
a, b = 0, 1  # F(n), F(n+1) by the plain loop, independent of the extension
for n in range(100_001):
    if n in (0, 1, 2, 93, 94, 1000, 10_000, 100_000):
        checks.append((f"fib({n}) equals the loop", fib_pyrs.fib(n) == a))
        checks.append((f"fib_iter({n}) equals the loop", fib_pyrs.fib_iter(n) == a))
        checks.append((f"fib_pair({n}) equals the loop", fib_pyrs.fib_pair(n) == (a, b)))
    a, b = b, a + b
for bad, exc in (("5", TypeError), (-1, ValueError), (fib_pyrs.MAX_N + 1, OverflowError)):
    try:
        fib_pyrs.fib(bad)
        checks.append((f"fib({bad!r}) raises {exc.__name__}", False))
    except exc:
        checks.append((f"fib({bad!r}) raises {exc.__name__}", True))
failed = [name for name, ok in checks if not ok]
for name in failed:
    print(f"FAILED: {name}")
print(f"sdist smoke ({sys.version.split()[0]}): {len(checks) - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
PY
