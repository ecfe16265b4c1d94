#!/usr/bin/env python3
"""Checks that a wheel claims exactly the platform it was built for; fails loudly otherwise.

  wheel_tags.py host WHEEL                 manylinux tag == the lowest policy auditwheel allows
  wheel_tags.py pyodide VERSION WHEEL      python and platform tags == the runtime's own metadata

Both the file name and the tags in the wheel's .dist-info/WHEEL must agree.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pyodide_runtimes  # noqa: E402


def wheel_tags(wheel: Path) -> tuple[str, set[str]]:
    """(tag from the file name, tags declared in .dist-info/WHEEL)."""
    name_tag = "-".join(wheel.stem.split("-")[-3:])
    with zipfile.ZipFile(wheel) as zf:
        (meta,) = [n for n in zf.namelist() if n.endswith(".dist-info/WHEEL")]
        declared = {
            line.split(":", 1)[1].strip()
            for line in zf.read(meta).decode().splitlines()
            if line.startswith("Tag:")
        }
    return name_tag, declared


def fail(msg: str) -> None:
    print(f"TAG CHECK FAILED: {msg}", file=sys.stderr)
    sys.exit(1)


def check(wheel: Path, expected: str) -> None:
    name_tag, declared = wheel_tags(wheel)
    if name_tag != expected:
        fail(f"{wheel.name}: file name says {name_tag}, expected {expected}")
    if declared != {expected}:
        fail(f"{wheel.name}: WHEEL declares {sorted(declared)}, expected {expected}")
    print(f"tag ok: {wheel.name} is {expected}")


def check_host(wheel: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "auditwheel", "show", str(wheel)],
        check=True, capture_output=True, text=True,
    ).stdout
    m = re.search(r'consistent\s+with the following platform tag:\s+"([^"]+)"', out)
    if not m:
        fail(f"auditwheel found no manylinux policy for {wheel.name}:\n{out}")
    policy = m.group(1)
    py = wheel.stem.split("-")[-3]
    check(wheel, f"{py}-{py}-{policy}")


def check_pyodide(version: str, wheel: Path) -> None:
    rt = pyodide_runtimes.describe(version)
    py = str(rt["py_tag"])
    check(wheel, f"{py}-{py}-{rt['wheel_platform']}")


def main(argv: list[str]) -> None:
    match argv:
        case ["host", wheel]:
            check_host(Path(wheel))
        case ["pyodide", version, wheel]:
            check_pyodide(version, Path(wheel))
        case _:
            sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
