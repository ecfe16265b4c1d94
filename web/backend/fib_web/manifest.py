"""The manifest: which wheels in dist/ each runtime installs, derived from their tags.

Nothing here knows a wheel's file name in advance: every wheel entry directly in the dist
directory (a file, or a symlink to that wheel kept elsewhere: see :func:`dist_wheels`) is
parsed (PEP 427 name, PEP 425 tags) and matched against each runtime's Python tag and wheel
platform (from ``checks/pyodide_runtimes.py``). The page gets, per runtime, the URL,
size and SHA-256 of the best wheel of each distribution it needs, and what is missing; and the
runtime's standard library precompiled to bytecode (``stdlib``), where checks/pyodide-stdlib.sh
has built it, with how the page installs it. Each wheel entry also lists its WebAssembly extension
modules (``extensions``), which the page compiles itself.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fib_web.files import resolve_under
from fib_web.runtimes import MODULE_ENTRY, Runtime, version_key

#: What the Web Worker unpacks, in order: the two implementations, then the worker's package.
DISTRIBUTIONS = ("fib_python", "fib_pyrs", "webworker")
IMPLEMENTATIONS = ("fib_python", "fib_pyrs")
WORKER = "webworker"

#: The precompiled standard library's file name -> how the page installs it (see
#: web/static/precompiled-stdlib.mjs): a zip that replaces the runtime's own python_stdlib.zip
#: (loadPyodide's stdLibURL), or the __pycache__ files of a runtime whose library is plain files.
STDLIB_FILES = {"python_stdlib.zip": "stdLibURL", "python_stdlib_pycache.zip": "pycache"}

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
    """The wheels the app serves from dist_dir: entry name -> the file behind it.

    The dist directory is configuration (FIB_WEB_DIST): whoever set it up chose its entries, so
    each entry directly in it is trusted as placed, and nothing else is (no subdirectories, no
    hidden names, no name that is not a wheel's). An entry may be a regular file of the
    directory, or a symlink to a wheel kept elsewhere, as a Nix ``symlinkJoin`` or a
    ``ln -s ../build/x.whl dist/`` makes it; such a link is followed only to what it claims to
    be: a regular file of the same name that is a wheel archive whose ``WHEEL`` metadata
    declares exactly the tags of that name. So a stray or planted link to any other file serves
    nothing, and request paths never reach past the entries (see :func:`wheel_file`).
    """
    found: dict[str, Path] = {}
    try:
        root = dist_dir.resolve(strict=True)
        entries = sorted(root.iterdir()) if root.is_dir() else []
    except (OSError, RuntimeError):
        return found
    for entry in entries:
        real = _wheel_behind(root, entry)
        if real is not None:
            found[entry.name] = real
    return found


def wheel_file(dist_dir: Path, filename: str) -> Path | None:
    """The file served as ``/wheels/<filename>``: only an entry name of :func:`dist_wheels`."""
    return dist_wheels(dist_dir).get(filename)


def _wheel_behind(root: Path, entry: Path) -> Path | None:
    wheel = None if entry.name.startswith(".") else Wheel.parse(entry.name)
    if wheel is None:
        return None
    try:
        real = entry.resolve(strict=True)
        if not real.is_file():
            return None
        if real.parent == root:
            return real  # a file of the dist directory itself
        stat = real.stat()
    except (OSError, RuntimeError):  # dangling, a loop, unreadable
        return None
    if real.name != entry.name:
        return None
    return real if _is_wheel_archive(str(real), stat.st_size, stat.st_mtime_ns, wheel) else None


@functools.lru_cache(maxsize=256)
def _is_wheel_archive(path: str, size: int, mtime_ns: int, wheel: Wheel) -> bool:
    """True if the file is a zip with one ``<name>-<version>.dist-info/WHEEL`` declaring
    exactly the tags of the wheel's file name (size and mtime key the cache)."""
    del size, mtime_ns
    expected = {
        f"{python}-{abi}-{platform}"
        for python in wheel.python
        for abi in wheel.abi
        for platform in wheel.platform
    }
    try:
        with zipfile.ZipFile(path) as archive:
            metadata = [
                name
                for name in archive.namelist()
                if name.count("/") == 1 and name.endswith(".dist-info/WHEEL")
            ]
            if len(metadata) != 1:
                return False
            name, _, version = metadata[0].split("/")[0].removesuffix(".dist-info").partition("-")
            if re.sub(r"[-_.]+", "_", name).lower() != wheel.name or version != wheel.version:
                return False
            text = archive.read(metadata[0]).decode("utf-8")
    except (OSError, zipfile.BadZipFile, UnicodeDecodeError, KeyError):
        return False
    declared = {
        line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("Tag:")
    }
    return declared == expected


#: The first bytes of a WebAssembly module.
WASM_MAGIC = b"\0asm"


def wheel_extensions(path: Path) -> dict[str, int]:
    """The WebAssembly extension modules (``.so``) in the wheel at path: member name -> size.

    The app serves exactly these members (``/wheels/<wheel>/<member>``) so that the page can
    compile them by streaming, which lets the browser keep their compiled code (web/static/app.js).
    """
    stat = path.stat()
    return dict(_extensions(str(path), stat.st_size, stat.st_mtime_ns))


@functools.lru_cache(maxsize=256)
def _extensions(path: str, size: int, mtime_ns: int) -> tuple[tuple[str, int], ...]:
    del size, mtime_ns  # they key the cache
    found = []
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.is_dir() or not info.filename.endswith(".so"):
                    continue
                with archive.open(info) as member:
                    if member.read(len(WASM_MAGIC)) == WASM_MAGIC:
                        found.append((info.filename, info.file_size))
    except (OSError, zipfile.BadZipFile):
        return ()
    return tuple(found)


def read_extension(path: Path, member: str) -> bytes | None:
    """The extension module ``member`` of the wheel at path, or None if it holds no such one."""
    if member not in wheel_extensions(path):
        return None
    with zipfile.ZipFile(path) as archive:
        return archive.read(member)


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


def runtime_files_dir(runtime_files: Path, version: str) -> Path:
    """Where the files built for one runtime are (served as ``/runtime-files/<version>/``)."""
    return runtime_files / f"pyodide-{version}"


def precompiled_stdlib(
    runtime: Runtime, runtime_files: Path, digests: Digests
) -> dict[str, Any] | None:
    """The manifest's ``stdlib`` of a runtime: its precompiled standard library, or None."""
    directory = runtime_files_dir(runtime_files, runtime.version)
    for name, install in STDLIB_FILES.items():
        file = resolve_under(directory, name)
        if file is not None:
            return {
                "url": f"/runtime-files/{runtime.version}/{name}",
                "install": install,
                "size": file.stat().st_size,
                "sha256": digests(file),
            }
    return None


def build_manifest(
    runtimes: list[Runtime],
    dist_dir: Path,
    runtime_files: Path,
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
                        "extensions": [
                            {
                                "path": member,
                                "url": f"/wheels/{wheel.filename}/{member}",
                                "size": size,
                            }
                            for member, size in wheel_extensions(files[wheel.filename]).items()
                        ],
                    }
                    for wheel in chosen.values()
                ],
                "missing": missing,
                "stdlib": precompiled_stdlib(runtime, runtime_files, digests),
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
