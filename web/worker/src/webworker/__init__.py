"""The Python side of the page's Web Worker: validates a request, runs the implementations, reports.

``web/static/worker.js`` loads Pyodide, unpacks the wheels and then calls :func:`describe_json`
and runs a :class:`WarmUp` once (whole requests, before the "ready" message) and
:func:`handle_json` for every request from the page. Messages are JSON strings in both
directions, so nothing depends on one Pyodide version's proxy conversions.

A request: ``{"id": 1, "n": "100000", "implementations": ["fib_python", "fib_pyrs"],
"algorithm": "doubling"}`` (n may be a string as typed, or an integer). Replies, in order:
``{"status": "running", ...}`` before each implementation runs, then either
``{"status": "complete", "n": ..., "fib_py_duration": ..., "fib_pyrs_duration": ..., ...}``
or ``{"status": "error", "message": ...}``. :func:`handle` never raises. The worker runs a request
as a :class:`Job`, which pauses after each "running" message until the page has drawn it.

What is timed, the way the benchmark times it: each implementation's first call (its result is
the one compared; ``fib_py_duration`` and ``fib_pyrs_duration``, in ms, ``None`` for an
implementation that was not asked for), then up to :data:`REPEATS` more calls within
:data:`REPEAT_BUDGET_S` seconds, whose median is ``fib_py_median`` / ``fib_pyrs_median`` (``None``
when the first call used up the budget) over ``fib_py_repeats`` / ``fib_pyrs_repeats`` calls.
The garbage collector is off during timed calls (as in timeit and the benchmark).

Results are compared by value (``==`` on the ints); a huge F(n) is never turned into a decimal
string (CPython's ``str()`` of F(10**7) takes about a minute): the reply carries its bit length,
its number of decimal digits and its last 20 digits.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import math
import os
import re
import sys
import time
from collections.abc import Callable, Generator, Iterator, Mapping
from types import ModuleType
from typing import Any

__all__ = [
    "ALGORITHMS",
    "IMPLEMENTATIONS",
    "LIMITS",
    "BadRequest",
    "Job",
    "WarmUp",
    "decimal_digits",
    "describe",
    "describe_json",
    "handle",
    "handle_json",
    "parse_n",
    "run",
    "warm_up",
]

#: Implementation name -> (module to import, prefix of its keys in the "complete" message:
#: ``<prefix>_duration``, ``<prefix>_median`` and ``<prefix>_repeats``).
IMPLEMENTATIONS: dict[str, tuple[str, str]] = {
    "fib_python": ("fib_python", "fib_py"),
    "fib_pyrs": ("fib_pyrs", "fib_pyrs"),
}

#: Algorithm name -> (function of the implementation modules, label for messages).
ALGORITHMS: dict[str, tuple[str, str]] = {
    "doubling": ("fib", "fast doubling"),
    "loop": ("fib_iter", "the addition loop"),
}

#: The page's limits on n. The libraries accept up to MAX_N (10**9), but a browser tab should
#: answer in seconds: fast doubling at 10**7 takes about a second or two in Pyodide, the O(n)
#: loop at 10**6 about half a minute (a long run can be cancelled from the page).
LIMITS: dict[str, int] = {"doubling": 10_000_000, "loop": 1_000_000}

LAST_DIGITS = 20

#: After the first call, at most this many more calls per implementation for the median ...
REPEATS = 5
#: ... and none once this many seconds have gone into the implementation's calls of the run.
REPEAT_BUDGET_S = 1.0

#: The one-time work of the page, done while it loads (:class:`WarmUp`): rounds of one whole
#: request per algorithm and n here, for every implementation, exactly as the page sends them
#: (the first call and the repeats, the comparison of the results, the JSON reply handed to
#: JavaScript). They pay what a first request in a fresh worker would otherwise pay: the browser
#: compiling each WebAssembly function a computation runs on its first call, and again, optimized,
#: once it is hot (in the background: a call gets faster only once that is done), fib_pyrs's
#: transform tables and the first growth of the memory. Measured in Chromium: warmed at 10**5
#: only, fib_pyrs's first call at 10**4 still took 5-10 times its later ones (slower than
#: fib_python's); warmed at both, it did not, nor at 3 * 10**4 or 10**6. Warmed with bare calls
#: (not whole requests), each of the first requests after loading still set off 100-200 ms of
#: optimizing compilation on the browser's background threads (per-thread CPU time; none with
#: V8's dynamic tiering off), which on a 2-core machine ran beside the timed calls and could make
#: fib_pyrs's 0.5 ms first call lose to fib_python's 1.7 ms. The loop at 3,000 rather than
#: 10,000: its calls run the same functions, and at 10,000 fib_python's six calls of a request
#: (8 ms each, warm) were most of every round; with 3,000 a warm reload's warm-up took 95 ms
#: instead of 150, and the first calls afterwards, the loop's at 10**5 included, did not change.
WARM_UP_N: dict[str, tuple[int, ...]] = {"doubling": (10_000, 100_000), "loop": (3_000,)}
#: At least this many rounds; then more while a round still makes some call faster by more than
#: WARM_UP_GAIN (the optimized code arriving), for at most WARM_UP_MAX_S seconds in all.
WARM_UP_MIN_ROUNDS = 3
WARM_UP_GAIN = 0.1
WARM_UP_MAX_S = 0.6

# Plain digits with optional Python-style underscores, or thousands groups separated by "," or " ".
_N_PATTERN = re.compile(r"[0-9]+(?:_[0-9]+)*|[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?: [0-9]{3})+")
_SEPARATORS = re.compile(r"[_, ]")
_MAX_N_DIGITS = 15  # longer inputs are over every limit; never int() an unbounded string


class BadRequest(ValueError):
    """A request that cannot run (bad n, unknown algorithm, ...); the message is for the user."""


Post = Callable[[dict[str, Any]], None]


def _shown(raw: object) -> str:
    text = repr(raw)
    return text if len(text) <= 40 else text[:37] + "..."


def parse_n(raw: object, algorithm: str = "doubling") -> int:
    """n from the form (a string as typed, or a JSON number), checked against the page's limit.

    Raises :class:`BadRequest` with a message meant for the user.
    """
    limit = LIMITS[_checked_algorithm(algorithm)]
    label = ALGORITHMS[algorithm][1]
    too_large = (
        f"is above this page's limit of {limit:,} for {label} "
        f"(the libraries accept up to MAX_N = 1,000,000,000)"
    )
    if isinstance(raw, bool) or raw is None:
        raise BadRequest(f"n must be a whole number, got {_shown(raw)}")
    if isinstance(raw, int):
        n = raw
    elif isinstance(raw, float):
        if not raw.is_integer():
            raise BadRequest(f"n must be a whole number, got {_shown(raw)}")
        if abs(raw) > 10**_MAX_N_DIGITS:
            raise BadRequest(f"n = {raw:g} {too_large}")
        n = int(raw)
    elif isinstance(raw, str):
        text = raw.strip()
        if not text:
            raise BadRequest("enter n, a whole number such as 100000")
        negative = text[0] in "-\N{MINUS SIGN}"
        body = text[1:].strip() if negative else text
        if not _N_PATTERN.fullmatch(body):
            raise BadRequest(f"n must be a whole number such as 100000, got {_shown(raw)}")
        digits = _SEPARATORS.sub("", body).lstrip("0") or "0"
        if len(digits) > _MAX_N_DIGITS:
            raise BadRequest(
                f"n ({len(digits)} digits) {too_large}"
                if not negative
                else f"n must be >= 0, got a {len(digits)}-digit negative number"
            )
        n = -int(digits) if negative else int(digits)
    else:
        raise BadRequest(f"n must be a whole number, got {_shown(raw)}")
    if n < 0:
        raise BadRequest(f"n must be >= 0, got n={n}")
    if n > limit:
        raise BadRequest(f"n = {n:,} {too_large}")
    return n


def _checked_algorithm(algorithm: object) -> str:
    if not isinstance(algorithm, str) or algorithm not in ALGORITHMS:
        known = ", ".join(ALGORITHMS)
        raise BadRequest(f"algorithm must be one of {known}, got {_shown(algorithm)}")
    return algorithm


def decimal_digits(x: int) -> int:
    """The number of decimal digits of x >= 0, without converting x to a string."""
    if x < 10:
        return 1
    estimate = math.log10(x)  # exact enough except right at a power of ten
    k = round(estimate)
    if abs(estimate - k) < 1e-6 * max(1.0, estimate):
        return k + 1 if x >= 10**k else k
    return int(estimate) + 1


_modules: dict[str, ModuleType | str] = {}


def _module(name: str) -> ModuleType | str:
    """The implementation's module, or the reason it could not be imported (cached)."""
    if name not in _modules:
        try:
            _modules[name] = importlib.import_module(IMPLEMENTATIONS[name][0])
        except Exception as exc:  # an ImportError, or a broken extension module
            _modules[name] = f"{type(exc).__name__}: {exc}"
    return _modules[name]


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a timed call runs, as timeit and the benchmark do:
    a collection due to what the worker allocated before would be charged to whichever call it
    happened to interrupt."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _median(values: list[float]) -> float:
    """The median (statistics.median, whose import pulls in decimal, fractions and random)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _version(module: ModuleType) -> str | None:
    """The installed version, from the ``<name>-<version>.dist-info`` directory beside the package.

    importlib.metadata would do, but importing it (email, zipfile, csv, ...) takes hundreds of
    milliseconds in Pyodide, while the page waits for "ready".
    """
    path = getattr(module, "__file__", None)
    if not isinstance(path, str):
        return None
    site_packages = os.path.dirname(os.path.dirname(os.path.abspath(path)))
    prefix = module.__name__.split(".")[0] + "-"
    try:
        entries = os.listdir(site_packages)
    except OSError:
        return None
    for entry in entries:
        if entry.startswith(prefix) and entry.endswith(".dist-info"):
            return entry[len(prefix) : -len(".dist-info")]
    return None


def describe() -> dict[str, Any]:
    """What the worker can do: sent to the page in the "ready" message."""
    implementations: dict[str, dict[str, Any]] = {}
    for name in IMPLEMENTATIONS:
        module = _module(name)
        if isinstance(module, str):
            implementations[name] = {"available": False, "error": module}
        else:
            implementations[name] = {
                "available": True,
                "version": _version(module),
                "max_n": getattr(module, "MAX_N", None),
            }
    return {
        "python": sys.version.split()[0],
        "platform": sys.platform,
        "implementations": implementations,
        "algorithms": {name: label for name, (_, label) in ALGORITHMS.items()},
        "limits": dict(LIMITS),
        "repeats": REPEATS,
        "repeat_budget_s": REPEAT_BUDGET_S,
        "warm_up_n": {algorithm: list(sizes) for algorithm, sizes in WARM_UP_N.items()},
    }


def run(request: Mapping[str, Any], post: Post | None = None) -> dict[str, Any]:
    """Runs one request and returns the "complete" message; raises BadRequest for a bad request.

    ``post`` receives a "running" message before each implementation starts.
    """
    steps = _run_steps(request, post or (lambda message: None))
    while True:
        try:
            next(steps)
        except StopIteration as done:
            complete: dict[str, Any] = done.value
            return complete


def _run_steps(request: Mapping[str, Any], post: Post) -> Generator[None, None, dict[str, Any]]:
    """:func:`run`, pausing (a ``yield``) after each "running" message, before that
    implementation's calls are timed; returns the "complete" message."""
    algorithm = _checked_algorithm(request.get("algorithm", "doubling"))
    n = parse_n(request.get("n"), algorithm)
    names = request.get("implementations", list(IMPLEMENTATIONS))
    if not isinstance(names, (list, tuple)) or not names:
        raise BadRequest("choose at least one implementation")
    unknown = [name for name in names if name not in IMPLEMENTATIONS]
    if unknown:
        raise BadRequest(f"unknown implementation {_shown(unknown[0])}")
    names = [name for name in IMPLEMENTATIONS if name in names]  # fixed order, no duplicates
    modules: dict[str, ModuleType] = {}
    for name in names:
        module = _module(name)
        if isinstance(module, str):
            raise BadRequest(f"{name} is not available in this runtime ({module})")
        modules[name] = module

    message: dict[str, Any] = {
        "status": "complete",
        "n": n,
        **{f"{prefix}_duration": None for _, prefix in IMPLEMENTATIONS.values()},
        **{
            f"{prefix}_{key}": None
            for _, prefix in IMPLEMENTATIONS.values()
            for key in ("median", "repeats")
        },
    }
    values: dict[str, int] = {}
    function = ALGORITHMS[algorithm][0]
    for name in names:
        post(
            {
                "status": "running",
                "id": request.get("id"),
                "n": n,
                "implementation": name,
                "algorithm": algorithm,
            }
        )
        yield
        compute = getattr(modules[name], function)
        with _gc_paused():
            start = time.perf_counter()
            values[name] = compute(n)
            first_s = time.perf_counter() - start
            repeats: list[float] = []
            spent = first_s
            while len(repeats) < REPEATS and spent < REPEAT_BUDGET_S:
                start = time.perf_counter()
                compute(n)
                repeats.append(time.perf_counter() - start)
                spent += repeats[-1]
        prefix = IMPLEMENTATIONS[name][1]
        message[f"{prefix}_duration"] = first_s * 1000.0
        message[f"{prefix}_median"] = _median(repeats) * 1000.0 if repeats else None
        message[f"{prefix}_repeats"] = len(repeats)

    first = values[names[0]]
    message.update(
        id=request.get("id"),
        algorithm=algorithm,
        implementations=names,
        # By value: == on two ints; None when only one implementation ran.
        agree=all(value == first for value in values.values()) if len(values) > 1 else None,
        bits=first.bit_length(),
        digits=decimal_digits(first),
        last_digits=str(first % 10**LAST_DIGITS),
        python=sys.version.split()[0],
    )
    if message["agree"] is False:
        message["mismatch"] = {
            name: {"bits": value.bit_length(), "last_digits": str(value % 10**LAST_DIGITS)}
            for name, value in values.items()
        }
    return message


