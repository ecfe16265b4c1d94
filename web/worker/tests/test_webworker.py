"""The webworker package on the host: parsing n, running, comparing, reporting, never raising.

fib_python comes from python/fib-python/src (checks/test-web.sh puts it on PYTHONPATH); fib_pyrs
is replaced by stand-ins so these tests do not depend on which native wheel is built. The real
fib_pyrs runs inside Pyodide in the browser test.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import time
import types
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fib_python
import pytest

import webworker

WORKER_DIR = Path(__file__).resolve().parent.parent
SEED_KEYS = ["status", "n", "fib_py_duration", "fib_pyrs_duration"]
F100 = 354224848179261915075


def fake_module(name: str, **functions: Any) -> types.ModuleType:
    module = types.ModuleType(name)
    module.MAX_N = fib_python.MAX_N  # type: ignore[attr-defined]
    for key, value in functions.items():
        setattr(module, key, value)
    return module


@pytest.fixture(autouse=True)
def implementations(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """fib_python is real; fib_pyrs is a correct stand-in (fib_python's functions) by default."""
    modules: dict[str, Any] = {
        "fib_python": fib_python,
        "fib_pyrs": fake_module("fib_pyrs", fib=fib_python.fib, fib_iter=fib_python.fib_iter),
    }
    monkeypatch.setattr(webworker, "_modules", modules)
    yield modules


def collect(request: dict[str, Any]) -> list[dict[str, Any]]:
    posted: list[dict[str, Any]] = []
    webworker.handle(request, posted.append)
    return posted


# --- parse_n ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("100000", 100_000),
        ("  42 ", 42),
        ("100_000", 100_000),
        ("100,000", 100_000),
        ("1,000,000", 1_000_000),
        ("100 000", 100_000),
        ("0", 0),
        ("-0", 0),
        ("007", 7),
        (7, 7),
        (7.0, 7),
        ("10000000", 10_000_000),
    ],
)
def test_parse_n_accepts(raw: object, expected: int) -> None:
    assert webworker.parse_n(raw, "doubling") == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "enter n"),
        ("   ", "enter n"),
        ("abc", "whole number"),
        ("1e5", "whole number"),
        ("1.5", "whole number"),
        ("0x10", "whole number"),
        ("+5", "whole number"),
        ("1__0", "whole number"),
        ("10,00", "whole number"),
        ("1 0", "whole number"),
        ("\u0661\u0660", "whole number"),  # Arabic-Indic digits: int() takes them, the page not
        ("-5", "n must be >= 0, got n=-5"),
        ("\N{MINUS SIGN}5", "n must be >= 0, got n=-5"),
        (-1, "n must be >= 0, got n=-1"),
        ("10000001", "above this page's limit of 10,000,000 for fast doubling"),
        (10**9 + 1, "above this page's limit"),
        ("9" * 5000, "(5000 digits) is above this page's limit"),
        ("-" + "9" * 5000, "5000-digit negative number"),
        (1.5, "whole number"),
        (float("nan"), "whole number"),
        (float("inf"), "whole number"),
        (1e300, "above this page's limit"),
        (None, "whole number"),
        (True, "whole number"),
        ([1], "whole number"),
    ],
)
def test_parse_n_rejects(raw: object, message: str) -> None:
    with pytest.raises(webworker.BadRequest) as info:
        webworker.parse_n(raw, "doubling")
    assert message in str(info.value)


def test_parse_n_limits_depend_on_the_algorithm() -> None:
    assert webworker.parse_n("1000000", "loop") == 1_000_000
    with pytest.raises(webworker.BadRequest, match="limit of 1,000,000 for the addition loop"):
        webworker.parse_n("1000001", "loop")
    assert webworker.parse_n("1000001", "doubling") == 1_000_001


def test_parse_n_never_converts_a_huge_string() -> None:
    start = time.perf_counter()
    with pytest.raises(webworker.BadRequest):
        webworker.parse_n("9" * 1_000_000, "doubling")
    assert time.perf_counter() - start < 1.0


def test_limits_are_within_the_libraries_max_n() -> None:
    assert max(webworker.LIMITS.values()) <= fib_python.MAX_N


# --- decimal_digits --------------------------------------------------------------------------


@pytest.mark.parametrize("k", [1, 2, 15, 16, 17, 22, 23, 300, 308, 309, 4000])
def test_decimal_digits_at_powers_of_ten(k: int) -> None:
    for x in (10**k - 1, 10**k, 10**k + 1):
        assert webworker.decimal_digits(x) == len(str(x))


