from __future__ import annotations

import importlib
import json
import time
from pathlib import Path
from typing import Any

import pytest

from fib_benchmark.measure import (
    SPECS,
    Impl,
    Plan,
    RemoteError,
    Session,
    digest,
    discover,
    mapped_library,
    measure_cell,
    run_sweep,
)
from fib_benchmark.stats import Budget


def fib(n: int) -> int:
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


FAST = Budget(budget_s=0.0, min_reps=2, max_reps=2, min_rep_s=0.0, warmup_s=0.0)


def fake(key: str, func: Any) -> Impl:
    return Impl(SPECS[key], func)


def test_digest_is_of_the_value() -> None:
    assert digest(0) == digest(0)
    assert digest(fib(1000)) == digest(int(str(fib(1000))))
    assert digest(fib(1000)) != digest(fib(1000) + 1)
    assert digest(255) != digest(256)


def test_digest_rejects_negative() -> None:
    with pytest.raises(OverflowError):
        digest(-1)


def test_measure_cell_smoke_is_one_call_timed() -> None:
    calls: list[int] = []

    def f(n: int) -> int:
        calls.append(n)
        return n

    value, times, number, _ = measure_cell(f, 7, FAST, smoke=True)
    assert value == 7 and len(times) == 1 and number == 1
    assert calls == [7, 7]  # warm-up + one timed


def test_measure_cell_repetitions() -> None:
    calls: list[int] = []

    def f(n: int) -> int:
        calls.append(n)
        return n

    value, times, number, _ = measure_cell(f, 3, FAST)
    assert value == 3 and len(times) == 2 and number == 1
    assert len(calls) == 3


def test_measure_cell_batches_fast_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    # A fake clock: every call "takes" 0.1 ms, so the batching logic is exercised exactly.
    clock = [0.0]
    monkeypatch.setattr(time, "perf_counter", lambda: clock[0])
    calls: list[int] = []

    def f(n: int) -> int:
        clock[0] += 1e-4
        calls.append(n)
        return n

    budget = Budget(budget_s=0.0, min_reps=3, max_reps=3, min_rep_s=0.001, warmup_s=0.0)
    value, times, number, warmup = measure_cell(f, 1, budget)
    assert value == 1 and number == 10 and warmup == pytest.approx(1e-4)
    assert times == pytest.approx([1e-4] * 3)
    assert len(calls) == 1 + 10 + 3 * 10  # warm-up, calibration batch, three repetitions


def test_measure_cell_reps_follow_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [0.0]
    monkeypatch.setattr(time, "perf_counter", lambda: clock[0])

    def f(n: int) -> int:
        clock[0] += 0.1
        return n

    budget = Budget(budget_s=1.0, min_reps=3, max_reps=25, min_rep_s=0.005)
    _, times, number, _ = measure_cell(f, 1, budget)
    assert number == 1 and len(times) == 10


def test_measure_cell_warms_up_until_the_jit_settles(monkeypatch: pytest.MonkeyPatch) -> None:
    # A fake JIT: the first five calls run "baseline code" (2^-10 s), later ones 8 times
    # faster. The warm-up of 8 slow calls' time covers them, so only fast calls are timed, and
    # the first call's time is the one reported. (Powers of two keep the clock exact.)
    slow, fast = 2.0**-10, 2.0**-13
    clock = [0.0]
    monkeypatch.setattr(time, "perf_counter", lambda: clock[0])
    calls: list[int] = []

    def f(n: int) -> int:
        clock[0] += slow if len(calls) < 5 else fast
        calls.append(n)
        return n

    budget = Budget(budget_s=0.0, min_reps=3, max_reps=3, min_rep_s=slow, warmup_s=8 * slow)
    _, times, number, warmup = measure_cell(f, 1, budget)
    assert warmup == slow
    assert times == [fast] * 3 and number == 8
    assert len(calls) == 5 + 24 + 8 + 3 * 8  # slow warm-up, fast warm-up, calibration, reps


