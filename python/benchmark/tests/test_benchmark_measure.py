from __future__ import annotations

import importlib
import time
from typing import Any

import pytest

from fib_benchmark.measure import (
    SPECS,
    Impl,
    Plan,
    digest,
    discover,
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
    cells = run_sweep(plan, impls, events.append)
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
        plan, [fake("gmp", impl("gmp")), fake("rust-doubling", impl("rust"))], events.append
    )
    assert order == ["gmp", "rust"] + ["gmp", "rust"] * 4
    assert [c["times_s"] for c in cells] == [[2.0**-10] * 2 + [2.0**-9] * 2] * 2
    assert cells[0]["median_s"] == cells[1]["median_s"]
    assert [e["type"] for e in events] == ["start", "start", "rounds", "cell", "cell"]


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
    cells = run_sweep(
        plan,
        [fake("rust-doubling", impl("fast", 0.25)), fake("python-doubling", impl("slow", 1.0))],
        lambda e: None,
    )
    assert [c["reps"] for c in cells] == [4, 2]
    assert order == ["fast", "slow"] + ["fast", "slow"] * 2 + ["fast"] * 2


def test_sweep_records_errors() -> None:
    def broken(n: int) -> int:
        raise RuntimeError("boom")

    cells = run_sweep(Plan("x", (5,), 10, FAST), [fake("rust-loop", broken)], lambda e: None)
    assert cells[0]["status"] == "error" and "boom" in cells[0]["error"]


def test_sweep_records_an_error_in_the_timed_rounds_and_goes_on() -> None:
    calls = [0]

    def fails_when_timed(n: int) -> int:
        calls[0] += 1
        if calls[0] > 1:
            raise RuntimeError("boom later")
        return fib(n)

    impls = [fake("rust-doubling", fails_when_timed), fake("python-doubling", fib)]
    cells = run_sweep(Plan("x", (5,), 10, FAST), impls, lambda e: None)
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