def test_decimal_digits_of_fibonacci_numbers() -> None:
    for n in [0, 1, 2, 10, 93, 94, 1000, 4782, 20_000]:
        value = fib_python.fib(n)
        assert webworker.decimal_digits(value) == len(str(value)), n


# --- run / handle ----------------------------------------------------------------------------


def test_complete_message_keeps_the_seed_keys_first() -> None:
    posted = collect({"id": 3, "n": "100", "implementations": ["fib_python", "fib_pyrs"]})
    assert [m["status"] for m in posted] == ["running", "running", "complete"]
    assert [m["implementation"] for m in posted[:2]] == ["fib_python", "fib_pyrs"]
    done = posted[-1]
    assert list(done)[:4] == SEED_KEYS
    assert done["n"] == 100 and done["id"] == 3 and done["algorithm"] == "doubling"
    assert isinstance(done["fib_py_duration"], float) and done["fib_py_duration"] >= 0
    assert isinstance(done["fib_pyrs_duration"], float) and done["fib_pyrs_duration"] >= 0
    assert done["agree"] is True
    assert done["last_digits"] == str(F100 % 10**20)
    assert done["digits"] == 21 and done["bits"] == F100.bit_length()
    json.dumps(done)  # JSON-serialisable as is


def test_n_100000_with_both_algorithms() -> None:
    for algorithm in ("doubling", "loop"):
        done = collect({"n": 100_000, "algorithm": algorithm})[-1]
        assert done["status"] == "complete", done
        assert done["agree"] is True
        assert done["digits"] == 20_899
        assert done["last_digits"] == str(fib_python.fib(100_000) % 10**20)


