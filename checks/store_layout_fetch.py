#!/usr/bin/env python3
"""Fetches everything the web app must serve from a store-like layout (checks/store-layout.sh).

  store_layout_fetch.py URL SERVER_PID --static DIR --wheels DIR --runtimes DIR --runtime-files DIR

Waits until the server answers (or its process is gone), then GETs the page, every file of the
static directory, the manifest, every wheel entry of the wheels directory, every file of every
runtime directory (pyodide-<version>/ under --runtimes) and each runtime's precompiled standard
library (pyodide-<version>/ under --runtime-files), comparing each reply byte for
byte with the file behind it. The manifest must list every runtime as ready, and every wheel and
standard library it names must have the sha256 and size of the bytes served. Prints "store layout: N passed, N failed".
Standard library only.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as e:
        return e.code, b""


def wait_ready(base: str, pid: int) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            sys.exit("FAIL the web app exited before serving")
        try:
            if get(base + "/api/manifest")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit("FAIL the web app did not answer within 90 s")


def files_under(root: Path) -> list[Path]:
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def main(argv: list[str]) -> int:
    base, pid = argv[0].rstrip("/"), int(argv[1])
    options = dict(zip(argv[2::2], argv[3::2], strict=True))
    static, wheels, runtimes, runtime_files = (
        Path(options[k]) for k in ("--static", "--wheels", "--runtimes", "--runtime-files")
    )
    wait_ready(base, pid)
    passed, failed = 0, []

    def expect(url_path: str, file: Path) -> bytes:
        nonlocal passed
        status, body = get(base + urllib.parse.quote(url_path))
        if status != 200:
            failed.append(f"GET {url_path}: {status}")
        elif body != file.read_bytes():
            failed.append(f"GET {url_path}: the bytes differ from {file}")
        else:
            passed += 1
        return body

    expect("/", static / "index.html")
    for file in files_under(static):
        expect(f"/static/{file.relative_to(static).as_posix()}", file)
    served_wheels = {}
    for file in sorted(wheels.iterdir()):
        if file.name.endswith(".whl"):
            served_wheels[file.name] = expect(f"/wheels/{file.name}", file)
    if not served_wheels:
        failed.append(f"no wheels in {wheels}")
    runtime_dirs = sorted(runtimes.glob("pyodide-*"))
    if not runtime_dirs:
        failed.append(f"no runtimes in {runtimes}")
    for rt in runtime_dirs:
        version = rt.name.removeprefix("pyodide-")
        for file in files_under(rt):
            expect(f"/pyodide/{version}/{file.relative_to(rt).as_posix()}", file)
    # Each runtime's precompiled standard library (pyodide-<version>/ under --runtime-files).
    served_stdlib = {}
    for rt in runtime_dirs:
        version = rt.name.removeprefix("pyodide-")
        built = sorted((runtime_files / rt.name).glob("python_stdlib*.zip"))
        if len(built) != 1:
            failed.append(f"Pyodide {version}: no precompiled standard library in {runtime_files}")
        for file in built:
            served_stdlib[version] = expect(f"/runtime-files/{version}/{file.name}", file)

    status, body = get(base + "/api/manifest")
    manifest = json.loads(body) if status == 200 else {"runtimes": []}
    versions = sorted(r["version"] for r in manifest["runtimes"])
    if versions != sorted(d.name.removeprefix("pyodide-") for d in runtime_dirs):
        failed.append(f"the manifest lists runtimes {versions}")
    for entry in manifest["runtimes"]:
        if not entry["ready"] or entry["missing"]:
            failed.append(f"Pyodide {entry['version']} not ready: {entry['problems']} {entry['missing']}")
        for wheel in entry["wheels"]:
            bytes_ = served_wheels.get(wheel["filename"], b"")
            if hashlib.sha256(bytes_).hexdigest() != wheel["sha256"] or len(bytes_) != wheel["size"]:
                failed.append(f"manifest {wheel['filename']}: sha256/size differ from the served bytes")
            else:
                passed += 1
        stdlib = entry.get("stdlib") or {}
        bytes_ = served_stdlib.get(entry["version"], b"")
        if not stdlib or not bytes_:
            failed.append(f"manifest: Pyodide {entry['version']} lists no precompiled standard library")
        elif hashlib.sha256(bytes_).hexdigest() != stdlib["sha256"] or len(bytes_) != stdlib["size"]:
            failed.append(f"manifest {stdlib['url']}: sha256/size differ from the served bytes")
        else:
            passed += 1
    for problem in failed:
        print(f"FAIL {problem}")
    print(f"store layout: {passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
