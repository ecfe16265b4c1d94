"""The peak-memory measurement: real child processes (structure only: memory numbers depend on
the machine and are never compared with bounds) and the report's rendering of its cells. Like
the measurement, these need Linux's /proc."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import pytest

from fib_benchmark import memory
from fib_benchmark.cli import DEFAULT_MEMORY_N, build_parser
from fib_benchmark.report import fmt_bytes, memory_line, memory_table

Fib = Callable[[int], int]


class FakeMpz:
    """Like gmpy2's mpz for result_size: has a bit length, is not an int."""

    def __init__(self, value: int) -> None:
        self.value = value

    def bit_length(self) -> int:
        return self.value.bit_length()


def test_result_size_of_int_and_of_mpz() -> None:
    x = 3**1000
    assert memory.result_size(x) == (sys.getsizeof(x), memory.SIZE_GETSIZEOF)
    assert memory.result_size(FakeMpz(x)) == ((x.bit_length() + 7) // 8, memory.SIZE_BITS)
    assert memory.result_size(FakeMpz(255)) == (1, memory.SIZE_BITS)
    assert memory.result_size(FakeMpz(256)) == (2, memory.SIZE_BITS)


def test_measure_memory_in_fresh_processes(fib_of: Fib) -> None:
    events: list[dict[str, Any]] = []
    cells = memory.measure_memory(["python-doubling"], [1000, 2000], 2, events.append)
    assert events == cells
    assert [(c["impl"], c["n"], c["status"]) for c in cells] == [
        ("python-doubling", 1000, "ok"),
        ("python-doubling", 2000, "ok"),
    ]
    for c in cells:
        value = fib_of(c["n"])
        assert c["runs"] == len(c["samples"]) == 2
        assert c["result_bytes"] == sys.getsizeof(value)
        assert c["size_method"] == memory.SIZE_GETSIZEOF
        assert c["bits"] == value.bit_length()
        assert c["ratio"] == c["delta_bytes"] / c["result_bytes"]
        assert isinstance(c["peak_reset"], bool)
        deltas = sorted(s["delta_bytes"] for s in c["samples"])
        assert c["delta_bytes"] == (deltas[0] + deltas[1]) / 2  # the median of two
        for s in c["samples"]:
            assert s["delta_bytes"] == s["peak_bytes"] - s["baseline_bytes"]
            assert s["baseline_bytes"] > 0 and s["ru_maxrss_bytes"] > 0


def test_measure_memory_records_a_failing_child() -> None:
    # fib_python rejects a negative n with ValueError: the child exits with a traceback.
    cells = memory.measure_memory(["python-doubling"], [-1], 1, lambda e: None)
    assert cells[0]["status"] == "error" and "ValueError" in cells[0]["error"]


def test_child_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert memory._main(["fortran-loop", "5"]) == 2
    assert memory._main([]) == 2
    assert "usage" in capsys.readouterr().err


def test_fmt_bytes() -> None:
    assert fmt_bytes(512) == "512 B"
    assert fmt_bytes(925_680) == "904 KiB"
    assert fmt_bytes(5.5 * 2**20) == "5.50 MiB"
    assert fmt_bytes(3 * 2**30) == "3.00 GiB"


def memory_cell(impl: str, n: int, delta: float, size: int, **extra: Any) -> dict[str, Any]:
    cell = {
        "type": "memory",
        "impl": impl,
        "n": n,
        "status": "ok",
        "runs": 3,
        "delta_bytes": delta,
        "result_bytes": size,
        "ratio": delta / size,
        "size_method": memory.SIZE_GETSIZEOF,
        "peak_reset": True,
        "bits": 8 * size,
        "samples": [],
    }
    cell.update(extra)
    return cell


def test_memory_table_and_line() -> None:
    cells = [
        memory_cell("gmp", 10**7, 4 * 2**20, 2**20, size_method=memory.SIZE_BITS),
        memory_cell("rust-doubling", 10**7, 3 * 2**20, 2**20),
        memory_cell("python-doubling", 10**7, 2**20, 2**20, peak_reset=False),
        {"impl": "rust-doubling", "n": 10**6, "status": "error", "error": "RuntimeError: x"},
    ]
    lines = memory_table(cells)
    assert lines[0].split() == ["implementation", "n", "peak", "-", "baseline", "result", "ratio"]
    gmp, rust, python, error = lines[2:6]
    assert gmp.split()[-3:] == ["1.00", "MiB*", "4.00x"]
    assert rust.split() == ["Rust", "doubling", "10_000_000", "3.00", "MiB", "1.00", "MiB", "3.00x"]
    assert "(upper bound)" in python
    assert error.startswith("Rust doubling") and error.endswith("ERROR")
    assert lines[6] == f"* result sized by {memory.SIZE_BITS}"
    assert memory_line(cells[1]) == (
        "[memory] Rust doubling    n=10_000_000  peak - baseline 3.00 MiB, result 1.00 MiB"
        " = 3.00x (median of 3 processes)"
    )
    assert memory_line(cells[3]).endswith("ERROR RuntimeError: x")


def test_memory_options() -> None:
    parser = build_parser()
    args = parser.parse_args([])
    assert (args.memory_n, args.memory_runs, args.no_memory) == (None, None, False)
    assert DEFAULT_MEMORY_N == (10**6, 10**7)
    args = parser.parse_args(["--memory-n", "1e3,10**4", "--memory-runs", "2", "--no-memory"])
    assert (args.memory_n, args.memory_runs, args.no_memory) == ((1000, 10_000), 2, True)
