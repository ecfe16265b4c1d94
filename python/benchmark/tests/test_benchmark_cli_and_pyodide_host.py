from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from fib_benchmark import pyodide_host
from fib_benchmark.cli import DEFAULT_N, build_parser, parse_impls, parse_n, parse_n_list
from fib_benchmark.measure import Plan, RemoteError, run_sweep
from fib_benchmark.pyodide_host import (
    NodeSession,
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


# A stand-in for run.mjs (the real one needs Node and a runtime: `make benchmark-smoke` runs it):
# the same lines on stdout, and a crash or a hang on request.
FAKE_RUNNER = """
import json, sys
print("Loading something")  # a line that is not an event
if "--broken" in sys.argv[0]:
    sys.exit("no runtime here")
print(json.dumps({"type": "runner", "pyodide": "0.0", "load_s": 0.1}), flush=True)
print(json.dumps({"type": "env", "python": "3.10.2"}), flush=True)
print(json.dumps({"type": "ready", "impls": ["rust-doubling"]}), flush=True)
for line in sys.stdin:
    c = json.loads(line)
    if c["op"] == "prepare" and c["n"] == 7:
        import time
        time.sleep(3600)  # a runtime that never answers
    if c["op"] == "prepare" and c["n"] == 13:
        print("the runtime aborted", file=sys.stderr, flush=True)
        sys.exit(3)
    if c["op"] == "prepare" and c["n"] < 0:
        reply = {"type": "reply", "ok": False, "error": "ValueError: n must be >= 0"}
    elif c["op"] == "prepare":
        reply = {"type": "reply", "ok": True, "result": {"number": 2, "planned_reps": 3}}
    else:
        reply = {"type": "reply", "ok": True, "result": 0.25 if c["op"] == "time" else None}
    print(json.dumps(reply), flush=True)
"""


@pytest.fixture
def fake_runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    runner = tmp_path / "runner.py"
    runner.write_text(FAKE_RUNNER)
    monkeypatch.setattr(pyodide_host, "RUNNER", runner)
    return runner


def test_node_session_speaks_the_runner_protocol(fake_runner: Path) -> None:
    rt = Runtime.from_description(RUNTIMES[0])
    events: list[dict[str, Any]] = []
    session = NodeSession(sys.executable, rt, [], Plan(rt.env, (5,), 5), events.append)
    try:
        assert session.keys == ["rust-doubling"]
        assert (
            [e["type"] for e in events] == ["runner", "env"] == [e["type"] for e in session.events]
        )
        assert session.prepare("rust-doubling", 5) == {"number": 2, "planned_reps": 3}
        assert session.time("rust-doubling", 5, 2) == 0.25
        with pytest.raises(RemoteError, match=r"^ValueError: n must be >= 0$"):
            session.prepare("rust-doubling", -1)
        session.end()
        with pytest.raises(RuntimeError, match="run failed"):
            session.prepare("rust-doubling", 13)
        assert session.failure is not None and "the runtime aborted" in session.failure
        assert "exit 3" in session.failure
        with pytest.raises(RuntimeError, match="run failed"):
            session.time("rust-doubling", 5, 2)  # gone for good
    finally:
        session.close()


def test_a_hung_runner_is_stopped_and_says_so(fake_runner: Path) -> None:
    rt = Runtime.from_description(RUNTIMES[0])
    session = NodeSession(sys.executable, rt, [], Plan(rt.env, (5,), 5), lambda e: None, 1.0)
    try:
        assert session.prepare("rust-doubling", 5) == {"number": 2, "planned_reps": 3}
        with pytest.raises(RuntimeError, match=r"run failed \(no 'reply' line within 1 s: stopped"):
            session.prepare("rust-doubling", 7)
        assert session._proc.poll() is not None  # killed, not left running
        with pytest.raises(RuntimeError, match="run failed"):
            session.time("rust-doubling", 5, 2)  # gone for good
    finally:
        session.close()


def test_a_lost_runner_fails_its_cells_and_the_sweep_goes_on(fake_runner: Path) -> None:
    rt = Runtime.from_description(RUNTIMES[0])
    session = NodeSession(sys.executable, rt, [], Plan(rt.env, (5, 13), 100), lambda e: None)
    try:
        cells = run_sweep([session], lambda e: None)
    finally:
        session.close()
    assert [(c["n"], c["status"]) for c in cells] == [(5, "ok"), (13, "error")]
    assert cells[0]["times_s"] == [0.25] * 3 and cells[0]["number"] == 2
    assert "run failed" in cells[1]["error"] and "exit 3" in str(session.failure)


def test_a_runner_that_does_not_start_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = tmp_path / "runner--broken.py"
    runner.write_text(FAKE_RUNNER)
    monkeypatch.setattr(pyodide_host, "RUNNER", runner)
    rt = Runtime.from_description(RUNTIMES[0])
    with pytest.raises(RuntimeError, match=r"(?s)run failed.*exit 1.*no runtime here"):
        NodeSession(sys.executable, rt, [], Plan(rt.env, (5,), 5), lambda e: None)