def _handle_steps(request: object, post: Post) -> Iterator[None]:
    """:func:`handle`, pausing where :func:`_run_steps` does."""
    request_id = request.get("id") if isinstance(request, Mapping) else None
    try:
        if not isinstance(request, Mapping):
            raise BadRequest("a request must be a JSON object")
        post((yield from _run_steps(request, post)))
    except BadRequest as exc:
        post({"status": "error", "id": request_id, "kind": "bad-request", "message": str(exc)})
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # MemoryError, a Rust panic (PanicException is a BaseException)
        kind = type(exc).__name__
        post({"status": "error", "id": request_id, "kind": kind, "message": f"{kind}: {exc}"})


def _json_steps(raw: str, post_json: Callable[[str], object]) -> Iterator[None]:
    """:func:`handle_json`, pausing where :func:`_run_steps` does."""

    def post(message: dict[str, Any]) -> None:
        post_json(json.dumps(message))

    try:
        request = json.loads(raw)
    except ValueError as exc:
        post({"status": "error", "id": None, "kind": "bad-request", "message": f"bad JSON: {exc}"})
        return
    yield from _handle_steps(request, post)


def handle(request: Mapping[str, Any], post: Post) -> None:
    """Runs a request and posts the replies; every failure becomes an "error" message."""
    for _ in _handle_steps(request, post):
        pass


