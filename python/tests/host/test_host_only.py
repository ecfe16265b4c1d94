"""Host-only tests: threads (Pyodide has none) and what the installed wheels ship."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import fib_pyrs
import fib_python


def test_gil_is_released_during_fib() -> None:
    """While Rust computes F(10^7), another Python thread keeps running.

    If the call held the GIL, the main thread could not tick at all until fib returned, and the
    worker sets ``done`` before it gives the GIL back, so the count would stay near zero.
    """
    started, done = threading.Event(), threading.Event()
    result: list[int] = []

    def work() -> None:
        started.set()
        result.append(fib_pyrs.fib(10_000_000))
        done.set()

    worker = threading.Thread(target=work)
    worker.start()
    started.wait()
    ticks = 0
    while not done.is_set():
        ticks += 1
    worker.join()
    assert ticks > 10_000, f"only {ticks} ticks of the main thread while fib ran"
    assert result[0] % 10**9 == fib_python.fib(10_000_000) % 10**9


def test_wheel_ships_stubs_and_marker() -> None:
    pkg = Path(fib_pyrs.__file__).parent
    assert (pkg / "py.typed").is_file()
    assert (pkg / "_fib_pyrs.pyi").is_file()
    assert (Path(fib_python.__file__).parent / "py.typed").is_file()


def test_stubs_type_check(tmp_path: Path) -> None:
    """mypy sees the shipped stubs: a correct use passes, a wrong one is reported."""
    good = tmp_path / "good.py"
    good.write_text("import fib_pyrs, fib_python\nx: int = fib_pyrs.fib(5) + fib_python.fib(5)\n")
    bad = tmp_path / "bad.py"
    bad.write_text("import fib_pyrs\ny: str = fib_pyrs.fib(5)\n")
    run = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir=/dev/null"]
    ok = subprocess.run([*run, str(good)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout
    ko = subprocess.run([*run, str(bad)], capture_output=True, text=True)
    assert ko.returncode == 1 and "Incompatible types" in ko.stdout, ko.stdout
