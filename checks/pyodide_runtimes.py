#!/usr/bin/env python3
"""The Pyodide runtimes this project serves, and everything version-specific about them.

The list is the ``pyodide-<version>`` aliases in web/package.json; every other fact (Python
version, emscripten version, ABI, exception-handling mode, wheel tags, micropip version) is read
from the runtime's own lock file (``pyodide-lock.json``, or ``repodata.json`` before 0.22), so
adding a runtime is one line in package.json.

Usage:  pyodide_runtimes.py versions            one version per line
        pyodide_runtimes.py get VERSION FIELD    one field (see ``describe``)
        pyodide_runtimes.py json [VERSION]       everything, as JSON
Standard library only: it runs before any venv exists.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = Path(os.environ.get("PRF_NODE_MODULES", ROOT / "web" / "node_modules"))
PREFIX = "pyodide-"


def versions() -> list[str]:
    deps = json.loads((ROOT / "web" / "package.json").read_text())["dependencies"]
    return [name.removeprefix(PREFIX) for name in deps if name.startswith(PREFIX)]


def runtime_dir(version: str) -> Path:
    return NODE_MODULES / f"{PREFIX}{version}"


def describe(version: str) -> dict[str, object]:
    rt = runtime_dir(version)
    for name in ("pyodide-lock.json", "repodata.json"):
        lock_file = rt / name
        if lock_file.exists():
            break
    else:
        raise SystemExit(f"no pyodide-lock.json or repodata.json in {rt} (run checks/setup.sh node)")
    lock = json.loads(lock_file.read_text())
    info = lock["info"]
    if info.get("version", version) != version:
        raise SystemExit(f"{lock_file} describes Pyodide {info['version']}, expected {version}")
    python = info["python"]
    major, minor = (int(x) for x in python.split(".")[:2])
    emscripten = info["platform"].removeprefix("emscripten_").replace("_", ".")
    abi = info.get("abi_version")
    # PEP 783 names the platform by Pyodide's ABI from Python 3.14 on; older runtimes tag wheels
    # with the emscripten version they were built with.
    if abi and (major, minor) >= (3, 14):
        wheel_platform = f"pyemscripten_{abi}_{info['arch']}"
    else:
        wheel_platform = f"{info['platform']}_{info['arch']}"
    micropip = lock["packages"].get("micropip", {}).get("version")
    return {
        "version": version,
        "dir": str(rt),
        "lock_file": str(lock_file),
        "python": python,
        "python_short": f"{major}.{minor}",
        "py_tag": f"cp{major}{minor}",
        "platform": info["platform"],
        "emscripten": emscripten,
        "abi": abi,
        "wheel_platform": wheel_platform,
        # Emscripten 4+ runtimes are built with WebAssembly exception handling; 3.x with
        # JavaScript exceptions (invoke_*). A side module must use the runtime's mode.
        "wasm_eh": int(emscripten.split(".")[0]) >= 4,
        "micropip": micropip,
    }


def main(argv: list[str]) -> int:
    match argv:
        case ["versions"]:
            print("\n".join(versions()))
        case ["get", version, field]:
            value = describe(version)[field]
            print("" if value is None else str(value).lower() if isinstance(value, bool) else value)
        case ["json"]:
            print(json.dumps([describe(v) for v in versions()], indent=2))
        case ["json", version]:
            print(json.dumps(describe(version), indent=2))
        case _:
            print(__doc__, file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
