#!/usr/bin/env python3
"""Checks that a wheel claims exactly the platform it was built for; fails loudly otherwise.

  wheel_tags.py host WHEEL...              manylinux tag == the lowest policy auditwheel allows
  wheel_tags.py pyodide VERSION WHEEL      python and platform tags == the runtime's own metadata
  wheel_tags.py pythons                    the CPython versions the host wheels are built for

Both the file name and the tags in the wheel's .dist-info/WHEEL must agree.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pyodide_runtimes  # noqa: E402


ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "rust" / "fib-pyrs" / "pyproject.toml"


def host_pythons() -> list[str]:
    """The CPython versions the host wheels are built for: the `Python :: 3.X` classifiers of
    fib-pyrs's pyproject.toml, so what PyPI shows and what is built are one list."""
    classifiers = tomllib.loads(PYPROJECT.read_text())["project"]["classifiers"]
    found = [
        m.group(1)
        for c in classifiers
        if (m := re.fullmatch(r"Programming Language :: Python :: (3\.\d+)", c))
    ]
    if not found:
        fail(f"{PYPROJECT} names no `Programming Language :: Python :: 3.X` classifier")
    return sorted(found, key=lambda v: tuple(map(int, v.split("."))))


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


def check(wheel: Path, expected: str, declared_tags: set[str] | None = None) -> None:
    """The file name carries `expected` and WHEEL declares `declared_tags` (default: just it)."""
    want = declared_tags or {expected}
    name_tag, declared = wheel_tags(wheel)
    if name_tag != expected:
        fail(f"{wheel.name}: file name says {name_tag}, expected {expected}")
    if declared != want:
        fail(
            f"{wheel.name}: WHEEL declares {sorted(declared)}, expected {sorted(want)}"
        )
    print(f"tag ok: {wheel.name} is {expected}")


def check_host(wheel: Path) -> None:
    """The wheel's platform tags name exactly auditwheel's lowest policy for its symbols: that
    policy, and at most its legacy aliases besides (PEP 600: manylinux2014 is manylinux_2_17,
    which pip before 20.3 only knows by the old name)."""
    from auditwheel.architecture import Architecture
    from auditwheel.libc import Libc
    from auditwheel.policy import WheelPolicies

    out = subprocess.run(
        [sys.executable, "-m", "auditwheel", "show", "--json", str(wheel)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    report = json.loads(out)
    policy_name = report.get("overall_tag", "")
    if not policy_name.startswith("manylinux_"):
        fail(f"auditwheel found no manylinux policy for {wheel.name}:\n{out}")
    arch = Architecture(policy_name.split("_", 3)[-1])
    policy = WheelPolicies(libc=Libc.GLIBC, arch=arch).get_policy_by_name(policy_name)
    py, abi, name_platforms = wheel.stem.split("-")[-3:]
    platforms = set(name_platforms.split("."))
    if policy.name not in platforms or not platforms <= {policy.name, *policy.aliases}:
        fail(
            f"{wheel.name}: file name says {name_platforms}, auditwheel allows exactly "
            f"{policy.name} (aliases: {', '.join(policy.aliases) or 'none'})"
        )
    if py != abi or not re.fullmatch(r"cp3\d+", py):
        fail(f"{wheel.name}: expected a CPython-specific wheel, got {py}-{abi}")
    check(
        wheel,
        f"{py}-{abi}-{name_platforms}",
        declared_tags={f"{py}-{abi}-{p}" for p in platforms},
    )


def check_pyodide(version: str, wheel: Path) -> None:
    rt = pyodide_runtimes.describe(version)
    py = str(rt["py_tag"])
    check(wheel, f"{py}-{py}-{rt['wheel_platform']}")


def main(argv: list[str]) -> None:
    match argv:
        case ["host", *wheels] if wheels:
            for wheel in wheels:
                check_host(Path(wheel))
        case ["pythons"]:
            print(" ".join(host_pythons()))
        case ["pyodide", version, wheel]:
            check_pyodide(version, Path(wheel))
        case _:
            sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