def test_first_call_and_the_median_of_the_repeats(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first call is timed on its own; then up to REPEATS calls, with the collector off."""
    calls: list[bool] = []

    def counted(n: int) -> int:
        calls.append(gc.isenabled())
        return fib_python.fib(n)

    modules = {"fib_python": fib_python, "fib_pyrs": fake_module("fib_pyrs", fib=counted)}
    monkeypatch.setattr(webworker, "_modules", modules)
    done = collect({"n": 2000})[-1]
    assert done["status"] == "complete"
    assert done["fib_pyrs_repeats"] == webworker.REPEATS == len(calls) - 1
    assert calls == [False] * len(calls)  # gc off in every timed call ...
    assert gc.isenabled()  # ... and back on afterwards
    for prefix in ("fib_py", "fib_pyrs"):
        assert isinstance(done[f"{prefix}_median"], float) and done[f"{prefix}_median"] >= 0
    json.dumps(done)


def test_no_repeats_once_the_budget_is_spent(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(n: int) -> int:
        time.sleep(0.05)
        return fib_python.fib(n)

    monkeypatch.setattr(webworker, "REPEAT_BUDGET_S", 0.04)
    modules = {"fib_python": fib_python, "fib_pyrs": fake_module("fib_pyrs", fib=slow)}
    monkeypatch.setattr(webworker, "_modules", modules)
    done = collect({"n": 10})[-1]
    assert done["fib_pyrs_repeats"] == 0 and done["fib_pyrs_median"] is None
    assert done["fib_pyrs_duration"] >= 50
    assert done["fib_py_repeats"] >= 1  # fast enough for repeats within the budget


def test_median_helper() -> None:
    assert webworker._median([3.0]) == 3.0
    assert webworker._median([5.0, 1.0, 3.0]) == 3.0
    assert webworker._median([4.0, 1.0, 3.0, 2.0]) == 2.5


def test_one_implementation_leaves_the_other_duration_null() -> None:
    done = collect({"n": 10, "implementations": ["fib_pyrs"]})[-1]
    assert done["fib_py_duration"] is None
    assert done["fib_py_median"] is None and done["fib_py_repeats"] is None
    assert isinstance(done["fib_pyrs_duration"], float)
    assert done["agree"] is None
    assert done["implementations"] == ["fib_pyrs"]


def test_disagreeing_implementations_are_reported(implementations: dict[str, Any]) -> None:
    implementations["fib_pyrs"] = fake_module("fib_pyrs", fib=lambda n: fib_python.fib(n) + 1)
    done = collect({"n": 1000})[-1]
    assert done["status"] == "complete"
    assert done["agree"] is False
    assert set(done["mismatch"]) == {"fib_python", "fib_pyrs"}


def test_comparison_is_by_value_not_by_string(implementations: dict[str, Any]) -> None:
    """A result that is equal but a different int subclass still agrees; str() is never used."""

    class NoStr(int):
        def __str__(self) -> str:
            raise AssertionError("str() of a result")

        __repr__ = __str__

    implementations["fib_pyrs"] = fake_module("fib_pyrs", fib=lambda n: NoStr(fib_python.fib(n)))
    implementations["fib_python"] = fake_module(
        "fib_python", fib=lambda n: NoStr(fib_python.fib(n))
    )
    done = collect({"n": 5000})[-1]
    assert done["status"] == "complete" and done["agree"] is True


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        ({"n": "abc"}, "whole number"),
        ({"n": "-5"}, "n must be >= 0"),
        ({"n": "20000000"}, "limit of 10,000,000"),
        ({"n": "2000000", "algorithm": "loop"}, "limit of 1,000,000"),
        ({"n": "5", "algorithm": "fft"}, "algorithm must be one of doubling, loop"),
        ({"n": "5", "implementations": []}, "at least one implementation"),
        ({"n": "5", "implementations": "fib_python"}, "at least one implementation"),
        ({"n": "5", "implementations": ["gmpy2"]}, "unknown implementation"),
        ({}, "whole number"),
    ],
)
def test_bad_requests_become_error_messages(request_: dict[str, Any], message: str) -> None:
    posted = collect({"id": 9, **request_})
    assert len(posted) == 1
    assert posted[0]["status"] == "error" and posted[0]["id"] == 9
    assert posted[0]["kind"] == "bad-request"
    assert message in posted[0]["message"]


def test_a_missing_implementation_is_an_error_not_a_crash(
    implementations: dict[str, Any],
) -> None:
    implementations["fib_pyrs"] = "ModuleNotFoundError: No module named 'fib_pyrs'"
    info = webworker.describe()
    assert info["implementations"]["fib_pyrs"]["available"] is False
    assert info["implementations"]["fib_python"]["available"] is True
    posted = collect({"n": "10"})
    assert posted[-1]["status"] == "error"
    assert "fib_pyrs is not available" in posted[-1]["message"]
    assert collect({"n": "10", "implementations": ["fib_python"]})[-1]["status"] == "complete"


def test_an_exception_inside_an_implementation_is_reported(
    implementations: dict[str, Any],
) -> None:
    class PanicException(BaseException):  # what pyo3 raises for a Rust panic
        pass

    def panics(n: int) -> int:
        raise PanicException("boom")

    implementations["fib_pyrs"] = fake_module("fib_pyrs", fib=panics)
    posted = collect({"n": "10"})
    assert posted[-1] == {
        "status": "error",
        "id": None,
        "kind": "PanicException",
        "message": "PanicException: boom",
    }


def test_a_non_object_request_is_an_error() -> None:
    posted: list[dict[str, Any]] = []
    webworker.handle([1, 2], posted.append)  # type: ignore[arg-type]
    assert posted[0]["status"] == "error"


def test_handle_json_round_trip() -> None:
    replies: list[str] = []
    webworker.handle_json(json.dumps({"id": 1, "n": "1000"}), replies.append)
    done = json.loads(replies[-1])
    assert done["status"] == "complete" and done["agree"] is True
    replies.clear()
    webworker.handle_json("{not json", replies.append)
    assert json.loads(replies[0])["message"].startswith("bad JSON")


def test_a_job_pauses_after_each_running_message_before_timing(
    implementations: dict[str, Any],
) -> None:
    """Each step but the last ends with a "running" message, and that implementation is called
    only in the next step (the worker waits in between until the page has drawn it)."""
    calls: list[str] = []

    def recorded(name: str, fib: Any) -> Any:
        def call(n: int) -> int:
            calls.append(name)
            return int(fib(n))

        return call

    for name, module in list(implementations.items()):
        implementations[name] = fake_module(name, fib=recorded(name, module.fib))
    replies: list[dict[str, Any]] = []
    request = json.dumps({"id": 4, "n": "1000"})
    job = webworker.Job(request, lambda text: replies.append(json.loads(text)))
    assert job.step() is True
    assert [(r["status"], r["implementation"]) for r in replies] == [("running", "fib_python")]
    assert calls == []
    assert job.step() is True
    assert [(r["status"], r["implementation"]) for r in replies[1:]] == [("running", "fib_pyrs")]
    assert set(calls) == {"fib_python"}
    assert job.step() is False
    assert set(calls) == {"fib_python", "fib_pyrs"}
    assert replies[-1]["status"] == "complete" and replies[-1]["id"] == 4
    assert replies[-1]["agree"] is True
    assert job.step() is False and len(replies) == 3


@pytest.mark.parametrize(
    ("raw", "message"), [("{not json", "bad JSON"), (json.dumps({"id": 5, "n": "-1"}), ">= 0")]
)
def test_a_bad_job_ends_at_its_first_step_with_an_error(raw: str, message: str) -> None:
    replies: list[dict[str, Any]] = []
    assert webworker.Job(raw, lambda text: replies.append(json.loads(text))).step() is False
    assert len(replies) == 1 and replies[0]["status"] == "error"
    assert message in replies[0]["message"]


def test_a_job_dropped_while_paused_posts_nothing_more() -> None:
    """The worker destroys a Job it does not finish (its runtime failing): no error is made up."""
    replies: list[str] = []
    job = webworker.Job(json.dumps({"n": "10"}), replies.append)
    assert job.step() is True
    del job
    gc.collect()
    assert [json.loads(r)["status"] for r in replies] == ["running"]


def test_a_job_posts_what_handle_json_posts() -> None:
    request = json.dumps({"id": 2, "n": "2000", "algorithm": "loop"})
    by_handle: list[str] = []
    webworker.handle_json(request, by_handle.append)
    by_job: list[str] = []
    job = webworker.Job(request, by_job.append)
    while job.step():
        pass

    def untimed(text: str) -> dict[str, Any]:
        return {k: v for k, v in json.loads(text).items() if not k.startswith("fib_py")}

    assert [untimed(r) for r in by_job] == [untimed(r) for r in by_handle]


def test_describe_json() -> None:
    info = json.loads(webworker.describe_json())
    assert info["limits"] == webworker.LIMITS
    assert info["python"] == sys.version.split()[0]
    assert set(info["implementations"]) == {"fib_python", "fib_pyrs"}


def test_the_real_import_path_reports_a_missing_module(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webworker, "_modules", {})
    monkeypatch.setitem(webworker.IMPLEMENTATIONS, "fib_pyrs", ("no_such_module_xyz", "x"))
    assert "ModuleNotFoundError" in str(webworker._module("fib_pyrs"))
    assert webworker._module("fib_python") is fib_python


# --- warm-up and versions ------------------------------------------------------------------


def test_warm_up_runs_every_implementation_and_algorithm(
    implementations: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, int]] = []

    def recording(label: str) -> Any:
        def compute(n: int) -> int:
            seen.append((label, n))
            assert not gc.isenabled()
            return 0

        return compute

    implementations["fib_pyrs"] = fake_module(
        "fib_pyrs", fib=recording("rs fib"), fib_iter=recording("rs loop")
    )
    monkeypatch.setattr(webworker, "WARM_UP_N", {"doubling": (1000, 2000), "loop": (100,)})
    report = webworker.warm_up()
    rounds = report["rounds"]
    assert webworker.WARM_UP_MIN_ROUNDS <= rounds
    assert set(report["ms"]) == {"fib_python", "fib_pyrs"}
    for times in report["ms"].values():
        assert set(times) == {"doubling", "loop"}
        assert set(times["doubling"]) == {"1000", "2000"} and set(times["loop"]) == {"100"}
        assert all(len(calls) == rounds for by_n in times.values() for calls in by_n.values())
    # Whole requests: each round's first call and its repeats.
    for call in [("rs fib", 1000), ("rs fib", 2000), ("rs loop", 100)]:
        assert seen.count(call) == rounds * (1 + webworker.REPEATS)
    assert report["n"] == {"doubling": [1000, 2000], "loop": [100]}
    assert report["total_ms"] >= 0
    assert gc.isenabled()
    json.dumps(report)


def test_warm_up_goes_on_while_calls_get_faster(
    implementations: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Calls that keep getting much faster (code being optimized) keep it going; once they stop,
    so does the warm-up. The calls take scripted times on a fake clock."""
    clock = types.SimpleNamespace(now=0.0)
    durations = iter([0.020, 0.015, 0.010, 0.006, 0.003, 0.001] + [0.001] * 50)

    def speeding_up(n: int) -> int:
        clock.now += next(durations)
        return 0

    def constant(n: int) -> int:
        clock.now += 0.001
        return 0

    monkeypatch.setattr(webworker, "time", types.SimpleNamespace(perf_counter=lambda: clock.now))
    implementations.clear()
    implementations["fib_python"] = fake_module("fib_python", fib=speeding_up, fib_iter=constant)
    implementations["fib_pyrs"] = "ModuleNotFoundError: none here"  # skipped, not an error
    monkeypatch.setattr(webworker, "WARM_UP_N", {"doubling": (10,), "loop": (10,)})
    monkeypatch.setattr(webworker, "WARM_UP_MAX_S", 10.0)
    monkeypatch.setattr(webworker, "REPEATS", 0)  # one call per request: the script's order
    report = webworker.warm_up()
    assert set(report["ms"]) == {"fib_python"}
    # Rounds 2-6 each made the doubling call faster by more than WARM_UP_GAIN; round 7 did not.
    assert report["rounds"] == 7
    assert report["ms"]["fib_python"]["doubling"]["10"][:6] == pytest.approx(
        [20.0, 15.0, 10.0, 6.0, 3.0, 1.0]
    )


def test_warm_up_runs_whole_requests_and_hands_each_reply_to_post_json(
    implementations: dict[str, Any],
) -> None:
    replies: list[dict[str, Any]] = []
    warm = webworker.WarmUp(lambda text: replies.append(json.loads(text)))
    while warm.step():
        pass
    complete = [r for r in replies if r["status"] == "complete"]
    sizes = [(a, n) for a, ns in webworker.WARM_UP_N.items() for n in ns]
    assert len(complete) == warm.rounds * len(sizes)
    assert [(r["algorithm"], r["n"]) for r in complete[: len(sizes)]] == sizes
    assert all(r["agree"] is True and r["fib_pyrs_repeats"] >= 1 for r in complete)
    running = [r["implementation"] for r in replies[:2]]
    assert running == ["fib_python", "fib_pyrs"] and replies[2]["status"] == "complete"
    doubling = [r for r in complete if r["algorithm"] == "doubling" and r["n"] == 100_000]
    ms = warm.report()["ms"]["fib_pyrs"]["doubling"]["100000"]
    assert ms == [r["fib_pyrs_duration"] for r in doubling]


def test_a_failing_warm_up_request_is_an_error(
    implementations: dict[str, Any],
) -> None:
    def panics(n: int) -> int:
        raise RuntimeError("boom")

    implementations["fib_pyrs"] = fake_module("fib_pyrs", fib=panics, fib_iter=panics)
    with pytest.raises(RuntimeError, match="the warm-up's request failed: RuntimeError: boom"):
        webworker.WarmUp().step()


def test_warm_up_stops_at_its_time_cap(
    implementations: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    faster = iter(1.0 / 2**k for k in range(1000))

    def always_faster(n: int) -> int:
        time.sleep(0.002 * next(faster))
        return 0

    implementations["fib_pyrs"] = fake_module("fib_pyrs", fib=always_faster, fib_iter=lambda n: 0)
    monkeypatch.setattr(webworker, "WARM_UP_N", {"doubling": (10,), "loop": (10,)})
    monkeypatch.setattr(webworker, "WARM_UP_MAX_S", 0.0)
    assert webworker.warm_up()["rounds"] == webworker.WARM_UP_MIN_ROUNDS


def test_version_comes_from_the_dist_info_beside_the_package(tmp_path: Path) -> None:
    package = tmp_path / "site-packages" / "demo_pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (tmp_path / "site-packages" / "demo_pkg-1.2.3.dist-info").mkdir()
    module = types.ModuleType("demo_pkg")
    module.__file__ = str(package / "__init__.py")
    assert webworker._version(module) == "1.2.3"
    (tmp_path / "site-packages" / "demo_pkg-1.2.3.dist-info").rmdir()
    assert webworker._version(module) is None
    assert webworker._version(types.ModuleType("no_file")) is None


# --- the wheel -------------------------------------------------------------------------------


def test_the_wheel_builds_without_build_isolation(tmp_path: Path) -> None:
    """The command checks/wheel-python.sh runs; the wheel holds the package and its marker."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--disable-pip-version-check", "--no-deps",
         "--no-build-isolation", "--wheel-dir", str(tmp_path), str(WORKER_DIR)],
        check=True,
    )  # fmt: skip
    wheel = tmp_path / "webworker-0.1.0-py3-none-any.whl"
    names = zipfile.ZipFile(wheel).namelist()
    assert "webworker/__init__.py" in names and "webworker/py.typed" in names
    assert not [name for name in names if "tests" in name]
