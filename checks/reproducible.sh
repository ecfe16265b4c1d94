#!/usr/bin/env bash
# Rebuilds every wheel, the sdist and each runtime's precompiled standard library
# (runtime-files/) in dist/ from an empty target directory and compares the bytes: one that
# differs is not reproducible (timestamps come from SOURCE_DATE_EPOCH, paths are remapped).
source "$(dirname "$0")/lib.sh"
use_python
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PRF_DIST="$work/dist" CARGO_TARGET_DIR="$work/target"

bash "$ROOT/checks/wheels.sh"

"$PY" - "$DIST" "$PRF_DIST" <<'PY'
import hashlib, sys
from pathlib import Path

first, second = (Path(d) for d in sys.argv[1:])


def built(d: Path) -> set[str]:
    patterns = ("*.whl", "*.tar.gz", "runtime-files/pyodide-*/python_stdlib*.zip")
    return {p.relative_to(d).as_posix() for pattern in patterns for p in d.glob(pattern)}


names = sorted(built(first) | built(second))
failed = 0
for name in names:
    a, b = first / name, second / name
    if not (a.exists() and b.exists()):
        print(f"MISSING  {name}: only in {'dist' if a.exists() else 'the rebuild'}")
        failed += 1
    elif a.read_bytes() != b.read_bytes():
        print(f"DIFFERS  {name}")
        failed += 1
    else:
        print(f"same     {name}  sha256 {hashlib.sha256(a.read_bytes()).hexdigest()[:16]}")
print(f"reproducible: {len(names) - failed} passed, {failed} failed")
sys.exit(1 if failed or not names else 0)
PY