def test_measure_cell_a_slow_first_call_is_the_whole_warm_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = [0.0]
    monkeypatch.setattr(time, "perf_counter", lambda: clock[0])
    calls: list[int] = []

    def f(n: int) -> int:
        clock[0] += 0.5
        calls.append(n)
        return n

    budget = Budget(budget_s=0.0, min_reps=3, max_reps=3, min_rep_s=0.005, warmup_s=0.2)
    measure_cell(f, 1, budget)
    assert len(calls) == 1 + 3


def test_budget_rejects_a_negative_warm_up() -> None:
    with pytest.raises(ValueError):
        Budget(warmup_s=-1.0)


def test_sweep_caps_the_loop_and_checks_equality() -> None:
    impls = [
        fake("rust-doubling", fib),
        fake("python-doubling", fib),
        fake("rust-loop", fib),
        fake("python-loop", lambda n: fib(n) + (n == 50)),  # wrong at n=50
    ]
    events: list[dict[str, Any]] = []
    plan = Plan("native", (10, 50, 200), loop_max_n=50, budget=FAST)
    cells = run_sweep([Session(plan, impls)], events.append)
    assert [c["status"] for c in cells if c["n"] == 200] == ["ok", "ok", "skipped", "skipped"]
    bad = [c for c in cells if c["status"] == "ok" and not c["equal"]]
    assert [(c["impl"], c["n"]) for c in bad] == [("python-loop", 50)]
    assert bad[0]["digest"] != cells[4]["digest"]
    assert all(c["reference"] == "rust-doubling" for c in cells if c["status"] == "ok")
    starts = [e for e in events if e["type"] == "start"]
    assert len(starts) == 10 and starts[-1]["index"] == starts[-1]["total"] == 10
    ok = next(c for c in cells if c["status"] == "ok" and c["n"] == 200)
    assert ok["bits"] == fib(200).bit_length() and ok["reps"] == 2
    assert ok["min_s"] <= ok["median_s"] <= ok["max_s"]


def test_sweep_interleaves_the_timed_repetitions(monkeypatch: pytest.MonkeyPatch) -> None:
    # Two identical implementations on a machine that halves its speed halfway through the
    # timed repetitions (a fake clock): measured one after the other, the second would look
    # twice as slow; in turns, both see both phases alike and their medians are equal.
    clock = [0.0]
    monkeypatch.setattr(time, "perf_counter", lambda: clock[0])
    order: list[str] = []
    timed = [0]

    def impl(key: str) -> Any:
        def f(n: int) -> int:
            order.append(key)
            if len(order) > 2:  # past the two warm-ups (one call a batch: no calibration)
                timed[0] += 1
            clock[0] += 2.0**-10 if timed[0] <= 4 else 2.0**-9
            return n

        return f

    budget = Budget(budget_s=0.0, min_reps=4, max_reps=4, min_rep_s=0.0, warmup_s=0.0)
    events: list[dict[str, Any]] = []
    plan = Plan("native", (7,), loop_max_n=7, budget=budget)
    cells = run_sweep(
        [Session(plan, [fake("gmp", impl("gmp")), fake("rust-doubling", impl("rust"))])],
        events.append,
    )
    assert order == ["gmp", "rust"] + ["gmp", "rust"] * 4
    assert [c["times_s"] for c in cells] == [[2.0**-10] * 2 + [2.0**-9] * 2] * 2
    assert cells[0]["median_s"] == cells[1]["median_s"]
    assert [e["type"] for e in events] == ["start", "start", "rounds", "cell", "cell"]


