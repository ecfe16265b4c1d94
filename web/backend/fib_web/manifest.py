"""The manifest: which wheels in dist/ each runtime installs, derived from their tags.

Nothing here knows a wheel's file name in advance: every ``*.whl`` directly in the dist
directory is parsed (PEP 427 name, PEP 425 tags) and matched against each runtime's Python tag
and wheel platform (from ``checks/pyodide_runtimes.py``). The page gets, per runtime, the URL,
size and SHA-256 of the best wheel of each distribution it needs, and what is missing.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fib_web.runtimes import MODULE_ENTRY, Runtime, version_key

#: What the Web Worker unpacks, in order: the two implementations, then the worker's package.
DISTRIBUTIONS = ("fib_python", "fib_pyrs", "webworker")
IMPLEMENTATIONS = ("fib_python", "fib_pyrs")
WORKER = "webworker"

_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._]*[A-Za-z0-9])?")


@dataclass(frozen=True)
class Wheel:
    filename: str
    name: str  # normalised: lower case, runs of "-_." as "_"
    version: str
    python: frozenset[str]
    abi: frozenset[str]
    platform: frozenset[str]

    @classmethod
    def parse(cls, filename: str) -> Wheel | None:
        """The wheel's name and tags, or None if filename is not a wheel file name."""
        if not filename.endswith(".whl"):
            return None
        parts = filename[: -len(".whl")].split("-")
        if len(parts) == 6:  # with a build tag
            del parts[2]
        if len(parts) != 5 or not all(parts) or not _NAME.fullmatch(parts[0]):
            return None
        name, version, python, abi, platform = parts
        return cls(
            filename=filename,
            name=re.sub(r"[-_.]+", "_", name).lower(),
            version=version,
            python=frozenset(python.split(".")),
            abi=frozenset(abi.split(".")),
            platform=frozenset(platform.split(".")),
        )

    def fits(self, runtime: Runtime) -> bool:
        """True if the runtime (CPython ``py_tag`` on ``wheel_platform``) can install the wheel."""
        match = re.fullmatch(r"cp(\d)(\d+)", runtime.py_tag)
        if match is None:
            return False
        major, minor = int(match[1]), int(match[2])
        if not self.platform & {"any", runtime.wheel_platform}:
            return False
        for tag in self.python:
            found = re.fullmatch(r"(cp|py)(\d)(\d*)", tag)
            if found is None or int(found[2]) != major:
                continue
            kind, tag_minor = found[1], int(found[3]) if found[3] else None
            if kind == "py" and (tag_minor is None or tag_minor <= minor) and "none" in self.abi:
                return True  # pure Python: py3, py310, ...
            if kind == "cp" and tag_minor == minor and self.abi & {"none", runtime.py_tag}:
                return True  # an extension for exactly this interpreter
            if kind == "cp" and tag_minor is not None and tag_minor <= minor and "abi3" in self.abi:
                return True  # the stable ABI
        return False


class Digests:
    """SHA-256 of files, cached by (path, size, mtime) so the manifest stays cheap."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int, int], str] = {}
        self._lock = threading.Lock()

    def __call__(self, path: Path) -> str:
        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        digest = hashlib.sha256()
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        with self._lock:
            self._cache[key] = digest.hexdigest()
        return self._cache[key]


def dist_wheels(dist_dir: Path) -> dict[str, Path]:
    """The wheel files directly in dist_dir (regular files inside it, no symlinks out of it)."""
    found: dict[str, Path] = {}
    if not dist_dir.is_dir():
        return found
    root = dist_dir.resolve()
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or not entry.name.endswith(".whl"):
            continue
        real = entry.resolve()
        if real.parent == root and real.is_file():
            found[entry.name] = real
    return found


def choose_wheels(runtime: Runtime, wheels: list[Wheel]) -> dict[str, Wheel]:
    """The newest fitting wheel of each needed distribution (a platform wheel beats a pure one)."""
    chosen: dict[str, Wheel] = {}
    for name in DISTRIBUTIONS:
        candidates = [w for w in wheels if w.name == name and w.fits(runtime)]
        if candidates:
            chosen[name] = max(
                candidates,
                key=lambda w: (version_key(w.version), "any" not in w.platform, w.filename),
            )
    return chosen


def build_manifest(
    runtimes: list[Runtime],
    dist_dir: Path,
    digests: Digests,
    default_runtime: str | None = None,
) -> dict[str, Any]:
    files = dist_wheels(dist_dir)
    wheels = [w for w in (Wheel.parse(name) for name in files) if w is not None]
    entries: list[dict[str, Any]] = []
    for runtime in sorted(runtimes, key=lambda r: version_key(r.version)):
        chosen = choose_wheels(runtime, wheels)
        missing = [name for name in DISTRIBUTIONS if name not in chosen]
        problems = [runtime.problem] if runtime.problem else []
        if WORKER in missing:
            problems.append(f"no {WORKER} wheel in dist/ (run make wheels)")
        if not any(name in chosen for name in IMPLEMENTATIONS):
            problems.append("no fib_python or fib_pyrs wheel for this runtime in dist/")
        entries.append(
            {
                "version": runtime.version,
                "python": runtime.python,
                "py_tag": runtime.py_tag,
                "wheel_platform": runtime.wheel_platform,
                "index_url": runtime.url,
                "module_url": runtime.url + MODULE_ENTRY,
                "wheels": [
                    {
                        "name": wheel.name,
                        "filename": wheel.filename,
                        "url": f"/wheels/{wheel.filename}",
                        "size": files[wheel.filename].stat().st_size,
                        "sha256": digests(files[wheel.filename]),
                    }
                    for wheel in chosen.values()
                ],
                "missing": missing,
                "ready": not problems,
                "problems": problems,
            }
        )
    ready = [entry["version"] for entry in entries if entry["ready"]]
    if default_runtime not in ready:
        default_runtime = ready[-1] if ready else (entries[-1]["version"] if entries else None)
    return {
        "runtimes": entries,
        "default_runtime": default_runtime,
        "implementations": list(IMPLEMENTATIONS),
    }
