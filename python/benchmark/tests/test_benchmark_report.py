from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from fib_benchmark.report import (
    equality,
    fmt_elapsed,
    fmt_n,
    fmt_ratio,
    fmt_time,
    headline,
    headline_lines,
    progress_line,
    render_table,
    speedup_tables,
    speedups,
    time_table,
    verdict_lines,
)
from fib_benchmark.results import Results

MakeCell = Callable[..., dict[str, Any]]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (1.72144, "1.72 s"),
        (27.04524, "27.0 s"),
        (123.4, "123 s"),
        (0.0075, "7.50 ms"),
        (0.00099996, "1.00 ms"),
        (0.999, "999 ms"),
        (41.3e-6, "41.3 µs"),
        (8.5e-7, "850 ns"),
        (9.996, "10.0 s"),
    ],
)
def test_fmt_time(seconds: float, text: str) -> None:
    assert fmt_time(seconds) == text


def test_fmt_elapsed() -> None:
    assert fmt_elapsed(7.36) == "7.4 s"
    assert fmt_elapsed(106.2) == "1 min 46 s"


def test_fmt_ratio_and_n() -> None:
    assert fmt_ratio(3.0714) == "3.07x"
    assert fmt_ratio(0.4213) == "0.421x"
    assert fmt_ratio(1233.4) == "1233x"
    assert fmt_n(500_000) == "500_000"
    assert fmt_n(10**7) == "10_000_000"


def test_render_table_alignment_and_headings() -> None:
    lines = render_table(["n =", "1", "10"], [["group"], ["  a", "1 s", "22 ms"]])
    assert lines[0].split() == ["n", "=", "1", "10"]
    assert lines[2] == "group"
    assert lines[3].endswith("1 s  22 ms")
    assert len({len(line) for line in (lines[0], lines[1], lines[3])}) == 1


def test_time_table(results: Results) -> None:
    text = "\n".join(time_table(results))
    assert "native CPython 3.11.7" in text and "Pyodide 0.21.3 (CPython 3.10.2)" in text
    rows = {line.split("  ")[1]: line for line in text.splitlines() if line.startswith("  ")}
    assert "GMP (gmpy2.fib)" in rows
    pyodide_loop = [line for line in text.splitlines() if "Python loop" in line][1]
    assert pyodide_loop.split()[-1] == "-"  # capped at n=100


def test_speedups(results: Results) -> None:
    rows = {(r.group, r.label): r.ratios for r in speedups(results)}
    assert rows[("rust-vs-python", "native, loop")] == {100: 3.0, 1000: 3.0}
    assert rows[("rust-vs-python", "Pyodide 0.21.3, loop")] == {100: 3.0}
    assert rows[("doubling-vs-loop", "native, Rust")] == {100: 5.0, 1000: 5.0}
    assert rows[("native-vs-pyodide", "Pyodide 0.21.3, Rust doubling")] == {100: 5.0, 1000: 5.0}
    assert rows[("vs-gmp", "native, Python doubling")] == {100: 4.0, 1000: 4.0}
    assert rows[("vs-gmp", "Pyodide 0.21.3, Rust doubling")] == {100: 10.0, 1000: 10.0}
    assert not any(group == "native-vs-pyodide" and "native" in label for group, label in rows)
    # The fixture's minima are 0.9x its medians, so the ratios by the minima are the same.
    assert rows[("by-minima", "native / GMP")] == pytest.approx({100: 2.0, 1000: 2.0})
    assert rows[("by-minima", "Pyodide 0.21.3 / native")] == pytest.approx({100: 5.0, 1000: 5.0})
    text = "\n".join(speedup_tables(speedups(results), results.n_values))
    assert "Rust vs Python" in text and "3.00x" in text


def test_ratios_by_the_minima_use_the_fastest_repetitions(results: Results) -> None:
    # One fast repetition in a slow cell: the minima's ratio follows it, the medians' does not.
    cell = results.cell("pyodide-0.21.3", "rust-doubling", 1000)
    assert cell is not None
    cell["min_s"] = 2 * 1800.0  # native Rust doubling at 1000: min 1800, median 2000
    rows = {(r.group, r.label): r.ratios for r in speedups(results)}
    assert rows[("by-minima", "Pyodide 0.21.3 / native")][1000] == pytest.approx(2.0)
    assert rows[("native-vs-pyodide", "Pyodide 0.21.3, Rust doubling")][1000] == 5.0


def test_equality_ok(results: Results) -> None:
    v = equality(results)
    assert v.ok and v.compared == 16 and not v.problems
    assert verdict_lines(v)[0].startswith(
        "All implementations gave the same answer at every n? True"
    )


def test_equality_mismatch_within_and_across(results: Results, make_cell: MakeCell) -> None:
    results.cells.append(make_cell("pyodide-0.21.3", "gmp", 100, 1.0, digest="f" * 64))
    results.cells.append(make_cell("native", "python-loop", 10, 1.0, equal=False))
    results.cells.append(
        {"env": "native", "impl": "rust-loop", "n": 10, "status": "error", "error": "Boom"}
    )
    v = equality(results)
    assert not v.ok
    text = "\n".join(verdict_lines(v))
    assert "? False" in text
    assert "environments disagree" in text and "Boom" in text and "differs from gmp" in text


def test_equality_of_nothing_is_not_ok() -> None:
    assert not equality(Results()).ok


def test_headline_prefers_the_seed_n(results: Results) -> None:
    h = headline(results, 1000)
    assert h is not None and h.n == 1000 and h.same
    assert (h.python_s, h.pyrs_s) == (30_000.0, 10_000.0)
    lines = headline_lines(h, "native CPython 3.11.7")
    assert lines[:4] == [
        "Generating Fib number 1_000",
        "Python: 30000.00000 seconds",
        "PyRS: 10000.00000 seconds",
        "fib-python and fib-pyrs gave same answer? True",
    ]
    assert "3.00x" in lines[4]


def test_headline_falls_back_to_largest_measured_n(results: Results) -> None:
    h = headline(results, 500_000)
    assert h is not None and h.n == 1000 and "500_000 was not measured" in h.note


def test_headline_reports_a_difference(results: Results) -> None:
    cell = results.cell("native", "rust-loop", 1000)
    assert cell is not None
    cell["equal"] = False
    h = headline(results, 1000)
    assert h is not None and not h.same
    assert headline_lines(h, "x")[3].endswith("? False")


def test_headline_absent_without_loops() -> None:
    assert headline(Results(), 500_000) is None


def test_progress_line(results: Results) -> None:
    cell = results.cell("native", "rust-doubling", 100)
    assert cell is not None
    cell.update(index=2, total=10, number=50)
    line = progress_line(cell, "Rust doubling")
    assert line.startswith("[native  2/10] Rust doubling")
    assert "median" in line and "3 reps x 50 calls" in line
    cell["equal"] = False
    assert "DIFFERENT RESULT" in progress_line(cell, "Rust doubling")
    err = {"env": "native", "impl": "rust-loop", "n": 1, "status": "error", "error": "E"}
    assert "ERROR E" in progress_line(err, "Rust loop")