def test_sweep_interleaves_the_environments(monkeypatch: pytest.MonkeyPatch) -> None:
    # Two sessions (as native and a Pyodide runtime are): each warms up its own implementations
    # and checks them against its own first result; then every round takes one repetition of
    # every cell of both, so the slowdown midway reaches both environments alike. An n that is
    # only in one plan is measured only there, and the loop cap is each plan's own.
    clock = [0.0]
    monkeypatch.setattr(time, "perf_counter", lambda: clock[0])
    order: list[str] = []
    timed = [0]

    def impl(name: str) -> Any:
        def f(n: int) -> int:
            order.append(name)
            if len(order) > 4:  # past the four warm-ups
                timed[0] += 1
            clock[0] += 2.0**-10 if timed[0] <= 8 else 2.0**-9
            return fib(n) + (name == "b:loop")  # wrong only in the second session

        return f

    budget = Budget(budget_s=0.0, min_reps=4, max_reps=4, min_rep_s=0.0, warmup_s=0.0)
    first = Session(
        Plan("a", (7,), loop_max_n=7, budget=budget),
        [fake("rust-doubling", impl("a:doubling")), fake("rust-loop", impl("a:loop"))],
    )
    second = Session(
        Plan("b", (7, 9), loop_max_n=8, budget=budget),
        [fake("rust-doubling", impl("b:doubling")), fake("rust-loop", impl("b:loop"))],
    )
    events: list[dict[str, Any]] = []
    cells = run_sweep([first, second], events.append)
    round_ = ["a:doubling", "a:loop", "b:doubling", "b:loop"]
    assert order[:20] == round_ + round_ * 4
    assert [(c["env"], c["impl"], c["n"], c["status"]) for c in cells] == [
        ("a", "rust-doubling", 7, "ok"),
        ("a", "rust-loop", 7, "ok"),
        ("b", "rust-doubling", 7, "ok"),
        ("b", "rust-loop", 7, "ok"),
        ("b", "rust-doubling", 9, "ok"),
        ("b", "rust-loop", 9, "skipped"),
    ]
    assert [c["times_s"] for c in cells[:4]] == [[2.0**-10] * 2 + [2.0**-9] * 2] * 4
    assert [c["equal"] for c in cells[:4]] == [True, True, True, False]
    assert {c["reference"] for c in cells[:4]} == {"rust-doubling"}
    assert cells[0]["digest"] == cells[2]["digest"] != cells[3]["digest"]
    rounds = [e for e in events if e["type"] == "rounds"]
    assert rounds == [
        {"type": "rounds", "envs": ["a", "b"], "n": 7, "rounds": 4},
        {"type": "rounds", "envs": ["b"], "n": 9, "rounds": 4},
    ]
    starts = [(e["env"], e["index"], e["total"]) for e in events if e["type"] == "start"]
    assert starts == [("a", 1, 2), ("a", 2, 2), ("b", 1, 3), ("b", 2, 3), ("b", 3, 3)]


def test_session_commands_round_trip_as_json() -> None:
    # What the Node runner hands a session inside Pyodide, and what comes back.
    def broken(n: int) -> int:
        raise ValueError("no")

    session = Session(
        Plan("x", (5,), 10, FAST), [fake("rust-doubling", fib), fake("rust-loop", broken)]
    )
    prepared = json.loads(session.handle('{"op": "prepare", "impl": "rust-doubling", "n": 10}'))
    assert prepared["ok"] and prepared["result"]["digest"] == digest(55)
    assert prepared["result"]["planned_reps"] == 2 and prepared["result"]["equal"]
    timed = json.loads(
        session.handle('{"op": "time", "impl": "rust-doubling", "n": 10, "number": 3}')
    )
    assert timed["ok"] and timed["result"] > 0
    failed = json.loads(session.handle('{"op": "prepare", "impl": "rust-loop", "n": 10}'))
    assert failed == {"type": "reply", "ok": False, "error": "ValueError: no"}
    assert json.loads(session.handle('{"op": "end"}')) == {
        "type": "reply",
        "ok": True,
        "result": None,
    }
    assert not json.loads(session.handle('{"op": "jump"}'))["ok"]


def test_a_remote_error_is_recorded_as_sent() -> None:
    class Remote(Session):
        def time(self, key: str, n: int, number: int) -> float:
            raise RemoteError("MemoryError: out of it")

    cells = run_sweep(
        [Remote(Plan("x", (5,), 10, FAST), [fake("rust-doubling", fib)])], lambda e: None
    )
    assert cells[0]["status"] == "error" and cells[0]["error"] == "MemoryError: out of it"


