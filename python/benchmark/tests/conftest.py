"""Synthetic results for the report and plot tests (no timing is measured here)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from fib_benchmark.measure import digest
from fib_benchmark.results import Environment, Results


def fib(n: int) -> int:
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def ok_cell(env: str, impl: str, n: int, median: float, **extra: Any) -> dict[str, Any]:
    cell: dict[str, Any] = {
        "env": env,
        "impl": impl,
        "n": n,
        "status": "ok",
        "median_s": median,
        "min_s": median * 0.9,
        "max_s": median * 1.2,
        "reps": 3,
        "number": 1,
        "warmup_s": median,
        "times_s": [median * 0.9, median, median * 1.2],
        "equal": True,
        "reference": "gmp",
        "digest": digest(fib(n)),
        "bits": fib(n).bit_length(),
    }
    cell.update(extra)
    return cell


MakeCell = Callable[..., dict[str, Any]]


@pytest.fixture
def make_cell() -> MakeCell:
    return ok_cell


@pytest.fixture
def fib_of() -> Callable[[int], int]:
    return fib


@pytest.fixture
def results() -> Results:
    """native (all five) and one Pyodide runtime (no GMP, loop capped at 100)."""
    r = Results()
    r.environments = [
        Environment("native", "native", "native CPython 3.11.7", "native", 1000),
        Environment(
            "pyodide-0.21.3", "pyodide", "Pyodide 0.21.3 (CPython 3.10.2)", "Pyodide 0.21.3", 100
        ),
    ]
    native = {
        "gmp": 1.0,
        "rust-doubling": 2.0,
        "python-doubling": 4.0,
        "rust-loop": 10.0,
        "python-loop": 30.0,
    }
    for n in (100, 1000):
        for impl, t in native.items():
            r.cells.append(ok_cell("native", impl, n, t * n))
        for impl, t in native.items():
            if impl == "gmp":
                continue
            if impl.endswith("loop") and n > 100:
                r.cells.append(
                    {
                        "env": "pyodide-0.21.3",
                        "impl": impl,
                        "n": n,
                        "status": "skipped",
                        "reason": "loop capped at n=100",
                    }
                )
            else:
                r.cells.append(ok_cell("pyodide-0.21.3", impl, n, 5 * t * n))
    return r
