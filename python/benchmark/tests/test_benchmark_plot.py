from __future__ import annotations

from pathlib import Path

import pytest

from fib_benchmark.results import Results

pytest.importorskip("matplotlib")


def test_plot_files(results: Results, tmp_path: Path) -> None:
    from fib_benchmark.plot import write_plot

    paths = [tmp_path / "b.png", tmp_path / "sub" / "b.svg"]
    write_plot(results, paths, "test machine")
    assert paths[0].read_bytes().startswith(b"\x89PNG")
    svg = paths[1].read_text()
    assert "<svg" in svg and "Python doubling" in svg and "Pyodide 0.21.3" in svg