def test_sweep_gives_each_implementation_its_own_repetitions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A slow call gets the budget's minimum of repetitions, a fast one more; the rounds go on
    # with the fast one alone.
    clock = [0.0]
    monkeypatch.setattr(time, "perf_counter", lambda: clock[0])
    order: list[str] = []

    def impl(key: str, seconds: float) -> Any:
        def f(n: int) -> int:
            order.append(key)
            clock[0] += seconds
            return n

        return f

    budget = Budget(budget_s=1.0, min_reps=2, max_reps=5, min_rep_s=0.0, warmup_s=0.0)
    plan = Plan("native", (3,), loop_max_n=3, budget=budget)
    impls = [fake("rust-doubling", impl("fast", 0.25)), fake("python-doubling", impl("slow", 1.0))]
    cells = run_sweep([Session(plan, impls)], lambda e: None)
    assert [c["reps"] for c in cells] == [4, 2]
    assert order == ["fast", "slow"] + ["fast", "slow"] * 2 + ["fast"] * 2


def test_sweep_records_errors() -> None:
    def broken(n: int) -> int:
        raise RuntimeError("boom")

    cells = run_sweep(
        [Session(Plan("x", (5,), 10, FAST), [fake("rust-loop", broken)])], lambda e: None
    )
    assert cells[0]["status"] == "error" and "boom" in cells[0]["error"]


def test_sweep_records_an_error_in_the_timed_rounds_and_goes_on() -> None:
    calls = [0]

    def fails_when_timed(n: int) -> int:
        calls[0] += 1
        if calls[0] > 1:
            raise RuntimeError("boom later")
        return fib(n)

    impls = [fake("rust-doubling", fails_when_timed), fake("python-doubling", fib)]
    cells = run_sweep([Session(Plan("x", (5,), 10, FAST), impls)], lambda e: None)
    assert cells[0]["status"] == "error" and "boom later" in cells[0]["error"]
    assert cells[1]["status"] == "ok" and cells[1]["reps"] == 2 and cells[1]["equal"]


def test_plan_json_round_trip() -> None:
    plan = Plan(
        "pyodide-0.21.3", (1, 10), 5, Budget(budget_s=0.5), smoke=True, impls=("rust-loop",)
    )
    assert Plan.from_json(plan.to_json()) == plan
    plain = Plan("native", (1,), 5)
    assert Plan.from_json(plain.to_json()) == plain


def test_discover_optional_and_required(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def fake_import(name: str) -> Any:
        if name in ("gmpy2", "fib_pyrs"):
            raise ImportError(f"no {name}")
        return real(name)

    monkeypatch.setattr(importlib, "import_module", fake_import)
    with pytest.raises(ImportError, match="fib_pyrs"):
        discover()
    with pytest.raises(ValueError, match="unknown"):
        discover(["nope"])


def test_discover_skips_missing_gmpy2(monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_import(name: str) -> Any:
        raise ImportError(name)

    monkeypatch.setattr(importlib, "import_module", fake_import)
    assert discover(["gmp"]) == []


def test_mapped_library_reads_the_first_mapping_of_that_name(tmp_path: Path) -> None:
    maps = tmp_path / "maps"
    maps.write_text(
        "7f00-7f01 r--p 00000000 00:00 0 \n"  # anonymous: no path
        "7f01-7f02 r--p 00000000 fe:01 12 /usr/lib/libgmpxx.so.4 \n"
        "7f02-7f03 r-xp 00000000 fe:01 34 /site/gmpy2.libs/libgmp-a6f47472.so.10.5.0\n"
        "7f03-7f04 r-xp 00000000 fe:01 35 /usr/lib/libgmp.so.10\n"
    )
    # libgmpxx is another library: the name must end at ".so" or at auditwheel's "-HASH".
    assert mapped_library("libgmp", str(maps)) == "/site/gmpy2.libs/libgmp-a6f47472.so.10.5.0"
    assert mapped_library("libgmpxx", str(maps)) == "/usr/lib/libgmpxx.so.4"
    assert mapped_library("libmpfr", str(maps)) is None
    assert mapped_library("libgmp", str(tmp_path / "missing")) is None