def handle_json(raw: str, post_json: Callable[[str], object]) -> None:
    """:func:`handle` for JavaScript: the request and every reply are JSON strings."""
    for _ in _json_steps(raw, post_json):
        pass


def describe_json() -> str:
    """:func:`describe` as a JSON string."""
    return json.dumps(describe())


class Job:
    """:func:`handle_json` one implementation at a time: each :meth:`step` but the last ends right
    after a "running" message, before that implementation is timed, so that the worker can wait
    until the page has drawn it (``while (job.step()) await the page's "drawn"``).

    Why: the page's drawing of a new status (style, layout, paint, raster, composite: several of
    the browser's threads, in three processes) would otherwise run beside the timed first call.
    Measured in Chromium on a 2-core machine (a scheduler trace): in 2 or 3 of every 15 requests
    those threads preempted the worker in the middle of fib_pyrs's 0.4 ms first call for 4-5 ms,
    so that it lost to fib_python's.
    """

    def __init__(self, raw: str, post_json: Callable[[str], object]) -> None:
        self._steps = _json_steps(raw, post_json)

    def step(self) -> bool:
        """Runs up to the next pause; returns whether there is more (a "running" was posted)."""
        return next(self._steps, StopIteration) is not StopIteration


class WarmUp:
    """The warm-up, one round per :meth:`step`, so that the worker can let the browser's
    background compiler run between rounds (``while (w.step()) await a macrotask``).

    ``post_json`` receives every reply as JSON, as :func:`handle_json`'s does (the worker passes
    a JavaScript function, so that crossing is warmed too); by default the replies are dropped.
    """

    def __init__(self, post_json: Callable[[str], object] | None = None) -> None:
        self.start = time.perf_counter()
        #: implementation -> algorithm -> n (as a string: JSON keys) -> ms of each first call
        self.times: dict[str, dict[str, dict[str, list[float]]]] = {}
        self.rounds = 0
        self.post_json = post_json

    def step(self) -> bool:
        """Runs one round; returns whether another round should follow."""
        faster = False
        names = [name for name in IMPLEMENTATIONS if not isinstance(_module(name), str)]
        replies: list[dict[str, Any]] = []

        def post(message: dict[str, Any]) -> None:
            text = json.dumps(message)
            if self.post_json is not None:
                self.post_json(text)
            replies.append(message)

        for algorithm, sizes in WARM_UP_N.items():
            for n in sizes:
                if not names:
                    continue
                handle({"id": None, "n": n, "algorithm": algorithm, "implementations": names}, post)
                done = replies[-1]
                if done["status"] != "complete":
                    raise RuntimeError(f"the warm-up's request failed: {done['message']}")
                for name in names:
                    by_n = self.times.setdefault(name, {}).setdefault(algorithm, {})
                    calls = by_n.setdefault(str(n), [])
                    calls.append(done[f"{IMPLEMENTATIONS[name][1]}_duration"])
                    if len(calls) > 1 and calls[-1] < (1.0 - WARM_UP_GAIN) * min(calls[:-1]):
                        faster = True
        self.rounds += 1
        if self.rounds < WARM_UP_MIN_ROUNDS:
            return True
        return faster and time.perf_counter() - self.start < WARM_UP_MAX_S

    def report(self) -> dict[str, Any]:
        """``{"n": WARM_UP_N, "rounds": ..., "ms": {implementation: {algorithm: {n: [ms of each
        call]}}}, "total_ms": ...}``: the page shows the first and the last call of each."""
        return {
            "n": {algorithm: list(sizes) for algorithm, sizes in WARM_UP_N.items()},
            "rounds": self.rounds,
            "ms": self.times,
            "total_ms": (time.perf_counter() - self.start) * 1000.0,
        }

    def report_json(self) -> str:
        """:meth:`report` as a JSON string."""
        return json.dumps(self.report())


def warm_up() -> dict[str, Any]:
    """The whole warm-up without pauses between rounds (on the host; the worker uses
    :class:`WarmUp` itself)."""
    warm = WarmUp()
    while warm.step():
        pass
    return warm.report()
