from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from fib_benchmark.cli import DEFAULT_N, build_parser, parse_impls, parse_n, parse_n_list
from fib_benchmark.pyodide_host import (
    Runtime,
    SetupError,
    load_runtimes,
    parse_line,
    wheels_for,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("500000", 500_000),
        ("500_000", 500_000),
        ("5e5", 500_000),
        ("10**6", 10**6),
        ("10^7", 10**7),
        (" 0 ", 0),
        ("1.5e3", 1500),
    ],
)
def test_parse_n(text: str, value: int) -> None:
    assert parse_n(text) == value


@pytest.mark.parametrize("text", ["-1", "1.5", "1.25e1", "ten", "1e"])
def test_parse_n_rejects(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        parse_n(text)


def test_parse_lists() -> None:
    assert parse_n_list("10**4,1e3, 1000") == (1000, 10_000)
    assert parse_impls("gmp,rust-loop") == ("gmp", "rust-loop")
    with pytest.raises(argparse.ArgumentTypeError):
        parse_impls("fortran-loop")


def test_defaults_cover_the_seed_headline() -> None:
    args = build_parser().parse_args([])
    assert 500_000 in DEFAULT_N and args.headline_n == 500_000
    assert args.loop_max_n >= 500_000 and args.pyodide_loop_max_n < args.loop_max_n


RUNTIMES: list[dict[str, Any]] = [
    {
        "version": "0.21.3",
        "dir": "/x/pyodide-0.21.3",
        "python": "3.10.2",
        "py_tag": "cp310",
        "wheel_platform": "emscripten_3_1_14_wasm32",
        "extra": 1,
    },
    {
        "version": "314.0.7",
        "dir": "/x/pyodide-314.0.7",
        "python": "3.14.2",
        "py_tag": "cp314",
        "wheel_platform": "pyemscripten_2026_0_wasm32",
    },
]


def test_load_runtimes(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(RUNTIMES))
    runtimes = load_runtimes(path)
    assert [r.env for r in runtimes] == ["pyodide-0.21.3", "pyodide-314.0.7"]
    path.write_text(json.dumps(RUNTIMES[1]))
    assert load_runtimes(path)[0].py_tag == "cp314"


def test_wheels_for(tmp_path: Path) -> None:
    rt = Runtime.from_description(RUNTIMES[0])
    with pytest.raises(SetupError, match="make wheels"):
        wheels_for(rt, tmp_path)
    for name in (
        "fib_pyrs-0.1.0-cp310-cp310-emscripten_3_1_14_wasm32.whl",
        "fib_pyrs-0.1.0-cp314-cp314-pyemscripten_2026_0_wasm32.whl",
        "fib_pyrs-0.1.0-cp311-cp311-manylinux_2_34_x86_64.whl",
    ):
        (tmp_path / name).touch()
    with pytest.raises(SetupError, match="fib_python"):
        wheels_for(rt, tmp_path)
    (tmp_path / "fib_python-0.1.0-py3-none-any.whl").touch()
    assert [p.name for p in wheels_for(rt, tmp_path)] == [
        "fib_pyrs-0.1.0-cp310-cp310-emscripten_3_1_14_wasm32.whl",
        "fib_python-0.1.0-py3-none-any.whl",
    ]
    rt314 = Runtime.from_description(RUNTIMES[1])
    assert wheels_for(rt314, tmp_path)[0].name.endswith("pyemscripten_2026_0_wasm32.whl")
    (tmp_path / "fib_python-0.2.0-py3-none-any.whl").touch()
    with pytest.raises(SetupError, match="more than one"):
        wheels_for(rt, tmp_path)


def test_parse_line() -> None:
    assert parse_line('{"type": "done", "env": "x"}\n') == {"type": "done", "env": "x"}
    assert parse_line("Loading distutils") is None
    assert parse_line("{not json") is None
    assert parse_line('{"no_type": 1}') is None
