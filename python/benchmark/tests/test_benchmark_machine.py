from __future__ import annotations

import zipfile
from pathlib import Path

from fib_benchmark.machine import machine_info, rustc_of_binary, wheel_info


def _leb(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _name(s: bytes) -> bytes:
    return _leb(len(s)) + s


def wasm_with_producers(version: bytes) -> bytes:
    producers = (
        _name(b"producers")
        + _leb(1)
        + _name(b"processed-by")
        + _leb(2)
        + _name(b"clang")
        + _name(b"20.0")
        + _name(b"rustc")
        + _name(version)
    )
    type_section = b"\x01" + _leb(1) + b"\x00"
    return b"\0asm\x01\0\0\0" + type_section + b"\x00" + _leb(len(producers)) + producers


def test_rustc_from_elf_comment() -> None:
    data = b"\x7fELF....GCC: (Debian 12.2.0)\x00rustc version 1.96.0 (ac68faa20 2026-05-25)\x00.."
    assert rustc_of_binary(data) == "rustc 1.96.0 (ac68faa20 2026-05-25)"


def test_rustc_from_wasm_producers() -> None:
    assert rustc_of_binary(wasm_with_producers(b"1.96.0 (ac68faa20 2026-05-25)")) == (
        "rustc 1.96.0 (ac68faa20 2026-05-25)"
    )


def test_rustc_absent_or_truncated() -> None:
    assert rustc_of_binary(b"\0asm\x01\0\0\0") is None
    assert rustc_of_binary(wasm_with_producers(b"1.96.0")[:-3]) is None
    assert rustc_of_binary(b"nothing here") is None


def test_wheel_info(tmp_path: Path) -> None:
    wheel = tmp_path / "fib_pyrs-0.1.0-cp310-cp310-emscripten_3_1_14_wasm32.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr(
            "fib_pyrs-0.1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: maturin (1.16.0)\n"
        )
        zf.writestr("fib_pyrs/_fib_pyrs.cpython-310-wasm32-emscripten.so", b"\0asm\x01\0\0\0")
    info = wheel_info(wheel)
    assert info["file"] == wheel.name and len(info["sha256"]) == 64
    assert info["generator"] == "maturin (1.16.0)" and info["rustc"] is None


def test_machine_info_has_the_basics() -> None:
    info = machine_info()
    assert info["cpu"] and info["logical_cpus"] and info["arch"]
