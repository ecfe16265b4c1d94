"""What the numbers were measured on: CPU, cores, OS, load, and what built the wheels."""

from __future__ import annotations

import hashlib
import os
import platform
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

_ELF_RUSTC = re.compile(rb"rustc version (\d+\.\d+\.\d+[^\x00\n]*)")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def memory_bytes() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def os_name() -> str:
    try:
        return platform.freedesktop_os_release().get("PRETTY_NAME", platform.platform())
    except OSError:
        return platform.platform()


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def usable_cores() -> int | None:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count()


def machine_info() -> dict[str, Any]:
    return {
        "cpu": cpu_model(),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": usable_cores(),
        "memory_bytes": memory_bytes(),
        "os": os_name(),
        "kernel": platform.release(),
        "arch": platform.machine(),
        "load_average_start": load_average(),
    }


def _run_version(cmd: list[str]) -> str | None:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=20, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def host_rustc() -> tuple[str | None, str | None]:
    """``rustc -V`` of the compiler the build scripts use: $RUSTC, else Debian's /usr/bin/rustc.

    rustup's proxies (often first on PATH) are avoided: they may try to download a toolchain.
    """
    candidates = [os.environ.get("RUSTC"), "/usr/bin/rustc", shutil.which("rustc")]
    for rustc in candidates:
        if rustc and Path(rustc).exists():
            version = _run_version([rustc, "-V"])
            if version:
                return rustc, version
    return None, None


def node_version(node: str) -> str | None:
    return _run_version([node, "--version"])


def _leb128(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return result, pos


def _take(data: bytes, pos: int, size: int) -> tuple[bytes, int]:
    if pos + size > len(data):
        raise IndexError("truncated module")
    return data[pos : pos + size], pos + size


def _wasm_producers_rustc(data: bytes) -> str | None:
    """The rustc version in a WebAssembly module's ``producers`` custom section, if kept."""
    if not data.startswith(b"\0asm"):
        return None
    pos = 8
    try:
        while pos < len(data):
            section_id = data[pos]
            size, pos = _leb128(data, pos + 1)
            end = pos + size
            if section_id == 0:
                name_len, p = _leb128(data, pos)
                section_name, p = _take(data, p, name_len)
                if section_name == b"producers":
                    fields, p = _leb128(data, p)
                    for _ in range(fields):
                        flen, p = _leb128(data, p)
                        _, p = _take(data, p, flen)
                        count, p = _leb128(data, p)
                        for _ in range(count):
                            nlen, p = _leb128(data, p)
                            name, p = _take(data, p, nlen)
                            vlen, p = _leb128(data, p)
                            version, p = _take(data, p, vlen)
                            if name == b"rustc":
                                return version.decode("utf-8", "replace")
            pos = end
    except IndexError:
        return None
    return None


def rustc_of_binary(data: bytes) -> str | None:
    """The rustc that built an extension module, as recorded in the binary.

    ELF: the ``.comment`` section keeps "rustc version X.Y.Z (...)". WebAssembly: the
    ``producers`` section, unless the build stripped it (the project's wasm-release profile
    strips symbols, and with them this section).
    """
    match = _ELF_RUSTC.search(data)
    if match:
        return "rustc " + match.group(1).decode("utf-8", "replace").strip()
    version = _wasm_producers_rustc(data)
    return f"rustc {version}" if version else None


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _generator(wheel_metadata: str) -> str | None:
    for line in wheel_metadata.splitlines():
        if line.startswith("Generator:"):
            return line.split(":", 1)[1].strip()
    return None


def wheel_info(path: Path) -> dict[str, Any]:
    """File name, SHA-256, the tool that built it and the rustc recorded in its extension."""
    info: dict[str, Any] = {"file": path.name, "sha256": sha256_file(path)}
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.endswith(".dist-info/WHEEL"):
                info["generator"] = _generator(zf.read(name).decode())
            elif name.endswith(".so") or name.endswith(".pyd"):
                data = zf.read(name)
                info["extension_sha256"] = hashlib.sha256(data).hexdigest()
                info["rustc"] = rustc_of_binary(data)
    return info


def installed_extension_info() -> dict[str, Any]:
    """The same for the fib_pyrs imported natively (installed from the host wheel)."""
    from importlib import metadata

    import fib_pyrs._fib_pyrs as ext

    path = Path(ext.__file__)
    info: dict[str, Any] = {"file": str(path), "sha256": sha256_file(path)}
    try:
        wheel = metadata.distribution("fib-pyrs").read_text("WHEEL")
        info["generator"] = _generator(wheel) if wheel else None
    except metadata.PackageNotFoundError:
        info["generator"] = None
    info["rustc"] = rustc_of_binary(path.read_bytes())
    return info
